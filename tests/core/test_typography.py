"""French pages follow French typography wherever the punctuation comes from (a translation,
a template or a sentence built by the code); markup, scripts and typed-in text are untouched."""

import pytest
from django.urls import reverse

from clusterhub.core.typography import french_html

NNBSP = "\u202f"


def test_the_text_gets_narrow_spaces_and_the_markup_does_not():
    html = (
        '<p style="margin: 0">Appel: <a href="https://x.org/a?b=1">SMP</a> · Date limite: '
        "4 mai 2027, 19:00 ; vraiment ? « oui »</p><script>var a = {b: 1};</script>"
        "<textarea>x: y</textarea><p>Exporter:</p>"
    )
    assert french_html(html) == (
        f'<p style="margin: 0">Appel{NNBSP}: <a href="https://x.org/a?b=1">SMP</a> · Date '
        f"limite{NNBSP}: 4 mai 2027, 19:00{NNBSP}; vraiment{NNBSP}? «\u00a0oui\u00a0»</p>"
        "<script>var a = {b: 1};</script><textarea>x: y</textarea>"
        f"<p>Exporter{NNBSP}:</p>"
    )


@pytest.mark.django_db
def test_french_pages_only(client):
    english = client.get(reverse("registry:cluster-list")).content.decode()
    french = client.get(reverse("registry:cluster-list"), HTTP_ACCEPT_LANGUAGE="fr")
    assert " : " not in french.content.decode().split("<body")[1].split("<script")[0]
    assert NNBSP not in english
