"""/healthz: what a load balancer or a monitor reads, and the worker's heartbeat it reports."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clusterhub.core import heartbeat
from tests.workers import PROJECT_DIR, database_url

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _own_var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the heartbeat file of a process-local cache lives there


@pytest.mark.django_db
def test_with_tasks_run_at_once_the_worker_is_not_needed_and_all_is_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "ok"
    assert body["worker"] == {"status": "not needed", "last_heartbeat": None, "age_seconds": None}


@pytest.mark.django_db
def test_without_any_worker_heartbeat_the_server_is_degraded(client, settings):
    settings.TASKS = DATABASE_BACKEND
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "ok"
    assert body["worker"]["status"] == "missing"


@pytest.mark.django_db
def test_a_fresh_heartbeat_is_ok_and_a_stale_one_is_not(client, settings):
    settings.TASKS = DATABASE_BACKEND
    beat = heartbeat.beat(timezone.now() - timedelta(seconds=5))
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["last_heartbeat"] == beat.isoformat()
    assert 5 <= body["worker"]["age_seconds"] < 10

    heartbeat.beat(timezone.now() - timedelta(seconds=heartbeat.MAX_AGE + 1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["worker"]["status"] == "stale"


@pytest.mark.django_db
def test_the_health_check_shows_no_secret_nor_personal_data(client, settings, admin_user):
    settings.TASKS = DATABASE_BACKEND
    heartbeat.beat()
    text = client.get("/healthz").content.decode()
    assert settings.SECRET_KEY not in text
    assert admin_user.email not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text


@pytest.mark.django_db
def test_only_reading_methods_are_allowed(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_records_its_heartbeat(client, settings, tmp_path):
    settings.TASKS = DATABASE_BACKEND
    assert client.get("/healthz").json()["worker"]["status"] == "missing"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "CLUSTERHUB_VAR_DIR": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    # --batch: runs what is queued (nothing), then stops; the heartbeat is recorded at start.
    result = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "ok"
    assert response.json()["worker"]["age_seconds"] < 60


@pytest.mark.django_db
def test_when_the_cache_does_not_answer_the_server_is_degraded(client, settings):
    settings.TASKS = DATABASE_BACKEND
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["status"] == "ok"
    assert body["cache"] == {"status": "down", "error": "ConnectionError"}
    assert body["worker"]["status"] == "unknown"
    assert "127.0.0.1:1" not in response.content.decode()
