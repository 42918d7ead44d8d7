"""Helpers for the aggregate queries of dashboards."""

from django.db.models import CharField
from django.db.models.functions import Cast, Substr


def year_of(field: str):
    """The year of a stored date and time, as text, read from its stored form (UTC): grouping
    by it needs no time-zone function per row, which SQLite would run in Python."""
    return Substr(Cast(field, output_field=CharField()), 1, 4)
