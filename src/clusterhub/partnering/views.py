"""Pages of the partnering app: opportunities, funding calls and consortium workspaces.

Thin views: reads through :mod:`.selectors`, every write through :mod:`.services`. A
consortium workspace answers 404 to anyone without access (its existence is not revealed),
except to the invited organisation's side, which sees the invitation and may join.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clusterhub.core import audit
from clusterhub.core.exports import export_csv, export_xlsx
from clusterhub.core.forms import apply_errors, error_text

from . import selectors, services
from .forms import (
    AccessForm,
    AnswerForm,
    CallForm,
    ChecklistForm,
    ConsortiumForm,
    InterestForm,
    InviteForm,
    MemberChangeForm,
    NoteForm,
    OpportunityForm,
    PartnerSearchForm,
    RulesForm,
)
from .models import (
    ChecklistItem,
    Consortium,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    MemberRole,
    MemberStatus,
    Opportunity,
    OpportunityFollower,
    OpportunityStatus,
)
from .selectors import OpportunityQuery

PAGE_SIZE = 20

FACET_TITLES = [
    ("kind", gettext_lazy("Kind")),
    ("partnership_kind", gettext_lazy("Partnership sought")),
    ("partner_kind", gettext_lazy("Partner sought")),
    ("ecosystem", gettext_lazy("Industrial ecosystem")),
    ("technology", gettext_lazy("Technology")),
    ("target_country", gettext_lazy("Target country")),
    ("owner_country", gettext_lazy("Country of the owner")),
]


# Opportunities ------------------------------------------------------------------------------


def opportunity_list(request):
    query = OpportunityQuery.from_params(request.GET)
    page = Paginator(selectors.opportunity_results(query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "query": query,
        "page": page,
        "facets": selectors.opportunity_facets(query),
        "facet_titles": FACET_TITLES,
        "sorts": [("", _("Newest first")), ("deadline", _("Deadline soonest"))],
        "querystring": params.urlencode(),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "partnering/opportunity_list_results.html", context)
    return render(request, "partnering/opportunity_list.html", context)


def find_partners(request):
    """Partner recommendations for a request typed by anyone; a signed-in member of a profile
    team may ask on behalf of their organisation (its history counts)."""
    organisations = (
        selectors.team_organisations(request.user) if request.user.is_authenticated else None
    )
    form = PartnerSearchForm(request.GET or None, organisations=organisations)
    results = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            results = selectors.find_partners(
                data["q"],
                data["organisation"],
                data["call"],
                data["kind"],
                data["country"].code if data["country"] else "",
            )
        except ValidationError as error:
            form.add_error(None, error)
    return render(request, "partnering/find_partners.html", {"form": form, "results": results})


def _opportunity(request, pk: int) -> Opportunity:
    try:
        opp = selectors.opportunity_page(pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    if not selectors.may_see_opportunity(request.user, opp):
        raise Http404
    return opp


def _is_owner(user, opp: Opportunity) -> bool:
    return user.is_authenticated and user.has_perm("registry.change_organisation", opp.owner)


def _speakers(user, opp: Opportunity):
    """Organisations ``user`` may express interest for: their teams', not the owner."""
    return selectors.team_organisations(user).exclude(pk=opp.owner_id)


def _opportunity_context(request, opp: Opportunity, interest_form=None) -> dict:
    user = request.user
    is_owner = _is_owner(user, opp)
    speakers = _speakers(user, opp) if user.is_authenticated else None
    already = []
    if speakers is not None:
        speakers = list(speakers)
        done = set(
            ExpressionOfInterest.objects.filter(
                opportunity=opp, organisation__in=[o.pk for o in speakers]
            ).values_list("organisation_id", flat=True)
        )
        already = [o for o in speakers if o.pk in done]
        speakers = [o for o in speakers if o.pk not in done]
    if interest_form is None and speakers and opp.status == OpportunityStatus.PUBLISHED:
        ids = [o.pk for o in speakers]
        interest_form = InterestForm(
            organisations=selectors.team_organisations(user).filter(pk__in=ids)
        )
    interests = list(selectors.interests_of(opp)) if is_owner else []
    return {
        "opp": opp,
        "is_owner": is_owner,
        "interest_form": interest_form,
        "already_interested": already,
        "following": user.is_authenticated
        and OpportunityFollower.objects.filter(opportunity=opp, user=user).exists(),
        "interests": [(i, AnswerForm(initial={"answer": i.answer})) for i in interests],
        "similar": selectors.similar_opportunities(opp),
        "recommended": selectors.recommended_for_opportunity(opp),
        "renewable": opp.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.EXPIRED),
    }


def opportunity_detail(request, pk: int):
    opp = _opportunity(request, pk)
    return render(request, "partnering/opportunity_detail.html", _opportunity_context(request, opp))


@login_required
@require_POST
def opportunity_interest(request, pk: int):
    opp = _opportunity(request, pk)
    organisations = _speakers(request.user, opp)
    form = InterestForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            services.express_interest(
                opp, form.cleaned_data["organisation"], request.user, form.cleaned_data["message"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your interest was sent to %(org)s with your profile. You now follow this "
                    "opportunity."
                )
                % {"org": opp.owner.name},
            )
            return redirect(opp)
    context = _opportunity_context(request, opp, interest_form=form)
    return render(request, "partnering/opportunity_detail.html", context)


@login_required
@require_POST
def interest_answer(request, pk: int, interest_pk: int):
    opp = _opportunity(request, pk)
    interest = get_object_or_404(
        ExpressionOfInterest.objects.select_related("opportunity__owner"),
        pk=interest_pk,
        opportunity=opp,
    )
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_interest(interest, form.cleaned_data["answer"], request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Your answer was sent to %(org)s.") % {"org": interest.organisation.name},
            )
    else:
        messages.error(request, _("Write an answer."))
    return redirect(reverse("partnering:opportunity", args=[opp.pk]) + "#interests")


@login_required
@require_POST
def opportunity_action(request, pk: int, action: str):
    opp = _opportunity(request, pk)
    try:
        if action == "publish":
            renewed = opp.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.EXPIRED)
            services.publish_opportunity(opp, request.user)
            messages.success(
                request,
                (_("Renewed until %(date)s.") if renewed else _("Published until %(date)s."))
                % {"date": opp.expires_on},
            )
        elif action == "close":
            services.close_opportunity(opp, request.user)
            messages.success(request, _("The opportunity is closed."))
        elif action in ("follow", "unfollow"):
            services.follow(opp, request.user, on=action == "follow")
            messages.success(
                request,
                _("You follow this opportunity: changes reach you by e-mail.")
                if action == "follow"
                else _("You no longer follow this opportunity."),
            )
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(opp)


def _save_opportunity_form(request, form, opp: Opportunity) -> bool:
    """Save (and publish, with the "publish" button) through the services; False with the
    errors on the form."""
    try:
        services.save_opportunity(
            opp,
            user=request.user,
            ecosystems=form.cleaned_data["ecosystems"],
            technologies=form.cleaned_data["technologies"],
            target_countries=form.cleaned_data["target_countries"],
            publish="publish" in request.POST,
        )
    except ValidationError as error:
        apply_errors(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request):
    owners = selectors.team_organisations(request.user)
    if not owners.exists():
        return render(request, "partnering/opportunity_form.html", {"no_team": True})
    form = OpportunityForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        opp = form.save(commit=False)
        opp.owner = form.cleaned_data["owner"]
        if _save_opportunity_form(request, form, opp):
            messages.success(
                request,
                _("Published.") if opp.status == OpportunityStatus.PUBLISHED else _("Draft saved."),
            )
            return redirect(opp)
    return render(request, "partnering/opportunity_form.html", {"form": form, "opp": None})


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk: int):
    opp = _opportunity(request, pk)
    if not _is_owner(request.user, opp):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    form = OpportunityForm(request.POST or None, instance=opp)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save_opportunity_form(request, form, form.save(commit=False))
    ):
        messages.success(request, _("Saved."))
        return redirect(opp)
    return render(request, "partnering/opportunity_form.html", {"form": form, "opp": opp})


# Funding calls ------------------------------------------------------------------------------


def call_list(request):
    page = Paginator(selectors.call_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnering/call_list.html",
        {
            "page": page,
            "now": timezone.now(),
            "can_add": request.user.has_perm("partnering.add_fundingcall"),
        },
    )


def _call_context(request, call: FundingCall, consortium_form=None) -> dict:
    user = request.user
    is_open = call.deadline > timezone.now()
    if consortium_form is None and user.is_authenticated and is_open:
        organisations = selectors.team_organisations(user)
        if organisations.exists():
            consortium_form = ConsortiumForm(organisations=organisations)
    return {
        "call": call,
        "is_open": is_open,
        "sentences": selectors.rule_sentences(call),
        "consortium_form": consortium_form,
        "my_consortia": selectors.consortia_of(user).filter(call=call),
        "can_edit": user.has_perm("partnering.change_fundingcall"),
    }


def call_detail(request, pk: int):
    call = get_object_or_404(FundingCall, pk=pk)
    return render(request, "partnering/call_detail.html", _call_context(request, call))


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk: int | None = None):
    if not request.user.has_perm("partnering.change_fundingcall"):
        raise PermissionDenied(_("Only platform staff may publish funding calls."))
    call = get_object_or_404(FundingCall, pk=pk) if pk else FundingCall()
    data = request.POST or None
    form = CallForm(data, instance=call, prefix="call")
    rules_form = RulesForm(
        data,
        prefix="rules",
        rules=call.rules if call.pk else services.eligibility.HORIZON_EUROPE_DEFAULT.to_dict(),
    )
    if request.method == "POST" and form.is_valid() and rules_form.is_valid():
        call = form.save(commit=False)
        call.rules = rules_form.rules
        try:
            services.save_call(call, request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Call saved."))
            return redirect(call)
    return render(
        request,
        "partnering/call_form.html",
        {"form": form, "rules_form": rules_form, "call": call if call.pk else None},
    )


@login_required
@require_POST
def consortium_create(request, pk: int):
    call = get_object_or_404(FundingCall, pk=pk)
    form = ConsortiumForm(request.POST, organisations=selectors.team_organisations(request.user))
    if form.is_valid():
        try:
            consortium = services.create_consortium(
                call,
                form.cleaned_data["coordinator"],
                request.user,
                acronym=form.cleaned_data["acronym"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The %(acronym)s workspace is open. Invite your partners.")
                % {"acronym": consortium.acronym},
            )
            return redirect(consortium)
    return render(
        request, "partnering/call_detail.html", _call_context(request, call, consortium_form=form)
    )


# Consortium workspace -----------------------------------------------------------------------


def _consortium(request, pk: int) -> Consortium:
    """The consortium, for users who work in it (and staff); 404 for everyone else."""
    try:
        consortium = selectors.consortium_page(pk)
    except Consortium.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("partnering.view_consortium", consortium):
        raise Http404
    return consortium


def _verdict(consortium: Consortium, members):
    try:
        return services.verdict(consortium, members)
    except ValidationError:
        return None  # the call's rules are malformed: the page says so


def _workspace_context(request, consortium: Consortium, **extra) -> dict:
    members = selectors.workspace_members(consortium)
    context = {
        "consortium": consortium,
        "call": consortium.call,
        "members": members,
        "verdict": _verdict(consortium, members),
        "gaps": selectors.gaps_of(consortium, members),
        "status_choices": MemberStatus.choices,
        "role_choices": MemberRole.choices,
        "invite_form": InviteForm(consortium=consortium),
        "note_form": NoteForm(initial={"note": consortium.note}),
        "checklist": selectors.checklist_of(consortium),
        "checklist_form": ChecklistForm(),
        "access_form": AccessForm(consortium=consortium),
        "colleagues": selectors.consortium_colleagues(consortium),
        "broken": [],
    }
    context.update(extra)
    return context


def _live(request, consortium: Consortium, **extra):
    """After a change: the live part (members, verdict, gaps) for htmx, else the page."""
    context = _workspace_context(request, consortium, **extra)
    if request.htmx:
        return render(request, "partnering/_workspace_live.html", context)
    return render(request, "partnering/consortium_detail.html", context)


@login_required
def consortium_list(request):
    page = Paginator(selectors.consortia_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "partnering/consortium_list.html", {"page": page})


@login_required
def consortium_detail(request, pk: int):
    consortium = get_object_or_404(
        Consortium.objects.select_related("call", "coordinator__country"), pk=pk
    )
    if not request.user.has_perm("partnering.view_consortium", consortium):
        # The invited organisation's side sees the invitation (what its e-mail said), and
        # may join; anyone else learns nothing.
        seat = selectors.pending_invitation(consortium, request.user)
        if seat is None:
            raise Http404
        return render(
            request, "partnering/invitation.html", {"consortium": consortium, "seat": seat}
        )
    return render(
        request, "partnering/consortium_detail.html", _workspace_context(request, consortium)
    )


@login_required
@require_POST
def consortium_join(request, pk: int):
    consortium = get_object_or_404(Consortium, pk=pk)
    seat = selectors.pending_invitation(consortium, request.user)
    if seat is None:
        raise Http404
    accept = request.POST.get("accept") == "1"
    services.answer_invitation(seat, request.user, accept=accept)
    if accept:
        messages.success(
            request,
            _(
                "Welcome to the %(acronym)s workspace. Confirm your participation in the members "
                "table when you are ready."
            )
            % {"acronym": consortium.acronym},
        )
        return redirect(consortium)
    messages.success(request, _("You declined the invitation."))
    return redirect("partnering:consortium-list")


def _broken_message(broken) -> str:
    return _("This change breaks: %(problems)s") % {"problems": " ".join(p.message for p in broken)}


@login_required
@require_POST
def consortium_member(request, pk: int, member_pk: int):
    consortium = _consortium(request, pk)
    member = get_object_or_404(
        ConsortiumMember.objects.select_related("organisation"), pk=member_pk, consortium=consortium
    )
    member.consortium = consortium
    form = MemberChangeForm(request.POST)
    broken, error = [], None
    if form.is_valid():
        try:
            broken = services.change_member(
                member,
                request.user,
                status=form.cleaned_data["status"],
                role=form.cleaned_data["role"],
                work_packages=form.cleaned_data["work_packages"],
            )
        except ValidationError as exc:
            error = error_text(exc)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        elif broken:
            messages.warning(request, _broken_message(broken))
        else:
            messages.success(request, _("%(org)s updated.") % {"org": member.organisation.name})
        return redirect(consortium)
    return _live(request, consortium, broken=broken, member_error=error)


@login_required
@require_POST
def consortium_invite(request, pk: int):
    consortium = _consortium(request, pk)
    form = InviteForm(request.POST, consortium=consortium)
    if form.is_valid():
        try:
            member = services.invite_member(
                consortium,
                form.cleaned_data["organisation"],
                request.user,
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                affiliated_to=form.cleaned_data["affiliated_to"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            text = _("%(org)s is invited.") % {"org": member.organisation.name}
            if member.contact_email:
                text += " " + _("An invitation went to %(email)s.") % {
                    "email": member.contact_email
                }
            if request.htmx:
                return _live(request, consortium, invited=text)
            messages.success(request, text)
            return redirect(consortium)
    return _live(request, consortium, invite_form=form)


@login_required
@require_POST
def consortium_note(request, pk: int):
    consortium = _consortium(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.update_note(consortium, form.cleaned_data["note"], request.user)
        text = _("Saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}
    else:
        text = " ".join(form.errors.get("note", []))
    if request.htmx:
        return HttpResponse(text)
    messages.success(request, text)
    return redirect(consortium)


def _checklist_response(request, consortium: Consortium, form=None):
    if request.htmx:
        return render(
            request,
            "partnering/_checklist.html",
            {
                "consortium": consortium,
                "checklist": selectors.checklist_of(consortium),
                "checklist_form": form or ChecklistForm(),
            },
        )
    return redirect(reverse("partnering:consortium", args=[consortium.pk]) + "#checklist")


@login_required
@require_POST
def checklist_add(request, pk: int):
    consortium = _consortium(request, pk)
    form = ChecklistForm(request.POST)
    if form.is_valid():
        try:
            services.add_checklist_item(consortium, form.cleaned_data["text"], request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            form = None
    if form is not None and not request.htmx:
        messages.error(request, _("Write the item."))
    return _checklist_response(request, consortium, form)


@login_required
@require_POST
def checklist_tick(request, pk: int, item_pk: int):
    consortium = _consortium(request, pk)
    item = get_object_or_404(ChecklistItem, pk=item_pk, consortium=consortium)
    item.consortium = consortium
    services.set_checklist_item(item, request.POST.get("done") in ("1", "on", "true"), request.user)
    return _checklist_response(request, consortium)


@login_required
@require_POST
def consortium_access(request, pk: int):
    consortium = _consortium(request, pk)
    form = AccessForm(request.POST, consortium=consortium)
    if form.is_valid():
        services.grant_access(consortium, form.user, request.user, form.cleaned_data["member"])
        messages.success(
            request,
            _("%(email)s may now open this workspace.") % {"email": form.cleaned_data["email"]},
        )
        return redirect(reverse("partnering:consortium", args=[consortium.pk]) + "#access")
    return _live(request, consortium, access_form=form)


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, imported when a PDF is asked for (it is slow to import)."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def consortium_summary_pdf(consortium: Consortium) -> bytes:
    """The one-page summary: the call, the members and the eligibility verdict."""
    members = selectors.workspace_members(consortium)
    html = render_to_string(
        "partnering/print/consortium.html",
        {
            "consortium": consortium,
            "call": consortium.call,
            "members": members,
            "verdict": _verdict(consortium, members),
            "sentences": selectors.rule_sentences(consortium.call),
            "printed": timezone.now(),
        },
    )
    return html_to_pdf(html)


@login_required
def consortium_export(request, pk: int, fmt: str):
    consortium = _consortium(request, pk)
    name = f"{slugify(consortium.acronym) or 'consortium'}-members"
    if fmt == "pdf":
        response = HttpResponse(consortium_summary_pdf(consortium), content_type="application/pdf")
        filename = f"{slugify(consortium.acronym) or 'consortium'}-summary.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = selectors.consortium_rows(selectors.workspace_members(consortium), settings.SITE_URL)
    if fmt == "csv":
        return export_csv(rows, selectors.EXPORT_COLUMNS, name)
    return export_xlsx(rows, selectors.EXPORT_COLUMNS, name)


@login_required
def opportunity_history(request, pk: int):
    """Who changed what in the opportunity and its expressions of interest: for its owners."""
    opp = _opportunity(request, pk)
    if not _is_owner(request.user, opp):
        raise PermissionDenied(_("Only the team of %(org)s may do this.") % {"org": opp.owner})
    return render(
        request,
        "partnering/history.html",
        {
            "title": opp.title,
            "back": opp.get_absolute_url(),
            "page": audit.history_page(request, opp),
        },
    )


@login_required
def consortium_history(request, pk: int):
    """Who changed what in the consortium: for those who work in it."""
    consortium = _consortium(request, pk)
    return render(
        request,
        "partnering/history.html",
        {
            "title": consortium.acronym,
            "back": reverse("partnering:consortium", args=[consortium.pk]),
            "page": audit.history_page(request, consortium),
        },
    )
