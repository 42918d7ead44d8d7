"""The registry's validators: one SME rule, the same for the form, the services (and so the
API), the admin and the import."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusterhub.registry import services
from clusterhub.registry.forms import ClusterProfileForm
from clusterhub.registry.models import ClusterOrganisation, OrganisationKind
from clusterhub.registry.validators import sme_flag, validate_smes_within_companies
from tests.factories import ClusterOrganisationFactory, UserFactory

RULE = "The SMEs are counted among the member companies."


def test_smes_are_some_of_the_member_companies():
    validate_smes_within_companies(10, 10)
    validate_smes_within_companies(10, 0)
    with pytest.raises(ValidationError) as caught:
        validate_smes_within_companies(10, 11)
    assert caught.value.message_dict == {"members_smes": [RULE]}
    assert caught.value.error_dict["members_smes"][0].code == "smes_within_companies"


def test_only_companies_are_smes():
    assert sme_flag(OrganisationKind.COMPANY, True) is True
    assert sme_flag(OrganisationKind.COMPANY, False) is False
    assert sme_flag(OrganisationKind.CLUSTER, True) is False
    assert sme_flag(OrganisationKind.RESEARCH, True) is False


@pytest.mark.django_db
def test_the_model_the_form_and_the_service_apply_the_same_rule():
    profile = ClusterOrganisationFactory(members_companies=10, members_smes=5)
    profile.members_smes = 11
    with pytest.raises(ValidationError) as by_model:
        profile.full_clean(exclude=["organisation"])
    with pytest.raises(ValidationError) as by_service:
        services.save_cluster_profile(profile)
    assert by_model.value.message_dict["members_smes"] == [RULE]
    assert by_service.value.message_dict["members_smes"] == [RULE]

    data = {
        "members_companies": 10,
        "members_smes": 11,
        "members_research": 0,
        "members_universities": 0,
        "members_public": 0,
        "members_other": 0,
        "management_fte": "1.0",
    }
    form = ClusterProfileForm(data, instance=ClusterOrganisation.objects.get(pk=profile.pk))
    assert not form.is_valid()
    assert form.errors["members_smes"] == [RULE]
    assert ClusterOrganisation.objects.get(pk=profile.pk).members_smes == 5


@pytest.mark.django_db
def test_the_admin_names_the_field_instead_of_failing(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    profile = ClusterOrganisationFactory(members_companies=10, members_smes=5)
    url = reverse("admin:registry_clusterorganisation_change", args=[profile.pk])
    management = {
        f"{prefix}-{name}": value
        for prefix in ("labels", "memberships")
        for name, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }
    response = client.post(
        url,
        {
            "organisation": profile.organisation_id,
            "members_companies": "10",
            "members_smes": "11",
            "members_research": "0",
            "members_universities": "0",
            "members_public": "0",
            "members_other": "0",
            "management_fte": "1.0",
            **management,
        },
    )
    assert response.status_code == 200
    assert RULE in response.content.decode()
    assert ClusterOrganisation.objects.get(pk=profile.pk).members_smes == 5
