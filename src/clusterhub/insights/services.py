"""Writes of insights: indicator values, typed or imported, by the team of the network they
belong to (staff for regions), each leaving an audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from clusterhub.core import audit
from clusterhub.registry.models import ProfileTeamMember

from . import imports
from .models import Indicator, IndicatorValue


def may_edit(user, indicator: Indicator) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_staff:
        return True
    return (
        indicator.organisation_id is not None
        and ProfileTeamMember.objects.filter(
            user=user, organisation_id=indicator.organisation_id
        ).exists()
    )


def record_value(indicator: Indicator, user, *, period, value, note: str = "") -> IndicatorValue:
    if not may_edit(user, indicator):
        raise PermissionDenied(_("Only the network's team (staff for a region) may do this."))
    with transaction.atomic():
        row, _created = IndicatorValue.objects.update_or_create(
            indicator=indicator, period=period, defaults={"value": value, "note": note}
        )
        audit.record(
            "insights.indicator.value",
            indicator,
            by=user,
            changes={"period": period.isoformat(), "value": str(value)},
        )
    return row


def import_indicators(user, upload, owner):
    """``owner`` has ``organisation`` (whose team ``user`` is on) or ``region`` (staff)."""
    allowed = user.is_staff or (
        owner.organisation is not None
        and ProfileTeamMember.objects.filter(user=user, organisation=owner.organisation).exists()
    )
    if not allowed:
        raise PermissionDenied(_("Only the network's team (staff for a region) may do this."))
    report = imports.import_indicators(upload, organisation=owner.organisation,
                                       region=owner.region)  # fmt: skip
    if report.ok:
        audit.record(
            "insights.indicators.imported",
            owner.organisation or owner.region,
            by=user,
            changes={"values": report.counts.get("values", 0)},
        )
    return report
