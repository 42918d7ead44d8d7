"""The registry's part of "download my data" and "delete my account" (see core.privacy)."""

from clusterhub.core import privacy

from . import services
from .models import Person, ProfileTeamMember, TeamInvitation


def export(user) -> dict:
    person = Person.objects.filter(user=user).select_related("organisation").first()
    return {
        "profile": None
        if person is None
        else {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "role": person.role,
            "email": person.email,
            "organisation": person.organisation.name if person.organisation else "",
            "shown_publicly": person.public_consent,
            "consent_given": person.public_consent_at,
        },
        "profile_teams": [
            {"organisation": seat.organisation.name, "since": seat.added_at}
            for seat in ProfileTeamMember.objects.filter(user=user).select_related("organisation")
        ],
        "invitations_received": [
            {"organisation": i.organisation.name, "sent": i.created}
            for i in TeamInvitation.objects.filter(email__iexact=user.email).select_related(
                "organisation"
            )
        ],
    }


privacy.register("registry", export=export, forget=services.forget_user)
