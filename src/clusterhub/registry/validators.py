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


# The SME rules, one place for the form, the services (and so the API), the admin and the import.

SMES_WITHIN_COMPANIES = _("The SMEs are counted among the member companies.")


def validate_smes_within_companies(members_companies: int, members_smes: int) -> None:
    """A cluster's SMEs are some of its member companies: never more of them.

    Raises a ValidationError on ``members_smes`` (code ``smes_within_companies``); the database
    holds the same rule as the check constraint of that name."""
    if (
        isinstance(members_companies, int)
        and isinstance(members_smes, int)
        and members_smes > members_companies
    ):
        raise ValidationError(
            {
                "members_smes": ValidationError(
                    SMES_WITHIN_COMPANIES,
                    code="smes_within_companies",
                    params={"smes": members_smes, "companies": members_companies},
                )
            }
        )


def sme_flag(kind: str, is_sme: bool) -> bool:
    """Only companies are SMEs: the flag of any other kind of organisation is False (the
    database holds the same rule as the check constraint ``only_companies_are_smes``)."""
    from .models import OrganisationKind

    return bool(is_sme) and kind == OrganisationKind.COMPANY
