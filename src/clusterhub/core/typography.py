"""French typography on the pages: a narrow no-break space before : ; ! and ? and no-break
spaces inside « », also where a template or the code puts the punctuation next to a
translated word ("Appel:" becomes "Appel :"). Only the text that a person reads is changed:
never tags, attributes, scripts, styles, code or what someone typed in a form field."""

from __future__ import annotations

import re

NARROW = "\u202f"
_SKIP = re.compile(r"(<(script|style|pre|code|textarea)\b.*?</\2>|<[^>]*>)", re.S | re.I)
_BEFORE = re.compile(
    r"(?<=[^\s\u202f\u00a0])[ \u00a0]?([;!?])(?=\s|$)"
    r"|(?<=[^\s\d/\u202f\u00a0])[ \u00a0]?(:)(?=\s|$)"
)
_OPEN = re.compile(r"«[ \u00a0]?")
_CLOSE = re.compile(r"[ \u00a0]?»")


def french(text: str) -> str:
    """``text`` (a fragment of text, not markup) with French spacing around punctuation."""
    text = _BEFORE.sub(lambda m: NARROW + (m.group(1) or m.group(2)), text)
    return _CLOSE.sub("\u00a0»", _OPEN.sub("«\u00a0", text))


def french_html(html: str) -> str:
    """``french`` applied to the text between the tags of an HTML document."""
    out, last = [], 0
    for match in _SKIP.finditer(html):
        out.append(french(html[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(french(html[last:]))
    return "".join(out)


class FrenchTypographyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "LANGUAGE_CODE", "").startswith("fr")
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and response.status_code == 200
        ):
            html = response.content.decode(response.charset)
            response.content = french_html(html).encode(response.charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
