"""Hand-rolled pages, until every app's API uses :func:`clusterhub.core.api.paginated`."""

from __future__ import annotations

from typing import Generic, TypeVar

from ninja import Field, Schema

from .pagination import MAX_PAGE_SIZE, page_url

T = TypeVar("T")


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
    offset: int = Field(0, ge=0, description="Items to skip.")


class Page(Schema, Generic[T]):
    count: int
    next: str | None = None
    previous: str | None = None
    items: list[T]


def paginate(request, items, page: PageParams, count: int | None = None) -> dict:
    if count is None:
        count = items.count() if hasattr(items, "query") else len(items)
    limit, offset = page.limit, page.offset
    return {
        "count": count,
        "next": page_url(request, offset + limit, limit) if offset + limit < count else None,
        "previous": page_url(request, max(offset - limit, 0), limit) if offset > 0 else None,
        "items": list(items[offset : offset + limit]) if offset < count else [],
    }
