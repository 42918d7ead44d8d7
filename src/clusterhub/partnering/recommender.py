"""Partner recommendations that explain themselves.

Pure: no Django import. The caller builds ``Organisation`` and ``Project`` records (the
registry's organisations and profiles, the collaboration history imported from CORDIS), builds
one ``Recommender`` (the index) and asks it questions:

    recommender = Recommender(organisations, projects)
    recommender.recommend(members=[coordinator_id], programmes=["SC5"], k=20)
    recommender.recommend("recycling of polymers", [cimes_id], gaps=eligibility.gaps(...))

How a question is answered:

1. Candidates: the organisations a three-step walk reaches from the members
   (organisation → project → organisation), the most active ones in the query's programme,
   those whose profile or past projects match the text, and the most active recently.
2. Features that mean the same at any size of history: the walk's probabilities relative to
   the best one, joint projects, Adamic–Adar, activity as a percentile and its recency, the
   share of an organisation's projects in the programme, how often the coordinator's country
   and kind work with the candidate's, text relevance relative to the best match, and the
   eligibility gaps the candidate would close.
3. A ranker learned on the past: gradient-boosted trees (LightGBM), fitted on consortia that
   started after an index year, with the index built only from what started up to that year
   (``fit``). ``recommender_model.txt`` beside this file is the shipped model; see
   ``bench/recommender.py`` for how it was learned and how it is measured. What a request
   says outright comes first: the kind of partner it names ("a plastics cluster in another
   country"), and for organisations without any project, a profile that matches its words.
4. Reasons, from the features that carried the score for that organisation (LightGBM's
   per-feature contributions), in plain words and true of the consortium as it stands.

Organisations without any project (most cluster members, the registry's cluster
organisations) are still candidates: through their profile text, ecosystems and technologies,
their kind and country. Organisations whose name is unknown (``listed=False``) take part in
the graph but are never recommended.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

import numpy as np
from scipy import sparse

from . import eligibility
from .eligibility import KIND_LABELS, KINDS, SME, Member, Rules

FEATURES = (
    # the graph, from the members
    "walk1",  # log10 of the one-step walk probability relative to the best candidate's
    "walk2",
    "walk3",
    "walk_rank",  # rank by the three-step walk (1 = first), capped
    "joint",  # past projects shared with the members
    "joint_share",  # ... as a share of the members' projects
    "joint_loyalty",  # ... as a share of the candidate's own projects
    "recent_joint",  # ... of those, started in the last RECENT_YEARS years
    "running_joint",  # ... of those, still running after the index's last year
    "ending_joint",  # ... of those, ending in the index's last year or the next
    "adamic_adar",  # log10 relative to the best candidate's
    # activity, size-free
    "activity_pct",  # percentile of the number of projects among active organisations
    "recent_pct",  # percentile of the projects started in the last RECENT_YEARS years
    "years_since_last",  # years since the last project started (capped)
    "years_active",  # years since the first project started (capped)
    # the programme of the call (missing when not given)
    "programme_share",  # share of the candidate's projects in the programme
    "programme_pct",  # percentile of its projects in the programme
    "programme_joint",  # projects in the programme shared with the members
    "programme_walk1",  # the walk through the programme's projects only, one step (log10 ratio)
    "programme_walk2",  # ... two steps
    "programme_tilt3",  # the three-step walk that prefers the programme's projects (log10 ratio)
    "programme_kind",  # share of the programme's participations of the candidate's kind
    "programme_country",  # share of the programme's participations from its country
    # profile
    "kind",  # categorical: index in eligibility.KINDS
    "sme",
    "same_country",
    "country_affinity",  # how often coordinators of that country take partners from this one
    "kind_affinity",  # how often coordinators of that kind take partners of this one
    "new_kind",  # a kind no member has
    "has_history",
    # text (missing without a text)
    "text",  # BM25 relative to the best match of the query
    "text_terms",  # share of the query's terms the candidate matches
    # eligibility gaps
    "gap_kind",
    "gap_country",
    # the query
    "coordinator_kind",  # categorical
    "coordinator_activity_pct",
    "members",
)
CATEGORICAL = ("kind", "coordinator_kind")
MODEL_FILE = "recommender_model.txt"
RECENT_YEARS = 2
BM25_K1, BM25_B = 1.2, 0.75
WALK_FLOOR = -8.0  # log10 ratio given to organisations the walk does not reach
RANK_CAP = 5000
PREFERENCE = 5.0  # how much more often the tilted walk takes a project of the programme
# Candidates per source (the ranker sees their union).
FROM_WALK, FROM_PROGRAMME, FROM_TEXT, FROM_RECENT = 300, 150, 200, 60
ALL_CANDIDATES_BELOW = 1500  # small indexes: every organisation is a candidate

_F = {name: i for i, name in enumerate(FEATURES)}
_KIND_INDEX = {kind: i for i, kind in enumerate(KINDS)}
_STATUS_INDEX = {"": 0, "member_state": 1, "associated": 2, "third": 3}

# Horizon 2020 programme parts, as CORDIS names them.
PROGRAMME_LABELS = {
    "ERC": "European Research Council",
    "MSCA": "Marie Skłodowska-Curie actions",
    "FET": "Future and emerging technologies",
    "RI": "Research infrastructures",
    "LEIT": "Industrial technologies (LEIT)",
    "Innovation in SMEs": "Innovation in SMEs",
    "SC1": "Health, demographic change and wellbeing",
    "SC2": "Food, agriculture, marine research and the bioeconomy",
    "SC3": "Secure, clean and efficient energy",
    "SC4": "Smart, green and integrated transport",
    "SC5": "Climate action, environment, resource efficiency and raw materials",
    "SC6": "Inclusive, innovative and reflective societies",
    "SC7": "Secure societies",
    "SEWP": "Spreading excellence and widening participation",
    "SWAFS": "Science with and for society",
    "Euratom": "Euratom",
}


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
    listed: bool = True  # False: part of the history, never recommended (no name is known)


@dataclass(frozen=True)
class Project:
    id: Hashable
    participants: tuple[Hashable, ...]  # organisation ids
    title: str = ""
    topic: str = ""  # the call topic's title
    acronym: str = ""
    year: int | None = None  # start year
    coordinator: Hashable | None = None
    programmes: tuple[str, ...] = ()  # programme parts ("SC5", "LEIT"…)
    end_year: int | None = None


class Recommendation(NamedTuple):
    id: Hashable
    score: float
    reasons: list[str]


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
# English and French function words, and the words every call and consortium uses (types of
# action, programme jargon): they match everything and explain nothing.
_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers him his how i if in into is it its itself just
me more most my no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through
to too under until up very was we were what when where which while who whom why will with
within without would you your towards via based using use new per across among upon
au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
ma mais me meme mes moi mon ne nos notre nous ou par pas pour qu que qui sa se ses son sur ta
te tes toi ton tu un une vos votre vous est sont ete etre avoir fait plus entre sans sous
chez vers tres tout tous toutes aussi comme dont
der die das und fur von zu mit im den dem des ein eine el los las y del con por para di il
della dei delle e da
ria ia csa cofund sme smes msca erc eic ecsel jti ju jtis action actions innovation research
project projects programme program horizon h2020 call calls topic topics twin twinning
coordinating coordination support activity activities proposal proposals consortium
partner partners european europe eu union grant grants scheme phase stage pilot development
work package deliverable deliverables objective objectives impact impacts challenge
challenges societal cross cutting open level levels area areas field fields related
"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Words in an organisation's legal name that say what it is, not what it does.
_NAME_WORDS = frozenset(
    [
        "university",
        "universite",
        "universita",
        "universidad",
        "universitat",
        "universiteit",
        "uniwersytet",
        "college",
        "school",
        "institute",
        "institut",
        "instituto",
        "istituto",
        "centre",
        "center",
        "centro",
        "zentrum",
        "foundation",
        "fondation",
        "stiftung",
        "fundacion",
        "fondazione",
        "association",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "ltd",
        "limited",
        "llc",
        "bv",
        "nv",
        "ab",
        "oy",
        "as",
        "aps",
        "kg",
        "ev",
        "plc",
        "inc",
        "co",
        "company",
        "societe",
        "sociedad",
        "national",
        "nationale",
        "nazionale",
        "consiglio",
        "nazionale",
        "research",
    ]
)


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
    """(term, surface word, position) triples. Stop words, call jargon, numbers and words of
    fewer than three letters are dropped (the positions still count them, so that phrases are
    not glued across them)."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    out = []
    for position, match in enumerate(_WORD.finditer(plain)):
        word = match.group()
        if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
            term = _stem(word)
            if term not in STOPWORDS:
                out.append((term, word, position))
    return tuple(out)


@lru_cache(maxsize=200_000)
def tokens(text: str) -> tuple[str, ...]:
    """The terms of a text: casefolded, accents removed, stop words dropped, plurals stemmed."""
    return tuple(term for term, _, _ in _words(text))


# What a request says about the partner rather than about the topic: the kind of organisation
# ("a plastics cluster", "une PME") and "in another country".
_KIND_PHRASES = {
    "cluster": r"clusters?|cluster organi[sz]ations?|p[oô]les?(?: de comp[ée]titivit[ée])?",
    "higher_education": r"universit(?:y|ies|[ée]s?)|higher[- ]education",
    "research": r"research (?:centres?|centers?|organi[sz]ations?|institutes?)|"
    r"laborator(?:y|ies)|laboratoires?|centres? de recherche|rtos?",
    "public_authority": r"public (?:authorit(?:y|ies)|bod(?:y|ies))|"
    r"regional (?:authorit(?:y|ies)|governments?)|collectivit[ée]s?",
    SME: r"smes?|pmes?",
    "company": r"compan(?:y|ies)|firms?|entreprises?|industrial partners?",
}
_KIND_PATTERN = re.compile(
    "|".join(rf"(?P<{kind}>\b(?:{pattern})\b)" for kind, pattern in _KIND_PHRASES.items()),
    re.IGNORECASE,
)
_ELSEWHERE = re.compile(
    r"\b(?:in |from )?(?:an(?:other)?|other|different|foreign) countr(?:y|ies)\b|\babroad\b|"
    r"\b(?:dans |d')?(?:un )?autres? pays\b|\b[àa] l'[ée]tranger\b",
    re.IGNORECASE,
)


def understand(text: str) -> tuple[str, list[str], bool]:
    """(the topic, the kinds of partner asked for, whether "in another country" is asked)."""
    kinds = list(
        dict.fromkeys(m.lastgroup for m in _KIND_PATTERN.finditer(text or "") if m.lastgroup)
    )
    elsewhere = bool(_ELSEWHERE.search(text or ""))
    topic = _ELSEWHERE.sub(" ", _KIND_PATTERN.sub(" ", text or ""))
    return topic, kinds, elsewhere


def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t for t in tokens(name) if t not in _NAME_WORDS)


# --------------------------------------------------------------------------------------------
# The ranker
# --------------------------------------------------------------------------------------------


class Ranker:
    """A LightGBM ranking model over FEATURES (the shipped one by default)."""

    def __init__(self, booster: Any) -> None:
        names = list(booster.feature_name())
        if names != list(FEATURES):
            raise ValueError(
                "the ranking model was learned on other features "
                f"({len(names)} features, {len(FEATURES)} expected); refit it"
            )
        self.booster = booster

    @classmethod
    def from_string(cls, text: str) -> Ranker:
        import lightgbm

        return cls(lightgbm.Booster(model_str=text))

    @classmethod
    def packaged(cls) -> Ranker:
        return _packaged()

    def to_string(self) -> str:
        return self.booster.model_to_string()

    def score(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(x, num_threads=1)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions to each row's score (the last column is the bias)."""
        return self.booster.predict(x, pred_contrib=True, num_threads=1)


@lru_cache(maxsize=1)
def _packaged() -> Ranker:
    text = resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return Ranker.from_string(text)


# --------------------------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------------------------


@dataclass
class _Query:
    text: str  # the topic: the request without the words about kind and country
    terms: list[int]
    term_weights: np.ndarray
    members: np.ndarray  # indices of known members
    member_orgs: list[Organisation]  # every member, known or not; the first coordinates
    programmes: list[int]  # indices of known programme parts
    gaps: list[dict]
    kinds: list[str]  # kinds of partner the text asks for
    elsewhere: bool  # the text asks for a partner in another country


def _percentile(values: np.ndarray) -> np.ndarray:
    """Rank percentile in (0, 1] among the positive values (ties share their mean rank); 0 for
    the others."""
    out = np.zeros(len(values), dtype=np.float32)
    positive = np.flatnonzero(values > 0)
    if positive.size:
        from scipy.stats import rankdata

        out[positive] = rankdata(values[positive]) / positive.size
    return out


def _log_ratio(values: np.ndarray) -> np.ndarray:
    best = float(values.max()) if values.size else 0.0
    if best <= 0:
        return np.full(len(values), WALK_FLOOR, dtype=np.float32)
    with np.errstate(divide="ignore"):
        out = np.log10(values / best)
    return np.maximum(out, WALK_FLOOR).astype(np.float32)


def _row_shares(counts: np.ndarray, smoothing: float = 1.0) -> np.ndarray:
    counts = counts.astype(np.float64) + smoothing
    return (counts / counts.sum(axis=1, keepdims=True)).astype(np.float32)


class Recommender:
    """The index over organisations and their history; build once, query many times."""

    def __init__(
        self,
        organisations: Iterable[Organisation],
        projects: Iterable[Project],
        ranker: Ranker | None = None,
        *,
        reference_year: int | None = None,
    ) -> None:
        self.organisations: list[Organisation] = list(organisations)
        self.index: dict[Hashable, int] = {}
        for i, org in enumerate(self.organisations):
            if org.id in self.index:
                raise ValueError(f"organisation id {org.id!r} appears twice")
            self.index[org.id] = i
        self._ranker = ranker
        n = self.n = len(self.organisations)

        # Projects with at least one known participant.
        self.projects: list[Project] = []
        rows: list[int] = []
        cols: list[int] = []
        coordinators: list[int] = []
        for project in projects:
            members = list(dict.fromkeys(p for p in project.participants if p in self.index))
            if not members:
                continue
            j = len(self.projects)
            self.projects.append(project)
            rows.extend(self.index[p] for p in members)
            cols.extend([j] * len(members))
            coordinators.append(self.index.get(project.coordinator, -1))
        m = len(self.projects)
        incidence = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, m)
        )
        self.incidence = incidence  # organisation × project
        self.activity = np.asarray(incidence.sum(axis=1)).ravel()
        self.activity_pct = _percentile(self.activity)

        # Time: recency and seniority, relative to the index's last year.
        years = np.array([p.year or 0 for p in self.projects], dtype=np.int32)
        dated = years > 0
        if reference_year is None:
            reference_year = int(years[dated].max()) if dated.any() else 0
        self.reference_year = reference_year
        recent = (dated & (years > reference_year - RECENT_YEARS)).astype(np.float32)
        self.recent_projects = recent
        ends = np.array([p.end_year or 0 for p in self.projects], dtype=np.int32)
        self.running_projects = (ends > reference_year + 1).astype(np.float32)
        self.ending_projects = ((ends >= reference_year) & (ends <= reference_year + 1)).astype(
            np.float32
        )
        self.recent = incidence @ recent if m else np.zeros(n, dtype=np.float32)
        self.recent_pct = _percentile(self.recent)
        self.last_year = np.zeros(n, dtype=np.float32)
        self.first_year = np.zeros(n, dtype=np.float32)
        if dated.any():
            coo = incidence.tocoo()
            y = years[coo.col].astype(np.float32)
            keep = y > 0
            np.maximum.at(self.last_year, coo.row[keep], y[keep])
            self.first_year[:] = np.inf
            np.minimum.at(self.first_year, coo.row[keep], y[keep])
            self.first_year[np.isinf(self.first_year)] = 0
        self.has_years = bool(dated.any())

        # Organisation × organisation: shared projects (joint projects, Adamic–Adar).
        shared = (incidence @ incidence.T).tocsr()
        shared.setdiag(0)
        shared.eliminate_zeros()
        self.shared = shared
        degree = np.diff(shared.indptr).astype(np.float64)
        self.aa_weight = np.where(degree >= 2, 1.0 / np.log(np.maximum(degree, 2)), 0.0)

        # Random walk: organisation → project → organisation.
        per_org = np.maximum(self.activity, 1)
        self.project_size = np.asarray(incidence.sum(axis=0)).ravel()
        per_project = np.maximum(self.project_size, 1)
        self._to_projects = (sparse.diags(1.0 / per_org) @ incidence).T.tocsr().astype(np.float32)
        self._to_orgs = (incidence @ sparse.diags(1.0 / per_project)).tocsr().astype(np.float32)

        # Attributes as arrays.
        self.kind = np.array(
            [_KIND_INDEX.get(o.kind, _KIND_INDEX["other"]) for o in self.organisations],
            dtype=np.int8,
        )
        self.is_sme = np.array([bool(o.is_sme) for o in self.organisations], dtype=bool)
        self.listed = np.array([o.listed for o in self.organisations], dtype=bool)
        self.countries = sorted({o.country.upper() for o in self.organisations})
        self._country_index = {c: i for i, c in enumerate(self.countries)}
        self.country = np.array(
            [self._country_index[o.country.upper()] for o in self.organisations], dtype=np.int32
        )
        self.country_status = np.array(
            [_STATUS_INDEX.get(o.country_status, 0) for o in self.organisations], dtype=np.int8
        )

        self._build_programmes()
        self._build_affinities(np.array(coordinators, dtype=np.int64))
        self._build_text()

    # ---------------------------------------------------------------- programmes, affinities

    def _build_programmes(self) -> None:
        parts = sorted({part for p in self.projects for part in p.programmes if part})
        self.programmes = parts
        self._programme_index = {part: i for i, part in enumerate(parts)}
        rows, cols = [], []
        for j, project in enumerate(self.projects):
            for part in project.programmes:
                if part:
                    rows.append(j)
                    cols.append(self._programme_index[part])
        self.project_programmes = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(self.projects), len(parts)),
        )
        # organisation × programme part: projects in that part
        self.programme_counts = np.asarray(
            (self.incidence @ self.project_programmes).todense(), dtype=np.float32
        ).reshape(self.n, len(parts))
        self.programme_pct = (
            np.column_stack([_percentile(self.programme_counts[:, c]) for c in range(len(parts))])
            if parts
            else np.zeros((self.n, 0), dtype=np.float32)
        )
        # participations of each kind and country, per programme part
        kinds = sparse.csr_matrix(
            (np.ones(self.n, dtype=np.float32), (np.arange(self.n), self.kind)),
            shape=(self.n, len(KINDS)),
        )
        countries = sparse.csr_matrix(
            (np.ones(self.n, dtype=np.float32), (np.arange(self.n), self.country)),
            shape=(self.n, max(len(self.countries), 1)),
        )
        per_part = self.programme_counts.T  # part × organisation
        self.programme_kind = _row_shares(per_part @ kinds.toarray(), 0.5)
        self.programme_country = _row_shares(
            np.asarray(sparse.csr_matrix(per_part) @ countries.toarray()), 0.5
        )

    def _build_affinities(self, coordinators: np.ndarray) -> None:
        """How often a coordinator of country (kind) A takes partners from country (kind) B."""
        c, k = max(len(self.countries), 1), len(KINDS)
        by_country = np.zeros((c, c))
        by_kind = np.zeros((k, k))
        inc = self.incidence.tocsc()
        for j, coordinator in enumerate(coordinators.tolist()):
            if coordinator < 0:
                continue
            partners = inc.indices[inc.indptr[j] : inc.indptr[j + 1]]
            partners = partners[partners != coordinator]
            np.add.at(by_country[self.country[coordinator]], self.country[partners], 1)
            np.add.at(by_kind[self.kind[coordinator]], self.kind[partners], 1)
        self.country_affinity = _row_shares(by_country, 0.5)
        self.kind_affinity = _row_shares(by_kind, 0.5)

    # ---------------------------------------------------------------- text index

    def _build_text(self) -> None:
        """BM25 weights (organisation × term). Each project's text is tokenised once and
        reaches its participants through the incidence matrix."""
        vocabulary: dict[str, int] = {}

        def term_ids(terms: Iterable[str]) -> list[int]:
            return [vocabulary.setdefault(t, len(vocabulary)) for t in terms]

        own_rows: list[int] = []
        own_cols: list[int] = []
        for i, org in enumerate(self.organisations):
            ids = term_ids(
                [
                    *_name_tokens(org.name),
                    *(t for text in (org.description, *org.ecosystems, *org.technologies)
                      for t in tokens(text)),
                    # ecosystems and technologies are what the profile says it does: twice
                    *(t for text in (*org.ecosystems, *org.technologies) for t in tokens(text)),
                ]
            )  # fmt: skip
            own_rows.extend([i] * len(ids))
            own_cols.extend(ids)
        project_rows: list[int] = []
        project_cols: list[int] = []
        for j, project in enumerate(self.projects):
            ids = term_ids(t for text in (project.title, project.topic) for t in tokens(text))
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
        # What each organisation says it does (name, description, ecosystems, technologies),
        # apart from the words of its past projects.
        own.sum_duplicates()
        own.data[:] = 1.0
        self.profile_terms = own.tocsc()
        self.idf = idf.astype(np.float32)

    # ---------------------------------------------------------------- queries

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            self._ranker = Ranker.packaged()
        return self._ranker

    def _query(
        self,
        text: str,
        members: Iterable[Hashable | Organisation],
        gaps: Iterable[dict] | None,
        programmes: Iterable[str] = (),
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
        topic, kinds, elsewhere = understand(text)
        counts: dict[int, int] = {}
        for term in tokens(topic):
            if term in self.vocabulary:
                counts[self.vocabulary[term]] = counts.get(self.vocabulary[term], 0) + 1
        return _Query(
            topic,
            list(counts),
            np.array(list(counts.values()), dtype=np.float32),
            np.array(list(dict.fromkeys(known)), dtype=np.int64),
            member_orgs,
            [self._programme_index[p] for p in programmes or () if p in self._programme_index],
            list(gaps or ()),
            kinds,
            elsewhere,
        )

    # Signals over every organisation (also the benchmark's baselines).

    def walk(
        self,
        members: Sequence[int],
        steps: int = 3,
        through: np.ndarray | None = None,
        prefer: np.ndarray | None = None,
    ) -> list[np.ndarray]:
        """The probabilities of a walk organisation → project → organisation from the members
        after 1, 2, … ``steps`` steps (members set to 0); ``through``: a mask of the projects
        the walk may use (the mass sent to the others is lost); ``prefer``: a mask of projects
        the walk takes PREFERENCE times as often as the others."""
        if prefer is not None:
            weight = 1.0 + (PREFERENCE - 1.0) * prefer
            per_org = np.maximum(self.incidence @ weight, 1e-9)
        members = np.asarray(members, dtype=np.int64)
        p = np.zeros(self.n, dtype=np.float32)
        out = []
        if not members.size:
            return [p.copy() for _ in range(steps)]
        p[members] = 1.0 / members.size
        for _ in range(steps):
            if prefer is not None:
                mass = weight * (self.incidence.T @ (p / per_org))
            else:
                mass = self._to_projects @ p
            if through is not None:
                mass = mass * through
            p = self._to_orgs @ mass
            shown = p.copy()
            shown[members] = 0.0
            out.append(shown)
        return out

    def joint(self, members: Sequence[int]) -> np.ndarray:
        if not len(members):
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.shared[list(members)].sum(axis=0)).ravel()

    def adamic_adar(self, members: Sequence[int], joint: np.ndarray | None = None) -> np.ndarray:
        """Σ over the members' past partners z shared with the candidate of 1 / log degree(z)."""
        joint = self.joint(members) if joint is None else joint
        neighbours = np.flatnonzero(joint)
        if not neighbours.size:
            return np.zeros(self.n, dtype=np.float64)
        through = (joint > 0).astype(np.float64)[neighbours] * self.aa_weight[neighbours]
        score = self.shared[neighbours].T @ through
        score[list(members)] = 0.0
        return score

    def text_scores(self, q: _Query) -> np.ndarray:
        if not q.terms:
            return np.zeros(self.n, dtype=np.float32)
        score = self.bm25[:, q.terms] @ q.term_weights
        score[q.members] = 0.0
        return np.asarray(score).ravel()

    def in_programmes(self, programmes: Sequence[int]) -> np.ndarray | None:
        """A mask of the projects in any of these programme parts (None without parts)."""
        if not programmes:
            return None
        counts = self.project_programmes[:, list(programmes)].sum(axis=1)
        return (np.asarray(counts).ravel() > 0).astype(np.float32)

    def programme_activity(self, programmes: Sequence[int]) -> np.ndarray:
        if not programmes:
            return np.zeros(self.n, dtype=np.float32)
        return self.programme_counts[:, list(programmes)].sum(axis=1)

    # Candidates and features.

    def _signals(self, q: _Query) -> dict[str, np.ndarray]:
        steps = self.walk(q.members, 3)
        joint = self.joint(q.members)
        in_part = self.in_programmes(q.programmes)
        programme_steps = (
            self.walk(q.members, 2, through=in_part)
            if in_part is not None and q.members.size
            else [np.zeros(self.n, dtype=np.float32)] * 2
        )
        tilted = (
            self.walk(q.members, 3, prefer=in_part)[2]
            if in_part is not None and q.members.size
            else np.zeros(self.n, dtype=np.float32)
        )
        profile = np.zeros(self.n, dtype=np.float32)
        if q.terms:
            weights = self.idf[q.terms]
            profile = np.asarray(self.profile_terms[:, q.terms] @ weights).ravel() / weights.sum()
            profile[q.members] = 0.0
        return {
            "profile": profile,
            "programme_tilt": tilted,
            "in_programme": in_part,
            "programme_walk": programme_steps,
            "walk": steps,
            "walk_total": steps[0] + steps[1] + steps[2],
            "joint": joint,
            "adamic_adar": self.adamic_adar(q.members, joint) if q.members.size else joint,
            "text": self.text_scores(q),
            "programme": self.programme_activity(q.programmes),
        }

    def _pick(self, q: _Query, s: dict[str, np.ndarray], allowed: np.ndarray) -> np.ndarray:
        """The candidates the ranker scores: the union of each signal's best."""
        pool = np.flatnonzero(allowed)
        if pool.size <= ALL_CANDIDATES_BELOW:
            return pool
        chosen = [np.flatnonzero((s["joint"] > 0) & allowed)]

        def best(score: np.ndarray, count: int) -> None:
            values = score[pool]
            positive = np.flatnonzero(values > 0)
            if positive.size > count:
                positive = positive[np.argpartition(-values[positive], count - 1)[:count]]
            chosen.append(pool[positive])

        best(s["walk_total"], FROM_WALK)
        best(s["text"], FROM_TEXT)
        best(s["profile"], FROM_TEXT)
        best(s["programme"], FROM_PROGRAMME)
        best(s["programme_walk"][0] + s["programme_walk"][1], FROM_PROGRAMME)
        best(s["programme_tilt"], FROM_PROGRAMME)
        best(self.recent + 0.001 * self.activity, FROM_RECENT)
        return np.unique(np.concatenate(chosen))

    def _features(self, q: _Query, s: dict[str, np.ndarray], idx: np.ndarray) -> np.ndarray:
        x = np.full((idx.size, len(FEATURES)), np.nan, dtype=np.float32)
        col = _F
        # Graph.
        if q.members.size:
            for step in range(3):
                x[:, col[f"walk{step + 1}"]] = _log_ratio(s["walk"][step])[idx]
            total = s["walk_total"]
            order = np.argsort(-total, kind="stable")
            rank = np.empty(self.n, dtype=np.float32)
            rank[order] = np.arange(1, self.n + 1)
            rank[total <= 0] = RANK_CAP
            x[:, col["walk_rank"]] = np.minimum(rank[idx], RANK_CAP)
            x[:, col["joint"]] = s["joint"][idx]
            own = float(self.activity[q.members].sum())
            x[:, col["joint_share"]] = s["joint"][idx] / max(own, 1.0)
            x[:, col["joint_loyalty"]] = s["joint"][idx] / np.maximum(self.activity[idx], 1.0)
            x[:, col["adamic_adar"]] = _log_ratio(s["adamic_adar"])[idx]
            mine = self._member_projects(q)
            x[:, col["recent_joint"]] = self.incidence[idx] @ (mine * self.recent_projects)
            x[:, col["running_joint"]] = self.incidence[idx] @ (mine * self.running_projects)
            x[:, col["ending_joint"]] = self.incidence[idx] @ (mine * self.ending_projects)
        # Activity.
        x[:, col["activity_pct"]] = self.activity_pct[idx]
        if self.has_years:
            x[:, col["recent_pct"]] = self.recent_pct[idx]
            active = self.last_year[idx] > 0
            x[:, col["years_since_last"]] = np.where(
                active, np.minimum(self.reference_year - self.last_year[idx], 10), 10
            )
            x[:, col["years_active"]] = np.where(
                active, np.minimum(self.reference_year - self.first_year[idx] + 1, 10), 0
            )
        # Programme.
        if q.programmes:
            counts = s["programme"][idx]
            x[:, col["programme_share"]] = counts / np.maximum(self.activity[idx], 1)
            x[:, col["programme_pct"]] = self.programme_pct[idx][:, q.programmes].max(axis=1)
            if q.members.size:
                mine = self._member_projects(q)
                x[:, col["programme_joint"]] = self.incidence[idx] @ (mine * s["in_programme"])
                for step in range(2):
                    x[:, col[f"programme_walk{step + 1}"]] = _log_ratio(s["programme_walk"][step])[
                        idx
                    ]
                x[:, col["programme_tilt3"]] = _log_ratio(s["programme_tilt"])[idx]
            x[:, col["programme_kind"]] = self.programme_kind[q.programmes].mean(axis=0)[
                self.kind[idx]
            ]
            x[:, col["programme_country"]] = self.programme_country[q.programmes].mean(axis=0)[
                self.country[idx]
            ]
        # Profile.
        x[:, col["kind"]] = self.kind[idx]
        x[:, col["sme"]] = self.is_sme[idx]
        x[:, col["has_history"]] = self.activity[idx] > 0
        member_countries = {o.country.upper() for o in q.member_orgs if o.country}
        codes = [self._country_index[c] for c in member_countries if c in self._country_index]
        x[:, col["same_country"]] = _among(self.country[idx], codes, len(self.countries))
        if q.member_orgs:
            lead = q.member_orgs[0]
            lead_kind = _KIND_INDEX.get(lead.kind, _KIND_INDEX["other"])
            x[:, col["coordinator_kind"]] = lead_kind
            x[:, col["kind_affinity"]] = self.kind_affinity[lead_kind][self.kind[idx]]
            lead_country = self._country_index.get(lead.country.upper())
            if lead_country is not None:
                x[:, col["country_affinity"]] = self.country_affinity[lead_country][
                    self.country[idx]
                ]
            member_kinds = [_KIND_INDEX.get(o.kind, _KIND_INDEX["other"]) for o in q.member_orgs]
            x[:, col["new_kind"]] = ~_among(self.kind[idx], member_kinds, len(KINDS))
            x[:, col["coordinator_activity_pct"]] = (
                self.activity_pct[q.members[0]] if q.members.size else 0.0
            )
        x[:, col["members"]] = len(q.member_orgs)
        # Text.
        if q.terms:
            best = float(s["text"].max())
            x[:, col["text"]] = s["text"][idx] / best if best > 0 else 0.0
            matched = (self.bm25[:, q.terms][idx] > 0).sum(axis=1)
            x[:, col["text_terms"]] = np.asarray(matched).ravel() / len(q.terms)
        # Eligibility gaps.
        country_fit, kind_fit = self._gap_masks(q, idx)
        x[:, col["gap_country"]] = country_fit
        x[:, col["gap_kind"]] = kind_fit
        return x

    def features(
        self,
        text: str = "",
        members: Iterable[Hashable | Organisation] = (),
        *,
        programmes: Iterable[str] = (),
        gaps: Iterable[dict] | None = None,
        candidates: Iterable[Hashable] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(candidate indices, their feature matrix) of one query: the candidates the ranker
        would see, or the given ones."""
        q = self._query(text, members, gaps, programmes)
        s = self._signals(q)
        if candidates is None:
            allowed = np.ones(self.n, dtype=bool)
            allowed[q.members] = False
            idx = self._pick(q, s, allowed)
        else:
            idx = np.array([self.index[c] for c in candidates if c in self.index], dtype=np.int64)
        return idx, self._features(q, s, idx)

    def _eligible(self, spec: Any, idx: np.ndarray) -> np.ndarray:
        if spec == "member_states":
            return self.country_status[idx] == _STATUS_INDEX["member_state"]
        if spec == "member_states_and_associated":
            return _among(self.country_status[idx], [1, 2], len(_STATUS_INDEX))
        if isinstance(spec, list | tuple):
            codes = [self._country_index[c] for c in spec if c in self._country_index]
            return _among(self.country[idx], codes, len(self.countries))
        return np.ones(idx.size, dtype=bool)

    def _excluding(self, countries: Iterable[str], idx: np.ndarray) -> np.ndarray:
        codes = [self._country_index[c] for c in countries if c in self._country_index]
        return ~_among(self.country[idx], codes, len(self.countries))

    def _gap_masks(self, q: _Query, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether each candidate would close a country gap (a country the consortium does not
        have yet, where the rules need one) or a kind gap."""
        country_fit = np.zeros(idx.size, dtype=bool)
        kind_fit = np.zeros(idx.size, dtype=bool)
        present = {o.country.upper() for o in q.member_orgs if o.country}
        for need in q.gaps:
            if need.get("need") == "member_state":
                country_fit |= self.country_status[idx] == _STATUS_INDEX["member_state"]
            elif need.get("need") == "countries":
                country_fit |= self._eligible(need.get("eligible"), idx) & self._excluding(
                    {*need.get("exclude", ()), *present}, idx
                )
            elif need.get("need") == "kind":
                fit = np.zeros(idx.size, dtype=bool)
                for kind in need.get("kinds", ()):
                    fit |= (
                        self.is_sme[idx]
                        if kind == SME
                        else self.kind[idx] == _KIND_INDEX.get(kind, -1)
                    )
                if "exclude" in need:
                    fit &= self._eligible(need.get("eligible"), idx) & self._excluding(
                        need["exclude"], idx
                    )
                kind_fit |= fit
        return country_fit, kind_fit

    def _allowed(
        self,
        q: _Query,
        kinds: Iterable[str] | None,
        countries: Iterable[str] | None,
        exclude: Iterable[Hashable],
    ) -> np.ndarray:
        everyone = np.arange(self.n)
        allowed = self.listed.copy()
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
            allowed &= ~self._excluding([c.upper() for c in countries], everyone)
        if q.elsewhere:
            allowed &= self._excluding({o.country.upper() for o in q.member_orgs}, everyone)
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
        programmes: Iterable[str] = (),
        kinds: Iterable[str] | None = None,
        countries: Iterable[str] | None = None,
        gaps: Iterable[dict] | None = None,
        exclude: Iterable[Hashable] = (),
        k: int = 20,
    ) -> list[Recommendation]:
        """The k best organisations for a consortium, best first, with their reasons.

        ``text``: a call topic, an opportunity or a consortium description (may be empty).
        ``members``: ids (or ``Organisation`` records) already in the consortium, the
        coordinator first (may be empty, never both). ``programmes``: the programme parts of
        the call ("SC5"). ``kinds`` / ``countries``: filters (``"sme"`` among the kinds for
        SMEs). ``gaps``: ``eligibility.gaps(rules, members)``. ``exclude``: ids never to
        recommend (declined, already invited). Members are never recommended."""
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k: must be a whole number ≥ 1, got {k!r}")
        q = self._query(text, members, gaps, programmes)
        allowed = self._allowed(q, kinds, countries, exclude)
        if not allowed.any():
            return []
        s, idx, x, score = self._score(q, allowed)
        order = self._distinct(idx, np.lexsort((idx, -score)), k)
        contributions = self.ranker.contributions(x[order])
        return [
            Recommendation(
                self.organisations[idx[r]].id,
                float(score[r]),
                self._reasons(q, s, idx[r], x[r], contributions[i]),
            )
            for i, r in enumerate(order)
        ]

    def _distinct(self, idx: np.ndarray, order: np.ndarray, k: int) -> np.ndarray:
        """The first k of ``order``, one per organisation: registers hold some organisations
        twice (two PICs, one name and country); only the best-ranked one is shown."""
        seen: set[tuple[str, str]] = set()
        kept = []
        for r in order.tolist():
            org = self.organisations[idx[r]]
            key = (org.name.casefold().strip(), org.country.upper())
            if org.name and key in seen:
                continue
            seen.add(key)
            kept.append(r)
            if len(kept) == k:
                break
        return np.array(kept, dtype=np.int64)

    def _score(self, q: _Query, allowed: np.ndarray):
        """(signals, candidate indices, their features, their scores)."""
        s = self._signals(q)
        idx = self._pick(q, s, allowed)
        x = self._features(q, s, idx)
        return s, idx, x, self.ranker.score(x) + self._asked_for(q, s, idx)

    def scores(
        self,
        text: str = "",
        members: Iterable[Hashable | Organisation] = (),
        *,
        programmes: Iterable[str] = (),
        gaps: Iterable[dict] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(candidate indices, their scores) as ``recommend`` ranks them, without filters."""
        q = self._query(text, members, gaps, programmes)
        _s, idx, _x, score = self._score(q, self._allowed(q, None, None, ()))
        return idx, score

    def _asked_for(self, q: _Query, s: dict, idx: np.ndarray) -> np.ndarray:
        """What the request says comes before what the history suggests: first the kind of
        partner it asks for in words ("a cluster", "une PME"); then organisations without any
        project whose profile (name, description, ecosystems, technologies) matches the text
        at least half as well as the best one — the share of the request's words it holds,
        rare words counting more. The ranker has never seen such organisations, so their own
        words are what places them. For the others the ranker weighs the words of their
        profile and past projects against their history (it learned how on call texts)."""
        bonus = np.zeros(idx.size)
        profile = s["profile"][idx]
        best = float(s["profile"].max())
        if best > 0:
            newcomer = self.activity[idx] == 0
            bonus += 100.0 * ((profile >= 0.5 * best) & newcomer)
        if q.kinds:
            fit = np.zeros(idx.size, dtype=bool)
            for kind in q.kinds:
                fit |= self.is_sme[idx] if kind == SME else self.kind[idx] == _KIND_INDEX[kind]
            bonus += 200.0 * fit
        return bonus

    # ---------------------------------------------------------------- reasons

    def _reasons(
        self, q: _Query, s: dict[str, np.ndarray], i: int, x: np.ndarray, contribution: np.ndarray
    ) -> list[str]:
        """Plain-language reasons, ordered by the share of the score the features behind each
        carried for this organisation; each is true of the consortium as it stands."""

        def share(*names: str) -> float:
            return float(sum(contribution[_F[name]] for name in names))

        org = self.organisations[i]
        found: list[tuple[float, str]] = []
        if s["text"][i] > 0:
            matched = self._matched_words(q, i)
            if matched:
                found.append((share("text", "text_terms") + 1.0, "shares topics: " + matched))
        graph = share("walk1", "walk2", "walk3", "walk_rank", "joint", "joint_share", "adamic_adar")
        joint_reason = self._joint_reason(q, i) if s["joint"][i] > 0 else ""
        if joint_reason:
            found.append((graph + 0.5, joint_reason))
        elif s["adamic_adar"][i] > 0:
            reason = self._shared_partners_reason(q, i)
            if reason:
                found.append((graph, reason))
        if q.programmes and s["programme"][i] > 0:
            n = int(s["programme"][i])
            names = " / ".join(
                PROGRAMME_LABELS.get(self.programmes[p], self.programmes[p]) for p in q.programmes
            )
            found.append(
                (
                    share("programme_share", "programme_pct", "programme_joint"),
                    f"{n} project{'s' if n != 1 else ''} in {names}",
                )
            )
        if x[_F["gap_kind"]] > 0:
            label = (
                "an SME"
                if org.is_sme and not self._kind_needed(q, org.kind)
                else _article(KIND_LABELS[org.kind][0])
            )
            # what the rules still need is always worth saying
            found.append(
                (max(share("gap_kind"), 0.0) + 0.1, f"{label}, which the consortium still needs")
            )
        if x[_F["gap_country"]] > 0:
            name = country_name(org.country)
            found.append(
                (
                    max(share("gap_country"), 0.0) + 0.05,
                    f"from {name}, a country the consortium does not have yet",
                )
            )
        if self.activity[i] > 0:
            n = int(self.activity[i])
            found.append(
                (
                    share("activity_pct", "recent_pct", "years_since_last", "years_active"),
                    f"active in {n} project{'s' if n != 1 else ''}"
                    + (f", the latest in {int(self.last_year[i])}" if self.last_year[i] else ""),
                )
            )
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

    def _member_projects(self, q: _Query) -> np.ndarray:
        """A mask of the projects of the known members."""
        mine = np.zeros(len(self.projects), dtype=np.float32)
        for m in q.members:
            mine[self._projects_of(m)] = 1.0
        return mine

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
        theirs: set[int] = set()
        for m in q.members:
            theirs.update(shared.indices[shared.indptr[m] : shared.indptr[m + 1]].tolist())
        common = sorted(mine & theirs, key=lambda j: (-self.activity[j], j))
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
        if project.acronym or project.title:
            return project.acronym or project.title
        year = str(project.year) if project.year else ""
        return " ".join(filter(None, (", ".join(project.programmes), year))) or str(project.id)


def _among(values: np.ndarray, wanted: Iterable[int], size: int) -> np.ndarray:
    """values ∈ wanted, for small integer codes (a table look-up, faster than np.isin)."""
    table = np.zeros(max(size, 1), dtype=bool)
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
# Questions from the past, and learning the ranker
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """A consortium that started after the index, turned into a question: its coordinator,
    its programme parts and topic, and the partners to find."""

    project: Project
    coordinator: Hashable
    hidden: frozenset


def questions(projects: Iterable[Project], min_organisations: int = 3) -> list[Question]:
    """Consortia of at least ``min_organisations`` organisations with a coordinator."""
    out = []
    for project in projects:
        everyone = set(project.participants)
        if len(everyone) >= min_organisations and project.coordinator in everyone:
            out.append(
                Question(project, project.coordinator, frozenset(everyone) - {project.coordinator})
            )
    return out


def split(
    projects: Iterable[Project], index_until: int, query_years: tuple[int, int]
) -> tuple[list[Project], list[Project]]:
    """The history (started up to ``index_until``) and the projects to ask about."""
    projects = list(projects)
    history = [p for p in projects if p.year is not None and p.year <= index_until]
    asked = [
        p for p in projects if p.year is not None and query_years[0] <= p.year <= query_years[1]
    ]
    return history, asked


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


MODES = ("coordinator", "programme", "text")


def ask(
    rec: Recommender,
    question: Question,
    mode: str,
    rules: Rules | None = None,
    profiles: Mapping[Hashable, Organisation] | None = None,
    *,
    with_scores: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate indices, features — or with ``with_scores`` the recommender's scores —, is a
    hidden partner) of one question in one mode:
    ``coordinator`` (the coordinator alone), ``programme`` (+ the programme parts), ``text``
    (+ the topic's text). A coordinator without history is asked about by its profile."""
    if question.coordinator in rec.index:
        coordinator = rec.organisations[rec.index[question.coordinator]]
    else:
        coordinator = (profiles or {}).get(question.coordinator) or Organisation(
            id=question.coordinator, name=str(question.coordinator)
        )
    project = question.project
    programmes = project.programmes if mode in ("programme", "text") else ()
    text = (project.topic or project.title) if mode == "text" else ""
    gaps = query_gaps(rules, [coordinator]) if rules else None
    if with_scores:
        idx, x = rec.scores(text, [coordinator], programmes=programmes, gaps=gaps)
    else:
        idx, x = rec.features(text, [coordinator], programmes=programmes, gaps=gaps)
    hidden = np.array([rec.index[h] for h in question.hidden if h in rec.index], dtype=np.int64)
    return idx, x, np.isin(idx, hidden)


def examples(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    index_until: int,
    query_years: tuple[int, int],
    modes: Sequence[str] = MODES,
    rules: Rules | None = None,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Learning examples of one split: for each consortium that started in ``query_years``,
    asked in every mode its data allows, the candidates' features and whether each is one of
    its partners; the index holds only what started up to ``index_until``."""
    history, asked = split(projects, index_until, query_years)
    active = {o for p in history for o in p.participants}
    rec = Recommender(
        [o for o in organisations if o.id in active], history, reference_year=index_until
    )
    blocks, labels = [], []
    profiles = {o.id: o for o in organisations}
    for question in questions(asked):
        project = question.project
        for mode in modes:
            if mode == "text" and not (project.topic or project.title):
                continue
            if mode == "programme" and not project.programmes:
                continue
            _idx, x, y = ask(rec, question, mode, rules, profiles)
            if y.any() and not y.all():
                blocks.append(x)
                labels.append(y.astype(np.float32))
    return blocks, labels


def fit(
    organisations: Sequence[Organisation],
    projects: Sequence[Project],
    *,
    index_until: int,
    query_years: tuple[int, int],
    also: Sequence[tuple[Sequence[Organisation], Sequence[Project], int, tuple[int, int]]] = (),
    modes: Sequence[str] = MODES,
    rules: Rules | None = None,
    rounds: int = 600,
    seed: int = 0,
) -> Ranker:
    """Learn the ranker on the past: the index holds what started up to ``index_until``, the
    examples are the consortia that started in ``query_years`` (each asked in every mode the
    data allows); ``also``: more histories split the same way (one with call texts teaches
    the text features). LightGBM, deterministic for a given input."""
    import lightgbm

    blocks, labels = examples(organisations, projects, index_until, query_years, modes, rules)
    for more in also:
        extra_blocks, extra_labels = examples(*more, modes=modes, rules=rules)
        blocks += extra_blocks
        labels += extra_labels
    groups = [len(y) for y in labels]
    if not groups:
        raise ValueError("no consortium to learn from in those years")
    data = lightgbm.Dataset(
        np.vstack(blocks),
        np.concatenate(labels),
        group=groups,
        feature_name=list(FEATURES),
        categorical_feature=list(CATEGORICAL),
        free_raw_data=True,
    )
    # Small trees, many of them, a pointwise objective: on the H2020 network these carried
    # over from one split to the next better than deeper trees or LambdaRank (which fit the
    # learning split more closely and the next one less well).
    params = {
        "objective": "binary",
        "learning_rate": 0.05,
        "num_leaves": 7,
        "min_data_in_leaf": 300,
        "feature_fraction": 0.9,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 2,
        "seed": seed,
        "verbose": -1,
    }
    booster = lightgbm.train(params, data, num_boost_round=rounds)
    return Ranker(booster)


# --------------------------------------------------------------------------------------------
# The programme parts of a call, from its identifier
# --------------------------------------------------------------------------------------------

# Call identifiers of Horizon 2020 and Horizon Europe → the H2020 parts the history is filed
# under (Horizon Europe's clusters and pillars followed H2020's societal challenges and parts).
_CALL_PARTS = (
    (r"HORIZON-CL1|\bSC1\b|\bPHC\b|\bHCO\b|\bDTH\b", ("SC1",)),
    (r"HORIZON-CL2|\bSC6\b|TRANSFORMATIONS|GOVERNANCE|\bCULT-COOP\b|\bREV-INEQUAL", ("SC6",)),
    (r"HORIZON-CL3|\bSC7\b|\bSU-|\bSEC-|\bDRS-|\bFCT-|\bBES-|\bDS-", ("SC7",)),
    (r"HORIZON-CL4|\bLEIT\b|\bNMBP\b|\bICT-|\bDT-ICT|\bSPACE\b|\bFOF-|\bSPIRE-|\bEO-|\bCOMPET-",
     ("LEIT",)),
    (r"HORIZON-CL5|\bSC3\b|\bLCE-|\bEE-|\bLC-SC3|\bMG-|\bLC-MG|\bSC4\b|\bGV-|\bART-",
     ("SC3", "SC4")),
    (r"HORIZON-CL6|\bSC2\b|\bSC5\b|\bSFS-|\bBG-|\bRUR-|\bCE-|\bLC-CLA|\bCS2?-|\bBBI",
     ("SC2", "SC5")),
    (r"MSCA", ("MSCA",)),
    (r"\bERC\b|HORIZON-ERC|^ERC-", ("ERC",)),
    (r"HORIZON-EIC|\bEIC\b|SMEINST|\bINNOSUP", ("Innovation in SMEs",)),
    (r"\bFET", ("FET",)),
    (r"INFRA", ("RI",)),
    (r"WIDERA|WIDESPREAD|\bSEWP\b", ("SEWP",)),
    (r"\bSWAFS\b", ("SWAFS",)),
    (r"EURATOM|\bNFRP\b", ("Euratom",)),
)  # fmt: skip
_CALL_PATTERNS = [(re.compile(p, re.IGNORECASE), parts) for p, parts in _CALL_PARTS]


def programme_parts_for(*identifiers: str) -> tuple[str, ...]:
    """The programme parts of a call from its identifier or topic code
    ("HORIZON-CL5-2024-D3-01" → SC3, SC4; "H2020-SC5-2016" → SC5); () when unknown."""
    text = " ".join(i for i in identifiers if i)
    challenge = re.search(r"(?<![A-Z0-9])SC([1-7])(?![0-9])", text, re.IGNORECASE)
    if challenge:  # Horizon 2020's societal challenges name themselves
        return (f"SC{challenge.group(1)}",)
    for pattern, parts in _CALL_PATTERNS:
        if pattern.search(text):
            return parts
    return ()
