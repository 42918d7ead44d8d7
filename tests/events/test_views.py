"""Public event pages: calendar, event page, registration, tickets, "my events", summary."""

import datetime
import re
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterhub.events import services
from clusterhub.events.models import (
    EventStatus,
    Material,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
)
from clusterhub.reference.models import Ecosystem
from tests import clock, factories
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, country
from tests.queries import own_queries

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
YEAR = clock.NOW.year + 2  # the tests run at clock.NOW


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


# The workshop of these tests: 12-13 October, two years ahead, in Lyon.
make_event = partial(
    factories.EventFactory,
    start=paris(YEAR, 10, 12, 9, 0),
    end=paris(YEAR, 10, 13, 17, 30),
)


def add_session(event, start, minutes=60, **fields) -> Session:
    return services.save_session(
        Session(
            event=event,
            title=fields.pop("title", "Session"),
            start=start,
            end=start + datetime.timedelta(minutes=minutes),
            **fields,
        )
    )


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Ana",
        "last_name": "Pereira",
        "email": "ana@example.org",
        "job_title": "Cluster manager",
        "organisation_name": "Produtech",
        "organisation_kind": "cluster",
        "country": "PT",
        "dietary_needs": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data


def register(client, event, user, **overrides):
    client.force_login(user)
    return client.post(
        reverse("events:register", args=[event.slug]),
        form_data(**{"email": user.email, **overrides}),
    )


# Calendar -----------------------------------------------------------------------------------


def test_calendar_lists_published_events_only(client):
    make_event(title="Open workshop")
    make_event(title="Secret draft", status=EventStatus.DRAFT)
    body = client.get(reverse("events:calendar")).content.decode()
    assert "Open workshop" in body
    assert "Secret draft" not in body
    assert reverse("events:feed") in body


def test_the_calendar_offers_to_create_an_event_to_those_allowed(client):
    assert "Create an event" not in client.get(reverse("events:calendar")).content.decode()
    client.force_login(UserFactory())
    page = client.get(reverse("events:calendar")).content.decode()
    assert f'href="{reverse("events:create")}">Create an event</a>' in page


def test_calendar_upcoming_and_past(client):
    make_event(title="Next year's assembly", kind="general_assembly")
    make_event(
        title="General assembly 2016",
        kind="general_assembly",
        start=paris(2016, 6, 1, 9),
        end=paris(2016, 6, 1, 17),
        status=EventStatus.FINISHED,
    )
    upcoming = client.get(reverse("events:calendar")).content.decode()
    assert "Next year&#x27;s assembly" in upcoming and "General assembly 2016" not in upcoming
    past = client.get(reverse("events:calendar"), {"when": "past"}).content.decode()
    assert "General assembly 2016" in past and "Next year" not in past


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "webinar"}, {"Digital webinar"}),
        ({"kind": ["webinar", "workshop"]}, {"Digital webinar", "Lyon workshop"}),
        ({"country": "FR"}, {"Lyon workshop"}),
        ({"country": "DE"}, {"Munich conference"}),
        ({"region": "FRK"}, {"Lyon workshop"}),
        ({"region": "frk26"}, {"Lyon workshop"}),
        ({"region": "DE2"}, {"Munich conference"}),
        ({"ecosystem": "digital"}, {"Digital webinar", "Munich conference"}),
        ({"online": "on"}, {"Digital webinar"}),
        ({"date_from": "NEXT-11-01"}, {"Munich conference"}),
        ({"date_to": "NEXT-10-12"}, {"Lyon workshop", "Digital webinar"}),
        ({"date_from": "NEXT-10-13", "date_to": "NEXT-10-13"}, {"Lyon workshop"}),
        ({"country": "XX", "region": "FRK"}, {"Lyon workshop"}),  # a bad value is ignored
        ({"q": "munich"}, {"Munich conference"}),  # keywords: title, city…
        ({"q": "webinar digital"}, {"Digital webinar"}),  # every word must appear
        ({"q": "workshop munich"}, set()),
    ],
)
def test_calendar_filters(client, params, expected):
    year = timezone.now().year + 2
    make_event(
        title="Lyon workshop", nuts_region_id="FRK26", ecosystems=["mobility-transport-automotive"]
    )
    make_event(
        title="Digital webinar",
        kind="webinar",
        venue="",
        city="",
        country_id=None,
        online_url="https://meet.example.org/x",
        start=paris(year, 10, 1, 14),
        end=paris(year, 10, 1, 16),
        ecosystems=["digital"],
    )
    make_event(
        title="Munich conference",
        kind="conference",
        city="Munich",
        country_id="DE",
        nuts_region_id="DE212",
        start=paris(year, 11, 20, 9),
        end=paris(year, 11, 21, 17),
        ecosystems=[Ecosystem.objects.get(slug="digital")],
    )
    params = {
        k: [x.replace("NEXT", str(year)) for x in v]
        if isinstance(v, list)
        else v.replace("NEXT", str(year))
        for k, v in params.items()
    }
    body = client.get(reverse("events:calendar"), params).content.decode()
    shown = {t for t in ("Lyon workshop", "Digital webinar", "Munich conference") if t in body}
    assert shown == expected


def test_calendar_htmx_partial_and_pagination(client, django_assert_max_num_queries):
    start = timezone.now() + datetime.timedelta(days=30)
    for i in range(25):
        make_event(
            title=f"Event {i:02d}",
            start=start + datetime.timedelta(days=i),
            end=start + datetime.timedelta(days=i, hours=8),
            ecosystems=["digital", "health"],
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:calendar"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Event 00" in body and "Event 19" in body and "Event 20" not in body
    assert "Page 1 of 2" in body
    page2 = client.get(reverse("events:calendar"), {"page": 2}).content.decode()
    assert "Event 24" in page2 and "<html" in page2


# Event page ---------------------------------------------------------------------------------


@pytest.mark.parametrize("server_tz", ["Europe/Brussels", "America/New_York", "Asia/Tokyo"])
def test_event_page_shows_the_agenda_in_the_events_time_zone(client, settings, server_tz):
    settings.TIME_ZONE = server_tz
    event = make_event()
    year = event.start.year
    add_session(event, paris(year, 10, 12, 9, 0), minutes=30, title="Welcome", kind="introduction")
    add_session(event, paris(year, 10, 13, 14, 0), minutes=90, title="Site visit", kind="visit")
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Europe/Paris" in body
    welcome = body.index("Welcome")
    assert "09:00" in body[welcome - 400 : welcome]
    assert "09:30" in body[welcome - 400 : welcome]
    visit = body.index("Site visit")
    assert "14:00" in body[visit - 400 : visit] and "15:30" in body[visit - 400 : visit]
    # grouped by day, in the event's dates
    assert f"12 October {year}" in body and f"13 October {year}" in body
    assert body.index(f"12 October {year}") < welcome < body.index(f"13 October {year}") < visit


def test_event_page_late_session_stays_on_its_local_day(client, settings):
    settings.TIME_ZONE = "UTC"
    event = make_event()
    year = event.start.year
    add_session(event, paris(year, 10, 12, 23, 30), minutes=20, title="Night walk")
    body = client.get(event.get_absolute_url()).content.decode()
    night = body.index("Night walk")
    assert body.rfind("October", 0, night) == body.rfind(f"12 October {year}", 0, night) + 3
    assert "23:30" in body[night - 400 : night]


def test_speakers_named_only_with_consent(client):
    event = make_event()
    org = OrganisationFactory(legal_name="Auvergne-Rhône-Alpes Entreprises")
    shown = PersonFactory(first_name="Loïc", last_name="Marin", consented=True, organisation=org)
    hidden = PersonFactory(first_name="Hidden", last_name="Speaker", organisation=org)
    session = add_session(event, event.start, title="Regions and clusters", kind="panel")
    services.set_speakers(
        session,
        [
            services.SpeakerInput(person=shown, role="Moderator"),
            services.SpeakerInput(person=hidden, role="Panellist"),
        ],
    )
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Loïc Marin" in body and "Moderator" in body
    assert "Hidden" not in body and "Speaker</" not in body
    assert "Speaker from Auvergne-Rhône-Alpes Entreprises" in body
    assert org.get_absolute_url() in body


def test_event_page_shows_organisers_context_and_seats_left(client):
    host = OrganisationFactory(legal_name="CIMES", kind="cluster")
    partner = OrganisationFactory(legal_name="Région Auvergne-Rhône-Alpes", kind="public_authority")
    event = make_event(
        capacity=2,
        context="Global Industrie 2025",
        host=host,
        co_organisers=[partner],
        topic="Cluster policies",
        target_audience="Cluster managers and regional authorities",
    )
    register(client, event, UserFactory())
    client.logout()
    body = client.get(event.get_absolute_url()).content.decode()
    assert host.get_absolute_url() in body and partner.get_absolute_url() in body
    assert "Global Industrie 2025" in body
    assert "Cluster policies" in body
    assert re.search(r'id="seats-left"><strong>1</strong> seat left of 2', body)
    assert reverse("events:register", args=[event.slug]) in body
    assert "Registration is open." in body
    assert reverse("events:event-ics", args=[event.slug]) in body
    assert reverse("events:manage", args=[event.slug]) not in body


def test_event_page_closed_registration_in_words(client):
    event = make_event(status=EventStatus.REGISTRATION_CLOSED)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Registration for this event is closed." in body
    assert reverse("events:register", args=[event.slug]) not in body


def test_draft_event_page_only_for_organisers(client):
    organiser = UserFactory()
    event = make_event(organiser=organiser, status=EventStatus.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(UserFactory())
    assert client.get(event.get_absolute_url()).status_code == 404
    client.force_login(organiser)
    body = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:manage", args=[event.slug]) in body


def _fill_agenda(event, sessions: int, speakers: int, orgs):
    start = event.start
    for i in range(sessions):
        session = add_session(
            event,
            start + datetime.timedelta(minutes=20 * i),
            minutes=20,
            title=f"Talk {i}",
            room="Room A",
            chair=PersonFactory(organisation=orgs[i % len(orgs)], consented=i % 2 == 0),
        )
        services.set_speakers(
            session,
            [
                services.SpeakerInput(
                    person=PersonFactory(organisation=orgs[(i + j) % len(orgs)], consented=j != 1),
                    role="Speaker",
                )
                for j in range(speakers)
            ],
        )
        services.save_material(
            Material(event=event, session=session, title=f"Slides {i}", url="https://e.org/s"),
        )
        Material.objects.filter(session=session).update(published=True)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(own_queries(queries.captured_queries))


@pytest.mark.parametrize("logged_in", [False, True])
def test_event_page_queries_do_not_grow_with_the_agenda(client, logged_in):
    orgs = [OrganisationFactory() for _ in range(5)]
    small = make_event(title="Small")
    big = make_event(title="Big", co_organisers=orgs, ecosystems=["digital", "health"])
    _fill_agenda(small, 1, 1, orgs)
    _fill_agenda(big, 30, 3, orgs)
    if logged_in:
        client.force_login(UserFactory())
    few = _count_queries(client, small.get_absolute_url())
    many = _count_queries(client, big.get_absolute_url())
    assert many == few
    assert many <= 14
    body = client.get(big.get_absolute_url()).content.decode()
    assert body.count("Slides ") == 30
    assert "Talk 29" in body


# Registration -------------------------------------------------------------------------------


def test_registration_needs_login(client):
    event = make_event()
    url = reverse("events:register", args=[event.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert "next=" in response["Location"] and url in response["Location"].replace("%2F", "/")


def test_register_confirmed(client, django_capture_on_commit_callbacks):
    produtech = OrganisationFactory(legal_name="Produtech", kind="cluster", country=country("PT"))
    event = make_event(capacity=10)
    user = UserFactory(email="ana@example.org", first_name="Ana")
    client.force_login(user)
    form = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert 'value="ana@example.org"' in form
    assert 'name="listing_consent"' in form
    assert re.search(r'<input type="checkbox" name="listing_consent"(?![^>]*checked)', form)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:register", args=[event.slug]),
            form_data(organisation_name="  produtech ", dietary_needs="Vegetarian"),
        )
    registration = Registration.objects.get(event=event)
    assert response.status_code == 302
    assert response["Location"] == reverse("events:ticket", args=[registration.ticket_code])
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.user == user
    assert registration.organisation == produtech
    assert registration.listing_consent is False and registration.listing_consent_at is None
    assert registration.dietary_needs == "Vegetarian"
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    ticket = client.get(response["Location"]).content.decode()
    assert "Confirmed" in ticket and "<svg" in ticket and registration.ticket_code in ticket
    assert "<script" not in ticket.split("<main", 1)[1]


def test_consent_is_stored_with_its_date(client):
    event = make_event()
    register(client, event, UserFactory(), listing_consent="on")
    registration = Registration.objects.get(event=event)
    assert registration.listing_consent is True
    assert registration.listing_consent_at is not None


def test_third_person_on_a_capacity_two_event_is_waitlisted(client):
    event = make_event(capacity=2)
    users = [UserFactory() for _ in range(3)]
    for user in users:
        assert register(client, event, user).status_code == 302
    statuses = [Registration.objects.get(user=u).status for u in users]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    third = Registration.objects.get(user=users[2])
    body = client.get(reverse("events:ticket", args=[third.ticket_code])).content.decode()
    assert "On the waiting list" in body and "You are next on the waiting list." in body
    assert "<svg" not in body  # no QR code before a seat is confirmed
    detail = client.get(event.get_absolute_url()).content.decode()
    assert "Your ticket" in detail


def test_cancelling_promotes_the_waitlisted_person(client, django_capture_on_commit_callbacks):
    event = make_event(capacity=2)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for user in (first, second, third):
        register(client, event, user)
    mine = Registration.objects.get(user=first)
    waiting = Registration.objects.get(user=third)
    assert waiting.status == RegistrationStatus.WAITLISTED
    mail.outbox.clear()
    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:cancel", args=[mine.ticket_code]))
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    recipients = [address for message in mail.outbox for address in message.to]
    assert third.email in recipients and first.email in recipients
    promoted = next(m for m in mail.outbox if third.email in m.to)
    assert waiting.ticket_code in promoted.body


def test_cancel_link_from_the_email_asks_on_the_ticket_page(client):
    event = make_event()
    user = UserFactory()
    register(client, event, user)
    registration = Registration.objects.get(user=user)
    response = client.get(reverse("events:cancel", args=[registration.ticket_code]))
    assert response.status_code == 302 and response["Location"].endswith("#cancel")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize(
    "change",
    [
        {"status": EventStatus.REGISTRATION_CLOSED},
        {"registration_closes": timezone.now() - datetime.timedelta(hours=1)},
        {"status": EventStatus.CANCELLED},
    ],
)
def test_registration_after_closing_shows_the_reason_and_writes_nothing(client, change):
    event = make_event()
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    for field, value in change.items():
        setattr(event, field, value)
    services.save_event(event)
    response = register(client, event, user, job_title="Typed by hand")
    body = response.content.decode()
    assert response.status_code == 200
    assert services.registration_closed_reason(event) in body
    assert 'value="Typed by hand"' in body  # what the person typed is kept
    assert not Registration.objects.exists()
    assert 'name="first_name"' in page
    assert (
        'name="first_name"'
        not in client.get(reverse("events:register", args=[event.slug])).content.decode()
    )


def test_a_registration_is_made_with_the_accounts_own_address_whatever_is_posted(client):
    """Someone posting another person's address registers themselves, not that person, who
    can then register and manage their own ticket."""
    event = make_event()
    intruder = UserFactory(email="intruder@example.org")
    victim = UserFactory(email="victim@example.org")
    client.force_login(intruder)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert 'value="intruder@example.org"' in page and "disabled" in page
    response = register(client, event, intruder, email="victim@example.org")
    assert response.status_code == 302
    taken = Registration.objects.get()
    assert taken.email == "intruder@example.org" and taken.user == intruder
    response = register(client, event, victim)
    assert response.status_code == 302
    own = Registration.objects.get(user=victim)
    assert own.email == "victim@example.org"
    ticket = client.get(reverse("events:ticket", args=[own.ticket_code]))
    assert ticket.status_code == 200 and "victim@example.org" in ticket.content.decode()


def test_same_account_cannot_register_twice(client):
    event = make_event()
    user = UserFactory()
    register(client, event, user)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert "You are already registered" in page
    response = register(client, event, user, email="other@example.org")
    assert response.status_code == 200
    assert Registration.objects.count() == 1


def test_required_custom_question_is_enforced(client):
    event = make_event()
    visit = services.save_question(
        RegistrationQuestion(event=event, label="Will you join the site visit?", kind="yes_no")
    )
    visit.required = True
    visit.save()
    workshop = services.save_question(
        RegistrationQuestion(
            event=event, label="Which workshop?", kind="choice", choices="A\nB", required=True
        )
    )
    note = services.save_question(RegistrationQuestion(event=event, label="Anything else?"))
    user = UserFactory()
    response = register(client, event, user, **{f"question_{note.pk}": "Vegan lunch, thanks"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "“Will you join the site visit?” needs an answer." in body
    assert "“Which workshop?” needs an answer." in body
    assert "Vegan lunch, thanks" in body
    assert not Registration.objects.exists()
    response = register(
        client,
        event,
        user,
        **{f"question_{visit.pk}": "no", f"question_{workshop.pk}": "C"},
    )
    assert not Registration.objects.exists()
    assert "Select a valid choice" in response.content.decode()
    response = register(
        client,
        event,
        user,
        **{f"question_{visit.pk}": "no", f"question_{workshop.pk}": "B"},
    )
    assert response.status_code == 302
    answers = Registration.objects.get().answers
    assert answers == {str(visit.pk): False, str(workshop.pk): "B"}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("country", "XX", "Select a valid choice"),
        ("organisation_kind", "martian", "Select a valid choice"),
        ("first_name", "", "This field is required."),
    ],
)
def test_bad_registration_input(client, field, value, message):
    event = make_event()
    client.force_login(UserFactory())
    response = client.post(
        reverse("events:register", args=[event.slug]), form_data(**{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


# Tickets and "my events" --------------------------------------------------------------------


def test_ticket_only_for_its_owner_and_the_organisers(client):
    organiser = UserFactory()
    event = make_event(organiser=organiser)
    owner = UserFactory()
    register(client, event, owner)
    url = reverse("events:ticket", args=[Registration.objects.get().ticket_code])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    cancel = reverse("events:cancel", args=[Registration.objects.get().ticket_code])
    assert client.post(cancel).status_code == 403
    assert Registration.objects.get().status == RegistrationStatus.CONFIRMED
    assert client.get(reverse("events:ticket", args=["no-such-code"])).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_consent_toggle_on_the_ticket(client):
    event = make_event()
    user = UserFactory()
    register(client, event, user)
    registration = Registration.objects.get()
    url = reverse("events:ticket", args=[registration.ticket_code])
    client.post(url, {"listing_consent": "on"})
    registration.refresh_from_db()
    assert registration.listing_consent and registration.listing_consent_at
    assert "You appear in the participants" in client.get(url).content.decode()
    client.post(url, {})
    registration.refresh_from_db()
    assert not registration.listing_consent and registration.listing_consent_at is None


def test_my_events(client):
    event = make_event(title="Lyon workshop")
    user = UserFactory()
    register(client, event, user)
    other = make_event(title="Not mine")
    register(client, other, UserFactory())
    client.force_login(user)
    body = client.get(reverse("events:mine")).content.decode()
    assert "Lyon workshop" in body and "Not mine" not in body
    registration = Registration.objects.get(user=user)
    assert reverse("events:ticket", args=[registration.ticket_code]) in body
    assert reverse("events:cancel", args=[registration.ticket_code]) in body
    response = client.post(
        reverse("events:cancel", args=[registration.ticket_code]), {"next": "mine"}
    )
    assert response["Location"] == reverse("events:mine")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


# Materials and summary ----------------------------------------------------------------------


def test_material_download_only_when_published(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    organiser = UserFactory()
    event = make_event(organiser=organiser)
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4\n% test\n", "application/pdf")
    material = services.save_material(Material(event=event, title="Opening slides"), upload)
    link = services.save_material(
        Material(event=event, title="Recording", kind="video", url="https://video.example.org/1")
    )
    url = reverse("events:material", args=[event.slug, material.pk])
    assert client.get(url).status_code == 404
    assert "Opening slides" not in client.get(event.get_absolute_url()).content.decode()
    client.force_login(organiser)
    assert client.get(url).status_code == 200
    client.logout()
    Material.objects.filter(pk__in=[material.pk, link.pk]).update(published=True)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # A link opens from the page, with its site shown; the platform never redirects to it.
    link_url = reverse("events:material", args=[event.slug, link.pk])
    assert client.get(link_url).status_code == 404
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Opening slides" in body and url in body
    assert (
        '<a href="https://video.example.org/1" rel="noopener noreferrer nofollow ugc">Recording</a>'
        ' <span class="muted">(video.example.org)</span>'
    ) in body
    assert link_url not in body
    other = make_event(title="Other")
    assert client.get(reverse("events:material", args=[other.slug, material.pk])).status_code == 404


def test_summary_page(client):
    organiser = UserFactory()
    event = make_event(organiser=organiser, capacity=10)
    people = [
        ("cluster", "FR"),
        ("cluster", "PT"),
        ("company", "FR"),
    ]
    for kind, code in people:
        register(client, event, UserFactory(), organisation_kind=kind, country=code)
    services.check_in(event, registration=Registration.objects.filter(country_id="FR").first())
    url = reverse("events:summary", args=[event.slug])
    client.logout()
    assert client.get(url).status_code == 404
    event.outcomes = "Three joint project ideas."
    event.recommendations = "Meet again at the next exhibition."
    event.summary_published = True
    services.save_event(event)
    body = client.get(url).content.decode()
    assert "Three joint project ideas." in body and "Meet again" in body
    assert re.search(r"<strong>3</strong> participants registered", body)
    assert re.search(r"<strong>1</strong> attended", body)
    assert re.search(
        r"Cluster organisation</td><td class=\"num\">2</td><td class=\"num\">\d</td>", body
    )
    assert "Portugal" in body
    detail = client.get(event.get_absolute_url()).content.decode()
    assert url in detail


def test_online_link_only_for_confirmed_participants(client):
    event = make_event(venue="", city="", online_url="https://meet.example.org/secret-room")
    url = reverse("events:detail", args=[event.slug])
    body = client.get(url).content.decode()
    assert "secret-room" not in body
    assert "the link is shown to confirmed participants" in body
    user = UserFactory()
    client.force_login(user)
    assert "secret-room" not in client.get(url).content.decode()
    register(client, event, user)
    assert "secret-room" in client.get(url).content.decode()
    feed = client.get(reverse("events:event-ics", args=[event.slug])).content.decode()
    assert "secret-room" not in feed


def test_cached_agenda_follows_changes_and_withdrawn_consent(client):
    from clusterhub.registry import services as registry_services

    event = make_event()
    org = OrganisationFactory(legal_name="Prognos")
    person = PersonFactory(first_name="Jan", last_name="Kramer", consented=True, organisation=org)
    session = add_session(event, event.start, title="Input paper", kind="keynote")
    services.set_speakers(session, [services.SpeakerInput(person=person, role="Keynote")])
    url = event.get_absolute_url()
    assert "Jan Kramer" in client.get(url).content.decode()
    # A new session shows at once, despite the cache.
    add_session(event, event.start + datetime.timedelta(hours=2), title="Reshoring of industry")
    assert "Reshoring of industry" in client.get(url).content.decode()
    # Consent withdrawn: the name disappears from the cached agenda at once.
    registry_services.set_public_consent(person, False)
    body = client.get(url).content.decode()
    assert "Jan Kramer" not in body
    assert "Speaker from Prognos" in body


def test_event_page_invites_confirmed_participants_to_b2b_meetings(client):
    from clusterhub.matchmaking.models import Matchmaking

    event = make_event()
    user = UserFactory()
    register(client, event, user)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Take part in B2B meetings" not in body
    Matchmaking.objects.create(event=event)
    body = client.get(event.get_absolute_url()).content.decode()
    assert "Take part in B2B meetings" in body
    assert reverse("matchmaking:home", args=[event.slug]) in body


def test_a_participant_changes_their_own_details_and_nobody_else_can(client):
    organiser = UserFactory()
    event = make_event(organiser=organiser)
    owner = UserFactory(email="ana@example.org")
    register(client, event, owner)
    registration = Registration.objects.get()
    ticket = reverse("events:ticket", args=[registration.ticket_code])
    edit = reverse("events:registration-edit", args=[registration.ticket_code])
    assert "Change my details" in client.get(ticket).content.decode()
    page = client.get(edit).content.decode()
    assert 'value="Produtech"' in page and 'value="Cluster manager"' in page
    # a wrong value is named and nothing changes
    response = client.post(edit, form_data(email=owner.email, country="", job_title="CEO"))
    assert "This field is required." in response.content.decode()
    assert Registration.objects.get().job_title == "Cluster manager"
    response = client.post(
        edit, form_data(email="other@example.org", job_title="Director", dietary_needs="Vegan")
    )
    assert response.status_code == 302 and response["Location"] == ticket
    registration.refresh_from_db()
    assert registration.job_title == "Director" and registration.dietary_needs == "Vegan"
    assert registration.email == "ana@example.org"  # the account's address stays
    assert registration.status == RegistrationStatus.CONFIRMED
    # the organisers see the ticket but cannot change it in the participant's name
    client.force_login(organiser)
    assert client.get(edit).status_code == 403
    assert client.post(edit, form_data(job_title="Intern")).status_code == 403
    assert Registration.objects.get().job_title == "Director"


def test_participants_pick_their_sessions_when_the_organisers_ask(client):
    organiser = UserFactory()
    event = make_event(organiser=organiser, session_choice=True)
    workshop = add_session(event, paris(YEAR, 10, 12, 10), title="Hydrogen valleys")
    panel = add_session(event, paris(YEAR, 10, 12, 14), title="Regions and clusters")
    add_session(event, paris(YEAR, 10, 12, 12), title="Lunch", kind="break")
    owner = UserFactory()
    client.force_login(owner)
    page = client.get(reverse("events:register", args=[event.slug])).content.decode()
    assert "The sessions I will attend" in page and "Hydrogen valleys" in page
    assert "Lunch" not in page  # breaks are not chosen
    register(client, event, owner, chosen_sessions=[workshop.pk])
    registration = Registration.objects.get()
    assert list(registration.chosen_sessions.all()) == [workshop]
    # changed later from the ticket
    edit = reverse("events:registration-edit", args=[registration.ticket_code])
    client.post(edit, form_data(email=owner.email, chosen_sessions=[workshop.pk, panel.pk]))
    assert set(registration.chosen_sessions.all()) == {workshop, panel}
    # the organisers see how many chose each session
    client.force_login(organiser)
    agenda = client.get(reverse("events:agenda", args=[event.slug])).content.decode()
    assert agenda.count("chosen by 1 participant") == 2
    # an event that does not ask shows no choice
    other = make_event(title="Assembly")
    client.force_login(UserFactory())
    page = client.get(reverse("events:register", args=[other.slug])).content.decode()
    assert "The sessions I will attend" not in page
