"""Names as people read them, from names as registers store them.

``repair`` undoes encoding accidents ("D√ºsseldorf" → "Düsseldorf") and CSV quoting that was
escaped twice; ``readable`` turns a name written in capitals, as CORDIS writes legal names,
into ordinary case ("UNIVERSITY OF PLYMOUTH" → "University of Plymouth") and leaves names
already in mixed case alone. Imports store the raw name; pages show ``readable``.
"""

from __future__ import annotations

import contextlib
import re
from functools import lru_cache

import ftfy

# Words that stay in lower case inside a name (English, French, German, Italian, Spanish,
# Portuguese, Dutch).
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "in",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "pour",
        "sur",
        "der",
        "die",
        "das",
        "und",
        "fur",
        "für",
        "im",
        "von",
        "zu",
        "zur",
        "zum",
        "del",
        "della",
        "delle",
        "dei",
        "di",
        "e",
        "per",
        "las",
        "los",
        "y",
        "da",
        "do",
        "dos",
        "das",
        "van",
        "voor",
        "het",
        "een",
    ]
)
# Legal forms and acronyms written in their usual case.
_FORMS = {
    "GMBH": "GmbH",
    "LTD": "Ltd",
    "INC": "Inc",
    "SPA": "SpA",
    "SARL": "SARL",
    "EV": "e.V.",
    "E.V.": "e.V.",
    "MBH": "mbH",
    "CO": "Co",
    "KG": "KG",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


@lru_cache(maxsize=100_000)
def repair(text: str) -> str:
    """Fix mojibake (with ftfy, and the Mac Roman reading of UTF-8 that ftfy leaves) and
    quotes doubled by a second round of CSV escaping."""
    text = (text or "").strip()
    if not text:
        return ""
    text = ftfy.fix_text(text)
    if "√" in text:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("mac_roman").decode("utf-8")
    while len(text) > 1 and text.startswith('"') and text.endswith('"') and '""' in text:
        text = text[1:-1].replace('""', '"').strip()
    if text.count('"') == 1:
        text = text.replace('"', "")
    return text


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _case_word(word: str, first: bool) -> str:
    upper = word.upper()
    if upper in _FORMS:
        return _FORMS[upper]
    lower = word.lower()
    if not first and lower in _SMALL:
        return lower
    if len(word) <= 3 and not re.search(r"[AEIOUYÀ-ÖØ-Ý]", upper):
        return upper  # an acronym without vowels: CNR, TNO, KTH
    head, sep, tail = lower.partition("'") if "'" in lower else lower.partition("’")
    if sep and len(head) <= 2:  # d'études, l'industrie
        return head + sep + tail[:1].upper() + tail[1:]
    return lower[:1].upper() + lower[1:]


@lru_cache(maxsize=100_000)
def readable(name: str) -> str:
    """The name in ordinary case when it is written in capitals; otherwise as it is."""
    name = repair(name)
    words = _WORD.findall(name)
    if not _shouting(name) or len(words) < 2 or not any(len(w) > 4 for w in words):
        # mixed case already, or an acronym ("NCSR \"D\"", "CNRS", "REGIONH")
        return name
    out, last, first = [], 0, True
    for match in _WORD.finditer(name):
        out.append(name[last : match.start()])
        before = name[max(0, match.start() - 1) : match.start()]
        word = match.group()
        inside_brackets = before == "(" and name[match.end() : match.end() + 1] == ")"
        out.append(word if inside_brackets else _case_word(word, first))
        last, first = match.end(), False
    out.append(name[last:])
    return "".join(out)
