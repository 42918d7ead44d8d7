from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_web_url(value: str) -> None:
    """Only http(s) addresses with a host that looks reachable (a dot in it)."""
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValidationError(
            _("Enter a web address starting with http:// or https:// (got %(scheme)s:)."),
            code="scheme",
            params={"scheme": parts.scheme or "no scheme"},
        )
    host = parts.hostname or ""
    if "." not in host or host.endswith(".") or host in ("localhost",):
        raise ValidationError(
            _("“%(host)s” does not look like a public web address."),
            code="host",
            params={"host": host},
        )


def validate_pic(value: str) -> None:
    if value and not (value.isdigit() and len(value) == 9):
        raise ValidationError(_("A PIC has exactly 9 digits."), code="pic")
