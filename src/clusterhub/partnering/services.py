"""Every write of the partnering app: opportunities, interests, calls, consortia."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.core.search import normalise
from clusterhub.registry.models import Organisation, OrganisationKind

from .models import (
    ExpressionOfInterest,
    Opportunity,
    OpportunityFollower,
    OpportunityKind,
    OpportunityStatus,
    PartnershipKind,
)

OPPORTUNITY_LIFETIME = dt.timedelta(days=365)


# Opportunities ------------------------------------------------------------------------------


def _check_opportunity(opp: Opportunity) -> None:
    errors = {}
    unknown = [k for k in opp.partnership_kinds if k not in PartnershipKind.values]
    if unknown:
        errors["partnership_kinds"] = _("Unknown kind of partnership: %(v)s.") % {
            "v": ", ".join(unknown)
        }
    unknown = [k for k in opp.partner_kinds if k not in OrganisationKind.values]
    if unknown:
        errors["partner_kinds"] = _("Unknown kind of partner: %(v)s.") % {"v": ", ".join(unknown)}
    if opp.kind == OpportunityKind.RD_REQUEST and not opp.call_topic.strip():
        errors["call_topic"] = _("An R&D request names the call topic it prepares.")
    if (
        opp.deadline
        and opp.status == OpportunityStatus.DRAFT
        and opp.deadline < timezone.localdate()
    ):
        errors["deadline"] = _("The deadline is in the past.")
    if errors:
        raise ValidationError(errors)


def expiry_for(opp: Opportunity, published: dt.date) -> dt.date:
    """At its deadline, or 12 months after publication, whichever comes first."""
    end = published + OPPORTUNITY_LIFETIME
    return min(end, opp.deadline) if opp.deadline else end


def refresh_search(opp: Opportunity) -> None:
    document = normalise(
        opp.title,
        opp.summary,
        opp.description,
        opp.keywords,
        opp.call_topic,
        " ".join(opp.ecosystems.values_list("name", flat=True)),
        " ".join(opp.technologies.values_list("name", flat=True)),
        opp.owner.legal_name,
    )
    Opportunity.objects.filter(pk=opp.pk).update(search_document=document)
    opp.search_document = document


@transaction.atomic
def save_opportunity(
    opp: Opportunity,
    *,
    user,
    ecosystems=None,
    technologies=None,
    target_countries=None,
) -> Opportunity:
    """Create or change an opportunity (its owner organisation's team or staff)."""
    if not user.has_perm("registry.change_organisation", opp.owner):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    is_new = opp.pk is None
    if is_new:
        opp.contact = opp.contact if opp.contact_id else user
    _check_opportunity(opp)
    opp.full_clean(exclude=["search_document", "contact"] if is_new else ["search_document"])
    opp.save()
    if ecosystems is not None:
        opp.ecosystems.set(ecosystems)
    if technologies is not None:
        opp.technologies.set(technologies)
    if target_countries is not None:
        opp.target_countries.set(target_countries)
    refresh_search(opp)
    if not is_new and opp.status == OpportunityStatus.PUBLISHED:
        notify_followers(opp, _("The opportunity “%(title)s” was updated.") % {"title": opp.title})
    return opp


@transaction.atomic
def publish_opportunity(opp: Opportunity, user) -> Opportunity:
    """Publish (or renew) an opportunity for up to 12 months."""
    if not user.has_perm("registry.change_organisation", opp.owner):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    today = timezone.localdate()
    if opp.deadline and opp.deadline < today:
        raise ValidationError({"deadline": _("Move the deadline into the future first.")})
    renewed = opp.status in (OpportunityStatus.EXPIRED, OpportunityStatus.PUBLISHED)
    opp.status = OpportunityStatus.PUBLISHED
    opp.published_at = opp.published_at if renewed and opp.published_at else timezone.now()
    opp.expires_on = expiry_for(opp, today)
    opp.save(update_fields=["status", "published_at", "expires_on", "updated"])
    if renewed:
        notify_followers(
            opp,
            _("The opportunity “%(title)s” was renewed until %(date)s.")
            % {"title": opp.title, "date": opp.expires_on},
        )
    return opp


@transaction.atomic
def close_opportunity(opp: Opportunity, user) -> Opportunity:
    if not user.has_perm("registry.change_organisation", opp.owner):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    opp.status = OpportunityStatus.CLOSED
    opp.save(update_fields=["status", "updated"])
    notify_followers(opp, _("The opportunity “%(title)s” is closed.") % {"title": opp.title})
    return opp


def expire_due_opportunities(today: dt.date | None = None) -> int:
    """Expire published opportunities past their expiry date; followers are told."""
    today = today or timezone.localdate()
    due = list(Opportunity.objects.filter(status=OpportunityStatus.PUBLISHED, expires_on__lt=today))
    for opp in due:
        with transaction.atomic():
            opp.status = OpportunityStatus.EXPIRED
            opp.save(update_fields=["status", "updated"])
            notify_followers(
                opp, _("The opportunity “%(title)s” has expired.") % {"title": opp.title}
            )
    return len(due)


def follow(opp: Opportunity, user, on: bool = True) -> None:
    if on:
        OpportunityFollower.objects.get_or_create(opportunity=opp, user=user)
    else:
        OpportunityFollower.objects.filter(opportunity=opp, user=user).delete()


def notify_followers(opp: Opportunity, message: str) -> None:
    from .tasks import send_follower_update

    transaction.on_commit(lambda: send_follower_update.enqueue(opp.pk, message))


@transaction.atomic
def express_interest(
    opp: Opportunity, organisation: Organisation, user, message: str
) -> ExpressionOfInterest:
    """An organisation tells the owner it is interested; the owner gets its profile by e-mail."""
    if opp.status != OpportunityStatus.PUBLISHED:
        raise ValidationError(_("This opportunity is not open for interest."))
    if not user.has_perm("registry.change_organisation", organisation):
        raise PermissionDenied(
            _("Only the team of %(org)s may speak for it.") % {"org": organisation}
        )
    if organisation.pk == opp.owner_id:
        raise ValidationError({"organisation": _("This is your own opportunity.")})
    if not message.strip():
        raise ValidationError({"message": _("Say in a few words why you are interested.")})
    try:
        with transaction.atomic():
            interest = ExpressionOfInterest.objects.create(
                opportunity=opp, organisation=organisation, user=user, message=message.strip()
            )
    except IntegrityError:
        raise ValidationError(
            {"organisation": _("%(org)s has already expressed interest.") % {"org": organisation}}
        ) from None
    follow(opp, user)
    from .tasks import send_interest_to_owner

    transaction.on_commit(lambda: send_interest_to_owner.enqueue(interest.pk))
    return interest


@transaction.atomic
def answer_interest(interest: ExpressionOfInterest, answer: str, user) -> ExpressionOfInterest:
    if not user.has_perm("registry.change_organisation", interest.opportunity.owner):
        raise PermissionDenied(_("Only the owner of the opportunity may answer."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write an answer.")})
    interest.answer = answer.strip()
    interest.answered_at = timezone.now()
    interest.save(update_fields=["answer", "answered_at", "updated"])
    from .tasks import send_answer_to_interested

    transaction.on_commit(lambda: send_answer_to_interested.enqueue(interest.pk))
    return interest
