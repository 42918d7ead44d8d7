"""Reads of the action plans: which plans a user sees, and a plan with its progress (a fixed
number of queries, whatever its size)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.calls import selectors as calls
from clusterhub.events import selectors as events
from clusterhub.partnering import selectors as partnering
from clusterhub.registry.models import ProfileTeamMember

from . import progress, timeline
from .models import (
    Action,
    ActionStatus,
    Axis,
    Delivery,
    IndicatorValue,
    Measure,
    Milestone,
    Plan,
    Recommendation,
)


def visible_plans(user) -> QuerySet[Plan]:
    """Published plans, and the drafts of the organisations whose team ``user`` is on."""
    shown = Q(published=True)
    if user.is_authenticated:
        if user.is_staff:
            shown = Q()
        else:
            shown |= Q(owner__in=ProfileTeamMember.objects.filter(user=user)
                       .values("organisation_id"))  # fmt: skip
    return (Plan.objects.filter(shown).select_related("owner")
            .annotate(n_actions=Count("actions", distinct=True),
                      n_partners=Count("partnerships", distinct=True)))  # fmt: skip


def facts_for(deliveries: list[Delivery], now=None) -> dict[tuple[str, int], dict]:
    """What happened to each linked thing, one query per kind: {(kind, id): facts}."""
    ids: dict[str, set[int]] = defaultdict(set)
    for delivery in deliveries:
        ids[delivery.kind].add(delivery.target_id)
    readers = {"event": lambda i: events.delivery_facts(i, now),
               "consortium": partnering.consortium_facts,
               "call": calls.call_facts, "opportunity": partnering.opportunity_facts}  # fmt: skip
    found = {}
    for kind, wanted in ids.items():
        for pk, facts in readers[kind](wanted).items():
            found[(kind, pk)] = facts
    return found


@dataclass
class PlanView:
    plan: Plan
    axes: list[dict]
    indicators: list[dict]
    milestones: list[Milestone]
    partners: list[dict]
    recommendations: list[Recommendation]
    totals: dict
    funding: list[dict]
    timeline: str = ""


def plan_view(plan: Plan, *, now=None, recommendations: bool = True) -> PlanView:
    """The plan by axis with each action's state, indicators with their actual values, the
    milestones, partners' contributions, the funding by kind and the timeline SVG."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    actions = list(
        Action.objects.filter(plan=plan).select_related("lead", "axis")
        .prefetch_related("partners", "fundings", "deliveries")
    )  # fmt: skip
    deliveries = [d for a in actions for d in a.deliveries.all()]
    facts = facts_for(deliveries, now)
    states: dict[int, progress.ActionState] = {}
    for action in actions:
        state = progress.ActionState(
            id=action.pk, axis_id=action.axis_id, status=action.status, ends_on=action.ends_on,
            deliveries=[(d.kind, d.target_id, facts.get((d.kind, d.target_id)))
                        for d in action.deliveries.all()],
        )  # fmt: skip
        states[action.pk] = progress.action_state(state, today)
    milestones = list(plan.milestones.select_related("action"))
    by_action = defaultdict(list)
    for m in milestones:
        if m.action_id:
            by_action[m.action_id].append(m)
    axes = []
    labels = dict(ActionStatus.choices)
    kinds = {"event": _("Event"), "consortium": _("Consortium"), "call": _("Call"),
             "opportunity": _("Opportunity")}  # fmt: skip
    for axis in Axis.objects.filter(plan=plan):
        rows = []
        for action in (a for a in actions if a.axis_id == axis.pk):
            state = states[action.pk]
            linked = []
            for d in action.deliveries.all():
                found = facts.get((d.kind, d.target_id))
                linked.append({"kind": kinds[d.kind], "title": (found or {}).get("title", "?"),
                               "url": (found or {}).get("url"), "facts": found,
                               "happened": progress.happened(d.kind, found)})  # fmt: skip
            rows.append({"action": action, "state": state, "deliveries": linked,
                         "status_label": labels.get(action.status, action.status),
                         "partners": list(action.partners.all()),
                         "fundings": list(action.fundings.all()),
                         "milestones": by_action.get(action.pk, [])})  # fmt: skip
        axes.append({"axis": axis, "actions": rows,
                     "progress": progress.axis_progress(r["state"] for r in rows)})  # fmt: skip
    indicators = _indicators(plan, states)
    partners = _contributions(plan, actions)
    funding: dict[str, Decimal] = defaultdict(Decimal)
    from .models import FundingKind

    for action in actions:
        if action.status != ActionStatus.CANCELLED:
            for f in action.fundings.all():
                funding[f.kind] += f.amount
    kind_labels = dict(FundingKind.choices)
    drawn = timeline.draw(
        [timeline.Group(_(a["axis"].title), [
            timeline.Bar(r["action"].title, r["action"].starts_on, r["action"].ends_on,
                         r["action"].status, str(r["status_label"]),
                         [(m.title, m.due_on, m.reached_on is not None) for m in r["milestones"]])
            for r in a["actions"]]) for a in axes],
        plan.starts_on, plan.ends_on, today=today,
        loose_milestones=[(m.title, m.due_on, m.reached_on is not None)
                          for m in milestones if not m.action_id],
        milestones_label=_("Milestones"), today_label=_("Today"),
    )  # fmt: skip
    budget = sum((a.budget for a in actions if a.status != ActionStatus.CANCELLED), Decimal(0))
    return PlanView(
        plan=plan, axes=axes, indicators=indicators, milestones=milestones, partners=partners,
        recommendations=(list(plan.recommendations.select_related("axis", "event", "action"))
                         if recommendations else []),
        totals={**progress.axis_progress(states.values()), "budget": budget,
                "funded": sum(funding.values(), Decimal(0))},
        funding=[{"kind": kind_labels.get(k, k), "amount": v} for k, v in
                 sorted(funding.items(), key=lambda kv: -kv[1])],
        timeline=drawn,
    )  # fmt: skip


def _indicators(plan: Plan, states: dict[int, progress.ActionState]) -> list[dict]:
    out = []
    values = Prefetch("values", queryset=IndicatorValue.objects.order_by("on"))
    for indicator in plan.indicators.select_related("axis").prefetch_related(values):
        scope = [s for s in states.values()
                 if indicator.axis_id is None or s.axis_id == indicator.axis_id]  # fmt: skip
        if indicator.measure == Measure.TYPED:
            series = [(v.on, v.value) for v in indicator.values.all()]
            actual = series[-1][1] if series else None
        else:
            actual = progress.counted_value(indicator.measure, scope)
            series = progress.counted_series(indicator.measure, scope)
        out.append({"indicator": indicator, "actual": actual, "series": series,
                    "counted": indicator.measure != Measure.TYPED,
                    "progress": progress.indicator_progress(indicator.baseline, indicator.target,
                                                            actual)})  # fmt: skip
    return out


def _contributions(plan: Plan, actions: list[Action]) -> list[dict]:
    """Each partner: actions led, actions taken part in, and the budget of the actions led."""
    rows = {p.organisation_id: {"organisation": p.organisation, "role": p.role, "led": 0,
                                "joined": 0, "budget": Decimal(0)}
            for p in plan.partnerships.select_related("organisation")}  # fmt: skip
    for action in actions:
        if action.status == ActionStatus.CANCELLED:
            continue
        if action.lead_id in rows:
            rows[action.lead_id]["led"] += 1
            rows[action.lead_id]["budget"] += action.budget
        for partner in action.partners.all():
            if partner.pk in rows:
                rows[partner.pk]["joined"] += 1
    return sorted(rows.values(), key=lambda r: (-r["led"], -r["joined"], r["organisation"].name))


def plans_of(organisation_ids) -> list[Plan]:
    """The plans these organisations coordinate or take part in (drafts included)."""
    return list(Plan.objects.filter(partnerships__organisation_id__in=list(organisation_ids))
                .select_related("owner").distinct().order_by("-starts_on")[:20])  # fmt: skip
