"""News as a person sees it on a phone in French and on a laptop in English: the list with its
facets, an article, the subscription form and the preferences; nothing wider than the window."""

import pytest
from django.utils import timezone

from clusterhub.news import subscriptions
from clusterhub.news.models import Article, Subscriber
from clusterhub.news.services import publish, save_article
from tests.factories import UserFactory, team_member

WIDE = """[...document.querySelectorAll("main *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


@pytest.mark.parametrize(
    ("width", "language", "words"),
    [
        (390, "fr", ("Actualités", "Partager", "S'abonner à la lettre", "Votre abonnement")),
        (1280, "en", ("News", "Share", "Subscribe to the digest", "Your subscription")),
    ],
)
def test_news_pages_fit_the_window(live_server, context, width, language, words):
    user, organisation = team_member()
    article = save_article(Article(title="Clusters meet Regions in Lyon",
                                   summary="Two days in Lyon.", body="**Sessions** and visits.",
                                   organisation=organisation), user, tags=["regions"])  # fmt: skip
    publish(article, UserFactory(is_staff=True))
    subscriber = Subscriber.objects.create(
        email="r@example.org", status="active", consent_text="yes", consent_at=timezone.now()
    )
    token = subscriptions.token(subscriber, subscriptions.PREFERENCES)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    paths = ["/news/", f"/news/{article.slug}/", "/news/subscribe/", f"/news/subscription/{token}/"]
    for path, word in zip(paths, words, strict=True):
        page.goto(live_server.url + path)
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path
