"""Progress of a joint action plan, from what the team typed and what happened on the platform.

Pure: plain values in, plain values out (no Django).

- A delivery *happened* when the thing it points at did: an event held (ended, not cancelled),
  a consortium formed (two confirmed members or more), a call published with at least one
  application submitted, an opportunity published with at least one expression of interest.
- An action is *done* when the team says so, or when it has deliveries and every one of them
  happened; it is *evidenced* when at least one of its deliveries happened. A cancelled action
  counts in no total. An action not done after its end date is *late*.
- An axis's progress is its done actions over its actions (cancelled ones left out).
- An indicator is typed by the team (its latest value counts) or counted from the deliveries of
  its axis's actions (of the whole plan when it has no axis): events held, participants at
  them, consortia formed, applications, expressions of interest, actions done. Its progress is
  (actual − baseline) / (target − baseline), kept within [0, 1]; a target equal to the
  baseline is reached when the actual value gets there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

HAPPENED = {
    "event": lambda f: bool(f.get("held")),
    "consortium": lambda f: bool(f.get("formed")),
    "call": lambda f: bool(f.get("published")) and f.get("applications", 0) > 0,
    "opportunity": lambda f: bool(f.get("published")) and f.get("interests", 0) > 0,
}

COUNTED = {
    # measure: (kind of delivery, what is added up for each one that happened; None counts it)
    "events_held": ("event", None),
    "participants": ("event", "participants"),
    "consortia_formed": ("consortium", None),
    "applications": ("call", "applications"),
    "interests": ("opportunity", "interests"),
}


def happened(kind: str, facts: dict | None) -> bool:
    return facts is not None and HAPPENED[kind](facts)


@dataclass
class ActionState:
    id: int
    axis_id: int
    status: str
    ends_on: date
    deliveries: list[tuple[str, int, dict | None]] = field(default_factory=list)
    done: bool = False
    evidenced: int = 0
    late: bool = False

    @property
    def counts(self) -> bool:
        return self.status != "cancelled"


def action_state(state: ActionState, today: date) -> ActionState:
    """Fills ``done``, ``evidenced`` and ``late`` from the status and the deliveries' facts."""
    outcomes = [happened(kind, facts) for kind, _id, facts in state.deliveries]
    state.evidenced = sum(outcomes)
    state.done = state.status == "done" or (bool(outcomes) and all(outcomes))
    state.late = state.counts and not state.done and state.ends_on < today
    return state


def axis_progress(states: Iterable[ActionState]) -> dict:
    """``{"actions", "done", "evidenced", "late", "share"}`` over the actions that count."""
    counted = [s for s in states if s.counts]
    done = sum(s.done for s in counted)
    return {
        "actions": len(counted),
        "done": done,
        "evidenced": sum(1 for s in counted if s.evidenced),
        "late": sum(s.late for s in counted),
        "share": done / len(counted) if counted else None,
    }


def counted_value(measure: str, states: Iterable[ActionState]) -> Decimal:
    """The value of a counted indicator over ``states`` (a thing linked to two actions counts
    once)."""
    states = [s for s in states if s.counts]
    if measure == "actions_done":
        return Decimal(sum(s.done for s in states))
    kind, summed = COUNTED[measure]
    seen: dict[int, dict] = {}
    for state in states:
        for k, target, facts in state.deliveries:
            if k == kind and happened(k, facts):
                seen[target] = facts
    if summed is None:
        return Decimal(len(seen))
    return Decimal(sum(int(facts.get(summed, 0)) for facts in seen.values()))


def counted_series(measure: str, states: Iterable[ActionState]) -> list[tuple[date, Decimal]]:
    """Cumulative values by date for the event measures (each event on its date); other counted
    measures have no dates and give an empty series."""
    if measure not in ("events_held", "participants"):
        return []
    seen: dict[int, dict] = {}
    for state in states:
        if state.counts:
            for kind, target, facts in state.deliveries:
                if kind == "event" and happened(kind, facts):
                    seen[target] = facts
    total, series = Decimal(0), []
    for facts in sorted(seen.values(), key=lambda f: f["date"]):
        total += 1 if measure == "events_held" else int(facts.get("participants", 0))
        if series and series[-1][0] == facts["date"]:
            series[-1] = (facts["date"], total)
        else:
            series.append((facts["date"], total))
    return series


def indicator_progress(baseline: Decimal, target: Decimal, actual: Decimal | None) -> float | None:
    """How far ``actual`` has gone from ``baseline`` to ``target``, within [0, 1]; works for
    targets below the baseline (a fall wanted) as well."""
    if actual is None:
        return None
    if target == baseline:
        reached = actual >= target if target >= 0 else actual <= target
        return 1.0 if reached else 0.0
    share = float((actual - baseline) / (target - baseline))
    return max(0.0, min(1.0, share))
