"""The participants' B2B pages: opt-in, people and marketplace, requests, agenda, follow-up."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterhub.events import services as event_services
from clusterhub.events.models import Event, EventStatus, Registration, RegistrationStatus
from clusterhub.matchmaking import notifications, services
from clusterhub.matchmaking.models import (
    MarketplaceItem,
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    MeetingSlot,
    Participant,
    ParticipantType,
    RequestStatus,
)
from tests import clock
from tests.factories import OrganisationFactory, UserFactory, country

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
YEAR = clock.NOW.year + 2  # the tests run at clock.NOW


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


class Setting:
    """An event with B2B meetings: two sessions of 20-minute slots, three participant types
    (companies and researchers may ask each other; investors may only be asked)."""

    def __init__(self, **matchmaking_fields):
        self.organiser = UserFactory()
        self.event = event_services.save_event(
            Event(
                title="Brokerage Lyon",
                kind="matchmaking",
                start=paris(YEAR, 10, 12, 9, 0),
                end=paris(YEAR, 10, 13, 17, 30),
                timezone="Europe/Paris",
                status=EventStatus.REGISTRATION_OPEN,
                venue="Eurexpo",
                city="Lyon",
                country_id="FR",
            ),
            created_by=self.organiser,
        )
        self.matchmaking = services.save_matchmaking(
            Matchmaking(event=self.event, meeting_minutes=20, tables=10, **matchmaking_fields),
            by=self.organiser,
        )
        self.day1 = services.save_session(
            MatchmakingSession(
                matchmaking=self.matchmaking,
                title="Day 1 afternoon",
                start=paris(YEAR, 10, 12, 14, 0),
                end=paris(YEAR, 10, 12, 16, 0),
            ),
            by=self.organiser,
        )
        self.day2 = services.save_session(
            MatchmakingSession(
                matchmaking=self.matchmaking,
                title="Day 2 morning",
                start=paris(YEAR, 10, 13, 9, 0),
                end=paris(YEAR, 10, 13, 10, 0),
            ),
            by=self.organiser,
        )
        self.company = ParticipantType.objects.create(matchmaking=self.matchmaking, name="Company")
        self.research = ParticipantType.objects.create(
            matchmaking=self.matchmaking, name="Research"
        )
        self.investor = ParticipantType.objects.create(
            matchmaking=self.matchmaking, name="Investor"
        )
        self.company.may_request.set([self.company, self.research, self.investor])
        self.research.may_request.set([self.company, self.research])

    def register(self, first_name, last_name, *, kind="company", code="FR", org=None, **kw):
        user = UserFactory(first_name=first_name, last_name=last_name)
        registration = event_services.register_participant(
            self.event,
            user=user,
            first_name=first_name,
            last_name=last_name,
            email=user.email,
            organisation_name=org or f"{last_name} GmbH",
            organisation_kind=kind,
            country=country(code),
            **kw,
        )
        assert registration.status == RegistrationStatus.CONFIRMED
        return user, registration

    def join(self, first_name, last_name, type=None, *, pitch="", **kw):
        user, registration = self.register(first_name, last_name, **kw)
        participant = services.opt_in(
            registration, type=type or self.company, pitch=pitch or f"{first_name} offers things"
        )
        return user, participant

    def url(self, name, *args):
        return reverse(f"matchmaking:{name}", args=[self.event.slug, *args])


@pytest.fixture
def b2b():
    return Setting()


def body(response) -> str:
    return response.content.decode()


# Who may use the pages ----------------------------------------------------------------------


def test_pages_only_for_confirmed_registrants(client, b2b):
    assert client.get(b2b.url("home")).status_code == 302  # to the log-in page

    stranger = UserFactory()
    client.force_login(stranger)
    response = client.get(b2b.url("home"))
    assert response.status_code == 403
    assert "Register for the event first" in body(response)
    assert client.get(b2b.url("people")).status_code == 403
    assert client.post(b2b.url("profile"), {"type": b2b.company.pk}).status_code == 403

    user, registration = b2b.register("Ana", "Pereira")
    Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.WAITLISTED)
    client.force_login(user)
    response = client.get(b2b.url("home"))
    assert response.status_code == 403
    assert "not confirmed yet" in body(response)
    response = client.post(
        b2b.url("profile"), {"type": b2b.company.pk, "sessions": [b2b.day1.pk], "where": "onsite"}
    )
    assert response.status_code == 403
    assert not Participant.objects.exists()
    registration.refresh_from_db()
    with pytest.raises(ValidationError):
        services.opt_in(registration)


def test_no_matchmaking_no_pages(client, b2b):
    other = event_services.save_event(
        Event(
            title="Plain workshop",
            kind="workshop",
            start=paris(YEAR, 11, 1, 9),
            end=paris(YEAR, 11, 1, 17),
            status=EventStatus.REGISTRATION_OPEN,
        ),
        created_by=b2b.organiser,
    )
    client.force_login(b2b.organiser)
    assert client.get(reverse("matchmaking:home", args=[other.slug])).status_code == 404


def test_opt_in_prefills_all_but_the_pitch_which_the_person_writes(client, b2b):
    user, registration = b2b.register("Ana", "Pereira", kind="research", job_title="Researcher")
    client.force_login(user)
    response = client.get(b2b.url("home"))
    html = body(response)
    assert response.status_code == 200
    assert "Take part in B2B meetings" in html
    form = response.context["form"]
    assert form.initial["type"] == b2b.research.pk  # guessed from the kind of organisation
    # only the pitch is asked: an example from the registration, never a text in its name
    assert [f.name for f in form.quick_fields] == ["pitch"]
    assert sorted(form.initial["sessions"]) == sorted([b2b.day1.pk, b2b.day2.pk])
    assert form.initial["where"] == "onsite"
    assert form.initial["pitch"] == ""
    assert 'placeholder="For example: Researcher at Pereira GmbH."' in html
    refused = client.post(
        b2b.url("profile"),
        {"from": "home", "type": b2b.research.pk, "sessions": [b2b.day1.pk], "where": "onsite"},
    )
    assert "This field is required." in body(refused) and not Participant.objects.exists()
    for session in (b2b.day1, b2b.day2):
        assert f'value="{session.pk}"' in html
    assert html.count("checked") >= 3  # both sessions, on site, the type

    # what the browser sends when the button is clicked: the pre-filled values
    response = client.post(
        b2b.url("profile"),
        {
            "from": "home",
            "type": b2b.research.pk,
            "pitch": "Polymer recycling: we seek industrial partners for pilots.",
            "sessions": [b2b.day1.pk, b2b.day2.pk],
            "where": "onsite",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get(registration=registration)
    assert participant.opted_in and participant.opted_in_at
    assert participant.type == b2b.research
    assert set(participant.availability.all()) == {b2b.day1, b2b.day2}
    html = body(client.get(b2b.url("home")))
    assert "You take part in the B2B meetings" in html


def test_type_must_be_chosen_when_it_cannot_be_guessed(client, b2b):
    user, registration = b2b.register("Olaf", "Berg", kind="public_authority")
    client.force_login(user)
    form = client.get(b2b.url("home")).context["form"]
    assert form.initial["type"] is None
    assert [f.name for f in form.quick_fields] == ["type", "pitch"]
    response = client.post(
        b2b.url("profile"), {"from": "home", "sessions": [b2b.day1.pk], "where": "onsite"}
    )
    assert response.status_code == 200
    assert "This field is required" in body(response)
    assert not Participant.objects.exists()


def test_profile_edit_keeps_fixed_table_and_opt_out(client, b2b):
    user, participant = b2b.join("Ana", "Pereira")
    Participant.objects.filter(pk=participant.pk).update(fixed_table="Booth 7")
    client.force_login(user)
    response = client.post(
        b2b.url("profile"),
        {"type": b2b.company.pk, "pitch": "Sensors", "sessions": [b2b.day2.pk], "where": "remote"},
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.pitch == "Sensors" and participant.remote
    assert list(participant.availability.all()) == [b2b.day2]
    assert participant.fixed_table == "Booth 7"
    response = client.post(
        b2b.url("profile"), {"type": b2b.company.pk, "pitch": "Sensors", "where": "onsite"}
    )
    assert "Tick at least one session" in body(response)

    client.post(b2b.url("opt-out"))
    participant.refresh_from_db()
    assert not participant.opted_in
    _u, other = b2b.join("Bob", "Martin")
    client.force_login(_u)
    assert "Pereira" not in body(client.get(b2b.url("people")))


# People and marketplace ---------------------------------------------------------------------


def test_people_search_and_filters(client, b2b):
    user, _me = b2b.join("Ana", "Pereira")
    b2b.join("Bob", "Martin", type=b2b.research, pitch="Battery recycling", code="DE")
    b2b.join("Chloé", "Dubois", type=b2b.investor, pitch="Seed funding", code="FR")
    _u, registration = b2b.register("Dan", "Hidden")  # registered, not opted in
    client.force_login(user)

    html = body(client.get(b2b.url("people")))
    assert "Martin" in html and "Dubois" in html
    assert "Hidden" not in html and "Pereira GmbH" not in html  # not opted in; oneself

    html = body(client.get(b2b.url("people"), {"q": "battery"}))
    assert "Martin" in html and "Dubois" not in html
    html = body(client.get(b2b.url("people"), {"type": b2b.investor.pk}))
    assert "Dubois" in html and "Martin" not in html
    html = body(client.get(b2b.url("people"), {"country": "DE"}))
    assert "Martin" in html and "Dubois" not in html
    partial = client.get(b2b.url("people"), {"q": "seed"}, headers={"HX-Request": "true"})
    assert "<html" not in body(partial) and "Dubois" in body(partial)


def test_people_list_query_count_does_not_grow(client, b2b):
    user, _me = b2b.join("Ana", "Pereira")
    for i in range(3):
        b2b.join(f"P{i}", f"Person{i}")
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get(b2b.url("people"))
    for i in range(3, 12):
        b2b.join(f"P{i}", f"Person{i}", code="DE")
    with CaptureQueriesContext(connection) as many:
        response = client.get(b2b.url("people"))
    assert "Person11" in body(response)
    assert len(many) == len(few)


def test_recommended_people_come_from_the_partner_recommender(client, b2b):
    from clusterhub.matchmaking import selectors

    mine = OrganisationFactory(legal_name="Pereira Plastics", description="Injection moulding")
    foams = OrganisationFactory(
        legal_name="Recycled Foams SA", description="Recycling of polymer foams"
    )
    dairy = OrganisationFactory(legal_name="Dairy Coop", description="Cheese and milk")
    user, me = b2b.join(
        "Ana", "Pereira", pitch="We look for partners in polymer recycling", organisation=mine
    )
    assert selectors.recommended_people(me) == []  # nobody else has opted in yet
    _u, bob = b2b.join("Bob", "Martin", organisation=foams)
    _u, eve = b2b.join("Eve", "Durand", organisation=dairy)
    _u, anon = b2b.join("Zoe", "Nolink")  # no registry organisation: not ranked
    ranked = selectors.recommended_people(me)
    assert [p for p, _score, _reasons in ranked][0] == bob
    assert anon not in [p for p, _s, _r in ranked] and me not in [p for p, _s, _r in ranked]
    assert ranked[0][2]  # with its reasons
    client.force_login(user)
    assert "Bob Martin" in body(client.get(b2b.url("home")))


def test_marketplace_own_items(client, b2b):
    user, me = b2b.join("Ana", "Pereira")
    other_user, other = b2b.join("Bob", "Martin")
    client.force_login(user)
    response = client.post(
        b2b.url("item-create"),
        {"kind": "technology_offer", "title": "Graphene coating", "description": "Cheap"},
    )
    assert response.status_code == 302
    item = MarketplaceItem.objects.get(participant=me)
    client.post(
        b2b.url("item-edit", item.pk),
        {"kind": "technology_offer", "title": "Graphene coatings", "description": ""},
    )
    item.refresh_from_db()
    assert item.title == "Graphene coatings"

    client.force_login(other_user)
    html = body(client.get(b2b.url("marketplace")))
    assert "Graphene coatings" in html and "Technology offer" in html
    assert "Graphene" in body(client.get(b2b.url("marketplace"), {"kind": "technology_offer"}))
    assert "Graphene" not in body(client.get(b2b.url("marketplace"), {"kind": "rd_request"}))
    assert client.get(b2b.url("item-edit", item.pk)).status_code == 403
    assert client.post(b2b.url("item-delete", item.pk)).status_code == 403
    assert MarketplaceItem.objects.filter(pk=item.pk).exists()

    client.force_login(user)
    client.post(b2b.url("item-delete", item.pk))
    assert not MarketplaceItem.objects.exists()


# Requests -----------------------------------------------------------------------------------


def send(client, b2b, user, other, message="Let us talk"):
    client.force_login(user)
    return client.post(b2b.url("person", other.pk), {"message": message})


def test_send_request_and_notify(client, b2b, django_capture_on_commit_callbacks):
    user, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, b2b, user, bob, "Sensors for your line?")
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.sender, request.recipient, request.status) == (me, bob, "pending")
    assert request.expires_at is not None
    assert [m.to for m in mail.outbox] == [[bob.registration.email]]
    assert "Sensors for your line?" in mail.outbox[0].body
    assert "Ana Pereira" in mail.outbox[0].subject


def test_refusal_not_opted_in(client, b2b):
    _u, bob = b2b.join("Bob", "Martin")
    user, registration = b2b.register("Ana", "Pereira")
    client.force_login(user)
    html = body(client.get(b2b.url("person", bob.pk)))
    assert "Opt in to the B2B meetings first." in html
    response = send(client, b2b, user, bob)
    assert "Opt in to the B2B meetings first." in body(response)
    # someone who opted out cannot be found nor asked
    sender, _me = b2b.join("Carl", "Sender")
    services.opt_out(bob)
    client.force_login(sender)
    assert client.get(b2b.url("person", bob.pk)).status_code == 404
    assert not MeetingRequest.objects.exists()


def test_refusal_forbidden_type_pair(client, b2b):
    user, _inv = b2b.join("Ivy", "Investor", type=b2b.investor)
    _u, bob = b2b.join("Bob", "Martin")
    client.force_login(user)
    assert "Investor may not request meetings with Company." in body(
        client.get(b2b.url("person", bob.pk))
    )
    response = send(client, b2b, user, bob)
    assert "Investor may not request meetings with Company." in body(response)
    assert not MeetingRequest.objects.exists()


def test_refusal_over_the_cap(client, b2b):
    Matchmaking.objects.filter(pk=b2b.matchmaking.pk).update(request_cap=1)
    user, _me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    _u, carl = b2b.join("Carl", "Schmidt")
    assert send(client, b2b, user, bob).status_code == 302
    response = send(client, b2b, user, carl)
    assert "You have used your 1 meeting requests." in body(response)
    assert MeetingRequest.objects.count() == 1


def test_refusal_after_the_deadline(client, b2b):
    Matchmaking.objects.filter(pk=b2b.matchmaking.pk).update(
        request_deadline=timezone.now() - datetime.timedelta(hours=1)
    )
    user, _me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    response = send(client, b2b, user, bob)
    assert "The deadline for meeting requests has passed." in body(response)
    assert not MeetingRequest.objects.exists()


def test_refusal_already_open(client, b2b):
    user, me = b2b.join("Ana", "Pereira")
    bob_user, bob = b2b.join("Bob", "Martin")
    services.send_request(bob, me)
    response = send(client, b2b, user, bob)
    assert "A request between you is waiting for an answer." in body(response)
    assert MeetingRequest.objects.count() == 1
    client.force_login(user)
    html = body(client.get(b2b.url("person", bob.pk)))
    assert "A request between you is waiting for an answer." in html
    assert 'name="message"' not in html


def test_refusal_message_from_the_service_is_shown(client, b2b):
    """A refusal the page did not foresee (e.g. raised under the lock) is shown on the form."""
    user, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    client.force_login(user)
    html = body(client.get(b2b.url("person", bob.pk)))
    assert 'name="message"' in html
    Matchmaking.objects.filter(pk=b2b.matchmaking.pk).update(request_cap=0)
    response = send(client, b2b, user, bob)
    assert response.status_code == 200
    assert "You have used your 0 meeting requests." in body(response)


def test_accept_creates_a_meeting(client, b2b, django_capture_on_commit_callbacks):
    user, me = b2b.join("Ana", "Pereira")
    bob_user, bob = b2b.join("Bob", "Martin")
    request = services.send_request(me, bob, "Hello")
    client.force_login(bob_user)
    html = body(client.get(b2b.url("requests")))
    assert "Ana Pereira" in html and "Hello" in html and "expires" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(b2b.url("request-answer", request.pk), {"action": "accept"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    meeting = Meeting.objects.get(request=request)
    assert meeting.matchmaking == b2b.matchmaking and meeting.slot is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [me.registration.email, bob.registration.email]
    )
    # the sender cannot answer their own request
    client.force_login(user)
    other = services.send_request(me, b2b.join("Carl", "Schmidt")[1])
    client.post(b2b.url("request-answer", other.pk), {"action": "accept"})
    other.refresh_from_db()
    assert other.status == RequestStatus.PENDING


def test_decline(client, b2b, django_capture_on_commit_callbacks):
    _u, me = b2b.join("Ana", "Pereira")
    bob_user, bob = b2b.join("Bob", "Martin")
    request = services.send_request(me, bob)
    client.force_login(bob_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(b2b.url("request-answer", request.pk), {"action": "decline"})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert not Meeting.objects.exists()
    assert [m.to for m in mail.outbox] == [[me.registration.email]]
    assert "declined" in mail.outbox[0].subject


def test_propose_another_slot_then_the_sender_accepts(
    client, b2b, django_capture_on_commit_callbacks
):
    user, me = b2b.join("Ana", "Pereira")
    bob_user, bob = b2b.join("Bob", "Martin")
    bob.availability.set([b2b.day2])  # Bob is only there on day 2
    request = services.send_request(me, bob)
    client.force_login(bob_user)
    html = body(client.get(b2b.url("requests")))
    day2_slots = list(MeetingSlot.objects.filter(session=b2b.day2))
    day1_slot = MeetingSlot.objects.filter(session=b2b.day1).first()
    assert f'value="{day2_slots[0].pk}"' in html
    assert f'value="{day1_slot.pk}"' not in html  # not free for both
    # a slot that is not free for both is refused
    client.post(
        b2b.url("request-answer", request.pk),
        {"action": "propose", f"r{request.pk}-slot": day1_slot.pk},
    )
    request.refresh_from_db()
    assert request.proposed_slot is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            b2b.url("request-answer", request.pk),
            {"action": "propose", f"r{request.pk}-slot": day2_slots[1].pk},
        )
    request.refresh_from_db()
    assert request.proposed_slot == day2_slots[1] and request.status == RequestStatus.PENDING
    assert [m.to for m in mail.outbox] == [[me.registration.email]]
    assert "09:20" in mail.outbox[0].body

    client.force_login(user)
    html = body(client.get(b2b.url("requests")))
    assert "proposes another time" in html and "Accept this time" in html
    client.post(b2b.url("request-answer", request.pk), {"action": "accept"})
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert Meeting.objects.filter(request=request).exists()


def _inbox_with(b2b, me, first: int, last: int, *, accepted_every: int = 3) -> None:
    """Requests received by ``me`` from people ``first``..``last - 1`` (every third one
    accepted), and one sent by ``me`` to each of them."""
    for i in range(first, last):
        _u, other = b2b.join(f"P{i}", f"Person{i:02}", code="DE" if i % 2 else "FR")
        received = services.send_request(other, me, f"Hello from {i}")
        if i % accepted_every == 0:
            services.answer_request(received, me, accept=True)
        if i % 2:
            services.send_request(b2b.join(f"Q{i}", f"Other{i:02}")[1], other)
        services.send_request(me, b2b.join(f"R{i}", f"Recipient{i:02}")[1])


def test_requests_inbox_query_count_does_not_grow(client, b2b):
    user, me = b2b.join("Ana", "Pereira")
    _inbox_with(b2b, me, 0, 2)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        response = client.get(b2b.url("requests"))
    assert "Person01" in body(response)
    _inbox_with(b2b, me, 2, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(b2b.url("requests"))
    assert "Person09" in body(response) and "Recipient09" in body(response)
    assert len(many) == len(few)


def test_requests_inbox_page_two_shows_the_rest(client, b2b):
    from clusterhub.matchmaking.views import INBOX_PAGE_SIZE

    user, me = b2b.join("Ana", "Pereira")
    _inbox_with(b2b, me, 0, INBOX_PAGE_SIZE + 3)
    client.force_login(user)
    first = body(client.get(b2b.url("requests")))
    names = [f"Person{i:02}" for i in range(INBOX_PAGE_SIZE + 3)]  # newest first
    assert all(name in first for name in names[3:])
    assert not any(name in first for name in names[:3])
    assert "page=2" in first and "sent_page=2" in first
    second = body(client.get(b2b.url("requests"), {"page": 2}))
    assert all(name in second for name in names[:3])
    assert not any(name in second for name in names[3:])
    sent = body(client.get(b2b.url("requests"), {"sent_page": 2}))
    assert all(f"Recipient{i:02}" in sent for i in range(3))
    assert "Recipient03" not in sent


def test_withdraw_a_sent_request(client, b2b):
    user, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    request = services.send_request(me, bob)
    client.force_login(user)
    client.post(b2b.url("request-withdraw", request.pk))
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED
    stranger_user, _s = b2b.join("Sam", "Stranger")
    other = services.send_request(me, bob)
    client.force_login(stranger_user)
    assert client.post(b2b.url("request-withdraw", other.pk)).status_code == 403


def test_expiry_command_expires_old_requests_and_tells_both(
    b2b, django_capture_on_commit_callbacks
):
    _u, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    _u, carl = b2b.join("Carl", "Schmidt")
    old = services.send_request(me, bob)
    fresh = services.send_request(me, carl)
    MeetingRequest.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_meeting_requests", stdout=out)
    assert "1 meeting request(s) expired." in out.getvalue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == RequestStatus.EXPIRED and fresh.status == RequestStatus.PENDING
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [me.registration.email, bob.registration.email]
    )
    assert all("expired" in m.subject for m in mail.outbox)


# The personal agenda --------------------------------------------------------------------------


def accepted_meeting(b2b, me, other) -> Meeting:
    request = services.send_request(me, other)
    services.answer_request(request, other, accept=True)
    return Meeting.objects.get(request=request)


def test_agenda_hidden_before_publication_and_shown_after(
    client, b2b, django_capture_on_commit_callbacks
):
    user, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin", pitch="Battery recycling plants", code="DE")
    meeting = accepted_meeting(b2b, me, bob)
    slots = list(MeetingSlot.objects.filter(session=b2b.day1))
    services.move_meeting(meeting, slots[2], "T4", by=b2b.organiser)  # 14:40 Paris time
    client.force_login(user)

    html = body(client.get(b2b.url("agenda")))
    assert "Your agenda is not published yet" in html
    assert "Martin" not in html and "T4" not in html
    assert client.get(b2b.url("agenda-ics")).status_code == 404
    assert client.get(b2b.url("agenda-pdf")).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=False)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [me.registration.email, bob.registration.email]
    )
    assert "preliminary" in mail.outbox[0].subject
    html = body(client.get(b2b.url("agenda")))
    assert "Preliminary" in html
    assert "Bob Martin" in html and "Battery recycling plants" in html and "Germany" in html
    assert "Table T4" in html and "14:40" in html
    assert "changed since you last looked" not in html

    # the organisers move the meeting (not yet published): the participant still sees 14:40
    services.move_meeting(meeting, slots[4], "T2", by=b2b.organiser)  # 15:20
    html = body(client.get(b2b.url("agenda")))
    assert "14:40" in html and "15:20" not in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    changed = [m for m in mail.outbox if "changed" in m.subject]
    assert len(changed) == 2 and "CHANGED" in changed[0].body and "15:20" in changed[0].body
    html = body(client.get(b2b.url("agenda")))
    assert "Final" in html and "15:20" in html and "Table T2" in html
    assert "1 meeting changed since you last looked" in html and "b2b-changed" in html
    html = body(client.get(b2b.url("agenda")))
    assert "changed since you last looked" not in html


def test_agenda_ics_and_pdf(client, b2b):
    import icalendar
    from pypdf import PdfReader

    user, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin", org="Voltaic Systems")
    _u, carl = b2b.join("Carl", "Schmidt")
    first = accepted_meeting(b2b, me, bob)
    second = accepted_meeting(b2b, carl, me)
    accepted_meeting(b2b, bob, carl)  # not Ana's
    slots = list(MeetingSlot.objects.filter(session=b2b.day1))
    services.move_meeting(first, slots[0], "T1", by=b2b.organiser)
    Meeting.objects.filter(pk=second.pk).update(remote=True, video_url="https://meet.example/x")
    second.refresh_from_db()
    services.move_meeting(second, slots[1], "", by=b2b.organiser)
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    client.force_login(user)

    response = client.get(b2b.url("agenda-ics"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    by_summary = {str(e["SUMMARY"]): e for e in events}
    bob_event = by_summary["B2B meeting: Bob Martin, Voltaic Systems"]
    assert bob_event.decoded("DTSTART") == slots[0].start
    assert "Table T1" in str(bob_event["LOCATION"])
    carl_event = next(e for e in events if "Schmidt" in str(e["SUMMARY"]))
    assert str(carl_event["LOCATION"]) == "https://meet.example/x"

    response = client.get(b2b.url("agenda-pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    assert "Bob Martin" in text and "Carl Schmidt" in text and "Ana Pereira" in text
    assert "Table T1" in text


def test_agenda_pdf_one_page_per_participant(b2b):
    from pypdf import PdfReader

    from clusterhub.events.outputs import html_to_pdf
    from clusterhub.matchmaking import selectors, views

    _u, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    meeting = accepted_meeting(b2b, me, bob)
    services.move_meeting(meeting, MeetingSlot.objects.first(), "T1", by=b2b.organiser)
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=False)
    people = [Participant.objects.get(pk=p.pk) for p in (me, bob)]
    pages = [(p, selectors.personal_agenda(p)[0]) for p in people]
    pdf = html_to_pdf(views.agenda_html(b2b.matchmaking, pages))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert "Bob Martin" in reader.pages[0].extract_text()  # Ana's page names Bob
    assert "Ana Pereira" in reader.pages[1].extract_text()


# After the event ----------------------------------------------------------------------------


def test_the_service_refuses_a_rating_before_the_meeting(b2b):
    _u, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    meeting = accepted_meeting(b2b, me, bob)
    slot = MeetingSlot.objects.filter(session=b2b.day1).first()
    with pytest.raises(ValidationError, match="once it has taken place"):
        services.rate_meeting(meeting, me, "planned")  # not even scheduled
    services.move_meeting(meeting, slot, "T1", by=b2b.organiser)
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    early = time_machine.travel(slot.start - datetime.timedelta(minutes=1))
    with early, pytest.raises(ValidationError, match="once it has taken place"):
        services.rate_meeting(meeting, me, "planned")
    with time_machine.travel(slot.start):
        services.rate_meeting(meeting, me, "planned")
    meeting.refresh_from_db()
    assert meeting.sender_outcome == "planned"


def test_open_requests_are_the_cancellable_ones(b2b):
    _u, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    request = services.send_request(me, bob)
    assert request.cancellable
    services.answer_request(request, bob, accept=False)
    request.refresh_from_db()
    assert not request.cancellable
    assert services.cancel_request(request, me).status == RequestStatus.DECLINED


def test_rating_after_the_meeting_and_no_shows(client, b2b):
    user, me = b2b.join("Ana", "Pereira")
    bob_user, bob = b2b.join("Bob", "Martin")
    meeting = accepted_meeting(b2b, me, bob)
    slot = MeetingSlot.objects.filter(session=b2b.day1).first()
    services.move_meeting(meeting, slot, "T1", by=b2b.organiser)
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    client.force_login(user)

    html = body(client.get(b2b.url("follow-up")))
    assert "once it has taken place" in html
    client.post(b2b.url("rate", meeting.pk), {f"m{meeting.pk}-outcome": "agreement"})
    meeting.refresh_from_db()
    assert meeting.sender_outcome == ""

    past = timezone.now() - datetime.timedelta(days=1)
    MeetingSlot.objects.filter(pk=slot.pk).update(
        start=past, end=past + datetime.timedelta(minutes=20)
    )
    services.mark_no_show(meeting, bob, by=b2b.organiser)
    html = body(client.get(b2b.url("follow-up")))
    assert "Negotiation under way" in html and "Bob did not come" in html
    response = client.post(b2b.url("rate", meeting.pk), {f"m{meeting.pk}-outcome": "negotiation"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sender_outcome == "negotiation" and meeting.recipient_outcome == ""
    client.post(b2b.url("rate", meeting.pk), {f"m{meeting.pk}-outcome": "nonsense"})
    meeting.refresh_from_db()
    assert meeting.sender_outcome == "negotiation"

    client.force_login(bob_user)
    html = body(client.get(b2b.url("follow-up")))
    assert "Marked as absent" in html
    client.post(b2b.url("rate", meeting.pk), {f"m{meeting.pk}-outcome": "none"})
    meeting.refresh_from_db()
    assert meeting.recipient_outcome == "none"

    stranger_user, _s = b2b.join("Sam", "Stranger")
    client.force_login(stranger_user)
    assert client.post(b2b.url("rate", meeting.pk), {"outcome": "none"}).status_code == 403


def test_followup_emails_months_later(b2b):
    _u, me = b2b.join("Ana", "Pereira")
    _u, bob = b2b.join("Bob", "Martin")
    _u, carl = b2b.join("Carl", "Schmidt")  # no meeting: no e-mail
    meeting = accepted_meeting(b2b, me, bob)
    services.move_meeting(meeting, MeetingSlot.objects.first(), "T1", by=b2b.organiser)
    services.publish_agendas(b2b.matchmaking, by=b2b.organiser, final=True)
    mail.outbox.clear()
    with time_machine.travel(MeetingSlot.objects.first().end):  # a meeting is rated after it
        services.rate_meeting(meeting, me, "planned")

    ended = datetime.datetime(timezone.now().year - 1, 3, 15, 18, 0, tzinfo=datetime.UTC)
    Event.objects.filter(pk=b2b.event.pk).update(
        start=ended - datetime.timedelta(days=1), end=ended
    )
    two_hours_later = ended + datetime.timedelta(hours=2)
    assert (
        notifications.send_followups(3, now=notifications.months_before(two_hours_later, -2)) == 0
    )
    assert (
        notifications.send_followups(3, now=notifications.months_before(two_hours_later, -4)) == 0
    )
    assert (
        notifications.send_followups(3, now=notifications.months_before(two_hours_later, -3)) == 2
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [me.registration.email, bob.registration.email]
    )
    ana = next(m for m in mail.outbox if m.to == [me.registration.email])
    assert "How did your meetings" in ana.subject
    assert "Further contact planned" in ana.body and "follow-up" in ana.body

    mail.outbox.clear()
    out = io.StringIO()
    call_command("send_meeting_followups", "--months", "3", stdout=out)
    assert "follow-up e-mail(s) sent." in out.getvalue()


def test_months_before():
    utc = datetime.UTC
    assert notifications.months_before(
        datetime.datetime(2030, 5, 31, 12, tzinfo=utc), 3
    ) == datetime.datetime(2030, 2, 28, 12, tzinfo=utc)
    assert notifications.months_before(
        datetime.datetime(2030, 1, 15, tzinfo=utc), 1
    ) == datetime.datetime(2029, 12, 15, tzinfo=utc)
    assert notifications.months_before(
        datetime.datetime(2030, 11, 15, tzinfo=utc), -3
    ) == datetime.datetime(2031, 2, 15, tzinfo=utc)


def test_the_ticket_and_the_confirmation_invite_to_the_b2b_meetings(client, b2b):
    from django.core import mail
    from django.urls import reverse

    from clusterhub.events.tasks import send_registration_email

    user, registration = b2b.register("Ana", "Pereira")
    mail.outbox.clear()
    send_registration_email.call(registration.pk, "confirmed")
    assert "This event has B2B meetings. Take part and choose whom to meet:" in mail.outbox[0].body
    assert b2b.url("home") in mail.outbox[0].body
    client.force_login(user)
    ticket = reverse("events:ticket", args=[registration.ticket_code])
    assert "Take part in the B2B meetings" in body(client.get(ticket))
    b2b.join("Bob", "Martin")  # someone else opting in changes nothing for Ana
    assert "Take part in the B2B meetings" in body(client.get(ticket))
    services.opt_in(registration, type=b2b.company, pitch="Sensors for polymer lines")
    assert "Take part in the B2B meetings" not in body(client.get(ticket))
    mail.outbox.clear()
    send_registration_email.call(registration.pk, "confirmed")
    assert "This event has B2B meetings" not in mail.outbox[0].body
