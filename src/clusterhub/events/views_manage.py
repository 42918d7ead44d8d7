"""The organisers' screens: the event, its agenda, materials, questions, registrations,
check-in at the door, team and summary. Only the event's organising team and staff get in
(``events.manage_event``); every write goes through :mod:`clusterhub.events.services`."""

from __future__ import annotations

import copy
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterhub.core import audit
from clusterhub.core.forms import apply_errors
from clusterhub.registry import services as registry_services
from clusterhub.registry.models import Organisation, OrganisationKind, Person

from . import selectors, services
from .forms_manage import (
    CheckInCodeForm,
    EventForm,
    MaterialForm,
    OrganiserForm,
    QuestionForm,
    RegistrationFilterForm,
    SessionForm,
    SpeakerForm,
    SummaryForm,
)
from .models import (
    Event,
    EventOrganiser,
    Material,
    Registration,
    RegistrationQuestion,
    RegistrationStatus,
    Session,
    SessionSpeaker,
)

PAGE_SIZE = 50
SEARCH_RESULTS = 25


def _managed(request, slug) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers can manage it."))
    return event


def _row(model, pk, **scope):
    """The row named by a posted or queried id within ``scope``; 404 for anything else."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(model, pk=pk, **scope)


def _suggestions(request):
    """htmx: names for a <datalist> while an organiser types an organisation or a person."""
    kind = request.GET.get("suggest")
    if kind not in ("organisation", "person") or not request.htmx:
        return None
    text = next((v for k, v in request.GET.items() if k != "suggest"), "").strip()
    options = []
    if len(text) >= 2 and kind == "organisation":
        for org in (
            Organisation.objects.filter(
                Q(legal_name__icontains=text) | Q(short_name__icontains=text)
            )
            .select_related("country")
            .order_by("legal_name")[:10]
        ):
            options.append((org.legal_name, f"{org.city or ''} {org.country.label}".strip()))
    elif len(text) >= 2:
        words = text.split()
        query = Q()
        for word in words:
            query &= (
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__iexact=word)
            )
        for person in Person.objects.filter(query).select_related("organisation")[:10]:
            options.append((str(person), str(person.organisation or "")))
    return render(request, "events/manage/_suggestions.html", {"options": options})


# Event ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied
    if response := _suggestions(request):
        return response
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.save_event(
                form.save(commit=False),
                co_organisers=form.cleaned_data["co_organisers"],
                ecosystems=form.cleaned_data["ecosystems"],
                created_by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Event created. You are on its organising team: add the agenda next.")
            )
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form, "event": None})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    event = _managed(request, slug)
    if response := _suggestions(request):
        return response
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(
                form.save(commit=False),
                co_organisers=form.cleaned_data["co_organisers"],
                ecosystems=form.cleaned_data["ecosystems"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Event saved."))
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form, "event": event})


@login_required
def dashboard(request, slug):
    event = _managed(request, slug)
    return render(
        request,
        "events/manage/dashboard.html",
        {
            "event": event,
            "figures": selectors.registration_figures(event),
            "counts": {
                "sessions": event.sessions.count(),
                "materials": event.materials.count(),
                "questions": event.questions.count(),
                "organisers": event.organisers.count(),
            },
            "closed_reason": services.registration_closed_reason(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request, slug):
    event = _managed(request, slug)
    form = SummaryForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Summary saved."))
            return redirect("events:manage", slug=event.slug)
    return render(request, "events/manage/summary.html", {"form": form, "event": event})


# Agenda --------------------------------------------------------------------------------------


def _agenda_days(event: Event) -> list[tuple]:
    """The sessions by day, in the event's time zone."""
    tz = event.tz
    days: OrderedDict = OrderedDict()
    chosen = selectors.session_choices(event) if event.session_choice else {}
    for session in selectors.agenda_sessions(event):
        session.chosen_by_count = chosen.get(session.pk, 0)
        days.setdefault(session.start.astimezone(tz).date(), []).append(session)
    return list(days.items())


def _save_session(request, form) -> Session | None:
    if not form.is_valid():
        return None
    try:
        return services.save_session(form.save(commit=False))
    except ValidationError as error:
        apply_errors(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def agenda(request, slug):
    event = _managed(request, slug)
    if response := _suggestions(request):
        return response
    form = SessionForm(request.POST or None, event=event, instance=Session(event=event))
    if request.method == "POST" and (session := _save_session(request, form)):
        messages.success(
            request, _("Session “%(title)s” added: add its speakers.") % {"title": session.title}
        )
        return redirect("events:session", slug=event.slug, pk=session.pk)
    return render(
        request,
        "events/manage/agenda.html",
        {"event": event, "form": form, "days": _agenda_days(event)},
    )


def _add_speaker(session: Session, form: SpeakerForm) -> SessionSpeaker:
    data = form.cleaned_data
    with transaction.atomic():
        if data.get("new_organisation"):
            name, country = data["new_organisation"]
            data["organisation"] = registry_services.save_organisation(
                Organisation(legal_name=name, kind=OrganisationKind.OTHER, country=country)
            )
        person = data.get("found")
        if person is None:
            person = registry_services.save_person(
                Person(
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    email=data["email"],
                    organisation=data["organisation"],
                    bio=data.get("bio", "").strip(),
                ),
                public_consent=data["public_consent"],
            )
        # A biography and photo fill what the person's record lacks, never overwrite it.
        changed = []
        if data.get("bio") and not person.bio:
            person.bio, changed = data["bio"].strip(), [*changed, "bio"]
        if data.get("photo") and not person.photo:
            person.photo.save(data["photo"].name, data["photo"], save=False)
            changed.append("photo")
        if changed:
            person.save(update_fields=changed)
        speakers = [
            services.SpeakerInput(s.person, s.organisation, s.role, s.talk_title)
            for s in session.speakers.select_related("person", "organisation")
            if s.person_id != person.pk
        ]
        speakers.append(
            services.SpeakerInput(person, data["organisation"], data["role"], data["talk_title"])
        )
        return next(s for s in services.set_speakers(session, speakers) if s.person_id == person.pk)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, slug, pk):
    event = _managed(request, slug)
    if response := _suggestions(request):
        return response
    session = get_object_or_404(Session, pk=pk, event=event)
    action = request.POST.get("action", "save")
    post = request.method == "POST"
    form = SessionForm(  # on a copy: a refused change must not show in the page's title
        request.POST if post and action == "save" else None,
        event=event,
        instance=copy.copy(session),
    )
    speaker_form = SpeakerForm(
        request.POST if post and action == "add_speaker" else None,
        request.FILES if post and action == "add_speaker" else None,
    )
    if post and action == "delete":
        title = session.title
        services.delete_session(session, by=request.user)
        messages.success(request, _("Session “%(title)s” deleted.") % {"title": title})
        return redirect("events:agenda", slug=event.slug)
    if post and action == "remove_speaker":
        speaker = _row(SessionSpeaker, request.POST.get("speaker"), session=session)
        services.remove_speaker(speaker, by=request.user)
        messages.success(request, _("%(name)s removed.") % {"name": speaker.person})
        return redirect("events:session", slug=event.slug, pk=session.pk)
    if post and action == "add_speaker" and speaker_form.is_valid():
        try:
            speaker = _add_speaker(session, speaker_form)
        except ValidationError as error:
            apply_errors(speaker_form, error)
        else:
            messages.success(
                request, _("%(name)s speaks in this session.") % {"name": speaker.person}
            )
            return redirect("events:session", slug=event.slug, pk=session.pk)
    if post and action == "save" and _save_session(request, form):
        messages.success(request, _("Session saved."))
        return redirect("events:agenda", slug=event.slug)
    return render(
        request,
        "events/manage/session.html",
        {
            "event": event,
            "session": session,
            "form": form,
            "speaker_form": speaker_form,
            "speakers": session.speakers.select_related(
                "person", "organisation", "person__organisation"
            ),
        },
    )


# Materials -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def materials(request, slug):
    event = _managed(request, slug)
    post = request.method == "POST"
    action = request.POST.get("action", "add")
    form = MaterialForm(
        request.POST if post and action == "add" else None,
        request.FILES if post and action == "add" else None,
        event=event,
    )
    if post and action in ("publish", "unpublish", "delete"):
        material = _row(Material, request.POST.get("material"), event=event)
        if action == "delete":
            services.delete_material(material, by=request.user)
            messages.success(request, _("“%(title)s” deleted.") % {"title": material.title})
        else:
            services.set_material_published(material, action == "publish", by=request.user)
            messages.success(
                request,
                (
                    _("“%(title)s” is published.")
                    if action == "publish"
                    else _("“%(title)s” is hidden.")
                )
                % {"title": material.title},
            )
        return redirect("events:materials", slug=event.slug)
    if post and form.is_valid():
        try:
            material = services.save_material(
                form.save(commit=False), upload=form.cleaned_data.get("file")
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” added.") % {"title": material.title})
            return redirect("events:materials", slug=event.slug)
    return render(
        request,
        "events/manage/materials.html",
        {
            "event": event,
            "form": form,
            "materials": event.materials.select_related("session", "speaker__person").order_by(
                "session__start", "title"
            ),
        },
    )


# Registration questions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, slug):
    event = _managed(request, slug)
    post = request.method == "POST"
    action = request.POST.get("action", "save")
    pk = request.POST.get("question") if post else request.GET.get("edit")
    question = (
        _row(RegistrationQuestion, pk, event=event) if pk else RegistrationQuestion(event=event)
    )
    if post and action in ("up", "down", "delete"):
        if question.pk is None:
            raise PermissionDenied
        if action == "delete":
            services.delete_question(question, by=request.user)
            messages.success(request, _("Question deleted."))
        else:
            services.move_question(question, -1 if action == "up" else 1, by=request.user)
        return redirect("events:questions", slug=event.slug)
    form = QuestionForm(request.POST if post else None, instance=question)
    if post and form.is_valid():
        try:
            services.save_question(form.save(commit=False), by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            return redirect("events:questions", slug=event.slug)
    return render(
        request,
        "events/manage/questions.html",
        {"event": event, "form": form, "editing": question, "questions": event.questions.all()},
    )


# Registrations -------------------------------------------------------------------------------


def _answers(registration: Registration, questions) -> list[tuple[str, str]]:
    out = []
    for question in questions:
        value = registration.answers.get(str(question.pk))
        if value is None or value == "":
            continue
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        out.append((question.label, value))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def registrations(request, slug):
    event = _managed(request, slug)
    if request.method == "POST":
        action = request.POST.get("action")
        registration = _row(Registration, request.POST.get("registration"), event=event)
        try:
            if action in ("approve", "decline"):
                registration = services.decide_registration(
                    registration, approve=action == "approve", by=request.user
                )
            elif action == "cancel":
                registration = services.cancel_registration(registration, by=request.user)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s: %(status)s.")
                % {"name": registration.name, "status": registration.get_status_display()},
            )
        return redirect(request.get_full_path())

    filters = RegistrationFilterForm(request.GET or None)
    rows = event.registrations.select_related("country").order_by("created", "id")
    status, text = "", ""
    if filters.is_valid():
        status, text = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
    if status:
        rows = rows.filter(status=status)
    for word in text.split():
        rows = rows.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation_name__icontains=word)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    event_questions = list(event.questions.all())
    for registration in page:
        registration.answer_list = _answers(registration, event_questions)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "events/manage/registrations.html",
        {
            "event": event,
            "filters": filters,
            "page": page,
            "querystring": params.urlencode(),
            "figures": selectors.registration_figures(event),
            "tz": event.tz,
        },
    )


# Check-in at the door ------------------------------------------------------------------------


def _search_confirmed(event: Event, text: str):
    rows = event.registrations.filter(status=RegistrationStatus.CONFIRMED)
    for word in text.split():
        rows = rows.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(organisation_name__icontains=word)
        )
    return rows.order_by("last_name", "first_name")[:SEARCH_RESULTS]


def _check_in(request, event: Event, code_form: CheckInCodeForm) -> dict:
    """Check someone in; the feedback to show, in words."""
    registration = None
    if "registration" in request.POST:
        registration = _row(Registration, request.POST.get("registration"), event=event)
    elif not code_form.is_valid():
        return {"level": "error", "text": _("Scan a ticket or type its code.")}
    before = timezone.now()
    try:
        registration = services.check_in(
            event,
            code=code_form.cleaned_data["code"] if registration is None else None,
            registration=registration,
            by=request.user,
        )
    except ValidationError as error:
        return {"level": "error", "text": " ".join(error.messages), "registration": registration}
    label = registration.name
    if registration.organisation_name:
        label = f"{label} ({registration.organisation_name})"
    if registration.checked_in_at < before:
        at = registration.checked_in_at.astimezone(event.tz).strftime("%H:%M")
        return {
            "level": "warning",
            "text": _("%(name)s was already checked in at %(time)s.") % {"name": label, "time": at},
            "registration": registration,
        }
    return {
        "level": "ok",
        "text": _("%(name)s is checked in.") % {"name": label},
        "registration": registration,
    }


def _checked_in_count(event: Event) -> tuple[int, int]:
    figures = selectors.registration_figures(event)
    return figures["checked_in"], figures["confirmed"]


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug):
    event = _managed(request, slug)
    text = request.GET.get("q", "").strip()
    results = _search_confirmed(event, text) if len(text) >= 2 else []
    context = {"event": event, "q": text, "results": results, "tz": event.tz}
    if request.method == "GET" and request.htmx and "q" in request.GET:
        return render(request, "events/manage/_checkin_results.html", context)
    code_form = CheckInCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        context["feedback"] = _check_in(request, event, code_form)
        code_form = CheckInCodeForm()
    context["checked_in"], context["confirmed"] = _checked_in_count(event)
    context["code_form"] = code_form
    if request.method == "POST" and request.htmx:
        return render(request, "events/manage/_checkin_feedback.html", context)
    return render(request, "events/manage/check_in.html", context)


# Team ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team(request, slug):
    event = _managed(request, slug)
    form = OrganiserForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            seat = _row(EventOrganiser, request.POST["remove"], event=event)
            try:
                services.remove_organiser(seat, request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("events:team", slug=event.slug)
            messages.success(request, _("%(user)s left the team.") % {"user": seat.user.email})
            if seat.user_id == request.user.pk and not request.user.is_staff:
                return redirect(event)
            return redirect("events:team", slug=event.slug)
        if form.is_valid():
            user = form.cleaned_data["email"]
            if event.organisers.filter(user=user).exists():
                form.add_error(
                    "email", _("%(email)s is already an organiser.") % {"email": user.email}
                )
            else:
                services.add_organiser(event, user, request.user)
                messages.success(request, _("%(email)s joined the team.") % {"email": user.email})
                return redirect("events:team", slug=event.slug)
    return render(
        request,
        "events/manage/team.html",
        {
            "event": event,
            "form": form,
            "seats": event.organisers.select_related("user", "added_by").order_by("added_at"),
        },
    )


@login_required
def history(request, slug):
    """Who changed what in the event, its agenda, registrations and B2B meetings."""
    event = _managed(request, slug)
    return render(
        request,
        "events/manage/history.html",
        {"event": event, "page": audit.history_page(request, event), "crumb": _("History")},
    )
