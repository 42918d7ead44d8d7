"""Partner recommendations that explain themselves.

Pure: no Django import. The caller builds ``Organisation`` and ``Project`` records from the
database (the registry's organisations, the imported CORDIS participations), builds one
``Recommender`` (the index) and asks it questions:

    recommender = Recommender(organisations, projects)
    recommender.recommend(text="recycling of polymers", members=[cimes_id], k=20,
                          gaps=eligibility.gaps(rules, members))

Signals (all vectorised over every organisation, with scipy.sparse):

- text: BM25 over each organisation's name, description, ecosystems, technologies and the
  titles and topic titles of its past projects;
- collaboration graph, from the members: joint past projects (common neighbours in the
  organisation–project graph), Adamic–Adar over shared partners, and a personalised random
  walk with restart from the members on the organisation–project graph;
- activity: number of past projects, and recent ones when projects carry a year;
- eligibility gaps: the candidate fills a kind the rules still need, or a country they still
  need; same country as a member; a kind the consortium does not have yet;
- priors: kind of organisation, SME.

The combination is learned, not hand-picked: ``learn_weights`` fits a linear scoring function
with a listwise softmax loss (the positives are the real partners of past consortia) on
leave-one-project-out examples made by ``training_examples``. One weight vector per kind of
query (text and members, members only, text only). ``recommender_weights.json`` beside this
file holds the weights learned by ``bench/recommender.py --write-weights`` on the CORDIS sample
in ``../shared/data``; re-run it when the history changes much.

What the learning can and cannot know, honestly:
- ``recent`` and ``kind_cluster`` get no weight from the CORDIS sample (it has no project years
  and no cluster organisations); they start to count once weights are learned on a history
  that has them.
- CORDIS has no per-call kind rules, so ``gap_kind`` is learned from simulated rules (see
  ``training_examples``); its learned effect is modest. A workspace that lists "recommended
  organisations for this gap" should also pass the gap's kinds or countries as filters.
- On the CORDIS benchmark the learned score clearly beats every single signal (popularity,
  text, graph), but with the coordinator alone it only matches the simple rule "past partners
  of the coordinator first, then the most active": the history is too thin to do more.
"""

from __future__ import annotations

import json
import math
import random
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from . import eligibility
from .eligibility import HORIZON_EUROPE_DEFAULT, KIND_LABELS, KINDS, SME, Member, Rules

FEATURES = (
    "text",  # BM25 score / the best BM25 score of this query (0 without text)
    "text_any",  # 1 when the organisation matches at least one query term
    "joint",  # log(1 + past projects shared with the members)
    "adamic_adar",  # log(1 + Adamic–Adar over partners shared with the members)
    "walk",  # personalised random walk with restart from the members, log-scaled to [0, 1]
    "activity",  # log(1 + past projects)
    "recent",  # log(1 + past projects in the last RECENT_YEARS years), 0 without years
    "same_country",  # from the country of one of the members
    "gap_country",  # from a country the eligibility rules still need
    "gap_kind",  # of a kind (or an SME) the eligibility rules still need
    "new_kind",  # of a kind no member has
    "kind_research",
    "kind_higher_education",
    "kind_company",
    "kind_public_authority",
    "kind_cluster",
    "sme",
    # Products, so that a linear score can say "relevant AND active" (each one raised the
    # cross-validated Recall@20 a little on CORDIS; main effects alone plateau).
    "text_x_activity",
    "walk_x_activity",
    "joint_x_activity",
    "text_x_walk",
)
# Which features each reason stands for (to order the reasons by their share of the score).
_REASON_FEATURES = {
    "text": ("text", "text_any", "text_x_activity", "text_x_walk"),
    "joint": ("joint", "joint_x_activity"),
    "graph": ("adamic_adar", "walk", "walk_x_activity"),
    "gap_kind": ("gap_kind",),
    "gap_country": ("gap_country",),
    "activity": ("activity", "recent"),
}
MODES = ("text_and_members", "members_only", "text_only")
WEIGHTS_FILE = "recommender_weights.json"
RECENT_YEARS = 4
BM25_K1, BM25_B = 1.2, 0.75
WALK_RESTART, WALK_STEPS = 0.3, 6
WALK_FLOOR = 1e-4  # walk scores below this share of the best one count as 0

_F = {name: i for i, name in enumerate(FEATURES)}
_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
_STATUS_INDEX = {"": 0, "member_state": 1, "associated": 2, "third": 3}


# --------------------------------------------------------------------------------------------
# Data in, data out
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Organisation:
    id: Hashable
    name: str
    kind: str = "other"  # one of eligibility.KINDS
    is_sme: bool = False
    country: str = ""  # ISO 3166-1 alpha-2
    country_status: str = ""  # "member_state", "associated", "third" or "" when unknown
    description: str = ""
    ecosystems: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    id: Hashable
    participants: tuple[Hashable, ...]  # organisation ids
    title: str = ""
    topic: str = ""  # the call topic's title
    acronym: str = ""
    year: int | None = None
    coordinator: Hashable | None = None


class Recommendation(NamedTuple):
    id: Hashable
    score: float
    reasons: list[str]


@dataclass
class Weights:
    """One weight per feature for each mode, and where they came from."""

    modes: dict[str, dict[str, float]]
    provenance: dict[str, Any] = field(default_factory=dict)

    def vector(self, mode: str) -> np.ndarray:
        values = self.modes[mode]
        return np.array([values.get(name, 0.0) for name in FEATURES], dtype=np.float32)

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(FEATURES), "modes": self.modes, "provenance": self.provenance}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weights:
        return cls({m: dict(data["modes"][m]) for m in MODES}, dict(data.get("provenance", {})))

    @classmethod
    def packaged(cls) -> Weights:
        text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = """a an and are as at be by for from has have in into is it its of on or our over
that the their this to towards under via was were which with within without new based using use
de la le les des du et en el y di e da das der die und fur von zu"""
STOPWORDS = frozenset(_STOPWORDS.split())


def _stem(word: str) -> str:
    """Plurals only: polymers → polymer, technologies → technology, processes → process."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def _words(text: str) -> tuple[tuple[str, str, int], ...]:
    """(term, surface word, position) triples; stop words and one-letter words dropped (the
    positions count them, so that phrases are not glued across them)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    out = []
    for position, match in enumerate(_WORD.finditer(plain)):
        word = match.group()
        if len(word) > 1 and word not in STOPWORDS and not word.isdigit():
            out.append((_stem(word), word, position))
    return tuple(out)


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """The terms of a text: casefolded, accents removed, stop words dropped, plurals stemmed."""
    return tuple(term for term, _, _ in _words(text))


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------


@dataclass
class _Query:
    text: str
    terms: list[int]
    term_weights: np.ndarray
    members: np.ndarray  # indices of known members
    member_orgs: list[Organisation]  # every member, known or not
    gaps: list[dict]
    mode: str
    member_partners: set[int] | None = None  # filled when a reason needs it


class Recommender:
    """The index over organisations and their history; build once, query many times."""

    def __init__(
        self,
        organisations: Iterable[Organisation],
        projects: Iterable[Project],
        weights: Weights | None = None,
        *,
        reference_year: int | None = None,
    ) -> None:
        self.organisations: list[Organisation] = list(organisations)
        self.index: dict[Hashable, int] = {}
        for i, org in enumerate(self.organisations):
            if org.id in self.index:
                raise ValueError(f"organisation id {org.id!r} appears twice")
            self.index[org.id] = i
        self._weights = weights
        n = len(self.organisations)
        self.n = n

        # Projects with at least one known participant.
        self.projects: list[Project] = []
        rows: list[int] = []
        cols: list[int] = []
        for project in projects:
            members = list(dict.fromkeys(p for p in project.participants if p in self.index))
            if not members:
                continue
            j = len(self.projects)
            self.projects.append(project)
            rows.extend(self.index[p] for p in members)
            cols.extend([j] * len(members))
        m = len(self.projects)
        incidence = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, m)
        )
        self.incidence = incidence  # organisation × project
        self.activity = np.asarray(incidence.sum(axis=1)).ravel()
        years = np.array([p.year or 0 for p in self.projects], dtype=np.int32)
        if reference_year is None:
            reference_year = int(years.max()) if m and years.max() > 0 else 0
        recent = ((years > 0) & (years > reference_year - RECENT_YEARS)).astype(np.float32)
        self.recent = incidence @ recent if m else np.zeros(n, dtype=np.float32)

        # Organisation × organisation: shared projects (for joint projects and Adamic–Adar).
        shared = (incidence @ incidence.T).tocsr()
        shared.setdiag(0)
        shared.eliminate_zeros()
        self.shared = shared
        degree = np.diff(shared.indptr).astype(np.float64)
        self.aa_weight = np.where(degree >= 2, 1.0 / np.log(np.maximum(degree, 2)), 0.0)

        # Random walk: organisation → project → organisation.
        per_org = np.maximum(self.activity, 1)
        per_project = np.maximum(np.asarray(incidence.sum(axis=0)).ravel(), 1)
        self._to_projects = (sparse.diags(1.0 / per_org) @ incidence).T.tocsr().astype(np.float32)
        self._to_orgs = (incidence @ sparse.diags(1.0 / per_project)).tocsr().astype(np.float32)

        # Attributes as arrays, for vectorised features and filters.
        self.kind = np.array(
            [_KIND_INDEX.get(o.kind, _KIND_INDEX["other"]) for o in self.organisations],
            dtype=np.int8,
        )
        self.is_sme = np.array([bool(o.is_sme) for o in self.organisations], dtype=bool)
        self.countries = sorted({o.country.upper() for o in self.organisations})
        self._country_index = {c: i for i, c in enumerate(self.countries)}
        self.country = np.array(
            [self._country_index[o.country.upper()] for o in self.organisations], dtype=np.int32
        )
        self.country_status = np.array(
            [_STATUS_INDEX.get(o.country_status, 0) for o in self.organisations], dtype=np.int8
        )
        self._build_text()

    # ---------------------------------------------------------------- text index

    def _build_text(self) -> None:
        """BM25 weights (organisation × term). Each project's text is tokenised once and
        reaches its participants through the incidence matrix."""
        vocabulary: dict[str, int] = {}

        def term_ids(texts: Iterable[str]) -> list[int]:
            return [
                vocabulary.setdefault(t, len(vocabulary)) for text in texts for t in tokens(text)
            ]

        own_rows: list[int] = []
        own_cols: list[int] = []
        for i, org in enumerate(self.organisations):
            ids = term_ids((org.name, org.description, *org.ecosystems, *org.technologies))
            own_rows.extend([i] * len(ids))
            own_cols.extend(ids)
        project_rows: list[int] = []
        project_cols: list[int] = []
        for j, project in enumerate(self.projects):
            ids = term_ids((project.title, project.topic))
            project_rows.extend([j] * len(ids))
            project_cols.extend(ids)
        v = len(vocabulary)
        own = sparse.csr_matrix(
            (np.ones(len(own_rows), dtype=np.float32), (own_rows, own_cols)), shape=(self.n, v)
        )
        per_project = sparse.csr_matrix(
            (np.ones(len(project_rows), dtype=np.float32), (project_rows, project_cols)),
            shape=(len(self.projects), v),
        )
        tf = (own + self.incidence @ per_project).tocsr()
        tf.sum_duplicates()
        self.vocabulary = vocabulary
        length = np.asarray(tf.sum(axis=1)).ravel()
        average = float(length.mean()) if self.n and length.mean() > 0 else 1.0
        df = np.diff(tf.tocsc().indptr).astype(np.float64)
        idf = np.log(1.0 + (self.n - df + 0.5) / (df + 0.5))
        norm = BM25_K1 * (1.0 - BM25_B + BM25_B * length / average)
        row_of = np.repeat(np.arange(self.n), np.diff(tf.indptr))
        data = tf.data * (BM25_K1 + 1.0) / (tf.data + norm[row_of]) * idf[tf.indices]
        by_row = sparse.csr_matrix((data.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
        self._bm25_rows = by_row  # for the reasons (one organisation's terms)
        self.bm25 = by_row.tocsc()  # for scoring (a few terms' columns)

    # ---------------------------------------------------------------- queries

    @property
    def weights(self) -> Weights:
        if self._weights is None:
            self._weights = Weights.packaged()
        return self._weights

    def _query(
        self, text: str, members: Iterable[Hashable | Organisation], gaps: Iterable[dict] | None
    ) -> _Query:
        text = (text or "").strip()
        member_orgs: list[Organisation] = []
        known: list[int] = []
        for member in members or ():
            if isinstance(member, Organisation):
                org = member
            elif member in self.index:
                org = self.organisations[self.index[member]]
            else:
                org = Organisation(id=member, name=str(member))
            member_orgs.append(org)
            if org.id in self.index:
                known.append(self.index[org.id])
        if not text and not member_orgs:
            raise ValueError(
                "A recommendation query needs a text (a call topic, an opportunity or a "
                "consortium description) or at least one member organisation; it has neither."
            )
        counts: dict[int, int] = {}
        for term in tokens(text):
            if term in self.vocabulary:
                counts[self.vocabulary[term]] = counts.get(self.vocabulary[term], 0) + 1
        if text and member_orgs:
            mode = "text_and_members"
        elif member_orgs:
            mode = "members_only"
        else:
            mode = "text_only"
        return _Query(
            text,
            list(counts),
            np.array(list(counts.values()), dtype=np.float32),
            np.array(sorted(set(known)), dtype=np.int64),
            member_orgs,
            list(gaps or ()),
            mode,
        )

    def features(
        self,
        text: str = "",
        members: Iterable[Hashable | Organisation] = (),
        *,
        gaps: Iterable[dict] | None = None,
    ) -> np.ndarray:
        """The feature matrix (organisations × FEATURES, float32) of one query."""
        return self._features(self._query(text, members, gaps))

    def _features(self, q: _Query) -> np.ndarray:
        n = self.n
        x = np.zeros((n, len(FEATURES)), dtype=np.float32, order="F")  # columns contiguous
        # Text.
        if q.terms:
            score = self.bm25[:, q.terms] @ q.term_weights
            score[q.members] = 0.0
            best = float(score.max()) if n else 0.0
            if best > 0:
                x[:, _F["text"]] = score / best
                x[:, _F["text_any"]] = score > 0
        # Graph from the known members.
        if q.members.size:
            joint = np.asarray(self.shared[q.members].sum(axis=0)).ravel()
            x[:, _F["joint"]] = np.log1p(joint)
            # Adamic–Adar: through every neighbour z of the members, 1/log(degree of z); only
            # the rows of those neighbours are touched (the matrix is symmetric).
            neighbours = np.flatnonzero(joint)
            through = (joint * self.aa_weight)[neighbours]
            x[:, _F["adamic_adar"]] = np.log1p(self.shared[neighbours].T @ through)
            x[:, _F["walk"]] = self._walk(q.members)
        # Activity.
        x[:, _F["activity"]] = np.log1p(self.activity)
        x[:, _F["recent"]] = np.log1p(self.recent)
        # Members' countries and kinds, gaps.
        member_countries = {o.country.upper() for o in q.member_orgs if o.country}
        codes = [self._country_index[c] for c in member_countries if c in self._country_index]
        if codes:
            x[:, _F["same_country"]] = _among(self.country, codes, len(self.countries))
        if q.member_orgs:
            member_kinds = [_KIND_INDEX.get(o.kind, _KIND_INDEX["other"]) for o in q.member_orgs]
            x[:, _F["new_kind"]] = ~_among(self.kind, member_kinds, len(KINDS))
        country_fit, kind_fit = self._gap_masks(q.gaps)
        x[:, _F["gap_country"]] = country_fit
        x[:, _F["gap_kind"]] = kind_fit
        for kind in ("research", "higher_education", "company", "public_authority", "cluster"):
            x[:, _F[f"kind_{kind}"]] = self.kind == _KIND_INDEX[kind]
        x[:, _F["sme"]] = self.is_sme
        for a, b in (("text", "activity"), ("walk", "activity"), ("joint", "activity")):
            x[:, _F[f"{a}_x_{b}"]] = x[:, _F[a]] * x[:, _F[b]]
        x[:, _F["text_x_walk"]] = x[:, _F["text"]] * x[:, _F["walk"]]
        return x

    def _walk(self, members: np.ndarray) -> np.ndarray:
        """Random walk with restart from the members on the organisation–project graph
        (power iteration), log-scaled so that the best candidate has 1 and scores below
        WALK_FLOOR of the best have 0."""
        restart = np.zeros(self.n, dtype=np.float32)
        restart[members] = 1.0 / members.size
        p = restart.copy()
        for _ in range(WALK_STEPS):
            p = (1 - WALK_RESTART) * (self._to_orgs @ (self._to_projects @ p)) + (
                WALK_RESTART * restart
            )
        p[members] = 0.0
        best = p.max()
        if best <= 0:
            return np.zeros(self.n, dtype=np.float32)
        ratio = np.maximum(p / best, WALK_FLOOR)
        return (np.log(ratio) / -math.log(WALK_FLOOR) + 1.0).astype(np.float32)

    def _eligible(self, spec: Any) -> np.ndarray:
        if spec == "member_states":
            return self.country_status == _STATUS_INDEX["member_state"]
        if spec == "member_states_and_associated":
            return _among(self.country_status, [1, 2], len(_STATUS_INDEX))
        if isinstance(spec, list | tuple):
            codes = [self._country_index[c] for c in spec if c in self._country_index]
            return _among(self.country, codes, len(self.countries))
        return np.ones(self.n, dtype=bool)

    def _excluding(self, countries: Iterable[str]) -> np.ndarray:
        codes = [self._country_index[c] for c in countries if c in self._country_index]
        return ~_among(self.country, codes, len(self.countries))

    def _gap_masks(self, needs: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
        country_fit = np.zeros(self.n, dtype=bool)
        kind_fit = np.zeros(self.n, dtype=bool)
        country_needs = [g for g in needs if g.get("need") in ("countries", "member_state")]
        for need in country_needs:
            if need["need"] == "member_state":
                country_fit |= self.country_status == _STATUS_INDEX["member_state"]
            else:
                country_fit |= self._eligible(need.get("eligible")) & self._excluding(
                    need.get("exclude", ())
                )
        if not country_needs:
            for need in needs:
                if need.get("need") == "entities":
                    country_fit |= self._eligible(need.get("eligible"))
        for need in needs:
            if need.get("need") != "kind":
                continue
            fit = np.zeros(self.n, dtype=bool)
            for kind in need.get("kinds", ()):
                fit |= self.is_sme if kind == SME else self.kind == _KIND_INDEX.get(kind, -1)
            if "exclude" in need:
                fit &= self._eligible(need.get("eligible")) & self._excluding(need["exclude"])
            kind_fit |= fit
        return country_fit, kind_fit

    def _candidates(
        self,
        q: _Query,
        kinds: Iterable[str] | None,
        countries: Iterable[str] | None,
        exclude: Iterable[Hashable],
    ) -> np.ndarray:
        allowed = np.ones(self.n, dtype=bool)
        if kinds:
            kinds = list(kinds)
            unknown = [k for k in kinds if k not in _KIND_INDEX and k != SME]
            if unknown:
                raise ValueError(
                    f"kinds: unknown kind {unknown[0]!r}; the kinds are {', '.join(KINDS)}, sme"
                )
            fit = _among(self.kind, [_KIND_INDEX[k] for k in kinds if k != SME], len(KINDS))
            if SME in kinds:
                fit |= self.is_sme
            allowed &= fit
        if countries:
            allowed &= ~self._excluding([c.upper() for c in countries])
        allowed[q.members] = False
        for org_id in exclude or ():
            if org_id in self.index:
                allowed[self.index[org_id]] = False
        return allowed

    def recommend(
        self,
        text: str = "",
        members: Iterable[Hashable | Organisation] = (),
        *,
        kinds: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        gaps: Iterable[dict] | None = None,
        exclude: Iterable[Hashable] = (),
        k: int = 20,
    ) -> list[Recommendation]:
        """The k best organisations for a consortium, best first, with their reasons.

        ``text``: a call topic, an opportunity or a consortium description (may be empty).
        ``members``: ids (or ``Organisation`` records) already in the consortium (may be empty,
        never both). ``kinds`` / ``countries``: filters (``"sme"`` among the kinds for SMEs).
        ``gaps``: ``eligibility.gaps(rules, members)``. ``exclude``: ids never to recommend
        (declined, already invited). Members are never recommended."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k: must be a whole number ≥ 1, got {k!r}")
        q = self._query(text, members, gaps)
        x = self._features(q)
        w = self.weights.vector(q.mode)
        score = x @ w
        allowed = self._candidates(q, kinds, countries, exclude)
        score = np.where(allowed, score, -np.inf)
        k = min(k, int(allowed.sum()))
        if k == 0:
            return []
        top = np.argpartition(-score, k - 1)[:k]
        top = top[np.lexsort((top, -score[top]))]
        return [
            Recommendation(self.organisations[i].id, float(score[i]), self._reasons(q, x, w, i))
            for i in top
        ]

    # ---------------------------------------------------------------- reasons

    def _reasons(self, q: _Query, x: np.ndarray, w: np.ndarray, i: int) -> list[str]:
        """Plain-language reasons, ordered by their share of this organisation's score."""
        contribution = x[i] * w

        def share(group: str) -> float:
            return float(sum(contribution[_F[name]] for name in _REASON_FEATURES[group]))

        org = self.organisations[i]
        found: list[tuple[float, str]] = []
        if x[i, _F["text"]] > 0:
            matched = self._matched_words(q, i)
            if matched:
                found.append((share("text"), "shares topics: " + matched))
        joint_reason = self._joint_reason(q, i) if x[i, _F["joint"]] > 0 else ""
        if joint_reason:
            found.append((share("joint") + share("graph"), joint_reason))
        elif x[i, _F["adamic_adar"]] > 0:
            reason = self._shared_partners_reason(q, i)
            if reason:
                found.append((share("graph"), reason))
        if x[i, _F["gap_kind"]] > 0:
            label = (
                "an SME"
                if org.is_sme and not self._kind_needed(q, org.kind)
                else _article(KIND_LABELS[org.kind][0])
            )
            found.append((share("gap_kind"), f"{label}, which the consortium still needs"))
        if x[i, _F["gap_country"]] > 0:
            name = country_name(org.country)
            found.append((share("gap_country"), f"from {name}, a country the rules still need"))
        if self.activity[i] > 0:
            n = int(self.activity[i])
            found.append((share("activity"), f"active in {n} project{'s' if n != 1 else ''}"))
        found.sort(key=lambda item: -item[0])
        reasons = [text for value, text in found if value > 0] or [t for _, t in found[:1]]
        if not reasons:
            kind = KIND_LABELS.get(org.kind, KIND_LABELS["other"])[0]
            where = f" from {country_name(org.country)}" if org.country else ""
            reasons = [f"{_article(kind)}{where} that matches your filters"]
        return reasons

    @staticmethod
    def _kind_needed(q: _Query, kind: str) -> bool:
        return any(kind in g.get("kinds", ()) for g in q.gaps if g.get("need") == "kind")

    def _matched_words(self, q: _Query, i: int) -> str:
        """Matched query words in query order, neighbours joined into phrases."""
        rows = self._bm25_rows
        span = slice(rows.indptr[i], rows.indptr[i + 1])
        present = set(rows.indices[span][rows.data[span] > 0].tolist())
        phrases: list[list[str]] = []
        last = -2
        for term, word, position in _words(q.text):
            if self.vocabulary.get(term) not in present:
                continue
            if phrases and position == last + 1:
                phrases[-1].append(word)
            else:
                phrases.append([word])
            last = position
        unique = list(dict.fromkeys(" ".join(p) for p in phrases))
        return ", ".join(unique[:5])

    def _projects_of(self, i: int) -> np.ndarray:
        inc = self.incidence
        return inc.indices[inc.indptr[i] : inc.indptr[i + 1]]

    def _joint_reason(self, q: _Query, i: int) -> str:
        mine = set(self._projects_of(i).tolist())
        parts = []
        for m in q.members:
            together = sorted(mine.intersection(self._projects_of(m).tolist()))
            if together:
                parts.append((len(together), m, together))
        if not parts:
            return ""
        parts.sort(key=lambda item: (-item[0], item[1]))
        texts = []
        for count, m, together in parts[:2]:
            labels = [self._project_label(j) for j in together[:2]]
            more = ", …" if count > 2 else ""
            texts.append(
                f"{self.organisations[m].name} in {count} project{'s' if count != 1 else ''} "
                f"({', '.join(labels)}{more})"
            )
        text = "worked with " + " and with ".join(texts)
        if len(parts) > 2:
            text += f" and {len(parts) - 2} other member{'s' if len(parts) > 3 else ''}"
        return text

    def _shared_partners_reason(self, q: _Query, i: int) -> str:
        shared = self.shared
        mine = set(shared.indices[shared.indptr[i] : shared.indptr[i + 1]].tolist())
        if q.member_partners is None:
            q.member_partners = set()
            for m in q.members:
                q.member_partners.update(
                    shared.indices[shared.indptr[m] : shared.indptr[m + 1]].tolist()
                )
        common = sorted(mine & q.member_partners, key=lambda j: (-self.activity[j], j))
        if not common:
            return ""
        names = [self.organisations[j].name for j in common[:2]]
        if len(common) == 1:
            return f"worked with {names[0]}, a past partner of your consortium"
        more = ", …" if len(common) > 2 else ""
        return (
            f"worked with {len(common)} past partners of your consortium ({', '.join(names)}{more})"
        )

    def _project_label(self, j: int) -> str:
        project = self.projects[j]
        return project.acronym or project.title or project.topic or str(project.id)


def _among(values: np.ndarray, wanted: Iterable[int], size: int) -> np.ndarray:
    """values ∈ wanted, for small integer codes (a table look-up, faster than np.isin)."""
    table = np.zeros(size, dtype=bool)
    table[list(wanted)] = True
    return table[values]


def _article(label: str) -> str:
    return ("an " if label[0].lower() in "aeiou" else "a ") + label


_WITH_THE = frozenset(
    {"AE", "BS", "CF", "DO", "GB", "GM", "KM", "MH", "NL", "PH", "SB", "US", "VA"}
)


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The English name as it reads after "from": "Italy", "the Netherlands"."""
    code = {"EL": "GR", "UK": "GB"}.get(code.upper(), code.upper())
    try:
        import pycountry

        country = pycountry.countries.get(alpha_2=code)
    except (ImportError, LookupError, KeyError):
        country = None
    if country is None:
        return {"XK": "Kosovo"}.get(code, code)
    name = getattr(country, "common_name", None) or country.name
    return f"the {name}" if code in _WITH_THE else name


# --------------------------------------------------------------------------------------------
# Leave one project out, and learning the weights
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldOut:
    """A past consortium turned into a question: its topic as text, its coordinator as the
    only member, and the partners to find."""

    project: Project
    text: str
    coordinator: Organisation
    hidden: frozenset


def leave_out(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    project_ids: Iterable[Hashable],
    *,
    drop_orphans: bool = True,
) -> tuple[list[Organisation], list[Project]]:
    """The history without some projects: the projects are gone, and with them their titles
    (organisations' texts are built from the projects they remain in), their participations
    (graph, activity) and, with ``drop_orphans``, the organisations that take part in no
    remaining project. With history imported from CORDIS an organisation is known only
    through its projects, so one that appears only in a left-out project must not be a
    candidate either: its mere presence would give it away."""
    gone = set(project_ids)
    kept = [p for p in projects if p.id not in gone]
    if not drop_orphans:
        return list(organisations), kept
    active = {o for p in kept for o in p.participants}
    return [o for o in organisations if o.id in active], kept


def held_out(project: Project, organisations: Mapping[Hashable, Organisation]) -> HeldOut:
    if project.coordinator is None or project.coordinator not in organisations:
        raise ValueError(f"project {project.id!r} has no known coordinator")
    hidden = frozenset(project.participants) - {project.coordinator}
    return HeldOut(
        project, project.topic or project.title, organisations[project.coordinator], hidden
    )


def as_member(org: Organisation, role: str = "beneficiary", status: str = "confirmed") -> Member:
    """An organisation as an eligibility ``Member`` (unknown country status: a third country)."""
    return Member(
        name=org.name,
        country=org.country.upper() if len(org.country) == 2 else "XX",
        country_status=org.country_status or "third",
        kind=org.kind if org.kind in KINDS else "other",
        is_sme=org.is_sme,
        role=role,
        status=status,
        id=org.id,
    )


def query_gaps(rules: Rules, members: Sequence[Organisation]) -> list[dict]:
    """Eligibility gaps of a consortium whose first member coordinates."""
    return eligibility.gaps(
        rules,
        [as_member(o, "coordinator" if i == 0 else "beneficiary") for i, o in enumerate(members)],
    )


def training_examples(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    *,
    rules: Rules = HORIZON_EUROPE_DEFAULT,
    min_organisations: int = 3,
    simulate_kind_gaps: float = 0.5,
    seed: int = 0,
) -> dict[str, list[tuple[np.ndarray, np.ndarray]]]:
    """Leave-one-project-out examples from a history: for every project with a coordinator
    and at least ``min_organisations`` organisations, the index is rebuilt without it (titles,
    participations, orphans: see ``leave_out``) and queried as the benchmark does. Returns,
    for each mode, a list of (features, is_partner) pairs over every candidate.

    CORDIS has no per-call kind rules, so the weight of ``gap_kind`` could not be learned from
    it. For a share ``simulate_kind_gaps`` of the examples we therefore add the gap "a
    <kind>" for one kind that the final consortium has and the coordinator has not: a call
    that requires a kind ends with a consortium that has one. This uses the answer to make
    the question, which is what a rule does; it is only ever done to make training examples,
    never in an evaluation."""
    rng = random.Random(seed)
    by_id = {o.id: o for o in organisations}
    out: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {mode: [] for mode in MODES}
    for project in projects:
        participants = set(project.participants) & by_id.keys()
        if len(participants) < min_organisations or project.coordinator not in participants:
            continue
        case = held_out(project, by_id)
        orgs, history = leave_out(organisations, projects, [project.id])
        rec = Recommender(orgs, history)
        needs = query_gaps(rules, [case.coordinator])
        needs_alone = query_gaps(rules, [])
        kinds = _missing_kinds(case, by_id)
        if kinds and rng.random() < simulate_kind_gaps:
            simulated = {"need": "kind", "kinds": [rng.choice(kinds)], "count": 1}
            needs.append(simulated)
            needs_alone.append(simulated)
        hidden = [rec.index[p] for p in case.hidden if p in rec.index]
        if not hidden:
            continue
        pool = np.ones(rec.n, dtype=bool)
        if case.coordinator.id in rec.index:
            pool[rec.index[case.coordinator.id]] = False
        positive = np.zeros(rec.n, dtype=bool)
        positive[hidden] = True
        x = rec.features(case.text, [case.coordinator], gaps=needs)
        out["text_and_members"].append((x[pool], positive[pool]))
        x = rec.features("", [case.coordinator], gaps=needs)
        out["members_only"].append((x[pool], positive[pool]))
        # Text only (an opportunity page): every participant, the coordinator too, is sought.
        everyone = positive.copy()
        everyone[~pool] = True
        x = rec.features(case.text, [], gaps=needs_alone)
        out["text_only"].append((x, everyone))
    return out


def _missing_kinds(case: HeldOut, by_id: Mapping[Hashable, Organisation]) -> list[str]:
    coordinator = case.coordinator
    kinds = set()
    for p in case.hidden:
        org = by_id.get(p)
        if org is None:
            continue
        if org.kind != coordinator.kind and org.kind in KINDS:
            kinds.add(org.kind)
        if org.is_sme and not coordinator.is_sme:
            kinds.add(SME)
    return sorted(kinds)


def learn_weights(
    examples: Sequence[tuple[np.ndarray, np.ndarray]], *, l2: float = 1.0
) -> dict[str, float]:
    """Fit w to maximise, for every example, the softmax probability of its positives among
    all candidates (ListNet-style cross-entropy with a uniform target over the positives),
    plus an L2 penalty. L-BFGS on the exact gradient; no intercept (a softmax ignores it)."""
    examples = [(x, y) for x, y in examples if y.any() and (~y).any()]
    if not examples:
        raise ValueError("no training example with both partners and other candidates")
    x_all = np.vstack([x for x, _ in examples]).astype(np.float64)
    sizes = np.array([len(y) for _, y in examples])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    target = np.concatenate([y / y.sum() for _, y in examples])
    target_x = target @ x_all
    n_queries = len(examples)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x_all @ w
        peak = np.maximum.reduceat(s, starts)
        e = np.exp(s - np.repeat(peak, sizes))
        z = np.add.reduceat(e, starts)
        log_z = np.log(z) + peak
        p = e / np.repeat(z, sizes)
        value = log_z.sum() - target @ s + 0.5 * l2 * w @ w
        grad = p @ x_all - target_x + l2 * w
        return value / n_queries, grad / n_queries

    result = minimize(loss, np.zeros(x_all.shape[1]), jac=True, method="L-BFGS-B")
    return {name: round(float(v), 6) for name, v in zip(FEATURES, result.x, strict=True)}


def learn(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    *,
    l2: float = 1.0,
    **options: Any,
) -> Weights:
    """Weights for every mode, learned leave-one-project-out on this history."""
    examples = training_examples(organisations, projects, **options)
    modes = {mode: learn_weights(examples[mode], l2=l2) for mode in MODES}
    provenance = {
        "method": "listwise softmax cross-entropy, L-BFGS, leave-one-project-out examples",
        "l2": l2,
        "examples": {mode: len(examples[mode]) for mode in MODES},
        "organisations": len(organisations),
        "projects": len(projects),
    }
    return Weights(modes, provenance)
