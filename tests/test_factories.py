"""Every factory builds a valid object through the services, and the defaults fit together."""

import pytest

from clusterhub.events.models import RegistrationStatus
from clusterhub.matchmaking.models import RequestStatus
from clusterhub.partnering.models import MemberStatus, OpportunityStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_registry_factories():
    label = factories.ClusterLabelFactory()
    assert label.cluster.organisation.kind == "cluster"
    assert factories.MembershipFactory().member.slug
    assert factories.PersonFactory(consented=True).public_consent_at
    assert factories.ProfileTeamMemberFactory().user.pk
    assert factories.TeamInvitationFactory().invited_by.pk
    assert factories.ParticipationFactory().project.acronym.startswith("PROJ")


def test_event_factories():
    organiser = factories.UserFactory()
    event = factories.EventFactory(organiser=organiser, ecosystems=["digital"])
    assert event.slug and event.organisers.get().user == organiser
    assert [e.slug for e in event.ecosystems.all()] == ["digital"]
    session = factories.SessionFactory(event=event)
    assert event.start <= session.start < session.end <= event.end
    assert factories.SessionSpeakerFactory(session=session).person.public_consent
    assert factories.MaterialFactory(event=event).published
    assert factories.RegistrationQuestionFactory(event=event).label
    registered = factories.RegistrationFactory(event=event)
    assert registered.status == RegistrationStatus.CONFIRMED
    past = factories.RegistrationFactory(event=event, status="cancelled", listing_consent=True)
    assert past.listing_consent_at


def test_partnering_factories():
    opp = factories.OpportunityFactory(ecosystems=["digital"], target_countries=["DE"])
    assert opp.status == OpportunityStatus.PUBLISHED
    assert factories.OpportunityFactory(publish=False).status == OpportunityStatus.DRAFT
    assert factories.ExpressionOfInterestFactory(opportunity=opp).organisation.pk
    consortium = factories.ConsortiumFactory()
    assert consortium.members.get().status == MemberStatus.CONFIRMED
    member = factories.ConsortiumMemberFactory(consortium=consortium)
    assert member.status == MemberStatus.INVITED


def test_matchmaking_factories():
    session = factories.MatchmakingSessionFactory()
    assert session.slots.count() == 4  # two hours of 30-minute meetings
    matchmaking = session.matchmaking
    assert factories.ParticipantTypeFactory(matchmaking=matchmaking).name
    participant = factories.ParticipantFactory(matchmaking=matchmaking)
    assert participant.opted_in and list(participant.availability.all()) == [session]
    request = factories.MeetingRequestFactory(matchmaking=matchmaking)
    assert request.status == RequestStatus.PENDING
    meeting = factories.MeetingFactory(request__matchmaking=matchmaking)
    assert meeting.request.status == RequestStatus.ACCEPTED
