"""Answering a consultation: one answer per person, yet no link from the answer to the person;
drafts, changes until the close, and bad input refused whole."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from clusterhub.consultations import services
from clusterhub.consultations.models import (
    Answer,
    Consultation,
    Participation,
    Question,
    Response,
    Section,
    Tally,
)
from tests.clock import NOW
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_consultation(**changes) -> Consultation:
    values = {
        "organiser": OrganisationFactory(legal_name="Régions de France"),
        "title": "The future of the competitiveness clusters policy",
        "slug": "future-of-clusters",
        "phase": "open",
        "closes_at": NOW + datetime.timedelta(days=7),
        "statements": True,
    }
    consultation = Consultation.objects.create(**(values | changes))
    missions = Section.objects.create(consultation=consultation, title="Missions", order=1)
    Question.objects.create(
        consultation=consultation, section=missions, key="missions", kind="multiple",
        label="Which missions matter most?", required=True, allow_other=True, order=1,
        options=[["europe", "Europe"], ["smes", "Support to SMEs"], ["skills", "Skills"]],
    )  # fmt: skip
    Question.objects.create(
        consultation=consultation, section=missions, key="satisfied", kind="scale",
        label="How satisfied are you with the policy?", low=1, high=5, order=2,
        scale_labels=["Not at all", "Fully"],
    )  # fmt: skip
    Question.objects.create(
        consultation=consultation, key="why", kind="long_text", label="Why?", max_length=200,
        order=3,
    )  # fmt: skip
    return consultation


def verified(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


ANSWER = {
    "stakeholder_type": "cluster", "country": "FR", "publication": "anonymous",
    "q-missions": ["europe", "other"], "q-missions-other": "Regional anchoring",
    "q-satisfied": "4", "q-why": "Clusters need stable funding.", "submit": "1",
}  # fmt: skip


def tallies(consultation) -> dict:
    return {
        (t.scope, t.key, t.stakeholder_type): t.count
        for t in Tally.objects.filter(consultation=consultation)
        if t.count
    }


def test_one_answer_per_person_and_no_link_from_the_answer_to_them(client):
    consultation = make_consultation()
    user = verified("ana@example.com")
    client.force_login(user)
    page = client.post(reverse("consultations:answer", args=[consultation.slug]), ANSWER)
    assert page.status_code == 302
    [response] = Response.objects.all()
    assert response.submitted and response.stakeholder_type == "cluster"
    # the response holds no user, no address and no time of day
    fields = {f.name for f in Response._meta.get_fields()}
    assert not fields & {"user", "email", "created", "updated", "submitted_at"}
    assert response.day == datetime.date.today() or response.day is not None
    assert Participation.objects.filter(consultation=consultation, user=user).count() == 1
    assert "ana@example.com" not in str(Response.objects.values().get())
    # the same person from another browser cannot answer again
    other_browser = Client()
    other_browser.force_login(user)
    again = other_browser.get(reverse("consultations:answer", args=[consultation.slug]),
                              follow=True)  # fmt: skip
    assert "You have already answered" in again.content.decode()
    assert Response.objects.count() == 1
    # the author changes the answer from the first browser: counted once
    change = dict(ANSWER, **{"q-satisfied": "2"})
    client.post(reverse("consultations:answer", args=[consultation.slug]), change)
    counts = tallies(consultation)
    assert counts[("profile", "respondents", "cluster")] == 1
    satisfied = str(consultation.questions.get(key="satisfied").pk)
    assert counts.get((satisfied, "2", "cluster")) == 1
    assert (satisfied, "4", "cluster") not in counts
    # the change link e-mailed at submission opens the same answer elsewhere
    [confirmation] = [m for m in mail.outbox if "recorded" in m.subject]
    link = re.search(r"https?://\S+\?key=\S+", confirmation.body).group()
    third = Client()
    third.get(path_of(link))
    form = third.get(reverse("consultations:answer", args=[consultation.slug]))
    assert "Regional anchoring" in form.content.decode()


def test_the_one_time_link_proves_the_address_and_a_tampered_one_is_refused(client):
    consultation = make_consultation()
    client.post(reverse("consultations:send-link", args=[consultation.slug]),
                {"email": "li@example.org"})  # fmt: skip
    [message] = mail.outbox
    link = re.search(r"https?://\S+/verify/\S+/", message.body).group()
    path = path_of(link)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    refused = client.get(tampered, follow=True)
    assert "This link is not valid" in refused.content.decode()
    client.get(path)
    client.post(reverse("consultations:answer", args=[consultation.slug]), ANSWER)
    assert Response.objects.filter(submitted=True).count() == 1
    ledger = Participation.objects.get()
    assert ledger.user is None and len(ledger.address_hash) == 64
    assert "li@example.org" not in ledger.address_hash
    # the address cannot answer a second time through a new link
    fresh = Client()
    fresh.get(path)
    again = fresh.get(reverse("consultations:answer", args=[consultation.slug]), follow=True)
    assert "You have already answered" in again.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"q-missions": []}, "“Which missions matter most?” needs an answer."),
        ({"q-missions": ["space"]}, "“space” is not one of the options."),
        ({"q-missions-other": ""}, "say what “other” is"),
        ({"q-why": "x" * 201}, "201 characters; the limit is 200."),
        ({"q-satisfied": "9"}, "the answer must be from 1 to 5"),
        ({"stakeholder_type": ""}, "Say which kind of stakeholder you are."),
        ({"publication": "named", "name": ""}, "Give the name to publish"),
    ],
)
def test_bad_answers_are_refused_with_the_question_named_and_nothing_counted(
    client, changes, message
):
    consultation = make_consultation()
    client.force_login(verified("bo@example.com"))
    page = client.post(reverse("consultations:answer", args=[consultation.slug]),
                       dict(ANSWER, **changes))  # fmt: skip
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Response.objects.filter(submitted=True).exists()
    assert not Participation.objects.exists()
    assert tallies(consultation) == {}


def test_after_the_close_nothing_is_taken(client, time_machine):
    consultation = make_consultation()
    client.force_login(verified("cy@example.com"))
    draft = {k: v for k, v in ANSWER.items() if k != "submit"}
    client.post(reverse("consultations:answer", args=[consultation.slug]), draft)
    time_machine.move_to(consultation.closes_at + datetime.timedelta(seconds=1))
    page = client.post(reverse("consultations:answer", args=[consultation.slug]), ANSWER,
                       follow=True)  # fmt: skip
    assert "This consultation is not open for answers." in page.content.decode()
    assert not Response.objects.filter(submitted=True).exists()


def test_a_second_submission_from_two_drafts_is_refused_whole():
    consultation = make_consultation()
    user = verified("di@example.com")
    identity = services.Identity("di@example.com", user)
    first, _key = services.start(consultation, identity)
    second, _key2 = services.start(consultation, identity)  # two browsers, two drafts
    raw = {"missions": {"choices": ["europe"]}}
    profile = {"stakeholder_type": "sme", "publication": "anonymous"}
    services.save(first, answers=raw, profile=profile, submit=True, identity=identity)
    with pytest.raises(Exception, match="already answered"):
        services.save(second, answers=raw, profile=profile, submit=True, identity=identity)
    second.refresh_from_db()
    assert not second.submitted
    assert Participation.objects.count() == 1
    assert tallies(consultation)[("profile", "respondents", "sme")] == 1
    assert Answer.objects.filter(response__submitted=True).count() == 1


def test_an_organisation_of_the_registry_is_recognised_by_its_name():
    consultation = make_consultation()
    pole = OrganisationFactory(legal_name="Polymeris")
    identity = services.Identity("eve@example.org")
    response, _key = services.start(consultation, identity)
    profile = {"stakeholder_type": "cluster", "on_behalf": True, "organisation_name": "polymeris"}
    services.save(response, answers={"missions": {"choices": ["europe"]}}, profile=profile,
                  submit=True, identity=identity)  # fmt: skip
    response.refresh_from_db()
    assert response.organisation == pole


def path_of(link: str) -> str:
    """The path of a link from an e-mail, which starts with the configured site address."""
    assert link.startswith(settings.SITE_URL + "/"), link
    return link.removeprefix(settings.SITE_URL)
