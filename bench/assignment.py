"""Jury assignment benchmark: exact assignment against its LP bound and a greedy baseline.

    python bench/assignment.py [--seed N] [--affinity FILE.csv --k 3 [--max-load N]]

Instances (generated with topical structure: jurors and applications draw interests from 12
topics, so affinities are correlated as in real calls), each measured in one run:
- 1,000 applications × 60 jurors, k = 3, 5% random conflicts;
- conference size: 5,000 applications × 2,800 jurors, k = 3, 1% conflicts;
- the fairness floor and the randomised assignment (pairs capped at 0.5) on the first;
- calibration on 200 simulated juries with known juror offsets, spreads and noise.
Figures: time, total affinity ÷ the LP optimum (the certificate: 1.000 is proven optimal),
max − min juror load, and the greedy baseline's total ÷ the same optimum and its load spread.
``--affinity`` runs the same report on a real matrix (CSV: juror, application, affinity; a
missing pair or -1 is a conflict). The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clusterhub.calls import scoring  # noqa: E402
from clusterhub.calls.assignment import (  # noqa: E402
    assign,
    check,
    fair_assign,
    greedy,
    randomised_assign,
)

TARGET_RATIO, TARGET_SPREAD, TARGET_CONFERENCE_S = 1.0, 1, 10.0


def instance(n_jurors: int, n_applications: int, conflict_share: float, seed: int):
    rng = np.random.default_rng(seed)
    jurors = rng.dirichlet(np.full(12, 0.3), n_jurors)
    applications = rng.dirichlet(np.full(12, 0.3), n_applications)
    affinity = jurors @ applications.T
    affinity = affinity / affinity.max()
    conflicts = set(zip(*np.nonzero(rng.random(affinity.shape) < conflict_share), strict=True))
    return affinity, {(int(j), int(a)) for j, a in conflicts}


def measure(name: str, affinity, conflicts, k: int, capacities=None) -> dict:
    m, n = affinity.shape
    start = time.perf_counter()
    result = assign(affinity, k, conflicts=conflicts, capacities=capacities)
    seconds = time.perf_counter() - start
    problems = check(result.pairs, m, n, k, conflicts=conflicts, capacities=capacities)
    assert not problems, problems[:3]
    start = time.perf_counter()
    baseline = greedy(affinity, k, conflicts=conflicts, capacities=capacities)
    greedy_s = time.perf_counter() - start
    baseline_problems = check(baseline.pairs, m, n, k, conflicts=conflicts,
                              capacities=capacities)  # fmt: skip
    return {
        f"{name}_jurors": m,
        f"{name}_applications": n,
        f"{name}_k": k,
        f"{name}_seconds": round(seconds, 2),
        f"{name}_pricing_rounds": result.rounds,
        f"{name}_ratio_to_lp": round(result.ratio, 6),
        f"{name}_load_spread": int(result.loads.max() - result.loads.min()),
        f"{name}_greedy_ratio_to_lp": round(baseline.total / result.bound, 4),
        f"{name}_greedy_load_spread": int(baseline.loads.max() - baseline.loads.min()),
        f"{name}_greedy_breaks_rules": len(baseline_problems),
        f"{name}_greedy_seconds": round(greedy_s, 2),
    }


def fairness(name: str, affinity, conflicts, k: int, capacities=None, cap: float = 0.5) -> dict:
    """The floor: the worst application's affinity ÷ the max-min LP optimum, and what the
    floor costs in total affinity; the randomised assignment with every pair at most
    ``cap`` likely: its expected total ÷ the deterministic optimum."""
    start = time.perf_counter()
    fair = fair_assign(affinity, k, conflicts=conflicts, capacities=capacities)
    seconds = time.perf_counter() - start
    m, n = affinity.shape
    assert not check(fair.result.pairs, m, n, k, conflicts=conflicts, capacities=capacities)
    plain_floor = float(
        np.bincount([a for _j, a in fair.unconstrained.pairs], minlength=n,
                    weights=[affinity[j, a] for j, a in fair.unconstrained.pairs]).min()
    )  # fmt: skip
    start = time.perf_counter()
    drawn = randomised_assign(affinity, k, cap, conflicts=conflicts, capacities=capacities,
                              seed=1)  # fmt: skip
    random_s = time.perf_counter() - start
    assert not check(drawn.result.pairs, m, n, k, conflicts=conflicts, capacities=capacities)
    return {
        f"{name}_floor_seconds": round(seconds, 2),
        f"{name}_floor_ratio_to_maxmin_lp": round(fair.floor_ratio, 6),
        f"{name}_floor_without_it_ratio_to_maxmin_lp": round(plain_floor / fair.floor_bound, 4),
        f"{name}_floor_cost_in_total": round(fair.cost, 6),
        f"{name}_pair_cap": cap,
        f"{name}_capped_max_probability": round(float(drawn.probabilities.max()), 6),
        f"{name}_capped_expected_ratio_to_optimum": round(
            drawn.expected / fair.unconstrained.total, 4
        ),
        f"{name}_capped_seconds": round(random_s, 2),
    }


def calibration(trials: int, seed: int) -> dict:
    """Simulated juries: 60 applications of known quality, 15 jurors each with an offset and
    noise, 3 reviews per application; the share of the true top 3 found in the top 3 of raw
    means, of z-scores and of the least-squares juror-bias model."""
    rng = np.random.default_rng(seed)
    found = {"raw": 0, "z": 0, "bias_model": 0}
    told_apart = 0
    for _ in range(trials):
        quality = rng.normal(60, 10, 60)
        offset = rng.normal(0, 10, 15)
        spread = rng.uniform(0.6, 1.4, 15)
        pairs = assign(rng.random((15, 60)), 3).pairs  # a balanced, random jury
        reviews = [
            scoring.Review(j, a, float(np.clip(
                60 + spread[j] * (quality[a] - 60) + offset[j] + rng.normal(0, 4), 0, 100)))
            for j, a in pairs
        ]  # fmt: skip
        truth = set(np.argsort(-quality)[:3].tolist())
        for method, scores in (
            ("raw", scoring.raw_means(reviews)),
            ("z", scoring.z_scores(reviews)),
            ("bias_model", scoring.juror_bias(reviews).quality),
        ):
            best = sorted(scores, key=lambda a: -scores[a])[:3]
            found[method] += len(truth & set(best))
        told_apart += scoring.rank_intervals(reviews, top=3, resamples=200).separable
    return {
        "calibration_trials": trials,
        "calibration_top3_raw": round(found["raw"] / (3 * trials), 3),
        "calibration_top3_z_scores": round(found["z"] / (3 * trials), 3),
        "calibration_top3_bias_model": round(found["bias_model"] / (3 * trials), 3),
        "calibration_top3_told_apart_share": round(told_apart / trials, 3),
    }


def read_affinity(path: Path):
    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    jurors = sorted({r["juror"] for r in rows})
    applications = sorted({r["application"] for r in rows})
    j_index = {j: i for i, j in enumerate(jurors)}
    a_index = {a: i for i, a in enumerate(applications)}
    affinity = np.full((len(jurors), len(applications)), np.nan)
    for r in rows:
        value = float(r["affinity"])
        if value >= 0:
            affinity[j_index[r["juror"]], a_index[r["application"]]] = value
    return affinity


def report(f: dict, names) -> None:
    for name in names:
        print(
            f"{name}: {f[f'{name}_applications']:,} applications × {f[f'{name}_jurors']:,} "
            f"jurors, k = {f[f'{name}_k']}: {f[f'{name}_seconds']} s "
            f"({f[f'{name}_pricing_rounds']} pricing rounds); total ÷ LP optimum "
            f"{f[f'{name}_ratio_to_lp']} (target {TARGET_RATIO}); load spread "
            f"{f[f'{name}_load_spread']} (target ≤ {TARGET_SPREAD}); greedy: "
            f"{f[f'{name}_greedy_ratio_to_lp']} of the optimum, load spread "
            f"{f[f'{name}_greedy_load_spread']}, {f[f'{name}_greedy_breaks_rules']} broken rules"
        )
    for name in [name for name in names if f"{name}_floor_seconds" in f]:
        print(
            f"{name}, fairness floor: the worst application has "
            f"{f[f'{name}_floor_ratio_to_maxmin_lp']} of the max-min LP optimum "
            f"(without the floor {f[f'{name}_floor_without_it_ratio_to_maxmin_lp']}); it costs "
            f"{f[f'{name}_floor_cost_in_total']:.2%} of the total ({f[f'{name}_floor_seconds']} s)"
        )
        print(
            f"{name}, randomised with every pair at most {f[f'{name}_pair_cap']} likely: "
            f"highest pair probability {f[f'{name}_capped_max_probability']}, expected total "
            f"{f[f'{name}_capped_expected_ratio_to_optimum']} of the optimum"
        )
    if "calibration_trials" in f:
        print(
            f"calibration ({f['calibration_trials']} simulated juries): true top 3 found by raw "
            f"means {f['calibration_top3_raw']:.1%}, z-scores {f['calibration_top3_z_scores']:.1%}"
            f", juror-bias model {f['calibration_top3_bias_model']:.1%}; top 3 told apart in "
            f"{f['calibration_top3_told_apart_share']:.0%} of the juries"
        )
    if "conference_seconds" in f:
        print(
            f"conference size: {f['conference_seconds']} s = "
            f"{round(f['conference_seconds'] / TARGET_CONFERENCE_S, 2)}× the "
            f"{TARGET_CONFERENCE_S:.0f} s bound"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--affinity", type=Path)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--max-load", type=int)
    args = parser.parse_args()
    if args.affinity:
        affinity = read_affinity(args.affinity)
        capacities = [args.max_load] * affinity.shape[0] if args.max_load else None
        figures = measure("file", affinity, set(), args.k, capacities)
        figures |= fairness("file", affinity, set(), args.k, capacities)
        names = ["file"]
    else:
        call = instance(60, 1000, 0.05, args.seed)
        figures = measure("call", *call, 3)
        figures |= fairness("call", *call, 3)
        figures |= calibration(200, args.seed)
        figures |= measure("conference", *instance(2800, 5000, 0.01, args.seed + 1), 3)
        names = ["call", "conference"]
    report(figures, names)
    print(json.dumps({"bench": "assignment", "seed": args.seed} | figures))


if __name__ == "__main__":
    main()
