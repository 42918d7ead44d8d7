import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.core.models import TimeStampedModel
from clusterhub.reference.models import Country, Ecosystem, NutsRegion
from clusterhub.registry.models import Organisation, OrganisationKind, Person


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(tz)s” is not a time zone (e.g. Europe/Paris)."), params={"tz": value}
        )


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    DISSEMINATION = "dissemination", _("Dissemination event")
    MATCHMAKING = "matchmaking", _("Matchmaking event")
    GENERAL_ASSEMBLY = "general_assembly", _("General assembly")
    WEBINAR = "webinar", _("Webinar")
    SITE_VISIT = "site_visit", _("Site visit")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


PUBLIC_STATUSES = [s for s in EventStatus.values if s != EventStatus.DRAFT]


class Event(TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=EventKind)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    target_audience = models.CharField(_("target audience"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
        verbose_name=_("hosting organisation"),
    )
    co_organisers = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="co_organised_events",
        verbose_name=_("co-organisers"),
    )
    context = models.CharField(
        _("in the framework of"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the exhibition or programme that hosts the event."),
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("country")
    )
    nuts_region = models.ForeignKey(
        NutsRegion, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("NUTS region")
    )
    online_url = models.URLField(_("online link"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Brussels", validators=[validate_timezone]
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    interpretation = models.CharField(_("interpretation"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(
        _("registrations need the organisers' approval"), default=False
    )
    session_choice = models.BooleanField(
        _("participants choose the sessions they attend"),
        default=False,
        help_text=_("The registration form then lists the sessions (breaks aside) to tick."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus, default=EventStatus.DRAFT
    )
    ecosystems = models.ManyToManyField(Ecosystem, blank=True, verbose_name=_("ecosystems"))
    outcomes = models.TextField(_("outcomes"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    summary_published = models.BooleanField(_("summary published"), default=False)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes__isnull=True)
                | Q(registration_opens__isnull=True)
                | Q(registration_closes__gt=F("registration_opens")),
                name="registration_closes_after_it_opens",
            ),
        ]
        indexes = [models.Index(fields=["status", "start"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def is_online(self) -> bool:
        return bool(self.online_url) and not self.venue


class EventOrganiser(models.Model):
    """A member of the event's organising team: manages the event, its agenda and registrations."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organised_events"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event organiser")
        verbose_name_plural = _("event organisers")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_seat_per_event_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.event}"


class SessionKind(models.TextChoices):
    INTRODUCTION = "introduction", _("Introduction")
    KEYNOTE = "keynote", _("Keynote")
    PRESENTATION = "presentation", _("Presentation")
    PANEL = "panel", _("Panel")
    ROUND_TABLE = "round_table", _("Round table")
    WORKSHOP = "workshop", _("Workshop")
    VISIT = "visit", _("Visit")
    NETWORKING = "networking", _("Networking")
    BREAK = "break", _("Break")
    CLOSING = "closing", _("Closing")


class Session(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=400)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SessionKind, default=SessionKind.PRESENTATION
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    chair = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_sessions",
        verbose_name=_("chair"),
    )

    class Meta:
        ordering = ["start", "room"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="session_ends_after_start")
        ]
        indexes = [models.Index(fields=["event", "start"])]

    def __str__(self) -> str:
        return self.title


class SessionSpeaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="talks")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the person's own organisation."),
    )
    role = models.CharField(_("role in the session"), max_length=200, blank=True)
    talk_title = models.CharField(_("talk title"), max_length=400, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="one_speaker_seat_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.session})"


class MaterialKind(models.TextChoices):
    SLIDES = "slides", _("Slides")
    DOCUMENT = "document", _("Document")
    AGENDA = "agenda", _("Agenda")
    PAPER = "paper", _("Input paper")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")


def material_path(instance, filename: str) -> str:
    return f"events/{instance.event_id}/{secrets.token_hex(8)}/{filename}"


class Material(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="materials"
    )
    speaker = models.ForeignKey(
        SessionSpeaker, null=True, blank=True, on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MaterialKind, default=MaterialKind.SLIDES
    )
    file = models.FileField(_("file"), upload_to=material_path, blank=True)
    url = models.URLField(_("link"), blank=True)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["session__start", "title"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_is_a_file_or_a_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes / no")


class RegistrationQuestion(models.Model):
    """A question the organisers add to the registration form."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind, default=QuestionKind.TEXT
    )
    choices = models.TextField(_("choices"), blank=True, help_text=_("One per line."))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Declined by the organisers")


ACTIVE_STATUSES = [
    RegistrationStatus.PENDING,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
]


def new_ticket_code() -> str:
    return secrets.token_urlsafe(12)


class Registration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organisation_name = models.CharField(_("organisation"), max_length=300)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganisationKind
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, verbose_name=_("country"))
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    chosen_sessions = models.ManyToManyField(
        "Session", blank=True, related_name="chosen_by", verbose_name=_("sessions chosen")
    )
    listing_consent = models.BooleanField(
        _("appear in the participants' booklet and list"), default=False
    )
    listing_consent_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus)
    ticket_code = models.CharField(
        max_length=32, unique=True, default=new_ticket_code, editable=False
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["pending", "confirmed", "waitlisted"]),
                name="one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=Q(listing_consent=False) | Q(listing_consent_at__isnull=False),
                name="listing_consent_has_a_date",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created"]),
            # participation figures (insights) are counted from this index alone
            models.Index(fields=["status", "event", "organisation_kind", "country"],
                         name="registration_figures"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} – {self.event}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def attended(self) -> bool:
        return self.checked_in_at is not None
