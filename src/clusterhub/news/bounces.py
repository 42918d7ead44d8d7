"""Bounces read from a mailbox (the operator's choice, beside the webhook): delivery status
notifications (RFC 3464) say which address failed and whether for good (status 5.x.x, a hard
bounce) or for now (4.x.x, a soft one)."""

from __future__ import annotations

import email
import email.policy
from email.message import Message


def parse_dsn(raw: bytes) -> list[tuple[str, bool]]:
    """(address, hard) for every failed recipient a delivery status notification reports;
    [] for any other message."""
    message: Message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        blocks = payload if isinstance(payload, list) else [email.message_from_string(str(payload))]
        for block in blocks:
            action = (block.get("Action") or "").strip().lower()
            status = (block.get("Status") or "").strip()
            recipient = block.get("Final-Recipient") or block.get("Original-Recipient") or ""
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if address and action in ("failed", "delayed") and status[:1] in ("4", "5"):
                found.append((address, status.startswith("5") and action == "failed"))
    return found


def read_mailbox(url: str, apply) -> int:
    """Read every message of an IMAP mailbox (``imaps://user:password@host[:port]/folder``),
    apply each bounce found, and delete the notifications read. Returns how many bounces."""
    import imaplib
    from urllib.parse import unquote, urlparse

    parts = urlparse(url)
    secure = parts.scheme == "imaps"
    port = parts.port or (993 if secure else 143)
    client = (imaplib.IMAP4_SSL if secure else imaplib.IMAP4)(parts.hostname, port)
    try:
        client.login(unquote(parts.username or ""), unquote(parts.password or ""))
        client.select((parts.path or "/INBOX").lstrip("/") or "INBOX")
        _status, numbers = client.search(None, "ALL")
        count = 0
        for number in numbers[0].split():
            _status, data = client.fetch(number, "(RFC822)")
            bounces = parse_dsn(data[0][1])
            for address, hard in bounces:
                apply(address, hard)
                count += 1
            if bounces:
                client.store(number, "+FLAGS", "\\Deleted")
        client.expunge()
        return count
    finally:
        client.logout()
