"""Assigning jurors to applications: every application gets k jurors, nobody judges an
application they are in conflict with, loads are even (within one of each other) or under
each juror's capacity, and the total affinity is the largest possible — with a proof.

Pure: no Django import. Data in (an affinity matrix, the conflicts, k, capacities), data out.

The problem is a transportation problem: its linear programme has integral vertices, so the
simplex (HiGHS, through SciPy) gives an optimal assignment directly. At conference size the
matrix has millions of pairs; the programme is then solved on each application's most
affine jurors, and the dual solution proves that no pair left out could raise the total
(every left-out pair has a non-positive reduced cost); pairs that would are added and the
programme is solved again until the proof holds. ``Result.bound`` is the optimum of the full
linear programme, so ``total / bound`` is the certificate (1.0 when proven optimal).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

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
    ``candidates``: jurors per application in the first programme (more are added when the
    proof asks for them)."""
    affinity = np.asarray(affinity, dtype=float)
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
    lower, upper = load_limits(m, n, k, capacities)
    if upper.sum() < k * n:
        raise AssignmentError(f"the jurors can take {int(upper.sum())} reviews; {k * n} are needed")
    weights = np.where(allowed, affinity, -np.inf)
    # first candidates: each application's best jurors
    take = min(max(candidates, k), m)
    chosen = np.zeros_like(allowed)
    best = np.argpartition(-weights, take - 1, axis=0)[:take]
    chosen[best, np.arange(n)] = True
    chosen &= allowed
    rounds = 0
    while True:
        rounds += 1
        rows, cols = np.nonzero(chosen)
        solution, duals = _solve(weights[rows, cols], rows, cols, m, n, k, lower, upper)
        if solution is None:
            if chosen.sum() == allowed.sum():
                raise AssignmentError("no assignment meets the loads and the conflicts")
            chosen = allowed.copy()  # the candidates were too few to be feasible: take all
            continue
        u_app, v_low, v_up = duals
        # reduced cost of every pair left out (maximisation): w - u_a - v_j; > 0 could help
        reduced = weights - u_app[None, :] - (v_up - v_low)[:, None]
        improving = allowed & ~chosen & (reduced > TOLERANCE)
        if not improving.any():
            break
        chosen |= improving
    picked = solution > 0.5
    pairs = list(zip(rows[picked].tolist(), cols[picked].tolist(), strict=True))
    loads = np.bincount(rows[picked], minlength=m)
    total = float(weights[rows[picked], cols[picked]].sum())
    bound = float(weights[rows, cols] @ solution)
    return Result(pairs, total, bound, loads, rounds)


def _solve(w, rows, cols, m, n, k, lower, upper):
    """The linear programme on the given pairs: (x, (application duals, lower-load duals,
    upper-load duals)) with duals for a maximisation, or (None, None) when infeasible."""
    count = len(w)
    index = np.arange(count)
    per_application = sparse.csr_matrix((np.ones(count), (cols, index)), shape=(n, count))
    per_juror = sparse.csr_matrix((np.ones(count), (rows, index)), shape=(m, count))
    a_ub = sparse.vstack([per_juror, -per_juror]).tocsr()
    b_ub = np.concatenate([upper, -lower])
    result = linprog(
        -w,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=per_application,
        b_eq=np.full(n, float(k)),
        bounds=(0, 1),
        method="highs-ds",  # the dual simplex ends on a vertex: an integral assignment
    )
    if result.status != 0:
        return None, None
    # SciPy's marginals are for the minimisation of -w: negate for the maximisation
    u_app = -result.eqlin.marginals
    up = -result.ineqlin.marginals[:m]
    low = result.ineqlin.marginals[m:]
    return result.x, (u_app, low, up)


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
