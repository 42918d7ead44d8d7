"""Expire published opportunities past their expiry date (their deadline, or 12 months after
publication); their followers are told by e-mail.

    python manage.py expire_opportunities

Run it daily from cron (e.g. just after midnight). Running it again changes nothing more.
``--today YYYY-MM-DD`` judges as if that were the date (to catch up, or to test).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from clusterhub.partnering import services


class Command(BaseCommand):
    help = "Expire published partnership opportunities past their deadline or 12-month term."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", help="Judge as if this were the date (YYYY-MM-DD); default: today."
        )

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                message = f"--today must be a date like 2025-06-30, not {today!r}."
                raise CommandError(message) from None
        expired = services.expire_due_opportunities(day)
        if options["verbosity"]:
            self.stdout.write(f"{expired} opportunit{'y' if expired == 1 else 'ies'} expired.")
