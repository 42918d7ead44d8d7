"""The organisers' screens: permissions, event form in local time, agenda, materials,
questions, registrations, check-in at the door, team and summary."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterhub.events import services
from clusterhub.events.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Material,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)
from clusterhub.registry.models import Person
from tests import clock, factories

pytestmark = pytest.mark.django_db

# 12–13 October next year in Lyon; Paris is UTC+2 in October (summer time).
YEAR = clock.NOW.year + 1  # the tests run at clock.NOW
PARIS_START = f"{YEAR}-10-12T09:00"
PARIS_END = f"{YEAR}-10-13T17:30"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def organiser():
    return factories.UserFactory(email="organiser@example.org")


@pytest.fixture
def event(organiser) -> Event:
    return services.save_event(
        Event(
            title="Clusters meet Regions",
            kind="workshop",
            start=utc(YEAR, 10, 12, 7),  # 09:00 in Lyon
            end=utc(YEAR, 10, 13, 15, 30),  # 17:30 in Lyon
            timezone="Europe/Paris",
            venue="Eurexpo",
            city="Lyon",
            country=factories.country("FR"),
            status=EventStatus.REGISTRATION_OPEN,
        ),
        created_by=organiser,
    )


@pytest.fixture
def signed_in(client, organiser):
    client.force_login(organiser)
    return client


def register(event, n, **fields) -> Registration:
    return services.register_participant(
        event,
        **{
            "first_name": "Ada",
            "last_name": f"Participant{n}",
            "email": f"participant{n}@example.org",
            "organisation_name": "Polyméris",
            "organisation_kind": "company",
            "country_id": "FR",
            **fields,
        },
    )


def url(name, event, *args):
    return reverse(f"events:{name}", args=[event.slug, *args])


def event_data(**overrides) -> dict:
    data = {
        "title": "Clusters meet Regions",
        "kind": "workshop",
        "topic": "Smart specialisation",
        "target_audience": "Cluster managers and regional authorities",
        "description": "Two days on clusters and regions.",
        "context": "Global Industrie",
        "venue": "Eurexpo",
        "address": "Boulevard de l'Europe",
        "city": "Lyon",
        "country": "FR",
        "nuts_region": "FRK26",
        "timezone": "Europe/Paris",
        "start": PARIS_START,
        "end": PARIS_END,
        "languages": "English, French",
        "interpretation": "English ↔ French",
        "capacity": "120",
        "registration_opens": f"{YEAR}-09-01T08:00",
        "registration_closes": f"{YEAR}-10-09T18:00",
        "status": "draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(response, form="form") -> dict:
    return response.context[form].errors


# Permissions --------------------------------------------------------------------------------

MANAGE_PAGES = [
    "manage",
    "edit",
    "agenda",
    "materials",
    "questions",
    "registrations",
    "check-in",
    "team",
    "summary-edit",
]


@pytest.mark.parametrize("name", MANAGE_PAGES + ["session"])
def test_only_organisers_and_staff_manage(client, event, organiser, name):
    session = services.save_session(
        Session(
            event=event, title="Opening", start=event.start, end=event.start + timedelta(hours=1)
        )
    )
    address = url(name, event, session.pk) if name == "session" else url(name, event)

    response = client.get(address)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    client.force_login(factories.UserFactory())
    assert client.get(address).status_code == 403
    assert client.post(address, {"action": "delete"}).status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()

    client.force_login(organiser)
    assert client.get(address).status_code == 200

    client.force_login(factories.UserFactory(staff=True))
    assert client.get(address).status_code == 200


def test_creating_an_event_needs_an_account(client):
    response = client.get(reverse("events:create"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_event_is_404(signed_in):
    assert signed_in.get(reverse("events:manage", args=["no-such-event"])).status_code == 404


# Creating and editing an event ---------------------------------------------------------------


def test_create_event_in_local_time(client):
    user = factories.UserFactory()
    host = factories.OrganisationFactory(legal_name="Auvergne-Rhône-Alpes Entreprises")
    partner = factories.OrganisationFactory(legal_name="Polyméris", short_name="POLY")
    client.force_login(user)
    assert client.get(reverse("events:create")).status_code == 200

    response = client.post(
        reverse("events:create"),
        event_data(
            host="Auvergne-Rhône-Alpes Entreprises",
            co_organisers="POLY\n\n",
            ecosystems=["digital", "health"],
        ),
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:manage", args=[event.slug])
    # 09:00 and 17:30 in Paris (UTC+2 in October) are 07:00 and 15:30 UTC.
    assert event.start == utc(YEAR, 10, 12, 7, 0)
    assert event.end == utc(YEAR, 10, 13, 15, 30)
    assert event.registration_opens == utc(YEAR, 9, 1, 6, 0)
    assert event.registration_closes == utc(YEAR, 10, 9, 16, 0)
    assert event.timezone == "Europe/Paris"
    assert event.host == host
    assert list(event.co_organisers.all()) == [partner]
    assert set(event.ecosystems.values_list("slug", flat=True)) == {"digital", "health"}
    assert event.nuts_region_id == "FRK26"
    assert event.capacity == 120
    assert EventOrganiser.objects.filter(event=event, user=user).exists()

    # The edit form shows the local times again.
    body = client.get(reverse("events:edit", args=[event.slug])).content.decode()
    assert f'value="{YEAR}-10-12T09:00"' in body
    assert f'value="{YEAR}-10-13T17:30"' in body


def test_any_iana_time_zone_and_winter_time(signed_in):
    signed_in.post(
        reverse("events:create"),
        event_data(
            timezone="America/Montreal",
            start=f"{YEAR + 1}-01-15T09:00",
            end=f"{YEAR + 1}-01-15T17:00",
            registration_opens="",
            registration_closes="",
            country="CA",
            nuts_region="",
            status="published",
        ),
    )
    event = Event.objects.get()
    assert event.start == utc(YEAR + 1, 1, 15, 14)  # UTC-5 in winter
    assert event.status == "published"


def test_event_form_refuses_bad_input(signed_in):
    response = signed_in.post(
        reverse("events:create"),
        event_data(
            timezone="Mars/Olympus_Mons",
            end=f"{YEAR}-10-11T09:00",
            host="Nobody Inc.",
            co_organisers="Polyméris",
            nuts_region="DE300",
        ),
    )
    assert response.status_code == 200
    errors = errors_of(response)
    assert "timezone" in errors
    assert "No organisation “Nobody Inc.” in the registry" in errors["host"][0]
    assert "No organisation “Polyméris”" in errors["co_organisers"][0]
    assert "NUTS region DE300 is not in France" in errors["nuts_region"][0]
    assert not Event.objects.exists()

    response = signed_in.post(reverse("events:create"), event_data(end=f"{YEAR}-10-11T09:00"))
    assert "The event ends after it starts." in errors_of(response)["end"]
    # The clocks skip from 02:00 to 03:00 on the last Sunday of March.
    spring = max(date(YEAR, 3, d) for d in range(25, 32) if date(YEAR, 3, d).weekday() == 6)
    response = signed_in.post(
        reverse("events:create"), event_data(start=f"{spring}T02:30", end=f"{spring}T18:00")
    )
    assert "does not exist in Europe/Paris" in errors_of(response)["start"][0]
    response = signed_in.post(
        reverse("events:create"), event_data(venue="", city="", address="", online_url="")
    )
    assert "Give a venue and city, or an online link." in errors_of(response)["venue"]
    assert not Event.objects.exists()


def test_edit_event_and_capacity_below_confirmed_refused(signed_in, event):
    for n in range(3):
        register(event, n)
    data = event_data(title="Clusters meet Regions (updated)", status="registration_open")
    response = signed_in.post(url("edit", event), {**data, "capacity": "2"})
    assert response.status_code == 200
    assert errors_of(response)["capacity"] == [
        "3 participants are already confirmed: the capacity cannot be lower."
    ]
    event.refresh_from_db()
    assert event.capacity is None and event.title == "Clusters meet Regions"

    response = signed_in.post(url("edit", event), {**data, "capacity": "3"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 3 and event.title == "Clusters meet Regions (updated)"
    assert event.slug == f"clusters-meet-regions-{YEAR}"  # the address does not change


def test_chosen_host_and_chair_stay_valid_when_namesakes_appear(signed_in, event):
    host = factories.OrganisationFactory(legal_name="CIMES")
    chair = factories.PersonFactory(first_name="Marie", last_name="Martin")
    event.host = host
    services.save_event(event)
    session = services.save_session(
        Session(event=event, title="Opening", start=event.start, end=event.end, chair=chair)
    )
    factories.OrganisationFactory(legal_name="CIMES")
    factories.PersonFactory(first_name="Marie", last_name="Martin")

    response = signed_in.post(url("edit", event), event_data(host="CIMES", topic="Regions"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.host == host and event.topic == "Regions"
    response = signed_in.post(
        url("session", event, session.pk),
        session_data(action="save", chair="Marie Martin", title="Welcome"),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.chair == chair and session.title == "Welcome"


def test_dashboard_shows_key_figures_and_outputs(signed_in, event):
    event.capacity = 10
    services.save_event(event)
    confirmed = register(event, 1)
    register(event, 2)
    services.cancel_registration(register(event, 3))
    services.check_in(event, code=confirmed.ticket_code)
    response = signed_in.get(url("manage", event))
    figures = response.context["figures"]
    assert (figures["confirmed"], figures["cancelled"], figures["checked_in"]) == (2, 1, 1)
    assert figures["seats_left"] == 8
    body = response.content.decode()
    for name in ("booklet", "badges", "attendance"):
        assert url(name, event) in body
    assert url("participants-export", event, "csv") in body
    assert url("participants-export", event, "xlsx") in body
    for name in MANAGE_PAGES:
        assert url(name, event) in body


def test_summary(signed_in, event):
    response = signed_in.post(
        url("summary-edit", event),
        {"outcomes": "Four regions agreed a pilot.", "recommendations": "Meet again next year."},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.outcomes == "Four regions agreed a pilot."
    assert event.summary_published is False
    signed_in.post(url("summary-edit", event), {"outcomes": "x", "summary_published": "on"})
    event.refresh_from_db()
    assert event.summary_published is True


# Agenda --------------------------------------------------------------------------------------


def session_data(**overrides) -> dict:
    return {
        "title": "Opening",
        "kind": "introduction",
        "start": f"{YEAR}-10-12T09:00",
        "end": f"{YEAR}-10-12T09:30",
        "room": "Salle Rhône",
        **overrides,
    }


def test_add_session_in_local_time_listed_by_day(signed_in, event):
    chair = factories.PersonFactory(first_name="Loïc", last_name="Marin")
    response = signed_in.post(url("agenda", event), session_data(chair="loïc marin"))
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("session", event, session.pk)
    assert session.start == utc(YEAR, 10, 12, 7, 0)
    assert session.chair == chair
    signed_in.post(
        url("agenda", event),
        session_data(
            title="Site visit", kind="visit", start=f"{YEAR}-10-13T14:00", end=f"{YEAR}-10-13T16:00"
        ),
    )
    response = signed_in.get(url("agenda", event))
    days = response.context["days"]
    assert [(str(day), [s.title for s in sessions]) for day, sessions in days] == [
        (f"{YEAR}-10-12", ["Opening"]),
        (f"{YEAR}-10-13", ["Site visit"]),
    ]
    body = response.content.decode()
    assert "09:00–09:30" in body and "14:00–16:00" in body


def test_session_outside_the_event_refused(signed_in, event):
    response = signed_in.post(
        url("agenda", event), session_data(start=f"{YEAR}-10-14T09:00", end=f"{YEAR}-10-14T10:00")
    )
    assert response.status_code == 200
    assert errors_of(response)["start"] == [
        f"The session must take place during the event (12 Oct {YEAR}, 09:00 – "
        f"13 Oct {YEAR}, 17:30, Europe/Paris)."
    ]
    assert not Session.objects.exists()


def test_overlapping_session_in_the_same_room_refused(signed_in, event):
    signed_in.post(url("agenda", event), session_data(title="Keynote"))
    response = signed_in.post(
        url("agenda", event),
        session_data(
            title="Panel",
            start=f"{YEAR}-10-12T09:15",
            end=f"{YEAR}-10-12T10:00",
            room="salle rhône",
        ),
    )
    assert errors_of(response)["room"] == ["salle rhône is taken by “Keynote” at that time."]
    assert Session.objects.count() == 1
    # Another room at the same time is fine.
    signed_in.post(
        url("agenda", event),
        session_data(
            title="Panel",
            start=f"{YEAR}-10-12T09:15",
            end=f"{YEAR}-10-12T10:00",
            room="Salle Saône",
        ),
    )
    assert Session.objects.count() == 2


def test_edit_and_delete_session(signed_in, event):
    signed_in.post(url("agenda", event), session_data())
    session = Session.objects.get()
    response = signed_in.get(url("session", event, session.pk))
    assert f'value="{YEAR}-10-12T09:00"' in response.content.decode()
    signed_in.post(
        url("session", event, session.pk),
        session_data(action="save", title="Welcome", end=f"{YEAR}-10-12T10:00"),
    )
    session.refresh_from_db()
    assert session.title == "Welcome" and session.end == utc(YEAR, 10, 12, 8)

    response = signed_in.post(
        url("session", event, session.pk), session_data(action="save", end=f"{YEAR}-10-12T08:00")
    )
    assert "A session ends after it starts." in errors_of(response)["end"]

    signed_in.post(url("session", event, session.pk), {"action": "delete"})
    assert not Session.objects.exists()


def test_speakers_from_the_registry_or_new(signed_in, event):
    signed_in.post(url("agenda", event), session_data(kind="keynote"))
    session = Session.objects.get()
    org = factories.OrganisationFactory(legal_name="CIMES")
    known = factories.PersonFactory(first_name="Anne", last_name="De la Tour", organisation=org)
    address = url("session", event, session.pk)

    response = signed_in.post(
        address,
        {"action": "add_speaker", "person": "Anne De la Tour", "role": "Keynote speaker"},
    )
    assert response.status_code == 302
    speaker = SessionSpeaker.objects.get()
    assert (speaker.person, speaker.organisation, speaker.role) == (known, org, "Keynote speaker")

    response = signed_in.post(
        address,
        {
            "action": "add_speaker",
            "first_name": "Jan",
            "last_name": "Kowalski",
            "email": "jan@example.pl",
            "organisation": "CIMES",
            "public_consent": "on",
            "role": "Panellist",
            "talk_title": "Regions that cluster",
        },
    )
    assert response.status_code == 302
    jan = Person.objects.get(last_name="Kowalski")
    assert jan.public_consent and jan.public_consent_at is not None
    assert jan.organisation == org
    assert list(session.speakers.values_list("person__last_name", flat=True)) == [
        "De la Tour",
        "Kowalski",
    ]

    # Nobody by that name; neither a registry person nor a new one: clear errors.
    response = signed_in.post(address, {"action": "add_speaker", "person": "Nobody Known"})
    assert (
        "Nobody called “Nobody Known” in the registry"
        in errors_of(response, "speaker_form")["person"][0]
    )
    response = signed_in.post(address, {"action": "add_speaker", "first_name": "Solo"})
    assert errors_of(response, "speaker_form")["last_name"]

    # Removing a speaker keeps the others.
    signed_in.post(address, {"action": "remove_speaker", "speaker": speaker.pk})
    assert list(session.speakers.values_list("person", flat=True)) == [jan.pk]


def test_namesakes_told_apart_by_organisation(signed_in, event):
    signed_in.post(url("agenda", event), session_data())
    session = Session.objects.get()
    one = factories.PersonFactory(first_name="Marie", last_name="Martin")
    other = factories.PersonFactory(first_name="Marie", last_name="Martin")
    address = url("session", event, session.pk)
    response = signed_in.post(address, {"action": "add_speaker", "person": "Marie Martin"})
    assert "Several people are called" in errors_of(response, "speaker_form")["person"][0]
    signed_in.post(
        address,
        {
            "action": "add_speaker",
            "person": "Marie Martin",
            "organisation": other.organisation.legal_name,
        },
    )
    assert session.speakers.get().person == other != one


def test_registry_suggestions(signed_in, event):
    factories.OrganisationFactory(legal_name="Polyméris")
    factories.PersonFactory(first_name="Loïc", last_name="Marin")
    headers = {"HX-Request": "true"}
    body = signed_in.get(
        url("edit", event), {"suggest": "organisation", "host": "lymé"}, headers=headers
    )
    assert '<option value="Polyméris">' in body.content.decode()
    body = signed_in.get(
        url("agenda", event), {"suggest": "person", "chair": "loïc ma"}, headers=headers
    )
    assert '<option value="Loïc Marin">' in body.content.decode()


# Materials -----------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_fake_pdf_refused_and_nothing_stored(signed_in, event, media):
    fake = SimpleUploadedFile("slides.pdf", b"MZ\x90\x00 this is a program", "application/pdf")
    response = signed_in.post(
        url("materials", event),
        {"action": "add", "title": "Slides", "kind": "slides", "file": fake},
    )
    assert response.status_code == 200
    assert errors_of(response)["file"] == ["The file “slides.pdf” is not a real .pdf file."]
    assert not Material.objects.exists()
    assert stored_files(media) == []

    response = signed_in.post(
        url("materials", event),
        {
            "action": "add",
            "title": "Virus",
            "kind": "document",
            "file": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert "not “.exe”" in errors_of(response)["file"][0]
    assert stored_files(media) == []


def test_upload_attach_publish_and_links(signed_in, event, media):
    signed_in.post(url("agenda", event), session_data(kind="keynote"))
    session = Session.objects.get()
    person = factories.PersonFactory()
    speaker = services.set_speakers(session, [services.SpeakerInput(person)])[0]
    pdf = SimpleUploadedFile(
        "keynote.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf"
    )
    response = signed_in.post(
        url("materials", event),
        {
            "action": "add",
            "title": "Keynote slides",
            "kind": "slides",
            "file": pdf,
            "speaker": speaker.pk,
        },
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.content_type == "application/pdf" and material.size == pdf.size
    assert material.session == session and material.speaker == speaker
    assert material.published is False
    assert len(stored_files(media)) == 1

    signed_in.post(url("materials", event), {"action": "publish", "material": material.pk})
    material.refresh_from_db()
    assert material.published
    signed_in.post(url("materials", event), {"action": "unpublish", "material": material.pk})
    material.refresh_from_db()
    assert not material.published

    response = signed_in.post(
        url("materials", event),
        {
            "action": "add",
            "title": "Programme",
            "kind": "link",
            "url": "https://example.eu/prog",
            "published": "on",
        },
    )
    assert Material.objects.get(title="Programme").published
    response = signed_in.post(url("materials", event), {"action": "add", "title": "Nothing"})
    assert errors_of(response)["file"] == ["Upload a file or give a link."]

    signed_in.post(url("materials", event), {"action": "delete", "material": material.pk})
    assert not Material.objects.filter(pk=material.pk).exists()


# Registration questions ----------------------------------------------------------------------


def test_questions_add_edit_reorder_delete(signed_in, event):
    address = url("questions", event)
    signed_in.post(
        address, {"label": "Which site visit?", "kind": "choice", "choices": "Eurexpo\n\nLab\n"}
    )
    signed_in.post(address, {"label": "Vegetarian lunch?", "kind": "yes_no", "required": "on"})
    signed_in.post(address, {"label": "Your expectations", "kind": "text"})
    labels = lambda: list(event.questions.values_list("label", flat=True))  # noqa: E731
    assert labels() == ["Which site visit?", "Vegetarian lunch?", "Your expectations"]
    choice = RegistrationQuestion.objects.get(kind="choice")
    assert choice.choice_list == ["Eurexpo", "Lab"]

    response = signed_in.post(address, {"label": "Pick one", "kind": "choice", "choices": "Only"})
    assert errors_of(response)["choices"] == ["Give at least two choices, one per line."]
    assert event.questions.count() == 3

    last = RegistrationQuestion.objects.get(label="Your expectations")
    signed_in.post(address, {"action": "up", "question": last.pk})
    assert labels() == ["Which site visit?", "Your expectations", "Vegetarian lunch?"]
    signed_in.post(address, {"action": "down", "question": choice.pk})
    assert labels() == ["Your expectations", "Which site visit?", "Vegetarian lunch?"]

    assert 'value="Your expectations"' in signed_in.get(address, {"edit": last.pk}).content.decode()
    signed_in.post(
        address,
        {"question": last.pk, "label": "What do you expect?", "kind": "text", "required": "on"},
    )
    last.refresh_from_db()
    assert last.label == "What do you expect?" and last.required

    signed_in.post(address, {"action": "delete", "question": choice.pk})
    assert labels() == ["What do you expect?", "Vegetarian lunch?"]


def test_questions_of_another_event_are_out_of_reach(signed_in, event):
    other = services.save_event(
        Event(
            title="Other",
            kind="webinar",
            start=event.start,
            end=event.end,
            online_url="https://x.eu",
        )
    )
    question = services.save_question(RegistrationQuestion(event=other, label="Hidden?"))
    response = signed_in.post(
        url("questions", event), {"action": "delete", "question": question.pk}
    )
    assert response.status_code == 404
    assert RegistrationQuestion.objects.filter(pk=question.pk).exists()


# Registrations -------------------------------------------------------------------------------


def test_registrations_filter_search_and_needs(signed_in, event):
    question = services.save_question(
        RegistrationQuestion(event=event, label="Vegetarian lunch?", kind="yes_no")
    )
    register(event, 1, last_name="Dupont", dietary_needs="Vegan", answers={str(question.pk): "yes"})
    register(
        event,
        2,
        last_name="Schmidt",
        organisation_name="Fraunhofer",
        accessibility_needs="Wheelchair",
    )
    services.cancel_registration(register(event, 3, last_name="Rossi"))

    response = signed_in.get(url("registrations", event))
    body = response.content.decode()
    assert "Vegan" in body and "Wheelchair" in body and "Vegetarian lunch?" in body
    assert [r.last_name for r in response.context["page"]] == ["Dupont", "Schmidt", "Rossi"]

    response = signed_in.get(url("registrations", event), {"status": "cancelled"})
    assert [r.last_name for r in response.context["page"]] == ["Rossi"]
    response = signed_in.get(url("registrations", event), {"q": "fraunhofer"})
    assert [r.last_name for r in response.context["page"]] == ["Schmidt"]
    response = signed_in.get(url("registrations", event), {"q": "ada dup"})
    assert [r.last_name for r in response.context["page"]] == ["Dupont"]


def test_registrations_paginated_with_constant_queries(signed_in, event):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(url("registrations", event)).status_code == 200
        return len(queries)

    register(event, 0)
    few = count_queries()
    for n in range(1, 60):
        register(event, n)
    assert count_queries() == few
    response = signed_in.get(url("registrations", event), {"page": 2})
    assert len(response.context["page"]) == 10


def test_approve_pending_confirmed_or_waitlisted_when_full(signed_in, event):
    event.requires_approval = True
    event.capacity = 1
    services.save_event(event)
    first, second, third = (register(event, n) for n in range(3))
    assert first.status == RegistrationStatus.PENDING
    address = url("registrations", event) + "?status=pending"

    response = signed_in.post(address, {"action": "approve", "registration": first.pk})
    assert response.status_code == 302 and response["Location"] == address
    signed_in.post(address, {"action": "approve", "registration": second.pk})
    signed_in.post(address, {"action": "decline", "registration": third.pk})
    for r in (first, second, third):
        r.refresh_from_db()
    assert [first.status, second.status, third.status] == ["confirmed", "waitlisted", "rejected"]

    # Approving twice is refused with a message; cancelling moves the waiting list up.
    response = signed_in.post(address, {"action": "approve", "registration": first.pk}, follow=True)
    assert "This registration is not waiting for approval." in response.content.decode()
    signed_in.post(address, {"action": "cancel", "registration": first.pk})
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_registrations_of_another_event_are_out_of_reach(signed_in, event, organiser):
    other = services.save_event(
        Event(
            title="Other",
            kind="webinar",
            start=event.start,
            end=event.end,
            online_url="https://x.eu",
            status="registration_open",
            requires_approval=True,
        )
    )
    registration = register(other, 1)
    response = signed_in.post(
        url("registrations", event), {"action": "approve", "registration": registration.pk}
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == "pending"


# Check-in ------------------------------------------------------------------------------------


def test_check_in_by_code_or_ticket_address(signed_in, event):
    ada, bea = register(event, 1), register(event, 2, first_name="Bea")
    address = url("check-in", event)

    response = signed_in.post(address, {"code": f"  {ada.ticket_code}\n"})
    assert response.context["feedback"]["level"] == "ok"
    assert "Ada Participant1 (Polyméris) is checked in." in response.content.decode()
    ada.refresh_from_db()
    assert ada.checked_in_at is not None

    # A scanner or a paste gives the ticket's whole address.
    response = signed_in.post(
        address, {"code": f"https://clusterhub.example.eu/tickets/{bea.ticket_code}/"}
    )
    assert response.context["feedback"]["level"] == "ok"
    bea.refresh_from_db()
    assert bea.attended

    response = signed_in.post(address, {"code": ada.ticket_code})
    local = timezone.localtime(ada.checked_in_at, event.tz).strftime("%H:%M")
    assert response.context["feedback"]["level"] == "warning"
    assert f"Ada Participant1 (Polyméris) was already checked in at {local}." in (
        response.content.decode()
    )

    response = signed_in.post(address, {"code": "no-such-ticket"})
    assert "No registration for this event matches that ticket." in response.content.decode()
    assert response.context["checked_in"] == 2


def test_check_in_refuses_unconfirmed_and_other_events(signed_in, event):
    event.capacity = 1
    services.save_event(event)
    register(event, 1)
    waiting = register(event, 2)
    assert waiting.status == "waitlisted"
    response = signed_in.post(url("check-in", event), {"code": waiting.ticket_code})
    assert response.context["feedback"]["level"] == "error"
    assert "Ada Participant2 is not confirmed (On the waiting list)." in response.content.decode()

    other = services.save_event(
        Event(
            title="Other",
            kind="webinar",
            start=event.start,
            end=event.end,
            online_url="https://x.eu",
            status="registration_open",
        )
    )
    elsewhere = register(other, 3)
    response = signed_in.post(url("check-in", event), {"code": elsewhere.ticket_code})
    assert "No registration for this event matches that ticket." in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_check_in_by_name_with_htmx(signed_in, event):
    register(event, 1, last_name="Dupont", organisation_name="CIMES")
    schmidt = register(event, 2, last_name="Schmidt", organisation_name="Fraunhofer")
    services.cancel_registration(register(event, 3, last_name="Schmitt"))
    address = url("check-in", event)
    htmx = {"HX-Request": "true"}

    response = signed_in.get(address, {"q": "schm"}, headers=htmx)
    assert [r.last_name for r in response.context["results"]] == ["Schmidt"]  # confirmed only
    assert 'id="checkin-results"' in response.content.decode()
    assert "<html" not in response.content.decode()

    response = signed_in.post(address, {"registration": schmidt.pk}, headers=htmx)
    body = response.content.decode()
    assert "Ada Schmidt (Fraunhofer) is checked in." in body
    assert f'id="checkin-{schmidt.pk}" class="result" hx-swap-oob="true"' in body
    assert "1 of 2 confirmed participants checked in." in body
    schmidt.refresh_from_db()
    assert schmidt.attended

    response = signed_in.get(address, {"q": "fraunhofer"})
    assert "checked in at" in response.content.decode()


# Team ----------------------------------------------------------------------------------------


def test_team_add_and_remove(signed_in, event, organiser):
    colleague = factories.UserFactory(email="colleague@example.org")
    address = url("team", event)
    response = signed_in.post(address, {"email": "nobody@example.org"})
    assert "Nobody has an account with nobody@example.org" in errors_of(response)["email"][0]
    response = signed_in.post(address, {"email": "Colleague@Example.org"})
    assert response.status_code == 302
    seat = EventOrganiser.objects.get(event=event, user=colleague)
    assert seat.added_by == organiser
    assert get_user_model().objects.get(pk=colleague.pk).has_perm("events.manage_event", event)

    response = signed_in.post(address, {"email": "colleague@example.org"})
    assert "already an organiser" in errors_of(response)["email"][0]

    signed_in.post(address, {"remove": seat.pk})
    assert not EventOrganiser.objects.filter(pk=seat.pk).exists()
    own = EventOrganiser.objects.get(event=event, user=organiser)
    response = signed_in.post(address, {"remove": own.pk}, follow=True)
    assert "An event keeps at least one organiser." in response.content.decode()
    assert EventOrganiser.objects.filter(pk=own.pk).exists()


def test_malformed_ids_are_404(signed_in, event):
    assert signed_in.get(url("questions", event), {"edit": "abc"}).status_code == 404
    bad = {"action": "approve", "registration": "1 OR 1=1"}
    assert signed_in.post(url("registrations", event), bad).status_code == 404
    assert signed_in.post(url("check-in", event), {"registration": ""}).status_code == 404
    assert signed_in.post(url("materials", event), {"action": "delete"}).status_code == 404
    assert signed_in.post(url("team", event), {"remove": "me"}).status_code == 404


def test_a_speaker_and_a_new_organisation_are_added_in_one_step(signed_in, event):
    signed_in.post(url("agenda", event), session_data())
    session = Session.objects.get()
    address = url("session", event, session.pk)
    new = {"action": "add_speaker", "first_name": "Ewa", "last_name": "Nowak",
           "organisation": "Klaster Lodzki", "role": "Panellist"}  # fmt: skip
    response = signed_in.post(address, new)
    assert errors_of(response, "speaker_form")["organisation"] == [
        "No organisation “Klaster Lodzki” in the registry: give its country below to add it "
        "with the speaker."
    ]
    assert not Person.objects.filter(last_name="Nowak").exists()
    response = signed_in.post(address, new | {"new_organisation_country": "PL"})
    assert response.status_code == 302
    speaker = SessionSpeaker.objects.get(person__last_name="Nowak")
    assert speaker.organisation.legal_name == "Klaster Lodzki"
    assert speaker.organisation.country_id == "PL" and speaker.person.organisation_id == (
        speaker.organisation_id
    )


def test_speakers_get_a_biography_and_a_photo_shown_only_with_consent(
    signed_in, event, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    signed_in.post(url("agenda", event), session_data())
    session = Session.objects.get()
    address = url("session", event, session.pk)
    buffer = io.BytesIO()
    Image.new("RGB", (60, 60), "teal").save(buffer, "PNG")

    png = buffer.getvalue()

    def photo(content=png, name="ewa.png"):
        return SimpleUploadedFile(name, content, content_type="image/png")

    base = {"action": "add_speaker", "first_name": "Ewa", "last_name": "Nowak",
            "bio": "Runs the Lodz textile cluster since 2012.", "role": "Panellist"}  # fmt: skip
    response = signed_in.post(address, base | {"photo": photo(b"not an image", "x.png")})
    assert "photo" in errors_of(response, "speaker_form")
    assert not Person.objects.filter(last_name="Nowak").exists()
    signed_in.post(address, base | {"public_consent": "on", "photo": photo()})
    ewa = Person.objects.get(last_name="Nowak")
    assert ewa.bio.startswith("Runs the Lodz") and ewa.photo.name.startswith("people/")
    signed_in.post(address, base | {"first_name": "Jan", "last_name": "Hidden"})
    event.refresh_from_db()
    from django.core.cache import cache

    cache.clear()
    page = signed_in.get(event.get_absolute_url()).content.decode()
    assert 'class="speaker-photo"' in page and "Runs the Lodz textile cluster" in page
    assert page.count("Runs the Lodz textile cluster") == 1  # Jan's copy is not shown
