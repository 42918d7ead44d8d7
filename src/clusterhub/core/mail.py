"""Sending e-mail: every app describes its messages as :class:`Email` and calls :func:`send`.

An e-mail is a set of templates named after one stem, e.g. ``events/email/confirmed``:
``confirmed.txt`` is the plain-text body (required), ``confirmed.html`` an HTML alternative
(when the template exists) and ``confirmed_subject.txt`` the subject (unless the caller gives
it). All three are rendered in the recipient's language. :func:`send` delivers a batch through
one connection and returns how many went out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.mail import EmailMultiAlternatives, get_connection
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass
class Email:
    to: str | Sequence[str]
    template: str  # the stem: <stem>.txt, optional <stem>.html, <stem>_subject.txt
    context: dict = field(default_factory=dict)
    subject: str = ""  # given: used as is; empty: rendered from <stem>_subject.txt
    language: str | None = None  # the recipient's; None keeps the language active


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _recipients(email: Email) -> list[str]:
    return [
        address for address in ([email.to] if isinstance(email.to, str) else email.to) if address
    ]


def message(email: Email) -> EmailMultiAlternatives:
    """The message ``email`` describes, rendered in its language."""
    stem, context = email.template, email.context
    with translation.override(email.language or translation.get_language()):
        subject = email.subject or render_to_string(f"{stem}_subject.txt", context)
        body = render_to_string(f"{stem}.txt", context).strip() + "\n"
        html = render_to_string(f"{stem}.html", context) if _has_template(f"{stem}.html") else ""
    out = EmailMultiAlternatives(
        subject=" ".join(str(subject).split()), body=body, from_email=None, to=_recipients(email)
    )
    if html:
        out.attach_alternative(html, "text/html")
    return out


def send(emails: Email | Iterable[Email]) -> int:
    """Render and send ``emails`` through one connection; those without a recipient are
    skipped. Returns the number sent."""
    if isinstance(emails, Email):
        emails = [emails]
    messages = [message(e) for e in emails if _recipients(e)]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def site_link(path: str = "/") -> str:
    """The address of ``path`` on this platform as e-mails and documents write it: from the
    configured ``SITE_URL``, never from the Host header of the request that sent them."""
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path
