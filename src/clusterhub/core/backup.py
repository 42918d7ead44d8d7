"""Backups that restore: the database and the media files in one archive, checked on the way
back.

An archive is a gzipped tar holding ``manifest.json``, the database (``database.sqlite3``, made
with SQLite's online backup while the site runs, or ``database.pgdump``, PostgreSQL's custom
format from ``pg_dump``) and ``media/…`` (the uploaded files, when they are on disk). The
manifest states the engine, the date, the latest applied migration of each app, the number of
rows of every table and the SHA-256 of every file, so that a restore refuses an archive that is
damaged, from another engine or from a newer version of the code, and checks that every row
came back.

Invariants: an archive is written under a temporary name and renamed when complete, readable
by its owner only; a restore changes nothing until the archive has been checked whole.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _media_root() -> Path | None:
    """The media folder, when the media are files on this machine (not in a bucket)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(settings.MEDIA_ROOT)
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _applied_migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations):
        applied.setdefault(app, []).append(name)
    return applied


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the database (the cache's table left out)."""
    cache_tables = {
        c.get("LOCATION")
        for c in settings.CACHES.values()
        if c["BACKEND"].endswith("DatabaseCache")
    }
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in cache_tables or table.endswith(("_fts", "_fts_data", "_fts_idx")):
                continue
            if table.endswith(("_fts_docsize", "_fts_config", "_fts_content")):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env() -> tuple[dict[str, str], str]:
    """Environment for pg_dump/pg_restore (the password never on the command line) and the
    database name."""
    conf = connection.settings_dict
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if conf.get(key):
            env[name] = str(conf[key])
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return env, conf["NAME"]


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (Debian's postgresql-client package has it)"
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> Path:
    if _engine() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # consistent while the site keeps writing
        finally:
            copy.close()
            source.close()
        return target
    target = folder / "database.pgdump"
    env, name = _pg_env()
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", name], env)
    return target


def create_backup(output: Path | None = None) -> tuple[Path, dict]:
    """Write an archive of the database and the media; its path and its manifest."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    if output is None:
        output = Path(settings.VAR_DIR) / "backups" / f"clusterhub-{stamp}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media = _media_root()
    with tempfile.TemporaryDirectory(dir=output.parent) as scratch:
        folder = Path(scratch)
        database = _dump_database(folder)
        manifest = {
            "format": FORMAT,
            "engine": _engine(),
            "created": datetime.now(UTC).isoformat(),
            "migrations": _applied_migrations(),
            "rows": row_counts(),
            "media": "files" if media is not None else "in the storage bucket, not in this archive",
            "files": {database.name: _sha256(database)},
        }
        media_files: list[tuple[Path, str]] = []
        if media is not None and media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                name = "media/" + path.relative_to(media).as_posix()
                media_files.append((path, name))
                manifest["files"][name] = _sha256(path)
        fd, partial = tempfile.mkstemp(dir=output.parent, prefix=".backup-", suffix=".part")
        os.close(fd)
        try:
            os.chmod(partial, 0o600)
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
                archive.add(database, arcname=database.name)
                for path, name in media_files:
                    archive.add(path, arcname=name)
            os.replace(partial, output)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return output, manifest


# Restore ----------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def read_archive(path: Path, folder: Path) -> dict:
    """Unpack and check an archive into ``folder``; its manifest. Nothing else is touched."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = archive.getmembers()
            for member in members:
                if not _safe_name(member.name) or not (member.isfile() or member.isdir()):
                    raise BackupError(f"the archive holds an unexpected entry: {member.name}")
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib_error()) as exc:
        raise BackupError(f"the archive is damaged or incomplete ({exc})") from None
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        raise BackupError("the archive has no readable manifest: it is not a backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        file = folder / name
        if not file.is_file() or _sha256(file) != digest:
            raise BackupError(f"{name} in the archive is damaged (its checksum differs)")
    return manifest


def zlib_error():
    import zlib

    return zlib.error


def check_compatible(manifest: dict) -> None:
    if manifest["engine"] != _engine():
        raise BackupError(
            f"the backup is of a {manifest['engine']} database and this platform runs on "
            f"{_engine()}: restore it on the same engine"
        )
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in graph.nodes
    ]
    if unknown:
        raise BackupError(
            "the backup comes from a newer version of Clusterhub (unknown migrations: "
            + ", ".join(unknown[:5])
            + "): upgrade the code first"
        )


def database_is_empty() -> bool:
    """Whether the database holds nothing a person entered (only empty tables, if any)."""
    user_model_table = "auth_user"
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if user_model_table not in tables:
            return True
        for table in ("auth_user", "registry_organisation", "events_event"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return False
    return True


def _load_database(folder: Path) -> None:
    connections.close_all()
    if _engine() == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    env, name = _pg_env()
    with connection.cursor() as cursor:  # start from an empty schema: no stray tables left
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={name}",
            str(folder / "database.pgdump"),
        ],
        env,
    )


def _load_media(folder: Path) -> int:
    media = _media_root()
    source = folder / "media"
    if media is None or not source.is_dir():
        return 0
    count = 0
    for path in source.rglob("*"):
        if path.is_file():
            target = media / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def restore_backup(path: Path) -> dict:
    """Replace the database (and add the media files) with the archive's. The archive is
    checked whole first; the row counts are checked after loading."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        manifest = read_archive(Path(path), folder)
        check_compatible(manifest)
        _load_database(folder)
        found = row_counts()
        missing = {
            table: (rows, found.get(table))
            for table, rows in manifest["rows"].items()
            if found.get(table) != rows
        }
        if missing:
            sample = ", ".join(
                f"{t}: {a} expected, {b} found" for t, (a, b) in list(missing.items())[:5]
            )
            raise BackupError(f"the restored database differs from the backup ({sample})")
        media = _load_media(folder)
    return {"rows": sum(manifest["rows"].values()), "media": media, "manifest": manifest}
