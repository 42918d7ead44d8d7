from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.core.models import TimeStampedModel
from clusterhub.reference.models import Country, Ecosystem, Technology
from clusterhub.registry.models import Organisation


class OpportunityKind(models.TextChoices):
    """As in the Enterprise Europe Network's partnering database."""

    BUSINESS_OFFER = "business_offer", _("Business offer")
    BUSINESS_REQUEST = "business_request", _("Business request")
    TECHNOLOGY_OFFER = "technology_offer", _("Technology offer")
    TECHNOLOGY_REQUEST = "technology_request", _("Technology request")
    RD_REQUEST = "rd_request", _("Research & development request")


class PartnershipKind(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial agreement")
    LICENCE = "licence", _("Licence agreement")
    JOINT_VENTURE = "joint_venture", _("Joint venture")
    RESEARCH = "research", _("Research cooperation")
    TECHNICAL = "technical", _("Technical cooperation")
    SUBCONTRACTING = "subcontracting", _("Subcontracting")
    FINANCIAL = "financial", _("Financial agreement")


class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    CLOSED = "closed", _("Closed")


class PartnerSize(models.TextChoices):
    ANY = "any", _("Any size")
    SME = "sme", _("SME")
    LARGE = "large", _("Large company")


class RoleSought(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


class Opportunity(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=600)
    description = models.TextField(_("description"), blank=True)
    partnership_kinds = models.JSONField(_("kinds of partnership sought"), default=list, blank=True)
    partner_kinds = models.JSONField(_("kinds of partner sought"), default=list, blank=True)
    partner_size = models.CharField(
        _("size of partner sought"), max_length=10, choices=PartnerSize, default=PartnerSize.ANY
    )
    call_topic = models.CharField(
        _("call topic"), max_length=200, blank=True, help_text=_("For R&D requests.")
    )
    role_sought = models.CharField(_("role sought"), max_length=12, choices=RoleSought, blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, blank=True, verbose_name=_("ecosystems"))
    technologies = models.ManyToManyField(Technology, blank=True, verbose_name=_("technologies"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    target_countries = models.ManyToManyField(
        Country, blank=True, verbose_name=_("target countries")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="opportunities",
        verbose_name=_("owner"),
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities"
    )
    show_contact_email = models.BooleanField(
        _("show my e-mail address to signed-in users"),
        default=False,
        help_text=_("Otherwise they see your name and write to you through the platform."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OpportunityStatus, default=OpportunityStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    search_document = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["-published_at", "-created"]
        verbose_name = _("partnership opportunity")
        verbose_name_plural = _("partnership opportunities")
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="rd_request") | ~Q(call_topic=""),
                name="rd_request_names_its_call",
                violation_error_message=_("An R&D request names the call topic it prepares."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnering:opportunity", args=[self.pk])


class OpportunityFollower(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["opportunity", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.opportunity}"


class ExpressionOfInterest(TimeStampedModel):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="expressions_of_interest"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "organisation"], name="one_interest_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.opportunity}"


class FundingCall(TimeStampedModel):
    programme = models.CharField(_("programme"), max_length=100)
    identifier = models.CharField(_("identifier"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opening"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Brussels")
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    url = models.URLField(_("link"), blank=True)
    rules = models.JSONField(_("eligibility rules"), default=dict)

    class Meta:
        ordering = ["deadline"]
        verbose_name = _("funding call")
        verbose_name_plural = _("funding calls")

    def __str__(self) -> str:
        return f"{self.identifier} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("partnering:call", args=[self.pk])


class Consortium(TimeStampedModel):
    call = models.ForeignKey(FundingCall, on_delete=models.PROTECT, related_name="consortia")
    acronym = models.CharField(_("acronym"), max_length=50)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    coordinator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="coordinated_consortia"
    )
    note = models.TextField(_("shared note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("consortium")
        verbose_name_plural = _("consortia")

    def __str__(self) -> str:
        return self.acronym

    def get_absolute_url(self) -> str:
        return reverse("partnering:consortium", args=[self.pk])


class MemberRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    BENEFICIARY = "beneficiary", _("Beneficiary")
    AFFILIATED = "affiliated_entity", _("Affiliated entity")
    ASSOCIATED = "associated_partner", _("Associated partner")


class MemberStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    INTERESTED = "interested", _("Interested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    LEFT = "left", _("Left")


class ConsortiumMember(TimeStampedModel):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consortium_seats"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole, default=MemberRole.BENEFICIARY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus, default=MemberStatus.INVITED
    )
    affiliated_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="affiliates"
    )
    work_packages = models.CharField(_("work packages led"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created"]
        verbose_name = _("consortium member")
        verbose_name_plural = _("consortium members")
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "organisation"], name="one_seat_per_consortium"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.consortium}"


class ConsortiumAccess(models.Model):
    """A user who sees and works in the consortium's workspace."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        ConsortiumMember, null=True, blank=True, on_delete=models.CASCADE, related_name="users"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consortium", "user"], name="one_access_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.consortium}"


class ChecklistItem(models.Model):
    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=300)
    done = models.BooleanField(_("done"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text
