"""Every main page of the demo, on a phone in French and on a laptop in English: the document
is no wider than the window, and axe-core finds no serious or critical accessibility
violation. The map pans and zooms."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from clusterhub.demo import registry_data
from tests.pages import main_pages

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

WIDE = """[...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(e => e.tagName + "." + e.className)"""

AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => v.id + " (" + v.impact + "): "
            + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""


@pytest.fixture
def demo(live_server, settings, tmp_path):
    from django.core.cache import cache

    settings.VAR_DIR = tmp_path / "var"
    cache.clear()  # the directory's index is keyed in the cache, which outlives a flush
    call_command("load_demo", "--without-history", stdout=StringIO())
    team = get_user_model().objects.get(email=registry_data.TEAM_EMAIL)
    client = Client()
    client.force_login(team)
    return client.cookies["sessionid"].value


@pytest.mark.parametrize(("width", "language"), [(390, "fr"), (1280, "en")])
def test_every_main_page_fits_the_window_and_has_no_serious_accessibility_problem(
    live_server, browser, demo, width, language
):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test-browser does)")
    problems = []
    for signed_in in (False, True):
        # axe is added to each page as a script of the test; the site's own policy refuses
        # inline scripts, so the test context sets it aside.
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/Brussels", bypass_csp=True
        )
        cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
        if signed_in:
            cookies.append({"name": "sessionid", "value": demo, "url": live_server.url})
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for path, needs_sign_in in main_pages():
            if needs_sign_in != signed_in:
                continue
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            assert page.evaluate("document.documentElement.lang") == language, path
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                problems.append(f"{path}: {scroll} px wide: {page.evaluate(WIDE)}")
            page.add_script_tag(path=str(AXE))
            problems += [f"{path}: {v}" for v in page.evaluate(AXE_RUN)]
        context.close()
    assert not problems, "\n".join(problems)


def test_the_map_pans_and_zooms_and_a_drag_does_not_open_a_region(live_server, page, demo):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/map/")
    svg = page.locator("svg[data-zoomable]")
    before = [float(v) for v in svg.get_attribute("viewBox").split()]
    page.get_by_role("button", name="Zoom in").click()
    zoomed = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert zoomed[2] < before[2] * 0.7
    box = svg.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 150, y + 40, steps=5)
    page.mouse.up()
    dragged = [float(v) for v in svg.get_attribute("viewBox").split()]
    assert dragged[0] < zoomed[0] and dragged[2] == zoomed[2]
    assert page.url.endswith("/map/")  # the drag did not follow a region's link
    page.mouse.wheel(0, 400)
    assert float(svg.get_attribute("viewBox").split()[2]) > dragged[2]
    page.get_by_role("button", name="Whole map").click()
    assert [float(v) for v in svg.get_attribute("viewBox").split()] == before
    assert page.locator(".points circle").count() > 0


def test_long_multiple_choices_filter_as_one_types(live_server, context, demo):
    context.add_cookies([{"name": "sessionid", "value": demo, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/opportunities/new/")
    countries = page.locator("#id_target_countries")
    page.locator("#id_target_countries option", has_text="Austria").click()
    countries.locator("xpath=preceding-sibling::input[@type='search'][1]").fill("fran")
    visible = countries.locator("option:not([hidden])")
    assert "France" in visible.all_inner_texts()
    assert "Germany" not in visible.all_inner_texts()
    assert "Austria" in visible.all_inner_texts()  # chosen options stay in view


def test_on_a_phone_the_filters_fold_behind_a_button_and_stay_open_while_filtering(
    live_server, context, demo
):
    page = context.new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/clusters/")
    facets = page.locator("aside.facets")
    assert not facets.is_visible()
    page.locator(".results article").first.wait_for()  # the results come first
    page.get_by_role("button", name="Filters").click()
    assert facets.is_visible()
    facets.locator('fieldset[data-facet="country"] input').first.check()
    page.wait_for_url("**country=**")
    page.locator("aside.facets").wait_for()
    assert page.locator("aside.facets").is_visible()  # still open after the results changed
