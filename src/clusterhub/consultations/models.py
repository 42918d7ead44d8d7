"""Public consultations: the consultation, its sections and questions, the responses and, kept
apart from them, the ledger of who took part.

Anonymity is kept by the schema: a ``Response`` has no link to a user, an e-mail address or a
time of day (only its day); its author holds the key to change it (a random key whose hash
is stored). ``Participation`` records that a person answered (a user, or the keyed hash of an
e-mail address), so nobody answers twice, and nothing in it points to the response.
``Tally`` keeps the counts the results page shows, updated in the same transaction as the
response.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterhub.core.models import TimeStampedModel
from clusterhub.registry.models import Organisation

from . import questionnaire


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Announced")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    SYNTHESIS = "synthesis", _("Synthesis published")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone (an e-mail address is checked)")
    SIGNED_IN = "signed_in", _("Signed-in users")
    INVITED = "invited", _("An invited list")


class Consultation(TimeStampedModel):
    organiser = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="consultations",
        verbose_name=_("organiser"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    context = models.TextField(_("context"), blank=True)
    phase = models.CharField(_("phase"), max_length=10, choices=Phase, default=Phase.DRAFT)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"))
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    audience = models.CharField(_("who may answer"), max_length=10, choices=Audience,
                                default=Audience.EVERYONE)  # fmt: skip
    statements = models.BooleanField(_("participants may add statements and vote"), default=False)
    synthesis = models.TextField(_("synthesis"), blank=True)
    illustrative = models.CharField(_("note on demo data"), max_length=300, blank=True)

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.slug])


class Document(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="documents")  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="sections")  # fmt: skip
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A question; once it has answers it is never changed: a change makes a new version (the
    old one is retired and keeps its answers)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="questions")  # fmt: skip
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="questions", verbose_name=_("section"))  # fmt: skip
    key = models.SlugField(_("key"), max_length=40)
    version = models.PositiveSmallIntegerField(default=1)
    retired = models.BooleanField(default=False)
    label = models.CharField(_("question"), max_length=500)
    help = models.CharField(_("help"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=12,
                            choices=[(k, k) for k in questionnaire.KINDS])  # fmt: skip
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(_("options"), default=list, blank=True)  # [[key, label], …]
    allow_other = models.BooleanField(_("“other, please say”"), default=False)
    low = models.SmallIntegerField(_("scale from"), default=1)
    high = models.SmallIntegerField(_("scale to"), default=5)
    scale_labels = models.JSONField(_("scale labels"), default=list, blank=True)
    rows = models.JSONField(_("matrix rows"), default=list, blank=True)  # [[key, label], …]
    max_length = models.PositiveIntegerField(_("length limit"), null=True, blank=True)
    minimum = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)  # fmt: skip
    maximum = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)  # fmt: skip
    show_if_key = models.CharField(_("shown when the question"), max_length=40, blank=True)
    show_if_answers = models.JSONField(_("has one of the answers"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # campaigns found in its free-text answers: {"as_of": answers, "found": [[count, text], …]}
    campaigns = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "key"],
                condition=Q(retired=False),
                name="one_current_question_per_key",
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["consultation", "key", "version"], name="one_question_version"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.label

    def as_spec(self) -> questionnaire.Question:
        return questionnaire.Question(
            key=self.key, label=self.label, kind=self.kind, required=self.required,
            options=tuple(tuple(o) for o in self.options), allow_other=self.allow_other,
            low=self.low, high=self.high, scale_labels=tuple(self.scale_labels),
            rows=tuple(tuple(r) for r in self.rows), max_length=self.max_length,
            minimum=self.minimum, maximum=self.maximum,
            show_if=(self.show_if_key, tuple(self.show_if_answers)) if self.show_if_key else None,
        )  # fmt: skip


class StakeholderType(models.TextChoices):
    SME = "sme", _("Company: SME")
    LARGE = "large_company", _("Company: large")
    CLUSTER = "cluster", _("Cluster organisation")
    RESEARCH = "research", _("Research organisation")
    HIGHER_EDUCATION = "higher_education", _("Higher education")
    PUBLIC = "public_authority", _("Public authority")
    ASSOCIATION = "association", _("Association")
    CITIZEN = "citizen", _("Citizen")
    OTHER = "other", _("Other")


class Publication(models.TextChoices):
    NAMED = "named", _("Publish my answer with my name")
    ANONYMOUS = "anonymous", _("Publish my answer anonymously")
    PRIVATE = "private", _("Do not publish my answer")


class Participation(models.Model):
    """The ledger: who took part, never which response is theirs."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="participations")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    address_hash = models.CharField(max_length=64)  # keyed hash of the e-mail address
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "address_hash"], name="one_participation_per_address"
            ),  # fmt: skip
            models.UniqueConstraint(
                fields=["consultation", "user"], name="one_participation_per_user"
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.address_hash[:8]}"


class Response(models.Model):
    """An answer to the consultation. No user, no e-mail address, no time of day: only the
    profile the respondent gives, and the hash of the key that lets its author change it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="responses")  # fmt: skip
    key_hash = models.CharField(max_length=64, unique=True)
    submitted = models.BooleanField(default=False)
    day = models.DateField(_("day"), null=True, blank=True)
    on_behalf = models.BooleanField(_("on behalf of an organisation"), default=False)
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=20,
                                        choices=StakeholderType, blank=True)  # fmt: skip
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=5, blank=True)
    publication = models.CharField(_("publication"), max_length=10, choices=Publication,
                                   default=Publication.ANONYMOUS)  # fmt: skip
    name = models.CharField(_("name"), max_length=200, blank=True)  # only when published named
    generated = models.BooleanField(default=False)  # demo answers, said so where shown

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(publication="named") | Q(name=""),
                name="a_name_only_when_published_named",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(default=dict)
    text = models.TextField(blank=True)  # free text and "other" texts, for themes and search

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.response_id} – {self.question_id}"


class Tally(models.Model):
    """How many submitted responses count for ``key`` (an option, a scale point…) of a
    question (``scope`` is the question's id) or of the respondents' profile (``scope`` is
    ``profile``, keys such as ``country:FR``), by stakeholder type."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="tallies")  # fmt: skip
    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=120)
    stakeholder_type = models.CharField(max_length=20, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "scope", "key", "stakeholder_type"],
                name="one_tally_per_key",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}: {self.count}"


class Invitation(models.Model):
    """An address on the invited list (``Audience.INVITED``)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="invitations")  # fmt: skip
    address_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "address_hash"], name="one_invitation_per_address"
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.address_hash[:8]


class Theme(models.Model):
    """A theme found in (or made from) the free-text answers of a question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(_("theme"), max_length=200)
    terms = models.JSONField(default=list)
    quotes = models.JSONField(default=list, blank=True)  # ids of its most typical answers
    order = models.PositiveSmallIntegerField(default=0)
    answers = models.ManyToManyField(Answer, related_name="themes", blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Statement(TimeStampedModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="statement_set")  # fmt: skip
    text = models.CharField(_("statement"), max_length=300)
    hidden = models.BooleanField(_("hidden by the moderators"), default=False)
    generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return self.text


class StatementVote(models.Model):
    """A vote by a pseudonym (keyed hash of the voter, per consultation)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    value = models.SmallIntegerField(choices=[(1, _("Agree")), (-1, _("Disagree")),
                                              (0, _("Pass"))])  # fmt: skip

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "voter"], name="one_vote_per_statement")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.value}"
