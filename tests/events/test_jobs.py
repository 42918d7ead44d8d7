"""The booklet and the badges are built off the request, by a real ``db_worker`` process: the
organiser follows the job's page to the PDF; a participant waits on a page that reloads itself
until the booklet is ready."""

from django.urls import reverse

from clusterhub.core.models import Job, JobStatus
from tests.events import test_outputs
from tests.events.test_outputs import pdf_text
from tests.factories import UserFactory
from tests.workers import db_worker

# The fixtures of the outputs' tests: an event with an agenda and four kinds of participant.
organiser, event, people = test_outputs.organiser, test_outputs.event, test_outputs.people


def test_the_organisers_booklet_is_built_by_the_worker_and_downloaded(
    transactional_db, client, event, people, organiser, settings, tmp_path
):
    client.force_login(organiser)
    with db_worker(settings, tmp_path) as worker:
        response = client.get(reverse("events:booklet", args=[event.slug]))
        assert response.status_code == 302
        job = Job.objects.get(kind="events.booklet")
        assert response["Location"] == reverse("job", args=[job.pk])
        page = client.get(response["Location"]).content.decode()
        assert "Participants&#x27; booklet – Clusters meet Regions" in page

        def ready():
            text = client.get(reverse("job", args=[job.pk])).content.decode()
            return "Download the booklet (PDF)" in text and text

        text = worker.wait_until(ready, what="the booklet")
        assert "The booklet is ready." in text
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.user == organiser
    pdf = client.get(job.result_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert content.startswith(b"%PDF")
    assert "Alice Martin" in pdf_text(content)
    # Another participant's account does not see the organiser's job nor its file.
    client.force_login(UserFactory())
    assert client.get(job.result_url).status_code == 404


def test_a_participant_follows_the_booklet_job_then_the_next_one_gets_it_at_once(
    transactional_db, client, event, people, settings, tmp_path
):
    other = test_outputs.sign_in_participant(client, event)
    test_outputs.sign_in_participant(client, event)
    url = reverse("events:booklet", args=[event.slug])
    with db_worker(settings, tmp_path) as worker:
        response = client.get(url)
        job = Job.objects.get(kind="events.booklet")
        assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
        job_page = response["Location"]
        worker.wait_until(
            lambda: "Download the booklet (PDF)" in client.get(job_page).content.decode(),
            what="the booklet",
        )
    client.force_login(other)  # another participant, after the build
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Job.objects.filter(kind="events.booklet").count() == 1  # one build, not one per visit


def test_badges_are_built_by_the_worker(
    transactional_db, client, event, people, organiser, settings, tmp_path
):
    client.force_login(organiser)
    with db_worker(settings, tmp_path) as worker:
        response = client.get(reverse("events:badges", args=[event.slug]))
        assert response.status_code == 302
        job = Job.objects.get(kind="events.badges")
        worker.wait_until(
            lambda: "4 badges are ready." in client.get(response["Location"]).content.decode(),
            what="the badges",
        )
    job.refresh_from_db()
    content = b"".join(client.get(job.result_url).streaming_content)
    assert content.startswith(b"%PDF") and "Dieter Nichtda" in pdf_text(content)
