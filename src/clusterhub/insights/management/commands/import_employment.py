from django.core.management.base import BaseCommand, CommandError

from clusterhub.insights.imports import import_employment


class Command(BaseCommand):
    help = ("Import persons employed by NUTS 2 region and NACE division from Eurostat's "
            "sbs_r_nuts06_r2 table (TSV, gzip or not), all or nothing.")  # fmt: skip

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        report = import_employment(path)
        if not report.ok:
            lines = [f"row {r}, {c}: {m}" if r else m for r, c, m in report.errors[:50]]
            raise CommandError("Nothing was imported:\n" + "\n".join(lines))
        counts = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in report.counts.items())
        self.stdout.write(f"{report.created} figures imported from {report.rows} rows ({counts}).")
