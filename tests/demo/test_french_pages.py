"""Every main page of the demo, read in French, holds no sentence of the interface left in
English, and the demo's partnering pages have content from the first visit."""

import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from clusterhub.demo import registry_data
from clusterhub.partnering.models import Consortium, FundingCall, Opportunity
from tests.core.test_i18n import PO_FILE, parse_po
from tests.pages import main_pages

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\([\w.]+\)[sdif]|%[sdif]|\{\{\s*[\w.]+\s*\}\}")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Texts(HTMLParser):
    """The text nodes and the labelling attributes a person reads (scripts and styles aside)."""

    ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "value")

    def __init__(self):
        super().__init__()
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value and not (tag == "input" and name == "value"):
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_sentences() -> list[re.Pattern]:
    """The catalogue's English strings of two words or more that French writes otherwise,
    each as a pattern of a whole text (placeholders match anything)."""
    patterns = []
    for entry in parse_po(PO_FILE)[1:]:
        for english, french in (
            (entry["msgid"], entry.get("msgstr") or entry.get("msgstr[0]")),
            (entry.get("msgid_plural"), entry.get("msgstr[1]")),
        ):
            if not english or not french or english == french or len(english.split()) < 2:
                continue
            parts = PLACEHOLDER.split(" ".join(english.split()))
            if len(re.findall(r"[A-Za-z]{2,}", "".join(parts))) < 2:
                continue
            literal = len("".join(parts))
            patterns.append((re.compile(".+?".join(map(re.escape, parts)) + r"[.:]?"), literal))
    return patterns


def is_english(text: str, patterns) -> bool:
    """Whether ``text`` is one of the patterns, mostly made of its English words (a sentence
    of data that happens to fill a pattern's placeholders is not)."""
    return any(
        literal * 2 >= len(text) and pattern.fullmatch(text) for pattern, literal in patterns
    )


def test_the_demo_has_open_funding_calls_opportunities_and_a_consortium(client):
    call_command("load_demo", stdout=StringIO())
    assert FundingCall.objects.count() == 2
    assert Opportunity.objects.filter(status="published").count() == 3
    calls = client.get(reverse("partnering:call-list")).content.decode()
    assert "European Strategic Cluster Partnerships for Excellence" in calls
    offers = client.get(reverse("partnering:opportunity-list")).content.decode()
    assert "Shared injection-moulding pilot line" in offers
    consortium = Consortium.objects.get(acronym="CIRCPACK")
    team = get_user_model().objects.get(email=registry_data.TEAM_EMAIL)
    client.force_login(team)
    page = client.get(consortium.get_absolute_url()).content.decode()
    assert "Plastipolis" in page and "Illustrative" in page
    call_command("load_demo", stdout=StringIO())
    assert FundingCall.objects.count() == 2 and Consortium.objects.count() == 1


def test_no_main_page_in_french_holds_an_english_sentence_of_the_interface(client):
    call_command("load_demo", stdout=StringIO())
    team = get_user_model().objects.get(email=registry_data.TEAM_EMAIL)
    patterns = english_sentences()
    assert len(patterns) > 1000
    found = []
    for url, signed_in in main_pages():
        if signed_in:
            client.force_login(team)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, url
        assert response.headers["Content-Language"] == "fr", url
        parser = Texts()
        parser.feed(response.content.decode())
        found += [f"{url}: {text!r}" for text in set(parser.texts) if is_english(text, patterns)]
    assert not found, "English on French pages:\n" + "\n".join(found)
