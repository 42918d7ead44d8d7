"""Background work of the B2B meetings: the e-mails (see ``notifications.py``) and the
scheduler's run, which takes up to 20 seconds under a row lock and so runs as a job
(:mod:`clusterhub.core.jobs`): :func:`start_schedule_run` records it, :func:`run_scheduler`
calls :func:`clusterhub.matchmaking.services.run_scheduler` and keeps what the run reports as the
job's result (``{"run": …, "summary": …, "sentence": …}``)."""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from clusterhub.core import jobs
from clusterhub.core.models import Job

from .models import Matchmaking, RequestStatus

SCHEDULE = "matchmaking.schedule"


@task()
def notify(kind: str, ids: dict) -> None:
    """E-mails for requests, answers, expiries and agenda changes (see notifications.py)."""
    from .notifications import send

    send(kind, ids)


def schedule_key(matchmaking: Matchmaking) -> str:
    return f"matchmaking:{matchmaking.pk}"


def start_schedule_run(matchmaking: Matchmaking, by) -> Job:
    """Run the scheduler off the request for an organiser of the event; a run already queued or
    running for this matchmaking is returned instead of a second one."""
    event = matchmaking.event
    if not by.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers may do this."))
    key = schedule_key(matchmaking)
    if (job := jobs.pending(SCHEDULE, key=key)) is not None:
        return job
    return jobs.start(
        run_scheduler,
        kind=SCHEDULE,
        label=_("Scheduler run – %(event)s") % {"event": event.title},
        user=by,
        arguments={"matchmaking": matchmaking.pk},
        target=event,
        permission="events.manage_event",
        key=key,
        return_url=reverse("matchmaking:manage-schedule", args=[event.slug]),
    )


def _run(job: Job) -> None:
    from . import services
    from .views_manage import run_sentence, run_summary

    matchmaking = (
        Matchmaking.objects.select_related("event").filter(pk=job.arguments["matchmaking"]).first()
    )
    if matchmaking is None:
        raise jobs.JobFailed(_("The B2B meetings of this event no longer exist."))
    if job.user is None:
        raise jobs.JobFailed(_("Whoever started this run no longer has an account."))
    jobs.progress(job, 0, 2, _("Reading the accepted meetings and the free slots"))
    accepted = matchmaking.meetings.filter(request__status=RequestStatus.ACCEPTED).count()
    jobs.progress(
        job,
        1,
        2,
        _("Placing %(n)d accepted meetings (this can take up to 20 seconds)") % {"n": accepted},
    )
    run = services.run_scheduler(matchmaking, by=job.user)
    summary = run_summary(run)
    sentence = run_sentence(summary)
    jobs.finish(
        job,
        result={"run": dataclasses.asdict(run), "summary": summary, "sentence": sentence},
        url=reverse("matchmaking:manage-schedule", args=[matchmaking.event.slug]),
        message=sentence,
    )


@task()
def run_scheduler(job_id: int) -> None:
    """Place the accepted meetings of a matchmaking (see ``services.run_scheduler``)."""
    jobs.perform(job_id, _run)
