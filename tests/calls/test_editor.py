"""Organisers build their call on a page: settings, who may apply (in sentences), categories
and the questions of the form; bad input is named and nothing half-saved."""

import pytest
from django.urls import reverse

from clusterhub.calls import services
from clusterhub.calls.models import Call
from tests.calls.test_applications import make_call, member_pole
from tests.factories import ClusterOrganisationFactory, SessionFactory, team_member

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}  # fmt: skip


def call_data(organiser, **changes) -> dict:
    network = ClusterOrganisationFactory(organisation__legal_name="France Clusters").organisation
    data = {
        "kind": "host", "organiser": organiser.pk, "title": "Host a Clusters meet Regions",
        "description": "Regions apply to host a workshop.", "status": "published",
        "timezone": "Europe/Brussels", "deadline": "2027-06-30T17:00", "rounds": "quarter",
        "conflict_project_years": "3", "reviews_per_application": "2", "shortlist_size": "3",
        "kinds": ["public_authority", "cluster"], "countries": "fr, be",
        "member_of": network.legal_name,
        **management("categories", 1), "categories-0-key": "workshop",
        "categories-0-title": "Workshop", "categories-0-years": "",
        **management("questions", 2),
        "questions-0-key": "letter", "questions-0-label": "Letter of support",
        "questions-0-kind": "file", "questions-0-required": "on",
        "questions-0-file_types_text": "pdf", "questions-0-max_bytes": "5000000",
        "questions-0-currency": "EUR",
        "questions-1-key": "budget", "questions-1-label": "Budget", "questions-1-kind": "amount",
        "questions-1-minimum": "0", "questions-1-currency": "EUR",
        "questions-1-max_bytes": "10485760",
    }  # fmt: skip
    return data | changes


def test_an_organiser_builds_a_call_with_rules_categories_and_questions(client):
    user, region = team_member(ClusterOrganisationFactory().organisation)
    session = SessionFactory(title="Awards ceremony", event__status="published")
    client.force_login(user)
    assert "Run a call" in client.get(reverse("calls:call-list")).content.decode()
    response = client.post(reverse("calls:new"), call_data(region, results_session=session.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    call = Call.objects.get(title="Host a Clusters meet Regions")
    assert call.deadline.isoformat() == "2027-06-30T15:00:00+00:00"  # 17:00 in Brussels
    assert [r["rule"] for r in call.rules] == ["kind", "member_of", "country"]
    assert call.rules[2]["values"] == ["FR", "BE"]
    letter, budget = call.questions.order_by("order")
    assert (letter.kind, letter.required, letter.file_types) == ("file", True, ["pdf"])
    assert budget.kind == "amount"
    page = client.get(reverse("calls:call", args=[call.slug])).content.decode()
    assert "France Clusters" in page  # the rule in a sentence
    edit = client.get(reverse("calls:edit", args=[call.slug])).content.decode()
    assert "Letter of support" in edit
    assert call.results_session == session


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"countries": "FR, XX"}, "Unknown country code: XX."),
        ({"timezone": "Paris"}, "“Paris” is not a time zone"),
        ({"questions-1-key": "letter"}, "Two lines have the key “letter”."),
        ({"questions-0-file_types_text": "exe"}, "Files of type exe cannot be recognised"),
        ({"questions-1-kind": "choice"}, "A choice needs at least two options."),
        ({"questions-1-show_if_key": "nothing"}, "No other question has the key “nothing”."),
    ],
)
def test_bad_input_is_named_and_nothing_is_saved(client, changes, message):
    user, region = team_member(ClusterOrganisationFactory().organisation)
    client.force_login(user)
    response = client.post(reverse("calls:new"), call_data(region, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Call.objects.exists()


def test_a_question_with_answers_keeps_its_kind_and_is_not_deleted(client):
    call = make_call()
    user, pole = member_pole(call)
    application = services.start_application(call, pole, user, call.categories.get())
    services.save_draft(application, user, {"title": "Circular"})
    organiser, _org = team_member(call.organiser)
    client.force_login(organiser)
    title = call.questions.get(key="title")
    start = call.questions.get(key="project_start")
    data = {
        "kind": call.kind, "organiser": call.organiser.pk, "title": call.title,
        "status": "published", "timezone": call.timezone, "deadline": "2027-03-11T08:00",
        "conflict_project_years": "3", "reviews_per_application": "3", "shortlist_size": "3",
        **management("categories", 1, 1),
        "categories-0-id": call.categories.get().pk, "categories-0-key": "initiative",
        "categories-0-title": "Best collaborative initiative", "categories-0-years": "2",
        **management("questions", 2, 2),
        "questions-0-id": title.pk, "questions-0-key": "title", "questions-0-label": "Initiative",
        "questions-0-kind": "long_text", "questions-0-currency": "EUR",
        "questions-0-max_bytes": "10485760",
        "questions-1-id": start.pk, "questions-1-key": "project_start",
        "questions-1-label": "Start date", "questions-1-kind": "date",
        "questions-1-currency": "EUR", "questions-1-max_bytes": "10485760",
        "questions-1-category": call.categories.get().pk,
    }  # fmt: skip
    page = client.post(reverse("calls:edit", args=[call.slug]), data)
    assert "“Initiative” has answers: its kind and key stay." in page.content.decode()
    title.refresh_from_db()
    assert title.kind == "text"
    # someone off the organiser's team cannot open the editor
    stranger, _org = team_member()
    client.force_login(stranger)
    assert client.get(reverse("calls:edit", args=[call.slug])).status_code == 403
