"""Every write of the partnering app: opportunities, interests, calls, consortia."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.audit import audited
from clusterhub.core.search import normalise
from clusterhub.registry.models import Organisation, OrganisationKind

from . import eligibility
from .models import (
    ChecklistItem,
    Consortium,
    ConsortiumAccess,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    MemberRole,
    MemberStatus,
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


@audited("partnering.opportunity.saved", by="user", label=gettext_lazy("saved the opportunity"))
@transaction.atomic
def save_opportunity(
    opp: Opportunity,
    *,
    user,
    ecosystems=None,
    technologies=None,
    target_countries=None,
    publish: bool = False,
) -> Opportunity:
    """Create or change an opportunity (its owner organisation's team or staff); with
    ``publish``, publish (or renew) it in the same transaction: both or neither."""
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
    if publish:
        publish_opportunity(opp, user)
    return opp


@audited(
    "partnering.opportunity.published", by="user", label=gettext_lazy("published the opportunity")
)
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


@audited("partnering.opportunity.closed", by="user", label=gettext_lazy("closed the opportunity"))
@transaction.atomic
def close_opportunity(opp: Opportunity, user) -> Opportunity:
    if not user.has_perm("registry.change_organisation", opp.owner):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    opp.status = OpportunityStatus.CLOSED
    opp.save(update_fields=["status", "updated"])
    notify_followers(opp, _("The opportunity “%(title)s” is closed.") % {"title": opp.title})
    return opp


@audited("partnering.opportunities.expired", counts=lambda r, a: {"count": r})
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


@audited(
    "partnering.opportunity.followed",
    by="user",
    counts=lambda r, a: {"following": a.get("on", True)},
    label=gettext_lazy("changed whether they follow the opportunity"),
)
def follow(opp: Opportunity, user, on: bool = True) -> None:
    if on:
        OpportunityFollower.objects.get_or_create(opportunity=opp, user=user)
    else:
        OpportunityFollower.objects.filter(opportunity=opp, user=user).delete()


def notify_followers(opp: Opportunity, message: str) -> None:
    from .tasks import send_follower_update

    transaction.on_commit(lambda: send_follower_update.enqueue(opp.pk, message))


@audited(
    "partnering.interest.expressed",
    returns=True,
    by="user",
    scope=lambda o: o.opportunity,
    label=gettext_lazy("expressed an interest"),
)
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


@audited(
    "partnering.interest.answered",
    by="user",
    scope=lambda o: o.opportunity,
    label=gettext_lazy("answered an expression of interest"),
)
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


# Funding calls ------------------------------------------------------------------------------


def parse_rules(data, *, known_countries=None) -> eligibility.Rules:
    """The call's rules as data, checked; a malformed rule names its field.

    With ``known_countries`` (codes), an eligible country outside them is malformed too.
    """
    try:
        return eligibility.Rules.from_dict(data or {}, known_countries=known_countries)
    except eligibility.RulesError as error:
        raise ValidationError({"rules": str(error)}) from None  # "field: message"
    except (TypeError, ValueError) as error:
        raise ValidationError({"rules": str(error)}) from None


@audited("partnering.call.saved", by="user", label=gettext_lazy("saved the funding call"))
@transaction.atomic
def save_call(call: FundingCall, user) -> FundingCall:
    """Platform staff publish funding calls with their eligibility rules."""
    if not user.has_perm("partnering.change_fundingcall"):
        raise PermissionDenied(_("Only platform staff may publish funding calls."))
    from clusterhub.reference.models import Country

    known = Country.objects.values_list("code", flat=True)
    call.rules = parse_rules(call.rules, known_countries=list(known)).to_dict()
    if call.pk is None and call.deadline and call.deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline of a new call must be in the future.")})
    if call.opens_at and call.deadline and call.opens_at >= call.deadline:
        raise ValidationError({"opens_at": _("A call opens before its deadline.")})
    call.full_clean()
    call.save()
    return call


# Consortia ----------------------------------------------------------------------------------


def eligibility_member(member: ConsortiumMember) -> eligibility.Member:
    org = member.organisation
    return eligibility.Member(
        name=org.name,
        country=org.country_id,
        country_status=org.country.status,
        kind=org.kind,
        is_sme=org.is_sme,
        role=member.role,
        status=member.status,
        # Linked entities share a group: an affiliated entity and the member it is affiliated
        # to. Every member has a group of its own, so the parent's group is that of its
        # affiliates (a member without affiliates is alone in its group: independent).
        group=str(member.affiliated_to.organisation_id if member.affiliated_to_id else org.pk),
        id=org.pk,
    )


def consortium_members(consortium: Consortium) -> list[ConsortiumMember]:
    return list(
        consortium.members.select_related("organisation__country", "affiliated_to").order_by(
            "created", "id"
        )
    )


def verdict(consortium: Consortium, members: list[ConsortiumMember] | None = None):
    """The eligibility verdict of the consortium under its call's rules."""
    members = consortium_members(consortium) if members is None else members
    rules = parse_rules(consortium.call.rules)
    return eligibility.check(rules, [eligibility_member(m) for m in members])


def _can_work_in(user, consortium: Consortium) -> None:
    if not user.has_perm("partnering.view_consortium", consortium):
        raise PermissionDenied(_("Only the consortium's members may do this."))


@audited(
    "partnering.consortium.created",
    returns=True,
    by="user",
    label=gettext_lazy("created the consortium"),
)
@transaction.atomic
def create_consortium(
    call: FundingCall,
    coordinator: Organisation,
    user,
    *,
    acronym: str,
    title: str = "",
    description: str = "",
) -> Consortium:
    """A coordinator's team opens a workspace for a proposal to ``call``."""
    if not user.has_perm("registry.change_organisation", coordinator):
        raise PermissionDenied(
            _("Only the team of %(org)s may open a consortium in its name.") % {"org": coordinator}
        )
    if call.deadline <= timezone.now():
        raise ValidationError({"call": _("The deadline of this call has passed.")})
    consortium = Consortium(
        call=call,
        coordinator=coordinator,
        acronym=acronym.strip(),
        title=title,
        description=description,
        created_by=user,
    )
    consortium.full_clean()
    consortium.save()
    seat = ConsortiumMember.objects.create(
        consortium=consortium,
        organisation=coordinator,
        role=MemberRole.COORDINATOR,
        status=MemberStatus.CONFIRMED,
        invited_by=user,
    )
    ConsortiumAccess.objects.create(consortium=consortium, user=user, member=seat)
    return consortium


@audited(
    "partnering.member.invited",
    returns=True,
    by="by",
    scope=lambda o: o.consortium,
    label=gettext_lazy("invited a partner"),
)
@transaction.atomic
def invite_member(
    consortium: Consortium,
    organisation: Organisation,
    by,
    *,
    role: str = MemberRole.BENEFICIARY,
    email: str = "",
    affiliated_to: ConsortiumMember | None = None,
) -> ConsortiumMember:
    """Invite an organisation into the consortium (by e-mail when an address is given)."""
    _can_work_in(by, consortium)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == MemberRole.AFFILIATED and affiliated_to is None:
        raise ValidationError({"affiliated_to": _("Say which member it is affiliated to.")})
    if affiliated_to is not None and affiliated_to.consortium_id != consortium.pk:
        raise ValidationError({"affiliated_to": _("Choose a member of this consortium.")})
    if ConsortiumMember.objects.filter(consortium=consortium, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": _("%(org)s is already in the consortium.") % {"org": organisation}}
        )
    member = ConsortiumMember(
        consortium=consortium,
        organisation=organisation,
        role=role,
        status=MemberStatus.INVITED,
        contact_email=email.strip(),
        invited_by=by,
        affiliated_to=affiliated_to,
    )
    member.full_clean()
    member.save()
    if member.contact_email:
        from .tasks import send_consortium_invitation

        transaction.on_commit(lambda: send_consortium_invitation.enqueue(member.pk))
    return member


@audited(
    "partnering.member.changed",
    by="by",
    scope=lambda o: o.consortium,
    label=gettext_lazy("changed a partner"),
)
@transaction.atomic
def change_member(
    member: ConsortiumMember,
    by,
    *,
    status: str | None = None,
    role: str | None = None,
    work_packages: str | None = None,
) -> list[eligibility.Problem]:
    """Change a member's status, role or work packages.

    Returns the eligibility rules the change broke (a partner leaving may break them: it is
    allowed, and the coordinator's side is told by e-mail).
    """
    consortium = member.consortium
    _can_work_in(by, consortium)
    before = verdict(consortium)
    if status is not None:
        if status not in MemberStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        if member.role == MemberRole.COORDINATOR and status in (
            MemberStatus.LEFT,
            MemberStatus.DECLINED,
        ):
            raise ValidationError(
                {"status": _("Hand the coordination to another member before leaving.")}
            )
        if (
            status == MemberStatus.CONFIRMED
            and member.status != MemberStatus.CONFIRMED
            and not by.has_perm("registry.change_organisation", member.organisation)
        ):
            raise ValidationError(
                {
                    "status": _(
                        "Only the team of %(org)s can confirm its participation, by answering "
                        "its invitation."
                    )
                    % {"org": member.organisation}
                }
            )
        member.status = status
    if role is not None:
        if role not in MemberRole.values:
            raise ValidationError({"role": _("Unknown role.")})
        member.role = role
    if work_packages is not None:
        member.work_packages = work_packages.strip()[:200]
    member.save()
    broken = eligibility.newly_broken(before, verdict(consortium))
    if broken:
        from .tasks import send_eligibility_alert

        messages = [p.message for p in broken]
        transaction.on_commit(lambda: send_eligibility_alert.enqueue(consortium.pk, messages))
    return broken


@audited(
    "partnering.access.granted",
    returns=True,
    by="by",
    scope=lambda o: o.consortium,
    label=gettext_lazy("gave access to the workspace"),
)
@transaction.atomic
def grant_access(consortium: Consortium, user, by, member: ConsortiumMember | None = None):
    _can_work_in(by, consortium)
    access, _created = ConsortiumAccess.objects.get_or_create(
        consortium=consortium, user=user, defaults={"member": member}
    )
    return access


@audited("partnering.consortium.note", by="by", label=gettext_lazy("updated the note"))
def update_note(consortium: Consortium, note: str, by) -> Consortium:
    _can_work_in(by, consortium)
    consortium.note = note
    consortium.save(update_fields=["note", "updated"])
    return consortium


@audited(
    "partnering.checklist.added",
    returns=True,
    by="by",
    scope=lambda o: o.consortium,
    label=gettext_lazy("added a checklist item"),
)
def add_checklist_item(consortium: Consortium, text: str, by) -> ChecklistItem:
    _can_work_in(by, consortium)
    if not text.strip():
        raise ValidationError({"text": _("Write the item.")})
    order = consortium.checklist.count()
    return ChecklistItem.objects.create(consortium=consortium, text=text.strip()[:300], order=order)


@audited(
    "partnering.checklist.set",
    by="by",
    scope=lambda o: o.consortium,
    label=gettext_lazy("ticked a checklist item"),
)
def set_checklist_item(item: ChecklistItem, done: bool, by) -> ChecklistItem:
    _can_work_in(by, item.consortium)
    item.done = done
    item.save(update_fields=["done"])
    return item


# Invitations answered on the platform (added with the partnering pages) ----------------------


def may_answer_invitation(member: ConsortiumMember, user) -> bool:
    """The invited organisation's side (the invitation's address, or its profile team), while
    the invitation is unanswered."""
    if not user.is_authenticated or member.status != MemberStatus.INVITED:
        return False
    if member.contact_email and user.email and member.contact_email.lower() == user.email.lower():
        return True
    return member.organisation.team_members.filter(user=user).exists()


@audited(
    "partnering.member.answered",
    by="user",
    scope=lambda o: o.consortium,
    label=gettext_lazy("answered an invitation to the consortium"),
)
@transaction.atomic
def answer_invitation(member: ConsortiumMember, user, *, accept: bool) -> ConsortiumMember:
    """The invited organisation joins the workspace (as interested) or declines.

    Joining gives ``user`` access to the workspace; declining changes the status only (an
    invited member never counted in the confirmed verdict, so nothing breaks).
    """
    if not may_answer_invitation(member, user):
        raise PermissionDenied(_("This invitation is not addressed to you."))
    if accept:
        ConsortiumAccess.objects.get_or_create(
            consortium=member.consortium, user=user, defaults={"member": member}
        )
        if member.status == MemberStatus.INVITED:
            member.status = MemberStatus.INTERESTED
            member.save(update_fields=["status", "updated"])
        return member
    member.status = MemberStatus.DECLINED
    member.save(update_fields=["status", "updated"])
    return member


# Personal data --------------------------------------------------------------------------------


def forget_user(user) -> list:
    """A deleted account's opportunities pass to another member of the owner's profile team;
    an opportunity with nobody left to answer it is removed. Expressions of interest, follows
    and workspace access go with the account (cascade)."""
    from clusterhub.registry.models import ProfileTeamMember

    for opp in Opportunity.objects.filter(contact=user).select_related("owner"):
        heir = (
            ProfileTeamMember.objects.filter(organisation=opp.owner)
            .exclude(user=user)
            .order_by("added_at")
            .first()
        )
        if heir is None:
            opp.delete()
        else:
            opp.contact = heir.user
            opp.show_contact_email = False  # the new contact did not choose to show theirs
            opp.save(update_fields=["contact", "show_contact_email"])
    return []  # opportunities hold no personal field of their contact
