"""The organisers' B2B screens: permissions, set-up and slots around breaks, types and rules,
the scheduler's run, moves, locks, publication with change notices, table plans, no-shows and
statistics."""

from collections import Counter
from datetime import datetime, timedelta
from functools import partial
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterhub.events import services as event_services
from clusterhub.events.models import Event, Registration
from clusterhub.matchmaking import services
from clusterhub.matchmaking.models import (
    Booking,
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingSlot,
    Outcome,
    Participant,
    ParticipantType,
    RequestStatus,
    ScheduleState,
)
from clusterhub.matchmaking.views_manage import at_least_percent, meeting_statistics
from tests import clock, factories

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
YEAR = clock.NOW.year + 1  # the tests run at clock.NOW


def paris(day: int, hm: str) -> datetime:
    hour, minute = (int(v) for v in hm.split(":"))
    return datetime(YEAR, 10, day, hour, minute, tzinfo=PARIS)


# Builders (used by the API and concurrency tests too) -----------------------------------------


# The matchmaking event of these tests: 12-13 October next year, in Lyon.
make_event = partial(
    factories.EventFactory,
    kind="matchmaking",
    start=paris(12, "09:00"),
    end=paris(13, "18:00"),
)


def register(event: Event, n: int, user=None) -> Registration:
    return event_services.register_participant(
        event,
        user=user,
        first_name=f"Ada{n}",
        last_name=f"Person{n:02d}",
        email=user.email if user else f"p{n}@example.org",
        organisation_name=f"Organisation {n}",
        organisation_kind="company",
        country_id="FR",
    )


def set_up(event: Event, organiser, *, minutes: int = 30, tables: int = 2, **fields) -> Matchmaking:
    return services.save_matchmaking(
        Matchmaking(event=event, meeting_minutes=minutes, tables=tables, **fields), by=organiser
    )


def add_session(
    matchmaking: Matchmaking, organiser, day=12, start="14:00", end="16:00", breaks=(), title=None
) -> MatchmakingSession:
    return services.save_session(
        MatchmakingSession(
            matchmaking=matchmaking,
            title=title or f"Day {day} {start}",
            start=paris(day, start),
            end=paris(day, end),
            breaks=[[f"{YEAR}-10-{day}T{a}", f"{YEAR}-10-{day}T{b}"] for a, b in breaks],
        ),
        by=organiser,
    )


def join(event: Event, n: int, user=None, **opt_in) -> Participant:
    return services.opt_in(register(event, n, user=user), **opt_in)


def meet(a: Participant, b: Participant) -> Meeting:
    request = services.send_request(a, b, "Shall we meet?")
    services.answer_request(request, b, accept=True)
    return Meeting.objects.get(request=request)


def check_schedule(matchmaking: Matchmaking, *, reasons: bool = True) -> None:
    """Every accepted meeting is either in a slot or (after a run) has a reason; nobody twice
    in a slot; no table twice in a slot; the bookings mirror the meetings."""
    meetings = list(
        Meeting.objects.filter(matchmaking=matchmaking).select_related("request", "slot")
    )
    seats: Counter = Counter()
    tables: Counter = Counter()
    for m in meetings:
        if m.request.status != RequestStatus.ACCEPTED:
            assert m.slot_id is None, f"cancelled meeting {m.pk} holds a slot"
            continue
        if m.slot_id is None:
            assert m.unscheduled_reason or not reasons, (
                f"meeting {m.pk} has neither a slot nor a reason"
            )
            continue
        seats[(m.request.sender_id, m.slot_id)] += 1
        seats[(m.request.recipient_id, m.slot_id)] += 1
        if m.table:
            tables[(m.slot_id, m.table)] += 1
        booked = set(Booking.objects.filter(meeting=m).values_list("participant_id", "slot_id"))
        assert booked == {(m.request.sender_id, m.slot_id), (m.request.recipient_id, m.slot_id)}
    assert all(n == 1 for n in seats.values()), "a person twice in one slot"
    assert all(n == 1 for n in tables.values()), "a table twice in one slot"
    per_slot = Counter(Booking.objects.values_list("participant_id", "slot_id"))
    assert all(n == 1 for n in per_slot.values())


@pytest.fixture
def organiser():
    return factories.UserFactory(email="organiser@example.org")


@pytest.fixture
def event(organiser):
    return make_event(organiser=organiser)


@pytest.fixture
def matchmaking(event, organiser):
    return set_up(event, organiser)


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def url(name: str, event: Event, *args) -> str:
    return reverse(f"matchmaking:{name}", args=[event.slug, *args])


def local_starts(session: MatchmakingSession) -> list[str]:
    return [f"{s.start.astimezone(PARIS):%H:%M}" for s in session.slots.order_by("start")]


# Permissions -----------------------------------------------------------------------------------

SCREENS = [
    ("manage", ()),
    ("manage-types", ()),
    ("manage-participants", ()),
    ("manage-schedule", ()),
    ("manage-no-shows", ()),
    ("manage-statistics", ()),
    ("manage-table-plans", ()),
]


def test_only_the_organisers_and_staff_get_in(client, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    a, b = join(event, 1), join(event, 2)
    meeting = meet(a, b)
    screens = [*SCREENS, ("manage-session", (session.pk,)), ("manage-meeting", (meeting.pk,))]

    for name, args in screens:
        response = client.get(url(name, event, *args))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name

    client.force_login(factories.UserFactory())
    for name, args in screens:
        assert client.get(url(name, event, *args)).status_code == 403, name
    response = client.post(url("manage-schedule", event), {"action": "publish_final"})
    assert response.status_code == 403
    matchmaking.refresh_from_db()
    assert matchmaking.schedule_state == ScheduleState.NOT_PUBLISHED

    for user in (organiser, factories.UserFactory(staff=True)):
        client.force_login(user)
        for name, args in screens:
            assert client.get(url(name, event, *args)).status_code == 200, name


def test_the_events_manage_nav_links_to_the_b2b_screens(signed_in, event):
    response = signed_in.get(reverse("events:manage", args=[event.slug]))
    assert url("manage", event) in response.content.decode()


# Set-up ----------------------------------------------------------------------------------------


def test_setting_up_then_adding_a_session_cuts_slots_around_its_break(signed_in, event):
    response = signed_in.get(url("manage", event))
    assert "Set up the B2B meetings" in response.content.decode()
    assert signed_in.get(url("manage-schedule", event)).status_code == 302  # set up first
    response = signed_in.post(
        url("manage", event),
        {"action": "save", "meeting_minutes": "4", "tables": "10", "pending_expiry_days": "3"},
    )
    assert response.status_code == 200 and "meeting_minutes" in response.context["form"].errors
    assert not Matchmaking.objects.filter(event=event).exists()

    response = signed_in.post(
        url("manage", event),
        {
            "action": "save",
            "meeting_minutes": "30",
            "tables": "10",
            "remote_meetings": "on",
            "request_cap": "",
            "request_deadline": f"{YEAR}-10-10T18:00",
            "pending_expiry_days": "3",
        },
    )
    assert response.status_code == 302
    matchmaking = Matchmaking.objects.get(event=event)
    assert matchmaking.meeting_minutes == 30 and matchmaking.tables == 10
    assert matchmaking.request_deadline == paris(10, "18:00")  # typed in Paris time
    assert matchmaking.request_cap is None

    response = signed_in.post(
        url("manage", event),
        {
            "action": "add_session",
            "session-title": "Afternoon meetings",
            "session-start": f"{YEAR}-10-12T14:00",
            "session-end": f"{YEAR}-10-12T16:30",
            "session-breaks_text": "14:45–15:00",
        },
    )
    assert response.status_code == 302
    session = matchmaking.sessions.get()
    assert session.start == paris(12, "14:00")
    # 14:00, then the 14:30 slot would overlap the break: the next starts when it ends.
    assert local_starts(session) == ["14:00", "15:00", "15:30", "16:00"]
    assert all(s.end - s.start == timedelta(minutes=30) for s in session.slots.all())

    page = signed_in.get(url("manage", event)).content.decode()
    assert "Afternoon meetings" in page and "14:45–15:00" in page


def test_a_shorter_meeting_length_recuts_the_slots(signed_in, event, matchmaking, organiser):
    session = add_session(
        matchmaking, organiser, start="14:00", end="15:00", breaks=[("14:20", "14:30")]
    )
    assert local_starts(session) == ["14:30"]  # 14:00–14:30 would overlap the break

    signed_in.post(
        url("manage", event),
        {"action": "save", "meeting_minutes": "15", "tables": "2", "pending_expiry_days": "5"},
    )

    assert local_starts(session) == ["14:00", "14:30", "14:45"]


def test_bad_set_up_input_is_refused_and_changes_nothing(signed_in, event, matchmaking, organiser):
    response = signed_in.post(
        url("manage", event),
        {"action": "save", "meeting_minutes": "3", "tables": "2", "pending_expiry_days": "5"},
    )
    assert response.status_code == 200
    assert "meeting_minutes" in response.context["form"].errors

    response = signed_in.post(
        url("manage", event),
        {
            "action": "add_session",
            "session-title": "Too late",
            "session-start": f"{YEAR}-10-12T14:00",
            "session-end": f"{YEAR}-10-12T16:00",
            "session-breaks_text": "17:00–17:30",
        },
    )
    assert response.status_code == 200
    assert "breaks_text" in response.context["session_form"].errors

    response = signed_in.post(
        url("manage", event),
        {
            "action": "add_session",
            "session-title": "After the event",
            "session-start": f"{YEAR}-10-14T14:00",
            "session-end": f"{YEAR}-10-14T16:00",
            "session-breaks_text": "",
        },
    )
    assert response.status_code == 200
    assert response.context["session_form"].errors
    assert not matchmaking.sessions.exists()
    matchmaking.refresh_from_db()
    assert matchmaking.meeting_minutes == 30


def test_editing_and_removing_a_session(signed_in, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    a, b = join(event, 1), join(event, 2)
    meeting = meet(a, b)
    services.move_meeting(meeting, session.slots.first(), "1", organiser)

    response = signed_in.post(
        url("manage-session", event, session.pk),
        {
            "title": "Renamed",
            "start": f"{YEAR}-10-12T14:00",
            "end": f"{YEAR}-10-12T15:00",
            "breaks_text": "",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Renamed" and local_starts(session) == ["14:00", "14:30"]

    signed_in.post(url("manage-session", event, session.pk), {"action": "delete"})

    assert not MatchmakingSession.objects.filter(pk=session.pk).exists()
    meeting.refresh_from_db()
    assert meeting.slot is None and meeting.unscheduled_reason
    assert not Booking.objects.exists()


# Types and rules -------------------------------------------------------------------------------


def test_types_and_networking_rules(signed_in, event, matchmaking):
    for name in ("Company", "Research"):
        assert (
            signed_in.post(url("manage-types", event), {"action": "add", "name": name}).status_code
            == 302
        )
    company = ParticipantType.objects.get(matchmaking=matchmaking, name="Company")
    research = ParticipantType.objects.get(matchmaking=matchmaking, name="Research")
    assert set(research.may_request.all()) == {company, research}  # open until restricted

    # Research centres may request companies only; companies may request everyone.
    signed_in.post(
        url("manage-types", event),
        {
            "action": "rules",
            f"rule-{company.pk}-{company.pk}": "on",
            f"rule-{company.pk}-{research.pk}": "on",
            f"rule-{research.pk}-{company.pk}": "on",
        },
    )
    assert set(research.may_request.all()) == {company}

    lab, other_lab = join(event, 1, type=research), join(event, 2, type=research)
    with pytest.raises(Exception, match="Research may not request meetings with Research"):
        services.send_request(lab, other_lab)

    response = signed_in.post(url("manage-types", event), {"action": "add", "name": "research"})
    assert "given twice" in response.content.decode()

    signed_in.post(url("manage-types", event), {"action": "delete", "type": research.pk})
    assert list(matchmaking.types.values_list("name", flat=True)) == ["Company"]
    lab.refresh_from_db()
    assert lab.type is None


def test_a_new_type_is_open_both_ways_whoever_adds_it(matchmaking, organiser):
    services.set_participant_types(matchmaking, {"Company": [], "Investor": []}, by=organiser)
    services.add_participant_type(matchmaking, "Research", by=organiser)

    assert services.participant_type_rules(matchmaking) == {
        "Company": ["Research"],
        "Investor": ["Research"],
        "Research": ["Company", "Investor", "Research"],
    }
    with pytest.raises(PermissionDenied):
        services.add_participant_type(matchmaking, "Public", by=factories.UserFactory())


def test_the_participants_page_sets_types_and_own_tables(signed_in, event, matchmaking, organiser):
    services.set_participant_types(
        matchmaking, {"Exhibitor": [], "Visitor": ["Exhibitor"]}, organiser
    )
    exhibitor = ParticipantType.objects.get(name="Exhibitor")
    people = [join(event, n) for n in range(1, 8)]

    response = signed_in.post(
        url("manage-participants", event),
        {"participant": people[0].pk, "type": exhibitor.pk, "fixed_table": "Booth 7"},
    )
    assert response.status_code == 302
    people[0].refresh_from_db()
    assert people[0].type == exhibitor and people[0].fixed_table == "Booth 7"

    with CaptureQueriesContext(connection) as few:
        signed_in.get(url("manage-participants", event))
    for n in range(8, 20):
        join(event, n)
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(url("manage-participants", event))
    assert len(many) == len(few)  # no query per row
    assert "Booth 7" in response.content.decode()


# The schedule ----------------------------------------------------------------------------------


@pytest.fixture
def busy_event(event, matchmaking, organiser):
    """Ten people, three slots of two tables, more meetings than fit, one without a common
    session."""
    first = add_session(matchmaking, organiser, start="14:00", end="15:30")
    second = add_session(matchmaking, organiser, day=13, start="09:00", end="09:30")
    people = [join(event, n) for n in range(10)]
    loner = join(event, 10, sessions=[second])
    other = join(event, 11, sessions=[first])
    pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (2, 3), (4, 5), (4, 6), (5, 6), (7, 8), (8, 9), (7, 9)]
    meetings = [meet(people[a], people[b]) for a, b in pairs]
    meetings.append(meet(loner, other))
    return {"people": people, "meetings": meetings, "loner": loner, "other": other}


def test_running_the_scheduler_places_meetings_or_says_why(
    signed_in, event, matchmaking, busy_event, transactional_db
):
    response = signed_in.post(url("manage-schedule", event), {"action": "run"}, follow=True)

    assert response.status_code == 200
    check_schedule(matchmaking)
    scheduled = Meeting.objects.filter(matchmaking=matchmaking, slot__isnull=False).count()
    assert 0 < scheduled < len(busy_event["meetings"])  # 4 slots × 2 tables = 8 places at most
    assert scheduled <= 8
    page = response.content.decode()
    assert (
        f"Scheduled {scheduled} of {len(busy_event['meetings'])} accepted meetings; at least "
        in page
    )
    assert "% of the best possible." in page
    lonely = Meeting.objects.get(request__sender=busy_event["loner"])
    assert lonely.slot is None and lonely.unscheduled_reason == "no common free slot"
    assert "no common free slot" in page
    # The summary stays on the page.
    assert "of the best possible" in signed_in.get(url("manage-schedule", event)).content.decode()


def test_the_grid_shows_tables_by_slot(signed_in, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    a, b = join(event, 1), join(event, 2)
    meeting = meet(a, b)
    slot = session.slots.order_by("start")[1]
    services.move_meeting(meeting, slot, "2", organiser)

    response = signed_in.get(url("manage-schedule", event))

    grid = response.context["grid"]
    assert [label for label, _cells in grid["rows"]] == ["1", "2"]
    row = dict(grid["rows"])["2"]
    assert row[1] == meeting and row[0] is None
    assert "Person01 – Person02" in response.content.decode()


def test_a_move_into_a_conflict_is_refused_with_the_reason(
    signed_in, event, matchmaking, organiser
):
    session = add_session(matchmaking, organiser)
    a, b, c, d = (join(event, n) for n in range(1, 5))
    first, second, third = meet(a, b), meet(a, c), meet(c, d)
    slot = session.slots.order_by("start").first()
    services.move_meeting(first, slot, "1", organiser)

    response = signed_in.post(
        url("manage-meeting", event, second.pk), {"action": "move", "slot": slot.pk, "table": "2"}
    )
    assert response.status_code == 200
    assert (
        "Someone in this meeting already has a meeting at that time." in response.content.decode()
    )
    second.refresh_from_db()
    assert second.slot is None

    response = signed_in.post(
        url("manage-meeting", event, third.pk), {"action": "move", "slot": slot.pk, "table": "1"}
    )
    assert "Table 1 is taken in that slot." in response.content.decode()
    third.refresh_from_db()
    assert third.slot is None

    response = signed_in.post(
        url("manage-meeting", event, third.pk),
        {"action": "move", "slot": slot.pk, "table": "2", "locked": "on"},
    )
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.slot == slot and third.table == "2" and third.locked
    check_schedule(matchmaking, reasons=False)


def test_lock_and_unlock_from_the_grid(signed_in, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    meeting = meet(join(event, 1), join(event, 2))

    signed_in.post(url("manage-schedule", event), {"action": "lock", "meeting": meeting.pk})
    meeting.refresh_from_db()
    assert not meeting.locked  # an unscheduled meeting cannot be locked

    services.move_meeting(meeting, session.slots.first(), "1", organiser)
    signed_in.post(url("manage-schedule", event), {"action": "lock", "meeting": meeting.pk})
    meeting.refresh_from_db()
    assert meeting.locked
    signed_in.post(url("manage-schedule", event), {"action": "unlock", "meeting": meeting.pk})
    meeting.refresh_from_db()
    assert not meeting.locked

    # From the grid with htmx: the cell comes back, locked.
    response = signed_in.post(
        url("manage-schedule", event),
        {"action": "lock", "meeting": meeting.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    cell = response.content.decode()
    assert cell.startswith('<div class="b2b-cell locked">') and 'value="unlock"' in cell
    meeting.refresh_from_db()
    assert meeting.locked


def test_publish_then_move_tells_the_people_concerned(
    signed_in, event, matchmaking, organiser, django_capture_on_commit_callbacks
):
    session = add_session(matchmaking, organiser)
    slots = list(session.slots.order_by("start"))
    people = [join(event, n) for n in range(1, 5)]
    moved, kept = meet(people[0], people[1]), meet(people[2], people[3])
    services.move_meeting(moved, slots[0], "1", organiser)
    services.move_meeting(kept, slots[0], "2", organiser)

    signed_in.post(url("manage-schedule", event), {"action": "publish_preliminary"})
    matchmaking.refresh_from_db()
    assert matchmaking.schedule_state == ScheduleState.PRELIMINARY
    assert signed_in.get(url("manage-schedule", event)).context["changed_people"] == []

    signed_in.post(
        url("manage-meeting", event, moved.pk),
        {"action": "move", "slot": slots[2].pk, "table": "1"},
    )

    page = signed_in.get(url("manage-schedule", event))
    assert page.context["changed"] == [Meeting.objects.get(pk=moved.pk)]
    assert page.context["changed_people"] == [
        "Ada1 Person01 (Organisation 1)",
        "Ada2 Person02 (Organisation 2)",
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            url("manage-schedule", event), {"action": "publish_final"}, follow=True
        )
    assert "The people of 1 changed meeting are told." in response.content.decode()
    changed_to = {address for m in mail.outbox if "changed" in m.subject for address in m.to}
    assert changed_to == {"p1@example.org", "p2@example.org"}
    matchmaking.refresh_from_db()
    assert matchmaking.schedule_state == ScheduleState.FINAL
    assert signed_in.get(url("manage-schedule", event)).context["changed_people"] == []


def test_video_links_for_remote_meetings(signed_in, event, matchmaking):
    remote = meet(join(event, 1, remote=True), join(event, 2))
    also_remote = meet(join(event, 3), join(event, 4, remote=True))
    on_site = meet(join(event, 5), join(event, 6))

    response = signed_in.post(
        url("manage", event),
        {"action": "video_links", "video-pattern": "https://video.example.org/room"},
    )
    assert "{meeting}" in response.content.decode()  # each meeting needs its own room

    signed_in.post(
        url("manage", event),
        {
            "action": "video_links",
            "video-pattern": "https://video.example.org/{event}-{meeting}-{token}",
        },
    )
    links = {m.pk: m.video_url for m in Meeting.objects.all()}
    assert links[on_site.pk] == ""
    assert links[remote.pk].startswith(f"https://video.example.org/{event.slug}-{remote.pk}-")
    assert links[also_remote.pk] and links[also_remote.pk] != links[remote.pk]

    signed_in.post(
        url("manage-meeting", event, remote.pk),
        {"action": "video", "video_url": "https://meet.example.org/ours"},
    )
    remote.refresh_from_db()
    assert remote.video_url == "https://meet.example.org/ours"


def test_table_plans_print_one_page_per_slot(signed_in, event, matchmaking, organiser):
    from pypdf import PdfReader

    session = add_session(matchmaking, organiser)
    slots = list(session.slots.order_by("start"))
    people = [join(event, n) for n in range(1, 5)]
    services.move_meeting(meet(people[0], people[1]), slots[0], "1", organiser)
    services.move_meeting(meet(people[2], people[3]), slots[1], "2", organiser)

    response = signed_in.get(url("manage-table-plans", event))

    assert response["Content-Type"] == "application/pdf"
    pdf = PdfReader(BytesIO(response.content))
    assert len(pdf.pages) == 2
    first = pdf.pages[0].extract_text()
    assert "14:00" in first and "Ada1 Person01" in first and "Ada2 Person02" in first
    assert "Person03" not in first

    one = signed_in.get(url("manage-table-plans", event) + f"?slot={slots[1].pk}")
    assert len(PdfReader(BytesIO(one.content)).pages) == 1
    assert signed_in.get(url("manage-table-plans", event) + "?slot=999999").status_code == 404


# After the event -------------------------------------------------------------------------------


def test_no_shows_and_statistics(signed_in, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    slots = list(session.slots.order_by("start"))
    people = [join(event, n) for n in range(1, 5)]
    held, missed = meet(people[0], people[1]), meet(people[2], people[3])
    services.move_meeting(held, slots[0], "1", organiser)
    services.move_meeting(missed, slots[0], "2", organiser)
    request = services.send_request(people[0], people[2])
    services.answer_request(request, people[2], accept=False)

    response = signed_in.post(
        url("manage-no-shows", event),
        {"meeting": [held.pk, missed.pk], f"r{missed.pk}": "on"},
    )
    assert response.status_code == 302
    missed.refresh_from_db()
    assert missed.recipient_no_show and not missed.sender_no_show
    services.publish_agendas(matchmaking, by=organiser, final=True)
    with time_machine.travel(slots[0].end):  # a meeting is rated after it
        services.rate_meeting(held, people[0], Outcome.AGREEMENT)
        services.rate_meeting(held, people[1], Outcome.PLANNED)

    # Before their time, meetings are still to come, not held.
    response = signed_in.get(url("manage-statistics", event))
    stats = response.context["stats"]
    assert stats["held"] == 0 and stats["to_come"] == 2
    assert "meetings still to come" in response.content.decode()
    stats = meeting_statistics(matchmaking, now=slots[0].end)

    assert stats["accepted"] == 2 and stats["scheduled"] == 2
    assert stats["held"] == 1 and stats["missed"] == 1 and stats["no_show_people"] == 1
    assert stats["to_come"] == 0
    outcomes = {str(label): n for label, n in stats["outcomes"]}
    assert outcomes == {
        "No further contact": 0,
        "Further contact planned": 1,
        "Negotiation under way": 0,
        "Agreement reached": 1,
    }
    assert dict((str(k), v) for k, v in stats["by_status"])["Declined"] == 1

    # Unticking on the page undoes it.
    signed_in.post(url("manage-no-shows", event), {"meeting": [missed.pk]})
    missed.refresh_from_db()
    assert not missed.recipient_no_show


def test_the_no_show_list_is_paginated_with_few_queries(signed_in, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser, start="09:00", end="17:00")
    slots = list(session.slots.order_by("start"))
    people = [join(event, n) for n in range(12)]
    meetings = [meet(people[2 * i], people[2 * i + 1]) for i in range(6)]
    for i in range(2):
        services.move_meeting(meetings[i], slots[i], "1", organiser)
    with CaptureQueriesContext(connection) as few:
        signed_in.get(url("manage-no-shows", event))
    for i in range(2, 6):
        services.move_meeting(meetings[i], slots[i], "1", organiser)
    with CaptureQueriesContext(connection) as many:
        response = signed_in.get(url("manage-no-shows", event))
    assert len(response.context["rows"]) == 6
    assert len(many) == len(few)


def test_at_least_percent_is_floored_to_one_decimal():
    assert at_least_percent(0.98765) == "98.7"
    assert at_least_percent(0.29) == "29.0"
    assert at_least_percent(0.9999) == "99.9"
    assert at_least_percent(1.0000001) == "100.0"
    assert at_least_percent(None) is None


def test_a_meeting_page_of_another_event_is_not_found(signed_in, event, matchmaking, organiser):
    other_event = make_event(organiser=organiser, title="Another event")
    other = set_up(other_event, organiser)
    meeting = meet(join(other_event, 1), join(other_event, 2))
    assert other.pk != matchmaking.pk
    assert signed_in.get(url("manage-meeting", event, meeting.pk)).status_code == 404
    assert not MeetingSlot.objects.exists()


# The demo --------------------------------------------------------------------------------------


def test_the_demo_sets_up_b2b_meetings_for_the_2027_workshop(settings, tmp_path, client):
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from clusterhub.demo import matchmaking as demo
    from clusterhub.demo import registry_data
    from clusterhub.matchmaking.models import MeetingRequest

    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", "--without-history", stdout=StringIO())

    event = Event.objects.get(slug=demo.EVENT_SLUG)
    matchmaking = event.matchmaking
    assert matchmaking.sessions.count() == 2
    assert set(matchmaking.types.values_list("name", flat=True)) == set(demo.RULES)
    first = matchmaking.sessions.order_by("start").first()
    assert local_starts(first) == ["16:30", "16:50", "17:20", "17:40"]  # around the break
    # The tests run at clock.NOW, while the demo workshop takes registrations.
    assert matchmaking.participants.exists()
    assert matchmaking.participants.filter(opted_in=True).count() == len(demo.PARTICIPANTS)
    assert matchmaking.participants.filter(fixed_table="Booth B1").count() == 1
    statuses = Counter(MeetingRequest.objects.values_list("status", flat=True))
    assert sum(statuses.values()) == len(demo.REQUESTS)
    assert statuses[RequestStatus.ACCEPTED] == sum(1 for r in demo.REQUESTS if r[3] == "accept")
    assert statuses[RequestStatus.PENDING] and statuses[RequestStatus.DECLINED]

    counts = (MeetingRequest.objects.count(), Registration.objects.count(), Meeting.objects.count())
    call_command("load_demo", "--without-history", stdout=StringIO())
    assert (
        MeetingRequest.objects.count(),
        Registration.objects.count(),
        Meeting.objects.count(),
    ) == counts

    team = get_user_model().objects.get(email=registry_data.TEAM_EMAIL)
    run = services.run_scheduler(matchmaking, by=team)
    assert run.scheduled == statuses[RequestStatus.ACCEPTED]  # the demo's meetings all fit
    check_schedule(matchmaking)
    client.force_login(team)
    for name, args in SCREENS:
        assert client.get(url(name, event, *args)).status_code == 200, name
    booth = Meeting.objects.filter(table="Booth B1")
    assert booth.count() == 3  # the exhibitor meets at their booth
