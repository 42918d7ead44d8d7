"""Imports run off the request, through a real ``db_worker`` process: the admin page follows
the job to its report; a wrong file writes nothing and the report names row, column and
reason; the import can be retried."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterhub.core.models import Job, JobStatus
from clusterhub.registry.models import Organisation
from tests.factories import UserFactory
from tests.registry.test_admin import CSV
from tests.workers import db_worker


def import_page(client, job) -> str:
    return client.get(
        reverse("admin:registry_organisation_import") + f"?job={job.pk}"
    ).content.decode()


def test_an_import_runs_in_the_worker_and_the_page_shows_its_report(
    transactional_db, client, settings, tmp_path
):
    client.force_login(UserFactory(staff=True))
    with db_worker(settings, tmp_path) as worker:
        response = client.post(
            reverse("admin:registry_organisation_import"),
            {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", CSV)},
        )
        assert response.status_code == 302
        job = Job.objects.get(kind="registry.import")
        text = worker.wait_until(
            lambda: "Done" in (page := import_page(client, job)) and page, what="the import"
        )
    assert "2 row(s): created 2, updated 0 organisation(s)." in text
    assert Organisation.objects.get(city="Lyon").nuts_region_id == "FRK26"
    assert Organisation.objects.filter(legal_name="Institut Berlin").exists()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["created"] == 2


def test_a_wrong_file_writes_nothing_and_shows_rows_columns_reasons_and_can_be_retried(
    transactional_db, client, settings, tmp_path
):
    client.force_login(UserFactory(staff=True))
    bad = CSV + b"Nowhere Ltd,company,XX,,,,www.nowhere.example\n"
    with db_worker(settings, tmp_path) as worker:
        client.post(
            reverse("admin:registry_organisation_import"),
            {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", bad)},
        )
        job = Job.objects.get(kind="registry.import")
        text = worker.wait_until(
            lambda: "It failed:" in (page := import_page(client, job)) and page,
            what="the import",
        )
        assert 'id="import-errors"' in text
        assert "<td>4</td>" in text and "<td>country</td>" in text
        assert "unknown country code &#x27;XX&#x27;" in text
        assert "nothing was imported" in text
        assert not Organisation.objects.exists()

        response = client.post(
            reverse("job-retry", args=[job.pk]),
            {"next": reverse("admin:registry_organisation_import") + f"?job={job.pk}"},
        )
        assert response.status_code == 302
        worker.wait_until(
            lambda: (
                Job.objects.get(pk=job.pk).attempts == 2
                and Job.objects.get(pk=job.pk).status == JobStatus.FAILED
            ),
            what="the retry",
        )
    assert not Organisation.objects.exists()
