"""Admin of the partnering app. Saves go through ``partnering.services`` (search document,
expiry, followers' e-mails, checked rules); consortium members are changed in the workspace,
where every change is judged against the call's rules, so the admin shows them read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.core.admin import AuditedAdmin
from clusterhub.reference.models import Country

from . import services
from .models import (
    ChecklistItem,
    Consortium,
    ConsortiumAccess,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    Opportunity,
    OpportunityFollower,
)

# Opportunities ------------------------------------------------------------------------------


class InterestInline(admin.TabularInline):
    model = ExpressionOfInterest
    extra = 0
    fields = ("organisation", "user", "message", "answer", "answered_at", "created")
    readonly_fields = fields
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False


class OpportunityAdminForm(forms.ModelForm):
    class Meta:
        model = Opportunity
        fields = (
            "kind",
            "title",
            "summary",
            "description",
            "owner",
            "contact",
            "partnership_kinds",
            "partner_kinds",
            "partner_size",
            "call_topic",
            "role_sought",
            "ecosystems",
            "technologies",
            "keywords",
            "target_countries",
            "deadline",
        )

    def _post_clean(self):
        super()._post_clean()
        # The service's own checks (known kinds, the call topic of an R&D request, a draft's
        # deadline), as form errors rather than an error page at save time.
        try:
            services._check_opportunity(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    form = OpportunityAdminForm
    list_display = ("title", "kind", "owner", "status", "published_at", "expires_on", "deadline")
    list_select_related = ("owner",)
    list_filter = ("status", "kind", "partner_size", "ecosystems")
    search_fields = ("title", "summary", "keywords", "call_topic", "owner__legal_name")
    autocomplete_fields = ("owner", "contact", "ecosystems", "technologies", "target_countries")
    readonly_fields = ("status", "published_at", "expires_on", "created", "updated")
    fieldsets = (
        (None, {"fields": ("kind", "title", "summary", "description", "owner", "contact")}),
        (
            gettext_lazy("Partner sought"),
            {
                "fields": (
                    "partnership_kinds",
                    "partner_kinds",
                    "partner_size",
                    "call_topic",
                    "role_sought",
                )
            },
        ),
        (
            gettext_lazy("Topics"),
            {"fields": ("ecosystems", "technologies", "keywords", "target_countries")},
        ),
        (
            gettext_lazy("Life cycle"),
            {
                "fields": (
                    "deadline",
                    "status",
                    "published_at",
                    "expires_on",
                    "created",
                    "updated",
                )
            },
        ),
    )
    inlines = [InterestInline]
    actions = ["publish", "close", "expire_due"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("search_document")

    def save_model(self, request, obj, form, change):
        pass  # saved with its topics in save_related, through the service

    def save_related(self, request, form, formsets, change):
        cleaned = form.cleaned_data
        services.save_opportunity(
            form.instance,
            user=request.user,
            ecosystems=cleaned.get("ecosystems"),
            technologies=cleaned.get("technologies"),
            target_countries=cleaned.get("target_countries"),
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def _each(self, request, queryset, action, done: str) -> None:
        count, errors = 0, []
        for opp in queryset.select_related("owner"):
            try:
                action(opp, request.user)
            except ValidationError as error:
                errors.append(f"{opp}: {' '.join(error.messages)}")
            else:
                count += 1
        if count:
            messages.success(request, done % {"n": count})
        for error in errors:
            messages.error(request, error)

    @admin.action(description=gettext_lazy("Publish or renew for 12 months"))
    def publish(self, request, queryset):
        self._each(request, queryset, services.publish_opportunity, _("%(n)d published."))

    @admin.action(description=gettext_lazy("Close"))
    def close(self, request, queryset):
        self._each(request, queryset, services.close_opportunity, _("%(n)d closed."))

    @admin.action(description=gettext_lazy("Expire those past their date (all, not only these)"))
    def expire_due(self, request, queryset):
        n = services.expire_due_opportunities()
        messages.success(request, _("%(n)d expired.") % {"n": n})


@admin.register(OpportunityFollower)
class OpportunityFollowerAdmin(AuditedAdmin):
    audit_scope = "opportunity"
    list_display = ("opportunity", "user", "created")
    list_select_related = ("opportunity", "user")
    search_fields = ("opportunity__title", "user__email")
    autocomplete_fields = ("opportunity", "user")


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(AuditedAdmin):
    audit_scope = "opportunity"
    list_display = ("opportunity", "organisation", "user", "created", "answered_at")
    list_select_related = ("opportunity", "organisation", "user")
    search_fields = ("opportunity__title", "organisation__legal_name", "user__email")
    readonly_fields = (
        "opportunity",
        "organisation",
        "user",
        "message",
        "answer",
        "answered_at",
        "created",
        "updated",
    )

    def has_add_permission(self, request):
        return False  # through "express interest", which tells the owner


# Funding calls ------------------------------------------------------------------------------


class FundingCallAdminForm(forms.ModelForm):
    class Meta:
        model = FundingCall
        fields = (
            "programme",
            "identifier",
            "title",
            "description",
            "opens_at",
            "deadline",
            "timezone",
            "budget",
            "url",
            "rules",
        )
        help_texts = {
            "rules": gettext_lazy(
                'E.g. {"min_entities": 3, "min_countries": 3, "eligible_countries": '
                '"member_states_and_associated", "min_from_member_states": 1}. Empty: one entity.'
            )
        }

    def clean_rules(self):
        known = list(Country.objects.values_list("code", flat=True))
        try:
            return services.parse_rules(
                self.cleaned_data.get("rules"), known_countries=known
            ).to_dict()
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict.get("rules", error.messages)) from None

    def clean(self):
        cleaned = super().clean()
        deadline, opens_at = cleaned.get("deadline"), cleaned.get("opens_at")
        if self.instance.pk is None and deadline and deadline <= timezone.now():
            self.add_error("deadline", _("The deadline of a new call must be in the future."))
        if deadline and opens_at and opens_at >= deadline:
            self.add_error("opens_at", _("A call opens before its deadline."))
        return cleaned


@admin.register(FundingCall)
class FundingCallAdmin(admin.ModelAdmin):
    form = FundingCallAdminForm
    list_display = ("identifier", "title", "programme", "deadline", "timezone")
    list_filter = ("programme",)
    search_fields = ("identifier", "title", "programme")
    date_hierarchy = "deadline"

    def save_model(self, request, obj, form, change):
        services.save_call(obj, request.user)


# Consortia ----------------------------------------------------------------------------------


class MemberInline(admin.TabularInline):
    model = ConsortiumMember
    fk_name = "consortium"
    extra = 0
    fields = ("organisation", "role", "status", "affiliated_to", "work_packages", "contact_email")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class AccessInline(admin.TabularInline):
    model = ConsortiumAccess
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "member")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            formset.form.base_fields["member"].queryset = obj.members.select_related("organisation")
        return formset


class ChecklistInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ("text", "done", "order")


@admin.register(Consortium)
class ConsortiumAdmin(AuditedAdmin):
    list_display = ("acronym", "call", "coordinator", "created")
    list_select_related = ("call", "coordinator")
    search_fields = ("acronym", "title", "coordinator__legal_name", "call__identifier")
    list_filter = ("call__programme",)
    autocomplete_fields = ("coordinator",)
    readonly_fields = ("call", "created_by", "created", "updated", "eligibility")
    fields = (
        "acronym",
        "title",
        "description",
        "call",
        "coordinator",
        "note",
        "eligibility",
        "created_by",
        "created",
        "updated",
    )
    inlines = [MemberInline, AccessInline, ChecklistInline]

    def has_add_permission(self, request):
        return False  # a coordinator's team opens a workspace from the call's page

    @admin.display(description=gettext_lazy("eligibility"))
    def eligibility(self, obj):
        if obj.pk is None:
            return "—"
        try:
            verdict = services.verdict(obj)
        except ValidationError as error:
            return " ".join(error.messages)
        head = _("Eligible") if verdict.eligible else _("Not eligible")
        return format_html_join(
            "", "<p>{}</p>", [(head,), *((p.message,) for p in verdict.problems)]
        )


@admin.register(ConsortiumMember)
class ConsortiumMemberAdmin(AuditedAdmin):
    audit_scope = "consortium"
    list_display = ("organisation", "consortium", "role", "status", "work_packages")
    list_select_related = ("organisation", "consortium")
    list_filter = ("role", "status")
    search_fields = ("organisation__legal_name", "consortium__acronym", "contact_email")
    readonly_fields = (
        "consortium",
        "organisation",
        "role",
        "status",
        "affiliated_to",
        "work_packages",
        "contact_email",
        "invited_by",
        "created",
        "updated",
    )

    def has_add_permission(self, request):
        return False  # invited from the workspace, which checks twice-invited and e-mails


@admin.register(ConsortiumAccess)
class ConsortiumAccessAdmin(AuditedAdmin):
    audit_scope = "consortium"
    list_display = ("user", "consortium", "member")
    list_select_related = ("user", "consortium", "member__organisation")
    search_fields = ("user__email", "consortium__acronym")
    autocomplete_fields = ("user", "consortium")


@admin.register(ChecklistItem)
class ChecklistItemAdmin(AuditedAdmin):
    audit_scope = "consortium"
    list_display = ("text", "consortium", "done", "order")
    list_select_related = ("consortium",)
    list_filter = ("done",)
    search_fields = ("text", "consortium__acronym")
