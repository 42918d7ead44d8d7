"""The dashboards of a network or a region: each app's figures, read through its selectors,
turned into charts (server SVG) with the same numbers in a table and a CSV.

A scope is the whole platform, a network (an organisation of the registry and the members of
its cluster) or a NUTS region (0 to 2). Every chart has a key; ``?csv=<key>`` downloads its
table. The number of queries does not grow with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from clusterhub.calls import selectors as calls
from clusterhub.consultations import selectors as consultations
from clusterhub.core import svg
from clusterhub.events import selectors as events
from clusterhub.matchmaking import selectors as matchmaking
from clusterhub.partnering import selectors as partnering
from clusterhub.registry import selectors as registry


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    svg: str = ""
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, int]] = field(default_factory=list)  # headline numbers
    charts: list[Chart] = field(default_factory=list)


def _bars(key, title, label, rows, note="") -> Chart:
    rows = [list(r) for r in rows]
    return Chart(
        key,
        title,
        [label, _("Count")],
        rows,
        svg.bar_chart([(r[0], r[1]) for r in rows]) if rows else "",
        note,
    )


def build(organisation_ids=None, region: str | None = None) -> list[Section]:
    scope = {"organisation_ids": organisation_ids, "region": region}
    reg = registry.insight_figures(**scope)
    ev = events.insight_figures(**scope)
    pa = partnering.insight_figures(**scope)
    b2b = matchmaking.insight_figures(**scope)
    ca = calls.insight_figures(**scope)
    co = consultations.insight_figures(**scope)
    growth = Chart(
        "registry-growth", _("How the registry grew"),
        [_("Year"), _("Clusters added"), _("Clusters in all"), _("Organisations added"),
         _("Organisations in all")],
        [list(r) for r in reg["growth"]],
        svg.grouped_bar_chart([(r[0], [r[2], r[4]]) for r in reg["growth"]],
                              [_("Clusters in all"), _("Organisations in all")])
        if reg["growth"] else "",
    )  # fmt: skip
    by_year = Chart(
        "events-by-year", _("Participants by year and kind"), [_("Year"), *ev["kinds"]],
        [[year, *values] for year, values in ev["by_year"]],
        svg.grouped_bar_chart(ev["by_year"], ev["kinds"]) if ev["by_year"] else "",
    )  # fmt: skip
    eligible_note = _("%(eligible)s of %(total)s consortia meet their call's rules with the "
                      "members confirmed today.") % {"eligible": pa["eligible"],
                                                     "total": pa["consortia"]}  # fmt: skip
    return [
        Section("registry", _("Registry"),
                [(_("Cluster organisations"), reg["clusters"]),
                 (_("Organisations"), reg["organisations"])],
                [_bars("clusters-by-region", _("Clusters by region"), _("Region"),
                       reg["by_region"][:20]),
                 _bars("clusters-by-ecosystem", _("Clusters by industrial ecosystem"),
                       _("Ecosystem"), reg["by_ecosystem"]),
                 _bars("clusters-by-label", _("Clusters by verified label"), _("Label"),
                       reg["by_label"]),
                 _bars("clusters-by-size", _("Clusters by number of members"), _("Members"),
                       reg["by_size"]),
                 growth]),
        Section("events", _("Events"),
                [(_("Events"), ev["events"]), (_("Participants"), ev["participants"])],
                [_bars("participants-by-kind", _("Participants by kind (triple helix)"),
                       _("Kind"), ev["by_kind"]),
                 _bars("participants-by-country", _("Participants by country"), _("Country"),
                       ev["by_country"][:20]),
                 by_year]),
        Section("partnering", _("Partnering"),
                [(_("Opportunities"), pa["opportunities"]),
                 (_("Expressions of interest"), pa["interests"]),
                 (_("Consortia"), pa["consortia"]), (_("Eligible consortia"), pa["eligible"])],
                [_bars("opportunities-by-kind", _("Opportunities by kind"), _("Kind"),
                       pa["by_kind"], eligible_note)]),
        Section("b2b", _("B2B meetings"),
                [(_("Meetings accepted"), b2b["accepted"]), (_("Meetings held"), b2b["held"])],
                [_bars("meetings-by-outcome", _("Meetings held by outcome"), _("Outcome"),
                       b2b["by_outcome"])]),
        Section("calls", _("Calls and applications"), [(_("Calls"), ca["calls"])],
                [_bars("applications-by-status", _("Applications by status"), _("Status"),
                       ca["by_status"])]),
        Section("consultations", _("Consultations"),
                [(_("Consultations"), co["consultations"]), (_("Answers"), co["answers"])],
                [_bars("answers-by-type", _("Answers by stakeholder type"),
                       _("Stakeholder type"), co["by_type"])]),
    ]  # fmt: skip


def chart(sections: list[Section], key: str) -> Chart | None:
    return next((c for s in sections for c in s.charts if c.key == key), None)
