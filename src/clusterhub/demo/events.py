"""The demo's events, written through ``clusterhub.events.services``.

The seeds' events with their agendas and speakers, the 93 (fictitious) participants of 2010 and
an upcoming workshop open for registration (data in :mod:`clusterhub.demo.events_data`). An
event found by its address is left alone unless ``refresh``; its registrations are never touched
again once recorded. The demo profile team organises the events, so its login shows the
organisers' screens (attendance, booklet, exports).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from clusterhub.events import services as event_services
from clusterhub.events.models import Event, Material, RegistrationQuestion, Session
from clusterhub.reference.models import Ecosystem
from clusterhub.registry import services as registry_services
from clusterhub.registry.models import Organisation, Person

from . import events_data as event_data
from . import registry_data
from .base import DemoLoadError, DemoResult, demo_email, pick


def ensure_events(refresh: bool, result: DemoResult) -> None:
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
    organiser = User.objects.filter(email__iexact=registry_data.TEAM_EMAIL).first()
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
        ecosystems=pick(ecosystems, spec.ecosystems, "ecosystems"),
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
    registry_services.save_person(person, public_consent=True)
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
