from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clusterhub.core import audit
from clusterhub.core.forms import apply_errors
from clusterhub.core.svg import bar_chart
from clusterhub.core.templatetags.clusterhub import person
from clusterhub.reference.models import NutsRegion

from . import selectors, services
from .forms import ClusterProfileForm, MemberForm, OrganisationForm, TeamMemberForm, TeamRequestForm
from .models import (
    ClusterOrganisation,
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    ProfileTeamMember,
    TeamInvitation,
    TeamRequest,
)
from .selectors import DirectoryQuery

# A membership's errors shown on the member form: its organisation stands for the pair.
MEMBERSHIP_FIELDS = {
    NON_FIELD_ERRORS: "organisation",
    "member": "organisation",
    "cluster": "organisation",
}

PAGE_SIZE = 20

FACET_TITLES = {
    "country": gettext_lazy("Country"),
    "area": gettext_lazy("Larger region (NUTS 1)"),
    "region": gettext_lazy("Region (NUTS 2)"),
    "ecosystem": gettext_lazy("Industrial ecosystem"),
    "technology": gettext_lazy("Technology"),
    "label": gettext_lazy("Label (verified)"),
    "member_kind": gettext_lazy("Members"),
    "size": gettext_lazy("Size"),
}


def _directory_page(request, directory, template, org_prefix, sorts):
    query = DirectoryQuery.from_params(request.GET)
    results, facets = directory.search(query, prefetch=selectors.page_prefetch(org_prefix))
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "query": query,
        "page": page,
        "facets": facets,
        "facet_titles": [
            (name, _("Kind") if name == "member_kind" and not org_prefix else FACET_TITLES[name])
            for name in directory.facets
        ],
        "sorts": sorts,
        "querystring": params.urlencode(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, template.replace(".html", "_results.html"), context)
    return render(request, template, context)


def cluster_list(request):
    sorts = [
        ("", _("Relevance") if request.GET.get("q") else _("Name")),
        ("name", _("Name")),
        ("-members", _("Most members")),
        ("founded", _("Oldest first")),
        ("-updated", _("Recently updated")),
    ]
    return _directory_page(
        request,
        selectors.cluster_directory(),
        "registry/cluster_list.html",
        "organisation__",
        sorts,
    )


def organisation_list(request):
    sorts = [
        ("", _("Relevance") if request.GET.get("q") else _("Name")),
        ("name", _("Name")),
        ("country", _("Country")),
        ("-updated", _("Recently updated")),
    ]
    return _directory_page(
        request,
        selectors.organisation_directory(),
        "registry/organisation_list.html",
        "",
        sorts,
    )


def _export(request, directory, fmt, rows_for, filename):
    from . import exports

    if fmt not in ("csv", "xlsx"):
        raise Http404
    query = DirectoryQuery.from_params(request.GET)
    rows = rows_for(directory.results(query))
    if fmt == "csv":
        return exports.export_csv(rows, filename)
    return exports.export_xlsx(rows, filename)


def cluster_export(request, fmt):
    from . import exports

    return _export(request, selectors.cluster_directory(), fmt, exports.cluster_rows, "clusters")


def organisation_export(request, fmt):
    from . import exports

    return _export(
        request,
        selectors.organisation_directory(),
        fmt,
        exports.organisation_rows,
        "organisations",
    )


def cluster_detail(request, slug):
    try:
        profile = selectors.cluster_profile(slug)
    except ClusterOrganisation.DoesNotExist:
        get_object_or_404(Organisation, slug=slug)  # an organisation without cluster profile
        return redirect("registry:organisation-detail", slug=slug)
    org = profile.organisation
    kinds = [
        (_("Companies"), profile.members_companies),
        (_("of which SMEs"), profile.members_smes),
        (_("Research organisations"), profile.members_research),
        (_("Universities"), profile.members_universities),
        (_("Public bodies"), profile.members_public),
        (_("Others"), profile.members_other),
    ]
    return render(
        request,
        "registry/cluster_detail.html",
        {
            "profile": profile,
            "org": org,
            "missing": profile.missing_criteria(),
            "criteria": profile.criteria(),
            "checked_at": profile.figures_checked_at,
            "declared": not profile.figures_checked_at,
            "members_chart": bar_chart(kinds) if profile.members_total else "",
            "people": selectors.public_people(org),
            "participations": selectors.projects_of(org),
            "collaborators": selectors.collaborators_of(org),
            **_member_of(org),
            **_team_request_of(request, org),
        },
    )


def _team_request_of(request, org: Organisation) -> dict:
    """Whether the reader edits the profile, and otherwise their request for a seat."""
    can_edit = request.user.has_perm("registry.change_organisation", org)
    waiting = None
    if request.user.is_authenticated and not can_edit:
        waiting = org.team_requests.filter(user=request.user, status="pending").first()
    return {"can_edit": can_edit, "team_request": waiting}


def _member_of(org: Organisation) -> dict:
    """The clusters ``org`` is a confirmed member of, and those waiting for its team."""
    memberships = org.memberships.select_related("cluster__organisation")
    return {
        "clusters": memberships.filter(status=MembershipStatus.ACCEPTED),
        "proposals": memberships.filter(status=MembershipStatus.PROPOSED),
    }


def organisation_detail(request, slug):
    try:
        org = selectors.organisation_profile(slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    if hasattr(org, "cluster_profile"):
        return redirect("registry:cluster-detail", slug=slug, permanent=True)
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "org": org,
            "people": selectors.public_people(org),
            "participations": selectors.projects_of(org),
            "collaborators": selectors.collaborators_of(org),
            **_member_of(org),
            **_team_request_of(request, org),
        },
    )


def _editable(request, slug) -> Organisation:
    org = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("registry.change_organisation", org):
        raise PermissionDenied(_("Only the profile team can edit this profile."))
    return org


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    org = _editable(request, slug)
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            org = form.save(commit=False)
            org.nuts_region = form.cleaned_data["nuts_region"]
            services.save_organisation(
                org,
                ecosystems=form.cleaned_data["ecosystems"],
                technologies=form.cleaned_data["technologies"],
                nace_activities=form.cleaned_data["nace_activities"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect(org)
    return render(request, "registry/organisation_form.html", {"form": form, "org": org})


@login_required
@require_http_methods(["GET", "POST"])
def cluster_edit(request, slug):
    org = _editable(request, slug)
    profile = getattr(org, "cluster_profile", None) or ClusterOrganisation(organisation=org)
    criteria = profile.criteria() if profile.pk else None  # as saved, before the form binds
    checked = (profile.figures_checked_at, profile.figures_checked_by) if profile.pk else None
    data = request.POST or None
    org_form = OrganisationForm(data, instance=org, prefix="org")
    profile_form = ClusterProfileForm(data, instance=profile, prefix="profile")
    if request.method == "POST" and org_form.is_valid() and profile_form.is_valid():
        try:
            with transaction.atomic():
                org = org_form.save(commit=False)
                org.nuts_region = org_form.cleaned_data["nuts_region"]
                org.kind = OrganisationKind.CLUSTER
                services.save_organisation(
                    org,
                    ecosystems=org_form.cleaned_data["ecosystems"],
                    technologies=org_form.cleaned_data["technologies"],
                    nace_activities=org_form.cleaned_data["nace_activities"],
                )
                services.save_cluster_profile(profile_form.save(commit=False))
        except ValidationError as error:
            apply_errors(profile_form, error)
        else:
            messages.success(request, _("Cluster profile saved."))
            return redirect("registry:cluster-detail", slug=org.slug)
    return render(
        request,
        "registry/cluster_form.html",
        {
            "org_form": org_form,
            "profile_form": profile_form,
            "org": org,
            "criteria": criteria,
            "missing": [text for text, met in criteria or [] if not met],
            "checked_at": checked[0] if checked else None,
            "declared": bool(checked) and not checked[0],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request, cluster=False):
    org_form = OrganisationForm(request.POST or None, prefix="org")
    if cluster:
        org_form.fields.pop("kind")
        org_form.fields.pop("is_sme")
    profile_form = ClusterProfileForm(request.POST or None, prefix="profile") if cluster else None
    if (
        request.method == "POST"
        and org_form.is_valid()
        and (profile_form is None or profile_form.is_valid())
    ):
        try:
            org = org_form.save(commit=False)
            org.nuts_region = org_form.cleaned_data["nuts_region"]
            services.create_organisation_with_team(
                org,
                request.user,
                profile=profile_form.save(commit=False) if cluster else None,
                ecosystems=org_form.cleaned_data["ecosystems"],
                technologies=org_form.cleaned_data["technologies"],
                nace_activities=org_form.cleaned_data["nace_activities"],
            )
        except ValidationError as error:
            apply_errors(org_form, error)
        else:
            messages.success(request, _("Profile created. You are its first team member."))
            return redirect(org)
    return render(
        request,
        "registry/cluster_form.html" if cluster else "registry/organisation_form.html",
        {"org_form": org_form, "form": org_form, "profile_form": profile_form, "org": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team(request, slug):
    org = _editable(request, slug)
    form = TeamMemberForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            member = get_object_or_404(
                ProfileTeamMember, pk=request.POST["remove"], organisation=org
            )
            services.remove_team_member(member, request.user)
            messages.success(request, _("%(user)s left the team.") % {"user": member.user})
            return redirect("registry:team", slug=slug)
        if "withdraw" in request.POST:
            invitation = get_object_or_404(
                TeamInvitation, pk=request.POST["withdraw"], organisation=org
            )
            services.withdraw_invitation(invitation, request.user)
            messages.success(request, _("Invitation withdrawn."))
            return redirect("registry:team", slug=slug)
        if "request" in request.POST:
            team_request = get_object_or_404(
                TeamRequest, pk=request.POST["request"], organisation=org
            )
            accept = request.POST.get("answer") == "accept"
            try:
                services.answer_team_request(team_request, request.user, accept=accept)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    (
                        _("%(user)s joined the team.")
                        if accept
                        else _("Request of %(user)s refused.")
                    )
                    % {"user": person(team_request.user)},
                )
            return redirect("registry:team", slug=slug)
        if form.is_valid():
            invitation = services.add_team_member(org, form.cleaned_data["email"], request.user)
            messages.success(
                request,
                _("We sent an invitation to %(email)s. They join the team once they accept it.")
                % {"email": invitation.email},
            )
            return redirect("registry:team", slug=slug)
    return render(
        request,
        "registry/team.html",
        {
            "org": org,
            "form": form,
            "members": org.team_members.select_related("user", "added_by").order_by("added_at"),
            "invitations": org.team_invitations.order_by("created"),
            "requests": [
                r
                for r in org.team_requests.filter(status="pending").select_related("user")
                if services.may_answer_team_request(r, request.user)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_join(request, slug):
    """Ask for a seat on the profile team (or claim an organisation that has no team)."""
    org = get_object_or_404(Organisation, slug=slug)
    if request.user.has_perm("registry.change_organisation", org):
        return redirect("registry:team", slug=slug)
    has_team = org.team_members.exists()
    form = TeamRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_team_seat(org, request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your request was sent to the profile team. You will get an e-mail with the "
                    "answer."
                )
                if has_team
                else _(
                    "Your claim was sent to platform staff. You will get an e-mail with the answer."
                ),
            )
            return redirect(org.get_absolute_url())
    return render(
        request, "registry/team_join.html", {"org": org, "form": form, "has_team": has_team}
    )


def cluster_map(request):
    query = DirectoryQuery.from_params(request.GET)
    by_region, by_country = selectors.map_counts(query)
    view = "country" if request.GET.get("by") == "country" else "region"
    counts = by_country if view == "country" else by_region
    level = 0 if view == "country" else 2
    from clusterhub.core import svg

    bounds = svg.colour_steps(max(counts.values(), default=0))
    # A click on a region keeps the filters that were set (the region or country replaces any).
    kept = request.GET.copy()
    for name in ("by", "page", "area", "region", "country"):
        kept.pop(name, None)
    kept = kept.urlencode()
    points = []
    for row in selectors.map_points(query):
        x, y = svg.project(row["longitude"], row["latitude"])
        points.append(
            {
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "name": row["short_name"] or row["legal_name"],
                "city": row["city"],
                "href": reverse("registry:cluster-detail", args=[row["slug"]]),
            }
        )
    regions = NutsRegion.objects.filter(level__in={0, level}).only(
        "code", "name_latin", "level", "country_id", "svg_path"
    )
    shapes, outlines = [], []
    for region in regions:
        if not region.svg_path:
            continue
        if region.level == level:
            key = region.country_id if view == "country" else region.code
            n = counts.get(key, 0)
            param = f"country={region.country_id}" if view == "country" else f"region={region.code}"
            shapes.append(
                {
                    "code": region.code,
                    "name": region.name_latin,
                    "path": region.svg_path,
                    "count": n,
                    "fill": svg.colour_for(n, bounds),
                    "href": f"{reverse('registry:cluster-list')}?{kept}&{param}"
                    if kept
                    else f"{reverse('registry:cluster-list')}?{param}",
                }
            )
        if region.level == 0:
            outlines.append(region.svg_path)
    on_map = {r.country_id for r in regions if r.level == 0}
    elsewhere = sorted(
        ((code, n) for code, n in by_country.items() if code not in on_map), key=lambda x: -x[1]
    )
    top = sorted(shapes, key=lambda s: -s["count"])[:10]
    return render(
        request,
        "registry/map.html",
        {
            "shapes": shapes,
            "outlines": outlines if view == "region" else [],
            "viewbox": " ".join(f"{v:.0f}" for v in svg.EUROPE_VIEWBOX),
            "legend": svg.legend(bounds),
            "view": view,
            "query": query,
            "total": sum(by_country.values()),
            "elsewhere": elsewhere,
            "top": [s for s in top if s["count"]],
            "points": points,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def cluster_members(request, slug):
    org = _editable(request, slug)
    profile = get_object_or_404(ClusterOrganisation, organisation=org)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if "remove" in request.POST:
            membership = get_object_or_404(Membership, pk=request.POST["remove"], cluster=profile)
            services.remove_member(membership, request.user)
            messages.success(request, _("%(name)s removed.") % {"name": membership.member})
            return redirect("registry:cluster-members", slug=slug)
        if form.is_valid():
            try:
                membership = services.add_member(
                    profile,
                    form.cleaned_data["organisation"],
                    request.user,
                    since=form.cleaned_data["since"],
                )
            except ValidationError as error:
                apply_errors(form, error, MEMBERSHIP_FIELDS)
            else:
                messages.success(request, _("%(name)s added.") % {"name": membership.member})
                return redirect("registry:cluster-members", slug=slug)
    return render(
        request,
        "registry/members.html",
        {
            "org": org,
            "form": form,
            "memberships": profile.memberships.select_related("member", "member__country").order_by(
                "member__legal_name"
            ),
        },
    )


@login_required
def invitations(request):
    """The invitations to profile teams waiting for the signed-in person's answer."""
    return render(
        request,
        "registry/invitations.html",
        {"invitations": services.pending_invitations(request.user)},
    )


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """An invitation's page, reached from its e-mail: who invites to which team, and the
    answer, for the account that holds the invited address."""
    found = services.invitation_from_token(token)
    if found is None:
        return render(request, "registry/invitation.html", {"invalid": True}, status=404)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    allowed = services.may_answer_invitation(found, request.user)
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        services.answer_invitation(found, request.user, accept=accept)
        if accept:
            messages.success(
                request,
                _("You joined the profile team of %(name)s.") % {"name": found.organisation.name},
            )
            return redirect(found.organisation.get_absolute_url())
        messages.info(request, _("Invitation declined."))
        return redirect("registry:invitations")
    return render(
        request,
        "registry/invitation.html",
        {"invitation": found, "allowed": allowed},
        status=200 if allowed else 403,
    )


@login_required
@require_http_methods(["POST"])
def membership_answer(request, slug, pk):
    """The member's profile team confirms, or denies, a membership a cluster declared."""
    org = _editable(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("cluster__organisation"), pk=pk, member=org
    )
    accept = request.POST.get("answer") == "accept"
    services.answer_membership(membership, request.user, accept=accept)
    name = membership.cluster.organisation.name
    if accept:
        messages.success(request, _("Membership of %(name)s confirmed.") % {"name": name})
    else:
        messages.info(request, _("%(name)s no longer lists you as a member.") % {"name": name})
    return redirect(org.get_absolute_url())


@login_required
def history(request, slug):
    """The history of an organisation's profile, for its team and platform staff."""
    org = _editable(request, slug)
    return render(
        request, "registry/history.html", {"org": org, "page": audit.history_page(request, org)}
    )
