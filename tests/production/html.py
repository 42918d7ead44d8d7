"""Reading pages and e-mails of the live stack the way a browser would: forms and links."""

from __future__ import annotations

import mailbox
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": {}, "required": set()}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields, name = self._form["fields"], a.get("name")
        if name and "required" in a:
            self._form["required"].add(name)
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a or (kind == "radio" and name not in fields):
                    fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if value and (not self._form["fields"][self._select] or "selected" in a):
                self._form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


def form_with(page: str, field: str) -> dict[str, str]:
    """The fields of the page's first form that has ``field``, filled as a browser sends them
    (hidden and preset values, the first choice of each required list or radio group)."""
    parser = _Forms()
    parser.feed(page)
    for form in parser.forms:
        if field in form["fields"]:
            return dict(form["fields"])
    raise AssertionError(f"no form with a field {field!r} on the page")


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)


def mails_to(mail_dir: str | Path, address: str) -> list:
    """The e-mails the SMTP sink received for ``address``, oldest first."""
    box = mailbox.Maildir(str(mail_dir), create=False)
    found = [m for m in box if address in (m.get("To") or "")]
    return sorted(found, key=lambda m: m.get("Date") or "")


def text_of(message) -> str:
    parts = [message] if not message.is_multipart() else list(message.walk())
    out = []
    for part in parts:
        if part.get_content_type() == "text/plain":
            out.append(part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8"))
    return unescape("\n".join(out))
