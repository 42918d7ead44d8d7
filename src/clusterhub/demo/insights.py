"""Demo content of the insights app."""

from __future__ import annotations

from .base import DemoResult


def ensure_insights(refresh: bool, result: DemoResult) -> None:
    """Creates the demo content of the insights app (nothing yet)."""
