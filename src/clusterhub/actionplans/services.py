"""Every write of the action plans: plans, partners, axes, actions with their funding and
deliveries, indicators and their values, milestones, recommendations and their answers.

Only the profile team of the plan's coordinating organisation (and staff) write a plan; anyone
signed in may send a recommendation, in their own name. Each write is one transaction and
leaves an audit entry; a bad value raises a ``ValidationError`` naming its field, and nothing
is written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clusterhub.core import audit
from clusterhub.core.slugs import unique_slug
from clusterhub.registry.models import Organisation, ProfileTeamMember

from . import axes as axis_templates
from .models import (
    Action,
    Axis,
    Delivery,
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    PlanPartner,
    Recommendation,
)


def on_team(user, organisation_id: int) -> bool:
    return bool(user and user.is_authenticated and (
        user.is_staff
        or ProfileTeamMember.objects.filter(user=user, organisation_id=organisation_id).exists()
    ))  # fmt: skip


def require_team(user, plan: Plan) -> None:
    if not on_team(user, plan.owner_id):
        raise PermissionDenied(_("Only the team of the plan's coordinating organisation may do "
                                 "this."))  # fmt: skip


def _period_errors(starts_on: date | None, ends_on: date | None) -> dict:
    if starts_on and ends_on and ends_on < starts_on:
        return {
            "ends_on": [
                _("The end (%(end)s) is before the start (%(start)s).")
                % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}
            ]
        }
    return {}


def _within(plan: Plan, day: date, field: str, what: str) -> dict:
    if not plan.starts_on <= day <= plan.ends_on:
        return {field: [_("%(what)s (%(day)s) is outside the plan's period, %(start)s to "
                          "%(end)s.") % {"what": what, "day": day.isoformat(),
                                         "start": plan.starts_on.isoformat(),
                                         "end": plan.ends_on.isoformat()}]}  # fmt: skip
    return {}


# Plans ------------------------------------------------------------------------------------


def create_plan(
    *,
    owner: Organisation,
    title: str,
    starts_on: date,
    ends_on: date,
    by,
    summary: str = "",
    currency: str = "EUR",
    template: str = "",
    axes: list[str] = (),
    partners: list[Organisation] = (),
    published: bool = False,
    illustrative: str = "",
) -> Plan:
    """A plan of ``owner`` (whose team ``by`` is on), with its partners (the owner always one
    of them) and its axes: those of ``template`` or the titles given."""
    if not on_team(by, owner.pk):
        raise PermissionDenied(_("You may only write plans for the organisations whose team you "
                                 "are on."))  # fmt: skip
    errors = _period_errors(starts_on, ends_on)
    if template and template not in axis_templates.TEMPLATES:
        errors["template"] = [_("Unknown set of axes “%(key)s”.") % {"key": template}]
    if errors:
        raise ValidationError(errors)
    titles = [str(t) for t in axis_templates.TEMPLATES[template][1]] if template else []
    titles += [t.strip() for t in axes if t.strip()]
    with transaction.atomic():
        plan = Plan.objects.create(
            owner=owner, title=title, summary=summary, starts_on=starts_on, ends_on=ends_on,
            currency=currency, published=published, illustrative=illustrative,
            slug=unique_slug(title, Plan.objects.all(), fallback="plan"),
        )  # fmt: skip
        _set_partners(plan, [owner, *partners])
        Axis.objects.bulk_create(Axis(plan=plan, order=i, title=t[:200])
                                 for i, t in enumerate(titles, 1))  # fmt: skip
        audit.record(
            "actionplans.plan.created",
            plan,
            by=by,
            changes={"axes": titles, "partners": [str(o) for o in plan.partners.all()]},
        )
    return plan


def _set_partners(plan: Plan, organisations: list[Organisation]) -> None:
    wanted = {o.pk: o for o in organisations}
    wanted.setdefault(plan.owner_id, plan.owner)
    PlanPartner.objects.filter(plan=plan).exclude(organisation_id__in=wanted).delete()
    have = set(PlanPartner.objects.filter(plan=plan).values_list("organisation_id", flat=True))
    PlanPartner.objects.bulk_create(PlanPartner(plan=plan, organisation=o)
                                    for pk, o in wanted.items() if pk not in have)  # fmt: skip


def update_plan(
    plan: Plan,
    by,
    *,
    partners: list[Organisation] | None = None,
    axes: list[tuple[int | None, str, str]] | None = None,
    **fields,
) -> Plan:
    """Change the plan's fields (title, summary, period, currency, published), partners and
    axes (see ``save_axes``), all or nothing. A partner who leads or takes part in an action
    stays; the period must hold every action and milestone."""
    require_team(by, plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    errors = _period_errors(plan.starts_on, plan.ends_on)
    period = (plan.starts_on, plan.ends_on)
    milestone = plan.milestones.exclude(due_on__range=period).first() if not errors else None
    action = (plan.actions.exclude(starts_on__gte=plan.starts_on, ends_on__lte=plan.ends_on)
              .first() if not errors else None)  # fmt: skip
    if milestone is not None:
        errors["ends_on"] = [
            _("The milestone “%(title)s” (%(day)s) would fall outside the plan's period.")
            % {"title": milestone.title, "day": milestone.due_on.isoformat()}
        ]
    elif action is not None:
        errors["ends_on"] = [
            _("The action “%(title)s” (%(start)s to %(end)s) would fall outside the plan's "
              "period.")
            % {"title": action.title, "start": action.starts_on.isoformat(),
               "end": action.ends_on.isoformat()}
        ]  # fmt: skip
    if partners is not None:
        kept = {o.pk for o in partners} | {plan.owner_id}
        busy = (set(plan.actions.values_list("lead_id", flat=True))
                | set(Action.partners.through.objects.filter(action__plan=plan)
                      .values_list("organisation_id", flat=True)))  # fmt: skip
        dropped = Organisation.objects.filter(pk__in=busy - kept).first()
        if dropped is not None:
            errors["partners"] = [_("%(name)s takes part in actions of the plan: take them off "
                                    "those actions first.") % {"name": dropped.name}]  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.stored(plan)
        plan.save()
        if partners is not None:
            _set_partners(plan, partners)
        if axes is not None:
            save_axes(plan, axes, by)
        audit.record("actionplans.plan.updated", plan, by=by,
                     changes=audit.diff(plan, before, audit.snapshot(plan)))  # fmt: skip
    return plan


def save_axes(plan: Plan, titles: list[tuple[int | None, str, str]], by) -> list[Axis]:
    """The plan's axes in this order: (id or None for a new one, title, description). An axis
    left out is deleted unless actions are filed under it."""
    require_team(by, plan)
    keep = {pk for pk, _t, _d in titles if pk}
    used = plan.axes.exclude(pk__in=keep).filter(actions__isnull=False).first()
    if used is not None:
        raise ValidationError({"axes": [_("The axis “%(title)s” has actions: move them first.")
                                        % {"title": used.title}]})  # fmt: skip
    with transaction.atomic():
        plan.axes.exclude(pk__in=keep).delete()
        result = []
        for order, (pk, title, description) in enumerate(titles, 1):
            axis = plan.axes.get(pk=pk) if pk else Axis(plan=plan)
            axis.order, axis.title, axis.description = order, title, description
            axis.save()
            result.append(axis)
        audit.record("actionplans.axes.saved", plan, by=by,
                     changes={"axes": [a.title for a in result]})  # fmt: skip
    return result


# Actions ----------------------------------------------------------------------------------


def save_action(
    plan: Plan,
    by,
    *,
    action: Action | None = None,
    partners: list[Organisation] = (),
    fundings: list[tuple[str, str, Decimal]] = (),
    deliveries: dict[str, list[int]] | None = None,
    **fields,
) -> Action:
    """Create or change an action of ``plan``: its fields (axis, title, description, nature,
    lead, starts_on, ends_on, status, budget), partners, funding sources (source, kind,
    amount) and the things that deliver it ({"event": [ids], "consortium": …})."""
    require_team(by, plan)
    action = action or Action(plan=plan)
    for name, value in fields.items():
        setattr(action, name, value)
    errors = _period_errors(action.starts_on, action.ends_on)
    if not errors and action.starts_on and action.ends_on:
        errors.update(_within(plan, action.starts_on, "starts_on", _("The start")))
        errors.update(_within(plan, action.ends_on, "ends_on", _("The end")))
    partner_ids = set(plan.partnerships.values_list("organisation_id", flat=True))
    if action.lead_id not in partner_ids:
        errors["lead"] = [_("The lead must be one of the plan's partners.")]
    outsiders = [o.name for o in partners if o.pk not in partner_ids]
    if outsiders:
        errors["partners"] = [_("Not partners of the plan: %(names)s.")
                              % {"names": ", ".join(outsiders)}]  # fmt: skip
    if action.axis_id and action.axis.plan_id != plan.pk:
        errors["axis"] = [_("This axis belongs to another plan.")]
    if action.budget is not None and action.budget < 0:
        errors["budget"] = [_("The budget cannot be negative.")]
    for i, (_source, _kind, amount) in enumerate(fundings, 1):
        if amount < 0:
            errors.setdefault("fundings", []).append(
                _("Funding source %(n)d: the amount cannot be negative.") % {"n": i}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.stored(action) if action.pk else None
        action.save()
        action.partners.set([o for o in partners if o.pk != action.lead_id])
        action.fundings.all().delete()
        Funding.objects.bulk_create(Funding(action=action, source=s, kind=k, amount=a)
                                    for s, k, a in fundings)  # fmt: skip
        if deliveries is not None:
            action.deliveries.all().delete()
            Delivery.objects.bulk_create(
                Delivery(action=action, **{f"{kind}_id": pk})
                for kind, ids in deliveries.items() for pk in dict.fromkeys(ids)
            )  # fmt: skip
        audit.record("actionplans.action.saved", action, scope=plan, by=by,
                     changes=audit.diff(action, before, audit.snapshot(action)))  # fmt: skip
    return action


def delete_action(action: Action, by) -> None:
    require_team(by, action.plan)
    with transaction.atomic():
        audit.record("actionplans.action.deleted", action, scope=action.plan, by=by)
        action.delete()


# Indicators and milestones ----------------------------------------------------------------


def save_indicator(plan: Plan, by, *, indicator: Indicator | None = None, **fields) -> Indicator:
    require_team(by, plan)
    indicator = indicator or Indicator(plan=plan)
    for name, value in fields.items():
        setattr(indicator, name, value)
    if indicator.axis_id and indicator.axis.plan_id != plan.pk:
        raise ValidationError({"axis": [_("This axis belongs to another plan.")]})
    with transaction.atomic():
        indicator.save()
        audit.record("actionplans.indicator.saved", indicator, scope=plan, by=by)
    return indicator


def record_value(
    indicator: Indicator, by, *, on: date, value: Decimal, note: str = ""
) -> IndicatorValue:
    """The indicator's value on a day (a second value on the same day replaces the first)."""
    plan = indicator.plan
    require_team(by, plan)
    if indicator.measure != "typed":
        raise ValidationError({"value": [_("This indicator is counted from what happened on the "
                                           "platform; its values are not typed.")]})  # fmt: skip
    with transaction.atomic():
        row, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator, on=on, defaults={"value": value, "note": note}
        )
        audit.record("actionplans.indicator.value", indicator, scope=plan, by=by,
                     changes={"on": on.isoformat(), "value": str(value)})  # fmt: skip
    return row


def save_milestone(plan: Plan, by, *, milestone: Milestone | None = None, **fields) -> Milestone:
    require_team(by, plan)
    milestone = milestone or Milestone(plan=plan)
    for name, value in fields.items():
        setattr(milestone, name, value)
    errors = _within(plan, milestone.due_on, "due_on", _("The due date"))
    if milestone.action_id and milestone.action.plan_id != plan.pk:
        errors["action"] = [_("This action belongs to another plan.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        milestone.save()
        audit.record("actionplans.milestone.saved", milestone, scope=plan, by=by)
    return milestone


# Recommendations --------------------------------------------------------------------------


def recommend(
    plan: Plan,
    by,
    *,
    text: str,
    author: str,
    author_organisation: str = "",
    axis: Axis | None = None,
    event=None,
    publish_name: bool = False,
) -> Recommendation:
    """A recommendation on a published plan: by a signed-in person in their own name, or typed
    by the team from what was said at an event (then the event is named)."""
    if not (by and by.is_authenticated):
        raise PermissionDenied(_("Sign in to send a recommendation."))
    team = on_team(by, plan.owner_id)
    if not (plan.published or team):
        raise PermissionDenied(_("This plan is not published."))
    if axis is not None and axis.plan_id != plan.pk:
        raise ValidationError({"axis": [_("This axis belongs to another plan.")]})
    if not text.strip():
        raise ValidationError({"text": [_("Write the recommendation.")]})
    if not team:
        event = None  # only the team records what was said at an event
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            plan=plan, axis=axis, text=text.strip(), author=author.strip(),
            author_organisation=author_organisation.strip(), event=event,
            publish_name=publish_name, submitted_by=by,
        )  # fmt: skip
        audit.record("actionplans.recommendation.added", recommendation, scope=plan, by=by)
    return recommendation


def answer_recommendation(
    recommendation: Recommendation,
    by,
    *,
    response: str,
    answer: str = "",
    action: Action | None = None,
) -> Recommendation:
    plan = recommendation.plan
    require_team(by, plan)
    if action is not None and action.plan_id != plan.pk:
        raise ValidationError({"action": [_("This action belongs to another plan.")]})
    with transaction.atomic():
        before = audit.stored(recommendation)
        recommendation.response, recommendation.answer = response, answer
        recommendation.action = action
        recommendation.save()
        audit.record("actionplans.recommendation.answered", recommendation, scope=plan, by=by,
                     changes=audit.diff(recommendation, before,
                                        audit.snapshot(recommendation)))  # fmt: skip
    return recommendation
