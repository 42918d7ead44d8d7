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

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from ninja import Field, PatchDict, Query, Router, Schema, Status

from clusterhub.core.api import ErrorBody, InputSchema, Page, PageParams, TokenAuth, paginate
from clusterhub.events.api import aware, error_response, get_event, local, require_manager
from clusterhub.events.models import Event

from . import selectors, services
from .models import (
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    RequestStatus,
)

router = Router(tags=["matchmaking"])
auth = TokenAuth()

ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody}


def get_matchmaking(request, slug: str) -> Matchmaking:
    event = get_event(request, slug)
    matchmaking = Matchmaking.objects.filter(event=event).first()
    if matchmaking is None:
        raise Http404("This event has no B2B meetings.")
    matchmaking.event = event
    return matchmaking


def managed_matchmaking(request, slug: str) -> Matchmaking:
    matchmaking = get_matchmaking(request, slug)
    require_manager(request, matchmaking.event)
    return matchmaking


def _wrong(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


# Schemas -------------------------------------------------------------------------------------


class SlotOut(Schema):
    id: int
    start: datetime
    end: datetime


class SessionOut(Schema):
    id: int
    title: str
    start: datetime
    end: datetime
    breaks: list[list[datetime]]
    slots: list[SlotOut]


class TypeOut(Schema):
    id: int
    name: str
    may_request: list[str] = Field(description="Names of the types it may request.")


class SetupOut(Schema):
    event: str
    meeting_minutes: int
    tables: int
    remote_meetings: bool
    request_cap: int | None
    request_deadline: datetime | None
    pending_expiry_days: int
    schedule_state: str
    schedule_version: int
    sessions: list[SessionOut]
    types: list[TypeOut]


class SetupIn(InputSchema):
    meeting_minutes: int = Field(20, ge=5, le=240, description="E.g. 15, 20 or 30.")
    tables: int = Field(20, ge=0, le=1000, description="Shared tables in the meeting area.")
    remote_meetings: bool = True
    request_cap: int | None = Field(None, ge=0, description="Empty: no limit.")
    request_deadline: datetime | None = Field(None, description="Empty: until the event.")
    pending_expiry_days: int = Field(5, ge=0, le=365, description="0: never.")


class SessionIn(InputSchema):
    title: str = Field(max_length=200)
    start: datetime = Field(description="Without an offset: in the event's time zone.")
    end: datetime
    breaks: list[list[str]] = Field(
        [],
        description='Pairs of times on the session\'s day ("17:10") or of ISO date-times.',
    )


class TypeIn(InputSchema):
    name: str = Field(max_length=100)
    may_request: list[str] = Field([], description="Names of the types it may request.")


class TypesIn(InputSchema):
    types: list[TypeIn] = Field(description="Replaces the types and the networking rules.")


class PersonOut(Schema):
    id: int = Field(description="The participant's number.")
    name: str
    organisation: str
    country: str | None
    type: str | None
    pitch: str
    remote: bool
    fixed_table: str


class MeetingOut(Schema):
    id: int
    sender: PersonOut
    recipient: PersonOut
    status: str = Field(description="The request's status: accepted, or cancelled.")
    weight: float
    slot: SlotOut | None
    table: str
    remote: bool
    video_url: str
    locked: bool
    unscheduled_reason: str
    published_slot: int | None
    published_table: str


class MeetingFilters(Schema):
    scheduled: bool | None = Field(None, description="true: with a slot; false: without.")


class MoveIn(InputSchema):
    slot: int | None = Field(description="Slot number; null takes the meeting out.")
    table: str = Field("", max_length=40, description="Empty for a remote meeting.")
    lock: bool | None = Field(None, description="Lock it there; omitted: unchanged.")


class LockIn(InputSchema):
    locked: bool


class UnscheduledOut(Schema):
    meeting: int
    reason: str = Field(description="E.g. no common free slot, no table.")


class RunOut(Schema):
    scheduled: int
    total: int = Field(description="Accepted meetings.")
    weight: float
    bound: float = Field(description="Upper bound of the weight (linear relaxation).")
    ratio: float | None
    at_least_percent: str | None = Field(description="ratio × 100 floored to one decimal.")
    sentence: str
    unscheduled: list[UnscheduledOut]


class PublishIn(InputSchema):
    final: bool = Field(False, description="false: preliminary agendas.")


class PublishOut(Schema):
    schedule_state: str
    schedule_version: int
    changed: int = Field(description="Published meetings that changed; their people are told.")


class OptInIn(InputSchema):
    type: int | None = Field(None, description="Participant type number (see /setup).")
    pitch: str = Field("", max_length=4000)
    sessions: list[int] | None = Field(None, description="Sessions available in; null: all.")
    remote: bool = False


class MeOut(PersonOut):
    opted_in: bool
    sessions: list[int]


class RequestIn(InputSchema):
    recipient: int = Field(description="The participant's number.")
    message: str = Field("", max_length=2000)


class RequestOut(Schema):
    id: int
    direction: str = Field(description="sent or received.")
    sender: PersonOut
    recipient: PersonOut
    message: str
    status: str
    proposed_slot: SlotOut | None
    expires_at: datetime | None
    created: datetime


class RequestFilters(Schema):
    direction: str | None = Field(None, pattern="^(sent|received)$")
    status: str | None = Field(None, pattern="^(pending|accepted|declined|expired|cancelled)$")


class AnswerIn(InputSchema):
    accept: bool
    proposed_slot: int | None = Field(None, description="Accept, but at this slot instead.")


class AgendaItem(Schema):
    meeting: int
    start: datetime | None
    end: datetime | None
    table: str
    remote: bool
    video_url: str
    other: PersonOut
    changed: bool = False


class AgendaOut(Schema):
    published: bool
    state: str
    scheduled: list[AgendaItem]
    unscheduled: list[AgendaItem]


class ParticipantFilters(Schema):
    q: str = Field("", description="Words of the name, organisation, type or pitch.")
    type: int | None = None


# Builders ------------------------------------------------------------------------------------


def slot_out(slot: MeetingSlot | None, event: Event) -> dict | None:
    if slot is None:
        return None
    return {"id": slot.pk, "start": local(slot.start, event), "end": local(slot.end, event)}


def person_out(participant: Participant) -> dict:
    registration = participant.registration
    return {
        "id": participant.pk,
        "name": registration.name,
        "organisation": registration.organisation_name,
        "country": registration.country_id,
        "type": participant.type.name if participant.type_id else None,
        "pitch": participant.pitch,
        "remote": participant.remote,
        "fixed_table": participant.fixed_table,
    }


def setup_out(matchmaking: Matchmaking) -> dict:
    event = matchmaking.event
    sessions = []
    for session in matchmaking.sessions.prefetch_related("slots").order_by("start"):
        session.matchmaking = matchmaking
        sessions.append(
            {
                "id": session.pk,
                "title": session.title,
                "start": local(session.start, event),
                "end": local(session.end, event),
                "breaks": [
                    [local(start, event), local(end, event)]
                    for start, end in services._breaks(session)
                ],
                "slots": [slot_out(slot, event) for slot in session.slots.all()],
            }
        )
    types = [
        {"id": t.pk, "name": t.name, "may_request": sorted(o.name for o in t.may_request.all())}
        for t in matchmaking.types.prefetch_related("may_request").order_by("name")
    ]
    return {
        "event": event.slug,
        "meeting_minutes": matchmaking.meeting_minutes,
        "tables": matchmaking.tables,
        "remote_meetings": matchmaking.remote_meetings,
        "request_cap": matchmaking.request_cap,
        "request_deadline": local(matchmaking.request_deadline, event),
        "pending_expiry_days": matchmaking.pending_expiry_days,
        "schedule_state": matchmaking.schedule_state,
        "schedule_version": matchmaking.schedule_version,
        "sessions": sessions,
        "types": types,
    }


PERSON_RELATED = ("registration", "type")


def meeting_rows(matchmaking: Matchmaking):
    return (
        Meeting.objects.filter(matchmaking=matchmaking)
        .select_related(
            "request",
            "slot",
            *(f"request__sender__{name}" for name in PERSON_RELATED),
            *(f"request__recipient__{name}" for name in PERSON_RELATED),
        )
        .order_by("slot__start", "table", "pk")
    )


def meeting_out(meeting: Meeting, event: Event) -> dict:
    return {
        "id": meeting.pk,
        "sender": person_out(meeting.request.sender),
        "recipient": person_out(meeting.request.recipient),
        "status": meeting.request.status,
        "weight": meeting.weight,
        "slot": slot_out(meeting.slot, event),
        "table": meeting.table,
        "remote": meeting.remote,
        "video_url": meeting.video_url,
        "locked": meeting.locked,
        "unscheduled_reason": meeting.unscheduled_reason,
        "published_slot": meeting.published_slot_id,
        "published_table": meeting.published_table,
    }


def request_out(request_: MeetingRequest, me: Participant, event: Event) -> dict:
    return {
        "id": request_.pk,
        "direction": "sent" if request_.sender_id == me.pk else "received",
        "sender": person_out(request_.sender),
        "recipient": person_out(request_.recipient),
        "message": request_.message,
        "status": request_.status,
        "proposed_slot": slot_out(request_.proposed_slot, event),
        "expires_at": local(request_.expires_at, event),
        "created": request_.created,
    }


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
        raise _wrong(field, f"No slot {slot_id} in this event's B2B meetings.")
    return slot


# Organisers: set-up --------------------------------------------------------------------------


@router.get("/{slug}/setup", response={200: SetupOut, **ERRORS}, auth=auth)
def get_setup(request, slug: str):
    """The B2B set-up with its sessions, slots and participant types. Any confirmed
    participant may read it (they need the sessions and types to opt in)."""
    matchmaking = get_matchmaking(request, slug)
    event = matchmaking.event
    manager = request.user.has_perm("events.manage_event", event)
    if not manager and selectors.confirmed_registration(request.user, event) is None:
        raise PermissionDenied("The B2B meetings are open to confirmed participants only.")
    return setup_out(matchmaking)


@router.patch("/{slug}/setup", response={200: SetupOut, **ERRORS}, auth=auth)
def update_setup(request, slug: str, payload: PatchDict[SetupIn]):
    """Change the set-up; the first call sets the B2B meetings up. A new meeting length cuts
    the sessions into new slots (slots holding meetings are kept)."""
    event = get_event(request, slug)
    require_manager(request, event)
    matchmaking = Matchmaking.objects.filter(event=event).first() or Matchmaking(event=event)
    for name in ("meeting_minutes", "tables", "remote_meetings", "request_cap"):
        if name in payload:
            if name != "request_cap" and payload[name] is None:
                raise _wrong(name, "This field cannot be empty.")
            setattr(matchmaking, name, payload[name])
    if "pending_expiry_days" in payload:
        matchmaking.pending_expiry_days = payload["pending_expiry_days"] or 0
    if "request_deadline" in payload:
        matchmaking.request_deadline = aware(payload["request_deadline"], event.tz)
    if matchmaking.meeting_minutes < 5:
        raise _wrong("meeting_minutes", "Meetings last 5 minutes or more.")
    matchmaking.event = event
    services.save_matchmaking(matchmaking, by=request.user)
    return setup_out(matchmaking)


def _breaks(items: list[list[str]], start: datetime, event: Event) -> list[list[str]]:
    day = start.astimezone(event.tz).date()
    out = []
    for i, pair in enumerate(items):
        if len(pair) != 2:
            raise _wrong(f"breaks.{i}", "A break is a pair [start, end].")
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
                raise _wrong(f"breaks.{i}", f"“{text}” is not a time (e.g. 17:10).") from None
            values.append(value.isoformat(timespec="minutes"))
        out.append(values)
    return out


def _save_session(request, session: MatchmakingSession, data: dict) -> MatchmakingSession:
    event = session.matchmaking.event
    if "title" in data:
        session.title = (data["title"] or "").strip()
    for name in ("start", "end"):
        if name in data:
            setattr(session, name, aware(data[name], event.tz))
    if "breaks" in data:
        session.breaks = _breaks(data["breaks"] or [], session.start, event)
    return services.save_session(session, by=request.user)


@router.post("/{slug}/sessions", response={201: SessionOut, **ERRORS}, auth=auth)
def create_session(request, slug: str, payload: SessionIn):
    """Add a meeting session: it is cut into slots of the meeting length around its breaks."""
    matchmaking = managed_matchmaking(request, slug)
    session = _save_session(request, MatchmakingSession(matchmaking=matchmaking), payload.dict())
    return Status(201, _session_out(matchmaking, session.pk))


def _session_out(matchmaking: Matchmaking, pk: int) -> dict:
    return next(s for s in setup_out(matchmaking)["sessions"] if s["id"] == pk)


def _get_session(matchmaking: Matchmaking, session_id: int) -> MatchmakingSession:
    session = MatchmakingSession.objects.filter(matchmaking=matchmaking, pk=session_id).first()
    if session is None:
        raise Http404("No session with this number in this event's B2B meetings.")
    session.matchmaking = matchmaking
    return session


@router.patch("/{slug}/sessions/{session_id}", response={200: SessionOut, **ERRORS}, auth=auth)
def update_session(request, slug: str, session_id: int, payload: PatchDict[SessionIn]):
    matchmaking = managed_matchmaking(request, slug)
    session = _save_session(request, _get_session(matchmaking, session_id), payload)
    return _session_out(matchmaking, session.pk)


@router.delete("/{slug}/sessions/{session_id}", response={204: None, **ERRORS}, auth=auth)
def delete_session(request, slug: str, session_id: int):
    """Remove a session; its scheduled meetings become unscheduled."""
    matchmaking = managed_matchmaking(request, slug)
    services.delete_session(_get_session(matchmaking, session_id), by=request.user)
    return Status(204, None)


@router.put("/{slug}/types", response={200: list[TypeOut], **ERRORS}, auth=auth)
def replace_types(request, slug: str, payload: TypesIn):
    """The participant types and who may request whom, all at once. Types are kept by name;
    a type left out is removed (its participants have no type, hence no rule)."""
    matchmaking = managed_matchmaking(request, slug)
    rules: dict[str, list[str]] = {}
    for i, item in enumerate(payload.types):
        if item.name in rules:
            raise _wrong(f"types.{i}.name", f"The type “{item.name}” is given twice.")
        rules[item.name] = item.may_request
    services.set_participant_types(matchmaking, rules, by=request.user)
    return setup_out(matchmaking)["types"]


# Organisers: the schedule --------------------------------------------------------------------


@router.post("/{slug}/schedule/run", response={200: RunOut, **ERRORS}, auth=auth)
def run_scheduler(request, slug: str):
    """Schedule the accepted meetings; reports how close to the best possible it is."""
    from .views_manage import run_sentence, run_summary

    matchmaking = managed_matchmaking(request, slug)
    run = services.run_scheduler(matchmaking, by=request.user)
    summary = run_summary(run)
    return {
        "scheduled": summary["scheduled"],
        "total": summary["total"],
        "weight": summary["weight"],
        "bound": summary["bound"],
        "ratio": getattr(run, "ratio", None),
        "at_least_percent": summary["percent"],
        "sentence": run_sentence(summary),
        "unscheduled": [
            {"meeting": meeting_id, "reason": str(reason)}
            for meeting_id, reason in getattr(run, "unscheduled", []) or []
        ],
    }


@router.get("/{slug}/meetings", response={200: Page[MeetingOut], **ERRORS}, auth=auth)
def list_meetings(request, slug: str, filters: Query[MeetingFilters], page: Query[PageParams]):
    """Accepted meetings with their slot and table, in time and table order."""
    matchmaking = managed_matchmaking(request, slug)
    qs = meeting_rows(matchmaking).filter(request__status=RequestStatus.ACCEPTED)
    if filters.scheduled is not None:
        qs = qs.filter(slot__isnull=not filters.scheduled)
    result = paginate(request, qs, page)
    result["items"] = [meeting_out(m, matchmaking.event) for m in result["items"]]
    return result


@router.post("/{slug}/meetings/{meeting_id}/move", response={200: MeetingOut, **ERRORS}, auth=auth)
def move_meeting(request, slug: str, meeting_id: int, payload: MoveIn):
    """Place a meeting by hand (or take it out with ``slot: null``). A person already busy
    in that slot or a table taken is refused with the reason."""
    matchmaking = managed_matchmaking(request, slug)
    meeting = _get_meeting(matchmaking, meeting_id)
    if meeting.request.status != RequestStatus.ACCEPTED:
        raise _wrong("slot", "This meeting was cancelled: it cannot be placed.")
    slot = _slot(matchmaking, payload.slot, "slot")
    try:
        services.move_meeting(
            meeting, slot, payload.table.strip(), by=request.user, lock=payload.lock
        )
    except ValidationError as error:
        return error_response(error)
    return meeting_out(_get_meeting(matchmaking, meeting_id), matchmaking.event)


@router.post("/{slug}/meetings/{meeting_id}/lock", response={200: MeetingOut, **ERRORS}, auth=auth)
def lock_meeting(request, slug: str, meeting_id: int, payload: LockIn):
    """Lock a placed meeting where it is (the scheduler leaves it alone), or unlock it."""
    matchmaking = managed_matchmaking(request, slug)
    try:
        services.set_locked(_get_meeting(matchmaking, meeting_id), payload.locked, by=request.user)
    except ValidationError as error:
        return error_response(error)
    return meeting_out(_get_meeting(matchmaking, meeting_id), matchmaking.event)


@router.post("/{slug}/publish", response={200: PublishOut, **ERRORS}, auth=auth)
def publish(request, slug: str, payload: PublishIn):
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


def me_out(participant: Participant) -> dict:
    return {
        **person_out(participant),
        "opted_in": participant.opted_in,
        "sessions": sorted(participant.availability.values_list("pk", flat=True)),
    }


@router.post("/{slug}/opt-in", response={200: MeOut, **ERRORS}, auth=auth)
def opt_in(request, slug: str, payload: OptInIn):
    """Take part in the B2B meetings (or change one's B2B profile): one's type, pitch, the
    sessions one is available in (all when omitted) and whether one meets remotely. Opting in
    is the consent to be shown to the event's other B2B participants."""
    matchmaking = get_matchmaking(request, slug)
    registration = _registration(request, matchmaking)
    type_ = None
    if payload.type is not None:
        type_ = matchmaking.types.filter(pk=payload.type).first()
        if type_ is None:
            raise _wrong("type", f"No participant type {payload.type} in this event.")
    sessions = None
    if payload.sessions is not None:
        sessions = list(matchmaking.sessions.filter(pk__in=payload.sessions))
        unknown = set(payload.sessions) - {s.pk for s in sessions}
        if unknown:
            raise _wrong("sessions", f"No session {', '.join(map(str, sorted(unknown)))}.")
    current = selectors.participant_of(registration)
    participant = services.opt_in(
        registration,
        type=type_,
        pitch=payload.pitch.strip(),
        sessions=sessions,
        remote=payload.remote,
        fixed_table=current.fixed_table if current else "",
    )
    return me_out(participant)


@router.post("/{slug}/opt-out", response={200: MeOut, **ERRORS}, auth=auth)
def opt_out(request, slug: str):
    """Stop taking part: others no longer find you; accepted meetings stay until cancelled."""
    matchmaking = get_matchmaking(request, slug)
    participant = _me(request, matchmaking, opted_in=False)
    return me_out(services.opt_out(participant))


@router.get("/{slug}/participants", response={200: Page[PersonOut], **ERRORS}, auth=auth)
def list_participants(
    request, slug: str, filters: Query[ParticipantFilters], page: Query[PageParams]
):
    """The opted-in participants (consent to be shown), for confirmed participants and the
    organisers."""
    matchmaking = get_matchmaking(request, slug)
    exclude = None
    if not request.user.has_perm("events.manage_event", matchmaking.event):
        registration = _registration(request, matchmaking)
        exclude = selectors.participant_of(registration)
    qs = selectors.search_participants(
        matchmaking, text=filters.q, type_id=filters.type, exclude=exclude
    )
    result = paginate(request, qs, page)
    result["items"] = [person_out(p) for p in result["items"]]
    return result


@router.post("/{slug}/requests", response={201: RequestOut, **ERRORS}, auth=auth)
def send_request(request, slug: str, payload: RequestIn):
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
        raise _wrong("recipient", f"No participant {payload.recipient} in this event.")
    try:
        sent = services.send_request(me, recipient, payload.message)
    except ValidationError as error:
        return error_response(_named(error, "recipient"))
    return Status(201, request_out(_get_request(me, sent.pk), me, matchmaking.event))


def _named(error: ValidationError, field: str) -> ValidationError:
    """A message without a field names ``field``."""
    if hasattr(error, "error_dict"):
        return error
    return ValidationError({field: error.messages})


def _requests_of(me: Participant):
    return (
        MeetingRequest.objects.filter(Q(sender=me) | Q(recipient=me))
        .select_related(
            "proposed_slot",
            *(f"sender__{name}" for name in PERSON_RELATED),
            *(f"recipient__{name}" for name in PERSON_RELATED),
        )
        .order_by("-created", "-pk")
    )


def _get_request(me: Participant, request_id: int) -> MeetingRequest:
    found = _requests_of(me).filter(pk=request_id).first()
    if found is None:
        raise Http404("No request of yours with this number.")
    return found


@router.get("/{slug}/requests", response={200: Page[RequestOut], **ERRORS}, auth=auth)
def list_requests(request, slug: str, filters: Query[RequestFilters], page: Query[PageParams]):
    """My requests, sent and received, latest first."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    qs = _requests_of(me)
    if filters.direction == "sent":
        qs = qs.filter(sender=me)
    elif filters.direction == "received":
        qs = qs.filter(recipient=me)
    if filters.status:
        qs = qs.filter(status=filters.status)
    result = paginate(request, qs, page)
    result["items"] = [request_out(r, me, matchmaking.event) for r in result["items"]]
    return result


@router.post(
    "/{slug}/requests/{request_id}/answer", response={200: RequestOut, **ERRORS}, auth=auth
)
def answer_request(request, slug: str, request_id: int, payload: AnswerIn):
    """Accept or decline a request made to you, or accept it at another slot (the sender then
    answers the proposal)."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    found = _get_request(me, request_id)
    slot = _slot(matchmaking, payload.proposed_slot, "proposed_slot")
    try:
        services.answer_request(found, me, accept=payload.accept, proposed_slot=slot)
    except ValidationError as error:
        return error_response(_named(error, "accept"))
    return request_out(_get_request(me, request_id), me, matchmaking.event)


@router.post(
    "/{slug}/requests/{request_id}/cancel", response={200: RequestOut, **ERRORS}, auth=auth
)
def cancel_request(request, slug: str, request_id: int):
    """Withdraw a request or cancel an accepted meeting; its slot and table are freed."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    services.cancel_request(_get_request(me, request_id), me)
    return request_out(_get_request(me, request_id), me, matchmaking.event)


@router.get("/{slug}/agenda", response={200: AgendaOut, **ERRORS}, auth=auth)
def my_agenda(request, slug: str):
    """My meetings as the organisers published them (nothing before publication)."""
    matchmaking = get_matchmaking(request, slug)
    me = _me(request, matchmaking, opted_in=False)
    scheduled, unscheduled = selectors.personal_agenda(me)
    event = matchmaking.event

    def item(entry) -> dict:
        meeting = entry.meeting
        return {
            "meeting": meeting.pk,
            "start": local(entry.slot.start, event) if entry.slot else None,
            "end": local(entry.slot.end, event) if entry.slot else None,
            "table": entry.table,
            "remote": meeting.remote,
            "video_url": meeting.video_url if meeting.remote else "",
            "other": person_out(entry.other),
            "changed": entry.changed,
        }

    return {
        "published": selectors.agenda_published(matchmaking),
        "state": matchmaking.schedule_state,
        "scheduled": [item(e) for e in scheduled],
        "unscheduled": [item(e) for e in unscheduled],
    }
