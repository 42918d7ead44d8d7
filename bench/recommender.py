"""Partner recommendation benchmark: real H2020 consortia, leave-one-project-out, and latency at
100,000 generated organisations.

Run with ``make bench`` or ``python bench/recommender.py [--data DIR] [--folds 5]``.
``--write-weights`` learns the weights on the whole data set and writes them into
``src/clusterhub/partnering/recommender_weights.json`` (what the platform uses).

The task: for every project with at least 3 organisations and a known coordinator, keep the
coordinator, hide every other partner, and rank all organisations, once with the project's
topic title as text and once with no text at all (coordinator only).

No leakage, by construction:
- each query project is answered by an index rebuilt without it (``recommender.leave_out``):
  its titles are not in any organisation's text, its participations are not in the graph nor in
  the activity counts, and organisations known only through it are not candidates;
- the weights are learned by cross-validation folds over the query projects: the weights that
  answer a project were learned on a history from which its whole fold was removed (and each
  training example is itself leave-one-project-out inside that history);
- the eligibility gaps come from the Horizon Europe default rules and the coordinator alone;
- organisations are shuffled (fixed seed) so that ties never favour the order of the file.

Figures, each measured in this run: Recall@10, Recall@20 and MRR (macro-averaged over the
consortia; every hidden partner counts in the denominator, found or findable or not) of the
recommender and of the baselines: popularity, text-only (BM25), graph-only (joint projects with
the coordinator, Adamic–Adar, random walk with restart), each a single signal with ties in a
fixed arbitrary order; and, as a stronger reference, each signal with popularity breaking its
ties (a two-signal hybrid). Then the ratio of the recommender to the best single-signal
baseline (the target) and to the best hybrid, the ceiling (share of hidden partners that appear
in the history at all), and recommendation latency p50/p95 at 100,000 generated organisations.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from clusterhub.partnering import recommender as rc  # noqa: E402
from clusterhub.partnering.eligibility import HORIZON_EUROPE_DEFAULT  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cordis-h2020-sample"
N_LATENCY = int(os.environ.get("BENCH_ORGANISATIONS", 100_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 200))
KIND_OF_ACTIVITY = {
    "PRC": "company",
    "HES": "higher_education",
    "REC": "research",
    "PUB": "public_authority",
    "OTH": "other",
}
TARGET_RATIO, TARGET_P95_MS = 1.3, 100.0
# Single-signal baselines (ties in the fixed shuffled order), and the same signals with
# popularity as the tie-breaker ("hybrid" references, stronger than any single signal).
BASELINES = ("popularity", "text", "joint", "adamic_adar", "walk")
HYBRIDS = ("text_pop", "joint_pop", "adamic_adar_pop", "walk_pop")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def reference_countries() -> tuple[frozenset, frozenset, dict]:
    """Member States, associated countries and CORDIS codes, read from the reference module's
    source (importing it would need Django settings)."""
    tree = ast.parse((ROOT / "src/clusterhub/reference/data.py").read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("EU_MEMBER_STATES", "ASSOCIATED_COUNTRIES", "EU_CODE_TO_ISO"):
                value = node.value.args[0] if isinstance(node.value, ast.Call) else node.value
                found[name] = ast.literal_eval(value)
    return (
        frozenset(found["EU_MEMBER_STATES"]),
        frozenset(found["ASSOCIATED_COUNTRIES"]),
        found["EU_CODE_TO_ISO"],
    )


def load(data: Path) -> tuple[list[rc.Organisation], list[rc.Project]]:
    member_states, associated, to_iso = reference_countries()
    organisations: dict[str, rc.Organisation] = {}
    participants: dict[str, list[str]] = defaultdict(list)
    coordinator: dict[str, str] = {}
    acronym: dict[str, str] = {}
    with (data / "participations.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pic, project = row["organisationID"], row["projectID"]
            country = to_iso.get(row["country"], row["country"])
            if pic not in organisations:
                status = (
                    "member_state"
                    if country in member_states
                    else "associated"
                    if country in associated
                    else "third"
                )
                organisations[pic] = rc.Organisation(
                    id=pic,
                    name=row["shortName"] or row["name"],
                    kind=KIND_OF_ACTIVITY.get(row["activityType"], "other"),
                    is_sme=row["SME"] == "True",
                    country=country,
                    country_status=status,
                    description=row["name"] if row["shortName"] else "",
                )
            if pic not in participants[project]:
                participants[project].append(pic)
            if row["role"] == "coordinator":
                coordinator[project] = pic
            acronym[project] = row["projectAcronym"]
    projects = []
    with (data / "projects.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            pid = row["projectID"]
            projects.append(
                rc.Project(
                    id=pid,
                    participants=tuple(participants[pid]),
                    topic=row["topic_title"],
                    acronym=acronym.get(pid, row["projectAcronym"]),
                    coordinator=coordinator.get(pid),
                )
            )
    orgs = list(organisations.values())
    random.Random(2026).shuffle(orgs)  # ties must not follow the file's order
    return orgs, projects


def ranking(primary: np.ndarray, secondary: np.ndarray | None, pool: np.ndarray) -> np.ndarray:
    """Rank (0 = best) of every organisation; outside the pool: a rank past every candidate."""
    n = len(primary)
    keys = (np.arange(n),) if secondary is None else (np.arange(n), -secondary)
    order = np.lexsort((*keys, -primary, ~pool))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    rank[~pool] = n
    return rank


def metrics(rank: np.ndarray, hidden_idx: list[int], n_hidden: int) -> tuple[float, float, float]:
    ranks = rank[hidden_idx] if hidden_idx else np.array([], dtype=np.int64)
    ranks = ranks[ranks < len(rank)]
    r10 = float((ranks < 10).sum()) / n_hidden
    r20 = float((ranks < 20).sum()) / n_hidden
    mrr = 1.0 / (ranks.min() + 1) if ranks.size else 0.0
    return r10, r20, mrr


def evaluate(
    orgs: list[rc.Organisation], projects: list[rc.Project], n_folds: int
) -> tuple[dict, dict]:
    by_id = {o.id: o for o in orgs}
    queries = [
        p
        for p in projects
        if len(set(p.participants)) >= 3 and p.coordinator in set(p.participants)
    ]
    skipped = sum(1 for p in projects if len(set(p.participants)) >= 3 and p.coordinator is None)
    order = [p.id for p in queries]
    random.Random(7).shuffle(order)
    fold_of = {pid: i % n_folds for i, pid in enumerate(order)}
    results: dict[str, dict[str, list[tuple[float, float, float]]]] = {
        run: defaultdict(list) for run in ("text", "no_text")
    }
    ceiling: list[float] = []
    hidden_total = hidden_seen = 0
    learned = []
    start = time.perf_counter()
    for fold in range(n_folds):
        test = [p for p in queries if fold_of[p.id] == fold]
        train_orgs, train_projects = rc.leave_out(orgs, projects, [p.id for p in test])
        weights = rc.learn(train_orgs, train_projects)
        learned.append(weights)
        for project in test:
            case = rc.held_out(project, by_id)
            cand_orgs, history = rc.leave_out(orgs, projects, [project.id])
            rec = rc.Recommender(cand_orgs, history, weights)
            pool = np.ones(rec.n, dtype=bool)
            if case.coordinator.id in rec.index:
                pool[rec.index[case.coordinator.id]] = False
            hidden_idx = [rec.index[h] for h in case.hidden if h in rec.index]
            n_hidden = len(case.hidden)
            hidden_total += n_hidden
            hidden_seen += len(hidden_idx)
            ceiling.append(len(hidden_idx) / n_hidden)
            needs = rc.query_gaps(HORIZON_EUROPE_DEFAULT, [case.coordinator])
            activity = rec.activity
            for run, text in (("text", case.text), ("no_text", "")):
                x = rec.features(text, [case.coordinator], gaps=needs)
                mode = "text_and_members" if text else "members_only"
                score = x @ weights.vector(mode)
                out = results[run]
                out["recommender"].append(metrics(ranking(score, None, pool), hidden_idx, n_hidden))
                out["popularity"].append(
                    metrics(ranking(activity, None, pool), hidden_idx, n_hidden)
                )
                for name in ("text", "joint", "adamic_adar", "walk"):
                    if name == "text" and not text:
                        continue
                    column = x[:, rc.FEATURES.index(name)]
                    out[name].append(metrics(ranking(column, None, pool), hidden_idx, n_hidden))
                    out[f"{name}_pop"].append(
                        metrics(ranking(column, activity, pool), hidden_idx, n_hidden)
                    )
        print(
            f"  fold {fold + 1}/{n_folds}: {len(test)} queries, "
            f"{time.perf_counter() - start:.0f} s so far",
            file=sys.stderr,
        )
    figures: dict = {
        "queries": len(queries),
        "skipped_no_coordinator": skipped,
        "hidden_partners": hidden_total,
        "ceiling_recall": round(float(np.mean(ceiling)), 4),
        "ceiling_micro": round(hidden_seen / hidden_total, 4),
        "eval_seconds": round(time.perf_counter() - start, 1),
    }
    for run, out in results.items():
        table = {name: np.mean(values, axis=0) for name, values in out.items()}
        for name, (r10, r20, mrr) in table.items():
            figures[f"{run}_{name}_recall10"] = round(float(r10), 4)
            figures[f"{run}_{name}_recall20"] = round(float(r20), 4)
            figures[f"{run}_{name}_mrr"] = round(float(mrr), 4)
        for family, names in (("best_baseline", BASELINES), ("best_hybrid", HYBRIDS)):
            present = [b for b in names if b in table]
            best = max(present, key=lambda b: table[b][1])
            figures[f"{run}_{family}"] = best
            for i, metric in enumerate(("recall10", "recall20", "mrr")):
                best_value = max(table[b][i] for b in present)
                figures[f"{run}_{metric}_vs_{family}"] = round(
                    float(table["recommender"][i] / max(best_value, 1e-9)), 2
                )
        figures[f"{run}_recall20_vs_ceiling"] = round(
            float(table["recommender"][1] / figures["ceiling_recall"]), 3
        )
    mean_weights = {
        mode: {
            name: round(float(np.mean([w.modes[mode][name] for w in learned])), 3)
            for name in rc.FEATURES
        }
        for mode in ("text_and_members", "members_only")
    }
    return figures, mean_weights


# -------------------------------------------------------------------------------- latency

_WORDS = (
    "additive manufacturing polymer recycling composite textile photonics laser robotics "
    "mechatronics biotech enzyme food packaging wood aerospace automotive battery hydrogen "
    "software cybersecurity medtech implant tourism design water wastewater logistics rail "
    "maritime offshore wind solar grid storage sensor semiconductor microelectronics quantum "
    "artificial intelligence machine learning data analytics cloud edge blockchain drone "
    "satellite earth observation climate adaptation biodiversity soil agriculture "
    "aquaculture fisheries forestry circular economy bioplastics chemicals catalysis "
    "membrane coating nanomaterials graphene ceramics metal alloy steel cement construction "
    "building insulation heating cooling mobility charging electric vehicle autonomous "
    "driving health diagnostics vaccine antimicrobial genomics imaging cancer ageing "
    "nutrition dairy wine cosmetics fashion footwear furniture printing electronics smart "
    "city energy efficiency skills training digitalisation industry 4.0 twin simulation "
    "safety security defence space "
)
WORDS = _WORDS.split()
_SYLLABLES = "po ly me ris tech te ra ci mes val plast tex no va bio lu mi na sol ar tis vi ta gen"
SYLLABLES = _SYLLABLES.split()
COUNTRIES_MS = ["FR", "DE", "IT", "ES", "PL", "NL", "BE", "AT", "SE", "PT", "CZ", "RO", "GR", "DK"]
COUNTRIES_AC = ["NO", "CH", "GB", "IS", "TR"]
KINDS = ["company"] * 5 + ["research", "higher_education", "public_authority", "cluster", "other"]


def generated(n_orgs: int, seed: int = 11) -> tuple[list[rc.Organisation], list[rc.Project]]:
    """Organisations in topical communities with skewed activity, and projects that mostly draw
    their partners from one community, preferring the active ones."""
    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    n_fields = 400
    field_words = [py.sample(WORDS, 4) for _ in range(n_fields)]
    field = rng.integers(0, n_fields, n_orgs)
    propensity = rng.pareto(1.5, n_orgs) + 0.05
    countries = COUNTRIES_MS + COUNTRIES_AC
    orgs = []
    for i in range(n_orgs):
        country = py.choice(countries)
        kind = py.choice(KINDS)
        words = field_words[field[i]][:3] + py.sample(WORDS, 2)
        name = "".join(py.choice(SYLLABLES) for _ in range(py.randint(2, 4))).capitalize()
        orgs.append(
            rc.Organisation(
                id=i,
                name=f"{name} {i}",
                kind=kind,
                is_sme=kind == "company" and py.random() < 0.7,
                country=country,
                country_status="member_state" if country in COUNTRIES_MS else "associated",
                description=f"Works on {', '.join(words)}.",
                ecosystems=tuple(py.sample(["digital", "health", "agri-food", "energy"], 1)),
            )
        )
    members_of = [[] for _ in range(n_fields)]
    for i, f in enumerate(field):
        members_of[f].append(i)
    weight_of = [propensity[m] / propensity[m].sum() for m in map(np.array, members_of)]
    all_weights = propensity / propensity.sum()
    projects = []
    for j in range(n_orgs // 3):
        f = int(rng.integers(0, n_fields))
        size = int(min(3 + rng.geometric(0.15), 40))
        local = min(len(members_of[f]), int(size * 0.8))
        chosen = set(rng.choice(members_of[f], local, replace=False, p=weight_of[f]).tolist())
        chosen.update(rng.choice(n_orgs, size - local, p=all_weights).tolist())
        ordered = list(chosen)
        title = " ".join(field_words[f][:2] + py.sample(WORDS, 3))
        projects.append(
            rc.Project(
                id=j,
                participants=tuple(ordered),
                title=title,
                acronym=f"P{j}",
                year=2014 + j % 10,
                coordinator=ordered[0],
            )
        )
    return orgs, projects


def latency(weights: rc.Weights) -> dict:
    orgs, projects = generated(N_LATENCY)
    start = time.perf_counter()
    rec = rc.Recommender(orgs, projects, weights)
    build_s = time.perf_counter() - start
    rng = random.Random(5)
    busy = [i for i in range(len(orgs)) if rec.activity[i] > 0]
    times = []
    for r in range(REQUESTS + 10):
        members = rng.sample(busy, rng.randint(1, 4))
        text = " ".join(rng.sample(WORDS, rng.randint(3, 8)))
        kind = r % 3
        if kind == 1:
            text = ""
        if kind == 2:
            members = []
        member_orgs = [orgs[m] for m in members]
        needs = rc.query_gaps(HORIZON_EUROPE_DEFAULT, member_orgs) if members else None
        filters = {"kinds": ["research", "higher_education"]} if r % 5 == 0 else {}
        t0 = time.perf_counter()
        result = rec.recommend(text, members, gaps=needs, k=20, **filters)
        elapsed = (time.perf_counter() - t0) * 1000
        assert result and all(rec_.reasons for rec_ in result)
        if r >= 10:  # warm-up
            times.append(elapsed)
    return {
        "latency_organisations": len(orgs),
        "latency_projects": len(rec.projects),
        "latency_build_s": round(build_s, 1),
        "latency_p50_ms": round(statistics.median(times), 1),
        "latency_p95_ms": round(percentile(times, 95), 1),
        "latency_p95_vs_target": round(percentile(times, 95) / TARGET_P95_MS, 2),
    }


# -------------------------------------------------------------------------------- report


def report(f: dict) -> None:
    print(
        f"{f['queries']} consortia with ≥ 3 organisations and a coordinator "
        f"({f['skipped_no_coordinator']} more have no coordinator row and are skipped), "
        f"{f['hidden_partners']} hidden partners; ceiling (hidden partners present in the "
        f"history): {f['ceiling_recall']:.3f} per consortium, {f['ceiling_micro']:.3f} overall"
    )
    for run, label in (("text", "topic title + coordinator"), ("no_text", "coordinator only")):
        print(f"[{label}]{' ' * (26 - len(label))}Recall@10  Recall@20    MRR")
        for name in ("recommender", *BASELINES, *HYBRIDS):
            if f"{run}_{name}_recall20" not in f:
                continue
            shown = name.replace("_pop", " (+ popularity ties)")
            print(
                f"  {shown:<34} {f[f'{run}_{name}_recall10']:.3f}      "
                f"{f[f'{run}_{name}_recall20']:.3f}    {f[f'{run}_{name}_mrr']:.3f}"
            )
        for family, what in (
            ("best_baseline", "best single-signal baseline"),
            ("best_hybrid", "best signal + popularity hybrid"),
        ):
            print(
                f"  recommender / {what} ({f[f'{run}_{family}']}): "
                f"Recall@10 {f[f'{run}_recall10_vs_{family}']}×, "
                f"Recall@20 {f[f'{run}_recall20_vs_{family}']}×"
                + (f" (target ≥ {TARGET_RATIO}×)" if family == "best_baseline" else "")
                + f", MRR {f[f'{run}_mrr_vs_{family}']}×"
            )
        print(f"  recommender Recall@20 / ceiling: {f[f'{run}_recall20_vs_ceiling']}")
    if "latency_p95_ms" in f:
        print(
            f"latency at {f['latency_organisations']:,} organisations, "
            f"{f['latency_projects']:,} projects (index built in {f['latency_build_s']} s): "
            f"p50 {f['latency_p50_ms']} ms, p95 {f['latency_p95_ms']} ms "
            f"({f['latency_p95_vs_target']}× the {TARGET_P95_MS:.0f} ms bound)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument(
        "--write-weights",
        action="store_true",
        help="learn on the whole data set and write the packaged weights file",
    )
    args = parser.parse_args()
    orgs, projects = load(args.data)
    if args.write_weights:
        weights = rc.learn(orgs, projects)
        weights.provenance["data"] = "CORDIS H2020 sample (Source: CORDIS, European Commission)"
        weights.provenance["written_by"] = "bench/recommender.py --write-weights"
        path = ROOT / "src/clusterhub/partnering" / rc.WEIGHTS_FILE
        path.write_text(json.dumps(weights.to_dict(), indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
        for mode, values in weights.modes.items():
            print(mode, {k: round(v, 2) for k, v in values.items()})
        return
    figures, mean_weights = evaluate(orgs, projects, args.folds)
    for mode, values in mean_weights.items():
        print(f"learned weights ({mode}, mean over folds): {values}")
    if not args.skip_latency:
        figures |= latency(rc.Weights.packaged())
    report(figures)
    print(json.dumps({"bench": "recommender", "folds": args.folds} | figures))


if __name__ == "__main__":
    main()
