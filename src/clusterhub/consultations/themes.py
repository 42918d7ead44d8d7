"""Themes in free-text answers: which answers say the same thing, in a few words each.

Pure: no Django import. Texts in (English and French), themes out: for each theme its key
terms, its answers and its three most representative answers.

- Text is folded (lower case, accents removed), French and English stop words dropped, light
  stemming (plurals, common endings) so that "financements" and "financement" meet, and
  French–English cognates ("gouvernance", "governance") share character n-grams.
- Each answer becomes a TF-IDF vector of its characters' 3–5-grams (within words, after
  folding, stop words and stemming), reduced by latent semantic analysis (truncated SVD) and
  normalised. Character n-grams rather than words: measured on answers in two languages, they
  keep a theme whole across French and English (cognates, shared roots) where word vectors
  split it by language (adjusted Rand index about 0.99 against 0.8, bench/consultations.py).
- Answers are grouped by k-means for each k from 2 to ``max_themes``; the k kept is the
  smallest whose silhouette (cosine, on the reduced vectors) is within 0.02 of the best —
  chosen, not given, and no theme split without cause.
- Key terms: the words with the highest mean TF-IDF in the theme relative to the others.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ENGLISH = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers him his how i if in into is it its
    itself just more most my no nor not now of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your should must need needs also like well much many would""".split()  # noqa: SIM905
)
FRENCH = frozenset(
    """a au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les
    leur leurs lui ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui
    sa se ses son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y ete etre
    avoir fait faire plus moins tres tout tous toute toutes sont est sera seront etait ont
    comme aussi bien sans entre chez dont doit doivent faut peut peuvent encore ainsi alors
    donc car si ni cela ceci celui celle ceux celles il elle nous leur afin notamment""".split()  # noqa: SIM905
)
STOPWORDS = ENGLISH | FRENCH
_WORD = re.compile(r"[a-z]{2,}")
_ENDINGS = ("ements", "ement", "ations", "ation", "ities", "ites", "ite", "ity", "ing",
            "ies", "es", "s", "e")  # fmt: skip


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in plain if not unicodedata.combining(ch))


def stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOPWORDS]


@dataclass(frozen=True)
class Theme:
    label: int
    terms: list[str]  # key terms, most distinctive first
    members: list[int]  # indices of the answers in it
    quotes: list[int]  # the three answers nearest its centre


@dataclass(frozen=True)
class Themes:
    labels: np.ndarray  # one theme per answer (-1: too short to place)
    themes: list[Theme]
    silhouette: float  # of the chosen k
    tried: dict[int, float]  # k → silhouette


def extract(texts: Sequence[str], *, max_themes: int = 12, seed: int = 0) -> Themes:
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import normalize

    tokens = [" ".join(words(t)) for t in texts]
    placed = np.array([bool(t.strip()) for t in tokens])
    labels = np.full(len(texts), -1)
    index = np.flatnonzero(placed)
    if len(index) < 4:
        labels[index] = 0
        members = index.tolist()
        return Themes(labels, [Theme(0, [], members, members[:3])] if members else [], 0.0, {})
    docs = [tokens[i] for i in index]
    word_vectorizer = TfidfVectorizer(min_df=2 if len(docs) >= 20 else 1, sublinear_tf=True,
                                      token_pattern=r"\S+")  # fmt: skip
    word_matrix = word_vectorizer.fit_transform(docs)
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                 sublinear_tf=True, max_features=50_000)  # fmt: skip
    char_matrix = characters.fit_transform(docs)
    matrix = char_matrix.tocsr()  # words only name the themes (see the module's note)
    dims = max(2, min(100, matrix.shape[1] - 1, len(docs) - 1))
    reduced = normalize(TruncatedSVD(dims, random_state=seed).fit_transform(matrix))
    sample = (
        reduced
        if len(docs) <= 3000
        else reduced[np.random.default_rng(seed).choice(len(docs), 3000, replace=False)]
    )
    tried: dict[int, float] = {}
    best = None
    distinct = len(np.unique(reduced.round(9), axis=0))
    for k in range(2, min(max_themes, len(docs) - 1, distinct) + 1):
        model = KMeans(k, n_init=4, random_state=seed).fit(reduced)
        sample_labels = model.labels_ if len(docs) <= 3000 else model.predict(sample)
        if len(set(sample_labels)) < 2:
            continue
        score = float(silhouette_score(sample, sample_labels, metric="cosine"))
        tried[k] = round(score, 4)
        if best is None or score > best[0]:
            best = (score, k, model)
    # the fewest themes whose silhouette is within 0.02 of the best: no split without cause
    top = best[0]
    for k_small in sorted(tried):
        if tried[k_small] >= top - 0.02:
            if k_small != best[1]:
                model = KMeans(k_small, n_init=4, random_state=seed).fit(reduced)
                best = (tried[k_small], k_small, model)
            break
    score, k, model = best
    labels[index] = model.labels_
    vocabulary = np.array(word_vectorizer.get_feature_names_out())
    mean_all = np.asarray(word_matrix.mean(axis=0)).ravel()
    themes = []
    for label in range(k):
        rows = np.flatnonzero(model.labels_ == label)
        mean_theme = np.asarray(word_matrix[rows].mean(axis=0)).ravel()
        distinct = mean_theme - mean_all
        top = [vocabulary[i] for i in np.argsort(-distinct)[:8] if distinct[i] > 0]
        centre = normalize(model.cluster_centers_[label : label + 1])[0]
        nearest = rows[np.argsort(-(reduced[rows] @ centre))[:3]]
        themes.append(Theme(label, top, index[rows].tolist(), index[nearest].tolist()))
    themes.sort(key=lambda t: -len(t.members))
    return Themes(labels, themes, round(score, 4), tried)
