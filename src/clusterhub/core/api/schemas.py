"""Schema pieces every app's API uses: input that refuses what the database cannot store,
partial updates that refuse ``null`` where a field cannot be empty, list filters, facets."""

from __future__ import annotations

from copy import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Body, Field, FilterSchema, Schema
from ninja.patch_dict import ModelToDict, get_schema_annotations
from pydantic import AfterValidator, field_validator
from pydantic.fields import FieldInfo

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
FiniteDecimal = Annotated[Decimal, Field(allow_inf_nan=False)]

# Times the platform plans (events, sessions, deadlines). Outside these years a time zone's
# offset may have seconds (local mean time), which no calendar or ISO 8601 reader accepts.
FIRST_YEAR, LAST_YEAR = 1970, 2999


def _plausible(value: datetime) -> datetime:
    """Refuses years outside the plan; an offset is applied at once (UTC), since a database
    may not store every offset ISO 8601 allows (PostgreSQL stops at ±15:59)."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"Give a time between the years {FIRST_YEAR} and {LAST_YEAR}.")
    return value.astimezone(UTC) if value.tzinfo is not None else value


DateTime = Annotated[datetime, AfterValidator(_plausible)]


def no_null_characters(value):
    """PostgreSQL can neither store nor compare text with NUL characters."""
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(text, str) and "\x00" in text for text in texts):
        raise ValueError("Null characters are not allowed.")
    return value


class InputSchema(Schema):
    """Input refuses NUL characters, naming the field."""

    @field_validator("*", mode="after")
    @classmethod
    def refuse_null_characters(cls, value):
        return no_null_characters(value)


class _PatchOf:
    """``Patch[SomeIn]``: the body of a partial update, as a dict of the fields sent.

    Unlike django-ninja's ``PatchDict``, a field keeps its type: ``null`` is accepted only
    where the full schema accepts it, so ``{"title": null}`` is a 422 naming ``title``
    instead of reaching the model (and the database) as ``None``; and a field keeps its
    bounds (``{"minutes": 3}`` where the schema says ``ge=5`` is a 422 naming it too).
    """

    def __getitem__(self, schema_cls: type[Schema]) -> Any:
        annotations = get_schema_annotations(schema_cls)
        optional = type(
            f"{schema_cls.__name__}Patch",
            (schema_cls,),
            {
                "__annotations__": {name: annotations[name] for name in schema_cls.model_fields},
                **{name: _optional(info) for name, info in schema_cls.model_fields.items()},
            },
        )

        class PatchBody(ModelToDict):
            _wrapped_model = optional
            _wrapped_model_dump_params = {"exclude_unset": True}

        return Body[PatchBody]


def _optional(info: FieldInfo) -> FieldInfo:
    """The field as it was declared (bounds, lengths, description), but not required."""
    optional = copy(info)
    optional.default = None
    optional.default_factory = None
    return optional


Patch = _PatchOf()


class Filters(FilterSchema):
    """Query filters: list fields accept repeated (``?x=a&x=b``) and comma-separated
    (``?x=a,b``) values alike, trimmed and without duplicates; no NUL characters."""

    @field_validator("*", mode="after")
    @classmethod
    def refuse_null_characters(cls, value):
        return no_null_characters(value)

    @field_validator("*", mode="before")
    @classmethod
    def split_lists(cls, value, info):
        annotation = cls.model_fields[info.field_name].annotation
        if getattr(annotation, "__origin__", None) is not list:
            return value
        raw = value if isinstance(value, list | tuple) else [value]
        parts = [p.strip() for item in raw for p in str(item).split(",")]
        return list(dict.fromkeys(p for p in parts if p))


class FacetOption(Schema):
    value: str
    label: str
    count: int
    selected: bool
