"""Find partners, a call and an application, as a person sees them on a phone in French and on
a laptop in English: the words in the reader's language, and nothing wider than the window."""

import pytest
from django.test import Client

from clusterhub.calls import services
from clusterhub.registry.models import ProfileTeamMember
from tests.calls.test_applications import make_call, member_pole
from tests.factories import OrganisationFactory

WIDE = """[...document.querySelectorAll("main *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + "." + e.className)"""


def signed_in_page(context, live_server, user, language, width):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value,
             "url": live_server.url},
            {"name": "django_language", "value": language, "url": live_server.url},
        ]
    )  # fmt: skip
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 800})
    return page


@pytest.mark.parametrize(
    ("width", "language", "words"),
    [
        (390, "fr", ("Trouver des partenaires", "Qui peut candidater", "Éligibilité")),
        (1280, "en", ("Find partners", "Who may apply", "Eligibility")),
    ],
)
def test_partners_call_and_application_fit_the_window(live_server, context, width, language,
                                                      words):  # fmt: skip
    call = make_call()
    user, pole = member_pole(call)
    OrganisationFactory(legal_name="Recyclage Plastique", description="plastics recycling")
    ProfileTeamMember.objects.get_or_create(user=user, organisation=pole)
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "Plastics", "project_start": "2026-06-01"})
    services.submit(application, user)
    page = signed_in_page(context, live_server, user, language, width)
    for path, word in (
        ("/partners/?q=plastics+recycling", words[0]),
        (f"/calls/{call.slug}/", words[1]),
        (f"/applications/{application.pk}/", words[2]),
    ):
        page.goto(f"{live_server.url}{path}")
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path


@pytest.mark.parametrize(
    ("width", "language", "words"),
    [
        (390, "fr", ("Classement", "Attribution", "Grille d'évaluation", "Votre évaluation")),
        (1280, "en", ("Ranking", "Assignment", "Rubric", "Your review")),
    ],
)
def test_the_jury_pages_fit_the_window(live_server, context, width, language, words):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    call = make_call(reviews_per_application=1)
    organiser = UserFactory()
    ProfileTeamMember.objects.create(user=organiser, organisation=call.organiser)
    for title in ("Plastics without borders", "Composites for all"):
        user, pole = member_pole(call)
        application = services.start_application(call, pole, user, call.categories.get())
        services.save_draft(application, user, {"title": title, "project_start": "2026-06-01"})
        services.submit(application, user)
    services.set_rubric(call, [{"key": "impact", "label": "Impact", "weight": "100"}], organiser)
    juror_user = UserFactory(email="ada@jury.example")
    EmailAddress.objects.create(user=juror_user, email="ada@jury.example", verified=True)
    juror = services.invite_juror(call, name="Ada Lind", email="ada@jury.example", by=organiser)
    services.answer_invitation(juror, juror_user, accept=True, expertise="plastics")
    services.run_assignment(call, organiser)
    first, second = juror.assignments.order_by("application_id")
    services.save_review(first, juror_user, scores={"impact": 7}, submit=True)
    services.save_review(second, juror_user, scores={"impact": 4}, submit=True)
    page = signed_in_page(context, live_server, organiser, language, width)
    for path, word in (
        (f"/calls/{call.slug}/manage/", words[0]),
        (f"/calls/{call.slug}/manage/jury/", words[1]),
        (f"/calls/{call.slug}/manage/rubric/", words[2]),
        (f"/calls/{call.slug}/manage/edit/", "Jury"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert word in page.inner_text("main"), path
        assert page.evaluate(WIDE) == [], path
    page = signed_in_page(context, live_server, juror_user, language, width)
    page.goto(f"{live_server.url}/reviews/{first.pk}/")
    assert words[3] in page.inner_text("main")
    assert page.evaluate(WIDE) == []
