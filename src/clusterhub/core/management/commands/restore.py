"""``manage.py restore ARCHIVE``: put a backup back (see core.backup), then migrate it forward."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from clusterhub.core.backup import (
    BackupError,
    check_compatible,
    database_is_empty,
    read_archive,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the archive is checked whole first "
        "(checksums, engine, version), then the database is replaced, the media files are "
        "copied back, the row counts checked, and migrations applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds data without asking.",
        )

    def handle(self, *args, archive: Path, force: bool = False, **options):
        import tempfile

        if not archive.is_file():
            raise CommandError(f"no such file: {archive}")
        try:
            with tempfile.TemporaryDirectory() as scratch:
                check_compatible(read_archive(archive, Path(scratch)))
        except BackupError as exc:
            raise CommandError(f"{archive} cannot be restored: {exc}") from None
        if not force and not database_is_empty() and not self._confirm():
            raise CommandError(
                "The database already holds data; nothing was changed. "
                "Run again with --force to replace it."
            )
        try:
            result = restore_backup(archive)
        except BackupError as exc:
            raise CommandError(f"The restore failed: {exc}") from None
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"Restored {result['rows']} rows and {result['media']} media files from {archive} "
            f"(backup of {result['manifest']['created']})."
        )

    def _confirm(self) -> bool:
        try:
            answer = input("The database holds data. Replace it with the backup? [y/N] ")
        except EOFError:
            return False
        return answer.strip().lower() in ("y", "yes")
