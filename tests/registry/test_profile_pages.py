"""Cluster and organisation profile pages, validation criteria, consent, editing rights."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clusterhub.core.services import create_verified_user
from clusterhub.registry import services
from clusterhub.registry.models import (
    ClusterOrganisation,
    Organisation,
    Participation,
    Person,
    ProfileTeamMember,
    Project,
    TeamInvitation,
)
from tests.factories import ClusterOrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster():
    org = services.save_organisation(
        Organisation(
            legal_name="CIMES",
            kind="cluster",
            country_id="FR",
            latitude=45.9,
            longitude=6.12,
            website="https://www.pole-cimes.com",
        )
    )
    services.save_cluster_profile(
        ClusterOrganisation(
            organisation=org,
            members_companies=120,
            members_smes=90,
            members_research=15,
            management_fte=Decimal("6"),
            founding_year=2005,
        )
    )
    return org


@pytest.fixture
def user():
    return get_user_model().objects.create_user("user@example.org", "user@example.org", "pw")


def test_profile_shows_figures_and_validation(client, cluster):
    response = client.get(reverse("registry:cluster-detail", args=[cluster.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "135" in body  # members in all
    assert "Validated profile" in body
    assert "not validated" not in body


@pytest.mark.parametrize(
    "change, missing",
    [
        ({"management_fte": Decimal("0.4")}, "At least 0.5 FTE of management staff (now 0.4)"),
        (
            {"members_companies": 10, "members_smes": 0, "members_research": 2},
            "At least 15 members",
        ),
        ({"members_research": 0}, "Members of at least 2 kinds"),
    ],
)
def test_profile_says_which_criteria_are_missing(client, cluster, change, missing):
    profile = cluster.cluster_profile
    for field, value in change.items():
        setattr(profile, field, value)
    services.save_cluster_profile(profile)
    assert profile.is_validated is False
    body = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "This profile is not validated yet" in body
    assert missing in body


def test_missing_website_blocks_validation(client, cluster):
    cluster.website = ""
    services.save_organisation(cluster)
    profile = services.save_cluster_profile(cluster.cluster_profile)
    assert not profile.is_validated
    body = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "A website." in body


def test_only_consenting_people_are_shown(client, cluster):
    Person.objects.create(
        first_name="Loïc",
        last_name="Marin",
        role="European project manager",
        organisation=cluster,
        public_consent=True,
        public_consent_at=timezone.now(),
    )
    Person.objects.create(first_name="Hidden", last_name="Person", organisation=cluster)
    body = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "Loïc Marin" in body
    assert "Hidden Person" not in body


def test_collaboration_history_with_attribution(client, cluster):
    other = services.save_organisation(
        Organisation(legal_name="Université Lyon 1", kind="higher_education", country_id="FR")
    )
    project = Project.objects.create(
        cordis_id="101000001", acronym="POLYCIRC", topic_title="Plastics"
    )
    Participation.objects.create(project=project, organisation=cluster, role="coordinator")
    Participation.objects.create(project=project, organisation=other, role="participant")
    body = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "POLYCIRC" in body and "Université Lyon 1" in body
    assert "Source: CORDIS, European Commission." in body
    body = client.get(reverse("registry:organisation-detail", args=[other.slug])).content.decode()
    assert "CIMES" in body


def test_only_the_profile_team_can_edit(client, cluster, user):
    edit = reverse("registry:cluster-edit", args=[cluster.slug])
    assert client.get(edit).status_code == 302  # to the login page
    client.force_login(user)
    assert client.get(edit).status_code == 403
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    assert client.get(edit).status_code == 200
    detail = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "Edit profile" in detail


def _edit_payload(org, profile, **overrides):
    data = {
        "org-legal_name": org.legal_name,
        "org-short_name": "",
        "org-kind": "cluster",
        "org-country": org.country_id,
        "org-nuts_region": "",
        "org-city": "Annecy",
        "org-latitude": "45.9",
        "org-longitude": "6.12",
        "org-website": org.website,
        "org-description": "Mechanical engineering.",
        "org-pic": "",
        "profile-founding_year": "2005",
        "profile-members_companies": "120",
        "profile-members_smes": "90",
        "profile-members_research": "15",
        "profile-members_universities": "3",
        "profile-members_public": "0",
        "profile-members_other": "0",
        "profile-management_fte": "6",
        "profile-languages": "fr, en",
    }
    data.update(overrides)
    return data


def test_team_member_edits_the_profile(client, cluster, user):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    client.force_login(user)
    response = client.post(
        reverse("registry:cluster-edit", args=[cluster.slug]),
        _edit_payload(cluster, cluster.cluster_profile),
    )
    assert response.status_code == 302
    profile = ClusterOrganisation.objects.get(pk=cluster.cluster_profile.pk)
    assert profile.members_total == 138
    assert profile.organisation.city == "Annecy"
    assert profile.organisation.nuts_region_id == "FRK28"  # Haute-Savoie, from coordinates


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("org-country", "XX", "Select a valid choice"),
        ("org-nuts_region", "FR999", "Unknown NUTS code"),
        ("org-nuts_region", "DE300", "is not in"),
        ("profile-members_companies", "-5", "greater than or equal to 0"),
        ("profile-members_smes", "500", "SMEs are counted among the member companies"),
        ("org-website", "ftp://example.org", "http:// or https://"),
        ("org-website", "javascript:alert(1)", "Enter a valid URL"),
        ("org-latitude", "123", "less than or equal to 90"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    client, cluster, user, field, value, message
):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    client.force_login(user)
    before = ClusterOrganisation.objects.get(pk=cluster.cluster_profile.pk)
    response = client.post(
        reverse("registry:cluster-edit", args=[cluster.slug]),
        _edit_payload(cluster, cluster.cluster_profile, **{field: value}),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert f'id="field-{field}"' in body
    after = ClusterOrganisation.objects.get(pk=cluster.cluster_profile.pk)
    assert after.members_total == before.members_total
    assert after.organisation.city == before.organisation.city


def test_team_member_adds_colleagues_by_email(
    client, cluster, user, django_capture_on_commit_callbacks
):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    colleague = create_verified_user("c@example.org", "a-Long-pass-2026")
    client.force_login(user)
    url = reverse("registry:team", args=[cluster.slug])
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "C@example.org"}, follow=True).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "new@example.org"}, follow=True).content.decode()
    # Same answer with or without an account; nobody joined unasked.
    assert "We sent an invitation to c@example.org." in known
    assert "We sent an invitation to new@example.org." in unknown
    assert not ProfileTeamMember.objects.filter(organisation=cluster, user=colleague).exists()
    assert "invited, waiting for an answer" in unknown
    # The platform's wording, whatever the organisation is called.
    message = next(m for m in mail.outbox if m.to == ["c@example.org"])
    assert message.subject == "An invitation to a profile team on Clusterhub"
    link = re.search(r"https?://\S+/invitations/\S+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    # Another account cannot use the link; the invitee sees it and accepts.
    client.force_login(create_verified_user("someone@example.org", "a-Long-pass-2026"))
    assert client.get("/" + path).status_code == 403
    assert client.post("/" + path, {"answer": "accept"}).status_code == 403
    client.force_login(colleague)
    page = client.get("/" + path).content.decode()
    assert "invites you to the profile team of" in page and cluster.name in page
    client.post("/" + path, {"answer": "accept"})
    assert ProfileTeamMember.objects.filter(organisation=cluster, user=colleague).exists()
    assert client.get("/" + path).status_code == 404  # used up
    # The team withdraws the other invitation.
    client.force_login(user)
    pending = TeamInvitation.objects.get(organisation=cluster, email="new@example.org")
    client.post(url, {"withdraw": pending.pk})
    assert not TeamInvitation.objects.exists()


def test_an_invitation_is_declined_and_listed_until_answered(client, cluster, user):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    invitee = create_verified_user("invitee@example.org", "a-Long-pass-2026")
    invitation = services.add_team_member(cluster, "invitee@example.org", user)
    client.force_login(invitee)
    listing = client.get(reverse("registry:invitations")).content.decode()
    assert cluster.name in listing and "Join the team" in listing
    client.post(reverse("registry:invitation", args=[invitation.token]), {"answer": "decline"})
    assert not ProfileTeamMember.objects.filter(organisation=cluster, user=invitee).exists()
    assert (
        "No invitation is waiting for you."
        in client.get(reverse("registry:invitations")).content.decode()
    )


def test_outsiders_cannot_see_or_change_the_team(client, cluster, user):
    client.force_login(user)
    url = reverse("registry:team", args=[cluster.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": "x@example.org"}).status_code == 403
    assert not TeamInvitation.objects.exists()


def test_signed_in_user_creates_a_cluster_and_joins_its_team(client, user):
    client.force_login(user)
    data = _edit_payload(
        Organisation(legal_name="Techtera", country_id="FR", website="https://www.techtera.org"),
        None,
    )
    del data["org-kind"]
    response = client.post(reverse("registry:cluster-create"), data)
    assert response.status_code == 302
    org = Organisation.objects.get(legal_name="Techtera")
    assert org.kind == "cluster" and org.cluster_profile.members_total == 138
    assert ProfileTeamMember.objects.filter(organisation=org, user=user).exists()


def test_cluster_without_profile_shows_its_organisation_page(client):
    org = services.save_organisation(
        Organisation(legal_name="PolymerOhio", kind="cluster", country_id="US")
    )
    response = client.get(org.get_absolute_url(), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "registry:organisation-detail", args=[org.slug]
    )
    assert "PolymerOhio" in response.content.decode()


def test_team_manages_member_organisations(client, cluster, user):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    toray = services.save_organisation(
        Organisation(legal_name="Toray Films Europe", kind="company", country_id="FR")
    )
    url = reverse("registry:cluster-members", args=[cluster.slug])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(user)
    client.post(url, {"organisation": "toray films europe", "since": "2012"})
    assert cluster.cluster_profile.memberships.get().member == toray
    body = client.get(reverse("registry:cluster-detail", args=[cluster.slug])).content.decode()
    assert "Toray Films Europe" in body
    response = client.post(url, {"organisation": "Toray Films Europe"})
    assert "already a member" in response.content.decode()
    response = client.post(url, {"organisation": "Nobody Inc"})
    assert "No organisation “Nobody Inc” in the registry" in response.content.decode()
    membership = cluster.cluster_profile.memberships.get()
    client.post(url, {"remove": membership.pk})
    assert not cluster.cluster_profile.memberships.exists()


def test_a_membership_shows_on_the_members_page_only_once_its_team_confirms_it(
    client, cluster, user
):
    """A cluster's team lists CNRS as a member: the cluster's page says the member has not
    confirmed it, CNRS's page does not show it until CNRS's team confirms."""
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    cnrs = services.save_organisation(
        Organisation(legal_name="CNRS", kind="research", country_id="FR")
    )
    cnrs_team = create_verified_user("team@cnrs.example", "a-Long-pass-2026")
    ProfileTeamMember.objects.create(organisation=cnrs, user=cnrs_team)
    client.force_login(user)
    client.post(reverse("registry:cluster-members", args=[cluster.slug]), {"organisation": "CNRS"})
    membership = cluster.cluster_profile.memberships.get()
    assert membership.status == "proposed"
    cluster_page = client.get(cluster.cluster_profile.get_absolute_url()).content.decode()
    assert "CNRS" in cluster_page and "not confirmed by the member" in cluster_page
    assert cluster.name not in client.get(cnrs.get_absolute_url()).content.decode()
    # The cluster's team cannot confirm in CNRS's name.
    answer = reverse("registry:membership-answer", args=[cnrs.slug, membership.pk])
    assert client.post(answer, {"answer": "accept"}).status_code == 403
    client.force_login(cnrs_team)
    page = client.get(cnrs.get_absolute_url()).content.decode()
    assert "Memberships to confirm" in page and cluster.name in page
    client.post(answer, {"answer": "accept"})
    client.logout()
    page = client.get(cnrs.get_absolute_url()).content.decode()
    assert "Member of" in page and cluster.name in page
    cluster_page = client.get(cluster.cluster_profile.get_absolute_url()).content.decode()
    assert "not confirmed by the member" not in cluster_page


def test_a_member_denies_a_membership(client, cluster, user):
    ProfileTeamMember.objects.create(organisation=cluster, user=user)
    member = services.save_organisation(
        Organisation(legal_name="Not Us SA", kind="company", country_id="FR")
    )
    membership = services.add_member(cluster.cluster_profile, member, user)
    member_team = create_verified_user("team@notus.example", "a-Long-pass-2026")
    ProfileTeamMember.objects.create(organisation=member, user=member_team)
    client.force_login(member_team)
    answer = reverse("registry:membership-answer", args=[member.slug, membership.pk])
    client.post(answer, {"answer": "decline"})
    assert not cluster.cluster_profile.memberships.exists()


def test_a_cluster_proposed_as_member_of_another_confirms_it_on_its_own_page(client, user):
    network = ClusterOrganisationFactory(organisation__legal_name="Cluster Network")
    member = ClusterOrganisationFactory(organisation__legal_name="Member Cluster")
    network_team = create_verified_user("team@network.example", "a-Long-pass-2026")
    ProfileTeamMember.objects.create(organisation=network.organisation, user=network_team)
    ProfileTeamMember.objects.create(organisation=member.organisation, user=user)
    membership = services.add_member(network, member.organisation, network_team)
    page = client.get(member.get_absolute_url()).content.decode()
    assert "Cluster Network" not in page
    client.force_login(user)
    page = client.get(member.get_absolute_url()).content.decode()
    assert "Memberships to confirm" in page and "Cluster Network" in page
    answer = reverse("registry:membership-answer", args=[member.organisation.slug, membership.pk])
    client.post(answer, {"answer": "accept"})
    client.logout()
    page = client.get(member.get_absolute_url()).content.decode()
    assert "Member of" in page and "Cluster Network" in page


def test_the_team_sees_the_criteria_as_a_checklist_and_whether_figures_were_checked(
    client, cluster
):
    team = get_user_model().objects.create_user("team", "team@cimes.example", "x")
    services.seat_team_member(cluster, team)
    client.force_login(team)
    url = reverse("registry:cluster-detail", args=[cluster.slug])
    page = " ".join(client.get(url).content.decode().split())
    assert '<li class="met"><span aria-hidden="true">✓</span>' in page
    assert "At least 15 members (now 135)." in page
    assert "Figures declared by the profile team, not checked by platform staff yet." in page
    edit = client.get(reverse("registry:cluster-edit", args=[cluster.slug])).content.decode()
    assert "Figures declared by the profile team" in edit and "A website." in edit

    staff = get_user_model().objects.create_user("staff", "staff@hub.example", "x", is_staff=True)
    assert services.check_figures([cluster.cluster_profile], staff) == 1
    page = client.get(url).content.decode()
    assert "Figures checked by platform staff on" in page
    # Changing a figure makes the figures declared again; other changes keep the check.
    profile = ClusterOrganisation.objects.get(organisation=cluster)
    profile.contact_name = "Someone"
    services.save_cluster_profile(profile)
    assert ClusterOrganisation.objects.get(pk=profile.pk).figures_checked_at is not None
    profile.members_research = 20
    services.save_cluster_profile(profile)
    assert ClusterOrganisation.objects.get(pk=profile.pk).figures_checked_at is None
    # A visitor sees the checklist only while the profile is not validated.
    client.logout()
    assert 'id="validation"' not in client.get(url).content.decode()
