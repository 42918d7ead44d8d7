import zoneinfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterhub.reference.models import Country
from clusterhub.registry.forms import MemberForm
from clusterhub.registry.models import OrganisationKind

from . import eligibility
from .models import (
    ConsortiumMember,
    FundingCall,
    MemberRole,
    MemberStatus,
    Opportunity,
    OpportunityKind,
    PartnershipKind,
)

# Opportunities ------------------------------------------------------------------------------


class OpportunityForm(forms.ModelForm):
    partnership_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of partnership sought"),
        choices=PartnershipKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of partner sought"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Opportunity
        fields = [
            "kind",
            "title",
            "summary",
            "description",
            "partnership_kinds",
            "partner_kinds",
            "partner_size",
            "call_topic",
            "role_sought",
            "ecosystems",
            "technologies",
            "keywords",
            "target_countries",
            "deadline",
            "show_contact_email",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "ecosystems": forms.CheckboxSelectMultiple,
            "technologies": forms.CheckboxSelectMultiple,
            "target_countries": forms.SelectMultiple(attrs={"size": 8}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "keywords": gettext_lazy("Separated by commas."),
            "target_countries": gettext_lazy("Leave empty for any country."),
            "call_topic": gettext_lazy(
                "For R&D requests: the call topic, e.g. HORIZON-CL4-2025-01-01."
            ),
        }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields = {
                "owner": forms.ModelChoiceField(
                    label=_("Published by"),
                    queryset=owners,
                    empty_label=None,
                    help_text=_("One of the organisations on whose profile team you are."),
                ),
                **self.fields,
            }

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == OpportunityKind.RD_REQUEST
            and not data.get("call_topic", "").strip()
        ):
            # Said here on the field (the database constraint would say it on top, in its words).
            self.add_error("call_topic", _("An R&D request names the call topic it prepares."))
        return data


class InterestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("On behalf of"), queryset=None, empty_label=None
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the owner"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=gettext_lazy(
            "Say in a few words why you are interested; your profile is attached."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


# Funding calls ------------------------------------------------------------------------------

TIMEZONES = sorted(zoneinfo.available_timezones())


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CallForm(forms.ModelForm):
    """A call; its opening and deadline are typed in the call's own time zone."""

    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opening"), required=False, widget=LocalDateTimeInput()
    )
    deadline = forms.DateTimeField(label=gettext_lazy("Deadline"), widget=LocalDateTimeInput())
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=[(tz, tz) for tz in TIMEZONES],
        initial="Europe/Brussels",
        help_text=gettext_lazy("The opening and the deadline are in this time zone."),
    )

    class Meta:
        model = FundingCall
        fields = [
            "programme",
            "identifier",
            "title",
            "description",
            "timezone",
            "opens_at",
            "deadline",
            "budget",
            "url",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.instance
        if call.pk:
            tz = zoneinfo.ZoneInfo(call.timezone)
            for name in ("opens_at", "deadline"):
                value = getattr(call, name)
                if value is not None:
                    self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean(self):
        data = super().clean()
        name = data.get("timezone")
        if name:
            tz = zoneinfo.ZoneInfo(name)
            for field_name in ("opens_at", "deadline"):
                value = data.get(field_name)
                if value is not None:
                    # The browser's value is a wall-clock time in the call's time zone.
                    naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
                    data[field_name] = naive.replace(tzinfo=tz)
        return data


KIND_FIELDS = (*eligibility.KINDS, eligibility.SME)
KIND_LABELS = {
    "company": gettext_lazy("Companies"),
    "research": gettext_lazy("Research organisations"),
    "higher_education": gettext_lazy("Universities / higher education"),
    "public_authority": gettext_lazy("Public authorities"),
    "cluster": gettext_lazy("Cluster organisations"),
    "other": gettext_lazy("Other organisations"),
    eligibility.SME: gettext_lazy("SMEs"),
}
ELIGIBLE_CHOICES = [
    ("member_states_and_associated", gettext_lazy("EU Member States and associated countries")),
    ("member_states", gettext_lazy("EU Member States only")),
    ("custom", gettext_lazy("A list of countries")),
]


class RulesForm(forms.Form):
    """A call's eligibility rules as a small form, turned into ``Rules.to_dict()``.

    A requirement of several kinds at once ("2 companies or research organisations"), which
    only the API can write, is kept as it is and shown read-only.
    """

    min_entities = forms.IntegerField(
        label=gettext_lazy("Minimum number of independent legal entities"), min_value=1, initial=1
    )
    min_countries = forms.IntegerField(
        label=gettext_lazy("Minimum number of different eligible countries"), min_value=0, initial=1
    )
    eligible = forms.ChoiceField(
        label=gettext_lazy("Eligible countries"),
        choices=ELIGIBLE_CHOICES,
        initial="member_states_and_associated",
    )
    eligible_list = forms.CharField(
        label=gettext_lazy("The list of eligible countries"),
        required=False,
        help_text=gettext_lazy("Two-letter codes separated by commas, e.g. FR, DE, NO."),
    )
    min_from_member_states = forms.IntegerField(
        label=gettext_lazy("Of which at least this many from EU Member States"),
        min_value=0,
        initial=0,
    )
    max_partners = forms.IntegerField(
        label=gettext_lazy("Maximum number of partners"),
        min_value=1,
        required=False,
        help_text=gettext_lazy("Leave empty for no maximum."),
    )
    affiliated_count = forms.BooleanField(
        label=gettext_lazy("Affiliated entities count towards the conditions"), required=False
    )
    associated_partners_count = forms.BooleanField(
        label=gettext_lazy("Associated partners count towards the conditions"), required=False
    )
    require_coordinator = forms.BooleanField(
        label=gettext_lazy("Exactly one coordinator is required"), required=False, initial=True
    )

    def __init__(self, *args, rules: dict | None = None, **kwargs):
        self.kept: list[dict] = []
        initial = kwargs.pop("initial", None) or {}
        if rules is not None:
            initial = {**self.initial_from(rules), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        for kind in KIND_FIELDS:
            self.fields[f"kind_{kind}"] = forms.IntegerField(
                label=KIND_LABELS[kind], min_value=0, required=False
            )
            self.fields[f"kind_{kind}_countries"] = forms.IntegerField(
                label=_("%(kind)s: from at least this many countries")
                % {"kind": KIND_LABELS[kind]},
                min_value=0,
                required=False,
            )

    def initial_from(self, data: dict) -> dict:
        try:
            rules = eligibility.Rules.from_dict(data or {})
        except (eligibility.RulesError, TypeError, ValueError):
            rules = eligibility.Rules()
        eligible = rules.eligible_countries
        initial: dict = {
            "min_entities": rules.min_entities,
            "min_countries": rules.min_countries,
            "eligible": "custom" if isinstance(eligible, tuple) else eligible,
            "eligible_list": ", ".join(eligible) if isinstance(eligible, tuple) else "",
            "min_from_member_states": rules.min_from_member_states,
            "max_partners": rules.max_partners,
            "affiliated_count": rules.affiliated_count,
            "associated_partners_count": rules.associated_partners_count,
            "require_coordinator": rules.require_coordinator,
        }
        for req in rules.required_kinds:
            if len(req.kinds) == 1 and f"kind_{req.kinds[0]}" not in initial:
                initial[f"kind_{req.kinds[0]}"] = req.min_count
                initial[f"kind_{req.kinds[0]}_countries"] = req.min_countries or None
            else:
                self.kept.append(req.to_dict())
        return initial

    def kind_rows(self):
        """(label, count field, countries field) for the template's table."""
        return [
            (KIND_LABELS[k], self[f"kind_{k}"], self[f"kind_{k}_countries"]) for k in KIND_FIELDS
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        codes: list[str] | None = None
        if data.get("eligible") == "custom":
            codes = [c.strip().upper() for c in data.get("eligible_list", "").split(",")]
            codes = [c for c in codes if c]
            if not codes:
                self.add_error("eligible_list", _("List the eligible countries."))
                return data
            known = set(Country.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = [c for c in codes if c not in known]
            if unknown:
                self.add_error(
                    "eligible_list",
                    _("Unknown country code(s): %(codes)s.") % {"codes": ", ".join(unknown)},
                )
                return data
        required: list[dict] = []
        field_of_requirement: list[str] = []
        for kind in KIND_FIELDS:
            count = data.get(f"kind_{kind}")
            countries = data.get(f"kind_{kind}_countries")
            if countries and not count:
                self.add_error(
                    f"kind_{kind}", _("Give the number of organisations of this kind as well.")
                )
                return data
            if count:
                item = {"kind": kind, "min": count}
                if countries:
                    item["min_countries"] = countries
                required.append(item)
                field_of_requirement.append(f"kind_{kind}")
        required += self.kept
        field_of_requirement += [None] * len(self.kept)
        rules = {
            "min_entities": data["min_entities"],
            "min_countries": data["min_countries"],
            "eligible_countries": codes if codes is not None else data["eligible"],
            "min_from_member_states": data["min_from_member_states"],
            "required_kinds": required,
            "max_partners": data.get("max_partners"),
            "affiliated_count": bool(data.get("affiliated_count")),
            "associated_partners_count": bool(data.get("associated_partners_count")),
            "require_coordinator": bool(data.get("require_coordinator")),
        }
        try:
            self.rules = eligibility.Rules.from_dict(rules).to_dict()
        except eligibility.RulesError as error:
            # On the form field it comes from, still naming the rule ("max_partners: …").
            self.add_error(self._field_for(error.field, field_of_requirement), str(error))
        return data

    def _field_for(self, rule_field: str, requirement_fields: list) -> str | None:
        """The form field behind a rule field named by ``RulesError`` (``required_kinds[1].min``
        → ``kind_cluster``)."""
        if rule_field.startswith("required_kinds["):
            index = int(rule_field[len("required_kinds[") :].split("]")[0])
            name = requirement_fields[index] if index < len(requirement_fields) else None
            if name and rule_field.endswith(".min_countries"):
                name += "_countries"
            return name
        if rule_field == "eligible_countries":
            return "eligible_list"
        return rule_field if rule_field in self.fields else None


class ConsortiumForm(forms.Form):
    coordinator = forms.ModelChoiceField(
        label=gettext_lazy("Coordinator"),
        queryset=None,
        empty_label=None,
        help_text=gettext_lazy("One of the organisations on whose profile team you are."),
    )
    acronym = forms.CharField(label=gettext_lazy("Acronym"), max_length=50)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = organisations


# Consortium workspace -----------------------------------------------------------------------


class InviteForm(MemberForm):
    """An organisation found by name, address or PIC (as for cluster members), its role and
    the address that receives the invitation."""

    since = None
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=[c for c in MemberRole.choices if c[0] != MemberRole.COORDINATOR],
        initial=MemberRole.BENEFICIARY,
    )
    affiliated_to = forms.ModelChoiceField(
        label=gettext_lazy("Affiliated to"),
        queryset=ConsortiumMember.objects.none(),
        required=False,
        help_text=gettext_lazy("For an affiliated entity: the member it is linked to."),
    )
    email = forms.EmailField(
        label=gettext_lazy("Invitation e-mail"),
        required=False,
        help_text=gettext_lazy("Optional: the address that receives the invitation."),
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affiliated_to"].queryset = consortium.members.select_related("organisation")
        self.fields["affiliated_to"].label_from_instance = lambda m: m.organisation.name


class MemberChangeForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=MemberStatus.choices)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MemberRole.choices)
    work_packages = forms.CharField(label=gettext_lazy("WP leads"), max_length=200, required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Shared note"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=50000,
    )


class ChecklistForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("New item"), max_length=300)


class AccessForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Colleague's e-mail"),
        help_text=gettext_lazy("They need a Clusterhub account with this address."),
    )
    member = forms.ModelChoiceField(
        label=gettext_lazy("Works for"),
        queryset=ConsortiumMember.objects.none(),
        required=False,
        empty_label=gettext_lazy("(no member organisation)"),
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = consortium.members.select_related("organisation")
        self.fields["member"].label_from_instance = lambda m: m.organisation.name

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("No Clusterhub account uses %(email)s: ask your colleague to sign up first."),
                params={"email": email},
            )
        self.user = user
        return email


# Finding partners ---------------------------------------------------------------------------


class PartnerSearchForm(forms.Form):
    """A request for partners: what they are for, from which organisation, for which call."""

    q = forms.CharField(
        label=gettext_lazy("What are the partners for?"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "A topic, a call's text or a request such as “a plastics cluster in another country”."
        ),
    )
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        to_field_name="slug",
        label=gettext_lazy("For the consortium of"),
        empty_label=gettext_lazy("No organisation"),
    )
    call = forms.ModelChoiceField(
        queryset=FundingCall.objects.order_by("-deadline"),
        required=False,
        label=gettext_lazy("Funding call"),
        empty_label=gettext_lazy("Any call"),
    )
    kind = forms.ChoiceField(required=False, label=gettext_lazy("Kind"))
    country = forms.ModelChoiceField(
        queryset=Country.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Country"),
        empty_label=gettext_lazy("Any country"),
    )

    def __init__(self, data=None, *, organisations=None):
        super().__init__(data)
        from clusterhub.registry.models import Organisation

        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        self.fields["kind"].choices = [
            ("", _("Any kind")),
            *OrganisationKind.choices,
            ("sme", _("SME")),
        ]

    def clean(self):
        data = super().clean()
        if not ((data.get("q") or "").strip() or data.get("organisation") or data.get("call")):
            raise forms.ValidationError(
                _("Say what the partners are for, or choose a call or your organisation.")
            )
        return data
