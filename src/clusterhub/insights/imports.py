"""Imports of insights, all or nothing through the registry's reader: every row is checked
first, errors are (row, column, reason) with the row as a spreadsheet numbers it, and nothing
is written unless every row is right.

- ``import_employment``: Eurostat's ``sbs_r_nuts06_r2`` table (TSV, gzip or not): the key
  column ``nace_r2,indic_sb,geo\\time`` and one column per year. Kept: persons employed
  (``V16110``) by NUTS 2 region and NACE division. ``:`` is a missing figure (left out, never
  zero); a trailing letter is a flag (dropped). "Extra-regio" rows (``…ZZ``) are left out.
  French and Italian NUTS 2 codes renamed since without a change of boundaries are written
  with today's code; other older codes are kept as they are. Importing a file again replaces
  the figures of the years it holds.
- ``import_indicators``: a CSV or XLSX with ``indicator``, ``period`` (a year or a date) and
  ``value`` columns, optional ``unit``, ``source`` and ``note``; for one network or region.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from clusterhub.reference.models import NaceActivity
from clusterhub.registry.imports.reading import FileRejected, read_table
from clusterhub.registry.imports.report import ImportReport

from .models import Employment, Indicator, IndicatorValue

PERSONS_EMPLOYED = "V16110"
MAX_EMPLOYMENT_ROWS = 400_000
MAX_EMPLOYMENT_BYTES = 20 * 2**20
# NUTS 2 codes renamed without a change of boundaries (NUTS 2010 → 2021).
RENAMED = {
    "FR21": "FRF2", "FR22": "FRE2", "FR23": "FRD2", "FR24": "FRB0", "FR25": "FRD1",
    "FR26": "FRC1", "FR30": "FRE1", "FR41": "FRF3", "FR42": "FRF1", "FR43": "FRC2",
    "FR51": "FRG0", "FR52": "FRH0", "FR53": "FRI3", "FR61": "FRI1", "FR62": "FRJ2",
    "FR63": "FRI2", "FR71": "FRK2", "FR72": "FRK1", "FR81": "FRJ1", "FR82": "FRL0",
    "FR83": "FRM0", "FR91": "FRY1", "FR92": "FRY2", "FR93": "FRY3", "FR94": "FRY4",
    "ITD1": "ITH1", "ITD2": "ITH2", "ITD3": "ITH3", "ITD4": "ITH4", "ITD5": "ITH5",
    "ITE1": "ITI1", "ITE2": "ITI2", "ITE3": "ITI3", "ITE4": "ITI4",
}  # fmt: skip
_FIGURE = re.compile(r"(-?\d+(?:\.\d+)?)\s*([a-z]*)")
_NUTS2 = re.compile(r"[A-Z]{2}[A-Z0-9]{2}")


def import_employment(source, *, max_rows: int = MAX_EMPLOYMENT_ROWS) -> ImportReport:
    report = ImportReport("employment")
    try:
        table = read_table(source, max_bytes=MAX_EMPLOYMENT_BYTES, max_rows=max_rows)
    except FileRejected as error:
        report.error(None, "", str(error))
        return report
    headers, rows = table.headers, table.rows
    if "\t" in ",".join(headers):  # read as comma-separated: the key's commas split the line
        headers = ",".join(headers).split("\t")
        rows = [(number, ",".join(cells).split("\t")) for number, cells in rows]
    key_header = headers[0].strip() if headers else ""
    if "geo" not in key_header:
        report.error(1, key_header, _("The first column should be “nace_r2,indic_sb,geo\\time”, "
                                      "as in Eurostat's table."))  # fmt: skip
        return report
    years = []
    for index, header in enumerate(headers[1:], 1):
        text = header.strip()
        if text.isdigit() and 1900 < int(text) < 2100:
            years.append((index, int(text)))
        elif text:
            report.error(1, text, _("A column after the first should be a year."))
    divisions = set(NaceActivity.objects.filter(section__isnull=False)
                    .values_list("code", flat=True))  # fmt: skip
    figures: dict[tuple[str, str, int], int] = {}
    counts = {"extra_regio_rows_left_out": 0, "codes_renamed": 0}
    for number, cells in rows:
        report.rows += 1
        parts = [p.strip() for p in cells[0].split(",")]
        if len(parts) != 3:
            report.error(number, key_header, _("“%(text)s” should be sector,indicator,region.")
                         % {"text": cells[0]})  # fmt: skip
            continue
        nace, indicator, geo = parts
        if indicator != PERSONS_EMPLOYED or len(geo) != 4 or not re.fullmatch(r"[A-Z]\d\d", nace):
            continue  # other indicators, other levels, sections and groups
        if geo.endswith("ZZ"):
            counts["extra_regio_rows_left_out"] += 1
            continue
        if not _NUTS2.fullmatch(geo):
            report.error(number, key_header, _("“%(code)s” is not a NUTS 2 code.") % {"code": geo})
            continue
        if nace[1:] not in divisions:
            report.error(number, key_header, _("“%(code)s” is not a NACE division.")
                         % {"code": nace})  # fmt: skip
            continue
        region = RENAMED.get(geo, geo)
        counts["codes_renamed"] += region != geo
        for index, year in years:
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw or raw.startswith(":"):
                continue
            match = _FIGURE.fullmatch(raw)
            if match is None:
                report.error(number, str(year), _("“%(text)s” is not a number.") % {"text": raw})
                continue
            value = float(match.group(1))
            if value < 0:
                report.error(
                    number,
                    str(year),
                    _("A number of persons employed cannot be negative (%(value)s).")
                    % {"value": raw},
                )
                continue
            figures[(region, nace[1:], year)] = round(value)
    report.counts = counts
    if not report.ok:
        return report
    with transaction.atomic():
        Employment.objects.filter(year__in=[y for _i, y in years]).delete()
        Employment.objects.bulk_create(
            (Employment(region=r, sector=s, year=y, persons=p) for (r, s, y), p in
             figures.items()), batch_size=5000)  # fmt: skip
    report.created = len(figures)
    return report


def _period(text: str) -> date | None:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return date(int(text), 1, 1)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def import_indicators(source, *, organisation=None, region=None) -> ImportReport:
    """Indicators and their values for one network (``organisation``) or ``region``; an
    indicator of the same name gets the new values (a period given again is replaced)."""
    report = ImportReport("indicators")
    try:
        table = read_table(source)
    except FileRejected as error:
        report.error(None, "", str(error))
        return report
    missing = [c for c in ("indicator", "period", "value") if c not in table.keys]
    for column in missing:
        report.error(1, column, _("The column “%(column)s” is missing.") % {"column": column})
    if missing:
        return report
    col = {key: i for i, key in enumerate(table.keys)}

    def cell(cells, key):
        i = col.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    rows = []
    for number, cells in table.rows:
        report.rows += 1
        name = cell(cells, "indicator")
        period = _period(cell(cells, "period"))
        raw = cell(cells, "value").replace("\u202f", "").replace(" ", "")
        if not name:
            report.error(number, "indicator", _("The indicator has no name."))
        if period is None:
            report.error(
                number,
                "period",
                _("“%(text)s” is neither a year nor a date (YYYY-MM-DD).")
                % {"text": cell(cells, "period")},
            )
        try:
            value = Decimal(raw.replace(",", ".")) if raw else None
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            report.error(number, "value", _("“%(text)s” is not a number.")
                         % {"text": cell(cells, "value")})  # fmt: skip
        elif abs(value) >= Decimal(10) ** 14:
            report.error(number, "value", _("The number is too large."))
        rows.append((name, period, value, cell(cells, "unit"), cell(cells, "source"),
                     cell(cells, "note")))  # fmt: skip
    if not report.ok:
        return report
    owner = {"organisation": organisation} if organisation is not None else {"region": region}
    with transaction.atomic():
        for name, period, value, unit, source, note in rows:
            indicator, created = Indicator.objects.get_or_create(
                name=name[:200],
                **owner,
                defaults={"unit": unit[:50], "source": source[:300] or _("Imported")},
            )
            report.created += created
            _row, new = IndicatorValue.objects.update_or_create(
                indicator=indicator, period=period, defaults={"value": value, "note": note[:300]}
            )
            report.counts["values"] = report.counts.get("values", 0) + 1
            report.updated += not new
    return report
