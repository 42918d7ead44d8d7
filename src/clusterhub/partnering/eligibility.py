"""Consortium eligibility: a call's rules (stored as data) and a consortium's members in, a
verdict that explains itself out.

Pure: no Django import. The services layer turns database rows into ``Member`` objects (with the
country's status from the reference tables) and stores ``Rules.to_dict()`` on the call.

What counts, and for what:

- Status. ``check`` judges the *confirmed* members; its ``projected`` verdict judges the
  confirmed, interested and invited members together ("if everyone we asked says yes").
  Members who declined or left never count.
- Role. The coordinator and beneficiaries always count. Affiliated entities and associated
  partners count only when the call says so (in Horizon Europe they do not count towards the
  minimum conditions).
- Country. Only members established in an eligible country count towards the minimum
  conditions; others may still take part and appear in the verdict's notes.
- Independence. Members sharing a ``group`` (linked entities: a parent and its subsidiary) count
  as one independent legal entity. Members without a group are independent of everyone.
- "N entities from N different countries" is the largest number of independent entities that
  can be placed in pairwise different eligible countries (a bipartite matching, so linked
  entities spread over several countries are not counted twice).
- ``max_partners`` counts every active member whose role counts, whatever its country.
- Kind requirements count independent entities of that kind among the counted members.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

KINDS = ("company", "research", "higher_education", "public_authority", "cluster", "other")
SME = "sme"  # a pseudo-kind for required_kinds: any member with is_sme
ROLES = ("coordinator", "beneficiary", "affiliated_entity", "associated_partner")
STATUSES = ("invited", "interested", "confirmed", "declined", "left")
COUNTRY_STATUSES = ("member_state", "associated", "third")
ELIGIBLE_SETS = ("member_states", "member_states_and_associated")

CONFIRMED = ("confirmed",)
PROJECTED = ("confirmed", "interested", "invited")

KIND_LABELS = {
    "company": ("company", "companies"),
    "research": ("research organisation", "research organisations"),
    "higher_education": ("university or higher-education institution", "universities"),
    "public_authority": ("public authority", "public authorities"),
    "cluster": ("cluster organisation", "cluster organisations"),
    "other": ("other organisation", "other organisations"),
    SME: ("SME", "SMEs"),
}
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


class RulesError(ValueError):
    """Malformed rules. ``field`` names the offending field (``required_kinds[1].min``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequiredKind:
    """At least ``min_count`` independent entities of one of ``kinds`` (``"sme"`` for SMEs),
    optionally from at least ``min_countries`` different eligible countries."""

    kinds: tuple[str, ...]
    min_count: int
    min_countries: int = 0

    @property
    def label(self) -> str:
        return " or ".join(KIND_LABELS[k][0] for k in self.kinds)

    @property
    def label_plural(self) -> str:
        return " or ".join(KIND_LABELS[k][1] for k in self.kinds)

    def matches(self, member: Member) -> bool:
        return any((member.is_sme if k == SME else member.kind == k) for k in self.kinds)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kinds[0] if len(self.kinds) == 1 else list(self.kinds),
            "min": self.min_count,
        }
        if self.min_countries:
            out["min_countries"] = self.min_countries
        return out


_RULE_FIELDS = (
    "min_entities",
    "min_countries",
    "eligible_countries",
    "min_from_member_states",
    "required_kinds",
    "max_partners",
    "affiliated_count",
    "associated_partners_count",
    "require_coordinator",
)


@dataclass(frozen=True)
class Rules:
    """A call's eligibility rules. Build from stored data with ``Rules.from_dict``."""

    min_entities: int = 1
    min_countries: int = 1
    # "member_states", "member_states_and_associated" or an explicit tuple of country codes
    eligible_countries: str | tuple[str, ...] = "member_states_and_associated"
    min_from_member_states: int = 0
    required_kinds: tuple[RequiredKind, ...] = ()
    max_partners: int | None = None
    affiliated_count: bool = False
    associated_partners_count: bool = False
    require_coordinator: bool = True

    def __post_init__(self) -> None:
        for name in ("min_entities", "min_countries", "min_from_member_states"):
            _whole(name, getattr(self, name), minimum=1 if name == "min_entities" else 0)
        if self.max_partners is not None:
            _whole("max_partners", self.max_partners, minimum=1)
        for name in ("affiliated_count", "associated_partners_count", "require_coordinator"):
            if not isinstance(getattr(self, name), bool):
                raise RulesError(name, f"must be true or false, got {getattr(self, name)!r}")
        object.__setattr__(self, "eligible_countries", _eligible(self.eligible_countries))
        kinds = self.required_kinds
        if isinstance(kinds, str | bytes) or not isinstance(kinds, Iterable):
            raise RulesError("required_kinds", f"must be a list, got {kinds!r}")
        object.__setattr__(
            self,
            "required_kinds",
            tuple(_required_kind(f"required_kinds[{i}]", k) for i, k in enumerate(kinds)),
        )
        # Rules that no consortium could ever satisfy are malformed too.
        if self.max_partners is not None:
            if self.max_partners < self.min_entities:
                raise RulesError(
                    "max_partners",
                    f"is {self.max_partners} but min_entities is {self.min_entities}: "
                    "no consortium could satisfy both",
                )
            for i, req in enumerate(self.required_kinds):
                if req.min_count > self.max_partners:
                    raise RulesError(
                        f"required_kinds[{i}].min",
                        f"asks for {req.min_count} {req.label_plural} but max_partners is "
                        f"{self.max_partners}",
                    )
        if isinstance(self.eligible_countries, tuple):
            n = len(self.eligible_countries)
            if self.min_countries > n:
                raise RulesError(
                    "min_countries",
                    f"is {self.min_countries} but only {n} countries are eligible",
                )
            for i, req in enumerate(self.required_kinds):
                if req.min_countries > n:
                    raise RulesError(
                        f"required_kinds[{i}].min_countries",
                        f"is {req.min_countries} but only {n} countries are eligible",
                    )

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, known_countries: Collection[str] | None = None
    ) -> Rules:
        """Rules from their stored JSON form. Raises ``RulesError`` (a ``ValueError``) naming
        the field when anything is malformed: unknown fields, wrong types, negative numbers,
        unknown kinds or countries (when ``known_countries`` is given), contradictions."""
        if not isinstance(data, Mapping):
            raise RulesError("rules", f"must be an object with named fields, got {data!r}")
        unknown = sorted(set(data) - set(_RULE_FIELDS))
        if unknown:
            raise RulesError(
                str(unknown[0]), f"unknown field; the known fields are {', '.join(_RULE_FIELDS)}"
            )
        kwargs = dict(data)
        eligible = kwargs.get("eligible_countries")
        if isinstance(eligible, list):
            kwargs["eligible_countries"] = tuple(eligible)
        rules = cls(**kwargs)
        if known_countries is not None and isinstance(rules.eligible_countries, tuple):
            known = {c.upper() for c in known_countries}
            for code in rules.eligible_countries:
                if code not in known:
                    raise RulesError("eligible_countries", f"unknown country code {code!r}")
        return rules

    def to_dict(self) -> dict[str, Any]:
        """The JSON-able form that ``from_dict`` reads back."""
        eligible = self.eligible_countries
        return {
            "min_entities": self.min_entities,
            "min_countries": self.min_countries,
            "eligible_countries": list(eligible) if isinstance(eligible, tuple) else eligible,
            "min_from_member_states": self.min_from_member_states,
            "required_kinds": [r.to_dict() for r in self.required_kinds],
            "max_partners": self.max_partners,
            "affiliated_count": self.affiliated_count,
            "associated_partners_count": self.associated_partners_count,
            "require_coordinator": self.require_coordinator,
        }

    # Wording of the eligible countries in messages.
    def countries_plural(self) -> str:
        e = self.eligible_countries
        if e == "member_states":
            return "Member States"
        if e == "member_states_and_associated":
            return "Member States or associated countries"
        return f"eligible countries ({_list_codes(e, limit=8)})"

    def countries_singular(self) -> str:
        e = self.eligible_countries
        if e == "member_states":
            return "Member State"
        if e == "member_states_and_associated":
            return "Member State or associated country"
        return "eligible country"

    def is_eligible_country(self, country: str, country_status: str) -> bool:
        e = self.eligible_countries
        if e == "member_states":
            return country_status == "member_state"
        if e == "member_states_and_associated":
            return country_status in ("member_state", "associated")
        return country in e


def _whole(name: str, value: Any, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise RulesError(name, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise RulesError(name, f"must be at least {minimum}, got {value}")


def _eligible(value: Any) -> str | tuple[str, ...]:
    if isinstance(value, str):
        if value not in ELIGIBLE_SETS:
            raise RulesError(
                "eligible_countries",
                f"must be {' or '.join(map(repr, ELIGIBLE_SETS))} or a list of country codes, "
                f"got {value!r}",
            )
        return value
    if not isinstance(value, list | tuple):
        raise RulesError(
            "eligible_countries",
            f"must be {' or '.join(map(repr, ELIGIBLE_SETS))} or a list of country codes, "
            f"got {value!r}",
        )
    if not value:
        raise RulesError("eligible_countries", "the list of countries must not be empty")
    codes: list[str] = []
    for code in value:
        if not isinstance(code, str) or not _COUNTRY_CODE.match(code.upper()):
            raise RulesError(
                "eligible_countries", f"{code!r} is not a two-letter country code (e.g. 'FR')"
            )
        if code.upper() not in codes:
            codes.append(code.upper())
    return tuple(codes)


def _required_kind(name: str, value: Any) -> RequiredKind:
    if isinstance(value, RequiredKind):
        kinds, minimum, min_countries = value.kinds, value.min_count, value.min_countries
    elif isinstance(value, Mapping):
        unknown = sorted(set(value) - {"kind", "min", "min_countries"})
        if unknown:
            raise RulesError(f"{name}.{unknown[0]}", "unknown field; use kind, min, min_countries")
        if "kind" not in value or "min" not in value:
            raise RulesError(name, "needs a 'kind' and a 'min', e.g. {'kind': 'sme', 'min': 1}")
        kinds, minimum = value["kind"], value["min"]
        min_countries = value.get("min_countries", 0)
    elif isinstance(value, list | tuple) and len(value) == 2:
        kinds, minimum = value
        min_countries = 0
    else:
        raise RulesError(name, f"must be {{'kind': ..., 'min': ...}}, got {value!r}")
    if isinstance(kinds, str):
        kinds = (kinds,)
    if not isinstance(kinds, list | tuple) or not kinds:
        raise RulesError(f"{name}.kind", f"must be a kind or a list of kinds, got {kinds!r}")
    allowed = (*KINDS, SME)
    for kind in kinds:
        if kind not in allowed:
            raise RulesError(
                f"{name}.kind", f"unknown kind {kind!r}; the kinds are {', '.join(allowed)}"
            )
    _whole(f"{name}.min", minimum, minimum=1)
    _whole(f"{name}.min_countries", min_countries, minimum=0)
    return RequiredKind(tuple(dict.fromkeys(kinds)), minimum, min_countries)


# --------------------------------------------------------------------------------------------
# Members and verdicts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    name: str
    country: str  # ISO 3166-1 alpha-2 ("GR", "GB")
    country_status: str  # "member_state", "associated" or "third"
    kind: str = "other"
    is_sme: bool = False
    role: str = "beneficiary"
    status: str = "confirmed"
    group: str | None = None  # linked entities share a group and count as one
    id: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", str(self.country).upper())
        label = f"member {self.name!r}"
        if not _COUNTRY_CODE.match(self.country):
            raise ValueError(f"{label}: country must be a two-letter code, got {self.country!r}")
        for name, allowed in (
            ("country_status", COUNTRY_STATUSES),
            ("kind", KINDS),
            ("role", ROLES),
            ("status", STATUSES),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(
                    f"{label}: {name} must be one of {', '.join(allowed)}, "
                    f"got {getattr(self, name)!r}"
                )

    @property
    def entity(self) -> Any:
        """The independent legal entity this member belongs to."""
        if self.group is not None:
            return ("group", self.group)
        return ("member", self.id if self.id is not None else self.name)


@dataclass(frozen=True)
class Problem:
    rule: str  # the Rules field that is not met ("min_countries", "required_kinds[0]")
    message: str
    fix: str


@dataclass
class Verdict:
    eligible: bool
    problems: list[Problem]
    counts: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    statuses: tuple[str, ...] = CONFIRMED
    # The same check counting invited and interested members as if they had confirmed.
    projected: Verdict | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "problems": [
                {"rule": p.rule, "message": p.message, "fix": p.fix} for p in self.problems
            ],
            "counts": self.counts,
            "notes": self.notes,
            "statuses": list(self.statuses),
            "projected": self.projected.to_dict() if self.projected else None,
        }


def check(rules: Rules, members: Iterable[Member]) -> Verdict:
    """The verdict on the confirmed members, with ``projected`` on confirmed + interested +
    invited members. Every unmet rule is one ``Problem`` in plain words, with its fix."""
    members = list(members)
    verdict = _verdict(rules, members, CONFIRMED)
    verdict.projected = _verdict(rules, members, PROJECTED)
    return verdict


def newly_broken(before: Verdict, after: Verdict) -> list[Problem]:
    """Problems of rules that ``before`` met and ``after`` does not: what to tell the
    coordinator when a change (a partner leaving) breaks eligibility."""
    broken_before = {p.rule for p in before.problems}
    return [p for p in after.problems if p.rule not in broken_before]


# --------------------------------------------------------------------------------------------
# The analysis shared by check() and gaps()
# --------------------------------------------------------------------------------------------


@dataclass
class _Analysis:
    active: list[Member]
    counted: list[Member]
    entities: dict[Any, list[Member]]
    countries: list[str]
    matched: int
    from_member_states: int
    partners: int
    kinds: list[tuple[RequiredKind, int, int, list[str], list[str]]]
    coordinators: list[Member]
    notes: list[str]


def _role_counts(rules: Rules, member: Member) -> bool:
    if member.role == "affiliated_entity":
        return rules.affiliated_count
    if member.role == "associated_partner":
        return rules.associated_partners_count
    return True


def _analyse(rules: Rules, members: Sequence[Member], statuses: Sequence[str]) -> _Analysis:
    notes: list[str] = []
    active = [m for m in members if m.status in statuses]
    for m in members:
        if m.status in ("declined", "left"):
            notes.append(f"{m.name} {m.status} and no longer counts.")
        elif m.status not in statuses:
            notes.append(
                f"{m.name} is {m.status} but has not confirmed; it counts only in the "
                "projected verdict."
            )
    counted: list[Member] = []
    for m in active:
        if not _role_counts(rules, m):
            role = "affiliated entities" if m.role == "affiliated_entity" else "associated partners"
            notes.append(
                f"{m.name} is one of the {role}, which don't count towards this call's conditions."
            )
        elif not rules.is_eligible_country(m.country, m.country_status):
            notes.append(
                f"{m.name} ({m.country}) is not from one of the {rules.countries_plural()}; it "
                "may take part but doesn't count towards the conditions."
            )
        else:
            counted.append(m)
    entities: dict[Any, list[Member]] = {}
    for m in counted:
        entities.setdefault(m.entity, []).append(m)
    for group in entities.values():
        names = sorted({m.name for m in group})
        if len(names) > 1:
            notes.append(f"{_and(names)} are linked entities and count as one independent entity.")
    countries = sorted({m.country for m in counted})
    matched = _distinct_country_entities(counted)
    from_ms = sum(
        1 for group in entities.values() if any(m.country_status == "member_state" for m in group)
    )
    partners = sum(1 for m in active if _role_counts(rules, m))
    kinds = []
    for req in rules.required_kinds:
        of_kind = [m for m in counted if req.matches(m)]
        n_entities = len({m.entity for m in of_kind})
        kinds.append(
            (
                req,
                n_entities,
                _distinct_country_entities(of_kind),
                sorted({m.country for m in of_kind}),
                sorted({m.name for m in of_kind}),
            )
        )
    coordinators = [m for m in active if m.role == "coordinator"]
    return _Analysis(
        active, counted, entities, countries, matched, from_ms, partners, kinds, coordinators, notes
    )


def _distinct_country_entities(members: Sequence[Member]) -> int:
    """The largest number of independent entities placed in pairwise different countries
    (Kuhn's augmenting paths on the entity–country bipartite graph; consortia are small)."""
    options: dict[Any, list[str]] = {}
    for m in members:
        countries = options.setdefault(m.entity, [])
        if m.country not in countries:
            countries.append(m.country)
    owner: dict[str, Any] = {}

    def place(entity: Any, seen: set[str]) -> bool:
        for country in options[entity]:
            if country in seen:
                continue
            seen.add(country)
            if country not in owner or place(owner[country], seen):
                owner[country] = entity
                return True
        return False

    return sum(1 for entity in options if place(entity, set()))


def _verdict(rules: Rules, members: Sequence[Member], statuses: Sequence[str]) -> Verdict:
    a = _analyse(rules, members, statuses)
    problems: list[Problem] = []
    n_entities = len(a.entities)
    where = rules.countries_plural()

    if rules.require_coordinator:
        if not a.coordinators:
            problems.append(
                Problem(
                    "require_coordinator",
                    "A coordinator is needed; no member is the coordinator.",
                    "make one member the coordinator",
                )
            )
        elif len(a.coordinators) > 1:
            names = _and(sorted(m.name for m in a.coordinators))
            problems.append(
                Problem(
                    "require_coordinator",
                    f"Only one coordinator is allowed; {names} are all coordinators.",
                    "keep one coordinator and make the others beneficiaries",
                )
            )

    if n_entities < rules.min_entities:
        missing = rules.min_entities - n_entities
        entities = "independent legal entities"
        problems.append(
            Problem(
                "min_entities",
                f"{_n(rules.min_entities, 'independent legal entity', entities)} from {where} "
                f"{'is' if rules.min_entities == 1 else 'are'} needed; "
                f"you have {_n(n_entities, 'entity', 'entities')}.",
                f"add {_n(missing, 'more independent partner', 'more independent partners')} "
                f"from {where}",
            )
        )

    if a.matched < rules.min_countries:
        missing = rules.min_countries - a.matched
        need = rules.min_countries
        have = f"you have {_n(n_entities, 'entity', 'entities')} from {_countries(a.countries)}"
        if a.matched < min(n_entities, len(a.countries)):
            have += f", of which only {a.matched} can count for different countries"
        single = rules.countries_singular()
        if missing == 1:
            fix = f"add a partner from another {single}"
        else:
            fix = f"add {missing} partners, each from a different {single}"
        if a.countries:
            fix += f" (not {_or(a.countries)})"
        problems.append(
            Problem(
                "min_countries",
                f"{_n(need, 'independent entity is', 'independent entities are')} needed from "
                f"{need} different {where}; {have}.",
                fix,
            )
        )

    if a.from_member_states < rules.min_from_member_states:
        need = rules.min_from_member_states
        missing = need - a.from_member_states
        problems.append(
            Problem(
                "min_from_member_states",
                f"At least {_n(need, 'independent entity', 'independent entities')} must be "
                f"established in an EU Member State; you have {a.from_member_states}"
                + (
                    f" (your counted members are from {_list_codes(a.countries)})."
                    if a.countries
                    else "."
                ),
                f"add {_n(missing, 'partner', 'partners')} established in an EU Member State",
            )
        )

    for i, (req, n_kind, matched_kind, countries, names) in enumerate(a.kinds):
        rule = f"required_kinds[{i}]"
        who = f" ({_and(names)})" if names else ""
        if req.min_countries and matched_kind < req.min_countries:
            missing = max(req.min_count - n_kind, req.min_countries - matched_kind)
            problems.append(
                Problem(
                    rule,
                    f"{_n(req.min_count, req.label, req.label_plural)} from "
                    f"{req.min_countries} different {where} are needed; you have "
                    f"{n_kind}{who} from {_countries(countries)}.",
                    (
                        f"add a {req.label} from another {rules.countries_singular()}"
                        if missing == 1
                        else f"add {missing} {req.label_plural}, each from a different "
                        f"{rules.countries_singular()}"
                    )
                    + (f" (not {_or(countries)})" if countries else ""),
                )
            )
        elif n_kind < req.min_count:
            problems.append(
                Problem(
                    rule,
                    f"At least {_n(req.min_count, req.label, req.label_plural)} "
                    f"{'is' if req.min_count == 1 else 'are'} needed; you have {n_kind}{who}.",
                    f"add {_n(req.min_count - n_kind, req.label, req.label_plural)}",
                )
            )

    if rules.max_partners is not None and a.partners > rules.max_partners:
        extra = a.partners - rules.max_partners
        fix = f"remove {_n(extra, 'partner', 'partners')}"
        if not rules.associated_partners_count:
            fix += " or make them associated partners, which this call does not count"
        problems.append(
            Problem(
                "max_partners",
                f"At most {_n(rules.max_partners, 'partner is', 'partners are')} allowed; "
                f"you have {a.partners}.",
                fix,
            )
        )

    counts = {
        "members": len(a.active),
        "counted": len(a.counted),
        "independent_entities": n_entities,
        "countries": a.countries,
        "entities_in_distinct_countries": a.matched,
        "from_member_states": a.from_member_states,
        "partners": a.partners,
        "required_kinds": [
            {"kinds": list(req.kinds), "entities": n, "countries": countries}
            for req, n, _matched, countries, _names in a.kinds
        ],
    }
    return Verdict(not problems, problems, counts, a.notes, tuple(statuses))


# --------------------------------------------------------------------------------------------
# Gaps: what the recommender should look for
# --------------------------------------------------------------------------------------------


def gaps(rules: Rules, members: Iterable[Member], *, projected: bool = True) -> list[dict]:
    """Structured needs, JSON-able, for the recommender and the workspace ("missing: ...").

    By default on the projected members (an invited partner is not recommended twice).
    Each need has ``need``, ``count`` and ``description``, and:

    - ``{"need": "entities", "eligible": ...}``: more independent partners from eligible
      countries;
    - ``{"need": "countries", "eligible": ..., "exclude": [codes]}``: partners from other
      eligible countries than those listed;
    - ``{"need": "member_state"}``: partners established in an EU Member State;
    - ``{"need": "kind", "kinds": [...]}`` (``"sme"`` among the kinds for SMEs), with
      ``eligible`` and ``exclude`` when the kind must also come from different countries;
    - ``{"need": "coordinator"}``.

    ``eligible`` is ``"member_states"``, ``"member_states_and_associated"`` or a list of codes.
    """
    members = list(members)
    a = _analyse(rules, members, PROJECTED if projected else CONFIRMED)
    eligible: str | list[str] = (
        list(rules.eligible_countries)
        if isinstance(rules.eligible_countries, tuple)
        else rules.eligible_countries
    )
    out: list[dict] = []
    if rules.require_coordinator and not a.coordinators:
        out.append({"need": "coordinator", "count": 1, "description": "a coordinator"})
    missing = rules.min_entities - len(a.entities)
    if missing > 0:
        out.append(
            {
                "need": "entities",
                "count": missing,
                "eligible": eligible,
                "description": f"{_n(missing, 'independent partner', 'independent partners')} "
                f"from {rules.countries_plural()}",
            }
        )
    missing = rules.min_countries - a.matched
    if missing > 0:
        single = rules.countries_singular()
        description = (
            f"a partner from another {single}"
            if missing == 1
            else f"{missing} partners from other {rules.countries_plural()}"
        )
        if a.countries:
            description += f" (not {_or(a.countries)})"
        out.append(
            {
                "need": "countries",
                "count": missing,
                "eligible": eligible,
                "exclude": list(a.countries),
                "description": description,
            }
        )
    missing = rules.min_from_member_states - a.from_member_states
    if missing > 0:
        out.append(
            {
                "need": "member_state",
                "count": missing,
                "description": f"{_n(missing, 'partner', 'partners')} from an EU Member State",
            }
        )
    for req, n_kind, matched_kind, countries, _names in a.kinds:
        missing = req.min_count - n_kind
        need: dict[str, Any] = {"need": "kind", "kinds": list(req.kinds)}
        if req.min_countries and matched_kind < req.min_countries:
            missing = max(missing, req.min_countries - matched_kind)
            need |= {"eligible": eligible, "exclude": list(countries)}
        if missing > 0:
            article = "an" if req.label[0].lower() in "aeiou" or req.label == "SME" else "a"
            what = f"{article} {req.label}" if missing == 1 else f"{missing} {req.label_plural}"
            if "exclude" in need:
                what += f" from other {rules.countries_plural()}"
                if countries:
                    what += f" (not {_or(countries)})"
            out.append(need | {"count": missing, "description": what})
    return out


# --------------------------------------------------------------------------------------------
# Rule sets
# --------------------------------------------------------------------------------------------

# Horizon Europe, General Annexes, B: at least one independent legal entity established in a
# Member State and at least two other independent legal entities, each established in different
# Member States or associated countries; affiliated entities and associated partners don't count.
HORIZON_EUROPE_DEFAULT = Rules(
    min_entities=3,
    min_countries=3,
    eligible_countries="member_states_and_associated",
    min_from_member_states=1,
    affiliated_count=False,
    associated_partners_count=False,
)

# An example in the spirit of the European Strategic Cluster Partnerships: at least three
# cluster organisations from three different eligible countries (check each call's text).
ESCP_LIKE_EXAMPLE = Rules(
    min_entities=3,
    min_countries=3,
    eligible_countries="member_states_and_associated",
    required_kinds=(RequiredKind(("cluster",), 3, min_countries=3),),
)


# --------------------------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------------------------


def _n(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _list_codes(codes: Sequence[str], limit: int = 12) -> str:
    codes = list(codes)
    if len(codes) > limit:
        return ", ".join(codes[:limit]) + f", … ({len(codes)} in all)"
    return ", ".join(codes)


def _countries(codes: Sequence[str]) -> str:
    if not codes:
        return "no eligible country"
    return f"{_n(len(codes), 'country', 'countries')} ({_list_codes(codes)})"
