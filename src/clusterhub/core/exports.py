"""Generic downloads of tabular data as CSV and XLSX, shared by the apps' exports.

``export_csv(rows, columns, filename)`` streams a CSV; ``export_xlsx`` writes a workbook in
openpyxl's write-only mode. ``rows`` are sequences or dicts keyed by column; an
:class:`ExportRows` carries its own column headers.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
carriage return) are written with a leading apostrophe in CSV and as plain text in XLSX.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import get_valid_filename


class ExportRows:
    """An iterable of rows (lists of cell values) that knows its column headers."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.columns = list(columns)
        self._rows = rows

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self._rows)


# Writing files --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_safe(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula; numbers are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _resolve(rows, columns, filename) -> tuple[list[str], Iterable, str]:
    # export_csv(rows, "clusters") is accepted as well as export_csv(rows, columns).
    if isinstance(columns, str):
        columns, filename = None, columns
    if columns is None:
        columns = getattr(rows, "columns", None)
    if columns is None:
        rows = iter(rows)
        first = next(rows, None)
        if isinstance(first, dict):
            columns = list(first)
        else:
            raise ValueError("export needs its column headers")
        rows = _chain_first(first, rows)
    return list(columns), rows, get_valid_filename(filename or "export") or "export"


def _chain_first(first, rest):
    yield first
    yield from rest


def _values(row, columns: list[str]) -> Sequence[Any]:
    if isinstance(row, dict):
        return [row.get(c) for c in columns]
    return row


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(
    rows: Iterable, columns: Sequence[str] | str | None = None, filename: str = "export"
) -> StreamingHttpResponse:
    """Stream ``rows`` (sequences, or dicts keyed by column) as a UTF-8 CSV download.

    ``columns`` defaults to ``rows.columns`` (what ``organisation_rows`` gives); a string in
    its place is taken as the file name.
    """
    columns, rows, filename = _resolve(rows, columns, filename)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([csv_safe(c) for c in columns])
        for row in rows:
            yield writer.writerow([csv_safe(v) for v in _values(row, columns)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_cell(sheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith("=") or text in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell
    return text


def export_xlsx(
    rows: Iterable, columns: Sequence[str] | str | None = None, filename: str = "export"
) -> FileResponse:
    """Write ``rows`` to an XLSX workbook (openpyxl's write-only mode, constant memory) kept
    in a temporary file, and send it in blocks."""

    columns, rows, filename = _resolve(rows, columns, filename)
    return export_workbook([(filename, columns, rows)], filename)


def export_workbook(sheets: Iterable[tuple[str, Sequence[str], Iterable]], filename: str):
    """An XLSX workbook of several sheets, each ``(title, columns, rows)``, as in
    :func:`export_xlsx`."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title=_ILLEGAL_XML.sub("", title)[:31] or "export")
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", str(column)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in _values(row, list(columns))])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    name = filename if filename.endswith(".xlsx") else f"{filename}.xlsx"
    return FileResponse(
        output,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
