"""The main pages of the platform, as the demo fills them: what a visitor and the demo's
profile team see first. The French-page test and the browser test of every page use it."""

from __future__ import annotations

from django.urls import reverse

from clusterhub.actionplans.models import Plan
from clusterhub.calls.models import Call
from clusterhub.consultations.models import Consultation
from clusterhub.events.models import Event
from clusterhub.insights.models import Indicator
from clusterhub.news.models import Article
from clusterhub.partnering.models import Consortium, FundingCall, Opportunity
from clusterhub.registry.models import ClusterOrganisation, Organisation


def main_pages() -> list[tuple[str, bool]]:
    """(address, needs the demo team's sign-in) of every main page of the loaded demo."""
    cluster = ClusterOrganisation.objects.filter(is_validated=True).select_related("organisation")
    cluster = cluster.order_by("organisation__slug").first().organisation
    member = Organisation.objects.filter(slug="universite-claude-bernard-lyon-1").first()
    event = Event.objects.get(slug="clusters-meet-regions-lyon-2023")
    call = Call.objects.order_by("pk").first()
    funding_call = FundingCall.objects.order_by("deadline").first()
    public = [
        reverse("home"),
        reverse("registry:cluster-list"),
        cluster.get_absolute_url(),
        reverse("registry:organisation-list"),
        (member or cluster).get_absolute_url(),
        reverse("registry:map"),
        reverse("events:calendar"),
        event.get_absolute_url(),
        reverse("partnering:opportunity-list"),
        Opportunity.objects.order_by("pk").first().get_absolute_url(),
        reverse("partnering:call-list"),
        funding_call.get_absolute_url(),
        reverse("calls:call-list"),
        reverse("calls:call", args=[call.slug]),
        reverse("calls:results", args=[call.slug]),
        reverse("consultations:list"),
        Consultation.objects.first().get_absolute_url(),
        reverse("consultations:results", args=[Consultation.objects.first().slug]),
        reverse("news:list"),
        Article.objects.order_by("pk").first().get_absolute_url(),
        reverse("actionplans:list"),
        Plan.objects.first().get_absolute_url(),
        reverse("insights:dashboard"),
        reverse("insights:specialisation"),
        reverse("insights:indicators"),
        Indicator.objects.order_by("pk").first().get_absolute_url(),
        reverse("insights:region", args=["FRK"]),
        reverse("account_login"),
        reverse("account_signup"),
    ]
    team = [
        reverse("me"),
        reverse("events:register", args=["clusters-meet-regions-demo-2027"]),
        Consortium.objects.first().get_absolute_url(),
        reverse("registry:team", args=[Organisation.objects.get(slug="polymeris").slug]),
        reverse("events:create"),
        reverse("partnering:opportunity-create"),
    ]
    return [(url, False) for url in public] + [(url, True) for url in team]
