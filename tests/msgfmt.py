"""A small pure-Python .po → .mo compiler, so the test set-up compiles the translations itself
without GNU gettext's ``msgfmt``.

It reads what ``makemessages`` writes: ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` and
``msgstr[n]``, strings continued over several lines, C escapes. Like ``msgfmt`` (without
``--use-fuzzy``) it leaves out fuzzy entries (but not the header), obsolete ``#~`` entries and
untranslated ones, so Django falls back to the source text for them. The .mo layout is GNU's:
a header, two tables of (length, offset) pairs sorted by original string, then the strings, each
followed by a NUL; no hash table (readers, Python's ``gettext`` included, do not need one).
"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

MAGIC = 0x950412DE


def _unquote(text: str, path: Path, number: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{number}: expected a quoted string, found {text!r}")
    # A .po string is a C string literal; Python's literal syntax reads the same escapes.
    # The UTF-8 text is kept as is (no \\x or \\u escapes in .po files).
    return ast.literal_eval(text)


def parse_po(path: Path) -> dict[bytes, bytes]:
    """The catalogue of ``path`` as .mo keys and values (context and plurals encoded)."""
    catalogue: dict[bytes, bytes] = {}
    entry: dict[str, object] = {}
    fuzzy = False
    field: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal entry, fuzzy, field
        if "msgid" in entry:
            msgid = entry["msgid"]
            plural = entry.get("msgid_plural")
            context = entry.get("msgctxt")
            strings = entry.get("msgstr", {})
            is_header = msgid == "" and context is None
            if plural is not None:
                forms = [strings[i] for i in sorted(strings)]  # type: ignore[index]
                translated = bool(forms) and all(forms)
                key = f"{msgid}\0{plural}"
                value = "\0".join(forms)
            else:
                value = strings.get(None, "")  # type: ignore[union-attr]
                translated = bool(value)
                key = msgid
            if context is not None:
                key = f"{context}\x04{key}"
            if translated and (is_header or not fuzzy):
                catalogue[key.encode()] = value.encode()  # type: ignore[union-attr]
        entry, fuzzy, field = {}, False, None

    lines = path.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if "msgid" in entry and field is not None:
                finish()  # a comment starts the next entry
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
            continue  # translator, reference and obsolete (#~) comments
        if line.startswith('"'):
            if field is None:
                raise ValueError(f"{path}:{number}: a string continues no field")
            name, index = field
            text = _unquote(line, path, number)
            if name == "msgstr":
                strings = entry["msgstr"]
                strings[index] += text  # type: ignore[index]
            else:
                entry[name] = entry[name] + text  # type: ignore[operator]
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and "msgstr" in entry:
            finish()
        if keyword.startswith("msgstr["):
            index = int(keyword[len("msgstr[") : -1])
            entry.setdefault("msgstr", {})[index] = _unquote(rest, path, number)  # type: ignore[index]
            field = ("msgstr", index)
        elif keyword == "msgstr":
            entry.setdefault("msgstr", {})[None] = _unquote(rest, path, number)  # type: ignore[index]
            field = ("msgstr", None)
        elif keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry[keyword] = _unquote(rest, path, number)
            field = (keyword, None)
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
    finish()
    return catalogue


def mo_bytes(catalogue: dict[bytes, bytes]) -> bytes:
    """The GNU .mo file of ``catalogue``."""
    keys = sorted(catalogue)
    count = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + count * 8
    strings_at = translations_at + count * 8
    originals, translations = [], []
    blob = bytearray()
    for key in keys:
        originals.append((len(key), strings_at + len(blob)))
        blob += key + b"\0"
    for key in keys:
        value = catalogue[key]
        translations.append((len(value), strings_at + len(blob)))
        blob += value + b"\0"
    header = struct.pack("<7I", MAGIC, 0, count, originals_at, translations_at, 0, strings_at)
    tables = b"".join(struct.pack("<2I", *pair) for pair in originals + translations)
    return header + tables + bytes(blob)


def compile_po(po: Path, mo: Path | None = None) -> Path:
    """Write ``po``'s .mo beside it (or at ``mo``); the file is replaced in one step."""
    mo = mo or po.with_suffix(".mo")
    data = mo_bytes(parse_po(po))
    partial = mo.with_name(f".{mo.name}.{id(data)}.tmp")
    partial.write_bytes(data)
    partial.replace(mo)
    return mo


def compile_stale(locale_dir: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``locale_dir`` whose .mo is missing or
    older than the .po; the .mo files written."""
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            written.append(compile_po(po, mo))
    return written
