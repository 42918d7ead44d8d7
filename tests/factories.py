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

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.timezone import now
from factory.django import DjangoModelFactory

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
        labels = kwargs.pop("labels", None)
        profile = model_class(*args, **kwargs)
        return services.save_cluster_profile(profile, labels=labels)


class ClusterLabelFactory(DjangoModelFactory):
    class Meta:
        model = ClusterLabel

    cluster = factory.SubFactory(ClusterOrganisationFactory)
    scheme = "ecei"
    level = "gold"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterOrganisationFactory)
    member = factory.SubFactory(OrganisationFactory)


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
