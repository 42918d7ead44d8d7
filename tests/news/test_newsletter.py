"""Subscriptions (double opt-in, preferences without signing in, one-click unsubscribe), the
digest as each subscriber gets it, and sending over real SMTP: retries, permanent failures,
bounces, and exactly once even when the sender is killed half way."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from clusterhub.news import digest, sending, subscriptions
from clusterhub.news.models import (
    Article,
    Delivery,
    Issue,
    IssueKind,
    Subscriber,
    SubscriberStatus,
)
from clusterhub.news.services import publish, save_article
from tests.factories import UserFactory, team_member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def subscribed(email: str, **fields) -> Subscriber:
    values = {"email": email, "status": SubscriberStatus.ACTIVE, "consent_text": "yes",
              "consent_at": timezone.now(), "confirmed_at": timezone.now()} | fields  # fmt: skip
    return Subscriber.objects.create(**values)


def published_article(title: str) -> Article:
    user, organisation = team_member()
    article = save_article(Article(title=title, summary="Summary", body="Body",
                                   organisation=organisation), user)  # fmt: skip
    return publish(article, UserFactory(is_staff=True))


def test_double_opt_in_and_the_preferences_link(client):
    form = {"email": "Ana@Example.org", "language": "fr", "frequency": "monthly",
            "kinds": ["calls"]}  # fmt: skip
    page = client.post(reverse("news:subscribe"), form)
    assert "Check your e-mail" in page.content.decode()
    subscriber = Subscriber.objects.get(email="ana@example.org")
    assert subscriber.status == SubscriberStatus.PENDING
    assert "unsubscribe at any time" in subscriber.consent_text
    [message] = mail.outbox
    link = next(w for w in message.body.split() if "/news/subscribe/" in w)
    confirmed = client.get(path_of(link), follow=True)
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE and subscriber.confirmed_at
    assert "Your subscription" in confirmed.content.decode()
    url = confirmed.redirect_chain[-1][0]
    client.post(url, {"kinds": ["calls", "events"], "language": "en", "frequency": "weekly",
                      "regions": "FRK"})  # fmt: skip
    subscriber.refresh_from_db()
    assert (subscriber.kinds, subscriber.regions, subscriber.language) == (
        ["calls", "events"],
        ["FRK"],
        "en",
    )
    again = client.post(reverse("news:subscribe"), {"email": "ana@example.org"})
    assert "This address is already subscribed." in again.content.decode()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/news/subscription/not-a-token/", "This link is not valid."),
        ("/news/unsubscribe/xx:yy/", "This link is not valid."),
    ],
)
def test_a_tampered_link_is_refused(client, path, message):
    subscribed("bo@example.org")
    page = client.get(path)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_an_expired_confirmation_link_is_refused(client, time_machine):
    client.post(reverse("news:subscribe"), {"email": "cy@example.org"})
    link = next(w for w in mail.outbox[0].body.split() if "/news/subscribe/" in w)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=8))
    page = client.get(path_of(link))
    assert "This link has expired" in page.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_a_malformed_address_is_named(client):
    page = client.post(reverse("news:subscribe"), {"email": "not an address"})
    assert "“not an address” is not an e-mail address." in page.content.decode()
    assert not Subscriber.objects.exists()


def test_one_click_unsubscribe_is_honoured_at_once(client):
    subscriber = subscribed("di@example.org")
    signed = subscriptions.token(subscriber, subscriptions.PREFERENCES)
    url = reverse("news:unsubscribe", args=[signed])
    client.get(url)  # a link checker opening it unsubscribes nobody
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
    response = client.post(url, "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_the_digest_matches_preferences_and_ranks_what_closes_soon_first():
    now = timezone.now()

    def item(key, kind="calls", closes=None, eco=(), regions=(), days=1):
        return digest.Item(kind, key, key, f"/{key}/", now - datetime.timedelta(days=days),
                           closes, ecosystems=frozenset(eco), regions=regions)  # fmt: skip

    items = [
        item("far", closes=now + datetime.timedelta(days=60)),
        item("soon", closes=now + datetime.timedelta(days=3), days=40),
        item("other-topic", eco={"aerospace"}),
        item("my-region", kind="events", regions=("FRK26",)),
        item("elsewhere", kind="events", regions=("DE1",)),
        item("closed", closes=now - datetime.timedelta(days=1)),
    ]
    prefs = digest.Preferences(kinds=frozenset({"calls", "events"}),
                               ecosystems=frozenset({"digital"}), regions=("FRK",),
                               since=now - datetime.timedelta(days=7))  # fmt: skip
    found = [i.key for i in digest.build(items, prefs, now)]
    assert found[0] == "soon"  # old but closing soon: shown again, first
    assert set(found) == {"soon", "far", "my-region"}
    assert digest.build([], prefs, now) == []


def test_the_digest_goes_out_in_the_subscribers_language_with_both_parts(smtp_sink):
    published_article("Clusters meet Regions in Lyon")
    french = subscribed("fr@example.org", language="fr", kinds=["news"])
    subscribed("calls-only@example.org", kinds=["calls"])  # nothing new for them
    issue = sending.queue_digest("weekly")
    assert list(issue.deliveries.values_list("subscriber__email", flat=True)) == [french.email]
    counts = sending.send_pending(issue)
    assert counts["sent"] == 1
    [message] = smtp_sink.to("fr@example.org")
    assert message["Subject"] == "Votre lettre Clusterhub"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert " ".join(message["List-Unsubscribe"].split()).startswith("<http")  # may be folded
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk()
             if not p.is_multipart()}  # fmt: skip
    assert "Clusters meet Regions in Lyon" in parts["text/plain"]
    assert "Clusters meet Regions in Lyon" in parts["text/html"]
    # nothing new since: the next digest sends nothing
    assert sending.queue_digest("weekly") is None


def test_temporary_failures_are_retried_and_permanent_ones_stop_the_address(smtp_sink):
    issue = Issue.objects.create(kind=IssueKind.NEWSLETTER, subject="Hello", body="Text")
    ok = subscribed("ok@example.org")
    busy = subscribed("busy@example.org")
    gone = subscribed("gone@example.org")
    smtp_sink.refuse = {busy.email: "451 try later", gone.email: "550 no such user"}
    sending.queue_newsletter(issue)
    counts = sending.send_pending(issue)
    assert counts == {"sent": 1, "retry": 1, "failed": 1}
    assert len(smtp_sink.to(ok.email)) == 1
    gone.refresh_from_db()
    assert gone.status == SubscriberStatus.STOPPED
    retry = Delivery.objects.get(subscriber=busy)
    assert retry.status == "retry" and retry.next_attempt_at > timezone.now()
    smtp_sink.refuse = {}
    Delivery.objects.filter(pk=retry.pk).update(next_attempt_at=timezone.now())
    assert sending.send_pending(issue)["sent"] == 1
    assert len(smtp_sink.to(busy.email)) == 1
    assert sending.send_pending(issue) == {"sent": 0, "retry": 0, "failed": 0}  # nothing twice


def test_a_message_refused_after_its_text_is_not_counted_as_sent(smtp_sink):
    issue = Issue.objects.create(kind=IssueKind.NEWSLETTER, subject="Hello", body="Text")
    full = subscribed("full@example.org")
    spam = subscribed("spam@example.org")
    smtp_sink.refuse_data = {full.email: "452 mailbox full", spam.email: "554 rejected"}
    sending.queue_newsletter(issue)
    assert sending.send_pending(issue) == {"sent": 0, "retry": 1, "failed": 1}
    assert smtp_sink.messages == []
    later = Delivery.objects.get(subscriber=full)
    assert (later.status, later.sent_at) == ("retry", None)
    assert Delivery.objects.get(subscriber=spam).status == "failed"
    assert sending.report(issue)["sent"] == 0


def test_bounces_pause_or_stop_through_the_webhook(client, settings):
    settings.NEWS_BOUNCE_SECRET = "s3cret"
    soft = subscribed("soft@example.org")
    hard = subscribed("hard@example.org")
    url = reverse("news:bounces")
    assert client.post(url, {"email": soft.email, "type": "soft"},
                       content_type="application/json").status_code == 403  # fmt: skip
    for _ in range(3):
        client.post(url, {"email": soft.email, "type": "soft"}, content_type="application/json",
                    headers={"X-Bounce-Secret": "s3cret"})  # fmt: skip
    client.post(url, {"email": hard.email, "type": "hard"}, content_type="application/json",
                headers={"X-Bounce-Secret": "s3cret"})  # fmt: skip
    soft.refresh_from_db()
    hard.refresh_from_db()
    assert (soft.status, hard.status) == (SubscriberStatus.PAUSED, SubscriberStatus.STOPPED)


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def test_each_subscriber_gets_the_issue_once_when_the_sender_is_killed(race_database,
                                                                       smtp_sink):  # fmt: skip
    issue = Issue.objects.create(kind=IssueKind.NEWSLETTER, subject="Once", body="Only once")
    people = [subscribed(f"p{i}@example.org") for i in range(40)]
    sending.queue_newsletter(issue)
    env = os.environ | {
        "DATABASE_URL": _database_url(), "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
        "DJANGO_SETTINGS_MODULE": "clusterhub.settings",
    }  # fmt: skip
    command = [sys.executable, "manage.py", "send_news", "--issue", str(issue.pk),
               "--rate", "20", "--batch", "10"]  # fmt: skip
    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while len(smtp_sink.messages) < 15 and time.monotonic() < deadline:
        time.sleep(0.05)
    sender.send_signal(signal.SIGKILL)  # killed in the middle, no time to tidy up
    sender.wait()
    half = len(smtp_sink.messages)
    assert 15 <= half < 40
    restart = subprocess.run([*command[:-4], "--recover"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert restart.returncode == 0, restart.stderr[-2000:]
    received = [rcpt for rcpt, _m in smtp_sink.messages for rcpt in rcpt]
    assert sorted(received) == sorted(p.email for p in people)  # none missing, none twice
    assert Delivery.objects.filter(issue=issue, status="sent").count() == 40


def test_a_tampered_token_never_reaches_a_subscriber():
    subscriber = subscribed("ed@example.org")
    value = subscriptions.token(subscriber, subscriptions.PREFERENCES)
    with pytest.raises(Exception, match="not valid"):
        subscriptions.from_token(value[:-2] + "xx", subscriptions.PREFERENCES)
    with pytest.raises(Exception, match="not valid"):
        subscriptions.from_token(signing.dumps({"s": subscriber.pk, "e": "other@example.org"},
                                               salt=subscriptions.PREFERENCES),
                                 subscriptions.PREFERENCES)  # fmt: skip


def test_many_digests_at_once_equal_one_at_a_time():
    import random

    now = timezone.now()
    rng = random.Random(4)
    ecos, techs, regions = ["digital", "health", "energy", "mobility"], [1, 2, 3], ["FRK", "DE1"]
    items = [
        digest.Item(rng.choice(digest.KINDS), f"k{i}", f"t{i}", f"/{i}/",
                    now - datetime.timedelta(days=rng.randint(0, 40), minutes=i),
                    rng.choice([None, now + datetime.timedelta(days=rng.randint(-3, 40))]),
                    ecosystems=frozenset(rng.sample(ecos, rng.randint(0, 2))),
                    technologies=frozenset(rng.sample(techs, rng.randint(0, 1))),
                    regions=tuple(rng.sample(["FRK26", "DE11", "ES51"], rng.randint(0, 1))))
        for i in range(300)
    ]  # fmt: skip
    prefs = [
        digest.Preferences(frozenset(rng.sample(digest.KINDS, rng.randint(0, 3))),
                           frozenset(rng.sample(ecos, rng.randint(0, 2))),
                           frozenset(rng.sample(techs, rng.randint(0, 1))),
                           tuple(rng.sample(regions, rng.randint(0, 1))),
                           rng.choice([None, now - datetime.timedelta(days=rng.randint(1, 30))]))
        for _ in range(200)
    ]  # fmt: skip
    many = digest.build_many(items, prefs, now)
    for p, found in zip(prefs, many, strict=True):
        assert [items[i].key for i in found] == [i.key for i in digest.build(items, p, now)]


DSN = b"""From: Mail Delivery System <mailer-daemon@example.net>
To: no-reply@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Your message could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Gone@Example.org
Action: failed
Status: 5.1.1

Final-Recipient: rfc822; full@example.org
Action: delayed
Status: 4.2.2
--B--
"""


def test_bounce_notifications_from_a_mailbox_are_read():
    from clusterhub.news.bounces import parse_dsn

    assert parse_dsn(DSN) == [("gone@example.org", True), ("full@example.org", False)]
    assert parse_dsn(b"From: someone\nSubject: hello\n\nJust a reply.") == []


def test_the_worker_killed_half_way_and_restarted_sends_each_message_once(
    transactional_db, smtp_sink, settings, tmp_path, monkeypatch
):
    from clusterhub.news.tasks import send_issue
    from tests.workers import db_worker

    issue = Issue.objects.create(kind=IssueKind.NEWSLETTER, subject="Once", body="Only once")
    people = [subscribed(f"w{i}@example.org") for i in range(40)]
    sending.queue_newsletter(issue)
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_sink.port}")
    monkeypatch.setenv("NEWS_SEND_RATE", "20")
    with db_worker(settings, tmp_path) as worker:
        send_issue.enqueue(issue.pk)
        worker.wait_until(lambda: len(smtp_sink.messages) >= 15, what="half the messages")
        worker.process.send_signal(signal.SIGKILL)  # no time to tidy up
        worker.process.wait()
    half = len(smtp_sink.messages)
    assert half < 40
    # the next run (a timer, or the editor sending again) finds what the dead worker held
    sending.recover(issue, older_than=datetime.timedelta(0))
    with db_worker(settings, tmp_path / "again") as worker:
        send_issue.enqueue(issue.pk)
        worker.wait_until(
            lambda: Delivery.objects.filter(issue=issue, status="sent").count() == 40,
            what="every message",
        )
    received = [rcpt for rcpt, _m in smtp_sink.messages for rcpt in rcpt]
    assert sorted(received) == sorted(p.email for p in people)  # none missing, none twice


def path_of(link: str) -> str:
    """The path of a link from an e-mail, which starts with the configured site address."""
    assert link.startswith(settings.SITE_URL + "/"), link
    return link.removeprefix(settings.SITE_URL)
