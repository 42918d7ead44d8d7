"""Consultations benchmark: results page, export, themes, campaigns and opinion groups.

    python bench/consultations.py [--db all|sqlite|postgresql] [--themes FILE.csv]

Figures, each measured in this run:
- 10,000 submitted answers × 30 questions (choices, multiple choices with "other", scales,
  rankings, numbers, texts): the results page through the Django test client, p50/p95 in ms
  (target p95 ≤ 200 ms) and its ratio to the bare aggregate query over the same answers
  (answers counted per question, GROUP BY) timed in the same run; the XLSX export of every
  answer (target ≤ 10 s). On SQLite and on PostgreSQL.
- Themes: 5,000 answers generated from 8 planted themes, half in French, half in English:
  seconds (target ≤ 15 s), adjusted Rand index (target ≥ 0.8) and normalised mutual
  information against the planted themes, and the number of themes the product chose.
- Campaigns: 10,000 answers of which 5% are pasted variants of a few texts (with edits):
  precision and recall of the answers flagged.
- Opinion groups: 2,000 participants × 300 statements (3 hidden camps, 10% of the votes
  cast each): seconds, and the adjusted Rand index of the groups against the camps.
``--themes FILE.csv`` (columns ``text,label``) runs the theme extraction on a labelled set and
prints the adjusted Rand index and normalised mutual information against the labels.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

N_ANSWERS = int(os.environ.get("BENCH_CONSULTATION_ANSWERS", 10_000))
N_QUESTIONS = 30
REQUESTS = 30
PAGE_TARGET_MS, EXPORT_TARGET_S, THEMES_TARGET_S, ARI_TARGET = 200, 10, 15, 0.8

THEMES = {
    "funding": [("funding", "financement"), ("budget", "budget"), ("grants", "subventions"),
                ("public money", "fonds publics"), ("state support", "soutien de l'État"),
                ("co-financing", "cofinancement"), ("resources", "ressources"),
                ("business model", "modèle économique")],
    "governance": [("governance", "gouvernance"), ("the regions", "les régions"),
                   ("the state", "l'État"), ("steering", "pilotage"),
                   ("coordination", "coordination"), ("decentralisation", "décentralisation"),
                   ("local authorities", "collectivités"),
                   ("shared responsibility", "responsabilité partagée")],
    "europe": [("European programmes", "programmes européens"), ("Horizon Europe",
               "Horizon Europe"), ("European projects", "projets européens"),
               ("foreign partners", "partenaires étrangers"),
               ("international cooperation", "coopération internationale"),
               ("consortia", "consortiums"), ("Brussels", "Bruxelles"),
               ("European networks", "réseaux européens")],
    "smes": [("SMEs", "PME"), ("start-ups", "start-up"), ("innovation", "innovation"),
             ("growth", "croissance"), ("companies", "entreprises"),
             ("new products", "nouveaux produits"), ("market access", "accès au marché"),
             ("industrial partners", "partenaires industriels")],
    "skills": [("skills", "compétences"), ("training", "formation"), ("jobs", "emplois"),
               ("recruitment", "recrutement"), ("talent", "talents"),
               ("apprenticeships", "apprentissage"), ("universities", "universités"),
               ("young graduates", "jeunes diplômés")],
    "digital": [("digital transformation", "transformation numérique"), ("data", "données"),
                ("artificial intelligence", "intelligence artificielle"),
                ("cybersecurity", "cybersécurité"), ("software", "logiciels"),
                ("platforms", "plateformes"), ("digital tools", "outils numériques"),
                ("connectivity", "connectivité")],
    "green": [("ecological transition", "transition écologique"), ("climate", "climat"),
              ("energy", "énergie"), ("decarbonisation", "décarbonation"),
              ("circular economy", "économie circulaire"), ("recycling", "recyclage"),
              ("sustainability", "durabilité"), ("emissions", "émissions")],
    "evaluation": [("labelling", "labellisation"), ("evaluation", "évaluation"),
                   ("indicators", "indicateurs"), ("performance", "performance"),
                   ("criteria", "critères"), ("results", "résultats"),
                   ("impact measurement", "mesure d'impact"), ("reporting", "rapports")],
}  # fmt: skip
TEMPLATES = (
    ["We need more {0} and {1}.", "The policy should focus on {0} and {1}.",
     "Clusters must improve {0} and {1}.", "{0} matters, and so does {1}.",
     "Better {0} would help, with {1}.", "Put {0} and {1} first.",
     "Too little is done on {0} and {1}.", "Members ask for {0} and {1}."],
    ["Il faut plus de {0} et de {1}.", "La politique doit porter sur {0} et {1}.",
     "Les pôles doivent améliorer {0} et {1}.", "{0} compte, tout comme {1}.",
     "De meilleurs {0} aideraient, avec {1}.", "Mettre en priorité {0} et {1}.",
     "On fait trop peu sur {0} et {1}.", "Les adhérents demandent {0} et {1}."],
)  # fmt: skip
FILLERS = (["Thank you for this consultation.", "This is our view as a cluster.",
            "We hope it will be heard."],
           ["Merci pour cette consultation.", "C'est notre avis de pôle.",
            "Nous espérons être entendus."])  # fmt: skip


def planted_answers(n: int, seed: int, french: float = 0.5, noise: float = 0.15):
    """Answers written from planted themes (each answer: one theme, two sentences, four of
    its concepts, one sometimes from another theme), in French or English."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    texts, labels = [], []
    for _ in range(n):
        theme = int(rng.integers(len(names)))
        lang = int(rng.random() < french)
        concepts = THEMES[names[theme]]
        picks = [concepts[i][lang] for i in rng.choice(len(concepts), 4, replace=False)]
        if rng.random() < noise:
            other = THEMES[names[int(rng.integers(len(names)))]]
            picks[3] = other[int(rng.integers(len(other)))][lang]
        templates = TEMPLATES[lang]
        parts = [templates[int(rng.integers(len(templates)))].format(picks[0], picks[1])]
        if rng.random() < 0.7:
            parts.append(templates[int(rng.integers(len(templates)))].format(picks[2], picks[3]))
        if rng.random() < 0.3:
            parts.append(FILLERS[lang][int(rng.integers(len(FILLERS[lang])))])
        texts.append(" ".join(parts))
        labels.append(theme)
    return texts, np.array(labels)


def bench_themes(seed: int) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from clusterhub.consultations import themes

    texts, labels = planted_answers(5000, seed)
    start = time.perf_counter()
    found = themes.extract(texts)
    seconds = time.perf_counter() - start
    return {
        "themes_answers": len(texts),
        "themes_planted": len(THEMES),
        "themes_chosen": len(found.themes),
        "themes_seconds": round(seconds, 2),
        "themes_seconds_vs_target": round(seconds / THEMES_TARGET_S, 2),
        "themes_ari": round(adjusted_rand_score(labels, found.labels), 3),
        "themes_nmi": round(normalized_mutual_info_score(labels, found.labels), 3),
    }


def themes_on_file(path: Path) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from clusterhub.consultations import themes

    rows = list(csv.DictReader(path.open(newline="", encoding="utf-8")))
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    start = time.perf_counter()
    found = themes.extract(texts)
    seconds = time.perf_counter() - start
    return {
        "file_answers": len(texts),
        "file_labels": len(set(labels)),
        "file_themes_chosen": len(found.themes),
        "file_seconds": round(seconds, 2),
        "file_ari": round(adjusted_rand_score(labels, found.labels), 3),
        "file_nmi": round(normalized_mutual_info_score(labels, found.labels), 3),
    }


def bench_campaigns(seed: int) -> dict:
    """5% of 10,000 answers are variants of 5 pasted texts: words replaced, case and
    punctuation changed, a sentence added."""
    from clusterhub.consultations import campaigns

    rng = np.random.default_rng(seed)
    ordinary, _labels = planted_answers(9500, seed + 1, noise=0.3)
    sources = [
        "We ask the State to keep the competitiveness clusters policy with a stable budget for "
        "the next ten years and to involve the regions in every decision that concerns them.",
        "Nous demandons le maintien d'un financement national des pôles de compétitivité, sans "
        "transfert complet aux régions, et une évaluation fondée sur des indicateurs simples.",
        "Clusters are the best tool to bring SMEs into European projects; the policy must give "
        "them the means to do so, with dedicated Europe teams in every cluster organisation.",
        "Les pôles doivent rester des associations d'entreprises pilotées par les industriels, "
        "avec une gouvernance légère et des moyens pour accompagner les PME vers l'Europe.",
        "Please simplify the reporting: one annual report, shared indicators for all clusters "
        "and no duplicate requests from the State and the regions.",
    ]  # fmt: skip
    pasted = []
    for _ in range(500):
        words = sources[int(rng.integers(len(sources)))].split()
        for _edit in range(int(rng.integers(0, 4))):
            filler = ["really", "vraiment", "all", "tous", "now", "enfin"]
            words[int(rng.integers(len(words)))] = str(rng.choice(filler))
        text = " ".join(words)
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        if rng.random() < 0.3:
            text += " " + str(rng.choice(["Thank you.", "Merci.", "Best regards."]))
        pasted.append(text)
    texts = ordinary + pasted
    truth = np.zeros(len(texts), dtype=bool)
    truth[len(ordinary) :] = True
    order = rng.permutation(len(texts))
    texts = [texts[i] for i in order]
    truth = truth[order]
    start = time.perf_counter()
    found = campaigns.find(texts)
    seconds = time.perf_counter() - start
    flagged = np.zeros(len(texts), dtype=bool)
    for campaign in found:
        flagged[campaign.members] = True
    true_positive = int((flagged & truth).sum())
    return {
        "campaigns_answers": len(texts),
        "campaigns_pasted": int(truth.sum()),
        "campaigns_found": len(found),
        "campaigns_precision": round(true_positive / max(int(flagged.sum()), 1), 3),
        "campaigns_recall": round(true_positive / int(truth.sum()), 3),
        "campaigns_seconds": round(seconds, 2),
    }


def bench_opinions(seed: int) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from clusterhub.consultations import opinions

    rng = np.random.default_rng(seed)
    people, statements, camps = 2000, 300, 3
    leaning = rng.choice([-1, 1], size=(camps, statements))
    leaning[:, :30] = 1  # statements every camp agrees on
    camp = rng.integers(0, camps, people)
    votes = []
    for p in range(people):
        for s in rng.choice(statements, 30, replace=False):
            value = leaning[camp[p], s] if rng.random() < 0.85 else int(rng.choice([-1, 0, 1]))
            votes.append((p, int(s), int(value)))
    start = time.perf_counter()
    found = opinions.groups(votes)
    seconds = time.perf_counter() - start
    grouped = found.groups >= 0
    order = [int(p) for p in found.participants]
    return {
        "opinions_participants": people,
        "opinions_statements": statements,
        "opinions_votes": len(votes),
        "opinions_seconds": round(seconds, 2),
        "opinions_groups": int(found.groups.max()) + 1,
        "opinions_ari": round(
            adjusted_rand_score(camp[order][grouped], found.groups[grouped]), 3
        ),  # fmt: skip
        "opinions_consensus_found": len(found.consensus),
    }


# The results page on a database ---------------------------------------------------------------


def make_answers(n: int, seed: int):
    from datetime import timedelta

    from django.utils import timezone

    from clusterhub.consultations import services
    from clusterhub.consultations.models import Answer, Consultation, Question, Response
    from clusterhub.registry.models import Organisation

    rng = np.random.default_rng(seed)
    organiser = Organisation.objects.create(legal_name="Régions de France", kind="association",
                                            slug="regions-de-france", country_id="FR")  # fmt: skip
    consultation = Consultation.objects.create(
        organiser=organiser, title="Bench consultation", slug="bench", phase="open",
        closes_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    options = [[f"o{i}", f"Option {i}"] for i in range(6)]
    kinds = ["single", "multiple", "scale", "ranking", "number", "long_text"] * 5
    questions = [
        Question.objects.create(consultation=consultation, key=f"q{i}", label=f"Question {i}",
                                kind=kind, options=options if kind in ("single", "multiple",
                                "ranking") else [], allow_other=kind == "multiple", order=i)
        for i, kind in enumerate(kinds[:N_QUESTIONS])
    ]  # fmt: skip
    types = ["sme", "large_company", "cluster", "research", "higher_education",
             "public_authority", "association", "citizen"]  # fmt: skip
    texts, _labels = planted_answers(2000, seed)
    responses = [
        Response(consultation=consultation, key_hash=f"{i:064d}", submitted=True,
                 stakeholder_type=types[int(rng.integers(len(types)))], country="FR",
                 publication=["anonymous", "named", "private"][i % 3],
                 name=f"Respondent {i}" if i % 3 == 1 else "")
        for i in range(n)
    ]  # fmt: skip
    Response.objects.bulk_create(responses, batch_size=2000)
    batch = []
    for response in responses:
        for q in questions:
            if q.kind == "single":
                value = {"choice": f"o{int(rng.integers(6))}"}
            elif q.kind == "multiple":
                value = {"choices": sorted({f"o{int(x)}" for x in rng.integers(0, 6, 2)})}
            elif q.kind == "scale":
                value = {"value": int(rng.integers(1, 6))}
            elif q.kind == "ranking":
                value = {"order": [f"o{int(x)}" for x in rng.permutation(6)]}
            elif q.kind == "number":
                value = {"value": str(int(rng.integers(0, 1000)))}
            else:
                value = {"text": texts[int(rng.integers(len(texts)))]}
            batch.append(Answer(response=response, question=q, value=value,
                                text=value.get("text", "")))  # fmt: skip
        if len(batch) >= 20_000:
            Answer.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Answer.objects.bulk_create(batch, batch_size=5000)
    services.rebuild_tallies(consultation)
    return consultation


def run_one() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from clusterhub.consultations.models import Answer

    setup_test_environment()
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from clusterhub.reference import services as reference

    reference.load_all()
    start = time.perf_counter()
    consultation = make_answers(N_ANSWERS, 7)
    built = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    url = f"/consultations/{consultation.slug}/results/"
    assert client.get(url).status_code == 200  # warm
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    bare = []
    for _ in range(5):
        reset_queries()
        start = time.perf_counter()
        list(Answer.objects.filter(question__consultation=consultation)
             .values("question_id").annotate(n=Count("id")))  # fmt: skip
        bare.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    export = client.get(f"/consultations/{consultation.slug}/answers.xlsx")
    size = sum(len(chunk) for chunk in export.streaming_content)
    export_s = time.perf_counter() - start
    p95 = statistics.quantiles(timings, n=20)[-1]
    return {
        "db": connection.vendor,
        "answers": N_ANSWERS,
        "questions": N_QUESTIONS,
        "data_seconds": round(built, 1),
        "results_p50_ms": round(statistics.median(timings), 1),
        "results_p95_ms": round(p95, 1),
        "results_p95_vs_target": round(p95 / PAGE_TARGET_MS, 3),
        "bare_aggregate_ms": round(statistics.median(bare), 1),
        "results_p95_vs_bare_aggregate": round(p95 / statistics.median(bare), 3),
        "export_xlsx_seconds": round(export_s, 2),
        "export_xlsx_vs_target": round(export_s / EXPORT_TARGET_S, 2),
        "export_xlsx_bytes": size,
    }


def on_databases(which: str) -> dict:
    figures = {}
    wanted = ["sqlite", "postgresql"] if which == "all" else [which]
    for db in wanted:
        env = dict(os.environ)
        cmd = [sys.executable, __file__, "--db", "current"]
        with tempfile.TemporaryDirectory() as var:
            if db == "sqlite":
                env.pop("DATABASE_URL", None)
                env["CLUSTERHUB_VAR_DIR"] = var
            else:
                cmd = [str(ROOT / "scripts" / "with-postgres.sh"), *cmd]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            sys.stderr.write(out.stdout[-3000:] + out.stderr[-3000:])
            raise SystemExit(f"bench/consultations.py: the {db} run failed")
        line = next(x for x in out.stdout.splitlines() if x.startswith("FIGURES "))
        found = json.loads(line.removeprefix("FIGURES "))
        print(
            f"{db}: results page for {found['answers']:,} answers × {found['questions']} "
            f"questions p50 {found['results_p50_ms']} ms, p95 {found['results_p95_ms']} ms = "
            f"{found['results_p95_vs_target']}× the {PAGE_TARGET_MS} ms target and "
            f"{found['results_p95_vs_bare_aggregate']}× the bare aggregate query "
            f"({found['bare_aggregate_ms']} ms); XLSX export {found['export_xlsx_seconds']} s = "
            f"{found['export_xlsx_vs_target']}× the {EXPORT_TARGET_S} s target"
        )
        figures |= {f"{db}_{k}": v for k, v in found.items() if k != "db"}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["all", "sqlite", "postgresql", "current", "none"],
                        default="all")  # fmt: skip
    parser.add_argument("--themes", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.db == "current":
        print("FIGURES " + json.dumps(run_one()))
        return
    if args.themes:
        figures = themes_on_file(args.themes)
        print(
            f"themes on {args.themes.name}: {figures['file_answers']} answers, "
            f"{figures['file_labels']} labels, {figures['file_themes_chosen']} themes chosen; "
            f"adjusted Rand index {figures['file_ari']}, NMI {figures['file_nmi']} "
            f"({figures['file_seconds']} s)"
        )
        print(json.dumps({"bench": "consultations"} | figures))
        return
    figures = bench_themes(args.seed)
    print(
        f"themes: {figures['themes_answers']:,} answers (EN/FR) from {figures['themes_planted']} "
        f"planted themes, {figures['themes_chosen']} chosen; adjusted Rand index "
        f"{figures['themes_ari']} (target ≥ {ARI_TARGET}), NMI {figures['themes_nmi']}; "
        f"{figures['themes_seconds']} s = {figures['themes_seconds_vs_target']}× the "
        f"{THEMES_TARGET_S} s target"
    )
    figures |= bench_campaigns(args.seed)
    print(
        f"campaigns: {figures['campaigns_pasted']} pasted variants among "
        f"{figures['campaigns_answers']:,} answers: precision {figures['campaigns_precision']}, "
        f"recall {figures['campaigns_recall']} ({figures['campaigns_seconds']} s)"
    )
    figures |= bench_opinions(args.seed)
    print(
        f"opinion groups: {figures['opinions_participants']:,} participants × "
        f"{figures['opinions_statements']} statements in {figures['opinions_seconds']} s; "
        f"{figures['opinions_groups']} groups, adjusted Rand index against the hidden camps "
        f"{figures['opinions_ari']}"
    )
    if args.db != "none":
        figures |= on_databases(args.db)
    print(json.dumps({"bench": "consultations", "seed": args.seed} | figures))


if __name__ == "__main__":
    main()
