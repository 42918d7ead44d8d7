"""Pages of the joint action plans: the list, a plan by axis with its timeline, and the team's
forms. Writes go through ``services``; reads through ``selectors``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterhub.core.exports import export_workbook
from clusterhub.core.forms import apply_errors
from clusterhub.partnering.selectors import team_organisations

from . import forms, selectors, services
from .models import Action, Indicator, Milestone, Plan, Recommendation


def _plan(request, slug: str) -> tuple[Plan, bool]:
    plan = get_object_or_404(Plan.objects.select_related("owner"), slug=slug)
    team = services.on_team(request.user, plan.owner_id)
    if not (plan.published or team):
        raise Http404
    return plan, team


def _team_plan(request, slug: str) -> Plan:
    plan, team = _plan(request, slug)
    if not team:
        raise PermissionDenied(_("Only the team of the plan's coordinating organisation may do "
                                 "this."))  # fmt: skip
    return plan


def plan_list(request):
    plans = selectors.visible_plans(request.user).order_by("-starts_on", "title")
    page = Paginator(plans, 20).get_page(request.GET.get("page"))
    return render(request, "actionplans/list.html", {
        "page": page, "can_write": team_organisations(request.user).exists(),
    })  # fmt: skip


@login_required
def plan_new(request):
    organisations = team_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Join the profile team of an organisation to write its plans."))
    form = forms.NewPlanForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.create_plan(
                owner=data["owner"], title=data["title"], summary=data["summary"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], currency=data["currency"],
                template=data["template"], axes=(data["own_axes"] or "").splitlines(),
                partners=data["partner_lines"], published=data["published"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The plan is created. Add its actions."))
            return redirect(plan)
    return render(request, "actionplans/form.html", {
        "form": form, "title": _("New joint action plan"), "back": "actionplans:list",
    })  # fmt: skip


def plan_detail(request, slug: str):
    plan, team = _plan(request, slug)
    view = selectors.plan_view(plan)
    form = forms.RecommendationForm(
        plan=plan,
        team=team,
        initial={"author": request.user.get_full_name() if request.user.is_authenticated else ""},
    )
    return render(request, "actionplans/detail.html", {
        "plan": plan, "view": view, "team": team, "recommend_form": form,
    })  # fmt: skip


@login_required
def plan_edit(request, slug: str):
    plan = _team_plan(request, slug)
    lines = "\n".join(p.organisation.slug for p in
                      plan.partnerships.select_related("organisation"))  # fmt: skip
    form = forms.PlanForm(request.POST or None, instance=plan,
                          initial={"partner_lines": lines})  # fmt: skip
    axes = forms.AxisFormSet(
        request.POST or None,
        prefix="axes",
        initial=[
            {"id": a.pk, "title": a.title, "description": a.description} for a in plan.axes.all()
        ],
    )
    if request.method == "POST" and form.is_valid() and axes.is_valid():
        data = form.cleaned_data
        kept = [(f.cleaned_data.get("id"), f.cleaned_data["title"],
                 f.cleaned_data.get("description", "")) for f in axes.forms
                if f.cleaned_data and not f.cleaned_data.get("DELETE")]  # fmt: skip
        try:
            services.update_plan(
                Plan.objects.get(pk=plan.pk), request.user, partners=data["partner_lines"],
                axes=kept, **{k: data[k] for k in ("title", "summary", "starts_on", "ends_on",
                                                   "currency", "published")},
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error, {"partners": "partner_lines"})
        else:
            messages.success(request, _("The plan is saved."))
            return redirect(plan)
    return render(request, "actionplans/edit.html", {"plan": plan, "form": form, "axes": axes})


@login_required
def action_edit(request, slug: str, pk: int | None = None):
    plan = _team_plan(request, slug)
    action = get_object_or_404(Action, pk=pk, plan=plan) if pk else None
    form = forms.ActionForm(request.POST or None, instance=action, plan=plan,
                            initial={} if action else {"starts_on": plan.starts_on,
                                                        "ends_on": plan.ends_on})  # fmt: skip
    fundings = forms.FundingFormSet(
        request.POST or None, prefix="funding",
        queryset=action.fundings.all() if action else forms.Funding.objects.none(),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid() and fundings.is_valid():
        data = form.cleaned_data
        sources = [(f.cleaned_data["source"], f.cleaned_data["kind"], f.cleaned_data["amount"])
                   for f in fundings.forms
                   if f.cleaned_data and not f.cleaned_data.get("DELETE")]  # fmt: skip
        try:
            saved = services.save_action(
                plan, request.user, action=action, partners=list(data["partners"]),
                fundings=sources, deliveries=form.deliveries(),
                **{k: data[k] for k in ("axis", "title", "description", "nature", "lead",
                                        "starts_on", "ends_on", "status", "budget")},
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": saved.title})
            return redirect(f"{plan.get_absolute_url()}#action-{saved.pk}")
    return render(request, "actionplans/action_form.html", {
        "plan": plan, "form": form, "fundings": fundings, "action": action,
    })  # fmt: skip


@login_required
@require_POST
def action_delete(request, slug: str, pk: int):
    plan = _team_plan(request, slug)
    action = get_object_or_404(Action, pk=pk, plan=plan)
    services.delete_action(action, request.user)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": action.title})
    return redirect(plan)


@login_required
def indicator_edit(request, slug: str, pk: int | None = None):
    plan = _team_plan(request, slug)
    indicator = get_object_or_404(Indicator, pk=pk, plan=plan) if pk else None
    form = forms.IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_indicator(plan, request.user, indicator=indicator, **data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect(f"{plan.get_absolute_url()}#indicators")
    return render(request, "actionplans/form.html", {
        "plan": plan, "form": form, "title": _("Indicator"),
    })  # fmt: skip


@login_required
def indicator_value(request, slug: str, pk: int):
    plan = _team_plan(request, slug)
    indicator = get_object_or_404(Indicator, pk=pk, plan=plan)
    form = forms.ValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_value(indicator, request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The value is recorded."))
            return redirect(f"{plan.get_absolute_url()}#indicators")
    return render(request, "actionplans/form.html", {
        "plan": plan, "form": form,
        "title": _("A value of “%(name)s”") % {"name": indicator.name},
    })  # fmt: skip


@login_required
def milestone_edit(request, slug: str, pk: int | None = None):
    plan = _team_plan(request, slug)
    milestone = get_object_or_404(Milestone, pk=pk, plan=plan) if pk else None
    form = forms.MilestoneForm(request.POST or None, instance=milestone, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_milestone(plan, request.user, milestone=milestone, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The milestone is saved."))
            return redirect(f"{plan.get_absolute_url()}#timeline")
    return render(request, "actionplans/form.html", {
        "plan": plan, "form": form, "title": _("Milestone"),
    })  # fmt: skip


@login_required
def recommend(request, slug: str):
    plan, team = _plan(request, slug)
    form = forms.RecommendationForm(request.POST or None, plan=plan, team=team)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommend(plan, request.user, text=data["text"], author=data["author"],
                               author_organisation=data["author_organisation"],
                               axis=data["axis"], event=data.get("event"),
                               publish_name=data["publish_name"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Thank you: the plan's team will answer your "
                                        "recommendation."))  # fmt: skip
            return redirect(f"{plan.get_absolute_url()}#recommendations")
    return render(request, "actionplans/form.html", {
        "plan": plan, "form": form, "title": _("Recommend"),
    })  # fmt: skip


@login_required
def answer(request, slug: str, pk: int):
    plan = _team_plan(request, slug)
    recommendation = get_object_or_404(Recommendation, pk=pk, plan=plan)
    form = forms.AnswerForm(request.POST or None, instance=recommendation, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.answer_recommendation(Recommendation.objects.get(pk=pk), request.user,
                                       response=data["response"], answer=data["answer"],
                                       action=data["action"])  # fmt: skip
        messages.success(request, _("The answer is saved."))
        return redirect(f"{plan.get_absolute_url()}#recommendations")
    return render(request, "actionplans/form.html", {
        "plan": plan, "form": form, "title": _("Answer the recommendation"),
        "quote": recommendation.text,
    })  # fmt: skip


def export_xlsx(request, slug: str):
    plan, team = _plan(request, slug)
    view = selectors.plan_view(plan)
    return export_workbook(_sheets(view, team), f"{plan.slug}-plan")


def _sheets(view, team: bool):
    currency = view.plan.currency
    actions = [
        [a["axis"].title, r["action"].title, str(r["action"].get_nature_display()),
         r["action"].lead.name, ", ".join(p.name for p in r["partners"]),
         r["action"].starts_on, r["action"].ends_on, str(r["status_label"]),
         r["action"].budget, currency,
         "; ".join(f"{f.source}: {f.amount}" for f in r["fundings"]),
         "; ".join(f"{d['kind']}: {d['title']}" + (f" ({_('happened')})" if d["happened"] else "")
                   for d in r["deliveries"]),
         _("yes") if r["state"].done else _("no")]
        for a in view.axes for r in a["actions"]
    ]  # fmt: skip
    yield (_("Actions"), [_("Axis"), _("Action"), _("Nature"), _("Lead partner"),
                          _("Other partners"), _("Start"), _("End"), _("Status"), _("Budget"),
                          _("Currency"), _("Funding sources"), _("Delivered by"), _("Done")],
           actions)  # fmt: skip
    yield (_("Progress by axis"), [_("Axis"), _("Actions"), _("Done"), _("Evidenced"), _("Late")],
           [[a["axis"].title, a["progress"]["actions"], a["progress"]["done"],
             a["progress"]["evidenced"], a["progress"]["late"]] for a in view.axes])  # fmt: skip
    yield (_("Indicators"), [_("Indicator"), _("Unit"), _("Axis"), _("Baseline"), _("Target"),
                             _("Actual"), _("Counted from the platform")],
           [[i["indicator"].name, i["indicator"].unit,
             i["indicator"].axis.title if i["indicator"].axis else "", i["indicator"].baseline,
             i["indicator"].target, i["actual"], _("yes") if i["counted"] else _("no")]
            for i in view.indicators])  # fmt: skip
    yield (_("Milestones"), [_("Milestone"), _("Due"), _("Reached"), _("Action")],
           [[m.title, m.due_on, m.reached_on, m.action.title if m.action else ""]
            for m in view.milestones])  # fmt: skip
    yield (_("Partners"), [_("Partner"), _("Country"), _("Actions led"), _("Actions joined"),
                           _("Budget of the actions led")],
           [[p["organisation"].name, p["organisation"].country_id, p["led"], p["joined"],
             p["budget"]] for p in view.partners])  # fmt: skip
    yield (_("Recommendations"), [_("Recommendation"), _("Axis"), _("Who said it"), _("Where"),
                                  _("What the plan did with it"), _("Answer")],
           [[r.text, r.axis.title if r.axis else "",
             r.author if (team or r.publish_name) else "", r.event.title if r.event else "",
             str(r.get_response_display()), r.answer] for r in view.recommendations])  # fmt: skip


def export_pdf(request, slug: str):
    from weasyprint import HTML

    plan, team = _plan(request, slug)
    html = render_to_string("actionplans/print/plan.html",
                            {"plan": plan, "view": selectors.plan_view(plan), "team": team},
                            request=request)  # fmt: skip
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{plan.slug}-plan.pdf"'
    return response
