"""One error envelope for the whole API: ``{"detail": …, "errors": [{"field", "message"}]}``.

``detail`` is the message itself when there is one error (e.g. why registration is closed),
else a summary; each item names the field as the client sent it (``labels.0.level``,
``answers.3``), or none for the request as a whole.
"""

from __future__ import annotations

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import Schema
from ninja.errors import AuthenticationError, Throttled
from ninja.errors import ValidationError as SchemaValidationError

SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorBody(Schema):
    detail: str
    errors: list[ErrorItem] = []


# Responses every operation may give, to declare beside its 2xx response.
READ_ERRORS = {400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 422: ErrorBody, 429: ErrorBody}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorBody, 409: ErrorBody}


def error_body(errors: list[dict], summary: str = "Invalid input.") -> dict:
    detail = errors[0]["message"] if len(errors) == 1 else summary
    return {"detail": detail, "errors": errors}


def validation_error_body(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        items = [
            {"field": None if field == NON_FIELD_ERRORS else field, "message": str(message)}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        items = [{"field": None, "message": str(m)} for m in error.messages]
    return error_body(items)


def rename_fields(error: ValidationError, names: dict[str, str]) -> ValidationError:
    """The error with its fields named as the client sent them: ``names`` maps a model
    field to an input field (``country_id`` → ``country``; ``NON_FIELD_ERRORS`` → ``code``),
    and ``question_3`` becomes ``answers.3``."""
    if not hasattr(error, "error_dict"):
        if NON_FIELD_ERRORS in names:
            return ValidationError({names[NON_FIELD_ERRORS]: error.messages})
        return error
    renamed: dict[str, list] = {}
    for field, messages in error.message_dict.items():
        if field.startswith("question_"):
            key = "answers." + field.removeprefix("question_")
        else:
            key = names.get(field, field)
        renamed.setdefault(key, []).extend(messages)
    return ValidationError(renamed)


def field_of(loc) -> str | None:
    """``("body", "payload", "website")`` → ``"website"``; ``("query", "limit")`` → ``"limit"``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the name of the view's body parameter
    return ".".join(parts) or None


def install_error_handlers(api) -> None:
    def respond(request, body: dict, status: int):
        return api.create_response(request, body, status=status)

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        return respond(request, validation_error_body(exc), 400)

    @api.exception_handler(SchemaValidationError)
    def unparsable(request, exc):
        items = [
            {"field": field_of(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
        ]
        return respond(request, error_body(items), 422)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = (
            "Sign in, or send a personal API token (Authorization: Bearer …) that is still valid."
        )
        return respond(request, {"detail": message, "errors": []}, 401)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, {"detail": str(exc) or "You may not do this.", "errors": []}, 403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, {"detail": str(exc) or "Not found.", "errors": []}, 404)

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        message = f"The multipart body cannot be read: {exc}"
        return respond(request, error_body([{"field": "Content-Type", "message": message}]), 400)

    @api.exception_handler(ProtectedError)
    @api.exception_handler(RestrictedError)
    def still_in_use(request, exc):
        holders = (
            exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
        )
        users = sorted({f"{obj._meta.verbose_name} “{obj}”" for obj in holders})
        shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        message = f"Still in use by {shown}: change or remove those first."
        return respond(request, {"detail": message, "errors": []}, 409)

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        wait = max(1, round(exc.wait or 60))
        message = f"Too many requests: try again in {wait} s."
        response = respond(request, {"detail": message, "errors": []}, 429)
        response["Retry-After"] = str(wait)
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return respond(request, error_body([{"field": None, "message": str(exc)}]), 413)
