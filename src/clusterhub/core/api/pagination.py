"""Pages of a list, with django-ninja's own pagination: ``?limit=&offset=`` in, and
``{"count", "next", "previous", "items"}`` out, plus any extra fields a list declares (facets).

A view decorated with ``@paginated()`` returns a queryset (or a list); to give the count
cheaply or add extra fields it returns a :class:`Listing`. Items are serialised by the
response schema, so a view never post-processes a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

MAX_PAGE_SIZE = 100


@dataclass
class Listing:
    """What a paginated view returns when it knows more than its rows."""

    items: Any
    count: int | None = None
    extra: dict = field(default_factory=dict)


class Pages(PaginationBase):
    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
        offset: int = Field(0, ge=0, description="Items to skip.")

    class Output(Schema):
        count: int = Field(description="Items in the whole list, over all pages.")
        next: str | None = Field(None, description="Address of the next page, if any.")
        previous: str | None = Field(None, description="Address of the previous page, if any.")
        items: list[Any]

    def __init__(
        self,
        extra: type[Schema] | None = None,
        limit: int = 20,
        max_limit: int = MAX_PAGE_SIZE,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if extra is not None:
            self.Output = type(extra.__name__, (Pages.Output, extra), {})
        if (limit, max_limit) != (20, MAX_PAGE_SIZE):
            self.Input = type(
                f"Pages{max_limit}",
                (Pages.Input,),
                {
                    "__annotations__": {"limit": int},
                    "limit": Field(limit, ge=1, le=max_limit, description="Items per page."),
                },
            )

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        listing = queryset if isinstance(queryset, Listing) else Listing(queryset)
        items = listing.items
        count = listing.count if listing.count is not None else self._items_count(items)
        limit, offset = pagination.limit, pagination.offset
        return {
            **listing.extra,
            "count": count,
            "next": page_url(request, offset + limit, limit) if offset + limit < count else None,
            "previous": page_url(request, max(offset - limit, 0), limit) if offset > 0 else None,
            "items": list(items[offset : offset + limit]) if offset < count else [],
        }


def page_url(request, offset: int, limit: int) -> str:
    params = request.GET.copy()
    params["offset"] = str(offset)
    params["limit"] = str(limit)
    query = urlencode(list(params.lists()), doseq=True)
    return request.build_absolute_uri(request.path) + "?" + query


def paginated(extra: type[Schema] | None = None, **options):
    """``@paginated()`` under ``@router.get(..., response=list[ItemOut])``; ``extra`` is a
    schema of fields the page carries beside its items (e.g. facet counts); ``limit`` and
    ``max_limit`` change the page size (short vocabularies); ``pass_parameter="page"``
    hands the view the page asked for."""
    return paginate(Pages, extra=extra, **options)
