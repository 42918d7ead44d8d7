"""The calls' API: published calls with their rules in words, and applications by their
organisation's profile team (draft, submit, withdraw) under the same rules as the pages."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from clusterhub.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    InputSchema,
    paginated,
    read_auth,
    write_auth,
)
from clusterhub.core.timezones import local
from clusterhub.registry.schemas import OrganisationRef
from clusterhub.registry.selectors import organisation_by_key

from . import selectors, services
from .models import Application

router = Router(tags=["calls"])


class CategoryOut(Schema):
    key: str
    title: str
    description: str
    rules: list[dict[str, Any]]
    rules_in_words: list[str]

    @staticmethod
    def resolve_rules_in_words(obj) -> list[str]:
        return selectors.rule_sentences(obj.rules, _)


class CallOut(Schema):
    slug: str
    kind: str
    title: str
    description: str
    organiser: OrganisationRef
    opens_at: datetime | None
    deadline: datetime
    timezone: str
    deadline_local: str = Field(description="The deadline in the call's time zone.")
    is_open: bool
    rounds: str
    prizes: str
    rules: list[dict[str, Any]] = Field(description="Who may apply, as data.")
    rules_in_words: list[str]
    categories: list[CategoryOut]

    @staticmethod
    def resolve_deadline_local(obj) -> str:
        return local(obj.deadline, zoneinfo.ZoneInfo(obj.timezone)).isoformat()

    @staticmethod
    def resolve_is_open(obj) -> bool:
        now = timezone.now()
        return (obj.opens_at is None or obj.opens_at <= now) and now <= obj.deadline

    @staticmethod
    def resolve_rules_in_words(obj) -> list[str]:
        return selectors.rule_sentences(obj.rules, _)

    @staticmethod
    def resolve_categories(obj) -> list:
        return list(obj.categories.all())


class ApplicationOut(Schema):
    id: int
    call: str
    category: str
    organisation: OrganisationRef
    status: str
    answers: dict[str, Any]
    submitted_at: datetime | None
    round: int | None
    receipt: str

    @staticmethod
    def resolve_call(obj) -> str:
        return obj.call.slug

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.key if obj.category_id else ""


class ApplicationIn(InputSchema):
    organisation: str = Field(description="Address or PIC of the organisation that applies.")
    category: str = Field("", description="The category's key, when the call has categories.")


class AnswersIn(InputSchema):
    answers: dict[str, Any] = Field(description="Answers by question key (files: the pages).")


class SavedOut(Schema):
    application: ApplicationOut
    problems: dict[str, list[str]] = Field(description="What is wrong or missing, by question.")


@router.get("/calls", response={200: list[CallOut], **READ_ERRORS}, auth=read_auth)
@paginated()
def published_calls(request):
    """Published calls, latest deadline first."""
    return selectors.published_calls().prefetch_related("categories")


@router.get("/calls/{slug}", response={200: CallOut, **READ_ERRORS}, auth=read_auth)
def get_call(request, slug: str):
    return get_object_or_404(selectors.published_calls(), slug=slug)


@router.post(
    "/calls/{slug}/applications", response={200: ApplicationOut, **WRITE_ERRORS}, auth=write_auth
)
def start_application(request, slug: str, payload: ApplicationIn):
    """The organisation's application (created as a draft the first time; never a second)."""
    call = get_object_or_404(selectors.published_calls(), slug=slug)
    organisation = organisation_by_key(payload.organisation, "organisation")
    category = None
    if payload.category:
        category = call.categories.filter(key=payload.category).first()
        if category is None:
            raise ValidationError({"category": [_("This call has no such category.")]})
    elif call.categories.exists():
        raise ValidationError({"category": [_("Choose one of the call's categories.")]})
    return services.start_application(call, organisation, request.user, category)


def _application(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call", "category", "organisation"), pk=pk
    )
    if not selectors.on_team(request.user, application.organisation_id):
        raise Http404
    return application


@router.patch("/applications/{pk}", response={200: SavedOut, **WRITE_ERRORS}, auth=write_auth)
def save_answers(request, pk: int, payload: AnswersIn):
    """Save answers as a draft; what is wrong is listed and does not stop the save."""
    application = _application(request, pk)
    cleaned = services.save_draft(application, request.user, payload.answers)
    problems: dict[str, list[str]] = {}
    for problem in cleaned.problems:
        problems.setdefault(problem.key, []).append(problem.sentence(_))
    application.refresh_from_db()
    return {"application": application, "problems": problems}


@router.post(
    "/applications/{pk}/submit", response={200: ApplicationOut, **WRITE_ERRORS}, auth=write_auth
)
def submit(request, pk: int):
    """Submit before the deadline (the server's clock decides); 400 with the reasons."""
    return services.submit(_application(request, pk), request.user)


@router.post(
    "/applications/{pk}/withdraw", response={200: ApplicationOut, **WRITE_ERRORS}, auth=write_auth
)
def withdraw(request, pk: int):
    return services.withdraw(_application(request, pk), request.user)
