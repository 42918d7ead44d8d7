"""The pure modules: themes, campaigns, opinion groups, the questionnaire's checks."""

import subprocess
import sys

import numpy as np
import pytest

from clusterhub.consultations import campaigns, opinions, questionnaire, themes

FUNDING = ["funding", "budget", "grants", "public money", "co-financing", "resources"]
SKILLS = ["skills", "training", "jobs", "recruitment", "talent", "apprenticeships"]
DIGITAL = ["data", "software", "platforms", "cybersecurity", "artificial intelligence", "cloud"]


def planted(n=90, seed=0):
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 3
        words = [FUNDING, SKILLS, DIGITAL][label]
        a, b, c = rng.choice(len(words), 3, replace=False)
        texts.append(f"We need more {words[a]} and {words[b]}; {words[c]} matters too.")
        labels.append(label)
    return texts, labels


def test_planted_themes_are_found_with_their_terms():
    from sklearn.metrics import adjusted_rand_score

    texts, labels = planted()
    found = themes.extract(texts, max_themes=6)
    assert len(found.themes) == 3
    assert adjusted_rand_score(labels, found.labels) == pytest.approx(1.0)
    terms = {t for theme in found.themes for t in theme.terms[:4]}
    assert {"fund", "skill"} & terms or {"budget", "training"} & terms
    for theme in found.themes:
        assert len(theme.quotes) == 3 and set(theme.quotes) <= set(theme.members)


def test_pasted_variants_are_found_and_ordinary_answers_are_not():
    text = ("We ask the State to keep the competitiveness clusters policy with a stable budget "
            "for the next ten years, and to involve the regions in every decision.")  # fmt: skip
    variants = [text, text.replace("ten", "10"), text.upper(), text + " Thank you.",
                text.replace("regions", "Regions")]  # fmt: skip
    rng = np.random.default_rng(3)
    vocabulary = [f"word{i}" for i in range(300)]
    texts = [" ".join(rng.choice(vocabulary, 14)) for _ in range(60)]
    found = campaigns.find(variants + texts)
    assert len(found) == 1
    assert sorted(found[0].members) == [0, 1, 2, 3, 4]


def test_opinion_groups_and_consensus():
    votes = []
    for person in range(30):
        camp = 1 if person % 2 else -1
        votes += [(person, "divide", camp), (person, "divide2", -camp), (person, "all", 1)]
    found = opinions.groups(votes)
    assert len(set(found.groups)) == 2
    assert found.consensus == ["all"]
    assert found.divisive[0] in {"divide", "divide2"}


def test_a_median_from_counts():
    assert questionnaire.median({1: 1, 2: 0, 3: 1}) == 2.0
    assert questionnaire.median({1: 0, 2: 3, 5: 1}) == 2.0
    assert questionnaire.median({}) is None


def test_the_modules_import_no_django():
    modules = ", ".join(
        f"clusterhub.consultations.{m}"
        for m in ("themes", "campaigns", "opinions", "questionnaire")
    )
    code = f"import sys, {modules}; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
