"""A backup restores into an empty database and everything is there; a damaged archive, one
from another engine or one of a newer version is refused and changes nothing. The commands run
in their own processes against databases of their own, as an operator runs them."""

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

MAKE_DATA = """
import django; django.setup()
from clusterhub.reference import services as reference
reference.load_countries()
from django.core.files.base import ContentFile
from clusterhub.events.models import Material
from clusterhub.events import services
from tests.factories import EventFactory, OrganisationFactory, RegistrationFactory
org = OrganisationFactory(legal_name="Pôle Backup Plasturgie")
event = EventFactory(title="Clusters meet Regions: Backup")
RegistrationFactory(event=event, first_name="Alice", last_name="Sauvegarde")
material = Material(event=event, title="Slides")
services.save_material(material, ContentFile(b"%PDF-1.4 restored bytes", name="slides.pdf"))
print(Material.objects.get().file.name)
"""

READ_DATA = """
import django; django.setup()
from clusterhub.events.models import Event, Material, Registration
from clusterhub.registry.models import Organisation
print(Organisation.objects.filter(legal_name="Pôle Backup Plasturgie").count(),
      Event.objects.get().title, Registration.objects.get().last_name,
      Material.objects.get().file.read().decode())
"""


class Site:
    """A Clusterhub installation of its own: a database and a var folder."""

    def __init__(self, tmp_path: Path, name: str):
        self.var = tmp_path / name
        self.var.mkdir()
        if connection.vendor == "postgresql":
            database = f"backup_{name}_{uuid.uuid4().hex[:8]}"
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{database}"')
            conf = connection.settings_dict
            self.url = (
                f"postgres://{conf['USER']}:{conf['PASSWORD']}@{conf['HOST']}:{conf['PORT']}/"
                f"{database}"
            )
        else:
            self.url = f"sqlite:///{self.var / 'clusterhub.sqlite3'}"

    def run(self, *args, check=True, stdin=None) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "CLUSTERHUB_VAR_DIR": str(self.var),
            "DJANGO_SETTINGS_MODULE": "clusterhub.settings",
            "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        }
        result = subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            input=stdin,
        )
        if check:
            assert result.returncode == 0, result.stderr[-3000:]
        return result

    def manage(self, *args, **kwargs):
        return self.run("manage.py", *args, **kwargs)


@pytest.fixture
def source(tmp_path, transactional_db):
    site = Site(tmp_path, "source")
    site.manage("migrate", "--no-input", "-v0")
    site.run("-c", MAKE_DATA)
    return site


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(source, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    out = source.manage("backup", "--output", str(archive)).stdout
    assert "Backup written to" in out and "1 media files" in out
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and any(n.startswith("media/") for n in names)

    target = Site(tmp_path, "target")  # an empty database, no media
    out = target.manage("restore", str(archive)).stdout
    assert "Restored" in out and "1 media files" in out
    found = target.run("-c", READ_DATA).stdout.split()
    assert found[0] == "1"
    assert "Sauvegarde" in found and "restored" in found and "bytes" in found


def test_a_restore_asks_before_replacing_data_and_refuses_damaged_archives(source, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    source.manage("backup", "--output", str(archive))
    # The source itself holds data: no confirmation, nothing changes.
    refused = source.manage("restore", str(archive), check=False, stdin="n\n")
    assert refused.returncode != 0 and "nothing was changed" in refused.stderr

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = Site(tmp_path, "target")
    target.manage("migrate", "--no-input", "-v0")
    result = target.manage("restore", str(damaged), check=False)
    assert result.returncode != 0 and "damaged or incomplete" in result.stderr
    assert target.run("-c", READ_DATA, check=False).returncode != 0  # still empty

    not_a_backup = tmp_path / "photo.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as tar:
        tar.add(Path(__file__), arcname="notes.txt")
    result = target.manage("restore", str(not_a_backup), check=False)
    assert result.returncode != 0 and "not a backup" in result.stderr
