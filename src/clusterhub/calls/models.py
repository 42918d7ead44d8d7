"""Calls for applications and awards: the call, its categories and questions, the
applications and their files. Rules and answers are stored as data (JSON) and read by the
pure modules ``eligibility`` and ``questions``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterhub.core.models import TimeStampedModel
from clusterhub.reference.models import Ecosystem, Technology
from clusterhub.registry.models import Organisation

from . import questions as question_kinds


class CallKind(models.TextChoices):
    AWARD = "award", _("Award")
    APPLICATIONS = "applications", _("Call for applications")
    INTEREST = "interest", _("Call for expressions of interest")
    HOST = "host", _("Call for hosts")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Rounds(models.TextChoices):
    NONE = "", _("One deadline")
    QUARTER = "quarter", _("Quarterly cut-offs")
    MONTH = "month", _("Monthly cut-offs")
    HALF_YEAR = "half_year", _("Half-yearly cut-offs")


class Call(TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind)
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="calls", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus, default=CallStatus.DRAFT
    )
    rules = models.JSONField(_("who may apply"), default=list, blank=True)
    opens_at = models.DateTimeField(_("opening"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    rounds = models.CharField(_("rounds"), max_length=10, choices=Rounds, blank=True, default="")
    prizes = models.TextField(_("prizes"), blank=True)
    results_announced = models.CharField(
        _("where results are announced"), max_length=300, blank=True
    )
    anonymised = models.BooleanField(_("jurors do not see who applies"), default=False)
    independent_jury = models.BooleanField(
        _("independent jury (no juror from an applicant organisation)"), default=False
    )
    conflict_project_years = models.PositiveSmallIntegerField(
        _("a joint project in the last N years is a conflict"), default=3
    )
    conflict_same_region = models.BooleanField(
        _("a juror of the applicant's region is in conflict"), default=False
    )
    # the jury's work
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"), default=3
    )
    fairness_floor = models.BooleanField(
        _("lift the worst-matched application first"), default=False
    )
    pair_cap = models.DecimalField(
        _("highest chance of any juror–application pair (randomised assignment)"),
        max_digits=3, decimal_places=2, null=True, blank=True,
    )  # fmt: skip
    review_opens = models.DateTimeField(_("reviews open"), null=True, blank=True)
    review_closes = models.DateTimeField(_("reviews close"), null=True, blank=True)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=3)
    anonymity_lifted = models.BooleanField(_("jurors may now see who applies"), default=False)
    deliberation = models.TextField(_("deliberation notes"), blank=True)
    assignment_report = models.JSONField(default=dict, blank=True, editable=False)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    results_session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("session where results are announced"),
    )  # fmt: skip

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_at__lt=models.F("deadline")),
                name="call_opens_before_its_deadline",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="categories")
    key = models.SlugField(_("key"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rules = models.JSONField(_("who may apply in this category"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_category_key_per_call")
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    key = models.CharField(_("key"), max_length=40)
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(k, k) for k in question_kinds.KINDS], default="text"
    )
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveIntegerField(_("length limit"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    minimum = models.DecimalField(
        _("minimum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    maximum = models.DecimalField(
        _("maximum"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    file_types = models.JSONField(_("file types"), default=list, blank=True)
    max_bytes = models.PositiveIntegerField(
        _("file size limit (bytes)"), default=question_kinds.DEFAULT_MAX_BYTES
    )
    show_if_key = models.CharField(_("shown when the question"), max_length=40, blank=True)
    show_if_answers = models.JSONField(_("has one of the answers"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_question_key_per_call")
        ]

    def __str__(self) -> str:
        return self.label

    def as_spec(self) -> question_kinds.Question:
        return question_kinds.Question(
            key=self.key,
            label=self.label,
            kind=self.kind,
            required=self.required,
            max_length=self.max_length,
            choices=tuple(self.choices or ()),
            minimum=self.minimum,
            maximum=self.maximum,
            currency=self.currency,
            file_types=tuple(self.file_types or question_kinds.DEFAULT_FILE_TYPES),
            max_bytes=self.max_bytes,
            show_if=(self.show_if_key, tuple(self.show_if_answers)) if self.show_if_key else None,
            category=self.category.key if self.category_id else "",
        )


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Outcome(models.TextChoices):
    PENDING = "", _("No decision yet")
    WINNER = "winner", _("Winner")
    SELECTED = "selected", _("Selected")
    NOT_SELECTED = "not_selected", _("Not selected")


class Application(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="call_applications"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus, default=ApplicationStatus.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), null=True, blank=True)
    receipt = models.CharField(_("receipt digest (SHA-256)"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    co_applicants = models.ManyToManyField(
        Organisation, blank=True, related_name="call_co_applications",
        verbose_name=_("co-applicants"),
    )  # fmt: skip
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    outcome = models.CharField(
        _("decision"), max_length=15, choices=Outcome, blank=True, default=Outcome.PENDING
    )
    prize = models.CharField(_("prize"), max_length=200, blank=True)
    feedback = models.TextField(_("feedback to the applicant"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    notified_at = models.DateTimeField(_("applicant notified"), null=True, blank=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=Q(category__isnull=True),
                name="one_application_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["call", "category", "organisation"],
                name="one_application_per_organisation_and_category",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="submitted_applications_have_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.call}"


def attachment_path(attachment: "Attachment", filename: str) -> str:
    # never the applicant's file name in the path: a random name, the type we recognised
    import secrets

    return f"calls/{attachment.application.call_id}/{secrets.token_hex(16)}.{attachment.kind}"


class Attachment(models.Model):
    """A file answering a question of an application (one per question; a new one replaces it).
    Served only to the application's team and, later, its jurors."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    key = models.CharField(_("question"), max_length=40)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "key"], name="one_attachment_per_question"
            )
        ]

    def __str__(self) -> str:
        return self.name


class JurorStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Juror(TimeStampedModel):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="jurors")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="juries",
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="jurors",
        verbose_name=_("works for"),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=JurorStatus, default=JurorStatus.INVITED
    )
    expertise = models.TextField(_("expertise"), blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, blank=True, verbose_name=_("ecosystems"))
    technologies = models.ManyToManyField(Technology, blank=True, verbose_name=_("technologies"))
    capacity = models.PositiveSmallIntegerField(
        _("most applications to review"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        constraints = [
            models.UniqueConstraint(fields=["call", "email"], name="one_juror_per_address")
        ]

    def __str__(self) -> str:
        return self.name


class ConflictSource(models.TextChoices):
    DETECTED = "detected", _("Found in the registry")
    DECLARED = "declared", _("Declared by the juror")
    ORGANISER = "organiser", _("Added by the organisers")


class Conflict(TimeStampedModel):
    """A juror who may not judge an application, and why. A conflict found in the registry may
    be lifted by the organisers, with a note; it stays on record."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    source = models.CharField(_("source"), max_length=10, choices=ConflictSource)
    reason = models.CharField(_("reason"), max_length=400)
    # the reason as a sentence template and its parameters, to show it in the reader's language
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    lifted = models.BooleanField(_("lifted"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "application", "reason"], name="one_conflict_per_reason"
            ),
            models.CheckConstraint(
                condition=Q(lifted=False) | ~Q(note=""), name="a_lifted_conflict_says_why"
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    def sentence(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.message) % self.params if self.message else self.reason


class Criterion(models.Model):
    """One line of the call's rubric: a scale and a weight (the weights sum to 100)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("what jurors look for"), max_length=500, blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)
    lowest = models.SmallIntegerField(_("lowest score"), default=0)
    highest = models.SmallIntegerField(_("highest score"), default=10)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="one_criterion_key_per_call"),
            models.CheckConstraint(
                condition=Q(highest__gt=models.F("lowest")), name="criterion_scale_goes_up"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.label


class Assignment(models.Model):
    """A juror asked to review an application."""

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    by_hand = models.BooleanField(_("assigned by hand"), default=False)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["application_id", "juror__name"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["juror", "application"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.application_id}"


class Review(TimeStampedModel):
    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    total = models.FloatField(_("weighted score (0–100)"), null=True, blank=True)
    comment_for_applicant = models.TextField(_("comment for the applicant"), blank=True)
    comment_for_jury = models.TextField(_("comment for the jury only"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(total__isnull=False),
                name="a_submitted_review_has_a_total",
            )
        ]

    def __str__(self) -> str:
        return str(self.assignment)


class Vote(TimeStampedModel):
    """A juror's final vote: one shortlisted application per juror."""

    juror = models.OneToOneField(Juror, on_delete=models.CASCADE, related_name="vote")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")

    def __str__(self) -> str:
        return f"{self.juror} → {self.application_id}"
