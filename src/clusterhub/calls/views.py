from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterhub.partnering.selectors import team_organisations

from . import questions, selectors, services, timeline
from .forms import ApplicationForm, StartForm
from .models import Application, ApplicationStatus, Call


def call_list(request):
    now = timezone.now()
    calls = list(selectors.published_calls())
    return render(
        request,
        "calls/call_list.html",
        {
            "open_calls": [c for c in calls if c.deadline >= now],
            "closed_calls": [c for c in calls if c.deadline < now],
            "my_calls": selectors.organised_calls(request.user),
        },
    )


def _call(slug: str) -> Call:
    return get_object_or_404(selectors.published_calls(), slug=slug)


def call_detail(request, slug: str):
    call = _call(slug)
    window = timeline.accepting(timezone.now(), call.opens_at, call.deadline, call.timezone)
    organisations = team_organisations(request.user) if request.user.is_authenticated else None
    start = (
        StartForm(organisations=organisations, categories=call.categories.all())
        if organisations is not None and organisations.exists() and window.open
        else None
    )
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "window": window.sentence(_),
            "is_open": window.open,
            "rules": selectors.rule_sentences(call.rules, _),
            "categories": [
                (c, selectors.rule_sentences(c.rules, _)) for c in call.categories.all()
            ],
            "start": start,
            "mine": selectors.my_applications(request.user, call),
            "organiser": selectors.on_team(request.user, call.organiser_id),
            "juror": request.user.is_authenticated
            and call.jurors.filter(user=request.user, status="accepted").exists(),
        },
    )


@login_required
@require_POST
def start(request, slug: str):
    call = _call(slug)
    form = StartForm(
        request.POST,
        organisations=team_organisations(request.user),
        categories=call.categories.all(),
    )
    if not form.is_valid():
        messages.error(request, _("Choose the organisation (and the category) to apply for."))
        return redirect("calls:call", slug=call.slug)
    try:
        application = services.start_application(
            call, form.cleaned_data["organisation"], request.user,
            form.cleaned_data.get("category"),
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("calls:call", slug=call.slug)
    return redirect("calls:application", pk=application.pk)


def _application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call", "category", "organisation"), pk=pk
    )
    if not selectors.on_team(request.user, application.organisation_id):
        raise PermissionDenied(_("Only the profile team of the organisation sees its application."))
    return application


@login_required
@require_http_methods(["GET", "POST"])
def application(request, pk: int):
    """The application form: saved as one types (htmx), submitted when ready."""
    application = _application(request, pk)
    call = application.call
    category = application.category.key if application.category_id else ""
    specs = selectors.form_questions(call)
    answers = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    errors: list[tuple[str, str]] = []  # (question key or "", sentence)
    if request.method == "POST":
        try:
            files = {key: (upload.name, upload.read()) for key, upload in request.FILES.items()}
            cleaned = services.save_draft(application, request.user, answers, files)
            errors = [(p.key, p.sentence(_)) for p in cleaned.problems]
            if "submit" in request.POST:
                services.submit(application, request.user)
                messages.success(request, _("Your application is submitted."))
                return redirect("calls:application", pk=application.pk)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = [(k, text) for k, texts in error.message_dict.items() for text in texts]
            else:
                errors = [("", text) for text in error.messages]
    application.refresh_from_db()
    shown = questions.visible(specs, application.answers, category)
    judged = services.verdict(
        application, project_start=services.project_start(application.answers)
    )
    context = {
        "application": application,
        "call": call,
        "form": ApplicationForm(shown, application.answers, errors),
        "verdict": judged,
        "checks": [(c.ok, c.sentence(_), c.how_to_fix(_)) for c in judged.checks],
        "window": timeline.accepting(
            timezone.now(), call.opens_at, call.deadline, call.timezone
        ).sentence(_),
        "submitted": application.status == ApplicationStatus.SUBMITTED,
    }
    template = "calls/_application_form.html" if request.htmx else "calls/application.html"
    return render(request, template, context)


@login_required
@require_POST
def withdraw(request, pk: int):
    application = _application(request, pk)
    try:
        services.withdraw(application, request.user)
        messages.success(request, _("Your application is withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("calls:application", pk=application.pk)


@login_required
@require_POST
def co_applicants(request, pk: int):
    """The organisations applying with the applicant: one per line, as in the registry."""
    from clusterhub.registry.forms import organisation_field_value

    application = _application(request, pk)
    found, unknown = [], []
    for line in request.POST.get("co_applicants", "").splitlines():
        if not line.strip():
            continue
        try:
            found.append(organisation_field_value(line.strip()))
        except forms.ValidationError as error:
            unknown.append(" ".join(error.messages))
    if unknown:
        messages.error(request, " ".join(unknown))
        return redirect("calls:application", pk=application.pk)
    try:
        services.set_co_applicants(application, request.user, found)
        messages.success(request, _("Co-applicants saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("calls:application", pk=application.pk)
