"""Form helpers every app uses."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


def apply_errors(
    form: forms.BaseForm, error: ValidationError, rename: Mapping[str, str] | None = None
) -> None:
    """A service's ``ValidationError`` onto the form: each message on the field it names
    (after ``rename`` maps a model field to the form field that edits it), else on top."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    rename = rename or {}
    for name, messages in error.message_dict.items():
        name = rename.get(name, name)
        field = name if name in form.fields and name != NON_FIELD_ERRORS else None
        for message in messages:
            form.add_error(field, message)


def error_text(error: ValidationError) -> str:
    """Every message of a ``ValidationError`` in one line (for flash messages)."""
    return " ".join(error.messages)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as typed, without time zone: the form makes it aware afterwards, in
    the time zone of what it belongs to (an event's, a call's, a consultation's)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        import datetime as dt

        from django.utils import timezone

        with timezone.override(dt.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result is not None else None

    def prepare_value(self, value):
        import datetime as dt

        return value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value


class SignupForm(forms.Form):
    """The names asked at sign-up (allauth adds the address and the password): pages show a
    person's name, never their e-mail address."""

    first_name = forms.CharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Family name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    field_order = ["first_name", "last_name"]

    def signup(self, request, user) -> None:
        user.first_name = self.cleaned_data["first_name"].strip()
        user.last_name = self.cleaned_data["last_name"].strip()
        user.save(update_fields=["first_name", "last_name"])
