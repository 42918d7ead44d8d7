from django.conf import settings
from django_tasks import task

from clusterhub.core import mail

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
    mail.send(
        mail.Email(
            to=[invitation.email],
            template="registry/email/invitation",
            context={"invitation": invitation, "site_url": getattr(settings, "SITE_URL", "")},
        )
    )
