"""The demo joint action plan: CLUSTERPLAST, an 18-month project of polymer clusters and their
regions, with the seven axes of its plan and the event near Lyon (28–29 June 2010) where its
results were presented and recommendations collected. The axes, the event and the partners
are from the seeds; the actions, budgets, indicators and recommendations are illustrative and
the plan says so on its page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from clusterhub.actionplans.axes import TEMPLATES
from clusterhub.actionplans.models import (
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
from clusterhub.events.models import Event
from clusterhub.registry.models import Organisation

from .base import DemoResult

SLUG = "clusterplast-joint-action-plan"
PARTNERS = ["plastipolis", "allize-plasturgie", "polymeris", "clusterland-oberosterreich",
            "kunststoff-cluster", "pool-net", "proplast", "plastival",
            "region-auvergne-rhone-alpes", "imp-lyon"]  # fmt: skip
NOTE = ("Illustrative: the seven axes, the partners and the Lyon event are real; the actions, "
        "budgets, indicators and recommendations were written for the demonstration.")  # fmt: skip

# axis number (1–7), title, nature, lead, partners, start, end, status, budget, funding
ACTIONS = [
    (1, "Shared map of polymer testing equipment", "infrastructure", "imp-lyon",
     ["plastipolis", "proplast"], date(2009, 2, 1), date(2009, 9, 30), "done", 18000,
     [("Regional innovation fund", "regional", 12000), ("Partners", "own", 6000)]),
    (1, "Access vouchers to partner laboratories", "infrastructure", "plastipolis",
     ["imp-lyon", "clusterland-oberosterreich"], date(2009, 10, 1), date(2010, 6, 30), "done",
     25000, [("INTERREG IVC", "eu", 20000)]),
    (2, "Technology watch on bio-based polymers", "study", "proplast", ["pool-net"],
     date(2009, 3, 1), date(2010, 3, 31), "done", 12000, [("Partners", "own", 12000)]),
    (3, "Staff exchange between cluster managers", "exchange", "clusterland-oberosterreich",
     ["plastipolis", "plastival", "pool-net"], date(2009, 5, 1), date(2010, 5, 31), "done",
     15000, [("INTERREG IVC", "eu", 15000)]),
    (4, "Joint proposal to the 7th Framework Programme", "project", "plastipolis",
     ["proplast", "kunststoff-cluster", "imp-lyon"], date(2009, 9, 1), date(2010, 6, 30),
     "delayed", 8000, []),
    (5, "Start-up coaching for polymer spin-offs", "mentoring", "allize-plasturgie",
     ["polymeris"], date(2009, 6, 1), date(2010, 6, 30), "ongoing", 10000,
     [("Regional council", "regional", 10000)]),
    (6, "Common training module on injection moulding", "training", "pool-net",
     ["allize-plasturgie", "proplast"], date(2009, 9, 1), date(2010, 4, 30), "done", 14000,
     [("Partners", "own", 4000), ("INTERREG IVC", "eu", 10000)]),
    (7, "Mentoring of an emerging cluster by an experienced one", "mentoring",
     "clusterland-oberosterreich", ["plastival"], date(2009, 1, 15), date(2010, 6, 30), "done",
     9000, [("INTERREG IVC", "eu", 9000)]),
    (7, "Final dissemination event near Lyon", "event", "plastipolis",
     ["region-auvergne-rhone-alpes", "allize-plasturgie"], date(2010, 3, 1), date(2010, 6, 29),
     "planned", 30000, [("INTERREG IVC", "eu", 22000), ("Regional council", "regional", 8000)]),
]  # fmt: skip

RECOMMENDATIONS = [
    (6, "Put education and training among the clusters' priorities, next to research."),
    (2, "Offer SMEs services that move knowledge into the workshop, not only R&D projects."),
    (4, "Combine European funding sources for joint projects, and help SMEs take part."),
]


def ensure_actionplans(refresh: bool, result: DemoResult) -> None:
    organisations = Organisation.objects.in_bulk(PARTNERS, field_name="slug")
    if len(organisations) < len(PARTNERS):
        return
    existing = Plan.objects.filter(slug=SLUG).first()
    if existing is not None and not refresh:
        return
    if existing is not None:
        existing.delete()
        result.updated["action plans"] += 1
    else:
        result.created["action plans"] += 1
    plan = Plan.objects.create(
        slug=SLUG, owner=organisations["plastipolis"], title="CLUSTERPLAST joint action plan",
        summary="The joint action plan of the CLUSTERPLAST polymer clusters and their regions, "
        "over the project's 18 months, on seven axes of cooperation.",
        starts_on=date(2009, 1, 1), ends_on=date(2010, 6, 30), published=True, illustrative=NOTE,
    )  # fmt: skip
    PlanPartner.objects.bulk_create(PlanPartner(plan=plan, organisation=organisations[s])
                                    for s in PARTNERS)  # fmt: skip
    axes = Axis.objects.bulk_create(Axis(plan=plan, order=i, title=str(t)) for i, t in
                                    enumerate(TEMPLATES["clusterplast"][1], 1))  # fmt: skip
    event = Event.objects.filter(slug="clusterplast-lyon-2010").first()
    actions = []
    for number, title, nature, lead, partners, start, end, status, budget, funding in ACTIONS:
        action = Action.objects.create(
            plan=plan, axis=axes[number - 1], title=title, nature=nature,
            lead=organisations[lead], starts_on=start, ends_on=end, status=status,
            budget=Decimal(budget),
        )  # fmt: skip
        action.partners.set([organisations[s] for s in partners])
        Funding.objects.bulk_create(Funding(action=action, source=s, kind=k, amount=Decimal(a))
                                    for s, k, a in funding)  # fmt: skip
        actions.append(action)
    final = actions[-1]
    if event is not None:
        Delivery.objects.create(action=final, event=event)
    Milestone.objects.bulk_create([
        Milestone(plan=plan, title="Joint action plan agreed", due_on=date(2009, 3, 31),
                  reached_on=date(2009, 3, 20)),
        Milestone(plan=plan, title="Mid-term review", due_on=date(2009, 10, 15),
                  reached_on=date(2009, 10, 15)),
        Milestone(plan=plan, action=final, title="Final event near Lyon",
                  due_on=date(2010, 6, 28), reached_on=date(2010, 6, 29)),
    ])  # fmt: skip
    Indicator.objects.create(
        plan=plan, axis=axes[6], name="Events held", measure="events_held", baseline=0, target=1
    )
    Indicator.objects.create(plan=plan, name="Participants at the plan's events",
                             measure="participants", baseline=0, target=80)  # fmt: skip
    exchanges = Indicator.objects.create(plan=plan, axis=axes[2], name="Staff exchanges",
                                         unit="people", baseline=0, target=12)  # fmt: skip
    IndicatorValue.objects.bulk_create([
        IndicatorValue(indicator=exchanges, on=date(2009, 9, 30), value=4),
        IndicatorValue(indicator=exchanges, on=date(2010, 3, 31), value=9),
        IndicatorValue(indicator=exchanges, on=date(2010, 6, 30), value=11),
    ])  # fmt: skip
    Recommendation.objects.bulk_create(
        Recommendation(plan=plan, axis=axes[number - 1], text=f"{text} (Illustrative.)",
                       author="Participant (illustrative)", event=event, response=response,
                       action=action)
        for (number, text), response, action in zip(
            RECOMMENDATIONS, ["adopted", "under_study", "new"], [actions[6], None, None],
            strict=True)
    )  # fmt: skip
