"""Who may apply to a call (or to one of its categories): rules stored as data, a verdict that
explains itself.

Pure: no Django import. The services layer turns an organisation of the registry into an
``Applicant`` (its kind, country, NUTS region, verified labels, networks it is an accepted
member of) and a call's stored rules into ``Rules.from_data(call.rules)``; ``check`` answers.

Each rule is one condition, and every rule must hold:

- ``kind``: the organisation is of one of ``kinds`` (registry kinds: cluster, company, …);
- ``label``: it holds a *verified* label of ``scheme`` (and ``level`` when given) that is valid
  on ``valid_on`` — "labelled pôle de compétitivité in the last labelling phase" is
  ``{"rule": "label", "scheme": "pole", "valid_on": "2023-01-01"}``;
- ``member_of``: it is an accepted member of one of ``networks`` (registry slugs; the names are
  kept for the sentences);
- ``country``: it is established in one of ``countries`` (ISO codes);
- ``region``: its NUTS region is in one of ``regions`` (a code covers its sub-regions);
- ``project_started_within``: the project the application is about started at most ``years``
  years before the call's deadline (an answer of the application, not a fact of the registry).

Sentences are built whole, one template per situation, marked with ``gettext_noop`` so that the
catalogue has them; the caller passes its ``gettext`` to get them in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

RULES = ("kind", "label", "member_of", "country", "region", "project_started_within")


def gettext_noop(message: str) -> str:
    return message


Translate = Callable[[str], str]


def _identity(message: str) -> str:
    return message


class RulesError(ValueError):
    """Malformed rules; ``field`` names the offending one (``rules[2].years``)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


# --------------------------------------------------------------------------------------------
# Data in
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    scheme: str  # "pole", "ecei", "national"
    level: str  # "labelled", "bronze", "silver", "gold"
    valid_from: date | None = None
    valid_until: date | None = None
    verified: bool = False

    def valid_on(self, day: date) -> bool:
        starts = self.valid_from is None or self.valid_from <= day
        ends = self.valid_until is None or day <= self.valid_until
        return starts and ends


@dataclass(frozen=True)
class Applicant:
    name: str
    kind: str
    country: str = ""  # ISO 3166-1 alpha-2
    region: str = ""  # NUTS code, as precise as known
    labels: tuple[Label, ...] = ()
    networks: frozenset[str] = frozenset()  # slugs of the networks it is an accepted member of


@dataclass(frozen=True)
class Rule:
    rule: str
    values: tuple[str, ...] = ()  # kinds, networks, countries or regions
    names: tuple[str, ...] = ()  # readable names of the values (networks, countries…)
    scheme: str = ""
    level: str = ""
    valid_on: date | None = None
    years: int | None = None

    def to_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule}
        if self.rule == "label":
            data["scheme"] = self.scheme
            if self.level:
                data["level"] = self.level
            if self.valid_on:
                data["valid_on"] = self.valid_on.isoformat()
        elif self.rule == "project_started_within":
            data["years"] = self.years
        else:
            data["values"] = list(self.values)
            if self.names:
                data["names"] = list(self.names)
        return data


@dataclass(frozen=True)
class Rules:
    rules: tuple[Rule, ...] = ()

    @classmethod
    def from_data(cls, data: Sequence[Mapping[str, Any]] | None) -> Rules:
        """Rules from their stored form; a malformed rule raises ``RulesError`` naming it."""
        if data is None:
            return cls()
        if not isinstance(data, list | tuple):
            raise RulesError("rules", "must be a list of rules")
        return cls(tuple(_rule(i, item) for i, item in enumerate(data)))

    def to_data(self) -> list[dict[str, Any]]:
        return [rule.to_data() for rule in self.rules]

    def __add__(self, other: Rules) -> Rules:
        """The call's rules and a category's together."""
        return Rules(self.rules + other.rules)


def _rule(i: int, item: Any) -> Rule:
    where = f"rules[{i}]"
    if not isinstance(item, Mapping):
        raise RulesError(where, "must be an object with a 'rule'")
    kind = item.get("rule")
    if kind not in RULES:
        raise RulesError(
            f"{where}.rule", f"unknown rule {kind!r}; the rules are {', '.join(RULES)}"
        )
    if kind == "label":
        scheme = item.get("scheme")
        if not isinstance(scheme, str) or not scheme:
            raise RulesError(f"{where}.scheme", "name the label scheme (pole, ecei, national)")
        valid_on = item.get("valid_on")
        try:
            day = date.fromisoformat(valid_on) if valid_on else None
        except (TypeError, ValueError):
            raise RulesError(
                f"{where}.valid_on", f"must be a date YYYY-MM-DD, got {valid_on!r}"
            ) from None
        return Rule("label", scheme=scheme, level=str(item.get("level") or ""), valid_on=day)
    if kind == "project_started_within":
        years = item.get("years")
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 50:
            raise RulesError(
                f"{where}.years", f"must be a whole number of years from 1 to 50, got {years!r}"
            )
        return Rule(kind, years=years)
    values = item.get("values")
    if (
        not isinstance(values, list | tuple)
        or not values
        or not all(isinstance(v, str) and v for v in values)
    ):
        raise RulesError(f"{where}.values", "give at least one value")
    names = item.get("names") or ()
    if names and len(names) != len(values):
        raise RulesError(f"{where}.names", "give one name per value, or none")
    upper = kind in ("country", "region")
    return Rule(
        kind,
        values=tuple(v.upper() if upper else v for v in values),
        names=tuple(str(n) for n in names),
    )


# --------------------------------------------------------------------------------------------
# Verdict out
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    rule: Rule
    ok: bool | None  # None: cannot be told yet (an answer is missing)
    message: str  # a sentence template (gettext_noop), filled with ``params``
    params: Mapping[str, Any] = field(default_factory=dict)
    fix: str = ""  # what to do about it, when not ok
    fix_params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self, gettext: Translate = _identity) -> str:
        return gettext(self.message) % self.params

    def how_to_fix(self, gettext: Translate = _identity) -> str:
        return gettext(self.fix) % self.fix_params if self.fix else ""


@dataclass(frozen=True)
class Verdict:
    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        """Every rule holds (an unanswered one does not)."""
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]

    @property
    def pending(self) -> list[Check]:
        return [c for c in self.checks if c.ok is None]


def _join(names: Iterable[str], gettext: Translate) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return gettext(gettext_noop("%(first)s or %(last)s")) % {
        "first": ", ".join(names[:-1]),
        "last": names[-1],
    }


def describe(
    rule: Rule,
    gettext: Translate = _identity,
    labels: Mapping[str, str] | None = None,
) -> str:
    """The rule as a sentence ("Open to cluster organisations"). ``labels`` gives readable
    names for kinds, label schemes and levels (in the reader's language)."""
    name = (labels or {}).get
    shown = rule.names or tuple(name(v) or v for v in rule.values)
    if rule.rule == "kind":
        text = gettext_noop("Open to: %(kinds)s.")
        return gettext(text) % {"kinds": _join(shown, gettext)}
    if rule.rule == "label":
        params = {"label": name(rule.scheme) or rule.scheme}
        if rule.level:
            params["label"] = f"{params['label']} ({name(rule.level) or rule.level})"
        if rule.valid_on:
            params["day"] = rule.valid_on.isoformat()
            text = gettext_noop("Holds the label %(label)s, verified and valid on %(day)s.")
        else:
            text = gettext_noop("Holds the label %(label)s, verified.")
        return gettext(text) % params
    if rule.rule == "member_of":
        text = gettext_noop("Is a member of %(networks)s.")
        return gettext(text) % {"networks": _join(shown, gettext)}
    if rule.rule == "country":
        text = gettext_noop("Is established in %(countries)s.")
        return gettext(text) % {"countries": _join(shown, gettext)}
    if rule.rule == "region":
        text = gettext_noop("Is located in the region %(regions)s.")
        return gettext(text) % {"regions": _join(shown, gettext)}
    text = gettext_noop("The project started at most %(years)d years before the deadline.")
    return gettext(text) % {"years": rule.years}


def check(
    rules: Rules,
    applicant: Applicant,
    *,
    deadline: date,
    project_start: date | None = None,
) -> Verdict:
    """The verdict of every rule for this applicant, with what to do about each that fails."""
    return Verdict(tuple(_check(r, applicant, deadline, project_start) for r in rules.rules))


def _check(rule: Rule, who: Applicant, deadline: date, project_start: date | None) -> Check:
    params = {"name": who.name}
    if rule.rule == "kind":
        ok = who.kind in rule.values
        return Check(
            rule,
            ok,
            gettext_noop("%(name)s is of a kind the call is open to.")
            if ok
            else gettext_noop("%(name)s is not of a kind the call is open to."),
            params,
            "" if ok else gettext_noop("Check the kind of organisation in its profile."),
        )
    if rule.rule == "label":
        day = rule.valid_on or deadline
        fitting = [
            label
            for label in who.labels
            if label.scheme == rule.scheme and (not rule.level or label.level == rule.level)
        ]
        valid = [label for label in fitting if label.valid_on(day)]
        if any(label.verified for label in valid):
            return Check(rule, True, gettext_noop("%(name)s holds the label required."), params)
        if valid:
            return Check(
                rule,
                False,
                gettext_noop("%(name)s declares the label required, but it is not verified yet."),
                params,
                gettext_noop("Ask the platform staff to verify the label."),
            )
        if fitting:
            return Check(
                rule,
                False,
                gettext_noop("%(name)s holds the label, but it is not valid on %(day)s."),
                {**params, "day": day.isoformat()},
                gettext_noop("Add the label's current validity dates to the profile."),
            )
        return Check(
            rule,
            False,
            gettext_noop("%(name)s does not hold the label required."),
            params,
            gettext_noop("Add the label to the cluster's profile, if it holds it."),
        )
    if rule.rule == "member_of":
        ok = bool(who.networks.intersection(rule.values))
        return Check(
            rule,
            ok,
            gettext_noop("%(name)s is a member of the network required.")
            if ok
            else gettext_noop("%(name)s is not a member of the network required."),
            params,
            ""
            if ok
            else gettext_noop("Ask the network to record the membership, then confirm it."),
        )
    if rule.rule == "country":
        ok = who.country.upper() in rule.values
        return Check(
            rule,
            ok,
            gettext_noop("%(name)s is established in a country the call is open to.")
            if ok
            else gettext_noop("%(name)s is not established in a country the call is open to."),
            params,
        )
    if rule.rule == "region":
        code = who.region.upper()
        if not code:
            return Check(
                rule,
                False,
                gettext_noop("The region of %(name)s is not known."),
                params,
                gettext_noop("Add the region (or the address) to the profile."),
            )
        ok = any(code.startswith(region) for region in rule.values)
        return Check(
            rule,
            ok,
            gettext_noop("%(name)s is located in a region the call is open to.")
            if ok
            else gettext_noop("%(name)s is not located in a region the call is open to."),
            params,
        )
    # project_started_within
    if project_start is None:
        return Check(
            rule,
            None,
            gettext_noop("The project's start date is not given yet."),
            params,
            gettext_noop("Give the date the project started."),
        )
    earliest = _years_before(deadline, rule.years or 0)
    ok = project_start >= earliest
    return Check(
        rule,
        ok,
        gettext_noop("The project started on %(start)s, within the years allowed.")
        if ok
        else gettext_noop("The project started on %(start)s, before %(earliest)s."),
        {"start": project_start.isoformat(), "earliest": earliest.isoformat()},
        "" if ok else gettext_noop("Choose a category open to older projects, if there is one."),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
