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
