"""The scheduler runs off the request, through a real ``db_worker`` process: the organiser's
schedule page shows the run's progress panel, then its summary and the placed meetings."""

from django.urls import reverse

from clusterhub.core.models import Job, JobStatus
from clusterhub.matchmaking.models import Meeting
from tests.factories import UserFactory
from tests.matchmaking.test_manage import add_session, check_schedule, join, make_event, meet
from tests.matchmaking.test_manage import set_up as set_up_matchmaking
from tests.workers import db_worker


def test_a_scheduler_run_in_the_worker_shows_progress_then_its_summary(
    transactional_db, client, settings, tmp_path
):
    organiser = UserFactory()
    event = make_event(organiser=organiser)
    matchmaking = set_up_matchmaking(event, organiser)
    add_session(matchmaking, organiser, start="14:00", end="15:30")
    people = [join(event, n) for n in range(6)]
    for a, b in [(0, 1), (0, 2), (1, 2), (3, 4), (4, 5)]:
        meet(people[a], people[b])
    url = reverse("matchmaking:manage-schedule", args=[event.slug])
    client.force_login(organiser)

    with db_worker(settings, tmp_path) as worker:
        response = client.post(url, {"action": "run"})
        assert response.status_code == 302
        job = Job.objects.get(kind="matchmaking.schedule")
        page = client.get(url).content.decode()
        if Job.objects.get(pk=job.pk).pending:
            assert f'id="job-{job.pk}"' in page and 'hx-trigger="every 1s"' in page
        worker.wait_until(
            lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, what="the run"
        )
    page = client.get(url).content.decode()
    scheduled = Meeting.objects.filter(matchmaking=matchmaking, slot__isnull=False).count()
    assert scheduled == 5
    assert "Scheduled 5 of 5 accepted meetings; at least 100.0% of the best possible." in page
    check_schedule(matchmaking)
    job_page = client.get(reverse("job", args=[job.pk])).content.decode()
    assert "Scheduled 5 of 5 accepted meetings" in job_page
    assert Job.objects.filter(kind="matchmaking.schedule").count() == 1


def test_the_run_panel_is_swapped_in_by_htmx(transactional_db, client, settings, tmp_path):
    organiser = UserFactory()
    event = make_event(organiser=organiser)
    matchmaking = set_up_matchmaking(event, organiser)
    add_session(matchmaking, organiser)
    meet(join(event, 1), join(event, 2))
    url = reverse("matchmaking:manage-schedule", args=[event.slug])
    client.force_login(organiser)
    with db_worker(settings, tmp_path) as worker:
        response = client.post(url, {"action": "run"}, headers={"HX-Request": "true"})
        job = Job.objects.get(kind="matchmaking.schedule")
        if response.headers.get("HX-Refresh") != "true":  # still queued: the panel, polling
            assert f'id="job-{job.pk}"' in response.content.decode()
            assert "?refresh=1" in response.content.decode()
        worker.wait_until(
            lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE, what="the run"
        )
        panel = client.get(
            reverse("job-panel", args=[job.pk]) + "?refresh=1", headers={"HX-Request": "true"}
        )
    assert panel["HX-Refresh"] == "true"  # the page reloads to show the new grid
    assert "Scheduled 1 of 1 accepted meeting" in client.get(url).content.decode()
