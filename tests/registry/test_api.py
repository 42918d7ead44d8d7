"""The registry's JSON API, as a client sees it."""

from decimal import Decimal

import pytest

from clusterhub.core.models import ApiToken
from clusterhub.registry import services as registry_services
from clusterhub.registry.models import (
    ClusterLabel,
    ClusterOrganisation,
    Membership,
    Organisation,
    Person,
    ProfileTeamMember,
    TeamInvitation,
)
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1/registry"


# Data ---------------------------------------------------------------------------------------

# A cluster profile with only the figures a test gives (the factory's defaults validate).
NO_FIGURES = {
    "members_companies": 0,
    "members_smes": 0,
    "members_research": 0,
    "members_universities": 0,
    "members_public": 0,
    "management_fte": Decimal("0"),
}


def make_org(legal_name, country="FR", **fields):
    return factories.OrganisationFactory(
        legal_name=legal_name, country=factories.country(country), **fields
    )


def make_cluster(legal_name, country="FR", labels=(), ecosystems=(), **figures):
    org = make_org(legal_name, country=country, kind="cluster", ecosystems=list(ecosystems))
    return factories.ClusterOrganisationFactory(
        organisation=org,
        labels=[ClusterLabel(scheme=s, level=lv) for s, lv in labels],
        **{**NO_FIGURES, **figures},
    )


def make_user(email, **fields):
    return factories.UserFactory(username=email, email=email, **fields)


def join_team(org, user):
    return factories.ProfileTeamMemberFactory(organisation=org, user=user)


def bearer(user) -> dict:
    _token, raw = ApiToken.issue(user, "tests")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def team_user():
    return make_user("team@example.org")


@pytest.fixture
def other_user():
    return make_user("other@example.org")


@pytest.fixture
def staff_user():
    return make_user("staff@example.org", is_staff=True)


@pytest.fixture
def org(team_user):
    org = make_org(
        "Polyméris SAS",
        short_name="Polyméris",
        nuts_region_id="FR101",
        city="Paris",
        website="https://polymeris.example.fr",
        ecosystems=["digital", "health"],
        technologies=["advanced-materials"],
    )
    join_team(org, team_user)
    return org


def fields_of(response) -> set:
    return {error["field"] for error in response.json()["errors"]}


def send(client, method, url, data=None, headers=None):
    return getattr(client, method)(
        url, data=data, content_type="application/json", headers=headers or {}
    )


# Organisations: reading ---------------------------------------------------------------------


def test_organisation_list_is_paginated_with_count_and_next(client):
    for i in range(25):
        make_org(f"Company {i:02d}")

    first = client.get(f"{API}/organisations", {"limit": 10})
    body = first.json()

    assert first.status_code == 200
    assert body["count"] == 25
    assert len(body["items"]) == 10
    assert body["items"][0]["name"] == "Company 00"
    assert body["previous"] is None
    second = client.get(body["next"]).json()
    assert [o["name"] for o in second["items"]][:2] == ["Company 10", "Company 11"]
    assert second["previous"] is not None


def test_organisation_list_refuses_a_page_larger_than_the_maximum(client):
    response = client.get(f"{API}/organisations", {"limit": 10_000})

    assert response.status_code == 422
    assert fields_of(response) == {"limit"}


def test_search_without_accents_finds_the_accented_name(client, org):
    make_org("Acier Lorrain")

    body = client.get(f"{API}/organisations", {"q": "polymeris"}).json()

    assert [o["slug"] for o in body["items"]] == [org.slug]
    item = body["items"][0]
    assert item["name"] == "Polyméris"
    assert item["country"] == "FR"
    assert item["nuts_region"] == "FR101"
    assert sorted(item["ecosystems"]) == ["digital", "health"]
    assert item["technologies"] == ["advanced-materials"]


def test_country_filter_takes_repeated_and_comma_separated_values(client):
    make_org("Paris One", country="FR")
    make_org("Berlin One", country="DE")
    make_org("Roma One", country="IT")

    repeated = client.get(f"{API}/organisations?country=fr&country=de").json()
    commas = client.get(f"{API}/organisations?country=FR,DE").json()

    assert {o["name"] for o in repeated["items"]} == {"Paris One", "Berlin One"}
    assert repeated["count"] == commas["count"] == 2


def test_facets_count_each_value_with_the_other_filters(client):
    make_org("A", country="FR", ecosystems=["digital"])
    make_org("B", country="FR", ecosystems=["digital", "health"])
    make_org("C", country="DE", ecosystems=["health"])

    body = client.get(f"{API}/organisations", {"ecosystem": "digital", "facets": "true"}).json()

    assert body["count"] == 2
    countries = {o["value"]: o["count"] for o in body["facets"]["country"]}
    assert countries == {"FR": 2}
    ecosystems = {o["value"]: o for o in body["facets"]["ecosystem"]}
    # A facet counts without its own filter: health is on B and C.
    assert ecosystems["digital"]["count"] == 2 and ecosystems["digital"]["selected"]
    assert ecosystems["health"]["count"] == 2
    assert client.get(f"{API}/organisations").json()["facets"] is None


def test_organisation_list_does_not_query_per_row(client, django_assert_max_num_queries):
    for i in range(30):
        make_org(f"Org {i}", ecosystems=["digital", "health"], technologies=["big-data"])

    # count, page (with country and region), ecosystems, technologies, NACE
    with django_assert_max_num_queries(5):
        body = client.get(f"{API}/organisations", {"limit": 30}).json()

    assert len(body["items"]) == 30
    assert all(o["ecosystems"] and o["country_name"] == "France" for o in body["items"])


def test_organisation_detail_and_unknown_address(client, org):
    response = client.get(f"{API}/organisations/{org.slug}")

    assert response.status_code == 200
    assert response.json()["legal_name"] == "Polyméris SAS"
    assert response.json()["region_name"]
    assert client.get(f"{API}/organisations/nobody-here").status_code == 404


# Organisations: writing ---------------------------------------------------------------------

NEW_ORG = {
    "legal_name": "Hellenic Robotics SA",
    "kind": "company",
    "is_sme": True,
    "country": "EL",
    "website": "https://robotics.example.gr",
    "ecosystems": ["digital"],
    "technologies": ["robotics"],
    "nace": ["C", "26"],
}


def test_anonymous_cannot_create(client):
    response = send(client, "post", f"{API}/organisations", NEW_ORG)

    assert response.status_code == 401
    assert not Organisation.objects.exists()


def test_creating_resolves_eu_codes_and_puts_the_creator_in_the_team(client, other_user):
    response = send(client, "post", f"{API}/organisations", NEW_ORG, bearer(other_user))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["country"] == "GR"
    assert body["is_sme"] is True
    assert body["technologies"] == ["robotics"]
    assert sorted(body["nace"]) == ["26", "C"]
    org = Organisation.objects.get(slug=body["slug"])
    assert ProfileTeamMember.objects.filter(organisation=org, user=other_user).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "XX"}, "country"),
        ({"nuts_region": "ZZ999"}, "nuts_region"),
        ({"nuts_region": "DE300"}, "nuts_region"),  # a region of another country
        ({"website": "ftp://files.example.org"}, "website"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"pic": "12345"}, "pic"),
        ({"pic": "12345678X"}, "pic"),
        ({"ecosystems": ["digital", "underwater-basket-weaving"]}, "ecosystems"),
        ({"nace": ["ZZ"]}, "nace"),
        ({"latitude": 123.0, "longitude": 2.0}, "latitude"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, other_user, change, field):
    response = send(
        client, "post", f"{API}/organisations", {**NEW_ORG, **change}, bearer(other_user)
    )

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["detail"]
    assert field in fields_of(response)
    assert all(error["message"] for error in body["errors"])
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"kind": "spaceship"}, "kind"), ({"legal_name": None}, "legal_name")],
)
def test_malformed_body_is_refused_naming_the_field(client, other_user, change, field):
    response = send(
        client, "post", f"{API}/organisations", {**NEW_ORG, **change}, bearer(other_user)
    )

    assert response.status_code == 422
    assert fields_of(response) == {field}
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"latitude": NaN, "longitude": 2.3', "latitude"),
        ('"latitude": 48.8, "longitude": Infinity', "longitude"),
        ('"city": "Par\\u0000is"', "city"),
        ('"ecosystems": ["digi\\u0000tal"]', "ecosystems"),
    ],
)
def test_numbers_and_text_that_cannot_be_stored_are_refused(client, other_user, raw, field):
    body = '{"legal_name": "Odd Input", "kind": "company", "country": "FR", ' + raw + "}"

    response = client.post(
        f"{API}/organisations", body, content_type="application/json", headers=bearer(other_user)
    )

    assert response.status_code == 422, response.content
    assert fields_of(response) == {field}
    assert not Organisation.objects.exists()


def test_other_user_may_not_change_an_organisation(client, org, other_user):
    response = send(
        client, "patch", f"{API}/organisations/{org.slug}", {"city": "Lyon"}, bearer(other_user)
    )

    assert response.status_code == 403
    org.refresh_from_db()
    assert org.city == "Paris"


def test_anonymous_may_not_change_an_organisation(client, org):
    response = send(client, "patch", f"{API}/organisations/{org.slug}", {"city": "Lyon"})

    assert response.status_code == 401


def test_team_member_patches_only_the_fields_sent(client, org, team_user):
    response = send(
        client,
        "patch",
        f"{API}/organisations/{org.slug}",
        {"city": "Lyon", "technologies": ["big-data", "robotics"]},
        bearer(team_user),
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["city"] == "Lyon"
    assert sorted(body["technologies"]) == ["big-data", "robotics"]
    assert sorted(body["ecosystems"]) == ["digital", "health"]  # not sent, kept
    org.refresh_from_db()
    assert org.city == "Lyon"
    # The search text follows the change.
    assert client.get(f"{API}/organisations", {"q": "robotics"}).json()["count"] == 1


def test_bad_patch_changes_nothing(client, org, team_user):
    response = send(
        client,
        "patch",
        f"{API}/organisations/{org.slug}",
        {"city": "Lyon", "website": "javascript:alert(1)"},
        bearer(team_user),
    )

    assert response.status_code == 400
    assert fields_of(response) == {"website"}
    org.refresh_from_db()
    assert org.city == "Paris"
    assert org.website == "https://polymeris.example.fr"


def test_staff_replaces_an_organisation_with_put(client, org, staff_user):
    response = send(
        client,
        "put",
        f"{API}/organisations/{org.slug}",
        {"legal_name": "Polyméris SA", "kind": "research", "country": "FR"},
        bearer(staff_user),
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["kind"] == "research"
    assert body["ecosystems"] == []
    assert body["nuts_region"] is None


def test_only_staff_deletes_an_organisation(client, org, team_user, staff_user):
    url = f"{API}/organisations/{org.slug}"

    assert send(client, "delete", url).status_code == 401
    assert send(client, "delete", url, headers=bearer(team_user)).status_code == 403
    assert Organisation.objects.filter(pk=org.pk).exists()
    response = send(client, "delete", url, headers=bearer(staff_user))
    assert response.status_code == 204
    assert not Organisation.objects.filter(pk=org.pk).exists()


# Cluster organisations ----------------------------------------------------------------------

NEW_CLUSTER = {
    "legal_name": "Cluster Numérique Occitanie",
    "short_name": "CNO",
    "country": "FR",
    "nuts_region": "FRJ23",
    "website": "https://cno.example.fr",
    "ecosystems": ["digital"],
    "founding_year": 2009,
    "members_companies": 40,
    "members_smes": 30,
    "members_research": 5,
    "management_fte": "3.5",
    "labels": [{"scheme": "ecei", "level": "gold", "valid_until": "2027-06-30"}],
}


def test_creating_a_cluster_makes_organisation_and_profile(client, other_user):
    response = send(client, "post", f"{API}/clusters", NEW_CLUSTER, bearer(other_user))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "cno"
    assert body["organisation"]["kind"] == "cluster"
    assert body["members_total"] == 45
    assert body["management_fte"] == 3.5
    assert body["labels"][0]["scheme"] == "ecei"
    assert body["validation"] == {"is_validated": True, "missing_criteria": []}
    profile = ClusterOrganisation.objects.get(organisation__slug="cno")
    assert profile.management_fte == Decimal("3.5")
    assert ProfileTeamMember.objects.filter(
        organisation=profile.organisation, user=other_user
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members_research": -3}, "members_research"),
        ({"members_smes": 50}, "members_smes"),
        ({"management_fte": "-1"}, "management_fte"),
        ({"founding_year": 1492}, "founding_year"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"country": "QQ"}, "country"),
        (
            {
                "labels": [
                    {
                        "scheme": "ecei",
                        "level": "gold",
                        "valid_from": "2025-01-01",
                        "valid_until": "2024-01-01",
                    }
                ]
            },
            "labels.0",
        ),
    ],
)
def test_bad_cluster_input_writes_nothing(client, other_user, change, field):
    response = send(
        client, "post", f"{API}/clusters", {**NEW_CLUSTER, **change}, bearer(other_user)
    )

    assert response.status_code == 400, response.json()
    assert field in fields_of(response)
    assert not Organisation.objects.exists()
    assert not ClusterOrganisation.objects.exists()


def test_cluster_detail_explains_what_keeps_it_from_validation(client):
    make_cluster("Tiny Cluster", members_companies=3)

    response = client.get(f"{API}/clusters/tiny-cluster")

    assert response.status_code == 200
    validation = response.json()["validation"]
    assert validation["is_validated"] is False
    assert any("members" in text for text in validation["missing_criteria"])
    assert any("website" in text for text in validation["missing_criteria"])
    assert client.get(f"{API}/clusters/no-such-cluster").status_code == 404


def test_cluster_list_filters_by_label_and_size(client):
    declared = {"labels_verified": False}
    make_cluster("Gold Cluster", labels=[("ecei", "gold")], members_companies=300, **declared)
    make_cluster("Silver Cluster", labels=[("ecei", "silver")], members_companies=20, **declared)
    make_cluster("Plain Cluster", members_companies=60)
    staff = make_user("staff@example.org", is_staff=True)
    # Declared by the teams: not a filter value, and said so, until staff verify them.
    assert client.get(f"{API}/clusters", {"label": "ecei-gold"}).json()["items"] == []
    declared = client.get(f"{API}/clusters/gold-cluster").json()["labels"]
    assert [(x["level"], x["verified"]) for x in declared] == [("gold", False)]
    registry_services.verify_labels(ClusterLabel.objects.all(), staff)
    verified = client.get(f"{API}/clusters/gold-cluster").json()["labels"]
    assert [(x["level"], x["verified"]) for x in verified] == [("gold", True)]

    gold = client.get(f"{API}/clusters", {"label": "ecei-gold"}).json()
    large = client.get(f"{API}/clusters", {"size": "large,very_large"}).json()
    by_members = client.get(f"{API}/clusters", {"sort": "-members", "facets": "true"}).json()

    assert [c["name"] for c in gold["items"]] == ["Gold Cluster"]
    assert [c["name"] for c in large["items"]] == ["Gold Cluster"]
    assert [c["members_total"] for c in by_members["items"]] == [300, 60, 20]
    labels = {o["value"]: o["count"] for o in by_members["facets"]["label"]}
    assert labels == {"ecei-gold": 1, "ecei-silver": 1}


def test_cluster_list_does_not_query_per_row(client, django_assert_max_num_queries):
    for i in range(30):
        make_cluster(f"Cluster {i}", labels=[("ecei", "bronze")], ecosystems=["digital"])

    # count, page (with organisation, country, region), three topics, labels
    with django_assert_max_num_queries(6):
        body = client.get(f"{API}/clusters", {"limit": 30}).json()

    assert len(body["items"]) == 30
    assert all(c["labels"] and c["organisation"]["ecosystems"] for c in body["items"])


def test_team_member_updates_cluster_figures(client, team_user):
    profile = make_cluster("Team Cluster", members_companies=10)
    join_team(profile.organisation, team_user)

    response = send(
        client,
        "patch",
        f"{API}/clusters/team-cluster",
        {"members_universities": 4, "city": "Nantes"},
        bearer(team_user),
    )

    assert response.status_code == 200, response.json()
    assert response.json()["members_total"] == 14
    assert response.json()["organisation"]["city"] == "Nantes"


def test_bad_cluster_patch_changes_neither_organisation_nor_profile(client, team_user):
    profile = make_cluster("Team Cluster", members_companies=10)
    join_team(profile.organisation, team_user)

    response = send(
        client,
        "patch",
        f"{API}/clusters/team-cluster",
        {"city": "Nantes", "members_other": -1},
        bearer(team_user),
    )

    assert response.status_code == 400
    assert fields_of(response) == {"members_other"}
    profile.refresh_from_db()
    profile.organisation.refresh_from_db()
    assert profile.organisation.city == ""
    assert profile.members_other == 0


def test_a_cluster_organisation_stays_a_cluster(client, staff_user):
    make_cluster("Kind Cluster")

    response = send(
        client,
        "patch",
        f"{API}/organisations/kind-cluster",
        {"kind": "company"},
        bearer(staff_user),
    )

    assert response.status_code == 400
    assert fields_of(response) == {"kind"}
    assert Organisation.objects.get(slug="kind-cluster").kind == "cluster"


def test_cluster_write_permissions(client, other_user, staff_user):
    make_cluster("Some Cluster")
    url = f"{API}/clusters/some-cluster"

    assert send(client, "patch", url, {"city": "Metz"}).status_code == 401
    assert send(client, "patch", url, {"city": "Metz"}, bearer(other_user)).status_code == 403
    assert send(client, "delete", url, headers=bearer(other_user)).status_code == 403
    assert send(client, "delete", url, headers=bearer(staff_user)).status_code == 204
    assert not Organisation.objects.filter(slug="some-cluster").exists()


# Members of a cluster -----------------------------------------------------------------------


def test_members_are_added_by_slug_or_pic_and_removed(client, team_user, other_user):
    profile = make_cluster("Member Cluster")
    join_team(profile.organisation, team_user)
    alpha = make_org("Alpha", pic="999999999")
    make_org("Beta")
    url = f"{API}/clusters/member-cluster/members"

    by_pic = send(client, "post", url, {"organisation": "999999999"}, bearer(team_user))
    by_slug = send(client, "post", url, {"organisation": "beta", "since": 2015}, bearer(team_user))
    again = send(client, "post", url, {"organisation": "alpha"}, bearer(team_user))
    unknown = send(client, "post", url, {"organisation": "gamma"}, bearer(team_user))
    stranger = send(client, "post", url, {"organisation": "beta"}, bearer(other_user))

    assert by_pic.status_code == 201, by_pic.json()
    assert by_pic.json()["organisation"]["slug"] == "alpha"
    assert by_slug.status_code == 201 and by_slug.json()["since"] == 2015
    assert again.status_code == 400 and fields_of(again) == {"organisation"}
    assert unknown.status_code == 400 and fields_of(unknown) == {"organisation"}
    assert stranger.status_code == 403
    listed = client.get(url).json()
    assert listed["count"] == 2
    assert [m["organisation"]["name"] for m in listed["items"]] == ["Alpha", "Beta"]

    removed = send(client, "delete", f"{url}/alpha", headers=bearer(team_user))
    assert removed.status_code == 204
    assert not Membership.objects.filter(member=alpha).exists()


# People -------------------------------------------------------------------------------------


@pytest.fixture
def people(org):
    shown = factories.PersonFactory(
        organisation=org,
        first_name="Ana",
        last_name="Shown",
        email="ana@example.org",
        consented=True,
    )
    hidden = factories.PersonFactory(
        organisation=org, first_name="Bo", last_name="Hidden", email="bo@example.org"
    )
    return shown, hidden


def test_people_list_shows_only_consenting_people_without_email(client, org, people, other_user):
    for headers in ({}, bearer(other_user)):
        body = client.get(f"{API}/organisations/{org.slug}/people", headers=headers).json()

        assert body["count"] == 1
        assert [p["last_name"] for p in body["items"]] == ["Shown"]
        assert body["items"][0]["email"] is None
        assert "example.org" not in str(body)


def test_people_list_gives_email_to_the_profile_team(client, org, people, team_user):
    url = f"{API}/organisations/{org.slug}/people"

    team_view = client.get(url, headers=bearer(team_user)).json()
    everyone = client.get(url, {"include_hidden": "true"}, headers=bearer(team_user)).json()

    assert [p["email"] for p in team_view["items"]] == ["ana@example.org"]
    assert [p["last_name"] for p in everyone["items"]] == ["Hidden", "Shown"]
    assert client.get(url, {"include_hidden": "true"}).status_code == 403


def test_consent_is_stored_with_its_date(client, org, team_user):
    url = f"{API}/organisations/{org.slug}/people"

    created = send(
        client,
        "post",
        url,
        {"first_name": "Chloé", "last_name": "Dupont", "public_consent": True},
        bearer(team_user),
    )
    assert created.status_code == 201, created.json()
    person = Person.objects.get(pk=created.json()["id"])
    assert person.public_consent and person.public_consent_at is not None

    withdrawn = send(
        client, "patch", f"{url}/{person.pk}", {"public_consent": False}, bearer(team_user)
    )
    assert withdrawn.status_code == 200
    person.refresh_from_db()
    assert not person.public_consent and person.public_consent_at is None
    assert client.get(url).json()["count"] == 0


def test_people_writes_need_the_team(client, org, people, other_user, team_user):
    shown, _hidden = people
    url = f"{API}/organisations/{org.slug}/people"

    assert send(client, "post", url, {"first_name": "X", "last_name": "Y"}).status_code == 401
    forbidden = send(client, "patch", f"{url}/{shown.pk}", {"role": "CEO"}, bearer(other_user))
    assert forbidden.status_code == 403
    bad = send(
        client,
        "post",
        url,
        {"first_name": "X", "last_name": "Y", "email": "nope"},
        bearer(team_user),
    )
    assert bad.status_code == 400 and fields_of(bad) == {"email"}
    deleted = send(client, "delete", f"{url}/{shown.pk}", headers=bearer(team_user))
    assert deleted.status_code == 204
    assert not Person.objects.filter(pk=shown.pk).exists()


# Profile team -------------------------------------------------------------------------------


def test_team_is_visible_and_extended_by_the_team_only(client, org, team_user, other_user):
    url = f"{API}/organisations/{org.slug}/team"

    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(other_user)).status_code == 403
    listed = client.get(url, headers=bearer(team_user)).json()
    assert [s["email"] for s in listed["items"]] == ["team@example.org"]

    added = send(client, "post", url, {"email": "Other@Example.org"}, bearer(team_user))
    invited = send(client, "post", url, {"email": "new@example.org"}, bearer(team_user))
    bad = send(client, "post", url, {"email": "not-an-email"}, bearer(team_user))

    # The same answer whether or not the address has an account: nobody joins unasked.
    assert added.status_code == invited.status_code == 201
    assert {k: v for k, v in added.json().items() if k not in ("email", "since")} == {
        k: v for k, v in invited.json().items() if k not in ("email", "since")
    }
    assert added.json()["status"] == "invited" and added.json()["id"] is None
    assert bad.status_code == 400 and fields_of(bad) == {"email"}
    assert not ProfileTeamMember.objects.filter(organisation=org, user=other_user).exists()
    assert TeamInvitation.objects.filter(organisation=org, email="new@example.org").exists()
    patch = {"city": "Lille"}
    assert (
        send(
            client, "patch", f"{API}/organisations/{org.slug}", patch, bearer(other_user)
        ).status_code
        == 403
    )
    # Once they accept, they may edit.
    invitation = TeamInvitation.objects.get(organisation=org, email="other@example.org")
    other_user.emailaddress_set.create(email="other@example.org", verified=True, primary=True)
    registry_services.answer_invitation(invitation, other_user, accept=True)
    assert (
        send(
            client,
            "patch",
            f"{API}/organisations/{org.slug}",
            {"city": "Lille"},
            bearer(other_user),
        ).status_code
        == 200
    )


# Projects and collaboration -----------------------------------------------------------------


def test_projects_and_collaborators(client, org):
    partner = make_org("Partner GmbH", country="DE")
    third = make_org("Third Srl", country="IT")
    for i, members in enumerate([(org, partner), (org, partner, third), (partner, third)]):
        project = factories.ProjectFactory(cordis_id=f"10000{i}", acronym=f"P{i}")
        for order, member in enumerate(members, start=1):
            factories.ParticipationFactory(
                project=project,
                organisation=member,
                role="coordinator" if order == 1 else "participant",
                order=order,
                ec_contribution=Decimal("1000.50"),
            )

    projects = client.get(f"{API}/organisations/{org.slug}/projects").json()
    collaborators = client.get(f"{API}/organisations/{org.slug}/collaborators").json()

    assert projects["count"] == 2
    assert [p["acronym"] for p in projects["items"]] == ["P1", "P0"]
    assert projects["items"][0]["partners"] == 3
    assert collaborators["count"] == 2
    assert [(c["organisation"]["slug"], c["shared_projects"]) for c in collaborators["items"]] == [
        ("partner-gmbh", 2),
        ("third-srl", 1),
    ]
    second_page = client.get(
        f"{API}/organisations/{org.slug}/collaborators", {"limit": 1, "offset": 1}
    ).json()
    assert [c["organisation"]["slug"] for c in second_page["items"]] == ["third-srl"]


# Session users and the OpenAPI document -----------------------------------------------------


def test_a_signed_in_session_writes_only_with_a_csrf_token(org, team_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(team_user)

    response = send(browser, "patch", f"{API}/organisations/{org.slug}", {"city": "Lille"})

    assert response.status_code == 403
    org.refresh_from_db()
    assert org.city == "Paris"


def test_openapi_document_lists_the_registry_paths(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/registry/organisations",
        "/api/v1/registry/organisations/{slug}",
        "/api/v1/registry/clusters",
        "/api/v1/registry/clusters/{slug}/members",
        "/api/v1/registry/organisations/{slug}/people",
        "/api/v1/registry/organisations/{slug}/team",
        "/api/v1/registry/organisations/{slug}/projects",
        "/api/v1/registry/organisations/{slug}/collaborators",
    ):
        assert path in paths
    assert set(paths["/api/v1/registry/organisations/{slug}"]) == {"get", "put", "patch", "delete"}
    assert client.get("/api/v1/docs").status_code == 200


# Imports ------------------------------------------------------------------------------------

GOOD_CSV = (
    "legal_name,kind,country,nuts_region,website,ecosystems,pic\n"
    "Atelier Numérique,company,FR,FR101,https://atelier.example.fr,digital,111111111\n"
    "Hellas Research,research,EL,,https://hellas.example.gr,health,222222222\n"
)
BAD_CSV = (
    "legal_name,kind,country,website\n"
    "Atelier Numérique,company,FR,https://atelier.example.fr\n"
    "Nowhere Ltd,company,XX,https://nowhere.example.org\n"
    "Scheme Ltd,company,DE,javascript:alert(1)\n"
)


def upload(client, kind, text, headers, name="file.csv", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv"), **extra}
    return client.post(f"{API}/imports/{kind}", data, headers=headers)


def test_staff_imports_a_good_file(transactional_db, client, staff_user):
    response = upload(client, "organisations", GOOD_CSV, bearer(staff_user))

    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["ok"] is True
    assert report["created"] == 2 and report["errors"] == []
    hellas = Organisation.objects.get(pic="222222222")
    assert hellas.country_id == "GR"
    assert list(hellas.ecosystems.values_list("slug", flat=True)) == ["health"]
    # Imported organisations are found by the directory like any other.
    assert client.get(f"{API}/organisations", {"q": "atelier numerique"}).json()["count"] == 1


def test_a_bad_row_is_reported_and_nothing_is_written(transactional_db, client, staff_user):
    response = upload(client, "organisations", BAD_CSV, bearer(staff_user))

    assert response.status_code == 400
    report = response.json()
    assert report["ok"] is False
    assert report["created"] == 0
    places = {(e["row"], e["column"]) for e in report["errors"]}
    assert (3, "country") in places
    assert (4, "website") in places
    assert all(e["message"] for e in report["errors"])
    assert not Organisation.objects.exists()


def test_dry_run_checks_without_writing(transactional_db, client, staff_user):
    response = upload(client, "organisations", GOOD_CSV, bearer(staff_user), dry_run="true")

    assert response.status_code == 200
    assert response.json()["dry_run"] is True and response.json()["created"] == 2
    assert not Organisation.objects.exists()


def test_cluster_import_creates_profiles(transactional_db, client, staff_user):
    text = (
        "legal_name,country,website,members_companies,members_research,management_fte,labels\n"
        "Cluster Import,FR,https://ci.example.fr,30,5,2,ecei-gold:2027-12-31\n"
    )

    response = upload(client, "clusters", text, bearer(staff_user))

    assert response.status_code == 200, response.json()
    detail = client.get(f"{API}/clusters/cluster-import").json()
    assert detail["members_total"] == 35
    assert detail["labels"][0]["valid_until"] == "2027-12-31"
    assert detail["validation"]["is_validated"] is True


def test_cordis_import_records_projects(transactional_db, client, staff_user):
    with open("../shared/data/cordis-h2020-sample/participations.csv", encoding="utf-8") as f:
        lines = f.readlines()[:15]

    response = upload(client, "cordis", "".join(lines), bearer(staff_user))

    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["created"] >= 1
    assert report["counts"]["projects_created"] >= 1
    pic = lines[1].split(",")[2]
    slug = Organisation.objects.get(pic=pic).slug
    assert client.get(f"{API}/organisations/{slug}/projects").json()["count"] >= 1


def test_imports_are_for_staff_only(client, team_user):
    assert upload(client, "organisations", GOOD_CSV, {}).status_code == 401
    assert upload(client, "organisations", GOOD_CSV, bearer(team_user)).status_code == 403
    assert not Organisation.objects.exists()


def test_unknown_import_kind_is_refused(client, staff_user):
    response = upload(client, "spaceships", GOOD_CSV, bearer(staff_user))

    assert response.status_code == 422
    assert fields_of(response) == {"kind"}


def test_with_a_worker_an_import_answers_202_and_the_job_gives_the_report(
    transactional_db, client, staff_user, settings, tmp_path
):
    from tests.workers import db_worker

    headers = bearer(staff_user)
    with db_worker(settings, tmp_path) as worker:
        response = upload(client, "organisations", GOOD_CSV, headers)
        assert response.status_code == 202, response.json()
        job_url = response["Location"]
        assert job_url.endswith(f"/api/v1/jobs/{response.json()['id']}")
        worker.wait_until(
            lambda: client.get(job_url, headers=headers).json()["status"] == "done",
            what="the import",
        )

    job = client.get(job_url, headers=headers).json()
    assert job["result"]["created"] == 2
    assert Organisation.objects.filter(legal_name="Hellas Research").exists()
    # Nobody else sees the job.
    assert client.get(job_url, headers=bearer(make_user("other@example.org"))).status_code == 404
