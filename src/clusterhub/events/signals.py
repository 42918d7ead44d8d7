"""Keep the cached public agenda (views.agenda_html) in step with what it shows."""

from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clusterhub.registry.models import Person

from . import services
from .models import Event, Material, Session, SessionSpeaker


def _agenda_changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    if isinstance(instance, Event):
        services.touch_agenda(instance.pk)
    elif isinstance(instance, SessionSpeaker):
        services.touch_agenda(instance.session.event_id)
    else:
        services.touch_agenda(instance.event_id)


for model in (Event, Session, SessionSpeaker, Material):
    post_save.connect(_agenda_changed, sender=model, dispatch_uid=f"agenda-save-{model.__name__}")
    post_delete.connect(
        _agenda_changed, sender=model, dispatch_uid=f"agenda-delete-{model.__name__}"
    )


@receiver(post_save, sender=Person, dispatch_uid="agenda-person")
def person_changed(sender, instance, raw=False, **kwargs):
    """A speaker's name or consent changed: every agenda showing them is stale."""
    if raw or instance.pk is None:
        return
    events = Session.objects.filter(Q(chair=instance) | Q(speakers__person=instance)).values_list(
        "event_id", flat=True
    )
    services.touch_agenda(*events.distinct())
