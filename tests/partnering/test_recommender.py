"""Partner recommender: queries, reasons, filters, the time split, learning, the shipped model."""

import os
import random
import subprocess
import sys

import numpy as np
import pytest

from clusterhub.partnering import recommender as rc
from clusterhub.partnering.eligibility import HORIZON_EUROPE_DEFAULT, Rules
from clusterhub.partnering.recommender import FEATURES, Organisation, Project, Ranker, Recommender


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
            acronym="POLYCIRC", coordinator="CIMES", year=2016, programmes=("SC5",)),
    Project("p2", ("CIMES", "Polimi", "Plastipolis"), topic="Plastics in electronics",
            acronym="PLASTICE", coordinator="Polimi", year=2015, programmes=("LEIT",)),
    Project("p3", ("Fraunhofer", "TNO", "SINTEF"), topic="Hydrogen storage",
            acronym="H2STORE", coordinator="TNO", year=2016, programmes=("SC3",)),
    Project("p4", ("Fraunhofer", "Borealis", "Acme"), topic="Digital twins for hotels",
            acronym="TWINHOTEL", coordinator="Fraunhofer", year=2014, programmes=("LEIT",)),
    Project("p5", ("TNO", "Fraunhofer"), topic="Offshore wind", acronym="WIND", year=2015),
]  # fmt: skip


@pytest.fixture(scope="module")
def recommender():
    return Recommender(ORGS, PROJECTS)  # the shipped, learned model


def test_a_query_needs_text_or_members(recommender):
    with pytest.raises(ValueError, match="needs a text .* or at least one member"):
        recommender.recommend()
    with pytest.raises(ValueError, match="it has neither"):
        recommender.recommend(text="   ", members=[])


def test_a_matching_profile_then_the_past_partner_that_matches_the_topic(recommender):
    results = recommender.recommend("recycling of polymers", ["CIMES"], k=5)
    # what an organisation says it does comes first: Lonely's profile is the request
    assert results[0].id == "Lonely"
    assert results[0].reasons == ["shares topics: recycling, polymers"]
    # then the past partner whose projects were about it
    best = results[1]
    assert best.id == "Polimi"
    assert "worked with CIMES in 2 projects (POLYCIRC, PLASTICE)" in best.reasons
    assert "shares topics: recycling, polymers" in best.reasons
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    org_id, score, reasons = best  # a recommendation unpacks as (id, score, reasons)
    assert isinstance(score, float) and reasons


def test_partners_of_partners_are_explained(recommender):
    results = {r.id: r for r in recommender.recommend("", ["Borealis"], k=10)}
    # TNO never worked with Borealis but with Fraunhofer, who did.
    assert "worked with Fraunhofer, a past partner of your consortium" in results["TNO"].reasons


def test_an_organisation_without_history_is_found_by_its_profile(recommender):
    results = recommender.recommend("polymer recycling", k=3)
    lonely = next(r for r in results if r.id == "Lonely")
    assert lonely.reasons == ["shares topics: polymer recycling"]


def test_members_are_never_recommended_and_each_organisation_appears_once(recommender):
    for members in (["CIMES"], ["CIMES", "Polimi"], ["Fraunhofer", "TNO", "SINTEF"]):
        ids = [r.id for r in recommender.recommend("plastics hydrogen", members, k=20)]
        assert not set(ids) & set(members)
        assert len(ids) == len(set(ids)) == len(ORGS) - len(members)


def test_exclusions_filters_and_k(recommender):
    ids = [r.id for r in recommender.recommend("plastics", ["CIMES"], exclude=["Polimi"])]
    assert "Polimi" not in ids
    research = recommender.recommend("plastics", ["CIMES"], kinds=["research"])
    assert {r.id for r in research} == {"Fraunhofer", "TNO", "SINTEF"}
    assert [r.id for r in recommender.recommend("plastics", ["CIMES"], countries=["it"])] == [
        "Polimi"
    ]
    assert [r.id for r in recommender.recommend("hotels", ["CIMES"], kinds=["sme"])] == ["Acme"]
    assert recommender.recommend("plastics", ["CIMES"], countries=["SE"]) == []
    with pytest.raises(ValueError, match="kinds: unknown kind 'startup'"):
        recommender.recommend("plastics", ["CIMES"], kinds=["startup"])
    with pytest.raises(ValueError, match="k: "):
        recommender.recommend("plastics", k=0)
    assert len(recommender.recommend("plastics", k=2)) == 2


def test_gap_reasons_are_true_of_the_consortium_as_it_stands(recommender):
    rules = Rules(min_entities=2, min_countries=2, required_kinds=[("research", 1)])
    gaps = rc.query_gaps(rules, [ORGS[0]])  # CIMES alone, in France
    by_id = {r.id: r for r in recommender.recommend("", ["CIMES"], gaps=gaps, k=10)}
    assert "a research organisation, which the consortium still needs" in by_id["TNO"].reasons
    assert "from the Netherlands, a country the consortium does not have yet" in (
        by_id["TNO"].reasons
    )
    # Plastipolis is French like CIMES: it adds no country, whatever the rules need.
    assert not any("country" in reason for reason in by_id["Plastipolis"].reasons)
    # "More partners" needs no particular country: nobody is said to bring one for it.
    entities_only = [g for g in gaps if g["need"] == "entities"]
    for r in recommender.recommend("", ["CIMES"], gaps=entities_only, k=10):
        assert not any("country" in reason for reason in r.reasons), r


def test_reasons_never_cite_stop_words_or_call_jargon():
    orgs = [
        org("Coord", "cluster", "FR"),
        org("Jargon", "research", "DE",
            description="RIA twin SME coordinating action for the innovation of plastics"),
    ]  # fmt: skip
    rec = Recommender(orgs, [])
    [result] = rec.recommend(
        "RIA twinning: SME coordinating and support action on the recycling of plastics",
        ["Coord"],
    )
    assert result.reasons[0] == "shares topics: plastics"
    for word in ("ria", "twin", "sme", "coordinating", "action", "innovation"):
        assert word not in rc.tokens(f"{word} {word.upper()}")


def test_text_and_ecosystem_count_before_activity():
    """A busy hospital that worked with the coordinator does not outrank a plastics recycler
    for a plastics-recycling call."""
    orgs = [
        org("Coord", "cluster", "FR", description="Plastics cluster"),
        org("Hospital", "public_authority", "DE", description="University hospital, oncology"),
        org("Recycler", "company", "BE", ecosystems=("Plastics recycling",)),
        *(org(f"Lab{i}", "research", "IT") for i in range(12)),
    ]
    projects = [
        Project(f"h{i}", ("Hospital", f"Lab{i}", "Coord" if i < 3 else f"Lab{(i + 1) % 12}"),
                topic="Cancer imaging", year=2016, coordinator="Hospital")
        for i in range(12)
    ]  # fmt: skip
    rec = Recommender(orgs, projects)
    ranked = [r.id for r in rec.recommend("Recycling of plastics packaging", ["Coord"], k=5)]
    assert ranked[0] == "Recycler"
    assert ranked.index("Recycler") < ranked.index("Hospital")


def test_a_request_for_a_kind_in_another_country_is_understood():
    orgs = [
        org("Polymeris", "cluster", "FR", ecosystems=("Plastics",)),
        org("Plastipolis", "cluster", "FR", description="Plastics cluster"),
        org("Kunststoff", "cluster", "DE", description="Kunststoff cluster for plastics"),
        org("Plastics Lab", "research", "IT", description="Plastics research"),
        org("Ferry", "cluster", "IT", description="Maritime cluster"),
        org("Recycler", "company", "BE", description="Plastics recycling"),
    ]
    rec = Recommender(orgs, [])
    ranked = [r.id for r in rec.recommend("a plastics cluster in another country", ["Polymeris"])]
    assert ranked[0] == "Kunststoff"
    assert "Plastipolis" not in ranked  # French, like the one asking
    assert ranked.index("Ferry") < ranked.index("Plastics Lab")  # a cluster was asked for
    french = [r.id for r in rec.recommend("une PME dans un autre pays", ["Polymeris"])]
    assert "Plastipolis" not in french
    assert rc.understand("des pôles de compétitivité à l'étranger")[1:] == (["cluster"], True)


def test_an_organisation_registered_twice_is_listed_once():
    twins = [*ORGS, org("Polimi-2", "higher_education", "IT")]
    twins[-1] = Organisation(**{**twins[-1].__dict__, "name": "Polimi"})
    projects = [*PROJECTS, Project("p7", ("CIMES", "Polimi-2"), year=2016)]
    names = [r.id for r in Recommender(twins, projects).recommend("", ["CIMES"], k=20)]
    assert len({"Polimi", "Polimi-2"} & set(names)) == 1


def test_organisations_without_a_name_stay_in_the_graph_but_are_never_recommended():
    orgs = [*ORGS, Organisation(id="999999999", name="", kind="research", listed=False)]
    projects = [*PROJECTS, Project("p6", ("CIMES", "999999999"), year=2016)]
    rec = Recommender(orgs, projects)
    ids = [r.id for r in rec.recommend("", ["CIMES"], k=50)]
    assert "999999999" not in ids
    assert rec.joint([rec.index["CIMES"]])[rec.index["999999999"]] == 1


def test_the_programme_counts_and_is_explained(recommender):
    results = {r.id: r for r in recommender.recommend("", ["CIMES"], programmes=["SC5"], k=10)}
    assert any("in Climate action, environment" in reason for reason in results["Borealis"].reasons)


def test_programme_parts_of_calls():
    assert rc.programme_parts_for("HORIZON-CL5-2024-D3-01") == ("SC3", "SC4")
    assert rc.programme_parts_for("H2020-SC5-2016-OneStageB") == ("SC5",)
    assert rc.programme_parts_for("HORIZON-MSCA-2023-DN-01") == ("MSCA",)
    assert rc.programme_parts_for("Horizon Europe", "Les pôles pour l'Europe") == ()


# ---------------------------------------------------------------- time split, learning


def history(n_orgs=120, n_projects=260, seed=3):
    """Communities of organisations that keep working together, over five years."""
    rng = random.Random(seed)
    orgs = [
        org(f"o{i}", rng.choice(["company", "research", "higher_education"]),
            rng.choice(["FR", "DE", "IT", "ES"]))
        for i in range(n_orgs)
    ]  # fmt: skip
    projects = []
    for j in range(n_projects):
        community = rng.randrange(8)
        pool = [f"o{i}" for i in range(n_orgs) if i % 8 == community]
        members = rng.sample(pool, rng.randint(3, 6))
        projects.append(
            Project(f"p{j}", tuple(members), year=2014 + j * 5 // n_projects,
                    coordinator=members[0], programmes=(f"SC{community % 3 + 1}",))
        )  # fmt: skip
    return orgs, projects


def test_the_split_is_in_time_and_questions_have_a_coordinator():
    orgs, projects = history()
    past, asked = rc.split(projects, 2016, (2017, 2018))
    assert max(p.year for p in past) == 2016 and min(p.year for p in asked) == 2017
    lone = Project("x", ("o1", "o2", "o3"), year=2017)  # no coordinator
    assert all(q.project.id != "x" for q in rc.questions([*asked, lone]))
    q = rc.questions(asked)[0]
    assert q.coordinator not in q.hidden and len(q.hidden) >= 2


def test_a_ranker_learned_on_the_past_finds_the_future_partners():
    orgs, projects = history()
    ranker = rc.fit(orgs, projects, index_until=2015, query_years=(2016, 2016), rounds=30)
    assert isinstance(ranker, Ranker)
    past, asked = rc.split(projects, 2016, (2017, 2018))
    active = {o for p in past for o in p.participants}
    rec = Recommender([o for o in orgs if o.id in active], past, ranker)
    found = hidden = 0
    for q in rc.questions(asked):
        if q.coordinator not in rec.index:
            continue
        top = {r.id for r in rec.recommend("", [q.coordinator], k=10)}
        found += len(top & q.hidden)
        hidden += len(q.hidden)
    # communities of 15 organisations: a top 10 from the right community finds most partners,
    # a random one would find 10 / 120 of them
    assert found / hidden > 0.4
    again = Ranker.from_string(ranker.to_string())
    x = rec.features("", ["o1"])[1]
    np.testing.assert_allclose(again.score(x), ranker.score(x))


def test_the_shipped_model_matches_the_features():
    ranker = Ranker.packaged()
    assert ranker.booster.feature_name() == list(FEATURES)
    with pytest.raises(ValueError, match="other features"):
        Ranker.from_string(ranker.to_string().replace("feature_names=walk1", "feature_names=w1"))


def test_a_member_unknown_to_the_index_still_counts():
    rec = Recommender(ORGS, PROJECTS)
    newcomer = org("Newcomer", "research", "FR")
    results = rec.recommend("", [newcomer], gaps=rc.query_gaps(HORIZON_EUROPE_DEFAULT, [newcomer]))
    assert "Newcomer" not in [r.id for r in results]
    idx, x = rec.features("", [newcomer])
    same = dict(zip(idx.tolist(), x[:, FEATURES.index("same_country")], strict=True))
    assert same[rec.index["CIMES"]] == 1 and same[rec.index["Polimi"]] == 0


def test_the_algorithm_modules_import_no_django():
    code = (
        "import sys; import clusterhub.partnering.recommender, clusterhub.partnering.eligibility;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
