"""A background job's page, as a person sees it on a phone and a laptop, in both languages:
a failed import shows its reason and a Retry button, and nothing scrolls sideways."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from clusterhub.core.models import JobStatus
from clusterhub.registry.tasks import start_import
from tests.factories import UserFactory

BAD_CSV = b"legal_name,kind,country\nNowhere Ltd,company,XX\n"


@pytest.mark.parametrize(
    ("width", "language", "retry"), [(390, "fr", "Relancer"), (1280, "en", "Retry")]
)
def test_a_failed_job_shows_why_and_can_be_retried(live_server, context, width, language, retry):
    staff = UserFactory(staff=True)
    job = start_import("organisations", SimpleUploadedFile("orgs.csv", BAD_CSV), user=staff)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    client = Client()
    client.force_login(staff)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            },
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(f"{live_server.url}/jobs/{job.pk}/")

    assert "XX" in page.inner_text("main")
    assert page.get_by_role("button", name=retry).is_visible()
    # The panel fits the window (the site menu's own width at 390 px is issue 15's).
    wide = page.evaluate(
        """[...document.querySelectorAll("main *")]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + "." + e.className)"""
    )
    assert wide == []
