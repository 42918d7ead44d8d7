"""Helpers for the aggregate queries of dashboards."""

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast, Substr


def year_of(field: str):
    """The year of a stored date and time, as text, read from its stored form (UTC): grouping
    by it needs no time-zone function per row, which SQLite would run in Python."""
    return Substr(Cast(field, output_field=CharField()), 1, 4)


@dataclass(frozen=True)
class Network:
    """A network's organisations: the network itself and the members of its cluster, read as
    a subquery over the memberships (never a scan of every organisation)."""

    pk: int
    members: Any  # a query of member ids


def among(field: str, organisations) -> Q:
    """``field`` is one of ``organisations``: a :class:`Network`, a query of ids or a list."""
    if isinstance(organisations, Network):
        return Q(**{field: organisations.pk}) | Q(**{f"{field}__in": organisations.members})
    return Q(**{f"{field}__in": organisations})
