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
from typing import Any, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, PatchDict, Query, Router, Schema, Status

from clusterhub.core.api import (
    ErrorBody,
    InputSchema,
    OptionalTokenAuth,
    Page,
    PageParams,
    TokenAuth,
    paginate,
    validation_error_body,
)
from clusterhub.reference.models import Ecosystem, NutsRegion
from clusterhub.reference.selectors import resolve_country_code
from clusterhub.registry.models import Organisation, OrganisationKind, Person

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
read_auth = OptionalTokenAuth()
write_auth = TokenAuth()

WRITE_ERRORS = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody}
# Far enough back that "upcoming" means "all" (the calendar selector filters on end >= now).
ALL_TIME = datetime(1900, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))


def can_manage(request, event: Event) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.has_perm("events.manage_event", event))


def require_manager(request, event: Event) -> None:
    if not can_manage(request, event):
        raise PermissionDenied("Only the event's organisers may do this.")


def visible_event(request, event: Event | None) -> Event:
    """The event, or 404 when there is none or it is a draft the requester does not manage."""
    if event is None or (event.status == EventStatus.DRAFT and not can_manage(request, event)):
        raise Http404("No event at this address.")
    return event


def get_event(request, slug: str) -> Event:
    return visible_event(request, Event.objects.filter(slug=slug).first())


def local(value: datetime | None, event: Event) -> datetime | None:
    return value.astimezone(event.tz) if value else None


def aware(value: datetime | None, tz: zoneinfo.ZoneInfo) -> datetime | None:
    """Input times without an offset are read in the event's time zone."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, tz)
    return value


def rename_fields(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The error with the fields named as the client sent them (``question_3`` → ``answers.3``)."""
    if not hasattr(error, "error_dict"):
        if NON_FIELD_ERRORS in names:
            return ValidationError({names[NON_FIELD_ERRORS]: error.messages})
        return error
    renamed: dict[str, list] = {}
    for field, messages in error.message_dict.items():
        if field.startswith("question_"):
            key = "answers." + field.removeprefix("question_")
        else:
            key = names.get(field, field)
        renamed.setdefault(key, []).extend(messages)
    return ValidationError(renamed)


def error_response(error: ValidationError):
    """400 whose ``detail`` is the message itself when there is one (e.g. why it is closed)."""
    body = validation_error_body(error)
    if len(body["errors"]) == 1:
        body["detail"] = body["errors"][0]["message"]
    return Status(400, body)


# Schemas: reading ---------------------------------------------------------------------------


class OrganisationRef(Schema):
    slug: str
    name: str


class EventFields(Schema):
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


class EventItem(EventFields):
    @staticmethod
    def resolve_start(obj) -> datetime:
        return local(obj.start, obj)

    @staticmethod
    def resolve_end(obj) -> datetime:
        return local(obj.end, obj)

    @staticmethod
    def resolve_ecosystems(obj) -> list[str]:
        return [e.slug for e in obj.ecosystems.all()]

    @staticmethod
    def resolve_seats_left(obj) -> int | None:
        if obj.capacity is None:
            return None
        confirmed = getattr(obj, "confirmed", None)
        if confirmed is None:
            confirmed = services.confirmed_count(obj)
        return max(0, obj.capacity - confirmed)

    @staticmethod
    def resolve_registration_open(obj) -> bool:
        return services.registration_closed_reason(obj) is None

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class PersonRef(Schema):
    name: str | None = Field(description="Only when the person agreed to be shown publicly.")
    organisation: str | None
    person_id: int | None = Field(None, description="For the event's organisers only.")


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
    session: int | None


class SessionOut(Schema):
    id: int
    title: str
    kind: str
    start: datetime
    end: datetime
    room: str
    description: str
    chair: PersonRef | None
    speakers: list[SpeakerOut]


class QuestionOut(Schema):
    id: int
    label: str
    kind: str
    choices: list[str]
    required: bool


class EventOut(EventFields):
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
    sessions: list[SessionOut]
    materials: list[MaterialOut]
    outcomes: str = Field(description="Once the summary is published.")
    recommendations: str
    can_manage: bool


def person_ref(person: Person | None, organisation, manager: bool) -> dict | None:
    if person is None:
        return None
    organisation = organisation or person.organisation
    return {
        "name": f"{person.first_name} {person.last_name}"
        if person.public_consent or manager
        else None,
        "organisation": organisation.name if organisation else None,
        "person_id": person.pk if manager else None,
    }


def session_out(session: Session, event: Event, manager: bool) -> dict:
    speakers = []
    for speaker in session.speakers.all():
        ref = person_ref(speaker.person, speaker.organisation, manager)
        speakers.append({**ref, "role": speaker.role, "talk_title": speaker.talk_title})
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "start": local(session.start, event),
        "end": local(session.end, event),
        "room": session.room,
        "description": session.description,
        "chair": person_ref(session.chair, None, manager),
        "speakers": speakers,
    }


def material_out(material, event: Event) -> dict:
    return {
        "id": material.pk,
        "title": material.title,
        "kind": material.kind,
        "url": material.url or reverse("events:material", args=[event.slug, material.pk]),
        "content_type": material.content_type,
        "size": material.size,
        "session": material.session_id,
    }


def event_detail(request, slug: str) -> dict:
    try:
        event = selectors.event_page(slug)
    except Event.DoesNotExist:
        raise Http404("No event at this address.") from None
    visible_event(request, event)
    manager = can_manage(request, event)
    summary = event.summary_published or manager
    return {
        **{name: getattr(event, name) for name in EVENT_TEXT_FIELDS},
        "slug": event.slug,
        "status": event.status,
        "kind": event.kind,
        "start": local(event.start, event),
        "end": local(event.end, event),
        "timezone": event.timezone,
        "country_id": event.country_id,
        "nuts_region_id": event.nuts_region_id,
        "is_online": event.is_online,
        "host": event.host,
        "ecosystems": [e.slug for e in event.ecosystems.all()],
        "co_organisers": list(event.co_organisers.all()),
        "capacity": event.capacity,
        "seats_left": selectors.seats_left(event),
        "registration_open": services.registration_closed_reason(event) is None,
        "registration_closed_reason": services.registration_closed_reason(event),
        "registration_opens": local(event.registration_opens, event),
        "registration_closes": local(event.registration_closes, event),
        "requires_approval": event.requires_approval,
        "questions": [
            {
                "id": q.pk,
                "label": q.label,
                "kind": q.kind,
                "choices": q.choice_list,
                "required": q.required,
            }
            for q in event.questions.all()
        ],
        "sessions": [session_out(s, event, manager) for s in selectors.agenda_sessions(event)],
        "materials": [material_out(m, event) for m in selectors.published_materials(event)],
        "outcomes": event.outcomes if summary else "",
        "recommendations": event.recommendations if summary else "",
        "url": event.get_absolute_url(),
        "can_manage": manager,
    }


# Schemas: writing ---------------------------------------------------------------------------


class EventIn(InputSchema):
    title: str = Field(max_length=300)
    kind: Literal[tuple(EventKind.values)]  # type: ignore[valid-type]
    start: datetime = Field(description="Without an offset: in the event's time zone.")
    end: datetime
    timezone: str = Field("Europe/Brussels", description="IANA name, e.g. Europe/Paris.")
    status: Literal[tuple(EventStatus.values)] = EventStatus.DRAFT  # type: ignore[valid-type]
    topic: str = ""
    target_audience: str = ""
    description: str = ""
    host: str | None = Field(None, description="Address (slug) of the hosting organisation.")
    co_organisers: list[str] = Field([], description="Addresses (slugs) of organisations.")
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
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    requires_approval: bool = False
    ecosystems: list[str] = Field([], description="Slugs, see /reference/ecosystems.")
    outcomes: str = ""
    recommendations: str = ""
    summary_published: bool = False


EVENT_TEXT_FIELDS = (
    "title",
    "topic",
    "target_audience",
    "description",
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
    "kind",
    "status",
    "timezone",
    "capacity",
    "requires_approval",
    "summary_published",
)
EVENT_TIMES = ("start", "end", "registration_opens", "registration_closes")


def organisations_by_slug(slugs: list[str], field: str, errors: dict) -> list[Organisation]:
    wanted = list(dict.fromkeys(s.strip() for s in slugs if s and s.strip()))
    found = {o.slug: o for o in Organisation.objects.filter(slug__in=wanted)}
    unknown = [s for s in wanted if s not in found]
    if unknown:
        errors[field] = [f"No organisation at the address(es): {', '.join(unknown)}."]
    return [found[s] for s in wanted if s in found]


def apply_event(event: Event, data: dict) -> dict:
    """Copy input onto ``event``; returns the keyword arguments of ``save_event``."""
    errors: dict[str, list[str]] = {}
    for name in EVENT_TEXT_FIELDS:
        if name in data:
            value = data[name] or ""
            setattr(event, name, value if name == "description" else value.strip())
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
        hosts = organisations_by_slug([data["host"] or ""], "host", errors)
        event.host = hosts[0] if hosts else None
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
    if "co_organisers" in data and data["co_organisers"] is not None:
        extra["co_organisers"] = organisations_by_slug(
            data["co_organisers"], "co_organisers", errors
        )
    if "ecosystems" in data and data["ecosystems"] is not None:
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
        None, description="Address (slug); empty: the person's own organisation."
    )
    role: str = ""
    talk_title: str = ""


class SessionIn(InputSchema):
    title: str = Field(max_length=400)
    kind: Literal[tuple(SessionKind.values)] = SessionKind.PRESENTATION  # type: ignore[valid-type]
    start: datetime = Field(description="Without an offset: in the event's time zone.")
    end: datetime
    room: str = ""
    description: str = ""
    chair: int | None = Field(None, description="Id of a person of the registry.")
    speakers: list[SpeakerIn] | None = Field(
        None, description="Replaces the session's speakers; omitted: unchanged."
    )


def apply_session(session: Session, event: Event, data: dict) -> list | None:
    errors: dict[str, list[str]] = {}
    for name in ("title", "kind", "room", "description"):
        if name in data:
            value = data[name] or ""
            setattr(session, name, value.strip() if name != "description" else value)
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
        slugs = [item["organisation"] for item in items if item.get("organisation")]
        orgs = Organisation.objects.in_bulk(slugs, field_name="slug")
        speakers = []
        for i, item in enumerate(items):
            person = people.get(item["person"])
            if person is None:
                errors[f"speakers.{i}.person"] = [f"No person with id {item['person']}."]
                continue
            org = None
            if item.get("organisation"):
                org = orgs.get(item["organisation"])
                if org is None:
                    errors[f"speakers.{i}.organisation"] = [
                        f"No organisation at the address “{item['organisation']}”."
                    ]
            speakers.append(
                services.SpeakerInput(
                    person=person,
                    organisation=org,
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
        None, description="Address (slug) of the participant's organisation in the registry."
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
    waitlist_position: int | None = None
    first_name: str
    last_name: str
    email: str
    job_title: str
    organisation: str | None
    organisation_name: str
    organisation_kind: str
    country: str
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


def registration_out(registration: Registration, event: Event, position: bool = False) -> dict:
    return {
        "id": registration.pk,
        "event": event.slug,
        "event_title": event.title,
        "status": registration.status,
        "waitlist_position": selectors.waitlist_position(registration) if position else None,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "job_title": registration.job_title,
        "organisation": registration.organisation.slug if registration.organisation else None,
        "organisation_name": registration.organisation_name,
        "organisation_kind": registration.organisation_kind,
        "country": registration.country_id,
        "dietary_needs": registration.dietary_needs,
        "accessibility_needs": registration.accessibility_needs,
        "answers": registration.answers,
        "listing_consent": registration.listing_consent,
        "listing_consent_at": registration.listing_consent_at,
        "ticket_code": registration.ticket_code,
        "ticket_url": reverse("events:ticket", args=[registration.ticket_code]),
        "cancel_url": reverse("events:cancel", args=[registration.ticket_code]),
        "checked_in_at": local(registration.checked_in_at, event),
        "created": registration.created,
    }


class RegistrationFilters(Schema):
    status: list[Literal[tuple(RegistrationStatus.values)]] = []  # type: ignore[valid-type]
    q: str = Field("", description="Words of the name, e-mail or organisation.")


class CheckInIn(InputSchema):
    code: str = Field(description="The ticket code (what the QR code holds).")


# Own registrations (before /{slug}: "registrations" is never an event's address) -------------


@router.get(
    "/registrations", response={200: Page[RegistrationOut], 401: ErrorBody}, auth=write_auth
)
def my_registrations(request, page: Query[PageParams]):
    """The signed-in user's registrations, latest event first."""
    qs = (
        selectors.registrations_of(request.user)
        .select_related("organisation")
        .defer("organisation__description", "organisation__search_document")
    )
    result = paginate(request, qs, page)
    result["items"] = [registration_out(r, r.event) for r in result["items"]]
    return result


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
        registration.user_id != request.user.pk and not can_manage(request, registration.event)
    ):
        raise Http404("No registration of yours with this number.")
    event = registration.event
    registration = services.cancel_registration(registration, by=request.user)
    return registration_out(registration, event)


# Events -------------------------------------------------------------------------------------


class EventFilters(Schema):
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


@router.get("", response={200: Page[EventItem], 400: ErrorBody, 422: ErrorBody}, auth=read_auth)
def list_events(request, filters: Query[EventFilters], page: Query[PageParams]):
    """The public calendar, with the same filters as its page."""
    countries = []
    for value in filters.country:
        for part in value.split(","):
            if part.strip():
                code = resolve_country_code(part)
                if code is None:
                    raise ValidationError({"country": [f"Unknown country code “{part}”."]})
                countries.append(code)
    tz = timezone.get_current_timezone()
    qs = selectors.calendar_events(
        when="past" if filters.when == "past" else "upcoming",
        now=ALL_TIME if filters.when == "all" else None,
        kinds=filters.kind,
        countries=countries,
        regions=[r.strip().upper() for r in filters.region if r.strip()],
        ecosystems=filters.ecosystem,
        date_from=timezone.make_aware(datetime.combine(filters.date_from, time.min), tz)
        if filters.date_from
        else None,
        date_to=timezone.make_aware(
            datetime.combine(filters.date_to + timedelta(days=1), time.min), tz
        )
        if filters.date_to
        else None,
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
    qs = qs.defer(
        "description",
        "outcomes",
        "recommendations",
        "host__description",
        "host__search_document",
        "nuts_region__geometry",
        "nuts_region__svg_path",
    ).annotate(confirmed=Coalesce(Subquery(confirmed, output_field=IntegerField()), 0))
    return paginate(request, qs, page)


@router.post("", response={201: EventOut, **WRITE_ERRORS}, auth=write_auth)
def create_event(request, payload: EventIn):
    """Create an event (a draft unless a status is given); its creator joins its team."""
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied("You may not create events.")
    event = Event()
    extra = apply_event(event, payload.dict())
    services.save_event(event, created_by=request.user, **extra)
    return Status(201, event_detail(request, event.slug))


@router.get("/{slug}", response={200: EventOut, 404: ErrorBody}, auth=read_auth)
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
def update_event(request, slug: str, payload: PatchDict[EventIn]):
    """Change some fields. A capacity below the confirmed participants is refused; a higher
    one moves people up from the waiting list."""
    return _update_event(request, slug, payload)


# Agenda -------------------------------------------------------------------------------------


def get_session(request, slug: str, session_id: int) -> tuple[Event, Session]:
    event = get_event(request, slug)
    session = Session.objects.filter(event=event, pk=session_id).first()
    if session is None:
        raise Http404("No session with this number in this event.")
    return event, session


def session_detail(request, event: Event, session_id: int) -> dict:
    session = selectors.agenda_sessions(event).get(pk=session_id)
    return session_out(session, event, can_manage(request, event))


@router.get("/{slug}/sessions", response={200: Page[SessionOut], 404: ErrorBody}, auth=read_auth)
def list_sessions(request, slug: str, page: Query[PageParams]):
    """The agenda in time order."""
    event = get_event(request, slug)
    manager = can_manage(request, event)
    result = paginate(request, selectors.agenda_sessions(event), page)
    result["items"] = [session_out(s, event, manager) for s in result["items"]]
    return result


def _save_session(request, event: Event, session: Session, data: dict) -> Session:
    speakers = apply_session(session, event, data)
    with transaction.atomic():  # the session and its speakers, all or nothing
        services.save_session(session)
        if speakers is not None:
            services.set_speakers(session, speakers)
    return session


@router.post("/{slug}/sessions", response={201: SessionOut, **WRITE_ERRORS}, auth=write_auth)
def create_session(request, slug: str, payload: SessionIn):
    """Add a session: it must take place during the event and not clash with another session
    in the same room."""
    event = get_event(request, slug)
    require_manager(request, event)
    session = _save_session(request, event, Session(event=event), payload.dict())
    return Status(201, session_detail(request, event, session.pk))


@router.patch(
    "/{slug}/sessions/{session_id}", response={200: SessionOut, **WRITE_ERRORS}, auth=write_auth
)
def update_session(request, slug: str, session_id: int, payload: PatchDict[SessionIn]):
    event, session = get_session(request, slug, session_id)
    require_manager(request, event)
    _save_session(request, event, session, payload)
    return session_detail(request, event, session.pk)


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
    org = None
    if data.get("organisation"):
        org = Organisation.objects.filter(slug=data["organisation"].strip()).first()
        if org is None:
            errors["organisation"] = [f"No organisation at the address “{data['organisation']}”."]
    country = (data.get("country") or "").strip()
    if country:
        code = resolve_country_code(country)
        if code is None:
            errors["country"] = [f"Unknown country code “{country}”."]
    else:
        code = org.country_id if org else None
    if errors:
        raise ValidationError(errors)
    details = {
        "first_name": (data.get("first_name") or "").strip() or user.first_name,
        "last_name": (data.get("last_name") or "").strip() or user.last_name,
        "job_title": (data.get("job_title") or "").strip(),
        "organisation": org,
        "organisation_name": (data.get("organisation_name") or "").strip()
        or (org.name if org else ""),
        "organisation_kind": data.get("organisation_kind") or (org.kind if org else ""),
        "country_id": code,
        "dietary_needs": (data.get("dietary_needs") or "").strip(),
        "accessibility_needs": (data.get("accessibility_needs") or "").strip(),
        "listing_consent": bool(data.get("listing_consent")),
    }
    return details, data.get("answers") or {}


# Input names for the model's fields, so that an error names what the client sent.
REGISTRATION_FIELDS = {"country_id": "country", NON_FIELD_ERRORS: NON_FIELD_ERRORS}


@router.post(
    "/{slug}/registrations", response={201: RegistrationOut, **WRITE_ERRORS}, auth=write_auth
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
        return error_response(rename_fields(error, REGISTRATION_FIELDS))
    return Status(201, registration_out(registration, event, position=True))


@router.get(
    "/{slug}/registrations",
    response={200: Page[RegistrationOut], **WRITE_ERRORS},
    auth=write_auth,
)
def list_registrations(
    request, slug: str, filters: Query[RegistrationFilters], page: Query[PageParams]
):
    """Everyone registered, with their needs and answers, in registration order.
    Organisers and staff only."""
    event = get_event(request, slug)
    require_manager(request, event)
    qs = (
        Registration.objects.filter(event=event)
        .select_related("organisation")
        .only(*[f.name for f in Registration._meta.concrete_fields], "organisation__slug")
        .order_by("created", "id")
    )
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    for word in filters.q.split():
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation_name__icontains=word)
        )
    result = paginate(request, qs, page)
    result["items"] = [registration_out(r, event) for r in result["items"]]
    return result


def _decide(request, slug: str, registration_id: int, approve: bool):
    event = get_event(request, slug)
    require_manager(request, event)
    registration = Registration.objects.filter(event=event, pk=registration_id).first()
    if registration is None:
        raise Http404("No registration with this number for this event.")
    try:
        registration = services.decide_registration(registration, approve, by=request.user)
    except ValidationError as error:
        return error_response(error)
    return registration_out(registration, event)


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
        registration = services.check_in(event, code=payload.code.strip(), by=request.user)
    except ValidationError as error:
        return error_response(rename_fields(error, {NON_FIELD_ERRORS: "code"}))
    return registration_out(registration, event)
