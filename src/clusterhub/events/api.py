"""The events JSON API, under /api/v1/events/: calendar, event pages, agenda, registrations.

Same permissions as the pages: everyone reads published events (drafts answer 404 except to
their organisers); the event's organisers and staff write (:mod:`clusterhub.events.rules`).
Registering, one's own registrations and cancelling need a token or a signed-in session.
Every write goes through :mod:`clusterhub.events.services`; bad input answers 400 (or 422 for
a body that does not parse) with ``{"detail": …, "errors": [{"field": …, "message": …}]}``.

Times are given in the event's own time zone (ISO 8601 with its offset). On input, a time
without an offset is read in the event's time zone.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from clusterhub.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    DateTime,
    Filters,
    InputSchema,
    Patch,
    paginated,
    read_auth,
    rename_fields,
    write_auth,
)
from clusterhub.core.timezones import aware, local
from clusterhub.reference.models import Ecosystem, NutsRegion
from clusterhub.reference.selectors import resolve_country_code
from clusterhub.registry.models import Organisation, OrganisationKind, Person
from clusterhub.registry.schemas import OrganisationRef
from clusterhub.registry.selectors import organisation_by_key, organisations_by_key

from . import selectors, services
from .models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionKind,
)

router = Router(tags=["events"])

# Far enough back that "upcoming" means "all" (the calendar selector filters on end >= now).
ALL_TIME = datetime(1900, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))


def manages(request, event: Event) -> bool:
    """Whether the caller organises ``event`` (or is staff); asked once per request."""
    seen = request.__dict__.setdefault("_events_can_manage", {})
    if event.pk not in seen:
        seen[event.pk] = selectors.can_manage(request.user, event)
    return seen[event.pk]


def require_manager(request, event: Event) -> None:
    if not manages(request, event):
        raise PermissionDenied("Only the event's organisers may do this.")


def get_event(request, slug: str, queryset=None) -> Event:
    """The event, or 404 when there is none or it is a draft the caller does not manage."""
    try:
        return selectors.visible_event(request.user, slug, queryset)
    except Event.DoesNotExist:
        raise Http404("No event at this address.") from None


def find(errors: dict, lookup, *args):
    """``lookup(*args)``, or None with its ValidationError added to ``errors``, so that every
    wrong field of the input is reported at once."""
    try:
        return lookup(*args)
    except ValidationError as error:
        errors.update(error.message_dict)
        return None


# Schemas: reading ---------------------------------------------------------------------------


class EventItem(Schema):
    """An event in the calendar; :class:`EventOut` adds what its page shows."""

    slug: str
    title: str
    kind: str
    status: str
    topic: str
    start: datetime = Field(description="In the event's time zone.")
    end: datetime
    timezone: str
    venue: str
    city: str
    country: str | None = Field(None, alias="country_id")
    nuts_region: str | None = Field(None, alias="nuts_region_id")
    online_url: str
    is_online: bool
    host: OrganisationRef | None
    ecosystems: list[str] = Field(description="Slugs, see /reference/ecosystems.")
    capacity: int | None
    seats_left: int | None = Field(description="None when the event has no limit.")
    registration_open: bool
    url: str

    @staticmethod
    def resolve_start(obj) -> datetime:
        return local(obj.start, obj.tz)

    @staticmethod
    def resolve_end(obj) -> datetime:
        return local(obj.end, obj.tz)

    @staticmethod
    def resolve_ecosystems(obj) -> list[str]:
        return [e.slug for e in obj.ecosystems.all()]

    @staticmethod
    def resolve_seats_left(obj) -> int | None:
        if obj.capacity is None:
            return None
        confirmed = getattr(obj, "confirmed", None)  # annotated on the calendar
        if confirmed is None:
            confirmed = services.confirmed_count(obj)
        return max(0, obj.capacity - confirmed)

    @staticmethod
    def resolve_registration_open(obj) -> bool:
        return services.registration_closed_reason(obj) is None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class Appearance(NamedTuple):
    """Someone on the agenda: a speaker (a ``SessionSpeaker`` reads the same) or a chair."""

    person: Person
    organisation: Organisation | None
    session: Session


class PersonRef(Schema):
    name: str | None = Field(description="Only when the person agreed to be shown publicly.")
    organisation: str | None
    person_id: int | None = Field(None, description="For the event's organisers only.")

    @staticmethod
    def resolve_name(obj, context) -> str | None:
        person = obj.person
        if person.public_consent or manages(context["request"], obj.session.event):
            return f"{person.first_name} {person.last_name}"
        return None

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        organisation = obj.organisation or obj.person.organisation
        return organisation.name if organisation else None

    @staticmethod
    def resolve_person_id(obj, context) -> int | None:
        return obj.person.pk if manages(context["request"], obj.session.event) else None


class SpeakerOut(PersonRef):
    role: str
    talk_title: str


class MaterialOut(Schema):
    id: int
    title: str
    kind: str
    url: str
    content_type: str
    size: int | None
    session: int | None = Field(alias="session_id")

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.url or reverse("events:material", args=[obj.event.slug, obj.pk])


class AgendaSessionOut(Schema):
    """A session of an event's agenda."""

    id: int
    title: str
    kind: str
    start: datetime
    end: datetime
    room: str
    description: str
    chair: PersonRef | None
    speakers: list[SpeakerOut]

    @staticmethod
    def resolve_start(obj) -> datetime:
        return local(obj.start, obj.event.tz)

    @staticmethod
    def resolve_end(obj) -> datetime:
        return local(obj.end, obj.event.tz)

    @staticmethod
    def resolve_chair(obj) -> Appearance | None:
        return Appearance(obj.chair, None, obj) if obj.chair_id else None

    @staticmethod
    def resolve_speakers(obj) -> list:
        return list(obj.speakers.all())


class QuestionOut(Schema):
    id: int
    label: str
    kind: str
    choices: list[str] = Field(alias="choice_list")
    required: bool


class EventOut(EventItem):
    description: str
    target_audience: str
    context: str
    address: str
    languages: str
    interpretation: str
    co_organisers: list[OrganisationRef]
    registration_opens: datetime | None
    registration_closes: datetime | None
    requires_approval: bool
    registration_closed_reason: str | None
    questions: list[QuestionOut]
    sessions: list[AgendaSessionOut]
    materials: list[MaterialOut]
    outcomes: str = Field(description="Once the summary is published.")
    recommendations: str
    can_manage: bool

    @staticmethod
    def resolve_co_organisers(obj) -> list:
        return list(obj.co_organisers.all())

    @staticmethod
    def resolve_registration_opens(obj) -> datetime | None:
        return local(obj.registration_opens, obj.tz)

    @staticmethod
    def resolve_registration_closes(obj) -> datetime | None:
        return local(obj.registration_closes, obj.tz)

    @staticmethod
    def resolve_registration_closed_reason(obj) -> str | None:
        return services.registration_closed_reason(obj)

    @staticmethod
    def resolve_questions(obj) -> list:
        return list(obj.questions.all())

    @staticmethod
    def resolve_sessions(obj) -> list:
        return list(selectors.agenda_sessions(obj))

    @staticmethod
    def resolve_materials(obj) -> list:
        return list(selectors.published_materials(obj))

    @staticmethod
    def resolve_outcomes(obj, context) -> str:
        return obj.outcomes if summary_shown(context["request"], obj) else ""

    @staticmethod
    def resolve_recommendations(obj, context) -> str:
        return obj.recommendations if summary_shown(context["request"], obj) else ""

    @staticmethod
    def resolve_can_manage(obj, context) -> bool:
        return manages(context["request"], obj)


def summary_shown(request, event: Event) -> bool:
    return event.summary_published or manages(request, event)


def event_detail(request, slug: str) -> Event:
    """The event with what :class:`EventOut` shows, as the caller may see it."""
    return get_event(
        request,
        slug,
        Event.objects.select_related("host").prefetch_related("co_organisers", "ecosystems"),
    )


# Schemas: writing ---------------------------------------------------------------------------


class EventIn(InputSchema):
    title: str = Field(max_length=300)
    kind: Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
    start: DateTime = Field(description="Without an offset: in the event's time zone.")
    end: DateTime
    timezone: str = Field("Europe/Brussels", description="IANA name, e.g. Europe/Paris.")
    status: Literal[tuple(EventStatus.values)] = EventStatus.DRAFT  # type: ignore[valid-type]
    topic: str = ""
    target_audience: str = ""
    description: str = ""
    host: str | None = Field(None, description="Address (slug) or PIC of the host organisation.")
    co_organisers: list[str] = Field([], description="Addresses (slugs) or PICs of organisations.")
    context: str = Field("", description="In the framework of (e.g. an exhibition).")
    venue: str = ""
    address: str = ""
    city: str = ""
    country: str | None = Field(None, description="ISO or EU code.")
    nuts_region: str | None = Field(None, description="NUTS code (any level).")
    online_url: str = ""
    languages: str = ""
    interpretation: str = ""
    capacity: int | None = Field(None, ge=0, description="Empty: no limit.")
    registration_opens: DateTime | None = None
    registration_closes: DateTime | None = None
    requires_approval: bool = False
    ecosystems: list[str] = Field([], description="Slugs, see /reference/ecosystems.")
    outcomes: str = ""
    recommendations: str = ""
    summary_published: bool = False


EVENT_TEXT_FIELDS = (
    "title",
    "topic",
    "target_audience",
    "context",
    "venue",
    "address",
    "city",
    "online_url",
    "languages",
    "interpretation",
    "outcomes",
    "recommendations",
)
EVENT_PLAIN_FIELDS = (
    "description",
    "kind",
    "status",
    "timezone",
    "capacity",
    "requires_approval",
    "summary_published",
)
EVENT_TIMES = ("start", "end", "registration_opens", "registration_closes")


def apply_event(event: Event, data: dict) -> dict:
    """Copy input onto ``event``; returns the keyword arguments of ``save_event``.
    ``host``, ``country``, ``nuts_region``, ``capacity`` and the registration times may be
    emptied (``null``); the other fields refuse ``null`` before this is reached."""
    errors: dict[str, list[str]] = {}
    for name in EVENT_TEXT_FIELDS:
        if name in data:
            setattr(event, name, data[name].strip())
    for name in EVENT_PLAIN_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    try:
        tz = zoneinfo.ZoneInfo(event.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = [f"“{event.timezone}” is not a time zone (e.g. Europe/Paris)."]
        tz = zoneinfo.ZoneInfo("UTC")
    for name in EVENT_TIMES:
        if name in data:
            setattr(event, name, aware(data[name], tz))
    if "host" in data:
        host = (data["host"] or "").strip()
        event.host = find(errors, organisation_by_key, host, "host") if host else None
    if "country" in data:
        if data["country"]:
            code = resolve_country_code(data["country"])
            if code is None:
                errors["country"] = [f"Unknown country code “{data['country']}”."]
            event.country_id = code
        else:
            event.country_id = None
    if "nuts_region" in data:
        code = (data["nuts_region"] or "").strip().upper() or None
        if code and not NutsRegion.objects.filter(code=code).exists():
            errors["nuts_region"] = [f"Unknown NUTS code “{code}”."]
        event.nuts_region_id = code
    extra = {}
    if "co_organisers" in data:
        extra["co_organisers"] = (
            find(errors, organisations_by_key, data["co_organisers"], "co_organisers") or []
        )
    if "ecosystems" in data:
        wanted = list(dict.fromkeys(v.strip() for v in data["ecosystems"] if v and v.strip()))
        found = {e.slug: e for e in Ecosystem.objects.filter(slug__in=wanted)}
        unknown = [v for v in wanted if v not in found]
        if unknown:
            errors["ecosystems"] = [f"Unknown ecosystem(s): {', '.join(unknown)}."]
        extra["ecosystems"] = [found[v] for v in wanted if v in found]
    if errors:
        raise ValidationError(errors)
    return extra


class SpeakerIn(InputSchema):
    person: int = Field(description="Id of a person of the registry.")
    organisation: str | None = Field(
        None, description="Address (slug) or PIC; empty: the person's own organisation."
    )
    role: str = ""
    talk_title: str = ""


class AgendaSessionIn(InputSchema):
    """A session of an event's agenda, on input."""

    title: str = Field(max_length=400)
    kind: Literal[tuple(SessionKind.values)] = SessionKind.PRESENTATION  # type: ignore[valid-type]
    start: DateTime = Field(description="Without an offset: in the event's time zone.")
    end: DateTime
    room: str = ""
    description: str = ""
    chair: int | None = Field(None, description="Id of a person of the registry.")
    speakers: list[SpeakerIn] | None = Field(
        None, description="Replaces the session's speakers; omitted or null: unchanged."
    )


def apply_session(session: Session, event: Event, data: dict) -> list | None:
    """Copy input onto ``session``; returns its new speakers (None: unchanged).
    ``chair`` may be emptied (``null``); ``speakers: null`` leaves them as they are."""
    errors: dict[str, list[str]] = {}
    for name in ("title", "kind", "room"):
        if name in data:
            setattr(session, name, data[name].strip())
    if "description" in data:
        session.description = data["description"]
    for name in ("start", "end"):
        if name in data:
            setattr(session, name, aware(data[name], event.tz))
    if "chair" in data:
        chair = data["chair"]
        if chair is not None and not Person.objects.filter(pk=chair).exists():
            errors["chair"] = [f"No person with id {chair}."]
        session.chair_id = chair
    speakers = None
    if data.get("speakers") is not None:
        items = data["speakers"]
        people = Person.objects.select_related("organisation").in_bulk(
            [item["person"] for item in items]
        )
        organisations: dict[str, Organisation | None] = {}
        speakers = []
        for i, item in enumerate(items):
            person = people.get(item["person"])
            if person is None:
                errors[f"speakers.{i}.person"] = [f"No person with id {item['person']}."]
                continue
            key = (item.get("organisation") or "").strip()
            if key and key not in organisations:
                field = f"speakers.{i}.organisation"
                organisations[key] = find(errors, organisation_by_key, key, field)
            speakers.append(
                services.SpeakerInput(
                    person=person,
                    organisation=organisations.get(key),
                    role=(item.get("role") or "").strip(),
                    talk_title=(item.get("talk_title") or "").strip(),
                )
            )
        if len({s.person.pk for s in speakers}) != len(speakers):
            errors["speakers"] = ["A person speaks only once in a session."]
    if errors:
        raise ValidationError(errors)
    return speakers


# Schemas: registrations ---------------------------------------------------------------------


class RegistrationIn(InputSchema):
    first_name: str = Field("", description="Default: the account's first name.")
    last_name: str = Field("", description="Default: the account's last name.")
    job_title: str = ""
    organisation: str | None = Field(
        None, description="Address (slug) or PIC of the participant's organisation."
    )
    organisation_name: str = Field("", description="Default: the organisation's name.")
    organisation_kind: Literal[("",) + tuple(OrganisationKind.values)] = Field(  # type: ignore[valid-type]
        "", description="Kind on the triple helix; default: the organisation's kind."
    )
    country: str = Field("", description="ISO or EU code; default: the organisation's.")
    dietary_needs: str = ""
    accessibility_needs: str = ""
    answers: dict[str, Any] = Field(
        {}, description="Answers to the organisers' questions, by question id."
    )
    listing_consent: bool = Field(
        False,
        description="Appear in the participants' booklet and list; the date is stored.",
    )


class RegistrationOut(Schema):
    id: int
    event: str = Field(description="Address (slug) of the event.")
    event_title: str
    status: str
    waitlist_position: int | None = Field(None, description="On registering, when waitlisted.")
    first_name: str
    last_name: str
    email: str
    job_title: str
    organisation: str | None
    organisation_name: str
    organisation_kind: str
    country: str = Field(alias="country_id")
    dietary_needs: str
    accessibility_needs: str
    answers: dict[str, Any]
    listing_consent: bool
    listing_consent_at: datetime | None
    ticket_code: str
    ticket_url: str
    cancel_url: str
    checked_in_at: datetime | None
    created: datetime

    @staticmethod
    def resolve_event(obj) -> str:
        return obj.event.slug

    @staticmethod
    def resolve_event_title(obj) -> str:
        return obj.event.title

    @staticmethod
    def resolve_waitlist_position(obj) -> None:
        return None  # one query per row: given on registering only (NewRegistrationOut)

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return obj.organisation.slug if obj.organisation_id else None

    @staticmethod
    def resolve_ticket_url(obj) -> str:
        return reverse("events:ticket", args=[obj.ticket_code])

    @staticmethod
    def resolve_cancel_url(obj) -> str:
        return reverse("events:cancel", args=[obj.ticket_code])

    @staticmethod
    def resolve_checked_in_at(obj) -> datetime | None:
        return local(obj.checked_in_at, obj.event.tz)


class NewRegistrationOut(RegistrationOut):
    """A registration just made, with its place on the waiting list."""

    @staticmethod
    def resolve_waitlist_position(obj) -> int | None:
        return selectors.waitlist_position(obj)


class RegistrationFilters(Filters):
    status: list[Literal[tuple(RegistrationStatus.values)]] = []  # type: ignore[valid-type]
    q: str = Field("", description="Words of the name, e-mail or organisation.")

    def filter_status(self, value: list[str]) -> Q:
        return Q(status__in=value) if value else Q()

    def filter_q(self, value: str) -> Q:
        match = Q()
        for word in value.split():
            match &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation_name__icontains=word)
            )
        return match


class CheckInIn(InputSchema):
    code: str = Field(description="The ticket code (what the QR code holds).")


# Own registrations (before /{slug}: "registrations" is never an event's address) -------------


@router.get("/registrations", response={200: list[RegistrationOut], **READ_ERRORS}, auth=write_auth)
@paginated()
def my_registrations(request):
    """The signed-in user's registrations, latest event first."""
    return (
        selectors.registrations_of(request.user)
        .select_related("organisation")
        .defer("organisation__description", "organisation__search_document")
    )


@router.post(
    "/registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=write_auth,
)
def cancel_registration(request, registration_id: int):
    """Cancel a registration: one's own, or any of an event one organises. The waiting list
    moves up. Cancelling twice changes nothing."""
    registration = (
        Registration.objects.select_related("event", "organisation")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or (
        registration.user_id != request.user.pk and not manages(request, registration.event)
    ):
        raise Http404("No registration of yours with this number.")
    return services.cancel_registration(registration, by=request.user)


# Events -------------------------------------------------------------------------------------


class EventFilters(Filters):
    when: Literal["upcoming", "past", "all"] = Field(
        "upcoming", description="upcoming: soonest first; past: latest first; all: by date."
    )
    kind: list[Literal[tuple(EventKind.values)]] = []  # type: ignore[valid-type]
    country: list[str] = Field([], description="ISO or EU codes.")
    region: list[str] = Field([], description="NUTS code prefixes (FRK also finds FRK26).")
    ecosystem: list[str] = Field([], description="Slugs, see /reference/ecosystems.")
    date_from: date | None = Field(None, alias="from", description="Taking place on or after.")
    date_to: date | None = Field(None, alias="to", description="Taking place on or before.")
    online: bool | None = Field(None, description="true: with an online link; false: without one.")


def day_start(day: date | None) -> datetime | None:
    """Midnight at the start of ``day`` in the site's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


@router.get("", response={200: list[EventItem], **READ_ERRORS}, auth=read_auth)
@paginated()
def list_events(request, filters: Query[EventFilters]):
    """The public calendar, with the same filters as its page."""
    countries = []
    for value in filters.country:
        code = resolve_country_code(value)
        if code is None:
            raise ValidationError({"country": [f"Unknown country code “{value}”."]})
        countries.append(code)
    qs = selectors.calendar_events(
        when="past" if filters.when == "past" else "upcoming",
        now=ALL_TIME if filters.when == "all" else None,
        kinds=filters.kind,
        countries=countries,
        regions=[r.upper() for r in filters.region],
        ecosystems=filters.ecosystem,
        date_from=day_start(filters.date_from),
        date_to=day_start(filters.date_to + timedelta(days=1)) if filters.date_to else None,
        online=bool(filters.online),
    )
    if filters.online is False:
        qs = qs.filter(online_url="")
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status=RegistrationStatus.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.defer(
        "description",
        "outcomes",
        "recommendations",
        "host__description",
        "host__search_document",
        "nuts_region__geometry",
        "nuts_region__svg_path",
    ).annotate(confirmed=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0))


@router.post("", response={201: EventOut, **WRITE_ERRORS}, auth=write_auth)
def create_event(request, payload: EventIn):
    """Create an event (a draft unless a status is given); its creator joins its team."""
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied("You may not create events.")
    event = Event()
    extra = apply_event(event, payload.dict())
    services.save_event(event, created_by=request.user, **extra)
    return Status(201, event_detail(request, event.slug))


@router.get("/{slug}", response={200: EventOut, **READ_ERRORS}, auth=read_auth)
def get_event_detail(request, slug: str):
    """An event with its agenda (sessions, speakers), questions and published materials."""
    return event_detail(request, slug)


def _update_event(request, slug: str, data: dict):
    event = get_event(request, slug)
    require_manager(request, event)
    extra = apply_event(event, data)
    services.save_event(event, **extra)
    return event_detail(request, event.slug)


@router.put("/{slug}", response={200: EventOut, **WRITE_ERRORS}, auth=write_auth)
def replace_event(request, slug: str, payload: EventIn):
    return _update_event(request, slug, payload.dict())


@router.patch("/{slug}", response={200: EventOut, **WRITE_ERRORS}, auth=write_auth)
def update_event(request, slug: str, payload: Patch[EventIn]):
    """Change some fields. A capacity below the confirmed participants is refused; a higher
    one moves people up from the waiting list."""
    return _update_event(request, slug, payload)


# Agenda -------------------------------------------------------------------------------------


def get_session(request, slug: str, session_id: int) -> tuple[Event, Session]:
    event = get_event(request, slug)
    session = event.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404("No session with this number in this event.")
    return event, session


@router.get(
    "/{slug}/sessions", response={200: list[AgendaSessionOut], **READ_ERRORS}, auth=read_auth
)
@paginated()
def list_sessions(request, slug: str):
    """The agenda in time order."""
    return selectors.agenda_sessions(get_event(request, slug))


def _save_session(event: Event, session: Session, data: dict) -> Session:
    speakers = apply_session(session, event, data)
    with transaction.atomic():  # the session and its speakers, all or nothing
        services.save_session(session)
        if speakers is not None:
            services.set_speakers(session, speakers)
    return selectors.agenda_sessions(event).get(pk=session.pk)


@router.post("/{slug}/sessions", response={201: AgendaSessionOut, **WRITE_ERRORS}, auth=write_auth)
def create_session(request, slug: str, payload: AgendaSessionIn):
    """Add a session: it must take place during the event and not clash with another session
    in the same room."""
    event = get_event(request, slug)
    require_manager(request, event)
    return Status(201, _save_session(event, Session(event=event), payload.dict()))


@router.patch(
    "/{slug}/sessions/{session_id}",
    response={200: AgendaSessionOut, **WRITE_ERRORS},
    auth=write_auth,
)
def update_session(request, slug: str, session_id: int, payload: Patch[AgendaSessionIn]):
    event, session = get_session(request, slug, session_id)
    require_manager(request, event)
    return _save_session(event, session, payload)


@router.delete(
    "/{slug}/sessions/{session_id}", response={204: None, **WRITE_ERRORS}, auth=write_auth
)
def delete_session(request, slug: str, session_id: int):
    """Delete a session; its materials stay with the event."""
    event, session = get_session(request, slug, session_id)
    require_manager(request, event)
    services.delete_session(session, by=request.user)
    return Status(204, None)


# Registrations ------------------------------------------------------------------------------


def registration_details(request, data: dict) -> tuple[dict, dict]:
    """The service's keyword arguments from the input, with the registry's defaults."""
    user = request.user
    errors: dict[str, list[str]] = {}
    key = (data.get("organisation") or "").strip()
    org = find(errors, organisation_by_key, key, "organisation") if key else None
    country = data["country"].strip()
    if country:
        code = resolve_country_code(country)
        if code is None:
            errors["country"] = [f"Unknown country code “{country}”."]
    else:
        code = org.country_id if org else None
    if errors:
        raise ValidationError(errors)
    details = {
        "first_name": data["first_name"].strip() or user.first_name,
        "last_name": data["last_name"].strip() or user.last_name,
        "job_title": data["job_title"].strip(),
        "organisation": org,
        "organisation_name": data["organisation_name"].strip() or (org.name if org else ""),
        "organisation_kind": data["organisation_kind"] or (org.kind if org else ""),
        "country_id": code,
        "dietary_needs": data["dietary_needs"].strip(),
        "accessibility_needs": data["accessibility_needs"].strip(),
        "listing_consent": data["listing_consent"],
    }
    return details, data["answers"]


# Input names for the model's fields, so that an error names what the client sent.
REGISTRATION_FIELDS = {"country_id": "country", NON_FIELD_ERRORS: NON_FIELD_ERRORS}


@router.post(
    "/{slug}/registrations", response={201: NewRegistrationOut, **WRITE_ERRORS}, auth=write_auth
)
def register(request, slug: str, payload: RegistrationIn):
    """Register the signed-in user (with their account's e-mail address).

    Confirmed while seats are free, then on the waiting list; waiting for approval when the
    organisers approve registrations. Refused with 400 and the reason when registration is
    closed, when the user is already registered, or when a required answer is missing.
    """
    event = get_event(request, slug)
    try:
        details, answers = registration_details(request, payload.dict())
        registration = services.register_participant(
            event, user=request.user, answers=answers, email=request.user.email, **details
        )
    except ValidationError as error:
        raise rename_fields(error, REGISTRATION_FIELDS) from error
    return Status(201, registration)


@router.get(
    "/{slug}/registrations",
    response={200: list[RegistrationOut], **WRITE_ERRORS},
    auth=write_auth,
)
@paginated()
def list_registrations(request, slug: str, filters: Query[RegistrationFilters]):
    """Everyone registered, with their needs and answers, in registration order.
    Organisers and staff only."""
    event = get_event(request, slug)
    require_manager(request, event)
    qs = (
        event.registrations.select_related("organisation")
        .only(*[f.name for f in Registration._meta.concrete_fields], "organisation__slug")
        .order_by("created", "id")
    )
    return filters.filter(qs)


def _decide(request, slug: str, registration_id: int, approve: bool) -> Registration:
    event = get_event(request, slug)
    require_manager(request, event)
    registration = event.registrations.filter(pk=registration_id).first()
    if registration is None:
        raise Http404("No registration with this number for this event.")
    return services.decide_registration(registration, approve, by=request.user)


@router.post(
    "/{slug}/registrations/{registration_id}/approve",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=write_auth,
)
def approve_registration(request, slug: str, registration_id: int):
    """Approve a pending registration: confirmed if a seat is free, else waiting list."""
    return _decide(request, slug, registration_id, approve=True)


@router.post(
    "/{slug}/registrations/{registration_id}/decline",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=write_auth,
)
def decline_registration(request, slug: str, registration_id: int):
    return _decide(request, slug, registration_id, approve=False)


@router.post("/{slug}/check-in", response={200: RegistrationOut, **WRITE_ERRORS}, auth=write_auth)
def check_in(request, slug: str, payload: CheckInIn):
    """Check a participant in at the door by their ticket code. Confirmed participants only;
    checking in twice keeps the first time."""
    event = get_event(request, slug)
    require_manager(request, event)
    try:
        return services.check_in(event, code=payload.code.strip(), by=request.user)
    except ValidationError as error:
        raise rename_fields(error, {NON_FIELD_ERRORS: "code"}) from error
