"""Eligibility rules, one by one, then the Horizon Europe default and its edge cases."""

import json

import pytest

from clusterhub.partnering.eligibility import (
    ESCP_LIKE_EXAMPLE,
    HORIZON_EUROPE_DEFAULT,
    Member,
    RequiredKind,
    Rules,
    RulesError,
    check,
    gaps,
    newly_broken,
)

STATUS = {
    "FR": "member_state",
    "IT": "member_state",
    "DE": "member_state",
    "ES": "member_state",
    "NO": "associated",
    "CH": "associated",
    "US": "third",
    "CN": "third",
}


def member(name, country, **kw):
    return Member(name=name, country=country, country_status=STATUS[country], **kw)


def coordinator(name="CIMES", country="FR", **kw):
    return member(name, country, role="coordinator", **kw)


def rules_failed(verdict):
    return [p.rule for p in verdict.problems]


# ---------------------------------------------------------------- Horizon Europe default


def test_horizon_europe_three_member_states_is_eligible():
    members = [coordinator(), member("Polimi", "IT"), member("Fraunhofer", "DE")]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert verdict.eligible
    assert verdict.problems == []
    assert verdict.counts["independent_entities"] == 3
    assert verdict.counts["countries"] == ["DE", "FR", "IT"]


def test_horizon_europe_one_member_state_and_two_associated_is_eligible():
    members = [coordinator(), member("SINTEF", "NO"), member("ETH", "CH")]
    assert check(HORIZON_EUROPE_DEFAULT, members).eligible


def test_horizon_europe_no_member_state_is_not_eligible():
    members = [
        coordinator("SINTEF", "NO"),
        member("ETH", "CH"),
        member("Acme", "US"),
        member("Beta", "CN"),
    ]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert "min_from_member_states" in rules_failed(verdict)
    problem = next(p for p in verdict.problems if p.rule == "min_from_member_states")
    assert "EU Member State" in problem.message
    assert "CH, NO" in problem.message
    assert problem.fix == "add 1 partner established in an EU Member State"


def test_same_country_partners_explained_with_numbers_and_countries():
    members = [coordinator(), member("Polimi", "IT"), member("Plastipolis", "FR")]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert rules_failed(verdict) == ["min_countries"]
    (problem,) = verdict.problems
    assert problem.message == (
        "3 independent entities are needed from 3 different Member States or associated "
        "countries; you have 3 entities from 2 countries (FR, IT)."
    )
    assert problem.fix == (
        "add a partner from another Member State or associated country (not FR or IT)"
    )


def test_third_country_partner_takes_part_but_does_not_count():
    members = [coordinator(), member("Polimi", "IT"), member("Acme", "US")]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert set(rules_failed(verdict)) == {"min_entities", "min_countries"}
    assert verdict.counts["members"] == 3
    assert verdict.counts["counted"] == 2
    assert any("Acme (US)" in note and "doesn't count" in note for note in verdict.notes)


def test_affiliated_entities_and_associated_partners_do_not_count_in_horizon_europe():
    members = [
        coordinator(),
        member("Polimi", "IT"),
        member("Fraunhofer IPA", "DE", role="affiliated_entity"),
        member("Siemens", "DE", role="associated_partner"),
    ]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert verdict.counts["independent_entities"] == 2
    assert any("affiliated entities" in n for n in verdict.notes)
    assert any("associated partners" in n for n in verdict.notes)


def test_affiliated_entities_count_when_the_call_says_so():
    rules = Rules(min_entities=3, min_countries=3, affiliated_count=True)
    members = [
        coordinator(),
        member("Polimi", "IT"),
        member("Fraunhofer IPA", "DE", role="affiliated_entity"),
    ]
    assert check(rules, members).eligible


def test_linked_entities_count_as_one():
    members = [
        coordinator(),
        member("Acme France", "FR", group="acme"),
        member("Acme Italia", "IT", group="acme"),
    ]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert verdict.counts["independent_entities"] == 2
    assert "min_entities" in rules_failed(verdict)
    assert any("linked entities" in n for n in verdict.notes)


def test_linked_entities_spread_over_countries_are_not_counted_twice():
    # Three independent entities and three countries, but B and C are only in France: no
    # way to put three independent entities in three different countries.
    members = [
        member("A-fr", "FR", group="a", role="coordinator"),
        member("A-de", "DE", group="a"),
        member("A-it", "IT", group="a"),
        member("B", "FR"),
        member("C", "FR"),
    ]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert verdict.counts["independent_entities"] == 3
    assert len(verdict.counts["countries"]) == 3
    assert verdict.counts["entities_in_distinct_countries"] == 2
    problem = next(p for p in verdict.problems if p.rule == "min_countries")
    assert "only 2 can count for different countries" in problem.message


def test_a_partner_leaving_breaks_eligibility_and_is_reported():
    members = [coordinator(), member("Polimi", "IT"), member("Fraunhofer", "DE")]
    before = check(HORIZON_EUROPE_DEFAULT, members)
    assert before.eligible
    members[2] = member("Fraunhofer", "DE", status="left")
    after = check(HORIZON_EUROPE_DEFAULT, members)
    assert not after.eligible
    broken = newly_broken(before, after)
    assert {p.rule for p in broken} == {"min_entities", "min_countries"}
    assert any("Fraunhofer left" in n for n in after.notes)


def test_declined_members_do_not_count():
    members = [coordinator(), member("Polimi", "IT"), member("TU Delft", "DE", status="declined")]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert not verdict.projected.eligible


def test_invited_members_count_only_in_the_projected_verdict():
    members = [
        coordinator(),
        member("Polimi", "IT", status="interested"),
        member("Fraunhofer", "DE", status="invited"),
    ]
    verdict = check(HORIZON_EUROPE_DEFAULT, members)
    assert not verdict.eligible
    assert verdict.projected.eligible
    assert verdict.projected.statuses == ("confirmed", "interested", "invited")
    assert any("has not confirmed" in n for n in verdict.notes)


# ---------------------------------------------------------------- rules one by one


def test_min_entities():
    rules = Rules(min_entities=4, min_countries=0)
    verdict = check(rules, [coordinator(), member("B", "FR"), member("C", "FR")])
    assert rules_failed(verdict) == ["min_entities"]
    assert verdict.problems[0].message.startswith("4 independent legal entities")
    assert "you have 3 entities" in verdict.problems[0].message
    assert verdict.problems[0].fix.startswith("add 1 more independent partner")


def test_eligible_countries_member_states_only():
    rules = Rules(min_entities=2, min_countries=2, eligible_countries="member_states")
    verdict = check(rules, [coordinator(), member("SINTEF", "NO")])
    assert set(rules_failed(verdict)) == {"min_entities", "min_countries"}
    assert "Member States" in verdict.problems[0].message
    assert "associated" not in verdict.problems[0].message


def test_eligible_countries_explicit_list():
    rules = Rules(min_entities=2, min_countries=2, eligible_countries=["FR", "IT", "CH"])
    assert check(rules, [coordinator(), member("ETH", "CH")]).eligible
    verdict = check(rules, [coordinator(), member("Fraunhofer", "DE")])
    assert not verdict.eligible
    assert "eligible countries (FR, IT, CH)" in verdict.problems[0].message


def test_required_kinds():
    rules = Rules(
        required_kinds=[("cluster", 2), {"kind": "sme", "min": 1}, ("research", 1)],
    )
    members = [
        coordinator(kind="cluster"),
        member("Polimi", "IT", kind="higher_education"),
        member("Start", "DE", kind="company", is_sme=True),
    ]
    verdict = check(rules, members)
    assert rules_failed(verdict) == ["required_kinds[0]", "required_kinds[2]"]
    clusters, research = verdict.problems
    assert clusters.message == "At least 2 cluster organisations are needed; you have 1 (CIMES)."
    assert clusters.fix == "add 1 cluster organisation"
    assert research.message == "At least 1 research organisation is needed; you have 0."


def test_required_kind_with_a_list_of_kinds():
    rules = Rules(required_kinds=[{"kind": ["research", "higher_education"], "min": 1}])
    assert check(rules, [coordinator(), member("Polimi", "IT", kind="higher_education")]).eligible


def test_escp_like_example_needs_three_clusters_from_three_countries():
    members = [
        coordinator(kind="cluster"),
        member("Plastipolis", "FR", kind="cluster"),
        member("Proplast", "IT", kind="cluster"),
        member("Polimi", "IT", kind="higher_education"),
    ]
    verdict = check(ESCP_LIKE_EXAMPLE, members)
    assert rules_failed(verdict) == ["min_countries", "required_kinds[0]"]
    problem = verdict.problems[1]
    assert "3 cluster organisations from 3 different" in problem.message
    assert "you have 3 (CIMES, Plastipolis and Proplast) from 2 countries (FR, IT)" in (
        problem.message
    )
    members.append(member("Kunststoff-Cluster", "DE", kind="cluster"))
    assert check(ESCP_LIKE_EXAMPLE, members).eligible


def test_max_partners():
    rules = Rules(max_partners=3)
    members = [coordinator(), member("B", "IT"), member("C", "DE"), member("D", "ES")]
    verdict = check(rules, members)
    assert rules_failed(verdict) == ["max_partners"]
    assert verdict.problems[0].message == "At most 3 partners are allowed; you have 4."
    assert "make it an associated partner" in verdict.problems[0].fix
    members[3] = member("D", "ES", role="associated_partner")
    assert check(rules, members).eligible


def test_max_partners_counts_third_country_partners():
    rules = Rules(max_partners=2)
    verdict = check(rules, [coordinator(), member("B", "IT"), member("Acme", "US")])
    assert rules_failed(verdict) == ["max_partners"]


def test_coordinator_required_and_unique():
    verdict = check(Rules(), [member("A", "FR")])
    assert rules_failed(verdict) == ["require_coordinator"]
    verdict = check(Rules(), [coordinator("A"), coordinator("B", "IT")])
    assert rules_failed(verdict) == ["require_coordinator"]
    assert "A and B are all coordinators" in verdict.problems[0].message
    assert check(Rules(require_coordinator=False), [member("A", "FR")]).eligible


def test_verdict_is_json_able():
    verdict = check(HORIZON_EUROPE_DEFAULT, [coordinator(), member("Acme", "US")])
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["eligible"] is False
    assert data["projected"]["projected"] is None
    assert {p["rule"] for p in data["problems"]} == {"min_entities", "min_countries"}


# ---------------------------------------------------------------- gaps


def test_gaps_for_a_lonely_coordinator():
    needs = gaps(HORIZON_EUROPE_DEFAULT, [coordinator()])
    by_need = {n["need"]: n for n in needs}
    assert by_need["entities"]["count"] == 2
    assert by_need["countries"] == {
        "need": "countries",
        "count": 2,
        "eligible": "member_states_and_associated",
        "exclude": ["FR"],
        "description": "2 partners from other Member States or associated countries (not FR)",
    }
    assert "member_state" not in by_need
    json.dumps(needs)


def test_gaps_name_kinds_and_skip_met_rules():
    rules = Rules(required_kinds=[("research", 1), ("sme", 1), ("cluster", 1)])
    needs = gaps(rules, [coordinator(kind="cluster")])
    kinds = [n for n in needs if n["need"] == "kind"]
    assert [(n["kinds"], n["count"], n["description"]) for n in kinds] == [
        (["research"], 1, "a research organisation"),
        (["sme"], 1, "an SME"),
    ]


def test_gaps_count_invited_members_by_default():
    members = [coordinator(), member("Polimi", "IT", status="invited")]
    assert gaps(HORIZON_EUROPE_DEFAULT, members)[0]["count"] == 1
    assert gaps(HORIZON_EUROPE_DEFAULT, members, projected=False)[0]["count"] == 2


# ---------------------------------------------------------------- stored form and bad input


def test_rules_round_trip_through_json():
    for rules in (HORIZON_EUROPE_DEFAULT, ESCP_LIKE_EXAMPLE, Rules(eligible_countries=["fr"])):
        data = json.loads(json.dumps(rules.to_dict()))
        assert Rules.from_dict(data) == rules
    assert Rules(eligible_countries=["fr"]).eligible_countries == ("FR",)
    assert ESCP_LIKE_EXAMPLE.required_kinds == (RequiredKind(("cluster",), 3, 3),)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"min_entities": "3"}, "min_entities"),
        ({"min_entities": 0}, "min_entities"),
        ({"min_countries": -1}, "min_countries"),
        ({"min_countries": True}, "min_countries"),
        ({"max_partners": 2, "min_entities": 3}, "max_partners"),
        ({"max_partners": 0}, "max_partners"),
        ({"eligible_countries": "europe"}, "eligible_countries"),
        ({"eligible_countries": []}, "eligible_countries"),
        ({"eligible_countries": ["FRA"]}, "eligible_countries"),
        ({"eligible_countries": ["FR"], "min_countries": 2}, "min_countries"),
        ({"required_kinds": "cluster"}, "required_kinds"),
        ({"required_kinds": [{"kind": "startup", "min": 1}]}, "required_kinds[0].kind"),
        ({"required_kinds": [{"kind": "sme", "min": 0}]}, "required_kinds[0].min"),
        ({"required_kinds": [{"kind": "sme"}]}, "required_kinds[0]"),
        ({"required_kinds": [{"kind": "sme", "min": 1, "max": 2}]}, "required_kinds[0].max"),
        ({"affiliated_count": "no"}, "affiliated_count"),
        ({"min_partners": 3}, "min_partners"),
    ],
)
def test_malformed_rules_are_rejected_naming_the_field(data, field):
    with pytest.raises(ValueError) as error:
        Rules.from_dict(data)
    assert isinstance(error.value, RulesError)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_rules_must_be_an_object():
    with pytest.raises(RulesError, match="rules: must be an object"):
        Rules.from_dict([3, 3])


def test_unknown_country_codes_are_rejected_when_the_list_is_known():
    with pytest.raises(RulesError, match="unknown country code 'ZZ'"):
        Rules.from_dict({"eligible_countries": ["FR", "ZZ"]}, known_countries={"FR", "IT"})


def test_malformed_members_are_rejected():
    with pytest.raises(ValueError, match="role must be one of"):
        member("A", "FR", role="boss")
    with pytest.raises(ValueError, match="country must be a two-letter code"):
        Member("A", "France", "member_state")
