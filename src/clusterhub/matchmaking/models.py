from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clusterhub.core.models import TimeStampedModel
from clusterhub.events.models import Event, Registration
from clusterhub.partnering.models import OpportunityKind


class ScheduleState(models.TextChoices):
    NOT_PUBLISHED = "none", _("Not published")
    PRELIMINARY = "preliminary", _("Preliminary agendas published")
    FINAL = "final", _("Final agendas published")


class Matchmaking(TimeStampedModel):
    """The B2B meetings of one event: how they run and the rules for requests."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="matchmaking")
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=20)
    tables = models.PositiveSmallIntegerField(_("number of tables"), default=20)
    remote_meetings = models.BooleanField(_("remote meetings allowed"), default=True)
    request_cap = models.PositiveSmallIntegerField(
        _("requests a participant may send"), null=True, blank=True
    )
    request_deadline = models.DateTimeField(_("request deadline"), null=True, blank=True)
    pending_expiry_days = models.PositiveSmallIntegerField(
        _("pending requests expire after (days)"), default=5
    )
    max_meetings_per_session = models.PositiveSmallIntegerField(
        _("meetings per person and session, at most"), null=True, blank=True
    )
    long_meetings = models.BooleanField(
        _("double-length meetings may be requested"),
        default=False,
        help_text=_("A double-length meeting takes two slots in a row, at one table."),
    )
    same_organisation_meetings = models.BooleanField(
        _("people of one organisation may meet each other"), default=False
    )
    schedule_state = models.CharField(
        max_length=12, choices=ScheduleState, default=ScheduleState.NOT_PUBLISHED
    )
    schedule_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("matchmaking")
        verbose_name_plural = _("matchmakings")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=5), name="meetings_of_5_min_or_more"
            )
        ]

    def __str__(self) -> str:
        return f"B2B – {self.event}"


class MatchmakingSession(models.Model):
    """A period of meetings (e.g. day 1, 14:00–18:00), cut into slots around its breaks."""

    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    breaks = models.JSONField(
        _("breaks"), default=list, blank=True, help_text=_("Pairs of ISO times [start, end].")
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="mm_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title


class MeetingSlot(models.Model):
    session = models.ForeignKey(MatchmakingSession, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["session", "start"], name="one_slot_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}"


class ParticipantType(models.Model):
    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="types")
    name = models.CharField(_("name"), max_length=100)
    may_request = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="requested_by",
        verbose_name=_("may request meetings with"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matchmaking", "name"], name="unique_type_name")
        ]

    def __str__(self) -> str:
        return self.name


class Participant(TimeStampedModel):
    matchmaking = models.ForeignKey(
        Matchmaking, on_delete=models.CASCADE, related_name="participants"
    )
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="matchmaking_profile"
    )
    type = models.ForeignKey(
        ParticipantType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opted_in = models.BooleanField(_("takes part in B2B meetings"), default=False)
    opted_in_at = models.DateTimeField(null=True, blank=True)
    pitch = models.TextField(_("what I offer and look for"), blank=True)
    fixed_table = models.CharField(
        _("own table or booth"),
        max_length=40,
        blank=True,
        help_text=_("Exhibitors meet at their own booth."),
    )
    remote = models.BooleanField(_("meets remotely"), default=False)
    availability = models.ManyToManyField(
        MatchmakingSession, blank=True, related_name="available_participants"
    )
    max_meetings = models.PositiveSmallIntegerField(
        _("at most this many meetings"), null=True, blank=True
    )
    preferred_slots = models.ManyToManyField(
        "MeetingSlot", blank=True, related_name="preferred_by", verbose_name=_("preferred times")
    )
    joins_colleagues = models.BooleanField(
        _("colleagues may bring me to their meetings"), default=False
    )

    class Meta:
        ordering = ["registration__last_name", "registration__first_name"]

    def __str__(self) -> str:
        return self.registration.name


class MarketplaceItem(TimeStampedModel):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=OpportunityKind)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# A request still open: it counts towards the sender's cap, no other request between the pair
# may open (``one_open_request_per_pair``), and either side may cancel it.
OPEN_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class MeetingRequest(TimeStampedModel):
    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="requests")
    sender = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent_requests")
    recipient = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="received_requests"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.PENDING)
    proposed_slot = models.ForeignKey(
        MeetingSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    long = models.BooleanField(_("double-length meeting"), default=False)
    colleagues = models.ManyToManyField(
        Participant,
        blank=True,
        related_name="joined_requests",
        verbose_name=_("colleagues joining"),
    )

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sender=F("recipient")), name="no_meeting_with_oneself"
            ),
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_request_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"

    @property
    def cancellable(self) -> bool:
        """Either side may still call it off: withdraw it while pending, cancel the meeting
        once accepted."""
        return self.status in OPEN_STATUSES


# The scheduler's reasons (stored in English) as the organisers read them.
UNSCHEDULED_REASONS = {
    "no common free slot": _("no common free slot"),
    "no table": _("no table"),
    "participant fully booked": _("participant fully booked"),
    "participant's meeting limit reached": _("participant's meeting limit reached"),
    "participants of one organisation": _("participants of one organisation"),
}


class Outcome(models.TextChoices):
    NONE = "none", _("No further contact")
    PLANNED = "planned", _("Further contact planned")
    NEGOTIATION = "negotiation", _("Negotiation under way")
    AGREEMENT = "agreement", _("Agreement reached")


class Meeting(TimeStampedModel):
    """An accepted request: what the scheduler places into a slot and at a table."""

    request = models.OneToOneField(MeetingRequest, on_delete=models.CASCADE, related_name="meeting")
    matchmaking = models.ForeignKey(Matchmaking, on_delete=models.CASCADE, related_name="meetings")
    weight = models.FloatField(default=1.0)
    slot = models.ForeignKey(
        MeetingSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    table = models.CharField(_("table"), max_length=40, blank=True)
    remote = models.BooleanField(_("remote"), default=False)
    video_url = models.URLField(_("video link"), blank=True)
    locked = models.BooleanField(_("locked by the organisers"), default=False)
    unscheduled_reason = models.CharField(max_length=200, blank=True)
    published_slot = models.ForeignKey(
        MeetingSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_table = models.CharField(max_length=40, blank=True)
    sender_no_show = models.BooleanField(default=False)
    recipient_no_show = models.BooleanField(default=False)
    sender_outcome = models.CharField(max_length=12, choices=Outcome, blank=True)
    recipient_outcome = models.CharField(max_length=12, choices=Outcome, blank=True)

    class Meta:
        ordering = ["slot__start", "table"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=~Q(table="") & Q(slot__isnull=False),
                name="one_meeting_per_table_and_slot",
            )
        ]

    def __str__(self) -> str:
        return str(self.request)

    @property
    def reason_text(self) -> str:
        """Why the scheduler left the meeting out, in the reader's language."""
        reason = self.unscheduled_reason
        return str(UNSCHEDULED_REASONS.get(reason, reason))


class Booking(models.Model):
    """One participant's seat in a scheduled meeting: the database refuses a person in two
    meetings of one slot, whoever writes the schedule."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bookings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="bookings")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="bookings")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "slot"], name="one_meeting_per_person_and_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.slot}"
