"""The partnering JSON API under /api/v1/partnering/: same permissions as the pages, bad input
answered 400/422 naming the field."""

import datetime as dt
import json
import re
from functools import partial

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusterhub.core.models import ApiToken
from clusterhub.partnering import eligibility, services
from clusterhub.partnering.models import (
    Consortium,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    Opportunity,
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

API = "/api/v1/partnering"


def auth(user) -> dict:
    _token, raw = ApiToken.issue(user, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


# A published offer with the least a form asks for.
make_published = partial(OpportunityFactory, title="An offer", summary="Summary.", keywords="")


def opportunity_body(**overrides) -> dict:
    body = {
        "kind": "technology_offer",
        "title": "Recyclable polymer foams",
        "summary": "A foam recycled at the end of the seat's life.",
        "partnership_kinds": ["licence"],
        "partner_kinds": ["company"],
        "ecosystems": ["mobility-transport-automotive"],
        "technologies": ["advanced-materials"],
        "keywords": "foam, recycling",
        "target_countries": ["DE", "EL"],
    }
    body.update(overrides)
    return body


def errors_of(response) -> dict:
    body = response.json()
    assert "detail" in body, body
    return {e["field"]: e["message"] for e in body["errors"]}


@pytest.fixture
def owner():
    user, org = team_member(OrganisationFactory(legal_name="Pôle Plasturgie"), email="o@x.eu")
    return user, org


# Opportunities -----------------------------------------------------------------------------


def test_create_publish_read_update_close(client, owner, django_capture_on_commit_callbacks):
    user, org = owner
    headers = auth(user)
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(), "owner": org.slug},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["target_countries"] == ["DE", "GR"]  # EU codes understood
    assert body["owner"]["slug"] == org.slug
    pk = body["id"]

    # A draft is for the owner's team only.
    assert client.get(f"{API}/opportunities/{pk}").status_code == 404
    assert client.get(f"{API}/opportunities/{pk}", **headers).status_code == 200

    response = client.post(f"{API}/opportunities/{pk}/publish", **headers)
    assert response.json()["status"] == "published"
    assert (
        response.json()["expires_on"] == (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    )

    # Contact only for signed-in users or tokens.
    anonymous = client.get(f"{API}/opportunities/{pk}").json()
    assert anonymous["contact"] is None
    reader = client.get(f"{API}/opportunities/{pk}", **auth(UserFactory())).json()
    assert reader["contact"]["email"] is None  # the owner did not choose to show it
    client.patch(
        f"{API}/opportunities/{pk}",
        data={"show_contact_email": True},
        content_type="application/json",
        **headers,
    )
    reader = client.get(f"{API}/opportunities/{pk}", **auth(UserFactory())).json()
    assert reader["contact"]["email"] == "o@x.eu"

    follower = UserFactory()
    client.post(f"{API}/opportunities/{pk}/follow", **auth(follower))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"{API}/opportunities/{pk}",
            {"title": "Recyclable foams for seats"},
            content_type="application/json",
            **headers,
        )
    assert response.json()["title"] == "Recyclable foams for seats"
    assert [m.to for m in mail.outbox] == [[follower.email]]

    response = client.post(f"{API}/opportunities/{pk}/close", **headers)
    assert response.json()["status"] == "closed"


def test_only_the_owner_team_writes(client, owner):
    user, org = owner
    stranger = UserFactory()
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(), "owner": org.slug},
        content_type="application/json",
        **auth(stranger),
    )
    assert response.status_code == 403
    assert "Only the team of Pôle Plasturgie may do this." in response.json()["detail"]
    assert not Opportunity.objects.exists()
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(), "owner": org.slug},
        content_type="application/json",
    )
    assert response.status_code == 401

    pk = client.post(
        f"{API}/opportunities",
        {**opportunity_body(), "owner": org.slug, "publish": True},
        content_type="application/json",
        **auth(user),
    ).json()["id"]
    for method, path in (
        ("patch", f"/opportunities/{pk}"),
        ("post", f"/opportunities/{pk}/publish"),
        ("post", f"/opportunities/{pk}/close"),
        ("get", f"/opportunities/{pk}/interests"),
    ):
        response = getattr(client, method)(
            API + path,
            {"title": "Mine now"} if method == "patch" else None,
            content_type="application/json",
            **auth(stranger),
        )
        assert response.status_code == 403, (method, path)
    assert Opportunity.objects.get().status == OpportunityStatus.PUBLISHED


def test_bad_opportunity_input_names_the_field(client, owner):
    user, org = owner
    headers = auth(user)
    response = client.post(
        f"{API}/opportunities",
        {
            **opportunity_body(ecosystems=["space-opera"], target_countries=["XX"]),
            "owner": org.slug,
        },
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert errors_of(response) == {
        "ecosystems": "Unknown code(s): space-opera.",
        "target_countries": "Unknown code(s): XX.",
    }
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(kind="rd_request"), "owner": org.slug},
        content_type="application/json",
        **headers,
    )
    assert errors_of(response) == {"call_topic": "An R&D request names the call topic it prepares."}
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(kind="gift"), "owner": org.slug},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422
    assert "kind" in errors_of(response)
    response = client.post(
        f"{API}/opportunities",
        {**opportunity_body(), "owner": "no-such-org"},
        content_type="application/json",
        **headers,
    )
    assert errors_of(response) == {"owner": "No organisation with address or PIC “no-such-org”."}
    assert not Opportunity.objects.exists()


def test_list_with_search_filters_and_facets(client, owner):
    user, org = owner
    de = OrganisationFactory(country=country("DE"))
    ProfileTeamMemberFactory(organisation=de, user=user)
    make_published(owner=org, user=user, title="Polymer foams", partnership_kinds=["licence"])
    make_published(owner=de, user=user, title="Textile sensors", kind="technology_request")
    make_published(owner=de, user=user, title="Cheese distributor", kind="business_request")

    body = client.get(f"{API}/opportunities").json()
    assert body["count"] == 3 and body["facets"] is None
    body = client.get(f"{API}/opportunities", {"q": "polymer"}).json()
    assert [o["title"] for o in body["items"]] == ["Polymer foams"]
    body = client.get(
        f"{API}/opportunities",
        {"owner_country": "DE", "kind": "business_request,technology_request", "facets": "true"},
    ).json()
    assert {o["title"] for o in body["items"]} == {"Textile sensors", "Cheese distributor"}
    assert {o["value"]: o["count"] for o in body["facets"]["owner_country"]} == {"DE": 2}
    body = client.get(f"{API}/opportunities", {"partnership_kind": "licence"}).json()
    assert [o["title"] for o in body["items"]] == ["Polymer foams"]


def test_unknown_filter_values_answer_400_naming_the_filter(client):
    response = client.get(f"{API}/opportunities", {"target_country": "XX,DE"})
    assert response.status_code == 400
    assert errors_of(response) == {"target_country": "Unknown country: XX."}
    response = client.get(f"{API}/opportunities", {"owner_country": "UK", "ecosystem": "nope"})
    assert errors_of(response) == {"ecosystem": "Unknown ecosystem: nope."}  # UK means GB
    response = client.get(f"{API}/opportunities", {"kind": "gift"})
    assert errors_of(response) == {"kind": "Unknown kind of opportunity: gift."}
    response = client.get(f"{API}/opportunities", {"sort": "random"})
    assert response.status_code == 422


def test_list_queries_do_not_grow(client, owner, django_assert_max_num_queries):
    user, org = owner
    for i in range(30):
        make_published(owner=org, user=user, title=f"Offer {i}")
    for opp in Opportunity.objects.all()[:10]:
        opp.ecosystems.set(["digital", "health"])
        opp.technologies.set(["iot"])
        opp.target_countries.set(["DE"])
    with django_assert_max_num_queries(8):
        body = client.get(f"{API}/opportunities", {"limit": 25}).json()
    assert len(body["items"]) == 25
    with django_assert_max_num_queries(16):
        client.get(f"{API}/opportunities", {"facets": "true", "q": "offer"})


def test_interest_twice_and_answer(client, owner, django_capture_on_commit_callbacks):
    user, org = owner
    opp = make_published(owner=org, user=user, title="Pilot line partners")
    partner_user, partner = team_member(
        OrganisationFactory(legal_name="Textile Lab"), email="lab@x.eu"
    )
    headers = auth(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/opportunities/{opp.pk}/interests",
            {"organisation": partner.slug, "message": "We weave sensors."},
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201
    assert response.json()["organisation"]["slug"] == partner.slug
    assert [m.to for m in mail.outbox] == [["o@x.eu"]]
    assert partner.get_absolute_url() in mail.outbox[0].body

    response = client.post(
        f"{API}/opportunities/{opp.pk}/interests",
        {"organisation": partner.slug, "message": "Again"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert errors_of(response) == {"organisation": "Textile Lab has already expressed interest."}
    # Speaking for an organisation one is not on the team of: 403.
    response = client.post(
        f"{API}/opportunities/{opp.pk}/interests",
        {"organisation": OrganisationFactory().slug, "message": "Hi"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert ExpressionOfInterest.objects.count() == 1

    body = client.get(f"{API}/opportunities/{opp.pk}/interests", **auth(user)).json()
    assert body["count"] == 1 and body["items"][0]["sender_email"] == "lab@x.eu"
    interest_id = body["items"][0]["id"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{API}/opportunities/{opp.pk}/interests/{interest_id}/answer",
            {"answer": "Call us."},
            content_type="application/json",
            **auth(user),
        )
    assert response.json()["answer"] == "Call us."
    assert [m.to for m in mail.outbox] == [["lab@x.eu"]]
    response = client.post(
        f"{API}/opportunities/{opp.pk}/interests/{interest_id}/answer",
        {"answer": "  "},
        content_type="application/json",
        **auth(user),
    )
    assert errors_of(response) == {"answer": "Write an answer."}


def test_recommendations_with_reasons(client, owner):
    user, org = owner
    opp = make_published(owner=org, user=user, title="Hydrogen storage tanks", keywords="hydrogen")
    url = f"{API}/opportunities/{opp.pk}/recommendations"
    assert client.get(url).json() == []  # nobody else in the registry yet
    match = OrganisationFactory(legal_name="H2 Tanks GmbH", description="Hydrogen storage")
    OrganisationFactory(legal_name="Cheese Co", description="Dairy products")
    body = client.get(url).json()
    assert body[0]["organisation"]["name"] == "H2 Tanks GmbH"
    assert body[0]["reasons"] and body[0]["score"] > body[-1]["score"] or len(body) == 1
    assert org.name not in [r["organisation"]["name"] for r in body]
    assert match.pk


# Funding calls -----------------------------------------------------------------------------


def call_body(**overrides) -> dict:
    year = timezone.now().year + 1
    body = {
        "programme": "Horizon Europe",
        "identifier": "HORIZON-CL5-2026-D3-01",
        "title": "Renewable energy valleys",
        "timezone": "Europe/Brussels",
        "deadline": f"{year}-09-02T17:00:00",
        "rules": eligibility.HORIZON_EUROPE_DEFAULT.to_dict(),
    }
    body.update(overrides)
    return body


def test_staff_create_and_update_calls(client):
    staff = auth(UserFactory(staff=True))
    response = client.post(f"{API}/calls", call_body(), content_type="application/json", **staff)
    assert response.status_code == 201, response.json()
    body = response.json()
    year = timezone.now().year + 1
    assert body["deadline_local"] == f"{year}-09-02T17:00:00+02:00"  # read in Brussels time
    assert body["is_open"] is True
    assert any("3 independent legal entities" in s for s in body["rules_in_words"])
    pk = body["id"]
    response = client.patch(
        f"{API}/calls/{pk}",
        {"rules": {"min_entities": 2, "required_kinds": [{"kind": "sme", "min": 1}]}},
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 200
    assert response.json()["rules"]["required_kinds"] == [{"kind": "sme", "min": 1}]
    assert "At least 1 SME." in response.json()["rules_in_words"]

    listed = client.get(f"{API}/calls").json()
    assert [c["identifier"] for c in listed["items"]] == ["HORIZON-CL5-2026-D3-01"]
    assert client.get(f"{API}/calls", {"open": "false"}).json()["count"] == 0


def test_calls_bad_input_names_the_field(client):
    staff = auth(UserFactory(staff=True))

    def post(**overrides):
        return client.post(
            f"{API}/calls", call_body(**overrides), content_type="application/json", **staff
        )

    response = post(rules={"min_entities": 3, "max_partners": 2})
    assert response.status_code == 400
    assert errors_of(response) == {
        "rules.max_partners": "max_partners: is 2 but min_entities is 3: no consortium could "
        "satisfy both"
    }
    response = post(rules={"min_entities": 3, "min_partners": 2})
    assert list(errors_of(response)) == ["rules.min_partners"]
    response = post(rules={"required_kinds": [{"kind": "cluster", "min": 0}]})
    assert list(errors_of(response)) == ["rules.required_kinds[0].min"]
    response = post(rules={"eligible_countries": ["FR", "XX"]})
    assert errors_of(response) == {
        "rules.eligible_countries": "eligible_countries: unknown country code 'XX'"
    }
    past = (timezone.now() - dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    response = post(deadline=past)
    assert errors_of(response) == {"deadline": "The deadline of a new call must be in the future."}
    response = post(timezone="Mars/Olympus")
    assert errors_of(response) == {"timezone": "Unknown time zone “Mars/Olympus”."}
    assert not FundingCall.objects.exists()
    response = client.post(
        f"{API}/calls", call_body(), content_type="application/json", **auth(UserFactory())
    )
    assert response.status_code == 403


def test_call_list_queries_do_not_grow(client, django_assert_max_num_queries):
    staff = UserFactory(staff=True)
    for i in range(25):
        services.save_call(
            FundingCall(
                programme="P",
                identifier=f"ID-{i}",
                title="T",
                deadline=timezone.now() + dt.timedelta(days=i + 1),
                rules={},
            ),
            staff,
        )
    with django_assert_max_num_queries(3):
        body = client.get(f"{API}/calls", {"limit": 20}).json()
    assert len(body["items"]) == 20


# Consortia ---------------------------------------------------------------------------------


@pytest.fixture
def call():
    return services.save_call(
        FundingCall(
            programme="Horizon Europe",
            identifier="HORIZON-CL6-2026-01",
            title="Blue economy",
            deadline=timezone.now() + dt.timedelta(days=30),
            rules=eligibility.HORIZON_EUROPE_DEFAULT.to_dict(),
        ),
        UserFactory(staff=True),
    )


def test_consortium_life_through_the_api(client, call, django_capture_on_commit_callbacks):
    user, coordinator = team_member(
        OrganisationFactory(legal_name="Pôle Mer", country=country("FR")), email="c@mer.eu"
    )
    headers = auth(user)
    response = client.post(
        f"{API}/consortia",
        {"call": call.pk, "coordinator": coordinator.slug, "acronym": "BLUE"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    pk = body["id"]
    assert body["verdict"]["eligible"] is False
    assert body["verdict"]["problems"][0]["rule"] == "min_entities"
    assert body["gaps"][0]["recommendations"] == []

    de = OrganisationFactory(country=country("DE"), legal_name="Nord Cluster")
    it = OrganisationFactory(country=country("IT"), pic="912345678")
    ids = {}
    for org, key in ((de, de.slug), (it, "912345678")):
        response = client.post(
            f"{API}/consortia/{pk}/members",
            {"organisation": key, "role": "beneficiary"},
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 201
        ids[org.pk] = response.json()["id"]
    response = client.post(
        f"{API}/consortia/{pk}/members",
        {"organisation": de.slug},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert errors_of(response) == {"organisation": "Nord Cluster is already in the consortium."}
    assert ConsortiumMember.objects.count() == 3

    # The coordinator cannot confirm in a partner's name.
    response = client.patch(
        f"{API}/consortia/{pk}/members/{ids[de.pk]}",
        {"status": "confirmed"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400
    assert "Only the team of Nord Cluster can confirm" in errors_of(response)["status"]
    # Each partner's team accepts the invitation and confirms with its own token.
    for org in (de, it):
        partner, _org = team_member(org)
        services.answer_invitation(
            ConsortiumMember.objects.get(pk=ids[org.pk]), partner, accept=True
        )
        response = client.patch(
            f"{API}/consortia/{pk}/members/{ids[org.pk]}",
            {"status": "confirmed"},
            content_type="application/json",
            **auth(partner),
        )
    assert response.json()["verdict"]["eligible"] is True
    assert response.json()["broken"] == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.patch(
            f"{API}/consortia/{pk}/members/{ids[de.pk]}",
            {"status": "left"},
            content_type="application/json",
            **headers,
        )
    body = response.json()
    assert body["member"]["status"] == "left"
    assert [p["rule"] for p in body["broken"]] == ["min_entities", "min_countries"]
    assert body["verdict"]["eligible"] is False
    assert [m.to for m in mail.outbox] == [["c@mer.eu"]]

    response = client.put(
        f"{API}/consortia/{pk}/note",
        {"note": "Kick-off"},
        content_type="application/json",
        **headers,
    )
    assert response.json() == {"note": "Kick-off"}
    item = client.post(
        f"{API}/consortia/{pk}/checklist",
        {"text": "Budget"},
        content_type="application/json",
        **headers,
    ).json()
    response = client.patch(
        f"{API}/consortia/{pk}/checklist/{item['id']}",
        {"done": True},
        content_type="application/json",
        **headers,
    )
    assert response.json()["done"] is True
    detail = client.get(f"{API}/consortia/{pk}", **headers).json()
    assert detail["note"] == "Kick-off" and detail["checklist"][0]["done"] is True
    assert [c["acronym"] for c in client.get(f"{API}/consortia", **headers).json()["items"]] == [
        "BLUE"
    ]

    # Only those who work in it see it.
    stranger = auth(UserFactory())
    assert client.get(f"{API}/consortia/{pk}", **stranger).status_code == 404
    response = client.post(
        f"{API}/consortia/{pk}/members",
        {"organisation": OrganisationFactory().slug},
        content_type="application/json",
        **stranger,
    )
    assert response.status_code == 404
    assert client.get(f"{API}/consortia", **stranger).json()["count"] == 0
    assert client.get(f"{API}/consortia/{pk}").status_code == 401
    colleague = UserFactory(email="colleague@mer.eu")
    response = client.post(
        f"{API}/consortia/{pk}/access",
        {"email": "colleague@mer.eu"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    assert response.json() == {"email": "colleague@mer.eu", "member": None}
    assert client.get(f"{API}/consortia/{pk}", **auth(colleague)).status_code == 200


def test_consortium_bad_input(client, call):
    user, coordinator = team_member()
    headers = auth(user)
    response = client.post(
        f"{API}/consortia",
        {"call": 999, "coordinator": coordinator.slug, "acronym": "X"},
        content_type="application/json",
        **headers,
    )
    assert errors_of(response) == {"call": "No funding call 999."}
    response = client.post(
        f"{API}/consortia",
        {"call": call.pk, "coordinator": OrganisationFactory().slug, "acronym": "X"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert not Consortium.objects.exists()
    consortium = services.create_consortium(call, coordinator, user, acronym="OK")
    response = client.post(
        f"{API}/consortia/{consortium.pk}/members",
        {"organisation": OrganisationFactory().slug, "email": "not-an-address"},
        content_type="application/json",
        **headers,
    )
    assert list(errors_of(response)) == ["email"]
    response = client.post(
        f"{API}/consortia/{consortium.pk}/members",
        {"organisation": OrganisationFactory().slug, "role": "sponsor"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 422 and "role" in errors_of(response)
    assert ConsortiumMember.objects.count() == 1


def test_workspace_and_interest_lists_queries_do_not_grow(client, call):
    user, coordinator = team_member()
    opp = make_published(user=user, owner=coordinator, title="Partners wanted")

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as consortia:
            assert client.get(f"{API}/consortia", **headers).status_code == 200
        with CaptureQueriesContext(connection) as interests:
            assert (
                client.get(f"{API}/opportunities/{opp.pk}/interests", **headers).status_code == 200
            )
        return len(consortia), len(interests)

    def add(n: int) -> None:
        for _ in range(n):
            services.create_consortium(call, coordinator, user, acronym="C")
            sender, org = team_member()
            services.express_interest(opp, org, sender, "Interested.")

    headers = auth(user)
    add(2)
    counts()  # the first call records the token's use
    few = counts()
    add(8)
    assert counts() == few


# Partial updates: null only where a field may be empty -------------------------------------

OPPORTUNITY_REQUIRED = (
    "kind",
    "title",
    "summary",
    "description",
    "partnership_kinds",
    "partner_kinds",
    "partner_size",
    "call_topic",
    "role_sought",
    "ecosystems",
    "technologies",
    "keywords",
    "target_countries",
)
CALL_REQUIRED = (
    "programme",
    "identifier",
    "title",
    "description",
    "timezone",
    "deadline",
    "url",
    "rules",
)


@pytest.mark.parametrize("field", OPPORTUNITY_REQUIRED)
def test_opportunity_patch_refuses_null_naming_the_field(client, owner, field):
    user, org = owner
    opp = make_published(user=user, owner=org, title="Stays")
    response = client.patch(
        f"{API}/opportunities/{opp.pk}",
        {field: None},
        content_type="application/json",
        **auth(user),
    )
    assert response.status_code == 422
    assert list(errors_of(response)) == [field]
    opp.refresh_from_db()
    assert opp.title == "Stays"


def test_opportunity_patch_clears_the_deadline_with_null(client, owner):
    user, org = owner
    opp = make_published(
        user=user, owner=org, deadline=timezone.localdate() + dt.timedelta(days=60)
    )
    response = client.patch(
        f"{API}/opportunities/{opp.pk}",
        {"deadline": None},
        content_type="application/json",
        **auth(user),
    )
    assert response.status_code == 200, response.json()
    assert response.json()["deadline"] is None
    opp.refresh_from_db()
    assert opp.deadline is None


@pytest.mark.parametrize("field", CALL_REQUIRED)
def test_call_patch_refuses_null_naming_the_field(client, call, field):
    response = client.patch(
        f"{API}/calls/{call.pk}",
        {field: None},
        content_type="application/json",
        **auth(UserFactory(staff=True)),
    )
    assert response.status_code == 422
    assert list(errors_of(response)) == [field]
    call.refresh_from_db()
    assert call.title == "Blue economy"


def test_call_patch_clears_opening_and_budget_with_null(client, call):
    staff = auth(UserFactory(staff=True))
    opens = (call.deadline - dt.timedelta(days=10)).isoformat()
    response = client.patch(
        f"{API}/calls/{call.pk}",
        {"opens_at": opens, "budget": "2500000.00"},
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["opens_at"] is not None
    response = client.patch(
        f"{API}/calls/{call.pk}",
        {"opens_at": None, "budget": None},
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 200, response.json()
    assert response.json()["opens_at"] is None and response.json()["budget"] is None
    call.refresh_from_db()
    assert call.opens_at is None and call.budget is None


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("members", "status"),
        ("members", "role"),
        ("members", "work_packages"),
        ("checklist", "done"),
    ],
)
def test_consortium_patches_refuse_null_naming_the_field(client, call, path, field):
    user, coordinator = team_member()
    consortium = services.create_consortium(call, coordinator, user, acronym="NULL")
    seat = consortium.members.get()
    item = services.add_checklist_item(consortium, "Budget", user)
    target = seat.pk if path == "members" else item.pk
    response = client.patch(
        f"{API}/consortia/{consortium.pk}/{path}/{target}",
        {field: None},
        content_type="application/json",
        **auth(user),
    )
    assert response.status_code == 422
    assert list(errors_of(response)) == [field]
    seat.refresh_from_db()
    assert seat.status == "confirmed" and seat.role == "coordinator"


# The OpenAPI document ----------------------------------------------------------------------


def schema_refs(part) -> set[str]:
    """The component names an operation's part (request body or response) refers to."""
    return set(re.findall(r"#/components/schemas/(\w+)", json.dumps(part)))


def test_openapi_names_each_partnering_schema_once(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    paths = document["paths"]
    P = "/api/v1/partnering"
    for method, path, status, body, answer in (
        ("get", "/opportunities", "200", None, "PagedOpportunityOut"),
        ("patch", "/opportunities/{pk}", "200", "OpportunityInPatch", "OpportunityOut"),
        (
            "post",
            "/opportunities/{pk}/interests/{interest_id}/answer",
            "200",
            "InterestAnswerIn",
            "ExpressionOfInterestOut",
        ),
        ("get", "/opportunities/{pk}/recommendations", "200", None, "PartnerRecommendationOut"),
        ("get", "/calls", "200", None, "PagedFundingCallOut"),
        ("post", "/calls", "201", "FundingCallIn", "FundingCallOut"),
        ("patch", "/calls/{pk}", "200", "FundingCallInPatch", "FundingCallOut"),
        ("get", "/consortia", "200", None, "PagedConsortiumSummary"),
        ("post", "/consortia/{pk}/members", "201", "ConsortiumInviteIn", "ConsortiumMemberOut"),
        (
            "patch",
            "/consortia/{pk}/members/{member_id}",
            "200",
            "ConsortiumMemberChangeInPatch",
            "ConsortiumMemberChangeOut",
        ),
    ):
        operation = paths[P + path][method]
        assert schema_refs(operation["responses"][status]) == {answer}, (method, path)
        if body:
            assert schema_refs(operation["requestBody"]) == {body}, (method, path)
        assert schema_refs(operation["responses"]["400"]) == {"ErrorBody"}, (method, path)
    # Nested schemas: the shared organisation reference and facet option, each named once.
    assert "#/components/schemas/OrganisationRef" in json.dumps(schemas["ConsortiumMemberOut"])
    assert "#/components/schemas/FundingCallRef" in json.dumps(schemas["ConsortiumSummary"])
    facets = schemas["PagedOpportunityOut"]["properties"]["facets"]
    assert "#/components/schemas/FacetOption" in json.dumps(facets)
    assert {"role", "status", "work_packages", "affiliated_to"} <= set(
        schemas["ConsortiumMemberOut"]["properties"]
    )
