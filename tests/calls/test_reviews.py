"""The jury at work, through the pages people use: invitations answered, applications assigned
without conflicts, reviews scored on the rubric, a calibrated ranking, decisions, the
winners' page, e-mails, exports and dossiers (anonymised when the call is)."""

import csv
import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from clusterhub.calls import services
from clusterhub.calls.models import Assignment, Conflict, Criterion, JurorStatus, Review
from clusterhub.registry.models import ProfileTeamMember
from tests.calls.test_applications import make_call, member_pole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLES = ["Plastics without borders", "Composites for all", "Bio-based packaging", "Recycling"]


def verified_user(email: str):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def jury():
    """A call with four submitted applications, a rubric, and three jurors who accepted."""
    call = make_call(reviews_per_application=2)
    organiser = UserFactory()
    ProfileTeamMember.objects.create(user=organiser, organisation=call.organiser)
    applications = []
    for title in TITLES:
        user, pole = member_pole(call)
        application = services.start_application(call, pole, user, call.categories.get())
        services.save_draft(application, user, {"title": title, "project_start": "2026-06-01"})
        applications.append(services.submit(application, user))
    services.set_rubric(
        call,
        [
            {"key": "impact", "label": "Impact", "weight": "60", "lowest": 0, "highest": 10},
            {"key": "europe", "label": "European reach", "weight": "40", "lowest": 1,
             "highest": 5},
        ],
        organiser,
    )  # fmt: skip
    jurors = []
    for name in ("Ada Lind", "Bruno Costa", "Chloé Martin"):
        email = name.split()[0].lower() + "@jury.example"
        juror = services.invite_juror(call, name=name, email=email, by=organiser)
        user = verified_user(email)
        services.answer_invitation(juror, user, accept=True, expertise="plastics recycling")
        jurors.append((juror, user))
    mail.outbox.clear()
    return call, organiser, applications, jurors


def test_a_submission_sends_its_receipt_to_the_applicants_team(django_capture_on_commit_callbacks):
    call = make_call()
    user, pole = member_pole(call)
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "Circular", "project_start": "2026-06-01"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.submit(application, user)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert call.title in message.subject
    assert submitted.receipt in message.body


def test_an_invited_juror_answers_on_the_page_under_the_invited_address(
    client, jury, django_capture_on_commit_callbacks
):
    call, organiser, _applications, _jurors = jury
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("calls:jury", args=[call.slug]),
            {"action": "invite", "name": "Dora Nilsen", "email": "dora@jury.example"},
            follow=True,
        )
    assert "The juror is invited by e-mail." in page.content.decode()
    [invitation] = mail.outbox
    assert invitation.to == ["dora@jury.example"]
    link = re.search(r"https?://\S+/juries/(\d+)/", invitation.body)
    assert link
    juror = call.jurors.get(email="dora@jury.example")
    # someone else cannot accept in Dora's name
    client.force_login(verified_user("mallory@example.com"))
    refused = client.post(
        reverse("calls:invitation", args=[juror.pk]), {"answer": "accept"}, follow=True
    )
    assert "This invitation went to another address." in refused.content.decode()
    juror.refresh_from_db()
    assert juror.status == JurorStatus.INVITED
    client.force_login(verified_user("dora@jury.example"))
    accepted = client.post(
        reverse("calls:invitation", args=[juror.pk]),
        {"answer": "accept", "expertise": "bio-based packaging", "capacity": "3"},
        follow=True,
    )
    assert "you are on the jury" in accepted.content.decode()
    juror.refresh_from_db()
    assert (juror.status, juror.capacity, juror.expertise) == ("accepted", 3, "bio-based packaging")


def test_the_assignment_respects_conflicts_and_is_proven_optimal(client, jury):
    call, organiser, applications, jurors = jury
    ada = jurors[0][0]
    services.add_conflict(ada, applications[0], organiser, "Former employer")
    client.force_login(organiser)
    page = client.post(reverse("calls:jury", args=[call.slug]), {"action": "assign"}, follow=True)
    text = page.content.decode()
    assert "Applications are assigned." in text
    assert "Proven optimal." in text
    for application in applications:
        assert Assignment.objects.filter(application=application).count() == 2
    assert not Assignment.objects.filter(juror=ada, application=applications[0]).exists()
    loads = [Assignment.objects.filter(juror=j).count() for j, _user in jurors]
    assert max(loads) - min(loads) <= 1
    # by hand, the conflict is refused with its reason, and nothing is added
    refused = client.post(
        reverse("calls:jury", args=[call.slug]),
        {"action": "add", "juror": ada.pk, "application": applications[0].pk},
        follow=True,
    )
    assert "Ada Lind has a conflict with" in refused.content.decode()
    assert "Former employer" in refused.content.decode()
    assert not Assignment.objects.filter(juror=ada, application=applications[0]).exists()
    assert "The assignment as it stands keeps every rule." in refused.content.decode()
    # taking a juror off by hand leaves an application short: the page says which
    taken = Assignment.objects.filter(application=applications[1]).first()
    page = client.post(reverse("calls:jury", args=[call.slug]),
                       {"action": "remove", "assignment": taken.pk}, follow=True)  # fmt: skip
    short = f"{applications[1].organisation.name} has 1 of the 2 jurors it needs."
    assert short in page.content.decode()
    history = client.get(reverse("calls:manage", args=[call.slug])).content.decode()
    assert "assigned the applications to jurors" in history


def review_page(client, assignment):
    return client.get(reverse("calls:review", args=[assignment.pk])).content.decode()


def test_a_review_outside_the_scale_is_refused_and_submitting_moves_to_the_next(client, jury):
    call, organiser, _applications, jurors = jury
    services.run_assignment(call, organiser)
    juror, user = jurors[0]
    first, second = juror.assignments.order_by("application_id")[:2]
    client.force_login(user)
    assert "Impact" in review_page(client, first)
    refused = client.post(
        reverse("calls:review", args=[first.pk]),
        {"score-impact": "11", "score-europe": "3", "comment_for_applicant": "Strong",
         "submit": "1"},
    )  # fmt: skip
    text = refused.content.decode()
    assert "“Impact”: the score must be from 0 to 10." in text
    assert "Strong" in text  # what was typed is kept on the page
    assert not Review.objects.filter(assignment=first).exists()
    moved = client.post(
        reverse("calls:review", args=[first.pk]),
        {"score-impact": "8", "score-europe": "5", "comment_for_applicant": "Strong",
         "comment_for_jury": "Check the budget", "submit": "1"},
    )  # fmt: skip
    assert moved.status_code == 302
    assert moved.url == reverse("calls:review", args=[second.pk])
    review = Review.objects.get(assignment=first)
    assert review.total == pytest.approx(60 * 0.8 + 40)
    assert review.submitted_at is not None
    # nobody reviews in another juror's name
    client.force_login(jurors[1][1])
    assert client.get(reverse("calls:review", args=[first.pk])).status_code == 403
    # the rubric cannot change once reviews have started
    client.force_login(organiser)
    page = client.post(
        reverse("calls:rubric", args=[call.slug]),
        {"rows": "1", "key-0": "impact", "label-0": "Impact", "weight-0": "100"},
    )
    assert "Reviews have started: the rubric can no longer change." in page.content.decode()
    assert Criterion.objects.filter(call=call).count() == 2


def test_a_rubric_whose_weights_do_not_sum_to_100_is_refused_whole(client, jury):
    call, organiser, _applications, _jurors = jury
    client.force_login(organiser)
    page = client.post(
        reverse("calls:rubric", args=[call.slug]),
        {"rows": "2", "key-0": "impact", "label-0": "Impact", "weight-0": "50",
         "lowest-0": "0", "highest-0": "10", "key-1": "team", "label-1": "Team",
         "weight-1": "40", "lowest-1": "0", "highest-1": "10"},
    )  # fmt: skip
    assert "The weights sum to 90; they must sum to 100." in page.content.decode()
    assert sorted(call.criteria.values_list("key", flat=True)) == ["europe", "impact"]


def score_everything(call, jurors, scores):
    """Each juror submits their reviews; ``scores[application index]`` is the impact score."""
    pks = call.applications.order_by("pk").values_list("pk", flat=True)
    order = {pk: i for i, pk in enumerate(pks)}
    for juror, user in jurors:
        for assignment in juror.assignments.all():
            services.save_review(
                assignment, user, scores={"impact": scores[order[assignment.application_id]],
                                          "europe": 3},
                comment_for_applicant=f"Comment from {juror.name}", submit=True,
            )  # fmt: skip


def test_ranking_decisions_and_the_winners_page(client, jury, django_capture_on_commit_callbacks):
    call, organiser, applications, jurors = jury
    services.run_assignment(call, organiser)
    score_everything(call, jurors, [9, 7, 4, 2])
    client.force_login(organiser)
    results_url = reverse("calls:results", args=[call.slug])
    assert client.get(results_url).status_code == 404  # not published yet
    manage = client.get(reverse("calls:manage", args=[call.slug])).content.decode()
    assert "Ranking" in manage
    assert manage.index(applications[0].organisation.name) < manage.index(
        applications[3].organisation.name
    )
    client.post(reverse("calls:manage", args=[call.slug]),
                {"action": "decide", "application": applications[0].pk, "outcome": "winner",
                 "prize": "Prize of the jury", "feedback": "A model for others."})  # fmt: skip
    client.post(reverse("calls:manage", args=[call.slug]),
                {"action": "decide", "application": applications[3].pk,
                 "outcome": "not_selected"})  # fmt: skip
    assert mail.outbox == []  # decisions are told when results are published
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("calls:manage", args=[call.slug]), {"action": "publish"},
                           follow=True)  # fmt: skip
    assert "Results are published" in page.content.decode()
    assert len(mail.outbox) == 2
    told = {m.to[0]: m.body for m in mail.outbox}
    winner_team = applications[0].organisation.team_members.get().user.email
    assert "Winner – Prize of the jury" in told[winner_team]
    assert "A model for others." in told[winner_team]
    assert "Comment from" in told[winner_team]
    client.logout()
    winners = client.get(results_url).content.decode()
    assert applications[0].organisation.name in winners
    assert "Prize of the jury" in winners
    assert applications[3].organisation.name not in winners  # not selected stays private
    # a bad decision is refused and changes nothing
    client.force_login(organiser)
    page = client.post(reverse("calls:manage", args=[call.slug]),
                       {"action": "decide", "application": applications[1].pk,
                        "outcome": "champion"}, follow=True)  # fmt: skip
    assert "Choose a decision from the list." in page.content.decode()


def test_exports_hold_the_calibrated_ranking(client, jury):
    call, organiser, applications, jurors = jury
    services.run_assignment(call, organiser)
    score_everything(call, jurors, [9, 7, 4, 2])
    client.force_login(organiser)
    response = client.get(reverse("calls:export", args=[call.slug, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, first = rows[0], rows[1]
    assert header[:2] == ["Application", "Applicant"]
    assert first[1] == applications[0].organisation.name
    assert first[header.index("Rank")] == "1"
    assert float(first[header.index("Calibrated score")]) > 0
    xlsx = client.get(reverse("calls:export", args=[call.slug, "xlsx"]))
    assert xlsx.status_code == 200
    client.force_login(jurors[0][1])
    assert client.get(reverse("calls:export", args=[call.slug, "csv"])).status_code == 403


def pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_anonymised_call_hides_the_applicant_from_jurors_until_lifted(client, jury):
    call, organiser, _applications, jurors = jury
    call.anonymised = True
    call.save()
    services.run_assignment(call, organiser)
    juror, user = jurors[0]
    assignment = juror.assignments.select_related("application__organisation").first()
    name = assignment.application.organisation.name
    client.force_login(user)
    assert name not in review_page(client, assignment)
    assert name not in client.get(reverse("calls:my-reviews", args=[call.slug])).content.decode()
    dossier = client.get(reverse("calls:dossier", args=[assignment.application_id]))
    assert dossier["Content-Type"] == "application/pdf"
    text = pdf_text(dossier)
    assert name not in text
    assert "Anonymised" in text
    client.force_login(organiser)
    assert name in pdf_text(client.get(reverse("calls:dossier", args=[assignment.application_id])))
    client.post(reverse("calls:manage", args=[call.slug]), {"action": "lift_anonymity"})
    client.force_login(user)
    assert name in review_page(client, assignment)
    # a stranger gets neither the dossier nor the review
    client.force_login(UserFactory())
    assert client.get(reverse("calls:dossier", args=[assignment.application_id])).status_code == 403


def test_jurors_vote_for_a_shortlisted_application_only(client, jury):
    call, organiser, applications, jurors = jury
    juror, user = jurors[0]
    client.force_login(user)
    page = client.post(reverse("calls:my-reviews", args=[call.slug]),
                       {"application": applications[1].pk}, follow=True)  # fmt: skip
    assert "Vote for a shortlisted application." in page.content.decode()
    services.set_shortlisted(applications[1], organiser, True)
    page = client.post(reverse("calls:my-reviews", args=[call.slug]),
                       {"application": applications[1].pk}, follow=True)  # fmt: skip
    assert "Your vote is recorded." in page.content.decode()
    assert juror.vote.application == applications[1]
    manage = client.get(reverse("calls:manage", args=[call.slug]))
    assert manage.status_code == 403  # jurors do not see the organisers' desk


def test_a_conflict_recorded_after_the_assignment_takes_the_juror_off(jury):
    call, organiser, applications, jurors = jury
    services.run_assignment(call, organiser)
    assignment = Assignment.objects.filter(application=applications[2]).first()
    services.add_conflict(assignment.juror, applications[2], organiser, "Board member")
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert Conflict.objects.get(juror=assignment.juror, application=applications[2]).sentence() == (
        "Added by the organisers: Board member"
    )


def test_jurors_with_reviews_to_finish_are_reminded(
    client, jury, django_capture_on_commit_callbacks
):
    call, organiser, _applications, jurors = jury
    services.run_assignment(call, organiser)
    done_juror, done_user = jurors[0]
    for assignment in done_juror.assignments.all():
        services.save_review(assignment, done_user, scores={"impact": 5, "europe": 3}, submit=True)
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("calls:jury", args=[call.slug]), {"action": "remind"},
                           follow=True)  # fmt: skip
    assert "reminded by e-mail" in page.content.decode()
    reminded = sorted(m.to[0] for m in mail.outbox)
    assert reminded == sorted(j.email for j, _u in jurors[1:])
    assert all("still to be submitted" in m.body for m in mail.outbox)
