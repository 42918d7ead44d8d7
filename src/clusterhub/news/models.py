"""News: articles by platform staff and by organisations' teams, moderated by staff before
they are public, tagged and linked to what they are about."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterhub.calls.models import Call
from clusterhub.consultations.models import Consultation
from clusterhub.core.models import TimeStampedModel
from clusterhub.events.models import Event
from clusterhub.partnering.models import Opportunity
from clusterhub.reference.models import Ecosystem, NutsRegion, Technology
from clusterhub.registry.models import Organisation


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")  # scheduled while ``publish_at`` is ahead
    REJECTED = "rejected", _("Sent back")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("address"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Article(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    summary = models.CharField(_("summary"), max_length=400)
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, blank=True)  # rendered and sanitised
    picture = models.ImageField(_("picture"), upload_to="news/", blank=True)
    picture_alt = models.CharField(_("picture description"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus,
                              default=ArticleStatus.DRAFT)  # fmt: skip
    publish_at = models.DateTimeField(_("published from"), null=True, blank=True)
    review_note = models.TextField(_("note from the editors"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="articles")  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles",
        verbose_name=_("organisation it is about"),
    )  # fmt: skip
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles",
                                  verbose_name=_("tags"))  # fmt: skip
    ecosystems = models.ManyToManyField(Ecosystem, blank=True, verbose_name=_("ecosystems"))
    technologies = models.ManyToManyField(Technology, blank=True,
                                          verbose_name=_("technologies"))  # fmt: skip
    regions = models.ManyToManyField(NutsRegion, blank=True, verbose_name=_("regions"))
    events = models.ManyToManyField(Event, blank=True, related_name="articles",
                                    verbose_name=_("related events"))  # fmt: skip
    calls = models.ManyToManyField(Call, blank=True, related_name="articles",
                                   verbose_name=_("related calls"))  # fmt: skip
    opportunities = models.ManyToManyField(Opportunity, blank=True, related_name="articles",
                                           verbose_name=_("related opportunities"))  # fmt: skip
    consultations = models.ManyToManyField(Consultation, blank=True, related_name="articles",
                                           verbose_name=_("related consultations"))  # fmt: skip
    illustrative = models.BooleanField(default=False)
    search_document = models.TextField(editable=False, blank=True, default="")

    class Meta:
        ordering = ["-publish_at", "-created"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="published", publish_at__isnull=False)
                | ~models.Q(status="published"),
                name="a_published_article_has_its_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news:article", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.publish_at > timezone.now()


# Newsletter and digest ------------------------------------------------------------------------


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Subscribed")
    PAUSED = "paused", _("Paused after bounces")
    STOPPED = "stopped", _("Stopped: the address does not exist")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


KINDS = ("calls", "opportunities", "events", "news", "consultations")


class Subscriber(models.Model):
    """A subscription to the digest and the newsletters, confirmed by its address (double
    opt-in); the consent is kept with its date and the text consented to."""

    email = models.EmailField(_("e-mail"), unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="subscriptions")  # fmt: skip
    status = models.CharField(_("status"), max_length=12, choices=SubscriberStatus,
                              default=SubscriberStatus.PENDING)  # fmt: skip
    language = models.CharField(_("language"), max_length=2, default="en",
                                choices=[("en", "English"), ("fr", "Français")])  # fmt: skip
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency,
                                 default=Frequency.WEEKLY)  # fmt: skip
    kinds = models.JSONField(_("what to receive"), default=list, blank=True)
    ecosystems = models.ManyToManyField(Ecosystem, blank=True, verbose_name=_("ecosystems"))
    technologies = models.ManyToManyField(Technology, blank=True,
                                          verbose_name=_("technologies"))  # fmt: skip
    regions = models.JSONField(_("regions (NUTS codes)"), default=list, blank=True)
    consent_text = models.TextField(_("text consented to"))
    consent_at = models.DateTimeField(_("consent given"))
    confirmed_at = models.DateTimeField(_("address confirmed"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email


class IssueKind(models.TextChoices):
    DIGEST = "digest", _("Digest")
    NEWSLETTER = "newsletter", _("Newsletter")


class Issue(models.Model):
    """One sending: a digest (each subscriber's own content) or an editorial newsletter."""

    kind = models.CharField(_("kind"), max_length=10, choices=IssueKind)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    frequency = models.CharField(max_length=8, choices=Frequency, blank=True)
    items = models.JSONField(default=dict, blank=True)  # a digest's items by key, stored once
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")

    def __str__(self) -> str:
        return self.subject


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("To retry")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One message of an issue to one subscriber: at most one row per pair (the database says
    so), claimed by one sender at a time."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE,
                                   related_name="deliveries")  # fmt: skip
    status = models.CharField(max_length=8, choices=DeliveryStatus,
                              default=DeliveryStatus.QUEUED)  # fmt: skip
    items = models.JSONField(default=list, blank=True)  # a digest's item keys, fixed when queued
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)  # which sender holds it
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_delivery_per_issue")
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self) -> str:
        return f"{self.issue_id} → {self.subscriber_id}"
