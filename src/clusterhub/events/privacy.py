"""The events' part of "download my data" and "delete my account" (see core.privacy)."""

from clusterhub.core import privacy

from . import services
from .models import EventOrganiser, Registration


def export(user) -> dict:
    registrations = Registration.objects.filter(user=user).select_related("event", "country")
    return {
        "registrations": [
            {
                "event": r.event.title,
                "event_start": r.event.start,
                "status": r.status,
                "first_name": r.first_name,
                "last_name": r.last_name,
                "email": r.email,
                "job_title": r.job_title,
                "organisation": r.organisation_name,
                "organisation_kind": r.organisation_kind,
                "country": r.country_id,
                "dietary_needs": r.dietary_needs,
                "accessibility_needs": r.accessibility_needs,
                "answers": r.answers,
                "listed_in_booklet": r.listing_consent,
                "listing_consent_given": r.listing_consent_at,
                "checked_in": r.checked_in_at,
                "registered": r.created,
            }
            for r in registrations.order_by("created")
        ],
        "organiser_of": [
            seat.event.title
            for seat in EventOrganiser.objects.filter(user=user).select_related("event")
        ],
    }


privacy.register("events", export=export, forget=services.forget_user, order=90)
