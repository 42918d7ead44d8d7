"""``manage.py worker``: the database task worker (``db_worker``) with a heartbeat.

It takes the same options as ``db_worker``. A background thread records a heartbeat every
ten seconds (see :mod:`clusterhub.core.heartbeat`), also while the worker waits for tasks and
while it runs one, so that ``/healthz`` tells whether a worker is alive.
"""

import logging
import threading

from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from clusterhub.core import heartbeat

logger = logging.getLogger(__name__)


def _beat_once() -> None:
    try:
        heartbeat.beat()
    except Exception:  # the cache may be down for a moment: keep working, try again later
        logger.exception("Could not record the worker's heartbeat.")
    finally:
        close_old_connections()


def _beat_forever(stop: threading.Event) -> None:
    while not stop.wait(heartbeat.INTERVAL):
        _beat_once()


class Command(DbWorkerCommand):
    help = (
        "Run the background task worker (as db_worker, same options) and record its "
        "heartbeat every 10 seconds for /healthz."
    )

    def handle(self, *args, **options):
        _beat_once()  # at once: the worker counts as alive from its start
        stop = threading.Event()
        thread = threading.Thread(
            target=_beat_forever, args=(stop,), name="worker-heartbeat", daemon=True
        )
        thread.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
