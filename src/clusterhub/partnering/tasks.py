from django.conf import settings
from django_tasks import task

from clusterhub.core import mail

from .models import ExpressionOfInterest, Opportunity


def _email(template: str, context: dict, recipients: list[str]) -> mail.Email:
    return mail.Email(
        to=recipients,
        template=f"partnering/email/{template}",
        context={**context, "site_url": settings.SITE_URL},
    )


def _send(template: str, context: dict, recipients: list[str]) -> int:
    return mail.send(_email(template, context, recipients))


@task()
def send_follower_update(opportunity_pk: int, message: str) -> None:
    opp = Opportunity.objects.filter(pk=opportunity_pk).first()
    if opp is None:
        return
    emails = list(opp.followers.values_list("user__email", flat=True))
    context = {"opportunity": opp, "message": message}
    # one e-mail each (followers do not see each other), through one connection
    mail.send(_email("follower_update", context, [email]) for email in emails)


@task()
def send_interest_to_owner(interest_pk: int) -> None:
    interest = (
        ExpressionOfInterest.objects.select_related(
            "opportunity__contact", "organisation__country", "user"
        )
        .filter(pk=interest_pk)
        .first()
    )
    if interest is not None:
        _send("interest", {"interest": interest}, [interest.opportunity.contact.email])


@task()
def send_answer_to_interested(interest_pk: int) -> None:
    interest = (
        ExpressionOfInterest.objects.select_related("opportunity", "user")
        .filter(pk=interest_pk)
        .first()
    )
    if interest is not None:
        _send("answer", {"interest": interest}, [interest.user.email])


@task()
def send_consortium_invitation(member_pk: int) -> None:
    from .models import ConsortiumMember

    member = (
        ConsortiumMember.objects.select_related("consortium__call", "consortium__coordinator")
        .filter(pk=member_pk)
        .first()
    )
    if member is not None:
        _send("invitation", {"member": member}, [member.contact_email])


@task()
def send_eligibility_alert(consortium_pk: int, messages: list[str]) -> None:
    from .models import Consortium

    consortium = Consortium.objects.filter(pk=consortium_pk).first()
    if consortium is None:
        return
    emails = list(
        consortium.access.filter(member__organisation=consortium.coordinator).values_list(
            "user__email", flat=True
        )
    )
    _send("eligibility_alert", {"consortium": consortium, "problems": messages}, emails)
