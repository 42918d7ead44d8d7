"""E-mails of the calls app, sent off the request: the receipt of a submission, a juror's
invitation, and each decision."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from clusterhub.core import mail

from .models import Application, Juror
from .selectors import team_addresses


def _link(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


@task()
def send_receipt(application_pk: int) -> None:
    application = (
        Application.objects.select_related("call", "organisation", "category", "created_by")
        .filter(pk=application_pk)
        .first()
    )
    if application is None or application.submitted_at is None:
        return
    mail.send(
        mail.Email(
            to=team_addresses(application.organisation),
            template="calls/email/receipt",
            context={
                "application": application,
                "submitted": timezone.localtime(application.submitted_at),
                "link": _link("calls:application", application.pk),
            },
        )
    )


@task()
def send_juror_invitation(juror_pk: int) -> None:
    juror = Juror.objects.select_related("call", "call__organiser").filter(pk=juror_pk).first()
    if juror is None:
        return
    mail.send(
        mail.Email(
            to=[juror.email],
            template="calls/email/juror_invitation",
            context={"juror": juror, "link": _link("calls:invitation", juror.pk)},
        )
    )


@task()
def send_decision(application_pk: int) -> None:
    application = (
        Application.objects.select_related("call", "organisation").filter(pk=application_pk).first()
    )
    if application is None or not application.outcome or application.notified_at:
        return
    sent = mail.send(
        mail.Email(
            to=team_addresses(application.organisation),
            template="calls/email/decision",
            context={
                "application": application,
                "comments": list(
                    application.assignments.filter(review__submitted_at__isnull=False)
                    .exclude(review__comment_for_applicant="")
                    .values_list("review__comment_for_applicant", flat=True)
                ),
                "link": _link("calls:application", application.pk),
                "results": _link("calls:results", application.call.slug),
            },
        )
    )
    if sent:
        Application.objects.filter(pk=application.pk).update(notified_at=timezone.now())


@task()
def send_reminder(juror_pk: int) -> None:
    juror = Juror.objects.select_related("call").filter(pk=juror_pk).first()
    if juror is None:
        return
    left = juror.assignments.exclude(review__submitted_at__isnull=False).count()
    if not left:
        return
    mail.send(
        mail.Email(
            to=[juror.email],
            template="calls/email/reminder",
            context={"juror": juror, "left": left,
                     "closes": timezone.localtime(juror.call.review_closes)
                     if juror.call.review_closes else None,
                     "link": _link("calls:my-reviews", juror.call.slug)},
        )
    )  # fmt: skip
