"""Background work of the registry: the team invitation e-mail, and the imports of
organisations, cluster organisations and CORDIS participations, which run as jobs
(:mod:`clusterhub.core.jobs`).

:func:`start_import` keeps the uploaded files in the media store and records the job; the task
calls :func:`clusterhub.registry.imports.run_import`, which is all or nothing: a file with any
wrong row writes nothing, and the job fails with the report (row, column, reason of each
problem) as its result. The uploads are deleted once an import succeeds; a failed import keeps
them so that it can be retried.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from clusterhub.core import jobs, mail
from clusterhub.core.models import Job

from .models import ProfileTeamMember, TeamInvitation, TeamRequest

IMPORT = "registry.import"
IMPORT_LABELS = {
    "organisations": gettext_noop("Import of organisations"),
    "clusters": gettext_noop("Import of cluster organisations"),
    "cordis": gettext_noop("Import of CORDIS participations"),
}


@task()
def send_team_invitation(invitation_pk: int) -> None:
    invitation = (
        TeamInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None:
        return
    mail.send(
        mail.Email(
            to=[invitation.email],
            template="registry/email/invitation",
            context={
                "invitation": invitation,
                "link": settings.SITE_URL + reverse("registry:invitation", args=[invitation.token]),
            },
        )
    )


@task()
def send_team_request(request_pk: int) -> None:
    """Tell the team (a request to join) or platform staff (a claim) that someone asks."""
    from django.contrib.auth import get_user_model

    request = TeamRequest.objects.select_related("organisation", "user").filter(pk=request_pk)
    request = request.first()
    if request is None or request.status != TeamRequest.Status.PENDING:
        return
    if request.kind == TeamRequest.Kind.JOIN:
        recipients = ProfileTeamMember.objects.filter(organisation=request.organisation)
        recipients = list(recipients.values_list("user__email", flat=True))
    else:
        staff = get_user_model().objects.filter(is_staff=True, is_active=True)
        recipients = list(staff.exclude(email="").values_list("email", flat=True))
    link = settings.SITE_URL + reverse("registry:team", args=[request.organisation.slug])
    mail.send(
        mail.Email(to=[email], template="registry/email/team_request",
                   context={"request": request, "link": link})
        for email in recipients
        if email
    )  # fmt: skip


@task()
def send_team_request_answer(request_pk: int) -> None:
    request = TeamRequest.objects.select_related("organisation", "user").filter(pk=request_pk)
    request = request.first()
    if request is None or not request.user.email:
        return
    mail.send(
        mail.Email(
            to=[request.user.email],
            template="registry/email/team_request_answer",
            context={
                "request": request,
                "link": settings.SITE_URL + request.organisation.get_absolute_url(),
            },
        )
    )


# Imports ---------------------------------------------------------------------------------------


def start_import(kind: str, file, *, user, dry_run: bool = False, projects_file=None) -> Job:
    """Import ``file`` (an uploaded CSV or XLSX) off the request; platform staff only."""
    if kind not in IMPORT_LABELS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {tuple(IMPORT_LABELS)}")
    if not user.has_perm("registry.import_data"):
        raise PermissionDenied(_("Only platform staff may import data."))
    arguments = {
        "kind": kind,
        "file": jobs.save_upload(file, "imports"),
        "file_name": getattr(file, "name", "") or "",
        "projects_file": jobs.save_upload(projects_file, "imports") if projects_file else "",
        "dry_run": bool(dry_run),
    }
    label = _(IMPORT_LABELS[kind])
    if dry_run:
        label = _("%(label)s (check only)") % {"label": label}
    if arguments["file_name"]:
        label += f" – {arguments['file_name']}"
    return jobs.start(
        import_file,
        kind=IMPORT,
        label=label,
        user=user,
        arguments=arguments,
        return_url=reverse("admin:registry_organisation_import"),
    )


def _import(job: Job) -> None:
    from clusterhub.registry.imports import run_import

    args = job.arguments
    if job.user is None:
        raise jobs.JobFailed(_("Whoever started this import no longer has an account."))
    jobs.progress(job, 0, 1, _("Checking every row, then writing them all at once"))
    with jobs.open_upload(args["file"]) as file:
        projects = jobs.open_upload(args["projects_file"]) if args.get("projects_file") else None
        try:
            report = run_import(
                args["kind"],
                file,
                dry_run=args.get("dry_run", False),
                user=job.user,
                projects_file=projects,
            )
        finally:
            if projects is not None:
                projects.close()
    result = {**report.as_dict(), "summary": report.summary(), "more_errors": report.more_errors}
    if not report.ok:
        raise jobs.JobFailed(report.summary(), result=result)
    jobs.finish(job, result=result, message=report.summary())
    for name in (args["file"], args.get("projects_file")):
        if name:
            default_storage.delete(name)


@task()
def import_file(job_id: int) -> None:
    """Run an import recorded by :func:`start_import`."""
    jobs.perform(job_id, _import)
