"""Assigning jurors: exact, conflict-free, balanced, certified; hand changes checked."""

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

from clusterhub.calls.assignment import (
    AssignmentError,
    assign,
    check,
    fair_assign,
    greedy,
    randomised_assign,
)


def brute_force(affinity, k, conflicts):
    """The best balanced assignment by trying every one (tiny instances only)."""
    m, n = affinity.shape
    lower, upper = (k * n) // m, -(-k * n // m)
    best = -np.inf
    options = [
        [c for c in itertools.combinations(range(m), k) if not any((j, a) in conflicts for j in c)]
        for a in range(n)
    ]
    for choice in itertools.product(*options):
        loads = np.bincount([j for c in choice for j in c], minlength=m)
        if loads.min() < lower or loads.max() > upper:
            continue
        best = max(best, sum(affinity[j, a] for a, c in enumerate(choice) for j in c))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_optimum_of_small_instances_is_found_and_certified(seed):
    rng = np.random.default_rng(seed)
    affinity = rng.random((4, 5)).round(2)
    conflicts = {(int(rng.integers(4)), int(rng.integers(5))) for _ in range(3)}
    result = assign(affinity, 2, conflicts=conflicts, candidates=2)
    assert result.total == pytest.approx(brute_force(affinity, 2, conflicts))
    assert result.ratio == pytest.approx(1.0)
    assert check(result.pairs, 4, 5, 2, conflicts=conflicts) == []


def test_at_size_every_rule_holds_and_it_beats_greedy():
    rng = np.random.default_rng(7)
    topics = rng.random((60, 8)) ** 3
    needs = rng.random((8, 300)) ** 3
    affinity = topics @ needs
    affinity /= affinity.max()
    conflicts = {(int(j), int(a)) for j, a in zip(*np.nonzero(rng.random(affinity.shape) < 0.05),
                                                  strict=True)}  # fmt: skip
    result = assign(affinity, 3, conflicts=conflicts, candidates=10)
    assert check(result.pairs, 60, 300, 3, conflicts=conflicts) == []
    assert result.loads.max() - result.loads.min() <= 1
    assert result.ratio == pytest.approx(1.0, abs=1e-7)  # affinities are priced to 1e-7
    baseline = greedy(affinity, 3, conflicts=conflicts)
    assert result.total >= baseline.total


def test_capacities_replace_even_loads():
    affinity = np.array([[0.9, 0.9, 0.9, 0.9], [0.1, 0.1, 0.1, 0.1], [0.5, 0.5, 0.5, 0.5]])
    result = assign(affinity, 1, capacities=[3, 4, 0])
    assert result.loads.tolist() == [3, 1, 0]


def test_impossible_rules_name_the_application():
    affinity = np.ones((3, 2))
    with pytest.raises(AssignmentError, match="application 1 has only 1 jurors without a conflict"):
        assign(affinity, 2, conflicts={(0, 1), (2, 1)})
    with pytest.raises(AssignmentError, match="can take 2 reviews; 4 are needed"):
        assign(affinity, 2, capacities=[1, 1, 0])


def test_a_hand_made_assignment_is_checked_against_the_same_rules():
    problems = check([(0, 0), (0, 1), (1, 1), (0, 1)], 3, 2, 2, conflicts={(1, 1)})
    assert problems == [
        "a juror is assigned twice to the same application",
        "juror 1 has a conflict with application 1",
        "application 0 has 1 juror; it needs 2",
        "application 1 has 3 jurors; it needs 2",
        "juror 0 has 3 applications; loads must be from 1 to 2",
        "juror 2 has 0 applications; loads must be from 1 to 2",
    ]


def test_the_module_imports_no_django():
    code = (
        "import sys; import clusterhub.calls.assignment, clusterhub.calls.conflicts,"
        "clusterhub.calls.questions, clusterhub.calls.timeline;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def brute_force_floor(affinity, k):
    m, n = affinity.shape
    lower, upper = (k * n) // m, -(-k * n // m)
    best = -np.inf
    options = [list(itertools.combinations(range(m), k)) for _ in range(n)]
    for choice in itertools.product(*options):
        loads = np.bincount([j for c in choice for j in c], minlength=m)
        if loads.min() < lower or loads.max() > upper:
            continue
        best = max(best, min(sum(affinity[j, a] for j in c) for a, c in enumerate(choice)))
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_floor_lifts_the_worst_application_to_the_best_possible(seed):
    rng = np.random.default_rng(seed)
    affinity = rng.random((4, 5)).round(2)
    fair = fair_assign(affinity, 2)
    best_floor = brute_force_floor(affinity, 2)
    sums = np.zeros(5)
    for j, a in fair.result.pairs:
        sums[a] += affinity[j, a]
    assert check(fair.result.pairs, 4, 5, 2) == []
    assert sums.min() == pytest.approx(fair.floor)
    assert fair.floor == pytest.approx(best_floor)
    assert best_floor <= fair.floor_bound + 1e-6  # the bound holds
    assert fair.result.total <= fair.unconstrained.total + 1e-9


def test_at_size_the_floor_reaches_the_max_min_programme_and_costs_little():
    rng = np.random.default_rng(11)
    affinity = rng.dirichlet(np.full(6, 0.3), 30) @ rng.dirichlet(np.full(6, 0.3), 200).T
    conflicts = {(int(rng.integers(30)), int(rng.integers(200))) for _ in range(100)}
    fair = fair_assign(affinity, 3, conflicts=conflicts)
    plain = np.zeros(200)
    for j, a in fair.unconstrained.pairs:
        plain[a] += affinity[j, a]
    assert check(fair.result.pairs, 30, 200, 3, conflicts=conflicts) == []
    assert fair.floor > plain.min()
    assert fair.floor_ratio > 0.98
    assert fair.cost < 0.05


def test_a_randomised_assignment_keeps_every_pair_under_the_cap():
    rng = np.random.default_rng(5)
    affinity = rng.random((6, 8))
    drawn = randomised_assign(affinity, 2, 0.5, seed=0)
    assert drawn.probabilities.max() <= 0.5 + 1e-9
    assert drawn.probabilities.sum(axis=0) == pytest.approx(np.full(8, 2.0))
    counts = np.zeros((6, 8))
    for seed in range(400):
        one = randomised_assign(affinity, 2, 0.5, seed=seed)
        assert check(one.result.pairs, 6, 8, 2) == []
        for j, a in one.result.pairs:
            counts[j, a] += 1
    # each pair is drawn as often as its probability says
    assert np.abs(counts / 400 - drawn.probabilities).max() < 0.1
    assert counts.max() / 400 < 0.6


def test_a_cap_too_low_for_the_jury_names_the_application():
    affinity = np.ones((3, 4))
    with pytest.raises(AssignmentError, match="application 0 has 3 jurors .* it needs 6"):
        randomised_assign(affinity, 3, 0.5)


def test_crowded_preferences_are_still_assigned_optimally():
    # every application prefers the same two jurors, and starts with them alone: the others
    # are brought in by their prices, and the result is still proven optimal
    rng = np.random.default_rng(1)
    affinity = np.vstack([np.full((2, 300), 1.0), rng.random((40, 300)) / 10])
    result = assign(affinity, 1, candidates=1)
    assert check(result.pairs, 42, 300, 1) == []
    assert result.ratio == pytest.approx(1.0, abs=1e-7)
    brute = assign(affinity, 1, candidates=42)
    assert result.total == pytest.approx(brute.total)
