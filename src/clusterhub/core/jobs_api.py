"""The JSON API of background jobs: ``GET /jobs/{id}`` tells a job's status, progress, result
and, when it failed, why. Only whoever started the job, staff, and whoever holds the job's
permission on its target see it; to anyone else it does not exist (404).

Endpoints that start long work (an import, a scheduler run) answer ``202`` with
:func:`job_out` of the job they started and its URL in ``Location``; a client then polls this
endpoint until ``status`` is ``done`` or ``failed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, Router, Schema

from . import jobs
from .api import ErrorBody, TokenAuth
from .models import Job


class JobProgress(Schema):
    done: int = Field(description="Steps done.")
    total: int | None = Field(description="Steps in all; null while unknown.")
    percent: int | None = Field(description="0–100; null while unknown.")


class JobOut(Schema):
    id: int
    kind: str = Field(description="What the job does, e.g. registry.import, events.booklet.")
    label: str
    status: Literal["queued", "running", "done", "failed"]
    progress: JobProgress
    message: str = Field(description="What the job does now, or its outcome.")
    error: str | None = Field(description="Why it failed (status failed only).")
    result: Any = Field(None, description="What the job reports (JSON), e.g. an import report.")
    result_url: str | None = Field(description="Where the result is (a file, a page), once done.")
    url: str = Field(description="This job in the API.")
    page_url: str = Field(description="The job's page in the web application.")
    attempts: int
    created: datetime
    started: datetime | None
    finished: datetime | None


def job_out(request, job: Job) -> dict:
    """The API's view of ``job``, with absolute URLs."""
    absolute = request.build_absolute_uri
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "progress": {
            "done": job.progress_done,
            "total": job.progress_total,
            "percent": job.percent,
        },
        "message": job.message,
        "error": job.error or None,
        "result": job.result,
        "result_url": absolute(job.result_url) if job.result_url else None,
        "url": absolute(reverse("api:job", args=[job.pk])) if _mounted() else "",
        "page_url": absolute(job.get_absolute_url()),
        "attempts": job.attempts,
        "created": job.created,
        "started": job.started,
        "finished": job.finished,
    }


def _mounted() -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse("api:job", args=[0])
    except NoReverseMatch:
        return False
    return True


def job_accepted(request, job: Job) -> tuple[int, dict]:
    """``(202, body)`` for an endpoint that started ``job``; pair with ``Location: body["url"]``."""
    return 202, job_out(request, job)


router = Router(tags=["jobs"])


@router.get(
    "/{job_id}",
    response={200: JobOut, 401: ErrorBody, 404: ErrorBody},
    auth=TokenAuth(),
    url_name="job",
)
def get_job(request, job_id: int):
    """A background job's status, progress, result URL or failure reason."""
    job = Job.objects.filter(pk=job_id).select_related("target_type").first()
    if job is None or not jobs.can_view(request.user, job):
        raise Http404("No such job.")
    return job_out(request, job)
