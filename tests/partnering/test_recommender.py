"""Partner recommender: queries, reasons, filters, leave-one-out without leakage, learning."""

import os
import subprocess
import sys

import numpy as np
import pytest

from clusterhub.partnering import recommender as rc
from clusterhub.partnering.eligibility import HORIZON_EUROPE_DEFAULT, Rules
from clusterhub.partnering.recommender import (
    FEATURES,
    MODES,
    Organisation,
    Project,
    Recommender,
    Weights,
)


def org(id, kind="company", country="FR", **kw):
    status = {"NO": "associated", "US": "third"}.get(country, "member_state")
    return Organisation(id=id, name=id, kind=kind, country=country, country_status=status, **kw)


ORGS = [
    org("CIMES", "cluster", "FR", description="Cluster for plastics and composites"),
    org("Polimi", "higher_education", "IT"),
    org("Fraunhofer", "research", "DE"),
    org("Plastipolis", "cluster", "FR", description="Plastics cluster"),
    org("Acme", "company", "ES", is_sme=True, description="Software for hotels"),
    org("Borealis", "company", "AT"),
    org("TNO", "research", "NL"),
    org("SINTEF", "research", "NO"),
    org("Lonely", "company", "PT", description="Polymer recycling start-up"),
]
PROJECTS = [
    Project("p1", ("CIMES", "Polimi", "Borealis"), topic="Circular polymers recycling",
            acronym="POLYCIRC", coordinator="CIMES"),
    Project("p2", ("CIMES", "Polimi", "Plastipolis"), topic="Plastics in electronics",
            acronym="PLASTICE", coordinator="Polimi"),
    Project("p3", ("Fraunhofer", "TNO", "SINTEF"), topic="Hydrogen storage",
            acronym="H2STORE", coordinator="TNO"),
    Project("p4", ("Fraunhofer", "Borealis", "Acme"), topic="Digital twins for hotels",
            acronym="TWINHOTEL", coordinator="Fraunhofer"),
    Project("p5", ("TNO", "Fraunhofer"), topic="Offshore wind", acronym="WIND"),
]  # fmt: skip

# Hand-set weights for the behaviour tests (every signal counts a little, the graph most); the
# learned weights are tested on their own below.
WEIGHTS = Weights(
    {
        mode: {
            "text": 2.0,
            "joint": 3.0,
            "adamic_adar": 0.5,
            "walk": 1.0,
            "activity": 0.3,
            "gap_kind": 1.0,
            "gap_country": 1.0,
        }
        for mode in MODES
    }
)


@pytest.fixture(scope="module")
def recommender():
    return Recommender(ORGS, PROJECTS, WEIGHTS)


def test_a_query_needs_text_or_members(recommender):
    with pytest.raises(ValueError, match="needs a text .* or at least one member"):
        recommender.recommend()
    with pytest.raises(ValueError, match="it has neither"):
        recommender.recommend(text="   ", members=[])


def test_the_expected_partner_ranks_first_with_the_right_reasons(recommender):
    results = recommender.recommend("recycling of polymers", ["CIMES"], k=5)
    best = results[0]
    assert best.id == "Polimi"
    assert best.reasons[0] == "worked with CIMES in 2 projects (POLYCIRC, PLASTICE)"
    assert "shares topics: recycling, polymers" in best.reasons
    assert "active in 2 projects" in best.reasons
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    org_id, score, reasons = best  # a recommendation unpacks as (id, score, reasons)
    assert isinstance(score, float) and reasons


def test_partners_of_partners_are_explained(recommender):
    results = {r.id: r for r in recommender.recommend("", ["Borealis"], k=10)}
    # TNO never worked with Borealis but with Fraunhofer, who did.
    assert "worked with Fraunhofer, a past partner of your consortium" in results["TNO"].reasons


def test_text_only_query_finds_the_organisation_by_its_description(recommender):
    results = recommender.recommend("polymer recycling", k=3)
    assert "Lonely" in [r.id for r in results]
    lonely = next(r for r in results if r.id == "Lonely")
    assert lonely.reasons == ["shares topics: polymer recycling"]


def test_members_are_never_recommended_to_themselves(recommender):
    for members in (["CIMES"], ["CIMES", "Polimi"], ["Fraunhofer", "TNO", "SINTEF"]):
        ids = [r.id for r in recommender.recommend("plastics hydrogen", members, k=20)]
        assert not set(ids) & set(members)
        assert len(ids) == len(ORGS) - len(members)


def test_exclusions_are_respected(recommender):
    ids = [r.id for r in recommender.recommend("plastics", ["CIMES"], exclude=["Polimi"])]
    assert "Polimi" not in ids


def test_filters_are_respected(recommender):
    research = recommender.recommend("plastics", ["CIMES"], kinds=["research"])
    assert {r.id for r in research} == {"Fraunhofer", "TNO", "SINTEF"}
    italian = recommender.recommend("plastics", ["CIMES"], countries=["it"])
    assert [r.id for r in italian] == ["Polimi"]
    smes = recommender.recommend("hotels", ["CIMES"], kinds=["sme"])
    assert [r.id for r in smes] == ["Acme"]
    assert recommender.recommend("plastics", ["CIMES"], countries=["SE"]) == []
    with pytest.raises(ValueError, match="kinds: unknown kind 'startup'"):
        recommender.recommend("plastics", ["CIMES"], kinds=["startup"])


def test_k_must_be_positive(recommender):
    with pytest.raises(ValueError, match="k: "):
        recommender.recommend("plastics", k=0)
    assert len(recommender.recommend("plastics", k=2)) == 2


def test_gaps_steer_the_ranking_and_are_explained(recommender):
    rules = Rules(min_entities=2, min_countries=2, required_kinds=[("research", 1)])
    gaps = rc.query_gaps(rules, [ORGS[0]])  # CIMES alone, in France
    results = recommender.recommend("", ["CIMES"], gaps=gaps, kinds=["research"], k=3)
    by_id = {r.id: r for r in results}
    assert "a research organisation, which the consortium still needs" in by_id["TNO"].reasons
    assert "from the Netherlands, a country the rules still need" in by_id["TNO"].reasons
    plain = recommender.recommend("", ["CIMES"], kinds=["research"], k=3)
    assert by_id["TNO"].score > next(r.score for r in plain if r.id == "TNO")
    french = recommender.recommend("", ["CIMES"], gaps=gaps, k=10)
    plastipolis = next(r for r in french if r.id == "Plastipolis")
    assert not any("country the rules still need" in reason for reason in plastipolis.reasons)


def test_a_member_unknown_to_the_index_still_counts():
    rec = Recommender(ORGS, PROJECTS, WEIGHTS)
    newcomer = org("Newcomer", "research", "FR")
    results = rec.recommend("", [newcomer], gaps=rc.query_gaps(HORIZON_EUROPE_DEFAULT, [newcomer]))
    assert "Newcomer" not in [r.id for r in results]
    features = rec.features("", [newcomer])
    same = features[:, FEATURES.index("same_country")]
    assert same[rec.index["CIMES"]] == 1 and same[rec.index["Polimi"]] == 0


# ---------------------------------------------------------------- leave one out: no leakage


def test_leave_out_hides_the_project_title_participants_and_orphans():
    secret = Project(
        "secret",
        ("CIMES", "Fraunhofer", "Orphan"),
        topic="Zeppelin upholstery",
        acronym="ZEPP",
        coordinator="CIMES",
    )
    orgs = [*ORGS, org("Orphan", "research", "SE")]
    case = rc.held_out(secret, {o.id: o for o in orgs})
    assert case.text == "Zeppelin upholstery"
    assert case.hidden == {"Fraunhofer", "Orphan"}

    kept_orgs, history = rc.leave_out(orgs, [*PROJECTS, secret], ["secret"])
    rec = Recommender(kept_orgs, history, WEIGHTS)
    assert "secret" not in {p.id for p in rec.projects}
    # its title is in nobody's text
    assert "zeppelin" not in rec.vocabulary and "upholstery" not in rec.vocabulary
    # its participants: no joint project of CIMES and Fraunhofer, activity without it
    x = rec.features("", ["CIMES"])
    assert x[rec.index["Fraunhofer"], FEATURES.index("joint")] == 0
    assert rec.activity[rec.index["Fraunhofer"]] == 3
    # an organisation known only through it is not a candidate
    assert "Orphan" not in rec.index
    # and the index is exactly the one built on a history that never had the project
    clean = Recommender([o for o in ORGS if o.id != "Lonely"], PROJECTS, WEIGHTS)
    assert rec.index == clean.index
    for text, members in (("Zeppelin upholstery", ["CIMES"]), ("", ["CIMES"]), ("plastics", [])):
        np.testing.assert_array_equal(rec.features(text, members), clean.features(text, members))


def test_training_examples_never_see_their_own_project():
    # A project whose partners are known only through it: once it is left out, no example
    # can contain them, so its example has no positive and is skipped.
    lonely = Project("lonely", ("CIMES", "X1", "X2"), topic="Zeppelin", coordinator="CIMES")
    orgs = [*ORGS, org("X1"), org("X2")]
    examples = rc.training_examples(orgs, [*PROJECTS, lonely], simulate_kind_gaps=0.0)
    # p1, p2, p3 and p4 each keep at least one partner seen elsewhere; p5 is too small.
    for mode in MODES:
        for x, y in examples[mode]:
            assert x.shape == (len(y), len(FEATURES))
            assert y.any()
    assert len(examples["text_and_members"]) == 4


# ---------------------------------------------------------------- learning


def test_learn_weights_finds_the_informative_feature():
    rng = np.random.default_rng(0)
    examples = []
    for _ in range(30):
        x = rng.normal(size=(200, len(FEATURES))).astype(np.float32)
        y = np.zeros(200, dtype=bool)
        y[np.argsort(-x[:, 2])[:5]] = True  # the positives have the highest "joint"
        examples.append((x, y))
    weights = rc.learn_weights(examples, l2=0.1)
    assert weights["joint"] > 1.0
    assert all(abs(v) < weights["joint"] / 3 for k, v in weights.items() if k != "joint")


def test_learn_runs_on_a_history_and_gives_every_mode():
    weights = rc.learn(ORGS, PROJECTS)
    assert set(weights.modes) == set(MODES)
    for mode in MODES:
        assert set(weights.modes[mode]) == set(FEATURES)
    assert Weights.from_dict(weights.to_dict()).modes == weights.modes


def test_packaged_weights_cover_every_feature_and_mode():
    weights = Weights.packaged()
    for mode in MODES:
        assert weights.vector(mode).shape == (len(FEATURES),)
        assert set(weights.modes[mode]) == set(FEATURES)
    assert weights.provenance["method"].startswith("listwise softmax")


def test_the_packaged_model_prefers_past_partners_and_relevant_text():
    rec = Recommender(ORGS, PROJECTS)  # the packaged, learned weights
    assert rec.recommend("recycling of polymers", ["CIMES"], k=1)[0].id == "Polimi"


def test_the_algorithm_modules_import_no_django():
    code = (
        "import sys; import clusterhub.partnering.recommender, clusterhub.partnering.eligibility;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
