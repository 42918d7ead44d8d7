from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.reference.models import NutsRegion

from .models import ClusterOrganisation, Organisation
from .selectors import ORGANISATION_KEYS, OrganisationNotFound, organisation_named


class OrganisationForm(forms.ModelForm):
    nuts_region = forms.CharField(
        label=_("NUTS region code"),
        required=False,
        max_length=5,
        help_text=_("E.g. FRK26. Leave empty to derive it from the coordinates."),
    )

    class Meta:
        model = Organisation
        fields = [
            "legal_name",
            "short_name",
            "kind",
            "is_sme",
            "country",
            "nuts_region",
            "city",
            "latitude",
            "longitude",
            "website",
            "description",
            "ecosystems",
            "technologies",
            "nace_activities",
            "pic",
        ]
        widgets = {
            "ecosystems": forms.CheckboxSelectMultiple,
            "technologies": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.nuts_region_id:
            self.initial["nuts_region"] = self.instance.nuts_region_id
        self.fields["nace_activities"].queryset = self.fields["nace_activities"].queryset.filter(
            section__isnull=False
        )

    def clean_nuts_region(self):
        code = (self.cleaned_data.get("nuts_region") or "").strip().upper()
        if not code:
            return None
        region = NutsRegion.objects.filter(code=code).only("code", "country_id").first()
        if region is None:
            raise forms.ValidationError(_("Unknown NUTS code “%(code)s”."), params={"code": code})
        return region

    def clean(self):
        data = super().clean()
        region, country = data.get("nuts_region"), data.get("country")
        if region and country and region.country_id != country.pk:
            self.add_error(
                "nuts_region",
                _("NUTS region %(code)s is not in %(country)s.")
                % {"code": region.code, "country": country},
            )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data


class ClusterProfileForm(forms.ModelForm):
    """The profile's figures; the SME rule is the model's (``ClusterOrganisation.clean``), which
    the form runs when it validates, as the services, the admin and the import do."""

    class Meta:
        model = ClusterOrganisation
        fields = [
            "founding_year",
            "members_companies",
            "members_smes",
            "members_research",
            "members_universities",
            "members_public",
            "members_other",
            "management_fte",
            "support_programmes",
            "languages",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"support_programmes": forms.Textarea(attrs={"rows": 3})}


class TeamMemberForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))


class TeamRequestForm(forms.Form):
    role = forms.CharField(
        label=_("Your role in the organisation"),
        max_length=200,
        help_text=_("E.g. project manager, communication officer."),
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: anything that helps them recognise you."),
    )


class MemberForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=300,
        help_text=_("Its name as in the registry, its address on Clusterhub, or its PIC."),
    )
    since = forms.IntegerField(label=_("Member since (year)"), required=False)

    def clean_organisation(self):
        return organisation_field_value(self.cleaned_data["organisation"])


def organisation_field_value(text: str, *, keys: tuple[str, ...] = ORGANISATION_KEYS):
    """The organisation a person typed in a form field (see ``selectors.organisation_named``),
    or a ``ValidationError`` saying that none, or several, answer to it."""
    try:
        return organisation_named(text, keys=keys)
    except OrganisationNotFound as error:
        code = "ambiguous" if error.ambiguous else "unknown"
        raise forms.ValidationError(str(error), code=code) from error
