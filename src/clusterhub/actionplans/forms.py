from django import forms
from django.utils.translation import gettext_lazy as _

from clusterhub.calls import selectors as calls
from clusterhub.events import selectors as events
from clusterhub.partnering import selectors as partnering
from clusterhub.registry.forms import organisation_field_value

from . import axes
from .models import (
    CURRENCIES,
    Action,
    Funding,
    FundingKind,
    Indicator,
    Milestone,
    Plan,
    Recommendation,
    Response,
)

# form field → kind of delivery
DELIVERY_FIELDS = (("events", "event"), ("consortia", "consortium"), ("calls", "call"),
                   ("opportunities", "opportunity"))  # fmt: skip
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationLinesField(forms.CharField):
    """Organisations of the registry, one per line (PIC, address or name); every line that
    names none, or several, is reported."""

    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value):
        text = super().clean(value)
        found, errors = [], []
        for line in (text or "").splitlines():
            if line.strip():
                try:
                    found.append(organisation_field_value(line.strip()))
                except forms.ValidationError as error:
                    errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return list({o.pk: o for o in found}.values())


class PlanForm(forms.ModelForm):
    partner_lines = OrganisationLinesField(
        label=_("Partners"), required=False,
        help_text=_("One organisation of the registry per line: its PIC, address or name. The "
                    "coordinating organisation is always a partner."),
    )  # fmt: skip

    class Meta:
        model = Plan
        fields = ["title", "summary", "starts_on", "ends_on", "currency", "published"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end is before the start."))
        return data


class NewPlanForm(PlanForm):
    owner = forms.ModelChoiceField(queryset=None, label=_("Coordinating organisation"))
    template = forms.ChoiceField(label=_("Axes"), required=False, choices=axes.choices)
    own_axes = forms.CharField(
        label=_("Axes of its own"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, added after those of the set chosen above."),
    )  # fmt: skip

    field_order = ["owner", "title", "summary", "starts_on", "ends_on", "currency", "template",
                   "own_axes", "partner_lines", "published"]  # fmt: skip

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = organisations
        self.fields["currency"].choices = CURRENCIES

    def clean(self):
        data = super().clean()
        if not data.get("template") and not (data.get("own_axes") or "").strip():
            self.add_error("own_axes", _("Choose a set of axes or write the plan's own."))
        return data


class AxisForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Axis"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


AxisFormSet = forms.formset_factory(AxisForm, extra=1, can_delete=True)


class ActionForm(forms.ModelForm):
    events = forms.ModelMultipleChoiceField(queryset=None, required=False, label=_("Events"))
    consortia = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                               label=_("Consortia"))  # fmt: skip
    calls = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                           label=_("Calls"))  # fmt: skip
    opportunities = forms.ModelMultipleChoiceField(queryset=None, required=False,
                                                   label=_("Opportunities"))  # fmt: skip

    class Meta:
        model = Action
        fields = ["axis", "title", "description", "nature", "lead", "partners", "starts_on",
                  "ends_on", "status", "budget"]  # fmt: skip
        widgets = {"starts_on": DATE, "ends_on": DATE, "partners": forms.CheckboxSelectMultiple,
                   "description": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        partner_ids = list(plan.partnerships.values_list("organisation_id", flat=True))
        from clusterhub.registry.models import Organisation

        partners = Organisation.objects.filter(pk__in=partner_ids).order_by("legal_name")
        self.fields["axis"].queryset = plan.axes.all()
        self.fields["lead"].queryset = partners
        self.fields["partners"].queryset = partners
        self.fields["budget"].label = _("Budget (%(currency)s)") % {"currency": plan.currency}
        self.fields["events"].queryset = events.events_of(partner_ids)
        self.fields["consortia"].queryset = partnering.consortia_with(partner_ids)
        self.fields["calls"].queryset = calls.calls_of(partner_ids)
        self.fields["opportunities"].queryset = partnering.opportunities_of(partner_ids)
        if self.instance.pk:
            for name, kind in DELIVERY_FIELDS:
                self.initial[name] = [d.target_id for d in self.instance.deliveries.all()
                                      if d.kind == kind]  # fmt: skip

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The action ends before it starts."))
        return data

    def deliveries(self) -> dict[str, list[int]]:
        data = self.cleaned_data
        return {kind: [o.pk for o in data.get(name) or []] for name, kind in DELIVERY_FIELDS}


class FundingForm(forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["source", "kind", "amount"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = FundingKind.choices
        self.fields["amount"].min_value = 0


FundingFormSet = forms.modelformset_factory(Funding, form=FundingForm, extra=2, can_delete=True)


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "axis", "measure", "baseline", "target"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = plan.axes.all()
        self.fields["axis"].empty_label = _("The whole plan")


class ValueForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "action", "reached_on"]
        widgets = {"due_on": DATE, "reached_on": DATE}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = plan.actions.all()
        self.plan = plan

    def clean_due_on(self):
        due = self.cleaned_data["due_on"]
        if not self.plan.starts_on <= due <= self.plan.ends_on:
            raise forms.ValidationError(
                _("The due date is outside the plan's period, %(start)s to %(end)s.")
                % {"start": self.plan.starts_on.isoformat(), "end": self.plan.ends_on.isoformat()}
            )
        return due


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["axis", "text", "author", "author_organisation", "publish_name", "event"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: Plan, team: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = plan.axes.all()
        self.fields["axis"].empty_label = _("The plan as a whole")
        if team:
            partner_ids = list(plan.partnerships.values_list("organisation_id", flat=True))
            self.fields["event"].queryset = events.events_of(partner_ids)
            self.fields["author"].help_text = _("Who made it, as they agreed to be named.")
        else:
            del self.fields["event"]


class AnswerForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["response", "answer", "action"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = Response.choices
        self.fields["action"].queryset = plan.actions.all()
