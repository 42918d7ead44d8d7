"""Loads the demo content of ``make run`` through the apps' services, in one transaction.

Idempotent: every record is looked up first (organisations by address or PIC, people by name,
memberships by pair) and only what is missing is created, so a second run writes nothing and
edits made in the demo survive a restart. ``refresh=True`` re-applies the demo content to the
existing demo records (never to anyone's consent).

The registry's content lives in ``clusterhub.registry.demo_data``; the collaboration history is
the CORDIS H2020 sample of ``SHARED_DATA_DIR``, loaded through the registry's importer. The
events (agendas, speakers, the attendance of 2010, an upcoming workshop) live in
``clusterhub.events.demo_data`` and are loaded through ``clusterhub.events.services``.
"""

from __future__ import annotations

import csv
import os
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from clusterhub.events import demo_data as event_data
from clusterhub.events import services as event_services
from clusterhub.events.models import Event, Material, RegistrationQuestion, Session
from clusterhub.matchmaking.demo import ensure_demo_matchmaking
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.registry import demo_data as data
from clusterhub.registry import services
from clusterhub.registry.models import (
    ClusterLabel,
    ClusterOrganisation,
    Organisation,
    Person,
    Project,
)

CORDIS_SAMPLE = "cordis-h2020-sample"
PASSWORD_FILE = "demo-team-password.txt"


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    history: str = ""
    team_email: str = data.TEAM_EMAIL
    team_password: str | None = None  # None when it was changed since it was generated


class DemoLoadError(Exception):
    """The demo content could not be loaded; nothing was written."""


def load_demo(*, refresh: bool = False, with_history: bool = True) -> DemoResult:
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
        _ensure_events(refresh, result)
        ensure_demo_matchmaking(refresh, result)
    return result


# Organisations and profiles ------------------------------------------------------------------


class _Vocabularies:
    def __init__(self) -> None:
        self.ecosystems = Ecosystem.objects.in_bulk()
        self.technologies = Technology.objects.in_bulk()
        self.nace = NaceActivity.objects.in_bulk()

    @staticmethod
    def pick(table: dict, keys: tuple[str, ...], what: str) -> list:
        missing = [key for key in keys if key not in table]
        if missing:
            raise DemoLoadError(f"Unknown {what} {', '.join(missing)}: run load_reference first.")
        return [table[key] for key in keys]


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
    services.save_cluster_profile(profile, labels=labels)
    (result.created if is_new else result.updated)["cluster profiles"] += 1
    result.created["labels"] += len(labels) if is_new else 0


# People and memberships ----------------------------------------------------------------------


def demo_email(first_name: str, last_name: str) -> str:
    """An address at example.org (never a real one) built from the name, ASCII only."""
    name = f"{first_name}.{last_name}".lower().replace(" ", "-")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name}@example.org"


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


# Demo profile team ---------------------------------------------------------------------------


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


def _write_password(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)


def _ensure_team(org: Organisation, result: DemoResult) -> str | None:
    """A verified user on the organisation's profile team; returns its password if known."""
    email = data.TEAM_EMAIL
    path = password_file()
    stored = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    User = get_user_model()
    user = User.objects.filter(Q(email__iexact=email) | Q(username=email)).first()
    if user is None:
        password = stored or secrets.token_urlsafe(12)
        user = User.objects.create_user(username=email, email=email, password=password)
        if password != stored:
            _write_password(path, password)
        result.created["users"] += 1
    else:
        password = stored if stored and user.check_password(stored) else None
    if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
    _seat, created = services.seat_team_member(org, user)
    result.created["team seats"] += int(created)
    return password


# Events ----------------------------------------------------------------------------------------
# The seeds' events with their agendas and speakers, the 93 (fictitious) participants of 2010
# and an upcoming workshop open for registration, written through ``events.services``. An event
# found by its address is left alone unless ``refresh``; its registrations are never touched
# again once recorded. The demo profile team organises the events, so its login shows the
# organisers' screens (attendance, booklet, exports).


def _ensure_events(refresh: bool, result: DemoResult) -> None:
    specs = event_data.EVENTS
    existing = set(
        Event.objects.filter(slug__in=[spec.slug for spec in specs]).values_list("slug", flat=True)
    )
    if not refresh and len(existing) == len(specs):
        return  # the usual second run: one query
    slugs = {slug for spec in specs for slug in _event_organisation_slugs(spec)}
    organisations = Organisation.objects.in_bulk(slugs, field_name="slug")
    missing = sorted(slugs - organisations.keys())
    if missing:
        raise DemoLoadError(f"Demo organisations missing for the events: {', '.join(missing)}.")
    ecosystems = Ecosystem.objects.in_bulk()
    User = get_user_model()
    organiser = User.objects.filter(email__iexact=data.TEAM_EMAIL).first()
    for spec in specs:
        if spec.slug in existing and not refresh:
            continue
        _ensure_event(spec, organisations, ecosystems, organiser, result)


def _event_organisation_slugs(spec: event_data.DemoEvent) -> set[str]:
    slugs = set(spec.co_organisers) | ({spec.host} if spec.host else set())
    for session in spec.sessions:
        for speaker in session.speakers:
            slugs.add(speaker.organisation)
            if speaker.speaking_for:
                slugs.add(speaker.speaking_for)
    return slugs


def _local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    return value.replace(tzinfo=tz) if value is not None else None


def _ensure_event(
    spec: event_data.DemoEvent,
    organisations: dict[str, Organisation],
    ecosystems: dict,
    organiser,
    result: DemoResult,
) -> None:
    event = Event.objects.filter(slug=spec.slug).first()
    is_new = event is None
    event = event or Event(slug=spec.slug)
    tz = ZoneInfo(spec.timezone)
    event.title = spec.title
    event.kind = spec.kind
    event.status = spec.status
    event.timezone = spec.timezone
    event.start = _local(spec.start, tz)
    event.end = _local(spec.end, tz)
    event.topic = spec.topic
    event.target_audience = spec.target_audience
    event.description = spec.description
    event.host = organisations[spec.host] if spec.host else None
    event.context = spec.context
    event.venue = spec.venue
    event.city = spec.city
    event.country_id = spec.country
    event.nuts_region_id = spec.nuts_region
    event.online_url = spec.online_url
    event.languages = spec.languages
    event.interpretation = spec.interpretation
    event.capacity = spec.capacity
    event.registration_opens = _local(spec.registration_opens, tz)
    event.registration_closes = _local(spec.registration_closes, tz)
    event.outcomes = spec.outcomes
    event.recommendations = spec.recommendations
    event.summary_published = spec.summary_published
    event_services.save_event(
        event,
        co_organisers=[organisations[slug] for slug in spec.co_organisers],
        ecosystems=_Vocabularies.pick(ecosystems, spec.ecosystems, "ecosystems"),
        created_by=organiser,
    )
    (result.created if is_new else result.updated)["events"] += 1

    sessions = {
        (session.title, session.start.astimezone(tz).date()): session
        for session in event.sessions.all()
    }
    for session_spec in spec.sessions:
        key = (session_spec.title, session_spec.day)
        session = sessions.get(key) or Session(event=event, title=session_spec.title)
        session_is_new = session.pk is None
        session.kind = session_spec.kind
        session.start = datetime.combine(
            session_spec.day, time.fromisoformat(session_spec.start), tzinfo=tz
        )
        session.end = datetime.combine(
            session_spec.day, time.fromisoformat(session_spec.end), tzinfo=tz
        )
        session.room = session_spec.room
        session.description = session_spec.description
        event_services.save_session(session)
        if session_is_new:
            result.created["sessions"] += 1
        speakers = event_services.set_speakers(
            session,
            [
                event_services.SpeakerInput(
                    person=_speaker_person(speaker, organisations, result),
                    organisation=(
                        organisations[speaker.speaking_for] if speaker.speaking_for else None
                    ),
                    role=speaker.role,
                    talk_title=speaker.talk_title,
                )
                for speaker in session_spec.speakers
            ],
        )
        if session_is_new:
            result.created["speakers"] += len(speakers)
        by_name = {str(speaker.person): speaker for speaker in speakers}
        for material in session_spec.materials:
            _ensure_material(event, material, session, by_name.get(material.speaker), result)
    for material in spec.materials:
        _ensure_material(event, material, None, None, result)

    for question_spec in spec.questions:
        question = event.questions.filter(label=question_spec.label).first()
        question_is_new = question is None
        question = question or RegistrationQuestion(event=event, label=question_spec.label)
        question.kind = question_spec.kind
        question.choices = "\n".join(question_spec.choices)
        question.required = question_spec.required
        event_services.save_question(question)
        result.created["registration questions"] += int(question_is_new)

    if spec.attendance and not event.registrations.exists():
        recorded = event_services.record_attendance(event, _attendance_rows(event, spec))
        result.created["past registrations"] += len(recorded)


def _speaker_person(
    spec: event_data.DemoSpeaker, organisations: dict[str, Organisation], result: DemoResult
) -> Person:
    """The registry's person of that name; created (public consent: they spoke on a published
    agenda) when missing. An existing person's consent is never changed."""
    person = Person.objects.filter(first_name=spec.first_name, last_name=spec.last_name).first()
    if person is not None:
        return person
    person = Person(
        first_name=spec.first_name,
        last_name=spec.last_name,
        role=spec.job,
        organisation=organisations[spec.organisation],
        email=demo_email(spec.first_name, spec.last_name),
    )
    services.save_person(person, public_consent=True)
    result.created["people"] += 1
    return person


def _ensure_material(
    event: Event,
    spec: event_data.DemoMaterial,
    session: Session | None,
    speaker,
    result: DemoResult,
) -> None:
    material = event.materials.filter(title=spec.title).first()
    is_new = material is None
    material = material or Material(event=event, title=spec.title)
    material.kind = spec.kind
    material.url = spec.url
    material.session = session
    material.speaker = speaker
    material.published = True
    event_services.save_material(material)
    result.created["materials"] += int(is_new)


def _attendance_rows(event: Event, spec: event_data.DemoEvent) -> list[dict]:
    """The fictitious participants as ``record_attendance`` takes them, checked in during the
    half hour before the start."""
    doors_open = event.start - timedelta(minutes=30)
    return [
        {
            "first_name": attendee.first_name,
            "last_name": attendee.last_name,
            "email": demo_email(attendee.first_name, attendee.last_name),
            "job_title": attendee.job_title,
            "organisation_name": attendee.organisation_name,
            "organisation_kind": attendee.kind,
            "country_id": attendee.country,
            "listing_consent": attendee.listing_consent,
            "checked_in_at": doors_open + timedelta(minutes=number % 30),
        }
        for number, attendee in enumerate(event_data.attendees(spec.attendance))
    ]
