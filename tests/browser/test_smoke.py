from playwright.sync_api import expect


def test_admin_login_form_is_shown(live_server, page):
    page.goto(live_server.url + "/admin/login/")

    form = page.locator("form#login-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Username")).to_be_visible()
    expect(form.get_by_label("Password")).to_be_visible()
    expect(form.get_by_role("button", name="Log in")).to_be_visible()


def test_reference_data_survives_the_flush_between_browser_tests(live_server, page):
    from clusterhub.reference.models import NutsRegion

    assert NutsRegion.objects.filter(level=0).exists()
