"""Outputs of an event: booklet and badges PDFs, attendance report, participant exports,
iCalendar files and feed."""

import csv
import io
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from clusterhub.core.svg import bar_chart, grouped_bar_chart
from clusterhub.events import outputs, selectors
from clusterhub.events.models import (
    EventOrganiser,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    Session,
    SessionSpeaker,
)
from tests import factories
from tests.factories import OrganisationFactory, PersonFactory, UserFactory, country

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# The workshop of these tests: 12-13 October 2023 at Global Industrie, now over.
make_event = partial(
    factories.EventFactory,
    title="Clusters meet Regions",
    slug="clusters-meet-regions-2023",
    status="published",
    context="Global Industrie 2023",
    start=local(2023, 10, 12, 9, 0),
    end=local(2023, 10, 13, 17, 0),
    description="A two-day regional workshop.",
)


def register(event, first, last, org, kind="company", code="FR", consent=False, **fields):
    return Registration.objects.create(
        event=event,
        first_name=first,
        last_name=last,
        email=fields.pop("email", f"{first}.{last}@example.org".lower()),
        organisation_name=org,
        organisation_kind=kind,
        country=country(code),
        listing_consent=consent,
        listing_consent_at=timezone.now() if consent else None,
        status=fields.pop("status", "confirmed"),
        **fields,
    )


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def organiser():
    return UserFactory(username="organiser")


@pytest.fixture
def event(organiser):
    event = make_event()
    host = OrganisationFactory(legal_name="Auvergne-Rhône-Alpes Entreprises")
    event.host = host
    event.save()
    event.co_organisers.add(OrganisationFactory(legal_name="European Cluster Collaboration"))
    EventOrganiser.objects.create(event=event, user=organiser)
    opening = Session.objects.create(
        event=event,
        title="Welcome and opening",
        kind="introduction",
        start=local(2023, 10, 12, 9, 30),
        end=local(2023, 10, 12, 10, 0),
        room="Salle Rhône",
    )
    panel = Session.objects.create(
        event=event,
        title="Regional smart specialisation panel",
        kind="panel",
        start=local(2023, 10, 13, 14, 0),
        end=local(2023, 10, 13, 15, 30),
        room="Salle Saône",
    )
    public = PersonFactory(
        first_name="Marie",
        last_name="Curiosa",
        consented=True,
        organisation=OrganisationFactory(legal_name="Région Auvergne-Rhône-Alpes"),
    )
    private = PersonFactory(
        first_name="Hidden",
        last_name="Speaker",
        organisation=OrganisationFactory(legal_name="Secretive Industries"),
    )
    SessionSpeaker.objects.create(session=opening, person=public, role="Vice-president")
    SessionSpeaker.objects.create(session=panel, person=private, role="Panellist")
    RegistrationQuestion.objects.create(
        event=event, label="Will you join the site visit?", kind=QuestionKind.YES_NO
    )
    return event


@pytest.fixture
def people(event):
    question = event.questions.get()
    return {
        "alice": register(
            event,
            "Alice",
            "Martin",
            "Pôle Plastipolis",
            kind="cluster",
            consent=True,
            job_title="Project manager",
            answers={str(question.pk): True},
        ),
        "bruno": register(
            event, "Bruno", "Keller", "Pôle Plastipolis", kind="cluster", consent=True
        ),
        "carla": register(
            event, "Carla", "Rossi", "Meccanica Srl", code="IT", consent=True, job_title="CEO"
        ),
        "dieter": register(event, "Dieter", "Nichtda", "Geheim GmbH", code="DE", consent=False),
        "wanda": register(
            event, "Wanda", "Waiting", "Waitlist BV", code="NL", consent=True, status="waitlisted"
        ),
    }


# Booklet ----------------------------------------------------------------------------------------


def sign_in_participant(client, event, status="confirmed"):
    """Signs ``client`` in as someone registered for ``event`` (not listed in the booklet)."""
    user = UserFactory()
    register(event, "Reader", "Unlisted", "Reading Ltd", user=user, email=user.email, status=status)
    client.force_login(user)
    return user


def test_booklet_has_agenda_and_consenting_participants_by_organisation(
    client, event, people, transactional_db
):
    sign_in_participant(client, event)
    response = client.get(reverse("events:booklet", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    # cover
    assert "Clusters meet Regions" in text
    assert "Global Industrie 2023" in text
    assert "Auvergne-Rhône-Alpes Entreprises" in text
    assert "European Cluster Collaboration" in text
    # agenda by day, in Paris time, speakers by consent
    assert "Thursday 12 October 2023" in text and "Friday 13 October 2023" in text
    assert "09:30–10:00" in text and "14:00–15:30" in text
    assert "Welcome and opening" in text and "Salle Rhône" in text
    assert "Marie Curiosa" in text
    assert "Secretive Industries" in text  # the speaker without consent: the organisation only
    assert "Hidden" not in text
    # participants: consenting and confirmed only, grouped by organisation, no e-mail
    assert "Alice Martin" in text and "Bruno Keller" in text and "Carla Rossi" in text
    assert "Project manager" in text and "Cluster organisation" in text and "Italy" in text
    assert text.count("Pôle Plastipolis") == 1  # one heading for both of its participants
    group = text.index("Pôle Plastipolis")
    assert group < text.index("Bruno Keller") < text.index("Alice Martin")  # by last name
    assert "Dieter" not in text and "Nichtda" not in text and "Geheim" not in text
    assert "Wanda" not in text
    assert "@" not in text
    # page numbers in the footer
    reader = PdfReader(io.BytesIO(response.content))
    assert f"2 / {len(reader.pages)}" in reader.pages[1].extract_text()


def test_booklet_groups_are_built_in_a_few_queries(event, people, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        html = outputs.booklet_html(event)
    assert "Alice Martin" in html and "alice.martin@example.org" not in html


def test_draft_booklet_is_not_found_except_for_its_organisers(
    client, event, organiser, transactional_db
):
    event.status = "draft"
    event.save()
    url = reverse("events:booklet", args=[event.slug])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_the_booklet_is_for_participants_and_organisers_only(
    client, event, people, organiser, transactional_db
):
    """The consent asked at registration says the names are shown to the other participants
    and the organisers: visitors, other users and people still waiting get no booklet."""
    url = reverse("events:booklet", args=[event.slug])
    event_page = reverse("events:detail", args=[event.slug])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 403
    assert "for the participants and the organisers" in response.content.decode()
    assert "Alice Martin" not in response.content.decode()
    page = client.get(event_page).content.decode()
    assert "(for the participants and the organisers)" in page and url not in page
    sign_in_participant(client, event, status="waitlisted")
    assert client.get(url).status_code == 403
    sign_in_participant(client, event)
    assert "Alice Martin" in pdf_text(client.get(url).content)
    assert url in client.get(event_page).content.decode()
    client.force_login(organiser)
    assert client.get(url).status_code == 200


def test_booklet_follows_changes_despite_its_cache(client, event, people, transactional_db):
    sign_in_participant(client, event)
    url = reverse("events:booklet", args=[event.slug])
    assert "Erik" not in pdf_text(client.get(url).content)
    register(event, "Erik", "Nordmann", "Nordic Cluster", kind="cluster", code="SE", consent=True)
    assert "Erik Nordmann" in pdf_text(client.get(url).content)


def test_booklet_of_1000_participants_renders_in_time(event):
    orgs = [OrganisationFactory(legal_name=f"Member organisation {i:03d}") for i in range(3)]
    codes = ["FR", "DE", "IT", "ES", "BE", "NL", "PL", "AT"]
    Registration.objects.bulk_create(
        Registration(
            event=event,
            first_name=f"First{i}",
            last_name=f"Last{i:04d}",
            email=f"p{i}@example.org",
            job_title="Innovation manager" if i % 3 else "",
            organisation=orgs[i % 3] if i % 10 == 0 else None,
            organisation_name=f"Organisation {i % 240:03d}",
            organisation_kind=["cluster", "company", "research", "public_authority"][i % 4],
            country_id=codes[i % len(codes)],
            listing_consent=True,
            listing_consent_at=timezone.now(),
            status="confirmed",
            ticket_code=f"t{i}",
        )
        for i in range(1000)
    )
    started = time.perf_counter()
    pdf = outputs.booklet_pdf(event)
    seconds = time.perf_counter() - started
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"booklet of 1,000 participants: {seconds:.1f} s, {pages} pages")
    assert seconds <= 15
    assert "Last0999" in pdf_text(pdf)


# Badges -----------------------------------------------------------------------------------------


def test_badges_are_for_organisers_and_list_the_confirmed(
    client, event, people, organiser, transactional_db
):
    url = reverse("events:badges", args=[event.slug])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(response.content))
    for name in ("Alice Martin", "Bruno Keller", "Carla Rossi", "Dieter Nichtda"):
        assert name in text
    assert "Wanda" not in text  # waitlisted
    assert "Meccanica Srl" in text and "Germany" in text
    assert people["alice"].ticket_code in text


def test_badges_sheets_hold_eight_with_a_qr_code(event):
    registrations = [
        register(event, f"Person{i}", "Badge", "Org", email=f"b{i}@example.org") for i in range(9)
    ]
    html = outputs.badges_html(event, registrations)
    assert html.count('class="sheet"') == 2
    assert html.count('class="badge"') == 9
    assert html.count("data:image/svg+xml") == 9
    pdf = outputs.badges_pdf(event, registrations)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_qr_code_is_an_svg_of_the_ticket_code():
    import segno

    uri = outputs.qr_svg_data_uri("ABC123")
    assert uri.startswith("data:image/svg+xml")
    assert uri == segno.make("ABC123", error="m", micro=False).svg_data_uri(scale=4, border=2)


# Exports ----------------------------------------------------------------------------------------


def content_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_exports_are_for_organisers_only(client, event, people):
    for fmt in ("csv", "xlsx"):
        url = reverse("events:participants-export", args=[event.slug, fmt])
        assert client.get(url).status_code == 302
        client.force_login(UserFactory())
        assert client.get(url).status_code == 403
        client.logout()


def test_csv_export_has_every_registration_and_the_question_column(
    client, event, people, organiser
):
    people["carla"].dietary_needs = '=HYPERLINK("http://evil")'
    people["carla"].checked_in_at = local(2023, 10, 12, 8, 55)
    people["carla"].save()
    client.force_login(organiser)
    response = client.get(reverse("events:participants-export", args=[event.slug, "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(content_of(response).decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["First name", "Last name", "E-mail"]
    assert "Listing consent" in header and "Dietary needs" in header
    assert header[-1] == "Will you join the site visit?"
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Alice", "Bruno", "Carla", "Dieter", "Wanda"}
    assert by_name["Alice"]["Will you join the site visit?"] == "yes"
    assert by_name["Alice"]["E-mail"] == "alice.martin@example.org"
    assert by_name["Alice"]["Kind of organisation"] == "Cluster organisation"
    assert by_name["Alice"]["Listing consent"] == "yes"
    assert by_name["Dieter"]["Listing consent"] == "no"
    assert by_name["Wanda"]["Status"] == "On the waiting list"
    assert by_name["Carla"]["Checked in at"] == "2023-10-12 08:55"  # in the event's time zone
    assert by_name["Carla"]["Dietary needs"].startswith("'=")  # no formula


def test_xlsx_export_has_the_question_column(client, event, people, organiser):
    client.force_login(organiser)
    response = client.get(reverse("events:participants-export", args=[event.slug, "xlsx"]))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "Will you join the site visit?"
    assert len(rows) == 6
    assert (
        client.get(reverse("events:participants-export", args=[event.slug, "pdf"])).status_code
        == 404
    )


# Attendance -------------------------------------------------------------------------------------


@pytest.fixture
def small_event(organiser):
    event = make_event(slug="small-2023", title="Small")
    EventOrganiser.objects.create(event=event, user=organiser)
    for i in range(3):
        register(event, f"Cluster{i}", "X", f"Cluster {i}", kind="cluster", code="FR")
    register(event, "Comp0", "Y", "Company 0", kind="company", code="DE")
    register(event, "Comp1", "Y", "Company 1", kind="company", code="FR")
    register(event, "Gone", "Z", "Company 2", kind="company", code="FR", status="cancelled")
    return event


def test_attendance_counts_and_sentence_before_check_in(small_event):
    stats = selectors.attendance(small_event)
    assert stats["registered"] == 5 and stats["attended"] == 0
    assert stats["by_kind"] == [
        ("company", "Company", 2, 0),
        ("cluster", "Cluster organisation", 3, 0),
    ]
    assert stats["by_country"] == [("FR", "France", 4, 0), ("DE", "Germany", 1, 0)]
    assert outputs.attendance_sentence(stats) == (
        "5 confirmed participants (no check-ins yet): 3 from cluster organisations and "
        "2 from companies; from 2 countries."
    )


def test_attendance_counts_and_sentence_after_check_in(client, small_event, organiser):
    Registration.objects.filter(event=small_event, first_name="Comp0").update(
        checked_in_at=timezone.now()
    )
    stats = selectors.attendance(small_event)
    assert stats["attended"] == 1
    assert outputs.attendance_sentence(stats) == (
        "1 participant attended: 1 from a company; from 1 country."
    )
    url = reverse("events:attendance", args=[small_event.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(organiser)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 participant attended: 1 from a company; from 1 country." in page
    assert page.count("<svg") == 2
    assert "Cluster organisation" in page and "Germany" in page


def test_grouped_bar_chart_keeps_bar_chart_working():
    svg = grouped_bar_chart([("Companies", [16, 10]), ("Clusters <&>", [24, 20])], ["A", "B"])
    assert svg.startswith("<svg") and svg.count("<rect") == 4 + 2  # bars and legend keys
    assert "Clusters &lt;&amp;&gt;" in svg
    assert bar_chart([("x", 1)]).count("<rect") == 1


# iCalendar --------------------------------------------------------------------------------------


def test_event_ics_has_utc_times_and_a_stable_uid(client, event):
    response = client.get(reverse("events:event-ics", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime(2023, 10, 12, 7, 0, tzinfo=UTC)
    assert vevent.decoded("dtend") == datetime(2023, 10, 13, 15, 0, tzinfo=UTC)
    assert str(vevent["summary"]) == "Clusters meet Regions"
    assert "Eurexpo" in str(vevent["location"]) and "Lyon" in str(vevent["location"])
    assert str(vevent["url"]).endswith(f"/events/{event.slug}/")
    assert "two-day regional workshop" in str(vevent["description"])
    uid = str(vevent["uid"])
    event.title = "Clusters meet Regions (final agenda)"
    event.save()
    again = icalendar.Calendar.from_ical(
        client.get(reverse("events:event-ics", args=[event.slug])).content
    )
    assert str(again.walk("VEVENT")[0]["uid"]) == uid


def test_session_ics(client, event):
    session = event.sessions.get(title="Welcome and opening")
    response = client.get(reverse("events:session-ics", args=[event.slug, session.pk]))
    assert response.status_code == 200
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert vevent.decoded("dtstart") == datetime(2023, 10, 12, 7, 30, tzinfo=UTC)
    assert "Salle Rhône" in str(vevent["location"])
    assert "Marie Curiosa" in str(vevent["description"])
    other = make_event(slug="other-2023")
    assert (
        client.get(reverse("events:session-ics", args=[other.slug, session.pk])).status_code == 404
    )


def test_draft_ics_is_not_found(client, event):
    event.status = "draft"
    event.save()
    assert client.get(reverse("events:event-ics", args=[event.slug])).status_code == 404


def test_feed_lists_published_upcoming_and_recent_events_only(client):
    now = timezone.now()
    soon = make_event(
        slug="soon", title="Soon", start=now + timedelta(days=10), end=now + timedelta(days=11)
    )
    recent = make_event(
        slug="recent",
        title="Recent",
        status="finished",
        start=now - timedelta(days=20),
        end=now - timedelta(days=19),
    )
    make_event(
        slug="draft",
        title="Draft",
        status="draft",
        start=now + timedelta(days=5),
        end=now + timedelta(days=6),
    )
    make_event(
        slug="old", title="Old", start=now - timedelta(days=400), end=now - timedelta(days=399)
    )
    response = client.get(reverse("events:feed"))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(v["summary"]) for v in calendar.walk("VEVENT")]
    assert summaries == ["Recent", "Soon"]
    uids = {str(v["uid"]) for v in calendar.walk("VEVENT")}
    assert uids == {outputs.event_uid(recent), outputs.event_uid(soon)}


def test_a_booklet_without_listed_participants_has_no_participants_page(
    client, event, transactional_db
):
    sign_in_participant(client, event)
    Registration.objects.filter(event=event).update(listing_consent=False)
    response = client.get(reverse("events:booklet", args=[event.slug]))
    text = flat(pdf_text(response.content))
    assert "Welcome and opening" in text
    assert "Participants" not in text and "0 participants" not in text
    # no page of the booklet holds a single line of the agenda alone
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages[1:]:
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        assert len(lines) > 3, lines
