"""The background worker's heartbeat: when did a worker last show it is alive?

``manage.py worker`` calls :func:`beat` every :data:`INTERVAL` seconds, while it runs a task and
while it waits for one; ``/healthz`` reads :func:`worker_health`. The heartbeat lives in the
default cache, which every web and worker process shares (Redis or the database cache). When
the cache is private to each process (local memory, or none), it lives in a small file in
``VAR_DIR`` instead, which the processes of one machine share.

Invariants: a heartbeat is a timezone-aware instant; a worker is fresh while its latest
heartbeat is at most :data:`MAX_AGE` seconds old; nothing personal or secret is stored.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone

KEY = "clusterhub:worker:heartbeat"
FILENAME = "worker-heartbeat.json"
INTERVAL = 10  # seconds between two heartbeats
MAX_AGE = 3 * INTERVAL  # a worker that missed three heartbeats is stale
IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


def _cache():
    return caches["default"]


def shared_cache() -> bool:
    """Whether every process reads the same default cache."""
    return not isinstance(_cache(), (LocMemCache, DummyCache))


def _path() -> Path:
    return Path(settings.VAR_DIR) / FILENAME


def beat(now: datetime | None = None) -> datetime:
    """Record that a worker is alive at ``now``."""
    now = now or timezone.now()
    value = now.isoformat()
    if shared_cache():
        _cache().set(KEY, value, timeout=None)
        return now
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".heartbeat-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"last_heartbeat": value}, out)
    os.replace(tmp, path)
    return now


def last_beat() -> datetime | None:
    """The latest heartbeat of any worker, or None when no worker ever ran."""
    if shared_cache():
        value = _cache().get(KEY)
    else:
        try:
            value = json.loads(_path().read_text(encoding="utf-8")).get("last_heartbeat")
        except (OSError, ValueError, AttributeError):
            value = None
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def worker_needed() -> bool:
    """False when tasks run in the request (the immediate backend): no worker to watch."""
    backend = settings.TASKS.get("default", {}).get("BACKEND", IMMEDIATE_BACKEND)
    return backend != IMMEDIATE_BACKEND


def worker_health(now: datetime | None = None) -> dict:
    """``status`` is ``ok`` (fresh), ``stale`` (too old), ``missing`` (never) or ``not needed``."""
    if not worker_needed():
        return {"status": "not needed", "last_heartbeat": None, "age_seconds": None}
    now = now or timezone.now()
    last = last_beat()
    if last is None:
        return {"status": "missing", "last_heartbeat": None, "age_seconds": None}
    age = max(0.0, (now - last).total_seconds())
    return {
        "status": "ok" if age <= MAX_AGE else "stale",
        "last_heartbeat": last.isoformat(),
        "age_seconds": round(age, 1),
    }
