"""What insights owns: employment by region and sector (imported from Eurostat's structural
business statistics) and the indicators that networks and regions report as time series.

The dashboards own no table: they read the other apps through their selectors.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.registry.models import Organisation


class Employment(models.Model):
    """Persons employed in a NUTS 2 region and a NACE division in a year (Eurostat V16110).
    The region is kept as the code the source gives (older NUTS versions included)."""

    region = models.CharField(_("NUTS 2 code"), max_length=5)
    sector = models.CharField(_("NACE division"), max_length=3)
    year = models.PositiveSmallIntegerField(_("year"))
    persons = models.PositiveIntegerField(_("persons employed"))

    class Meta:
        verbose_name = _("employment figure")
        verbose_name_plural = _("employment figures")
        constraints = [models.UniqueConstraint(fields=["region", "sector", "year"],
                                               name="employment_once")]  # fmt: skip
        indexes = [models.Index(fields=["year", "sector"]), models.Index(fields=["region"])]

    def __str__(self) -> str:
        return f"{self.region} {self.sector} {self.year}: {self.persons}"


class Indicator(models.Model):
    """A figure a network (an organisation) or a region reports over time."""

    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="indicators",
                                     verbose_name=_("network"))  # fmt: skip
    region = models.ForeignKey("reference.NutsRegion", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="indicators",
                               verbose_name=_("region"))  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("source address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, region__isnull=True)
                | Q(organisation__isnull=True, region__isnull=False),
                name="indicator_has_one_owner",
            ),
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="indicator_name_once_per_network"),
            models.UniqueConstraint(fields=["region", "name"],
                                    name="indicator_name_once_per_region"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("insights:indicator", args=[self.pk])

    @property
    def owner(self):
        return self.organisation or self.region


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(_("period"), help_text=_("A year is its 1 January."))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"],
                                               name="indicator_value_once_a_period")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.period}: {self.value}"
