"""The application form, built from the call's questions. The answers are checked by
``questions.clean`` (the same rules for the page, the API and imports); this form only renders
them and carries the problems back to their fields."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import questions


class ApplicationForm(forms.Form):
    def __init__(self, specs: list[questions.Question], answers: dict, errors=()):
        super().__init__(initial=answers)
        self.specs = specs
        for q in specs:
            self.fields[q.key] = _field(q)
            stored = answers.get(q.key)
            if q.kind == "file" and isinstance(stored, dict):
                self.fields[q.key].help_text = _("Sent: %(name)s. A new file replaces it.") % {
                    "name": stored.get("name", "")
                }
        self.full_clean()  # an unbound form: sets up the error list, checks nothing
        self.cleaned_data = {}
        for key, sentence in errors:
            self.add_error(key if key in self.fields else None, sentence)


def _field(q: questions.Question) -> forms.Field:
    label = q.label + (" *" if q.required else "")
    common = {"label": label, "required": False}
    if q.kind == "long_text":
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 6, "maxlength": q.limit}),
            help_text=gettext_lazy("%(limit)d characters at most.") % {"limit": q.limit},
            **common,
        )
    if q.kind == "choice":
        return forms.ChoiceField(
            choices=[(c, c) for c in q.choices], widget=forms.RadioSelect, **common
        )
    if q.kind == "yes_no":
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    if q.kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if q.kind in ("number", "amount"):
        help_text = q.currency if q.kind == "amount" else ""
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), help_text=help_text, **common
        )
    if q.kind == "file":
        types = ", ".join(questions.FILE_TYPES[t] for t in q.file_types)
        return forms.FileField(
            help_text=gettext_lazy("%(types)s; %(size)s at most.")
            % {"types": types, "size": questions._megabytes(q.max_bytes)},
            **common,
        )
    return forms.CharField(widget=forms.TextInput(attrs={"maxlength": q.limit}), **common)


class StartForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=None, label=gettext_lazy("Apply for"), to_field_name="slug"
    )
    category = forms.ModelChoiceField(queryset=None, required=False, label=gettext_lazy("Category"))

    def __init__(self, data=None, *, organisations, categories):
        super().__init__(data)
        self.fields["organisation"].queryset = organisations
        self.fields["category"].queryset = categories
        if categories.exists():
            self.fields["category"].required = True
        else:
            del self.fields["category"]
