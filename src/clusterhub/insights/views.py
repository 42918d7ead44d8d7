"""Pages of insights: the dashboards, the region pages, specialisation and indicators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core import svg
from clusterhub.core.exports import export_csv
from clusterhub.core.forms import apply_errors
from clusterhub.events.selectors import public_events
from clusterhub.partnering.selectors import team_organisations
from clusterhub.reference.models import NaceActivity, NutsRegion
from clusterhub.registry import selectors as registry
from clusterhub.registry.models import Organisation

from . import dashboards, forms, selectors, services
from .models import Indicator

STAR_WORDS = {
    "size_star": gettext_lazy("size: among the 10% of regions with most jobs in the sector"),
    "specialisation_star": gettext_lazy("specialisation: location quotient of 2 or more"),
    "focus_star": gettext_lazy("focus: among the 10% of regions where the sector weighs most"),
}


def _scope(request) -> tuple[dict, str, Organisation | None, NutsRegion | None]:
    network = region = None
    if slug := request.GET.get("network", "").strip():
        network = Organisation.objects.filter(slug=slug).first()
        if network is None:
            raise Http404
    if code := request.GET.get("region", "").strip().upper():
        region = NutsRegion.objects.filter(code=code, level__lte=2).first()
        if region is None:
            raise Http404
    scope = {"organisation_ids": registry.network_members(network) if network else None,
             "region": region.code if region else None}  # fmt: skip
    name = network.name if network else region.name_latin if region else _("the whole platform")
    return scope, name, network, region


def dashboard(request):
    scope, name, network, region = _scope(request)
    sections = dashboards.build(**scope)
    if key := request.GET.get("csv"):
        chart = dashboards.chart(sections, key)
        if chart is None:
            raise Http404
        return export_csv(chart.rows, chart.columns, f"{key}")
    query = request.GET.copy()
    query.pop("csv", None)
    return render(request, "insights/dashboard.html", {
        "sections": sections, "scope_name": name, "network": network, "region": region,
        "query": query.urlencode(),
    })  # fmt: skip


def region_page(request, code: str):
    region = get_object_or_404(NutsRegion.objects.select_related("parent", "country"),
                               code=code.upper(), level__lte=2)  # fmt: skip
    organisations = registry.scoped_organisations(region=region.code)
    clusters = (
        organisations.filter(cluster_profile__isnull=False)
        .select_related("country")
        .defer("search_document")
        .order_by("-cluster_profile__members_total")[:12]
    )
    events = public_events().filter(nuts_region__code__startswith=region.code).order_by("-start")
    return render(request, "insights/region.html", {
        "region": region,
        "children": NutsRegion.objects.filter(parent=region).order_by("code")
        .only("code", "name_latin"),
        "clusters": list(clusters),
        "cluster_count": organisations.filter(cluster_profile__isnull=False).count(),
        "organisation_count": organisations.count(),
        "events": list(events[:8]),
        "figures": selectors.region_figures(region), "stars": STAR_WORDS,
    })  # fmt: skip


def specialisation(request):
    years = selectors.employment_years()
    sectors = list(NaceActivity.objects.filter(section__isnull=False).order_by("code"))
    region_code = request.GET.get("region", "").strip().upper()
    try:
        year = int(request.GET.get("year") or 0) or selectors.latest_year(region_code or None)
    except ValueError:
        year = None
    if year is not None and years and year not in years:
        raise Http404
    context = {"years": years, "year": year, "sectors": sectors, "stars": STAR_WORDS}
    if region_code:
        region = get_object_or_404(NutsRegion, code=region_code, level=2)
        rows = selectors.region_specialisations(region.code, year) if year else []
        context |= {"region": region, "rows": rows}
    else:
        sector = request.GET.get("sector") or "22"
        if sector not in {s.code for s in sectors}:
            raise Http404
        rows = selectors.sector_specialisations(sector, year) if year else []
        context |= {"sector": sector, "sector_name": dict((s.code, s.name) for s in sectors)
                    .get(sector), "rows": rows, "map": _lq_map(rows)}  # fmt: skip
    if request.GET.get("format") == "csv":
        columns = [_("Region"), _("Name"), _("NACE division"), _("Sector"), _("Year"),
                   _("Persons employed"), _("Location quotient"), _("Size star"),
                   _("Specialisation star"), _("Focus star")]  # fmt: skip
        lines = [
            [
                r["region"],
                r["region_name"],
                r["sector"],
                r["sector_name"],
                year,
                r["persons"],
                round(r["lq"], 4),
                int(r["size_star"]),
                int(r["specialisation_star"]),
                int(r["focus_star"]),
            ]
            for r in rows
        ]
        lines.append([_("Source: Eurostat (sbs_r_nuts06_r2)")] + [""] * 9)
        return export_csv(lines, columns, "specialisation")
    return render(request, "insights/specialisation.html", context)


LQ_STEPS = [(0.5, "#eef2f7"), (0.8, "#cfe3df"), (1.25, "#9fd0c4"), (2.0, "#4fa392"),
            (float("inf"), "#0b5a52")]  # fmt: skip


def _lq_map(rows: list[dict]) -> dict:
    by_code = {r["region"]: r for r in rows}
    shapes = []
    for region in NutsRegion.objects.filter(level__in=(0, 2)).only(
        "code", "name_latin", "level", "svg_path"
    ):
        if not region.svg_path:
            continue
        row = by_code.get(region.code) if region.level == 2 else None
        fill = "#f3f4f6" if row is None else next(c for bound, c in LQ_STEPS if row["lq"] < bound)
        shapes.append({"code": region.code, "name": region.name_latin, "path": region.svg_path,
                       "fill": fill if region.level == 2 else "none", "row": row,
                       "outline": region.level == 0})  # fmt: skip
    return {"shapes": shapes, "viewbox": " ".join(f"{v:.0f}" for v in svg.EUROPE_VIEWBOX),
            "legend": [("< 0.5", LQ_STEPS[0][1]), ("0.5–0.8", LQ_STEPS[1][1]),
                       ("0.8–1.25", LQ_STEPS[2][1]), ("1.25–2", LQ_STEPS[3][1]),
                       ("≥ 2", LQ_STEPS[4][1])],
            "off_map": sum(1 for r in rows if not r["on_map"])}  # fmt: skip


def indicator_list(request):
    indicators = (Indicator.objects.select_related("organisation", "region")
                  .prefetch_related("values").order_by("name"))  # fmt: skip
    if slug := request.GET.get("network"):
        indicators = indicators.filter(organisation__slug=slug)
    if code := request.GET.get("region"):
        indicators = indicators.filter(region_id=code.upper())
    rows = []
    for indicator in indicators[:200]:
        values = list(indicator.values.all())
        rows.append({"indicator": indicator, "latest": values[-1] if values else None})
    return render(request, "insights/indicators.html", {
        "rows": rows,
        "can_write": request.user.is_authenticated and (
            request.user.is_staff or team_organisations(request.user).exists()),
    })  # fmt: skip


def indicator_detail(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("organisation", "region"),
                                  pk=pk)  # fmt: skip
    values = list(indicator.values.all())
    if request.GET.get("format") == "csv":
        return export_csv([[v.period.isoformat(), v.value, v.note] for v in values],
                          [_("Period"), _("Value"), _("Note")], f"indicator-{pk}")  # fmt: skip
    form = forms.ValueForm(request.POST or None)
    may_edit = services.may_edit(request.user, indicator)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            services.record_value(indicator, request.user, **form.cleaned_data)
            messages.success(request, _("The value is recorded."))
            return redirect(indicator)
    chart = svg.bar_chart(
        [
            (
                v.period.strftime("%Y")
                if v.period.month == 1 and v.period.day == 1
                else v.period.isoformat(),
                float(v.value),
            )
            for v in values
        ]
    )
    return render(request, "insights/indicator.html", {
        "indicator": indicator, "values": values, "chart": chart if values else "",
        "form": form, "may_edit": may_edit,
    })  # fmt: skip


@login_required
def indicator_import(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None, user=request.user)
    report = None
    if request.method == "POST" and form.is_valid():
        owner = form.cleaned_data["owner"]
        try:
            report = services.import_indicators(request.user, form.cleaned_data["file"], owner)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if report.ok:
                messages.success(request, _("%(values)s values imported.")
                                 % {"values": report.counts.get("values", 0)})  # fmt: skip
                return redirect(f"{reverse('insights:indicators')}?{owner.query}")
    return render(request, "insights/import.html", {"form": form, "report": report})
