"""Forms of the organisers' screens.

Dates and times are typed in the event's own time zone: the form fields give naive local
datetimes and :func:`localise` makes them aware with :mod:`zoneinfo`. Organisations and people
are named in text fields and looked up in the registry (never a select of the whole registry).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from functools import cache

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from clusterhub.core.forms import LocalDateTimeField
from clusterhub.reference.models import Country, NutsRegion
from clusterhub.registry.forms import organisation_field_value
from clusterhub.registry.models import Organisation, Person

from .models import Event, Material, RegistrationQuestion, RegistrationStatus, Session

# The zones European events use, roughly west to east; every other IANA name is offered after.
EUROPEAN_TIMEZONES = [
    "Atlantic/Azores",
    "Atlantic/Canary",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Europe/London",
    "Atlantic/Reykjavik",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Amsterdam",
    "Europe/Luxembourg",
    "Europe/Berlin",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Rome",
    "Europe/Madrid",
    "Europe/Malta",
    "Europe/Copenhagen",
    "Europe/Oslo",
    "Europe/Stockholm",
    "Europe/Prague",
    "Europe/Bratislava",
    "Europe/Warsaw",
    "Europe/Budapest",
    "Europe/Ljubljana",
    "Europe/Zagreb",
    "Europe/Belgrade",
    "Europe/Sarajevo",
    "Europe/Podgorica",
    "Europe/Skopje",
    "Europe/Tirane",
    "Europe/Helsinki",
    "Europe/Tallinn",
    "Europe/Riga",
    "Europe/Vilnius",
    "Europe/Athens",
    "Europe/Sofia",
    "Europe/Bucharest",
    "Europe/Chisinau",
    "Europe/Kyiv",
    "Asia/Nicosia",
    "Europe/Istanbul",
    "UTC",
]


@cache
def timezone_choices() -> list:
    known = zoneinfo.available_timezones()
    common = [(name, name.replace("_", " ")) for name in EUROPEAN_TIMEZONES if name in known]
    others = sorted(known - set(EUROPEAN_TIMEZONES))
    return [
        (_("Europe"), common),
        (_("All time zones"), [(name, name.replace("_", " ")) for name in others]),
    ]


def localise(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The naive local ``value`` in zone ``tz`` as an aware datetime; an error if the clock
    skips that time (the spring change). An ambiguous autumn time is the first of the two."""
    if value is None:
        return None
    aware = value.replace(tzinfo=tz, fold=0)
    if aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != value:
        raise forms.ValidationError(
            _("%(time)s does not exist in %(tz)s (the clocks change that night)."),
            params={"time": date_format(value, "DATETIME_FORMAT"), "tz": tz.key},
        )
    return aware


def as_local(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    return value.astimezone(tz).replace(tzinfo=None) if value is not None else None


def _localise_fields(form, tz, names) -> None:
    for name in names:
        if form.cleaned_data.get(name) is None:
            continue
        try:
            form.cleaned_data[name] = localise(form.cleaned_data[name], tz)
        except forms.ValidationError as error:
            form.add_error(name, error)


# Registry look-ups ---------------------------------------------------------------------------


def find_organisation(text: str) -> Organisation:
    """An organisation named as in the registry (name, short name, address or PIC)."""
    return organisation_field_value(text)


def _name_query(text: str) -> Q:
    words = text.split()
    query = Q(pk__in=[])
    for i in range(1, len(words)):
        query |= Q(first_name__iexact=" ".join(words[:i]), last_name__iexact=" ".join(words[i:]))
    return query


def find_person(text: str, organisation: Organisation | None = None) -> Person:
    """A person of the registry by e-mail or by name ("First Last"); the organisation settles
    between namesakes."""
    text = text.strip()
    people = Person.objects.select_related("organisation")
    people = people.filter(email__iexact=text) if "@" in text else people.filter(_name_query(text))
    found = list(people[:5])
    if len(found) > 1 and organisation is not None:
        found = [p for p in found if p.organisation_id == organisation.pk]
    if not found:
        raise forms.ValidationError(
            _("Nobody called “%(text)s” in the registry: check the spelling or add them below."),
            params={"text": text},
        )
    if len(found) > 1:
        raise forms.ValidationError(
            _("Several people are called “%(text)s”: give their e-mail or their organisation."),
            params={"text": text},
        )
    return found[0]


def _suggest_attrs(kind: str) -> dict:
    """Names from the registry offered while typing (htmx fills a <datalist>)."""
    return {
        "list": f"{kind}-names",
        "autocomplete": "off",
        "hx-get": f"?suggest={kind}",
        "hx-trigger": "input changed delay:300ms",
        "hx-target": f"#{kind}-names",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    }


class OrganisationField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "help_text", _("Its name as in the registry, its address on Clusterhub, or its PIC.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(_suggest_attrs("organisation"))

    def prepare_value(self, value):
        if isinstance(value, Organisation):
            return value.legal_name
        if isinstance(value, int):
            org = Organisation.objects.filter(pk=value).only("legal_name").first()
            return org.legal_name if org else ""
        return value

    # The organisation already chosen: its name stays valid even if a namesake appears.
    current: Organisation | None = None

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        if self.current is not None and text.strip().lower() == self.current.legal_name.lower():
            return self.current
        return find_organisation(text)


# Events --------------------------------------------------------------------------------------


class EventForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        initial="Europe/Brussels",
        help_text=_("Dates and times below are in this time zone."),
    )
    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    registration_opens = LocalDateTimeField(
        label=_("Registration opens"), required=False, help_text=_("Empty: as soon as published.")
    )
    registration_closes = LocalDateTimeField(
        label=_("Registration closes"), required=False, help_text=_("Empty: when the event ends.")
    )
    host = OrganisationField(label=_("Hosting organisation"), required=False)
    co_organisers = forms.CharField(
        label=_("Co-organisers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One organisation per line: name, address on Clusterhub or PIC."),
    )
    nuts_region = forms.CharField(
        label=_("NUTS region code"),
        required=False,
        max_length=5,
        help_text=_("E.g. FRK26 for Rhône."),
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "topic",
            "target_audience",
            "description",
            "host",
            "co_organisers",
            "context",
            "venue",
            "address",
            "city",
            "country",
            "nuts_region",
            "online_url",
            "timezone",
            "start",
            "end",
            "languages",
            "interpretation",
            "capacity",
            "registration_opens",
            "registration_closes",
            "requires_approval",
            "session_choice",
            "status",
            "ecosystems",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "ecosystems": forms.CheckboxSelectMultiple,
        }

    LOCAL_FIELDS = ("start", "end", "registration_opens", "registration_closes")
    current_co_organisers: dict[str, Organisation] = {}
    GROUPS = [
        (
            _("The event"),
            "title kind topic target_audience description host co_organisers context ecosystems",
        ),
        (_("Place"), "venue address city country nuts_region online_url"),
        (_("Dates"), "timezone start end languages interpretation"),
        (
            _("Registration"),
            "capacity registration_opens registration_closes requires_approval session_choice "
            "status",
        ),
    ]

    def groups(self):
        """The fields under their headings, for the template."""
        return [(title, [self[name] for name in names.split()]) for title, names in self.GROUPS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance
        if event.pk:
            tz = event.tz
            for name in self.LOCAL_FIELDS:
                self.initial[name] = as_local(getattr(event, name), tz)
            self.initial["nuts_region"] = event.nuts_region_id or ""
            self.fields["host"].current = event.host
            self.initial["host"] = event.host.legal_name if event.host_id else ""
            self.current_co_organisers = {
                org.legal_name.lower(): org for org in event.co_organisers.order_by("legal_name")
            }
            self.initial["co_organisers"] = "\n".join(
                org.legal_name for org in self.current_co_organisers.values()
            )

    def clean_co_organisers(self):
        organisations, errors = [], []
        for line in self.cleaned_data["co_organisers"].splitlines():
            if not line.strip():
                continue
            try:
                org = self.current_co_organisers.get(line.strip().lower()) or find_organisation(
                    line
                )
            except forms.ValidationError as error:
                errors.append(error)
            else:
                if org not in organisations:
                    organisations.append(org)
        if errors:
            raise forms.ValidationError(errors)
        return organisations

    def clean_nuts_region(self):
        code = (self.cleaned_data.get("nuts_region") or "").strip().upper()
        if not code:
            return None
        region = NutsRegion.objects.filter(code=code).only("code", "country_id").first()
        if region is None:
            raise forms.ValidationError(_("Unknown NUTS code “%(code)s”."), params={"code": code})
        return region

    def clean(self):
        data = super().clean()
        if data.get("timezone"):
            _localise_fields(self, zoneinfo.ZoneInfo(data["timezone"]), self.LOCAL_FIELDS)
        else:  # no time zone, no moment in time: the model is not given naive datetimes
            for name in self.LOCAL_FIELDS:
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The event ends after it starts."))
        opens, closes = data.get("registration_opens"), data.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("Registration closes after it opens."))
        if closes and end and closes > end:
            self.add_error("registration_closes", _("Registration closes by the end of the event."))
        region, country = data.get("nuts_region"), data.get("country")
        if region and country and region.country_id != country.pk:
            self.add_error(
                "nuts_region",
                _("NUTS region %(code)s is not in %(country)s.")
                % {"code": region.code, "country": country},
            )
        if not (data.get("venue") or data.get("city") or data.get("online_url")):
            self.add_error("venue", _("Give a venue and city, or an online link."))
        return data

    def _save_m2m(self):
        # The co-organisers and ecosystems are set by services.save_event.
        pass


class SummaryForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["outcomes", "recommendations", "summary_published"]
        widgets = {
            "outcomes": forms.Textarea(attrs={"rows": 8}),
            "recommendations": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "summary_published": _(
                "The summary page shows the outcomes, recommendations and published materials."
            )
        }


# Agenda --------------------------------------------------------------------------------------


class PersonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)
        self.widget.attrs.update(_suggest_attrs("person"))


class SessionForm(forms.ModelForm):
    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    chair = PersonField(
        label=_("Chair"),
        required=False,
        help_text=_("A person of the registry: their name or e-mail."),
    )

    class Meta:
        model = Session
        fields = ["title", "kind", "start", "end", "room", "chair", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, event: Event, **kwargs):
        self.event = event
        super().__init__(*args, **kwargs)
        tz = event.tz
        self.fields["start"].help_text = _("Local time in %(tz)s.") % {"tz": event.timezone}
        if self.instance.pk:
            self.initial["start"] = as_local(self.instance.start, tz)
            self.initial["end"] = as_local(self.instance.end, tz)
            self.initial["chair"] = str(self.instance.chair) if self.instance.chair_id else ""
        else:
            self.initial.setdefault("start", as_local(event.start, tz))

    def clean_chair(self):
        text = self.cleaned_data["chair"].strip()
        if not text:
            return None
        chair = self.instance.chair if self.instance.chair_id else None
        if chair is not None and text.lower() == str(chair).lower():
            return chair  # unchanged, even if a namesake has joined the registry since
        return find_person(text)

    def clean(self):
        data = super().clean()
        _localise_fields(self, self.event.tz, ("start", "end"))
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("A session ends after it starts."))
        return data


class SpeakerForm(forms.Form):
    person = PersonField(
        label=_("Person from the registry"),
        required=False,
        help_text=_("Their name (First Last) or e-mail. Someone new? Leave empty, fill in below."),
    )
    first_name = forms.CharField(label=_("First name (new person)"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name (new person)"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail (new person)"), required=False)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        required=False,
        help_text=_("Empty: the person's own organisation."),
        widget=forms.TextInput(attrs=_suggest_attrs("organisation")),
    )
    new_organisation_country = forms.ModelChoiceField(
        label=_("Country of a new organisation"),
        queryset=Country.objects.all(),
        required=False,
        empty_label="—",
        help_text=_(
            "When the organisation is not in the registry yet: its country, and it is added "
            "with the speaker."
        ),
    )
    public_consent = forms.BooleanField(
        label=_("The new person agrees to be listed publicly"),
        required=False,
        help_text=_("Their name and organisation then appear on the public pages and booklet."),
    )
    role = forms.CharField(label=_("Role in the session"), max_length=200, required=False)
    talk_title = forms.CharField(label=_("Talk title"), max_length=400, required=False)
    bio = forms.CharField(
        label=_("Short biography"),
        max_length=1500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the photo only when the person agreed to be listed publicly."),
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
    )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The photo is larger than 2 MB."))
        if photo and photo.image.format not in ("JPEG", "PNG", "WEBP"):
            raise forms.ValidationError(_("The photo must be a JPEG, PNG or WebP image."))
        return photo

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        name = " ".join((data.get("organisation") or "").split())
        data["organisation"], data["new_organisation"] = None, None
        if name:
            try:
                data["organisation"] = find_organisation(name)
            except forms.ValidationError as error:
                if error.code != "unknown":
                    self.add_error("organisation", error)
                elif data.get("new_organisation_country"):
                    data["new_organisation"] = (name, data["new_organisation_country"])
                else:
                    self.add_error(
                        "organisation",
                        _(
                            "No organisation “%(name)s” in the registry: give its country below "
                            "to add it with the speaker."
                        )
                        % {"name": name},
                    )
            if self.errors:
                return data
        new_person = data.get("first_name") or data.get("last_name")
        if data.get("person") and new_person:
            self.add_error("person", _("Pick someone from the registry or add a new person."))
        elif data.get("person"):
            try:
                data["found"] = find_person(data["person"], data.get("organisation"))
            except forms.ValidationError as error:
                self.add_error("person", error)
        elif new_person:
            for name in ("first_name", "last_name"):
                if not data.get(name):
                    self.add_error(name, _("Give the new person's first and last name."))
        else:
            self.add_error("person", _("Name a person from the registry or add a new person."))
        return data


# Materials -----------------------------------------------------------------------------------


class MaterialForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, slides (pptx, odp), documents (docx, odt, xlsx) or images; 50 MB at most."
        ),
    )

    class Meta:
        model = Material
        fields = ["title", "kind", "url", "session", "speaker", "published"]

    # The file is not a model field here: services.save_material checks and stores it.
    field_order = ["title", "kind", "file", "url", "session", "speaker", "published"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        self.fields["session"].queryset = event.sessions.order_by("start")
        self.fields["session"].label = _("Session")
        self.fields["session"].help_text = _("Empty: the event as a whole.")
        speakers = self.fields["speaker"]
        speakers.queryset = (
            speakers.queryset.filter(session__event=event)
            .select_related("person", "session")
            .order_by("session__start", "order")
        )
        speakers.label = _("Speaker")
        speakers.label_from_instance = lambda s: f"{s.person} — {s.session.title}"
        self.fields["published"].help_text = _("Visitors see published materials only.")

    def clean(self):
        data = super().clean()
        upload, url = data.get("file"), data.get("url")
        if upload and url:
            self.add_error("url", _("Upload a file or give a link, not both."))
        elif not upload and not url and "file" not in self.errors and "url" not in self.errors:
            self.add_error("file", _("Upload a file or give a link."))
        speaker, session = data.get("speaker"), data.get("session")
        if speaker and session and speaker.session_id != session.pk:
            self.add_error("speaker", _("This speaker does not speak in that session."))
        return data


# Registrations -------------------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["label", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"choices": _("For a choice question: one choice per line.")}


class RegistrationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + list(RegistrationStatus.choices),
    )
    q = forms.CharField(label=_("Name or organisation"), required=False, max_length=100)


TICKET_IN_URL = re.compile(r"/tickets/([^/?#\s]+)")


class CheckInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=500,
        help_text=_("Scan the QR code, or type or paste the code or the ticket's address."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )

    def clean_code(self):
        text = self.cleaned_data["code"].strip()
        match = TICKET_IN_URL.search(text)
        return match.group(1) if match else text


class OrganiserForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Nobody has an account with %(email)s: ask them to sign up first."),
                params={"email": email},
            )
        return user
