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


def build_many(items: list[Item], preferences: list[Preferences], now: datetime,
               limit: int = 25) -> list[list[int]]:  # fmt: skip
    """``build`` for many subscribers at once (the same result, as indices into ``items``):
    the items' kinds, dates and topics become arrays once, and each subscriber costs a few
    vector operations instead of a loop over every item."""
    import numpy as np

    n = len(items)
    if not n:
        return [[] for _ in preferences]
    t = now.timestamp()
    kinds = np.array([KINDS.index(i.kind) for i in items])
    appeared = np.array([i.appeared.timestamp() for i in items])
    closes = np.array([i.closes.timestamp() if i.closes else np.inf for i in items])
    still_open = closes >= t
    closing = np.isfinite(closes) & (closes - t <= SOON.total_seconds())

    def incidence(attribute):
        values = sorted({x for i in items for x in getattr(i, attribute)}, key=str)
        vocabulary = {v: k for k, v in enumerate(values)}
        matrix = np.zeros((n, max(len(vocabulary), 1)), dtype=np.int32)
        for row, item in enumerate(items):
            for x in getattr(item, attribute):
                matrix[row, vocabulary[x]] = 1
        return vocabulary, matrix, matrix.any(axis=1)

    eco_vocab, eco, has_eco = incidence("ecosystems")
    tech_vocab, tech, has_tech = incidence("technologies")
    has_region = np.array([bool(i.regions) for i in items])
    keys = np.argsort(np.argsort(np.array([i.key for i in items])))  # rank of the key
    kind_masks: dict = {}
    region_masks: dict = {}
    code_masks: dict = {}

    def overlap(wanted, vocabulary, matrix):
        vector = np.zeros(matrix.shape[1], dtype=np.int32)
        for x in wanted:
            if x in vocabulary:
                vector[vocabulary[x]] = 1
        return matrix @ vector

    out = []
    for prefs in preferences:
        mask = still_open.copy()
        if prefs.kinds:
            if prefs.kinds not in kind_masks:
                kind_masks[prefs.kinds] = np.isin(kinds, [KINDS.index(k) for k in prefs.kinds
                                                          if k in KINDS])  # fmt: skip
            mask &= kind_masks[prefs.kinds]
        shared = np.zeros(n, dtype=np.int32)
        if prefs.ecosystems:
            common = overlap(prefs.ecosystems, eco_vocab, eco)
            mask &= ~has_eco | (common > 0)
            shared += common
        if prefs.technologies:
            common = overlap(prefs.technologies, tech_vocab, tech)
            mask &= ~has_tech | (common > 0)
            shared += common
        if prefs.regions:
            if prefs.regions not in region_masks:
                meets = np.zeros(n, dtype=bool)
                for code in prefs.regions:  # one mask per code, shared by every subscriber
                    if code not in code_masks:
                        code_masks[code] = np.array([_regions_meet((code,), i.regions)
                                                     for i in items])  # fmt: skip
                    meets |= code_masks[code]
                region_masks[prefs.regions] = meets
            meets = region_masks[prefs.regions]
            mask &= ~has_region | meets
            shared += meets
        if prefs.since is not None:
            mask &= (appeared > prefs.since.timestamp()) | closing
        chosen = np.flatnonzero(mask)
        if chosen.size:
            soon = closing[chosen]
            order = np.lexsort((keys[chosen], -appeared[chosen], -shared[chosen],
                                np.where(soon, closes[chosen] - t, 0.0), ~soon))  # fmt: skip
            chosen = chosen[order][:limit]
        out.append(chosen.tolist())
    return out
