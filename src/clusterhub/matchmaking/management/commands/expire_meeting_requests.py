"""Expire the meeting requests left unanswered past their expiry date (run it hourly or daily).

Both sides are e-mailed, and the expired requests stop blocking the pair and the sender's cap.
"""

from django.core.management.base import BaseCommand

from clusterhub.matchmaking import services


class Command(BaseCommand):
    help = "Expire pending B2B meeting requests past their expiry date and notify both sides."

    def handle(self, *args, **options):
        count = services.expire_pending_requests()
        self.stdout.write(f"{count} meeting request(s) expired.")
