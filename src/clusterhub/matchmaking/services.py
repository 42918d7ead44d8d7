"""Every write of B2B matchmaking: set-up, opt-in, requests, the schedule, after the event.

Scheduling and every change that touches the schedule lock the event's Matchmaking row first
(``SELECT … FOR UPDATE``; SQLite serialises writers), and the database refuses a person or a
table twice in one slot (Booking and Meeting unique constraints), so two organisers scheduling
at once, or a cancellation during a run, cannot double-book anyone.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.audit import audited
from clusterhub.events.models import Event, Registration, RegistrationStatus

from . import scheduler
from .models import (
    OPEN_STATUSES,
    Booking,
    MarketplaceItem,
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Outcome,
    Participant,
    ParticipantType,
    RequestStatus,
    ScheduleState,
)


def _manager(user, event: Event) -> None:
    if not user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers may do this."))


def _lock(matchmaking: Matchmaking) -> Matchmaking:
    return Matchmaking.objects.select_for_update().get(pk=matchmaking.pk)


def _notify(kind: str, **ids) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.notify.enqueue(kind, ids))


# Set-up -------------------------------------------------------------------------------------


@audited(
    "matchmaking.setup.saved",
    by="by",
    scope=lambda o: o.event,
    label=gettext_lazy("saved the B2B meetings set-up"),
)
@transaction.atomic
def save_matchmaking(matchmaking: Matchmaking, by) -> Matchmaking:
    _manager(by, matchmaking.event)
    matchmaking.full_clean()
    matchmaking.save()
    for session in matchmaking.sessions.all():
        make_slots(session)
    return matchmaking


def _breaks(session: MatchmakingSession) -> list[tuple[dt.datetime, dt.datetime]]:
    out = []
    for pair in session.breaks or []:
        start, end = (dt.datetime.fromisoformat(str(v)) for v in pair)
        tz = session.matchmaking.event.tz
        start = start if start.tzinfo else start.replace(tzinfo=tz)
        end = end if end.tzinfo else end.replace(tzinfo=tz)
        out.append((start, end))
    return out


@audited(
    "matchmaking.session.saved",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("saved a B2B session"),
)
@transaction.atomic
def save_session(session: MatchmakingSession, by) -> MatchmakingSession:
    """Save a meeting session and cut it into slots of the meeting length around its breaks."""
    event = session.matchmaking.event
    _manager(by, event)
    session.full_clean(exclude=["matchmaking"])
    if session.start < event.start or session.end > event.end:
        raise ValidationError({"start": _("Meeting sessions take place during the event.")})
    try:
        breaks = _breaks(session)
    except (TypeError, ValueError):
        raise ValidationError(
            {"breaks": _("Breaks are pairs of times, e.g. 16:00–16:30.")}
        ) from None
    for start, end in breaks:
        if not (session.start <= start < end <= session.end):
            raise ValidationError({"breaks": _("A break lies inside its session.")})
    session.save()
    make_slots(session)
    return session


@audited(
    "matchmaking.slots.made",
    counts=lambda r, a: {"count": len(r)},
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("made the meeting slots"),
)
def make_slots(session: MatchmakingSession) -> list[MeetingSlot]:
    """(Re)cut a session into slots; slots holding scheduled meetings are kept."""
    length = dt.timedelta(minutes=session.matchmaking.meeting_minutes)
    breaks = _breaks(session)
    wanted, t = [], session.start
    while t + length <= session.end:
        clash = next((b for b in breaks if t < b[1] and t + length > b[0]), None)
        if clash:
            t = clash[1]
            continue
        wanted.append((t, t + length))
        t += length
    keep = {(s.start, s.end) for s in session.slots.all()}
    session.slots.exclude(Q(start__in=[w[0] for w in wanted]) | Q(meetings__isnull=False)).delete()
    for start, end in wanted:
        if (start, end) not in keep:
            MeetingSlot.objects.update_or_create(
                session=session, start=start, defaults={"end": end}
            )
    return list(session.slots.all())


# Participants -------------------------------------------------------------------------------


@audited(
    "matchmaking.participant.joined",
    returns=True,
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("joined the B2B meetings"),
)
@transaction.atomic
def opt_in(
    registration: Registration,
    *,
    type: ParticipantType | None = None,
    pitch: str = "",
    sessions: Iterable[MatchmakingSession] | None = None,
    remote: bool = False,
    fixed_table: str = "",
    max_meetings: int | None = None,
    preferred_slots: Iterable[MeetingSlot] = (),
    joins_colleagues: bool = False,
) -> Participant:
    """A confirmed participant joins the B2B meetings and says when they are available."""
    matchmaking = Matchmaking.objects.get(event=registration.event)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(_("Only confirmed participants take part in B2B meetings."))
    if remote and not matchmaking.remote_meetings:
        raise ValidationError({"remote": _("This event has no remote meetings.")})
    participant, _created = Participant.objects.get_or_create(
        registration=registration, defaults={"matchmaking": matchmaking}
    )
    participant.type = type
    participant.pitch = pitch
    participant.remote = remote
    participant.fixed_table = fixed_table
    participant.max_meetings = max_meetings
    participant.joins_colleagues = joins_colleagues
    if not participant.opted_in:
        participant.opted_in = True
        participant.opted_in_at = timezone.now()
    participant.save()
    participant.availability.set(matchmaking.sessions.all() if sessions is None else sessions)
    preferred = [slot for slot in preferred_slots if slot.session.matchmaking_id == matchmaking.pk]
    participant.preferred_slots.set(preferred)
    return participant


@audited(
    "matchmaking.participant.left",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("left the B2B meetings"),
)
def opt_out(participant: Participant) -> Participant:
    participant.opted_in = False
    participant.save(update_fields=["opted_in", "updated"])
    return participant


# Requests -----------------------------------------------------------------------------------


def request_deadline_passed(matchmaking: Matchmaking, now: dt.datetime | None = None) -> bool:
    """No more requests: the organisers' deadline for them has passed."""
    deadline = matchmaking.request_deadline
    return deadline is not None and (now or timezone.now()) > deadline


def request_refusal(sender: Participant, recipient: Participant, now=None) -> str | None:
    """Why ``sender`` may not ask ``recipient`` for a meeting now; None when they may."""
    matchmaking = sender.matchmaking
    now = now or timezone.now()
    if recipient.pk == sender.pk:
        return _("You cannot meet yourself.")
    if recipient.matchmaking_id != matchmaking.pk:
        return _("This person takes part in another event.")
    if not sender.opted_in:
        return _("Opt in to the B2B meetings first.")
    if not recipient.opted_in:
        return _("%(name)s does not take part in B2B meetings.") % {"name": recipient}
    if request_deadline_passed(matchmaking, now):
        return _("The deadline for meeting requests has passed.")
    if not matchmaking.same_organisation_meetings and same_organisation(sender, recipient):
        return _("%(name)s works for your organisation: meet them outside the B2B meetings.") % {
            "name": recipient
        }
    if sender.type_id and recipient.type_id:
        allowed = sender.type.may_request.filter(pk=recipient.type_id).exists()
        if not allowed:
            return _("%(a)s may not request meetings with %(b)s.") % {
                "a": sender.type.name,
                "b": recipient.type.name,
            }
    if matchmaking.request_cap is not None:
        sent = sender.sent_requests.filter(status__in=OPEN_STATUSES).count()
        if sent >= matchmaking.request_cap:
            return _("You have used your %(n)d meeting requests.") % {"n": matchmaking.request_cap}
    open_pair = MeetingRequest.objects.filter(
        Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender),
        status__in=OPEN_STATUSES,
    )
    if open_pair.exists():
        return _("You already have a request open with %(name)s.") % {"name": recipient}
    return None


def organisation_key(participant: Participant) -> tuple:
    """Whom a participant works for: their registry organisation, else the organisation name
    they registered with (case and spaces aside), else only themselves."""
    registration = participant.registration
    if registration.organisation_id:
        return ("registry", registration.organisation_id)
    name = registration.organisation_name.strip().casefold()
    return ("name", name) if name else ("person", participant.pk)


def same_organisation(a: Participant, b: Participant) -> bool:
    """Both work for one organisation (the rule the scheduler applies too)."""
    return organisation_key(a) == organisation_key(b)


def colleagues_who_join(sender: Participant) -> QuerySet[Participant]:
    """The sender's colleagues (same organisation, B2B participants) who agreed to be brought
    to their colleagues' meetings."""
    candidates = (
        Participant.objects.filter(
            matchmaking=sender.matchmaking, opted_in=True, joins_colleagues=True
        )
        .exclude(pk=sender.pk)
        .select_related("registration")
    )
    return candidates.filter(pk__in=[p.pk for p in candidates if same_organisation(sender, p)])


@audited(
    "matchmaking.request.sent",
    returns=True,
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("sent a meeting request"),
)
@transaction.atomic
def send_request(
    sender: Participant,
    recipient: Participant,
    message: str = "",
    *,
    long: bool = False,
    colleagues: Iterable[Participant] = (),
) -> MeetingRequest:
    """Ask for a meeting, possibly of double length, possibly with colleagues who agreed to
    be brought along."""
    matchmaking = _lock(sender.matchmaking)
    reason = request_refusal(sender, recipient)
    if reason:
        raise ValidationError(reason)
    if long and not matchmaking.long_meetings:
        raise ValidationError({"long": _("This event has no double-length meetings.")})
    colleagues = list(colleagues)
    allowed = set(colleagues_who_join(sender).values_list("pk", flat=True))
    for colleague in colleagues:
        if colleague.pk not in allowed or colleague.pk == recipient.pk:
            raise ValidationError(
                {
                    "colleagues": _(
                        "%(name)s cannot join: only colleagues who agreed to join their "
                        "colleagues' meetings can."
                    )
                    % {"name": colleague}
                }
            )
    expiry = sender.matchmaking.pending_expiry_days
    try:
        with transaction.atomic():
            request = MeetingRequest.objects.create(
                matchmaking=sender.matchmaking,
                sender=sender,
                recipient=recipient,
                message=message.strip()[:2000],
                expires_at=timezone.now() + dt.timedelta(days=expiry) if expiry else None,
                long=long,
            )
            request.colleagues.set(colleagues)
    except IntegrityError:
        raise ValidationError(
            _("You already have a request open with %(name)s.") % {"name": recipient}
        ) from None
    _notify("request_sent", request=request.pk)
    return request


def _weight(request: MeetingRequest) -> float:
    """Mutual interest weighs more: both sides asked each other at some point."""
    mutual = MeetingRequest.objects.filter(
        sender=request.recipient, recipient=request.sender
    ).exists()
    return 2.0 if mutual else 1.0


@audited(
    "matchmaking.request.answered",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("answered a meeting request"),
)
@transaction.atomic
def answer_request(
    request: MeetingRequest,
    by_participant: Participant,
    *,
    accept: bool,
    proposed_slot: MeetingSlot | None = None,
) -> MeetingRequest:
    """The recipient accepts, declines, or proposes another slot (which the sender accepts)."""
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(_("This request is no longer waiting for an answer."))
    answering_proposal = request.proposed_slot_id is not None and by_participant == request.sender
    if by_participant != request.recipient and not answering_proposal:
        raise PermissionDenied(_("Only the person asked may answer."))
    now = timezone.now()
    if proposed_slot is not None and accept:
        request.proposed_slot = proposed_slot
        request.save(update_fields=["proposed_slot", "updated"])
        _notify("slot_proposed", request=request.pk)
        return request
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.answered_at = now
    request.save(update_fields=["status", "answered_at", "updated"])
    if accept:
        remote = request.sender.remote or request.recipient.remote
        Meeting.objects.create(
            request=request,
            matchmaking=request.matchmaking,
            weight=_weight(request),
            remote=remote,
        )
    _notify("request_answered", request=request.pk)
    return request


@audited("matchmaking.requests.expired", counts=lambda r, a: {"count": r})
def expire_pending_requests(now=None) -> int:
    """Pending requests past their expiry stop blocking anyone; both sides are told."""
    now = now or timezone.now()
    due = list(
        MeetingRequest.objects.filter(status=RequestStatus.PENDING, expires_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        with transaction.atomic():
            updated = MeetingRequest.objects.filter(pk=pk, status=RequestStatus.PENDING).update(
                status=RequestStatus.EXPIRED, updated=now
            )
            if updated:
                _notify("request_expired", request=pk)
    return len(due)


@audited(
    "matchmaking.request.cancelled",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("cancelled a meeting request"),
)
@transaction.atomic
def cancel_request(request: MeetingRequest, by_participant: Participant) -> MeetingRequest:
    """Either side withdraws; a scheduled meeting frees its slot and table."""
    _lock(request.matchmaking)
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if by_participant not in (request.sender, request.recipient):
        raise PermissionDenied(_("Only the two people concerned may cancel."))
    if not request.cancellable:
        return request
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status", "updated"])
    meeting = Meeting.objects.filter(request=request).first()
    if meeting is not None:
        Booking.objects.filter(meeting=meeting).delete()
        meeting.slot = None
        meeting.table = ""
        meeting.unscheduled_reason = _("cancelled")
        meeting.save(update_fields=["slot", "table", "unscheduled_reason", "updated"])
    _notify("request_cancelled", request=request.pk)
    return request


# The schedule -------------------------------------------------------------------------------


def _people_of(meeting: Meeting) -> list[int]:
    """Everyone in a meeting: the two sides and the colleagues who join."""
    request = meeting.request
    return [request.sender_id, request.recipient_id, *(c.pk for c in request.colleagues.all())]


def covered_slots(meeting: Meeting, slot: MeetingSlot) -> list[MeetingSlot]:
    """The slots a meeting starting in ``slot`` takes: two in a row of one session when it
    is of double length (an empty list when there is no next slot)."""
    if not meeting.request.long:
        return [slot]
    following = MeetingSlot.objects.filter(session=slot.session_id, start__gt=slot.start)
    after = following.order_by("start").first()
    return [slot, after] if after else []


def _book(meeting: Meeting, slot: MeetingSlot | None, table: str) -> None:
    Booking.objects.filter(meeting=meeting).delete()
    meeting.slot = slot
    meeting.table = table if slot else ""
    meeting.save(update_fields=["slot", "table", "unscheduled_reason", "locked", "updated"])
    if slot is not None:
        Booking.objects.bulk_create(
            [
                Booking(meeting=meeting, participant_id=pk, slot=covered)
                for pk in _people_of(meeting)
                for covered in covered_slots(meeting, slot)
            ]
        )


@audited(
    "matchmaking.meeting.moved",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("moved a meeting"),
)
@transaction.atomic
def move_meeting(
    meeting: Meeting, slot: MeetingSlot | None, table: str, by, *, lock: bool | None = None
) -> Meeting:
    """The organisers place a meeting by hand (or unschedule it); conflicts are refused."""
    matchmaking = _lock(meeting.matchmaking)
    _manager(by, matchmaking.event)
    meeting = Meeting.objects.select_for_update().select_related("request").get(pk=meeting.pk)
    if slot is not None:
        if slot.session.matchmaking_id != matchmaking.pk:
            raise ValidationError({"slot": _("That slot belongs to another event.")})
        covered = covered_slots(meeting, slot)
        if not covered:
            raise ValidationError(
                {"slot": _("A double-length meeting needs the next slot of the same session.")}
            )
        busy = Booking.objects.filter(
            slot__in=covered, participant_id__in=_people_of(meeting)
        ).exclude(meeting=meeting)
        if busy.exists():
            raise ValidationError(
                {"slot": _("Someone in this meeting already has a meeting at that time.")}
            )
        if not meeting.remote and not table:
            raise ValidationError({"table": _("Choose a table.")})
        taken = Booking.objects.filter(
            slot__in=covered, meeting__table=table, meeting__slot__isnull=False
        ).exclude(meeting=meeting)
        if table and (
            taken.exists()
            or Meeting.objects.filter(slot=slot, table=table).exclude(pk=meeting.pk).exists()
        ):
            raise ValidationError({"table": _("Table %(t)s is taken in that slot.") % {"t": table}})
    if lock is not None:
        meeting.locked = lock
    meeting.unscheduled_reason = "" if slot else _("unscheduled by the organisers")
    _book(meeting, slot, table)
    return meeting


@audited(
    "matchmaking.agendas.published",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"count": r, "final": a.get("final")},
    label=gettext_lazy("published the agendas"),
)
@transaction.atomic
def publish_agendas(matchmaking: Matchmaking, by, *, final: bool) -> int:
    """Publish the preliminary or final agendas; people whose meetings changed are told."""
    matchmaking = _lock(matchmaking)
    _manager(by, matchmaking.event)
    changed = []
    for meeting in matchmaking.meetings.select_for_update(of=("self",)).order_by("pk"):
        if (meeting.slot_id, meeting.table) != (meeting.published_slot_id, meeting.published_table):
            if matchmaking.schedule_state != ScheduleState.NOT_PUBLISHED:
                changed.append(meeting.pk)
            meeting.published_slot_id = meeting.slot_id
            meeting.published_table = meeting.table
            meeting.save(update_fields=["published_slot", "published_table", "updated"])
    matchmaking.schedule_state = ScheduleState.FINAL if final else ScheduleState.PRELIMINARY
    matchmaking.schedule_version += 1
    matchmaking.save(update_fields=["schedule_state", "schedule_version", "updated"])
    _notify("agendas_published", matchmaking=matchmaking.pk, changed=changed)
    return len(changed)


@dataclass
class ScheduleRun:
    """What one run of the scheduler did, for the organisers' screen."""

    scheduled: int
    total: int
    weight: float
    bound: float
    ratio: float
    unscheduled: list[tuple[int, str]]
    changed: list[int]
    seconds: float

    @property
    def summary(self) -> str:
        return _(
            "Scheduled %(n)d of %(m)d accepted meetings; at least %(pct)s%% of the best possible."
        ) % {
            "n": self.scheduled,
            "m": self.total,
            "pct": f"{math.floor(min(self.ratio, 1.0) * 1000) / 10:.1f}",
        }


def scheduling_problem(matchmaking: Matchmaking, meetings: list[Meeting], slots: list[MeetingSlot]):
    """The scheduler's input from the database: who is free when, tables, locks, publication."""
    index = {slot.pk: i for i, slot in enumerate(slots)}
    joining = {m.pk: [c.pk for c in m.request.colleagues.all()] for m in meetings}
    people = {m.request.sender_id for m in meetings} | {m.request.recipient_id for m in meetings}
    people |= {pk for pks in joining.values() for pk in pks}
    participants = (
        Participant.objects.filter(pk__in=people)
        .select_related("registration")
        .prefetch_related("availability", "preferred_slots")
    )
    availability, fixed, limits, preferred, organisations = {}, {}, {}, {}, {}
    for participant in participants:
        sessions = {s.pk for s in participant.availability.all()} if participant.opted_in else set()
        availability[participant.pk] = [i for i, s in enumerate(slots) if s.session_id in sessions]
        if participant.fixed_table:
            fixed[participant.pk] = participant.fixed_table
        if participant.max_meetings is not None:
            limits[participant.pk] = participant.max_meetings
        chosen = [index[s.pk] for s in participant.preferred_slots.all() if s.pk in index]
        if chosen:
            preferred[participant.pk] = chosen
        organisations[participant.pk] = organisation_key(participant)
    locked = {
        m.pk: scheduler.Placement(index[m.slot_id], m.table or None)
        for m in meetings
        if m.locked and m.slot_id in index
    }
    published = {
        m.pk: scheduler.Placement(index[m.published_slot_id], m.published_table or None)
        for m in meetings
        if m.published_slot_id in index
    }
    return scheduler.Problem(
        meetings=[
            scheduler.Meeting(
                id=m.pk,
                a=m.request.sender_id,
                b=m.request.recipient_id,
                weight=m.weight,
                remote=m.remote,
                others=tuple(joining[m.pk]),
                length=2 if m.request.long else 1,
            )
            for m in meetings
        ],
        n_slots=len(slots),
        tables=matchmaking.tables,
        availability=availability,
        fixed_tables=fixed,
        locked=locked,
        published=published,
        sessions=[slot.session_id for slot in slots],
        max_meetings=limits,
        max_per_session=matchmaking.max_meetings_per_session,
        preferred=preferred,
        organisations={} if matchmaking.same_organisation_meetings else organisations,
    )


@audited(
    "matchmaking.schedule.run",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"scheduled": r.scheduled, "total": r.total},
    label=gettext_lazy("ran the scheduler"),
)
@transaction.atomic
def run_scheduler(matchmaking: Matchmaking, by, *, time_limit: float = 120.0) -> ScheduleRun:
    """Place every accepted meeting it can (maximum total weight), keeping locked meetings and
    as much of the published agendas as possible; store why the others stay out."""
    matchmaking = _lock(matchmaking)
    _manager(by, matchmaking.event)
    slots = list(MeetingSlot.objects.filter(session__matchmaking=matchmaking).order_by("start"))
    meetings = list(
        matchmaking.meetings.filter(request__status=RequestStatus.ACCEPTED)
        .select_related("request")
        .prefetch_related("request__colleagues")
    )
    result = scheduler.schedule(
        scheduling_problem(matchmaking, meetings, slots), time_limit=time_limit
    )
    movable = [m for m in meetings if not m.locked]
    # Free every movable place first, so that the new places never collide with old ones.
    Booking.objects.filter(meeting__in=movable).delete()
    Meeting.objects.filter(pk__in=[m.pk for m in movable]).update(slot=None, table="")
    bookings = []
    for meeting in movable:
        placement = result.assignment.get(meeting.pk)
        meeting.slot = slots[placement.slot] if placement else None
        meeting.table = (placement.table or "") if placement else ""
        meeting.unscheduled_reason = (
            "" if placement else str(result.unscheduled.get(meeting.pk, ""))
        )
        if placement:
            length = 2 if meeting.request.long else 1
            bookings += [
                Booking(meeting=meeting, participant_id=pk, slot=slot)
                for pk in _people_of(meeting)
                for slot in slots[placement.slot : placement.slot + length]
            ]
    Meeting.objects.bulk_update(movable, ["slot", "table", "unscheduled_reason", "updated"])
    Booking.objects.bulk_create(bookings)
    return ScheduleRun(
        scheduled=result.n_scheduled,
        total=result.n_meetings,
        weight=result.scheduled_weight,
        bound=result.bound,
        ratio=result.ratio,
        unscheduled=[(pk, str(reason)) for pk, reason in result.unscheduled.items()],
        changed=list(result.changed),
        seconds=result.seconds,
    )


# After the event ----------------------------------------------------------------------------


@audited(
    "matchmaking.meeting.no_show",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("marked a no-show"),
)
def mark_no_show(meeting: Meeting, participant: Participant, by, no_show: bool = True) -> Meeting:
    _manager(by, meeting.matchmaking.event)
    field = "sender_no_show" if participant.pk == meeting.request.sender_id else "recipient_no_show"
    setattr(meeting, field, no_show)
    meeting.save(update_fields=[field, "updated"])
    return meeting


def meeting_held(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """The meeting has taken place: its published time has come."""
    slot = meeting.published_slot
    return slot is not None and slot.start <= (now or timezone.now())


@audited(
    "matchmaking.meeting.rated",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("rated a meeting"),
)
def rate_meeting(meeting: Meeting, participant: Participant, outcome: str) -> Meeting:
    """One of the two who met says what came of the meeting, once it has taken place."""
    if participant.pk == meeting.request.sender_id:
        field = "sender_outcome"
    elif participant.pk == meeting.request.recipient_id:
        field = "recipient_outcome"
    else:
        raise PermissionDenied(_("Only the two people who met may rate the meeting."))
    held = Meeting.objects.filter(pk=meeting.pk, published_slot__start__lte=timezone.now())
    if not held.exists():  # as published now, whatever the object in hand says
        raise ValidationError(_("You can rate a meeting once it has taken place."), code="early")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose one of the outcomes.")})
    setattr(meeting, field, outcome)
    meeting.save(update_fields=[field, "updated"])
    return meeting


# Marketplace (participants' own offers and requests) ----------------------------------------


@audited(
    "matchmaking.item.saved",
    returns=True,
    scope=lambda o: o.participant.matchmaking.event,
    label=gettext_lazy("saved a marketplace item"),
)
def save_marketplace_item(
    participant: Participant,
    *,
    kind: str,
    title: str,
    description: str = "",
    item: MarketplaceItem | None = None,
) -> MarketplaceItem:
    """Publish or edit one of the participant's own offers or requests on the marketplace."""
    if item is not None and item.participant_id != participant.pk:
        raise PermissionDenied(_("Only its author may change this item."))
    if not participant.opted_in:
        raise ValidationError(_("Opt in to the B2B meetings first."))
    item = item or MarketplaceItem(participant=participant)
    item.kind = kind
    item.title = title.strip()
    item.description = description.strip()
    item.full_clean(exclude=["participant"])
    item.save()
    return item


@audited(
    "matchmaking.item.deleted",
    scope=lambda o: o.participant.matchmaking.event,
    label=gettext_lazy("deleted a marketplace item"),
)
def delete_marketplace_item(item: MarketplaceItem, participant: Participant) -> None:
    if item.participant_id != participant.pk:
        raise PermissionDenied(_("Only its author may delete this item."))
    item.delete()


# Organiser screens and API (set-up details, locks, video links) -----------------------------
# Added for views_manage.py and api.py.


@audited(
    "matchmaking.session.deleted",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("deleted a B2B session"),
)
@transaction.atomic
def delete_session(session: MatchmakingSession, by) -> None:
    """Remove a meeting session; its scheduled meetings become unscheduled (with the reason)."""
    matchmaking = _lock(session.matchmaking)
    _manager(by, matchmaking.event)
    meetings = Meeting.objects.select_for_update(of=("self",)).filter(slot__session=session)
    for meeting in meetings.order_by("pk"):
        meeting.locked = False
        meeting.unscheduled_reason = _("its meeting session was removed")
        _book(meeting, None, "")
    session.delete()


TYPE_NAME_LENGTH = 100


def participant_type_rules(matchmaking: Matchmaking) -> dict[str, list[str]]:
    """The participant types and who may request whom, as :func:`set_participant_types`
    takes them."""
    types = matchmaking.types.prefetch_related("may_request").order_by("name")
    return {t.name: [o.name for o in t.may_request.all()] for t in types}


@audited(
    "matchmaking.types.added",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"count": len(r)},
    label=gettext_lazy("added a participant type"),
)
@transaction.atomic
def add_participant_type(matchmaking: Matchmaking, name: str, by) -> list[ParticipantType]:
    """A new participant type. By default its members may request every type and every type
    may request them (themselves included), until the organisers' matrix says otherwise."""
    matchmaking = _lock(matchmaking)
    rules = participant_type_rules(matchmaking)
    wanted = {t: [*allowed, name] for t, allowed in rules.items()}
    wanted[name] = [*rules, name]
    return set_participant_types(matchmaking, wanted, by)


@audited(
    "matchmaking.types.removed",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"count": len(r)},
    deletes=False,
    label=gettext_lazy("removed a participant type"),
)
@transaction.atomic
def remove_participant_type(
    matchmaking: Matchmaking, gone: ParticipantType, by
) -> list[ParticipantType]:
    """Remove a type; its participants have no type (hence no rule) until given one."""
    matchmaking = _lock(matchmaking)
    rules = participant_type_rules(matchmaking)
    wanted = {
        t: [o for o in allowed if o != gone.name] for t, allowed in rules.items() if t != gone.name
    }
    return set_participant_types(matchmaking, wanted, by)


@audited(
    "matchmaking.types.set",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"count": len(r)},
    label=gettext_lazy("set who may meet whom"),
)
@transaction.atomic
def set_participant_types(
    matchmaking: Matchmaking, rules: dict[str, Iterable[str]], by
) -> list[ParticipantType]:
    """The participant types and who may request whom, all at once: ``{"Company":
    ["Research", "Company"], "Research": []}``. Types are kept by name (their participants keep
    them); a type left out is removed (its participants have no type, hence no rule)."""
    matchmaking = _lock(matchmaking)
    _manager(by, matchmaking.event)
    names: dict[str, str] = {}
    errors: list[str] = []
    for raw in rules:
        name = " ".join(str(raw).split())
        if not name:
            errors.append(_("A participant type needs a name."))
        elif len(name) > TYPE_NAME_LENGTH:
            errors.append(
                _("“%(name)s” is longer than %(n)d characters.")
                % {"name": name, "n": TYPE_NAME_LENGTH}
            )
        elif name.casefold() in {n.casefold() for n in names.values()}:
            errors.append(_("The type “%(name)s” is given twice.") % {"name": name})
        names[raw] = name
    targets: dict[str, list[str]] = {}
    known = {n.casefold(): n for n in names.values()}
    for raw, allowed in rules.items():
        targets[names[raw]] = []
        for other in allowed or []:
            other_name = known.get(" ".join(str(other).split()).casefold())
            if other_name is None:
                errors.append(_("“%(name)s” is not a participant type.") % {"name": other})
            elif other_name not in targets[names[raw]]:
                targets[names[raw]].append(other_name)
    if errors:
        raise ValidationError({"types": errors})
    existing = {t.name: t for t in matchmaking.types.all()}
    for name, kept in existing.items():
        if name not in targets:
            kept.delete()
    types = {
        name: existing.get(name)
        or ParticipantType.objects.create(matchmaking=matchmaking, name=name)
        for name in targets
    }
    for name, allowed in targets.items():
        types[name].may_request.set([types[other] for other in allowed])
    return list(types.values())


@audited(
    "matchmaking.participant.setup",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("changed a participant's type or table"),
)
def set_participant_setup(
    participant: Participant, by, *, type: ParticipantType | None, fixed_table: str = ""
) -> Participant:
    """The organisers set a participant's type and own table or booth (exhibitors)."""
    _manager(by, participant.matchmaking.event)
    if type is not None and type.matchmaking_id != participant.matchmaking_id:
        raise ValidationError({"type": _("That type belongs to another event.")})
    fixed_table = fixed_table.strip()
    if len(fixed_table) > 40:
        raise ValidationError({"fixed_table": _("A table name has at most 40 characters.")})
    participant.type = type
    participant.fixed_table = fixed_table
    participant.save(update_fields=["type", "fixed_table", "updated"])
    return participant


@audited(
    "matchmaking.meeting.locked",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("locked or unlocked a meeting"),
)
@transaction.atomic
def set_locked(meeting: Meeting, locked: bool, by) -> Meeting:
    """Lock a placed meeting where it is (the scheduler leaves it alone), or unlock it."""
    matchmaking = _lock(meeting.matchmaking)
    _manager(by, matchmaking.event)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked and meeting.slot_id is None:
        raise ValidationError({"locked": _("Place the meeting in a slot before locking it.")})
    meeting.locked = locked
    meeting.save(update_fields=["locked", "updated"])
    return meeting


VIDEO_PLACEHOLDERS = ("{event}", "{meeting}", "{token}")
DEFAULT_VIDEO_PATTERN = "https://meet.jit.si/clusterhub-{event}-{meeting}-{token}"


def video_link(pattern: str, meeting: Meeting, event: Event) -> str:
    import secrets

    return (
        pattern.replace("{event}", event.slug)
        .replace("{meeting}", str(meeting.pk))
        .replace("{token}", secrets.token_urlsafe(9).replace("_", "x").replace("-", "y"))
    )


@audited(
    "matchmaking.video.links",
    by="by",
    scope=lambda o: o.event,
    counts=lambda r, a: {"count": r},
    label=gettext_lazy("set the video links"),
)
@transaction.atomic
def set_video_links(matchmaking: Matchmaking, pattern: str, by, *, overwrite: bool = False) -> int:
    """A video link for each remote meeting, made from the organisers' room address pattern
    (``{event}``, ``{meeting}`` and ``{token}``, a random part, are filled in). Meetings that
    already have a link keep it unless ``overwrite``. Returns how many links were set."""
    from django.core.validators import URLValidator

    matchmaking = _lock(matchmaking)
    _manager(by, matchmaking.event)
    pattern = pattern.strip()
    if "{meeting}" not in pattern and "{token}" not in pattern:
        raise ValidationError(
            {"pattern": _("Put {meeting} or {token} in the address: each meeting needs its room.")}
        )
    try:
        URLValidator(schemes=["https", "http"])(
            pattern.replace("{event}", "e").replace("{meeting}", "1").replace("{token}", "t")
        )
    except ValidationError:
        raise ValidationError(
            {
                "pattern": _("Give a web address, e.g. %(example)s.")
                % {"example": DEFAULT_VIDEO_PATTERN}
            }
        ) from None
    meetings = (
        matchmaking.meetings.select_for_update(of=("self",))
        .filter(remote=True, request__status=RequestStatus.ACCEPTED)
        .order_by("pk")  # not the slot's start: PostgreSQL locks no outer-joined row
    )
    if not overwrite:
        meetings = meetings.filter(video_url="")
    count = 0
    for meeting in meetings:
        meeting.video_url = video_link(pattern, meeting, matchmaking.event)[:200]
        meeting.save(update_fields=["video_url", "updated"])
        count += 1
    return count


@audited(
    "matchmaking.video.url",
    by="by",
    scope=lambda o: o.matchmaking.event,
    label=gettext_lazy("set a video link"),
)
def set_video_url(meeting: Meeting, url: str, by) -> Meeting:
    """The organisers give (or clear) one remote meeting's video link by hand."""
    from django.core.validators import URLValidator

    _manager(by, meeting.matchmaking.event)
    url = url.strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise ValidationError({"video_url": _("Give a web address.")}) from None
        if not meeting.remote:
            raise ValidationError({"video_url": _("This meeting takes place on site.")})
    meeting.video_url = url[:200]
    meeting.save(update_fields=["video_url", "updated"])
    return meeting


# Personal data --------------------------------------------------------------------------------


def forget_user(user) -> list:
    """A deleted account's B2B profiles lose their free text (pitch, request messages); the
    meetings stay in the event's figures. Returns the rows changed."""
    participants = list(Participant.objects.filter(registration__user=user))
    requests = list(MeetingRequest.objects.filter(sender__in=participants))
    MeetingRequest.objects.filter(pk__in=[r.pk for r in requests]).update(message="")
    MarketplaceItem.objects.filter(participant__in=participants).delete()
    Participant.objects.filter(pk__in=[p.pk for p in participants]).update(pitch="", fixed_table="")
    return participants + requests
