"""Reads of the news app: what is public now, with search and facets, and the news of an
organisation, event, call or consultation."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
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


# The digest's material ------------------------------------------------------------------------


def digest_items(now=None, window_days: int = 62) -> list:
    """Everything a digest may hold: what appeared in the last ``window_days`` or is still open,
    read from the other apps through their selectors (a handful of queries)."""
    from datetime import datetime, time, timedelta

    from clusterhub.calls.selectors import published_calls
    from clusterhub.consultations.selectors import public_consultations
    from clusterhub.events.selectors import public_events
    from clusterhub.partnering.selectors import visible_opportunities

    from . import digest

    now = now or timezone.now()
    floor = now - timedelta(days=window_days)
    items = []
    for call in published_calls().filter(deadline__gte=now):
        items.append(digest.Item("calls", f"call:{call.pk}", call.title,
                                 reverse("calls:call", args=[call.slug]),
                                 call.opens_at or call.created, call.deadline,
                                 call.description[:200]))  # fmt: skip
    for opp in visible_opportunities().filter(created__gte=floor).prefetch_related("ecosystems"):
        closes = None
        if opp.deadline:
            closes = timezone.make_aware(datetime.combine(opp.deadline, time(23, 59)))
        topics = frozenset(e.slug for e in opp.ecosystems.all())
        url = opp.get_absolute_url()
        items.append(digest.Item("opportunities", f"opportunity:{opp.pk}", opp.title, url,
                                 opp.created, closes, ecosystems=topics))  # fmt: skip
    events = public_events().filter(end__gte=now).select_related("nuts_region")
    for event in events.prefetch_related("ecosystems"):
        topics = frozenset(e.slug for e in event.ecosystems.all())
        regions = (event.nuts_region_id,) if event.nuts_region_id else ()
        items.append(digest.Item("events", f"event:{event.pk}", event.title,
                                 event.get_absolute_url(), event.created,
                                 event.registration_closes or event.start, ecosystems=topics,
                                 regions=regions))  # fmt: skip
    article_url = reverse("news:article", args=["-slug-"])  # reversed once, not per article
    for article in (
        public_articles(now)
        .filter(publish_at__gte=floor)
        .prefetch_related("ecosystems", "technologies", "regions")
    ):
        url = article_url.replace("-slug-", article.slug)
        items.append(digest.Item("news", f"news:{article.pk}", article.title,
                                 url, article.publish_at, None,
                                 article.summary,
                                 frozenset(e.slug for e in article.ecosystems.all()),
                                 frozenset(t.pk for t in article.technologies.all()),
                                 tuple(r.pk for r in article.regions.all())))  # fmt: skip
    for consultation in public_consultations().filter(phase="open", closes_at__gte=now):
        items.append(digest.Item("consultations", f"consultation:{consultation.pk}",
                                 consultation.title, consultation.get_absolute_url(),
                                 consultation.opens_at or consultation.created,
                                 consultation.closes_at))  # fmt: skip
    return items


def subscription_of(user):
    """The user's newsletter subscription (by account or by their address), or None."""
    from django.db.models import Q

    from .models import Subscriber

    return (Subscriber.objects.filter(Q(user=user) | Q(email__iexact=user.email or "-"))
            .order_by("pk").first())  # fmt: skip
