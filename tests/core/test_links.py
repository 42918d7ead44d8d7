"""Addresses that people type in (websites, material links, meeting links) become plain links
to that site, with the site named, and never a redirect from the platform's address."""

from django.template import Context, Template


def render(url, text=""):
    template = Template("{% load clusterhub %}{% external_link url text %}")
    return template.render(Context({"url": url, "text": text}))


def test_a_typed_in_address_is_a_link_to_its_own_site_with_the_site_named():
    html = render("https://www.example.org/slides?x=1&y=2", "Slides")
    assert html == (
        '<a href="https://www.example.org/slides?x=1&amp;y=2" '
        'rel="noopener noreferrer nofollow ugc">Slides</a> <span class="muted">(example.org)</span>'
    )


def test_only_web_addresses_become_links_and_text_is_escaped():
    assert render("javascript:alert(1)", "Click") == "Click"
    assert render("https://e.org/", "<b>x</b>").count("&lt;b&gt;") == 1
    assert render("") == ""
