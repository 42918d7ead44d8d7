"""Request limits for the API, with django-ninja's throttles: per account when signed in
(token or session), per address otherwise. The rates come from ``settings.API_RATE_LIMITS``
(``{"read": "600/min", "write": "120/min"}``) and are read on every request, so a deployment
or a test can change them without rebuilding the API. A refused request answers 429 with
``Retry-After``."""

from __future__ import annotations

from django.conf import settings
from ninja.throttling import SimpleRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ClientThrottle(SimpleRateThrottle):
    cache_format = "api-throttle:%(scope)s:%(ident)s"

    def __init__(self, scope: str):
        self.scope = scope

    @property
    def rate(self) -> str:
        return settings.API_RATE_LIMITS[self.scope]

    @property
    def num_requests(self) -> int:
        return self.parse_rate(self.rate)[0]

    @property
    def duration(self) -> int:
        return self.parse_rate(self.rate)[1]

    def applies_to(self, request) -> bool:
        return True

    def get_cache_key(self, request) -> str | None:
        if not self.applies_to(request):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"user-{user.pk}"
        else:
            ident = f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WriteThrottle(ClientThrottle):
    """Counts only requests that change something."""

    def applies_to(self, request) -> bool:
        return request.method not in SAFE_METHODS


def api_throttles() -> list[ClientThrottle]:
    return [ClientThrottle("read"), WriteThrottle("write")]
