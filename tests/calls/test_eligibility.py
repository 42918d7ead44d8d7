"""Who may apply to a call: rules as data, a verdict in sentences with what to do."""

import os
import subprocess
import sys
from datetime import date

import pytest

from clusterhub.calls.eligibility import (
    Applicant,
    Label,
    Rules,
    RulesError,
    check,
    describe,
)

DEADLINE = date(2023, 9, 14)
# "Les pôles pour l'Europe" (2023): member pôles of the association, labelled in the last
# labelling phase (from 2023); the "best initiative" category: started in the last two years.
POLES_POUR_L_EUROPE = Rules.from_data(
    [
        {"rule": "kind", "values": ["cluster"], "names": ["cluster organisations"]},
        {"rule": "label", "scheme": "pole", "valid_on": "2023-01-01"},
        {"rule": "member_of", "values": ["afpc"], "names": ["the French association of pôles"]},
        {"rule": "country", "values": ["fr"], "names": ["France"]},
    ]
)
BEST_INITIATIVE = Rules.from_data([{"rule": "project_started_within", "years": 2}])
PHASE_V = Label("pole", "labelled", date(2023, 1, 1), date(2026, 12, 31), verified=True)


def pole(**changes) -> Applicant:
    values = {
        "name": "Polymeris",
        "kind": "cluster",
        "country": "FR",
        "region": "FRK26",
        "labels": (PHASE_V,),
        "networks": frozenset({"afpc"}),
    }
    return Applicant(**(values | changes))


def test_an_eligible_pole_passes_every_rule_with_a_sentence_each():
    verdict = check(POLES_POUR_L_EUROPE + BEST_INITIATIVE, pole(), deadline=DEADLINE,
                    project_start=date(2022, 3, 1))  # fmt: skip
    assert verdict.eligible
    assert [c.sentence() for c in verdict.checks] == [
        "Polymeris is of a kind the call is open to.",
        "Polymeris holds the label required.",
        "Polymeris is a member of the network required.",
        "Polymeris is established in a country the call is open to.",
        "The project started on 2022-03-01, within the years allowed.",
    ]


def test_what_is_missing_is_said_with_how_to_fix_it():
    declared = Label("pole", "labelled", date(2023, 1, 1), None, verified=False)
    verdict = check(
        POLES_POUR_L_EUROPE,
        pole(labels=(declared,), networks=frozenset(), country="BE"),
        deadline=DEADLINE,
    )
    assert not verdict.eligible
    assert [(c.sentence(), c.how_to_fix()) for c in verdict.failed] == [
        (
            "Polymeris declares the label required, but it is not verified yet.",
            "Ask the platform staff to verify the label.",
        ),
        (
            "Polymeris is not a member of the network required.",
            "Ask the network to record the membership, then confirm it.",
        ),
        ("Polymeris is not established in a country the call is open to.", ""),
    ]


def test_a_label_of_the_previous_phase_does_not_count():
    phase_iv = Label("pole", "labelled", date(2019, 1, 1), date(2022, 12, 31), verified=True)
    [failed] = check(POLES_POUR_L_EUROPE, pole(labels=(phase_iv,)), deadline=DEADLINE).failed
    assert failed.sentence() == "Polymeris holds the label, but it is not valid on 2023-01-01."
    assert failed.how_to_fix() == "Add the label's current validity dates to the profile."


def test_a_category_rule_waits_for_the_answer_and_then_judges_it():
    pending = check(BEST_INITIATIVE, pole(), deadline=DEADLINE)
    assert not pending.eligible and pending.pending and not pending.failed
    assert pending.checks[0].how_to_fix() == "Give the date the project started."
    too_old = check(BEST_INITIATIVE, pole(), deadline=DEADLINE, project_start=date(2021, 9, 13))
    assert too_old.failed[0].sentence() == ("The project started on 2021-09-13, before 2021-09-14.")
    just_in = check(BEST_INITIATIVE, pole(), deadline=DEADLINE, project_start=date(2021, 9, 14))
    assert just_in.eligible


def test_regions_cover_their_sub_regions_and_an_unknown_region_says_so():
    rules = Rules.from_data(
        [{"rule": "region", "values": ["FRK"], "names": ["Auvergne-Rhône-Alpes"]}]
    )
    assert check(rules, pole(), deadline=DEADLINE).eligible
    assert not check(rules, pole(region="FR10"), deadline=DEADLINE).eligible
    [unknown] = check(rules, pole(region=""), deadline=DEADLINE).checks
    assert unknown.sentence() == "The region of Polymeris is not known."
    assert describe(rules.rules[0]) == "Is located in the region Auvergne-Rhône-Alpes."


def test_rules_read_as_sentences_in_the_readers_language():
    french = {
        "Open to: %(kinds)s.": "Ouvert aux : %(kinds)s.",
        "%(first)s or %(last)s": "%(first)s ou %(last)s",
    }
    rule = Rules.from_data([{"rule": "kind", "values": ["cluster", "research"]}]).rules[0]
    names = {"cluster": "pôles", "research": "organismes de recherche"}
    assert describe(rule, french.get, names) == "Ouvert aux : pôles ou organismes de recherche."
    label = POLES_POUR_L_EUROPE.rules[1]
    assert describe(label, labels={"pole": "pôle de compétitivité"}) == (
        "Holds the label pôle de compétitivité, verified and valid on 2023-01-01."
    )


def test_rules_round_trip_and_malformed_rules_are_named():
    assert Rules.from_data(POLES_POUR_L_EUROPE.to_data()) == POLES_POUR_L_EUROPE
    for data, field in (
        ([{"rule": "colour"}], "rules[0].rule"),
        ([{"rule": "kind", "values": []}], "rules[0].values"),
        ([{"rule": "kind"}, {"rule": "project_started_within", "years": 0}], "rules[0].values"),
        ([{"rule": "project_started_within", "years": "two"}], "rules[0].years"),
        ([{"rule": "label", "scheme": "pole", "valid_on": "14/09/2023"}], "rules[0].valid_on"),
        ([{"rule": "country", "values": ["FR", "BE"], "names": ["France"]}], "rules[0].names"),
        ("kind", "rules"),
    ):
        with pytest.raises(RulesError) as error:
            Rules.from_data(data)
        assert error.value.field == field


def test_the_module_imports_no_django():
    code = (
        "import sys; import clusterhub.calls.eligibility;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
