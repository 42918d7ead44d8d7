import rules

from .models import Event, EventOrganiser


@rules.predicate
def is_event_organiser(user, event) -> bool:
    if not isinstance(event, Event) or not user.is_authenticated:
        return False
    return EventOrganiser.objects.filter(event=event, user=user).exists()


rules.add_perm("events.manage_event", rules.is_staff | is_event_organiser)
rules.add_perm("events.add_event", rules.is_authenticated)
