"""``Patch[SomeIn]``: a partial update keeps each field's type and bounds."""

import typing

import pytest
from ninja import Field
from pydantic import ValidationError

from clusterhub.core.api import InputSchema, Patch


class ThingIn(InputSchema):
    minutes: int = Field(20, ge=5, le=240, description="Length.")
    title: str = Field(max_length=10)
    limit: int | None = None


def patch_model():
    return typing.get_args(Patch[ThingIn])[0]._wrapped_model


def test_only_the_fields_sent_are_kept():
    assert patch_model().model_validate({"limit": None}).model_dump(exclude_unset=True) == {
        "limit": None
    }


@pytest.mark.parametrize(
    "body, field",
    [({"minutes": 3}, "minutes"), ({"title": "x" * 11}, "title"), ({"minutes": None}, "minutes")],
)
def test_bounds_and_null_are_refused_naming_the_field(body, field):
    with pytest.raises(ValidationError) as error:
        patch_model().model_validate(body)
    assert [e["loc"] for e in error.value.errors()] == [(field,)]


def test_the_document_keeps_the_description_and_bounds():
    schema = patch_model().model_json_schema()["properties"]["minutes"]
    assert schema["description"] == "Length." and schema["minimum"] == 5
    assert "minutes" not in patch_model().model_json_schema().get("required", [])
