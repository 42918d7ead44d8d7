"""E-mail a reminder to the confirmed participants of events that start soon.

    python manage.py send_event_reminders --hours 48

Run it from cron (e.g. every hour): each participant is reminded once, however often it runs,
because ``events.services.claim_reminders`` stamps ``Registration.reminded_at``.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from clusterhub.events import services


class Command(BaseCommand):
    help = "E-mail a reminder to confirmed participants of events starting within N hours."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hours",
            type=int,
            default=48,
            help="Remind participants of events starting within this many hours (default 48).",
        )

    def handle(self, *args, hours: int, **options):
        if hours <= 0:
            raise CommandError("--hours must be a positive number of hours.")
        claimed = services.claim_reminders(timedelta(hours=hours))
        if options["verbosity"]:
            self.stdout.write(f"{len(claimed)} reminder(s) sent.")
