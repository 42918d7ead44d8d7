""" "My Clusterhub" and the home page of a signed-in person, on a phone in French and on a
laptop in English; nothing on the page, menu included, is wider than the window."""

import pytest
from django.test import Client

from tests import factories as f

WIDE = """[...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


@pytest.mark.parametrize(("width", "language", "words"), [
    (390, "fr", ("Mes organisations", "Bon retour")),
    (1280, "en", ("My organisations", "Welcome back")),
])  # fmt: skip
def test_the_workspace_fits_the_window(live_server, context, width, language, words):
    cluster = f.ClusterOrganisationFactory(organisation__legal_name="Polymeris", management_fte=0)
    user, _org = f.team_member(cluster.organisation, first_name="Julie", last_name="Campbell")
    f.RegistrationFactory(event=f.EventFactory(title="Clusters meet Regions"), user=user)
    client = Client()
    client.force_login(user)
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url},
    ])  # fmt: skip
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    for path, word in zip(["/me/", "/"], words, strict=True):
        page.goto(live_server.url + path)
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path


def test_the_menu_folds_behind_a_button_on_phones(live_server, context):
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    events = page.get_by_role("link", name="Events", exact=True)
    assert not events.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert events.is_visible()
    assert page.get_by_role("button", name="Menu").get_attribute("aria-expanded") == "true"
    events.click()
    page.wait_for_url("**/events/**")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not page.get_by_role("button", name="Menu").is_visible()
    assert page.get_by_role("link", name="Events", exact=True).is_visible()
