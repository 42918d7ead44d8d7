"""``{% job_panel job %}``: the progress and result panel of a background job, which polls
itself every second while the job runs. With ``refresh=True`` the whole page reloads once the
job ends (for pages whose content the job changes, such as the schedule)."""

from django import template
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import select_template

from clusterhub.core import jobs

register = template.Library()


def result_template(job) -> str:
    """``events.booklet`` → ``events/jobs/booklet.html`` when the app has it."""
    app, _, name = job.kind.partition(".")
    try:
        return select_template([f"{app}/jobs/{name or app}.html"]).template.name
    except TemplateDoesNotExist:
        return ""


def panel_context(request, job, refresh: bool = False) -> dict:
    return {
        "job": job,
        "refresh": refresh,
        "result_template": result_template(job),
        "can_retry": job.status == "failed" and jobs.can_view(request.user, job),
        "next": request.get_full_path()
        if not request.htmx
        else request.headers.get("HX-Current-URL", ""),
        "request": request,
    }


@register.inclusion_tag("core/jobs/_panel.html", takes_context=True)
def job_panel(context, job, refresh=False):
    request = context["request"]
    return {**panel_context(request, job, refresh), "csrf_token": context.get("csrf_token")}
