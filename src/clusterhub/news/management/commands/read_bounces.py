"""Read the bounce mailbox (``NEWS_BOUNCE_MAILBOX``, e.g. imaps://user:pass@host/INBOX): hard
bounces stop an address, soft ones pause it after three. Run it from a timer."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusterhub.news.bounces import read_mailbox
from clusterhub.news.subscriptions import bounce


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        url = settings.NEWS_BOUNCE_MAILBOX
        if not url:
            raise CommandError("NEWS_BOUNCE_MAILBOX is not set")
        count = read_mailbox(url, lambda address, hard: bounce(address, hard=hard))
        self.stdout.write(f"{count} bounces read")
