"""Subscriptions to the digest and the newsletters: double opt-in, preferences reached by a
signed link without signing in, one-click unsubscribe (RFC 8058), bounces.

Tokens are signed (``django.core.signing``) with a purpose each: a confirmation link lasts 7
days; preference and unsubscribe links last as long as the subscription (they carry the
subscriber's id and address, so a link stops working when the address changes).
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core import audit, mail

from .models import KINDS, Frequency, Subscriber, SubscriberStatus

CONFIRM, PREFERENCES = "news.confirm", "news.preferences"
CONFIRM_DAYS = 7
SOFT_BOUNCES_TO_PAUSE = 3


def consent_text() -> str:
    return _("I agree to receive the Clusterhub digest and newsletters at this address. I can "
             "change what I receive or unsubscribe at any time, with one click.")  # fmt: skip


def token(subscriber: Subscriber, purpose: str) -> str:
    return signing.dumps({"s": subscriber.pk, "e": subscriber.email}, salt=purpose)


def from_token(value: str, purpose: str) -> Subscriber:
    max_age = CONFIRM_DAYS * 86400 if purpose == CONFIRM else None
    try:
        data = signing.loads(value, salt=purpose, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired: subscribe again.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    subscriber = Subscriber.objects.filter(pk=data.get("s"), email=data.get("e")).first()
    if subscriber is None:
        raise ValidationError(_("This link is not valid."))
    return subscriber


def subscribe(email: str, *, language: str = "en", frequency: str = Frequency.WEEKLY,
              kinds=(), user=None, link_for) -> Subscriber:  # fmt: skip
    """Record a pending subscription and send the confirmation link (``link_for(token)`` makes
    the absolute address). A second subscription of a confirmed address changes nothing; a
    pending one gets a new link."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("“%(email)s” is not an e-mail address.")
                                         % {"email": email[:80]}]}) from None  # fmt: skip
    if language not in ("en", "fr"):
        raise ValidationError({"language": [_("Choose English or French.")]})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": [_("Choose weekly or monthly.")]})
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValidationError({"kinds": [_("Unknown content: %(kind)s") % {"kind": unknown[0]}]})
    existing = Subscriber.objects.filter(email=email).first()
    if existing is not None and existing.status == SubscriberStatus.ACTIVE:
        raise ValidationError({"email": [_("This address is already subscribed.")]})
    with transaction.atomic():
        try:
            subscriber, _new = Subscriber.objects.update_or_create(
                email=email,
                defaults={"language": language, "frequency": frequency, "kinds": list(kinds),
                          "user": user, "status": SubscriberStatus.PENDING,
                          "consent_text": consent_text(), "consent_at": timezone.now()},
            )  # fmt: skip
        except IntegrityError:
            raise ValidationError({"email": [_("This address is already subscribed.")]}) from None
        audit.record("news.subscribe", subscriber, by=user)
    link = link_for(token(subscriber, CONFIRM))
    mail.send(mail.Email(to=[email], template="news/email/confirm", language=language,
                         context={"link": link, "consent": subscriber.consent_text}))  # fmt: skip
    return subscriber


def confirm(value: str) -> Subscriber:
    subscriber = from_token(value, CONFIRM)
    if subscriber.status in (SubscriberStatus.PENDING, SubscriberStatus.UNSUBSCRIBED):
        subscriber.status = SubscriberStatus.ACTIVE
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
        audit.record("news.confirm", subscriber)
    return subscriber


def save_preferences(subscriber: Subscriber, *, kinds, language, frequency, ecosystems=(),
                     technologies=(), regions=()) -> Subscriber:  # fmt: skip
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValidationError({"kinds": [_("Unknown content: %(kind)s") % {"kind": unknown[0]}]})
    if language not in ("en", "fr"):
        raise ValidationError({"language": [_("Choose English or French.")]})
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": [_("Choose weekly or monthly.")]})
    regions = [r.strip().upper() for r in regions if r.strip()]
    bad = [r for r in regions if not (2 <= len(r) <= 5 and r[:2].isalpha())]
    if bad:
        raise ValidationError({"regions": [_("Not a NUTS code: %(codes)s.") % {"codes": bad[0]}]})
    with transaction.atomic():
        subscriber.kinds = list(kinds)
        subscriber.language = language
        subscriber.frequency = frequency
        subscriber.regions = regions
        subscriber.save(update_fields=["kinds", "language", "frequency", "regions"])
        subscriber.ecosystems.set(ecosystems)
        subscriber.technologies.set(technologies)
    return subscriber


def unsubscribe(subscriber: Subscriber) -> Subscriber:
    """At once (RFC 8058): nothing more is sent to this address."""
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    subscriber.save(update_fields=["status"])
    audit.record("news.unsubscribe", subscriber)
    return subscriber


def bounce(email: str, *, hard: bool) -> Subscriber | None:
    """A bounce reported by the mail server (webhook or mailbox): a hard bounce stops the
    address; soft bounces pause it after ``SOFT_BOUNCES_TO_PAUSE`` in a row."""
    subscriber = Subscriber.objects.filter(email=email.strip().lower()).first()
    if subscriber is None:
        return None
    if hard:
        subscriber.status = SubscriberStatus.STOPPED
    else:
        subscriber.soft_bounces += 1
        if subscriber.soft_bounces >= SOFT_BOUNCES_TO_PAUSE:
            subscriber.status = SubscriberStatus.PAUSED
    subscriber.save(update_fields=["status", "soft_bounces"])
    return subscriber
