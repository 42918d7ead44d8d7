"""The digest: for one subscriber, what is new and matches their preferences, ranked.

Pure: no Django import. Items in (calls, opportunities, events, news, consultations, each with
its dates and topics), one subscriber's preferences in, the ranked digest out; empty when
nothing matches (and then nothing is sent).

- An item matches when its kind is wanted (no kind chosen: every kind) and, for each of
  ecosystems, technologies and regions that both the item and the subscriber state, they
  share one (a NUTS code covers its sub-regions). An item that states none matches everyone.
- An item is new when it appeared after the subscriber's last digest; a call, a consultation
  or an event registration that closes within ``SOON`` days is shown again, while still open.
- Rank: items closing soon first (the nearer the deadline, the higher), then by how many of
  the subscriber's topics they share, then the newest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

KINDS = ("calls", "opportunities", "events", "news", "consultations")
SOON = timedelta(days=14)


@dataclass(frozen=True)
class Item:
    kind: str
    key: str  # unique, e.g. "call:12"
    title: str
    url: str
    appeared: datetime  # published, opened or created
    closes: datetime | None = None  # deadline, registration end, consultation close
    summary: str = ""
    ecosystems: frozenset = field(default_factory=frozenset)
    technologies: frozenset = field(default_factory=frozenset)
    regions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preferences:
    kinds: frozenset = field(default_factory=frozenset)
    ecosystems: frozenset = field(default_factory=frozenset)
    technologies: frozenset = field(default_factory=frozenset)
    regions: tuple[str, ...] = ()
    since: datetime | None = None  # the last digest


def _regions_meet(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    return any(a.startswith(b) or b.startswith(a) for a in mine for b in theirs)


def matches(item: Item, prefs: Preferences) -> bool:
    if prefs.kinds and item.kind not in prefs.kinds:
        return False
    if prefs.ecosystems and item.ecosystems and not prefs.ecosystems & item.ecosystems:
        return False
    if prefs.technologies and item.technologies and not prefs.technologies & item.technologies:
        return False
    return not prefs.regions or not item.regions or _regions_meet(prefs.regions, item.regions)


def is_new(item: Item, prefs: Preferences, now: datetime) -> bool:
    if item.closes is not None and item.closes < now:
        return False  # closed: nothing to do with it any more
    if prefs.since is None or item.appeared > prefs.since:
        return True
    return item.closes is not None and item.closes - now <= SOON


def rank_key(item: Item, prefs: Preferences, now: datetime):
    closing = item.closes is not None and item.closes - now <= SOON
    shared = len(prefs.ecosystems & item.ecosystems) + len(prefs.technologies & item.technologies)
    if prefs.regions and _regions_meet(prefs.regions, item.regions):
        shared += 1
    return (
        0 if closing else 1,
        (item.closes - now).total_seconds() if closing else 0,
        -shared,
        -item.appeared.timestamp(),
        item.key,
    )


def build(items: Iterable[Item], prefs: Preferences, now: datetime, limit: int = 25) -> list[Item]:
    """The subscriber's digest, best first; [] when nothing is new and matching."""
    chosen = [i for i in items if matches(i, prefs) and is_new(i, prefs, now)]
    chosen.sort(key=lambda i: rank_key(i, prefs, now))
    return chosen[:limit]
