"""Every write of the registry. Views, API, admin, imports and commands call these."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core import slugs
from clusterhub.core.audit import audited, describe
from clusterhub.core.search import normalise
from clusterhub.reference.models import Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.reference.selectors import region_for_point

from . import facets
from .models import (
    INVITATION_SALT,
    ORGANISATION_SLUG_FALLBACK,
    ClusterLabel,
    ClusterOrganisation,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Person,
    ProfileTeamMember,
    TeamInvitation,
    TeamRequest,
)
from .validators import sme_flag

describe("registry.import", gettext_lazy("imported organisations"))


def search_document_for(
    org: Organisation, ecosystem_names: Iterable[str] = (), technology_names: Iterable[str] = ()
) -> str:
    return normalise(
        org.legal_name,
        org.short_name,
        org.city,
        org.description,
        " ".join(ecosystem_names),
        " ".join(technology_names),
    )


def unique_slug(name: str, taken: set[str] | None = None, exclude_pk: int | None = None) -> str:
    """An unused address for an organisation called ``name`` (checked against ``taken`` when
    given, else against the table)."""
    return slugs.unique_slug(
        name,
        Organisation.objects.all() if taken is None else taken,
        fallback=ORGANISATION_SLUG_FALLBACK,
        exclude_pk=exclude_pk,
    )


def derive_region(org: Organisation) -> None:
    """Place the organisation in its NUTS region from its coordinates when none is given."""
    if org.nuts_region_id or org.latitude is None or org.longitude is None:
        return
    code = region_for_point(org.longitude, org.latitude)
    if code and NutsRegion.objects.filter(code=code, country_id=org.country_id).exists():
        org.nuts_region_id = code


def check_clean_values(org: Organisation) -> None:
    """What model validation lets through but the databases or the region lookup refuse."""
    errors = {}
    for name in ("latitude", "longitude"):
        value = getattr(org, name)
        if value is not None and not math.isfinite(value):
            errors[name] = _("Enter a finite number.")
    for name in ("legal_name", "short_name", "city", "website", "description", "pic"):
        if "\x00" in (getattr(org, name) or ""):
            errors[name] = _("Null characters are not allowed.")
    if errors:
        raise ValidationError(errors)


def check_region_in_country(org: Organisation) -> None:
    if org.nuts_region_id and org.country_id and not org.nuts_region_id.startswith("_"):
        region_country = (
            NutsRegion.objects.filter(code=org.nuts_region_id)
            .values_list("country_id", flat=True)
            .first()
        )
        if region_country is None:
            raise ValidationError({"nuts_region": _("Unknown NUTS code.")})
        if region_country != org.country_id:
            raise ValidationError(
                {
                    "nuts_region": _("NUTS region %(code)s is not in %(country)s.")
                    % {"code": org.nuts_region_id, "country": org.country_id}
                }
            )


@audited("registry.organisation.saved", label=gettext_lazy("saved the organisation"))
@transaction.atomic
def save_organisation(
    org: Organisation,
    *,
    ecosystems: Iterable[Ecosystem] | None = None,
    technologies: Iterable[Technology] | None = None,
    nace_activities: Iterable[NaceActivity] | None = None,
) -> Organisation:
    """Validate and save an organisation with its topics; derives region, slug, search text."""
    org.is_sme = sme_flag(org.kind, org.is_sme)
    if org.pic == "":
        org.pic = None
    if not org.slug:
        org.slug = unique_slug(org.short_name or org.legal_name, exclude_pk=org.pk)
    check_clean_values(org)
    org.full_clean(exclude=["search_document"])
    check_region_in_country(org)
    derive_region(org)
    org.save()
    if ecosystems is not None:
        org.ecosystems.set(ecosystems)
    if technologies is not None:
        org.technologies.set(technologies)
    if nace_activities is not None:
        org.nace_activities.set(nace_activities)
    refresh_search_document(org)
    return org


def refresh_search_document(org: Organisation) -> None:
    document = search_document_for(
        org,
        org.ecosystems.values_list("name", flat=True),
        org.technologies.values_list("name", flat=True),
    )
    if document != org.search_document:
        org.search_document = document
        Organisation.objects.filter(pk=org.pk).update(search_document=document)


@audited(
    "registry.cluster.saved",
    scope=lambda o: o.organisation,
    label=gettext_lazy("saved the cluster profile"),
)
@transaction.atomic
def save_cluster_profile(
    profile: ClusterOrganisation,
    labels: Iterable[ClusterLabel] | None = None,
    *,
    verified: bool = False,
    verified_by=None,
) -> ClusterOrganisation:
    """Save a cluster profile: member total and validation follow from its figures.

    ``labels`` replace the profile's labels. A label is "declared" until platform staff verify
    it: an unchanged label keeps its verification, a new or changed one is declared again,
    unless the caller vouches for them all (``verified``: platform staff, an import or the demo
    data, with ``verified_by`` when a person did it).
    """
    org = profile.organisation
    if org.kind != OrganisationKind.CLUSTER:
        org.kind = OrganisationKind.CLUSTER
        org.is_sme = False
        Organisation.objects.filter(pk=org.pk).update(kind=org.kind, is_sme=False)
    profile.members_total = profile.compute_total()
    profile.full_clean(exclude=["organisation"])
    profile.is_validated = not profile.missing_criteria()
    if verified:
        profile.figures_checked_at, profile.figures_checked_by = timezone.now(), verified_by
    elif profile.pk and profile.figures_checked_at:
        stored = ClusterOrganisation.objects.filter(pk=profile.pk).first()
        if stored is not None and stored.figures() != profile.figures():
            profile.figures_checked_at, profile.figures_checked_by = None, None  # declared again
    profile.save()
    if labels is not None:
        before = [old for old in profile.labels.all() if old.verified]
        profile.labels.all().delete()
        for label in labels:
            label.cluster = profile
            label.pk = None
            vouched = next((old for old in before if old.same_award(label)), None)
            if verified:
                label.verified_at, label.verified_by = timezone.now(), verified_by
            elif vouched is not None:
                label.verified_at, label.verified_by = vouched.verified_at, vouched.verified_by
            else:
                label.verified_at, label.verified_by = None, None
            label.full_clean()
            label.save()
    return profile


@audited(
    "registry.figures.checked",
    target="by",
    by="by",
    counts=lambda n, *a: {"checked": n},
    label=gettext_lazy("checked the figures of cluster profiles"),
)
def check_figures(profiles: Iterable[ClusterOrganisation], by) -> int:
    """Platform staff have checked these profiles' figures against a source."""
    if not by.is_staff:
        raise PermissionDenied(_("Only platform staff check the figures of a profile."))
    pks = [profile.pk for profile in profiles]
    return ClusterOrganisation.objects.filter(pk__in=pks).update(
        figures_checked_at=timezone.now(), figures_checked_by=by
    )


@audited(
    "registry.labels.verified",
    target="by",
    by="by",
    counts=lambda n, *a: {"verified": n},
    label=gettext_lazy("verified cluster labels"),
)
def verify_labels(labels: Iterable[ClusterLabel], by) -> int:
    """Platform staff verify labels (checked against the awarding body's list)."""
    if not by.is_staff:
        raise PermissionDenied(_("Only platform staff verify labels."))
    pks = [label.pk for label in labels]
    count = ClusterLabel.objects.filter(pk__in=pks, verified_at__isnull=True).update(
        verified_at=timezone.now(), verified_by=by
    )
    facets.changed()  # the label filter counts verified labels only
    return count


@audited("registry.organisation.deleted", by="user", label=gettext_lazy("deleted the organisation"))
def delete_organisation(org: Organisation, user) -> None:
    if not user.has_perm("registry.delete_organisation", org):
        raise PermissionDenied(_("Only platform staff may delete an organisation."))
    org.delete()


@audited(
    "registry.cluster.deleted",
    scope=lambda o: o.organisation,
    label=gettext_lazy("removed the cluster profile"),
)
def delete_cluster_profile(profile: ClusterOrganisation) -> None:
    """Remove the cluster profile (its labels and memberships with it); the organisation stays,
    no longer shown as a cluster organisation."""
    profile.delete()


# Profile teams ------------------------------------------------------------------------------


INVITATION_DAYS = 14


@audited(
    "registry.team.added",
    returns=True,
    by="added_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("invited a colleague to the team"),
)
@transaction.atomic
def add_team_member(org: Organisation, email: str, added_by) -> TeamInvitation:
    """Invite a colleague by e-mail to the profile team. Nobody joins a team without saying
    yes: the invitee accepts it while signed in with that address (verified). The answer is
    the same whether or not the address has an account, so that it tells nothing about who is
    on the platform; the e-mail is the platform's own wording."""
    if not added_by.has_perm("registry.change_organisation", org):
        raise PermissionDenied(_("Only the profile team may add colleagues."))
    email = email.strip().lower()
    invitation, created = TeamInvitation.objects.get_or_create(
        organisation=org, email=email, defaults={"invited_by": added_by}
    )
    if not created:  # asked again: a fresh link, valid from now
        invitation.invited_by = added_by
        invitation.created = timezone.now()
        invitation.save(update_fields=["invited_by", "created"])
    already = ProfileTeamMember.objects.filter(organisation=org, user__email__iexact=email)
    if not already.exists():
        transaction.on_commit(lambda: _send_invitation(invitation.pk))
    return invitation


def invitation_from_token(token: str) -> TeamInvitation | None:
    """The pending invitation of a link, if the link is genuine and not older than
    ``INVITATION_DAYS`` days (a renewed invitation gives a new link)."""
    try:
        pk, email = signing.loads(
            token, salt=INVITATION_SALT, max_age=timedelta(days=INVITATION_DAYS)
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        TeamInvitation.objects.select_related("organisation", "invited_by")
        .filter(pk=pk, email=email)
        .first()
    )


def may_answer_invitation(invitation: TeamInvitation, user) -> bool:
    """Only the account that verified the invited address answers the invitation."""
    return (
        user.is_authenticated
        and EmailAddress.objects.filter(
            user=user, email__iexact=invitation.email, verified=True
        ).exists()
    )


@audited(
    "registry.invitation.answered",
    by="user",
    scope=lambda i: i.organisation,
    deletes=True,
    label=gettext_lazy("answered an invitation to the team"),
)
@transaction.atomic
def answer_invitation(invitation: TeamInvitation, user, *, accept: bool):
    """Accept (join the team) or decline an invitation; either way it is used up."""
    if not may_answer_invitation(invitation, user):
        raise PermissionDenied(
            _("This invitation is for %(email)s: sign in with that address to answer it.")
            % {"email": invitation.email}
        )
    seat = None
    if accept:
        seat, _created = ProfileTeamMember.objects.get_or_create(
            organisation=invitation.organisation,
            user=user,
            defaults={"added_by": invitation.invited_by},
        )
    invitation.delete()
    return seat


@audited(
    "registry.invitation.withdrawn",
    by="by",
    scope=lambda i: i.organisation,
    deletes=True,
    label=gettext_lazy("withdrew an invitation to the team"),
)
def withdraw_invitation(invitation: TeamInvitation, by) -> None:
    if not by.has_perm("registry.change_organisation", invitation.organisation):
        raise PermissionDenied(_("Only the profile team may withdraw invitations."))
    invitation.delete()


def pending_invitations(user) -> list[TeamInvitation]:
    """The invitations waiting for an answer from the user's verified addresses."""
    if not user.is_authenticated:
        return []
    addresses = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return list(
        TeamInvitation.objects.filter(email__in=addresses)
        .select_related("organisation", "invited_by")
        .order_by("-created")
    )


def _send_invitation(invitation_pk: int) -> None:
    from .tasks import send_team_invitation

    send_team_invitation.enqueue(invitation_pk)


@audited(
    "registry.team.saved",
    by="added_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("saved a team seat"),
)
def save_team_member(member: ProfileTeamMember, added_by) -> ProfileTeamMember:
    """Save a team seat as platform staff set it up (admin): who added it is recorded once."""
    if member.added_by_id is None:
        member.added_by = added_by
    member.save()
    return member


@audited(
    "registry.invitation.saved",
    by="invited_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("saved an invitation"),
)
def save_invitation(invitation: TeamInvitation, invited_by) -> TeamInvitation:
    """Save an invitation as platform staff set it up (admin); no e-mail is sent."""
    if invitation.invited_by_id is None:
        invitation.invited_by = invited_by
    invitation.save()
    return invitation


@audited(
    "registry.team.removed",
    by="removed_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("removed a colleague from the team"),
)
def remove_team_member(member: ProfileTeamMember, removed_by) -> None:
    if not removed_by.has_perm("registry.change_organisation", member.organisation):
        raise PermissionDenied(_("Only the profile team may remove colleagues."))
    member.delete()


# Requests to join a team, and claims of organisations without one ----------------------------


@audited(
    "registry.team_request.sent",
    by="user",
    scope=lambda r: r.organisation,
    returns=True,
    label=gettext_lazy("asked to join the profile team"),
)
@transaction.atomic
def request_team_seat(org: Organisation, user, *, role: str, message: str = "") -> TeamRequest:
    """``user`` asks for a seat on the team of ``org``: its team answers, or platform staff
    when the organisation has no team yet (a claim). One waiting request per person."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to ask for a seat on a profile team."))
    if ProfileTeamMember.objects.filter(organisation=org, user=user).exists():
        raise ValidationError(_("You are already on the profile team of %(org)s.") % {"org": org})
    if not role.strip():
        raise ValidationError({"role": _("Say what you do in the organisation.")})
    waiting = TeamRequest.objects.filter(organisation=org, user=user, status="pending").first()
    if waiting is not None:
        return waiting
    has_team = ProfileTeamMember.objects.filter(organisation=org).exists()
    request = TeamRequest.objects.create(
        organisation=org,
        user=user,
        kind=TeamRequest.Kind.JOIN if has_team else TeamRequest.Kind.CLAIM,
        role=role.strip()[:200],
        message=message.strip()[:2000],
    )
    from .tasks import send_team_request

    transaction.on_commit(lambda: send_team_request.enqueue(request.pk))
    return request


def may_answer_team_request(request: TeamRequest, user) -> bool:
    """A request to join is answered by the team (or staff); a claim by platform staff only."""
    if not user.is_authenticated or request.status != TeamRequest.Status.PENDING:
        return False
    if request.kind == TeamRequest.Kind.CLAIM:
        return user.is_staff
    return user.has_perm("registry.change_organisation", request.organisation)


@audited(
    "registry.team_request.answered",
    by="by",
    scope=lambda r: r.organisation,
    returns=True,
    label=gettext_lazy("answered a request to join the profile team"),
)
@transaction.atomic
def answer_team_request(request: TeamRequest, by, *, accept: bool) -> TeamRequest:
    """Accept (the person gets a seat) or refuse; the person is told either way."""
    request = TeamRequest.objects.select_for_update().get(pk=request.pk)
    if not may_answer_team_request(request, by):
        if request.status != TeamRequest.Status.PENDING:
            raise ValidationError(_("This request was already answered."))
        if request.kind == TeamRequest.Kind.CLAIM:
            raise PermissionDenied(_("Only platform staff confirm a claim."))
        raise PermissionDenied(_("Only the profile team may answer this request."))
    request.status = TeamRequest.Status.ACCEPTED if accept else TeamRequest.Status.REFUSED
    request.answered_at = timezone.now()
    request.answered_by = by
    request.save(update_fields=["status", "answered_at", "answered_by"])
    if accept:
        seat_team_member(request.organisation, request.user, added_by=by)
    from .tasks import send_team_request_answer

    transaction.on_commit(lambda: send_team_request_answer.enqueue(request.pk))
    return request


# People -------------------------------------------------------------------------------------


@audited(
    "registry.person.consent",
    scope=lambda o: o.organisation,
    label=gettext_lazy("changed the consent of a person"),
)
def set_public_consent(person: Person, consent: bool) -> Person:
    person.public_consent = consent
    person.public_consent_at = timezone.now() if consent else None
    person.save(update_fields=["public_consent", "public_consent_at", "updated"])
    return person


# Creation with a team, whole clusters, memberships, people (used by the JSON API) -----------


@audited("registry.organisation.created", by="user", label=gettext_lazy("created the organisation"))
@transaction.atomic
def create_organisation_with_team(
    org: Organisation,
    user,
    *,
    profile: ClusterOrganisation | None = None,
    labels: Iterable[ClusterLabel] | None = None,
    **topics,
) -> Organisation:
    """Create an organisation (with its cluster profile, if given); the creator joins its team.

    ``topics`` are the keyword arguments of :func:`save_organisation`. All or nothing.
    """
    if not user.has_perm("registry.add_organisation"):
        raise PermissionDenied(_("Sign in to add an organisation."))
    if profile is not None:
        org.kind = OrganisationKind.CLUSTER
    save_organisation(org, **topics)
    if profile is not None:
        profile.organisation = org
        save_cluster_profile(profile, labels=labels)
    seat_team_member(org, user, added_by=user)
    return org


@audited(
    "registry.team.seated",
    returns=True,
    by="added_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("gave a seat on the team"),
)
def seat_team_member(org: Organisation, user, added_by=None) -> tuple[ProfileTeamMember, bool]:
    """Give ``user`` a seat on the profile team, unchecked: for the creator of a profile,
    platform staff and the demo data. Colleagues join through :func:`add_team_member`."""
    return ProfileTeamMember.objects.get_or_create(
        organisation=org, user=user, defaults={"added_by": added_by}
    )


@audited("registry.cluster.saved", scope=lambda o: o.organisation)
@transaction.atomic
def save_cluster(
    profile: ClusterOrganisation, *, labels: Iterable[ClusterLabel] | None = None, **topics
) -> ClusterOrganisation:
    """Save a cluster organisation and its profile together: both or neither."""
    save_organisation(profile.organisation, **topics)
    return save_cluster_profile(profile, labels=labels)


@audited(
    "registry.membership.added",
    returns=True,
    by="added_by",
    scope=lambda m: m.cluster.organisation,
    label=gettext_lazy("added a member"),
)
def add_member(
    profile: ClusterOrganisation, member: Organisation, added_by, since: int | None = None
) -> Membership:
    if not added_by.has_perm("registry.change_clusterorganisation", profile):
        raise PermissionDenied(_("Only the profile team may change the member list."))
    if member.pk == profile.organisation_id:
        raise ValidationError({"organisation": _("A cluster is not a member of itself.")})
    if since is not None and not 1800 <= since <= timezone.now().year:
        raise ValidationError({"since": _("Enter a year between 1800 and this year.")})
    confirmed = added_by.is_staff or added_by.has_perm("registry.change_organisation", member)
    membership, created = Membership.objects.get_or_create(
        cluster=profile,
        member=member,
        defaults={
            "since": since,
            "status": MembershipStatus.ACCEPTED if confirmed else MembershipStatus.PROPOSED,
        },
    )
    if not created:
        raise ValidationError(
            {"organisation": _("%(name)s is already a member.") % {"name": member}}
        )
    return membership


@audited(
    "registry.membership.answered",
    by="by",
    scope=lambda m: m.member,
    label=gettext_lazy("answered a membership declared by a cluster"),
)
def answer_membership(membership: Membership, by, *, accept: bool) -> Membership | None:
    """The member's profile team confirms a membership the cluster declared, or declines it
    (the membership is then removed)."""
    if not by.has_perm("registry.change_organisation", membership.member):
        raise PermissionDenied(_("Only the member's profile team may answer."))
    if not accept:
        membership.delete()
        return None
    membership.status = MembershipStatus.ACCEPTED
    membership.save(update_fields=["status"])
    return membership


@audited("registry.membership.added", returns=True, scope=lambda m: m.cluster.organisation)
def record_membership(
    profile: ClusterOrganisation, member: Organisation, since: int | None = None
) -> tuple[Membership, bool]:
    """The membership of ``member`` in the cluster, created if missing (imports, demo data:
    written by platform staff, so confirmed)."""
    return Membership.objects.get_or_create(
        cluster=profile,
        member=member,
        defaults={"since": since, "status": MembershipStatus.ACCEPTED},
    )


@audited(
    "registry.membership.saved",
    scope=lambda m: m.cluster.organisation,
    label=gettext_lazy("saved a membership"),
)
def save_membership(membership: Membership) -> Membership:
    """Save a membership edited by platform staff (admin): validated, the year included; one
    that staff add is confirmed."""
    if membership._state.adding:
        membership.status = MembershipStatus.ACCEPTED
    membership.full_clean(exclude=["cluster", "member"])
    membership.save()
    return membership


@audited(
    "registry.membership.removed",
    by="removed_by",
    scope=lambda m: m.cluster.organisation,
    label=gettext_lazy("removed a member"),
)
def remove_member(membership: Membership, removed_by) -> None:
    if not removed_by.has_perm("registry.change_clusterorganisation", membership.cluster):
        raise PermissionDenied(_("Only the profile team may change the member list."))
    membership.delete()


@audited(
    "registry.person.saved", scope=lambda o: o.organisation, label=gettext_lazy("saved a person")
)
@transaction.atomic
def save_person(person: Person, *, public_consent: bool | None = None) -> Person:
    """Validate and save a person; consent changes through :func:`set_public_consent` (dated)."""
    person.full_clean(exclude=["user", "public_consent", "public_consent_at"])
    person.save()
    if public_consent is not None and public_consent != person.public_consent:
        set_public_consent(person, public_consent)
    return person


@audited(
    "registry.person.deleted",
    by="deleted_by",
    scope=lambda o: o.organisation,
    label=gettext_lazy("removed a person"),
)
def delete_person(person: Person, deleted_by) -> None:
    if not deleted_by.has_perm("registry.change_organisation", person.organisation):
        raise PermissionDenied(_("Only the profile team may remove people."))
    person.delete()


# Personal data --------------------------------------------------------------------------------


def forget_user(user) -> list[Person]:
    """A deleted account's public profile (Person) goes with it; team seats go by cascade;
    invitations it sent stay valid (the organisation sent them). Returns the profiles."""
    people = list(Person.objects.filter(user=user))
    Person.objects.filter(pk__in=[p.pk for p in people]).delete()
    return people
