"""Application forms built by a call's organiser: the questions, which of them a given
application sees, and its answers checked — each problem named with its question.

Pure: no Django import. The models store questions as rows and answers as JSON; the views and
the API call ``check_form`` when the organiser saves a form and ``clean`` when an applicant
saves a draft (``final=False``: what is missing is listed but does not stop the save) or
submits (``final=True``: nothing may be missing or wrong).

Kinds: ``text`` (one line, a length limit), ``long_text`` (a length limit), ``choice`` (one of
``choices``), ``yes_no``, ``date``, ``number`` (bounds), ``amount`` (a ``Decimal`` and its
currency, bounds), ``file`` (recognised by its bytes, not by its name; a size limit).

A question may be shown only when an earlier one has one of some answers (``show_if``); a
hidden question is never required and its answer is dropped. A category may add questions
(``category``): they are shown only to applications in that category.

Messages are whole-sentence templates marked with ``gettext_noop`` and filled with their
parameters by ``Problem.sentence(gettext)``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

KINDS = ("text", "long_text", "choice", "yes_no", "date", "number", "amount", "file")
FILE_TYPES = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "odt": "OpenDocument text",
    "png": "PNG image",
    "jpeg": "JPEG image",
}
DEFAULT_FILE_TYPES = ("pdf", "docx", "xlsx", "odt", "png", "jpeg")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
TEXT_LIMIT, LONG_TEXT_LIMIT = 300, 20_000
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def gettext_noop(message: str) -> str:
    return message


Translate = Callable[[str], str]


@dataclass(frozen=True)
class Problem:
    key: str  # the question's key ("" for the whole form)
    message: str  # a sentence template
    params: Mapping[str, Any] = field(default_factory=dict)

    def sentence(self, gettext: Translate = lambda m: m) -> str:
        return gettext(self.message) % self.params


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str = "text"
    required: bool = False
    max_length: int | None = None  # text, long_text
    choices: tuple[str, ...] = ()  # choice
    minimum: Decimal | None = None  # number, amount
    maximum: Decimal | None = None
    currency: str = "EUR"  # amount
    file_types: tuple[str, ...] = DEFAULT_FILE_TYPES
    max_bytes: int = DEFAULT_MAX_BYTES
    show_if: tuple[str, tuple[str, ...]] | None = None  # (earlier question, answers)
    category: str = ""  # "" for every category

    @property
    def limit(self) -> int:
        default = TEXT_LIMIT if self.kind == "text" else LONG_TEXT_LIMIT
        return self.max_length or default


@dataclass(frozen=True)
class Upload:
    """A file as sent: its name (shown, never trusted) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Cleaned:
    values: dict[str, Any]  # the answers of the visible questions, as Python values
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def for_question(self, key: str) -> list[Problem]:
        return [p for p in self.problems if p.key == key]


# --------------------------------------------------------------------------------------------
# The organiser's form
# --------------------------------------------------------------------------------------------


def check_form(questions: Sequence[Question]) -> list[Problem]:
    """What is wrong with a form as the organiser built it (empty when it can be published)."""
    problems: list[Problem] = []
    seen: dict[str, Question] = {}
    for q in questions:

        def add(message: str, **params: Any) -> None:
            problems.append(Problem(q.key, message, {"label": q.label or q.key, **params}))  # noqa: B023

        if not _KEY.match(q.key):
            add(gettext_noop("“%(label)s”: its key must start with a letter and hold only "
                             "lower-case letters, digits and _ (40 at most)."))  # fmt: skip
        if q.key in seen:
            add(gettext_noop("“%(label)s”: another question has the same key."))
        if q.kind not in KINDS:
            add(gettext_noop("“%(label)s”: unknown kind of question %(kind)s."), kind=q.kind)
        if not q.label.strip():
            add(gettext_noop("A question has no text."))
        if q.kind == "choice" and len(set(q.choices)) < 2:
            add(gettext_noop("“%(label)s”: a choice needs at least two different options."))
        if q.kind in ("text", "long_text") and q.max_length is not None:
            ceiling = TEXT_LIMIT if q.kind == "text" else LONG_TEXT_LIMIT
            if not 1 <= q.max_length <= ceiling:
                add(gettext_noop("“%(label)s”: the length limit must be from 1 to "
                                 "%(ceiling)d characters."), ceiling=ceiling)  # fmt: skip
        if q.minimum is not None and q.maximum is not None and q.minimum > q.maximum:
            add(gettext_noop("“%(label)s”: the minimum is above the maximum."))
        if q.kind == "amount" and not _CURRENCY.match(q.currency):
            add(gettext_noop("“%(label)s”: the currency must be a three-letter code such as EUR."))
        if q.kind == "file" and (not q.file_types or set(q.file_types) - FILE_TYPES.keys()):
            add(gettext_noop("“%(label)s”: the file types must be among %(types)s."),
                types=", ".join(FILE_TYPES))  # fmt: skip
        if q.show_if is not None:
            other, answers = q.show_if
            earlier = seen.get(other)
            if earlier is None:
                add(gettext_noop("“%(label)s” depends on a question that does not come before it."))
            elif earlier.kind not in ("choice", "yes_no") or not answers:
                add(gettext_noop("“%(label)s” may depend only on the answers of a choice or a "
                                 "yes/no question."))  # fmt: skip
            else:
                options = earlier.choices if earlier.kind == "choice" else ("yes", "no")
                if set(answers) - set(options):
                    add(gettext_noop("“%(label)s” depends on an answer that “%(other)s” does "
                                     "not offer."), other=earlier.label)  # fmt: skip
            if earlier is not None and earlier.category and earlier.category != q.category:
                add(gettext_noop("“%(label)s” depends on a question of another category."))
        seen.setdefault(q.key, q)
    return problems


# --------------------------------------------------------------------------------------------
# An application's answers
# --------------------------------------------------------------------------------------------


def visible(
    questions: Iterable[Question], answers: Mapping[str, Any], category: str = ""
) -> list[Question]:
    """The questions this application sees: its category's, and those whose condition its
    answers meet (a condition on a hidden question is not met)."""
    shown: dict[str, Question] = {}
    for q in questions:
        if q.category and q.category != category:
            continue
        if q.show_if is not None:
            other, wanted = q.show_if
            if (
                other not in shown
                or _condition_value(shown[other], answers.get(other)) not in wanted
            ):
                continue
        shown[q.key] = q
    return list(shown.values())


def _condition_value(q: Question, raw: Any) -> str:
    """An answer as conditions compare it: yes/no answers as "yes" or "no" (whatever the words
    of the form), others as their text."""
    if q.kind == "yes_no":
        value, problem = _yes_no(q, _as_text(raw))
        return "" if problem else ("yes" if value else "no")
    return _as_text(raw)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip() if value is not None else ""


def clean(
    questions: Sequence[Question],
    answers: Mapping[str, Any],
    *,
    category: str = "",
    files: Mapping[str, Upload] | None = None,
    final: bool = False,
) -> Cleaned:
    """Check the answers (raw form or JSON values) against the questions this application sees.
    A draft (``final=False``) keeps what can be kept and lists what is wrong; a missing
    required answer is a problem only when ``final``."""
    files = files or {}
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for q in visible(questions, answers, category):
        params = {"label": q.label}
        raw = answers.get(q.key)
        if q.kind == "file":
            upload = files.get(q.key)
            if upload is None:
                if raw:  # already stored: the stored file's description is kept
                    values[q.key] = raw
                elif q.required and final:
                    problems.append(
                        Problem(q.key, gettext_noop("“%(label)s” needs a file."), params)
                    )
                continue
            value, problem = _file(q, upload)
        else:
            text = _as_text(raw)
            if not text:
                if q.required and final:
                    problems.append(
                        Problem(q.key, gettext_noop("“%(label)s” needs an answer."), params)
                    )
                continue
            value, problem = _VALUE[q.kind](q, text)
        if problem is not None:
            problems.append(Problem(q.key, problem[0], {**params, **problem[1]}))
        else:
            values[q.key] = value
    return Cleaned(values, problems)


_Result = tuple[Any, tuple[str, dict[str, Any]] | None]


def _text(q: Question, text: str) -> _Result:
    if q.kind == "text" and ("\n" in text or "\r" in text):
        return None, (gettext_noop("“%(label)s” takes one line."), {})
    if len(text) > q.limit:
        return None, (
            gettext_noop("“%(label)s” takes at most %(limit)d characters (%(length)d given)."),
            {"limit": q.limit, "length": len(text)},
        )
    return text, None


def _choice(q: Question, text: str) -> _Result:
    if text not in q.choices:
        return None, (gettext_noop("“%(label)s”: choose one of the options given."), {})
    return text, None


def _yes_no(q: Question, text: str) -> _Result:
    answer = text.lower()
    if answer in ("yes", "true", "1", "oui", "on"):
        return True, None
    if answer in ("no", "false", "0", "non", "off"):
        return False, None
    return None, (gettext_noop("“%(label)s”: answer yes or no."), {})


def _date(q: Question, text: str) -> _Result:
    try:
        return date.fromisoformat(text).isoformat(), None
    except ValueError:
        return None, (
            gettext_noop("“%(label)s”: give a date as YYYY-MM-DD (%(given)s given)."),
            {"given": text[:20]},
        )


def _number(q: Question, text: str) -> _Result:
    amount = text
    if q.kind == "amount" and isinstance(text, str):
        amount = re.sub(rf"\s|{re.escape(q.currency)}$|€", "", text)
    try:
        value = Decimal(amount.replace(",", ".") if amount.count(",") == 1 else amount)
    except (InvalidOperation, ValueError):
        return None, (
            gettext_noop("“%(label)s”: give a number (%(given)s given)."),
            {"given": text[:20]},
        )
    if not value.is_finite():
        return None, (
            gettext_noop("“%(label)s”: give a number (%(given)s given)."),
            {"given": text[:20]},
        )
    if q.kind == "amount" and value != value.quantize(Decimal("0.01")):
        return None, (gettext_noop("“%(label)s”: an amount has at most two decimals."), {})
    if q.minimum is not None and value < q.minimum:
        return None, (
            gettext_noop("“%(label)s” must be at least %(minimum)s."),
            {"minimum": str(q.minimum)},
        )
    if q.maximum is not None and value > q.maximum:
        return None, (
            gettext_noop("“%(label)s” must be at most %(maximum)s."),
            {"maximum": str(q.maximum)},
        )
    if q.kind == "amount":
        return {"amount": str(value.quantize(Decimal("0.01"))), "currency": q.currency}, None
    return str(value), None


_VALUE = {
    "text": _text,
    "long_text": _text,
    "choice": _choice,
    "yes_no": _yes_no,
    "date": _date,
    "number": _number,
    "amount": _number,
}


SNIFFED = ("pdf", "png", "jpeg", "docx", "xlsx", "pptx", "odt")  # the types ``sniff`` knows


def sniff(data: bytes) -> str | None:
    """The type of a file from its bytes: pdf, png, jpeg, docx, xlsx, pptx, odt; None when it
    is none of them (whatever its name says)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").strip()
                    if mimetype == b"application/vnd.oasis.opendocument.text":
                        return "odt"
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
        for marker, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx"),
                             ("ppt/presentation.xml", "pptx")):  # fmt: skip
            if marker in names:
                return kind
    return None


def _file(q: Question, upload: Upload) -> _Result:
    size = len(upload.data)
    if size == 0:
        return None, (
            gettext_noop("“%(label)s”: the file %(name)s is empty."),
            {"name": upload.name},
        )
    if size > q.max_bytes:
        return None, (
            gettext_noop("“%(label)s”: the file %(name)s is %(size)s; the limit is %(limit)s."),
            _sizes(size, q.max_bytes) | {"name": upload.name},
        )
    kind = sniff(upload.data)
    if kind not in q.file_types:
        return None, (
            gettext_noop("“%(label)s”: %(name)s is not a file of the types accepted (%(types)s)."),
            {"name": upload.name, "types": ", ".join(FILE_TYPES[t] for t in q.file_types)},
        )
    return {"name": upload.name, "type": kind, "size": size}, None


def _sizes(size: int, limit: int) -> dict[str, str]:
    """Both sizes in MB, or in bytes when MB would show them equal."""
    if _megabytes(size) == _megabytes(limit):
        return {"size": f"{size:,} bytes", "limit": f"{limit:,} bytes"}
    return {"size": _megabytes(size), "limit": _megabytes(limit)}


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
