"""``manage.py backup``: the database and the media files in one archive (see core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clusterhub.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup or pg_dump) and the media files into one "
        "archive, with a manifest of checksums and row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/clusterhub-….tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        try:
            path, manifest = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["rows"].values())
        files = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(f"Backup written to {path}: {rows} rows, {files} media files.")
