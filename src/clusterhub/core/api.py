"""Shared API pieces: token authentication, pagination, error bodies that name the field."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from .models import ApiToken


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; a logged-in browser session also counts."""

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return request.user
        return super().__call__(request)

    def authenticate(self, request, token):
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
    """Lets anonymous readers through while still recognising a token when one is sent."""

    def __call__(self, request):
        return super().__call__(request) or True


def validation_error_body(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            "detail": "Invalid input.",
            "errors": [
                {"field": field, "message": str(message)}
                for field, messages in error.message_dict.items()
                for message in messages
            ],
        }
    return {"detail": "Invalid input.", "errors": [{"field": None, "message": m} for m in error]}


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
            {
                "field": ".".join(str(p) for p in e.get("loc", [])[1:] if p != "body")
                or None,
                "message": e.get("msg", ""),
            }
            for e in exc.errors
        ]
        return api.create_response(
            request, {"detail": "Invalid input.", "errors": errors}, status=422
        )
