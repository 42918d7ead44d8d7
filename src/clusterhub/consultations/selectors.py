"""Reads of the consultations app: results from the tallies (a handful of rows, whatever the
number of answers), published answers for exports, campaigns and opinion groups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet

from . import questionnaire
from .models import (
    Answer,
    Consultation,
    Phase,
    Publication,
    Question,
    Response,
    StakeholderType,
    Tally,
)

PROFILE = "profile"


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.exclude(phase=Phase.DRAFT).select_related("organiser")


@dataclass
class OptionResult:
    key: str
    label: str
    count: int
    share: float  # of the respondents who answered the question
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    by_type: dict[str, int]
    options: list[OptionResult]
    median: float | None = None
    rows: list[tuple[str, list[OptionResult]]] = field(default_factory=list)  # matrix


@dataclass
class Results:
    respondents: int
    by_type: dict[str, int]
    countries: dict[str, int]
    regions: dict[str, int]
    behalf: dict[str, int]
    questions: list[QuestionResult]
    types: list[tuple[str, str]]  # stakeholder types present, (value, label)


def results(consultation: Consultation) -> Results:
    """Every count of the results page, from the tallies (one query) and the questions."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for scope, key, stype, count in Tally.objects.filter(consultation=consultation).values_list(
        "scope", "key", "stakeholder_type", "count"
    ):
        if count:
            counts[(scope, key)][stype] = count

    def total(scope: str, key: str) -> int:
        return sum(counts.get((scope, key), {}).values())

    by_type = counts.get((PROFILE, "respondents"), {})
    profile_keys = [k for (s, k) in counts if s == PROFILE]

    def prefixed(prefix: str) -> dict[str, int]:
        found = {k.split(":", 1)[1]: total(PROFILE, k) for k in profile_keys
                 if k.startswith(prefix + ":")}  # fmt: skip
        return dict(sorted(found.items(), key=lambda kv: -kv[1]))

    labels = dict(StakeholderType.choices)
    types = [(t, str(labels.get(t, t or "—"))) for t in StakeholderType.values if t in by_type]
    out = []
    for q in consultation.questions.filter(retired=False).order_by("order", "id"):
        scope = str(q.pk)
        answered_by = counts.get((scope, "answered"), {})
        answered = sum(answered_by.values())

        def option(key, label, scope=scope, answered=answered):
            found = counts.get((scope, key), {})
            n = sum(found.values())
            return OptionResult(key, label, n, n / answered if answered else 0.0, found)

        result = QuestionResult(q, answered, answered_by, [])
        if q.kind in ("single", "multiple"):
            result.options = [option(k, label) for k, label in q.options]
            if q.allow_other:
                result.options.append(option(questionnaire.OTHER, "other"))
        elif q.kind == "scale":
            result.options = [option(str(v), str(v)) for v in range(q.low, q.high + 1)]
            result.median = questionnaire.median({int(o.key): o.count for o in result.options})
        elif q.kind == "ranking":
            # first choices, and the mean rank of each option
            result.options = [option(f"{k}@1", label) for k, label in q.options]
        elif q.kind == "matrix":
            result.rows = [
                (row_label, [option(f"{row}:{k}", label) for k, label in q.options])
                for row, row_label in q.rows
            ]
        out.append(result)
    return Results(
        respondents=sum(by_type.values()), by_type=by_type, countries=prefixed("country"),
        regions=prefixed("region"), behalf=prefixed("behalf"), questions=out, types=types,
    )  # fmt: skip


def published_responses(consultation: Consultation) -> QuerySet[Response]:
    """Submitted responses whose authors let them be published (named or anonymously)."""
    return (
        Response.objects.filter(consultation=consultation, submitted=True)
        .exclude(publication=Publication.PRIVATE)
        .prefetch_related("answers")
        .order_by("day", "pk")
    )


def published_answers(consultation: Consultation):
    """(response fields, {question id: answer value}) for every published response, read as
    plain rows (two queries, no model instances: the export of 10,000 × 30 answers)."""
    responses = list(
        published_responses(consultation).prefetch_related(None).values(
            "id", "day", "name", "stakeholder_type", "country", "region", "on_behalf",
            "organisation_name",
        )
    )  # fmt: skip
    values: dict = defaultdict(dict)
    for response_id, question_id, value in (
        Answer.objects.filter(response__consultation=consultation, response__submitted=True)
        .exclude(response__publication=Publication.PRIVATE)
        .values_list("response_id", "question_id", "value")
        .iterator(chunk_size=10_000)
    ):
        values[response_id][question_id] = value
    return [(response, values.get(response["id"], {})) for response in responses]


def texts(question: Question, published_only: bool = True) -> list[Answer]:
    answers = Answer.objects.filter(question=question, response__submitted=True).exclude(text="")
    if published_only:
        answers = answers.exclude(response__publication=Publication.PRIVATE)
    return list(answers.select_related("response").order_by("pk"))


def find_campaigns(question: Question) -> dict:
    """Near-identical answers to a free-text question, counted over every submitted answer:
    ``{"as_of": answers, "found": [[how many, an example or "" if it is not published]]}``."""
    from . import campaigns as finder

    answers = texts(question, published_only=False)
    found = []
    for campaign in finder.find([a.text for a in answers]):
        example = answers[campaign.example]
        published = example.response.publication != Publication.PRIVATE
        found.append([len(campaign.members), example.text if published else ""])
    return {"as_of": len(answers), "found": found}


def opinion_groups(consultation: Consultation):
    from . import opinions
    from .models import StatementVote

    votes = StatementVote.objects.filter(
        statement__consultation=consultation, statement__hidden=False
    ).values_list("voter", "statement_id", "value")
    return opinions.groups(votes)


@dataclass
class ThemeView:
    theme: object
    count: int
    by_type: dict[str, int]
    quotes: list[str]  # its typical answers, among those their authors let us publish


def theme_views(consultation: Consultation) -> list[ThemeView]:
    """Each theme with its count by stakeholder type and up to three published quotes."""
    from django.db.models import Count

    from .models import Theme

    themes = list(Theme.objects.filter(question__consultation=consultation,
                                       question__retired=False))  # fmt: skip
    counts: dict = defaultdict(dict)
    for theme_id, stype, n in (
        Theme.answers.through.objects.filter(theme__in=themes)
        .values_list("theme_id", "answer__response__stakeholder_type")
        .annotate(n=Count("id"))
    ):
        counts[theme_id][stype] = n
    quote_ids = [pk for t in themes for pk in t.quotes]
    texts = dict(
        Answer.objects.filter(pk__in=quote_ids)
        .exclude(response__publication=Publication.PRIVATE)
        .values_list("pk", "text")
    )
    return [
        ThemeView(t, sum(counts[t.pk].values()), counts[t.pk],
                  [texts[pk] for pk in t.quotes if pk in texts][:3])
        for t in themes
    ]  # fmt: skip


def insight_figures(organisation_ids=None, region: str | None = None) -> dict:
    """Consultation participation for a dashboard: consultations (not drafts) of the scope's
    organisations and their submitted answers by stakeholder type (answers from the region,
    when a region is the scope)."""
    from django.db.models import Count

    from .models import Phase, StakeholderType

    consultations = Consultation.objects.exclude(phase=Phase.DRAFT)
    if organisation_ids is not None:
        from clusterhub.core.aggregates import among

        consultations = consultations.filter(among("organiser_id", organisation_ids))
    answers = Response.objects.filter(consultation__in=consultations.values("pk"), submitted=True)
    if region:
        answers = answers.filter(region__startswith=region)
    by_type = dict(answers.values_list("stakeholder_type").annotate(n=Count("id")).order_by())
    return {
        "consultations": consultations.count(),
        "answers": sum(by_type.values()),
        "by_type": [(str(label), by_type[value]) for value, label in StakeholderType.choices
                    if by_type.get(value)],
    }  # fmt: skip
