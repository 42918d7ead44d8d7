from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.partnering.selectors import team_organisations
from clusterhub.reference.models import NutsRegion


@dataclass
class Owner:
    organisation: object = None
    region: object = None

    @property
    def query(self) -> str:
        return (f"network={self.organisation.slug}" if self.organisation
                else f"region={self.region.code}")  # fmt: skip


class ValueForm(forms.Form):
    period = forms.DateField(label=_("Period"), help_text=_("A year is its 1 January."),
                             widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ImportForm(forms.Form):
    network = forms.ModelChoiceField(queryset=None, required=False, label=_("For the network"))
    region = forms.CharField(label=_("For the region (NUTS code)"), required=False, max_length=5,
                             help_text=_("Staff only."))  # fmt: skip
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: indicator, period (a year or a date), value; optional: unit, source, note."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = team_organisations(user)
        self.user = user
        if not user.is_staff:
            del self.fields["region"]

    def clean(self):
        data = super().clean()
        code = (data.get("region") or "").strip().upper()
        if data.get("network") and code:
            raise forms.ValidationError(_("Choose a network or a region, not both."))
        if code:
            region = NutsRegion.objects.filter(code=code, level__lte=2).first()
            if region is None:
                self.add_error("region", _("“%(code)s” is not a NUTS region of level 0 to 2.")
                               % {"code": code})  # fmt: skip
                return data
            data["owner"] = Owner(region=region)
        elif data.get("network"):
            data["owner"] = Owner(organisation=data["network"])
        else:
            raise forms.ValidationError(_("Choose the network the figures are for."))
        return data
