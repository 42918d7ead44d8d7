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

Wording. Every sentence is built whole by ``gettext``/``ngettext`` below, which are English until
the web layer plugs in its translation (``use_translation``), so a French reader gets French
sentences and this module still imports nothing from Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
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


# --------------------------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------------------------

_translation: list[Callable] = [lambda message: message, lambda s, p, n: s if n == 1 else p]


def use_translation(gettext_function: Callable, ngettext_function: Callable) -> None:
    """Word every message with these (Django's gettext and ngettext, from the app config)."""
    _translation[:] = [gettext_function, ngettext_function]


def gettext(message: str) -> str:
    return _translation[0](message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation[1](singular, plural, n)


def _kind_label(kind: str, n: int) -> str:
    """The name of a kind of member, singular or plural as ``n`` asks."""
    if kind == "company":
        return ngettext("company", "companies", n)
    if kind == "research":
        return ngettext("research organisation", "research organisations", n)
    if kind == "higher_education":
        return ngettext(
            "university or higher-education institution",
            "universities or higher-education institutions",
            n,
        )
    if kind == "public_authority":
        return ngettext("public authority", "public authorities", n)
    if kind == "cluster":
        return ngettext("cluster organisation", "cluster organisations", n)
    if kind == SME:
        return ngettext("SME", "SMEs", n)
    return ngettext("other organisation", "other organisations", n)


# English names of the kinds, for the recommender's reasons.
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

    def label_for(self, n: int) -> str:
        """The kinds named for ``n`` entities ("1 SME", "2 companies or research organisations")."""
        return _or([_kind_label(k, n) for k in self.kinds])

    @property
    def label(self) -> str:
        return self.label_for(1)

    @property
    def label_plural(self) -> str:
        return self.label_for(2)

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
            return gettext("Member States")
        if e == "member_states_and_associated":
            return gettext("Member States or associated countries")
        return gettext("eligible countries (%(codes)s)") % {"codes": _list_codes(e, limit=8)}

    def countries_singular(self) -> str:
        e = self.eligible_countries
        if e == "member_states":
            return gettext("Member State")
        if e == "member_states_and_associated":
            return gettext("Member State or associated country")
        return gettext("eligible country")

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
        if m.status == "declined":
            notes.append(gettext("%(name)s declined and no longer counts.") % {"name": m.name})
        elif m.status == "left":
            notes.append(gettext("%(name)s left and no longer counts.") % {"name": m.name})
        elif m.status not in statuses:
            notes.append(
                gettext("%(name)s has not confirmed yet; it counts only in the projected verdict.")
                % {"name": m.name}
            )
    counted: list[Member] = []
    for m in active:
        if not _role_counts(rules, m):
            if m.role == "affiliated_entity":
                note = gettext(
                    "%(name)s is an affiliated entity; affiliated entities don't count towards "
                    "this call's conditions."
                )
            else:
                note = gettext(
                    "%(name)s is an associated partner; associated partners don't count towards "
                    "this call's conditions."
                )
            notes.append(note % {"name": m.name})
        elif not rules.is_eligible_country(m.country, m.country_status):
            notes.append(
                gettext(
                    "%(name)s (%(country)s) is not from one of the %(where)s; it may take part "
                    "but doesn't count towards the conditions."
                )
                % {"name": m.name, "country": m.country, "where": rules.countries_plural()}
            )
        else:
            counted.append(m)
    entities: dict[Any, list[Member]] = {}
    for m in counted:
        entities.setdefault(m.entity, []).append(m)
    for group in entities.values():
        names = sorted({m.name for m in group})
        if len(names) > 1:
            notes.append(
                gettext("%(names)s are linked entities and count as one independent entity.")
                % {"names": _and(names)}
            )
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
    single = rules.countries_singular()

    if rules.require_coordinator:
        if not a.coordinators:
            problems.append(
                Problem(
                    "require_coordinator",
                    gettext("A coordinator is needed; no member is the coordinator."),
                    gettext("make one member the coordinator"),
                )
            )
        elif len(a.coordinators) > 1:
            names = _and(sorted(m.name for m in a.coordinators))
            problems.append(
                Problem(
                    "require_coordinator",
                    gettext("Only one coordinator is allowed; %(names)s are all coordinators.")
                    % {"names": names},
                    gettext("keep one coordinator and make the others beneficiaries"),
                )
            )

    if n_entities < rules.min_entities:
        missing = rules.min_entities - n_entities
        need = ngettext(
            "%(n)d independent legal entity from %(where)s is needed",
            "%(n)d independent legal entities from %(where)s are needed",
            rules.min_entities,
        ) % {"n": rules.min_entities, "where": where}
        have = ngettext("you have %(n)d entity", "you have %(n)d entities", n_entities) % {
            "n": n_entities
        }
        problems.append(
            Problem(
                "min_entities",
                f"{need}; {have}.",
                ngettext(
                    "add %(n)d more independent partner from %(where)s",
                    "add %(n)d more independent partners from %(where)s",
                    missing,
                )
                % {"n": missing, "where": where},
            )
        )

    if a.matched < rules.min_countries:
        missing = rules.min_countries - a.matched
        need = rules.min_countries
        have = ngettext(
            "you have %(n)d entity from %(countries)s",
            "you have %(n)d entities from %(countries)s",
            n_entities,
        ) % {"n": n_entities, "countries": _countries(a.countries)}
        if a.matched < min(n_entities, len(a.countries)):
            have += gettext(", of which only %(n)d can count for different countries") % {
                "n": a.matched
            }
        if missing == 1:
            fix = gettext("add a partner from another %(where)s") % {"where": single}
        else:
            fix = gettext("add %(n)d partners, each from a different %(where)s") % {
                "n": missing,
                "where": single,
            }
        if a.countries:
            fix += " " + gettext("(not %(countries)s)") % {"countries": _or(a.countries)}
        problems.append(
            Problem(
                "min_countries",
                ngettext(
                    "%(n)d independent entity is needed from %(n)d different %(where)s",
                    "%(n)d independent entities are needed from %(n)d different %(where)s",
                    need,
                )
                % {"n": need, "where": where}
                + f"; {have}.",
                fix,
            )
        )

    if a.from_member_states < rules.min_from_member_states:
        need = rules.min_from_member_states
        missing = need - a.from_member_states
        message = ngettext(
            "At least %(n)d independent entity must be established in an EU Member State; "
            "you have %(have)d",
            "At least %(n)d independent entities must be established in an EU Member State; "
            "you have %(have)d",
            need,
        ) % {"n": need, "have": a.from_member_states}
        if a.countries:
            message += " " + gettext("(your counted members are from %(codes)s)") % {
                "codes": _list_codes(a.countries)
            }
        problems.append(
            Problem(
                "min_from_member_states",
                message + ".",
                ngettext(
                    "add %(n)d partner established in an EU Member State",
                    "add %(n)d partners established in an EU Member State",
                    missing,
                )
                % {"n": missing},
            )
        )

    for i, (req, n_kind, matched_kind, countries, names) in enumerate(a.kinds):
        rule = f"required_kinds[{i}]"
        who = f" ({_and(names)})" if names else ""
        if req.min_countries and matched_kind < req.min_countries:
            missing = max(req.min_count - n_kind, req.min_countries - matched_kind)
            message = gettext(
                "%(n)d %(kind)s from %(countries)d different %(where)s are needed; you have "
                "%(have)d%(who)s from %(from)s."
            ) % {
                "n": req.min_count,
                "kind": req.label_for(req.min_count),
                "countries": req.min_countries,
                "where": where,
                "have": n_kind,
                "who": who,
                "from": _countries(countries),
            }
            if missing == 1:
                fix = gettext("add %(kind)s from another %(where)s") % {
                    "kind": _one(req),
                    "where": single,
                }
            else:
                fix = gettext("add %(n)d %(kind)s, each from a different %(where)s") % {
                    "n": missing,
                    "kind": req.label_for(missing),
                    "where": single,
                }
            if countries:
                fix += " " + gettext("(not %(countries)s)") % {"countries": _or(countries)}
            problems.append(Problem(rule, message, fix))
        elif n_kind < req.min_count:
            problems.append(
                Problem(
                    rule,
                    ngettext(
                        "At least %(n)d %(kind)s is needed; you have %(have)d%(who)s.",
                        "At least %(n)d %(kind)s are needed; you have %(have)d%(who)s.",
                        req.min_count,
                    )
                    % {
                        "n": req.min_count,
                        "kind": req.label_for(req.min_count),
                        "have": n_kind,
                        "who": who,
                    },
                    gettext("add %(n)d %(kind)s")
                    % {"n": req.min_count - n_kind, "kind": req.label_for(req.min_count - n_kind)},
                )
            )

    if rules.max_partners is not None and a.partners > rules.max_partners:
        extra = a.partners - rules.max_partners
        if rules.associated_partners_count:
            fix = ngettext("remove %(n)d partner", "remove %(n)d partners", extra) % {"n": extra}
        else:
            fix = ngettext(
                "remove %(n)d partner or make it an associated partner, which this call does "
                "not count",
                "remove %(n)d partners or make them associated partners, which this call does "
                "not count",
                extra,
            ) % {"n": extra}
        problems.append(
            Problem(
                "max_partners",
                ngettext(
                    "At most %(n)d partner is allowed; you have %(have)d.",
                    "At most %(n)d partners are allowed; you have %(have)d.",
                    rules.max_partners,
                )
                % {"n": rules.max_partners, "have": a.partners},
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
        out.append({"need": "coordinator", "count": 1, "description": gettext("a coordinator")})
    missing = rules.min_entities - len(a.entities)
    if missing > 0:
        out.append(
            {
                "need": "entities",
                "count": missing,
                "eligible": eligible,
                "description": ngettext(
                    "%(n)d independent partner from %(where)s",
                    "%(n)d independent partners from %(where)s",
                    missing,
                )
                % {"n": missing, "where": rules.countries_plural()},
            }
        )
    missing = rules.min_countries - a.matched
    if missing > 0:
        single = rules.countries_singular()
        description = (
            gettext("a partner from another %(where)s") % {"where": single}
            if missing == 1
            else gettext("%(n)d partners from other %(where)s")
            % {"n": missing, "where": rules.countries_plural()}
        )
        if a.countries:
            description += " " + gettext("(not %(countries)s)") % {"countries": _or(a.countries)}
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
                "description": ngettext(
                    "%(n)d partner from an EU Member State",
                    "%(n)d partners from an EU Member State",
                    missing,
                )
                % {"n": missing},
            }
        )
    for req, n_kind, matched_kind, countries, _names in a.kinds:
        missing = req.min_count - n_kind
        need: dict[str, Any] = {"need": "kind", "kinds": list(req.kinds)}
        if req.min_countries and matched_kind < req.min_countries:
            missing = max(missing, req.min_countries - matched_kind)
            need |= {"eligible": eligible, "exclude": list(countries)}
        if missing > 0:
            what = _one(req) if missing == 1 else f"{missing} {req.label_for(missing)}"
            if "exclude" in need:
                what = gettext("%(who)s from other %(where)s") % {
                    "who": what,
                    "where": rules.countries_plural(),
                }
                if countries:
                    what += " " + gettext("(not %(countries)s)") % {"countries": _or(countries)}
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


def _one(req: RequiredKind) -> str:
    """One entity of the kinds, with its article ("an SME", "une PME")."""
    names = []
    for kind in req.kinds:
        if kind == "company":
            names.append(gettext("a company"))
        elif kind == "research":
            names.append(gettext("a research organisation"))
        elif kind == "higher_education":
            names.append(gettext("a university or higher-education institution"))
        elif kind == "public_authority":
            names.append(gettext("a public authority"))
        elif kind == "cluster":
            names.append(gettext("a cluster organisation"))
        elif kind == SME:
            names.append(gettext("an SME"))
        else:
            names.append(gettext("another organisation"))
    return _or(names)


def _and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _or(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return gettext("%(items)s or %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _list_codes(codes: Sequence[str], limit: int = 12) -> str:
    codes = list(codes)
    if len(codes) > limit:
        more = gettext("(%(n)d in all)") % {"n": len(codes)}
        return ", ".join(codes[:limit]) + f", … {more}"
    return ", ".join(codes)


def _countries(codes: Sequence[str]) -> str:
    if not codes:
        return gettext("no eligible country")
    return ngettext("%(n)d country (%(codes)s)", "%(n)d countries (%(codes)s)", len(codes)) % {
        "n": len(codes),
        "codes": _list_codes(codes),
    }
