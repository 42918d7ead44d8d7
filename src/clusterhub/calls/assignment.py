"""Assigning jurors to applications: every application gets k jurors, nobody judges an
application they are in conflict with, loads are even (within one of each other) or under
each juror's capacity, and the total affinity is the largest possible — with a proof.

Pure: no Django import. Data in (an affinity matrix, the conflicts, k, capacities), data out.

- ``assign``: the problem is a transportation problem, solved exactly as a min-cost flow
  (OR-Tools) on each application's most affine jurors and each juror's most affine
  applications. The flow's node potentials price the jurors; any juror prices give an upper
  bound on every assignment (``lagrangian_bound``), and the potentials make it tight unless a
  pair left out would raise the total: such pairs are added and the flow solved again until
  none is left. ``Result.bound`` is that bound, so ``total / bound`` is the certificate
  (1.0 when proven optimal).
- ``fair_assign``: the worst-off application first (a floor), then the total above it;
  certified against the max-min linear programme.
- ``randomised_assign``: no juror–application pair more likely than a cap.
- ``greedy``: the baseline; ``check``: what breaks the rules in a hand-made assignment.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

TOLERANCE = 1e-7


class AssignmentError(ValueError):
    """No assignment satisfies the rules; the message says which application or juror."""


@dataclass(frozen=True)
class Result:
    pairs: list[tuple[int, int]]  # (juror, application), indices into the matrix
    total: float  # total affinity of the pairs
    bound: float  # optimum of the full linear programme (an upper bound on any assignment)
    loads: np.ndarray  # applications per juror
    rounds: int  # how many times the programme was solved (pricing rounds)

    @property
    def ratio(self) -> float:
        return self.total / self.bound if self.bound > 0 else 1.0


def load_limits(
    n_jurors: int, n_applications: int, k: int, capacities: Sequence[int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) load of each juror: within one of each other, or 0..capacity."""
    if capacities is not None:
        upper = np.asarray(capacities, dtype=float)
        if len(upper) != n_jurors:
            raise AssignmentError("give one capacity per juror")
        return np.zeros(n_jurors), upper
    share = k * n_applications / n_jurors
    return np.full(n_jurors, math.floor(share)), np.full(n_jurors, math.ceil(share))


def _allowed(affinity: np.ndarray, conflicts: Iterable[tuple[int, int]]) -> np.ndarray:
    allowed = np.isfinite(affinity)
    for juror, application in conflicts:
        allowed[juror, application] = False
    return allowed


def _feasible(affinity, k, conflicts, capacities) -> np.ndarray:
    """The pairs allowed, once the rules that no assignment could meet are named."""
    m, n = affinity.shape
    if k < 1:
        raise AssignmentError("k must be at least 1")
    allowed = _allowed(affinity, conflicts)
    short = np.flatnonzero(allowed.sum(axis=0) < k)
    if short.size:
        raise AssignmentError(
            f"application {int(short[0])} has only {int(allowed[:, short[0]].sum())} "
            f"jurors without a conflict; it needs {k}"
        )
    _lower, upper = load_limits(m, n, k, capacities)
    if upper.sum() < k * n:
        raise AssignmentError(f"the jurors can take {int(upper.sum())} reviews; {k * n} are needed")
    return allowed


def _best_per_column(scores: np.ndarray, count: int) -> np.ndarray:
    """A mask of each column's ``count`` largest finite scores."""
    count = min(count, scores.shape[0])
    best = np.argpartition(-scores, count - 1, axis=0)[:count]
    mask = np.zeros(scores.shape, dtype=bool)
    mask[best, np.arange(scores.shape[1])] = True
    return mask & np.isfinite(scores)


def _first_candidates(weights, allowed, k, candidates, upper) -> np.ndarray:
    """Each application's best jurors, and each juror's best applications (so that every
    juror can reach their lowest load)."""
    chosen = _best_per_column(weights, max(candidates, k))
    per_juror = int(min(weights.shape[1], 10 * max(upper.max(), 1)))
    chosen |= _best_per_column(weights.T, per_juror).T
    return chosen & allowed


def lagrangian_bound(weights, k, prices, lower, upper) -> float:
    """An upper bound on the total affinity of any assignment, for any juror prices: each
    application takes its k best affinities less the prices, and each juror is paid its price
    for its highest (positive price) or lowest (negative price) load. The best prices make
    it the optimum of the linear programme."""
    reduced = weights - prices[:, None]
    top = -np.partition(-reduced, k - 1, axis=0)[:k]
    return float(top.sum() + np.maximum(prices * upper, prices * lower).sum())


class _Network:
    """The assignment as a min-cost flow (OR-Tools): applications send k units each to
    jurors (one per pair), jurors pass their load to a sink between their lowest and highest
    load. An artificial route at a prohibitive cost keeps every round feasible; it is empty
    once the candidate pairs allow an assignment."""

    RESOLUTION = 1e7  # the largest affinity, in integer cost units

    def __init__(self, weights, k, lower, upper):
        self.m, self.n = weights.shape
        finite = weights[np.isfinite(weights)]
        self.scale = self.RESOLUTION / max(float(np.abs(finite).max()), 1e-12)
        self.weights, self.k = weights, k
        self.lower, self.upper = lower.astype(np.int64), upper.astype(np.int64)
        self.artificial_cost = (2 * int(self.RESOLUTION) + 1) * (self.m + self.n + 2)

    def solve(self, rows, cols):
        m, n, k = self.m, self.n, self.k
        sink, spare = n + m, n + m + 1
        count = len(rows)
        applications, jurors = np.arange(n), n + np.arange(m)
        self.tails = np.concatenate([cols, jurors, applications, np.full(m, spare), [spare]])
        self.heads = np.concatenate([n + rows, np.full(m, sink), np.full(n, spare), jurors,
                                     [sink]])  # fmt: skip
        self.capacities = np.concatenate([
            np.ones(count, dtype=np.int64), self.upper - self.lower, np.full(n, k), self.lower,
            [k * n],
        ])  # fmt: skip
        self.costs = np.concatenate([
            -np.round(self.weights[rows, cols] * self.scale).astype(np.int64),
            np.zeros(m, dtype=np.int64), np.full(n, self.artificial_cost, dtype=np.int64),
            np.zeros(m + 1, dtype=np.int64),
        ])  # fmt: skip
        self.first_artificial = count + m
        solver = min_cost_flow.SimpleMinCostFlow()
        arcs = solver.add_arcs_with_capacity_and_unit_cost(
            self.tails, self.heads, self.capacities, self.costs
        )
        supplies = np.concatenate([np.full(n, k), -self.lower, [self.lower.sum() - k * n, 0]])
        solver.set_nodes_supplies(np.arange(n + m + 2), supplies.astype(np.int64))
        status = solver.solve()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
            raise AssignmentError(f"the flow solver stopped: {status}")
        self.flow = solver.flows(arcs)
        return self.flow

    def artificial(self, flow) -> bool:
        return bool(flow[self.first_artificial : self.first_artificial + self.n].any())

    def prices(self) -> np.ndarray:
        """Each juror's price (affinity units) from node potentials: shortest distances in
        the residual network (Bellman-Ford, from every node at once)."""
        forward = self.flow < self.capacities
        backward = self.flow > 0
        tails = np.concatenate([self.tails[forward], self.heads[backward]])
        heads = np.concatenate([self.heads[forward], self.tails[backward]])
        costs = np.concatenate([self.costs[forward], -self.costs[backward]])
        order = np.argsort(heads, kind="stable")
        tails, heads, costs = tails[order], heads[order], costs[order]
        targets, starts = np.unique(heads, return_index=True)
        distance = np.zeros(self.m + self.n + 2, dtype=np.int64)
        for _ in range(len(distance) + 1):
            best = np.minimum.reduceat(distance[tails] + costs, starts)
            better = best < distance[targets]
            if not better.any():
                break
            distance[targets[better]] = best[better]
        else:
            raise AssignmentError("the flow is not optimal (a negative cycle is left)")
        sink = self.n + self.m
        return (distance[sink] - distance[self.n : sink]) / self.scale


def assign(
    affinity: np.ndarray,
    k: int,
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    capacities: Sequence[int] | None = None,
    candidates: int = 40,
) -> Result:
    """The assignment of largest total affinity. ``affinity``: jurors × applications (NaN or
    -inf for a pair that may never be assigned); ``conflicts``: (juror, application) pairs;
    ``candidates``: jurors per application in the first flow (more are added while the
    jurors' prices show a pair left out that would raise the total)."""
    affinity = np.asarray(affinity, dtype=float)
    m, n = affinity.shape
    allowed = _feasible(affinity, k, conflicts, capacities)
    lower, upper = load_limits(m, n, k, capacities)
    weights = np.where(allowed, affinity, -np.inf)
    chosen = _first_candidates(weights, allowed, k, candidates, upper)
    network = _Network(weights, k, lower, upper)
    rounds = 0
    while True:
        rounds += 1
        rows, cols = np.nonzero(chosen)
        flow = network.solve(rows, cols)
        prices = network.prices()  # one per juror, in affinity units
        reduced = weights - prices[:, None]
        # an application's price is the least reduced affinity among its jurors: a pair left
        # out above it would raise the total
        used = flow[: len(rows)] > 0
        price = np.full(n, np.inf)
        np.minimum.at(price, cols[used], reduced[rows[used], cols[used]])
        improving = allowed & ~chosen & (reduced > price[None, :] + TOLERANCE)
        if not improving.any():
            break
        columns = np.flatnonzero(improving.any(axis=0))
        scores = np.where(improving[:, columns], reduced[:, columns], -np.inf)
        chosen[:, columns] |= _best_per_column(scores, 50)
    if network.artificial(flow):
        raise AssignmentError("no assignment meets the loads and the conflicts")
    picked = flow[: len(rows)] > 0
    pairs = list(zip(rows[picked].tolist(), cols[picked].tolist(), strict=True))
    loads = np.bincount(rows[picked], minlength=m)
    total = float(weights[rows[picked], cols[picked]].sum())
    bound = lagrangian_bound(weights, k, prices, lower, upper)
    return Result(pairs, total, max(bound, total), loads, rounds)


def greedy(
    affinity: np.ndarray,
    k: int,
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    capacities: Sequence[int] | None = None,
) -> Result:
    """The baseline: each application in turn takes its best jurors that still have room (and,
    when those left are in conflict, its best ones whatever their load)."""
    affinity = np.asarray(affinity, dtype=float)
    m, n = affinity.shape
    allowed = _allowed(affinity, conflicts)
    _lower, upper = load_limits(m, n, k, capacities)
    loads = np.zeros(m, dtype=int)
    pairs = []
    for application in range(n):
        order = np.argsort(-np.where(allowed[:, application], affinity[:, application], -np.inf))
        mine: list[int] = []
        for juror in order:
            if len(mine) == k or not allowed[juror, application]:
                break
            if loads[juror] < upper[juror]:
                mine.append(int(juror))
        # stuck (the jurors left with room are in conflict): over-load the best ones
        for juror in order:
            if len(mine) == k or not allowed[juror, application]:
                break
            if int(juror) not in mine:
                mine.append(int(juror))
        if len(mine) < k:
            raise AssignmentError(f"application {application} has fewer than {k} jurors")
        for juror in mine:
            pairs.append((juror, application))
            loads[juror] += 1
    total = float(sum(affinity[j, a] for j, a in pairs))
    return Result(pairs, total, math.nan, loads, 0)


def check(
    pairs: Iterable[tuple[int, int]],
    n_jurors: int,
    n_applications: int,
    k: int,
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    capacities: Sequence[int] | None = None,
    balanced: bool = True,
) -> list[str]:
    """What breaks the rules in an assignment (e.g. one changed by hand); empty when none."""
    pairs = list(pairs)
    problems = []
    conflicted = set(conflicts)
    if len(set(pairs)) != len(pairs):
        problems.append("a juror is assigned twice to the same application")
    for juror, application in sorted(set(pairs) & conflicted):
        problems.append(f"juror {juror} has a conflict with application {application}")
    per_application = np.bincount([a for _j, a in pairs], minlength=n_applications)
    for application in np.flatnonzero(per_application != k):
        count = int(per_application[application])
        problems.append(
            f"application {int(application)} has {count} juror{'s' if count != 1 else ''}; "
            f"it needs {k}"
        )
    loads = np.bincount([j for j, _a in pairs], minlength=n_jurors)
    if capacities is not None:
        for juror in np.flatnonzero(loads > np.asarray(capacities)):
            problems.append(
                f"juror {int(juror)} has {int(loads[juror])} applications; "
                f"the most is {capacities[juror]}"
            )
    elif balanced:
        lower, upper = load_limits(n_jurors, n_applications, k)
        for juror in np.flatnonzero((loads < lower) | (loads > upper)):
            problems.append(
                f"juror {int(juror)} has {int(loads[juror])} applications; loads must be "
                f"from {int(lower[juror])} to {int(upper[juror])}"
            )
    return problems


# ---------------------------------------------------------------------------------------
# Fairness: the worst-off application first


@dataclass(frozen=True)
class FairResult:
    result: Result  # the assignment, the floor held
    floor: float  # the worst application's affinity in it
    floor_bound: float  # an upper bound on the best achievable minimum (max-min LP)
    unconstrained: Result  # the assignment of largest total, without the floor

    @property
    def floor_ratio(self) -> float:
        return self.floor / self.floor_bound if self.floor_bound > 0 else 1.0

    @property
    def cost(self) -> float:
        """The share of total affinity that the floor costs."""
        best = self.unconstrained.total
        return 1 - self.result.total / best if best > 0 else 0.0


def _sums(pairs, affinity) -> np.ndarray:
    sums = np.zeros(affinity.shape[1])
    for juror, application in pairs:
        sums[application] += affinity[juror, application]
    return sums


def fair_assign(
    affinity: np.ndarray,
    k: int,
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    capacities: Sequence[int] | None = None,
    bound_rounds: int = 30,
) -> FairResult:
    """Maximise the worst-off application's affinity first, then the total above that floor.

    1. From the assignment of largest total, exchanges raise the worst application's
       affinity one juror at a time (a juror moves, or two jurors swap applications) while
       no other application falls to the floor, until none does.
    2. The total is then recovered: the flow assigns every application freely, except those
       that would fall below the floor, which keep their jurors from step 1.
    The bound: for any weights on applications (a distribution), the best weighted total is
    at least the max-min optimum; multiplicative weights tighten it over ``bound_rounds``
    flows."""
    affinity = np.asarray(affinity, dtype=float)
    conflicts = set(conflicts)
    m, n = affinity.shape
    allowed = _feasible(affinity, k, conflicts, capacities)
    lower, upper = load_limits(m, n, k, capacities)
    values = np.where(allowed, affinity, 0.0)
    best = assign(affinity, k, conflicts=conflicts, capacities=capacities)
    chosen = _raise_the_floor(best.pairs, values, allowed, lower, upper)
    sums = (values * chosen).sum(axis=0)
    floor = float(sums.min())
    # step 2: the total above the floor
    kept = np.zeros(n, dtype=bool)
    while True:
        restricted = np.where(~kept[None, :] | chosen, affinity, -np.inf)
        result = assign(restricted, k, conflicts=conflicts, capacities=capacities)
        below = _sums(result.pairs, values) < floor - TOLERANCE
        if not below.any():
            break
        kept |= below
    bound = _max_min_bound(affinity, values, k, conflicts, capacities, bound_rounds)
    # the bound of the flow with the floor fixed is not the LP's: say the full optimum's
    result = Result(result.pairs, result.total, best.bound, result.loads, result.rounds)
    return FairResult(result, floor, max(bound, floor), best)


def _raise_the_floor(pairs, values, allowed, lower, upper) -> np.ndarray:
    m, n = values.shape
    chosen = np.zeros((m, n), dtype=bool)
    for juror, application in pairs:
        chosen[juror, application] = True
    sums = (values * chosen).sum(axis=0)
    loads = chosen.sum(axis=1)
    stuck: set[int] = set()
    while True:
        worst = next((int(a) for a in np.argsort(sums, kind="stable") if int(a) not in stuck), None)
        if worst is None:
            return chosen
        if _improve(worst, chosen, sums, loads, values, allowed, lower, upper):
            stuck.clear()
        else:
            stuck.add(worst)
            if len(stuck) > 1 and sums[worst] > sums.min() + TOLERANCE:
                return chosen  # the worst is stuck: nothing above it matters for the floor


def _improve(a, chosen, sums, loads, values, allowed, lower, upper) -> bool:
    """One exchange that raises application ``a`` and leaves every other above its old
    affinity; False when there is none."""
    floor = sums[a]
    mine = np.flatnonzero(chosen[:, a])
    others = np.flatnonzero(allowed[:, a] & ~chosen[:, a])
    gains = values[others, a][None, :] - values[mine, a][:, None]
    for flat in np.argsort(-gains, axis=None, kind="stable"):
        i, o = divmod(int(flat), len(others))
        gain = gains[i, o]
        if gain <= TOLERANCE:
            return False
        old, new = int(mine[i]), int(others[o])
        if loads[new] < upper[new] and loads[old] > lower[old]:
            chosen[old, a], chosen[new, a] = False, True
            loads[old] -= 1
            loads[new] += 1
            sums[a] += gain
            return True
        # swap: the new juror hands one of their applications to the old one
        theirs = np.flatnonzero(chosen[new] & ~chosen[old] & allowed[old])
        if theirs.size == 0:
            continue
        after = sums[theirs] - values[new, theirs] + values[old, theirs]
        pick = int(np.argmax(after))
        if after[pick] > floor + TOLERANCE:
            b = int(theirs[pick])
            chosen[old, a], chosen[new, a] = False, True
            chosen[new, b], chosen[old, b] = False, True
            sums[a] += gain
            sums[b] = after[pick]
            return True
    return False


def _max_min_bound(affinity, values, k, conflicts, capacities, rounds) -> float:
    """An upper bound on the best achievable minimum: the max-min linear programme itself
    (interior point, HiGHS) up to ``EXACT_PAIRS`` allowed pairs; beyond, the least of the
    best λ-weighted totals over application weights λ (a distribution) found by
    multiplicative weights, each of which bounds the max-min optimum."""
    m, n = affinity.shape
    allowed = np.isfinite(affinity)
    for juror, application in conflicts:
        allowed[juror, application] = False
    if allowed.sum() <= EXACT_PAIRS:
        return _max_min_programme(values, allowed, k, *load_limits(m, n, k, capacities))
    weights = np.full(n, 1.0 / n)
    bound = np.inf
    for _ in range(max(rounds, 1)):
        top = weights.max()
        result = assign(affinity * (weights / top)[None, :], k, conflicts=conflicts,
                        capacities=capacities)  # fmt: skip
        bound = min(bound, result.bound * top / weights.sum())
        sums = _sums(result.pairs, values)
        spread = sums.std()
        if spread <= TOLERANCE:
            break
        weights = weights * np.exp(-0.5 * (sums - sums.mean()) / spread)
        weights /= weights.sum()
    return float(bound)


EXACT_PAIRS = 300_000


def _max_min_programme(values, allowed, k, lower, upper) -> float:
    from scipy import sparse
    from scipy.optimize import linprog

    m, n = values.shape
    rows, cols = np.nonzero(allowed)
    count = len(rows)
    index = np.arange(count)
    column = sparse.csr_matrix(np.ones((n, 1)))
    per_application = sparse.csr_matrix((np.ones(count), (cols, index)), shape=(n, count))
    per_juror = sparse.csr_matrix((np.ones(count), (rows, index)), shape=(m, count))
    affinity = sparse.csr_matrix((values[rows, cols], (cols, index)), shape=(n, count))
    no_floor = sparse.csr_matrix((m, 1))
    objective = np.zeros(count + 1)
    objective[-1] = -1.0  # maximise the floor t
    result = linprog(
        objective,
        A_ub=sparse.vstack(
            [
                sparse.hstack([per_juror, no_floor]),
                sparse.hstack([-per_juror, no_floor]),
                sparse.hstack([-affinity, column]),  # t ≤ each application's affinity
            ]
        ).tocsr(),  # fmt: skip
        b_ub=np.concatenate([upper, -lower, np.zeros(n)]),
        A_eq=sparse.hstack([per_application, sparse.csr_matrix((n, 1))]).tocsr(),
        b_eq=np.full(n, float(k)),
        bounds=[(0, 1)] * count + [(None, None)],
        method="highs-ipm",
    )
    if result.status != 0:
        raise AssignmentError("the max-min programme could not be solved")
    return float(-result.fun) + 1e-7  # the interior point's tolerance, on the safe side


# ---------------------------------------------------------------------------------------
# Randomised assignment: no pair more likely than a cap


@dataclass(frozen=True)
class RandomisedResult:
    result: Result  # one assignment drawn
    probabilities: np.ndarray  # jurors × applications: the chance of each pair
    expected: float  # the expected total affinity (the linear programme's optimum)


def randomised_assign(
    affinity: np.ndarray,
    k: int,
    cap: float,
    *,
    conflicts: Iterable[tuple[int, int]] = (),
    capacities: Sequence[int] | None = None,
    seed: int | None = None,
) -> RandomisedResult:
    """An assignment drawn so that no juror–application pair has a probability above
    ``cap`` (so that nobody can count on reviewing a given application), with the largest
    expected total affinity: the linear programme with every pair capped at ``cap`` gives
    the probabilities, and dependent rounding draws an assignment with exactly those
    marginals (each application keeps k jurors; each juror's load stays between the floor
    and the ceiling of its expected load)."""
    if not 0 < cap <= 1:
        raise AssignmentError("the cap on a pair's probability must be above 0 and at most 1")
    affinity = np.asarray(affinity, dtype=float)
    m, n = affinity.shape
    allowed = _feasible(affinity, k, conflicts, capacities)
    short = np.flatnonzero(allowed.sum(axis=0) * cap < k - TOLERANCE)
    if short.size:
        raise AssignmentError(
            f"application {int(short[0])} has {int(allowed[:, short[0]].sum())} jurors "
            f"without a conflict: with each pair at most {cap:g} likely, it needs "
            f"{math.ceil(k / cap)}"
        )
    lower, upper = load_limits(m, n, k, capacities)
    rows, cols = np.nonzero(allowed)
    x = _capped_programme(affinity[rows, cols], rows, cols, m, n, k, lower, upper, cap)
    probabilities = np.zeros((m, n))
    probabilities[rows, cols] = x
    drawn = _dependent_rounding(rows, cols, x.copy(), np.random.default_rng(seed))
    picked = drawn > 0.5
    pairs = list(zip(rows[picked].tolist(), cols[picked].tolist(), strict=True))
    expected = float(affinity[rows, cols] @ x)
    total = float(affinity[rows[picked], cols[picked]].sum())
    loads = np.bincount(rows[picked], minlength=m)
    return RandomisedResult(Result(pairs, total, expected, loads, 1), probabilities, expected)


def _capped_programme(w, rows, cols, m, n, k, lower, upper, cap) -> np.ndarray:
    from scipy import sparse
    from scipy.optimize import linprog

    count = len(w)
    index = np.arange(count)
    per_application = sparse.csr_matrix((np.ones(count), (cols, index)), shape=(n, count))
    per_juror = sparse.csr_matrix((np.ones(count), (rows, index)), shape=(m, count))
    result = linprog(
        -w,
        A_ub=sparse.vstack([per_juror, -per_juror]).tocsr(),
        b_ub=np.concatenate([upper, -lower]),
        A_eq=per_application,
        b_eq=np.full(n, float(k)),
        bounds=(0, cap),
        method="highs-ds",
    )
    if result.status != 0:
        raise AssignmentError("no assignment meets the loads, the conflicts and the cap")
    return np.clip(result.x, 0.0, cap)


def _dependent_rounding(rows, cols, x, rng, eps=1e-9) -> np.ndarray:
    """Round a fractional bipartite assignment keeping each pair's probability (Gandhi et
    al.): walk a cycle or a maximal path of fractional pairs, shift their values
    alternately up and down until one is 0 or 1, at random in proportion so that the
    expectation is unchanged."""
    x[x < eps] = 0.0
    x[x > 1 - eps] = 1.0
    m_offset = int(cols.max()) + 1 if len(cols) else 0  # jurors as nodes after applications
    adjacent: dict[int, set[int]] = {}
    ends = {}
    for e in np.flatnonzero((x > 0) & (x < 1)).tolist():
        a, j = int(cols[e]), m_offset + int(rows[e])
        adjacent.setdefault(a, set()).add(e)
        adjacent.setdefault(j, set()).add(e)
        ends[e] = (a, j)

    def drop(e):
        for node in ends.pop(e):
            adjacent[node].discard(e)
            if not adjacent[node]:
                del adjacent[node]

    while adjacent:
        start = next((v for v, es in adjacent.items() if len(es) == 1), next(iter(adjacent)))
        walk, seen, node = [], {start: 0}, start
        while True:
            e = next((e for e in adjacent.get(node, ()) if not walk or e != walk[-1]), None)
            if e is None:
                break  # a maximal path
            walk.append(e)
            a, j = ends[e]
            node = j if node == a else a
            if node in seen:
                walk = walk[seen[node] :]  # a cycle
                break
            seen[node] = len(walk)
        up, down = walk[0::2], walk[1::2]
        alpha = min([1 - x[e] for e in up] + [x[e] for e in down])
        beta = min([x[e] for e in up] + [1 - x[e] for e in down])
        if rng.random() < beta / (alpha + beta):
            x[up] += alpha
            x[down] -= alpha
        else:
            x[up] -= beta
            x[down] += beta
        for e in walk:
            if x[e] < eps or x[e] > 1 - eps:
                x[e] = round(x[e])
                drop(e)
    return x
