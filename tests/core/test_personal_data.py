"""A person downloads everything the platform holds about them, and nothing about anyone else;
deleting the account leaves the events' figures as they were, with no trace of the name."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from clusterhub.events import selectors as event_selectors
from clusterhub.events.models import Registration
from clusterhub.partnering.models import Opportunity
from clusterhub.registry.models import Person, ProfileTeamMember
from tests.factories import (
    EventFactory,
    ExpressionOfInterestFactory,
    OpportunityFactory,
    ParticipantFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    team_member,
)

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-pass-2026"


@pytest.fixture
def anna():
    user = UserFactory(email="anna@example.org", first_name="Anna", last_name="Keller")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def her_data(anna):
    event = EventFactory(title="Clusters meet Regions Lyon")
    registration = RegistrationFactory(
        event=event,
        user=anna,
        first_name="Anna",
        last_name="Keller",
        email=anna.email,
        listing_consent=True,
    )
    ParticipantFactory(registration=registration, matchmaking__event=event, pitch="We mould.")
    PersonFactory(user=anna, first_name="Anna", last_name="Keller", email=anna.email)
    _user, org = team_member()
    ProfileTeamMember.objects.create(organisation=org, user=anna)
    opportunity = OpportunityFactory(owner=org, user=anna, title="Recycled foams partner")
    _colleague, her_org = team_member()
    ProfileTeamMember.objects.create(organisation=her_org, user=anna)
    ExpressionOfInterestFactory(user=anna, organisation=her_org, message="Count us in, Anna.")
    other = UserFactory(email="bruno@example.org", first_name="Bruno", last_name="Other")
    RegistrationFactory(
        event=event, user=other, first_name="Bruno", last_name="Other", email=other.email
    )
    return {"event": event, "opportunity": opportunity, "org": org}


def test_my_data_is_a_zip_of_everything_about_me_and_nothing_about_others(client, anna, her_data):
    client.force_login(anna)
    page = client.get(reverse("personal-data"))
    assert "Download my data" in page.content.decode()
    response = client.post(reverse("personal-data"), {"action": "download"})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "account.json",
        "events.json",
        "registry.json",
        "partnering.json",
        "b2b_meetings.json",
    } <= names
    events = json.loads(archive.read("events.json"))
    assert events["registrations"][0]["event"] == "Clusters meet Regions Lyon"
    assert events["registrations"][0]["listing_consent_given"]
    assert json.loads(archive.read("b2b_meetings.json"))["profiles"][0]["pitch"] == "We mould."
    partnering = json.loads(archive.read("partnering.json"))
    assert partnering["opportunities_as_contact"][0]["title"] == "Recycled foams partner"
    assert partnering["expressions_of_interest"][0]["message"] == "Count us in, Anna."
    assert json.loads(archive.read("registry.json"))["profile"]["last_name"] == "Keller"
    everything = b"".join(archive.read(n) for n in names).decode()
    assert "Bruno" not in everything and "bruno@example.org" not in everything
    # Only by a POST from the signed-in person.
    assert client.get(reverse("personal-data") + "?action=download")["Content-Type"].startswith(
        "text/html"
    )
    client.logout()
    assert client.post(reverse("personal-data"), {"action": "download"}).status_code == 302


def test_deleting_my_account_keeps_the_figures_and_forgets_the_name(client, anna, her_data):
    event = her_data["event"]
    before = event_selectors.attendance(event)
    client.force_login(anna)
    wrong = client.post(reverse("personal-data"), {"action": "delete", "password": "nope"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    assert get_user_model().objects.filter(pk=anna.pk).exists()
    response = client.post(reverse("personal-data"), {"action": "delete", "password": PASSWORD})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email="anna@example.org").exists()
    assert event_selectors.attendance(event) == before  # the same figures
    assert Registration.objects.filter(event=event).count() == 2
    assert not Registration.objects.filter(last_name="Keller").exists()
    assert not Registration.objects.filter(email="anna@example.org").exists()
    assert not Person.objects.filter(last_name="Keller").exists()
    # The history keeps who did what and when, not her old values.
    from clusterhub.core.models import AuditEntry

    assert AuditEntry.objects.filter(action__startswith="events.registration").exists()
    assert "Keller" not in str(list(AuditEntry.objects.values_list("changes", "object_repr")))
    assert "anna@example.org" not in str(list(AuditEntry.objects.values_list("changes")))
    # Her opportunity passed to her colleague of the profile team.
    opportunity = Opportunity.objects.get(pk=her_data["opportunity"].pk)
    assert opportunity.contact.email != "anna@example.org"
    # She cannot sign in any more.
    client.logout()
    client.post(reverse("account_login"), {"login": "anna@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_a_staff_account_is_not_deleted_from_its_own_page(client):
    staff = UserFactory(is_staff=True)
    staff.set_password(PASSWORD)
    staff.save()
    client.force_login(staff)
    response = client.post(reverse("personal-data"), {"action": "delete", "password": PASSWORD})
    assert response.status_code == 400
    assert get_user_model().objects.filter(pk=staff.pk).exists()
