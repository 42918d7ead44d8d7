"""Pages of consultations: the list, a consultation, answering (with its e-mail check), the
results, exports, statements and the organisers' themes."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clusterhub.core import exports, mail
from clusterhub.core.mail import site_link
from clusterhub.core.svg import bar_chart

from . import selectors, services
from .models import (
    Answer,
    Consultation,
    Publication,
    Question,
    StakeholderType,
    Statement,
    Theme,
)

LINK_SALT = "consultations.link"
KEY_SALT = "consultations.key"


def _consultation(slug: str) -> Consultation:
    return get_object_or_404(selectors.public_consultations(), slug=slug)


def _identity(request, consultation: Consultation) -> services.Identity | None:
    if request.user.is_authenticated:
        from allauth.account.models import EmailAddress

        address = (
            EmailAddress.objects.filter(user=request.user, verified=True)
            .order_by("-primary")
            .values_list("email", flat=True)
            .first()
        )
        if address:
            return services.Identity(address, request.user)
    address = request.session.get(f"consultation-{consultation.pk}-address")
    return services.Identity(address) if address else None


def _cookie(consultation: Consultation) -> str:
    return f"consultation-{consultation.pk}"


def _key(request, consultation: Consultation) -> str | None:
    return request.get_signed_cookie(_cookie(consultation), default=None, salt=KEY_SALT)


def _keep_key(response, consultation: Consultation, key: str) -> None:
    age = max(int((consultation.closes_at - timezone.now()).total_seconds()), 0) + 86400
    response.set_signed_cookie(_cookie(consultation), key, salt=KEY_SALT, max_age=age,
                               httponly=True, samesite="Lax")  # fmt: skip


def _is_organiser(user, consultation) -> bool:
    try:
        services.require_organiser(user, consultation)
    except PermissionDenied:
        return False
    return True


def consultation_list(request):
    consultations = list(selectors.public_consultations())
    return render(request, "consultations/list.html", {"consultations": consultations})


def detail(request, slug: str):
    consultation = _consultation(slug)
    identity = _identity(request, consultation)
    mine = services.response_for(consultation, _key(request, consultation))
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "open": services.is_open(consultation),
            "identity": identity,
            "answered": bool(identity and services.has_answered(consultation, identity)),
            "mine": mine,
            "sections": consultation.sections.all(),
            "documents": consultation.documents.all(),
            "organiser": _is_organiser(request.user, consultation),
        },
    )


@require_POST
def send_link(request, slug: str):
    """A one-time link to the address given: opening it proves the address."""
    consultation = _consultation(slug)
    address = request.POST.get("email", "").strip()
    if "@" not in address or len(address) > 254:
        messages.error(request, _("Give a valid e-mail address."))
        return redirect("consultations:detail", slug=slug)
    token = signing.dumps({"c": consultation.pk, "a": address}, salt=LINK_SALT)
    link = site_link(reverse("consultations:verify", args=[slug, token]))
    mail.send(mail.Email(to=[address], template="consultations/email/link",
                         context={"consultation": consultation, "link": link}))  # fmt: skip
    messages.success(request, _("We sent you a link: open it to answer."))
    return redirect("consultations:detail", slug=slug)


def verify(request, slug: str, token: str):
    consultation = _consultation(slug)
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=timedelta(days=30))
    except signing.BadSignature:
        messages.error(request, _("This link is not valid: ask for a new one."))
        return redirect("consultations:detail", slug=slug)
    if data.get("c") != consultation.pk:
        messages.error(request, _("This link is not valid: ask for a new one."))
        return redirect("consultations:detail", slug=slug)
    request.session[f"consultation-{consultation.pk}-address"] = data["a"]
    return redirect("consultations:answer", slug=slug)


def answers_from_post(questions, post) -> dict:
    raw: dict[str, dict] = {}
    for q in questions:
        name = f"q-{q.key}"
        if q.kind == "single":
            raw[q.key] = {"choice": post.get(name, ""), "other": post.get(f"{name}-other", "")}
        elif q.kind == "multiple":
            raw[q.key] = {"choices": post.getlist(name), "other": post.get(f"{name}-other", "")}
        elif q.kind == "scale" or q.kind == "number":
            raw[q.key] = {"value": post.get(name, "")}
        elif q.kind == "ranking":
            ranks = []
            for option, _label in q.options:
                value = post.get(f"{name}-rank-{option}", "").strip()
                if value.isdigit():
                    ranks.append((int(value), option))
            raw[q.key] = {"order": [option for _rank, option in sorted(ranks)]}
        elif q.kind == "matrix":
            raw[q.key] = {"rows": {row: post.get(f"{name}-{row}", "") for row, _l in q.rows}}
        else:
            raw[q.key] = {"text": post.get(name, "")}
    return raw


def _stored_answers(response) -> dict:
    if response is None:
        return {}
    return {a.question.key: a.value for a in response.answers.select_related("question")}


@require_http_methods(["GET", "POST"])
def answer(request, slug: str):
    consultation = _consultation(slug)
    if request.GET.get("key"):  # the link of the confirmation e-mail
        target = redirect("consultations:answer", slug=slug)
        if services.response_for(consultation, request.GET["key"]) is not None:
            _keep_key(target, consultation, request.GET["key"])
        return target
    if not services.is_open(consultation):
        messages.error(request, _("This consultation is not open for answers."))
        return redirect("consultations:detail", slug=slug)
    key = _key(request, consultation)
    response_row = services.response_for(consultation, key)
    identity = _identity(request, consultation)
    if response_row is None and identity is None:
        messages.info(request, _("First, check your e-mail address: we send you a link."))
        return redirect("consultations:detail", slug=slug)
    new_key = None
    if response_row is None:
        try:
            response_row, new_key = services.start(consultation, identity)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return redirect("consultations:detail", slug=slug)
    questions = services.current_questions(consultation)
    errors: dict[str, list[str]] = {}
    raw = _stored_answers(response_row)
    profile = {f: getattr(response_row, f) for f in (
        "stakeholder_type", "country", "region", "publication", "name", "on_behalf",
        "organisation_name")}  # fmt: skip
    if request.method == "POST":
        raw = answers_from_post(questions, request.POST)
        profile = {k: request.POST.get(k, "") for k in profile}
        profile["on_behalf"] = request.POST.get("on_behalf") == "1"
        submit = "submit" in request.POST
        first = not response_row.submitted
        try:
            services.save(response_row, answers=raw, profile=profile, submit=submit,
                          identity=identity)  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        except PermissionDenied as error:
            errors = {"": [str(error)]}
        else:
            if submit:
                messages.success(request, _("Thank you: your answer is recorded. You may change "
                                            "it until the consultation closes."))  # fmt: skip
                if first and identity is not None and (new_key or key):
                    _confirm(request, consultation, identity, new_key or key)
                target = redirect("consultations:detail", slug=slug)
            else:
                messages.success(request, _("Your draft is saved."))
                target = redirect("consultations:answer", slug=slug)
            if new_key:
                _keep_key(target, consultation, new_key)
            return target
    page = render(
        request,
        "consultations/answer.html",
        {
            "consultation": consultation,
            "response": response_row,
            "items": _items(questions, raw, errors),
            "profile": profile,
            "errors": errors,
            "general": errors.get("", []) + errors.get("__all__", []),
            "types": StakeholderType.choices,
            "publications": Publication.choices,
        },
    )
    if new_key:
        _keep_key(page, consultation, new_key)
    return page


def _confirm(request, consultation, identity, key) -> None:
    link = site_link(reverse("consultations:answer", args=[consultation.slug]))
    context = {"consultation": consultation, "link": f"{link}?key={key}"}
    mail.send(
        mail.Email(to=[identity.address], template="consultations/email/answered", context=context)
    )


def _items(questions, raw, errors):
    """Questions grouped by section, each with its current answer and its errors."""
    sections: list[tuple[object, list]] = []
    for q in questions:
        if not sections or sections[-1][0] != q.section:
            sections.append((q.section, []))
        value = raw.get(q.key) or {}
        ranks = {option: i for i, option in enumerate(value.get("order") or [], start=1)}
        sections[-1][1].append({
            "q": q, "value": value, "errors": errors.get(q.key, []),
            "chosen": set(value.get("choices") or ()) | {value.get("choice")},
            "ranks": ranks, "points": list(range(q.low, q.high + 1)),
        })  # fmt: skip
    return sections


def _results_context(consultation: Consultation) -> dict:
    found = selectors.results(consultation)
    charts = {}
    for item in found.questions:
        rows = [(o.label, o.count) for o in item.options]
        if rows:
            charts[item.question.pk] = bar_chart(rows)
    free = [  # found by the analysts' job (see tasks), never on the page's request
        (item.question, item.question.campaigns.get("found", []))
        for item in found.questions
        if item.question.kind in ("long_text", "short_text")
    ]
    themes = selectors.theme_views(consultation)
    return {
        "consultation": consultation,
        "results": found,
        "charts": charts,
        "type_chart": bar_chart(
            [(label, found.by_type.get(value, 0)) for value, label in found.types]
        ),
        "free": free,
        "themes": themes,
        "generated": consultation.responses.filter(generated=True).exists(),
    }


def results(request, slug: str):
    consultation = _consultation(slug)
    return render(request, "consultations/results.html", _results_context(consultation))


def results_pdf(request, slug: str):
    """The results (and the synthesis, once published) as a PDF, with the same SVG charts."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    consultation = _consultation(slug)
    html = render_to_string("consultations/print/results.html", _results_context(consultation),
                            request=request)  # fmt: skip
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{consultation.slug}-results.pdf"'
    return response


def export(request, slug: str, fmt: str):
    consultation = _consultation(slug)
    questions = list(consultation.questions.filter(retired=False).order_by("order", "id"))
    columns = [_("Response"), _("Day"), _("Name"), _("Stakeholder type"), _("Country"),
               _("Region"), _("On behalf of")]  # fmt: skip
    other = _("other")
    for q in questions:
        columns.append(q.key)
        if q.allow_other:
            columns.append(f"{q.key} ({other})")
    types = {k: str(v) for k, v in StakeholderType.choices}
    rows = []
    for response, values in selectors.published_answers(consultation):
        row = [
            str(response["id"])[:8],
            response["day"].isoformat() if response["day"] else "",
            response["name"],
            types.get(response["stakeholder_type"], ""),
            response["country"],
            response["region"],
            response["organisation_name"] if response["on_behalf"] else "",
        ]
        for q in questions:
            value = values.get(q.pk) or {}
            row.append(_cell(value))
            if q.allow_other:
                row.append(value.get("other", ""))
        rows.append(row)
    name = f"{consultation.slug}-answers"
    if fmt == "csv":
        return exports.export_csv(exports.ExportRows(columns, rows), filename=name)
    if fmt == "xlsx":
        return exports.export_xlsx(exports.ExportRows(columns, rows), filename=name)
    if fmt == "json":
        data = {
            "consultation": consultation.title,
            "licence": "CC BY 4.0",
            "note": consultation.illustrative,
            "answers": [dict(zip(columns, row, strict=True)) for row in rows],
        }
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
        response["Content-Disposition"] = f'attachment; filename="{name}.json"'
        return response
    raise Http404


def _cell(value: dict) -> str:
    if "choice" in value:
        return value["choice"]
    if "choices" in value:
        return "; ".join(value["choices"])
    if "order" in value:
        return " > ".join(value["order"])
    if "rows" in value:
        return "; ".join(f"{r}={o}" for r, o in value["rows"].items())
    if "value" in value:
        return str(value["value"])
    return value.get("text", "")


@require_http_methods(["GET", "POST"])
def statements(request, slug: str):
    consultation = _consultation(slug)
    if not consultation.statements:
        raise Http404
    identity = _identity(request, consultation)
    if request.method == "POST":
        if identity is None:
            messages.error(request, _("First, check your e-mail address: we send you a link."))
            return redirect("consultations:detail", slug=slug)
        try:
            if "text" in request.POST:
                services.add_statement(consultation, identity, request.POST["text"])
                messages.success(request, _("Your statement is added."))
            else:
                statement = get_object_or_404(Statement, pk=request.POST.get("statement") or 0,
                                              consultation=consultation)  # fmt: skip
                services.vote(statement, identity, int(request.POST.get("value", "9")))
        except (ValidationError, PermissionDenied, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("consultations:statements", slug=slug)
    listed = list(consultation.statement_set.filter(hidden=False))
    groups = selectors.opinion_groups(consultation)
    views = {v.statement: v for v in groups.statements}
    for s in listed:
        s.view = views.get(s.pk)
    return render(
        request,
        "consultations/statements.html",
        {
            "consultation": consultation,
            "statements": listed,
            "identity": identity,
            "open": services.is_open(consultation),
            "groups": groups,
            "group_count": int(groups.groups.max()) + 1 if len(groups.groups) and
            groups.groups.max() >= 0 else 0,
            "consensus": [s for s in listed if s.pk in set(groups.consensus)],
            "map": _opinion_map(groups),
        },
    )  # fmt: skip


GROUP_COLOURS = ["#0b5a52", "#f59e0b", "#7c3aed", "#dc2626", "#2563eb"]


def _opinion_map(groups) -> str:
    """Participants on the two first principal components, coloured by opinion group."""
    if not len(groups.participants):
        return ""
    points = groups.coordinates
    span = max(float(abs(points).max()), 1e-9)
    size = 320
    label = escape(_("Map of the participants by opinion group"))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="chart" '
           f'role="img" aria-label="{label}" width="{size}" height="{size}">'
           f'<rect width="{size}" height="{size}" fill="#f8fafc" '
           f'stroke="#cbd5e1"></rect>']  # fmt: skip
    for (x, y), group in zip(points, groups.groups, strict=True):
        cx = size / 2 + x / span * (size / 2 - 12)
        cy = size / 2 - y / span * (size / 2 - 12)
        colour = GROUP_COLOURS[group % len(GROUP_COLOURS)] if group >= 0 else "#94a3b8"
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}" '
                   f'fill-opacity=".7"></circle>')  # fmt: skip
    out.append("</svg>")
    return "".join(out)


@require_http_methods(["GET", "POST"])
def themes(request, slug: str):
    """The organisers' desk for free-text themes: find, rename, merge, split, move answers."""
    consultation = get_object_or_404(Consultation, slug=slug)
    try:
        services.require_organiser(request.user, consultation)
    except PermissionDenied:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        raise
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "find":
                from .tasks import start_themes

                question = get_object_or_404(
                    consultation.questions, pk=request.POST.get("question")
                )
                job = start_themes(question, request.user)
                return redirect("job", pk=job.pk)
            elif action == "rename":
                theme = get_object_or_404(Theme, pk=request.POST.get("theme"),
                                          question__consultation=consultation)  # fmt: skip
                services.rename_theme(theme, request.user, request.POST.get("label", ""))
            elif action == "merge":
                keep = get_object_or_404(Theme, pk=request.POST.get("theme"),
                                         question__consultation=consultation)  # fmt: skip
                other = get_object_or_404(Theme, pk=request.POST.get("other"),
                                          question__consultation=consultation)  # fmt: skip
                services.merge_themes(keep, other, request.user)
            elif action == "move":
                answer_row = get_object_or_404(Answer, pk=request.POST.get("answer"),
                                               question__consultation=consultation)  # fmt: skip
                theme = get_object_or_404(Theme, pk=request.POST.get("theme"),
                                          question__consultation=consultation)  # fmt: skip
                services.move_answer(answer_row, theme, request.user)
            elif action == "split":
                theme = get_object_or_404(Theme, pk=request.POST.get("theme"),
                                          question__consultation=consultation)  # fmt: skip
                chosen = list(Answer.objects.filter(pk__in=request.POST.getlist("answers")))
                services.split_theme(theme, request.user, chosen, request.POST.get("label", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("consultations:themes", slug=slug)
    questions = consultation.questions.filter(retired=False, kind__in=["long_text",
                                                                      "short_text"])  # fmt: skip
    found = Theme.objects.filter(question__consultation=consultation).prefetch_related("answers")
    context = {"consultation": consultation, "questions": questions, "themes": found}
    return render(request, "consultations/themes.html", context)


def data_json(request, slug: str) -> HttpResponse:
    """The results' counts as JSON (open data)."""
    consultation = _consultation(slug)
    found = selectors.results(consultation)
    data = {
        "respondents": found.respondents,
        "by_stakeholder_type": found.by_type,
        "countries": found.countries,
        "questions": [
            {"key": item.question.key, "answered": item.answered,
             "options": {o.key: o.count for o in item.options}, "median": item.median}
            for item in found.questions
        ],
    }  # fmt: skip
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")


# The organisers ---------------------------------------------------------------------------------


def _organised(request, slug: str) -> Consultation:
    consultation = get_object_or_404(Consultation, slug=slug)
    services.require_organiser(request.user, consultation)
    return consultation


@require_http_methods(["GET", "POST"])
def edit(request, slug: str | None = None):
    """Create or change a consultation, its sections and its questionnaire."""
    from clusterhub.partnering.selectors import team_organisations

    from .forms_manage import ConsultationForm, QuestionFormSet, SectionFormSet

    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    consultation = _organised(request, slug) if slug else Consultation()
    organisations = team_organisations(request.user)
    if not consultation.pk and not organisations.exists():
        raise PermissionDenied(_("Consultations are run by organisations: join your "
                                 "organisation's profile team first."))  # fmt: skip
    data = request.POST or None
    form = ConsultationForm(data, instance=consultation, organisations=organisations)
    sections = SectionFormSet(data, instance=consultation, prefix="sections")
    questions = QuestionFormSet(
        data, instance=consultation, prefix="questions",
        queryset=Question.objects.filter(consultation=consultation, retired=False)
        if consultation.pk else Question.objects.none(),
        form_kwargs={"sections": consultation.sections.all() if consultation.pk else None},
    )  # fmt: skip
    if request.method == "POST":
        if form.is_valid() and sections.is_valid() and questions.is_valid():
            try:
                consultation = services.save_consultation(form, sections, questions, request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The consultation is saved."))
                return redirect("consultations:edit", slug=consultation.slug)
        else:
            messages.error(request, _("Some fields need a change: see below."))
    return render(request, "consultations/edit.html", {
        "consultation": consultation if consultation.pk else None, "form": form,
        "sections": sections, "questions": questions,
    })  # fmt: skip


def preview(request, slug: str):
    """The questionnaire as respondents will see it, without answering."""
    consultation = _organised(request, slug)
    return render(request, "consultations/answer.html", {
        "consultation": consultation, "preview": True, "response": None,
        "items": _items(services.current_questions(consultation), {}, {}),
        "profile": {"publication": Publication.ANONYMOUS}, "errors": {}, "general": [],
        "types": StakeholderType.choices, "publications": Publication.choices,
    })  # fmt: skip


@require_POST
def invite(request, slug: str):
    consultation = _organised(request, slug)
    addresses = [a.strip() for a in request.POST.get("addresses", "").replace(",", "\n")
                 .splitlines() if a.strip()]  # fmt: skip
    try:
        new = services.invite(consultation, addresses, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        for address in addresses:
            token = signing.dumps({"c": consultation.pk, "a": address}, salt=LINK_SALT)
            link = site_link(reverse("consultations:verify", args=[consultation.slug, token]))
            mail.send(mail.Email(to=[address], template="consultations/email/link",
                                 context={"consultation": consultation, "link": link}))  # fmt: skip
        messages.success(request, _("%(n)s new addresses invited; each gets its link.")
                         % {"n": new})  # fmt: skip
    return redirect("consultations:edit", slug=slug)
