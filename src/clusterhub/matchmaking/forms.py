"""Forms of the participants' B2B pages. They clean input only; writes go through services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.events.models import Registration
from clusterhub.partnering.models import OpportunityKind

from .models import (
    Matchmaking,
    MatchmakingSession,
    MeetingSlot,
    Outcome,
    Participant,
    ParticipantType,
)

WHERE = [("onsite", _("On site")), ("remote", _("Remotely (video call)"))]


def _session_label(session: MatchmakingSession) -> str:
    tz = session.matchmaking.event.tz
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    return f"{session.title} · {start:%a %d %b %H:%M}–{end:%H:%M}"


def guess_type(types: list[ParticipantType], registration: Registration) -> ParticipantType | None:
    """The type to pre-select: the only one, or the one named like the kind of organisation."""
    if len(types) == 1:
        return types[0]
    kind = str(registration.get_organisation_kind_display()).casefold()
    for candidate in types:
        name = candidate.name.casefold()
        if name and (name in kind or kind in name):
            return candidate
    return None


def default_pitch(registration: Registration) -> str:
    """An example pitch from what the registration already says, shown in the empty box: the
    person writes their own (others choose whom to meet from it)."""
    organisation = registration.organisation
    if organisation is not None and organisation.description:
        text = organisation.description.strip()
        return text if len(text) <= 600 else text[:600].rsplit(" ", 1)[0] + " …"
    who = registration.job_title or ""
    org = registration.organisation_name or ""
    if who and org:
        return _("%(job)s at %(org)s.") % {"job": who, "org": org}
    return org


class OptInForm(forms.Form):
    """Taking part: everything pre-filled but the pitch, which each person writes (availability:
    every session ticked, on site; the type guessed from the registration)."""

    type = forms.ModelChoiceField(
        label=_("I take part as"),
        queryset=ParticipantType.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    pitch = forms.CharField(
        label=_("What I offer and what I look for"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Others decide whom to meet from this text: be concrete."),
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("I am available during"),
        queryset=MatchmakingSession.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    where = forms.ChoiceField(
        label=_("I meet"), choices=WHERE, initial="onsite", widget=forms.RadioSelect
    )
    max_meetings = forms.IntegerField(
        label=_("At most this many meetings"),
        min_value=1,
        max_value=200,
        required=False,
        help_text=_("Empty: as many as fit."),
    )
    preferred_slots = forms.ModelMultipleChoiceField(
        label=_("Times I prefer"),
        queryset=MeetingSlot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Your meetings go there first when the schedule allows; none: any time."),
    )
    joins_colleagues = forms.BooleanField(
        label=_("Colleagues of my organisation may bring me to their meetings"),
        required=False,
    )

    def __init__(
        self,
        *args,
        matchmaking: Matchmaking,
        registration: Registration,
        participant: Participant | None = None,
        **kwargs,
    ):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.matchmaking = matchmaking
        types = list(matchmaking.types.order_by("name"))
        sessions = list(matchmaking.sessions.select_related("matchmaking__event"))
        if types:
            self.fields["type"].queryset = matchmaking.types.order_by("name")
        else:
            del self.fields["type"]
        if sessions:
            self.fields["sessions"].queryset = matchmaking.sessions.all()
            self.fields["sessions"].label_from_instance = _session_label
        else:
            del self.fields["sessions"]
        if not matchmaking.remote_meetings:
            del self.fields["where"]
        slots = MeetingSlot.objects.filter(session__matchmaking=matchmaking).order_by("start")
        if slots.exists():
            self.fields["preferred_slots"].queryset = slots
            tz = matchmaking.event.tz
            self.fields["preferred_slots"].label_from_instance = lambda slot: (
                f"{slot.start.astimezone(tz):%d/%m %H:%M}–{slot.end.astimezone(tz):%H:%M}"
            )
        else:
            del self.fields["preferred_slots"]
        if participant is not None and participant.opted_in:
            self.initial.update(
                {
                    "type": participant.type_id,
                    "pitch": participant.pitch,
                    "sessions": [s.pk for s in participant.availability.all()],
                    "where": "remote" if participant.remote else "onsite",
                    "max_meetings": participant.max_meetings,
                    "preferred_slots": [s.pk for s in participant.preferred_slots.all()],
                    "joins_colleagues": participant.joins_colleagues,
                }
            )
        else:
            guessed = guess_type(types, registration) if types else None
            self.initial.update(
                {
                    "type": guessed.pk if guessed else None,
                    "pitch": participant.pitch if participant else "",
                    "sessions": [s.pk for s in sessions],
                    "where": "onsite",
                }
            )
        self.type_preselected = "type" in self.fields and self.initial.get("type") is not None
        example = default_pitch(registration)
        if example:
            self.fields["pitch"].widget.attrs["placeholder"] = _("For example: %(text)s") % {
                "text": example[:300]
            }

    @property
    def quick_fields(self) -> list:
        """Shown above the button: the pitch, which only the person can write, and the type,
        when it could not be guessed."""
        quick = []
        if "type" in self.fields and (not self.type_preselected or self["type"].errors):
            quick.append(self["type"])
        if not self.initial.get("pitch") or self["pitch"].errors:
            quick.append(self["pitch"])
        return quick

    @property
    def detail_fields(self) -> list:
        """Pre-filled, folded away under the one-click button."""
        quick = {f.name for f in self.quick_fields}
        return [f for f in self if f.name not in quick]

    @property
    def detail_errors(self) -> bool:
        return any(f.errors for f in self.detail_fields)

    def clean(self):
        data = super().clean()
        if "sessions" in self.fields and not data.get("sessions") and not self.errors:
            self.add_error(
                "sessions", _("Tick at least one session, or opt out of the B2B meetings.")
            )
        return data

    def opt_in_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "type": data.get("type"),
            "pitch": data.get("pitch", "").strip(),
            "sessions": list(data["sessions"]) if "sessions" in self.fields else None,
            "remote": data.get("where") == "remote",
            "max_meetings": data.get("max_meetings"),
            "preferred_slots": list(data.get("preferred_slots") or []),
            "joins_colleagues": bool(data.get("joins_colleagues")),
        }


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    type = forms.TypedChoiceField(label=_("Type"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, matchmaking: Matchmaking, countries: list[tuple[str, str]], **kw):
        kw.setdefault("label_suffix", "")
        super().__init__(*args, **kw)
        self.fields["type"].choices = [("", _("All types"))] + [
            (t.pk, t.name) for t in matchmaking.types.order_by("name")
        ]
        self.fields["country"].choices = [("", _("All countries"))] + countries

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "text": data.get("q", ""),
            "type_id": data.get("type"),
            "country": data.get("country") or None,
        }


class MarketplaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *OpportunityKind.choices]
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"text": data.get("q", ""), "kind": data.get("kind") or None}


class MarketplaceItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you would like to meet: it helps them say yes."),
    )
    long = forms.BooleanField(
        label=_("A double-length meeting (two slots in a row)"), required=False
    )
    colleagues = forms.ModelMultipleChoiceField(
        label=_("Colleagues who join"),
        queryset=Participant.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only colleagues who agreed to be brought to meetings are listed."),
    )

    def __init__(self, *args, matchmaking: Matchmaking | None = None, colleagues=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if matchmaking is None or not matchmaking.long_meetings:
            del self.fields["long"]
        if colleagues is not None and colleagues.exists():
            self.fields["colleagues"].queryset = colleagues
        else:
            del self.fields["colleagues"]

    def request_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "message": data.get("message", ""),
            "long": bool(data.get("long")),
            "colleagues": list(data.get("colleagues") or []),
        }


class ProposeSlotForm(forms.Form):
    slot = forms.ModelChoiceField(
        label=_("Another time"), queryset=None, empty_label=_("Choose a time")
    )

    def __init__(self, *args, slots: list, tz, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        from .models import MeetingSlot

        field = self.fields["slot"]
        field.queryset = MeetingSlot.objects.filter(pk__in=[s.pk for s in slots])
        field.label_from_instance = lambda slot: (
            f"{slot.start.astimezone(tz):%a %d %b, %H:%M}–{slot.end.astimezone(tz):%H:%M}"
        )
        # The options come from the slots given (no query per form); the queryset validates.
        field.choices = [("", field.empty_label)] + [
            (slot.pk, field.label_from_instance(slot)) for slot in slots
        ]


class RatingForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
