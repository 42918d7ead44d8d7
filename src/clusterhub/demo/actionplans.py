"""Demo content of the actionplans app."""

from __future__ import annotations

from .base import DemoResult


def ensure_actionplans(refresh: bool, result: DemoResult) -> None:
    """Creates the demo content of the actionplans app (nothing yet)."""
