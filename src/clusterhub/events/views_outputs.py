"""Printed and downloaded outputs of an event: booklet and badges (PDF), attendance report,
participant exports (CSV, XLSX) and iCalendar files.

The calendars are public once the event is published; the booklet (which lists only
consenting participants) is for the event's confirmed participants and its organisers, as the
consent asked at registration says. The organisers can preview both while the event is a draft. The
booklet and the badges are built off the request by jobs (``tasks.start_booklet``,
``tasks.start_badges``) and served from the job's stored file. Badges,
the attendance report and the exports are for the event's organisers (and staff) only.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clusterhub.core import jobs
from clusterhub.core.exports import export_csv, export_xlsx
from clusterhub.core.mail import site_link
from clusterhub.core.models import Job, JobStatus
from clusterhub.core.svg import grouped_bar_chart

from . import outputs, selectors, tasks
from .models import Event, EventStatus, Registration, Session, SessionSpeaker


def _visible_event(request, slug: str) -> Event:
    """A published event, or a draft for its organisers; other drafts do not exist."""
    event = get_object_or_404(Event.objects.select_related("host", "country"), slug=slug)
    if event.status == EventStatus.DRAFT and not request.user.has_perm(
        "events.manage_event", event
    ):
        raise Http404
    return event


def _managed_event(request, slug: str) -> Event:
    event = get_object_or_404(Event.objects.select_related("host", "country"), slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers can see this."))
    return event


def _base_url(request) -> str:
    return site_link("/").rstrip("/")


# Booklet ----------------------------------------------------------------------------------------


def _booklet_fingerprint(event: Event) -> str:
    """Changes whenever the event, its agenda, its speakers or its registrations change."""
    registrations = Registration.objects.filter(event=event).aggregate(
        n=Count("id"), last=Max("updated")
    )
    sessions = list(
        Session.objects.filter(event=event)
        .order_by("id")
        .values_list("id", "start", "end", "title", "room", "kind", "chair_id", "description")
    )
    speakers = list(
        SessionSpeaker.objects.filter(session__event=event)
        .order_by("id")
        .values_list(
            "id",
            "session_id",
            "person_id",
            "organisation_id",
            "role",
            "talk_title",
            "order",
            "person__public_consent",
            "person__first_name",
            "person__last_name",
        )
    )
    text = repr((event.updated, registrations, sessions, speakers, translation.get_language()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _pdf_response(job: Job, filename: str) -> HttpResponse:
    with job.result_file.open("rb") as pdf:
        response = HttpResponse(pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _ready(job: Job) -> bool:
    return job.status == JobStatus.DONE and bool(job.result_file)


@login_required
@require_GET
def booklet(request, slug):
    """The participants' booklet as PDF, built off the request by a job.

    Participants get the booklet already built for the current state of the event (its
    fingerprint) or, while it is being built, a short page that reloads itself. Organisers
    always get a booklet of the latest state: one built now, or the job's page with its
    progress when the worker needs longer.
    """
    event = _visible_event(request, slug)
    if not selectors.sees_participants(request.user, event):
        raise PermissionDenied(
            _("The participants' booklet is for the participants and the organisers of the event.")
        )
    manager = request.user.has_perm("events.manage_event", event)
    key = f"event:{event.pk}:{_booklet_fingerprint(event)}"
    filename = f"{event.slug}-booklet.pdf"
    if not manager:
        done = jobs.latest(tasks.BOOKLET, key=key, status=JobStatus.DONE)
        if done is not None and done.result_file:
            return _pdf_response(done, filename)
    job = jobs.refreshed(tasks.start_booklet(event, request.user, key=key))
    if _ready(job):  # built at once (embedded mode)
        return _pdf_response(job, filename)
    if manager or jobs.can_view(request.user, job):
        return redirect(job)
    response = render(
        request,
        "events/booklet_preparing.html",
        {"event": event, "failed": job.status == JobStatus.FAILED},
        status=503 if job.status == JobStatus.FAILED else 202,
    )
    response["Refresh"] = "3"
    response["Retry-After"] = "3"
    return response


# Organisers' outputs ----------------------------------------------------------------------------


@login_required
@require_GET
def badges(request, slug):
    """Badges of the confirmed participants, eight per A4 sheet, built by a job."""
    event = _managed_event(request, slug)
    key = f"event:{event.pk}:{_booklet_fingerprint(event)}"
    job = jobs.refreshed(tasks.start_badges(event, request.user, key=key))
    if _ready(job):
        return _pdf_response(job, f"{event.slug}-badges.pdf")
    return redirect(job)


@login_required
@require_GET
def attendance(request, slug):
    """Registered against attended, in total, by kind of organisation and by country."""
    event = _managed_event(request, slug)
    stats = selectors.attendance(event)
    series = [_("Confirmed"), _("Attended")]
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "stats": stats,
            "basis": outputs.attendance_basis(stats),
            "sentence": outputs.attendance_sentence(stats),
            "kind_chart": grouped_bar_chart(outputs.chart_rows(stats["by_kind"]), series),
            "country_chart": grouped_bar_chart(
                outputs.chart_rows(stats["by_country"], limit=20), series
            ),
            "more_countries": max(0, len(stats["by_country"]) - 20),
        },
    )


@login_required
@require_GET
def participants_export(request, slug, fmt):
    """Every registration with its answers, as CSV or XLSX (formulas neutralised)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    event = _managed_event(request, slug)
    registrations = (
        Registration.objects.filter(event=event).select_related("country").order_by("created", "id")
    )
    rows = outputs.participant_rows(event, registrations.iterator(chunk_size=1000))
    filename = f"{event.slug}-participants"
    if fmt == "xlsx":
        return export_xlsx(rows, filename=filename)
    return export_csv(rows, filename=filename)


# iCalendar --------------------------------------------------------------------------------------


def _ics_response(body: bytes, filename: str, attachment: bool = True) -> HttpResponse:
    response = HttpResponse(body, content_type=outputs.ICS_CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
def event_ics(request, slug):
    event = _visible_event(request, slug)
    return _ics_response(outputs.event_ics(event, _base_url(request)), f"{event.slug}.ics")


@require_GET
def session_ics(request, slug, pk):
    event = _visible_event(request, slug)
    session = get_object_or_404(
        selectors.agenda_sessions(event).select_related("event", "event__country"), pk=pk
    )
    return _ics_response(
        outputs.session_ics(session, _base_url(request)), f"{event.slug}-session-{session.pk}.ics"
    )


@require_GET
def calendar_feed(request):
    """Published events, upcoming and of the last three months, as a subscribable feed."""
    events = selectors.feed_events()
    return _ics_response(
        outputs.feed_ics(events, _base_url(request)), "clusterhub-events.ics", attachment=False
    )
