"""A consultation's questionnaire: the kinds of question and the check of an answer.

Pure: no Django import. Questions and raw answers in (as a form or the API sends them), clean
answers and problems out; every problem names its question. The same check serves the page,
the API and imports.

Kinds and the shape of their clean answer:
- ``single``: one option ``{"choice": key}``, or the "other" option with its text
  ``{"choice": "other", "other": text}`` when the question allows it;
- ``multiple``: ``{"choices": [keys…], "other": text}``; each option is counted on its own;
- ``scale``: a Likert scale from ``low`` to ``high`` with labels, ``{"value": n}``;
- ``ranking``: ``{"order": [keys…]}`` (each option at most once; all of them when required);
- ``number``: ``{"value": "12.5"}`` (a decimal as text, within ``minimum``/``maximum``);
- ``short_text`` / ``long_text``: ``{"text": …}`` within ``max_length``;
- ``matrix``: one option per row, ``{"rows": {row: option}}``.
A question may be shown only when an earlier single or multiple choice question has one of
some answers; a hidden question is neither required nor kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("single", "multiple", "scale", "ranking", "number", "short_text", "long_text", "matrix")
CHOICE_KINDS = ("single", "multiple")
OTHER = "other"
TEXT_LIMIT = 10_000


def gettext_noop(message: str) -> str:
    return message


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (key, label)
    allow_other: bool = False
    low: int = 1
    high: int = 5
    scale_labels: tuple[str, ...] = ()  # one per point, or just the two ends
    rows: tuple[tuple[str, str], ...] = ()  # matrix rows (key, label)
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    show_if: tuple[str, tuple[str, ...]] | None = None  # (question key, answers)

    @property
    def option_keys(self) -> tuple[str, ...]:
        return tuple(k for k, _label in self.options)


@dataclass(frozen=True)
class Problem:
    key: str
    message: str  # a sentence template (gettext_noop) with %(…)s
    params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self, gettext: Callable[[str], str]) -> str:
        return gettext(self.message) % dict(self.params)


@dataclass(frozen=True)
class Cleaned:
    values: dict[str, dict]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def visible(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown for these answers (conditions on earlier choice questions)."""
    shown: list[Question] = []
    for q in questions:
        if q.show_if:
            key, wanted = q.show_if
            answer = answers.get(key) or {}
            given = set(answer.get("choices") or ()) | {answer.get("choice")}
            if not given & set(wanted):
                continue
        shown.append(q)
    return shown


def _empty(q: Question, answer: Mapping[str, Any]) -> bool:
    """No answer (an "other" text without its option ticked is no answer either)."""
    if q.kind == "single":
        return not _text(answer.get("choice"))
    if q.kind == "multiple":
        return not answer.get("choices")
    if q.kind == "matrix":
        return not any(_text(v) for v in (answer.get("rows") or {}).values())
    return not any(v not in (None, "", [], {}) for v in answer.values())


def clean(questions: Sequence[Question], answers: Mapping[str, Any], *, final: bool) -> Cleaned:
    """Check ``answers`` (question key → raw answer dict). ``final``: a submission, where
    required questions must be answered; a draft keeps what is valid and reports the rest."""
    values: dict[str, dict] = {}
    problems: list[Problem] = []
    for q in visible(questions, answers):
        raw = answers.get(q.key) or {}
        if not isinstance(raw, Mapping):
            problems.append(Problem(q.key, gettext_noop("“%(label)s”: this answer cannot be read."),
                                    {"label": q.label}))  # fmt: skip
            continue
        if _empty(q, raw):
            if final and q.required:
                problems.append(Problem(q.key, gettext_noop("“%(label)s” needs an answer."),
                                        {"label": q.label}))  # fmt: skip
            continue
        value, problem = CHECKS[q.kind](q, raw)
        if problem:
            problems.append(Problem(q.key, problem[0], {"label": q.label, **problem[1]}))
        else:
            values[q.key] = value
    return Cleaned(values, problems)


def _text(raw: Any) -> str:
    return str(raw or "").strip()


def _other(q: Question, raw: Mapping[str, Any], chosen: bool):
    other = _text(raw.get("other"))
    if chosen and not q.allow_other:
        return None, (gettext_noop("“%(label)s” has no “other” option."), {})
    if chosen and not other:
        return None, (gettext_noop("“%(label)s”: say what “other” is."), {})
    if len(other) > 500:
        return None, (gettext_noop("“%(label)s”: “other” is limited to 500 characters."), {})
    return other, None


def _single(q: Question, raw):
    choice = _text(raw.get("choice"))
    if choice != OTHER and choice not in q.option_keys:
        return None, (gettext_noop("“%(label)s”: “%(choice)s” is not one of the options."),
                      {"choice": choice})  # fmt: skip
    other, problem = _other(q, raw, choice == OTHER)
    if problem:
        return None, problem
    return ({"choice": choice, "other": other} if choice == OTHER else {"choice": choice}), None


def _multiple(q: Question, raw):
    choices = raw.get("choices") or []
    if isinstance(choices, str):
        choices = [choices]
    choices = [_text(c) for c in choices if _text(c)]
    unknown = [c for c in choices if c != OTHER and c not in q.option_keys]
    if unknown:
        return None, (gettext_noop("“%(label)s”: “%(choice)s” is not one of the options."),
                      {"choice": unknown[0]})  # fmt: skip
    other, problem = _other(q, raw, OTHER in choices)
    if problem:
        return None, problem
    ordered = [k for k in (*q.option_keys, OTHER) if k in choices]
    value: dict[str, Any] = {"choices": ordered}
    if OTHER in ordered:
        value["other"] = other
    return value, None


def _scale(q: Question, raw):
    try:
        value = int(_text(raw.get("value")))
    except ValueError:
        return None, (gettext_noop("“%(label)s”: choose a point of the scale."), {})
    if not q.low <= value <= q.high:
        return None, (gettext_noop("“%(label)s”: the answer must be from %(low)s to %(high)s."),
                      {"low": q.low, "high": q.high})  # fmt: skip
    return {"value": value}, None


def _ranking(q: Question, raw):
    order = raw.get("order") or []
    if isinstance(order, str):
        order = [order]
    order = [_text(o) for o in order if _text(o)]
    if len(set(order)) != len(order):
        return None, (gettext_noop("“%(label)s”: each option may be ranked once."), {})
    unknown = [o for o in order if o not in q.option_keys]
    if unknown:
        return None, (gettext_noop("“%(label)s”: “%(choice)s” is not one of the options."),
                      {"choice": unknown[0]})  # fmt: skip
    if q.required and len(order) != len(q.option_keys):
        return None, (gettext_noop("“%(label)s”: rank every option."), {})
    return {"order": order}, None


def _number(q: Question, raw):
    text = _text(raw.get("value")).replace(",", ".").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, (gettext_noop("“%(label)s”: give a number."), {})
    if not value.is_finite():
        return None, (gettext_noop("“%(label)s”: give a number."), {})
    if q.minimum is not None and value < q.minimum:
        return None, (gettext_noop("“%(label)s”: the number must be at least %(minimum)s."),
                      {"minimum": q.minimum})  # fmt: skip
    if q.maximum is not None and value > q.maximum:
        return None, (gettext_noop("“%(label)s”: the number must be at most %(maximum)s."),
                      {"maximum": q.maximum})  # fmt: skip
    return {"value": str(value)}, None


def _free_text(q: Question, raw):
    text = _text(raw.get("text"))
    limit = q.max_length or TEXT_LIMIT
    if len(text) > limit:
        return None, (gettext_noop("“%(label)s”: %(length)s characters; the limit is %(limit)s."),
                      {"length": len(text), "limit": limit})  # fmt: skip
    return {"text": text}, None


def _matrix(q: Question, raw):
    rows = raw.get("rows") or {}
    if not isinstance(rows, Mapping):
        return None, (gettext_noop("“%(label)s”: this answer cannot be read."), {})
    row_keys = {k for k, _label in q.rows}
    clean_rows = {}
    for row, choice in rows.items():
        choice = _text(choice)
        if not choice:
            continue
        if row not in row_keys:
            return None, (gettext_noop("“%(label)s”: “%(choice)s” is not one of the rows."),
                          {"choice": row})  # fmt: skip
        if choice not in q.option_keys:
            return None, (gettext_noop("“%(label)s”: “%(choice)s” is not one of the options."),
                          {"choice": choice})  # fmt: skip
        clean_rows[row] = choice
    if q.required and len(clean_rows) != len(row_keys):
        return None, (gettext_noop("“%(label)s”: answer every row."), {})
    return {"rows": clean_rows}, None


CHECKS = {
    "single": _single,
    "multiple": _multiple,
    "scale": _scale,
    "ranking": _ranking,
    "number": _number,
    "short_text": _free_text,
    "long_text": _free_text,
    "matrix": _matrix,
}


def counted(q: Question, value: Mapping[str, Any]) -> list[str]:
    """The tally keys an answer adds to (each option of a multiple choice on its own; a scale's
    point; a ranking's first choice and each option's rank; a matrix's row:option)."""
    if q.kind == "single":
        return [value["choice"]]
    if q.kind == "multiple":
        return list(value["choices"])
    if q.kind == "scale":
        return [str(value["value"])]
    if q.kind == "ranking":
        return [f"{option}@{rank}" for rank, option in enumerate(value["order"], start=1)]
    if q.kind == "matrix":
        return [f"{row}:{option}" for row, option in value["rows"].items()]
    return ["answered"]


def median(distribution: Mapping[int, int]) -> float | None:
    """The median of a scale from its counts per point."""
    total = sum(distribution.values())
    if not total:
        return None
    points = sorted(distribution)
    below = 0
    for i, point in enumerate(points):
        below += distribution[point]
        if below * 2 > total:
            return float(point)
        if below * 2 == total:
            following = next((p for p in points[i + 1 :] if distribution[p]), point)
            return (point + following) / 2
    return float(points[-1])
