"""Demo consultation: Régions de France on the future of the competitiveness clusters policy
(open until 7 March 2022, its four subjects), with a few hundred generated answers and
statements, marked as generated wherever they are shown.

Facts (who consulted, the closing day, the four subjects) come from the public notice; the
questions are written for the demo and the answers are generated.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from clusterhub.consultations import services
from clusterhub.consultations.models import (
    Answer,
    Consultation,
    Question,
    Response,
    Section,
    Statement,
    StatementVote,
)
from clusterhub.registry.models import Organisation

from .base import DemoResult

PARIS = ZoneInfo("Europe/Paris")
NOTE = "The answers and statements shown are generated for the demonstration; they are not real."
SECTIONS = (
    ("Missions of the clusters", "Collaborative R&D, support to companies, support to their "
     "transformations."),
    ("Economic model", "Public and private funding of the clusters, and how."),
    ("Levels of governance", "Regional, interregional and national: who steers what."),
    ("Access to national and European funding", ""),
)  # fmt: skip
MISSIONS = [["rd", "Collaborative R&D projects"], ["support", "Support to companies"],
            ["transitions", "Ecological and digital transitions"], ["europe", "Europe and "
            "international"], ["skills", "Skills and training"]]  # fmt: skip
FUNDING_WORDS = {
    "en": ["stable public funding", "a multi-year budget", "more private resources",
           "membership fees", "project funding", "regional co-financing"],
    "fr": ["un financement public stable", "un budget pluriannuel", "plus de ressources "
           "privées", "les cotisations des adhérents", "le financement par projets",
           "le cofinancement régional"],
}  # fmt: skip
TYPES = ["sme", "sme", "large_company", "cluster", "cluster", "research", "higher_education",
         "public_authority", "association", "citizen"]  # fmt: skip
STATEMENTS = (
    "Clusters need a national label as well as regional steering.",
    "Funding should be granted for at least four years.",
    "Every cluster should have a team dedicated to Europe.",
    "Clusters should charge companies for their services.",
    "The regions alone should decide which clusters are funded.",
    "Decarbonisation should be a mission of every cluster.",
)


def ensure_consultations(refresh: bool, result: DemoResult) -> None:
    organiser = Organisation.objects.filter(slug="regions-de-france").first()
    if organiser is None or Consultation.objects.filter(slug="future-of-clusters-policy").exists():
        return
    consultation = Consultation.objects.create(
        organiser=organiser, slug="future-of-clusters-policy",
        title="The future of the competitiveness clusters policy",
        context=("Since 2020 the regions steer the competitiveness clusters policy, whose "
                 "phase 4 ends in 2022. Stakeholders are asked how the policy should change."),
        phase="closed", opens_at=datetime(2022, 1, 17, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2022, 3, 7, 23, 59, tzinfo=PARIS), timezone="Europe/Paris",
        statements=True, illustrative=NOTE,
    )  # fmt: skip
    sections = [Section.objects.create(consultation=consultation, title=t, description=d,
                                       order=i) for i, (t, d) in enumerate(SECTIONS)]  # fmt: skip
    questions = [
        Question.objects.create(consultation=consultation, section=sections[0], key="missions",
                                kind="multiple", required=True, allow_other=True, order=1,
                                label="Which missions should the clusters keep first?",
                                options=MISSIONS),
        Question.objects.create(consultation=consultation, section=sections[0], key="useful",
                                kind="scale", order=2, low=1, high=5,
                                scale_labels=["Not useful", "Very useful"],
                                label="How useful are the clusters to their members today?"),
        Question.objects.create(consultation=consultation, section=sections[1], key="model",
                                kind="long_text", order=3, max_length=2000,
                                label="How should the clusters be funded after 2022?"),
        Question.objects.create(consultation=consultation, section=sections[2], key="level",
                                kind="single", order=4, required=True, allow_other=True,
                                label="Who should steer the policy?",
                                options=[["regions", "The regions"], ["state", "The State"],
                                         ["both", "The regions and the State together"]]),
        Question.objects.create(consultation=consultation, section=sections[3], key="europe",
                                kind="ranking", order=5,
                                label="Rank what would most help access to funding",
                                options=[["teams", "Europe teams in the clusters"],
                                         ["network", "A national network of advisers"],
                                         ["cofunding", "Regional co-funding of proposals"]]),
    ]  # fmt: skip
    rng = np.random.default_rng(2022)
    responses, answers = [], []
    for i in range(300):
        lang = "fr" if rng.random() < 0.7 else "en"
        response = Response(
            consultation=consultation, key_hash=f"demo-{i:059d}", submitted=True,
            day=datetime(2022, 1, 17 + int(rng.integers(0, 14)), tzinfo=PARIS).date(),
            stakeholder_type=TYPES[int(rng.integers(len(TYPES)))], country="FR",
            region=str(rng.choice(["FRK", "FRL", "FRE", "FRI", "FR1", "FRJ"])),
            publication=str(rng.choice(["anonymous", "anonymous", "private"])), generated=True,
        )  # fmt: skip
        responses.append(response)
        picks = sorted({str(MISSIONS[int(x)][0]) for x in rng.integers(0, 5, 2)})
        words = FUNDING_WORDS[lang]
        first, second = rng.choice(len(words), 2, replace=False)
        text = (f"Il faut {words[first]} et {words[second]}." if lang == "fr"
                else f"We need {words[first]} and {words[second]}.")  # fmt: skip
        values = [
            (questions[0], {"choices": picks}),
            (questions[1], {"value": int(rng.integers(2, 6))}),
            (questions[2], {"text": text}),
            (questions[3], {"choice": str(rng.choice(["regions", "state", "both", "both"]))}),
            (questions[4], {"order": [str(o) for o in rng.permutation(["teams", "network",
                                                                        "cofunding"])]}),
        ]  # fmt: skip
        answers += [Answer(response=response, question=q, value=v, text=v.get("text", ""))
                    for q, v in values]  # fmt: skip
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    services.rebuild_tallies(consultation)
    result.created["consultation answers"] += len(responses)
    statements = [Statement.objects.create(consultation=consultation, text=t, generated=True)
                  for t in STATEMENTS]  # fmt: skip
    camps = rng.integers(0, 2, 120)
    leaning = {0: [1, 1, 1, -1, 1, 1], 1: [1, 1, 1, 1, -1, 1]}
    StatementVote.objects.bulk_create(
        StatementVote(statement=s, voter=f"demo-voter-{p}",
                      value=leaning[int(camps[p])][j] if rng.random() < 0.85 else 0)
        for p in range(120) for j, s in enumerate(statements) if rng.random() < 0.8
    )  # fmt: skip
