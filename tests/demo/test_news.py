"""The demo's news: four articles from the seeds' facts, said to be written for the demo,
linked to their event, call or consultation; and a few subscribers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_news_and_their_related_pages(client):
    from clusterhub.news.models import Article, Subscriber

    call_command("load_demo", stdout=StringIO())
    assert Article.objects.count() == 4
    assert Subscriber.objects.filter(status="active").count() == 3
    listing = client.get(reverse("news:list")).content.decode()
    assert "The ECCP at the France Clusters general assembly" in listing
    article = Article.objects.get(slug="clusters-meet-regions-lyon-2023")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "written for the demonstration" in page
    event = article.events.get()
    assert article.title in client.get(event.get_absolute_url()).content.decode()
    call_command("load_demo", stdout=StringIO())
    assert Article.objects.count() == 4
