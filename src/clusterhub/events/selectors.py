"""Read queries of the events app used in more than one place (pages, PDFs, API, bench)."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from clusterhub.reference.names import country_name
from clusterhub.registry.models import OrganisationKind

from .models import (
    ACTIVE_STATUSES,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)


def sees_participants(user, event: Event) -> bool:
    """Whether ``user`` may see who takes part (booklet, participant list): the event's
    organisers and staff, and its confirmed participants. This is what the consent asked at
    registration promises; nobody else sees the names."""
    if not user.is_authenticated:
        return False
    if user.has_perm("events.manage_event", event):
        return True
    return Registration.objects.filter(
        event=event, user=user, status=RegistrationStatus.CONFIRMED
    ).exists()


def attendance(event: Event) -> dict:
    """Confirmed registrations ("registered") against check-ins ("attended"), in total, by
    organisation kind (in the kinds' order) and by country (most participants first).

    ``{"registered": int, "attended": int,
       "by_kind": [(kind_value, label, registered, attended)],
       "by_country": [(code, name, registered, attended)]}``
    """
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    counts = {
        "registered": Count("id"),
        "attended": Count("id", filter=Q(checked_in_at__isnull=False)),
    }
    totals = confirmed.aggregate(**counts)
    kinds = {
        row["organisation_kind"]: row
        for row in confirmed.values("organisation_kind").annotate(**counts).order_by()
    }
    labels = dict(OrganisationKind.choices)
    by_kind = [
        (value, str(labels[value]), kinds[value]["registered"], kinds[value]["attended"])
        for value in OrganisationKind.values
        if value in kinds
    ]
    by_kind += [  # a kind no longer offered, kept so that the totals add up
        (value, value, row["registered"], row["attended"])
        for value, row in kinds.items()
        if value not in labels
    ]
    by_country = [
        (
            row["country_id"],
            country_name(row["country_id"], row["country__name"]),
            row["registered"],
            row["attended"],
        )
        for row in confirmed.values("country_id", "country__name")
        .annotate(**counts)
        .order_by("-registered", "country__name")
    ]
    return {
        "registered": totals["registered"] or 0,
        "attended": totals["attended"] or 0,
        "by_kind": by_kind,
        "by_country": by_country,
    }


def agenda_sessions(event: Event) -> QuerySet[Session]:
    """The event's sessions in time order, with chair and speakers (person, organisation).
    Each session knows ``event`` (and each speaker its session) without a query."""
    speakers = SessionSpeaker.objects.select_related(
        "person", "person__organisation", "organisation"
    ).order_by("order", "id")
    return (
        event.sessions.select_related("chair", "chair__organisation")
        .prefetch_related(Prefetch("speakers", queryset=speakers))
        .order_by("start", "room", "id")
    )


def listed_participants(event: Event) -> QuerySet[Registration]:
    """Confirmed participants who consented to appear in the booklet and participant list."""
    return (
        Registration.objects.filter(
            event=event, status=RegistrationStatus.CONFIRMED, listing_consent=True
        )
        .select_related("country", "organisation")
        .only(
            "first_name",
            "last_name",
            "job_title",
            "organisation_name",
            "organisation_kind",
            "country__code",
            "country__name",
            "organisation__legal_name",
            "organisation__short_name",
        )
        .order_by("last_name", "first_name", "id")
    )


def confirmed_registrations(event: Event) -> QuerySet[Registration]:
    """Confirmed participants (badges, check-in lists), by last name."""
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
        .select_related("country", "organisation")
        .order_by("last_name", "first_name", "id")
    )


# Public pages: calendar, event page, tickets ------------------------------------------------


def public_events() -> QuerySet[Event]:
    """Events everyone may see (all but drafts)."""
    from .models import PUBLIC_STATUSES

    return Event.objects.filter(status__in=PUBLIC_STATUSES)


def calendar_events(
    *,
    when: str = "upcoming",
    words: list[str] | None = None,
    kinds: list[str] | None = None,
    countries: list[str] | None = None,
    regions: list[str] | None = None,
    ecosystems: list[str] | None = None,
    date_from=None,
    date_to=None,
    online: bool = False,
    now=None,
) -> QuerySet[Event]:
    """The public calendar: upcoming events soonest first, or past events latest first.

    ``words`` must all appear in the title, description, city or host's name (any case).
    ``regions`` are NUTS code prefixes (``FRK`` also finds ``FRK26``); ``date_from`` and
    ``date_to`` are aware datetimes bounding the time the event takes place.
    """
    from django.utils import timezone

    now = now or timezone.now()
    qs = public_events().select_related("host", "country", "nuts_region")
    if when == "past":
        qs = qs.filter(end__lt=now).order_by("-start", "id")
    else:
        qs = qs.filter(end__gte=now).order_by("start", "id")
    for word in words or []:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(city__icontains=word)
            | Q(host__legal_name__icontains=word)
            | Q(host__short_name__icontains=word)
        )
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if countries:
        qs = qs.filter(country_id__in=countries)
    if regions:
        match = Q()
        for prefix in regions:
            match |= Q(nuts_region__code__startswith=prefix)
        qs = qs.filter(match)
    if ecosystems:
        qs = qs.filter(
            pk__in=Event.ecosystems.through.objects.filter(ecosystem_id__in=ecosystems).values(
                "event_id"
            )
        )
    if date_from is not None:
        qs = qs.filter(end__gte=date_from)
    if date_to is not None:
        qs = qs.filter(start__lt=date_to)
    if online:
        qs = qs.exclude(online_url="")
    return qs.prefetch_related("ecosystems")


def event_page(slug: str) -> Event:
    """An event with what its page shows: organisers, place, ecosystems (raises DoesNotExist).

    The agenda comes from ``agenda_sessions`` and the materials from ``published_materials``.
    """
    return (
        Event.objects.select_related(
            "host", "country", "nuts_region__parent__parent", "host__country"
        )
        .defer(
            "nuts_region__geometry",
            "nuts_region__svg_path",
            "nuts_region__parent__geometry",
            "nuts_region__parent__svg_path",
            "nuts_region__parent__parent__geometry",
            "nuts_region__parent__parent__svg_path",
        )
        .prefetch_related("co_organisers", "ecosystems")
        .get(slug=slug)
    )


def published_materials(event: Event) -> QuerySet:
    """The event's published materials (files and links), session by session; each knows
    ``event`` without a query."""
    return (
        event.materials.filter(published=True)
        .select_related("speaker__person")
        .order_by("session__start", "session_id", "title", "id")
    )


def seats_left(event: Event) -> int | None:
    """Capacity minus confirmed participants; None when the event has no limit."""
    if event.capacity is None:
        return None
    confirmed = Registration.objects.filter(
        event=event, status=RegistrationStatus.CONFIRMED
    ).count()
    return max(0, event.capacity - confirmed)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to move up; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(
            event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(created__lt=registration.created)
            | Q(created=registration.created, id__lt=registration.pk)
        )
        .count()
    )
    return ahead + 1


def registrations_of(user) -> QuerySet[Registration]:
    """A user's registrations with their events, latest event first."""
    return (
        Registration.objects.filter(user=user)
        .select_related("event", "event__country")
        .order_by("-event__start", "-id")
    )


def feed_events(now=None, recent_days: int = 90, limit: int = 500) -> QuerySet[Event]:
    """Published events (cancelled ones too, so calendars learn it) that end in the future or
    ended in the last ``recent_days`` days, soonest first: the public iCalendar feed."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import PUBLIC_STATUSES

    since = (now or timezone.now()) - timedelta(days=recent_days)
    return (
        Event.objects.filter(status__in=PUBLIC_STATUSES, end__gte=since)
        .select_related("country")
        .order_by("start", "id")[:limit]
    )


def registration_figures(event: Event) -> dict:
    """The organisers' key figures in one query: registrations by status, check-ins (of
    confirmed participants) and seats left (None when the event has no limit)."""
    figures = Registration.objects.filter(event=event).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in RegistrationStatus.values},
        checked_in=Count(
            "id", filter=Q(status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False)
        ),
    )
    figures = {key: value or 0 for key, value in figures.items()}
    figures["seats_left"] = (
        None if event.capacity is None else max(0, event.capacity - figures["confirmed"])
    )
    return figures


def can_manage(user, event: Event) -> bool:
    """Whether ``user`` organises ``event`` (or is staff)."""
    return bool(user and user.is_authenticated and user.has_perm("events.manage_event", event))


def visible_event(user, slug: str, queryset: QuerySet[Event] | None = None) -> Event:
    """The event at ``slug`` as ``user`` may see it: a draft is there only for its organisers.
    Raises ``Event.DoesNotExist`` otherwise, so pages and API answer 404 alike. ``queryset``
    brings what the caller shows with the event (``select_related``, ``prefetch_related``)."""
    event = (Event.objects.all() if queryset is None else queryset).filter(slug=slug).first()
    if event is None or (event.status == EventStatus.DRAFT and not can_manage(user, event)):
        raise Event.DoesNotExist(slug)
    return event


def sessions_since(since) -> QuerySet[Session]:
    """Sessions of public events from ``since`` on (e.g. where a call announces its results)."""
    return (
        Session.objects.filter(event__in=public_events(), start__gte=since)
        .select_related("event")
        .order_by("start")
    )


def delivery_facts(event_ids, now=None) -> dict[int, dict]:
    """What happened at these events, for the plans that count them: ``{id: {"title", "url",
    "date", "held", "participants"}}``. An event is held once it has ended and was not
    cancelled nor left in draft; its participants are its confirmed registrations."""
    from django.utils import timezone

    now = now or timezone.now()
    rows = (
        Event.objects.filter(pk__in=list(event_ids))
        .annotate(confirmed=Count("registrations",
                                  filter=Q(registrations__status=RegistrationStatus.CONFIRMED)))
        .only("pk", "title", "slug", "start", "end", "status")
    )  # fmt: skip
    facts = {}
    for event in rows:
        held = event.end <= now and event.status not in (EventStatus.DRAFT, EventStatus.CANCELLED)
        facts[event.pk] = {"title": event.title, "url": event.get_absolute_url(),
                           "date": event.start.date(), "held": held,
                           "participants": event.confirmed if held else 0}  # fmt: skip
    return facts


def events_of(organisation_ids) -> QuerySet[Event]:
    """Events hosted or co-organised by these organisations (drafts left out), latest first."""
    return (
        Event.objects.exclude(status=EventStatus.DRAFT)
        .filter(Q(host_id__in=organisation_ids) | Q(co_organisers__in=organisation_ids))
        .distinct().order_by("-start").only("pk", "title", "start")
    )  # fmt: skip


def insight_figures(organisation_ids=None, region: str | None = None) -> dict:
    """Event participation for a dashboard (confirmed registrations): by triple-helix kind,
    by country, and by year and kind; events of the network's organisations or held in the
    region. A fixed number of aggregate queries."""
    from clusterhub.core.aggregates import among, year_of
    from clusterhub.reference.models import Country

    events = Event.objects.exclude(status__in=[EventStatus.DRAFT, EventStatus.CANCELLED])
    if organisation_ids is not None:
        events = events.filter(
            among("host_id", organisation_ids) | among("co_organisers", organisation_ids)
        ).distinct()
    if region:
        events = events.filter(nuts_region__code__startswith=region)
    confirmed = Registration.objects.filter(event__in=events.values("pk"),
                                            status=RegistrationStatus.CONFIRMED)  # fmt: skip
    kinds = dict(OrganisationKind.choices)
    # Two scans of one covering index: by event and kind (years come from the events), and by
    # country; the rest is added up here.
    years = dict(events.annotate(y=year_of("start")).values_list("pk", "y"))
    by_kind: dict[str, int] = {}
    table: dict[tuple[str, str], int] = {}
    for event_id, kind, n in (confirmed.values_list("event_id", "organisation_kind")
                              .annotate(n=Count("*")).order_by()):  # fmt: skip
        by_kind[kind] = by_kind.get(kind, 0) + n
        key = (years.get(event_id, ""), kind)
        table[key] = table.get(key, 0) + n
    by_country = dict(confirmed.values_list("country_id").annotate(n=Count("*")).order_by())
    countries = dict(Country.objects.values_list("code", "name"))
    order = [k for k in OrganisationKind.values if k in by_kind] + [
        k for k in by_kind if k not in kinds
    ]
    years_seen = sorted({y for y, _k in table})
    return {
        "events": len(years),
        "participants": sum(by_kind.values()),
        "kinds": [str(kinds.get(k, k or "—")) for k in order],
        "by_kind": [(str(kinds.get(k, k or "—")), by_kind[k]) for k in order],
        "by_country": sorted(((countries.get(c, c or "—"), n) for c, n in by_country.items()),
                             key=lambda r: (-r[1], r[0])),
        "by_year": [(str(y), [table.get((y, k), 0) for k in order]) for y in years_seen],
    }  # fmt: skip


def session_choices(event: Event) -> dict[int, int]:
    """How many active registrations chose each session of ``event`` (one query)."""
    rows = (
        Registration.chosen_sessions.through.objects.filter(
            session__event=event, registration__status__in=ACTIVE_STATUSES
        )
        .values("session_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["session_id"]: row["n"] for row in rows}
