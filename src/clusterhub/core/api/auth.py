"""Who is calling: a personal API token (``Authorization: Bearer …``) or a browser session.

``read_auth`` lets anonymous readers through but still recognises a token; ``write_auth``
needs a token or a session. A session is a cookie the browser sends by itself, so a session
may write only with a valid CSRF token (as Django's forms require); a bearer token needs none.
"""

from __future__ import annotations

from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from clusterhub.core import services
from clusterhub.core.api.throttling import FailedTokenThrottle
from clusterhub.core.models import ApiToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class TokenAuth(HttpBearer):
    """A token or a signed-in session (with CSRF for writes)."""

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
        failures = FailedTokenThrottle()
        if failures.exceeded(request):
            raise Throttled(failures.wait())
        api_token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        )
        if api_token is None or not api_token.user.is_active:
            failures.count(request)
            return None
        services.record_token_use(api_token)
        request.user = api_token.user
        return api_token.user


class OptionalTokenAuth(TokenAuth):
    """Anonymous readers pass; a token that is sent but unknown (revoked, mistyped) is
    refused with 401 rather than read as anonymous, so a client learns it no longer works."""

    def __call__(self, request):
        user = super().__call__(request)
        if user:
            return user
        if request.headers.get(self.header, "").lower().startswith(self.openapi_scheme + " "):
            raise AuthenticationError()
        return True


read_auth = OptionalTokenAuth()
write_auth = TokenAuth()
