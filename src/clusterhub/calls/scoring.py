"""Scores of a jury: rubric totals, calibration of jurors and rankings with their uncertainty.

Pure: no Django import. Jurors differ: one gives 8s where another gives 5s (an offset), one
uses the whole scale, another three points of it (a spread). Raw means reward the luck of
being assigned lenient jurors; calibration removes it.

- ``weighted``: a review's total from its criteria's scores and weights (0–100).
- ``z_scores``: each juror's scores centred on their own mean and divided by their own
  spread.
- ``juror_bias``: the least-squares model score = quality(application) + offset(juror) +
  noise, offsets summing to zero; the application's quality is its calibrated score.
- ``rank_intervals``: ranks recomputed on bootstrap resamples of each application's
  reviews (offsets kept), the 5th–95th percentile of each application's rank, and whether
  the top N can be told apart from the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import lsqr


class RubricError(ValueError):
    """A rubric or a score that breaks the rules; ``field`` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: Decimal  # the weights of a rubric sum to 100
    lowest: int = 0
    highest: int = 10


def check_rubric(criteria: Sequence[Criterion]) -> None:
    if not criteria:
        raise RubricError("criteria", "a rubric needs at least one criterion")
    keys = [c.key for c in criteria]
    if len(set(keys)) != len(keys):
        raise RubricError("criteria", "two criteria have the same key")
    for c in criteria:
        if c.weight <= 0:
            raise RubricError(c.key, f"the weight of “{c.key}” must be above 0")
        if c.highest <= c.lowest:
            raise RubricError(c.key, f"the scale of “{c.key}” must go up")
    total = sum((c.weight for c in criteria), Decimal(0))
    if total != 100:
        raise RubricError("criteria", f"the weights sum to {total}; they must sum to 100")


def weighted(criteria: Sequence[Criterion], scores: dict[str, int]) -> float:
    """A review's total on 0–100: each criterion's score placed on its scale, weighted."""
    total = 0.0
    for c in criteria:
        if c.key not in scores or scores[c.key] is None:
            raise RubricError(c.key, f"“{c.key}” has no score")
        value = scores[c.key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise RubricError(c.key, f"the score of “{c.key}” must be a whole number")
        if not c.lowest <= value <= c.highest:
            raise RubricError(
                c.key, f"the score of “{c.key}” must be from {c.lowest} to {c.highest}"
            )
        total += float(c.weight) * (value - c.lowest) / (c.highest - c.lowest)
    return total


@dataclass(frozen=True)
class Review:
    juror: int | str
    application: int | str
    score: float


def raw_means(reviews: Iterable[Review]) -> dict:
    per: dict = defaultdict(list)
    for r in reviews:
        per[r.application].append(r.score)
    return {a: float(np.mean(s)) for a, s in per.items()}


def z_scores(reviews: Sequence[Review]) -> dict:
    """Each application's mean of its reviews in its jurors' own units (z-scores); a juror
    with a single review, or who gave one value throughout, keeps only the offset."""
    per_juror: dict = defaultdict(list)
    for r in reviews:
        per_juror[r.juror].append(r.score)
    centre = {j: float(np.mean(s)) for j, s in per_juror.items()}
    spread = {j: float(np.std(s)) for j, s in per_juror.items()}
    per: dict = defaultdict(list)
    for r in reviews:
        s = spread[r.juror]
        per[r.application].append((r.score - centre[r.juror]) / (s if s > 1e-9 else 1.0))
    return {a: float(np.mean(v)) for a, v in per.items()}


@dataclass(frozen=True)
class Calibration:
    quality: dict  # application → calibrated score (on the scale of the scores)
    offset: dict  # juror → how much higher than the others they score (sums to 0)


def juror_bias(reviews: Sequence[Review]) -> Calibration:
    """Least squares: score = quality(application) + offset(juror), offsets summing to zero
    (a constraint row with a large weight). Jurors who share no application with the others
    cannot be compared; their offsets stay near zero."""
    applications = sorted({r.application for r in reviews}, key=str)
    jurors = sorted({r.juror for r in reviews}, key=str)
    a_index = {a: i for i, a in enumerate(applications)}
    j_index = {j: i for i, j in enumerate(jurors)}
    n_a, n_j, n_r = len(applications), len(jurors), len(reviews)
    rows = np.repeat(np.arange(n_r), 2)
    cols = np.empty(2 * n_r, dtype=int)
    cols[0::2] = [a_index[r.application] for r in reviews]
    cols[1::2] = [n_a + j_index[r.juror] for r in reviews]
    design = sparse.csr_matrix((np.ones(2 * n_r), (rows, cols)), shape=(n_r, n_a + n_j))
    weight = 10.0 * np.sqrt(n_r)
    constraint = sparse.csr_matrix(
        (np.full(n_j, weight), (np.zeros(n_j, dtype=int), n_a + np.arange(n_j))),
        shape=(1, n_a + n_j),
    )
    target = np.array([r.score for r in reviews] + [0.0])
    # a light ridge on the offsets keeps jurors without overlap at zero
    ridge = sparse.csr_matrix(
        (np.full(n_j, 1e-6), (np.arange(n_j), n_a + np.arange(n_j))), shape=(n_j, n_a + n_j)
    )
    solution = lsqr(
        sparse.vstack([design, constraint, ridge]).tocsr(),
        np.concatenate([target, np.zeros(n_j)]),
        atol=1e-12,
        btol=1e-12,
        iter_lim=10_000,
    )[0]
    return Calibration(
        {a: float(solution[i]) for a, i in a_index.items()},
        {j: float(solution[n_a + i]) for j, i in j_index.items()},
    )


@dataclass(frozen=True)
class Ranked:
    application: int | str
    score: float
    rank: int  # 1 is the best
    low: int  # best rank in 90% of the resamples
    high: int  # worst rank in 90% of the resamples


@dataclass(frozen=True)
class Ranking:
    rows: list[Ranked]
    top: int
    separable: bool  # whether the top N are told apart from the others in 90% of resamples
    overlapping: list  # applications outside the top N that could be in it, and vice versa


def rank_intervals(
    reviews: Sequence[Review], top: int = 3, resamples: int = 1000, seed: int = 0
) -> Ranking:
    """The calibrated ranking and, for each application, the range of ranks it takes when
    each application's reviews are resampled with replacement (juror offsets kept)."""
    calibration = juror_bias(reviews)
    per: dict = defaultdict(list)
    for r in reviews:
        per[r.application].append(r.score - calibration.offset[r.juror])
    applications = sorted(per, key=lambda a: (-calibration.quality[a], str(a)))
    rng = np.random.default_rng(seed)
    draws = np.empty((resamples, len(applications)))
    for i, a in enumerate(applications):
        values = np.asarray(per[a])
        picks = rng.integers(0, len(values), size=(resamples, len(values)))
        draws[:, i] = values[picks].mean(axis=1)
    # ranks in each resample (1 = best); ties broken by the calibrated order
    order = np.argsort(-draws, axis=1, kind="stable")
    ranks = np.empty_like(order)
    ranks[np.arange(resamples)[:, None], order] = np.arange(1, len(applications) + 1)
    low = np.percentile(ranks, 5, axis=0, method="lower").astype(int)
    high = np.percentile(ranks, 95, axis=0, method="higher").astype(int)
    rows = [
        Ranked(a, calibration.quality[a], i + 1, int(low[i]), int(high[i]))
        for i, a in enumerate(applications)
    ]
    top = min(top, len(rows))
    overlapping = [r.application for r in rows[:top] if r.high > top] + [
        r.application for r in rows[top:] if r.low <= top
    ]
    return Ranking(rows, top, not overlapping, overlapping)
