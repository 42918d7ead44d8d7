"""What an import did, or why it did nothing: errors as (row, column, reason)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_REPORTED_ERRORS = 1000


Row = int | None  # the row number as a spreadsheet shows it; None: the whole file


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    kind: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[Row, str, str]] = field(default_factory=list)
    warnings: list[tuple[Row, str, str]] = field(default_factory=list)
    # Further counts, e.g. projects_created / participations_created for CORDIS.
    counts: dict[str, int] = field(default_factory=dict)
    # Errors beyond MAX_REPORTED_ERRORS are counted, not listed.
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def error(self, row: Row, column: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((row, column, message))
        else:
            self.more_errors += 1

    def warn(self, row: Row, column: str, message: str) -> None:
        if len(self.warnings) < MAX_REPORTED_ERRORS:
            self.warnings.append((row, column, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "counts": dict(self.counts),
            "error_count": self.error_count,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in self.errors],
            "warnings": [{"row": r, "column": c, "message": m} for r, c, m in self.warnings],
        }

    def summary(self) -> str:
        if not self.ok:
            return f"{self.error_count} error(s) in {self.rows} row(s); nothing was imported."
        verb = "would create" if self.dry_run else "created"
        verb2 = "would update" if self.dry_run else "updated"
        text = f"{self.rows} row(s): {verb} {self.created}, {verb2} {self.updated} organisation(s)"
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.counts.items())
        return f"{text}; {extra}." if extra else f"{text}."
