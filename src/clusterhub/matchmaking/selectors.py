"""Read queries of B2B matchmaking used by the participant pages, the e-mails and the outputs.

Participants see one another only once opted in: opting in is the consent to be shown (name,
organisation, country, type, pitch, marketplace items) to the event's other B2B participants.
Participants see the schedule only as the organisers published it (``published_slot`` and
``published_table``), never the working copy the scheduler writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clusterhub.events.models import Event, Registration, RegistrationStatus
from clusterhub.reference.names import country_name

from .models import (
    OPEN_STATUSES,
    Booking,
    MarketplaceItem,
    Matchmaking,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    RequestStatus,
    ScheduleState,
)

PARTICIPANT_RELATED = (
    "registration",
    "registration__country",
    "registration__organisation",
    "type",
)


def confirmed_registration(user, event: Event) -> Registration | None:
    """The user's confirmed registration for the event, if any."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user, status=RegistrationStatus.CONFIRMED)
        .select_related("country", "organisation")
        .order_by("-created")
        .first()
    )


def participant_of(registration: Registration) -> Participant | None:
    return (
        Participant.objects.filter(registration=registration)
        .select_related("matchmaking", "type")
        .first()
    )


def visible_participants(matchmaking: Matchmaking) -> QuerySet[Participant]:
    """Opted-in participants whose registration is still confirmed."""
    return (
        Participant.objects.filter(
            matchmaking=matchmaking,
            opted_in=True,
            registration__status=RegistrationStatus.CONFIRMED,
        )
        .select_related(*PARTICIPANT_RELATED)
        .order_by("registration__last_name", "registration__first_name", "pk")
    )


def search_participants(
    matchmaking: Matchmaking,
    *,
    text: str = "",
    type_id: int | None = None,
    country: str | None = None,
    exclude: Participant | None = None,
) -> QuerySet[Participant]:
    """Opted-in participants filtered by type, country and every word of ``text`` (name,
    organisation, country, type, pitch)."""
    people = visible_participants(matchmaking)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    if type_id:
        people = people.filter(type_id=type_id)
    if country:
        people = people.filter(registration__country_id=country)
    for word in text.split()[:8]:
        people = people.filter(
            Q(registration__first_name__icontains=word)
            | Q(registration__last_name__icontains=word)
            | Q(registration__organisation_name__icontains=word)
            | Q(registration__organisation__legal_name__icontains=word)
            | Q(registration__country__name__icontains=word)
            | Q(type__name__icontains=word)
            | Q(pitch__icontains=word)
        )
    return people


def participant_countries(matchmaking: Matchmaking) -> list[tuple[str, str]]:
    """(code, name) of the countries of the opted-in participants, for the filter."""
    rows = (
        visible_participants(matchmaking)
        .order_by()
        .values_list("registration__country_id", "registration__country__name")
        .distinct()
    )
    named = {(code, country_name(code, name)) for code, name in rows}
    return sorted(named, key=lambda row: row[1])


def marketplace_items(
    matchmaking: Matchmaking, *, text: str = "", kind: str | None = None
) -> QuerySet[MarketplaceItem]:
    items = (
        MarketplaceItem.objects.filter(
            participant__matchmaking=matchmaking,
            participant__opted_in=True,
            participant__registration__status=RegistrationStatus.CONFIRMED,
        )
        .select_related(*(f"participant__{name}" for name in PARTICIPANT_RELATED))
        .order_by("-created", "-pk")
    )
    if kind:
        items = items.filter(kind=kind)
    for word in text.split()[:8]:
        items = items.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(participant__registration__organisation_name__icontains=word)
            | Q(participant__registration__last_name__icontains=word)
        )
    return items


def open_requests_with(participant: Participant) -> dict[int, MeetingRequest]:
    """The participant's pending or accepted request with each other participant, by their pk."""
    requests = MeetingRequest.objects.filter(
        Q(sender=participant) | Q(recipient=participant), status__in=OPEN_STATUSES
    ).only("pk", "sender_id", "recipient_id", "status", "proposed_slot_id")
    return {(r.recipient_id if r.sender_id == participant.pk else r.sender_id): r for r in requests}


def requests_sent_count(participant: Participant) -> int:
    """What counts towards the cap: requests sent that are pending or accepted."""
    return participant.sent_requests.filter(status__in=OPEN_STATUSES).count()


def _request_rows(requests: QuerySet[MeetingRequest]) -> QuerySet[MeetingRequest]:
    return requests.select_related(
        *(f"sender__{name}" for name in PARTICIPANT_RELATED),
        *(f"recipient__{name}" for name in PARTICIPANT_RELATED),
        "proposed_slot",
        "meeting",
    ).order_by("-created", "-pk")


def received_requests(participant: Participant) -> QuerySet[MeetingRequest]:
    return _request_rows(MeetingRequest.objects.filter(recipient=participant))


def sent_requests(participant: Participant) -> QuerySet[MeetingRequest]:
    return _request_rows(MeetingRequest.objects.filter(sender=participant))


def free_common_slots(a: Participant, b: Participant) -> list[MeetingSlot]:
    """Slots in sessions both are available for, where neither has a meeting yet."""
    return free_common_slots_with(a, [b])[b.pk]


def free_common_slots_with(
    participant: Participant, others: Iterable[Participant]
) -> dict[int, list[MeetingSlot]]:
    """:func:`free_common_slots` of ``participant`` with each of ``others`` (by their pk), in
    three queries however many others there are."""
    others = list(others)
    if not others:
        return {}
    ids = [other.pk for other in others]
    mine = list(
        MeetingSlot.objects.filter(session__matchmaking_id=participant.matchmaking_id)
        .filter(session__available_participants=participant)
        .exclude(pk__in=Booking.objects.filter(participant=participant).values("slot_id"))
        .select_related("session")
        .order_by("start", "pk")
    )
    sessions: dict[int, set[int]] = defaultdict(set)
    availability = Participant.availability.through.objects.filter(participant_id__in=ids)
    for other, session in availability.values_list("participant_id", "matchmakingsession_id"):
        sessions[other].add(session)
    busy: dict[int, set[int]] = defaultdict(set)
    bookings = Booking.objects.filter(participant_id__in=ids)
    for other, slot in bookings.values_list("participant_id", "slot_id"):
        busy[other].add(slot)
    return {
        pk: [s for s in mine if s.session_id in sessions[pk] and s.pk not in busy[pk]] for pk in ids
    }


# The personal agenda --------------------------------------------------------------------------


@dataclass
class AgendaEntry:
    """One meeting as one participant sees it in their published agenda."""

    meeting: Meeting
    other: Participant
    slot: MeetingSlot | None
    table: str
    changed: bool = False
    outcome: str = ""
    no_show: bool = False
    other_no_show: bool = False
    joined: list[Participant] = field(default_factory=list)  # colleagues who join

    @property
    def end(self):
        """When the meeting ends: a double-length meeting takes the next slot too."""
        if self.slot is None:
            return None
        if self.meeting.request.long:
            return self.slot.end + (self.slot.end - self.slot.start)
        return self.slot.end


def agenda_published(matchmaking: Matchmaking) -> bool:
    return matchmaking.schedule_state != ScheduleState.NOT_PUBLISHED


def _meetings_of(participant: Participant) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(
            Q(request__sender=participant)
            | Q(request__recipient=participant)
            | Q(request__colleagues=participant),
            request__status=RequestStatus.ACCEPTED,
        )
        .distinct()
        .prefetch_related("request__colleagues__registration")
        .select_related(
            "request",
            "published_slot",
            *(f"request__sender__{name}" for name in PARTICIPANT_RELATED),
            *(f"request__recipient__{name}" for name in PARTICIPANT_RELATED),
        )
        .order_by("published_slot__start", "published_table", "pk")
    )


def _entry(meeting: Meeting, participant: Participant) -> AgendaEntry:
    request = meeting.request
    mine_sent = request.recipient_id != participant.pk
    return AgendaEntry(  # a colleague who joins sits on the sender's side
        meeting=meeting,
        other=request.recipient if mine_sent else request.sender,
        slot=meeting.published_slot,
        table=meeting.published_table,
        outcome=meeting.sender_outcome if mine_sent else meeting.recipient_outcome,
        no_show=meeting.sender_no_show if mine_sent else meeting.recipient_no_show,
        other_no_show=meeting.recipient_no_show if mine_sent else meeting.sender_no_show,
        joined=[c for c in request.colleagues.all() if c.pk != participant.pk]
        + (
            [request.sender]
            if participant.pk not in (request.sender_id, request.recipient_id)
            else []
        ),
    )


def personal_agenda(participant: Participant) -> tuple[list[AgendaEntry], list[AgendaEntry]]:
    """(scheduled, not scheduled) accepted meetings as published; both empty before the
    organisers publish the agendas."""
    if not agenda_published(participant.matchmaking):
        return [], []
    scheduled, unscheduled = [], []
    for meeting in _meetings_of(participant):
        entry = _entry(meeting, participant)
        (scheduled if entry.slot is not None else unscheduled).append(entry)
    return scheduled, unscheduled


def agenda_fingerprint(entries: list[AgendaEntry]) -> dict[str, list]:
    """What the participant saw of each meeting, to tell them later what changed."""
    return {
        str(e.meeting.pk): [e.slot.pk if e.slot else None, e.table, e.meeting.video_url]
        for e in entries
    }


def mark_changes(entries: list[AgendaEntry], seen: dict[str, list] | None) -> int:
    """Flag the entries that differ from what the participant last saw; returns their count."""
    if not seen:
        return 0
    now = agenda_fingerprint(entries)
    changed = 0
    for entry in entries:
        key = str(entry.meeting.pk)
        if seen.get(key) != now[key]:
            entry.changed = True
            changed += 1
    return changed


def agenda_line(entry: AgendaEntry, tz) -> dict:
    """One agenda line for pages, print, calendars and e-mails: times in the event's zone,
    where (table or video link) and the other side."""
    other = entry.other
    registration = other.registration
    meeting = entry.meeting
    if meeting.remote:
        place = _("Video call") + (f": {meeting.video_url}" if meeting.video_url else "")
    else:
        place = _("Table %(table)s") % {"table": entry.table} if entry.table else ""
    organisation = registration.organisation
    return {
        "start": entry.slot.start.astimezone(tz) if entry.slot else None,
        "end": entry.end.astimezone(tz) if entry.slot else None,
        "place": place,
        "remote": meeting.remote,
        "video_url": meeting.video_url,
        "table": entry.table,
        "name": registration.name,
        "organisation": organisation.name if organisation else registration.organisation_name,
        "country": registration.country.label if registration.country_id else "",
        "type": other.type.name if other.type_id else "",
        "pitch": other.pitch,
        "changed": entry.changed,
        "joined": [person.registration.name for person in entry.joined],
    }


def agendas_by_participant(
    matchmaking: Matchmaking, meeting_ids: list[int] | None = None
) -> dict[int, tuple[Participant, list[AgendaEntry]]]:
    """Every participant's accepted meetings (as published) in one query, by participant pk;
    only the given meetings when ``meeting_ids`` is set."""
    meetings = (
        Meeting.objects.filter(matchmaking=matchmaking, request__status=RequestStatus.ACCEPTED)
        .select_related(
            "request",
            "published_slot",
            *(f"request__sender__{name}" for name in PARTICIPANT_RELATED),
            *(f"request__recipient__{name}" for name in PARTICIPANT_RELATED),
        )
        .prefetch_related(
            *(f"request__colleagues__{name}" for name in PARTICIPANT_RELATED),
        )
        .order_by("published_slot__start", "published_table", "pk")
    )
    if meeting_ids is not None:
        meetings = meetings.filter(pk__in=meeting_ids)
    out: dict[int, tuple[Participant, list[AgendaEntry]]] = {}
    for meeting in meetings:
        request = meeting.request
        for person in (request.sender, request.recipient, *request.colleagues.all()):
            out.setdefault(person.pk, (person, []))[1].append(_entry(meeting, person))
    return out


def held_meetings(participant: Participant) -> list[AgendaEntry]:
    """Meetings with a published slot, for rating and no-shows after the event."""
    return [
        _entry(m, participant)
        for m in _meetings_of(participant).filter(published_slot__isnull=False)
    ]


def participants_with_meetings(matchmaking: Matchmaking) -> QuerySet[Participant]:
    """Participants with at least one accepted meeting in the published agenda."""
    scheduled = Meeting.objects.filter(
        matchmaking=matchmaking,
        request__status=RequestStatus.ACCEPTED,
        published_slot__isnull=False,
    )
    return (
        Participant.objects.filter(
            Q(pk__in=scheduled.values("request__sender_id"))
            | Q(pk__in=scheduled.values("request__recipient_id"))
        )
        .select_related(*PARTICIPANT_RELATED)
        .order_by("registration__last_name", "registration__first_name", "pk")
    )


# Recommendations ------------------------------------------------------------------------------


def recommended_people(
    participant: Participant, k: int = 6
) -> list[tuple[Participant, float, list[str]]]:
    """People this participant should meet, best first: (participant, score, reasons).

    The partner recommender ranks the organisations of the other opted-in participants from
    this participant's pitch and organisation (its topics, its past projects and partners).
    """
    from clusterhub.partnering import recommendations

    own_org = participant.registration.organisation_id
    text = participant.pitch.strip()
    if not text and own_org is None:
        return []
    by_org: dict[int, list[Participant]] = {}
    for other in (
        Participant.objects.filter(
            matchmaking=participant.matchmaking,
            opted_in=True,
            registration__organisation__isnull=False,
        )
        .exclude(pk=participant.pk)
        .select_related(*PARTICIPANT_RELATED)
    ):
        by_org.setdefault(other.registration.organisation_id, []).append(other)
    if not by_org:
        return []
    found = recommendations.recommend(
        text, [own_org] if own_org else [], k=max(50, 5 * len(by_org))
    )
    out = []
    for item in found:
        for other in by_org.get(item["organisation"].pk, []):
            out.append((other, item["score"], item["reasons"]))
    return out[:k]


def workspace_of(user, now=None) -> dict:
    """For "My Clusterhub": the B2B meetings to come (published agendas) and the requests
    waiting for the user's answer, across the events where they take part."""
    from django.utils import timezone

    now = now or timezone.now()
    mine = Participant.objects.filter(registration__user=user)
    waiting = list(
        MeetingRequest.objects.filter(recipient__in=mine, status=RequestStatus.PENDING)
        .select_related("recipient__registration__event", *(f"sender__{name}" for name in
                                                            PARTICIPANT_RELATED))
        .order_by("-created")[:20]
    )  # fmt: skip
    meetings = list(
        Meeting.objects.filter(Q(request__sender__in=mine) | Q(request__recipient__in=mine),
                               request__status=RequestStatus.ACCEPTED,
                               published_slot__start__gte=now)
        .select_related("published_slot", "request__sender__registration__event",
                        *(f"request__sender__{name}" for name in PARTICIPANT_RELATED),
                        *(f"request__recipient__{name}" for name in PARTICIPANT_RELATED))
        .order_by("published_slot__start")[:20]
    )  # fmt: skip
    mine_ids = set(mine.values_list("pk", flat=True))
    return {
        "requests": [{"request": r, "event": r.recipient.registration.event} for r in waiting],
        "meetings": [{"meeting": m, "slot": m.published_slot,
                      "event": m.request.sender.registration.event,
                      "other": m.request.recipient if m.request.sender_id in mine_ids
                      else m.request.sender} for m in meetings],
    }  # fmt: skip


def insight_figures(organisation_ids=None, region: str | None = None, now=None) -> dict:
    """B2B meetings for a dashboard: accepted meetings, those held (their slot has passed and
    neither side was absent) and their outcomes (the better of the two answers)."""
    from django.db.models import Count
    from django.utils import timezone

    from .models import Outcome

    now = now or timezone.now()
    meetings = Meeting.objects.filter(request__status=RequestStatus.ACCEPTED)
    if organisation_ids is not None:
        from clusterhub.core.aggregates import among

        event = "request__sender__registration__event__"
        meetings = meetings.filter(
            among(f"{event}host_id", organisation_ids)
            | among(f"{event}co_organisers", organisation_ids)
        )
    if region:
        meetings = meetings.filter(
            request__sender__registration__event__nuts_region__code__startswith=region
        )
    held = meetings.filter(published_slot__start__lt=now, sender_no_show=False,
                           recipient_no_show=False)  # fmt: skip
    pairs = held.values_list("sender_outcome", "recipient_outcome").annotate(n=Count("id"))
    rank = {"": 0, Outcome.NONE: 1, Outcome.PLANNED: 2, Outcome.NEGOTIATION: 3,
            Outcome.AGREEMENT: 4}  # fmt: skip
    outcomes: dict[str, int] = {}
    for a, b, n in pairs.order_by():
        best = max(a, b, key=lambda v: rank.get(v, 0))
        outcomes[best] = outcomes.get(best, 0) + n
    labels = dict(Outcome.choices)
    return {
        "accepted": meetings.distinct().count(),
        "held": sum(outcomes.values()),
        "by_outcome": [(str(labels.get(k, k)) if k else "—", outcomes[k])
                       for k in ["agreement", "negotiation", "planned", "none", ""]
                       if outcomes.get(k)],
    }  # fmt: skip
