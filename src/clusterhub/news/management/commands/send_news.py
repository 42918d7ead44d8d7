"""Queue the digest of a frequency and send what is queued (run weekly or monthly by cron or
a timer; safe to run again: nothing is sent twice)."""

from django.core.management.base import BaseCommand

from clusterhub.news import sending
from clusterhub.news.models import Frequency, Issue


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--digest", choices=Frequency.values)
        parser.add_argument("--issue", type=int, help="send what is queued for this issue only")
        parser.add_argument("--rate", type=float, help="messages per second at most")
        parser.add_argument("--batch", type=int, default=100, help="messages per SMTP connection")
        parser.add_argument("--recover", action="store_true",
                            help="first requeue what a stopped sender held")  # fmt: skip

    def handle(self, *args, digest=None, issue=None, rate=None, batch=100, recover=False,
               **options):  # fmt: skip
        target = Issue.objects.get(pk=issue) if issue else None
        if recover:
            from datetime import timedelta

            back = sending.recover(target, older_than=timedelta(0))
            self.stdout.write(f"{back} deliveries back in the queue")
        if digest:
            queued = sending.queue_digest(digest)
            self.stdout.write(f"digest: {queued.deliveries.count() if queued else 0} queued")
        counts = sending.send_pending(target, batch=batch, rate=rate)
        self.stdout.write(f"sent {counts['sent']}, to retry {counts['retry']}, "
                          f"failed {counts['failed']}")  # fmt: skip
