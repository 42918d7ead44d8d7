"""A joint action plan as its team sees it on a phone in French and on a laptop in English:
the list, the plan with its timeline, the action form and the plan editor; nothing on the page,
menu included, is wider than the window (the timeline scrolls inside its own box)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from clusterhub.actionplans import services
from tests.factories import OrganisationFactory, team_member

WIDE = """[...document.querySelectorAll("body *")]
    .filter(e => !(e.parentElement && e.parentElement.closest(".chart-scroll")))
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


@pytest.mark.parametrize(
    ("width", "language", "words"),
    [
        (390, "fr", ("Plans d'action communs", "Contributions des partenaires", "Ce qui la réalise",
                     "Le plan, ses partenaires et ses axes")),
        (1280, "en", ("Joint action plans", "Partners' contributions", "What delivers it",
                      "The plan, its partners and axes")),
    ],
)  # fmt: skip
def test_plan_pages_fit_the_window(live_server, context, width, language, words):
    user, org = team_member(OrganisationFactory(legal_name="Plastipolis"))
    partner = OrganisationFactory(legal_name="Proplast")
    plan = services.create_plan(owner=org, title="Polymer clusters plan", by=user,
                                template="clusterplast", partners=[partner], published=True,
                                starts_on=datetime.date(2026, 1, 1),
                                ends_on=datetime.date(2027, 6, 30))  # fmt: skip
    action = services.save_action(
        plan, user, axis=plan.axes.get(order=7), title="Mentoring of an emerging cluster by an "
        "experienced one", lead=org, partners=[partner], starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 11, 30), budget=Decimal(9000), status="ongoing",
        fundings=[("INTERREG", "eu", Decimal(9000))])  # fmt: skip
    services.save_milestone(plan, user, title="Mid-term review", due_on=datetime.date(2026, 6, 1))
    services.save_indicator(plan, user, name="Staff exchanges", target=Decimal(12))
    client = Client()
    client.force_login(user)
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url},
    ])  # fmt: skip
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    base = f"{live_server.url}/action-plans/"
    paths = ["", f"{plan.slug}/", f"{plan.slug}/actions/{action.pk}/", f"{plan.slug}/edit/"]
    for path, word in zip(paths, words, strict=True):
        page.goto(base + path)
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path
