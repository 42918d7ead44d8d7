"""Admin of the registry. Saves go through ``registry.services`` so that the derived fields
(slug, NUTS region, search document, member total, validation) stay right; the import page
(``admin:registry_organisation_import``) starts ``registry.tasks.start_import``, a job that runs
``registry.imports.run_import`` off the request."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clusterhub.core import jobs
from clusterhub.core.admin import AuditedAdmin
from clusterhub.core.models import Job

from . import services, tasks
from .models import (
    ClusterLabel,
    ClusterOrganisation,
    Membership,
    Organisation,
    Participation,
    Person,
    ProfileTeamMember,
    Project,
    TeamInvitation,
    TeamRequest,
)

ORG_HEAVY_FIELDS = ("search_document", "nuts_region__geometry", "nuts_region__svg_path")


# Organisations --------------------------------------------------------------------------------


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = (
            "legal_name",
            "short_name",
            "kind",
            "is_sme",
            "pic",
            "country",
            "nuts_region",
            "city",
            "latitude",
            "longitude",
            "website",
            "description",
            "ecosystems",
            "technologies",
            "nace_activities",
        )

    def clean(self):
        cleaned = super().clean()
        region, country = cleaned.get("nuts_region"), cleaned.get("country")
        if region and country and region.country_id != country.pk:
            self.add_error(
                "nuts_region",
                _("NUTS region %(code)s is not in %(country)s.")
                % {"code": region.code, "country": country.name},
            )
        return cleaned


class ClusterProfileInline(admin.StackedInline):
    model = ClusterOrganisation
    extra = 0
    max_num = 1
    readonly_fields = ("members_total", "is_validated")
    fields = (
        "founding_year",
        ("members_companies", "members_smes"),
        ("members_research", "members_universities", "members_public", "members_other"),
        ("members_total", "is_validated"),
        "management_fte",
        "support_programmes",
        "languages",
        ("contact_name", "contact_email", "contact_phone"),
    )


class ProfileTeamInline(admin.TabularInline):
    model = ProfileTeamMember
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("added_by", "added_at")


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=[
            ("organisations", gettext_lazy("Organisations")),
            ("clusters", gettext_lazy("Cluster organisations with their profile")),
            ("cordis", gettext_lazy("CORDIS participations (organization.csv)")),
        ],
    )
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
    projects_file = forms.FileField(
        label=gettext_lazy("CORDIS projects file (optional)"),
        required=False,
        help_text=gettext_lazy("Gives each project its call topic; CORDIS imports only."),
    )
    dry_run = forms.BooleanField(label=gettext_lazy("Check only, write nothing"), required=False)

    def clean(self):
        cleaned = super().clean()
        limit = settings.CLUSTERHUB_MAX_UPLOAD_BYTES
        for name in ("file", "projects_file"):
            upload = cleaned.get(name)
            if upload is not None and upload.size > limit:
                self.add_error(
                    name,
                    _("The file is %(size)d MB; the limit is %(limit)d MB.")
                    % {"size": upload.size // 2**20, "limit": limit // 2**20},
                )
        if cleaned.get("projects_file") and cleaned.get("kind") != "cordis":
            self.add_error("projects_file", _("A projects file goes with a CORDIS import only."))
        return cleaned


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ("legal_name", "short_name", "kind", "is_sme", "country", "nuts_region", "pic")
    list_select_related = ("country", "nuts_region")
    list_filter = (
        "kind",
        "is_sme",
        ("country", admin.RelatedOnlyFieldListFilter),
        "ecosystems",
    )
    search_fields = ("legal_name", "short_name", "pic", "city", "slug")
    autocomplete_fields = (
        "country",
        "nuts_region",
        "ecosystems",
        "technologies",
        "nace_activities",
    )
    readonly_fields = ("slug", "created", "updated")
    fieldsets = (
        (None, {"fields": ("legal_name", "short_name", "slug", "kind", "is_sme", "pic")}),
        (
            gettext_lazy("Location"),
            {"fields": ("country", "nuts_region", "city", ("latitude", "longitude"))},
        ),
        (
            gettext_lazy("Profile"),
            {
                "fields": (
                    "website",
                    "description",
                    "ecosystems",
                    "technologies",
                    "nace_activities",
                )
            },
        ),
        (gettext_lazy("History"), {"fields": ("created", "updated")}),
    )
    inlines = [ClusterProfileInline, ProfileTeamInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("country", "nuts_region")
            .defer(*ORG_HEAVY_FIELDS)
        )

    def save_model(self, request, obj, form, change):
        services.save_organisation(obj)

    def save_related(self, request, form, formsets, change):
        cleaned = form.cleaned_data
        services.save_organisation(
            form.instance,
            ecosystems=cleaned.get("ecosystems"),
            technologies=cleaned.get("technologies"),
            nace_activities=cleaned.get("nace_activities"),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ClusterOrganisation:
            profiles = formset.save(commit=False)
            for profile in formset.deleted_objects:
                services.delete_cluster_profile(profile)
            for profile in profiles:
                profile.organisation = form.instance
                services.save_cluster_profile(profile)
        elif formset.model is ProfileTeamMember:
            members = formset.save(commit=False)
            for member in formset.deleted_objects:
                services.remove_team_member(member, request.user)
            for member in members:
                services.save_team_member(member, added_by=request.user)
        else:
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        services.delete_organisation(obj, request.user)

    def delete_queryset(self, request, queryset):
        for org in queryset:
            services.delete_organisation(org, request.user)

    # The import page ------------------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="registry_organisation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """The upload form; an import runs as a job whose panel (progress, then the report)
        shows on this page (``?job=<id>``)."""
        if not request.user.has_perm("registry.import_data"):
            raise PermissionDenied
        job = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                job = tasks.start_import(
                    data["kind"],
                    data["file"],
                    dry_run=data["dry_run"],
                    user=request.user,
                    projects_file=data.get("projects_file"),
                )
                return redirect(f"{request.path}?job={job.pk}#job-{job.pk}")
        else:
            form = ImportForm()
            pk = request.GET.get("job", "")
            if pk.isdigit():
                job = Job.objects.filter(pk=int(pk), kind=tasks.IMPORT).first()
                if job is None or not jobs.can_view(request.user, job):
                    raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import organisations"),
            "opts": self.model._meta,
            "form": form,
            "job": job,
            "max_upload_mb": settings.CLUSTERHUB_MAX_UPLOAD_BYTES // 2**20,
        }
        return TemplateResponse(request, "admin/registry/organisation/import.html", context)


# Cluster profiles ----------------------------------------------------------------------------


class ClusterLabelInline(admin.TabularInline):
    model = ClusterLabel
    extra = 0
    readonly_fields = ("verified_at", "verified_by")


@admin.register(ClusterLabel)
class ClusterLabelAdmin(admin.ModelAdmin):
    """Labels as the clusters declared them; staff verify them against the awarding body."""

    list_display = ("cluster", "scheme", "level", "valid_until", "verified_at", "verified_by")
    list_select_related = ("cluster__organisation", "verified_by")
    list_filter = (("verified_at", admin.EmptyFieldListFilter), "scheme", "level")
    search_fields = ("cluster__organisation__legal_name", "cluster__organisation__short_name")
    readonly_fields = ("verified_at", "verified_by")
    autocomplete_fields = ("cluster",)
    actions = ["verify"]

    @admin.action(description=gettext_lazy("Verify the selected labels"))
    def verify(self, request, queryset):
        count = services.verify_labels(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(n)d label verified.", "%(n)d labels verified.", count) % {"n": count},
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "cluster"
    extra = 0
    autocomplete_fields = ("member",)


@admin.register(ClusterOrganisation)
class ClusterOrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "organisation",
        "country",
        "founding_year",
        "members_total",
        "management_fte",
        "is_validated",
    )
    list_select_related = ("organisation", "organisation__country")
    list_filter = ("is_validated", "labels__scheme", "labels__level")
    search_fields = ("organisation__legal_name", "organisation__short_name")
    autocomplete_fields = ("organisation",)
    readonly_fields = (
        "members_total",
        "is_validated",
        "figures_checked_at",
        "figures_checked_by",
        "created",
        "updated",
    )
    inlines = [ClusterLabelInline, MembershipInline]
    actions = ["check_figures"]

    @admin.action(description=gettext_lazy("Mark the figures of the selected profiles as checked"))
    def check_figures(self, request, queryset):
        count = services.check_figures(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(n)d profile checked.", "%(n)d profiles checked.", count) % {"n": count},
        )

    @admin.display(description=gettext_lazy("country"), ordering="organisation__country")
    def country(self, profile):
        return profile.organisation.country

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation__country")
            .defer("organisation__search_document", "organisation__description")
        )

    def save_model(self, request, obj, form, change):
        services.save_cluster_profile(obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ClusterLabel:
            # The labels are replaced as a whole, as the service writes them.
            kept = [
                f.instance
                for f in formset.forms
                if f not in formset.deleted_forms
                and f.is_valid()
                and (f.instance.pk or f.has_changed())
            ]
            services.save_cluster_profile(form.instance, labels=kept)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        elif formset.model is Membership:
            memberships = formset.save(commit=False)
            for membership in formset.deleted_objects:
                services.remove_member(membership, request.user)
            for membership in memberships:
                services.save_membership(membership)
        else:
            super().save_formset(request, form, formset, change)


# People and teams ----------------------------------------------------------------------------


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = (
        "last_name",
        "first_name",
        "organisation",
        "role",
        "email",
        "public_consent",
        "public_consent_at",
    )
    list_select_related = ("organisation",)
    list_filter = ("public_consent",)
    search_fields = ("first_name", "last_name", "email", "organisation__legal_name")
    autocomplete_fields = ("organisation", "user")
    readonly_fields = ("public_consent_at", "created", "updated")
    fields = (
        ("first_name", "last_name"),
        "role",
        "organisation",
        "email",
        "user",
        ("public_consent", "public_consent_at"),
        ("created", "updated"),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .defer("organisation__search_document")
        )

    def save_model(self, request, obj, form, change):
        # Consent is dated by the service; the first save keeps the stored answer.
        wanted = obj.public_consent
        consent_changed = "public_consent" in form.changed_data
        if consent_changed:
            obj.public_consent = form.initial.get("public_consent", False) if change else False
            if not obj.public_consent:
                obj.public_consent_at = None
        services.save_person(obj, public_consent=wanted if consent_changed else None)

    def delete_model(self, request, obj):
        services.delete_person(obj, request.user)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            services.delete_person(person, request.user)


@admin.register(ProfileTeamMember)
class ProfileTeamMemberAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "added_by", "added_at")
    list_select_related = ("organisation", "user", "added_by")
    search_fields = ("organisation__legal_name", "user__username", "user__email")
    autocomplete_fields = ("organisation", "user")
    readonly_fields = ("added_by", "added_at")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .defer("organisation__search_document")
        )

    def save_model(self, request, obj, form, change):
        services.save_team_member(obj, added_by=request.user)

    def delete_model(self, request, obj):
        services.remove_team_member(obj, request.user)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("organisation"):
            services.remove_team_member(member, request.user)


@admin.register(TeamInvitation)
class TeamInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "invited_by", "created")
    list_select_related = ("organisation", "invited_by")
    search_fields = ("email", "organisation__legal_name")
    autocomplete_fields = ("organisation",)
    readonly_fields = ("invited_by", "created")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .defer("organisation__search_document")
        )

    def save_model(self, request, obj, form, change):
        services.save_invitation(obj, invited_by=request.user)


@admin.register(TeamRequest)
class TeamRequestAdmin(admin.ModelAdmin):
    """Claims and requests to join; they are answered on the organisation's team page, where the
    answer gives the seat and tells the person."""

    list_display = ("organisation", "user", "kind", "role", "status", "created")
    list_filter = ("kind", "status")
    list_select_related = ("organisation", "user")
    search_fields = ("organisation__legal_name", "user__email")
    readonly_fields = [f.name for f in TeamRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("organisation__search_document")


# Projects ------------------------------------------------------------------------------------


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ("organisation",)
    ordering = ("order",)


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ("acronym", "cordis_id", "programme", "topic", "title")
    list_filter = ("programme",)
    search_fields = ("acronym", "cordis_id", "title", "topic", "topic_title")
    inlines = [ParticipationInline]
