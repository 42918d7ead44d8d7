"""Results as people read them: every option counted on its own, shares of those who
answered, scales with medians, breakdowns by stakeholder type; exports keep "other" texts and
each author's publication choice."""

import csv
import io
import json

import pytest
from django.urls import reverse

from clusterhub.consultations import selectors, services
from tests.consultations.test_answers import make_consultation

pytestmark = pytest.mark.django_db


def answer(consultation, n, stype, missions, satisfied, why="", publication="anonymous",
           other="", name=""):  # fmt: skip
    identity = services.Identity(f"person{n}@example.org")
    response, _key = services.start(consultation, identity)
    raw = {"missions": {"choices": missions, "other": other},
           "satisfied": {"value": satisfied}, "why": {"text": why}}  # fmt: skip
    profile = {"stakeholder_type": stype, "country": "FR", "publication": publication,
               "name": name}  # fmt: skip
    services.save(response, answers=raw, profile=profile, submit=True, identity=identity)
    return response


@pytest.fixture
def answered():
    consultation = make_consultation()
    answer(consultation, 1, "cluster", ["europe", "smes"], 4, "Stable funding please.")
    answer(consultation, 2, "cluster", ["europe"], 5, publication="named", name="Pôle Alpha")
    answer(consultation, 3, "sme", ["smes", "other"], 2, other="Export support")
    answer(consultation, 4, "public_authority", ["skills"], 3, "Keep it private.",
           publication="private")  # fmt: skip
    return consultation


def test_multiple_choice_is_counted_per_option_with_shares_and_types(answered, client):
    found = selectors.results(answered)
    assert found.respondents == 4
    assert found.by_type == {"cluster": 2, "sme": 1, "public_authority": 1}
    missions = next(q for q in found.questions if q.question.key == "missions")
    counts = {o.key: o.count for o in missions.options}
    assert counts == {"europe": 2, "smes": 2, "skills": 1, "other": 1}  # not by combination
    europe = next(o for o in missions.options if o.key == "europe")
    assert europe.share == pytest.approx(0.5)
    assert europe.by_type == {"cluster": 2}
    satisfied = next(q for q in found.questions if q.question.key == "satisfied")
    assert satisfied.median == pytest.approx(3.5)
    page = client.get(reverse("consultations:results", args=[answered.slug])).content.decode()
    assert "4</strong> respondents" in page
    assert "median 3.5" in page
    assert "<svg" in page


def test_exports_keep_other_texts_and_publication_choices(answered, client):
    response = client.get(reverse("consultations:export", args=[answered.slug, "csv"]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content)
                                           .decode("utf-8-sig"))))  # fmt: skip
    assert len(rows) == 3  # the private answer is counted, never exported
    assert {r["Name"] for r in rows} == {"", "Pôle Alpha"}
    assert "Export support" in {r["missions (other)"] for r in rows}
    assert "Keep it private." not in str(rows)
    data = json.loads(client.get(reverse("consultations:export", args=[answered.slug, "json"]))
                      .content)  # fmt: skip
    assert len(data["answers"]) == 3
    assert (
        client.get(reverse("consultations:export", args=[answered.slug, "xlsx"])).status_code == 200
    )


def test_statements_votes_and_opinion_groups(client):
    from allauth.account.models import EmailAddress

    from clusterhub.consultations.models import Statement
    from tests.factories import UserFactory

    consultation = make_consultation()
    user = UserFactory(email="vo@example.org")
    EmailAddress.objects.create(user=user, email="vo@example.org", verified=True)
    client.force_login(user)
    url = reverse("consultations:statements", args=[consultation.slug])
    short = client.post(url, {"text": "Too short"}, follow=True)
    assert "A statement has 10 to 300 characters." in short.content.decode()
    client.post(url, {"text": "Clusters should be funded for five years at least."})
    statement = Statement.objects.get()
    client.post(url, {"statement": statement.pk, "value": "1"})
    client.post(url, {"statement": statement.pk, "value": "-1"})  # a new vote replaces it
    assert statement.votes.get().value == -1
    # two camps of generated voters: the groups and the consensus appear
    other = Statement.objects.create(consultation=consultation, text="Europe matters to all.")
    third = Statement.objects.create(consultation=consultation, text="Regions should lead.")
    for i in range(20):
        identity = services.Identity(f"v{i}@example.org")
        camp = 1 if i % 2 else -1
        services.vote(statement, identity, camp)
        services.vote(third, identity, -camp)
        services.vote(other, identity, 1)
    page = client.get(url).content.decode()
    assert "What every group agrees on" in page
    assert "Europe matters to all." in page.split("What every group agrees on")[1][:400]
    assert "<circle" in page


def test_rebuilt_tallies_equal_the_live_ones(answered):
    from clusterhub.consultations.models import Tally

    def snapshot():
        return {(t.scope, t.key, t.stakeholder_type): t.count
                for t in Tally.objects.filter(consultation=answered) if t.count}  # fmt: skip

    live = snapshot()
    services.rebuild_tallies(answered)
    assert snapshot() == live


def test_the_synthesis_and_the_results_pdf(answered, client):
    from pypdf import PdfReader

    answered.phase = "synthesis"
    answered.synthesis = "Respondents ask for stable funding and European teams."
    answered.save()
    page = client.get(reverse("consultations:results", args=[answered.slug])).content.decode()
    assert "Respondents ask for stable funding" in page
    response = client.get(reverse("consultations:results-pdf", args=[answered.slug]))
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Respondents ask for stable funding" in text
    assert "Which missions matter most?" in text


def test_organisers_find_themes_as_a_job_and_rework_them(
    answered, client, django_capture_on_commit_callbacks
):
    from clusterhub.consultations.models import Theme
    from tests.factories import team_member

    for n in range(5, 17):
        text = ("Stable funding and a multi-year budget." if n % 2
                else "More European projects and partners abroad.")  # fmt: skip
        answer(answered, n, "sme", ["europe"], 3, why=text)
    pasted = ("We ask the State to keep the competitiveness clusters policy with a stable budget "
              "for ten years and to involve the regions in every decision.")  # fmt: skip
    for n in range(20, 24):
        answer(answered, n, "cluster", ["europe"], 3, why=pasted if n % 2 else pasted.upper())
    user, _org = team_member(answered.organiser)
    client.force_login(user)
    url = reverse("consultations:themes", args=[answered.slug])
    why = answered.questions.get(key="why")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {"action": "find", "question": why.pk})
    job_page = client.get(started.url).content.decode()
    assert "themes found" in job_page
    results = client.get(reverse("consultations:results", args=[answered.slug])).content.decode()
    assert "4 near-identical answers" in results
    themes = list(Theme.objects.filter(question=why))
    assert len(themes) >= 2
    assert sum(t.answers.count() for t in themes) == why.answers.exclude(text="").count()
    first, second = themes[:2]
    client.post(url, {"action": "rename", "theme": first.pk, "label": "Funding"})
    client.post(url, {"action": "merge", "theme": first.pk, "other": second.pk})
    first.refresh_from_db()
    assert first.label == "Funding"
    assert not Theme.objects.filter(pk=second.pk).exists()
    page = client.get(reverse("consultations:results", args=[answered.slug])).content.decode()
    assert "Funding" in page
    assert "<blockquote>" in page  # typical answers quoted
    assert "Company: SME:" in page  # counted by stakeholder type
    assert "Keep it private." not in page  # a private answer is never quoted
    # an answer split off into a new theme, then moved back by hand
    moved = first.answers.first()
    client.post(url, {"action": "split", "theme": first.pk, "answers": [moved.pk],
                      "label": "To check"})  # fmt: skip
    new = Theme.objects.get(question=why, label="To check")
    assert list(new.answers.all()) == [moved]
    client.post(url, {"action": "move", "answer": moved.pk, "theme": first.pk})
    assert first.answers.filter(pk=moved.pk).exists()
    assert not new.answers.exists()
    # respondents cannot open the analysts' desk
    client.force_login(team_member()[0])
    assert client.get(url).status_code == 403
