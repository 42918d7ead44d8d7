"""Forms of the organisers' B2B screens.

Times are typed in the event's own time zone (as on the events screens): the form fields give
naive local datetimes that :func:`clusterhub.events.forms_manage.localise` makes aware. Breaks
are typed as ``17:10–17:20`` lines and stored as local ISO times, which
``services.make_slots`` reads in the event's time zone.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.events.forms_manage import LocalDateTimeField, _localise_fields, as_local

from . import services
from .models import Matchmaking, MatchmakingSession, MeetingSlot, Participant, ParticipantType

MEETING_LENGTHS = (15, 20, 30)


class MatchmakingForm(forms.ModelForm):
    meeting_minutes = forms.IntegerField(
        label=_("Meeting length (minutes)"),
        min_value=5,
        max_value=240,
        initial=20,
        widget=forms.NumberInput(attrs={"list": "meeting-lengths", "step": 5}),
        help_text=_("Usually 15, 20 or 30 minutes; any length of 5 minutes or more."),
    )
    request_deadline = LocalDateTimeField(
        label=_("Request deadline"), required=False, help_text=_("Empty: until the event.")
    )

    class Meta:
        model = Matchmaking
        fields = [
            "meeting_minutes",
            "tables",
            "remote_meetings",
            "request_cap",
            "request_deadline",
            "pending_expiry_days",
            "max_meetings_per_session",
            "long_meetings",
            "same_organisation_meetings",
        ]
        help_texts = {
            "tables": _(
                "Tables in the meeting area. Exhibitors meet at their own table or booth, "
                "set on the participants' page."
            ),
            "request_cap": _("Empty: no limit."),
            "pending_expiry_days": _(
                "Unanswered requests stop blocking anyone after this many days; 0: never."
            ),
            "max_meetings_per_session": _("Empty: no limit. Each person may also set their own."),
            "same_organisation_meetings": _(
                "Off: people of one organisation cannot ask each other, and the scheduler never "
                "puts them together."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tz = self.instance.event.tz
        self.fields["request_deadline"].help_text = _(
            "Local time in %(tz)s. Empty: until the event."
        ) % {"tz": self.instance.event.timezone}
        if self.instance.pk:
            self.initial["request_deadline"] = as_local(self.instance.request_deadline, self.tz)

    def clean(self):
        data = super().clean()
        _localise_fields(self, self.tz, ("request_deadline",))
        return data


BREAK_LINE = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*(?:-|–|—|to)\s*(\d{1,2})[:.h](\d{2})\s*$")


def parse_breaks(text: str, day: dt.date) -> list[list[str]]:
    """``"17:10–17:20"`` lines → ``[["2027-10-13T17:10", "2027-10-13T17:20"]]`` (local)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = BREAK_LINE.match(line)
        if not match:
            raise forms.ValidationError(
                _("Line %(n)d: write a break as 17:10–17:20."), params={"n": number}
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)d: %(line)s is not a time of day."),
                params={"n": number, "line": line.strip()},
            ) from None
        if end <= start:
            raise forms.ValidationError(
                _("Line %(n)d: a break ends after it starts."), params={"n": number}
            )
        out.append(
            [
                dt.datetime.combine(day, start).isoformat(timespec="minutes"),
                dt.datetime.combine(day, end).isoformat(timespec="minutes"),
            ]
        )
    return sorted(out)


def breaks_text(session: MatchmakingSession) -> str:
    lines = []
    for start, end in services._breaks(session):
        tz = session.matchmaking.event.tz
        lines.append(f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}")
    return "\n".join(lines)


class SessionForm(forms.ModelForm):
    start = LocalDateTimeField(label=_("Start"))
    end = LocalDateTimeField(label=_("End"))
    breaks_text = forms.CharField(
        label=_("Breaks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "17:10–17:20"}),
        help_text=_("One per line, e.g. 17:10–17:20. No meeting overlaps a break."),
    )

    class Meta:
        model = MatchmakingSession
        fields = ["title", "start", "end"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.instance.matchmaking.event
        self.tz = event.tz
        self.fields["start"].help_text = _("Local time in %(tz)s.") % {"tz": event.timezone}
        if self.instance.pk:
            self.initial["start"] = as_local(self.instance.start, self.tz)
            self.initial["end"] = as_local(self.instance.end, self.tz)
            self.initial["breaks_text"] = breaks_text(self.instance)

    def clean(self):
        data = super().clean()
        start = data.get("start")
        _localise_fields(self, self.tz, ("start", "end"))
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("A session ends after it starts."))
        if start is not None and "breaks_text" in data:
            try:
                data["breaks"] = parse_breaks(data["breaks_text"], start.date())
            except forms.ValidationError as error:
                self.add_error("breaks_text", error)
        return data

    def save(self, commit=True):
        self.instance.breaks = self.cleaned_data.get("breaks", [])
        return super().save(commit=commit)


class VideoLinksForm(forms.Form):
    pattern = forms.CharField(
        label=_("Video room address"),
        max_length=180,
        initial=services.DEFAULT_VIDEO_PATTERN,
        help_text=_(
            "Each remote meeting gets its own room: {meeting} is its number, {event} the "
            "event's address, {token} a random part that strangers cannot guess."
        ),
    )
    overwrite = forms.BooleanField(
        label=_("Replace the links already given"), required=False, initial=False
    )


class TypeForm(forms.Form):
    name = forms.CharField(label=_("New participant type"), max_length=100)


class ParticipantSetupForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=ParticipantType.objects.none(), required=False
    )
    fixed_table = forms.CharField(
        label=_("Own table or booth"),
        max_length=40,
        required=False,
        help_text=_("Exhibitors: all their meetings take place there."),
    )

    def __init__(self, *args, matchmaking: Matchmaking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = matchmaking.types.order_by("name")


class SlotChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, tz=None, **kwargs):
        self.tz = tz
        super().__init__(*args, **kwargs)

    def label_from_instance(self, slot: MeetingSlot) -> str:
        start, end = slot.start.astimezone(self.tz), slot.end.astimezone(self.tz)
        return f"{start:%a %d/%m %H:%M}–{end:%H:%M} · {slot.session.title}"


class MoveForm(forms.Form):
    slot = SlotChoiceField(
        label=_("Slot"),
        queryset=MeetingSlot.objects.none(),
        required=False,
        empty_label=_("Not scheduled"),
    )
    table = forms.CharField(
        label=_("Table"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"list": "table-names", "autocomplete": "off"}),
        help_text=_("Empty for a remote meeting."),
    )
    locked = forms.BooleanField(
        label=_("Locked: the scheduler leaves it where it is"), required=False
    )

    def __init__(self, *args, matchmaking: Matchmaking, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].tz = matchmaking.event.tz
        self.fields["slot"].queryset = (
            MeetingSlot.objects.filter(session__matchmaking=matchmaking)
            .select_related("session")
            .order_by("start")
        )


class VideoUrlForm(forms.Form):
    video_url = forms.URLField(label=_("Video link"), max_length=200, required=False)


def participant_label(participant: Participant) -> str:
    registration = participant.registration
    organisation = registration.organisation_name
    return f"{registration.name} ({organisation})" if organisation else registration.name
