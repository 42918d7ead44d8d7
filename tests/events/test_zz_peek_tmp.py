import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.events.test_public import *  # noqa

pytestmark = pytest.mark.django_db

def test_peek(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    orgs = [OrganisationFactory() for _ in range(3)]
    event = make_event(capacity=5, co_organisers=orgs, host=orgs[0], ecosystems=["digital"], nuts_region_id="FRK26", online_url="https://x.org")
    _fill_agenda(event, 3, 2, orgs)
    user = UserFactory()
    register(client, event, user)
    with CaptureQueriesContext(connection) as q:
        body = client.get(event.get_absolute_url()).content.decode()
    for x in q.captured_queries: print(x["sql"][:200])
    open("/tmp/detail.html","w").write(body)
    reg = Registration.objects.get()
    open("/tmp/ticket.html","w").write(client.get(reverse("events:ticket", args=[reg.ticket_code])).content.decode())
    open("/tmp/register.html","w").write(client.get(reverse("events:register", args=[event.slug])).content.decode())
    client.logout()
    client.force_login(UserFactory())
    open("/tmp/register2.html","w").write(client.get(reverse("events:register", args=[event.slug])).content.decode())
    open("/tmp/calendar.html","w").write(client.get(reverse("events:calendar")).content.decode())
    client.force_login(user)
    open("/tmp/mine.html","w").write(client.get(reverse("events:mine")).content.decode())
