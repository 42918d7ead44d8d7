"""Reading list-valued filters from a query string or a plain dict (pages and API alike)."""

from __future__ import annotations

from django.http import QueryDict


def list_param(params: QueryDict | dict, name: str, *, upper: bool = False, limit: int = 50):
    """The values of ``name``, repeated (``?x=a&x=b``) or comma-separated (``?x=a,b``),
    trimmed, without duplicates, in order, at most ``limit``."""
    if isinstance(params, QueryDict):
        raw = params.getlist(name)
    else:
        value = params.get(name) or []
        raw = value if isinstance(value, list | tuple) else [value]
    values = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part:
                values.append(part.upper() if upper else part)
    return list(dict.fromkeys(values))[:limit]
