"""The jury's pages: the organisers' desk (applications, jury, conflicts, assignment, rubric,
ranking, decisions, exports), the jurors' invitation, reviews and vote, the winners' page
and each application's dossier."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterhub.core import audit, exports
from clusterhub.core.forms import error_text
from clusterhub.reference.models import Ecosystem, Technology
from clusterhub.registry.models import Organisation

from . import selectors, services
from .models import (
    Application,
    ApplicationStatus,
    Assignment,
    Call,
    Conflict,
    Juror,
    JurorStatus,
    Outcome,
    Review,
)


def _organised(request, slug: str) -> Call:
    call = get_object_or_404(Call.objects.select_related("organiser"), slug=slug)
    if not (request.user.is_staff or selectors.on_team(request.user, call.organiser_id)):
        raise PermissionDenied(_("Only the organisers of the call see this page."))
    return call


def _act(request, action, success: str) -> bool:
    try:
        action()
    except ValidationError as error:
        messages.error(request, error_text(error))
        return False
    messages.success(request, success)
    return True


# The organisers' desk ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_call(request, slug: str | None = None):
    """Create or change a call: settings, who may apply, categories, questions."""
    from clusterhub.partnering.selectors import team_organisations

    from .forms_manage import CallForm, CategoryFormSet, QuestionFormSet

    call = _organised(request, slug) if slug else Call()
    organisations = team_organisations(request.user)
    if not organisations.exists() and not call.pk:
        raise PermissionDenied(_("Calls are run by organisations: join your organisation's "
                                 "profile team first."))  # fmt: skip
    data = request.POST or None
    form = CallForm(data, instance=call, organisations=organisations)
    categories = CategoryFormSet(data, instance=call, prefix="categories")
    questions = QuestionFormSet(
        data, instance=call, prefix="questions",
        form_kwargs={"categories": call.categories.all() if call.pk else None},
    )  # fmt: skip
    if request.method == "POST":
        if form.is_valid() and categories.is_valid() and questions.is_valid():
            try:
                call = services.save_call(form, categories, questions, request.user)
            except ValidationError as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, _("The call is saved."))
                return redirect("calls:manage", slug=call.slug)
        else:
            messages.error(request, _("Some fields need a change: see below."))
    return render(
        request,
        "calls/manage/call_form.html",
        {"call": call if call.pk else None, "form": form, "categories": categories,
         "questions": questions, "groups": [
             (title, [form[name] for name in names]) for title, names in (
                 (_("The call"), ("kind", "organiser", "title", "description", "status",
                                  "timezone", "opens_at", "deadline", "rounds", "prizes",
                                  "results_announced", "results_session")),
                 (_("Who may apply"), ("kinds", "label_scheme", "label_level", "label_valid_on",
                                       "member_of", "countries", "regions")),
                 (_("Jury"), ("anonymised", "independent_jury", "conflict_project_years",
                              "conflict_same_region", "reviews_per_application",
                              "fairness_floor", "pair_cap", "review_opens", "review_closes",
                              "shortlist_size")),
             )]},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def manage(request, slug: str):
    """Applications with their reviews, calibrated ranking and rank intervals; shortlist,
    decisions, publication of results, deliberation notes."""
    call = _organised(request, slug)
    if request.method == "POST":
        action = request.POST.get("action")
        application = None
        if request.POST.get("application"):
            application = get_object_or_404(call.applications, pk=request.POST["application"])
        if action == "shortlist" and application:
            on = request.POST.get("on") == "1"
            _act(request, lambda: services.set_shortlisted(application, request.user, on),
                 _("Shortlist saved."))  # fmt: skip
        elif action == "decide" and application:
            _act(
                request,
                lambda: services.decide(
                    application, request.user, outcome=request.POST.get("outcome", ""),
                    prize=request.POST.get("prize", ""), feedback=request.POST.get("feedback", ""),
                ),
                _("Decision saved."),
            )  # fmt: skip
        elif action == "publish":
            _act(request, lambda: services.publish_results(call, request.user),
                 _("Results are published; every applicant with a decision is told."))  # fmt: skip
        elif action == "deliberation":
            _act(request, lambda: services.save_deliberation(
                call, request.user, request.POST.get("notes", "")), _("Notes saved."))  # fmt: skip
        elif action == "lift_anonymity":
            _act(request, lambda: services.lift_anonymity(call, request.user),
                 _("Jurors now see who applies."))  # fmt: skip
        return redirect("calls:manage", slug=call.slug)
    applications = list(
        call.applications.exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation", "category")
        .order_by("pk")
    )
    ranked = selectors.ranking(call)
    _jurors, progress = selectors.progress(call)
    votes: dict[int, int] = {}
    for application_id in call.jurors.filter(vote__isnull=False).values_list(
        "vote__application_id", flat=True
    ):
        votes[application_id] = votes.get(application_id, 0) + 1
    rows = {}
    if ranked:
        ranking, raw, z, _counts = ranked
        rows = {r.application: (r, raw[r.application], z[r.application]) for r in ranking.rows}
    for application in applications:
        application.progress = progress.get(application.pk, (0, 0))
        application.vote_count = votes.get(application.pk, 0)
        application.ranked = rows.get(application.pk)
    applications.sort(key=lambda a: (a.ranked[0].rank if a.ranked else 10**6, a.pk))
    overlapping = []
    if ranked:
        names = {a.pk: a.organisation.name for a in applications}
        overlapping = [names[pk] for pk in ranked[0].overlapping if pk in names]
    return render(
        request,
        "calls/manage/manage.html",
        {
            "call": call,
            "applications": applications,
            "ranking": ranked[0] if ranked else None,
            "overlapping": overlapping,
            "outcomes": Outcome.choices,
            "drafts": call.applications.filter(status=ApplicationStatus.DRAFT).count(),
            "history": audit.history_page(request, call, per_page=10),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def jury(request, slug: str):
    """Jurors (invited, accepted, their load and progress), conflicts, the assignment."""
    call = _organised(request, slug)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "invite":
            organisation = None
            name = request.POST.get("organisation", "").strip()
            if name:
                organisation = (
                    Organisation.objects.filter(slug=name).first()
                    or Organisation.objects.filter(
                        Q(short_name__iexact=name) | Q(legal_name__iexact=name)
                    ).first()
                )
                if organisation is None:
                    messages.error(
                        request,
                        _("No organisation of the registry is called “%(name)s”.") % {"name": name},
                    )
                    return redirect("calls:jury", slug=call.slug)
            if not request.POST.get("name", "").strip() or "@" not in request.POST.get("email", ""):
                messages.error(request, _("Give the juror's name and e-mail address."))
                return redirect("calls:jury", slug=call.slug)
            _act(
                request,
                lambda: services.invite_juror(
                    call, name=request.POST["name"], email=request.POST["email"],
                    organisation=organisation, by=request.user,
                ),
                _("The juror is invited by e-mail."),
            )  # fmt: skip
        elif action == "detect":
            _act(request, lambda: services.detect_conflicts(call, by=request.user),
                 _("Conflicts checked against the registry."))  # fmt: skip
        elif action == "lift":
            conflict = get_object_or_404(
                Conflict, pk=request.POST.get("conflict"), juror__call=call
            )
            _act(request, lambda: services.lift_conflict(conflict, request.user,
                                                         request.POST.get("note", "")),
                 _("The conflict is lifted."))  # fmt: skip
        elif action == "conflict":
            juror = get_object_or_404(call.jurors, pk=request.POST.get("juror") or 0)
            application = get_object_or_404(
                call.applications, pk=request.POST.get("application") or 0
            )
            _act(request, lambda: services.add_conflict(juror, application, request.user,
                                                        request.POST.get("note", "")),
                 _("The conflict is recorded."))  # fmt: skip
        elif action == "assign":
            _act(request, lambda: services.run_assignment(call, request.user),
                 _("Applications are assigned."))  # fmt: skip
        elif action == "add":
            juror = get_object_or_404(call.jurors, pk=request.POST.get("juror") or 0)
            application = get_object_or_404(
                call.applications, pk=request.POST.get("application") or 0
            )
            _act(request, lambda: services.assign_by_hand(juror, application, request.user),
                 _("The juror is assigned."))  # fmt: skip
        elif action == "remind":
            _act(request, lambda: services.remind_jurors(call, request.user),
                 _("Jurors with reviews to finish are reminded by e-mail."))  # fmt: skip
        elif action == "remove":
            assignment = get_object_or_404(Assignment, pk=request.POST.get("assignment"),
                                           juror__call=call)  # fmt: skip
            _act(request, lambda: services.unassign(assignment, request.user),
                 _("The juror is taken off the application."))  # fmt: skip
        return redirect("calls:jury", slug=call.slug)
    jurors, progress = selectors.progress(call)
    applications = list(
        call.applications.filter(status=ApplicationStatus.SUBMITTED)
        .select_related("organisation", "category")
        .order_by("pk")
    )
    assignments: dict[int, list] = {}
    for a in Assignment.objects.filter(juror__call=call).select_related("juror", "review"):
        assignments.setdefault(a.application_id, []).append(a)
    for application in applications:
        application.jurors = assignments.get(application.pk, [])
    return render(
        request,
        "calls/manage/jury.html",
        {
            "call": call,
            "jurors": jurors,
            "applications": applications,
            "accepted": [j for j in jurors if j.status == JurorStatus.ACCEPTED],
            "conflicts": Conflict.objects.filter(juror__call=call)
            .select_related("juror", "application__organisation")
            .order_by("lifted", "juror__name"),
            "report": call.assignment_report,
            "problems": selectors.assignment_problems(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric(request, slug: str):
    call = _organised(request, slug)
    rows = [
        {k: v for k, v in {
            "key": c.key, "label": c.label, "description": c.description, "weight": c.weight,
            "lowest": c.lowest, "highest": c.highest}.items()}
        for c in call.criteria.all()
    ]  # fmt: skip
    errors = {}
    if request.method == "POST":
        rows = []
        for i in range(int(request.POST.get("rows", 0) or 0)):
            key = request.POST.get(f"key-{i}", "").strip()
            if not key:
                continue
            rows.append({
                "key": key, "label": request.POST.get(f"label-{i}", "").strip(),
                "description": request.POST.get(f"description-{i}", "").strip(),
                "weight": request.POST.get(f"weight-{i}", ""),
                "lowest": request.POST.get(f"lowest-{i}", "0") or 0,
                "highest": request.POST.get(f"highest-{i}", "10") or 10,
            })  # fmt: skip
        try:
            for row in rows:
                for bound in ("lowest", "highest"):
                    try:
                        row[bound] = int(row[bound])
                    except (TypeError, ValueError):
                        raise ValidationError(
                            {row["key"]: [_("The scale must be given in whole numbers.")]}
                        ) from None
            services.set_rubric(call, rows, request.user)
            messages.success(request, _("The rubric is saved."))
            return redirect("calls:rubric", slug=call.slug)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    shown = rows + [{"lowest": 0, "highest": 10}] * 2
    return render(
        request,
        "calls/manage/rubric.html",
        {"call": call, "rows": shown, "count": len(shown), "errors": errors},
    )


@login_required
def export(request, slug: str, fmt: str):
    call = _organised(request, slug)
    ranked = selectors.ranking(call)
    by_id = {}
    if ranked:
        ranking, raw, z, counts = ranked
        by_id = {
            r.application: (r, raw[r.application], counts[r.application]) for r in ranking.rows
        }
    columns = [
        _("Application"), _("Applicant"), _("Category"), _("Status"), _("Submitted"),
        _("Receipt"), _("Reviews"), _("Raw mean"), _("Calibrated score"), _("Rank"),
        _("Rank interval (90%)"), _("Shortlisted"), _("Decision"), _("Prize"),
    ]  # fmt: skip
    rows = []
    for a in call.applications.exclude(status=ApplicationStatus.DRAFT).select_related(
        "organisation", "category"
    ):
        r, raw, count = by_id.get(a.pk, (None, None, 0))
        rows.append([
            a.pk, a.organisation.name, a.category.title if a.category else "",
            a.get_status_display(), timezone.localtime(a.submitted_at).isoformat(timespec="seconds")
            if a.submitted_at else "", a.receipt, count,
            round(raw, 2) if raw is not None else "", round(r.score, 2) if r else "",
            r.rank if r else "", f"{r.low}–{r.high}" if r else "", a.shortlisted,
            a.get_outcome_display() if a.outcome else "", a.prize,
        ])  # fmt: skip
    rows.sort(key=lambda row: (row[9] == "", row[9] or 0, row[0]))
    data = exports.ExportRows(columns, rows)
    name = f"{call.slug}-applications"
    if fmt == "xlsx":
        return exports.export_xlsx(data, filename=name)
    if fmt == "csv":
        return exports.export_csv(data, filename=name)
    raise Http404


# Jurors -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, pk: int):
    """The invited juror answers: accept or decline, expertise, capacity, conflicts."""
    juror = get_object_or_404(Juror.objects.select_related("call", "call__organiser"), pk=pk)
    call = juror.call
    applications = list(
        call.applications.exclude(status=ApplicationStatus.DRAFT).select_related("organisation")
    )
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        capacity = request.POST.get("capacity", "").strip()
        declared = {
            int(pk): request.POST.get(f"why-{pk}", "") or _("a link with the applicant")
            for pk in request.POST.getlist("conflict")
            if pk.isdigit() and any(a.pk == int(pk) for a in applications)
        }
        try:
            if capacity and not capacity.isdigit():
                raise ValidationError({"capacity": [_("Give a whole number of applications.")]})
            services.answer_invitation(
                juror, request.user, accept=accept, expertise=request.POST.get("expertise", ""),
                capacity=int(capacity) if capacity else None, declared=declared,
            )  # fmt: skip
            juror.ecosystems.set(
                Ecosystem.objects.filter(pk__in=request.POST.getlist("ecosystems"))
            )
            juror.technologies.set(
                Technology.objects.filter(pk__in=request.POST.getlist("technologies"))
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("calls:invitation", pk=juror.pk)
        if accept:
            messages.success(request, _("Thank you: you are on the jury."))
            return redirect("calls:my-reviews", slug=call.slug)
        messages.success(request, _("Your answer is recorded: you declined."))
        return (
            redirect("calls:call", slug=call.slug)
            if call.status == "published"
            else redirect("home")
        )
    mine = juror.user_id == request.user.pk
    return render(
        request,
        "calls/invitation.html",
        {
            "juror": juror,
            "call": call,
            "mine": mine or juror.user_id is None,
            "applications": [] if call.anonymised and not call.anonymity_lifted else applications,
            "ecosystems": Ecosystem.objects.all(),
            "technologies": Technology.objects.all()[:200],
            "chosen_ecosystems": set(juror.ecosystems.values_list("pk", flat=True)),
            "chosen_technologies": set(juror.technologies.values_list("pk", flat=True)),
        },
    )


def _my_juror(request, call: Call) -> Juror:
    juror = call.jurors.filter(user=request.user, status=JurorStatus.ACCEPTED).first()
    if juror is None:
        raise PermissionDenied(_("You are not on the jury of this call."))
    return juror


def _hidden(call: Call) -> bool:
    return call.anonymised and not call.anonymity_lifted


@login_required
@require_http_methods(["GET", "POST"])
def my_reviews(request, slug: str):
    call = get_object_or_404(Call, slug=slug)
    juror = _my_juror(request, call)
    if request.method == "POST":
        application = get_object_or_404(call.applications, pk=request.POST.get("application") or 0)
        _act(request, lambda: services.vote(juror, request.user, application),
             _("Your vote is recorded."))  # fmt: skip
        return redirect("calls:my-reviews", slug=call.slug)
    assignments = list(
        juror.assignments.select_related(
            "application__organisation", "application__category"
        ).order_by("application_id")
    )
    reviews = {r.assignment_id: r for r in Review.objects.filter(assignment__in=assignments)}
    for a in assignments:
        a.the_review = reviews.get(a.pk)
    done = sum(1 for a in assignments if a.the_review and a.the_review.submitted_at)
    shortlist = list(
        call.applications.filter(shortlisted=True).select_related("organisation").order_by("pk")
    )
    vote = getattr(juror, "vote", None) if hasattr(juror, "vote") else None
    return render(
        request,
        "calls/my_reviews.html",
        {"call": call, "juror": juror, "assignments": assignments, "done": done,
         "hidden": _hidden(call), "shortlist": shortlist,
         "voted": vote.application_id if vote else None},
    )  # fmt: skip


def _answers(application: Application, hidden: bool) -> list[tuple[str, str]]:
    """The application's answers as (question, answer); files named by their question only
    when the call hides who applies."""
    shown = []
    attachments = {a.key: a for a in application.attachments.all()}
    for q in application.call.questions.all():
        if q.category_id and q.category_id != application.category_id:
            continue
        if q.kind == "file":
            file = attachments.get(q.key)
            value = (_("file attached") if hidden else file.name) if file else ""
        else:
            value = application.answers.get(q.key, "")
        if value not in ("", None):
            shown.append((q.label, value if isinstance(value, str) else str(value)))
    return shown


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """One review: the application (anonymised when the call says so), the rubric, two
    comments; "save" keeps a draft, "submit and go to the next" moves on."""
    assignment = get_object_or_404(
        Assignment.objects.select_related("juror__call", "application__organisation",
                                          "application__category"), pk=pk,
    )  # fmt: skip
    call = assignment.juror.call
    if assignment.juror.user_id != request.user.pk:
        raise PermissionDenied(_("Only the juror assigned may review this application."))
    existing = Review.objects.filter(assignment=assignment).first()
    criteria = list(call.criteria.all())
    errors: dict = {}
    values = dict(existing.scores) if existing else {}
    comments = (existing.comment_for_applicant, existing.comment_for_jury) if existing else ("", "")
    if request.method == "POST":
        values = {c.key: request.POST.get(f"score-{c.key}", "") for c in criteria}
        comments = (request.POST.get("comment_for_applicant", ""),
                    request.POST.get("comment_for_jury", ""))  # fmt: skip
        submit = "submit" in request.POST
        try:
            services.save_review(
                assignment, request.user, scores=values, comment_for_applicant=comments[0],
                comment_for_jury=comments[1], submit=submit,
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        else:
            if submit:
                messages.success(request, _("Your review is submitted."))
                following = (
                    (
                        assignment.juror.assignments.filter(review__submitted_at__isnull=True)
                        | assignment.juror.assignments.filter(review__isnull=True)
                    )
                    .exclude(pk=assignment.pk)
                    .order_by("application_id")
                    .first()
                )
                if following:
                    return redirect("calls:review", pk=following.pk)
                return redirect("calls:my-reviews", slug=call.slug)
            messages.success(request, _("Your draft is saved."))
            return redirect("calls:review", pk=assignment.pk)
    hidden = _hidden(call)
    application = assignment.application
    return render(
        request,
        "calls/review.html",
        {
            "call": call, "assignment": assignment, "application": application,
            "hidden": hidden, "answers": _answers(application, hidden),
            "criteria": [(c, values.get(c.key, ""), errors.get(c.key, [])) for c in criteria],
            "errors": errors.get("__all__", []) + errors.get("", []),
            "comments": comments, "review": existing,
        },
    )  # fmt: skip


# Results and dossiers ------------------------------------------------------------------------


def results(request, slug: str):
    call = get_object_or_404(Call.objects.select_related("organiser"), slug=slug)
    if call.results_published_at is None:
        raise Http404(_("The results of this call are not published yet."))
    decided = list(
        call.applications.filter(
            status=ApplicationStatus.SUBMITTED, outcome__in=[Outcome.WINNER, Outcome.SELECTED]
        ).select_related("organisation", "category")
    )
    decided.sort(key=lambda a: (a.category.order if a.category else 0, a.outcome != Outcome.WINNER,
                                a.organisation.name.casefold()))  # fmt: skip
    return render(
        request,
        "calls/results.html",
        {"call": call, "applications": decided,
         "session": call.results_session if call.results_session_id else None},
    )  # fmt: skip


@login_required
def dossier(request, pk: int):
    """The application as a PDF for its jurors (anonymised when the call is) and the
    organisers."""
    from django.conf import settings
    from weasyprint import HTML

    application = get_object_or_404(
        Application.objects.select_related("call", "organisation", "category"), pk=pk
    )
    call = application.call
    organiser = request.user.is_staff or selectors.on_team(request.user, call.organiser_id)
    juror = Assignment.objects.filter(application=application, juror__user=request.user).exists()
    if not (organiser or juror):
        raise PermissionDenied(_("Only the organisers and the jurors of this application see it."))
    hidden = _hidden(call) and not organiser
    html = render_to_string(
        "calls/print/dossier.html",
        {"call": call, "application": application, "hidden": hidden,
         "answers": _answers(application, hidden)},
        request=request,
    )  # fmt: skip
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{call.slug}-{application.pk}.pdf"'
    return response
