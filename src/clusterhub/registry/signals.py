from allauth.account.signals import email_confirmed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import facets, services
from .models import ClusterLabel, ClusterOrganisation, Organisation


@receiver(email_confirmed)
def join_invited_teams(request, email_address, **kwargs):
    """A colleague invited by e-mail joins the profile teams once the address is verified."""
    services.accept_invitations(email_address.user, email=email_address.email)


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
