"""Imports of the registry from CSV and XLSX files.

Three kinds of file:

- ``organisations``: one organisation a row (``legal_name``, ``kind``, ``country``, …);
- ``clusters``: cluster organisations with their profile (the organisation columns plus
  ``founding_year``, ``members_*``, ``management_fte``, ``labels``, …);
- ``cordis``: CORDIS participation files (``organization.csv`` schema), optionally with a
  projects file giving each project's call topic;
- ``network``: the H2020 collaboration network (project, role, pic, kind, country, start and
  end years, programme parts), optionally with an organisations file giving the names.

Every import is all-or-nothing: every row is checked first and the errors are collected as
``(row, column, reason)``, the row numbered as a spreadsheet shows it (the header is row 1).
If any row is wrong nothing is written; otherwise everything is written in one transaction
with bulk inserts (no query per row), so that 100,000 rows import in well under a minute.

Re-importing a file updates what it imported before: rows are matched by PIC when they have
one, else by legal name and country. A column that is absent from the file leaves the field
alone; a column that is present but empty on a row clears the field.

The package, one step a module: :mod:`.reading` (CSV/XLSX into a table), :mod:`.vocabulary`
(reference look-ups), :mod:`.columns` (header names), :mod:`.parsing` (cells into values),
:mod:`.matching` (existing records, derived fields, the models' rules), :mod:`.writing` (bulk
SQL), with :mod:`.organisations` and :mod:`.cordis` putting them together.

Public API: :func:`run_import` and :class:`ImportReport`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from clusterhub.core import audit

from .columns import IMPORT_KINDS
from .cordis import import_cordis
from .network import import_network
from .organisations import import_organisations
from .reading import FileRejected, Table, read_table
from .report import ImportReport

__all__ = ["IMPORT_KINDS", "FileRejected", "ImportReport", "Table", "read_table", "run_import"]


def run_import(
    kind: str,
    uploaded_file_or_path: Any,
    *,
    dry_run: bool = False,
    user=None,
    projects_file: Any = None,
    organisations_file: Any = None,
    max_rows: int | None = None,
) -> ImportReport:
    """Import a CSV or XLSX file of ``kind`` ("organisations", "clusters" or "cordis").

    ``uploaded_file_or_path``: a path, a Django ``UploadedFile`` or a binary file object.
    ``projects_file``: for CORDIS, the optional projects file (call topics).
    ``organisations_file``: for the network, the optional file of organisation names.
    ``max_rows``: a row limit other than ``REGISTRY_IMPORT_MAX_ROWS`` (the command line's).
    With ``dry_run`` everything is checked and counted, nothing is written.
    With ``user``, the user must hold ``registry.import_data`` (platform staff).
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {IMPORT_KINDS}")
    if user is not None and not user.has_perm("registry.import_data"):
        raise PermissionDenied("Only platform staff may import data.")
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        table = read_table(uploaded_file_or_path, max_rows=max_rows)
    except FileRejected as exc:
        report.error(None, "", str(exc))
        return report
    names = None
    if kind == "network" and organisations_file is not None:
        try:
            names = read_table(organisations_file, max_rows=max_rows)
        except FileRejected as exc:
            report.error(None, "", f"organisations file: {exc}")
            return report
    projects = None
    if kind == "cordis" and projects_file is not None:
        try:
            projects = read_table(projects_file)
        except FileRejected as exc:
            report.error(None, "", f"projects file: {exc}")
            return report
    if kind == "cordis":
        import_cordis(table, projects, report)
    elif kind == "network":
        import_network(table, names, report)
    else:
        import_organisations(table, report, cluster=kind == "clusters")
    if not report.ok:
        report.created = report.updated = 0
    elif not dry_run:
        audit.record(
            "registry.import",
            changes={"kind": kind, "created": report.created, "updated": report.updated},
            by=user,
        )
    return report
