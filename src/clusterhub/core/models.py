import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class ApiToken(models.Model):
    """A personal token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """Create a token and return it with its raw value, which is shown once
        (:func:`clusterhub.core.services.issue_api_token`)."""
        from .services import issue_api_token

        return issue_api_token(user, name)


class Stamp(models.Model):
    """A token that changes whenever a body of data changes; in-process caches compare it."""

    name = models.CharField(max_length=50, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class Job(TimeStampedModel):
    """One piece of long work run by a background task (a schedule, a booklet, an import), as
    its starter sees it: status, progress, then a result (a stored file and/or JSON) or the
    reason of a failure. Written only through :mod:`clusterhub.core.jobs`.

    ``target`` is the object the work is about and ``permission`` the rule (checked against
    it) that lets others than the starter and staff see the job, e.g. the event's organisers.
    ``key`` names what the result depends on, so that a fresh result can be found again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    label = models.CharField(_("label"), max_length=300)
    task_path = models.CharField(max_length=200, editable=False)
    arguments = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, default="en")
    key = models.CharField(max_length=200, blank=True, db_index=True)
    target_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    permission = models.CharField(max_length=100, blank=True)
    return_url = models.CharField(max_length=500, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    result = models.JSONField(null=True, blank=True)
    result_file = models.FileField(max_length=300, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    task_result_id = models.CharField(max_length=64, blank=True, editable=False)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["kind", "key", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="core_job_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(progress_total__isnull=True)
                | models.Q(progress_done__lte=models.F("progress_total")),
                name="core_job_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("job", args=[self.pk])

    @property
    def finished_ok(self) -> bool:
        return self.status == JobStatus.DONE

    @property
    def pending(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))


class AuditSource(models.TextChoices):
    WEB = "web", _("web page")
    API = "api", _("API")
    ADMIN = "admin", _("administration")
    TASK = "task", _("background job")
    COMMAND = "command", _("command")


class AuditEntry(models.Model):
    """One write made through a service: who, what, when, and what changed.

    Written only through :mod:`clusterhub.core.audit`. ``scope`` is the object whose team may
    read the entry (an organisation, an event, a consortium, an opportunity). Nothing personal
    is kept beyond the actor link (SET_NULL, so a deleted account leaves an anonymous entry) and
    the field changes of the object itself; secrets are never stored.
    """

    created = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by (label)"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=AuditSource.choices, default=AuditSource.COMMAND
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    scope_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    scope_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["scope_type", "scope_id", "created"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=AuditSource.values),
                name="core_auditentry_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"
