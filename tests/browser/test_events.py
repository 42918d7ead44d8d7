"""An organiser creates an event with its agenda and publishes it; a participant registers;
the participants' booklet lists who agreed to be listed, and nobody else."""

import io
import re
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from clusterhub.events import services
from clusterhub.events.models import Event, Registration, RegistrationStatus
from clusterhub.registry import services as registry_services
from clusterhub.registry.models import Organisation

PASSWORD = "Clusters-2026!"


def verified_user(email: str, first_name: str = "", last_name: str = ""):
    user = get_user_model().objects.create_user(
        email, email, PASSWORD, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def log_in(page, live_server, email: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def starts(label: str) -> re.Pattern:
    """A field's label, from its beginning ("City" is not "Capacity")."""
    return re.compile("^" + re.escape(label))


def pdf_text(body: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return re.sub(r"\s+", " ", text)


def test_organiser_builds_an_event_participant_registers_booklet_lists_consenting(
    live_server, browser, page
):
    verified_user("organiser@example.org", "Olivia", "Organiser")
    verified_user("participant@example.org", "Paula", "Participant")
    registry_services.save_organisation(
        Organisation(legal_name="CIMES", kind="cluster", country_id="FR", city="Grenoble")
    )
    day = (timezone.now() + timedelta(days=30)).date()
    second_day = day + timedelta(days=1)

    # The organiser creates the event as a draft, in Lyon's time zone.
    log_in(page, live_server, "organiser@example.org")
    page.goto(live_server.url + "/events/new/event/")
    page.get_by_label(starts("Title")).fill("Clusters meet Regions")
    page.get_by_label(starts("Type")).select_option("workshop")
    page.get_by_label(starts("Description")).fill("Two days on clusters and regional policy.")
    page.get_by_label(starts("Venue")).fill("Eurexpo")
    page.get_by_label(starts("City")).fill("Lyon")
    page.get_by_label(starts("Country")).select_option("FR")
    page.get_by_label(starts("Time zone")).select_option("Europe/Paris")
    page.get_by_label(starts("Start")).fill(f"{day}T09:00")
    page.get_by_label(starts("End")).fill(f"{second_day}T17:30")
    page.get_by_label(starts("Capacity")).fill("80")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clusters meet Regions")
    expect(page.locator("#figures")).to_contain_text("0 confirmed")
    event = Event.objects.get()
    assert event.status == "draft"
    assert event.start.astimezone(event.tz).strftime("%H:%M") == "09:00"

    # Two sessions; the first has a new speaker who agrees to be listed.
    page.get_by_role("link", name="Agenda", exact=True).first.click()
    page.get_by_label(starts("Title")).fill("Opening: clusters and regions")
    page.get_by_label(starts("Kind")).select_option("introduction")
    page.get_by_label(starts("Start")).fill(f"{day}T09:00")
    page.get_by_label(starts("End")).fill(f"{day}T09:45")
    page.get_by_label(starts("Room")).fill("Salle Rhône")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening: clusters and regions")

    page.get_by_label("First name (new person)").fill("Loïc")
    page.get_by_label("Last name (new person)").fill("Marin")
    page.locator("#add-speaker").get_by_label(starts("Organisation")).fill("CIMES")
    page.get_by_label("The new person agrees to be listed publicly").check()
    page.get_by_label(starts("Role in the session")).fill("Welcome address")
    page.get_by_role("button", name="Add the speaker").click()
    expect(page.locator("#speakers")).to_contain_text("Loïc Marin")
    expect(page.locator("#speakers")).to_contain_text("Welcome address")

    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_label(starts("Title")).fill("Round table on smart specialisation")
    page.get_by_label(starts("Kind")).select_option("round_table")
    page.get_by_label(starts("Start")).fill(f"{second_day}T10:00")
    page.get_by_label(starts("End")).fill(f"{second_day}T11:30")
    page.get_by_label(starts("Room")).fill("Salle Rhône")
    page.get_by_role("button", name="Add the session").click()
    page.get_by_role("link", name="Back to the agenda").click()
    expect(page.locator("main table")).to_have_count(2)  # one table per day
    expect(page.locator("main")).to_contain_text("09:00–09:45")
    expect(page.locator("main")).to_contain_text("Loïc Marin (CIMES)")

    # A session outside the event's days is refused on the form.
    page.get_by_label(starts("Title")).fill("Too late")
    page.get_by_label(starts("Start")).fill(f"{second_day + timedelta(days=1)}T10:00")
    page.get_by_label(starts("End")).fill(f"{second_day + timedelta(days=1)}T11:00")
    page.get_by_role("button", name="Add the session").click()
    expect(page.locator("#field-start .error")).to_contain_text(
        "The session must take place during the event"
    )

    # Published, registration open.
    page.get_by_role("link", name="Event details").click()
    page.get_by_label(starts("Status")).select_option("registration_open")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Event saved.")

    # A participant registers through the event page and agrees to be listed.
    other = browser.new_context(locale="en-GB", timezone_id="Europe/Brussels")
    other.set_default_timeout(10_000)
    participant = other.new_page()
    log_in(participant, live_server, "participant@example.org")
    participant.goto(live_server.url + f"/events/{event.slug}/")
    expect(participant.locator("main")).to_contain_text("Round table on smart specialisation")
    participant.get_by_role("link", name="Register").first.click()
    participant.get_by_label(starts("First name")).fill("Paula")
    participant.get_by_label(starts("Last name")).fill("Participant")
    participant.get_by_label(starts("Organisation")).fill("Région Auvergne-Rhône-Alpes")
    participant.get_by_label(starts("Kind of organisation")).select_option("public_authority")
    participant.get_by_label(starts("Country")).select_option("FR")
    participant.get_by_label("List me in the participants' booklet").check()
    participant.locator("main form").get_by_role("button", name="Register").click()
    expect(participant.locator("body")).to_contain_text("You are registered")
    other.close()
    paula = Registration.objects.get(email="participant@example.org")
    assert paula.status == RegistrationStatus.CONFIRMED and paula.listing_consent

    # Someone else registers without agreeing to be listed.
    services.register_participant(
        event,
        first_name="Hidden",
        last_name="Nonconsenting",
        email="hidden@example.org",
        organisation_name="Discreet GmbH",
        organisation_kind="company",
        country_id="DE",
    )

    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("#figures")).to_contain_text("2 confirmed")

    # The booklet: the event, its agenda and the consenting participant only.
    response = page.request.get(live_server.url + f"/events/{event.slug}/booklet.pdf")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert "Clusters meet Regions" in text
    assert "Round table on smart specialisation" in text
    assert "Paula Participant" in text or "Participant Paula" in text
    assert "Nonconsenting" not in text
