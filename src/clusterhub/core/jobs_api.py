"""The JSON API of background jobs: ``GET /jobs/{id}`` tells a job's status, progress, result
and, when it failed, why. Only whoever started the job, staff, and whoever holds the job's
permission on its target see it; to anyone else it does not exist (404).

Endpoints that start long work (an import, a scheduler run) answer ``202`` with the job they
started (:func:`accepted`) and its URL in ``Location``; a client then polls this
endpoint until ``status`` is ``done`` or ``failed``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from . import jobs
from .api import READ_ERRORS, write_auth
from .models import Job


class JobProgress(Schema):
    done: int = Field(alias="progress_done", description="Steps done.")
    total: int | None = Field(
        alias="progress_total", description="Steps in all; null while unknown."
    )
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

    @staticmethod
    def resolve_progress(obj):
        return obj

    @staticmethod
    def resolve_error(obj) -> str | None:
        return obj.error or None

    @staticmethod
    def resolve_result_url(obj, context) -> str | None:
        return context["request"].build_absolute_uri(obj.result_url) if obj.result_url else None

    @staticmethod
    def resolve_url(obj, context) -> str:
        return context["request"].build_absolute_uri(reverse("api:job", args=[obj.pk]))

    @staticmethod
    def resolve_page_url(obj, context) -> str:
        return context["request"].build_absolute_uri(obj.get_absolute_url())


def accepted(request, response, job: Job) -> Status:
    """``202 Accepted`` for an endpoint that started ``job``, its address in ``Location``."""
    response["Location"] = request.build_absolute_uri(reverse("api:job", args=[job.pk]))
    return Status(202, job)


router = Router(tags=["jobs"])


@router.get("/{job_id}", response={200: JobOut, **READ_ERRORS}, auth=write_auth, url_name="job")
def get_job(request, job_id: int):
    """A background job's status, progress, result URL or failure reason."""
    job = Job.objects.filter(pk=job_id).select_related("target_type").first()
    if job is None or not jobs.can_view(request.user, job):
        raise Http404("No such job.")
    return job
