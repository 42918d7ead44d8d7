"""The organisers' forms: a consultation, its sections and its questionnaire."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from clusterhub.core.forms import LocalDateTimeField

from .models import Consultation, Question, Section

KIND_LABELS = {
    "single": _("Single choice"),
    "multiple": _("Multiple choice"),
    "scale": _("Scale"),
    "ranking": _("Ranking"),
    "number": _("Number"),
    "short_text": _("Short text"),
    "long_text": _("Long text"),
    "matrix": _("Matrix"),
}


class ConsultationForm(forms.ModelForm):
    organiser = forms.ModelChoiceField(queryset=None, label=_("Organiser"))
    opens_at = LocalDateTimeField(label=_("Opens"), required=False)
    closes_at = LocalDateTimeField(label=_("Closes"))

    class Meta:
        model = Consultation
        fields = ["organiser", "title", "context", "phase", "timezone", "opens_at", "closes_at",
                  "audience", "statements", "synthesis"]  # fmt: skip
        widgets = {"context": forms.Textarea(attrs={"rows": 4}),
                   "synthesis": forms.Textarea(attrs={"rows": 4})}  # fmt: skip

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisations
        if self.instance.pk:
            tz = ZoneInfo(self.instance.timezone)
            for name in ("opens_at", "closes_at"):
                value = getattr(self.instance, name)
                self.initial[name] = value.astimezone(tz).replace(tzinfo=None) if value else None

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        try:
            ZoneInfo(name)
        except Exception:
            raise forms.ValidationError(
                _("“%(name)s” is not a time zone (e.g. Europe/Paris)."), params={"name": name}
            ) from None
        return name

    def clean(self):
        data = super().clean()
        if data.get("timezone"):
            tz = ZoneInfo(data["timezone"])
            for name in ("opens_at", "closes_at"):
                if data.get(name) is not None:
                    data[name] = data[name].replace(tzinfo=tz)
        if data.get("opens_at") and data.get("closes_at") and data["opens_at"] >= data["closes_at"]:
            self.add_error("closes_at", _("A consultation closes after it opens."))
        return data


SectionFormSet = inlineformset_factory(
    Consultation, Section, fields=["title", "description"], extra=1, can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)  # fmt: skip


def _pairs(text: str) -> list[list[str]]:
    """Lines "key: label" (or just "label", keyed from it) as [[key, label], …]."""
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        key, sep, label = line.partition(":")
        if sep and slugify(key) and " " not in key.strip():
            pairs.append([slugify(key)[:40], label.strip()])
        else:
            pairs.append([slugify(line)[:40] or f"option-{len(pairs) + 1}", line])
    return pairs


def _lines(pairs) -> str:
    return "\n".join(f"{k}: {label}" for k, label in pairs or [])


class QuestionForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=list(KIND_LABELS.items()))
    options_text = forms.CharField(
        label=_("Options (one per line, “key: label” or just the label)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    rows_text = forms.CharField(label=_("Matrix rows (one per line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    scale_labels_text = forms.CharField(label=_("Scale labels (separated by |)"),
                                        required=False, max_length=300)  # fmt: skip
    show_if_answers_text = forms.CharField(
        label=_("Shown when that question's answer is one of (keys, separated by commas)"),
        required=False, max_length=300,
    )  # fmt: skip

    class Meta:
        model = Question
        fields = ["key", "label", "help", "kind", "required", "section", "allow_other", "low",
                  "high", "max_length", "minimum", "maximum", "show_if_key"]  # fmt: skip

    def __init__(self, *args, sections=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = (
            sections if sections is not None else Section.objects.none()
        )
        q = self.instance
        self.initial.setdefault("options_text", _lines(q.options))
        self.initial.setdefault("rows_text", _lines(q.rows))
        self.initial.setdefault("scale_labels_text", " | ".join(q.scale_labels or []))
        self.initial.setdefault("show_if_answers_text", ", ".join(q.show_if_answers or []))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        data["options"] = _pairs(data.get("options_text") or "")
        data["rows"] = _pairs(data.get("rows_text") or "")
        keys = [k for k, _label in data["options"]]
        if kind in ("single", "multiple", "ranking", "matrix") and len(set(keys)) < 2:
            self.add_error("options_text", _("Give at least two different options."))
        if kind == "matrix" and not data["rows"]:
            self.add_error("rows_text", _("A matrix needs at least one row."))
        if kind == "scale" and (data.get("low") or 0) >= (data.get("high") or 0):
            self.add_error("high", _("The scale must go up."))
        return data

    def apply(self, question: Question) -> Question:
        data = self.cleaned_data
        for name in self.Meta.fields:
            setattr(question, name, data.get(name))
        question.options = data["options"]
        question.rows = data["rows"]
        question.scale_labels = [s.strip() for s in (data.get("scale_labels_text") or "")
                                 .split("|") if s.strip()]  # fmt: skip
        question.show_if_answers = [s.strip() for s in (data.get("show_if_answers_text") or "")
                                    .split(",") if s.strip()]  # fmt: skip
        if question.low is None:
            question.low = 1
        if question.high is None:
            question.high = 5
        return question


class BaseQuestions(BaseInlineFormSet):
    """The questions; each form gets the consultation's sections (``form_kwargs``)."""

    def clean(self):
        seen: set[str] = set()
        kept = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if key in seen:
                form.add_error("key", _("Two questions have the key “%(key)s”.") % {"key": key})
            seen.add(key)
            kept.append(form)
        for form in kept:
            target = form.cleaned_data.get("show_if_key")
            if target and (target not in seen or target == form.cleaned_data.get("key")):
                message = _("No other question has the key “%(key)s”.") % {"key": target}
                form.add_error("show_if_key", message)


QuestionFormSet = inlineformset_factory(
    Consultation, Question, form=QuestionForm, formset=BaseQuestions, extra=1, can_delete=True
)
