"""The B2B matchmaking JSON API (/api/v1/matchmaking/), as a client sees it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusterhub.core.models import ApiToken
from clusterhub.matchmaking import services
from clusterhub.matchmaking.models import (
    Matchmaking,
    MatchmakingSession,
    Meeting,
    ParticipantType,
    ScheduleState,
)
from tests import factories
from tests.matchmaking.test_manage import (
    PARIS,
    YEAR,
    add_session,
    check_schedule,
    join,
    make_event,
    meet,
    register,
    set_up,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/matchmaking"


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {raw}"}


def send(client, method, url, data=None, headers=None):
    return getattr(client, method)(
        url, data=data, content_type="application/json", headers=headers or {}
    )


def fields_of(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def organiser():
    return factories.UserFactory(email="organiser@example.org")


@pytest.fixture
def as_organiser(organiser):
    return bearer(organiser)


@pytest.fixture
def event(organiser):
    return make_event(organiser=organiser)


@pytest.fixture
def matchmaking(event, organiser):
    return set_up(event, organiser)


# Organisers ------------------------------------------------------------------------------------


def test_setting_up_by_api(client, event, as_organiser):
    base = f"{API}/{event.slug}"
    assert send(client, "get", f"{base}/setup", headers=as_organiser).status_code == 404

    response = send(
        client,
        "patch",
        f"{base}/setup",
        {"meeting_minutes": 20, "tables": 12, "request_deadline": f"{YEAR}-10-10T18:00:00"},
        as_organiser,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["meeting_minutes"] == 20 and body["tables"] == 12
    assert body["request_deadline"] == f"{YEAR}-10-10T18:00:00+02:00"  # read in Paris time
    assert Matchmaking.objects.get(event=event).tables == 12

    response = send(
        client,
        "post",
        f"{base}/sessions",
        {
            "title": "Afternoon",
            "start": f"{YEAR}-10-12T14:00:00",
            "end": f"{YEAR}-10-12T15:40:00",
            "breaks": [["14:40", "15:00"]],
        },
        as_organiser,
    )
    assert response.status_code == 201, response.json()
    session = response.json()
    starts = [slot["start"][11:16] for slot in session["slots"]]
    assert starts == ["14:00", "14:20", "15:00", "15:20"]
    assert session["breaks"] == [[f"{YEAR}-10-12T14:40:00+02:00", f"{YEAR}-10-12T15:00:00+02:00"]]

    response = send(
        client,
        "put",
        f"{base}/types",
        {
            "types": [
                {"name": "Company", "may_request": ["Company", "Research"]},
                {"name": "Research", "may_request": ["Company"]},
            ]
        },
        as_organiser,
    )
    assert response.status_code == 200
    assert {t["name"]: t["may_request"] for t in response.json()} == {
        "Company": ["Company", "Research"],
        "Research": ["Company"],
    }

    response = send(
        client, "patch", f"{base}/sessions/{session['id']}", {"breaks": []}, as_organiser
    )
    assert len(response.json()["slots"]) == 5
    assert (
        send(client, "delete", f"{base}/sessions/{session['id']}", headers=as_organiser).status_code
        == 204
    )
    assert send(client, "get", f"{base}/setup", headers=as_organiser).json()["sessions"] == []


def test_bad_set_up_input_names_the_field(client, event, matchmaking, as_organiser):
    base = f"{API}/{event.slug}"
    response = send(client, "patch", f"{base}/setup", {"meeting_minutes": 3}, as_organiser)
    assert response.status_code in (400, 422)
    assert fields_of(response) == {"meeting_minutes"}
    matchmaking.refresh_from_db()
    assert matchmaking.meeting_minutes == 30
    body = response.json()
    assert set(body) == {"detail", "errors"} and set(body["errors"][0]) == {"field", "message"}

    response = send(
        client,
        "post",
        f"{base}/sessions",
        {
            "title": "Outside",
            "start": f"{YEAR}-10-12T14:00:00",
            "end": f"{YEAR}-10-12T15:00:00",
            "breaks": [["16:00", "16:30"]],
        },
        as_organiser,
    )
    assert response.status_code == 400 and fields_of(response) == {"breaks"}
    response = send(
        client,
        "post",
        f"{base}/sessions",
        {
            "title": "Bad",
            "start": f"{YEAR}-10-12T14:00:00",
            "end": f"{YEAR}-10-12T15:00:00",
            "breaks": [["noon", "13:00"]],
        },
        as_organiser,
    )
    assert response.status_code == 400 and fields_of(response) == {"breaks.0"}
    response = send(
        client,
        "put",
        f"{base}/types",
        {"types": [{"name": "Company", "may_request": ["Nobody"]}]},
        as_organiser,
    )
    assert response.status_code == 400 and fields_of(response) == {"types"}
    assert not matchmaking.sessions.exists() and not matchmaking.types.exists()


def test_organiser_endpoints_refuse_others(client, event, matchmaking):
    stranger = bearer(factories.UserFactory())
    base = f"{API}/{event.slug}"
    for method, path, body in (
        ("patch", "/setup", {"tables": 1}),
        ("post", "/schedule/run", None),
        ("get", "/meetings", None),
        ("post", "/publish", {"final": True}),
        ("put", "/types", {"types": []}),
    ):
        response = send(client, method, base + path, body, stranger)
        assert response.status_code == 403, path
        assert response.json()["detail"]
    assert send(client, "get", f"{base}/setup").status_code == 401
    assert send(client, "get", f"{API}/nothing-here/setup", headers=stranger).status_code == 404
    matchmaking.refresh_from_db()
    assert matchmaking.tables == 2


def test_run_list_move_lock_publish(
    transactional_db, client, event, matchmaking, organiser, as_organiser
):
    add_session(matchmaking, organiser)
    people = [join(event, n) for n in range(1, 7)]
    for a, b in ((0, 1), (0, 2), (1, 2), (3, 4), (4, 5)):
        meet(people[a], people[b])
    base = f"{API}/{event.slug}"

    response = send(client, "post", f"{base}/schedule/run", headers=as_organiser)
    assert response.status_code == 200, response.json()
    run = response.json()
    assert run["total"] == 5 and run["scheduled"] + len(run["unscheduled"]) == 5
    assert run["bound"] >= run["weight"] > 0
    assert run["sentence"].startswith(f"Scheduled {run['scheduled']} of 5 accepted meetings")
    check_schedule(matchmaking)

    listed = send(client, "get", f"{base}/meetings?limit=2", headers=as_organiser).json()
    assert listed["count"] == 5 and len(listed["items"]) == 2 and listed["next"]
    scheduled = send(
        client, "get", f"{base}/meetings?scheduled=true&limit=100", headers=as_organiser
    ).json()["items"]
    assert len(scheduled) == run["scheduled"]
    first = scheduled[0]
    assert first["slot"]["start"].endswith("+02:00") and first["table"]

    # Everything fits (a triangle needs three of the four slots); moving one of person 0's
    # meetings into the slot of their other meeting is refused, naming the field.
    assert run["scheduled"] == 5 and run["ratio"] == 1.0
    m01 = Meeting.objects.get(request__sender=people[0], request__recipient=people[1])
    m02 = Meeting.objects.get(request__sender=people[0], request__recipient=people[2])
    response = send(
        client,
        "post",
        f"{base}/meetings/{m02.pk}/move",
        {"slot": m01.slot_id, "table": "2"},
        as_organiser,
    )
    assert response.status_code == 400
    assert fields_of(response) == {"slot"}
    assert "already has a meeting" in response.json()["detail"]

    extra = add_session(matchmaking, organiser, day=13, start="09:00", end="09:30")
    free_slot = extra.slots.get()
    response = send(
        client,
        "post",
        f"{base}/meetings/{first['id']}/move",
        {"slot": free_slot.pk, "table": "1", "lock": True},
        as_organiser,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["locked"] and response.json()["slot"]["id"] == free_slot.pk
    response = send(
        client, "post", f"{base}/meetings/{first['id']}/lock", {"locked": False}, as_organiser
    )
    assert response.json()["locked"] is False
    response = send(
        client, "post", f"{base}/meetings/{first['id']}/move", {"slot": 999999}, as_organiser
    )
    assert response.status_code == 400 and fields_of(response) == {"slot"}
    check_schedule(matchmaking)

    response = send(client, "post", f"{base}/publish", {"final": False}, as_organiser)
    assert response.json() == {
        "schedule_state": ScheduleState.PRELIMINARY,
        "schedule_version": 1,
        "changed": 0,
    }


def test_the_meeting_list_does_not_grow_its_queries(
    client, event, matchmaking, organiser, as_organiser
):
    people = [join(event, n) for n in range(12)]
    for i in range(2):
        meet(people[2 * i], people[2 * i + 1])
    send(client, "get", f"{API}/{event.slug}/meetings", headers=as_organiser)  # token use noted
    with CaptureQueriesContext(connection) as few:
        send(client, "get", f"{API}/{event.slug}/meetings", headers=as_organiser)
    for i in range(2, 6):
        meet(people[2 * i], people[2 * i + 1])
    with CaptureQueriesContext(connection) as many:
        response = send(client, "get", f"{API}/{event.slug}/meetings", headers=as_organiser)
    assert response.json()["count"] == 6
    assert len(many) == len(few)


# Participants ----------------------------------------------------------------------------------


def test_the_participant_flow(client, event, matchmaking, organiser):
    session = add_session(matchmaking, organiser)
    services.set_participant_types(
        matchmaking, {"Company": ["Company", "Research"], "Research": ["Company"]}, organiser
    )
    company = ParticipantType.objects.get(name="Company")
    research = ParticipantType.objects.get(name="Research")
    ada_user = factories.UserFactory(email="ada@example.org")
    bob_user = factories.UserFactory(email="bob@example.org")
    register(event, 1, user=ada_user)
    register(event, 2, user=bob_user)
    lab = join(event, 3, type=research)
    other_lab = join(event, 4, type=research)
    ada, bob = bearer(ada_user), bearer(bob_user)
    base = f"{API}/{event.slug}"

    # Not opted in yet: cannot request.
    response = send(client, "post", f"{base}/requests", {"recipient": lab.pk}, ada)
    assert response.status_code == 403 and "Opt in" in response.json()["detail"]

    response = send(
        client,
        "post",
        f"{base}/opt-in",
        {"type": research.pk, "pitch": "Testing lab", "sessions": [session.pk]},
        ada,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["opted_in"] and response.json()["sessions"] == [session.pk]
    response = send(client, "post", f"{base}/opt-in", {"type": 999999}, bob)
    assert response.status_code == 400 and fields_of(response) == {"type"}
    assert send(client, "post", f"{base}/opt-in", {"type": company.pk}, bob).status_code == 200

    listed = send(client, "get", f"{base}/participants", headers=ada).json()
    names = {p["name"] for p in listed["items"]}
    assert "Ada1 Person01" not in names and "Ada2 Person02" in names and listed["count"] == 3
    assert send(client, "get", f"{base}/participants?q=Person04", headers=ada).json()["count"] == 1

    # Research may not request research: refused with the rule, naming the field.
    response = send(client, "post", f"{base}/requests", {"recipient": other_lab.pk}, ada)
    assert response.status_code == 400
    assert response.json()["detail"] == "Research may not request meetings with Research."
    assert fields_of(response) == {"recipient"}

    bob_me = send(client, "get", f"{base}/participants?q=Person02", headers=ada).json()["items"][0]
    response = send(
        client, "post", f"{base}/requests", {"recipient": bob_me["id"], "message": "Hi"}, ada
    )
    assert response.status_code == 201, response.json()
    sent = response.json()
    assert sent["status"] == "pending" and sent["direction"] == "sent"
    again = send(client, "post", f"{base}/requests", {"recipient": bob_me["id"]}, ada)
    assert again.status_code == 400 and "already have a request open" in again.json()["detail"]

    inbox = send(client, "get", f"{base}/requests?direction=received", headers=bob).json()
    assert [r["id"] for r in inbox["items"]] == [sent["id"]]
    response = send(client, "post", f"{base}/requests/{sent['id']}/answer", {"accept": True}, bob)
    assert response.json()["status"] == "accepted"
    assert (
        send(
            client, "post", f"{base}/requests/{sent['id']}/answer", {"accept": True}, ada
        ).status_code
        == 400
    )  # no longer waiting

    # No agenda before publication; then the published slot and table.
    agenda = send(client, "get", f"{base}/agenda", headers=ada).json()
    assert agenda["published"] is False and agenda["scheduled"] == []
    meeting = Meeting.objects.get(request_id=sent["id"])
    slot = session.slots.order_by("start").first()
    services.move_meeting(meeting, slot, "1", organiser)
    services.publish_agendas(matchmaking, organiser, final=False)
    agenda = send(client, "get", f"{base}/agenda", headers=ada).json()
    (item,) = agenda["scheduled"]
    assert item["table"] == "1" and item["other"]["name"] == "Ada2 Person02"
    assert item["start"] == slot.start.astimezone(PARIS).isoformat()

    response = send(client, "post", f"{base}/requests/{sent['id']}/cancel", None, bob)
    assert response.json()["status"] == "cancelled"
    meeting.refresh_from_db()
    assert meeting.slot is None


def test_participant_endpoints_need_a_confirmed_registration(client, event, matchmaking):
    stranger = bearer(factories.UserFactory())
    base = f"{API}/{event.slug}"
    for method, path in (
        ("post", "/opt-in"),
        ("get", "/participants"),
        ("get", "/requests"),
        ("get", "/agenda"),
        ("get", "/setup"),
    ):
        response = send(client, method, base + path, {} if method == "post" else None, stranger)
        assert response.status_code == 403, path
        assert "confirmed participants" in response.json()["detail"]


# Partial updates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["meeting_minutes", "tables", "remote_meetings", "pending_expiry_days"]
)
def test_setup_refuses_null_where_a_value_is_needed(
    client, event, matchmaking, as_organiser, field
):
    before = Matchmaking.objects.filter(pk=matchmaking.pk).values().get()
    response = send(client, "patch", f"{API}/{event.slug}/setup", {field: None}, as_organiser)
    assert response.status_code == 422
    assert fields_of(response) == {field}
    assert Matchmaking.objects.filter(pk=matchmaking.pk).values().get() == before


def test_setup_takes_null_where_it_means_no_limit(client, event, organiser, as_organiser):
    set_up(event, organiser, request_cap=3, request_deadline=event.start)
    response = send(
        client,
        "patch",
        f"{API}/{event.slug}/setup",
        {"request_cap": None, "request_deadline": None},
        as_organiser,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["request_cap"] is None and response.json()["request_deadline"] is None
    matchmaking = Matchmaking.objects.get(event=event)
    assert matchmaking.request_cap is None and matchmaking.request_deadline is None


def test_a_partial_update_keeps_the_bounds_of_each_field(client, event, matchmaking, as_organiser):
    base = f"{API}/{event.slug}"
    response = send(client, "patch", f"{base}/setup", {"tables": 5000}, as_organiser)
    assert response.status_code == 422 and fields_of(response) == {"tables"}
    response = send(client, "patch", f"{base}/setup", {"tables": 7}, as_organiser)
    assert response.status_code == 200 and response.json()["meeting_minutes"] == 30


@pytest.mark.parametrize("field", ["title", "start", "end", "breaks"])
def test_a_session_refuses_null_where_a_value_is_needed(
    client, event, matchmaking, organiser, as_organiser, field
):
    session = add_session(matchmaking, organiser, breaks=[("15:00", "15:30")])
    before = MatchmakingSession.objects.filter(pk=session.pk).values().get()
    response = send(
        client, "patch", f"{API}/{event.slug}/sessions/{session.pk}", {field: None}, as_organiser
    )
    assert response.status_code == 422
    assert fields_of(response) == {field}
    assert MatchmakingSession.objects.filter(pk=session.pk).values().get() == before


# The OpenAPI document --------------------------------------------------------------------------


def test_the_openapi_document_names_each_schema_once(client):
    document = client.get("/api/v1/openapi.json").json()
    components = document["components"]["schemas"]
    for name in (
        "MatchmakingSetupOut",
        "MatchmakingSessionOut",
        "MatchmakingSessionIn",
        "MeetingSlotOut",
        "ParticipantTypeOut",
        "ParticipantTypeIn",
        "ParticipantOut",
        "MyParticipantOut",
        "MeetingOut",
        "MeetingRequestIn",
        "MeetingRequestOut",
        "MeetingAnswerIn",
        "PersonalAgendaOut",
        "ScheduleRunOut",
        "PagedMeetingOut",
        "PagedParticipantOut",
        "PagedMeetingRequestOut",
    ):
        assert name in components, name
    assert "fixed_table" in components["ParticipantOut"]["properties"]
    assert "slots" in components["MatchmakingSessionOut"]["properties"]

    def answer(path: str, method: str, status: str = "200") -> str:
        operation = document["paths"][f"/api/v1/matchmaking/{{slug}}{path}"][method]
        return operation["responses"][status]["content"]["application/json"]["schema"]

    assert answer("/participants", "get")["$ref"].endswith("/PagedParticipantOut")
    assert answer("/requests", "post", "201")["$ref"].endswith("/MeetingRequestOut")
    assert answer("/opt-in", "post")["$ref"].endswith("/MyParticipantOut")
    assert answer("/sessions", "post", "201")["$ref"].endswith("/MatchmakingSessionOut")
    assert answer("/types", "put")["items"]["$ref"].endswith("/ParticipantTypeOut")
    assert answer("/setup", "get", "403")["$ref"].endswith("/ErrorBody")


# Lists do not grow their queries ---------------------------------------------------------------


def test_the_participant_and_request_lists_do_not_grow_their_queries(client, event, matchmaking):
    me_user = factories.UserFactory(email="me@example.org")
    me = join(event, 0, user=me_user)
    as_me = bearer(me_user)
    people = [join(event, n) for n in range(1, 11)]

    def counts() -> list[int]:
        out = []
        for path in ("/participants", "/requests"):
            send(client, "get", f"{API}/{event.slug}{path}", headers=as_me)  # token use noted
            with CaptureQueriesContext(connection) as queries:
                response = send(client, "get", f"{API}/{event.slug}{path}", headers=as_me)
            assert response.status_code == 200
            out.append(len(queries))
        return out

    meet(me, people[0])
    services.send_request(people[1], me, "Hello")
    few = counts()
    for other in people[2:8]:
        meet(me, other)
    for other in people[8:]:
        services.send_request(other, me, "Hello")
    many = counts()
    listed = send(client, "get", f"{API}/{event.slug}/requests", headers=as_me).json()
    assert listed["count"] == 10
    assert {r["direction"] for r in listed["items"]} == {"sent", "received"}
    assert many == few
