"""The calls' pages: the list, a call's rules in sentences, applying as a profile team."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from clusterhub.calls.models import Application
from tests.calls.test_applications import make_call, member_pole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_call_page_shows_its_rules_in_sentences_in_english_and_french(client):
    call = make_call()
    page = client.get(reverse("calls:call", args=[call.slug]))
    html = page.content.decode()
    assert "Open to: cluster organisation." in html
    assert "Is a member of the association." in html
    assert "The project started at most 2 years before the deadline." in html
    assert "Open until 2027-03-11 09:00 (Europe/Paris)." in html
    french = client.get(reverse("calls:call", args=[call.slug]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Appels et prix" in french.content.decode()
    listing = client.get(reverse("calls:call-list")).content.decode()
    assert escape(call.title) in listing


def test_a_profile_team_applies_saves_as_it_types_and_submits(client):
    call = make_call()
    user, pole = member_pole(call)
    client.force_login(user)
    category = call.categories.get()
    started = client.post(reverse("calls:start", args=[call.slug]),
                          {"organisation": pole.slug, "category": category.pk})  # fmt: skip
    application = Application.objects.get()
    assert started.url == reverse("calls:application", args=[application.pk])
    url = started.url
    page = client.get(url).content.decode()
    assert "Initiative *" in page and "Start date *" in page
    typed = client.post(url, {"title": "x" * 81}, HTTP_HX_REQUEST="true")
    assert "“Initiative” takes at most 80 characters (81 given)." in typed.content.decode()
    assert Application.objects.get().answers["title"] == "x" * 81
    done = client.post(
        url, {"title": "Plastics without borders", "project_start": "2026-06-01", "submit": "1"},
        follow=True,
    )  # fmt: skip
    html = done.content.decode()
    assert "Your application is submitted." in html
    assert Application.objects.get().receipt in html
    withdrawn = client.post(reverse("calls:withdraw", args=[application.pk]), follow=True)
    assert "Your application is withdrawn." in withdrawn.content.decode()
    assert Application.objects.get().status == "withdrawn"


def test_another_persons_application_stays_closed(client):
    call = make_call()
    user, pole = member_pole(call)
    client.force_login(user)
    client.post(reverse("calls:start", args=[call.slug]),
                {"organisation": pole.slug, "category": call.categories.get().pk})  # fmt: skip
    client.force_login(UserFactory())
    assert (
        client.get(reverse("calls:application", args=[Application.objects.get().pk])).status_code
        == 403
    )


def test_a_letter_of_support_is_uploaded_checked_by_its_bytes_and_kept(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clusterhub.calls.models import Attachment, Question

    settings.MEDIA_ROOT = tmp_path
    call = make_call()
    Question.objects.create(call=call, key="letter", label="Letter of support", kind="file",
                            required=True, file_types=["pdf"], order=3)  # fmt: skip
    user, pole = member_pole(call)
    client.force_login(user)
    client.post(reverse("calls:start", args=[call.slug]),
                {"organisation": pole.slug, "category": call.categories.get().pk})  # fmt: skip
    url = reverse("calls:application", args=[Application.objects.get().pk])
    fake = client.post(url, {"letter": SimpleUploadedFile("letter.pdf", b"MZ not a pdf")})
    assert "letter.pdf is not a file of the types accepted (PDF)" in fake.content.decode()
    assert not Attachment.objects.exists()
    pdf = b"%PDF-1.7\n%%EOF\n"
    sent = client.post(url, {"letter": SimpleUploadedFile("lettre région.pdf", pdf)})
    assert "Sent: lettre région.pdf" in sent.content.decode()
    stored = Attachment.objects.get()
    assert stored.kind == "pdf" and stored.size == len(pdf)
    assert "région" not in stored.file.name  # stored under a random name
    done = client.post(url, {"title": "T", "project_start": "2026-06-01", "submit": "1"},
                       follow=True)  # fmt: skip
    assert "Your application is submitted." in done.content.decode()
