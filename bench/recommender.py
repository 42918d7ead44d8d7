"""Partner recommendation benchmark, in time order: the index holds what started up to a year,
the questions are the consortia that started after it.

    python bench/recommender.py [--data FILE] [--index-until YEAR] [--queries YEAR[-YEAR]] [--fit]

``--data``: a participations file in the format of ``../shared/data/cordis-h2020-network``
(project, role, pic, kind, country, start_year, end_year, programme_parts; ``.csv`` or
``.csv.gz``), with ``organisations-*.csv.gz`` beside it when there is one; or the folder of the
CORDIS sample (``participations.csv`` + ``projects.csv``, whose call topics give a year and a
text). Defaults: the shared network, index up to 2016, questions 2017–2018.

The shipped ranker (``src/clusterhub/partnering/recommender_model.txt``) is used as it is: it
was learned on an earlier split (index up to 2015, questions 2016) and never saw the
questions. ``--fit`` refits it in this run on the split just before ``--index-until`` (index
up to YEAR − 1, questions YEAR), never on the questions; ``--write-model`` also writes it as the
shipped model.

Each question: the coordinator of a consortium of at least 3 organisations; the other partners
are hidden. Modes: coordinator only; + the call's programme parts; + the call topic's text
(where the data has one). Baselines, in the same run and on the same questions: popularity
(most projects; in the programme mode, most projects in the programme), Adamic–Adar with the
coordinator's direct partners first, and a random walk of three steps from the coordinator
(organisation → project → organisation, three times; popularity breaks ties). Recall@K counts
every hidden partner in the denominator, including those the history never saw: the ceiling
is the share of hidden partners the index knows. Partners new to the programme are then
ranked from their profile (kind, country, name) among every organisation known in the
registry: their recall is printed apart.

Last, latency at 30,000 organisations (p50/p95 of full recommendations with reasons) and the
time to build the index. The last line is one JSON object with every figure.

Source of the data: CORDIS, European Commission (CC BY 4.0).
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import json
import random
import re
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

NETWORK = (
    ROOT.parent / "shared" / "data" / "cordis-h2020-network" / "participations-2014-2018.csv.gz"
)
SAMPLE = ROOT.parent / "shared" / "data" / "cordis-h2020-sample"
KIND_OF_ACTIVITY = {
    "PRC": "company",
    "HES": "higher_education",
    "REC": "research",
    "PUB": "public_authority",
    "OTH": "other",
}
KS = (10, 20, 50)
TARGETS = {"programme": 1.25, "coordinator": 1.0, "text": 1.0}  # × the random walk's Recall@20
TARGET_P95_MS, TARGET_BUILD_S, LATENCY_ORGS = 50.0, 10.0, 30_000


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


def _open(path: Path):
    return (
        gzip.open(path, "rt", encoding="utf-8", newline="")
        if path.suffix == ".gz"
        else (path.open(newline="", encoding="utf-8"))
    )


class Data:
    """Organisations (with every one the registry would know, history or not) and projects."""

    def __init__(self, path: Path) -> None:
        member_states, associated, self.to_iso = reference_countries()

        def status(country: str) -> str:
            if country in member_states:
                return "member_state"
            return "associated" if country in associated else "third"

        self.status = status
        self.orgs: dict[str, rc.Organisation] = {}
        self.projects: list[rc.Project] = []
        self.has_text = False
        if path.is_dir():
            self._load_sample(path)
        else:
            self._load_network(path)

    def _org(self, pic: str, name: str, kind: str, country: str, sme: bool = False) -> None:
        if pic in self.orgs:
            return
        country = self.to_iso.get(country, country)
        self.orgs[pic] = rc.Organisation(
            id=pic,
            name=name or pic,
            kind=KIND_OF_ACTIVITY.get(kind, "other"),
            is_sme=sme,
            country=country,
            country_status=self.status(country),
        )

    def _load_network(self, path: Path) -> None:
        names: dict[str, str] = {}
        for extra in sorted(path.parent.glob("organisations-*.csv*")):
            import ftfy

            with _open(extra) as f:
                for row in csv.DictReader(f):
                    names[row["pic"]] = ftfy.fix_text(row["short_name"] or row["name"])
        rows: dict[str, dict] = {}
        with _open(path) as f:
            for row in csv.DictReader(f):
                pic, project = row["pic"], row["project"]
                self._org(pic, names.get(pic, ""), row["kind"], row["country"])
                entry = rows.setdefault(
                    project,
                    {
                        "participants": [],
                        "year": int(row["start_year"]),
                        "end": int(row["end_year"]) if row["end_year"].isdigit() else None,
                        "coordinator": None,
                        "programmes": rc_programmes(row["programme_parts"]),
                    },
                )
                if pic not in entry["participants"]:
                    entry["participants"].append(pic)
                if row["role"] == "coordinator" and entry["coordinator"] is None:
                    entry["coordinator"] = pic
        self.projects = [
            rc.Project(
                id=pid,
                participants=tuple(e["participants"]),
                acronym=pid,
                year=e["year"],
                end_year=e["end"],
                coordinator=e["coordinator"],
                programmes=e["programmes"],
            )
            for pid, e in rows.items()
        ]

    def _load_sample(self, folder: Path) -> None:
        participants: dict[str, list[str]] = defaultdict(list)
        coordinator: dict[str, str] = {}
        with (folder / "participations.csv").open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                pic, project = row["organisationID"], row["projectID"]
                self._org(
                    pic, row["shortName"] or row["name"], row["activityType"], row["country"],
                    row["SME"] == "True",
                )  # fmt: skip
                if pic not in participants[project]:
                    participants[project].append(pic)
                if row["role"] == "coordinator":
                    coordinator[project] = pic
        with (folder / "projects.csv").open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                years = [int(y) for y in re.findall(r"20[12]\d", row["topic"])]
                pid = row["projectID"]
                self.projects.append(
                    rc.Project(
                        id=pid,
                        participants=tuple(participants[pid]),
                        topic=row["topic_title"],
                        acronym=row["projectAcronym"],
                        year=min(years) if years else None,
                        coordinator=coordinator.get(pid),
                        programmes=rc.programme_parts_for(row["topic"]),
                    )
                )
        self.has_text = True


def rc_programmes(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


# -------------------------------------------------------------------------------- evaluation


def ranks_of(
    score: np.ndarray, ties: np.ndarray, pool: np.ndarray, wanted: np.ndarray
) -> np.ndarray:
    """0-based ranks of ``wanted`` among ``pool`` by score, then ``ties``, then index."""
    n = len(score)
    order = np.lexsort((np.arange(n), -ties, -score, ~pool))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    rank[~pool] = n
    return rank[wanted]


def metrics(ranks: np.ndarray, n_hidden: int) -> list[float]:
    ranks = ranks[ranks < 10**9]
    out = [float((ranks < k).sum()) / n_hidden for k in KS]
    out.append(1.0 / (ranks.min() + 1) if ranks.size else 0.0)
    return out


NAMES = ("recommender", "popularity", "adamic_adar", "walk")


def evaluate(data: Data, index_until: int, years: tuple[int, int], ranker: rc.Ranker) -> dict:
    history, asked = rc.split(data.projects, index_until, years)
    active = {o for p in history for o in p.participants}
    orgs = [o for o in data.orgs.values() if o.id in active]
    random.Random(2026).shuffle(orgs)  # ties never follow the order of the file
    start = time.perf_counter()
    rec = rc.Recommender(orgs, history, ranker, reference_year=index_until)
    build_s = time.perf_counter() - start
    modes = ["coordinator", "programme"] + (["text"] if data.has_text else [])
    if not any(p.programmes for p in data.projects):
        modes.remove("programme")
    results: dict[str, dict[str, list]] = {m: defaultdict(list) for m in modes}
    ceiling, questions = [], rc.questions(asked)
    n = rec.n
    pool_all = np.ones(n, dtype=bool)
    start = time.perf_counter()
    for question in questions:
        hidden_known = np.array(
            [rec.index[h] for h in question.hidden if h in rec.index], dtype=np.int64
        )
        n_hidden = len(question.hidden)
        ceiling.append(len(hidden_known) / n_hidden)
        coordinator = rec.index.get(question.coordinator)
        pool = pool_all.copy()
        members = [] if coordinator is None else [coordinator]
        if coordinator is not None:
            pool[coordinator] = False
        steps = rec.walk(members, 3)
        joint = rec.joint(members)
        aa = rec.adamic_adar(members, joint) if members else joint
        for mode in modes:
            out = results[mode]
            idx, score, _ = rc.ask(rec, question, mode, profiles=data.orgs, with_scores=True)
            full = np.full(n, -np.inf)
            full[idx] = score
            inside = np.zeros(n, dtype=bool)
            inside[idx] = True
            ranks = ranks_of(full, np.zeros(n), inside, hidden_known)
            ranks[~inside[hidden_known]] = 10**9
            out["recommender"].append(metrics(ranks, n_hidden))
            out["known"].append(coordinator is not None)
            popular = rec.activity
            if mode != "coordinator" and question.project.programmes:
                parts = [
                    rec._programme_index[p]
                    for p in question.project.programmes
                    if p in rec._programme_index
                ]
                popular = rec.programme_activity(parts) + rec.activity / (rec.activity.max() + 1)
            out["popularity"].append(
                metrics(ranks_of(popular, rec.activity, pool, hidden_known), n_hidden)
            )
            direct_first = (joint > 0) * (aa.max() + 1.0) + aa
            out["adamic_adar"].append(
                metrics(ranks_of(direct_first, rec.activity, pool, hidden_known), n_hidden)
            )
            out["walk"].append(
                metrics(ranks_of(steps[2], rec.activity, pool, hidden_known), n_hidden)
            )
    eval_s = time.perf_counter() - start
    figures: dict = {
        "index_until": index_until,
        "queries_years": f"{years[0]}-{years[1]}",
        "organisations": n,
        "history_projects": len(rec.projects),
        "queries": len(questions),
        "hidden_partners": int(sum(len(q.hidden) for q in questions)),
        "ceiling_recall": round(float(np.mean(ceiling)), 4) if ceiling else 0.0,
        "index_build_s": round(build_s, 2),
        "eval_s": round(eval_s, 1),
    }
    for mode, out in results.items():
        table = {name: np.mean(out[name], axis=0) for name in NAMES}
        known = np.array(out["known"])
        for name in NAMES:
            for label, mask in (("known", known), ("unknown", ~known)):
                if mask.any():
                    values = np.array(out[name])[mask].mean(axis=0)
                    figures[f"{mode}_{name}_recall20_coordinator_{label}"] = round(
                        float(values[1]), 4
                    )
        figures[f"{mode}_coordinators_known"] = int(known.sum())
        for name, values in table.items():
            for label, value in zip((*(f"recall{k}" for k in KS), "mrr"), values, strict=True):
                figures[f"{mode}_{name}_{label}"] = round(float(value), 4)
        best = max(NAMES[1:], key=lambda b: table[b][1])
        figures[f"{mode}_best_baseline"] = best
        figures[f"{mode}_recall20_vs_walk"] = round(
            float(table["recommender"][1] / max(table["walk"][1], 1e-9)), 3
        )
        figures[f"{mode}_recall20_vs_best_baseline"] = round(
            float(table["recommender"][1] / max(table[best][1], 1e-9)), 3
        )
        figures[f"{mode}_mrr_vs_best_baseline"] = round(
            float(table["recommender"][3] / max(max(table[b][3] for b in NAMES[1:]), 1e-9)), 3
        )
        figures[f"{mode}_recall20_vs_ceiling"] = round(
            float(table["recommender"][1] / max(figures["ceiling_recall"], 1e-9)), 3
        )
    figures |= cold_start(data, rec, questions, modes)
    return figures


def cold_start(data: Data, rec: rc.Recommender, questions: list, modes: list[str]) -> dict:
    """Partners new to the programme (no project in the index), ranked from their profile among
    every organisation the registry knows (the index plus the profiles without history)."""
    newcomers = [o for o in data.orgs.values() if o.id not in rec.index and o.name != o.id]
    if not newcomers:
        return {}
    everyone = rc.Recommender([*rec.organisations, *newcomers], rec.projects, rec.ranker,
                              reference_year=rec.reference_year)  # fmt: skip
    found: dict[str, list[float]] = defaultdict(list)
    new_total = 0
    for question in questions:
        new = [h for h in question.hidden if h not in rec.index and h in everyone.index]
        if not new:
            continue
        new_total += len(new)
        for mode in modes:
            idx, score, _ = rc.ask(everyone, question, mode, profiles=data.orgs, with_scores=True)
            top = set(idx[np.argsort(-score, kind="stable")[:20]].tolist())
            found[mode].append(sum(everyone.index[h] in top for h in new) / len(new))
    out = {"cold_newcomers_in_registry": len(newcomers), "cold_new_partners": new_total}
    for mode, values in found.items():
        out[f"cold_{mode}_new_partner_recall20"] = round(float(np.mean(values)), 4)
    return out


# -------------------------------------------------------------------------------- latency


def latency(data: Data, ranker: rc.Ranker, n_orgs: int = LATENCY_ORGS) -> dict:
    """Recommendations with reasons on an index of ``n_orgs`` organisations: the most active
    ones of the data with all their history (profiles without history fill up when the data
    has fewer)."""
    active = defaultdict(int)
    for p in data.projects:
        for o in p.participants:
            active[o] += 1
    chosen = sorted(data.orgs, key=lambda o: (-active[o], o))[:n_orgs]
    orgs = [data.orgs[o] for o in chosen]
    pad = n_orgs - len(orgs)
    orgs += [
        rc.Organisation(
            id=f"profile-{i}",
            name=f"Profile {i}",
            kind=rc.KINDS[i % 5],
            country=("FR", "DE", "IT", "ES", "PL")[i % 5],
            country_status="member_state",
            description="plastics recycling composites" if i % 7 == 0 else "software",
        )
        for i in range(max(pad, 0))
    ]
    start = time.perf_counter()
    rec = rc.Recommender(orgs, data.projects, ranker)
    build_s = time.perf_counter() - start
    rng = random.Random(5)
    busy = [o.id for o in orgs if rec.activity[rec.index[o.id]] > 0]
    parts = rec.programmes or [""]
    times = []
    for r in range(210):
        members = rng.sample(busy, rng.randint(1, 3))
        text = rng.choice(["", "", "recycling of plastics and composites", "hydrogen storage"])
        programmes = [rng.choice(parts)] if r % 2 else []
        gaps = rc.query_gaps(HORIZON_EUROPE_DEFAULT, [rec.organisations[rec.index[members[0]]]])
        t0 = time.perf_counter()
        result = rec.recommend(text, members, programmes=programmes, gaps=gaps, k=20)
        elapsed = (time.perf_counter() - t0) * 1000
        assert result and all(item.reasons for item in result)
        if r >= 10:
            times.append(elapsed)
    return {
        "latency_organisations": rec.n,
        "latency_projects": len(rec.projects),
        "latency_build_s": round(build_s, 2),
        "latency_build_vs_target": round(build_s / TARGET_BUILD_S, 2),
        "latency_p50_ms": round(statistics.median(times), 1),
        "latency_p95_ms": round(percentile(times, 95), 1),
        "latency_p95_vs_target": round(percentile(times, 95) / TARGET_P95_MS, 2),
    }


# -------------------------------------------------------------------------------- report


def report(f: dict) -> None:
    print(
        f"index: what started up to {f['index_until']} ({f['organisations']:,} organisations, "
        f"{f['history_projects']:,} projects, built in {f['index_build_s']} s); questions: "
        f"{f['queries']:,} consortia started {f['queries_years']}, {f['hidden_partners']:,} "
        f"hidden partners; cold-start ceiling (hidden partners the index knows): "
        f"{f['ceiling_recall']:.3f}"
    )
    labels = {
        "coordinator": "coordinator only",
        "programme": "coordinator + programme",
        "text": "coordinator + programme + topic text",
    }
    for mode, label in labels.items():
        if f"{mode}_recommender_recall20" not in f:
            continue
        print(f"[{label}]{' ' * max(1, 38 - len(label))}R@10    R@20    R@50    MRR")
        for name in NAMES:
            cells = "  ".join(
                f"{f[f'{mode}_{name}_{m}']:.3f}"
                for m in ("recall10", "recall20", "recall50", "mrr")
            )
            print(f"  {name:<38} {cells}")
        target = TARGETS[mode]
        print(
            f"  recommender R@20 / walk: {f[f'{mode}_recall20_vs_walk']}× (target ≥ {target}×); "
            f"/ best baseline ({f[f'{mode}_best_baseline']}): "
            f"{f[f'{mode}_recall20_vs_best_baseline']}× (target ≥ 1.0×); MRR / best baseline: "
            f"{f[f'{mode}_mrr_vs_best_baseline']}×; R@20 / ceiling: "
            f"{f[f'{mode}_recall20_vs_ceiling']}"
        )
    if "cold_new_partners" in f:
        cells = ", ".join(
            f"{mode} {f[f'cold_{mode}_new_partner_recall20']:.3f}"
            for mode in labels
            if f"cold_{mode}_new_partner_recall20" in f
        )
        print(
            f"partners new to the programme ({f['cold_new_partners']:,}), ranked from their "
            f"profile among {f['cold_newcomers_in_registry']:,} more organisations: R@20 {cells}"
        )
    if "latency_p95_ms" in f:
        print(
            f"latency at {f['latency_organisations']:,} organisations, "
            f"{f['latency_projects']:,} projects: index built in {f['latency_build_s']} s "
            f"({f['latency_build_vs_target']}× the {TARGET_BUILD_S:.0f} s bound); p50 "
            f"{f['latency_p50_ms']} ms, p95 {f['latency_p95_ms']} ms "
            f"({f['latency_p95_vs_target']}× the {TARGET_P95_MS:.0f} ms bound)"
        )


def years_arg(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=NETWORK)
    parser.add_argument("--index-until", type=int)
    parser.add_argument("--queries", type=years_arg)
    parser.add_argument("--fit", action="store_true", help="refit on the split before the index")
    parser.add_argument("--write-model", action="store_true", help="with --fit: ship the model")
    parser.add_argument(
        "--texts",
        type=Path,
        default=SAMPLE if SAMPLE.is_dir() else None,
        help="with --fit: a history with call texts to learn the text features from, split "
        "before the same year (default: the CORDIS sample)",
    )
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    data = Data(args.data)
    years = sorted({p.year for p in data.projects if p.year})
    if not years:
        sys.exit(f"{args.data}: no project has a start year; a split in time needs them")
    index_until = args.index_until or (2016 if 2016 in years else years[len(years) * 2 // 3])
    query_years = args.queries or (index_until + 1, max(years))
    fitted = {}
    if not args.fit:
        ranker = rc.Ranker.packaged()
    else:
        start = time.perf_counter()
        also = []
        if args.texts and args.texts.resolve() != args.data.resolve():
            texts = Data(args.texts)
            text_years = sorted({p.year for p in texts.projects if p.year})
            text_until = min(index_until, text_years[len(text_years) * 2 // 3]) - 1
            also.append(
                (list(texts.orgs.values()), texts.projects, text_until, (text_until + 1,) * 2)
            )
            print(f"  with the call texts of {args.texts.name} (index ≤ {text_until})")
        ranker = rc.fit(
            list(data.orgs.values()),
            data.projects,
            index_until=index_until - 1,
            query_years=(index_until, index_until),
            also=also,
        )
        fitted = {"fit_s": round(time.perf_counter() - start, 1)}
        print(
            f"ranker refitted (index ≤ {index_until - 1}, questions {index_until}) "
            f"in {fitted['fit_s']} s"
        )
        if args.write_model:
            path = ROOT / "src/clusterhub/partnering" / rc.MODEL_FILE
            path.write_text(ranker.to_string())
            print(f"wrote {path.relative_to(ROOT)}")
    figures = evaluate(data, index_until, query_years, ranker) | fitted
    if not args.skip_latency:
        figures |= latency(data, ranker)
    report(figures)
    print(json.dumps({"bench": "recommender", "data": args.data.name, "fit": args.fit} | figures))


if __name__ == "__main__":
    main()
