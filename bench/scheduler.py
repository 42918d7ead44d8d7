"""B2B scheduler benchmark: generated brokerage events, measured against the optimum or a bound.

Run with ``make bench`` or ``python bench/scheduler.py [--seeds 3] [--cpsat-seconds 20]
[--no-push] [--only FAMILY]``. Pure computation: no database.

Families (every instance is generated from its seed; nothing is tuned to one of them):
- ``random-*``: requests skewed by popularity (each request goes from a uniformly drawn
  participant to a Zipf-drawn one, exponent 0.8, so a few receive dozens), one request per
  pair, whole weights 1–5, each participant available in a random 60–100% of the slots, one
  participant per four requests: 60 requests / 6 slots / 12 tables; 130 / 7 / 25;
  1,000 / 12 / 60; 3,000 / 16 / 150;
- ``scarce-*``: the same with few tables (300 / 8 / 10 and 1,000 / 12 / 40);
- ``locked-*``: 10% of the meetings locked by the organisers in random places that fit
  (200 / 8 / 20 and 1,000 / 12 / 60);
- ``weighted``: 1,000 / 12 / 60 with real weights (log-normal, e.g. similarity scores);
- ``regular-*``: n companies and n research groups, each company requests k groups (a
  k-regular bipartite graph, shuffled), k slots, n tables: by König's theorem every meeting
  fits, so the optimum n·k is known by construction (25×9, 100×12, 180×16);
- ``brokerage``: what real brokerage events add: 10 slots in two sessions, 15% double-length
  meetings, 10% with a colleague joining (groups of three), at most 6 meetings per person and
  4 per session, a third of the people prefer the first session, and people of one
  organisation (three per organisation) never meet each other;
- ``push``: 5,000 participants / 30,000 requests / 24 slots / 1,000 tables (one seed).

Figures, each measured in this run, for every instance:
- ours: ``scheduler.schedule`` (weight, wall time, idle gaps);
- the reference: the optimum where it is known (by construction, or proven by CP-SAT or by
  the scheduler itself), else the smallest valid bound (the LP relaxation, the scheduler's
  own bound, CP-SAT's bound); ``ours`` is the scheduler's weight ÷ the reference;
- the LP bound (``scheduler.lp_bound``, full LP; the scheduler's own bound for the push case);
- greedy: first fit, heaviest meeting first (pairs of one slot only);
- CP-SAT: an independent integer model of the same problem (this file), 2 workers,
  ``--cpsat-seconds`` limit; on instances of at most 300 requests it then looks for the
  fewest idle gaps at the optimal weight (three times that limit): when it proves the
  minimum, that is the reference for ours (``gaps_vs_min``); otherwise its best and its
  lower bound are printed;
- brokerage: the scheduler's own exact engine with two workers and the same limit (the only
  reference for groups, long meetings and limits).
Every schedule is checked with ``scheduler.violations`` (the run fails on any violation).
Targets: ours ≥ 0.995 of the reference on every instance; ≤ 2 s up to 3,000 requests, ≤ 60 s
for the push case; idle gaps ≤ 1.5× the exact minimum where it is known.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clusterhub.matchmaking import exact, scheduler  # noqa: E402
from clusterhub.matchmaking.scheduler import Meeting, Placement, Problem  # noqa: E402

RATIO_TARGET = 0.995
SECONDS_TARGET = 2.0  # up to 3,000 requests
PUSH_SECONDS_TARGET = 60.0
GAPS_TARGET = 1.5
GAP_REFERENCE_MAX = 300  # requests: the exact fewest idle gaps is computed up to this size
ZIPF = 0.8


# Generators -------------------------------------------------------------------------------------


def random_problem(rng, requests, slots, tables, people=None, weights="whole") -> Problem:
    n = people or max(8, requests // 4)
    popularity = 1.0 / np.arange(1, n + 1) ** ZIPF
    cumulative = np.cumsum(popularity / popularity.sum())
    famous = rng.permutation(n)  # who is popular is random
    pairs: set[tuple[int, int]] = set()
    meetings = []
    while len(meetings) < requests:
        a = int(rng.integers(n))
        b = int(famous[min(n - 1, int(np.searchsorted(cumulative, rng.random())))])
        if a == b or (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        w = float(rng.integers(1, 6)) if weights == "whole" else float(rng.lognormal(0, 1))
        meetings.append(Meeting(len(meetings), a, b, w))
    availability = {}
    for p in range(n):
        k = int(np.ceil(rng.uniform(0.6, 1.0) * slots))
        availability[p] = set(rng.choice(slots, size=k, replace=False).tolist())
    return Problem(meetings=meetings, n_slots=slots, tables=tables, availability=availability)


def with_locks(rng, problem: Problem, share: float) -> Problem:
    """Lock a share of the meetings in random places that fit (availability, tables, people)."""
    busy: set = set()
    used = [0] * problem.n_slots
    locked = {}
    order = rng.permutation(len(problem.meetings))
    for k in order[: int(share * len(problem.meetings))]:
        m = problem.meetings[int(k)]
        free = [
            s
            for s in sorted(set(problem.availability[m.a]) & set(problem.availability[m.b]))
            if (m.a, s) not in busy and (m.b, s) not in busy and used[s] < problem.tables
        ]
        if free:
            s = int(free[int(rng.integers(len(free)))])
            locked[m.id] = Placement(s, str(used[s] + 1))
            used[s] += 1
            busy |= {(m.a, s), (m.b, s)}
    return Problem(
        meetings=problem.meetings,
        n_slots=problem.n_slots,
        tables=problem.tables,
        availability=problem.availability,
        locked=locked,
        table_labels=[str(t + 1) for t in range(problem.tables)],
    )


def regular_problem(rng, n: int, k: int) -> Problem:
    shifts = rng.choice(n, size=k, replace=False)
    left, right = rng.permutation(n), rng.permutation(n)
    edges = [(int(left[i]), int(right[(i + sh) % n])) for sh in shifts for i in range(n)]
    order = rng.permutation(len(edges))
    meetings = [
        Meeting(j, f"c{edges[o][0]}", f"r{edges[o][1]}") for j, o in enumerate(order.tolist())
    ]
    return Problem(meetings=meetings, n_slots=k, tables=n)


def brokerage_problem(rng) -> Problem:
    base = random_problem(rng, 400, 10, 30)
    people = sorted({p for m in base.meetings for p in (m.a, m.b)})
    organisations = {p: p // 3 for p in people}
    meetings = []
    for m in base.meetings:
        others = ()
        if rng.random() < 0.10:
            colleague = 3 * (m.a // 3) + (m.a + 1) % 3  # someone of a's organisation
            if colleague in organisations and colleague not in (m.a, m.b):
                others = (colleague,)
        length = 2 if rng.random() < 0.15 else 1
        meetings.append(Meeting(m.id, m.a, m.b, m.weight, others=others, length=length))
    return Problem(
        meetings=meetings,
        n_slots=10,
        tables=30,
        availability=base.availability,
        sessions=["morning"] * 5 + ["afternoon"] * 5,
        max_meetings=dict.fromkeys(people, 6),
        max_per_session=4,
        preferred={p: range(5) for p in people if p % 3 == 0},
        organisations=organisations,
    )


def family(name: str, seed: int) -> tuple[Problem, float | None]:
    """The instance and its optimum when known by construction."""
    rng = np.random.default_rng(seed)
    if name.startswith("regular-"):
        n, k = (int(x) for x in name.removeprefix("regular-").split("x"))
        return regular_problem(rng, n, k), float(n * k)
    sizes = {
        "random-60": (60, 6, 12),
        "random-130": (130, 7, 25),
        "random-1000": (1000, 12, 60),
        "random-3000": (3000, 16, 150),
        "scarce-300": (300, 8, 10),
        "scarce-1000": (1000, 12, 40),
        "locked-200": (200, 8, 20),
        "locked-1000": (1000, 12, 60),
        "weighted": (1000, 12, 60),
    }
    if name == "brokerage":
        return brokerage_problem(rng), None
    if name == "push":
        return random_problem(rng, 30_000, 24, 1_000, people=5_000), None
    requests, slots, tables = sizes[name]
    problem = random_problem(
        rng, requests, slots, tables, weights="real" if name == "weighted" else "whole"
    )
    if name.startswith("locked-"):
        problem = with_locks(rng, problem, 0.10)
    return problem, None


FAMILIES = [
    "random-60",
    "random-130",
    "random-1000",
    "random-3000",
    "scarce-300",
    "scarce-1000",
    "locked-200",
    "locked-1000",
    "weighted",
    "regular-25x9",
    "regular-100x12",
    "regular-180x16",
    "brokerage",
]


# Baselines --------------------------------------------------------------------------------------


def first_fit(problem: Problem) -> dict:
    """Heaviest meeting first, into the first slot and table that fit (pairs, one slot)."""
    every = range(problem.n_slots)
    busy: set = set()
    labels = problem.shared_labels()
    for mid, place in problem.locked.items():
        m = next(x for x in problem.meetings if x.id == mid)
        busy |= {(m.a, place.slot), (m.b, place.slot)}
    taken = {(p.slot, p.table) for p in problem.locked.values()}
    assignment = dict(problem.locked)
    for m in sorted(problem.meetings, key=lambda m: -m.weight):  # stable: input order on ties
        if m.id in problem.locked:
            continue
        a_free = problem.availability.get(m.a, every)
        b_free = problem.availability.get(m.b, every)
        for s in every:
            free = s in a_free and s in b_free and (m.a, s) not in busy and (m.b, s) not in busy
            table = next(
                (t for t in labels[: problem.tables_per_slot()[s]] if (s, t) not in taken), None
            )
            if free and table is not None:
                assignment[m.id] = Placement(s, table)
                taken.add((s, table))
                busy |= {(m.a, s), (m.b, s)}
                break
    return assignment


def cp_sat(problem: Problem, seconds: float, gaps: bool) -> dict:
    """An independent CP-SAT model of the pairs-of-one-slot problem (locks, tables,
    availability): the best weight, whether it is proven, its bound; with ``gaps``, then the
    fewest idle gaps at that weight (proven or not)."""
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    model = cp_model.CpModel()
    every = range(problem.n_slots)
    cap = problem.tables_per_slot()
    scale = 1 if all(float(m.weight).is_integer() for m in problem.meetings) else 1000
    by_person: dict = {}
    by_slot: dict = {s: [] for s in every}
    objective = []
    locked_weight = 0.0
    for mid, place in problem.locked.items():
        m = next(x for x in problem.meetings if x.id == mid)
        locked_weight += m.weight
        cap[place.slot] -= 1
        by_person.setdefault((m.a, place.slot), []).append(1)
        by_person.setdefault((m.b, place.slot), []).append(1)
    for m in problem.meetings:
        if m.id in problem.locked:
            continue
        a_free = problem.availability.get(m.a, every)
        b_free = problem.availability.get(m.b, every)
        xs = []
        for s in every:
            if s in a_free and s in b_free and cap[s] > 0:
                x = model.new_bool_var("")
                xs.append(x)
                by_person.setdefault((m.a, s), []).append(x)
                by_person.setdefault((m.b, s), []).append(x)
                by_slot[s].append(x)
                objective.append(round(m.weight * scale) * x)
        if len(xs) > 1:
            model.add_at_most_one(xs)
    for xs in by_person.values():
        if len(xs) > 1:
            model.add(sum(xs) <= 1)
    for s, xs in by_slot.items():
        if len(xs) > cap[s]:
            model.add(sum(xs) <= cap[s])
    model.maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    out = {  # real weights are rounded to thousandths: then neither optimum nor bound
        "weight": solver.objective_value / scale + locked_weight,
        "bound": solver.best_objective_bound / scale + locked_weight,
        "optimal": status == cp_model.OPTIMAL,
        "exact": scale == 1,
    }
    if gaps and status == cp_model.OPTIMAL:
        model.add(sum(objective) >= round(solver.objective_value))
        idle = []
        people = {p for p, _ in by_person}
        for p in people:
            avail = problem.availability.get(p, every)
            busy = [sum(by_person.get((p, s), [0])) for s in every]
            seen = model.new_bool_var("")  # seen[s]: a meeting at or before s
            model.add(seen >= busy[0])
            before = [seen]
            for s in every[1:]:
                b = model.new_bool_var("")
                model.add(b >= before[-1])
                model.add(b >= busy[s])
                before.append(b)
            after = [None] * problem.n_slots
            for s in reversed(every):
                b = model.new_bool_var("")
                model.add(b >= busy[s])
                if s + 1 < problem.n_slots:
                    model.add(b >= after[s + 1])
                after[s] = b
            for s in every:
                if s in avail:
                    g = model.new_bool_var("")
                    model.add(g >= before[s] + after[s] - busy[s] - 1)
                    idle.append(g)
        model.minimize(sum(idle))
        solver.parameters.max_time_in_seconds = 3 * seconds
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            out["fewest_gaps_found"] = round(solver.objective_value)
            out["fewest_gaps_bound"] = math.ceil(solver.best_objective_bound - 1e-6)
        if status == cp_model.OPTIMAL:
            out["min_gaps"] = round(solver.objective_value)
    out["seconds"] = time.perf_counter() - start
    return out


def weight_of(problem: Problem, assignment: dict) -> float:
    by_id = {m.id: m for m in problem.meetings}
    return sum(by_id[mid].weight for mid in assignment)


# The run ----------------------------------------------------------------------------------------


def run(name: str, seed: int, cpsat_seconds: float) -> dict:
    problem, known = family(name, seed)
    classic = problem.is_classic()
    row: dict = {"family": name, "seed": seed, "requests": len(problem.meetings)}
    start = time.perf_counter()
    ours = scheduler.schedule(problem)
    row["ours_s"] = time.perf_counter() - start
    errors = scheduler.violations(problem, ours.assignment)
    assert not errors, errors[:5]
    row["ours_weight"] = ours.scheduled_weight
    row["ours_bound"] = ours.bound
    row["ours_proven"] = ours.optimal
    row["ours_gaps"] = ours.idle_gaps
    row["scheduled"] = ours.n_scheduled
    bounds = [ours.bound]
    optimum = known
    if ours.optimal:
        optimum = ours.scheduled_weight if optimum is None else optimum
    if name == "push":
        row["lp_bound"] = ours.bound
        row["lp_s"] = ours.lp_seconds
    elif classic and known is None:  # (the regular families' optimum is known already)
        start = time.perf_counter()
        row["lp_bound"] = scheduler.lp_bound(problem, full=True)
        row["lp_s"] = time.perf_counter() - start
        bounds.append(row["lp_bound"])
    if classic and name != "push":
        greedy = first_fit(problem)
        assert not scheduler.violations(problem, greedy)
        row["greedy_weight"] = weight_of(problem, greedy)
        if cpsat_seconds > 0:
            ref = cp_sat(problem, cpsat_seconds, gaps=len(problem.meetings) <= GAP_REFERENCE_MAX)
            row["cpsat_weight"], row["cpsat_proven"] = ref["weight"], ref["optimal"]
            row["cpsat_s"] = ref["seconds"]
            if ref["exact"]:
                bounds.append(ref["bound"])
                if ref["optimal"] and optimum is None:
                    optimum = ref["weight"]
            for key in ("min_gaps", "fewest_gaps_found", "fewest_gaps_bound"):
                if key in ref:
                    row[key] = ref[key]
    if not classic and cpsat_seconds > 0:  # the exact engine with time and two workers
        free = [m for m in problem.meetings if m.id not in problem.locked]
        kept = [m for m in free if not problem.same_organisation(m)]
        people: dict = {}
        for m in problem.meetings:
            for p in m.people:
                people.setdefault(p, len(people))
        spec, mult, _scale = scheduler._spec(problem, kept, people)
        index = {m.id: i for i, m in enumerate(kept)}
        hint = {index[mid]: place.slot for mid, place in ours.assignment.items() if mid in index}
        start = time.perf_counter()
        ref = exact.solve(spec, hint, work=10_000, seconds=cpsat_seconds, workers=2)
        row["cpsat_s"] = time.perf_counter() - start
        row["cpsat_weight"] = ref.value // mult
        row["cpsat_proven"] = ref.optimal
        bounds.append(float(ref.bound // mult))
        if ref.optimal and optimum is None:
            optimum = float(ref.value // mult)
    if optimum is not None:
        assert ours.scheduled_weight <= optimum + 1e-6, "more than the optimum: a bug"
        assert all(b >= optimum - 1e-6 for b in bounds), "a bound below the optimum: a bug"
    row["optimum"] = optimum
    row["reference"] = optimum if optimum is not None else min(bounds)
    row["ours"] = ours.scheduled_weight / row["reference"] if row["reference"] else 1.0
    if "greedy_weight" in row:
        row["greedy"] = row["greedy_weight"] / row["reference"]
    if "cpsat_weight" in row:
        row["cpsat"] = row["cpsat_weight"] / row["reference"]
    if "min_gaps" in row:
        m = row["min_gaps"]
        row["gaps_vs_min"] = (
            (row["ours_gaps"] / m) if m else (1.0 if row["ours_gaps"] == 0 else math.inf)
        )
    return row


def line(row: dict) -> str:
    parts = [
        f"{row['family']:>15} seed {row['seed']}: ours {row['ours']:.4f} of the "
        + ("optimum" if row["optimum"] is not None else "bound")
        + f" in {row['ours_s']:.2f} s ({row['scheduled']} of {row['requests']} meetings, "
        f"{row['ours_gaps']} idle gaps"
        + (f", fewest possible {row['min_gaps']}" if "min_gaps" in row else "")
        + (
            f", CP-SAT's best {row['fewest_gaps_found']} (at least {row['fewest_gaps_bound']})"
            if "fewest_gaps_found" in row and "min_gaps" not in row
            else ""
        )
        + ")"
    ]
    if "greedy" in row:
        parts.append(f"greedy {row['greedy']:.4f}")
    if "cpsat" in row:
        star = "" if row["cpsat_proven"] else "*"
        parts.append(f"CP-SAT {row['cpsat']:.4f}{star} in {row['cpsat_s']:.1f} s")
    if "lp_bound" in row:
        parts.append(f"LP bound {row['lp_bound']:.1f} in {row['lp_s']:.2f} s")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cpsat-seconds", type=float, default=20.0)
    parser.add_argument("--no-push", action="store_true")
    parser.add_argument("--only", action="append", help="run only this family (repeatable)")
    args = parser.parse_args()

    names = args.only or FAMILIES + ([] if args.no_push else ["push"])
    rows = []
    for name in names:
        for seed in range(1 if name == "push" else args.seeds):
            row = run(name, seed, args.cpsat_seconds)
            rows.append(row)
            print(line(row), flush=True)

    summary: dict = {"bench": "scheduler", "seeds": args.seeds}
    print()
    print(f"{'family':>15} | ours ÷ reference (min) | greedy | ours s (max) | gaps ÷ fewest (max)")
    for name in names:
        group = [r for r in rows if r["family"] == name]
        entry = {
            "ours_min": min(r["ours"] for r in group),
            "ours_mean": statistics.mean(r["ours"] for r in group),
            "ours_s_max": max(r["ours_s"] for r in group),
            "proven": sum(r["optimum"] is not None for r in group),
            "gaps_mean": statistics.mean(r["ours_gaps"] for r in group),
        }
        if "greedy" in group[0]:
            entry["greedy_mean"] = statistics.mean(r["greedy"] for r in group)
        if all("gaps_vs_min" in r for r in group):
            entry["gaps_vs_min_max"] = max(r["gaps_vs_min"] for r in group)
        print(
            f"{name:>15} | {entry['ours_min']:.4f} ({entry['proven']}/{len(group)} vs optimum) | "
            f"{entry.get('greedy_mean', math.nan):.4f} | {entry['ours_s_max']:.2f} | "
            f"{entry.get('gaps_vs_min_max', math.nan):.2f}"
        )
        for key, value in entry.items():
            summary[f"{name}_{key}"] = round(value, 4) if isinstance(value, float) else value
    worst = min(r["ours"] for r in rows)
    small = [r["ours_s"] for r in rows if r["requests"] <= 3000]
    summary["ours_min_vs_target"] = round(worst / RATIO_TARGET, 4)
    if small:
        summary["seconds_up_to_3000_max"] = round(max(small), 3)
        summary["seconds_vs_target"] = round(max(small) / SECONDS_TARGET, 3)
    push = [r for r in rows if r["family"] == "push"]
    if push:
        summary["push_seconds_vs_target"] = round(push[0]["ours_s"] / PUSH_SECONDS_TARGET, 3)
    gaps = [r["gaps_vs_min"] for r in rows if "gaps_vs_min" in r]
    if gaps:
        summary["gaps_vs_min_max"] = max(gaps) if math.isfinite(max(gaps)) else "inf"
        summary["gaps_vs_target"] = (
            round(max(gaps) / GAPS_TARGET, 3) if math.isfinite(max(gaps)) else "inf"
        )
    print(
        f"worst ratio {worst:.4f} (target {RATIO_TARGET}); up to 3,000 requests at most "
        f"{max(small, default=0):.2f} s (target {SECONDS_TARGET:.0f} s)"
        + (f"; push {push[0]['ours_s']:.1f} s (target {PUSH_SECONDS_TARGET:.0f} s)" if push else "")
        + (
            f"; idle gaps at most {max(gaps):.2f}× the fewest (target {GAPS_TARGET})"
            if gaps
            else ""
        )
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
