"""A visitor finds clusters; a newcomer signs up, registers a cluster and sees it on the map."""

import re
from decimal import Decimal

from django.core import mail
from playwright.sync_api import expect

from clusterhub.reference.models import Ecosystem
from clusterhub.registry import services
from clusterhub.registry.models import ClusterOrganisation, Organisation


def cluster(name, country, lat, lon, ecosystems=(), members=40):
    org = services.save_organisation(
        Organisation(
            legal_name=name,
            kind="cluster",
            country_id=country,
            latitude=lat,
            longitude=lon,
            website="https://example.org",
        ),
        ecosystems=Ecosystem.objects.filter(slug__in=ecosystems),
    )
    services.save_cluster_profile(
        ClusterOrganisation(
            organisation=org,
            members_companies=members,
            members_research=5,
            management_fte=Decimal("2"),
        )
    )


def test_visitor_searches_filters_and_opens_a_profile(live_server, page):
    cluster("Polymeris", "FR", 46.26, 5.65, ["energy-intensive"], members=400)
    cluster("Techtera", "FR", 45.76, 4.83, ["textiles"])
    cluster("Silicon Saxony", "DE", 51.05, 13.74, ["electronics"])
    page.goto(live_server.url + "/clusters/")
    results = page.locator(".results")
    expect(results.locator("article")).to_have_count(3)

    # Typing filters the list in place; the address follows so the result can be shared.
    page.get_by_label("Search clusters").fill("polym")
    expect(results.locator("article")).to_have_count(1)
    expect(results).to_contain_text("Polymeris")
    expect(page).to_have_url(re.compile(r"q=polym"))

    page.get_by_label("Search clusters").fill("")
    expect(results.locator("article")).to_have_count(3)
    country = page.locator('fieldset[data-facet="country"]')
    expect(country).to_contain_text("France")
    country.get_by_label(re.compile("Germany")).check()
    expect(results.locator("article")).to_have_count(1)
    expect(results).to_contain_text("Silicon Saxony")
    # The other countries stay offered with their counts.
    expect(page.locator('fieldset[data-facet="country"]')).to_contain_text("France 2")

    page.get_by_role("link", name="Silicon Saxony").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Silicon Saxony")
    expect(page.locator("body")).to_contain_text("Validated profile")


def test_map_region_leads_into_the_directory(live_server, page):
    cluster("Techtera", "FR", 45.76, 4.83)
    cluster("Silicon Saxony", "DE", 51.05, 13.74)
    page.goto(live_server.url + "/map/")
    expect(page.locator("body")).to_contain_text("© EuroGeographics")
    page.locator('path[data-code="DED2"]').dispatch_event("click")  # its point sits on top
    expect(page).to_have_url(re.compile(r"/clusters/\?region=DED2"))
    expect(page.locator(".results article")).to_have_count(1)
    expect(page.locator(".results")).to_contain_text("Silicon Saxony")


def test_newcomer_signs_up_and_registers_a_cluster(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Given name").fill("Marie")
    page.get_by_label("Family name").fill("Lefèvre")
    page.get_by_label("Email").fill("manager@example.org")
    page.locator("#id_password1").fill("Clusters-2026!")
    page.locator("#id_password2").fill("Clusters-2026!")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator("main")).to_contain_text("Verify Your Email Address")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("manager@example.org")
    page.locator("#id_password").fill("Clusters-2026!")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    page.goto(live_server.url + "/clusters/new/")
    page.get_by_label("Legal name").fill("Pôle Véhicule du Futur")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("Latitude").fill("47.75")
    page.get_by_label("Longitude").fill("7.34")
    page.get_by_label("Website").fill("https://www.vehiculedufutur.com")
    page.get_by_label("Member companies").fill("200")
    page.get_by_label("Research organisations").fill("20")
    page.get_by_label("Management staff (FTE)").fill("8")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pôle Véhicule du Futur")
    expect(page.locator("body")).to_contain_text("Validated profile")
    expect(page.locator("body")).to_contain_text("Alsace")  # NUTS region from coordinates
    expect(page.get_by_role("link", name="Profile team")).to_be_visible()

    page.goto(live_server.url + "/map/")
    expect(page.locator('path[data-code="FRF1"]')).to_have_attribute("data-count", "1")
