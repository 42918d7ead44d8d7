"""Partnership opportunities on the pages: life cycle, followers, interest, search, facets."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterhub.partnering import services
from clusterhub.partnering.models import (
    ExpressionOfInterest,
    Opportunity,
    OpportunityFollower,
    OpportunityStatus,
)
from tests.factories import (
    OpportunityFactory,
    OrganisationFactory,
    ProfileTeamMemberFactory,
    UserFactory,
    country,
    team_member,
)

pytestmark = pytest.mark.django_db

LIST = reverse("partnering:opportunity-list")


def form_data(**overrides) -> dict:
    data = {
        "kind": "technology_request",
        "title": "Sensors for smart textiles",
        "summary": "We look for washable sensors to weave into work clothes.",
        "description": "Pilot line in Lyon.",
        "partnership_kinds": ["technical", "licence"],
        "partner_kinds": ["company", "research"],
        "partner_size": "any",
        "call_topic": "",
        "role_sought": "",
        "ecosystems": ["textiles"],
        "technologies": ["iot"],
        "keywords": "sensors, textiles",
        "target_countries": ["DE", "IT"],
        "deadline": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    """The page as a reader sees it: tags removed, white space collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# Life cycle --------------------------------------------------------------------------------


def test_draft_then_published_then_expired_at_its_deadline_then_renewed(
    client, django_capture_on_commit_callbacks
):
    owner_user, owner = team_member(
        OrganisationFactory(legal_name="Pôle Textile"), email="owner@example.org"
    )
    client.force_login(owner_user)
    response = client.post(reverse("partnering:opportunity-create"), form_data(owner=owner.pk))
    opp = Opportunity.objects.get()
    assert response.status_code == 302 and response["Location"] == opp.get_absolute_url()
    assert opp.status == OpportunityStatus.DRAFT
    assert opp.contact == owner_user

    # A draft is for the owner's team only.
    client.logout()
    assert "Sensors for smart textiles" not in text(client.get(LIST))
    assert client.get(opp.get_absolute_url()).status_code == 404

    client.force_login(owner_user)
    deadline = timezone.localdate() + dt.timedelta(days=10)
    client.post(
        reverse("partnering:opportunity-edit", args=[opp.pk]),
        form_data(deadline=deadline.isoformat()),
    )
    response = client.post(reverse("partnering:opportunity-action", args=[opp.pk, "publish"]))
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.PUBLISHED
    assert opp.expires_on == deadline  # at its deadline, sooner than 12 months

    follower = UserFactory(email="follower@example.org")
    client.force_login(follower)
    client.post(reverse("partnering:opportunity-action", args=[opp.pk, "follow"]))
    client.logout()
    assert "Sensors for smart textiles" in text(client.get(LIST))

    # The day after the deadline the command expires it and tells the followers.
    mail.outbox.clear()
    call_command("expire_opportunities", today=(deadline - dt.timedelta(days=1)).isoformat())
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.PUBLISHED  # not before its deadline has passed
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_opportunities", today=(deadline + dt.timedelta(days=1)).isoformat())
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.EXPIRED
    assert [m.to for m in mail.outbox] == [["follower@example.org"]]
    assert "has expired" in mail.outbox[0].body
    assert "Sensors for smart textiles" not in text(client.get(LIST))
    page = text(client.get(opp.get_absolute_url()))
    assert "This opportunity expired on" in page

    # The owner renews it (its deadline is still ahead today).
    client.force_login(owner_user)
    response = client.post(
        reverse("partnering:opportunity-action", args=[opp.pk, "publish"]), follow=True
    )
    assert "Renewed until" in text(response)
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.PUBLISHED
    client.logout()
    assert "Sensors for smart textiles" in text(client.get(LIST))


def test_without_deadline_it_expires_after_twelve_months(client):
    user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=user)
    today = timezone.localdate()
    assert opp.expires_on == today + dt.timedelta(days=365)
    assert services.expire_due_opportunities(today + dt.timedelta(days=365)) == 0
    assert services.expire_due_opportunities(today + dt.timedelta(days=366)) == 1
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.EXPIRED


def test_past_expiry_date_leaves_the_list_even_before_the_command_runs(client):
    user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=user, title="Old offer")
    Opportunity.objects.filter(pk=opp.pk).update(expires_on=timezone.localdate() - dt.timedelta(1))
    assert "Old offer" not in text(client.get(LIST))


def test_owner_closes_and_followers_are_told(client, django_capture_on_commit_callbacks):
    user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=user, title="Joint venture in Porto")
    follower = UserFactory()
    services.follow(opp, follower)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnering:opportunity-action", args=[opp.pk, "close"]), follow=True
        )
    assert "The opportunity is closed." in text(response)
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.CLOSED
    assert [m.to for m in mail.outbox] == [[follower.email]]
    assert "is closed" in mail.outbox[0].body
    client.logout()
    assert "Joint venture in Porto" not in text(client.get(LIST))


def test_followers_get_an_email_when_the_owner_changes_it(
    client, django_capture_on_commit_callbacks
):
    user, owner = team_member()
    client.force_login(user)
    client.post(reverse("partnering:opportunity-create"), form_data(owner=owner.pk, publish="1"))
    opp = Opportunity.objects.get()
    assert opp.status == OpportunityStatus.PUBLISHED

    follower = UserFactory(email="fan@example.org")
    client.force_login(follower)
    response = client.post(
        reverse("partnering:opportunity-action", args=[opp.pk, "follow"]), follow=True
    )
    assert "You follow this opportunity" in text(response)
    assert "Unfollow" in text(response)

    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnering:opportunity-edit", args=[opp.pk]),
            form_data(title="Washable sensors for smart textiles"),
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["fan@example.org"]]
    assert "Washable sensors for smart textiles" in mail.outbox[0].subject
    assert opp.get_absolute_url() in mail.outbox[0].body

    # Unfollowing stops them.
    client.force_login(follower)
    client.post(reverse("partnering:opportunity-action", args=[opp.pk, "unfollow"]))
    mail.outbox.clear()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("partnering:opportunity-edit", args=[opp.pk]), form_data())
    assert mail.outbox == []


# Interest ----------------------------------------------------------------------------------


def test_express_interest_sends_the_profile_and_the_answer_comes_back(
    client, django_capture_on_commit_callbacks, settings
):
    owner_user, owner = team_member(email="owner@example.org")
    opp = OpportunityFactory(owner=owner, user=owner_user, title="Partners for a pilot line")
    de = OrganisationFactory(legal_name="Fraunhofer Textil", country=country("DE"), kind="research")
    other = OrganisationFactory(legal_name="Second Org")
    user, _ = team_member(de, email="researcher@example.org")
    ProfileTeamMemberFactory(organisation=other, user=user)

    client.force_login(user)
    page = client.get(opp.get_absolute_url())
    assert "Express interest" in text(page)
    # They choose which of their organisations speaks; the owner is not among them.
    choices = page.context["interest_form"].fields["organisation"].queryset
    assert set(choices) == {de, other}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnering:opportunity-interest", args=[opp.pk]),
            {"organisation": de.pk, "message": "We run a pilot weaving line."},
            follow=True,
        )
    assert "Your interest was sent" in text(response)
    assert "Already expressed interest: Fraunhofer Textil" in text(response)
    assert OpportunityFollower.objects.filter(opportunity=opp, user=user).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@example.org"]
    assert "Fraunhofer Textil" in message.subject
    assert "We run a pilot weaving line." in message.body
    assert settings.SITE_URL + de.get_absolute_url() in message.body

    # Twice for the same organisation: an error, nothing more sent or stored.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnering:opportunity-interest", args=[opp.pk]),
            {"organisation": de.pk, "message": "Again."},
        )
    assert response.status_code == 200
    assert "Fraunhofer Textil has already expressed interest." in text(response)
    assert ExpressionOfInterest.objects.count() == 1
    assert mail.outbox == []

    # The owner sees it with the profile link, and answers.
    client.force_login(owner_user)
    page = client.get(opp.get_absolute_url())
    assert "1 expression of interest" in text(page)
    assert "We run a pilot weaving line." in text(page)
    assert de.get_absolute_url() in page.content.decode()
    interest = ExpressionOfInterest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partnering:interest-answer", args=[opp.pk, interest.pk]),
            {"answer": "Let us talk on Monday."},
            follow=True,
        )
    assert "Your answer was sent to Fraunhofer Textil" in text(response)
    assert [m.to for m in mail.outbox] == [["researcher@example.org"]]
    assert "Let us talk on Monday." in mail.outbox[0].body


def test_interest_twice_through_the_service_names_the_organisation():
    owner_user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=owner_user)
    user, org = team_member(OrganisationFactory(legal_name="Twice GmbH"))
    services.express_interest(opp, org, user, "First.")
    with pytest.raises(services.ValidationError) as error:
        services.express_interest(opp, org, user, "Second.")
    assert "Twice GmbH has already expressed interest." in error.value.message_dict["organisation"]


def test_only_team_members_of_an_organisation_may_express_interest(client):
    owner_user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=owner_user)
    loner = UserFactory()
    client.force_login(loner)
    page = text(client.get(opp.get_absolute_url()))
    assert "Express interest" not in page
    assert "join the profile team of your organisation" in page
    someone_else = OrganisationFactory()
    response = client.post(
        reverse("partnering:opportunity-interest", args=[opp.pk]),
        {"organisation": someone_else.pk, "message": "Hello"},
    )
    assert "Select a valid choice" in text(response)
    assert not ExpressionOfInterest.objects.exists()


# Permissions and contact -------------------------------------------------------------------


def test_only_the_owner_team_edits_publishes_and_closes(client):
    owner_user, owner = team_member()
    opp = OpportunityFactory(owner=owner, user=owner_user, publish=False)
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(reverse("partnering:opportunity-edit", args=[opp.pk])).status_code == 404
    services.publish_opportunity(opp, owner_user)
    assert client.get(reverse("partnering:opportunity-edit", args=[opp.pk])).status_code == 403
    for action in ("publish", "close"):
        response = client.post(reverse("partnering:opportunity-action", args=[opp.pk, action]))
        assert response.status_code == 403
    opp.refresh_from_db()
    assert opp.status == OpportunityStatus.PUBLISHED
    page = text(client.get(opp.get_absolute_url()))
    assert "Manage" not in page and "Renew" not in page
    client.force_login(owner_user)
    page = text(client.get(opp.get_absolute_url()))
    assert "Renew for 12 months" in page and "Edit" in page


def test_contact_only_for_signed_in_users_and_the_address_only_by_choice(client):
    owner_user, owner = team_member(email="contact@pole.example")
    owner_user.first_name, owner_user.last_name = "Camille", "Contact"
    owner_user.save()
    opp = OpportunityFactory(owner=owner, user=owner_user)
    page = text(client.get(opp.get_absolute_url()))
    assert "contact@pole.example" not in page and "Camille Contact" not in page
    assert "Shown to signed-in users." in page
    assert owner.get_absolute_url() in client.get(opp.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    page = text(client.get(opp.get_absolute_url()))
    assert "Camille Contact" in page and "contact@pole.example" not in page
    opp.show_contact_email = True
    opp.save()
    assert "contact@pole.example" in text(client.get(opp.get_absolute_url()))


def test_create_needs_a_profile_team(client):
    client.force_login(UserFactory())
    page = text(client.get(reverse("partnering:opportunity-create")))
    assert "Join the profile team of your organisation first" in page


def test_rd_request_needs_its_call_topic_and_a_draft_no_past_deadline(client):
    user, owner = team_member()
    client.force_login(user)
    response = client.post(
        reverse("partnering:opportunity-create"),
        form_data(owner=owner.pk, kind="rd_request", call_topic=""),
    )
    assert response.status_code == 200
    assert "An R&amp;D request names the call topic" in response.content.decode()
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        reverse("partnering:opportunity-create"), form_data(owner=owner.pk, deadline=past)
    )
    assert "The deadline is in the past." in text(response)
    assert not Opportunity.objects.exists()


# Browse, search, facets, similar -----------------------------------------------------------


@pytest.fixture
def catalogue():
    user, fr = team_member(OrganisationFactory(country=country("FR")))
    de = OrganisationFactory(country=country("DE"))
    ProfileTeamMemberFactory(organisation=de, user=user)
    foams = OpportunityFactory(
        owner=fr,
        user=user,
        title="Recyclable polymer foams",
        kind="technology_offer",
        ecosystems=["mobility-transport-automotive"],
        technologies=["advanced-materials"],
        partnership_kinds=["licence"],
        partner_kinds=["company"],
        target_countries=["DE", "IT"],
    )
    sensors = OpportunityFactory(
        owner=de,
        user=user,
        title="Washable textile sensors",
        kind="technology_request",
        ecosystems=["textiles"],
        technologies=["iot", "advanced-materials"],
        partnership_kinds=["technical"],
        partner_kinds=["research"],
        keywords="sensors, foam",
    )
    distributor = OpportunityFactory(
        owner=fr,
        user=user,
        title="Distributor sought for cheese",
        kind="business_request",
        ecosystems=["agri-food"],
        partnership_kinds=["commercial"],
        keywords="cheese",
    )
    return {"foams": foams, "sensors": sensors, "distributor": distributor, "user": user}


def titles(response) -> list[str]:
    return [o.title for o in response.context["page"].object_list]


def test_search_and_facets(client, catalogue):
    response = client.get(LIST)
    assert set(titles(response)) == {
        "Recyclable polymer foams",
        "Washable textile sensors",
        "Distributor sought for cheese",
    }
    facets = response.context["facets"]
    kinds = {o["value"]: o["count"] for o in facets["kind"]}
    assert kinds == {"technology_offer": 1, "technology_request": 1, "business_request": 1}
    assert {o["value"]: o["count"] for o in facets["owner_country"]} == {"FR": 2, "DE": 1}
    assert {o["value"]: o["count"] for o in facets["technology"]}["advanced-materials"] == 2
    assert {o["value"]: o["count"] for o in facets["target_country"]} == {"DE": 1, "IT": 1}
    partnership = {o["value"]: o["count"] for o in facets["partnership_kind"]}
    assert partnership == {"licence": 1, "technical": 1, "commercial": 1}

    # Full-text, accent- and case-free, prefixes.
    assert titles(client.get(LIST, {"q": "POLYMÈR"})) == ["Recyclable polymer foams"]
    # Facets: OR within one, AND across; each facet counts with the others' filters.
    response = client.get(LIST, {"technology": "advanced-materials", "owner_country": "DE"})
    assert titles(response) == ["Washable textile sensors"]
    counts = {o["value"]: o["count"] for o in response.context["facets"]["owner_country"]}
    assert counts == {"FR": 1, "DE": 1}
    response = client.get(LIST, {"partnership_kind": ["licence", "commercial"]})
    assert set(titles(response)) == {"Recyclable polymer foams", "Distributor sought for cheese"}
    response = client.get(LIST, {"partner_kind": "research"})
    assert titles(response) == ["Washable textile sensors"]
    assert titles(client.get(LIST, {"target_country": "it"})) == ["Recyclable polymer foams"]
    page = text(client.get(LIST, {"kind": "business_request"}))
    assert "1 opportunity" in page and "Distributor sought for cheese" in page


def test_unknown_filter_values_match_nothing_on_the_page(client, catalogue):
    response = client.get(LIST, {"target_country": "XX"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "No published opportunity matches" in text(response)


def test_htmx_request_gets_the_results_only(client, catalogue):
    response = client.get(LIST, {"q": "cheese"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Distributor sought for cheese" in body
    assert "Recyclable polymer foams" not in body


def test_opportunities_like_this_one(client, catalogue):
    page = client.get(catalogue["foams"].get_absolute_url())
    similar = page.context["similar"]
    # Same family (technology offers and requests), sharing a technology and a keyword.
    assert [o.title for o in similar] == ["Washable textile sensors"]
    assert "Opportunities like this one" in text(page)
    assert client.get(catalogue["distributor"].get_absolute_url()).context["similar"] == []


def test_who_could_answer_this_lists_fitting_companies_with_reasons(client, catalogue):
    maker = OrganisationFactory(
        legal_name="Schaumstoff Werke",
        kind="company",
        country=country("DE"),
        description="Polymer foams for car seats, recyclable",
    )
    OrganisationFactory(
        legal_name="Foam Research Lab",
        kind="research",
        country=country("DE"),
        description="Polymer foams",
    )
    page = client.get(catalogue["foams"].get_absolute_url())
    recommended = page.context["recommended"]
    orgs = [r["organisation"] for r in recommended]
    assert orgs[0] == maker  # a company, as the offer seeks, in a target country
    assert all(o.kind == "company" and o.country_id in ("DE", "IT") for o in orgs)
    assert recommended[0]["reasons"]
    assert "Who could answer this" in text(page) and "Schaumstoff Werke" in text(page)


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_opportunities(client):
    user, owner = team_member()
    for i in range(3):
        OpportunityFactory(owner=owner, user=user, title=f"Offer {i}", ecosystems=["digital"])
    few = _count_queries(client, LIST + "?ecosystem=digital&q=offer")
    for i in range(3, 25):
        OpportunityFactory(
            owner=owner,
            user=user,
            title=f"Offer {i}",
            ecosystems=["digital", "health"],
            technologies=["iot"],
        )
    many = _count_queries(client, LIST + "?ecosystem=digital&q=offer")
    assert many == few
    assert many <= 15
