"""The action plans' API: the plans a user may see, and one plan with its progress by axis,
its actions (with what delivers them and whether it happened) and its indicators, as the
plan's page shows them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from clusterhub.core.api import READ_ERRORS, paginated, read_auth
from clusterhub.registry.schemas import OrganisationRef

from . import selectors

router = Router(tags=["actionplans"])


class PlanOut(Schema):
    slug: str
    title: str
    summary: str
    owner: OrganisationRef = Field(description="The coordinating organisation.")
    starts_on: date
    ends_on: date
    currency: str
    published: bool
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj["url"] if isinstance(obj, dict) else obj.get_absolute_url()


class DeliveryOut(Schema):
    kind: str
    title: str
    url: str | None
    happened: bool


class ActionOut(Schema):
    title: str
    nature: str
    status: str
    lead: OrganisationRef
    partners: list[OrganisationRef]
    starts_on: date
    ends_on: date
    budget: Decimal
    done: bool = Field(description="Said done by the team, or everything linked happened.")
    late: bool
    deliveries: list[DeliveryOut]


class AxisOut(Schema):
    title: str
    actions: int
    done: int
    evidenced: int = Field(description="Actions with something that happened on the platform.")
    late: int
    items: list[ActionOut]


class IndicatorOut(Schema):
    name: str
    unit: str
    measure: str
    baseline: Decimal
    target: Decimal
    actual: Decimal | None
    progress: float | None = Field(description="From baseline (0) to target (1).")


class PlanDetailOut(PlanOut):
    partners: list[OrganisationRef]
    axes: list[AxisOut]
    indicators: list[IndicatorOut]


@router.get("/plans", response={200: list[PlanOut], **READ_ERRORS}, auth=read_auth)
@paginated()
def plans(request):
    """Published plans, and the drafts of the caller's organisations, latest first."""
    return (
        selectors.visible_plans(request.user)
        .select_related("owner__country")
        .order_by("-starts_on", "pk")
    )


@router.get("/plans/{slug}", response={200: PlanDetailOut, **READ_ERRORS}, auth=read_auth)
def plan(request, slug: str):
    found = get_object_or_404(selectors.visible_plans(request.user), slug=slug)
    view = selectors.plan_view(found, recommendations=False)
    return {
        **{name: getattr(found, name) for name in ("slug", "title", "summary", "owner",
                                                   "starts_on", "ends_on", "currency",
                                                   "published")},
        "url": found.get_absolute_url(),
        "partners": [p["organisation"] for p in view.partners],
        "axes": [{
            "title": a["axis"].title, **{k: a["progress"][k] for k in
                                         ("actions", "done", "evidenced", "late")},
            "items": [{
                "title": r["action"].title, "nature": r["action"].nature,
                "status": r["action"].status, "lead": r["action"].lead,
                "partners": r["partners"], "starts_on": r["action"].starts_on,
                "ends_on": r["action"].ends_on, "budget": r["action"].budget,
                "done": r["state"].done, "late": r["state"].late,
                "deliveries": [{k: d[k] for k in ("kind", "title", "url", "happened")}
                               for d in r["deliveries"]],
            } for r in a["actions"]],
        } for a in view.axes],
        "indicators": [{
            "name": i["indicator"].name, "unit": i["indicator"].unit,
            "measure": i["indicator"].measure, "baseline": i["indicator"].baseline,
            "target": i["indicator"].target, "actual": i["actual"], "progress": i["progress"],
        } for i in view.indicators],
    }  # fmt: skip
