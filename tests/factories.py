"""factory-boy factories for the tests of every app.

Organisations and cluster profiles are saved through ``registry.services`` so that their
derived fields (slug, NUTS region, search document, member total, validation) are right, as
they are in the running platform. Countries and the other reference data come from the
session's reference load (tests/conftest.py); the factories never create them.

    org = OrganisationFactory(country=Country.objects.get(code="DE"), kind="research")
    org = OrganisationFactory(ecosystems=["digital", "health"])  # slugs or Ecosystem objects
    profile = ClusterOrganisationFactory(organisation__legal_name="Pôle Mer")
    staff = UserFactory(staff=True); admin = UserFactory(superuser=True)
    client.force_login(UserFactory())
"""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.timezone import now
from factory.django import DjangoModelFactory

from clusterhub.events import services as event_services
from clusterhub.events.models import (
    Event,
    EventKind,
    EventStatus,
    Material,
    MaterialKind,
    QuestionKind,
    Registration,
    RegistrationQuestion,
    Session,
    SessionSpeaker,
)
from clusterhub.matchmaking import services as matchmaking_services
from clusterhub.matchmaking.models import (
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingRequest,
    Participant,
    ParticipantType,
)
from clusterhub.partnering import eligibility
from clusterhub.partnering import services as partnering_services
from clusterhub.partnering.models import (
    Consortium,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    MemberRole,
    Opportunity,
)
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, Technology
from clusterhub.registry import services
from clusterhub.registry.models import (
    ClusterLabel,
    ClusterOrganisation,
    Membership,
    Organisation,
    OrganisationKind,
    Participation,
    Person,
    ProfileTeamMember,
    Project,
    TeamInvitation,
)


def country(code: str = "FR") -> Country:
    return Country.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    """A user with an unusable password (log in with ``client.force_login``), or with
    ``password="…"`` (hashed here) for ``client.login``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.LazyFunction(lambda: make_password(None))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        raw = kwargs.pop("password", None)
        if raw and not raw.startswith(("!", "pbkdf2_", "argon2", "bcrypt", "md5")):
            kwargs["password"] = make_password(raw)
        elif raw:
            kwargs["password"] = raw
        return super()._create(model_class, *args, **kwargs)


def _topics(model, values):
    if values is None:
        return None
    key = "code" if model is NaceActivity else "slug"
    return [v if isinstance(v, model) else model.objects.get(**{key: v}) for v in values]


class OrganisationFactory(DjangoModelFactory):
    """An organisation saved through ``services.save_organisation``.

    ``ecosystems``, ``technologies`` and ``nace_activities`` take slugs/codes or objects.
    """

    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = ""
    kind = OrganisationKind.COMPANY
    is_sme = False
    country = factory.LazyFunction(country)
    city = ""
    website = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        ecosystems = _topics(Ecosystem, kwargs.pop("ecosystems", None))
        technologies = _topics(Technology, kwargs.pop("technologies", None))
        nace = _topics(NaceActivity, kwargs.pop("nace_activities", None))
        org = model_class(*args, **kwargs)
        return services.save_organisation(
            org, ecosystems=ecosystems, technologies=technologies, nace_activities=nace
        )


class ClusterOrganisationFactory(DjangoModelFactory):
    """A cluster profile that meets the platform's criteria unless told otherwise."""

    class Meta:
        model = ClusterOrganisation

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.CLUSTER,
        legal_name=factory.Sequence(lambda n: f"Cluster {n}"),
        website=factory.Sequence(lambda n: f"https://cluster{n}.example.eu"),
    )
    founding_year = 2010
    members_companies = 20
    members_smes = 12
    members_research = 4
    members_universities = 2
    members_public = 1
    members_other = 0
    management_fte = Decimal("2.0")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """``labels`` are verified (as staff would) unless ``labels_verified=False``."""
        labels = kwargs.pop("labels", None)
        verified = kwargs.pop("labels_verified", True)
        profile = model_class(*args, **kwargs)
        return services.save_cluster_profile(profile, labels=labels, verified=verified)


class ClusterLabelFactory(DjangoModelFactory):
    class Meta:
        model = ClusterLabel

    cluster = factory.SubFactory(ClusterOrganisationFactory)
    scheme = "ecei"
    level = "gold"
    verified_at = factory.LazyFunction(timezone.now)  # verified by staff; pass None: declared


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterOrganisationFactory)
    member = factory.SubFactory(OrganisationFactory)
    status = "accepted"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    public_consent = False

    class Params:
        consented = factory.Trait(public_consent=True, public_consent_at=factory.LazyFunction(now))


class ProfileTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = ProfileTeamMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)


class TeamInvitationFactory(DjangoModelFactory):
    class Meta:
        model = TeamInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invited{n}@example.org")
    invited_by = factory.SubFactory(UserFactory)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("cordis_id",)

    cordis_id = factory.Sequence(lambda n: str(900000 + n))
    acronym = factory.Sequence(lambda n: f"PROJ{n}")
    title = factory.LazyAttribute(lambda p: f"The {p.acronym} project")


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Participation.Role.PARTICIPANT
    order = None
    ec_contribution = Decimal("100000.00")


# Events --------------------------------------------------------------------------------------


def soon(days: int = 10) -> datetime.datetime:
    """A whole minute ``days`` from now (the clock the test set, see time-machine)."""
    return now().replace(second=0, microsecond=0) + datetime.timedelta(days=days)


class EventFactory(DjangoModelFactory):
    """A workshop in Lyon, open for registration, in ten days, saved through
    ``events.services.save_event``. ``organiser`` (a user) joins its organising team;
    ``ecosystems`` and ``co_organisers`` are set after the save.

        event = EventFactory(organiser=user, capacity=2)
        event = EventFactory(start=paris(2027, 10, 12, 9), end=paris(2027, 10, 13, 17))
    """

    class Meta:
        model = Event

    title = "Clusters meet Regions"
    kind = EventKind.WORKSHOP
    start = factory.LazyFunction(soon)
    end = factory.LazyAttribute(lambda e: e.start + datetime.timedelta(days=1, hours=8))
    timezone = "Europe/Paris"
    venue = "Eurexpo"
    city = "Lyon"
    country = factory.LazyFunction(country)
    status = EventStatus.REGISTRATION_OPEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        organiser = kwargs.pop("organiser", None)
        ecosystems = _topics(Ecosystem, kwargs.pop("ecosystems", None))
        co_organisers = kwargs.pop("co_organisers", None)
        return event_services.save_event(
            model_class(*args, **kwargs),
            ecosystems=ecosystems,
            co_organisers=co_organisers,
            created_by=organiser,
        )


class SessionFactory(DjangoModelFactory):
    """An hour of the event's programme, from the event's start unless told otherwise."""

    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    start = factory.LazyAttribute(lambda s: s.event.start)
    end = factory.LazyAttribute(lambda s: s.start + datetime.timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return event_services.save_session(model_class(*args, **kwargs))


class SessionSpeakerFactory(DjangoModelFactory):
    class Meta:
        model = SessionSpeaker

    session = factory.SubFactory(SessionFactory)
    person = factory.SubFactory(PersonFactory, consented=True)
    organisation = factory.SelfAttribute("person.organisation")


class MaterialFactory(DjangoModelFactory):
    """A published link (no upload) of the event."""

    class Meta:
        model = Material

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Slides {n}")
    kind = MaterialKind.SLIDES
    url = factory.Sequence(lambda n: f"https://example.org/slides-{n}.pdf")
    published = True


class RegistrationQuestionFactory(DjangoModelFactory):
    class Meta:
        model = RegistrationQuestion

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = QuestionKind.TEXT
    order = factory.Sequence(int)


class RegistrationFactory(DjangoModelFactory):
    """A registration through ``events.services.register_participant`` (so the event's capacity,
    approval and questions decide its status). Given a ``status``, the row is written as it is
    instead, as a registration of the past would have been (closed events, check-ins…).

        RegistrationFactory(event=event, user=user, answers={"diet": "none"})
        RegistrationFactory(event=past, status="confirmed", listing_consent=True)
    """

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Sequence(lambda n: f"Participant {n}")
    email = factory.Sequence(lambda n: f"participant{n}@example.org")
    organisation_name = factory.Sequence(lambda n: f"Polyméris {n}")
    organisation_kind = OrganisationKind.COMPANY
    country = factory.LazyFunction(country)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if "status" in kwargs:
            if kwargs.get("listing_consent") and not kwargs.get("listing_consent_at"):
                kwargs["listing_consent_at"] = now()
            return model_class.objects.create(*args, **kwargs)
        event = kwargs.pop("event")
        user = kwargs.pop("user", None)
        answers = kwargs.pop("answers", None)
        return event_services.register_participant(event, user=user, answers=answers, **kwargs)


# Partnering ----------------------------------------------------------------------------------


def team_member(org: Organisation | None = None, **user_fields):
    """A user on the profile team of ``org`` (a new organisation if none): ``(user, org)``."""
    org = org or OrganisationFactory()
    user = UserFactory(**user_fields)
    ProfileTeamMemberFactory(organisation=org, user=user)
    return user, org


class OpportunityFactory(DjangoModelFactory):
    """A published technology offer, saved and published by a member of its owner's team
    (``user``; one is seated on the owner's team when not given). ``publish=False`` leaves a
    draft. ``ecosystems``, ``technologies`` take slugs or objects, ``target_countries`` codes or
    objects."""

    class Meta:
        model = Opportunity

    kind = "technology_offer"
    title = "Recyclable polymer foams for car seats"
    summary = "A foam that is recycled at the end of the seat's life."
    keywords = "foam, recycling"
    owner = factory.SubFactory(OrganisationFactory)

    @classmethod
    def _create(cls, model_class, *args, publish=True, **kwargs):
        user = kwargs.pop("user", None)
        ecosystems = _topics(Ecosystem, kwargs.pop("ecosystems", None))
        technologies = _topics(Technology, kwargs.pop("technologies", None))
        targets = kwargs.pop("target_countries", None)
        if targets is not None:
            targets = [c if isinstance(c, Country) else country(c) for c in targets]
        opp = model_class(*args, **kwargs)
        if user is None:
            user, _org = team_member(opp.owner)
        opp = partnering_services.save_opportunity(
            opp,
            user=user,
            ecosystems=ecosystems,
            technologies=technologies,
            target_countries=targets,
        )
        if publish:
            partnering_services.publish_opportunity(opp, user)
        return opp


class ExpressionOfInterestFactory(DjangoModelFactory):
    """An organisation's interest in a published opportunity, sent by its team's ``user``."""

    class Meta:
        model = ExpressionOfInterest

    opportunity = factory.SubFactory(OpportunityFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "We would like to talk."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = kwargs.pop("user", None)
        if user is None:
            user, _org = team_member(kwargs["organisation"])
        return partnering_services.express_interest(
            kwargs["opportunity"], kwargs["organisation"], user, kwargs["message"]
        )


class FundingCallFactory(DjangoModelFactory):
    """A Horizon Europe call under the default eligibility rules, its deadline 60 days away,
    published by staff through ``partnering.services.save_call``. A deadline in the past is
    stored as it was when the call was open (``save_call`` refuses a new past deadline)."""

    class Meta:
        model = FundingCall

    programme = "Horizon Europe"
    identifier = factory.Sequence(lambda n: f"HORIZON-CL4-{n + 1:02d}")
    title = "Circular plastics"
    deadline = factory.LazyFunction(lambda: now() + datetime.timedelta(days=60))
    rules = factory.LazyFunction(lambda: eligibility.HORIZON_EUROPE_DEFAULT.to_dict())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if isinstance(kwargs.get("rules"), eligibility.Rules):
            kwargs["rules"] = kwargs["rules"].to_dict()
        call = model_class(*args, **kwargs)
        if call.deadline <= now():
            call.save()
            return call
        return partnering_services.save_call(call, UserFactory(staff=True))


class ConsortiumFactory(DjangoModelFactory):
    """A consortium opened by a member (``user``) of its coordinator's team."""

    class Meta:
        model = Consortium

    call = factory.SubFactory(FundingCallFactory)
    coordinator = factory.SubFactory(OrganisationFactory)
    acronym = factory.Sequence(lambda n: f"CONS{n}")
    title = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = kwargs.pop("user", None)
        if user is None:
            user, _org = team_member(kwargs["coordinator"])
        return partnering_services.create_consortium(
            kwargs["call"],
            kwargs["coordinator"],
            user,
            acronym=kwargs["acronym"],
            title=kwargs.get("title", ""),
            description=kwargs.get("description", ""),
        )


class ConsortiumMemberFactory(DjangoModelFactory):
    """An organisation invited into a consortium by its creator (``by`` to say who)."""

    class Meta:
        model = ConsortiumMember

    consortium = factory.SubFactory(ConsortiumFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.BENEFICIARY

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        consortium = kwargs.pop("consortium")
        by = kwargs.pop("by", None) or consortium.created_by
        return partnering_services.invite_member(
            consortium, kwargs.pop("organisation"), by, **kwargs
        )


# Matchmaking ---------------------------------------------------------------------------------


def _organiser_of(event: Event):
    """One of the event's organisers (platform staff when it has none)."""
    seat = event.organisers.select_related("user").first()
    return seat.user if seat else UserFactory(staff=True)


class MatchmakingFactory(DjangoModelFactory):
    """B2B meetings at a matchmaking event, set up by one of its organisers (``by``)."""

    class Meta:
        model = Matchmaking

    event = factory.SubFactory(
        EventFactory, kind=EventKind.MATCHMAKING, organiser=factory.SubFactory(UserFactory)
    )
    meeting_minutes = 30
    tables = 2

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        by = kwargs.pop("by", None)
        matchmaking = model_class(*args, **kwargs)
        return matchmaking_services.save_matchmaking(
            matchmaking, by=by or _organiser_of(matchmaking.event)
        )


class MatchmakingSessionFactory(DjangoModelFactory):
    """Two hours of meetings from the event's start, cut into slots when saved."""

    class Meta:
        model = MatchmakingSession

    matchmaking = factory.SubFactory(MatchmakingFactory)
    title = factory.Sequence(lambda n: f"Meetings {n}")
    start = factory.LazyAttribute(lambda s: s.matchmaking.event.start)
    end = factory.LazyAttribute(lambda s: s.start + datetime.timedelta(hours=2))
    breaks = factory.LazyFunction(list)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        by = kwargs.pop("by", None)
        session = model_class(*args, **kwargs)
        return matchmaking_services.save_session(
            session, by=by or _organiser_of(session.matchmaking.event)
        )


class ParticipantTypeFactory(DjangoModelFactory):
    class Meta:
        model = ParticipantType

    matchmaking = factory.SubFactory(MatchmakingFactory)
    name = factory.Sequence(lambda n: f"Type {n}")


class ParticipantFactory(DjangoModelFactory):
    """A confirmed registration that opts in to the B2B meetings (``matchmaking.services.opt_in``);
    ``registration__…`` sets the registration, the other fields are opt_in's."""

    class Meta:
        model = Participant

    matchmaking = factory.SubFactory(MatchmakingFactory)
    registration = factory.SubFactory(
        RegistrationFactory, event=factory.SelfAttribute("..matchmaking.event")
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.pop("matchmaking")
        return matchmaking_services.opt_in(kwargs.pop("registration"), **kwargs)


class MeetingRequestFactory(DjangoModelFactory):
    """A pending request between two participants of the same B2B meetings."""

    class Meta:
        model = MeetingRequest

    matchmaking = factory.SubFactory(MatchmakingFactory)
    sender = factory.SubFactory(
        ParticipantFactory, matchmaking=factory.SelfAttribute("..matchmaking")
    )
    recipient = factory.SubFactory(
        ParticipantFactory, matchmaking=factory.SelfAttribute("..matchmaking")
    )
    message = "Shall we meet?"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return matchmaking_services.send_request(
            kwargs["sender"], kwargs["recipient"], kwargs["message"]
        )


class MeetingFactory(DjangoModelFactory):
    """The meeting of an accepted request (not yet in a slot)."""

    class Meta:
        model = Meeting

    request = factory.SubFactory(MeetingRequestFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        request = kwargs["request"]
        matchmaking_services.answer_request(request, request.recipient, accept=True)
        return model_class.objects.get(request=request)
