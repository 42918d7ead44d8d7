"""The organisers' History page of an event: changes to the event and everything in it."""

import pytest
from django.urls import reverse

from clusterhub.core import audit
from clusterhub.events import services
from clusterhub.events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db


def test_organisers_see_who_changed_the_capacity(client):
    organiser = factories.UserFactory(first_name="Ana", last_name="Lopes")
    event = factories.EventFactory(organiser=organiser)
    services.set_capacity(Event.objects.get(pk=event.pk), 42, by=organiser)
    client.force_login(organiser)
    manage = client.get(reverse("events:manage", args=[event.slug])).content.decode()
    url = reverse("events:history", args=[event.slug])
    assert url in manage
    page = client.get(url).content.decode()
    assert "Ana Lopes" in page and "changed the capacity" in page and "42" in page
    assert organiser.email not in page


def test_a_registration_is_in_the_event_history(client):
    organiser = factories.UserFactory()
    event = factories.EventFactory(organiser=organiser)
    registration = factories.RegistrationFactory(event=event)
    with audit.acting(organiser, source="web"):
        services.cancel_registration(registration, by=organiser)
    client.force_login(organiser)
    page = client.get(reverse("events:history", args=[event.slug])).content.decode()
    assert "cancelled a registration" in page


def test_others_are_refused(client):
    event = factories.EventFactory(organiser=factories.UserFactory())
    url = reverse("events:history", args=[event.slug])
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403
