"""How well a juror's expertise fits an application, on 0–1, and why.

Pure: no Django import. Three parts, each on 0–1:
- ecosystems shared (the share of the application's ecosystems the juror covers);
- technologies shared (likewise);
- words: cosine similarity of TF-IDF vectors of the juror's stated expertise and the
  application's text (its answers and the applicant's description).
The affinity is their weighted mean over the parts that both sides describe, so that a juror
who states no technologies is not penalised on an application about technologies.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

WEIGHTS = {"ecosystems": 0.4, "technologies": 0.3, "words": 0.3}
_WORD = re.compile(r"[a-z]{3,}")
STOPWORDS = frozenset(
    {
        "the", "and", "for", "with", "from", "that", "this", "are", "was", "were", "have",
        "has", "our", "their", "its", "into", "over", "all", "les", "des", "une", "pour",
        "avec", "dans", "par", "sur", "est", "sont", "aux", "qui", "que", "nous", "vos", "leur",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Profile:
    ecosystems: frozenset = field(default_factory=frozenset)
    technologies: frozenset = field(default_factory=frozenset)
    text: str = ""


def terms(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return [w.removesuffix("s") for w in _WORD.findall(plain) if w not in STOPWORDS]


def _tfidf(texts: list[str], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    vectors = np.zeros((len(texts), len(vocabulary)))
    for row, text in enumerate(texts):
        for term, count in Counter(terms(text)).items():
            if term in vocabulary:
                vectors[row, vocabulary[term]] = (1 + math.log(count)) * idf[vocabulary[term]]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1)


def _coverage(jurors: list[frozenset], applications: list[frozenset]) -> np.ndarray:
    """Share of each application's items that each juror has (NaN when either has none)."""
    out = np.full((len(jurors), len(applications)), np.nan)
    for a, wanted in enumerate(applications):
        if not wanted:
            continue
        for j, have in enumerate(jurors):
            if have:
                out[j, a] = len(have & wanted) / len(wanted)
    return out


def matrix(jurors: list[Profile], applications: list[Profile]) -> np.ndarray:
    """Jurors × applications affinities on 0–1."""
    m, n = len(jurors), len(applications)
    if not m or not n:
        return np.zeros((m, n))
    documents = [terms(p.text) for p in applications] + [terms(p.text) for p in jurors]
    frequency = Counter(t for doc in documents for t in set(doc))
    vocabulary = {t: i for i, t in enumerate(sorted(frequency))}
    idf = np.array([math.log((1 + len(documents)) / (1 + frequency[t])) + 1 for t in vocabulary])
    words = np.full((m, n), np.nan)
    if vocabulary:
        juror_vectors = _tfidf([p.text for p in jurors], vocabulary, idf)
        application_vectors = _tfidf([p.text for p in applications], vocabulary, idf)
        words = juror_vectors @ application_vectors.T
        has_juror = juror_vectors.any(axis=1)
        has_application = application_vectors.any(axis=1)
        words[~has_juror, :] = np.nan
        words[:, ~has_application] = np.nan
    parts = {
        "ecosystems": _coverage([p.ecosystems for p in jurors],
                                [p.ecosystems for p in applications]),
        "technologies": _coverage([p.technologies for p in jurors],
                                  [p.technologies for p in applications]),
        "words": words,
    }  # fmt: skip
    total = np.zeros((m, n))
    weight = np.zeros((m, n))
    for name, values in parts.items():
        known = ~np.isnan(values)
        total[known] += WEIGHTS[name] * values[known]
        weight[known] += WEIGHTS[name]
    return np.where(weight > 0, total / np.where(weight > 0, weight, 1), 0.0)
