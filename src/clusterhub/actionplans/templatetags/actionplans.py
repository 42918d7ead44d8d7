"""``{% plans_of organisation %}``: the published joint action plans an organisation takes part
in, for its registry page (the registry never imports this app)."""

from django import template

from ..models import Plan

register = template.Library()


@register.inclusion_tag("actionplans/_plans_of.html")
def plans_of(organisation):
    plans = (Plan.objects.filter(published=True, partnerships__organisation=organisation)
             .select_related("owner").order_by("-starts_on")[:10])  # fmt: skip
    return {"plans": list(plans), "organisation": organisation}
