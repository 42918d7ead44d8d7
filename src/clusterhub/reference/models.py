from django.db import models
from django.utils.translation import gettext_lazy as _

from .names import country_name, vocabulary_name


class Country(models.Model):
    class Status(models.TextChoices):
        MEMBER_STATE = "member_state", _("EU Member State")
        ASSOCIATED = "associated", _("Associated country")
        THIRD = "third", _("Third country")

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    eu_code = models.CharField(
        _("EU code"), max_length=2, unique=True, help_text=_("As written by CORDIS and NUTS.")
    )
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.THIRD)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return country_name(self.code, self.name)

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return str(self)


class NutsRegion(models.Model):
    code = models.CharField(_("NUTS code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_latin = models.CharField(_("name (Latin script)"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="nuts_regions")
    geometry = models.JSONField(_("geometry (GeoJSON)"), null=True, blank=True)
    svg_path = models.TextField(_("map outline (SVG path)"), blank=True)
    label_lon = models.FloatField(null=True, blank=True)
    label_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("NUTS region")
        verbose_name_plural = _("NUTS regions")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__lte=3), name="nuts_level_0_to_3")
        ]
        indexes = [models.Index(fields=["level", "country"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name_latin}"


class Ecosystem(models.Model):
    slug = models.SlugField(primary_key=True, max_length=50)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("industrial ecosystem")
        verbose_name_plural = _("industrial ecosystems")

    def __str__(self) -> str:
        return vocabulary_name(self.name)

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return str(self)


class Technology(models.Model):
    slug = models.SlugField(primary_key=True, max_length=50)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("advanced technology")
        verbose_name_plural = _("advanced technologies")

    def __str__(self) -> str:
        return vocabulary_name(self.name)

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return str(self)


class NaceActivity(models.Model):
    """A NACE Rev. 2 section (one letter) or division (two digits)."""

    code = models.CharField(_("NACE code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    section = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="divisions"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("NACE activity")
        verbose_name_plural = _("NACE activities")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the reader's language (sections are translated; divisions keep the
        English of NACE Rev. 2)."""
        return vocabulary_name(self.name) if self.is_section else self.name

    @property
    def is_section(self) -> bool:
        return self.section_id is None
