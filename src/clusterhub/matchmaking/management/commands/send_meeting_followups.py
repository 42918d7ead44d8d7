"""Ask the B2B participants of events that ended N months ago how their meetings went.

Run it once a day: each run covers the events that ended during one day, N months earlier,
so every event is asked once (``--days`` widens the window, e.g. after a missed run).
"""

from django.core.management.base import BaseCommand, CommandError

from clusterhub.matchmaking import notifications


class Command(BaseCommand):
    help = (
        "E-mail 'how did your meetings go?' to the B2B participants of events ended N months ago."
    )

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=3, help="Months after the event.")
        parser.add_argument(
            "--days", type=int, default=1, help="Events that ended within this many days."
        )

    def handle(self, *args, months: int, days: int, **options):
        if months < 1 or days < 1:
            raise CommandError("--months and --days are 1 or more.")
        sent = notifications.send_followups(months, days=days)
        self.stdout.write(f"{sent} follow-up e-mail(s) sent.")
