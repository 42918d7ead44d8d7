"""Long work off the request: every write to :class:`~clusterhub.core.models.Job` goes here.

A page (or the API) calls :func:`start` with a django-tasks task that takes one argument, the
job's id; the task is enqueued once the transaction commits. The task calls :func:`perform`
with a function doing the work; that function reports :func:`progress` and ends with
:func:`finish` (a stored file and/or JSON), or raises :class:`JobFailed` (or a
``ValidationError``) whose message becomes the failure's reason. A failed job can be run again
with :func:`retry`. Embedded mode runs tasks immediately (the job is done when :func:`start`
returns outside a transaction); production runs ``manage.py db_worker``.

Invariants: a job moves queued → running → done | failed, and retry moves failed → queued;
progress never exceeds its total; a done job's ``result_url`` points at its result. The work
runs in the language of whoever started it. Core knows no domain app: the task, the target
object and the rule that lets others see the job are given by the caller.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from . import audit
from .models import AuditSource, Job, JobStatus

logger = logging.getLogger(__name__)

MESSAGE_LENGTH = Job._meta.get_field("message").max_length


class JobFailed(Exception):
    """Raised by a job's work: ``reason`` is shown to the user, ``result`` kept (a report)."""

    def __init__(self, reason: str, result: Any = None):
        super().__init__(reason)
        self.reason = reason
        self.result = result


# Starting ---------------------------------------------------------------------------------------


def start(
    task,
    *,
    kind: str,
    label: str,
    user=None,
    arguments: dict | None = None,
    target: models.Model | None = None,
    permission: str = "",
    key: str = "",
    return_url: str = "",
) -> Job:
    """Record a queued job and enqueue ``task(job.pk)`` when the transaction commits."""
    if user is not None and not user.is_authenticated:
        user = None
    job = Job.objects.create(
        user=user,
        kind=kind,
        label=label[:300],
        task_path=task.module_path,
        arguments=arguments or {},
        language=translation.get_language() or settings.LANGUAGE_CODE,
        key=key,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        permission=permission,
        return_url=return_url,
    )
    _enqueue_on_commit(job)
    return job


def _enqueue_on_commit(job: Job) -> None:
    def enqueue() -> None:
        task = import_string(job.task_path)
        result = task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])

    transaction.on_commit(enqueue)


def retry(job: Job, by=None) -> Job:
    """Run a failed job again with the same arguments; its old result and reason go."""
    if by is not None and not can_view(by, job):
        raise PermissionDenied(_("Only whoever started this job, or staff, can run it again."))
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.FAILED:
            raise ValidationError(_("Only a failed job can be run again."))
        _delete_file(job)
        job.status = JobStatus.QUEUED
        job.error = job.message = job.result_url = ""
        job.result = None
        job.progress_done, job.progress_total = 0, None
        job.started = job.finished = None
        job.save()
        _enqueue_on_commit(job)
    return job


def save_upload(upload, folder: str = "uploads") -> str:
    """Keep an uploaded file in the media store for a job's task; returns its storage name."""
    name = get_valid_filename(getattr(upload, "name", "") or "upload") or "upload"
    path = f"jobs/{folder}/{get_random_string(16)}/{name}"
    if hasattr(upload, "seek"):
        upload.seek(0)
    return default_storage.save(path, upload)


def open_upload(name: str):
    """The file kept by :func:`save_upload`, opened for reading (binary)."""
    return default_storage.open(name, "rb")


# Running (inside the task) ----------------------------------------------------------------------


def perform(job_id: int, work: Callable[[Job], Any]) -> None:
    """Run ``work(job)`` for a queued job: marks it running, then done or failed with a reason.
    Failures are recorded on the job (not raised), so a worker never retries them on its own."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.status == JobStatus.DONE:
        return
    with (
        translation.override(job.language or settings.LANGUAGE_CODE),
        audit.acting(job.user, source=AuditSource.TASK, label="" if job.user_id else "system"),
    ):
        now = timezone.now()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.RUNNING,
            started=now,
            updated=now,
            attempts=models.F("attempts") + 1,
        )
        job.refresh_from_db()
        try:
            work(job)
        except JobFailed as exc:
            fail(job, exc.reason, result=exc.result)
        except ValidationError as exc:
            fail(job, " ".join(exc.messages))
        except PermissionDenied as exc:
            fail(job, str(exc) or _("You are not allowed to do this."))
        except Exception as exc:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            fail(job, _("Unexpected error: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"})
        else:
            if job.status == JobStatus.RUNNING:
                finish(job)


def progress(job: Job, done: int, total: int | None = None, message: str | None = None) -> None:
    """Report how far the work is (``done`` of ``total`` steps) and what it does now."""
    if total is not None:
        job.progress_total = max(0, total)
    done = max(0, done)
    if job.progress_total is not None:
        done = min(done, job.progress_total)
    job.progress_done = done
    fields = ["progress_done", "progress_total", "updated"]
    if message is not None:
        job.message = message[:MESSAGE_LENGTH]
        fields.append("message")
    job.save(update_fields=fields)


def finish(
    job: Job,
    *,
    result: Any = None,
    content: bytes | None = None,
    filename: str = "",
    url: str = "",
    message: str = "",
) -> Job:
    """The job is done; ``content`` is stored as its downloadable file, ``result`` as JSON."""
    if content is not None:
        _delete_file(job)
        job.result_file.save(
            f"jobs/{job.pk}/{get_random_string(8)}/{get_valid_filename(filename or 'result')}",
            ContentFile(content),
            save=False,
        )
    job.status = JobStatus.DONE
    job.result = _json_safe(result)
    if job.progress_total:
        job.progress_done = job.progress_total
    job.message = message[:MESSAGE_LENGTH]
    job.error = ""
    job.result_url = url or (reverse("job-download", args=[job.pk]) if job.result_file else "")
    job.finished = timezone.now()
    job.save()
    return job


def fail(job: Job, reason: str, *, result: Any = None) -> Job:
    """The job failed; ``reason`` is kept and shown, with ``result`` (e.g. an import report)."""
    job.status = JobStatus.FAILED
    job.error = reason or _("The job failed.")
    job.result = _json_safe(result)
    job.result_url = ""
    job.finished = timezone.now()
    job.save()
    return job


def forget_older(job: Job, keep: int = 3) -> None:
    """Delete the older finished jobs of the same kind and target, with their files, keeping
    the ``keep`` most recent (results such as booklets are regenerated when data change)."""
    older = (
        Job.objects.filter(
            kind=job.kind,
            target_type=job.target_type,
            target_id=job.target_id,
            status__in=[JobStatus.DONE, JobStatus.FAILED],
        )
        .exclude(pk=job.pk)
        .order_by("-created", "-id")[keep:]
    )
    for old in list(older):
        _delete_file(old)
        old.delete()


def _json_safe(value: Any) -> Any:
    """JSON as every database stores it: tuples as lists, no NaN nor infinity."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _delete_file(job: Job) -> None:
    if job.result_file:
        job.result_file.delete(save=False)


# Reading ----------------------------------------------------------------------------------------


def can_view(user, job: Job) -> bool:
    """The starter, staff, and whoever holds the job's permission on its target."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or (job.user_id is not None and job.user_id == user.pk):
        return True
    if job.permission and job.target_type_id:
        target = job.target
        return target is not None and user.has_perm(job.permission, target)
    return False


def latest(kind: str, *, key: str | None = None, status: str | None = None) -> Job | None:
    """The newest job of ``kind`` (with ``key``, in ``status`` if given)."""
    jobs = Job.objects.filter(kind=kind)
    if key is not None:
        jobs = jobs.filter(key=key)
    if status is not None:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created", "-id").first()


# A running job reports progress (``updated``) as it goes; one silent for this long lost its
# worker (killed, restarted) and no longer blocks a new run.
STALE_AFTER_MINUTES = 15


def pending(kind: str, *, key: str) -> Job | None:
    """A queued or running job of ``kind`` with ``key``: start no second one. A running job
    whose worker went silent is marked failed (it can be retried) instead of blocking."""
    cutoff = timezone.now() - timedelta(minutes=STALE_AFTER_MINUTES)
    silent = Job.objects.filter(kind=kind, key=key, status=JobStatus.RUNNING, updated__lt=cutoff)
    for job in silent:
        fail(
            job,
            _(
                "The worker stopped while doing this job (no news for %(minutes)d minutes). "
                "Start it again."
            )
            % {"minutes": STALE_AFTER_MINUTES},
        )
    return (
        Job.objects.filter(kind=kind, key=key, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        .order_by("-created", "-id")
        .first()
    )


def refreshed(job: Job) -> Job:
    job.refresh_from_db()
    return job
