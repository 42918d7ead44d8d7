"""News: written by a team, read by the editors, public when published (or at its date); no
script reaches a page; pictures checked by their bytes; feeds and facets; related pages."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterhub.news import services
from clusterhub.news.models import Article
from tests.factories import EventFactory, UserFactory, team_member

pytestmark = pytest.mark.django_db


def png(size=(4, 4)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return out.getvalue()


def draft(user, organisation, **changes) -> Article:
    values = {"title": "The ECCP at the France Clusters assembly",
              "summary": "Europe's cluster platform met the French clusters.",
              "body": "The platform **presented** its services. [More](https://example.org)",
              "organisation": organisation} | changes  # fmt: skip
    return services.save_article(Article(**values), user, tags=["Europe", "networks"])


def test_a_team_writes_the_editors_publish_and_readers_see_it(client):
    user, organisation = team_member()
    article = draft(user, organisation)
    url = reverse("news:article", args=[article.slug])
    assert client.get(url).status_code == 404  # a draft is not public
    services.submit(article, user)
    with pytest.raises(PermissionDenied):
        services.save_article(article, user)  # with the editors: no more changes
    with pytest.raises(PermissionDenied):
        services.publish(article, user)
    editor = UserFactory(is_staff=True)
    client.force_login(editor)
    queue = client.get(reverse("news:review")).content.decode()
    assert article.title in queue
    client.post(reverse("news:review"), {"article": article.pk, "action": "publish"})
    client.logout()
    page = client.get(url).content.decode()
    assert "<strong>presented</strong>" in page
    assert 'rel="noopener noreferrer nofollow"' in page
    listing = client.get(reverse("news:list") + "?q=assembly").content.decode()
    assert article.title in listing
    assert "networks" in listing  # a facet
    feed = client.get(reverse("news:atom")).content.decode()
    assert article.title in feed and "<feed" in feed
    tagged = client.get(reverse("news:rss-of", args=["tag", "europe"])).content.decode()
    assert article.title in tagged and "<rss" in tagged


def test_no_script_reaches_the_page():
    user, organisation = team_member()
    article = draft(user, organisation, body=(
        "<script>alert(1)</script> Hello <img src=x onerror=alert(2)> "
        "[click](javascript:alert(3))"))  # fmt: skip
    html = article.body_html
    assert "<script" not in html and "<img" not in html  # shown as text, never as tags
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html  # at most shown as text, never a link


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.png", b"\x89PNG" + b"0" * (3 * 1024 * 1024), "the limit is 2 MB"),
        ("fake.png", b"<html>not a picture</html>", "This file is not a picture."),
    ],
)
def test_a_bad_picture_is_refused_and_nothing_is_saved(name, data, message):
    user, organisation = team_member()
    with pytest.raises(ValidationError, match=message):
        services.save_article(Article(title="T", summary="S", body="B", organisation=organisation,
                                      picture_alt="A"), user,
                              picture=SimpleUploadedFile(name, data))  # fmt: skip
    assert not Article.objects.exists()


def test_a_picture_needs_its_description():
    user, organisation = team_member()
    with pytest.raises(ValidationError, match="Describe the picture"):
        services.save_article(Article(title="T", summary="S", body="B", organisation=organisation),
                              user, picture=SimpleUploadedFile("p.png", png()))  # fmt: skip


def test_nobody_writes_in_another_organisations_name():
    user, _mine = team_member()
    _other_user, other = team_member()
    with pytest.raises(PermissionDenied):
        draft(user, other)


def test_a_scheduled_article_appears_at_its_date(client, time_machine):
    from django.utils import timezone

    user, organisation = team_member()
    article = draft(user, organisation)
    services.submit(article, user)
    services.publish(article, UserFactory(is_staff=True),
                     at=timezone.now() + datetime.timedelta(days=2))  # fmt: skip
    assert article.title not in client.get(reverse("news:list")).content.decode()
    time_machine.move_to(timezone.now() + datetime.timedelta(days=3))
    assert article.title in client.get(reverse("news:list")).content.decode()


def test_an_organisation_and_an_event_show_their_news(client):
    user, organisation = team_member()
    event = EventFactory()
    article = draft(user, organisation)
    article.events.add(event)
    services.submit(article, user)
    services.publish(article, UserFactory(is_staff=True))
    org_page = client.get(organisation.get_absolute_url()).content.decode()
    assert article.title in org_page
    event_page = client.get(event.get_absolute_url()).content.decode()
    assert article.title in event_page
    page = client.get(article.get_absolute_url()).content.decode()
    assert event.title in page  # the article shows its related items


def test_a_team_links_its_article_to_an_event_on_the_write_page(client):
    from django.utils import timezone

    user, organisation = team_member()
    soon = timezone.now() + datetime.timedelta(days=9)
    event = EventFactory(status="registration_open", start=soon,
                         end=soon + datetime.timedelta(days=1))  # fmt: skip
    client.force_login(user)
    page = client.post(reverse("news:write"), {
        "organisation": organisation.pk, "title": "Our workshop", "summary": "Come along.",
        "body": "Details.", "tags_text": "workshop", "events": [event.pk], "save": "1",
    })  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:1500]
    article = Article.objects.get(title="Our workshop")
    assert list(article.events.all()) == [event]
    assert article.status == "draft"
