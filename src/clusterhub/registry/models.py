from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from clusterhub.core import slugs
from clusterhub.core.models import TimeStampedModel
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology

from . import names
from .validators import validate_pic, validate_smes_within_companies, validate_web_url

ORGANISATION_SLUG_FALLBACK = "organisation"


class OrganisationKind(models.TextChoices):
    """The triple helix (and beyond): who an organisation is."""

    COMPANY = "company", _("Company")
    RESEARCH = "research", _("Research organisation")
    HIGHER_EDUCATION = "higher_education", _("Higher education")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    CLUSTER = "cluster", _("Cluster organisation")
    OTHER = "other", _("Other / civil society")


class Organisation(TimeStampedModel):
    legal_name = models.CharField(_("legal name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind)
    is_sme = models.BooleanField(_("SME"), default=False)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("country")
    )
    nuts_region = models.ForeignKey(
        NutsRegion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("NUTS region"),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    website = models.URLField(_("website"), blank=True, validators=[validate_web_url])
    description = models.TextField(_("description"), blank=True)
    ecosystems = models.ManyToManyField(
        Ecosystem, blank=True, related_name="organisations", verbose_name=_("ecosystems")
    )
    nace_activities = models.ManyToManyField(
        NaceActivity, blank=True, related_name="organisations", verbose_name=_("NACE activities")
    )
    technologies = models.ManyToManyField(
        Technology, blank=True, related_name="organisations", verbose_name=_("technologies")
    )
    pic = models.CharField(
        _("PIC"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_pic],
        help_text=_("Participant Identification Code of the EU funding programmes (9 digits)."),
    )
    # Denormalised text that the full-text index covers (names, city, description, topics).
    search_document = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["kind", "country"]),
            models.Index(fields=["country", "nuts_region"]),
            models.Index(fields=["legal_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_sme=False) | Q(kind="company"), name="only_companies_are_smes"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="coordinates_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name people read: the short name, else the legal name in ordinary case
        (registers such as CORDIS write names in capitals; the raw name is kept)."""
        return names.readable(self.short_name) or names.readable(self.legal_name)

    @property
    def readable_legal_name(self) -> str:
        return names.readable(self.legal_name)

    def get_absolute_url(self) -> str:
        if self.kind == OrganisationKind.CLUSTER:  # the cluster page falls back without profile
            return reverse("registry:cluster-detail", args=[self.slug])
        return reverse("registry:organisation-detail", args=[self.slug])

    @staticmethod
    def make_slug(name: str, suffix: str = "") -> str:
        return slugs.make_slug(name, suffix, fallback=ORGANISATION_SLUG_FALLBACK)


class SizeBand(models.TextChoices):
    SMALL = "small", _("Under 50 members")
    MEDIUM = "medium", _("50 to 199 members")
    LARGE = "large", _("200 to 499 members")
    VERY_LARGE = "very_large", _("500 members or more")


SIZE_BANDS = {
    SizeBand.SMALL: (0, 49),
    SizeBand.MEDIUM: (50, 199),
    SizeBand.LARGE: (200, 499),
    SizeBand.VERY_LARGE: (500, None),
}

MEMBER_COUNT_FIELDS = (
    "members_companies",
    "members_research",
    "members_universities",
    "members_public",
    "members_other",
)

# The platform's criteria for a validated cluster profile.
MIN_MANAGEMENT_FTE = Decimal("0.5")
MIN_MEMBERS = 15
MIN_MEMBER_KINDS = 2


class ClusterOrganisation(TimeStampedModel):
    """The cluster profile of an organisation that manages a cluster."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="cluster_profile"
    )
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    members_companies = models.PositiveIntegerField(_("member companies"), default=0)
    members_smes = models.PositiveIntegerField(_("of which SMEs"), default=0)
    members_research = models.PositiveIntegerField(_("research organisations"), default=0)
    members_universities = models.PositiveIntegerField(_("universities"), default=0)
    members_public = models.PositiveIntegerField(_("public bodies"), default=0)
    members_other = models.PositiveIntegerField(_("other members"), default=0)
    members_total = models.PositiveIntegerField(_("members"), default=0, editable=False)
    management_fte = models.DecimalField(
        _("management staff (FTE)"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    support_programmes = models.TextField(_("support programmes"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. en, fr")
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    is_validated = models.BooleanField(_("meets the platform's criteria"), default=False)
    # The figures (members, staff) are declared by the profile team until platform staff check
    # them against a source; a later change of a figure makes them declared again.
    figures_checked_at = models.DateTimeField(_("figures checked on"), null=True, blank=True)
    figures_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["organisation__legal_name"]
        verbose_name = _("cluster organisation")
        verbose_name_plural = _("cluster organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(members_smes__lte=F("members_companies")),
                name="smes_within_companies",
            ),
            models.CheckConstraint(
                condition=Q(management_fte__gte=0), name="management_fte_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["members_total"])]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("registry:cluster-detail", args=[self.organisation.slug])

    def clean(self) -> None:
        validate_smes_within_companies(self.members_companies, self.members_smes)

    def member_counts(self) -> dict[str, int]:
        return {field: getattr(self, field) for field in MEMBER_COUNT_FIELDS}

    def compute_total(self) -> int:
        return sum(self.member_counts().values())

    def criteria(self) -> list[tuple[str, bool]]:
        """The platform's validation criteria, each in words a profile team understands, with
        whether this profile meets it."""
        total = self.compute_total()
        kinds = sum(1 for value in self.member_counts().values() if value > 0)
        return [
            (
                _("At least %(fte)s FTE of management staff (now %(now)s).")
                % {"fte": localize(MIN_MANAGEMENT_FTE), "now": localize(self.management_fte)},
                self.management_fte >= MIN_MANAGEMENT_FTE,
            ),
            (
                _("At least %(min)d members (now %(now)d).") % {"min": MIN_MEMBERS, "now": total},
                total >= MIN_MEMBERS,
            ),
            (
                _("Members of at least %(min)d kinds, e.g. companies and research (now %(now)d).")
                % {"min": MIN_MEMBER_KINDS, "now": kinds},
                kinds >= MIN_MEMBER_KINDS,
            ),
            (_("A website."), bool(self.organisation.website)),
        ]

    def missing_criteria(self) -> list[str]:
        """What keeps this profile from validation, in words a profile team understands."""
        return [text for text, met in self.criteria() if not met]

    def figures(self) -> tuple:
        return (*self.member_counts().values(), Decimal(self.management_fte))

    @property
    def size_band(self) -> str:
        for band, (low, high) in SIZE_BANDS.items():
            if self.members_total >= low and (high is None or self.members_total <= high):
                return band
        return SizeBand.SMALL


class LabelScheme(models.TextChoices):
    ECEI = "ecei", _("European Cluster Excellence Initiative")
    POLE = "pole", _("Pôle de compétitivité")
    NATIONAL = "national", _("Other national label")


class LabelLevel(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    LABELLED = "labelled", _("Labelled")


class ClusterLabel(models.Model):
    cluster = models.ForeignKey(
        ClusterOrganisation, on_delete=models.CASCADE, related_name="labels"
    )
    scheme = models.CharField(_("label"), max_length=20, choices=LabelScheme)
    level = models.CharField(_("level"), max_length=20, choices=LabelLevel)
    awarded_by = models.CharField(_("awarded by"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Declared by the cluster's team until platform staff verify it.
    verified_at = models.DateTimeField(_("verified on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )

    class Meta:
        ordering = ["-valid_until"]
        verbose_name = _("cluster label")
        verbose_name_plural = _("cluster labels")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="label_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def same_award(self, other: "ClusterLabel") -> bool:
        """Whether ``other`` states the same award (so a verification still holds)."""
        fields = ("scheme", "level", "awarded_by", "valid_from", "valid_until")
        return all(getattr(self, f) == getattr(other, f) for f in fields)

    @property
    def short_name(self) -> str:
        if self.scheme == LabelScheme.ECEI:
            return _("ECEI %(level)s") % {"level": self.get_level_display()}
        return str(self.get_scheme_display())

    @property
    def facet_key(self) -> str:
        return f"{self.scheme}-{self.level}"


class MembershipStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the cluster")
    ACCEPTED = "accepted", _("Confirmed by the member")


class Membership(models.Model):
    cluster = models.ForeignKey(
        ClusterOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    since = models.PositiveSmallIntegerField(_("member since (year)"), null=True, blank=True)
    # A cluster's team declares its members; a membership shows on the member's own page only
    # once the member's team confirms it (staff and imports write confirmed memberships).
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus, default=MembershipStatus.PROPOSED
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "member"], name="one_membership_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.cluster}"


class Person(TimeStampedModel):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    bio = models.TextField(_("short biography"), blank=True, max_length=1500)
    photo = models.ImageField(
        _("photo"),
        upload_to="people/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text=_("Shown, like the biography, only when the person agreed to be listed."),
    )
    public_consent = models.BooleanField(_("may be shown publicly"), default=False)
    public_consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(public_consent=False) | Q(public_consent_at__isnull=False),
                name="consent_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ProfileTeamMember(models.Model):
    """A user who may edit an organisation's profile and add colleagues."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="team_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_teams"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile team member")
        verbose_name_plural = _("profile team members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_seat_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"


INVITATION_SALT = "registry.team-invitation"


class TeamInvitation(models.Model):
    """A colleague invited by e-mail to a profile team, waiting for their answer: they join
    only by accepting it, signed in with the invited address."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="team_invitations"
    )
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="one_invitation_per_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def token(self) -> str:
        """The secret part of the invitation's link: signed and dated (see services)."""
        return signing.dumps([self.pk, self.email], salt=INVITATION_SALT)


class TeamRequest(models.Model):
    """Someone asks for a seat on an organisation's profile team. Where the organisation has a
    team, the team answers (a request to join); where it has none, platform staff do (a claim
    of the organisation)."""

    class Kind(models.TextChoices):
        JOIN = "join", _("Request to join")
        CLAIM = "claim", _("Claim")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="team_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_requests"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    role = models.CharField(_("role in the organisation"), max_length=200)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    created = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("profile team request")
        verbose_name_plural = _("profile team requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(status="pending"),
                name="one_pending_team_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.kind})"


class Project(models.Model):
    """A funded project (from CORDIS): the collaboration history between organisations."""

    cordis_id = models.CharField(_("CORDIS project ID"), max_length=20, unique=True)
    acronym = models.CharField(_("acronym"), max_length=100)
    title = models.CharField(_("title"), max_length=500, blank=True)
    programme = models.CharField(_("programme"), max_length=50, default="H2020")
    topic = models.CharField(_("call topic"), max_length=100, blank=True)
    topic_title = models.CharField(_("call topic title"), max_length=500, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    programme_parts = models.CharField(
        _("programme parts"),
        max_length=200,
        blank=True,
        default="",
        db_default="",
        help_text=_("Parts of the programme, separated by semicolons (e.g. SC5;LEIT)."),
    )
    participants = models.ManyToManyField(
        Organisation, through="Participation", related_name="projects"
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.acronym or f"{self.programme} {self.cordis_id}"

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.programme_parts.split(";") if p.strip())


class Participation(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        PARTICIPANT = "participant", _("Participant")
        PARTNER = "partner", _("Associated partner")
        THIRD_PARTY = "thirdParty", _("Third party")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    order = models.PositiveSmallIntegerField(_("order"), null=True, blank=True)
    ec_contribution = models.DecimalField(
        _("EU contribution (EUR)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="one_participation_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.project}"
