"""B2B scheduler benchmark: generated brokerage events, measured against the LP bound.

Run with ``make bench`` or ``python bench/scheduler.py [--seeds 3] [--cpsat-seconds 30]
[--no-push]``. Pure computation: no database.

Instances: requests are skewed by popularity (each request goes from a uniformly drawn
participant to a Zipf-drawn one, exponent 0.8, so a few participants receive dozens of
requests), one request per pair, weights 1–5 (mutual interest, priority), and each participant
is available in a random 60–100% of the slots; one participant per four requests. Sizes:
130 requests / 7 slots / 25 tables; 1,000 / 12 / 60; 3,000 / 16 / 150; the scarce-table case
1,000 / 12 / 40; then the push case, 5,000 participants / 30,000 requests / 24 slots / 1,000
tables. Three seeds each.

Figures, each measured in this run, for every instance:
- the LP bound: the LP relaxation of the slot assignment (``scheduler.lp_bound``, the full LP
  of the module docstring, HiGHS dual simplex) and its wall time; every ratio below divides by
  it (for the push case, by the scheduler's own bound, a relaxation of the LP: never smaller);
- ours: ``scheduler.schedule`` (its own bound, LP rounding, local search, branch and bound on
  the smallest instances), weight ÷ LP bound, wall time, meetings scheduled, idle gaps;
- greedy: first fit, meetings by decreasing weight, the first slot and table that fit;
- CP-SAT: OR-Tools' CP-SAT on the same integer program, 30 s limit, 2 workers; ``*`` marks a
  result that was not proven optimal within the limit (its best solution is reported).
Every schedule is checked with ``scheduler.violations`` (the run fails on any violation).
Targets: ours ≥ 0.99 of the LP bound (≥ 0.97 in the scarce case), ≤ 3 s for 3,000 requests.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clusterhub.matchmaking import scheduler  # noqa: E402
from clusterhub.matchmaking.scheduler import Meeting, Placement, Problem  # noqa: E402

CASES = [
    # name, requests, slots, tables, participants
    ("130r", 130, 7, 25, None),
    ("1000r", 1000, 12, 60, None),
    ("3000r", 3000, 16, 150, None),
    ("scarce", 1000, 12, 40, None),
]
PUSH = ("push", 30_000, 24, 1_000, 5_000)
RATIO_TARGET = 0.99
SCARCE_TARGET = 0.97
SECONDS_TARGET = 3.0
ZIPF = 0.8


def generate(requests: int, slots: int, tables: int, seed: int, people: int | None) -> Problem:
    rng = np.random.default_rng(seed)
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
        meetings.append(Meeting(len(meetings), a, b, float(rng.integers(1, 6))))
    availability = {}
    for p in range(n):
        k = int(np.ceil(rng.uniform(0.6, 1.0) * slots))
        availability[p] = set(rng.choice(slots, size=k, replace=False).tolist())
    return Problem(meetings=meetings, n_slots=slots, tables=tables, availability=availability)


def first_fit(problem: Problem) -> dict:
    """The baseline: heaviest meeting first, into the first slot and table that fit (shared
    tables only: the generated instances have no booths and no remote meetings)."""
    every = range(problem.n_slots)
    busy: set = set()
    used = [0] * problem.n_slots
    per_slot = problem.tables_per_slot()
    labels = problem.shared_labels()
    assignment = {}
    for m in sorted(problem.meetings, key=lambda m: -m.weight):  # stable: input order on ties
        a_free = problem.availability.get(m.a, every)
        b_free = problem.availability.get(m.b, every)
        for s in every:
            free = s in a_free and s in b_free and (m.a, s) not in busy and (m.b, s) not in busy
            if free and used[s] < per_slot[s]:
                assignment[m.id] = Placement(s, labels[used[s]])
                used[s] += 1
                busy |= {(m.a, s), (m.b, s)}
                break
    return assignment


def cp_sat(problem: Problem, seconds: float) -> tuple[float, bool, float]:
    """OR-Tools CP-SAT on the integer program: (best weight, proven optimal, wall seconds)."""
    from ortools.sat.python import cp_model

    start = time.perf_counter()
    model = cp_model.CpModel()
    every = range(problem.n_slots)
    per_slot = problem.tables_per_slot()
    by_person: dict = {}
    by_slot: dict = {s: [] for s in every}
    objective = []
    for m in problem.meetings:
        a_free = problem.availability.get(m.a, every)
        b_free = problem.availability.get(m.b, every)
        xs = []
        for s in every:
            if s in a_free and s in b_free and per_slot[s] > 0:
                x = model.NewBoolVar(f"x{m.id}_{s}")
                xs.append(x)
                by_person.setdefault((m.a, s), []).append(x)
                by_person.setdefault((m.b, s), []).append(x)
                by_slot[s].append(x)
                objective.append(int(m.weight) * x)
        if len(xs) > 1:
            model.AddAtMostOne(xs)
    for xs in by_person.values():
        if len(xs) > 1:
            model.AddAtMostOne(xs)
    for s, xs in by_slot.items():
        if len(xs) > per_slot[s]:
            model.Add(sum(xs) <= per_slot[s])
    model.Maximize(sum(objective))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    weight = solver.ObjectiveValue() if found else 0.0
    return weight, status == cp_model.OPTIMAL, time.perf_counter() - start


def weight_of(problem: Problem, assignment: dict) -> float:
    by_id = {m.id: m for m in problem.meetings}
    return sum(by_id[mid].weight for mid in assignment)


def run_case(name, requests, slots, tables, people, seed, cpsat_seconds) -> dict:
    problem = generate(requests, slots, tables, seed, people)
    push = name == "push"
    figures: dict = {"case": name, "seed": seed, "requests": requests}

    start = time.perf_counter()
    ours = scheduler.schedule(problem)
    figures["ours_s"] = time.perf_counter() - start
    errors = scheduler.violations(problem, ours.assignment)
    assert not errors, errors[:5]

    if push:  # the full LP takes about a minute here: the scheduler's own bound (never lower)
        lp, figures["lp_s"] = ours.bound, ours.lp_seconds
    else:
        start = time.perf_counter()
        lp = scheduler.lp_bound(problem, full=True)
        figures["lp_s"] = time.perf_counter() - start
    figures["lp_bound"] = lp
    figures["own_bound_over_lp"] = ours.bound / lp
    figures["ours"] = ours.scheduled_weight / lp
    figures["ours_scheduled"] = ours.n_scheduled
    figures["ours_idle_gaps"] = ours.idle_gaps
    figures["ours_optimal"] = ours.optimal

    start = time.perf_counter()
    greedy = first_fit(problem)
    figures["greedy_s"] = time.perf_counter() - start
    assert not scheduler.violations(problem, greedy)
    figures["greedy"] = weight_of(problem, greedy) / lp
    figures["greedy_scheduled"] = len(greedy)

    if not push and cpsat_seconds > 0:
        weight, optimal, seconds = cp_sat(problem, cpsat_seconds)
        figures["cpsat"] = weight / lp
        figures["cpsat_optimal"] = optimal
        figures["cpsat_s"] = seconds
    return figures


def fmt(row: dict, key: str) -> str:
    value = f"{row[key]:.4f}"
    if key == "cpsat" and not row["cpsat_optimal"]:
        value += "*"
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cpsat-seconds", type=float, default=30.0)
    parser.add_argument("--no-push", action="store_true")
    args = parser.parse_args()

    rows = []
    cases = CASES + ([] if args.no_push else [PUSH])
    for name, requests, slots, tables, people in cases:
        for seed in range(args.seeds if name != "push" else 1):
            row = run_case(name, requests, slots, tables, people, seed, args.cpsat_seconds)
            rows.append(row)
            cp = f"CP-SAT {fmt(row, 'cpsat')} in {row['cpsat_s']:.1f} s; " if "cpsat" in row else ""
            print(
                f"{name:>6} seed {seed}: ours {row['ours']:.4f} of the LP bound in "
                f"{row['ours_s']:.2f} s ({row['ours_scheduled']} of {requests} meetings, "
                f"{row['ours_idle_gaps']} idle gaps{', optimal' if row['ours_optimal'] else ''})"
                f"; greedy {row['greedy']:.4f} in {row['greedy_s']:.2f} s; {cp}"
                + (
                    f"bound {row['lp_bound']:.1f} (the scheduler's own) in {row['lp_s']:.2f} s"
                    if name == "push"
                    else f"LP {row['lp_bound']:.1f} in {row['lp_s']:.2f} s"
                    f" (own bound ÷ LP {row['own_bound_over_lp']:.4f})"
                ),
                flush=True,
            )

    summary: dict = {"bench": "scheduler", "seeds": args.seeds}
    print()
    print(f"{'case':>6} | ours ÷ LP (min) | greedy ÷ LP | CP-SAT ÷ LP | ours s (max) | LP s")
    for name, *_ in cases:
        group = [r for r in rows if r["case"] == name]
        entry = {
            "ours_min": min(r["ours"] for r in group),
            "ours_mean": statistics.mean(r["ours"] for r in group),
            "greedy_mean": statistics.mean(r["greedy"] for r in group),
            "ours_s_max": max(r["ours_s"] for r in group),
            "greedy_s_max": max(r["greedy_s"] for r in group),
            "lp_s_max": max(r["lp_s"] for r in group),
            "own_bound_over_lp_max": max(r["own_bound_over_lp"] for r in group),
        }
        if "cpsat" in group[0]:
            entry["cpsat_mean"] = statistics.mean(r["cpsat"] for r in group)
            entry["cpsat_proven"] = sum(r["cpsat_optimal"] for r in group)
            entry["cpsat_s_max"] = max(r["cpsat_s"] for r in group)
        target = SCARCE_TARGET if name == "scarce" else RATIO_TARGET
        entry["ours_vs_target"] = entry["ours_min"] / target
        cp = (
            f"{entry['cpsat_mean']:.4f} ({entry['cpsat_proven']}/{len(group)} proven)"
            if "cpsat_mean" in entry
            else "—"
        )
        print(
            f"{name:>6} | {entry['ours_min']:.4f} (target {target}) | "
            f"{entry['greedy_mean']:.4f} | {cp} | {entry['ours_s_max']:.2f} | "
            f"{entry['lp_s_max']:.2f}"
        )
        for key, value in entry.items():
            summary[f"{name}_{key}"] = round(value, 4) if isinstance(value, float) else value
    seconds = summary["3000r_ours_s_max"]
    summary["3000r_seconds_vs_target"] = round(seconds / SECONDS_TARGET, 3)
    print(
        f"3,000 requests: {seconds:.2f} s at most ({seconds / SECONDS_TARGET:.2f}× the "
        f"{SECONDS_TARGET:.0f} s bound)"
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
