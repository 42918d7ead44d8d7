import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterhub.core.models import ApiToken
from clusterhub.registry.models import ClusterLabel, ClusterOrganisation, Organisation, Person
from tests.factories import (
    ClusterOrganisationFactory,
    OrganisationFactory,
    ParticipationFactory,
    PersonFactory,
    ProfileTeamMemberFactory,
    TeamInvitationFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registry_organisation_import"
CSV = (
    b"legal_name,kind,country,city,latitude,longitude,website\n"
    b"Polymeris Lyon SAS,company,FR,Lyon,45.76,4.83,https://polymeris.example.fr\n"
    b"Institut Berlin,research,DE,Berlin,,,http://www.institut.de\n"
)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(superuser=True))
    return client


@pytest.fixture
def some_of_everything():
    profile = ClusterOrganisationFactory(labels=[ClusterLabel(scheme="ecei", level="gold")])
    ProfileTeamMemberFactory(organisation=profile.organisation)
    TeamInvitationFactory(organisation=profile.organisation)
    PersonFactory(organisation=profile.organisation, consented=True)
    ParticipationFactory(organisation=profile.organisation)
    ApiToken.issue(UserFactory(), "script")


def test_every_changelist_loads(superuser_client, some_of_everything):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        if model_admin.search_fields:
            assert superuser_client.get(url, {"q": "a"}).status_code == 200, url


def test_every_change_page_loads(superuser_client, some_of_everything):
    for model in admin.site._registry:
        opts = model._meta
        obj = model._default_manager.first()
        if obj is None:
            continue
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200, url


def test_api_token_admin_never_shows_the_digest(superuser_client):
    token, raw = ApiToken.issue(UserFactory(), "sync script")
    for url in (
        reverse("admin:core_apitoken_changelist"),
        reverse("admin:core_apitoken_change", args=[token.pk]),
    ):
        page = superuser_client.get(url).content.decode()
        assert token.prefix in page
        assert token.digest not in page and raw not in page


def test_organisation_changelist_links_to_the_import(superuser_client):
    page = superuser_client.get(reverse("admin:registry_organisation_changelist"))
    assert reverse(IMPORT_URL) in page.content.decode()


def test_import_page_for_staff(client, transactional_db):
    client.force_login(UserFactory(staff=True))
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 200
    assert b'name="file"' in response.content

    response = client.post(
        reverse(IMPORT_URL),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", CSV)},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["job"].result["created"] == 2
    assert Organisation.objects.get(city="Lyon").nuts_region_id == "FRK26"


def test_import_page_shows_rows_columns_and_reasons(client, transactional_db):
    client.force_login(UserFactory(staff=True))
    bad = CSV + b"Nowhere Ltd,company,XX,,,,www.nowhere.example\n"
    response = client.post(
        reverse(IMPORT_URL),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", bad)},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-errors"' in page
    assert "<td>4</td>" in page and "<td>country</td>" in page
    assert "unknown country code &#x27;XX&#x27;" in page
    assert "website must start with http:// or https://" in page
    assert not Organisation.objects.exists()


def test_import_page_rejects_a_file_that_is_not_a_table(client, transactional_db):
    client.force_login(UserFactory(staff=True))
    png = SimpleUploadedFile("orgs.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    response = client.post(reverse(IMPORT_URL), {"kind": "organisations", "file": png}, follow=True)
    assert "PNG image" in response.content.decode()


def test_import_page_dry_run(client, transactional_db):
    client.force_login(UserFactory(staff=True))
    response = client.post(
        reverse(IMPORT_URL),
        {"kind": "organisations", "file": SimpleUploadedFile("o.csv", CSV), "dry_run": "on"},
        follow=True,
    )
    assert response.context["job"].result["created"] == 2
    assert not Organisation.objects.exists()


def test_import_page_is_closed_to_others(client):
    url = reverse(IMPORT_URL)
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(UserFactory())
    response = client.post(url, {"kind": "organisations", "file": SimpleUploadedFile("o.csv", CSV)})
    assert response.status_code in (302, 403)
    assert not Organisation.objects.exists()


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def organisation_form(**values) -> dict:
    data = {
        "legal_name": "Polymeris Lyon SAS",
        "short_name": "",
        "kind": "company",
        "country": "FR",
        "city": "Lyon",
        "latitude": "45.76",
        "longitude": "4.83",
        "website": "",
        "description": "",
        "pic": "",
        "ecosystems": ["digital"],
        **inline_management("cluster_profile"),
        **inline_management("team_members"),
    }
    data.update(values)
    return data


def test_admin_add_goes_through_the_services(superuser_client):
    response = superuser_client.post(
        reverse("admin:registry_organisation_add"), organisation_form()
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    org = Organisation.objects.get()
    assert org.slug == "polymeris-lyon-sas"
    assert org.nuts_region_id == "FRK26"
    assert "digital" in org.search_document and "lyon" in org.search_document


def test_admin_rejects_a_region_outside_the_country(superuser_client):
    response = superuser_client.post(
        reverse("admin:registry_organisation_add"),
        organisation_form(country="DE", nuts_region="FRK26"),
    )
    assert response.status_code == 200
    assert "nuts_region" in response.context["adminform"].form.errors
    assert not Organisation.objects.exists()


def test_admin_cluster_profile_inline_derives_total_and_validation(superuser_client):
    data = organisation_form(
        legal_name="Plastipolis",
        kind="cluster",
        website="https://www.plastipolis.fr",
        **inline_management("cluster_profile", total=1),
    )
    data.update(
        {
            "cluster_profile-0-members_companies": "20",
            "cluster_profile-0-members_smes": "10",
            "cluster_profile-0-members_research": "5",
            "cluster_profile-0-members_universities": "0",
            "cluster_profile-0-members_public": "0",
            "cluster_profile-0-members_other": "0",
            "cluster_profile-0-management_fte": "2.0",
        }
    )
    response = superuser_client.post(reverse("admin:registry_organisation_add"), data)
    assert response.status_code == 302
    profile = ClusterOrganisation.objects.get()
    assert profile.members_total == 25
    assert profile.is_validated


def test_admin_cluster_labels_are_saved_through_the_service(superuser_client):
    profile = ClusterOrganisationFactory(members_companies=1, members_smes=0)
    url = reverse("admin:registry_clusterorganisation_change", args=[profile.pk])
    data = {
        "organisation": profile.organisation_id,
        "founding_year": "2010",
        "members_companies": "30",
        "members_smes": "10",
        "members_research": "4",
        "members_universities": "0",
        "members_public": "0",
        "members_other": "0",
        "management_fte": "1.5",
        "support_programmes": "",
        "languages": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        **inline_management("labels", total=1),
        "labels-0-scheme": "ecei",
        "labels-0-level": "silver",
        "labels-0-awarded_by": "",
        "labels-0-valid_from": "",
        "labels-0-valid_until": "",
        **inline_management("memberships"),
    }
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.members_total == 34
    assert [(lb.scheme, lb.level) for lb in profile.labels.all()] == [("ecei", "silver")]


def test_admin_person_consent_is_dated(superuser_client):
    org = OrganisationFactory(country=country("BE"))
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "role": "",
        "organisation": org.pk,
        "email": "ada@example.org",
        "user": "",
        "public_consent": "on",
    }
    response = superuser_client.post(reverse("admin:registry_person_add"), data)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.public_consent and person.public_consent_at is not None

    data.pop("public_consent")
    url = reverse("admin:registry_person_change", args=[person.pk])
    assert superuser_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert not person.public_consent and person.public_consent_at is None
