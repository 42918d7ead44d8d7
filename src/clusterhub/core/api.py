"""Shared API pieces: token authentication, pagination, error bodies that name the field."""

from __future__ import annotations

from typing import Generic, TypeVar
from urllib.parse import urlencode

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; a logged-in browser session also counts.

    A session is a cookie the browser sends by itself, so a session may write only with a
    valid CSRF token (as Django's forms require); a bearer token needs none.
    """

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            unsafe = request.method not in SAFE_METHODS
            exempt = getattr(request, "_ninja_csrf_exempt", False)
            if unsafe and not exempt and check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed.")
            return request.user
        return super().__call__(request)

    def authenticate(self, request, token):
        if not token:
            return None
        try:
            api_token = ApiToken.objects.select_related("user").get(digest=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used=timezone.now())
        request.user = api_token.user
        return api_token.user


class OptionalTokenAuth(TokenAuth):
    """Lets anonymous readers through while still recognising a token when one is sent.

    A bearer token that is sent but unknown (revoked, mistyped) is refused with 401 rather
    than silently read as anonymous, so a client learns that its token no longer works.
    """

    def __call__(self, request):
        user = super().__call__(request)
        if user:
            return user
        if request.headers.get(self.header, "").lower().startswith(self.openapi_scheme + " "):
            raise AuthenticationError()
        return True


# Pagination --------------------------------------------------------------------------------

MAX_PAGE_SIZE = 100
T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    offset: int = Field(0, ge=0, description="Items to skip.")


class Page(Schema, Generic[T]):
    count: int = Field(description="Items in the whole list, over all pages.")
    next: str | None = Field(None, description="Address of the next page, if any.")
    previous: str | None = Field(None, description="Address of the previous page, if any.")
    items: list[T]


def _page_url(request, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["offset"] = str(offset)
    params["limit"] = str(limit)
    return (
        request.build_absolute_uri(request.path) + "?" + urlencode(list(params.lists()), doseq=True)
    )


def paginate(request, items, page: PageParams, count: int | None = None) -> dict:
    """One page of a queryset or list: ``{"count", "next", "previous", "items"}``.

    ``count`` may be given when the caller knows it (or can count more cheaply).
    """
    if count is None:
        count = items.count() if hasattr(items, "query") else len(items)
    limit, offset = page.limit, page.offset
    rows = list(items[offset : offset + limit]) if offset < count else []
    return {
        "count": count,
        "next": _page_url(request, offset + limit, limit) if offset + limit < count else None,
        "previous": _page_url(request, max(offset - limit, 0), limit) if offset > 0 else None,
        "items": rows,
    }


# Errors -----------------------------------------------------------------------------------


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorBody(Schema):
    detail: str
    errors: list[ErrorItem] = []


def validation_error_body(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            "detail": "Invalid input.",
            "errors": [
                {"field": None if field == NON_FIELD_ERRORS else field, "message": str(message)}
                for field, messages in error.message_dict.items()
                for message in messages
            ],
        }
    return {"detail": "Invalid input.", "errors": [{"field": None, "message": m} for m in error]}


def _field_of(loc, body_params: int = 1) -> str | None:
    """``("body", "payload", "website")`` → ``"website"``; ``("query", "limit")`` → ``"limit"``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]  # the name of the view's body parameter
    return ".".join(parts) or None


def install_error_handlers(api) -> None:
    @api.exception_handler(ValidationError)
    def django_validation_error(request, exc):
        return api.create_response(request, validation_error_body(exc), status=400)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(
            request, {"detail": str(exc) or "You may not change this."}, status=403
        )

    @api.exception_handler(NinjaValidationError)
    def schema_error(request, exc):
        errors = [
            {"field": _field_of(e.get("loc", [])), "message": e.get("msg", "")} for e in exc.errors
        ]
        return api.create_response(
            request, {"detail": "Invalid input.", "errors": errors}, status=422
        )
