"""Long work of consultations, as jobs (see ``core.jobs``): finding the themes of the free-text
answers of a question."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from clusterhub.core import jobs
from clusterhub.core.models import Job

from . import services
from .models import Question

THEMES = "consultations.themes"


def start_themes(question: Question, user) -> Job:
    services.require_organiser(user, question.consultation)
    return jobs.start(
        find_themes,
        kind=THEMES,
        label=_("Themes – %(question)s") % {"question": question.label[:120]},
        user=user,
        arguments={"question": question.pk},
        return_url=reverse("consultations:themes", args=[question.consultation.slug]),
    )


def _themes(job: Job) -> None:
    question = (
        Question.objects.select_related("consultation").filter(pk=job.arguments["question"]).first()
    )
    if question is None:
        raise jobs.JobFailed(_("The question no longer exists."))
    jobs.progress(job, 0, 2, _("Reading the answers and grouping them"))
    found = services.find_themes(question, job.user)
    jobs.progress(job, 1, 2, _("Looking for near-identical answers"))
    services.find_campaigns(question)
    jobs.finish(job, message=_("%(n)s themes found.") % {"n": len(found)},
                result={"themes": len(found)},
                url=reverse("consultations:themes", args=[question.consultation.slug]))  # fmt: skip


@task()
def find_themes(job_id: int) -> None:
    jobs.perform(job_id, _themes)
