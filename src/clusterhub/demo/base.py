"""What every part of the demo shares: its result counters, its error, its e-mail addresses."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from . import registry_data


@dataclass
class DemoResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    history: str = ""
    team_email: str = registry_data.TEAM_EMAIL
    team_password: str | None = None  # None when it was changed since it was generated


class DemoLoadError(Exception):
    """The demo content could not be loaded; nothing was written."""


def pick(table: dict, keys: tuple[str, ...], what: str) -> list:
    """The rows of ``table`` for ``keys`` (reference vocabularies), all or a DemoLoadError."""
    missing = [key for key in keys if key not in table]
    if missing:
        raise DemoLoadError(f"Unknown {what} {', '.join(missing)}: run load_reference first.")
    return [table[key] for key in keys]


def demo_email(first_name: str, last_name: str) -> str:
    """An address at example.org (never a real one) built from the name, ASCII only."""
    name = f"{first_name}.{last_name}".lower().replace(" ", "-")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return f"{ascii_name}@example.org"
