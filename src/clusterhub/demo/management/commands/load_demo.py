"""Loads the demo content for `make run`; a second run changes nothing."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from clusterhub.demo import loader as demo
from clusterhub.registry.models import (
    ClusterOrganisation,
    Membership,
    Organisation,
    Participation,
    Person,
    Project,
)


class Command(BaseCommand):
    help = (
        "Load the demo content (idempotent): European cluster organisations with their "
        "profiles and labels, other organisations, people, memberships, the CORDIS H2020 "
        "sample as collaboration history, and a demo profile team for Polymeris. Names, "
        "places, roles and dates come from public sources; member counts, management staff, "
        "memberships, contact addresses, label validity dates and the ECEI Bronze and Silver "
        "labels are illustrative figures. Events: the Clusters meet Regions workshop (Lyon, "
        "2023) with its speakers, the CLUSTERPLAST event of 2010 with its 93 participants and "
        "the France Clusters general assembly of 2016, with their real sessions; session "
        "times and rooms are illustrative, the 2010 participants are fictitious, and the 2027 "
        "workshop open for registration is a fictitious demo event."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Apply the demo content again to existing demo records (overwrites edits to "
            "them; consent is never changed).",
        )
        parser.add_argument(
            "--without-history",
            action="store_true",
            help="Do not import the CORDIS H2020 sample.",
        )
        parser.add_argument(
            "--network",
            action="store_true",
            help="Also import the H2020 collaboration network of 2014–2018 (27,411 "
            "organisations, 20,073 projects; about 15 s), so that partner recommendations "
            "learn from the whole network.",
        )

    def handle(self, *args, refresh=False, without_history=False, network=False, **options):
        started = time.monotonic()
        # The demo's registrations and meeting requests are fictitious: their e-mails go nowhere.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            result = demo.load_demo(
                refresh=refresh, with_history=not without_history, with_network=network
            )
        except demo.DemoLoadError as exc:
            raise CommandError(f"{exc} Nothing was loaded.") from exc
        elapsed = time.monotonic() - started

        changes = [f"{n} {what} created" for what, n in result.created.items() if n]
        changes += [f"{n} {what} updated" for what, n in result.updated.items() if n]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content loaded in {elapsed:.1f} s: "
                + ("; ".join(changes) if changes else "nothing to change")
                + "."
            )
        )
        profiles = ClusterOrganisation.objects.aggregate(
            total=Count("pk"), validated=Count("pk", filter=Q(is_validated=True))
        )
        people = Person.objects.aggregate(
            total=Count("pk"), consented=Count("pk", filter=Q(public_consent=True))
        )
        self.stdout.write(
            f"  {Organisation.objects.count()} organisations, {profiles['total']} cluster "
            f"profiles ({profiles['validated']} validated), {Membership.objects.count()} "
            f"memberships, {people['total']} people ({people['consented']} shown publicly), "
            f"{Project.objects.count()} projects with {Participation.objects.count()} "
            f"participations."
        )
        self.stdout.write(f"  Collaboration history: {result.history}.")
        if result.team_password:
            self.stdout.write(
                f"Profile team demo login: {result.team_email} / {result.team_password}"
            )
        else:
            self.stdout.write(
                f"Profile team demo login: {result.team_email} (its password was changed "
                f"since; it is not the one in {demo.password_file()})"
            )
