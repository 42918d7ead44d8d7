"""A real ``manage.py worker`` process (``db_worker`` with a heartbeat) for job tests.

``db_worker(settings, tmp_path)`` switches the test process to django-tasks-db's
``DatabaseBackend`` and starts a worker subprocess on the test database (SQLite: the file that
``tests/conftest.py`` makes the test database; PostgreSQL: the test database on the same
server) and on the same media directory. Tests using it need committed data
(``transactional_db`` or ``live_server``). ``wait_until`` polls with a bounded timeout.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORKER_TIMEOUT = 90  # seconds for one job, worker start-up included (2 slow shared cores)


def database_url(db: dict) -> str:
    """The test database as a DATABASE_URL the worker's settings read."""
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name.startswith("file:") or name == ":memory:":
            raise RuntimeError("the SQLite test database must be a file for a worker process")
        return f"sqlite:///{Path(name).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or ""
        if host.startswith("/"):  # a socket directory
            return f"postgres://{auth}/{db['NAME']}?host={quote(host, safe='')}"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{db['NAME']}"
    raise RuntimeError(f"no worker test for {db['ENGINE']}")


@contextlib.contextmanager
def db_worker(settings, tmp_path: Path):
    """Run jobs through the database backend and a real worker process, for the block."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    var_dir = tmp_path / "worker-var"
    (var_dir / "media").mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = str(var_dir / "media")
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "CLUSTERHUB_VAR_DIR": str(var_dir),
        "PYTHONPATH": os.pathsep.join(
            [str(PROJECT_DIR / "src"), str(PROJECT_DIR), os.environ.get("PYTHONPATH", "")]
        ),
        "LOG_LEVEL": "INFO",
    }
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "worker",  # db_worker with its heartbeat, as production runs it
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        worker = Worker(process, log)
        try:
            yield worker
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path):
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until(self, predicate, timeout: float = WORKER_TIMEOUT, what: str = "the job"):
        """Poll ``predicate()`` until it returns something true; fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError(f"the worker stopped before {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} not done in {timeout} s; worker:\n{self.output()}")
            time.sleep(0.25)
