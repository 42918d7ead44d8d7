"""The B2B scheduler (``matchmaking.scheduler``): pure data in, data out, no database."""

from __future__ import annotations

import ast
import dataclasses
import itertools
import random
from collections import Counter
from pathlib import Path

import pytest

from clusterhub.matchmaking import exact, scheduler
from clusterhub.matchmaking.scheduler import (
    Meeting,
    Placement,
    Problem,
    Reason,
    idle_gaps,
    schedule,
    violations,
)

# Helpers ------------------------------------------------------------------------------------


def random_problem(
    seed: int,
    *,
    n_people: int = 40,
    n_meetings: int = 160,
    n_slots: int = 8,
    tables: int | list[int] = 12,
    booths: int = 0,
    shared_booth: bool = False,
    remote_share: float = 0.0,
    n_locked: int = 0,
) -> Problem:
    """Popular people get more requests; everyone is available in 60-100% of the slots."""
    rng = random.Random(seed)
    popularity = [1 / (k + 1) ** 0.8 for k in range(n_people)]
    pairs: set[tuple[int, int]] = set()
    meetings = []
    while len(meetings) < n_meetings:
        a = rng.randrange(n_people)
        b = rng.choices(range(n_people), weights=popularity)[0]
        if a == b or (min(a, b), max(a, b)) in pairs:
            continue
        pairs.add((min(a, b), max(a, b)))
        remote = rng.random() < remote_share
        meetings.append(Meeting(f"m{len(meetings)}", a, b, rng.randint(1, 5), remote))
    availability = {
        p: set(rng.sample(range(n_slots), rng.randint(max(1, int(0.6 * n_slots)), n_slots)))
        for p in range(n_people)
    }
    fixed = {p: f"booth-{p}" for p in range(booths)}
    if shared_booth and booths >= 2:
        fixed[1] = fixed[0]  # two people of one company at one booth
    problem = Problem(
        meetings=meetings,
        n_slots=n_slots,
        tables=tables,
        availability=availability,
        fixed_tables=fixed,
    )
    if n_locked:
        first = schedule(problem)
        chosen = sorted(first.assignment)[:n_locked]
        problem = dataclasses.replace(problem, locked={m: first.assignment[m] for m in chosen})
    return problem


def assert_valid(problem: Problem, result: scheduler.Schedule) -> None:
    """Every hard rule, checked here independently of ``scheduler.violations``."""
    by_id = {m.id: m for m in problem.meetings}
    per_slot = problem.tables_per_slot()
    labels = problem.shared_labels()
    booths = set(problem.fixed_tables.values())
    people: Counter = Counter()
    tables: Counter = Counter()
    shared: Counter = Counter()
    for mid, place in result.assignment.items():
        m = by_id[mid]
        assert 0 <= place.slot < problem.n_slots
        people[m.a, place.slot] += 1
        people[m.b, place.slot] += 1
        if mid not in problem.locked:
            for p in (m.a, m.b):
                assert place.slot in problem.availability.get(p, range(problem.n_slots))
        if m.remote:
            assert place.table is None
            continue
        tables[place.table, place.slot] += 1
        own = problem.fixed_tables.get(m.a) or problem.fixed_tables.get(m.b)
        if mid not in problem.locked:
            assert place.table == own if own else place.table in labels[: per_slot[place.slot]]
        if place.table not in booths:
            shared[place.slot] += 1
    assert max(people.values(), default=0) <= 1, "a person twice in one slot"
    assert max(tables.values(), default=0) <= 1, "a table twice in one slot"
    assert all(shared[s] <= per_slot[s] for s in range(problem.n_slots))
    for mid, place in problem.locked.items():
        assert result.assignment[mid] == place
    assert set(result.assignment) | set(result.unscheduled) == set(by_id)
    assert not set(result.assignment) & set(result.unscheduled)
    assert result.scheduled_weight == pytest.approx(
        sum(by_id[mid].weight for mid in result.assignment)
    )
    assert result.bound >= result.scheduled_weight - 1e-6
    assert violations(problem, result.assignment) == []


def brute_force(problem: Problem) -> float:
    """The best total weight by trying every slot (or none) for every meeting."""
    per_slot = problem.tables_per_slot()
    slots = range(problem.n_slots)
    best = 0.0
    options = []
    for m in problem.meetings:
        common = [
            s
            for s in slots
            if s in problem.availability.get(m.a, slots)
            and s in problem.availability.get(m.b, slots)
        ]
        options.append([None, *common])
    for choice in itertools.product(*options):
        busy: set = set()
        used: Counter = Counter()
        ok = True
        for m, s in zip(problem.meetings, choice, strict=True):
            if s is None:
                continue
            if (m.a, s) in busy or (m.b, s) in busy:
                ok = False
                break
            busy |= {(m.a, s), (m.b, s)}
            own = problem.fixed_tables.get(m.a) or problem.fixed_tables.get(m.b)
            key = ("booth", own) if own else "shared"
            used[key, s] += 1
            if used[key, s] > (1 if own else per_slot[s]):
                ok = False
                break
        if ok:
            chosen = [m for m, s in zip(problem.meetings, choice, strict=True) if s is not None]
            best = max(best, sum(m.weight for m in chosen))
    return best


# Feasibility --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seed, options",
    [
        (1, {}),
        (2, {"tables": 4}),  # scarce tables
        (3, {"tables": [6, 0, 3, 8, 8, 2, 5, 7]}),  # tables per slot, one slot without any
        (4, {"booths": 6}),  # exhibitors at their own booths
        (5, {"booths": 6, "shared_booth": True, "tables": 5}),
        (6, {"remote_share": 0.3, "tables": 3}),
        (7, {"n_locked": 12, "booths": 4, "tables": 6}),
        (8, {"n_people": 120, "n_meetings": 600, "n_slots": 12, "tables": 30}),
    ],
)
def test_schedules_obey_every_rule(seed, options):
    problem = random_problem(seed, **options)
    result = schedule(problem)
    assert_valid(problem, result)
    assert result.n_scheduled > 0


@pytest.mark.parametrize("exact", [None, False])
def test_same_input_same_schedule(exact):
    problem = random_problem(11, booths=3, tables=5)
    first, second = schedule(problem, exact=exact), schedule(problem, exact=exact)
    assert first.assignment == second.assignment
    assert first.unscheduled == second.unscheduled


def test_locked_meetings_stay_even_outside_availability():
    meetings = [Meeting(1, "a", "b", 1), Meeting(2, "a", "c", 5), Meeting(3, "b", "c", 4)]
    problem = Problem(
        meetings=meetings,
        n_slots=2,
        tables=1,
        availability={"a": {1}},
        locked={1: Placement(0, "1")},  # the organisers know better: a comes at 0 for b
    )
    result = schedule(problem)
    assert_valid(problem, result)
    assert result.assignment[1] == Placement(0, "1")
    # a can meet c in slot 1 only; b is busy in slot 0 (locked), c in slot 1.
    assert result.assignment[2] == Placement(1, "1")
    assert result.unscheduled == {3: Reason.FULLY_BOOKED}


def test_conflicting_locks_and_bad_input_are_refused():
    two = [Meeting(1, "a", "b"), Meeting(2, "a", "c")]
    with pytest.raises(ValueError, match="locked meetings conflict"):
        schedule(Problem(two, 2, 2, locked={1: Placement(0, "1"), 2: Placement(0, "2")}))
    with pytest.raises(ValueError, match="appears twice"):
        schedule(Problem([Meeting(1, "a", "b"), Meeting(1, "a", "c")], 2, 2))
    with pytest.raises(ValueError, match="themselves"):
        schedule(Problem([Meeting(1, "a", "a")], 2, 2))
    with pytest.raises(ValueError, match="positive"):
        schedule(Problem([Meeting(1, "a", "b", 0)], 2, 2))
    with pytest.raises(ValueError, match="shared tables"):
        schedule(Problem(two, 2, 2, fixed_tables={"a": "1"}))
    with pytest.raises(ValueError, match="one number per slot"):
        schedule(Problem(two, 3, [1, 2]))


def test_fixed_tables_take_no_shared_table_and_hold_one_meeting():
    # a and b share one booth; c and d have none and there is no shared table at all.
    meetings = [
        Meeting(1, "a", "c", 3),
        Meeting(2, "b", "d", 2),
        Meeting(3, "c", "d", 4),
        Meeting(4, "a", "d", 1),
    ]
    problem = Problem(meetings, 2, 0, fixed_tables={"a": "booth 7", "b": "booth 7"})
    result = schedule(problem)
    assert_valid(problem, result)
    assert {p.table for p in result.assignment.values()} == {"booth 7"}
    assert result.unscheduled[3] == Reason.NO_TABLE  # c and d have no booth and no table
    assert result.scheduled_weight == 5  # meetings 1 and 2 fill the booth's two slots
    assert result.optimal


def test_remote_meetings_need_no_table():
    meetings = [Meeting(1, "a", "b", remote=True), Meeting(2, "c", "d")]
    result = schedule(Problem(meetings, 1, 0))
    assert result.assignment == {1: Placement(0, None)}
    assert result.unscheduled == {2: Reason.NO_TABLE}


# Optimality and the bound -----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_optimum_of_tiny_instances_matches_brute_force(seed):
    rng = random.Random(seed)
    people = ["p1", "p2", "p3", "p4", "p5"]
    pairs = rng.sample(list(itertools.combinations(people, 2)), 7)
    meetings = [Meeting(k, a, b, rng.randint(1, 4)) for k, (a, b) in enumerate(pairs)]
    problem = Problem(
        meetings=meetings,
        n_slots=3,
        tables=rng.choice([1, 2]),
        availability={p: set(rng.sample(range(3), rng.randint(2, 3))) for p in people},
        fixed_tables={"p5": "booth"} if seed % 2 else {},
    )
    best = brute_force(problem)
    exact = schedule(problem)
    assert_valid(problem, exact)
    assert exact.scheduled_weight == best
    assert exact.bound >= best - 1e-9
    heuristic = schedule(problem, exact=False)  # LP rounding and local search alone
    assert_valid(problem, heuristic)
    assert heuristic.scheduled_weight >= 0.75 * best


def test_odd_cycle_shows_the_bound_is_an_upper_bound_not_the_optimum():
    # Three people who all want to meet each other, two slots: only two meetings fit, but
    # the LP takes half of each meeting in each slot (value 3).
    meetings = [Meeting(1, "a", "b"), Meeting(2, "b", "c"), Meeting(3, "a", "c")]
    problem = Problem(meetings, 2, 5)
    assert scheduler.lp_bound(problem) == pytest.approx(3)
    result = schedule(problem)
    assert result.scheduled_weight == 2
    assert result.bound == 2  # the exact engine proved that 2 is the best
    assert result.optimal
    assert schedule(problem, exact=False).bound == 3  # without it, only the LP's promise
    assert result.summary() == "scheduled 2 of 3 accepted meetings; the best possible"
    assert list(result.unscheduled.values()) == [Reason.FULLY_BOOKED]


def test_heuristic_reaches_the_bound_on_a_medium_instance():
    problem = random_problem(21, n_people=150, n_meetings=600, n_slots=10, tables=40)
    result = schedule(problem, exact=False)
    assert_valid(problem, result)
    assert result.ratio >= 0.99
    assert "of 600 accepted meetings; " in result.summary()


def test_summary_rounds_the_promise_down():
    result = dataclasses.replace(
        schedule(Problem([Meeting(1, "a", "b")], 1, 1)),
        scheduled_weight=99.96,
        bound=100.0,
        optimal=False,
    )
    assert result.summary().endswith("at least 99.9% of the best possible")


# Reasons ------------------------------------------------------------------------------------


def test_reasons_for_unscheduled_meetings():
    meetings = [
        Meeting("apart", "early", "late", 5),  # never free at the same time
        Meeting("big", "x1", "x2", 3),  # slot 0 has one table: the heavier meeting wins
        Meeting("small", "y1", "y2", 1),
        Meeting("star-1", "star", "s1", 4),  # star is available once, for the heavier one
        Meeting("star-2", "star", "s2", 2),
    ]
    problem = Problem(
        meetings=meetings,
        n_slots=2,
        tables=[1, 1],
        availability={
            "early": {0},
            "late": {1},
            "x1": {0},
            "x2": {0},
            "y1": {0},
            "y2": {0},
            "star": {1},
        },
    )
    result = schedule(problem)
    assert_valid(problem, result)
    assert set(result.assignment) == {"big", "star-1"}
    assert result.unscheduled == {
        "apart": Reason.NO_COMMON_SLOT,
        "small": Reason.NO_TABLE,
        "star-2": Reason.FULLY_BOOKED,
    }
    assert str(Reason.NO_TABLE) == "no table"


# Rescheduling -------------------------------------------------------------------------------


def test_rescheduling_an_unchanged_problem_changes_nothing():
    problem = random_problem(31, booths=4, tables=6)
    first = schedule(problem)
    assert first.optimal
    again = schedule(dataclasses.replace(problem, published=first.assignment))
    assert again.changed == ()
    assert again.assignment == first.assignment


def test_rescheduling_after_a_cancellation_changes_little():
    problem = random_problem(32, n_people=60, n_meetings=300, n_slots=10, tables=20)
    first = schedule(problem)
    busiest = Counter(
        p for m in problem.meetings if m.id in first.assignment for p in (m.a, m.b)
    ).most_common(1)[0][0]
    gone = {m.id for m in problem.meetings if busiest in (m.a, m.b)}
    after = dataclasses.replace(
        problem,
        meetings=[m for m in problem.meetings if m.id not in gone],
        published=first.assignment,
    )
    result = schedule(after)
    assert_valid(after, result)
    kept = [mid for mid in first.assignment if mid not in gone]
    assert len(result.changed) <= 0.05 * len(kept)
    assert all(
        result.assignment.get(mid) == first.assignment[mid]
        for mid in kept
        if mid not in result.changed
    )
    # A cancellation frees time: the schedule keeps its weight bar the cancelled meetings.
    lost = sum(m.weight for m in problem.meetings if m.id in gone and m.id in first.assignment)
    assert result.scheduled_weight >= first.scheduled_weight - lost


def test_a_change_penalty_keeps_published_meetings_in_place():
    meetings = [Meeting(1, "a", "b", 1), Meeting(2, "a", "c", 1), Meeting(3, "b", "c", 1)]
    published = {1: Placement(0, "1"), 2: Placement(1, "1")}
    base = Problem(meetings, 2, 1, published=published)
    # Weight first: 1 and 2 stay where they are (any move would not add weight).
    assert schedule(base).changed == ()
    # c can no longer come to slot 1, so 2 must move; with a heavy penalty it is dropped.
    moved = dataclasses.replace(base, availability={"c": {0}})
    assert schedule(moved).assignment.get(2) != published[2]
    strict = dataclasses.replace(moved, change_penalty=10.0)
    result = schedule(strict)
    assert result.assignment[1] == published[1]


# Idle gaps ----------------------------------------------------------------------------------


def test_idle_gaps_are_closed_when_weight_allows():
    # p meets three people; each is free in every slot: p's day should have no hole.
    meetings = [Meeting(k, "p", f"q{k}") for k in range(3)]
    problem = Problem(meetings, 6, 1)
    result = schedule(problem)
    slots = sorted(place.slot for place in result.assignment.values())
    assert slots == list(range(slots[0], slots[0] + 3))
    assert result.idle_gaps == 0


def test_idle_gaps_count_only_available_slots_within_a_session():
    meetings = [Meeting(1, "p", "q"), Meeting(2, "p", "r")]
    assignment = {1: Placement(0, "1"), 2: Placement(3, "1")}
    problem = Problem(meetings, 4, 1, availability={"p": {0, 2, 3}})
    assert idle_gaps(problem, assignment) == 1  # slot 2 only: p is away in slot 1
    split = dataclasses.replace(problem, sessions=["day 1", "day 1", "day 2", "day 2"])
    assert idle_gaps(split, assignment) == 0


# Purity -------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [scheduler, exact])
def test_the_scheduler_does_not_import_django(module):
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported <= {
        "__future__",
        "collections",
        "dataclasses",
        "enum",
        "heapq",
        "itertools",
        "math",
        "ortools",
        "time",
        "numpy",
        "scipy",
    }


def test_the_bound_is_on_weight_even_with_a_change_penalty():
    meetings = [Meeting(1, "a", "b", 1), Meeting(2, "a", "c", 1), Meeting(3, "b", "c", 1)]
    problem = Problem(
        meetings,
        2,
        1,
        availability={"c": {0}},
        published={1: Placement(0, "1")},
        change_penalty=10.0,
    )
    result = schedule(problem)
    assert result.scheduled_weight == 1  # keeping meeting 1 in place outweighs a second one
    assert result.bound == pytest.approx(2)
    assert result.ratio == pytest.approx(0.5)


# What brokerage events also need ------------------------------------------------------------


def brokerage_problem(seed: int, **options) -> Problem:
    """Groups of three, double-length meetings, limits per person, two sessions."""
    base = random_problem(seed, n_people=30, n_meetings=90, n_slots=8, tables=8)
    rng = random.Random(seed)
    meetings = []
    for m in base.meetings:
        others = ()
        if rng.random() < 0.15:
            third = rng.choice([p for p in range(30) if p not in (m.a, m.b)])
            others = (third,)
        meetings.append(
            dataclasses.replace(m, others=others, length=2 if rng.random() < 0.2 else 1)
        )
    return dataclasses.replace(base, meetings=meetings, sessions=["am"] * 4 + ["pm"] * 4, **options)


def test_groups_long_meetings_and_limits_obey_every_rule():
    problem = brokerage_problem(3, max_meetings={p: 4 for p in range(30)}, max_per_session=3)
    result = schedule(problem)
    assert violations(problem, result.assignment) == []
    by_id = {m.id: m for m in problem.meetings}
    busy: Counter = Counter()
    count: Counter = Counter()
    tables: Counter = Counter()
    for mid, place in result.assignment.items():
        m = by_id[mid]
        covered = range(place.slot, place.slot + m.length)
        assert len({problem.sessions[s] for s in covered}) == 1, "a meeting across sessions"
        for p in m.people:
            count[p] += 1
            count[p, problem.sessions[place.slot]] += 1
            for s in covered:
                busy[p, s] += 1
                assert s in problem.availability[p]
        for s in covered:
            tables[place.table, s] += 1
    assert max(busy.values()) == 1
    assert max(tables.values()) == 1  # a long meeting keeps its table in both slots
    assert all(n <= 4 for key, n in count.items() if not isinstance(key, tuple))
    assert all(n <= 3 for key, n in count.items() if isinstance(key, tuple))
    assert any(by_id[mid].others for mid in result.assignment)
    assert any(by_id[mid].length == 2 for mid in result.assignment)
    assert result.bound >= result.scheduled_weight


def test_a_limit_per_person_is_the_reason_given():
    meetings = [Meeting(k, "star", f"fan{k}", 5 - k) for k in range(4)]
    problem = Problem(meetings, 6, 4, max_meetings={"star": 2})
    result = schedule(problem)
    assert sorted(result.assignment) == [0, 1]  # the two heaviest
    assert result.unscheduled == {2: Reason.LIMIT_REACHED, 3: Reason.LIMIT_REACHED}
    assert result.optimal


def test_a_group_meeting_needs_everyone_free():
    meetings = [Meeting("group", "company", "lab-1", others=("lab-2",)), Meeting("x", "lab-2", "y")]
    problem = Problem(
        meetings, 2, 2, availability={"lab-2": {0}, "company": {0, 1}, "lab-1": {0, 1}}
    )
    result = schedule(problem)
    assert result.assignment["group"].slot == 0
    assert "x" not in result.assignment  # lab-2 is only free in slot 0, taken by the group
    assert result.unscheduled == {"x": Reason.FULLY_BOOKED}


def test_a_long_meeting_stays_within_one_session():
    meetings = [Meeting("long", "a", "b", length=2)]
    problem = Problem(meetings, 3, 1, sessions=["am", "pm", "pm"], availability={"a": {0, 1, 2}})
    assert schedule(problem).assignment == {"long": Placement(1, "1")}
    only_morning = dataclasses.replace(problem, availability={"a": {0, 1}})
    assert schedule(only_morning).unscheduled == {"long": Reason.NO_COMMON_SLOT}


def test_people_of_one_organisation_do_not_meet_unless_locked():
    meetings = [Meeting(1, "ann", "bob"), Meeting(2, "ann", "cem"), Meeting(3, "bob", "dee")]
    organisations = {"ann": "acme", "bob": "acme", "cem": "lab"}
    problem = Problem(meetings, 3, 3, organisations=organisations)
    result = schedule(problem)
    assert set(result.assignment) == {2, 3}
    assert result.unscheduled == {1: Reason.SAME_ORGANISATION}
    locked = dataclasses.replace(problem, locked={1: Placement(0, "1")})
    assert schedule(locked).assignment[1] == Placement(0, "1")


def test_preferred_slots_are_used_when_weight_allows():
    meetings = [Meeting(k, "p", f"q{k}") for k in range(2)]
    problem = Problem(meetings, 6, 2, preferred={"p": {3, 4}}, max_meetings={"p": 5})
    result = schedule(problem)
    assert sorted(place.slot for place in result.assignment.values()) == [3, 4]


def test_regular_bipartite_requests_are_all_scheduled():
    # Every company asks k research groups, k slots: by König's theorem all fit.
    rng = random.Random(4)
    n, k = 30, 9
    shifts = rng.sample(range(n), k)
    meetings = [Meeting(f"{i}-{s}", f"c{i}", f"r{(i + s) % n}") for s in shifts for i in range(n)]
    rng.shuffle(meetings)
    result = schedule(Problem(meetings, k, n), exact=False)  # the heuristic alone
    assert result.n_scheduled == n * k
    assert result.idle_gaps == 0


def test_the_same_input_gives_the_same_schedule_with_the_exact_engine():
    problem = random_problem(9, n_people=60, n_meetings=300, n_slots=8, tables=10)
    first, second = schedule(problem), schedule(problem)
    assert first.assignment == second.assignment
    assert first.bound == second.bound
