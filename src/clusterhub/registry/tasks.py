from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from .models import TeamInvitation


@task()
def send_team_invitation(invitation_pk: int) -> None:
    invitation = (
        TeamInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_pk)
        .first()
    )
    if invitation is None:
        return
    context = {"invitation": invitation, "site_url": getattr(settings, "SITE_URL", "")}
    send_mail(
        subject=render_to_string("registry/email/invitation_subject.txt", context).strip(),
        message=render_to_string("registry/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
