"""Joint action plans: what partners of a cluster collaboration promised, and what happened.

A ``Plan`` belongs to the organisation whose profile team edits it (``owner``) and has its
partners (organisations of the registry), a period, axes and actions. Each ``Action`` has a lead
partner, partners, a nature, dates, a status and a budget with its funding sources. Actions and
indicators are linked to the events, consortia, calls and opportunities that deliver them
(``Delivery``): progress counts those that really happened (an event held, a consortium formed),
not only what the team typed. Recommendations collected on the plan (at an event or by the
form) keep who said it, on which axis, and what the plan did with it.

Rules kept by the database: an action, a plan and a funding period end on or after they start;
amounts are not negative; a delivery points at exactly one thing; a partner is listed once. A
milestone inside the plan's period is checked by the services (it spans two rows).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.calls.models import Call
from clusterhub.core.models import TimeStampedModel
from clusterhub.events.models import Event
from clusterhub.partnering.models import Consortium, Opportunity
from clusterhub.registry.models import Organisation

CURRENCIES = [("EUR", "EUR"), ("CHF", "CHF"), ("GBP", "GBP"), ("NOK", "NOK"), ("SEK", "SEK"),
              ("DKK", "DKK"), ("PLN", "PLN"), ("CZK", "CZK"), ("HUF", "HUF"), ("RON", "RON"),
              ("BGN", "BGN"), ("ISK", "ISK"), ("USD", "USD")]  # fmt: skip


class Plan(TimeStampedModel):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="action_plans",
                              verbose_name=_("coordinating organisation"))  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    published = models.BooleanField(_("published"), default=False,
                                    help_text=_("Everyone sees a published plan; the team "
                                                "sees its drafts."))  # fmt: skip
    illustrative = models.CharField(_("note on demo data"), max_length=300, blank=True)
    partners = models.ManyToManyField(Organisation, through="PlanPartner", related_name="+",
                                      verbose_name=_("partners"))  # fmt: skip

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("joint action plan")
        verbose_name_plural = _("joint action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="plan_ends_after_it_starts"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:detail", args=[self.slug])


class PlanPartner(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))  # fmt: skip
    role = models.CharField(_("role"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "organisation"],
                                               name="plan_partner_once")]  # fmt: skip

    def __str__(self) -> str:
        return str(self.organisation)


class Axis(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")

    def __str__(self) -> str:
        return self.title


class Nature(models.TextChoices):
    EVENT = "event", _("Event or workshop")
    STUDY = "study", _("Study or mapping")
    TRAINING = "training", _("Education and training")
    EXCHANGE = "exchange", _("Staff exchange or visit")
    PROJECT = "project", _("Joint project")
    INFRASTRUCTURE = "infrastructure", _("Shared infrastructure or service")
    MENTORING = "mentoring", _("Mutual learning and mentoring")
    POLICY = "policy", _("Policy or strategy")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Under way")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


class Action(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    # RESTRICT: an axis with actions is not deleted on its own, but goes with its plan
    axis = models.ForeignKey(Axis, on_delete=models.RESTRICT, related_name="actions",
                             verbose_name=_("axis"))  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    nature = models.CharField(_("nature"), max_length=20, choices=Nature, default=Nature.OTHER)
    lead = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("lead partner"))  # fmt: skip
    partners = models.ManyToManyField(Organisation, blank=True, related_name="+",
                                      verbose_name=_("other partners"))  # fmt: skip
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=ActionStatus,
                              default=ActionStatus.PLANNED)  # fmt: skip
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["axis__order", "starts_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="action_ends_after_it_starts"
            ),  # fmt: skip
            models.CheckConstraint(condition=Q(budget__gte=0), name="action_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class FundingKind(models.TextChoices):
    EU = "eu", _("European programme")
    NATIONAL = "national", _("National")
    REGIONAL = "regional", _("Regional")
    OWN = "own", _("Partners' own resources")
    PRIVATE = "private", _("Private")
    OTHER = "other", _("Other")


class Funding(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fundings")
    source = models.CharField(_("funding source"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=FundingKind, default=FundingKind.OWN)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_not_negative"),
        ]

    def __str__(self) -> str:
        return self.source


class Delivery(models.Model):
    """Something on the platform that delivers an action: exactly one of the four."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("event"))  # fmt: skip
    consortium = models.ForeignKey(Consortium, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("consortium"))  # fmt: skip
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("call"))  # fmt: skip
    opportunity = models.ForeignKey(Opportunity, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="+", verbose_name=_("opportunity"))  # fmt: skip

    KINDS = ("event", "consortium", "call", "opportunity")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(event__isnull=False, consortium=None, call=None, opportunity=None)
                    | Q(event=None, consortium__isnull=False, call=None, opportunity=None)
                    | Q(event=None, consortium=None, call__isnull=False, opportunity=None)
                    | Q(event=None, consortium=None, call=None, opportunity__isnull=False)
                ),
                name="delivery_points_at_one_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id}"

    @property
    def kind(self) -> str:
        return next(k for k in self.KINDS if getattr(self, f"{k}_id"))

    @property
    def target_id(self) -> int:
        return getattr(self, f"{self.kind}_id")


class Measure(models.TextChoices):
    TYPED = "typed", _("Values entered by the team")
    EVENTS_HELD = "events_held", _("Linked events held")
    PARTICIPANTS = "participants", _("Participants at the linked events held")
    CONSORTIA_FORMED = "consortia_formed", _("Linked consortia formed")
    APPLICATIONS = "applications", _("Applications to the linked calls")
    INTERESTS = "interests", _("Expressions of interest in the linked opportunities")
    ACTIONS_DONE = "actions_done", _("Actions done")


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    axis = models.ForeignKey(Axis, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="indicators", verbose_name=_("axis"))  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    measure = models.CharField(_("how it is measured"), max_length=20, choices=Measure,
                               default=Measure.TYPED)  # fmt: skip
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["axis__order", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["indicator", "on"],
                                               name="indicator_value_once_a_day")]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.on}: {self.value}"


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="milestones", verbose_name=_("action"))  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due"))
    reached_on = models.DateField(_("reached"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class Response(models.TextChoices):
    NEW = "new", _("Received")
    ADOPTED = "adopted", _("Taken up in the plan")
    UNDER_STUDY = "under_study", _("Under study")
    DECLINED = "declined", _("Not taken up")


class Recommendation(TimeStampedModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    axis = models.ForeignKey(Axis, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="recommendations", verbose_name=_("axis"))  # fmt: skip
    text = models.TextField(_("recommendation"), max_length=3000)
    author = models.CharField(_("who said it"), max_length=200)
    author_organisation = models.CharField(_("their organisation"), max_length=300, blank=True)
    publish_name = models.BooleanField(_("the name may be shown with the recommendation"),
                                       default=False)  # fmt: skip
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("collected at"))  # fmt: skip
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    response = models.CharField(_("what the plan did with it"), max_length=12, choices=Response,
                                default=Response.NEW)  # fmt: skip
    answer = models.TextField(_("answer"), blank=True)
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="recommendations",
                               verbose_name=_("action that takes it up"))  # fmt: skip

    class Meta:
        ordering = ["-created"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.text[:80]
