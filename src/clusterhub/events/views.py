"""Public pages of the events app: calendar, event page, registration, tickets, summaries."""

from __future__ import annotations

import os
from collections import defaultdict
from itertools import groupby

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterhub.core import stamps
from clusterhub.core.forms import apply_errors
from clusterhub.core.svg import bar_chart

from . import selectors, services
from .forms import CalendarFilterForm, ConsentForm, RegistrationForm
from .models import (
    ACTIVE_STATUSES,
    Event,
    EventOrganiser,
    EventStatus,
    Material,
    Registration,
    RegistrationStatus,
)

PAGE_SIZE = 20


def _can_manage(user, event: Event) -> bool:
    return user.is_authenticated and user.has_perm("events.manage_event", event)


def _visible_event(request, slug: str) -> tuple[Event, bool]:
    """The event of a public page and whether the user manages it; drafts only for organisers."""
    try:
        event = selectors.event_page(slug)
    except Event.DoesNotExist:
        raise Http404 from None
    can_manage = _can_manage(request.user, event)
    if event.status == EventStatus.DRAFT and not can_manage:
        raise Http404
    return event, can_manage


# Calendar -----------------------------------------------------------------------------------


def calendar(request):
    form = CalendarFilterForm(request.GET)
    form.is_valid()  # every field is optional; a bad value only drops that filter
    filters = form.filters()
    events = selectors.calendar_events(**filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    tabs = []
    for value, label in (("upcoming", _("Upcoming")), ("past", _("Past"))):
        tab_params = params.copy()
        tab_params["when"] = value
        tabs.append((value, label, tab_params.urlencode()))
    context = {
        "form": form,
        "page": page,
        "when": filters["when"],
        "tabs": tabs,
        "filtered": form.is_filtered(),
        "querystring": params.urlencode(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "events/calendar_results.html", context)
    return render(request, "events/calendar.html", context)


# Event page ---------------------------------------------------------------------------------


def _person_label(person, organisation, chair: bool = False) -> dict:
    """What the public may see of a speaker or chair: the name only with the person's consent,
    else "Speaker from <organisation>"."""
    organisation = organisation or person.organisation
    if person.public_consent:
        anonymous = ""
    elif organisation is not None:
        anonymous = (_("Someone from %(org)s") if chair else _("Speaker from %(org)s")) % {
            "org": organisation.name
        }
    else:
        anonymous = _("A speaker")
    shown = person.public_consent
    return {
        "name": str(person) if shown else "",
        "anonymous": anonymous,
        "organisation": organisation,
        "bio": person.bio if shown else "",
        "photo": person.photo.url if shown and person.photo else "",
    }


def _agenda(event: Event, materials: list[Material]) -> list[dict]:
    """Sessions grouped by day in the event's time zone, with who speaks and what to download."""
    by_session = defaultdict(list)
    for material in materials:
        if material.session_id:
            by_session[material.session_id].append(material)
    tz = event.tz
    sessions = []
    for session in selectors.agenda_sessions(event):
        session.local_day = session.start.astimezone(tz).date()
        session.chair_label = (
            _person_label(session.chair, session.chair.organisation, chair=True)
            if session.chair
            else None
        )
        session.speaker_labels = [
            {
                **_person_label(speaker.person, speaker.organisation),
                "role": speaker.role,
                "talk_title": speaker.talk_title,
            }
            for speaker in session.speakers.all()
        ]
        session.published_materials = by_session.get(session.pk, [])
        sessions.append(session)
    return [
        {"day": day, "sessions": list(items)}
        for day, items in groupby(sessions, key=lambda s: s.local_day)
    ]


AGENDA_CACHE_SECONDS = 300


def agenda_html(request, event: Event, materials: list[Material], can_manage: bool) -> str:
    """The rendered agenda, cached until the agenda changes (see events.signals).

    The agenda is the same for every visitor and the costly part of the page.
    """
    context = {"event": event, "can_manage": can_manage}
    if can_manage:
        context["days"] = _agenda(event, materials)
        return mark_safe(render_to_string("events/_agenda.html", context, request))
    key = ":".join(
        [
            "events:agenda",
            str(event.pk),
            stamps.current(services.agenda_stamp(event.pk)),
            get_language(),
        ]
    )
    html = cache.get(key)
    if html is None:
        context["days"] = _agenda(event, materials)
        html = render_to_string("events/_agenda.html", context, request)
        cache.set(key, html, AGENDA_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our own template, escaped there


def _booklet_available(event: Event, now=None) -> bool:
    now = now or timezone.now()
    return event.summary_published or event.status == EventStatus.FINISHED or event.end <= now


def detail(request, slug):
    event, can_manage = _visible_event(request, slug)
    materials = list(selectors.published_materials(event))
    now = timezone.now()
    own = None
    if request.user.is_authenticated:
        own = (
            Registration.objects.filter(event=event, user=request.user, status__in=ACTIVE_STATUSES)
            .order_by("-created")
            .first()
        )
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "agenda_html": agenda_html(request, event, materials, can_manage),
            "event_materials": [m for m in materials if not m.session_id],
            "closed_reason": services.registration_closed_reason(event, now=now),
            "seats_left": selectors.seats_left(event),
            "own_registration": own,
            "can_manage": can_manage,
            "booklet_available": can_manage or _booklet_available(event, now),
            "sees_participants": selectors.sees_participants(request.user, event),
            "is_past": event.end <= now,
        },
    )


def material(request, slug, pk):
    event, can_manage = _visible_event(request, slug)
    item = get_object_or_404(Material, pk=pk, event=event)
    if not item.published and not can_manage:
        raise Http404
    if not item.file:  # a link opens from the page itself: no redirect to a typed-in address
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = os.path.basename(item.file.name)
    inline = item.content_type in ("application/pdf", "image/png", "image/jpeg")
    return FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=item.content_type or "application/octet-stream",
    )


# Registration -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request, slug):
    event, _can = _visible_event(request, slug)
    reason = services.registration_closed_reason(event)
    existing = (
        Registration.objects.filter(event=event, user=request.user, status__in=ACTIVE_STATUSES)
        .order_by("-created")
        .first()
    )
    form = RegistrationForm(request.POST or None, event=event, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                registration = services.register_participant(
                    event,
                    user=request.user,
                    answers=form.answers(),
                    sessions=form.chosen_sessions(),
                    **form.details(),
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _outcome_message(registration))
                return redirect("events:ticket", code=registration.ticket_code)
        elif reason:
            form.add_error(None, reason)
    return render(
        request,
        "events/register.html",
        {
            "event": event,
            "form": form,
            "closed_reason": reason,
            "existing": existing,
            "seats_left": selectors.seats_left(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_edit(request, code):
    """The participant changes their own details and answers; organisers cannot."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "country"), ticket_code=code
    )
    if registration.user_id != request.user.pk:
        raise PermissionDenied(_("Only the participant may change their registration."))
    event = registration.event
    initial = {
        field: getattr(registration, field)
        for field in ("first_name", "last_name", "email", "job_title", "organisation_name",
                      "organisation_kind", "dietary_needs", "accessibility_needs")
    } | {"country": registration.country_id}  # fmt: skip
    form = RegistrationForm(request.POST or None, event=event, user=request.user, initial=initial)
    for question in form.questions:
        form.initial[form.question_field(question)] = registration.answers.get(str(question.pk))
    if "chosen_sessions" in form.fields:
        form.initial["chosen_sessions"] = list(
            registration.chosen_sessions.values_list("pk", flat=True)
        )
    del form.fields["listing_consent"]
    if request.method == "POST" and form.is_valid():
        details = form.details()
        details.pop("listing_consent", None)
        try:
            services.update_registration(
                registration,
                request.user,
                answers=form.answers(),
                sessions=form.chosen_sessions(),
                **details,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your registration is changed."))
            return redirect("events:ticket", code=code)
    return render(
        request, "events/registration_edit.html", {"event": event, "form": form, "code": code}
    )


def _outcome_message(registration: Registration) -> str:
    if registration.status == RegistrationStatus.CONFIRMED:
        return _("You are registered. Your ticket is below; we also sent it by e-mail.")
    if registration.status == RegistrationStatus.WAITLISTED:
        return _(
            "The event is full: you are on the waiting list. We will e-mail you when a seat "
            "frees up."
        )
    if registration.status == RegistrationStatus.PENDING:
        return _("Thank you. The organisers will confirm your registration by e-mail.")
    return _("Registration saved.")


# Tickets ------------------------------------------------------------------------------------


def _own_ticket(request, code: str) -> tuple[Registration, bool]:
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__country", "country", "organisation"),
        ticket_code=code,
    )
    can_manage = _can_manage(request.user, registration.event)
    if registration.user_id != request.user.pk and not can_manage:
        raise PermissionDenied(_("This ticket belongs to someone else."))
    return registration, can_manage


def qr_svg(text: str) -> str:
    """A QR code as inline SVG markup (no JavaScript, prints well)."""
    code = segno.make(text, error="m", micro=False)
    return mark_safe(  # segno's own markup; the text is only encoded in it
        code.svg_inline(scale=6, border=2, title=_("Ticket QR code"), svgclass="qr")
    )


@login_required
@require_http_methods(["GET", "POST"])
def ticket(request, code):
    registration, can_manage = _own_ticket(request, code)
    event = registration.event
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            consent = form.cleaned_data["listing_consent"]
            if consent != registration.listing_consent:
                services.set_listing_consent(registration, consent)
            messages.success(
                request,
                _("You appear in the participants' booklet and list.")
                if consent
                else _("You no longer appear in the participants' booklet and list."),
            )
        return redirect("events:ticket", code=code)
    now = timezone.now()
    active = registration.status in ACTIVE_STATUSES
    return render(
        request,
        "events/ticket.html",
        {
            "registration": registration,
            "event": event,
            "qr": qr_svg(registration.ticket_code)
            if registration.status == RegistrationStatus.CONFIRMED
            else "",
            "waitlist_position": selectors.waitlist_position(registration),
            "can_cancel": active and event.end > now,
            "consent_form": ConsentForm(initial={"listing_consent": registration.listing_consent}),
            "is_owner": registration.user_id == request.user.pk,
            "can_manage": can_manage,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, code):
    registration, _can = _own_ticket(request, code)
    if request.method == "GET":  # the link in the e-mails: cancelling takes a click on the ticket
        return HttpResponseRedirect(reverse("events:ticket", args=[code]) + "#cancel")
    if registration.status not in ACTIVE_STATUSES:
        messages.info(request, _("This registration was already cancelled."))
    elif registration.event.end <= timezone.now():
        messages.error(request, _("The event is over: the registration can no longer change."))
    else:
        services.cancel_registration(registration, by=request.user)
        messages.success(request, _("Your registration is cancelled."))
    target = request.POST.get("next")
    if target == "mine":
        return redirect("events:mine")
    return redirect("events:ticket", code=code)


# My events ----------------------------------------------------------------------------------


@login_required
def my_events(request):
    now = timezone.now()
    registrations = selectors.registrations_of(request.user)
    upcoming = list(registrations.filter(event__end__gte=now).order_by("event__start", "id"))
    past = Paginator(registrations.filter(event__end__lt=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    organised = (
        EventOrganiser.objects.filter(user=request.user)
        .select_related("event")
        .order_by("-event__start")[:50]
    )
    return render(
        request,
        "events/my_events.html",
        {"upcoming": upcoming, "past": past, "organised": organised, "now": now},
    )


# Summary ------------------------------------------------------------------------------------


def summary(request, slug):
    event, can_manage = _visible_event(request, slug)
    if not event.summary_published and not can_manage:
        raise Http404
    figures = selectors.attendance(event)
    chart_rows = [(label, registered) for _v, label, registered, _a in figures["by_kind"]]
    return render(
        request,
        "events/summary.html",
        {
            "event": event,
            "materials": list(selectors.published_materials(event).select_related("session")),
            "figures": figures,
            "kind_chart": bar_chart(chart_rows) if figures["registered"] else "",
            "can_manage": can_manage,
            "booklet_available": can_manage or _booklet_available(event),
            "sees_participants": selectors.sees_participants(request.user, event),
        },
    )
