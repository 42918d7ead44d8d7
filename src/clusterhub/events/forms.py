"""Forms of the public event pages: the calendar filters and the registration form."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterhub.core.timezones import written
from clusterhub.reference.models import Country, Ecosystem
from clusterhub.registry.models import Organisation, OrganisationKind
from clusterhub.registry.selectors import organisations_named

from .models import Event, EventKind, QuestionKind, RegistrationQuestion, SessionKind

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class CalendarFilterForm(forms.Form):
    """The calendar's filters; every field optional, bad values are simply ignored."""

    when = forms.ChoiceField(
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))], required=False
    )
    q = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. hydrogen Lyon")}),
    )
    kind = forms.MultipleChoiceField(
        label=_("Type"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        empty_label=_("All countries"),
        to_field_name="code",
        widget=forms.Select(attrs={"style": "width: 100%"}),
    )
    region = forms.CharField(
        label=_("NUTS region"),
        required=False,
        max_length=5,
        help_text=_("A NUTS code or its beginning, e.g. FRK or FRK26."),
    )
    ecosystem = forms.ModelChoiceField(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.all(),
        required=False,
        empty_label=_("All ecosystems"),
        widget=forms.Select(attrs={"style": "width: 100%"}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    online = forms.BooleanField(label=_("Can be followed online"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # only the countries where public events take place
        from .selectors import public_events

        self.fields["country"].queryset = Country.objects.filter(
            code__in=public_events().exclude(country=None).values("country_id")
        )

    def clean_region(self) -> str:
        return "".join(ch for ch in self.cleaned_data.get("region", "") if ch.isalnum()).upper()

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.calendar_events`` (invalid fields left out)."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {name: value for name, value in data.items() if name not in self.errors}
        tz = timezone.get_current_timezone()

        def day_start(day: datetime.date | None) -> datetime.datetime | None:
            if day is None:
                return None
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

        date_to = valid.get("date_to")
        return {
            "when": valid.get("when") or "upcoming",
            "words": (valid.get("q") or "").split(),
            "kinds": valid.get("kind") or [],
            "countries": [valid["country"].code] if valid.get("country") else [],
            "regions": [valid["region"]] if valid.get("region") else [],
            "ecosystems": [valid["ecosystem"].slug] if valid.get("ecosystem") else [],
            "date_from": day_start(valid.get("date_from")),
            "date_to": day_start(date_to + datetime.timedelta(days=1)) if date_to else None,
            "online": bool(valid.get("online")),
        }

    def is_filtered(self) -> bool:
        if not self.is_bound:
            return False
        return any(
            value
            for name, value in self.cleaned_data.items()
            if name != "when" and name not in self.errors
        )


def find_organisation(name: str) -> Organisation | None:
    """The registry organisation with this legal name, else this short name, when exactly
    one matches."""
    found = organisations_named(name, keys=("legal_name__iexact", "short_name__iexact"))
    return found[0] if len(found) == 1 else None


class RegistrationForm(forms.Form):
    """The standard questions, then the organisers' own questions, then the consent."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"))
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        help_text=_("Its full name; we link it to its profile when it is on Clusterhub."),
    )
    organisation_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=[("", "—")] + OrganisationKind.choices
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), empty_label="—"
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs"),
        max_length=300,
        required=False,
        help_text=_("E.g. vegetarian, allergies."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=300,
        required=False,
        help_text=_("Anything that helps you take part: step-free access, a sign interpreter…"),
    )

    def __init__(self, *args, event: Event, user=None, **kwargs):
        self.event = event
        self.questions: list[RegistrationQuestion] = list(event.questions.all())
        super().__init__(*args, **kwargs)
        for question in self.questions:
            self.fields[self.question_field(question)] = self._question_field(question)
        if event.session_choice:
            self.fields["chosen_sessions"] = forms.ModelMultipleChoiceField(
                label=_("The sessions I will attend"),
                queryset=event.sessions.exclude(kind=SessionKind.BREAK).order_by("start", "id"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("It helps the organisers plan the rooms; you can change it later."),
            )
            tz = event.tz
            self.fields["chosen_sessions"].label_from_instance = lambda s: (
                f"{written(s.start, tz)} – {s.title}"
            )
        self.fields["listing_consent"] = forms.BooleanField(
            label=_("List me in the participants' booklet and the participant list"),
            label_suffix="",
            required=False,
            initial=False,
            help_text=_(
                "Your name, job title, organisation and country are shown to the other "
                "participants and to the organisers of this event, and to nobody else. You can "
                "change your mind on your ticket page at any time."
            ),
        )
        if user is not None and user.is_authenticated:
            # The registration belongs to the account: its address, shown and not editable
            # (a disabled field ignores what is posted).
            self.fields["email"].disabled = True
            self.fields["email"].initial = user.email
            self.fields["email"].help_text = _(
                "Your account's address: your ticket and the organisers' messages go there."
            )
            if not self.is_bound:
                self._prefill(user)

    @staticmethod
    def question_field(question: RegistrationQuestion) -> str:
        return f"question_{question.pk}"

    def _question_field(self, question: RegistrationQuestion) -> forms.Field:
        errors = {"required": _("“%(q)s” needs an answer.") % {"q": question.label}}
        common = {"label": question.label, "required": question.required, "error_messages": errors}
        if question.kind == QuestionKind.CHOICE:
            choices = [(c, c) for c in question.choice_list]
            if len(choices) <= 5:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.ChoiceField(choices=[("", "—"), *choices], **common)
        if question.kind == QuestionKind.YES_NO:
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common)

    def _prefill(self, user) -> None:
        self.initial.setdefault("first_name", user.first_name)
        self.initial.setdefault("last_name", user.last_name)
        self.initial.setdefault("email", user.email)
        person = getattr(user, "person", None)
        org = getattr(person, "organisation", None) if person is not None else None
        if org is not None:
            self.initial.setdefault("organisation_name", org.legal_name)
            self.initial.setdefault("organisation_kind", org.kind)
            self.initial.setdefault("country", org.country_id)
            if person.role:
                self.initial.setdefault("job_title", person.role)

    @property
    def question_fields(self):
        return [self[self.question_field(q)] for q in self.questions]

    @property
    def session_fields(self):
        return [self["chosen_sessions"]] if "chosen_sessions" in self.fields else []

    def chosen_sessions(self) -> list | None:
        """The sessions ticked, or None when the event does not ask."""
        if "chosen_sessions" not in self.fields:
            return None
        return list(self.cleaned_data.get("chosen_sessions") or [])

    @property
    def standard_fields(self):
        skip = {self.question_field(q) for q in self.questions} | {
            "listing_consent",
            "chosen_sessions",
        }
        return [field for field in self if field.name not in skip]

    @property
    def consent_fields(self):
        return [self["listing_consent"]]

    def answers(self) -> dict[str, str]:
        """The answers to the organisers' questions, keyed by question id (as the services want)."""
        return {
            str(q.pk): self.cleaned_data.get(self.question_field(q)) or "" for q in self.questions
        }

    def details(self) -> dict:
        """The Registration fields for ``services.register_participant``."""
        data = self.cleaned_data
        name = " ".join(data["organisation_name"].split())
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "email": data["email"],
            "job_title": data.get("job_title", "").strip(),
            "organisation_name": name,
            "organisation": find_organisation(name),
            "organisation_kind": data["organisation_kind"],
            "country": data["country"],
            "dietary_needs": data.get("dietary_needs", "").strip(),
            "accessibility_needs": data.get("accessibility_needs", "").strip(),
            "listing_consent": bool(data.get("listing_consent")),
        }


class ConsentForm(forms.Form):
    listing_consent = forms.BooleanField(
        label=_("List me in the participants' booklet and the participant list"),
        label_suffix="",
        required=False,
    )
