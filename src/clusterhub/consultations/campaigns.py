"""Campaigns: the same text pasted by many respondents, with small edits. Found, counted and
disclosed in the results, never deleted.

Pure: no Django import. Texts in, groups of near-identical texts out.

Each text is folded (case, accents, punctuation and spacing) and turned into a TF-IDF vector
of its characters' 4-grams; two texts are near-identical when their cosine similarity is at
least ``threshold``; campaigns are the connected groups of near-identical texts with at least
``min_size`` members. Short texts ("yes", "no opinion") are left out: they are alike by
nature, not by copy.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_SPACE = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return _SPACE.sub(" ", plain).strip()


@dataclass(frozen=True)
class Campaign:
    members: list[int]  # indices of the texts, the most typical first
    example: int  # the member nearest to all the others


def find(
    texts: Sequence[str], *, threshold: float = 0.85, min_size: int = 3, min_words: int = 15
) -> list[Campaign]:
    from scipy.sparse.csgraph import connected_components
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    cleaned = [normalise(t) for t in texts]
    index = np.array([i for i, t in enumerate(cleaned) if len(t.split()) >= min_words])
    if len(index) < min_size:
        return []
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(4, 4), sublinear_tf=True).fit_transform(
        [cleaned[i] for i in index]
    )
    graph = (
        NearestNeighbors(radius=1 - threshold, metric="cosine", algorithm="brute")
        .fit(vectors)
        .radius_neighbors_graph(vectors, mode="connectivity")
    )
    count, labels = connected_components(graph, directed=False)
    sizes = np.bincount(labels, minlength=count)
    campaigns = []
    for label in np.flatnonzero(sizes >= min_size):
        rows = np.flatnonzero(labels == label)
        block = vectors[rows]
        centrality = np.asarray((block @ block.T).sum(axis=1)).ravel()
        order = rows[np.argsort(-centrality, kind="stable")]
        campaigns.append(Campaign(index[order].tolist(), int(index[order[0]])))
    campaigns.sort(key=lambda c: -len(c.members))
    return campaigns
