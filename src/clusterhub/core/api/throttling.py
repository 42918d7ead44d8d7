"""Request limits for the API, with django-ninja's throttles, counted in the shared cache (the
database or Redis, see settings), so that every server process counts the same requests.

Each request is counted twice: for its account (token or session) or, when anonymous, its
address; and for its address whoever calls, at a higher rate (``address``), so that a client
cannot escape its limit by rotating tokens of several accounts. Writes have their own, lower
limit. The rates come from ``settings.API_RATE_LIMITS`` (``{"read": "600/min", "write":
"120/min", "address": "3000/min"}``) and are read on every request, so a deployment or a test
can change them without rebuilding the API. A refused request answers 429 with ``Retry-After``.

Counting is by fixed windows (one counter per client and window, ``cache.incr``, atomic on
Redis): one small cache write per request rather than the list of timestamps that a sliding
window keeps. The address is ``REMOTE_ADDR`` unless ``NINJA_NUM_PROXIES`` says how many proxies
set ``X-Forwarded-For`` (a client may not choose its own address by sending that header).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import SimpleRateThrottle

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ClientThrottle(SimpleRateThrottle):
    """Per account when signed in, per address otherwise."""

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

    def ident(self, request) -> str:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return f"addr-{self.get_ident(request)}"

    def get_cache_key(self, request) -> str | None:
        if not self.applies_to(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request)}

    def _window(self, request) -> tuple[str, float] | None:
        key = self.get_cache_key(request)
        if key is None:
            return None
        now = time.time()
        start = int(now // self.duration) * self.duration
        self.retry_after = max(1.0, start + self.duration - now)
        return f"{key}:{start}", now

    def count(self, request) -> int:
        """Counts the request in its window; how many the window now holds."""
        window = self._window(request)
        if window is None:
            return 0
        key = window[0]
        try:
            return cache.incr(key)
        except ValueError:  # the window's first request (or a race with another process)
            if cache.add(key, 1, self.duration + 1):
                return 1
            return cache.incr(key)

    def exceeded(self, request) -> bool:
        """Whether the window already holds the limit (without counting this request)."""
        window = self._window(request)
        return window is not None and (cache.get(window[0]) or 0) >= self.num_requests

    def allow_request(self, request) -> bool:
        if not self.applies_to(request):
            return True
        return self.count(request) <= self.num_requests

    def wait(self) -> float | None:
        return getattr(self, "retry_after", None)


class WriteThrottle(ClientThrottle):
    """Counts only requests that change something."""

    def applies_to(self, request) -> bool:
        return request.method not in SAFE_METHODS


class AddressThrottle(ClientThrottle):
    """Every request of one address, whichever account it uses."""

    def ident(self, request) -> str:
        return f"addr-{self.get_ident(request)}"


class SignedInAddressThrottle(AddressThrottle):
    """The address limit for signed-in clients (anonymous ones are counted by address
    already)."""

    def applies_to(self, request) -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated


class FailedTokenThrottle(AddressThrottle):
    """Tokens that were refused, per address: guessing tokens is slowed down."""

    def __init__(self):
        super().__init__("failed_token")


def api_throttles() -> list[ClientThrottle]:
    return [ClientThrottle("read"), WriteThrottle("write"), SignedInAddressThrottle("address")]
