"""The public cluster and organisation directories: search, facets, sorting, pagination."""

import pytest
from django.urls import reverse

from clusterhub.registry import services
from clusterhub.registry.models import ClusterLabel, Organisation
from tests import factories
from tests.factories import ClusterOrganisationFactory

pytestmark = pytest.mark.django_db


def make_cluster(name, country="FR", *, labels=(), members=20, **organisation):
    """A cluster organisation with ``members`` member companies (``organisation``: its fields,
    ``ecosystems`` and ``technologies`` as slugs)."""
    return ClusterOrganisationFactory(
        organisation__legal_name=name,
        organisation__country=factories.country(country),
        **{f"organisation__{k}": v for k, v in organisation.items()},
        labels=[ClusterLabel(scheme=s, level=lv) for s, lv in labels],
        members_companies=members,
    ).organisation


@pytest.fixture
def clusters():
    return {
        "polymeris": make_cluster(
            "Polymeris",
            short_name="Polyméris",
            latitude=46.26,
            longitude=5.65,
            city="Oyonnax",
            ecosystems=["energy-intensive", "mobility-transport-automotive"],
            technologies=["advanced-materials"],
            members=400,
            labels=[("ecei", "gold"), ("pole", "labelled")],
            description="Polymers, rubber and composites.",
        ),
        "techtera": make_cluster(
            "Techtera",
            latitude=45.76,
            longitude=4.83,
            city="Lyon",
            ecosystems=["textiles"],
            members=150,
            labels=[("ecei", "silver")],
            description="Technical textiles and flexible materials.",
        ),
        "silicon": make_cluster(
            "Silicon Saxony",
            country="DE",
            latitude=51.05,
            longitude=13.74,
            city="Dresden",
            ecosystems=["electronics", "digital"],
            technologies=["micro-nanoelectronics"],
            members=500,
        ),
    }


def names(response):
    return [p.organisation.legal_name for p in response.context["page"].object_list]


def facet(response, name):
    return {o["value"]: o["count"] for o in response.context["facets"][name]}


def test_search_ignores_case_and_accents_and_matches_prefixes(client, clusters):
    url = reverse("registry:cluster-list")
    assert names(client.get(url, {"q": "polymeris"})) == ["Polymeris"]
    assert names(client.get(url, {"q": "POLYMÉR"})) == ["Polymeris"]
    assert names(client.get(url, {"q": "textile lyon"})) == ["Techtera"]
    assert names(client.get(url, {"q": "dresden"})) == ["Silicon Saxony"]
    response = client.get(url, {"q": "nothing-like-this"})
    assert names(response) == []
    assert "No cluster organisation matches" in response.content.decode()


def test_search_finds_ecosystem_and_technology_names(client, clusters):
    url = reverse("registry:cluster-list")
    assert names(client.get(url, {"q": "electronics"})) == ["Silicon Saxony"]
    assert names(client.get(url, {"q": "advanced materials"})) == ["Polymeris"]


def test_facets_filter_and_count(client, clusters):
    url = reverse("registry:cluster-list")
    response = client.get(url)
    assert facet(response, "country") == {"FR": 2, "DE": 1}
    assert facet(response, "ecosystem")["textiles"] == 1
    assert facet(response, "label") == {"ecei-gold": 1, "pole-labelled": 1, "ecei-silver": 1}
    assert facet(response, "size") == {"medium": 1, "large": 1, "very_large": 1}

    response = client.get(url, {"country": "FR"})
    assert sorted(names(response)) == ["Polymeris", "Techtera"]
    # A facet counts with every filter but its own: other countries stay selectable.
    assert facet(response, "country") == {"FR": 2, "DE": 1}
    assert facet(response, "ecosystem") == {
        "energy-intensive": 1,
        "mobility-transport-automotive": 1,
        "textiles": 1,
    }

    response = client.get(url, {"country": "FR", "label": "ecei-gold"})
    assert names(response) == ["Polymeris"]
    response = client.get(url, {"ecosystem": ["textiles", "electronics"]})
    assert sorted(names(response)) == ["Silicon Saxony", "Techtera"]
    response = client.get(url, {"size": "very_large"})
    assert names(response) == ["Silicon Saxony"]


def test_region_facet_uses_nuts_derived_from_coordinates(client, clusters):
    url = reverse("registry:cluster-list")
    regions = facet(client.get(url), "region")
    assert regions == {"FRK2": 2, "DED2": 1}
    # A NUTS-1 code selects every cluster below it.
    assert sorted(names(client.get(url, {"region": "FRK"}))) == ["Polymeris", "Techtera"]
    assert names(client.get(url, {"region": "DED2"})) == ["Silicon Saxony"]


def test_sorting(client, clusters):
    url = reverse("registry:cluster-list")
    assert names(client.get(url, {"sort": "-members"})) == [
        "Silicon Saxony",
        "Polymeris",
        "Techtera",
    ]
    assert names(client.get(url)) == ["Polymeris", "Silicon Saxony", "Techtera"]


def test_pagination_keeps_the_filters(client):
    for i in range(25):
        make_cluster(f"Cluster {i:02d}", members=30)
    url = reverse("registry:cluster-list")
    first = client.get(url, {"country": "FR"})
    assert first.context["page"].paginator.count == 25
    assert len(names(first)) == 20
    assert "country=FR&amp;page=2" in first.content.decode()
    second = client.get(url, {"country": "FR", "page": 2})
    assert names(second) == [f"Cluster {i:02d}" for i in range(20, 25)]


def test_htmx_request_returns_only_the_results(client, clusters):
    response = client.get(
        reverse("registry:cluster-list"), {"q": "techtera"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "Techtera" in body and "Polymeris" not in body


def test_directory_query_count_does_not_grow_with_results(client, django_assert_max_num_queries):
    for i in range(20):
        make_cluster(f"Cluster {i}", ecosystems=["digital", "health"], labels=[("ecei", "bronze")])
    with django_assert_max_num_queries(16):
        response = client.get(reverse("registry:cluster-list"), {"q": "cluster", "country": "FR"})
    assert len(names(response)) == 20


def test_organisation_directory_filters_by_kind(client, clusters):
    services.save_organisation(
        Organisation(legal_name="Toray Films Europe", kind="company", is_sme=False, country_id="FR")
    )
    services.save_organisation(
        Organisation(legal_name="Small Plastics SARL", kind="company", is_sme=True, country_id="FR")
    )
    url = reverse("registry:organisation-list")
    response = client.get(url, {"member_kind": "company"})
    assert [o.legal_name for o in response.context["page"].object_list] == [
        "Small Plastics SARL",
        "Toray Films Europe",
    ]
    kinds = facet(client.get(url), "member_kind")
    assert kinds == {"cluster": 3, "company": 2, "sme": 1}
    response = client.get(url, {"q": "toray"})
    assert [o.legal_name for o in response.context["page"].object_list] == ["Toray Films Europe"]


def test_country_filter_accepts_eu_codes(client):
    make_cluster("Corallia", country="GR")
    url = reverse("registry:cluster-list")
    assert names(client.get(url, {"country": "EL"})) == ["Corallia"]
    assert names(client.get(url, {"country": "gr"})) == ["Corallia"]


@pytest.mark.parametrize(
    "field, value", [("latitude", float("nan")), ("longitude", float("inf")), ("city", "Ly\x00on")]
)
def test_services_refuse_values_the_database_cannot_hold(field, value):
    from django.core.exceptions import ValidationError

    org = Organisation(legal_name="X", kind="company", country_id="FR", latitude=45, longitude=4)
    setattr(org, field, value)
    with pytest.raises(ValidationError) as error:
        services.save_organisation(org)
    assert field in error.value.message_dict
    assert not Organisation.objects.filter(legal_name="X").exists()


def test_a_declared_label_is_marked_and_not_a_filter_until_staff_verify_it(client):
    """Any team can type "ECEI Gold" into its profile: it shows as declared, and the label
    filter (and its counts) follow verified labels only."""
    org = ClusterOrganisationFactory(
        organisation__legal_name="Self Proclaimed",
        labels=[ClusterLabel(scheme="ecei", level="gold")],
        labels_verified=False,
    ).organisation
    url = reverse("registry:cluster-list")
    assert "ecei-gold" not in facet(client.get(url), "label")
    assert names(client.get(url, {"label": "ecei-gold"})) == []
    listing = client.get(url).content.decode()
    assert "ECEI Gold · declared" in listing
    page = client.get(org.get_absolute_url()).content.decode()
    assert "declared by the cluster, not verified by the platform" in page
    staff = factories.UserFactory(is_staff=True)
    services.verify_labels(ClusterLabel.objects.all(), staff)
    assert names(client.get(url, {"label": "ecei-gold"})) == ["Self Proclaimed"]
    page = client.get(org.get_absolute_url()).content.decode()
    assert "ECEI Gold ✓" in page and "verified by the platform on" in page
    # The team edits the label: declared again.
    label = ClusterLabel.objects.get()
    profile = label.cluster
    services.save_cluster_profile(
        profile, labels=[ClusterLabel(scheme="ecei", level="gold", awarded_by="Someone else")]
    )
    assert not ClusterLabel.objects.get().verified


def test_a_facet_for_the_larger_region(client, clusters):
    url = reverse("registry:cluster-list")
    response = client.get(url)
    assert facet(response, "area") == {"FRK": 2, "DED": 1}
    assert "Larger region (NUTS 1)" in response.content.decode()
    labels = {o["value"]: o["label"] for o in response.context["facets"]["area"]}
    assert labels == {"FRK": "Auvergne-Rhône-Alpes", "DED": "Sachsen"}
    assert sorted(names(client.get(url, {"area": "FRK"}))) == ["Polymeris", "Techtera"]
    # The larger region counts with the other facets but not with itself.
    assert facet(client.get(url, {"area": "DED"}), "area") == {"FRK": 2, "DED": 1}
    assert facet(client.get(url, {"area": "DED"}), "region") == {"DED2": 1}
