"""Organisers build the questionnaire; a question with answers is never changed in place: a
change makes a new version and the answers keep theirs."""

import pytest
from django.urls import reverse

from clusterhub.consultations import services
from clusterhub.consultations.models import Consultation, Question
from tests.consultations.test_answers import make_consultation
from tests.factories import team_member

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip


def test_an_organiser_builds_a_consultation_and_previews_it(client):
    user, organisation = team_member()
    client.force_login(user)
    data = {
        "organiser": organisation.pk, "title": "Clusters after 2022", "phase": "open",
        "timezone": "Europe/Paris", "closes_at": "2027-03-07T23:59", "audience": "everyone",
        **management("sections", 1), "sections-0-title": "Missions",
        **management("questions", 2),
        "questions-0-key": "missions", "questions-0-label": "Which missions?",
        "questions-0-kind": "multiple", "questions-0-options_text": "rd: R&D\nEurope",
        "questions-0-allow_other": "on", "questions-0-low": "1", "questions-0-high": "5",
        "questions-1-key": "why", "questions-1-label": "Why?", "questions-1-kind": "long_text",
        "questions-1-low": "1", "questions-1-high": "5", "questions-1-show_if_key": "missions",
        "questions-1-show_if_answers_text": "rd",
    }  # fmt: skip
    response = client.post(reverse("consultations:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation = Consultation.objects.get(title="Clusters after 2022")
    missions = consultation.questions.get(key="missions")
    assert missions.options == [["rd", "R&D"], ["europe", "Europe"]]
    assert consultation.closes_at.isoformat() == "2027-03-07T22:59:00+00:00"
    page = client.get(reverse("consultations:preview", args=[consultation.slug])).content.decode()
    assert "Which missions?" in page and "nothing is saved here" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"questions-0-options_text": "Only one"}, "Give at least two different options."),
        ({"questions-1-key": "missions"}, "Two questions have the key “missions”."),
        ({"questions-1-show_if_key": "nothing"}, "No other question has the key “nothing”."),
        ({"timezone": "Paris"}, "“Paris” is not a time zone"),
    ],
)
def test_a_bad_questionnaire_is_named_and_nothing_saved(client, changes, message):
    user, organisation = team_member()
    client.force_login(user)
    data = {
        "organiser": organisation.pk, "title": "Bad", "phase": "open",
        "timezone": "Europe/Paris", "closes_at": "2027-03-07T23:59", "audience": "everyone",
        **management("sections", 0), **management("questions", 2),
        "questions-0-key": "missions", "questions-0-label": "Which?", "questions-0-kind": "single",
        "questions-0-options_text": "a\nb", "questions-0-low": "1", "questions-0-high": "5",
        "questions-1-key": "why", "questions-1-label": "Why?", "questions-1-kind": "short_text",
        "questions-1-low": "1", "questions-1-high": "5",
    } | changes  # fmt: skip
    page = client.post(reverse("consultations:new"), data)
    assert message in page.content.decode()
    assert not Consultation.objects.exists()


def test_changing_an_answered_question_makes_a_new_version(client):
    consultation = make_consultation()
    identity = services.Identity("an@example.org")
    response, _key = services.start(consultation, identity)
    services.save(response, answers={"missions": {"choices": ["europe"]}},
                  profile={"stakeholder_type": "sme"}, submit=True, identity=identity)  # fmt: skip
    user, _org = team_member(consultation.organiser)
    client.force_login(user)
    questions = list(consultation.questions.filter(retired=False).order_by("order"))
    data = {
        "organiser": consultation.organiser.pk, "title": consultation.title, "phase": "open",
        "timezone": "Europe/Paris", "closes_at": "2027-03-07T23:59", "audience": "everyone",
        **management("sections", 0), **management("questions", len(questions), len(questions)),
    }  # fmt: skip
    for i, q in enumerate(questions):
        options = "\n".join(f"{k}: {v}" for k, v in q.options)
        data |= {f"questions-{i}-id": q.pk, f"questions-{i}-key": q.key,
                 f"questions-{i}-label": q.label, f"questions-{i}-kind": q.kind,
                 f"questions-{i}-low": q.low, f"questions-{i}-high": q.high,
                 f"questions-{i}-options_text": options}  # fmt: skip
    data["questions-0-label"] = "Which missions matter most after 2022?"
    data["questions-0-allow_other"] = "on"
    page = client.post(reverse("consultations:edit", args=[consultation.slug]), data)
    assert page.status_code == 302, page.content.decode()[:2000]
    old, new = Question.objects.filter(consultation=consultation, key="missions").order_by(
        "version"
    )
    assert (old.version, old.retired, new.version, new.retired) == (1, True, 2, False)
    assert old.answers.count() == 1 and new.answers.count() == 0
    assert new.label == "Which missions matter most after 2022?"
