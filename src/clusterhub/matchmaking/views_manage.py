"""The organisers' B2B screens (``events.manage_event``), under /events/<slug>/b2b/manage/.

Set-up (meeting length, sessions and breaks, tables, remote meetings and their video links,
request rules), participant types and who may request whom, the participants' types and own
tables, the scheduler with its grid of tables × slots, moves and locks by hand, publication of
the preliminary then final agendas, the printed table plans, the no-shows and the statistics
after the event. Every write goes through :mod:`clusterhub.matchmaking.services`.

Routes (names in the ``matchmaking`` namespace)::

    events/<slug:slug>/b2b/manage/                      setup              manage
    events/<slug:slug>/b2b/manage/sessions/<int:pk>/    session_edit       manage-session
    events/<slug:slug>/b2b/manage/types/                types              manage-types
    events/<slug:slug>/b2b/manage/participants/         participants       manage-participants
    events/<slug:slug>/b2b/manage/schedule/             schedule           manage-schedule
    events/<slug:slug>/b2b/manage/meetings/<int:pk>/    meeting            manage-meeting
    events/<slug:slug>/b2b/manage/table-plans.pdf       table_plans        manage-table-plans
    events/<slug:slug>/b2b/manage/no-shows/             no_shows           manage-no-shows
    events/<slug:slug>/b2b/manage/statistics/           statistics         manage-statistics
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from decimal import ROUND_FLOOR, Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from clusterhub.core import jobs
from clusterhub.core.forms import apply_errors, error_text
from clusterhub.core.models import JobStatus
from clusterhub.core.svg import bar_chart
from clusterhub.core.templatetags.jobs import panel_context
from clusterhub.events.models import Event

from . import services, tasks
from .forms_manage import (
    MEETING_LENGTHS,
    MatchmakingForm,
    MoveForm,
    ParticipantSetupForm,
    SessionForm,
    TypeForm,
    VideoLinksForm,
    VideoUrlForm,
    participant_label,
)
from .models import (
    Matchmaking,
    MatchmakingSession,
    Meeting,
    MeetingSlot,
    Outcome,
    Participant,
    ParticipantType,
    RequestStatus,
    ScheduleState,
)

PAGE_SIZE = 50


# Helpers ---------------------------------------------------------------------------------------


def _managed(request, slug) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers can manage it."))
    return event


def _matchmaking(event: Event) -> Matchmaking | None:
    return Matchmaking.objects.filter(event=event).select_related("event").first()


def _render(request, template: str, context: dict):
    """Render with the event's time zone active: dates on the page are the event's local time."""
    with timezone.override(context["event"].tz):
        return render(request, template, context)


def _not_set_up(request, event: Event):
    messages.info(request, _("Set up the B2B meetings of this event first."))
    return redirect("matchmaking:manage", slug=event.slug)


def _row(model, pk, **scope):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(model, pk=pk, **scope)


def _natural(label: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", label))


def table_labels(matchmaking: Matchmaking) -> list[str]:
    """The numbered tables, then the participants' own tables and booths, then any other
    table a meeting sits at."""
    numbered = [str(n) for n in range(1, matchmaking.tables + 1)]
    own = set(
        matchmaking.participants.filter(opted_in=True)
        .exclude(fixed_table="")
        .values_list("fixed_table", flat=True)
    )
    used = set(
        matchmaking.meetings.filter(slot__isnull=False)
        .exclude(table="")
        .values_list("table", flat=True)
    )
    extra = sorted((own | used) - set(numbered), key=_natural)
    return numbered + extra


def at_least_percent(ratio: float | None) -> str | None:
    """``0.98765`` → ``"98.7"``: floored to one decimal, never above 100."""
    if ratio is None:
        return None
    value = (Decimal(repr(float(ratio))) * 100).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return str(min(value, Decimal("100.0")))


def run_summary(run) -> dict:
    """What the scheduler's run reports, for the page (kept as the run's job result)."""
    ratio = getattr(run, "ratio", None)
    unscheduled = list(getattr(run, "unscheduled", []) or [])
    return {
        "scheduled": int(getattr(run, "scheduled", 0)),
        "total": int(getattr(run, "total", 0)),
        "weight": float(getattr(run, "weight", 0) or 0),
        "bound": float(getattr(run, "bound", 0) or 0),
        "percent": at_least_percent(ratio),
        "unscheduled": len(unscheduled),
        "at": timezone.now().isoformat(),
    }


def run_sentence(summary: dict) -> str:
    if not summary["total"]:
        return _("No accepted meeting to schedule yet.")
    text = ngettext(
        "Scheduled %(n)d of %(m)d accepted meeting",
        "Scheduled %(n)d of %(m)d accepted meetings",
        summary["total"],
    ) % {"n": summary["scheduled"], "m": summary["total"]}
    if summary["percent"] is not None:
        text += "; " + _("at least %(x)s%% of the best possible.") % {"x": summary["percent"]}
    else:
        text += "."
    return text


def _meetings(matchmaking: Matchmaking):
    return Meeting.objects.filter(matchmaking=matchmaking).select_related(
        "slot",
        "request__sender__registration",
        "request__recipient__registration",
    )


def _accepted(qs):
    return qs.filter(request__status=RequestStatus.ACCEPTED)


def changed_since_publication(matchmaking: Matchmaking) -> tuple[list[Meeting], list[str]]:
    """Meetings whose slot or table differs from the published agendas, and the people the
    next publication will tell."""
    if matchmaking.schedule_state == ScheduleState.NOT_PUBLISHED:
        return [], []
    changed = [
        m
        for m in _meetings(matchmaking)
        if (m.slot_id, m.table) != (m.published_slot_id, m.published_table)
    ]
    people = sorted(
        {participant_label(p) for m in changed for p in (m.request.sender, m.request.recipient)},
        key=str.casefold,
    )
    return changed, people


def _local_slot(slot: MeetingSlot | None, tz) -> str:
    if slot is None:
        return ""
    start, end = slot.start.astimezone(tz), slot.end.astimezone(tz)
    return f"{start:%a %d/%m %H:%M}–{end:%H:%M}"


# Set-up ----------------------------------------------------------------------------------------


def _session_rows(matchmaking: Matchmaking) -> list[dict]:
    tz = matchmaking.event.tz
    rows = []
    sessions = matchmaking.sessions.annotate(slot_count=Count("slots")).order_by("start")
    for session in sessions:
        session.matchmaking = matchmaking
        rows.append(
            {
                "session": session,
                "start": session.start.astimezone(tz),
                "end": session.end.astimezone(tz),
                "breaks": [
                    (start.astimezone(tz), end.astimezone(tz))
                    for start, end in services._breaks(session)
                ],
                "slots": session.slot_count,
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def setup(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    post = request.method == "POST"
    action = request.POST.get("action", "save")
    instance = copy.copy(matchmaking) if matchmaking else Matchmaking(event=event)
    form = MatchmakingForm(request.POST if post and action == "save" else None, instance=instance)
    session_form = video_form = None
    if matchmaking is not None:
        session_form = SessionForm(
            request.POST if post and action == "add_session" else None,
            instance=MatchmakingSession(matchmaking=matchmaking),
            prefix="session",
        )
        video_form = VideoLinksForm(
            request.POST if post and action == "video_links" else None, prefix="video"
        )
    if post and action == "save" and form.is_valid():
        try:
            services.save_matchmaking(form.save(commit=False), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if matchmaking is None:
                messages.success(request, _("B2B meetings set up: add their sessions next."))
            else:
                messages.success(request, _("B2B set-up saved."))
            return redirect("matchmaking:manage", slug=event.slug)
    elif post and matchmaking is None and action != "save":
        return redirect("matchmaking:manage", slug=event.slug)
    elif post and action == "add_session" and session_form.is_valid():
        try:
            session = services.save_session(session_form.save(commit=False), by=request.user)
        except ValidationError as error:
            apply_errors(session_form, error, {"breaks": "breaks_text"})
        else:
            messages.success(
                request,
                ngettext(
                    "Session “%(title)s” added: %(n)d slot.",
                    "Session “%(title)s” added: %(n)d slots.",
                    session.slots.count(),
                )
                % {"title": session.title, "n": session.slots.count()},
            )
            return redirect("matchmaking:manage", slug=event.slug)
    elif post and action == "video_links" and video_form.is_valid():
        try:
            count = services.set_video_links(
                matchmaking,
                video_form.cleaned_data["pattern"],
                by=request.user,
                overwrite=video_form.cleaned_data["overwrite"],
            )
        except ValidationError as error:
            apply_errors(video_form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d remote meeting got its video link.",
                    "%(n)d remote meetings got their video links.",
                    count,
                )
                % {"n": count},
            )
            return redirect("matchmaking:manage", slug=event.slug)
    context = {
        "event": event,
        "matchmaking": matchmaking,
        "form": form,
        "session_form": session_form,
        "video_form": video_form,
        "lengths": MEETING_LENGTHS,
        "tz": event.tz,
    }
    if matchmaking is not None:
        context["sessions"] = _session_rows(matchmaking)
        context["counts"] = {
            "opted_in": matchmaking.participants.filter(opted_in=True).count(),
            "types": matchmaking.types.count(),
            "pending": matchmaking.requests.filter(status=RequestStatus.PENDING).count(),
            "accepted": matchmaking.requests.filter(status=RequestStatus.ACCEPTED).count(),
            "remote_without_link": _accepted(matchmaking.meetings)
            .filter(remote=True, video_url="")
            .count(),
        }
    return _render(request, "matchmaking/manage/setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    session = get_object_or_404(MatchmakingSession, pk=pk, matchmaking=matchmaking)
    session.matchmaking = matchmaking
    post = request.method == "POST"
    action = request.POST.get("action", "save")
    if post and action == "delete":
        title = session.title
        services.delete_session(session, by=request.user)
        messages.success(request, _("Session “%(title)s” removed.") % {"title": title})
        return redirect("matchmaking:manage", slug=event.slug)
    form = SessionForm(request.POST if post else None, instance=copy.copy(session))
    if post and form.is_valid():
        try:
            services.save_session(form.save(commit=False), by=request.user)
        except ValidationError as error:
            apply_errors(form, error, {"breaks": "breaks_text"})
        else:
            messages.success(request, _("Session saved; its slots follow."))
            return redirect("matchmaking:manage", slug=event.slug)
    tz = event.tz
    slots = [
        {"slot": slot, "start": slot.start.astimezone(tz), "end": slot.end.astimezone(tz)}
        for slot in session.slots.annotate(meeting_count=Count("meetings")).order_by("start")
    ]
    return _render(
        request,
        "matchmaking/manage/session.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "session": session,
            "form": form,
            "slots": slots,
        },
    )


# Participant types and rules -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def types(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    post = request.method == "POST"
    action = request.POST.get("action", "")
    type_form = TypeForm(request.POST if post and action == "add" else None)
    types_ = list(matchmaking.types.prefetch_related("may_request").order_by("name"))
    if post and action in ("add", "delete", "rules"):
        change = None
        if action == "add" and type_form.is_valid():
            change = partial(
                services.add_participant_type, matchmaking, type_form.cleaned_data["name"]
            )
        elif action == "delete":
            gone = _row(ParticipantType, request.POST.get("type"), matchmaking=matchmaking)
            change = partial(services.remove_participant_type, matchmaking, gone)
        elif action == "rules":
            by_id = {str(t.pk): t.name for t in types_}
            wanted = {t.name: [] for t in types_}
            for key in request.POST:
                match = re.fullmatch(r"rule-(\d+)-(\d+)", key)
                if match and match[1] in by_id and match[2] in by_id:
                    wanted[by_id[match[1]]].append(by_id[match[2]])
            change = partial(services.set_participant_types, matchmaking, wanted)
        if change is not None:
            try:
                change(by=request.user)
            except ValidationError as error:
                if action == "add":
                    for message in error.messages:
                        type_form.add_error("name", message)
                else:
                    messages.error(request, error_text(error))
                    return redirect("matchmaking:manage-types", slug=event.slug)
            else:
                messages.success(
                    request,
                    {
                        "add": _("Type added."),
                        "delete": _("Type removed."),
                        "rules": _("Networking rules saved."),
                    }[action],
                )
                return redirect("matchmaking:manage-types", slug=event.slug)
    allowed = {(t.pk, o.pk) for t in types_ for o in t.may_request.all()}
    matrix = [(t, [(o, (t.pk, o.pk) in allowed) for o in types_]) for t in types_]
    counts = dict(
        matchmaking.participants.filter(opted_in=True)
        .values_list("type")
        .annotate(n=Count("pk"))
        .values_list("type", "n")
    )
    return _render(
        request,
        "matchmaking/manage/types.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "type_form": type_form,
            "types": [(t, counts.get(t.pk, 0)) for t in types_],
            "matrix": matrix,
            "untyped": counts.get(None, 0),
        },
    )


# Participants ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participants(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    if request.method == "POST":
        participant = _row(Participant, request.POST.get("participant"), matchmaking=matchmaking)
        form = ParticipantSetupForm(request.POST, matchmaking=matchmaking)
        if form.is_valid():
            try:
                services.set_participant_setup(
                    participant,
                    by=request.user,
                    type=form.cleaned_data["type"],
                    fixed_table=form.cleaned_data["fixed_table"],
                )
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("%(name)s saved.") % {"name": participant})
        else:
            messages.error(
                request,
                " ".join(str(m) for errors in form.errors.values() for m in errors),
            )
        return redirect(request.get_full_path())
    text = request.GET.get("q", "").strip()
    rows = (
        matchmaking.participants.select_related("registration", "type")
        .annotate(
            sent=Count("sent_requests", distinct=True),
            received=Count("received_requests", distinct=True),
            booked=Count("bookings", distinct=True),
        )
        .order_by("-opted_in", "registration__last_name", "registration__first_name", "pk")
    )
    for word in text.split():
        rows = rows.filter(
            Q(registration__first_name__icontains=word)
            | Q(registration__last_name__icontains=word)
            | Q(registration__organisation_name__icontains=word)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return _render(
        request,
        "matchmaking/manage/participants.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "page": page,
            "q": text,
            "querystring": params.urlencode(),
            "types": list(matchmaking.types.order_by("name")),
        },
    )


# The schedule ----------------------------------------------------------------------------------


def schedule_grid(matchmaking: Matchmaking, meetings: list[Meeting]) -> dict:
    """Tables as rows, slots as columns; remote meetings in a row of their own."""
    tz = matchmaking.event.tz
    slots = list(
        MeetingSlot.objects.filter(session__matchmaking=matchmaking)
        .select_related("session")
        .order_by("start")
    )
    at: dict[tuple[str, int], Meeting] = {}
    remote: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        if meeting.slot_id is None:
            continue
        if meeting.table:
            at[(meeting.table, meeting.slot_id)] = meeting
        else:
            remote.setdefault(meeting.slot_id, []).append(meeting)
    labels = table_labels(matchmaking)
    rows = [(label, [at.get((label, slot.pk)) for slot in slots]) for label in labels]
    busy = [sum(1 for label in labels if (label, slot.pk) in at) for slot in slots]
    return {
        "slots": [
            {"slot": s, "start": s.start.astimezone(tz), "end": s.end.astimezone(tz), "busy": b}
            for s, b in zip(slots, busy, strict=True)
        ],
        "rows": rows,
        "remote": [remote.get(slot.pk, []) for slot in slots] if remote else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "run":  # off the request: the page shows the job's progress
                job = jobs.refreshed(tasks.start_schedule_run(matchmaking, by=request.user))
                if request.htmx:  # swap the job's panel in; reload when already done
                    if not job.pending:
                        return HttpResponse(headers={"HX-Refresh": "true"})
                    return render(
                        request, "core/jobs/_panel.html", panel_context(request, job, refresh=True)
                    )
            elif action in ("publish_preliminary", "publish_final"):
                changed = services.publish_agendas(
                    matchmaking, by=request.user, final=action == "publish_final"
                )
                text = (
                    _("Final agendas published.")
                    if action == "publish_final"
                    else _("Preliminary agendas published.")
                )
                if changed:
                    text += " " + ngettext(
                        "The people of %(n)d changed meeting are told.",
                        "The people of %(n)d changed meetings are told.",
                        changed,
                    ) % {"n": changed}
                messages.success(request, text)
            elif action in ("lock", "unlock"):
                meeting = _row(Meeting, request.POST.get("meeting"), matchmaking=matchmaking)
                services.set_locked(meeting, action == "lock", by=request.user)
                if request.htmx:  # the grid's cell only
                    cell = _meetings(matchmaking).get(pk=meeting.pk)
                    return _render(
                        request,
                        "matchmaking/manage/_meeting_cell.html",
                        {"event": event, "m": cell},
                    )
                messages.success(
                    request,
                    (
                        _("Meeting locked: %(m)s.")
                        if action == "lock"
                        else _("Meeting unlocked: %(m)s.")
                    )
                    % {"m": meeting},
                )
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(request.get_full_path())

    meetings = list(_accepted(_meetings(matchmaking)))
    scheduled = [m for m in meetings if m.slot_id is not None]
    unscheduled = [m for m in meetings if m.slot_id is None]
    page = Paginator(unscheduled, PAGE_SIZE).get_page(request.GET.get("page"))
    reasons = Counter(m.reason_text or _("not scheduled yet") for m in unscheduled)
    run_job = jobs.latest(tasks.SCHEDULE, key=tasks.schedule_key(matchmaking))
    last_run = (
        run_job
        if run_job is None or run_job.status == JobStatus.DONE
        else jobs.latest(tasks.SCHEDULE, key=tasks.schedule_key(matchmaking), status=JobStatus.DONE)
    )
    summary = (last_run.result or {}).get("summary") if last_run else None
    changed, changed_people = changed_since_publication(matchmaking)
    return _render(
        request,
        "matchmaking/manage/schedule.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "summary": summary,
            "sentence": run_sentence(summary) if summary else None,
            "run_job": run_job
            if run_job is not None and run_job.status != JobStatus.DONE
            else None,
            "total": len(meetings),
            "scheduled": len(scheduled),
            "locked": sum(1 for m in scheduled if m.locked),
            "page": page,
            "reasons": reasons.most_common(),
            "grid": schedule_grid(matchmaking, scheduled),
            "changed": changed,
            "changed_people": changed_people,
            "tz": event.tz,
            "pending": matchmaking.requests.filter(status=RequestStatus.PENDING).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting(request, slug, pk):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    meeting = get_object_or_404(_meetings(matchmaking).select_related("published_slot"), pk=pk)
    post = request.method == "POST"
    action = request.POST.get("action", "move")
    cancelled = meeting.request.status != RequestStatus.ACCEPTED
    form = MoveForm(
        request.POST if post and action == "move" else None,
        matchmaking=matchmaking,
        initial={"slot": meeting.slot, "table": meeting.table, "locked": meeting.locked},
    )
    video_form = VideoUrlForm(
        request.POST if post and action == "video" else None,
        initial={"video_url": meeting.video_url},
    )
    if post and cancelled:
        messages.error(request, _("This meeting was cancelled: it cannot be placed."))
        return redirect("matchmaking:manage-meeting", slug=event.slug, pk=meeting.pk)
    if post and action == "move" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_meeting(
                meeting, data["slot"], data["table"].strip(), by=request.user, lock=data["locked"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Meeting placed: %(when)s, table %(table)s.")
                % {
                    "when": _local_slot(data["slot"], event.tz),
                    "table": data["table"].strip() or _("remote"),
                }
                if data["slot"]
                else _("Meeting taken out of the schedule."),
            )
            return redirect("matchmaking:manage-schedule", slug=event.slug)
    if post and action == "video" and video_form.is_valid():
        try:
            services.set_video_url(meeting, video_form.cleaned_data["video_url"], by=request.user)
        except ValidationError as error:
            apply_errors(video_form, error)
        else:
            messages.success(request, _("Video link saved."))
            return redirect("matchmaking:manage-meeting", slug=event.slug, pk=meeting.pk)
    return _render(
        request,
        "matchmaking/manage/meeting.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "meeting": meeting,
            "cancelled": cancelled,
            "form": form,
            "video_form": video_form,
            "tables": table_labels(matchmaking),
            "slot_text": _local_slot(meeting.slot, event.tz),
            "published_text": _local_slot(meeting.published_slot, event.tz),
        },
    )


# Table plans -----------------------------------------------------------------------------------


def table_plans_html(matchmaking: Matchmaking, slot_pk: int | None = None) -> str:
    """One page per slot: each table with the two people who meet there."""
    event = matchmaking.event
    tz = event.tz
    meetings = list(
        _accepted(_meetings(matchmaking)).filter(slot__isnull=False).select_related("slot__session")
    )
    if slot_pk is not None:
        meetings = [m for m in meetings if m.slot_id == slot_pk]
    order = {label: i for i, label in enumerate(table_labels(matchmaking))}
    pages: dict[int, dict] = {}
    for m in sorted(meetings, key=lambda m: m.slot.start):
        page = pages.setdefault(
            m.slot_id,
            {
                "start": m.slot.start.astimezone(tz),
                "end": m.slot.end.astimezone(tz),
                "session": m.slot.session.title,
                "tables": [],
                "remote": [],
            },
        )
        row = {
            "table": m.table,
            "a": participant_label(m.request.sender),
            "b": participant_label(m.request.recipient),
        }
        (page["tables"] if m.table else page["remote"]).append(row)
    for page in pages.values():
        page["tables"].sort(key=lambda r: (order.get(r["table"], len(order)), _natural(r["table"])))
    with timezone.override(tz):
        return render_to_string(
            "matchmaking/manage/table_plans_print.html",
            {
                "event": event,
                "matchmaking": matchmaking,
                "pages": list(pages.values()),
                "published": matchmaking.schedule_state != ScheduleState.NOT_PUBLISHED,
            },
        )


@login_required
@require_GET
def table_plans(request, slug):
    from clusterhub.events.outputs import html_to_pdf

    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        raise Http404
    slot_pk = request.GET.get("slot")
    if slot_pk is not None:
        slot_pk = _row(MeetingSlot, slot_pk, session__matchmaking=matchmaking).pk
    pdf = html_to_pdf(table_plans_html(matchmaking, slot_pk))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{event.slug}-table-plans.pdf"'
    return response


# After the event -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def no_shows(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    held = (
        _accepted(_meetings(matchmaking))
        .filter(slot__isnull=False)
        .order_by("slot__start", "table", "pk")
    )
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("meeting") if v.isdigit()]
        changes = 0
        for m in held.filter(pk__in=ids):
            for side, participant in (("s", m.request.sender), ("r", m.request.recipient)):
                absent = f"{side}{m.pk}" in request.POST
                current = m.sender_no_show if side == "s" else m.recipient_no_show
                if absent != current:
                    services.mark_no_show(m, participant, by=request.user, no_show=absent)
                    changes += 1
        messages.success(
            request,
            ngettext("%(n)d change saved.", "%(n)d changes saved.", changes) % {"n": changes},
        )
        return redirect(request.get_full_path())
    page = Paginator(held, PAGE_SIZE).get_page(request.GET.get("page"))
    tz = event.tz
    rows = [
        {
            "meeting": m,
            "when": _local_slot(m.slot, tz),
            "sender": participant_label(m.request.sender),
            "recipient": participant_label(m.request.recipient),
        }
        for m in page
    ]
    return _render(
        request,
        "matchmaking/manage/no_shows.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "page": page,
            "rows": rows,
            "querystring": "",
            "started": timezone.now() >= event.start,
        },
    )


def meeting_statistics(matchmaking: Matchmaking, now=None) -> dict:
    """Requests, meetings and outcomes; a meeting counts as held only once its published
    time has passed and nobody was marked absent."""
    now = now or timezone.now()
    requests = Counter(matchmaking.requests.values_list("status", flat=True))
    meetings = list(
        _accepted(matchmaking.meetings.all()).values_list(
            "slot_id",
            "remote",
            "sender_no_show",
            "recipient_no_show",
            "sender_outcome",
            "recipient_outcome",
            "published_slot__start",
        )
    )
    scheduled = [m for m in meetings if m[0] is not None]
    past = [m for m in scheduled if m[6] is not None and m[6] <= now]
    no_show_people = sum(int(m[2]) + int(m[3]) for m in scheduled)
    missed = sum(1 for m in scheduled if m[2] or m[3])
    outcomes = Counter(o for m in scheduled for o in (m[4], m[5]) if o)
    return {
        "participants": matchmaking.participants.filter(opted_in=True).count(),
        "requests": sum(requests.values()),
        "by_status": [(label, requests.get(value, 0)) for value, label in RequestStatus.choices],
        "accepted": len(meetings),
        "scheduled": len(scheduled),
        "remote": sum(1 for m in scheduled if m[1]),
        "held": sum(1 for m in past if not (m[2] or m[3])),
        "to_come": len(scheduled) - len(past),
        "missed": missed,
        "no_show_people": no_show_people,
        "ratings": sum(outcomes.values()),
        "outcomes": [(label, outcomes.get(value, 0)) for value, label in Outcome.choices],
    }


@login_required
@require_GET
def statistics(request, slug):
    event = _managed(request, slug)
    matchmaking = _matchmaking(event)
    if matchmaking is None:
        return _not_set_up(request, event)
    stats = meeting_statistics(matchmaking)
    return _render(
        request,
        "matchmaking/manage/statistics.html",
        {
            "event": event,
            "matchmaking": matchmaking,
            "stats": stats,
            "over": timezone.now() >= event.end,
            "outcome_chart": bar_chart([(str(label), n) for label, n in stats["outcomes"]])
            if stats["ratings"]
            else "",
            "status_chart": bar_chart([(str(label), n) for label, n in stats["by_status"]])
            if stats["requests"]
            else "",
        },
    )
