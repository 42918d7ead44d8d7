"""Loads the demo content of ``make run`` through the apps' services, in one transaction.

Idempotent: every record is looked up first (organisations by address or PIC, people by name,
memberships by pair) and only what is missing is created, so a second run writes nothing and
edits made in the demo survive a restart. ``refresh=True`` re-applies the demo content to the
existing demo records (never to anyone's consent).

The registry's content lives in :mod:`clusterhub.demo.registry_data`; the collaboration history
is the CORDIS H2020 sample of ``SHARED_DATA_DIR``, loaded through the registry's importer. The
events (agendas, speakers, the attendance of 2010, an upcoming workshop) live in
:mod:`clusterhub.demo.events_data` and are loaded by :mod:`clusterhub.demo.events`; the B2B
meetings of the upcoming workshop by :mod:`clusterhub.demo.matchmaking`.
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from clusterhub.core import services as core_services
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.registry import services
from clusterhub.registry.models import (
    ClusterLabel,
    ClusterOrganisation,
    Organisation,
    Person,
    Project,
)

from . import registry_data as data
from .actionplans import ensure_actionplans
from .base import DemoLoadError, DemoResult, demo_email, pick
from .calls import ensure_calls
from .consultations import ensure_consultations
from .events import ensure_events
from .insights import ensure_insights
from .matchmaking import ensure_demo_matchmaking
from .news import ensure_news
from .partnering import ensure_partnering

__all__ = ["DemoLoadError", "DemoResult", "demo_email", "load_demo", "password_file"]

CORDIS_SAMPLE = "cordis-h2020-sample"
CORDIS_NETWORK = "cordis-h2020-network"
PASSWORD_FILE = "demo-team-password.txt"


def load_demo(
    *, refresh: bool = False, with_history: bool = True, with_network: bool = False
) -> DemoResult:
    if not (Country.objects.exists() and NutsRegion.objects.exists()):
        raise DemoLoadError("The reference data is missing: run load_reference first.")
    result = DemoResult()
    with transaction.atomic():
        # History first: the import names the organisations of the sample after CORDIS, and
        # the demo organisations that share a PIC with it take their demo content back.
        imported = False
        if with_history:
            result.history, imported = load_history()
        else:
            result.history = "not requested"
        if with_network:
            network, imported_network = load_network()
            result.history += f"; {network}"
            imported = imported or imported_network
        vocabularies = _Vocabularies()
        organisations = {
            spec.slug: _ensure_organisation(
                spec, vocabularies, refresh or (imported and spec.pic is not None), result
            )
            for spec in data.ORGANISATIONS
        }
        for spec in data.PROFILES:
            _ensure_profile(organisations[spec.organisation], spec, refresh, result)
        for spec in data.PEOPLE:
            _ensure_person(spec, organisations, refresh, result)
        for spec in data.MEMBERSHIPS:
            _ensure_membership(spec, organisations, result)
        result.team_password = _ensure_team(organisations[data.TEAM_ORGANISATION], result)
        ensure_events(refresh, result)
        ensure_demo_matchmaking(refresh, result)
        ensure_partnering(refresh, result)
        ensure_calls(refresh, result)
        ensure_consultations(refresh, result)
        ensure_news(refresh, result)
        ensure_insights(refresh, result)
        ensure_actionplans(refresh, result)
    return result


# Organisations and profiles ------------------------------------------------------------------


class _Vocabularies:
    def __init__(self) -> None:
        self.ecosystems = Ecosystem.objects.in_bulk()
        self.technologies = Technology.objects.in_bulk()
        self.nace = NaceActivity.objects.in_bulk()

    pick = staticmethod(pick)


_PROFILE_SLUGS = frozenset(spec.organisation for spec in data.PROFILES)


def _ensure_organisation(
    spec: data.DemoOrganisation, vocabularies: _Vocabularies, refresh: bool, result: DemoResult
) -> Organisation:
    org = Organisation.objects.filter(slug=spec.slug).first()
    if org is None and spec.pic:
        org = Organisation.objects.filter(pic=spec.pic).first()
    is_new = org is None
    # An organisation first imported from CORDIS (same PIC) takes on its demo content once:
    # it receives the demo address, or, for a cluster, its demo profile.
    takes_slug = is_new or (
        org.slug != spec.slug and not Organisation.objects.filter(slug=spec.slug).exists()
    )
    adopt = not is_new and (
        takes_slug
        or (
            spec.slug in _PROFILE_SLUGS
            and not ClusterOrganisation.objects.filter(organisation=org).exists()
        )
    )
    if not (is_new or adopt or refresh):
        return org

    org = org or Organisation()
    org.legal_name = spec.legal_name
    org.short_name = spec.short_name
    org.kind = spec.kind
    org.is_sme = spec.is_sme
    org.country_id = spec.country
    org.city = spec.city
    org.latitude = spec.latitude
    org.longitude = spec.longitude
    if spec.nuts_region or spec.latitude is not None:
        org.nuts_region_id = spec.nuts_region  # None: derived again from the coordinates
    org.website = spec.website
    org.description = spec.description
    if spec.pic:
        org.pic = spec.pic
    if takes_slug:
        org.slug = spec.slug
    services.save_organisation(
        org,
        ecosystems=vocabularies.pick(vocabularies.ecosystems, spec.ecosystems, "ecosystems"),
        technologies=vocabularies.pick(
            vocabularies.technologies, spec.technologies, "technologies"
        ),
        nace_activities=vocabularies.pick(vocabularies.nace, spec.nace, "NACE codes"),
    )
    (result.created if is_new else result.updated)["organisations"] += 1
    return org


def _ensure_profile(
    org: Organisation, spec: data.DemoProfile, refresh: bool, result: DemoResult
) -> None:
    profile = ClusterOrganisation.objects.filter(organisation=org).first()
    if profile is not None and not refresh:
        return
    is_new = profile is None
    profile = profile or ClusterOrganisation(organisation=org)
    profile.founding_year = spec.founding_year
    profile.members_companies = spec.companies
    profile.members_smes = spec.smes
    profile.members_research = spec.research
    profile.members_universities = spec.universities
    profile.members_public = spec.public
    profile.members_other = spec.other
    profile.management_fte = spec.management_fte
    profile.languages = spec.languages
    profile.support_programmes = spec.support_programmes
    profile.contact_email = f"{org.slug}@example.org"
    labels = [
        ClusterLabel(
            scheme=label.scheme,
            level=label.level,
            awarded_by=label.awarded_by,
            valid_from=label.valid_from,
            valid_until=label.valid_until,
        )
        for label in spec.labels
    ]
    services.save_cluster_profile(profile, labels=labels, verified=True)
    (result.created if is_new else result.updated)["cluster profiles"] += 1
    result.created["labels"] += len(labels) if is_new else 0


# People and memberships ----------------------------------------------------------------------


def _ensure_person(
    spec: data.DemoPerson,
    organisations: dict[str, Organisation],
    refresh: bool,
    result: DemoResult,
) -> None:
    person = Person.objects.filter(first_name=spec.first_name, last_name=spec.last_name).first()
    if person is not None and not refresh:
        return
    is_new = person is None
    person = person or Person(first_name=spec.first_name, last_name=spec.last_name)
    person.role = spec.role
    person.organisation = organisations[spec.organisation] if spec.organisation else None
    person.email = demo_email(spec.first_name, spec.last_name)
    services.save_person(person, public_consent=True if is_new and spec.public_consent else None)
    (result.created if is_new else result.updated)["people"] += 1


def _ensure_membership(
    spec: data.DemoMembership, organisations: dict[str, Organisation], result: DemoResult
) -> None:
    if spec.member.startswith("pic:"):
        member = Organisation.objects.filter(pic=spec.member.removeprefix("pic:")).first()
        if member is None:  # the CORDIS sample is not loaded
            return
    else:
        member = organisations[spec.member]
    cluster = ClusterOrganisation.objects.get(organisation=organisations[spec.cluster])
    _membership, created = services.record_membership(cluster, member, spec.since)
    result.created["memberships"] += int(created)


# Collaboration history (CORDIS) --------------------------------------------------------------


def cordis_sample_files() -> tuple[Path, Path]:
    directory = Path(settings.SHARED_DATA_DIR) / CORDIS_SAMPLE
    return directory / "participations.csv", directory / "projects.csv"


def load_history() -> tuple[str, bool]:
    """Import the CORDIS H2020 sample through the registry's importer, once.

    Returns what happened, and whether the sample was imported now.
    """
    participations, projects = cordis_sample_files()
    if not (participations.is_file() and projects.is_file()):
        return f"skipped: {participations.parent} not found", False
    with projects.open(newline="", encoding="utf-8") as handle:
        project_ids = {row["projectID"] for row in csv.DictReader(handle)}
    loaded = Project.objects.filter(cordis_id__in=project_ids).count()
    if loaded >= len(project_ids):
        return f"already loaded ({loaded} projects)", False
    try:
        from clusterhub.registry.imports import run_import
    except ModuleNotFoundError as exc:
        if exc.name != "clusterhub.registry.imports":
            raise
        return "skipped: the CORDIS importer is not installed", False
    report = run_import("cordis", participations, projects_file=projects)
    if not report.ok:
        first = "; ".join(f"row {r}, {c}: {m}" for r, c, m in report.errors[:3])
        raise DemoLoadError(f"CORDIS sample not imported: {report.summary()} {first}")
    loaded = Project.objects.filter(cordis_id__in=project_ids).count()
    return f"imported {loaded} projects of the CORDIS H2020 sample", True


def network_files() -> tuple[Path, Path | None]:
    directory = Path(settings.SHARED_DATA_DIR) / CORDIS_NETWORK
    names = sorted(directory.glob("organisations-*.csv*"))
    return directory / "participations-2014-2018.csv.gz", (names[-1] if names else None)


def load_network() -> tuple[str, bool]:
    """Import the H2020 collaboration network (2014–2018) through the registry's importer,
    once: the recommender then learns from the whole network."""
    participations, names = network_files()
    if not participations.is_file():
        return f"network skipped: {participations} not found", False
    if Project.objects.filter(cordis_id__startswith="rcn:").count() >= 20_000:
        return "the H2020 network is already loaded", False
    from clusterhub.registry.imports import run_import

    report = run_import("network", participations, organisations_file=names, max_rows=1_000_000)
    if not report.ok:
        first = "; ".join(f"row {r}, {c}: {m}" for r, c, m in report.errors[:3])
        raise DemoLoadError(f"H2020 network not imported: {report.summary()} {first}")
    return (
        f"imported the H2020 network ({report.counts['projects_created']} projects, "
        f"{report.counts['participations_created']} participations)",
        True,
    )


# Demo profile team ---------------------------------------------------------------------------


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


def _ensure_team(org: Organisation, result: DemoResult) -> str | None:
    """A verified user on the organisation's profile team; returns its password if known."""
    email = data.TEAM_EMAIL
    path = password_file()
    stored = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    User = get_user_model()
    user = User.objects.filter(Q(email__iexact=email) | Q(username=email)).first()
    if user is None:
        password = stored or secrets.token_urlsafe(12)
        user = core_services.create_verified_user(email, password)
        if password != stored:
            core_services.write_private_file(path, password)
        result.created["users"] += 1
    else:
        password = stored if stored and user.check_password(stored) else None
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        core_services.verify_email(user, email)
    _seat, created = services.seat_team_member(org, user)
    result.created["team seats"] += int(created)
    return password
