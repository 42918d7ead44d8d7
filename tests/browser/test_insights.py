"""Insights on a phone in French and on a laptop in English: the dashboard, a region page, the
specialisation map and table, and the indicators; nothing on the page is wider than the
window (charts and maps scroll or shrink in their own box)."""

import datetime
from decimal import Decimal

import pytest

from clusterhub.insights.models import Employment, Indicator, IndicatorValue
from clusterhub.reference.models import NutsRegion
from tests import factories as f

WIDE = """[...document.querySelectorAll("body *")]
    .filter(e => !(e.parentElement && e.parentElement.closest(".chart-scroll")))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


@pytest.mark.parametrize(("width", "language", "words"), [
    (390, "fr", ("Annuaire", "Tableau de bord de la région", "quotient de localisation",
                 "au fil du temps", "Télécharger en CSV")),
    (1280, "en", ("Registry", "Dashboard of the region", "location quotient", "over time",
                  "Download as CSV")),
])  # fmt: skip
def test_insight_pages_fit_the_window(live_server, context, width, language, words):
    rhone = NutsRegion.objects.get(code="FRK26")
    f.ClusterOrganisationFactory(organisation__legal_name="Plastipolis",
                                 organisation__nuts_region=rhone)  # fmt: skip
    f.RegistrationFactory(event=f.EventFactory(nuts_region=rhone), status="confirmed")
    for code, persons in (("FRK2", 800), ("DE11", 100), ("DE12", 120)):
        Employment.objects.create(region=code, sector="22", year=2014, persons=persons)
        Employment.objects.create(region=code, sector="10", year=2014, persons=1000 - persons)
    indicator = Indicator.objects.create(region=NutsRegion.objects.get(code="FRK"),
                                         name="Companies", source="Region")  # fmt: skip
    IndicatorValue.objects.create(indicator=indicator, period=datetime.date(2023, 1, 1),
                                  value=Decimal(22000))  # fmt: skip
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    paths = [
        "/insights/",
        "/regions/FRK2/",
        "/insights/specialisation/?sector=22",
        "/insights/indicators/",
        f"/insights/indicators/{indicator.pk}/",
    ]
    for path, word in zip(paths, words, strict=True):
        page.goto(live_server.url + path)
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path
