"""Opinion groups from agree / disagree / pass votes on short statements (as Pol.is does).

Pure: no Django import. Votes in (participant, statement, +1 agree / -1 disagree / 0 pass),
groups out: each participant's place on a two-dimensional map, their group, and for every
statement how each group voted; the statements every group agrees on (consensus) and those
that divide the groups most.

- The vote matrix (participants × statements; a statement not seen counts as 0) is centred
  per statement and projected on its two first principal components.
- Participants with fewer than ``min_votes`` votes are placed but not grouped.
- Groups: k-means on the projection for k = 2…``max_groups``, the k of best silhouette.
- A statement is a consensus when, in every group, at least ``agree_share`` of those who
  voted on it agreed (and at least ``min_group_votes`` voted).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StatementView:
    statement: Hashable
    agree: list[float]  # share agreeing, per group (of those who voted in the group)
    votes: list[int]  # votes per group


@dataclass(frozen=True)
class Opinions:
    participants: list[Hashable]
    coordinates: np.ndarray  # participants × 2
    groups: np.ndarray  # group of each participant (-1: too few votes)
    statements: list[StatementView]
    consensus: list[Hashable]
    divisive: list[Hashable]  # most divisive first


def groups(
    votes: Iterable[tuple[Hashable, Hashable, int]], *, max_groups: int = 5, min_votes: int = 3,
    agree_share: float = 0.6, min_group_votes: int = 3, seed: int = 0,
) -> Opinions:  # fmt: skip
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    votes = list(votes)
    people = sorted({p for p, _s, _v in votes}, key=str)
    statements = sorted({s for _p, s, _v in votes}, key=str)
    p_index = {p: i for i, p in enumerate(people)}
    s_index = {s: i for i, s in enumerate(statements)}
    matrix = np.zeros((len(people), len(statements)))
    seen = np.zeros_like(matrix, dtype=bool)
    for person, statement, value in votes:
        matrix[p_index[person], s_index[statement]] = max(-1, min(1, value))
        seen[p_index[person], s_index[statement]] = True
    if not people or not statements:
        return Opinions(people, np.zeros((len(people), 2)), np.full(len(people), -1), [], [], [])
    centred = matrix - matrix.mean(axis=0)
    parts = min(2, *centred.shape)
    coordinates = np.zeros((len(people), 2))
    if parts >= 1:
        coordinates[:, :parts] = PCA(parts, random_state=seed).fit_transform(centred)
    active = seen.sum(axis=1) >= min_votes
    labels = np.full(len(people), -1)
    best = None
    points = coordinates[active]
    distinct = len(np.unique(points.round(9), axis=0)) if len(points) else 0
    for k in range(2, min(max_groups, len(points) - 1, distinct) + 1):
        model = KMeans(k, n_init=4, random_state=seed).fit(points)
        if len(set(model.labels_)) < 2:
            continue
        score = silhouette_score(points, model.labels_)
        if best is None or score > best[0]:
            best = (score, model)
    if best is not None:
        labels[active] = best[1].labels_
    else:
        labels[active] = 0
    count = int(labels.max()) + 1 if (labels >= 0).any() else 0
    views, consensus, spread = [], [], []
    for j, statement in enumerate(statements):
        agree, numbers = [], []
        for g in range(count):
            members = (labels == g) & seen[:, j]
            n = int(members.sum())
            numbers.append(n)
            agree.append(float((matrix[members, j] > 0).mean()) if n else 0.0)
        views.append(StatementView(statement, agree, numbers))
        if count and all(n >= min_group_votes for n in numbers) and min(agree) >= agree_share:
            consensus.append(statement)
        if count > 1 and all(n >= min_group_votes for n in numbers):
            spread.append((max(agree) - min(agree), statement))
    divisive = [s for _gap, s in sorted(spread, key=lambda x: -x[0])]
    return Opinions(people, coordinates, labels, views, consensus, divisive)
