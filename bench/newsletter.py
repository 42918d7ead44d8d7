"""Newsletter benchmark: every digest built, sending throughput, and exactly-once after a kill.

    python bench/newsletter.py [--subscribers 50000] [--items 2000] [--send 2000]

On a temporary SQLite database (``CLUSTERHUB_VAR_DIR``), with a real SMTP sink (aiosmtpd) on
127.0.0.1. Figures, each measured in this run:
- digests: 50,000 active subscribers with varied preferences (kinds, ecosystems, regions,
  technologies, last digest) over 2,000 new items of the five kinds; the time to build and
  queue every digest (``news.sending.queue_digest``), the deliveries queued, and the peak
  memory of the build (tracemalloc);
- sending: ``--send`` queued messages sent through ``news.sending.send_pending`` to the sink:
  messages per second, and the ratio to the sink's own acceptance rate measured with a trivial
  client (smtplib, one connection, tiny messages) in the same run;
- kill: a sender (``manage.py send_news``) killed with SIGKILL half way through 400 messages
  and restarted with ``--recover``: duplicates and missing messages at the sink (target 0).
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


class Sink:
    def __init__(self):
        self.recipients: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def start_sink():
    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return sink, controller, port


def trivial_rate(port: int, n: int) -> float:
    """The sink's acceptance rate with a bare client: one connection, tiny messages."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for i in range(n):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "a@b.c", f"t{i}@b.c", "t"
            message.set_content("t")
            client.send_message(message)
    return n / (time.perf_counter() - start)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clusterhub.reference import services as reference

    reference.load_all()


def make_items(n: int, rng: random.Random):
    """2,000 new items: published news (topics, regions) and open calls and consultations."""
    from django.utils import timezone

    from clusterhub.news.models import Article, ArticleStatus
    from clusterhub.reference.models import Ecosystem, NutsRegion

    ecosystems = list(Ecosystem.objects.all())
    regions = list(NutsRegion.objects.filter(level=2).values_list("pk", flat=True)[:60])
    now = timezone.now()
    articles = [Article(title=f"Item {i}", slug=f"item-{i}", summary="A new item.", body="Body",
                        body_html="<p>Body</p>", status=ArticleStatus.PUBLISHED,
                        publish_at=now - timedelta(hours=rng.randint(1, 24 * 20)))
                for i in range(n)]  # fmt: skip
    Article.objects.bulk_create(articles, batch_size=1000)
    through_e = Article.ecosystems.through
    through_r = Article.regions.through
    through_e.objects.bulk_create(
        [through_e(article_id=a.pk, ecosystem_id=rng.choice(ecosystems).pk) for a in articles],
        batch_size=2000, ignore_conflicts=True,
    )  # fmt: skip
    through_r.objects.bulk_create(
        [through_r(article_id=a.pk, nutsregion_id=rng.choice(regions)) for a in articles
         if rng.random() < 0.5], batch_size=2000, ignore_conflicts=True,
    )  # fmt: skip
    return ecosystems, regions


def make_subscribers(n: int, rng: random.Random, ecosystems, regions) -> None:
    from django.utils import timezone

    from clusterhub.news.models import KINDS, Subscriber

    now = timezone.now()
    people = [Subscriber(email=f"s{i}@bench.example", status="active", consent_text="yes",
                         consent_at=now, language=rng.choice(["en", "fr"]),
                         kinds=rng.sample(KINDS, rng.randint(0, 3)),
                         regions=rng.sample([r[:3] for r in regions], rng.randint(0, 2)),
                         last_digest_at=rng.choice([None, now - timedelta(days=rng.randint(1,
                                                                                         15))]))
              for i in range(n)]  # fmt: skip
    Subscriber.objects.bulk_create(people, batch_size=2000)
    through = Subscriber.ecosystems.through
    links = []
    for person in Subscriber.objects.only("pk"):
        for eco in rng.sample(ecosystems, rng.randint(0, 2)):
            links.append(through(subscriber_id=person.pk, ecosystem_id=eco.pk))
    through.objects.bulk_create(links, batch_size=5000)


def run(subscribers: int, items: int, send: int, seed: int) -> dict:
    from django.conf import settings
    from django.db import connection

    from clusterhub.news import sending
    from clusterhub.news.models import Delivery, Issue, IssueKind, Subscriber

    rng = random.Random(seed)
    ecosystems, regions = make_items(items, rng)
    make_subscribers(subscribers, rng, ecosystems, regions)
    tracemalloc.start()
    start = time.perf_counter()
    issue = sending.queue_digest("weekly")
    digest_s = time.perf_counter() - start
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queued = issue.deliveries.count() if issue else 0

    sink, controller, port = start_sink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    start = time.perf_counter()
    counts = sending.send_pending(issue, limit=send, batch=200)
    send_s = time.perf_counter() - start
    rate = counts["sent"] / send_s
    bare = trivial_rate(port, 500)

    # the kill: a newsletter to 400 subscribers, its sender killed half way
    newsletter = Issue.objects.create(kind=IssueKind.NEWSLETTER, subject="Once", body="Once")
    Subscriber.objects.exclude(pk__in=Subscriber.objects.order_by("pk").values("pk")[:400]
                               ).update(status="paused")  # fmt: skip
    sending.queue_newsletter(newsletter)
    sink.recipients.clear()
    env = os.environ | {"EMAIL_URL": f"smtp://127.0.0.1:{port}",
                        "DJANGO_SETTINGS_MODULE": "clusterhub.settings"}  # fmt: skip
    command = [sys.executable, "manage.py", "send_news", "--issue", str(newsletter.pk),
               "--rate", "100"]  # fmt: skip
    connection.close()
    sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 120
    while len(sink.recipients) < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    at_kill = len(sink.recipients)
    subprocess.run([*command[:-2], "--recover"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=300)  # fmt: skip
    controller.stop()
    received = Counter(sink.recipients)
    wanted = set(Delivery.objects.filter(issue=newsletter).values_list("subscriber__email",
                                                                       flat=True))  # fmt: skip
    return {
        "subscribers": subscribers,
        "items": items,
        "digest_seconds": round(digest_s, 2),
        "digests_queued": queued,
        "digest_peak_memory_mb": round(peak / 2**20, 1),
        "sent": counts["sent"],
        "send_seconds": round(send_s, 2),
        "messages_per_second": round(rate, 1),
        "sink_bare_messages_per_second": round(bare, 1),
        "send_rate_vs_bare_sink": round(rate / bare, 3),
        "kill_messages": len(wanted),
        "kill_received_before_kill": at_kill,
        "kill_duplicates": sum(n - 1 for n in received.values() if n > 1),
        "kill_missing": len(wanted - set(received)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--send", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as var:
        os.environ.pop("DATABASE_URL", None)
        os.environ["CLUSTERHUB_VAR_DIR"] = var
        setup()
        figures = run(args.subscribers, args.items, args.send, args.seed)
    print(
        f"digests: {figures['subscribers']:,} subscribers × {figures['items']:,} items built and "
        f"queued in {figures['digest_seconds']} s ({figures['digests_queued']:,} with something "
        f"new; peak memory {figures['digest_peak_memory_mb']} MB)"
    )
    print(
        f"sending: {figures['sent']:,} messages at {figures['messages_per_second']}/s = "
        f"{figures['send_rate_vs_bare_sink']}× the sink's bare rate "
        f"({figures['sink_bare_messages_per_second']}/s)"
    )
    print(
        f"killed half way ({figures['kill_received_before_kill']} of {figures['kill_messages']} "
        f"received): {figures['kill_duplicates']} duplicates, {figures['kill_missing']} missing "
        f"(targets 0 and 0)"
    )
    print(json.dumps({"bench": "newsletter", "seed": args.seed} | figures))


if __name__ == "__main__":
    main()
