"""The B2B meetings' part of "download my data" and "delete my account" (see core.privacy).

A person's meetings name the other side by organisation only: another participant's name is
theirs to share, not ours."""

from clusterhub.core import privacy

from . import services
from .models import MeetingRequest, Participant


def export(user) -> dict:
    participants = Participant.objects.filter(registration__user=user).select_related(
        "matchmaking__event", "type"
    )
    requests = MeetingRequest.objects.filter(sender__in=participants).select_related(
        "recipient__registration"
    )
    received = MeetingRequest.objects.filter(recipient__in=participants).select_related(
        "sender__registration"
    )
    return {
        "profiles": [
            {
                "event": p.matchmaking.event.title,
                "takes_part": p.opted_in,
                "since": p.opted_in_at,
                "type": p.type.name if p.type else "",
                "pitch": p.pitch,
                "own_table": p.fixed_table,
                "remote": p.remote,
            }
            for p in participants
        ],
        "requests_sent": [
            {
                "to_organisation": r.recipient.registration.organisation_name,
                "message": r.message,
                "status": r.status,
                "sent": r.created,
            }
            for r in requests
        ],
        "requests_received": [
            {
                "from_organisation": r.sender.registration.organisation_name,
                "status": r.status,
                "received": r.created,
            }
            for r in received
        ],
    }


privacy.register("b2b_meetings", export=export, forget=services.forget_user, order=10)
