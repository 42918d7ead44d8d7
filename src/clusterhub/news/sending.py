"""Queueing and sending the digest and the newsletters.

- ``queue_digest`` fixes, in one transaction, each active subscriber's digest (nothing queued
  when nothing matches) as one ``Delivery`` per subscriber and issue (unique in the database).
- ``send_pending`` claims deliveries a batch at a time (a conditional UPDATE: two senders
  never hold the same one) and sends each in its own SMTP transaction. The delivery is
  recorded as sent once the server holds the whole message and before the final dot that
  makes the server take it: a sender killed between the two loses that one message rather
  than sending it twice, and a server that refuses the message after the dot undoes the
  record. The others it held were not sent and may be sent again: ``recover`` puts
  deliveries held longer than ``LEASE`` back in the queue.
  Temporary failures (4xx, lost connection) are retried with exponential back-off; permanent
  ones (5xx) are recorded and count as a hard bounce.
- Every message has an HTML and a plain-text part, its ``Message-ID`` (one per delivery) and
  the RFC 8058 headers ``List-Unsubscribe`` and ``List-Unsubscribe-Post``.
"""

from __future__ import annotations

import functools
import re
import secrets
import smtplib
import socket
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import digest, selectors, services, subscriptions
from .models import Delivery, DeliveryStatus, Issue, IssueKind, Subscriber, SubscriberStatus

LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 5


def _preferences(subscriber: Subscriber, ecosystems=None, technologies=None):
    if ecosystems is None:
        ecosystems = [e.pk for e in subscriber.ecosystems.all()]
        technologies = [t.pk for t in subscriber.technologies.all()]
    return digest.Preferences(
        kinds=frozenset(subscriber.kinds),
        ecosystems=frozenset(ecosystems),
        technologies=frozenset(technologies or ()),
        regions=tuple(subscriber.regions),
        since=subscriber.last_digest_at,
    )


def _topics(through, column: str) -> dict[int, list]:
    """subscriber id → the ids of its ecosystems (or technologies), in one query."""
    found: dict[int, list] = {}
    for subscriber_id, value in through.objects.values_list("subscriber_id", column).iterator(
        chunk_size=20_000
    ):
        found.setdefault(subscriber_id, []).append(value)
    return found


def _as_data(item: digest.Item) -> dict:
    return {"kind": item.kind, "key": item.key, "title": item.title, "url": item.url,
            "summary": item.summary,
            "closes": item.closes.isoformat() if item.closes else None}  # fmt: skip


def queue_digest(frequency: str, *, now=None, by=None) -> Issue | None:
    """The digest of every active subscriber of that frequency, fixed now; None when no
    subscriber has anything new."""
    now = now or timezone.now()
    items = selectors.digest_items(now)
    subscribers = Subscriber.objects.filter(status=SubscriberStatus.ACTIVE, frequency=frequency)
    with transaction.atomic():
        issue = Issue.objects.create(kind=IssueKind.DIGEST, frequency=frequency, created_by=by,
                                     subject=f"digest {now:%Y-%m-%d}", queued_at=now)  # fmt: skip
        people = list(subscribers.only("pk", "kinds", "regions", "last_digest_at", "email"))
        ecosystems = _topics(Subscriber.ecosystems.through, "ecosystem_id")
        technologies = _topics(Subscriber.technologies.through, "technology_id")
        found = digest.build_many(
            items,
            [_preferences(p, ecosystems.get(p.pk, []), technologies.get(p.pk, [])) for p in people],
            now,
        )
        batch, chosen, used = [], [], set()
        for subscriber, indices in zip(people, found, strict=True):
            if not indices:
                continue
            batch.append(Delivery(issue=issue, subscriber=subscriber,
                                  items=[items[i].key for i in indices]))  # fmt: skip
            chosen.append(subscriber.pk)
            used.update(indices)
        issue.items = {items[i].key: _as_data(items[i]) for i in sorted(used)}
        issue.save(update_fields=["items"])
        if not batch:
            transaction.set_rollback(True)
            return None
        Delivery.objects.bulk_create(batch, batch_size=2000)
        for start in range(0, len(chosen), 2000):  # SQLite limits the parameters of a query
            Subscriber.objects.filter(pk__in=chosen[start : start + 2000]).update(
                last_digest_at=now
            )
    return issue


def queue_newsletter(issue: Issue) -> int:
    """One delivery per active subscriber (again: none twice)."""
    with transaction.atomic():
        existing = set(issue.deliveries.values_list("subscriber_id", flat=True))
        active = Subscriber.objects.filter(status=SubscriberStatus.ACTIVE)
        batch = [
            Delivery(issue=issue, subscriber_id=pk)
            for pk in active.values_list("pk", flat=True)
            if pk not in existing
        ]
        Delivery.objects.bulk_create(batch, batch_size=2000)
        issue.queued_at = issue.queued_at or timezone.now()
        issue.save(update_fields=["queued_at"])
    return len(batch)


def recover(issue: Issue | None = None, *, older_than: timedelta = LEASE) -> int:
    """Deliveries held by a sender that is gone (longer than ``older_than``) go back in the
    queue."""
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING,
                                    claimed_at__lt=timezone.now() - older_than)  # fmt: skip
    if issue is not None:
        stale = stale.filter(issue=issue)
    return stale.update(status=DeliveryStatus.QUEUED, claim="")


def _ready(now) -> Q:
    return Q(status=DeliveryStatus.QUEUED) | Q(status=DeliveryStatus.RETRY,
                                               next_attempt_at__lte=now)  # fmt: skip


def _claim(issue: Issue | None, claim: str, count: int) -> list[Delivery]:
    """Up to ``count`` waiting deliveries, now held by this sender: a conditional UPDATE, so two
    senders never hold the same one. Held but unsent deliveries are safe to send again after
    a crash; only the one being sent at that moment is in doubt."""
    now = timezone.now()
    waiting = Delivery.objects.filter(_ready(now))
    if issue is not None:
        waiting = waiting.filter(issue=issue)
    ids = list(waiting.order_by("pk").values_list("pk", flat=True)[:count])
    if not ids:
        return []
    Delivery.objects.filter(_ready(now), pk__in=ids).update(
        status=DeliveryStatus.SENDING, claimed_at=now, claim=claim
    )
    return list(Delivery.objects.filter(pk__in=ids, claim=claim, status=DeliveryStatus.SENDING)
                .select_related("issue", "subscriber").order_by("pk"))  # fmt: skip


def message(delivery: Delivery, base_url: str | None = None) -> EmailMultiAlternatives:
    subscriber, issue = delivery.subscriber, delivery.issue
    base = (base_url or settings.SITE_URL).rstrip("/")
    signed = subscriptions.token(subscriber, subscriptions.PREFERENCES)
    unsubscribe = base + reverse("news:unsubscribe", args=[signed])
    preferences = base + reverse("news:preferences", args=[signed])
    context = {"issue": issue, "subscriber": subscriber, "unsubscribe": unsubscribe,
               "preferences": preferences, "base": base,
               "groups": _groups([issue.items.get(i) if isinstance(i, str) else i
                               for i in delivery.items]),
               "body_html": services.render(issue.body) if issue.body else ""}  # fmt: skip
    with translation.override(subscriber.language):
        stem = "news/email/digest" if issue.kind == IssueKind.DIGEST else "news/email/newsletter"
        subject = (render_to_string(f"{stem}_subject.txt", context).strip()
                   if issue.kind == IssueKind.DIGEST else issue.subject)  # fmt: skip
        text = render_to_string(f"{stem}.txt", context)
        html = render_to_string(f"{stem}.html", context)
    domain = base.split("//")[-1].split("/")[0].split(":")[0] or "clusterhub"
    out = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text,
                                 to=[subscriber.email], headers={
                                     "Message-ID": f"<issue{issue.pk}.{subscriber.pk}@{domain}>",
                                     "List-Unsubscribe": f"<{unsubscribe}>",
                                     "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                 })  # fmt: skip
    out.attach_alternative(html, "text/html")
    return out


def _groups(items: list[dict]) -> list[tuple[str, list[dict]]]:
    order = {k: i for i, k in enumerate(digest.KINDS)}
    groups: dict[str, list[dict]] = {}
    for item in filter(None, items):
        if item.get("closes"):
            item = {**item, "closes": datetime.fromisoformat(item["closes"])}
        groups.setdefault(item["kind"], []).append(item)
    return sorted(groups.items(), key=lambda kv: order.get(kv[0], 99))


def send_pending(
    issue: Issue | None = None,
    *,
    batch: int = 100,
    rate: float | None = None,
    limit: int | None = None,
    base_url: str | None = None,
) -> dict:
    """Send what is queued (for ``issue``, or every issue), ``batch`` messages per SMTP
    connection, at most ``rate`` messages per second, at most ``limit`` in this call."""
    claim = secrets.token_hex(8)
    counts = {"sent": 0, "retry": 0, "failed": 0}
    done = 0
    while limit is None or done < limit:
        connection = get_connection()
        opened = False
        try:
            wanted = batch if limit is None else min(batch, limit - done)
            held = _claim(issue, claim, wanted)
            if not held:
                return counts
            for delivery in held:
                if delivery.subscriber.status != SubscriberStatus.ACTIVE:
                    _finish(delivery, DeliveryStatus.FAILED, "the subscriber is no longer active")
                    counts["failed"] += 1
                    done += 1
                    continue
                started = time.monotonic()
                try:
                    if not opened:
                        connection.open()
                        opened = True
                    email = message(delivery, base_url)
                    _transmit(connection, email, functools.partial(
                        _finish, delivery, DeliveryStatus.SENT, "",
                        message_id=email.extra_headers["Message-ID"]))  # fmt: skip
                except smtplib.SMTPRecipientsRefused as error:
                    code = next(iter(error.recipients.values()))[0]
                    counts[_failed(delivery, code, str(error))] += 1
                except smtplib.SMTPResponseException as error:
                    counts[_failed(delivery, error.smtp_code, str(error))] += 1
                except (smtplib.SMTPException, OSError) as error:
                    counts[_failed(delivery, 451, str(error))] += 1
                    opened = False
                    connection.close()
                else:
                    counts["sent"] += 1
                done += 1
                if rate:
                    time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
        finally:
            if opened:
                connection.close()
    return counts


def _transmit(connection, email: EmailMultiAlternatives, record) -> None:
    """One SMTP transaction for ``email``; ``record()`` runs when the server holds the whole
    message, just before the final dot that makes it take the message. Other e-mail backends
    (files, memory) send, then record."""
    smtp = getattr(connection, "connection", None)
    if not isinstance(smtp, smtplib.SMTP):
        email.connection = connection
        email.send()
        record()
        return
    encoding = email.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(email.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in email.recipients()]
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender)
    if code != 250:
        smtp.rset()
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    refused = {}
    for address in recipients:
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            refused[address] = (code, reply)
    if len(refused) == len(recipients):
        smtp.rset()
        raise smtplib.SMTPRecipientsRefused(refused)
    smtp.putcmd("data")
    code, reply = smtp.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    data = re.sub(rb"\r\n|\n|\r", b"\r\n", email.message().as_bytes(linesep="\r\n"))
    data = re.sub(rb"(?m)^\.", b"..", data)
    # the final dot goes out on its own right after the record: without TCP_NODELAY, Nagle's
    # algorithm would hold it until the server's delayed acknowledgement (about 40 ms)
    smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    smtp.send(data if data.endswith(b"\r\n") else data + b"\r\n")
    record()
    smtp.send(b".\r\n")
    code, reply = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _finish(delivery: Delivery, status: str, error: str, **fields) -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, error=error[:300], sent_at=now if status == DeliveryStatus.SENT else None,
        attempts=delivery.attempts + 1, claim="", **fields,
    )  # fmt: skip


def _failed(delivery: Delivery, code: int, error: str) -> str:
    """A permanent failure (5xx) is recorded and counts as a hard bounce; a temporary one is
    tried again later (1, 2, 4, 8 minutes), until ``MAX_ATTEMPTS``."""
    attempts = delivery.attempts + 1
    if 500 <= code < 600 or attempts >= MAX_ATTEMPTS:
        _finish(delivery, DeliveryStatus.FAILED, f"{code} {error}", message_id="")
        if 500 <= code < 600:
            subscriptions.bounce(delivery.subscriber.email, hard=True)
        return "failed"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.RETRY, attempts=attempts, error=f"{code} {error}"[:300], claim="",
        sent_at=None, message_id="",
        next_attempt_at=timezone.now() + timedelta(minutes=2 ** (attempts - 1)),
    )  # fmt: skip
    return "retry"


def report(issue: Issue) -> dict:
    """How the sending of an issue went."""
    from django.db.models import Count

    counts = dict(issue.deliveries.values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in DeliveryStatus.values} | {
        "total": sum(counts.values()),
        "errors": list(issue.deliveries.exclude(error="").values_list(
            "subscriber__email", "error")[:20]),
    }  # fmt: skip
