"""Import organisations, cluster profiles or CORDIS participations from a CSV or XLSX file.

    manage.py import_registry organisations organisations.xlsx
    manage.py import_registry clusters clusters.csv --dry-run
    manage.py import_registry cordis participations.csv --projects projects.csv
    manage.py import_registry network participations-2014-2018.csv.gz \
        --organisations organisations-2017.csv.gz

All or nothing: with any error, nothing is written, the errors are listed (row, column,
reason) and the command exits with status 1.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from clusterhub.registry.imports import IMPORT_KINDS, run_import


class Command(BaseCommand):
    help = "Import organisations, cluster profiles or CORDIS participations (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=IMPORT_KINDS)
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument(
            "--projects", help="CORDIS only: the projects file (call topic of each project)"
        )
        parser.add_argument(
            "--organisations", help="network only: the file of organisation names (pic, name…)"
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            default=1_000_000,
            help="the most rows a file may have (1,000,000; uploads keep the site's limit)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only; write nothing"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(
        self, *args, kind, file, projects=None, organisations=None, dry_run=False, **options
    ):
        if projects and kind != "cordis":
            raise CommandError("--projects goes with the cordis import only.")
        if organisations and kind != "network":
            raise CommandError("--organisations goes with the network import only.")
        report = run_import(
            kind,
            file,
            dry_run=dry_run,
            projects_file=projects,
            organisations_file=organisations,
            max_rows=options["max_rows"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            for row, column, message in report.errors:
                where = f"row {row}" if row else "file"
                where += f", {column}" if column else ""
                self.stderr.write(f"{where}: {message}")
            if report.more_errors:
                self.stderr.write(f"… and {report.more_errors} more error(s)")
            if options["verbosity"] >= 2:
                for row, column, message in report.warnings:
                    self.stdout.write(f"warning: row {row}, {column}: {message}")
            elif report.warnings:
                self.stdout.write(f"{len(report.warnings)} warning(s); -v 2 lists them")
        if not report.ok:
            raise CommandError(report.summary())
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS(report.summary()))
