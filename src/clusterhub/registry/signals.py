from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext as _

from . import facets
from .models import ClusterLabel, ClusterOrganisation, Organisation, TeamInvitation


@receiver(email_confirmed)
def point_to_invitations(request, email_address, **kwargs):
    """Once an invited address is verified, its owner is told where to answer: joining a team
    is their choice, never a side effect of signing up."""
    invited = TeamInvitation.objects.filter(email__iexact=email_address.email).exists()
    if request is not None and invited:
        messages.info(
            request,
            _("You are invited to a profile team: answer on %(url)s")
            % {"url": reverse("registry:invitations")},
        )


def _registry_changed(sender, **kwargs):
    if kwargs.get("raw"):
        return
    if sender in (Organisation.ecosystems.through, Organisation.technologies.through) and not (
        kwargs.get("action", "").startswith("post_")
    ):
        return
    facets.changed()


for model in (Organisation, ClusterOrganisation, ClusterLabel):
    post_save.connect(_registry_changed, sender=model, dispatch_uid=f"stamp-save-{model.__name__}")
    post_delete.connect(
        _registry_changed, sender=model, dispatch_uid=f"stamp-delete-{model.__name__}"
    )
for through in (Organisation.ecosystems.through, Organisation.technologies.through):
    m2m_changed.connect(_registry_changed, sender=through, dispatch_uid=f"stamp-{through.__name__}")
