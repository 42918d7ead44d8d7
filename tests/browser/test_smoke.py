from playwright.sync_api import expect


def test_the_administration_signs_in_through_the_sites_sign_in_page(live_server, page):
    """One sign-in, with its shared limits: the admin's address leads to the site's page,
    which brings the person back to the administration."""
    page.goto(live_server.url + "/admin/")

    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/admin/")
    form = page.locator("main form")
    expect(form.get_by_label("Email")).to_be_visible()
    expect(form.get_by_label("Password")).to_be_visible()
    expect(form.get_by_role("button", name="Sign In")).to_be_visible()


def test_reference_data_survives_the_flush_between_browser_tests(live_server, page):
    from clusterhub.reference.models import NutsRegion

    assert NutsRegion.objects.filter(level=0).exists()
