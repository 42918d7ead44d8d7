from django import forms
from django.core.exceptions import ValidationError

from clusterhub.core.forms import apply_errors, error_text


class NameForm(forms.Form):
    name = forms.CharField()
    starts = forms.CharField(required=False)


def bound() -> NameForm:
    form = NameForm({"name": "x"})
    assert form.is_valid()
    return form


def test_messages_go_on_their_field_else_on_top():
    form = bound()
    apply_errors(form, ValidationError({"name": "Taken.", "colour": "Unknown.", "__all__": "No."}))
    assert form.errors["name"] == ["Taken."]
    assert form.non_field_errors() == ["Unknown.", "No."]


def test_a_plain_error_goes_on_top_and_rename_maps_model_fields():
    form = bound()
    apply_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]
    form = bound()
    apply_errors(form, ValidationError({"start": "Too early."}), rename={"start": "starts"})
    assert form.errors["starts"] == ["Too early."]


def test_error_text_joins_every_message():
    assert error_text(ValidationError({"a": "One.", "b": ["Two."]})) == "One. Two."
