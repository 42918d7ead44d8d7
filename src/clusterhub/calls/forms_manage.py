"""The organisers' forms: a call's settings and who may apply (rules built from plain fields),
its categories and its application form's questions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterhub.core.forms import LocalDateTimeField
from clusterhub.registry.forms import organisation_field_value
from clusterhub.registry.models import LabelLevel, LabelScheme, OrganisationKind

from . import eligibility, questions
from .models import Call, Category, Question

KIND_LABELS = {
    "text": _("Short text"),
    "long_text": _("Long text"),
    "choice": _("Choice"),
    "yes_no": _("Yes or no"),
    "date": _("Date"),
    "number": _("Number"),
    "amount": _("Amount"),
    "file": _("File"),
}


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.replace(";", ",").split(",") if c.strip()]


class CallForm(forms.ModelForm):
    organiser = forms.ModelChoiceField(queryset=None, label=_("Organiser"))
    timezone = forms.CharField(label=_("Time zone"), initial="Europe/Paris", max_length=64)
    opens_at = LocalDateTimeField(label=_("Opening"), required=False)
    deadline = LocalDateTimeField(label=_("Deadline"))
    review_opens = LocalDateTimeField(label=_("Reviews open"), required=False)
    review_closes = LocalDateTimeField(label=_("Reviews close"), required=False)
    # who may apply
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"), choices=OrganisationKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every kind."),
    )  # fmt: skip
    label_scheme = forms.ChoiceField(
        label=_("Label held"), choices=[("", "—"), *LabelScheme.choices], required=False
    )
    label_level = forms.ChoiceField(
        label=_("Label level"), choices=[("", "—"), *LabelLevel.choices], required=False
    )
    label_valid_on = forms.DateField(
        label=_("Label valid on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("E.g. a day of the last labelling phase."),
    )  # fmt: skip
    member_of = forms.CharField(
        label=_("Member of the network"), required=False, max_length=300,
        help_text=_("A cluster organisation or association of the registry (name or address)."),
    )  # fmt: skip
    countries = forms.CharField(
        label=_("Countries"), required=False, max_length=300,
        help_text=_("ISO codes separated by commas, e.g. FR, BE. Empty: every country."),
    )  # fmt: skip
    regions = forms.CharField(
        label=_("Regions"), required=False, max_length=300,
        help_text=_("NUTS codes separated by commas, e.g. FRK. Empty: every region."),
    )  # fmt: skip

    class Meta:
        model = Call
        fields = [
            "kind", "organiser", "title", "description", "status", "timezone", "opens_at",
            "deadline", "rounds", "prizes", "results_announced", "anonymised",
            "independent_jury", "conflict_project_years", "conflict_same_region",
            "reviews_per_application", "fairness_floor", "pair_cap", "review_opens",
            "review_closes", "shortlist_size", "results_session",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 5}),
                   "prizes": forms.Textarea(attrs={"rows": 3})}  # fmt: skip

    TIMES = ("opens_at", "deadline", "review_opens", "review_closes")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisations
        from clusterhub.events.selectors import sessions_since

        since = (self.instance.opens_at or timezone.now()) - dt.timedelta(days=365)
        self.fields["results_session"].queryset = sessions_since(since)
        self.fields["results_session"].label_from_instance = lambda s: (
            f"{s.event.title} – {s.title} ({s.start:%Y-%m-%d})"
        )
        call = self.instance
        if call.pk:
            tz = ZoneInfo(call.timezone)
            for name in self.TIMES:
                value = getattr(call, name)
                self.initial[name] = value.astimezone(tz).replace(tzinfo=None) if value else None
            self._initial_rules(call.rules)

    def _initial_rules(self, data: list) -> None:
        for rule in eligibility.Rules.from_data(data).rules:
            if rule.rule == "kind":
                self.initial["kinds"] = list(rule.values)
            elif rule.rule == "label":
                self.initial |= {"label_scheme": rule.scheme, "label_level": rule.level,
                                 "label_valid_on": rule.valid_on}  # fmt: skip
            elif rule.rule == "member_of":
                self.initial["member_of"] = rule.names[0] if rule.names else rule.values[0]
            elif rule.rule == "country":
                self.initial["countries"] = ", ".join(rule.values)
            elif rule.rule == "region":
                self.initial["regions"] = ", ".join(rule.values)

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        try:
            ZoneInfo(name)
        except Exception:
            raise forms.ValidationError(
                _("“%(name)s” is not a time zone (e.g. Europe/Paris)."), params={"name": name}
            ) from None
        return name

    def clean_member_of(self):
        text = self.cleaned_data["member_of"].strip()
        return organisation_field_value(text) if text else None

    def clean_countries(self) -> list[str]:
        import pycountry

        codes = _codes(self.cleaned_data["countries"])
        unknown = [c for c in codes if pycountry.countries.get(alpha_2=c) is None]
        if unknown:
            raise forms.ValidationError(
                _("Unknown country code: %(codes)s."), params={"codes": ", ".join(unknown)}
            )
        return codes

    def clean_regions(self) -> list[str]:
        codes = _codes(self.cleaned_data["regions"])
        wrong = [c for c in codes if not (2 <= len(c) <= 5 and c[:2].isalpha())]
        if wrong:
            raise forms.ValidationError(
                _("Not a NUTS code: %(codes)s."), params={"codes": ", ".join(wrong)}
            )
        return codes

    def clean(self):
        data = super().clean()
        name = data.get("timezone")
        if name:
            tz = ZoneInfo(name)
            for field in self.TIMES:
                if data.get(field) is not None:
                    data[field] = data[field].replace(tzinfo=tz)
        if data.get("opens_at") and data.get("deadline") and data["opens_at"] >= data["deadline"]:
            self.add_error("deadline", _("The deadline comes after the opening."))
        if (data.get("review_opens") and data.get("review_closes")
                and data["review_opens"] >= data["review_closes"]):  # fmt: skip
            self.add_error("review_closes", _("Reviews close after they open."))
        if data.get("label_level") and not data.get("label_scheme"):
            self.add_error("label_scheme", _("Choose the label whose level is asked."))
        if data.get("pair_cap") is not None and not 0 < data["pair_cap"] <= 1:
            self.add_error("pair_cap", _("A chance is above 0 and at most 1."))
        return data

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        rules: list[dict] = []
        if data.get("kinds"):
            rules.append({"rule": "kind", "values": list(data["kinds"])})
        if data.get("label_scheme"):
            rule = {"rule": "label", "scheme": data["label_scheme"]}
            if data.get("label_level"):
                rule["level"] = data["label_level"]
            if data.get("label_valid_on"):
                rule["valid_on"] = data["label_valid_on"].isoformat()
            rules.append(rule)
        if data.get("member_of"):
            network = data["member_of"]
            rules.append({"rule": "member_of", "values": [network.slug], "names": [network.name]})
        if data.get("countries"):
            rules.append({"rule": "country", "values": data["countries"]})
        if data.get("regions"):
            rules.append({"rule": "region", "values": data["regions"]})
        eligibility.Rules.from_data(rules)  # the same check as every stored rule
        return rules

    def save(self, commit=True):
        call = super().save(commit=False)
        call.rules = self.rules()
        if commit:
            call.save()
        return call


class CategoryForm(forms.ModelForm):
    years = forms.IntegerField(
        label=_("The project started at most N years before the deadline"), required=False,
        min_value=1, max_value=50,
    )  # fmt: skip

    class Meta:
        model = Category
        fields = ["key", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in eligibility.Rules.from_data(self.instance.rules or []).rules:
            if rule.rule == "project_started_within":
                self.initial["years"] = rule.years

    def save(self, commit=True):
        category = super().save(commit=False)
        years = self.cleaned_data.get("years")
        category.rules = [{"rule": "project_started_within", "years": years}] if years else []
        if commit:
            category.save()
        return category


class _UniqueKeys(BaseInlineFormSet):
    def clean(self):
        # before the formset's own check, which only says "correct the duplicate values"
        seen: set[str] = set()
        clash = False
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if key and key in seen:
                form.add_error("key", _("Two lines have the key “%(key)s”.") % {"key": key})
                clash = True
            seen.add(key)
        if not clash:
            super().clean()


CategoryFormSet = inlineformset_factory(
    Call, Category, form=CategoryForm, formset=_UniqueKeys, extra=1, can_delete=True
)


class QuestionForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(KIND_LABELS.items()))
    choices_text = forms.CharField(
        label=_("Choices (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    file_types_text = forms.CharField(
        label=_("File types"), required=False, max_length=200,
        help_text=_("Separated by commas, e.g. pdf, docx. Empty: the usual documents."),
    )  # fmt: skip
    show_if_answers_text = forms.CharField(
        label=_("Shown when that question's answer is one of"), required=False, max_length=300,
        help_text=_("Separated by commas."),
    )  # fmt: skip

    class Meta:
        model = Question
        fields = ["key", "label", "kind", "required", "max_length", "minimum", "maximum",
                  "currency", "max_bytes", "category", "show_if_key"]  # fmt: skip

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            categories if categories is not None else Category.objects.none()
        )
        self.fields["category"].empty_label = _("Every category")
        question = self.instance
        self.initial.setdefault("choices_text", "\n".join(question.choices or []))
        self.initial.setdefault("file_types_text", ", ".join(question.file_types or []))
        self.initial.setdefault("show_if_answers_text", ", ".join(question.show_if_answers or []))

    def clean_file_types_text(self) -> list[str]:
        text = self.cleaned_data["file_types_text"]
        types = [t.strip().lower().lstrip(".") for t in text.split(",") if t.strip()]
        unknown = [t for t in types if t not in questions.SNIFFED]
        if unknown:
            raise forms.ValidationError(
                _("Files of type %(types)s cannot be recognised; choose among %(known)s."),
                params={"types": ", ".join(unknown), "known": ", ".join(questions.SNIFFED)},
            )
        return types

    def clean(self):
        data = super().clean()
        choices = [c.strip() for c in (data.get("choices_text") or "").splitlines() if c.strip()]
        if data.get("kind") == "choice" and len(choices) < 2:
            self.add_error("choices_text", _("A choice needs at least two options."))
        data["choices_list"] = choices
        return data

    def save(self, commit=True):
        question = super().save(commit=False)
        data = self.cleaned_data
        question.choices = data["choices_list"]
        question.file_types = data.get("file_types_text") or []
        question.show_if_answers = [
            a.strip() for a in (data.get("show_if_answers_text") or "").split(",") if a.strip()
        ]
        if commit:
            question.save()
        return question


class _Questions(_UniqueKeys):
    """The questions; each form gets the call's categories (``form_kwargs``)."""

    def clean(self):
        super().clean()
        kept = [f for f in self.forms if hasattr(f, "cleaned_data") and f.cleaned_data
                and not f.cleaned_data.get("DELETE")]  # fmt: skip
        keys = {f.cleaned_data.get("key") for f in kept}
        for form in kept:
            target = form.cleaned_data.get("show_if_key")
            if target and (target not in keys or target == form.cleaned_data.get("key")):
                message = _("No other question has the key “%(key)s”.") % {"key": target}
                form.add_error("show_if_key", message)
        # a question that has answers keeps its kind and is not deleted
        answered = self.instance.pk and set().union(
            *(set(a) for a in self.instance.applications.values_list("answers", flat=True))
        )
        for form in self.forms:
            if not form.instance.pk or not hasattr(form, "cleaned_data") or not answered:
                continue
            # form.initial: the stored question (the instance already holds what was typed)
            key, kind, label = (form.initial.get(n) for n in ("key", "kind", "label"))
            if key not in answered:
                continue
            if form.cleaned_data.get("DELETE"):
                form.add_error(
                    None, _("“%(label)s” has answers: it cannot be deleted.") % {"label": label}
                )
            elif (form.cleaned_data.get("kind"), form.cleaned_data.get("key")) != (kind, key):
                form.add_error(
                    "kind", _("“%(label)s” has answers: its kind and key stay.") % {"label": label}
                )


QuestionFormSet = inlineformset_factory(
    Call, Question, form=QuestionForm, formset=_Questions, extra=1, can_delete=True
)
