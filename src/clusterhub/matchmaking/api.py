"""The B2B matchmaking JSON API, under /api/v1/matchmaking/<event slug>/.

Organisers (``events.manage_event``): the set-up (meeting length, tables, remote meetings,
request rules), meeting sessions with their breaks, participant types and who may request
whom, running the scheduler, the meetings with their slot and table, moving and locking a
meeting, publishing the agendas.

Participants (the event's confirmed registrants, with a token or a signed-in session): opting
in, the list of opted-in participants, sending, answering and cancelling requests, and one's
own agenda as published. The same rules as the pages apply (opt-in, types, cap, deadline), as
every write goes through :mod:`clusterhub.matchmaking.services`.

Errors: 400 (or 422 for a body that does not parse) with ``{"detail": …, "errors": [{"field":
…, "message": …}]}``; 403 when the requester may not; 404 for an unknown event, a draft the
requester does not manage, or an event without B2B meetings. Times are in the event's time
zone; input times without an offset are read in it.
"""

from datetime import datetime, time
from typing import Annotated, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Case, CharField, Prefetch, Q, Value, When, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator, ValidationInfo

from clusterhub.core import jobs
from clusterhub.core.api import (
    WRITE_ERRORS,
    DateTime,
    Filters,
    InputSchema,
    Patch,
    paginated,
    rename_fields,
    write_auth,
)
from clusterhub.core.jobs_api import JobOut, accepted
from clusterhub.core.models import JobStatus
from clusterhub.core.timezones import aware, local
from clusterhub.events.models import Event
from clusterhub.events.selectors import can_manage, visible_event

from . import selectors, services, tasks
from .models import (
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    ParticipantType,
    RequestStatus,
)
from .views_manage import run_sentence

router = Router(tags=["matchmaking"])


def event_of(request, slug: str) -> Event:
    """The event at ``slug`` as the requester may see it (404 otherwise); kept on the request,
    whose answers show times on the event's clock (``EventTime``)."""
    try:
        event = visible_event(request.user, slug)
    except Event.DoesNotExist:
        raise Http404("No event at this address.") from None
    request._matchmaking_event = event
    return event


def _on_event_clock(value: datetime, info: ValidationInfo) -> datetime:
    event = getattr((info.context or {}).get("request"), "_matchmaking_event", None)
    return local(value, event.tz) if event else value


# A time shown on the clock of the event the request is about (see ``event_of``).
EventTime = Annotated[datetime, AfterValidator(_on_event_clock)]


def is_organiser(request, event: Event) -> bool:
    """Whether the requester organises ``event`` (or is staff); asked once per request."""
    seen = request.__dict__.setdefault("_matchmaking_organiser", {})
    if event.pk not in seen:
        seen[event.pk] = can_manage(request.user, event)
    return seen[event.pk]


def require_organiser(request, event: Event) -> None:
    if not is_organiser(request, event):
        raise PermissionDenied("Only the event's organisers may do this.")


def get_matchmaking(request, slug: str) -> Matchmaking:
    event = event_of(request, slug)
    matchmaking = Matchmaking.objects.filter(event=event).first()
    if matchmaking is None:
        raise Http404("This event has no B2B meetings.")
    matchmaking.event = event
    return matchmaking


def managed_matchmaking(request, slug: str) -> Matchmaking:
    matchmaking = get_matchmaking(request, slug)
    require_organiser(request, matchmaking.event)
    return matchmaking


# Schemas: the set-up -------------------------------------------------------------------------


class MeetingSlotOut(Schema):
    id: int
    start: EventTime
    end: EventTime


class MatchmakingSessionOut(Schema):
    id: int
    title: str
    start: EventTime
    end: EventTime
    breaks: list[list[EventTime]]
    slots: list[MeetingSlotOut]

    @staticmethod
    def resolve_breaks(obj) -> list[list[datetime]]:
        return [list(pair) for pair in services._breaks(obj)]


class ParticipantTypeOut(Schema):
    id: int
    name: str
    may_request: list[str] = Field(description="Names of the types it may request.")

    @staticmethod
    def resolve_may_request(obj) -> list[str]:
        return sorted(other.name for other in obj.may_request.all())


class MatchmakingSetupOut(Schema):
    event: str = Field(alias="event.slug")
    meeting_minutes: int
    tables: int
    remote_meetings: bool
    request_cap: int | None
    request_deadline: EventTime | None
    pending_expiry_days: int
    schedule_state: str
    schedule_version: int
    sessions: list[MatchmakingSessionOut]
    types: list[ParticipantTypeOut]


class MatchmakingSetupIn(InputSchema):
    meeting_minutes: int = Field(20, ge=5, le=240, description="E.g. 15, 20 or 30.")
    tables: int = Field(20, ge=0, le=1000, description="Shared tables in the meeting area.")
    remote_meetings: bool = True
    request_cap: int | None = Field(None, ge=0, description="Empty: no limit.")
    request_deadline: DateTime | None = Field(None, description="Empty: until the event.")
    pending_expiry_days: int = Field(5, ge=0, le=365, description="0: never.")


class MatchmakingSessionIn(InputSchema):
    title: str = Field(max_length=200)
    start: DateTime = Field(description="Without an offset: in the event's time zone.")
    end: DateTime
    breaks: list[list[str]] = Field(
        [],
        description='Pairs of times on the session\'s day ("17:10") or of ISO date-times.',
    )


class ParticipantTypeIn(InputSchema):
    name: str = Field(max_length=100)
    may_request: list[str] = Field([], description="Names of the types it may request.")


class ParticipantTypesIn(InputSchema):
    types: list[ParticipantTypeIn] = Field(
        description="Replaces the types and the networking rules."
    )


def setup_of(matchmaking: Matchmaking) -> Matchmaking:
    """The set-up with its sessions (and their slots) and its types (and their rules) loaded
    in four queries, whatever their number."""
    prefetch_related_objects(
        [matchmaking],
        Prefetch("sessions", queryset=sessions_with_slots()),
        Prefetch("types", queryset=types_with_rules()),
    )
    return matchmaking


def sessions_with_slots():
    return MatchmakingSession.objects.order_by("start").prefetch_related("slots")


def types_with_rules():
    return ParticipantType.objects.order_by("name").prefetch_related("may_request")


# Schemas: participants, meetings, requests ---------------------------------------------------


class ParticipantOut(Schema):
    id: int = Field(description="The participant's number.")
    name: str = Field(alias="registration.name")
    organisation: str = Field(alias="registration.organisation_name")
    country: str | None = Field(alias="registration.country_id")
    type: str | None
    pitch: str
    remote: bool
    fixed_table: str

    @staticmethod
    def resolve_type(obj) -> str | None:
        return obj.type.name if obj.type_id else None


class MyParticipantOut(ParticipantOut):
    opted_in: bool
    sessions: list[int]

    @staticmethod
    def resolve_sessions(obj) -> list[int]:
        return sorted(obj.availability.values_list("pk", flat=True))


class MeetingOut(Schema):
    id: int
    sender: ParticipantOut = Field(alias="request.sender")
    recipient: ParticipantOut = Field(alias="request.recipient")
    status: str = Field(
        alias="request.status", description="The request's status: accepted, or cancelled."
    )
    weight: float
    slot: MeetingSlotOut | None
    table: str
    remote: bool
    video_url: str
    locked: bool
    unscheduled_reason: str
    published_slot: int | None = Field(alias="published_slot_id")
    published_table: str


class MeetingFilters(Filters):
    scheduled: bool | None = Field(None, description="true: with a slot; false: without.")

    def filter_scheduled(self, value: bool | None) -> Q:
        return Q() if value is None else Q(slot__isnull=not value)


class MeetingMoveIn(InputSchema):
    slot: int | None = Field(description="Slot number; null takes the meeting out.")
    table: str = Field("", max_length=40, description="Empty for a remote meeting.")
    lock: bool | None = Field(None, description="Lock it there; omitted: unchanged.")


class MeetingLockIn(InputSchema):
    locked: bool


class UnscheduledMeetingOut(Schema):
    meeting: int
    reason: str = Field(description="E.g. no common free slot, no table.")


class ScheduleRunOut(Schema):
    scheduled: int
    total: int = Field(description="Accepted meetings.")
    weight: float
    bound: float = Field(description="Upper bound of the weight (linear relaxation).")
    ratio: float | None
    at_least_percent: str | None = Field(description="ratio × 100 floored to one decimal.")
    sentence: str
    unscheduled: list[UnscheduledMeetingOut]


class AgendaPublishIn(InputSchema):
    final: bool = Field(False, description="false: preliminary agendas.")


class AgendaPublishOut(Schema):
    schedule_state: str
    schedule_version: int
    changed: int = Field(description="Published meetings that changed; their people are told.")


class MatchmakingOptInIn(InputSchema):
    type: int | None = Field(None, description="Participant type number (see /setup).")
    pitch: str = Field("", max_length=4000)
    sessions: list[int] | None = Field(None, description="Sessions available in; null: all.")
    remote: bool = False


class ParticipantFilters(Filters):
    q: str = Field("", description="Words of the name, organisation, type or pitch.")
    type: int | None = None


class MeetingRequestIn(InputSchema):
    recipient: int = Field(description="The participant's number.")
    message: str = Field("", max_length=2000)


class MeetingRequestOut(Schema):
    id: int
    direction: Literal["sent", "received"]
    sender: ParticipantOut
    recipient: ParticipantOut
    message: str
    status: str
    proposed_slot: MeetingSlotOut | None
    expires_at: EventTime | None
    created: datetime


class MeetingRequestFilters(Filters):
    direction: Literal["sent", "received"] | None = None
    status: Literal[tuple(RequestStatus.values)] | None = None  # type: ignore[valid-type]


class MeetingAnswerIn(InputSchema):
    accept: bool
    proposed_slot: int | None = Field(None, description="Accept, but at this slot instead.")


class PersonalAgendaItem(Schema):
    """One meeting of one's published agenda (a :class:`selectors.AgendaEntry`)."""

    meeting: int = Field(alias="meeting.pk")
    start: EventTime | None = Field(None, alias="slot.start")
    end: EventTime | None = Field(None, alias="slot.end")
    table: str
    remote: bool = Field(alias="meeting.remote")
    video_url: str
    other: ParticipantOut
    changed: bool = False

    @staticmethod
    def resolve_video_url(obj) -> str:
        return obj.meeting.video_url if obj.meeting.remote else ""


class PersonalAgendaOut(Schema):
    published: bool
    state: str
    scheduled: list[PersonalAgendaItem]
    unscheduled: list[PersonalAgendaItem]


# Rows ----------------------------------------------------------------------------------------

PARTICIPANT_RELATED = ("registration", "type")


def meeting_rows(matchmaking: Matchmaking):
    return (
        Meeting.objects.filter(matchmaking=matchmaking)
        .select_related(
            "request",
            "slot",
            *(f"request__sender__{name}" for name in PARTICIPANT_RELATED),
            *(f"request__recipient__{name}" for name in PARTICIPANT_RELATED),
        )
        .order_by("slot__start", "table", "pk")
    )


def _get_meeting(matchmaking: Matchmaking, meeting_id: int) -> Meeting:
    meeting = meeting_rows(matchmaking).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No meeting with this number in this event.")
    return meeting


def _slot(matchmaking: Matchmaking, slot_id: int | None, field: str) -> MeetingSlot | None:
    if slot_id is None:
        return None
    slot = MeetingSlot.objects.filter(pk=slot_id, session__matchmaking=matchmaking).first()
    if slot is None:
        raise ValidationError({field: [f"No slot {slot_id} in this event's B2B meetings."]})
    return slot


def _requests_of(me: Participant):
    """The participant's requests, sent and received (``direction``), latest first."""
    return (
        MeetingRequest.objects.filter(Q(sender=me) | Q(recipient=me))
        .annotate(
            direction=Case(
                When(sender=me, then=Value("sent")),
                default=Value("received"),
                output_field=CharField(),
            )
        )
        .select_related(
            "proposed_slot",
            *(f"sender__{name}" for name in PARTICIPANT_RELATED),
            *(f"recipient__{name}" for name in PARTICIPANT_RELATED),
        )
        .order_by("-created", "-pk")
    )


def _get_request(me: Participant, request_id: int) -> MeetingRequest:
    found = _requests_of(me).filter(pk=request_id).first()
    if found is None:
        raise Http404("No request of yours with this number.")
    return found


# Organisers: set-up --------------------------------------------------------------------------


@router.get("/{slug}/setup", response={200: MatchmakingSetupOut, **WRITE_ERRORS}, auth=write_auth)
def get_setup(request, slug: str):
    """The B2B set-up with its sessions, slots and participant types. Any confirmed
    participant may read it (they need the sessions and types to opt in)."""
    matchmaking = get_matchmaking(request, slug)
    event = matchmaking.event
    if (
        not is_organiser(request, event)
        and selectors.confirmed_registration(request.user, event) is None
    ):
        raise PermissionDenied("The B2B meetings are open to confirmed participants only.")
    return setup_of(matchmaking)


@router.patch("/{slug}/setup", response={200: MatchmakingSetupOut, **WRITE_ERRORS}, auth=write_auth)
def update_setup(request, slug: str, payload: Patch[MatchmakingSetupIn]):
    """Change the set-up; the first call sets the B2B meetings up. A new meeting length cuts
    the sessions into new slots (slots holding meetings are kept)."""
    event = event_of(request, slug)
    require_organiser(request, event)
    matchmaking = Matchmaking.objects.filter(event=event).first() or Matchmaking(event=event)
    matchmaking.event = event
    for name, value in payload.items():
        setattr(matchmaking, name, aware(value, event.tz) if name == "request_deadline" else value)
    services.save_matchmaking(matchmaking, by=request.user)
    return setup_of(matchmaking)


def _read_breaks(items: list[list[str]], start: datetime, event: Event) -> list[list[str]]:
    """Breaks as sent (times on the session's day, or date-times) → naive ISO times in the
    event's zone, as the session stores them."""
    day = start.astimezone(event.tz).date()
    out = []
    for i, pair in enumerate(items):
        if len(pair) != 2:
            raise ValidationError({f"breaks.{i}": ["A break is a pair [start, end]."]})
        values = []
        for text in pair:
            text = str(text).strip()
            try:
                if len(text) <= 5:
                    value = datetime.combine(day, time.fromisoformat(text))
                else:
                    value = datetime.fromisoformat(text)
                    if timezone.is_aware(value):
                        value = value.astimezone(event.tz).replace(tzinfo=None)
            except ValueError:
                message = f"“{text}” is not a time (e.g. 17:10)."
                raise ValidationError({f"breaks.{i}": [message]}) from None
            values.append(value.isoformat(timespec="minutes"))
        out.append(values)
    return out


def _save_session(request, session: MatchmakingSession, data: dict) -> MatchmakingSession:
    event = session.matchmaking.event
    if "title" in data:
        session.title = data["title"].strip()
    for name in ("start", "end"):
        if name in data:
            setattr(session, name, aware(data[name], event.tz))
    if "breaks" in data:
        session.breaks = _read_breaks(data["breaks"], session.start, event)
    services.save_session(session, by=request.user)
    return _get_session(session.matchmaking, session.pk)


def _get_session(matchmaking: Matchmaking, session_id: int) -> MatchmakingSession:
    session = sessions_with_slots().filter(matchmaking=matchmaking, pk=session_id).first()
    if session is None:
        raise Http404("No session with this number in this event's B2B meetings.")
    session.matchmaking = matchmaking
    return session


@router.post(
    "/{slug}/sessions", response={201: MatchmakingSessionOut, **WRITE_ERRORS}, auth=write_auth
)
def create_session(request, slug: str, payload: MatchmakingSessionIn):
    """Add a meeting session: it is cut into slots of the meeting length around its breaks."""
    matchmaking = managed_matchmaking(request, slug)
    session = MatchmakingSession(matchmaking=matchmaking)
    return Status(201, _save_session(request, session, payload.dict()))


@router.patch(
    "/{slug}/sessions/{session_id}",
    response={200: MatchmakingSessionOut, **WRITE_ERRORS},
    auth=write_auth,
)
def update_session(request, slug: str, session_id: int, payload: Patch[MatchmakingSessionIn]):
    matchmaking = managed_matchmaking(request, slug)
    return _save_session(request, _get_session(matchmaking, session_id), payload)


@router.delete(
    "/{slug}/sessions/{session_id}", response={204: None, **WRITE_ERRORS}, auth=write_auth
)
def delete_session(request, slug: str, session_id: int):
    """Remove a session; its scheduled meetings become unscheduled."""
    matchmaking = managed_matchmaking(request, slug)
    services.delete_session(_get_session(matchmaking, session_id), by=request.user)
    return Status(204, None)


@router.put(
    "/{slug}/types", response={200: list[ParticipantTypeOut], **WRITE_ERRORS}, auth=write_auth
)
def replace_types(request, slug: str, payload: ParticipantTypesIn):
    """The participant types and who may request whom, all at once. Types are kept by name;
    a type left out is removed (its participants have no type, hence no rule)."""
    matchmaking = managed_matchmaking(request, slug)
    rules: dict[str, list[str]] = {}
    for i, item in enumerate(payload.types):
        if item.name in rules:
            message = f"The type “{item.name}” is given twice."
            raise ValidationError({f"types.{i}.name": [message]})
        rules[item.name] = item.may_request
    services.set_participant_types(matchmaking, rules, by=request.user)
    return types_with_rules().filter(matchmaking=matchmaking)


# Organisers: the schedule --------------------------------------------------------------------


@router.post(
    "/{slug}/schedule/run",
    response={200: ScheduleRunOut, 202: JobOut, **WRITE_ERRORS},
    auth=write_auth,
)
def run_scheduler(request, response: HttpResponse, slug: str):
    """Schedule the accepted meetings; reports how close to the best possible it is. Where
    the scheduler runs in a worker, the answer is 202 with the job (``Location``: poll it;
    its ``result`` holds the run)."""
    matchmaking = managed_matchmaking(request, slug)
    job = jobs.refreshed(tasks.start_schedule_run(matchmaking, by=request.user))
    if job.status == JobStatus.FAILED:
        raise ValidationError(job.error)
    if job.status != JobStatus.DONE:
        return accepted(request, response, job)
    run, summary = job.result["run"], job.result["summary"]
    return {
        "scheduled": summary["scheduled"],
        "total": summary["total"],
        "weight": summary["weight"],
        "bound": summary["bound"],
        "ratio": run["ratio"],
        "at_least_percent": summary["percent"],
        "sentence": run_sentence(summary),
        "unscheduled": [
            {"meeting": meeting_id, "reason": str(reason)}
            for meeting_id, reason in run["unscheduled"]
        ],
    }


@router.get("/{slug}/meetings", response={200: list[MeetingOut], **WRITE_ERRORS}, auth=write_auth)
@paginated()
def list_meetings(request, slug: str, filters: Query[MeetingFilters]):
    """Accepted meetings with their slot and table, in time and table order."""
    matchmaking = managed_matchmaking(request, slug)
    return filters.filter(meeting_rows(matchmaking).filter(request__status=RequestStatus.ACCEPTED))


@router.post(
    "/{slug}/meetings/{meeting_id}/move",
    response={200: MeetingOut, **WRITE_ERRORS},
    auth=write_auth,
)
def move_meeting(request, slug: str, meeting_id: int, payload: MeetingMoveIn):
    """Place a meeting by hand (or take it out with ``slot: null``). A person already busy
    in that slot or a table taken is refused with the reason."""
    matchmaking = managed_matchmaking(request, slug)
    meeting = _get_meeting(matchmaking, meeting_id)
    if meeting.request.status != RequestStatus.ACCEPTED:
        raise ValidationError({"slot": ["This meeting was cancelled: it cannot be placed."]})
    slot = _slot(matchmaking, payload.slot, "slot")
    services.move_meeting(meeting, slot, payload.table.strip(), by=request.user, lock=payload.lock)
    return _get_meeting(matchmaking, meeting_id)


@router.post(
    "/{slug}/meetings/{meeting_id}/lock",
    response={200: MeetingOut, **WRITE_ERRORS},
    auth=write_auth,
)
def lock_meeting(request, slug: str, meeting_id: int, payload: MeetingLockIn):
    """Lock a placed meeting where it is (the scheduler leaves it alone), or unlock it."""
    matchmaking = managed_matchmaking(request, slug)
    services.set_locked(_get_meeting(matchmaking, meeting_id), payload.locked, by=request.user)
    return _get_meeting(matchmaking, meeting_id)


@router.post("/{slug}/publish", response={200: AgendaPublishOut, **WRITE_ERRORS}, auth=write_auth)
def publish(request, slug: str, payload: AgendaPublishIn):
    """Publish the preliminary or final agendas; people whose meetings changed are told."""
    matchmaking = managed_matchmaking(request, slug)
    changed = services.publish_agendas(matchmaking, by=request.user, final=payload.final)
    matchmaking.refresh_from_db()
    return {
        "schedule_state": matchmaking.schedule_state,
        "schedule_version": matchmaking.schedule_version,
        "changed": changed,
    }


# Participants --------------------------------------------------------------------------------


def _registration(request, matchmaking: Matchmaking):
    registration = selectors.confirmed_registration(request.user, matchmaking.event)
    if registration is None:
        raise PermissionDenied(
            "The B2B meetings are open to the event's confirmed participants only."
        )
    return registration


def _me(request, matchmaking: Matchmaking, *, opted_in: bool = True) -> Participant:
    registration = _registration(request, matchmaking)
    participant = selectors.participant_of(registration)
    if participant is None or (opted_in and not participant.opted_in):
        raise PermissionDenied("Opt in to the B2B meetings first.")
    participant.registration = registration
    participant.matchmaking = matchmaking
    return participant


@router.post("/{slug}/opt-in", response={200: MyParticipantOut, **WRITE_ERRORS}, auth=write_auth)
def opt_in(request, slug: str, payload: MatchmakingOptInIn):
    """Take part in the B2B meetings (or change one's B2B profile): one's type, pitch, the
    sessions one is available in (all when omitted) and whether one meets remotely. Opting in
    is the consent to be shown to the event's other B2B participants."""
    matchmaking = get_matchmaking(request, slug)
    registration = _registration(request, matchmaking)
    type_ = None
    if payload.type is not None:
        type_ = matchmaking.types.filter(pk=payload.type).first()
        if type_ is None:
            raise ValidationError({"type": [f"No participant type {payload.type} in this event."]})
    sessions = None
    if payload.sessions is not None:
        sessions = list(matchmaking.sessions.filter(pk__in=payload.sessions))
        unknown = set(payload.sessions) - {s.pk for s in sessions}
        if unknown:
            numbers = ", ".join(map(str, sorted(unknown)))
            raise ValidationError({"sessions": [f"No session {numbers}."]})
    current = selectors.participant_of(registration)
    return services.opt_in(
        registration,
        type=type_,
        pitch=payload.pitch.strip(),
        sessions=sessions,
        remote=payload.remote,
        fixed_table=current.fixed_table if current else "",
    )


@router.post("/{slug}/opt-out", response={200: MyParticipantOut, **WRITE_ERRORS}, auth=write_auth)
def opt_out(request, slug: str):
    """Stop taking part: others no longer find you; accepted meetings stay until cancelled."""
    matchmaking = get_matchmaking(request, slug)
    return services.opt_out(_me(request, matchmaking, opted_in=False))


@router.get(
    "/{slug}/participants", response={200: list[ParticipantOut], **WRITE_ERRORS}, auth=write_auth
)
@paginated()
def list_participants(request, slug: str, filters: Query[ParticipantFilters]):
    """The opted-in participants (consent to be shown), for confirmed participants and the
    organisers."""
    matchmaking = get_matchmaking(request, slug)
    exclude = None
    if not is_organiser(request, matchmaking.event):
        exclude = selectors.participant_of(_registration(request, matchmaking))
    return selectors.search_participants(
        matchmaking, text=filters.q, type_id=filters.type, exclude=exclude
    )


@router.post("/{slug}/requests", response={201: MeetingRequestOut, **WRITE_ERRORS}, auth=write_auth)
def send_request(request, slug: str, payload: MeetingRequestIn):
    """Ask a participant for a meeting. Refused with the reason: not opted in, a type that may
    not request theirs, the cap reached, the deadline passed, a request already open."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking)
    recipient = (
        Participant.objects.filter(matchmaking=matchmaking, pk=payload.recipient)
        .select_related("registration", "type")
        .first()
    )
    if recipient is None:
        raise ValidationError({"recipient": [f"No participant {payload.recipient} in this event."]})
    try:
        sent = services.send_request(me, recipient, payload.message)
    except ValidationError as error:
        raise rename_fields(error, {NON_FIELD_ERRORS: "recipient"}) from error
    return Status(201, _get_request(me, sent.pk))


@router.get(
    "/{slug}/requests", response={200: list[MeetingRequestOut], **WRITE_ERRORS}, auth=write_auth
)
@paginated()
def list_requests(request, slug: str, filters: Query[MeetingRequestFilters]):
    """My requests, sent and received, latest first."""
    matchmaking = get_matchmaking(request, slug)
    return filters.filter(_requests_of(_me(request, matchmaking, opted_in=False)))


@router.post(
    "/{slug}/requests/{request_id}/answer",
    response={200: MeetingRequestOut, **WRITE_ERRORS},
    auth=write_auth,
)
def answer_request(request, slug: str, request_id: int, payload: MeetingAnswerIn):
    """Accept or decline a request made to you, or accept it at another slot (the sender then
    answers the proposal)."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    found = _get_request(me, request_id)
    slot = _slot(matchmaking, payload.proposed_slot, "proposed_slot")
    try:
        services.answer_request(found, me, accept=payload.accept, proposed_slot=slot)
    except ValidationError as error:
        raise rename_fields(error, {NON_FIELD_ERRORS: "accept"}) from error
    return _get_request(me, request_id)


@router.post(
    "/{slug}/requests/{request_id}/cancel",
    response={200: MeetingRequestOut, **WRITE_ERRORS},
    auth=write_auth,
)
def cancel_request(request, slug: str, request_id: int):
    """Withdraw a request or cancel an accepted meeting; its slot and table are freed."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    services.cancel_request(_get_request(me, request_id), me)
    return _get_request(me, request_id)


@router.get("/{slug}/agenda", response={200: PersonalAgendaOut, **WRITE_ERRORS}, auth=write_auth)
def my_agenda(request, slug: str):
    """My meetings as the organisers published them (nothing before publication)."""
    matchmaking = get_matchmaking(request, slug)
    scheduled, unscheduled = selectors.personal_agenda(_me(request, matchmaking, opted_in=False))
    return {
        "published": selectors.agenda_published(matchmaking),
        "state": matchmaking.schedule_state,
        "scheduled": scheduled,
        "unscheduled": unscheduled,
    }
