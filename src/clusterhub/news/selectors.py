"""Reads of the news app: what is public now, with search and facets, and the news of an
organisation, event, call or consultation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from clusterhub.core.search import filter_text

from .models import Article, ArticleStatus, Tag


def public_articles(now=None) -> QuerySet[Article]:
    now = now or timezone.now()
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now)
        .select_related("organisation")
        .defer("search_document", "body")
        .order_by("-publish_at", "-pk")
    )


def filtered(params) -> QuerySet[Article]:
    articles = public_articles()
    if params.get("q"):
        articles = filter_text(articles, params["q"])
    if params.get("tag"):
        articles = articles.filter(tags__slug=params["tag"])
    if params.get("ecosystem"):
        articles = articles.filter(ecosystems__slug=params["ecosystem"])
    if params.get("organisation"):
        articles = articles.filter(organisation__slug=params["organisation"])
    return articles.distinct()


def facets(articles: QuerySet[Article]) -> dict:
    """Counts of the filtered articles per tag and per ecosystem."""
    from clusterhub.reference.models import Ecosystem

    ids = articles.values("pk")
    tags = (Tag.objects.filter(articles__in=ids).annotate(n=Count("articles", distinct=True))
            .order_by("-n", "name")[:20])  # fmt: skip
    ecosystems = (Ecosystem.objects.filter(article__in=ids)
                  .annotate(n=Count("article", distinct=True)).order_by("-n")[:14])  # fmt: skip
    return {"tags": list(tags), "ecosystems": list(ecosystems)}


def news_about(obj, limit: int = 5) -> list[Article]:
    """The public news linked to an organisation, event, call or consultation."""
    from clusterhub.calls.models import Call
    from clusterhub.consultations.models import Consultation
    from clusterhub.events.models import Event
    from clusterhub.registry.models import Organisation

    link = {Organisation: Q(organisation=obj), Event: Q(events=obj), Call: Q(calls=obj),
            Consultation: Q(consultations=obj)}.get(type(obj))  # fmt: skip
    if link is None:
        return []
    return list(public_articles().filter(link).distinct()[:limit])


def review_queue() -> QuerySet[Article]:
    return (
        Article.objects.filter(status=ArticleStatus.REVIEW)
        .select_related("organisation", "author")
        .order_by("updated")
    )
