"""The scheduler's exact engine: the slot assignment as a CP-SAT model (OR-Tools). Pure.

``scheduler`` turns a ``Problem`` into a ``Spec`` (dense indices, candidate start slots,
integer objective coefficients) and calls ``solve``, which works in two stages:

1. the most weight: maximise the sum of the chosen coefficients, from a hint (the heuristic's
   schedule), and report the solver's proven upper bound;
2. the least standing about, at that weight: the weight is held at its stage-1 value and the
   model minimises each person's idle slots between two meetings of one session (counted
   twice) plus their meetings outside the slots they prefer (counted once).

Each stage is limited in deterministic work units (``max_deterministic_time``), never in
seconds, and runs on one worker with a fixed seed: one input gives one schedule whatever the
machine's load. A wall-clock limit stays as a safety net only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

GAP_COST = 2  # an idle slot weighs as much as two meetings outside one's preferred slots
PREFERENCE_COST = 1


@dataclass
class Spec:
    """The model in dense indices. Meeting i involves ``people[i]``, lasts ``length[i]``
    consecutive slots from one of ``starts[i]`` and is worth ``coef[i][k]`` when it starts at
    ``starts[i][k]``. Candidates already respect availability, sessions and locked meetings."""

    n_slots: int
    session_of: list[int]
    people: list[tuple[int, ...]]
    length: list[int]
    starts: list[list[int]]
    coef: list[list[int]]
    shared: list[bool]  # takes one of the slot's shared tables
    booth: list[int]  # index of a booth held by several people (-1: none)
    cap: list[int]  # shared tables left per slot once locked meetings are in
    locked_busy: set[tuple[int, int]] = field(default_factory=set)  # (person, slot)
    available: list[int] = field(default_factory=list)  # slot bit mask per person
    preferred: dict[int, int] = field(default_factory=dict)  # person -> slot bit mask
    max_total: dict[int, int] = field(default_factory=dict)  # person -> meetings left
    max_session: dict[tuple[int, int], int] = field(default_factory=dict)  # (person, session)


@dataclass
class Answer:
    starts: dict[int, int]  # meeting -> start slot, for the chosen meetings
    value: int  # the stage-1 objective of ``starts``
    bound: int | None  # no solution is worth more (proven by the solver; None: not asked)
    optimal: bool
    standby: int | None  # stage-2 cost of ``starts`` (None: stage 2 did not run)


def _solver(work: float, seconds: float, workers: int = 1) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = workers
    p.random_seed = 0
    p.max_deterministic_time = max(work, 0.01)
    p.max_time_in_seconds = max(seconds, 0.01)
    return solver


def solve(
    spec: Spec,
    hint: dict[int, int],
    *,
    work: float,
    standby_work: float = 0.0,
    seconds: float = 60.0,
    workers: int = 1,
) -> Answer | None:
    """Both stages (the second only with ``standby_work``); None when the solver found no
    solution within its work (it always has the hint's, unless the hint is invalid). More
    than one worker is faster but no longer deterministic: for reference runs only."""
    if work <= 0 and (standby_work <= 0 or standby_cost(spec, hint) == 0):
        value = sum(spec.coef[i][spec.starts[i].index(s)] for i, s in hint.items())
        return Answer(dict(hint), value, None, False, standby_cost(spec, hint))
    model = cp_model.CpModel()
    S = spec.n_slots
    x: list[list[cp_model.IntVar]] = []
    covering: dict[tuple[int, int], list] = {}  # (person, slot) -> variables
    table_use: list[list] = [[] for _ in range(S)]
    booth_use: dict[tuple[int, int], list] = {}
    person_vars: dict[int, list] = {}
    session_vars: dict[tuple[int, int], list] = {}
    objective = []
    for i, starts in enumerate(spec.starts):
        row = []
        for k, s in enumerate(starts):
            v = model.new_bool_var(f"x{i}_{s}")
            row.append(v)
            objective.append(spec.coef[i][k] * v)
            if hint:
                model.add_hint(v, hint.get(i) == s)
            for t in range(s, s + spec.length[i]):
                for p in spec.people[i]:
                    covering.setdefault((p, t), []).append(v)
                if spec.shared[i]:
                    table_use[t].append(v)
                if spec.booth[i] >= 0:
                    booth_use.setdefault((spec.booth[i], t), []).append(v)
            for p in spec.people[i]:
                if p in spec.max_total:
                    person_vars.setdefault(p, []).append(v)
                key = (p, spec.session_of[s])
                if key in spec.max_session:
                    session_vars.setdefault(key, []).append(v)
        if len(row) > 1:
            model.add_at_most_one(row)
        x.append(row)
    for group in (*covering.values(), *booth_use.values()):
        if len(group) > 1:
            model.add_at_most_one(group)
    for s, group in enumerate(table_use):
        if len(group) > spec.cap[s]:
            model.add(sum(group) <= spec.cap[s])
    for p, group in person_vars.items():
        if len(group) > spec.max_total[p]:
            model.add(sum(group) <= spec.max_total[p])
    for key, group in session_vars.items():
        if len(group) > spec.max_session[key]:
            model.add(sum(group) <= spec.max_session[key])
    weight = sum(objective)
    if work > 0:
        model.maximize(weight)
        solver = _solver(work, seconds, workers)
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        answer = Answer(
            starts=_chosen(solver, spec, x),
            value=round(solver.objective_value),
            bound=int(solver.best_objective_bound + 1e-6),
            optimal=status == cp_model.OPTIMAL,
            standby=None,
        )
    else:  # the hint is taken as the best weight
        value = sum(spec.coef[i][spec.starts[i].index(s)] for i, s in hint.items())
        answer = Answer(starts=dict(hint), value=value, bound=None, optimal=False, standby=None)
    if standby_work <= 0:
        return answer
    answer.standby = standby_cost(spec, answer.starts)
    if answer.standby == 0:
        return answer

    # Stage 2: the same weight, the least standing about.
    model.clear_hints()
    for i, row in enumerate(x):
        for k, v in enumerate(row):
            model.add_hint(v, answer.starts.get(i) == spec.starts[i][k])
    model.add(weight >= answer.value)
    model.minimize(sum(_standby(model, spec, covering, answer.starts)))
    solver = _solver(standby_work, seconds, workers)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value < answer.standby:
        answer.starts = _chosen(solver, spec, x)
        answer.standby = round(solver.objective_value)
    return answer


def standby_cost(spec: Spec, starts: dict[int, int]) -> int:
    """The stage-2 cost of a schedule (see the module docstring)."""
    busy: dict[tuple[int, int], list[int]] = {}  # (person, session) -> busy slots
    cost = 0
    for p, t in spec.locked_busy:
        busy.setdefault((p, spec.session_of[t]), []).append(t)
    for i, s in starts.items():
        for t in range(s, s + spec.length[i]):
            for p in spec.people[i]:
                busy.setdefault((p, spec.session_of[t]), []).append(t)
                mask = spec.preferred.get(p)
                if mask and not mask >> t & 1:
                    cost += PREFERENCE_COST
    for (p, _), slots in busy.items():
        available = spec.available[p] if spec.available else -1
        taken = set(slots)
        for t in range(min(slots) + 1, max(slots)):
            if t not in taken and available >> t & 1:
                cost += GAP_COST
    return cost


def _chosen(solver: cp_model.CpSolver, spec: Spec, x: list) -> dict[int, int]:
    return {
        i: spec.starts[i][k]
        for i, row in enumerate(x)
        for k, v in enumerate(row)
        if solver.boolean_value(v)
    }


def _standby(model: cp_model.CpModel, spec: Spec, covering: dict, hint: dict[int, int]) -> list:
    """The stage-2 cost terms: idle slots (an available slot between two busy slots of one
    session) and meetings outside a person's preferred slots. Every new variable is hinted
    from ``hint``, so that the solver starts from a complete solution."""
    hinted = set(spec.locked_busy)
    for i, s in hint.items():
        for t in range(s, s + spec.length[i]):
            hinted.update((p, t) for p in spec.people[i])
    cost = []
    by_person: dict[int, set[int]] = {}
    for p, t in covering:
        by_person.setdefault(p, set()).add(t)
    for p, t in spec.locked_busy:
        by_person.setdefault(p, set()).add(t)
    sessions: dict[int, list[int]] = {}
    for s in range(spec.n_slots):
        sessions.setdefault(spec.session_of[s], []).append(s)
    for p, slots in by_person.items():
        mask = spec.preferred.get(p)
        if mask:
            for t in slots:
                if not mask >> t & 1 and (p, t) in covering:
                    cost += [PREFERENCE_COST * v for v in covering[p, t]]
        for day in sessions.values():
            busy_slots = [t for t in day if t in slots]
            if len(busy_slots) < 2:
                continue
            lo, hi = busy_slots[0], busy_slots[-1]
            span = [t for t in day if lo <= t <= hi]
            busy = {}
            for t in span:
                if (p, t) in spec.locked_busy:
                    busy[t] = 1
                elif (p, t) in covering:
                    busy[t] = sum(covering[p, t])
                else:
                    busy[t] = 0
            mine = [t for t in span if (p, t) in hinted]
            before = {}  # before[t]: p has a meeting at or before t (in this span)
            after = {}
            previous = None
            for t in span:
                b = model.new_bool_var("")
                model.add(b >= busy[t])
                if previous is not None:
                    model.add(b >= previous)
                model.add_hint(b, bool(mine) and t >= mine[0])
                before[t] = previous = b
            previous = None
            for t in reversed(span):
                b = model.new_bool_var("")
                model.add(b >= busy[t])
                if previous is not None:
                    model.add(b >= previous)
                model.add_hint(b, bool(mine) and t <= mine[-1])
                after[t] = previous = b
            available = spec.available[p] if spec.available else -1
            for t in span[1:-1]:
                if not available >> t & 1:
                    continue
                idle = model.new_bool_var("")
                model.add(idle >= before[t] + after[t] - busy[t] - 1)
                model.add_hint(idle, bool(mine) and mine[0] < t < mine[-1] and t not in mine)
                cost.append(GAP_COST * idle)
    return cost
