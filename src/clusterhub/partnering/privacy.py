"""Partnering's part of "download my data" and "delete my account" (see core.privacy)."""

from clusterhub.core import privacy

from . import services
from .models import ConsortiumAccess, ExpressionOfInterest, Opportunity


def export(user) -> dict:
    return {
        "opportunities_as_contact": [
            {"title": o.title, "owner": o.owner.name, "status": o.status, "created": o.created}
            for o in Opportunity.objects.filter(contact=user).select_related("owner")
        ],
        "expressions_of_interest": [
            {
                "opportunity": i.opportunity.title,
                "organisation": i.organisation.name if i.organisation else "",
                "message": i.message,
                "answer": i.answer,
                "sent": i.created,
            }
            for i in ExpressionOfInterest.objects.filter(user=user).select_related(
                "opportunity", "organisation"
            )
        ],
        "consortium_workspaces": [
            a.consortium.name if hasattr(a.consortium, "name") else str(a.consortium)
            for a in ConsortiumAccess.objects.filter(user=user).select_related("consortium")
        ],
    }


privacy.register("partnering", export=export, forget=services.forget_user, order=20)
