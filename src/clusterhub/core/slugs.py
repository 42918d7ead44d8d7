"""Readable, unique addresses ("slugs") made from names.

One rule everywhere: ``slugify(text)`` cut to ``max_length`` (or ``fallback`` when nothing is
left), then ``-2``, ``-3``… until the slug is free.
"""

from __future__ import annotations

from collections.abc import Callable, Container

from django.db.models import QuerySet
from django.utils.text import slugify

MAX_LENGTH = 100


def make_slug(text: str, suffix: str = "", *, fallback: str = "item", max_length=MAX_LENGTH) -> str:
    """The slug of ``text`` with an optional ``-suffix`` (the base is cut, never the suffix)."""
    base = slugify(text)[:max_length] or fallback
    return f"{base}-{suffix}" if suffix else base


def unique_slug(
    text: str,
    taken: Container[str] | QuerySet | Callable[[str], bool],
    *,
    fallback: str = "item",
    max_length: int = MAX_LENGTH,
    exclude_pk=None,
) -> str:
    """The first of ``slug``, ``slug-2``, ``slug-3``… not taken.

    ``taken`` is a set of slugs in use, a queryset whose ``slug`` field holds them (the row
    ``exclude_pk``, the one being renamed, left out) or a function answering "is it taken?".
    """
    if isinstance(taken, QuerySet):
        rows = taken.exclude(pk=exclude_pk) if exclude_pk is not None else taken

        def clash(slug: str) -> bool:
            return rows.filter(slug=slug).exists()
    elif callable(taken):
        clash = taken
    else:

        def clash(slug: str) -> bool:
            return slug in taken

    candidate, n = make_slug(text, fallback=fallback, max_length=max_length), 1
    while clash(candidate):
        n += 1
        candidate = make_slug(text, str(n), fallback=fallback, max_length=max_length)
    return candidate


class SlugMaker:
    """Unique slugs against a set loaded once (bulk imports): the same slugs as
    :func:`unique_slug`, but remembering the last suffix per base so that many equal names
    stay fast. Every slug it hands out joins ``taken``."""

    def __init__(self, taken: set[str], *, fallback: str = "item", max_length=MAX_LENGTH):
        self.taken = taken
        self.fallback = fallback
        self.max_length = max_length
        self.next_suffix: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = make_slug(text, fallback=self.fallback, max_length=self.max_length)
        candidate = base
        if candidate in self.taken:
            n = self.next_suffix.get(base, 2)
            candidate = make_slug(text, str(n), fallback=self.fallback, max_length=self.max_length)
            while candidate in self.taken:
                n += 1
                candidate = make_slug(
                    text, str(n), fallback=self.fallback, max_length=self.max_length
                )
            self.next_suffix[base] = n + 1
        self.taken.add(candidate)
        return candidate
