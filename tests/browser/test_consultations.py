"""A consultation as a person sees it on a phone in French and on a laptop in English: the
answer form, the results with their charts and the statements; nothing wider than the window."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from clusterhub.consultations import services
from tests.consultations.test_answers import make_consultation
from tests.factories import UserFactory

WIDE = """[...document.querySelectorAll("main *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


@pytest.mark.parametrize(
    ("width", "language", "words"),
    [
        (390, "fr", ("Participer", "Vous répondez en tant que", "Qui a répondu", "Propositions")),
        (1280, "en", ("Take part", "You answer as", "Who answered", "Statements")),
    ],
)
def test_consultation_pages_fit_the_window(live_server, context, width, language, words):
    from django.utils import timezone

    consultation = make_consultation(closes_at=timezone.now() + timezone.timedelta(days=7))
    for n in range(6):
        identity = services.Identity(f"p{n}@example.org")
        response, _key = services.start(consultation, identity)
        services.save(response, answers={"missions": {"choices": ["europe", "smes"]},
                                         "satisfied": {"value": 1 + n % 5}},
                      profile={"stakeholder_type": ["sme", "cluster"][n % 2]}, submit=True,
                      identity=identity)  # fmt: skip
    user = UserFactory(email="reader@example.org")
    EmailAddress.objects.create(user=user, email="reader@example.org", verified=True)
    client = Client()
    client.force_login(user)
    context.add_cookies([
        {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
        {"name": "django_language", "value": language, "url": live_server.url},
    ])  # fmt: skip
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    base = f"{live_server.url}/consultations/{consultation.slug}"
    pages = [("/", words[0]), ("/answer/", words[1]), ("/results/", words[2]),
             ("/statements/", words[3])]  # fmt: skip
    for suffix, word in pages:
        path = base + suffix
        page.goto(path)
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path
