"""Background jobs (:mod:`clusterhub.core.jobs`): status, progress, result, failure with its
reason and retry; their pages (polled by htmx) and API are for whoever started them, staff and
the target's managers. Run with the immediate backend (embedded mode) and through a real
``db_worker`` process on the test database."""

from django.test import Client
from django.urls import reverse
from ninja.testing import TestClient

from clusterhub.core import jobs
from clusterhub.core.jobs_api import router
from clusterhub.core.models import Job, JobStatus
from tests.core import job_tasks
from tests.factories import UserFactory
from tests.workers import db_worker


def start_flaky(user, succeed_at=1) -> Job:
    return jobs.start(
        job_tasks.flaky,
        kind="tests.flaky",
        label="Copy the mirror",
        user=user,
        arguments={"succeed_at": succeed_at},
    )


def page(client, job) -> str:
    response = client.get(reverse("job", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


# Embedded mode: the immediate backend, once the transaction commits ------------------------------


def test_a_job_runs_once_committed_and_shows_its_result(transactional_db, client):
    user = UserFactory()
    job = jobs.refreshed(start_flaky(user))
    assert job.status == JobStatus.DONE
    assert job.result == {"attempts": 1} and job.attempts == 1
    assert (job.progress_done, job.progress_total, job.percent) == (2, 2, 100)
    client.force_login(user)
    text = page(client, job)
    assert "Copy the mirror" in text and "Done" in text and "All done." in text
    assert 'hx-trigger="every 1s"' not in text  # a finished job is not polled


def test_inside_a_transaction_the_job_waits_for_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = start_flaky(UserFactory())
        assert jobs.refreshed(job).status == JobStatus.QUEUED
    assert len(callbacks) == 1
    assert jobs.refreshed(job).status == JobStatus.DONE


def test_a_queued_job_polls_its_panel_every_second(db, client):
    user = UserFactory()
    job = start_flaky(user)  # inside the test's transaction: never committed, so queued
    client.force_login(user)
    text = page(client, job)
    assert "Waiting to start" in text
    assert 'hx-trigger="every 1s"' in text
    assert reverse("job-panel", args=[job.pk]) in text
    panel = client.get(reverse("job-panel", args=[job.pk]), headers={"HX-Request": "true"})
    assert panel.status_code == 200 and b"<html" not in panel.content


def test_a_failure_keeps_its_reason_and_a_retry_runs_it_again(transactional_db, client):
    user = UserFactory()
    job = jobs.refreshed(start_flaky(user, succeed_at=2))
    assert job.status == JobStatus.FAILED
    assert job.error == "The mirror did not answer (attempt 1)."
    client.force_login(user)
    text = page(client, job)
    assert "It failed:" in text and "The mirror did not answer (attempt 1)." in text
    assert reverse("job-retry", args=[job.pk]) in text

    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and job.error == ""
    assert "All done." in page(client, job)


def test_an_unexpected_error_is_a_failure_with_its_reason(transactional_db):
    job = jobs.start(job_tasks.broken, kind="tests.broken", label="Break", user=UserFactory())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Unexpected error: RuntimeError: disk full"


def test_only_a_failed_job_is_retried(transactional_db, client):
    user = UserFactory()
    job = jobs.refreshed(start_flaky(user))
    client.force_login(user)
    response = client.post(reverse("job-retry", args=[job.pk]), headers={"HX-Request": "true"})
    assert "Only a failed job can be run again." in response.content.decode()
    assert jobs.refreshed(job).attempts == 1


def test_retry_needs_the_csrf_token(transactional_db):
    user = UserFactory()
    job = jobs.refreshed(start_flaky(user, succeed_at=2))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 403
    assert jobs.refreshed(job).status == JobStatus.FAILED


def test_a_job_is_seen_by_its_starter_and_staff_only(db, client):
    owner = UserFactory()
    job = start_flaky(owner)
    url = reverse("job", args=[job.pk])
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    for name in ("job", "job-panel", "job-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 404
    client.force_login(UserFactory(staff=True))
    assert client.get(url).status_code == 200
    client.force_login(owner)
    assert client.get(url).status_code == 200


def test_the_api_tells_status_progress_and_reason_to_the_owner_and_staff(transactional_db):
    owner = UserFactory()
    job = jobs.refreshed(start_flaky(owner, succeed_at=2))
    api = TestClient(router)
    response = api.get(f"/{job.pk}", user=owner)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed"
    assert body["error"] == "The mirror did not answer (attempt 1)."
    assert body["progress"] == {"done": 1, "total": 2, "percent": 50}
    assert body["result_url"] is None
    assert api.get(f"/{job.pk}", user=UserFactory()).status_code == 404
    assert api.get(f"/{job.pk}", user=UserFactory(staff=True)).status_code == 200
    assert api.get("/999999", user=owner).status_code == 404


# Through a real db_worker process ------------------------------------------------------------


def test_a_worker_runs_the_job_the_page_follows_it_and_a_retry_succeeds(
    transactional_db, client, settings, tmp_path
):
    user = UserFactory()
    client.force_login(user)
    with db_worker(settings, tmp_path) as worker:
        job = start_flaky(user, succeed_at=2)
        assert jobs.refreshed(job).status in (JobStatus.QUEUED, JobStatus.RUNNING)
        worker.wait_until(lambda: "It failed:" in page(client, job), what="the first attempt")
        text = page(client, job)
        assert "The mirror did not answer (attempt 1)." in text and "Retry" in text

        response = client.post(
            reverse("job-retry", args=[job.pk]), {"refresh": "1"}, headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        worker.wait_until(lambda: "All done." in page(client, job), what="the retry")
        assert TestClient(router).get(f"/{job.pk}", user=user).json()["status"] == "done"
    job.refresh_from_db()
    assert job.attempts == 2 and job.result == {"attempts": 2}


def test_the_job_page_speaks_french(transactional_db, client):
    user = UserFactory()
    job = jobs.refreshed(start_flaky(user, succeed_at=2))
    client.force_login(user)
    client.cookies["django_language"] = "fr"
    text = page(client, job)
    assert "Tâche de fond" in text and "Échec\u202f:" in text and "Relancer" in text


def test_a_running_job_whose_worker_went_silent_no_longer_blocks_a_new_one(db):
    """A worker killed in the middle leaves its job "running": after 15 minutes without news it
    is marked failed with the reason, and the same work can start again."""
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    stuck = Job.objects.create(
        kind="tests.long", key="k", label="Long work", user=user, status=JobStatus.RUNNING
    )
    Job.objects.filter(pk=stuck.pk).update(updated=timezone.now() - timedelta(minutes=10))
    assert jobs.pending("tests.long", key="k") == stuck  # still working, as far as we know
    Job.objects.filter(pk=stuck.pk).update(updated=timezone.now() - timedelta(minutes=16))
    assert jobs.pending("tests.long", key="k") is None
    stuck.refresh_from_db()
    assert stuck.status == JobStatus.FAILED
    assert "The worker stopped while doing this job" in stuck.error
