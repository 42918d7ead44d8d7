from django import template

from clusterhub.registry.models import OrganisationKind

from ..models import PartnershipKind

register = template.Library()


@register.filter
def partnership_label(value: str) -> str:
    """The label of a kind of partnership stored in an opportunity's JSON list."""
    return str(dict(PartnershipKind.choices).get(value, value))


@register.filter
def organisation_kind_label(value: str) -> str:
    return str(dict(OrganisationKind.choices).get(value, value))
