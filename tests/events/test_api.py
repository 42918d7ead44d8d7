"""The events JSON API (/api/v1/events/), as a client sees it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clusterhub.core.models import ApiToken
from clusterhub.events import services
from clusterhub.events.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
)
from tests import factories
from tests.events.test_services import register

pytestmark = pytest.mark.django_db

API = "/api/v1/events"
PARIS = ZoneInfo("Europe/Paris")


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
    return factories.UserFactory(username="organiser@example.org", email="organiser@example.org")


@pytest.fixture
def participant():
    return factories.UserFactory(
        username="ada@example.org", email="ada@example.org", first_name="Ada", last_name="Byron"
    )


@pytest.fixture
def event(organiser):
    return factories.EventFactory(organiser=organiser, capacity=2)


def add_session(event, title, hours_in, length=1, room="", **fields):
    start = event.start + timedelta(hours=hours_in)
    return services.save_session(
        Session(
            event=event,
            title=title,
            start=start,
            end=start + timedelta(hours=length),
            room=room,
            **fields,
        )
    )


def registration_body(**fields) -> dict:
    return {
        "organisation_name": "Polyméris",
        "organisation_kind": "company",
        "country": "FR",
        **fields,
    }


# Calendar -----------------------------------------------------------------------------------


def test_the_calendar_lists_published_upcoming_events_soonest_first(client):
    now = timezone.now()
    later = factories.EventFactory(title="Later", start=now + timedelta(days=30))
    sooner = factories.EventFactory(title="Sooner", start=now + timedelta(days=3))
    factories.EventFactory(title="Draft", status=EventStatus.DRAFT)
    factories.EventFactory(title="Past", start=now - timedelta(days=30))

    body = client.get(API + "/").json()

    assert [e["slug"] for e in body["items"]] == [sooner.slug, later.slug]
    assert body["count"] == 2
    past = client.get(API + "/", {"when": "past"}).json()
    assert [e["title"] for e in past["items"]] == ["Past"]
    everything = client.get(API + "/", {"when": "all"}).json()
    assert [e["title"] for e in everything["items"]] == ["Past", "Sooner", "Later"]


def test_calendar_item_gives_times_in_the_event_time_zone_and_seats_left(client, organiser):
    event = factories.EventFactory(
        organiser=organiser, capacity=2, start=datetime(2099, 7, 1, 7, tzinfo=ZoneInfo("UTC"))
    )
    register(event, 1)

    item = client.get(API + "/").json()["items"][0]

    assert item["timezone"] == "Europe/Paris"
    assert item["start"] == "2099-07-01T09:00:00+02:00"
    assert item["capacity"] == 2
    assert item["seats_left"] == 1
    assert item["registration_open"] is True
    assert item["url"] == f"/events/{event.slug}/"


def test_calendar_filters(client):
    now = timezone.now()
    lyon = factories.EventFactory(
        title="Lyon",
        kind="workshop",
        nuts_region_id="FRK26",
        start=now + timedelta(days=10),
    )
    lyon.ecosystems.set(["digital"])
    athens = factories.EventFactory(
        title="Athens",
        kind="conference",
        country=factories.country("GR"),
        start=now + timedelta(days=40),
    )
    webinar = factories.EventFactory(
        title="Webinar",
        kind="webinar",
        venue="",
        city="",
        country=None,
        online_url="https://meet.example.org/w",
        start=now + timedelta(days=20),
    )

    def titles(**params):
        response = client.get(API + "/", params)
        assert response.status_code == 200, response.json()
        return [e["title"] for e in response.json()["items"]]

    assert titles(kind="conference") == ["Athens"]
    assert titles(kind=["workshop", "webinar"]) == ["Lyon", "Webinar"]
    assert titles(country="EL") == ["Athens"]  # EU code for Greece
    assert titles(country="fr,gr") == ["Lyon", "Athens"]
    assert titles(region="FRK") == ["Lyon"]
    assert titles(ecosystem="digital") == ["Lyon"]
    assert titles(online="true") == ["Webinar"]
    assert titles(online="false") == ["Lyon", "Athens"]
    day = (now + timedelta(days=20)).astimezone(timezone.get_current_timezone()).date()
    assert titles(**{"from": day.isoformat(), "to": day.isoformat()}) == ["Webinar"]
    assert titles(**{"from": (day + timedelta(days=2)).isoformat()}) == ["Athens"]
    assert webinar.is_online and not athens.is_online


def test_calendar_refuses_an_unknown_country(client):
    response = client.get(API + "/", {"country": "XX"})

    assert response.status_code == 400
    assert fields_of(response) == {"country"}


def test_calendar_is_paginated(client):
    for i in range(5):
        factories.EventFactory(title=f"Event {i}", start=timezone.now() + timedelta(days=i + 1))

    body = client.get(API + "/", {"limit": 2}).json()

    assert body["count"] == 5
    assert [e["title"] for e in body["items"]] == ["Event 0", "Event 1"]
    assert [e["title"] for e in client.get(body["next"]).json()["items"]] == ["Event 2", "Event 3"]


def test_calendar_does_not_query_per_row(client, django_assert_max_num_queries):
    host = factories.OrganisationFactory(legal_name="Host")
    for i in range(30):
        event = factories.EventFactory(
            title=f"Event {i}",
            host=host,
            nuts_region_id="FRK26",
            capacity=10,
            start=timezone.now() + timedelta(days=i + 1),
        )
        event.ecosystems.set(["digital", "health"])
        register(event, i)

    # count, page (with host, country, region and the confirmed count), ecosystems
    with django_assert_max_num_queries(3):
        body = client.get(API + "/", {"limit": 30}).json()

    assert len(body["items"]) == 30
    assert all(e["seats_left"] == 9 and e["host"]["name"] == "Host" for e in body["items"])
    assert all(e["ecosystems"] == ["digital", "health"] for e in body["items"])


# Event page ---------------------------------------------------------------------------------


def test_event_detail_with_agenda_names_only_consenting_speakers(client, event, organiser):
    consenting = factories.PersonFactory(first_name="Marie", last_name="Curie", consented=True)
    private = factories.PersonFactory(first_name="Secret", last_name="Agent")
    keynote = add_session(event, "Keynote", 1, room="Main hall", kind="keynote")
    services.set_speakers(
        keynote,
        [
            services.SpeakerInput(person=consenting, role="Keynote speaker"),
            services.SpeakerInput(person=private, role="Panellist", talk_title="Regions"),
        ],
    )
    add_session(event, "Lunch", 3, kind="break")
    question = RegistrationQuestion.objects.create(event=event, label="Lunch?", required=True)

    body = client.get(f"{API}/{event.slug}").json()

    assert [s["title"] for s in body["sessions"]] == ["Keynote", "Lunch"]
    speakers = body["sessions"][0]["speakers"]
    assert [s["name"] for s in speakers] == ["Marie Curie", None]
    assert speakers[1]["organisation"] == private.organisation.name
    assert speakers[1]["talk_title"] == "Regions"
    assert all(s["person_id"] is None for s in speakers)
    assert "Secret" not in str(body)
    start = datetime.fromisoformat(body["sessions"][0]["start"])
    assert start.utcoffset() == event.start.astimezone(PARIS).utcoffset()
    assert body["questions"] == [
        {"id": question.pk, "label": "Lunch?", "kind": "text", "choices": [], "required": True}
    ]
    assert body["can_manage"] is False

    mine = client.get(f"{API}/{event.slug}", headers=bearer(organiser)).json()
    assert [s["name"] for s in mine["sessions"][0]["speakers"]] == ["Marie Curie", "Secret Agent"]
    assert mine["can_manage"] is True


def test_a_draft_is_hidden_except_from_its_organisers(client, organiser):
    draft = factories.EventFactory(organiser=organiser, status=EventStatus.DRAFT)

    assert client.get(f"{API}/{draft.slug}").status_code == 404
    assert client.get(f"{API}/nothing-here").status_code == 404
    stranger = bearer(factories.UserFactory())
    assert client.get(f"{API}/{draft.slug}", headers=stranger).status_code == 404
    assert client.get(f"{API}/{draft.slug}", headers=bearer(organiser)).status_code == 200
    staff = bearer(factories.UserFactory(staff=True))
    assert client.get(f"{API}/{draft.slug}", headers=staff).status_code == 200


# Creating and changing events ---------------------------------------------------------------

NEW_EVENT = {
    "title": "Clusters meet Regions",
    "kind": "workshop",
    "start": "2031-10-12T09:00:00",
    "end": "2031-10-13T17:00:00",
    "timezone": "Europe/Paris",
    "venue": "Eurexpo",
    "city": "Lyon",
    "country": "FR",
    "nuts_region": "FRK26",
    "capacity": 80,
    "ecosystems": ["digital"],
}


def test_creating_an_event_needs_a_token(client):
    assert send(client, "post", API + "/", NEW_EVENT).status_code == 401


def test_create_event_reads_times_in_its_time_zone_and_the_creator_joins_the_team(
    client, organiser
):
    host = factories.OrganisationFactory(legal_name="Host Cluster")
    data = {**NEW_EVENT, "host": host.slug, "co_organisers": [host.slug]}

    response = send(client, "post", API + "/", data, bearer(organiser))

    assert response.status_code == 201, response.json()
    body = response.json()
    event = Event.objects.get(slug=body["slug"])
    assert event.status == EventStatus.DRAFT
    assert event.start == datetime(2031, 10, 12, 9, tzinfo=PARIS)
    assert body["start"] == "2031-10-12T09:00:00+02:00"
    assert body["end"] == "2031-10-13T17:00:00+02:00"
    assert body["host"]["slug"] == host.slug
    assert body["host"]["name"] == "Host Cluster"
    assert [o["slug"] for o in body["co_organisers"]] == [host.slug]
    assert body["ecosystems"] == ["digital"]
    assert EventOrganiser.objects.filter(event=event, user=organiser).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2031-10-11T09:00:00"}, "end"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"country": "XX"}, "country"),
        ({"nuts_region": "ZZ999"}, "nuts_region"),
        ({"host": "nobody"}, "host"),
        ({"ecosystems": ["space-mining"]}, "ecosystems"),
        ({"online_url": "not a link"}, "online_url"),
        ({"kind": "party"}, "kind"),
        ({"capacity": -3}, "capacity"),
    ],
)
def test_bad_event_input_names_the_field_and_creates_nothing(client, organiser, change, field):
    response = send(client, "post", API + "/", {**NEW_EVENT, **change}, bearer(organiser))

    assert response.status_code in (400, 422)
    assert field in fields_of(response)
    assert not Event.objects.exists()


def test_only_organisers_change_an_event(client, event):
    response = send(
        client, "patch", f"{API}/{event.slug}", {"title": "Mine"}, bearer(factories.UserFactory())
    )

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title == "Clusters meet Regions"


def test_capacity_below_the_confirmed_count_is_refused_and_a_raise_promotes(
    client, event, organiser
):
    for i in range(4):
        register(event, i)

    low = send(client, "patch", f"{API}/{event.slug}", {"capacity": 1}, bearer(organiser))
    high = send(client, "patch", f"{API}/{event.slug}", {"capacity": 3}, bearer(organiser))

    assert low.status_code == 400
    assert fields_of(low) == {"capacity"}
    assert high.status_code == 200, high.json()
    assert high.json()["seats_left"] == 0
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 3


EVENT_FIELDS_NEVER_EMPTY = [
    "title",
    "kind",
    "start",
    "end",
    "timezone",
    "status",
    "topic",
    "target_audience",
    "description",
    "co_organisers",
    "context",
    "venue",
    "address",
    "city",
    "online_url",
    "languages",
    "interpretation",
    "requires_approval",
    "ecosystems",
    "outcomes",
    "recommendations",
    "summary_published",
]


@pytest.mark.parametrize("field", EVENT_FIELDS_NEVER_EMPTY)
def test_patching_an_event_field_with_null_is_refused_naming_it(client, event, organiser, field):
    response = send(client, "patch", f"{API}/{event.slug}", {field: None}, bearer(organiser))

    assert response.status_code == 422, response.json()
    assert fields_of(response) == {field}
    event.refresh_from_db()
    assert event.title == "Clusters meet Regions"


def test_patching_the_fields_that_may_be_empty_with_null_empties_them(client, organiser):
    start = timezone.now() + timedelta(days=10)
    event = factories.EventFactory(
        organiser=organiser,
        start=start,
        host=factories.OrganisationFactory(),
        nuts_region_id="FRK26",
        capacity=20,
        registration_opens=start - timedelta(days=5),
        registration_closes=start - timedelta(days=1),
    )
    emptied = {
        "host": None,
        "country": None,
        "nuts_region": None,
        "capacity": None,
        "registration_opens": None,
        "registration_closes": None,
    }

    response = send(client, "patch", f"{API}/{event.slug}", emptied, bearer(organiser))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert {name: body[name] for name in emptied} == emptied
    event.refresh_from_db()
    assert (event.host, event.country, event.nuts_region, event.capacity) == (None,) * 4
    assert (event.registration_opens, event.registration_closes) == (None, None)


# Sessions -----------------------------------------------------------------------------------


def test_sessions_crud(client, event, organiser):
    speaker = factories.PersonFactory(first_name="Jean", last_name="Monnet", consented=True)
    other_org = factories.OrganisationFactory(legal_name="Region Rhône-Alpes")
    start = event.start.astimezone(PARIS).replace(tzinfo=None)
    data = {
        "title": "Round table",
        "kind": "round_table",
        "start": (start + timedelta(hours=1)).isoformat(),
        "end": (start + timedelta(hours=2)).isoformat(),
        "room": "Room 1",
        "chair": speaker.pk,
        "speakers": [{"person": speaker.pk, "organisation": other_org.slug, "role": "Moderator"}],
    }
    headers = bearer(organiser)

    created = send(client, "post", f"{API}/{event.slug}/sessions", data, headers)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["speakers"] == [
        {
            "name": "Jean Monnet",
            "organisation": "Region Rhône-Alpes",
            "person_id": speaker.pk,
            "role": "Moderator",
            "talk_title": "",
        }
    ]
    assert body["chair"]["name"] == "Jean Monnet"
    assert datetime.fromisoformat(body["start"]) == event.start + timedelta(hours=1)

    url = f"{API}/{event.slug}/sessions/{body['id']}"
    changed = send(client, "patch", url, {"title": "Closing round table", "speakers": []}, headers)
    assert changed.status_code == 200, changed.json()
    assert changed.json()["title"] == "Closing round table"
    assert changed.json()["speakers"] == []

    listed = client.get(f"{API}/{event.slug}/sessions").json()
    assert [s["title"] for s in listed["items"]] == ["Closing round table"]

    assert send(client, "delete", url, headers=headers).status_code == 204
    assert not event.sessions.exists()


@pytest.mark.parametrize(
    ("hours", "length", "room", "field"),
    [
        (-2, 1, "", "start"),  # before the event
        (1, 1, "Room 1", "room"),  # clashes with the keynote
        (5, -1, "", "end"),  # ends before it starts
    ],
)
def test_bad_session_names_the_field_and_saves_nothing(
    client, event, organiser, hours, length, room, field
):
    add_session(event, "Keynote", 1, length=2, room="Room 1")
    start = event.start + timedelta(hours=hours)
    data = {
        "title": "Panel",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=length)).isoformat(),
        "room": room,
    }

    response = send(client, "post", f"{API}/{event.slug}/sessions", data, bearer(organiser))

    assert response.status_code == 400, response.json()
    assert fields_of(response) == {field}
    assert event.sessions.count() == 1


def test_unknown_speaker_is_named_and_nothing_is_saved(client, event, organiser):
    start = event.start + timedelta(hours=1)
    data = {
        "title": "Panel",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "speakers": [{"person": 999999}],
    }

    response = send(client, "post", f"{API}/{event.slug}/sessions", data, bearer(organiser))

    assert response.status_code == 400
    assert fields_of(response) == {"speakers.0.person"}
    assert not event.sessions.exists()


@pytest.mark.parametrize("field", ["title", "kind", "start", "end", "room", "description"])
def test_patching_a_session_field_with_null_is_refused_naming_it(client, event, organiser, field):
    session = add_session(event, "Keynote", 1, room="Main hall")

    response = send(
        client,
        "patch",
        f"{API}/{event.slug}/sessions/{session.pk}",
        {field: None},
        bearer(organiser),
    )

    assert response.status_code == 422, response.json()
    assert fields_of(response) == {field}
    session.refresh_from_db()
    assert (session.title, session.room) == ("Keynote", "Main hall")


def test_patching_a_session_with_null_chair_removes_it_and_null_speakers_keeps_them(
    client, event, organiser
):
    person = factories.PersonFactory(consented=True)
    session = add_session(event, "Keynote", 1, chair=person)
    services.set_speakers(session, [services.SpeakerInput(person=person)])

    response = send(
        client,
        "patch",
        f"{API}/{event.slug}/sessions/{session.pk}",
        {"chair": None, "speakers": None},
        bearer(organiser),
    )

    assert response.status_code == 200, response.json()
    assert response.json()["chair"] is None
    assert [s["person_id"] for s in response.json()["speakers"]] == [person.pk]
    session.refresh_from_db()
    assert session.chair is None


def test_only_organisers_add_sessions(client, event):
    start = event.start + timedelta(hours=1)
    data = {"title": "Mine", "start": start.isoformat(), "end": event.end.isoformat()}

    response = send(
        client, "post", f"{API}/{event.slug}/sessions", data, bearer(factories.UserFactory())
    )

    assert response.status_code == 403
    assert not event.sessions.exists()


# Registering --------------------------------------------------------------------------------


def test_register_the_signed_in_user(client, event, participant):
    org = factories.OrganisationFactory(legal_name="Polyméris SAS", kind="research")

    response = send(
        client,
        "post",
        f"{API}/{event.slug}/registrations",
        {"organisation": org.slug, "dietary_needs": "Vegan", "listing_consent": True},
        bearer(participant),
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["email"] == "ada@example.org"
    assert (body["first_name"], body["last_name"]) == ("Ada", "Byron")
    assert (body["organisation_name"], body["organisation_kind"]) == ("Polyméris SAS", "research")
    assert body["country"] == "FR"
    assert body["listing_consent"] is True and body["listing_consent_at"]
    registration = Registration.objects.get(pk=body["id"])
    assert registration.user == participant
    assert body["ticket_url"] == f"/tickets/{registration.ticket_code}/"
    assert body["cancel_url"] == f"/tickets/{registration.ticket_code}/cancel/"


def test_registering_needs_a_token(client, event):
    response = send(client, "post", f"{API}/{event.slug}/registrations", registration_body())

    assert response.status_code == 401
    assert not event.registrations.exists()


def test_full_event_puts_the_user_on_the_waiting_list(client, event, participant):
    register(event, 1)
    register(event, 2)
    register(event, 3)

    response = send(
        client,
        "post",
        f"{API}/{event.slug}/registrations",
        registration_body(),
        bearer(participant),
    )

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2


def test_a_second_registration_is_refused_with_a_clear_message(client, event, participant):
    headers = bearer(participant)
    url = f"{API}/{event.slug}/registrations"
    send(client, "post", url, registration_body(), headers)

    response = send(client, "post", url, registration_body(), headers)

    assert response.status_code == 400
    assert response.json()["detail"] == "ada@example.org is already registered for this event."
    assert fields_of(response) == {"email"}
    assert event.registrations.count() == 1


def test_registration_when_closed_says_why(client, participant):
    closed = factories.EventFactory(status=EventStatus.REGISTRATION_CLOSED)

    response = send(
        client,
        "post",
        f"{API}/{closed.slug}/registrations",
        registration_body(),
        bearer(participant),
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Registration for this event is closed."
    assert fields_of(response) == {None}


def test_missing_answers_and_details_are_named(client, event, participant):
    question = RegistrationQuestion.objects.create(
        event=event, label="Site visit", kind="choice", choices="Plant A\nPlant B", required=True
    )
    url = f"{API}/{event.slug}/registrations"

    response = send(client, "post", url, {"country": "XX"}, bearer(participant))
    assert response.status_code == 400
    assert fields_of(response) == {"country"}

    response = send(client, "post", url, {"answers": {}}, bearer(participant))
    assert response.status_code == 400
    assert fields_of(response) == {  # every problem at once
        f"answers.{question.pk}",
        "organisation_name",
        "organisation_kind",
        "country",
    }

    response = send(client, "post", url, registration_body(answers={}), bearer(participant))
    assert response.status_code == 400
    assert fields_of(response) == {f"answers.{question.pk}"}
    assert response.json()["detail"] == "“Site visit” needs an answer."

    response = send(
        client,
        "post",
        url,
        registration_body(answers={str(question.pk): "Plant B"}),
        bearer(participant),
    )
    assert response.status_code == 201
    assert response.json()["answers"] == {str(question.pk): "Plant B"}


# One's own registrations --------------------------------------------------------------------


def test_own_registrations_and_cancellation(client, event, participant):
    headers = bearer(participant)
    other_event = factories.EventFactory(title="Another workshop")
    send(client, "post", f"{API}/{event.slug}/registrations", registration_body(), headers)
    send(client, "post", f"{API}/{other_event.slug}/registrations", registration_body(), headers)
    register(event, "someone-else")
    waiting = register(event, "waiting")

    mine = client.get(f"{API}/registrations", headers=headers).json()

    assert mine["count"] == 2
    assert {r["event"] for r in mine["items"]} == {event.slug, other_event.slug}
    own = next(r for r in mine["items"] if r["event"] == event.slug)

    response = send(client, "post", f"{API}/registrations/{own['id']}/cancel", headers=headers)
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    again = send(client, "post", f"{API}/registrations/{own['id']}/cancel", headers=headers)
    assert again.json()["status"] == "cancelled"


def test_someone_elses_registration_cannot_be_cancelled(client, event, participant):
    registration = register(event, 1)

    response = send(
        client,
        "post",
        f"{API}/registrations/{registration.pk}/cancel",
        headers=bearer(participant),
    )

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_own_registrations_do_not_query_per_row(client, participant, django_assert_max_num_queries):
    for i in range(10):
        register(
            factories.EventFactory(title=f"Event {i}"),
            1,
            user=participant,
            email=participant.email,
            organisation=factories.OrganisationFactory(),
        )
    headers = bearer(participant)

    # token (2), count, page with events and organisations
    with django_assert_max_num_queries(4):
        body = client.get(f"{API}/registrations", headers=headers).json()

    assert body["count"] == 10
    assert all(r["organisation"] for r in body["items"])


def test_event_detail_does_not_query_per_session(client, event, django_assert_max_num_queries):
    for i in range(12):
        session = add_session(event, f"Session {i}", i + 1, room="Main hall")
        services.set_speakers(
            session,
            [
                services.SpeakerInput(person=factories.PersonFactory(consented=True)),
                services.SpeakerInput(person=factories.PersonFactory()),
            ],
        )

    # event (+ co-organisers, ecosystems), seats, questions, sessions (+ speakers), materials
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/{event.slug}").json()

    assert len(body["sessions"]) == 12
    assert all(len(s["speakers"]) == 2 for s in body["sessions"])


def test_own_registrations_need_a_token(client):
    assert client.get(f"{API}/registrations").status_code == 401


# Organisers: registrations, approval, check-in ----------------------------------------------


def test_organisers_list_registrations_with_needs(client, event, organiser):
    register(event, 1, dietary_needs="Vegetarian", accessibility_needs="Wheelchair")
    register(event, 2)
    register(event, 3)

    body = client.get(f"{API}/{event.slug}/registrations", headers=bearer(organiser)).json()

    assert body["count"] == 3
    first = body["items"][0]
    assert (first["dietary_needs"], first["accessibility_needs"]) == ("Vegetarian", "Wheelchair")
    assert [r["status"] for r in body["items"]] == ["confirmed", "confirmed", "waitlisted"]
    waiting = client.get(
        f"{API}/{event.slug}/registrations",
        {"status": "waitlisted"},
        headers=bearer(organiser),
    ).json()
    assert [r["last_name"] for r in waiting["items"]] == ["Participant 3"]
    found = client.get(
        f"{API}/{event.slug}/registrations", {"q": "participant2@"}, headers=bearer(organiser)
    ).json()
    assert found["count"] == 1


def test_registration_list_is_for_organisers_only(client, event):
    register(event, 1)

    assert client.get(f"{API}/{event.slug}/registrations").status_code == 401
    response = client.get(
        f"{API}/{event.slug}/registrations", headers=bearer(factories.UserFactory())
    )
    assert response.status_code == 403


def test_registration_list_does_not_query_per_row(
    client, event, organiser, django_assert_max_num_queries
):
    for i in range(30):
        register(event, i, organisation=factories.OrganisationFactory())
    headers = bearer(organiser)

    # token (2), event, permission, count, page with organisations
    with django_assert_max_num_queries(7):
        body = client.get(f"{API}/{event.slug}/registrations", {"limit": 30}, headers=headers)

    assert len(body.json()["items"]) == 30


def test_approve_and_decline(client, organiser):
    event = factories.EventFactory(organiser=organiser, requires_approval=True, capacity=1)
    first, second, third = (register(event, i) for i in range(3))
    headers = bearer(organiser)
    url = f"{API}/{event.slug}/registrations"

    assert send(client, "post", f"{url}/{first.pk}/approve", headers=headers).json()["status"] == (
        "confirmed"
    )
    assert send(client, "post", f"{url}/{second.pk}/approve", headers=headers).json()["status"] == (
        "waitlisted"
    )
    declined = send(client, "post", f"{url}/{third.pk}/decline", headers=headers)
    assert declined.json()["status"] == "rejected"
    again = send(client, "post", f"{url}/{third.pk}/approve", headers=headers)
    assert again.status_code == 400
    assert again.json()["detail"] == "This registration is not waiting for approval."
    stranger = send(
        client, "post", f"{url}/{third.pk}/approve", headers=bearer(factories.UserFactory())
    )
    assert stranger.status_code == 403


def test_check_in_by_code(client, event, organiser):
    seated = register(event, 1)
    register(event, 2)
    waiting = register(event, 3)
    headers = bearer(organiser)
    url = f"{API}/{event.slug}/check-in"

    response = send(client, "post", url, {"code": seated.ticket_code}, headers)
    assert response.status_code == 200, response.json()
    assert response.json()["checked_in_at"]

    unknown = send(client, "post", url, {"code": "nope"}, headers)
    assert unknown.status_code == 400
    assert fields_of(unknown) == {"code"}

    not_confirmed = send(client, "post", url, {"code": waiting.ticket_code}, headers)
    assert not_confirmed.status_code == 400
    assert "is not confirmed" in not_confirmed.json()["detail"]

    stranger = send(client, "post", url, {"code": seated.ticket_code}, bearer(participant_()))
    assert stranger.status_code == 403


def participant_():
    return factories.UserFactory()


# The OpenAPI document -----------------------------------------------------------------------


def test_openapi_document_names_each_events_schema_once(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    paths = document["paths"]

    def ref(path, method, status):
        content = paths[API + path][method]["responses"][status]["content"]
        return content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]

    assert ref("/{slug}/sessions", "get", "200") == "PagedAgendaSessionOut"
    assert ref("/{slug}/sessions", "post", "201") == "AgendaSessionOut"
    body = paths[API + "/{slug}/sessions"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["$ref"].endswith("/AgendaSessionIn")
    assert ref("/{slug}", "get", "200") == "EventOut"
    assert ref("/{slug}/registrations", "post", "201") == "NewRegistrationOut"
    assert ref("/{slug}/registrations", "get", "403") == "ErrorBody"
    # one OrganisationRef for the whole API: the registry's, with kind, SME and country
    assert {"slug", "name", "kind", "is_sme", "country", "url"} <= set(
        schemas["OrganisationRef"]["properties"]
    )
    host = schemas["EventOut"]["properties"]["host"]
    assert {"$ref": "#/components/schemas/OrganisationRef"} in host["anyOf"]
