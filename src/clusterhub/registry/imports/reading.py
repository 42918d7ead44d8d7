"""Reading an uploaded CSV or XLSX file into a :class:`Table`, recognised by its content.

A file that cannot be read as a whole (wrong format, encoding, size, too many rows, no header)
raises :class:`FileRejected` with a reason a user understands; nothing is parsed yet. Rows are
read one at a time (openpyxl's read-only mode, the csv module) and counted as they come: a file
over the row limit (``REGISTRY_IMPORT_MAX_ROWS``) is refused as soon as its row count passes
it, without reading the rest.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings


class FileRejected(Exception):
    """The file as a whole cannot be read: wrong format, encoding, size, no header."""


@dataclass
class Table:
    name: str
    headers: list[str]  # as written in the file
    keys: list[str]  # normalised header names
    rows: list[tuple[int, list[str]]]  # (row number, cells), blank rows left out


_SIGNATURES = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file; save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".txt", ".tsv", ""}
GZIP_MAGIC = b"\x1f\x8b"


def _too_many_rows(limit: int, claimed: int | None = None) -> FileRejected:
    found = f"{claimed:,} rows" if claimed else f"more than {limit:,} rows"
    return FileRejected(
        f"the file has {found}; an import takes at most {limit:,} rows: split it into several files"
    )


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _read_source(source: Any, limit: int) -> tuple[str, bytes]:
    """(file name, content) of a path, an uploaded file or a binary file object."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise FileRejected(f"file not found: {path}")
        size = path.stat().st_size
        if size > limit:
            raise FileRejected(f"the file is {_megabytes(size)}; the limit is {_megabytes(limit)}")
        return path.name, path.read_bytes()
    name = Path(getattr(source, "name", "") or "").name
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise FileRejected(f"the file is {_megabytes(size)}; the limit is {_megabytes(limit)}")
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = source.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise FileRejected(f"the file is larger than the limit of {_megabytes(limit)}")
    return name, data


def normalise_header(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(name: str, data: bytes, limit: int, max_rows: int) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"the XLSX file is damaged ({exc})") from None
    if unpacked > 20 * limit:
        raise FileRejected("the XLSX file unpacks to more data than the upload limit allows")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on bad files
        raise FileRejected(f"the XLSX file cannot be read ({exc})") from None
    try:
        if not workbook.worksheets:
            raise FileRejected("the XLSX file has no worksheet")
        sheet = workbook.worksheets[0]
        claimed = sheet.max_row  # from the sheet's own dimension, when it states one
        if claimed and claimed > max_rows + 1:
            raise _too_many_rows(max_rows, claimed - 1)
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            cells = [_cell_text(v) for v in values]
            if headers is None:
                if not any(cells):
                    continue
                while cells and not cells[-1]:
                    cells.pop()
                headers = cells
                continue
            if any(cells):
                rows.append((number, cells))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"the XLSX file cannot be read ({exc})") from None
    finally:
        workbook.close()
    if headers is None:
        raise FileRejected("the file is empty: the first worksheet has no header row")
    return Table(name, headers, [normalise_header(h) for h in headers], rows)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected("the file is not valid UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise FileRejected("the file is binary data, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as 'CSV UTF-8' or as XLSX"
        ) from None


def _read_csv(name: str, data: bytes, max_rows: int) -> Table:
    text = _decode(data)
    sample = text[:65536]
    if _CONTROL.search(sample):
        raise FileRejected("the file is binary data, not a CSV text file")
    first_line = sample.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=lambda d: first_line.count(d))
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if len(rows) >= max_rows:
                raise _too_many_rows(max_rows)
            if headers is None:
                headers = [c.strip() for c in cells]
                while headers and not headers[-1]:
                    headers.pop()
                if not headers:
                    raise FileRejected("the file is empty: row 1 should name the columns")
                continue
            if "".join(cells).strip():
                rows.append((number, cells))
    except csv.Error as exc:
        raise FileRejected(
            f"the CSV file cannot be read near line {reader.line_num}: {exc}"
        ) from None
    if headers is None:
        raise FileRejected("the file is empty: row 1 should name the columns")
    return Table(name, headers, [normalise_header(h) for h in headers], rows)


def read_table(source: Any, *, max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """Read a CSV or XLSX file, recognised by its content (not by its name)."""
    limit = max_bytes or settings.CLUSTERHUB_MAX_UPLOAD_BYTES
    max_rows = max_rows or settings.REGISTRY_IMPORT_MAX_ROWS
    name, data = _read_source(source, limit)
    if data.startswith(GZIP_MAGIC):  # a compressed CSV (as open-data portals publish them)
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unpacked:
                data = unpacked.read(limit * 20 + 1)
        except (OSError, EOFError):
            raise FileRejected("the file is a damaged gzip archive") from None
        if len(data) > limit * 20:
            raise FileRejected("the file unpacks to more than 20 times the upload limit")
        name = name.removesuffix(".gz").removesuffix(".GZ")
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise FileRejected(f"'{name}' is not a CSV or XLSX file; upload a .csv or .xlsx file")
    if not data.strip():
        raise FileRejected("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise FileRejected("the file is a damaged ZIP archive, not an XLSX workbook") from None
        if "xl/workbook.xml" in names:
            return _read_xlsx(name, data, limit, max_rows)
        if "content.xml" in names:
            raise FileRejected("the file is an OpenDocument spreadsheet; save it as .xlsx or CSV")
        raise FileRejected("the file is a ZIP archive, not an XLSX workbook")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise FileRejected(f"the file is {what}, not a CSV or XLSX file")
    return _read_csv(name, data, max_rows)
