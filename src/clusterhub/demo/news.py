"""Demo news and subscribers. The articles are written for the demo from the seeds' facts (the
ECCP at the France Clusters general assembly of 27 May 2016; Clusters meet Regions in Lyon,
12–13 October 2023; the Régions de France consultation open until 7 March 2022; the 2023
"Les pôles pour l'Europe" awards) and say so on their page; the subscribers are invented
(example.org addresses)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from clusterhub.calls.models import Call
from clusterhub.consultations.models import Consultation
from clusterhub.events.models import Event
from clusterhub.news import services
from clusterhub.news.models import Article, ArticleStatus, Subscriber, SubscriberStatus
from clusterhub.news.subscriptions import consent_text
from clusterhub.registry.models import Organisation

from .base import DemoResult

PARIS = ZoneInfo("Europe/Paris")
ARTICLES = (
    ("eccp-at-france-clusters-2016", "The ECCP at the France Clusters general assembly",
     "european-cluster-collaboration-platform", datetime(2016, 6, 6, 10, 0, tzinfo=PARIS),
     "The European Cluster Collaboration Platform presented its partnering tool and the "
     "ESCP-S3 call for interest to some 70 French clusters.",
     "On **27 May 2016** the ECCP team joined the France Clusters general assembly to present "
     "its tools to some 70 clusters, with a round table on how clusters support local growth.",
     ["Europe", "networks"], {"events": "france-clusters-general-assembly-2016"}),
    ("clusters-meet-regions-lyon-2023", "Clusters meet Regions in Lyon",
     "european-cluster-collaboration-platform", datetime(2023, 10, 16, 9, 0, tzinfo=PARIS),
     "Two days in Lyon for clusters and regions of Auvergne-Rhône-Alpes and beyond.",
     "The Clusters meet Regions workshop took place in Lyon on **12 and 13 October 2023**: "
     "sessions on regional strategies, B2B meetings and site visits.",
     ["Clusters meet Regions", "regions"], {"events": "clusters-meet-regions-lyon-2023"}),
    ("future-of-clusters-policy-consultation", "Consultation on the future of the clusters policy",
     "regions-de-france", datetime(2022, 1, 17, 9, 0, tzinfo=PARIS),
     "Régions de France asks every stakeholder how the competitiveness clusters policy should "
     "change after 2022; answers until 7 March.",
     "Missions of the clusters, their economic model, the levels of governance and access to "
     "national and European funding: **answer until 7 March 2022**.",
     ["policy", "consultation"], {"consultations": "future-of-clusters-policy"}),
    ("les-poles-pour-l-europe-2023", "“Les pôles pour l'Europe” awards open",
     "afpc", datetime(2023, 6, 1, 9, 0, tzinfo=PARIS),
     "The association's awards for the European initiatives of the pôles: three categories, "
     "applications until 14 September 2023.",
     "Three categories — best collaborative initiative, impact, success story — and an "
     "independent jury; prizes at the association's Europe meeting in Paris.",
     ["Europe", "awards"], {"calls": "les-poles-pour-l-europe-2023"}),
)  # fmt: skip
SUBSCRIBERS = (("reader.en@example.org", "en", ["news", "events"]),
               ("lecteur.fr@example.org", "fr", []),
               ("calls.only@example.org", "en", ["calls", "consultations"]))  # fmt: skip
RELATED = {"events": Event, "consultations": Consultation, "calls": Call}


def ensure_news(refresh: bool, result: DemoResult) -> None:
    """The demo's own rows, written directly (no editor account exists yet when the demo
    loads), rendered and indexed as the services do."""
    from clusterhub.core.search import normalise

    for slug, title, org_slug, when, summary, body, tags, related in ARTICLES:
        if Article.objects.filter(slug=slug).exists():
            continue
        article = Article.objects.create(
            slug=slug, title=title, summary=summary, body=body, illustrative=True,
            body_html=services.render(body), status=ArticleStatus.PUBLISHED, publish_at=when,
            organisation=Organisation.objects.filter(slug=org_slug).first(),
            search_document=normalise(title, summary, body, " ".join(tags)),
        )  # fmt: skip
        article.tags.set([services.tag_named(name) for name in tags])
        for field, target in related.items():
            found = RELATED[field].objects.filter(slug=target).first()
            if found is not None:
                getattr(article, field).add(found)
        result.created["articles"] += 1
    for email, language, kinds in SUBSCRIBERS:
        _subscriber, created = Subscriber.objects.get_or_create(email=email, defaults={
            "language": language, "kinds": kinds, "status": SubscriberStatus.ACTIVE,
            "consent_text": consent_text(), "consent_at": timezone.now(),
            "confirmed_at": timezone.now()})  # fmt: skip
        result.created["subscribers"] += created
