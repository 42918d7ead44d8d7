"""Joint action plans as their team and the public use them: writing the plan, its actions and
what delivers them, the progress the page shows, bad input, recommendations and exports."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusterhub.actionplans import services
from clusterhub.actionplans.models import Action, Milestone, Plan, Recommendation
from clusterhub.events.models import EventStatus
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    team_member,
)

pytestmark = pytest.mark.django_db

PARIS = datetime.timezone(datetime.timedelta(hours=1))


@pytest.fixture
def team():
    user, org = team_member(OrganisationFactory(legal_name="Plastipolis", slug="plastipolis"))
    partner = OrganisationFactory(legal_name="Proplast", slug="proplast")
    return user, org, partner


def new_plan(client, user, org, partner, **extra):
    client.force_login(user)
    data = {
        "owner": org.pk,
        "title": "Polymer clusters plan",
        "summary": "Together.",
        "starts_on": "2026-01-01",
        "ends_on": "2027-06-30",
        "currency": "EUR",
        "template": "clusterplast",
        "own_axes": "",
        "partner_lines": partner.slug,
        "published": "on",
        **extra,
    }
    return client.post(reverse("actionplans:new"), data)


def test_the_team_writes_a_plan_from_the_seven_axes_and_the_public_sees_it(client, team):
    user, org, partner = team
    response = new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert set(plan.partners.values_list("slug", flat=True)) == {"plastipolis", "proplast"}
    client.logout()
    page = client.get(plan.get_absolute_url()).content.decode()
    for axis in (
        "Sharing of RTD infrastructures",
        "Knowledge transfer",
        "Mobility",
        "Common R&amp;D projects",
        "Entrepreneurship",
        "Education and training",
        "Mutual learning and mentoring",
    ):
        assert axis in page
    assert "Coordinated by Plastipolis" in page
    assert "Add an action" not in page  # the public does not edit


def test_a_draft_is_the_teams_alone_and_nobody_writes_for_another_organisation(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner, published="")
    plan = Plan.objects.get()
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(plan.get_absolute_url()).status_code == 404
    # an organisation whose team they are not on is not offered, and a forged one is refused
    other, _org = team_member()
    client.force_login(other)
    response = client.post(
        reverse("actionplans:new"),
        {
            "owner": org.pk,
            "title": "Not mine",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "currency": "EUR",
            "template": "clusterplast",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert Plan.objects.count() == 1
    assert client.get(reverse("actionplans:edit", args=[plan.slug])).status_code in (403, 404)


def test_unknown_partners_and_reversed_periods_are_named_and_nothing_is_saved(client, team):
    user, org, partner = team
    response = new_plan(
        client, user, org, partner, partner_lines="proplast\nNo Such Cluster", ends_on="2025-06-30"
    )
    page = response.content.decode()
    assert "No organisation “No Such Cluster” in the registry" in page
    assert "The end is before the start." in page
    assert not Plan.objects.exists()


def held_event(n_participants: int, title: str, day: int):
    start = datetime.datetime(2026, 6, day, 9, tzinfo=datetime.UTC)
    event = EventFactory(
        title=title,
        start=start,
        end=start + datetime.timedelta(hours=8),
        status=EventStatus.FINISHED,
    )
    for _ in range(n_participants):
        RegistrationFactory(event=event, status="confirmed")
    return event


def test_progress_counts_what_happened_on_the_platform(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    axis = plan.axes.get(title="Mutual learning and mentoring")
    held = held_event(3, "Final event near Lyon", 10)
    held.co_organisers.add(org)
    coming = EventFactory(title="Next workshop")
    coming.co_organisers.add(partner)
    response = client.post(
        reverse("actionplans:action-new", args=[plan.slug]),
        {
            "axis": axis.pk,
            "title": "Dissemination events",
            "nature": "event",
            "lead": org.pk,
            "partners": [partner.pk],
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
            "status": "ongoing",
            "budget": "30000.00",
            "events": [held.pk, coming.pk],
            "funding-TOTAL_FORMS": "2",
            "funding-INITIAL_FORMS": "0",
            "funding-0-source": "INTERREG",
            "funding-0-kind": "eu",
            "funding-0-amount": "22000",
            "funding-1-source": "",
            "funding-1-kind": "own",
            "funding-1-amount": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    action = Action.objects.get()
    assert action.budget == Decimal("30000.00") and action.fundings.get().amount == 22000
    services.save_indicator(
        plan,
        user,
        name="Participants",
        measure="participants",
        baseline=Decimal(0),
        target=Decimal(6),
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Final event near Lyon</a> — happened" in page
    assert "Next workshop</a> — not yet" in page
    # one of two events held: not done yet; the counted indicator has the 3 participants
    assert "with something delivered on the platform" in page
    assert '<td class="num" data-label="Actual">3</td>' in page
    assert "50 %" in page  # 3 of 6 participants
    # once the second event is held, the action is done without anyone typing it
    coming.status = EventStatus.FINISHED
    coming.start = datetime.datetime(2026, 9, 1, 9, tzinfo=datetime.UTC)
    coming.end = coming.start + datetime.timedelta(hours=8)
    coming.save()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "done: everything linked happened" in page
    assert "Budget of the actions: 30000.00 EUR, of which 22000.00 EUR" in page


def test_bad_actions_and_milestones_are_refused_with_the_field_named(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    stranger_org = OrganisationFactory(legal_name="Somebody Else")
    response = client.post(
        reverse("actionplans:action-new", args=[plan.slug]),
        {
            "axis": plan.axes.first().pk,
            "title": "Backwards",
            "nature": "study",
            "lead": org.pk,
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "status": "planned",
            "budget": "-5",
            "funding-TOTAL_FORMS": "0",
            "funding-INITIAL_FORMS": "0",
        },
    )
    page = response.content.decode()
    assert "The action ends before it starts." in page
    assert "greater than or equal to 0" in page or "cannot be negative" in page
    with pytest.raises(services.ValidationError) as error:
        services.save_action(
            plan,
            user,
            axis=plan.axes.first(),
            title="X",
            lead=stranger_org,
            starts_on=datetime.date(2026, 2, 1),
            ends_on=datetime.date(2026, 3, 1),
            budget=Decimal(1),
        )
    assert "lead" in error.value.message_dict
    response = client.post(
        reverse("actionplans:milestone-new", args=[plan.slug]),
        {"title": "Too late", "due_on": "2028-01-15"},
    )
    assert "outside the plan&#x27;s period, 2026-01-01 to 2027-06-30" in response.content.decode()
    assert not Action.objects.exists() and not Milestone.objects.exists()
    with pytest.raises(services.ValidationError):
        services.save_milestone(plan, user, title="Too early", due_on=datetime.date(2025, 1, 1))


def test_recommendations_keep_names_to_those_who_agreed_and_the_team_answers(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    visitor = UserFactory(first_name="Ana", last_name="Silva")
    client.force_login(visitor)
    client.post(
        reverse("actionplans:recommend", args=[plan.slug]),
        {
            "text": "Train people in injection moulding.",
            "author": "Ana Silva",
            "author_organisation": "Pool-Net",
            "axis": plan.axes.get(order=6).pk,
        },
    )
    recommendation = Recommendation.objects.get()
    assert recommendation.submitted_by == visitor and recommendation.event is None
    client.logout()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Train people in injection moulding." in page
    assert "Ana Silva" not in page and "A participant" in page
    client.force_login(user)
    assert "Ana Silva" in client.get(plan.get_absolute_url()).content.decode()
    client.post(
        reverse("actionplans:answer", args=[plan.slug, recommendation.pk]),
        {"response": "adopted", "answer": "A module in 2026."},
    )
    client.logout()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Taken up in the plan" in page and "A module in 2026." in page


def test_exports_hold_the_plan(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    services.save_action(
        plan,
        user,
        axis=plan.axes.get(order=3),
        title="=HYPERLINK(1)",
        lead=org,
        partners=[partner],
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 9, 1),
        budget=Decimal("1500.50"),
        fundings=[("Region", "regional", Decimal(1000))],
    )
    client.logout()
    response = client.get(reverse("actionplans:xlsx", args=[plan.slug]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert rows[1][:4] == ("Mobility", "=HYPERLINK(1)", "Other", "Plastipolis")
    assert rows[1][8] == 1500.5 and rows[1][10] == "Region: 1000.00"
    assert book["Actions"]["B2"].data_type == "s"  # text, never a formula
    assert [r[0] for r in book["Partners"].iter_rows(values_only=True)][1:] == [
        "Plastipolis",
        "Proplast",
    ]
    pdf = client.get(reverse("actionplans:pdf", args=[plan.slug]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_plan_page_in_french(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    page = client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Contributions des partenaires" in page and "Calendrier" in page


def test_actions_stay_within_the_plans_period(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    axis = plan.axes.first()
    with pytest.raises(services.ValidationError) as error:
        services.save_action(
            plan,
            user,
            axis=axis,
            title="After",
            lead=org,
            starts_on=datetime.date(2027, 5, 1),
            ends_on=datetime.date(2027, 9, 1),
        )
    assert error.value.message_dict["ends_on"] == [
        "The end (2027-09-01) is outside the plan's period, 2026-01-01 to 2027-06-30."
    ]
    services.save_action(
        plan,
        user,
        axis=axis,
        title="Late spring",
        lead=org,
        starts_on=datetime.date(2027, 4, 1),
        ends_on=datetime.date(2027, 6, 1),
    )
    response = client.post(
        reverse("actionplans:edit", args=[plan.slug]),
        {
            "title": plan.title,
            "starts_on": "2026-01-01",
            "ends_on": "2027-03-31",
            "currency": "EUR",
            "published": "on",
            "partner_lines": "plastipolis\nproplast",
            "axes-TOTAL_FORMS": "0",
            "axes-INITIAL_FORMS": "0",
        },
    )
    assert "The action “Late spring” (2027-04-01 to 2027-06-01) would fall outside" in (
        response.content.decode().replace("&#x27;", "'")
    )
    plan.refresh_from_db()
    assert plan.ends_on == datetime.date(2027, 6, 30) and plan.axes.count() == 7


def test_the_api_gives_the_plan_with_its_progress_and_hides_drafts(client, team):
    user, org, partner = team
    new_plan(client, user, org, partner)
    plan = Plan.objects.get()
    held = held_event(2, "Kick-off", 3)
    services.save_action(
        plan,
        user,
        axis=plan.axes.get(order=3),
        title="Exchanges",
        lead=org,
        partners=[partner],
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 9, 1),
        deliveries={"event": [held.pk]},
    )
    client.logout()
    listed = client.get("/api/v1/actionplans/plans").json()
    assert [p["slug"] for p in listed["items"]] == [plan.slug]
    detail = client.get(f"/api/v1/actionplans/plans/{plan.slug}").json()
    mobility = next(a for a in detail["axes"] if a["title"] == "Mobility")
    assert (mobility["actions"], mobility["done"], mobility["evidenced"]) == (1, 1, 1)
    assert mobility["items"][0]["deliveries"] == [
        {"kind": "Event", "title": "Kick-off", "url": held.get_absolute_url(), "happened": True}
    ]
    assert [p["slug"] for p in detail["partners"]] == ["plastipolis", "proplast"]
    Plan.objects.filter(pk=plan.pk).update(published=False)
    assert client.get(f"/api/v1/actionplans/plans/{plan.slug}").status_code == 404
    assert client.get("/api/v1/actionplans/plans").json()["count"] == 0
