"""The pages of a background job: its panel (polled by htmx while it runs), its result file and
a retry for a failed job. Only whoever started the job, staff and whoever holds the job's
permission on its target see it; to others it does not exist.

Routes::

    jobs/<int:pk>/            job           the job's page
    jobs/<int:pk>/panel/      job-panel     the panel alone (htmx polling, every second)
    jobs/<int:pk>/download/   job-download  the result file
    jobs/<int:pk>/retry/      job-retry     POST: run a failed job again
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import jobs
from .models import Job
from .templatetags.jobs import panel_context


def _job(request, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("user", "target_type"), pk=pk)
    if not jobs.can_view(request.user, job):
        raise Http404
    return job


@login_required
@require_GET
def job_page(request, pk):
    job = _job(request, pk)
    return render(request, "core/jobs/job.html", {"job": job})


@login_required
@require_GET
def job_panel(request, pk):
    job = _job(request, pk)
    refresh = request.GET.get("refresh") == "1"
    response = render(request, "core/jobs/_panel.html", panel_context(request, job, refresh))
    if refresh and not job.pending:
        response["HX-Refresh"] = "true"  # the embedding page shows the new state
    return response


@login_required
@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.result_file:
        raise Http404
    filename = posixpath.basename(job.result_file.name)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return FileResponse(
        job.result_file.open("rb"),
        content_type=content_type,
        filename=filename,
        as_attachment=content_type != "application/pdf",
    )


@login_required
@require_POST
def job_retry(request, pk):
    job = _job(request, pk)
    error = ""
    try:
        job = jobs.retry(job, by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    job = jobs.refreshed(job)
    if request.htmx:
        context = panel_context(request, job, request.POST.get("refresh") == "1")
        context["retry_error"] = error
        return render(request, "core/jobs/_panel.html", context)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    if error:
        return HttpResponse(error, status=409, content_type="text/plain; charset=utf-8")
    return redirect(job)
