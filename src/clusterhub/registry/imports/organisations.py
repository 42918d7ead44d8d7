"""The ``organisations`` and ``clusters`` imports: read, parse, match, then write in one
transaction, or nothing when any row is wrong.
"""

from __future__ import annotations

from django.db import transaction

from .. import facets
from .columns import CLUSTER_COLUMNS, ORGANISATION_COLUMNS, REQUIRED, map_columns, missing_columns
from .matching import prepare_organisations, prepare_profiles
from .parsing import parse_organisation_row
from .reading import Table
from .report import ImportReport
from .vocabulary import Vocabulary
from .writing import write_organisations, write_profiles


def import_organisations(table: Table, report: ImportReport, cluster: bool) -> None:
    spec = dict(ORGANISATION_COLUMNS)
    if cluster:
        spec.update(CLUSTER_COLUMNS)
        spec["kind"] = ()  # every row of a cluster file is a cluster organisation
    if "legal_name" not in table.keys and "name" in table.keys:
        spec["legal_name"] = (*spec["legal_name"], "name")
    col = map_columns(table, spec, report)
    if missing_columns(col, REQUIRED[report.kind], report) or not report.ok:
        return
    vocab = Vocabulary()
    entries = []
    for row, cells in table.rows:
        entry = parse_organisation_row(row, cells, col, vocab, report, cluster)
        if entry is not None:
            entries.append(entry)
    report.rows = len(table.rows)
    if not report.ok:
        return
    prepare_organisations(entries, vocab, report)
    if cluster and report.ok:
        prepare_profiles(entries, report)
    if not report.ok:
        return
    if report.dry_run:
        report.created = sum(1 for e in entries if e.created)
        report.updated = len(entries) - report.created
        return
    with transaction.atomic():
        write_organisations(entries, report)
        if cluster:
            write_profiles(entries, report)
        facets.changed()  # bulk writes send no signals: the directory facets are rebuilt
