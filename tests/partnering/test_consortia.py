"""Consortium workspaces: the live eligibility verdict, invitations, member changes that break
eligibility, who may see a workspace, the note, the checklist, access and the exports."""

import csv
import io
import itertools
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterhub.partnering import eligibility, services
from clusterhub.partnering.models import (
    ChecklistItem,
    ConsortiumAccess,
    ConsortiumMember,
    MemberRole,
    MemberStatus,
)
from tests.factories import (
    FundingCallFactory,
    OrganisationFactory,
    ProfileTeamMemberFactory,
    UserFactory,
    country,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


PICS = itertools.count(1)


class Workspace:
    """A consortium under the Horizon Europe default rules, coordinated from France, with
    partners in Germany and Italy ready to be invited."""

    def __init__(self, rules=eligibility.HORIZON_EUROPE_DEFAULT):
        self.call = FundingCallFactory(title="Blue economy partnerships", rules=rules)
        self.coordinator = OrganisationFactory(
            legal_name="Pôle Mer Bretagne", country=country("FR")
        )
        self.user = UserFactory(email="coordinator@polemer.example")
        ProfileTeamMemberFactory(organisation=self.coordinator, user=self.user)
        self.consortium = services.create_consortium(
            self.call, self.coordinator, self.user, acronym="BLUEMED", title="Blue Med"
        )
        self.de = OrganisationFactory(
            legal_name="Maritimes Cluster Norddeutschland",
            country=country("DE"),
            pic=f"99999{next(PICS):04d}",
        )
        self.it = OrganisationFactory(
            legal_name="Cluster Tecnologico Blue Italian Growth", country=country("IT")
        )
        self.url = self.consortium.get_absolute_url()

    def member(self, org) -> ConsortiumMember:
        return ConsortiumMember.objects.get(consortium=self.consortium, organisation=org)

    def member_url(self, org) -> str:
        return reverse(
            "partnering:consortium-member", args=[self.consortium.pk, self.member(org).pk]
        )

    def invite_url(self) -> str:
        return reverse("partnering:consortium-invite", args=[self.consortium.pk])

    def confirm(self, org, **fields) -> None:
        """The partner's own team accepts the invitation and confirms (nobody else may)."""
        partner = UserFactory()
        ProfileTeamMemberFactory(organisation=org, user=partner)
        if self.member(org).status == "invited":
            services.answer_invitation(self.member(org), partner, accept=True)
        else:  # it left and comes back: the coordinator lets its team in again
            services.grant_access(self.consortium, partner, self.user, self.member(org))
        services.change_member(self.member(org), partner, status="confirmed", **fields)

    def change(self, client, org, **fields):
        m = self.member(org)
        data = {"status": m.status, "role": m.role, "work_packages": m.work_packages, **fields}
        return client.post(self.member_url(org), data, follow=True)


@pytest.fixture
def ws():
    return Workspace()


def verdict_line(page: str) -> str:
    match = re.search(r"Eligibility (Not eligible|Eligible)", page)
    assert match, page[:2000]
    return match.group(1)


def test_horizon_europe_consortium_becomes_eligible_with_three_confirmed_partners(client, ws):
    client.force_login(ws.user)
    page = text(client.get(ws.url))
    assert verdict_line(page) == "Not eligible"
    assert (
        "3 independent legal entities from Member States or associated countries are needed; "
        "you have 1 entity." in page
    )
    assert "Missing: 2 independent partners from Member States or associated countries" in page

    # Invite by name (as in the registry) and by PIC.
    response = client.post(
        ws.invite_url(),
        {"organisation": "Maritimes Cluster Norddeutschland", "role": "beneficiary"},
        follow=True,
    )
    assert "Maritimes Cluster Norddeutschland is invited." in text(response)
    client.post(ws.invite_url(), {"organisation": ws.it.slug, "role": "beneficiary"})
    page = text(client.get(ws.url))
    assert verdict_line(page) == "Not eligible"
    assert "If every invited and interested member confirms: eligible." in page
    assert "Nothing: with every invited member confirming" in page

    # The coordinator cannot confirm in a partner's name; the partner's team does.
    page = text(ws.change(client, ws.de, status="confirmed"))
    assert (
        "Only the team of Maritimes Cluster Norddeutschland can confirm its participation" in page
    )
    assert ws.member(ws.de).status == "invited"
    ws.confirm(ws.de)
    page = text(client.get(ws.url))
    assert verdict_line(page) == "Not eligible"
    assert "you have 2 entities." in page
    ws.confirm(ws.it)
    page = text(ws.change(client, ws.it, work_packages="WP2, WP4"))
    assert verdict_line(page) == "Eligible"
    assert "not eligible" not in page.lower().replace("even if every", "")
    assert "WP2, WP4" in client.get(ws.url).content.decode()


def test_same_country_partners_do_not_make_it_eligible(client, ws):
    fr2 = OrganisationFactory(country=country("FR"))
    for org in (ws.de, fr2):
        services.invite_member(ws.consortium, org, ws.user)
        ws.confirm(org)
    client.force_login(ws.user)
    page = text(client.get(ws.url))
    assert verdict_line(page) == "Not eligible"
    assert "3 independent entities are needed from 3 different" in page
    assert "add a partner from another Member State or associated country (not DE or FR)" in page


def test_a_confirmed_partner_leaving_breaks_eligibility_and_the_coordinator_is_told(
    client, ws, django_capture_on_commit_callbacks
):
    for org in (ws.de, ws.it):
        services.invite_member(ws.consortium, org, ws.user)
        ws.confirm(org)
    # Someone of the Italian partner works in the workspace too; they are not told.
    partner_user = UserFactory(email="partner@blue-italian.example")
    services.grant_access(ws.consortium, partner_user, ws.user, ws.member(ws.it))

    client.force_login(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = ws.change(client, ws.it, status="left")
    page = text(response)
    assert "This change breaks:" in page
    assert "3 independent legal entities from Member States or associated countries are needed" in (
        page
    )
    assert verdict_line(page) == "Not eligible"
    assert ws.member(ws.it).status == MemberStatus.LEFT  # allowed
    assert [m.to for m in mail.outbox] == [["coordinator@polemer.example"]]
    assert "BLUEMED is no longer eligible" in mail.outbox[0].subject
    assert ws.url in mail.outbox[0].body

    # With htmx, the live part says the same.
    mail.outbox.clear()
    ws.confirm(ws.it)
    client.force_login(ws.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ws.member_url(ws.de),
            {"status": "declined", "role": "beneficiary", "work_packages": ""},
            HTTP_HX_REQUEST="true",
        )
    body = text(response)
    assert "<html" not in response.content.decode()
    assert "This change breaks:" in body and "The coordinator's side has been told" in body
    assert len(mail.outbox) == 1


def test_a_change_that_breaks_nothing_says_so(client, ws):
    services.invite_member(ws.consortium, ws.de, ws.user)
    client.force_login(ws.user)
    page = text(ws.change(client, ws.de, status="interested"))
    assert "Maritimes Cluster Norddeutschland updated." in page
    assert "This change breaks" not in page
    page = text(ws.change(client, ws.coordinator, status="left"))
    assert "Hand the coordination to another member before leaving." in page
    assert ws.member(ws.coordinator).status == MemberStatus.CONFIRMED


def test_inviting_the_same_organisation_twice_is_an_error_and_changes_nothing(
    client, ws, django_capture_on_commit_callbacks
):
    client.force_login(ws.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            ws.invite_url(),
            {"organisation": ws.de.pic, "role": "beneficiary", "email": "contact@mcn.example"},
        )
    assert len(mail.outbox) == 1
    before = list(ConsortiumMember.objects.values_list("pk", "role", "status", "contact_email"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ws.invite_url(),
            {"organisation": ws.de.pic, "role": "associated_partner", "email": "x@mcn.example"},
        )
    assert response.status_code == 200
    assert "Maritimes Cluster Norddeutschland is already in the consortium." in text(response)
    assert list(ConsortiumMember.objects.values_list("pk", "role", "status", "contact_email")) == (
        before
    )
    assert len(mail.outbox) == 1

    response = client.post(ws.invite_url(), {"organisation": "Nobody Ltd", "role": "beneficiary"})
    assert "No organisation “Nobody Ltd” in the registry." in text(response)


def test_an_affiliated_entity_needs_a_member_of_this_consortium(ws):
    other = Workspace()
    with pytest.raises(services.ValidationError) as error:
        services.invite_member(
            ws.consortium,
            ws.de,
            ws.user,
            role=MemberRole.AFFILIATED,
            affiliated_to=other.member(other.coordinator),
        )
    assert "affiliated_to" in error.value.message_dict


def test_affiliated_entities_count_as_one_with_their_parent_when_the_call_counts_them():
    ws = Workspace(eligibility.Rules(min_entities=2, min_countries=1, affiliated_count=True))
    parent = ws.member(ws.coordinator)
    services.invite_member(
        ws.consortium, ws.de, ws.user, role=MemberRole.AFFILIATED, affiliated_to=parent
    )
    ws.confirm(ws.de)
    verdict = services.verdict(ws.consortium)
    assert not verdict.eligible
    assert verdict.counts["independent_entities"] == 1
    services.invite_member(ws.consortium, ws.it, ws.user)
    ws.confirm(ws.it)
    assert services.verdict(ws.consortium).eligible


# Who sees a workspace ----------------------------------------------------------------------


def test_only_its_members_and_staff_see_a_consortium(client, ws):
    assert client.get(ws.url).status_code == 302  # to the log-in page
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.get(ws.url).status_code == 404
    for url in (
        ws.invite_url(),
        reverse("partnering:consortium-note", args=[ws.consortium.pk]),
        reverse("partnering:checklist-add", args=[ws.consortium.pk]),
    ):
        assert (
            client.post(url, {"organisation": ws.de.slug, "note": "x", "text": "x"}).status_code
            == 404
        )
    for fmt in ("csv", "xlsx", "pdf"):
        url = reverse("partnering:consortium-export", args=[ws.consortium.pk, fmt])
        assert client.get(url).status_code == 404
    assert ConsortiumMember.objects.count() == 1
    assert "BLUEMED" not in text(client.get(reverse("partnering:consortium-list")))
    # The coordinator's profile team colleague is not in until given access.
    colleague = UserFactory(email="colleague@polemer.example")
    ProfileTeamMemberFactory(organisation=ws.coordinator, user=colleague)
    client.force_login(colleague)
    assert client.get(ws.url).status_code == 404  # a confirmed seat is no open invitation
    client.force_login(ws.user)
    response = client.post(
        reverse("partnering:consortium-access", args=[ws.consortium.pk]),
        {"email": "COLLEAGUE@polemer.example", "member": ws.member(ws.coordinator).pk},
        follow=True,
    )
    assert "COLLEAGUE@polemer.example may now open this workspace." in text(response)
    client.force_login(colleague)
    assert client.get(ws.url).status_code == 200
    assert "BLUEMED" in text(client.get(reverse("partnering:consortium-list")))
    client.force_login(UserFactory(staff=True))
    assert client.get(ws.url).status_code == 200


def test_access_needs_an_existing_account(client, ws):
    client.force_login(ws.user)
    response = client.post(
        reverse("partnering:consortium-access", args=[ws.consortium.pk]),
        {"email": "nobody@example.org"},
    )
    assert "No Clusterhub account uses nobody@example.org" in text(response)
    assert ConsortiumAccess.objects.count() == 1


def test_the_invited_partner_joins_from_the_invitation_email(
    client, ws, django_capture_on_commit_callbacks, settings
):
    client.force_login(ws.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            ws.invite_url(),
            {"organisation": ws.de.slug, "role": "beneficiary", "email": "Anna@MCN.example"},
        )
    assert [m.to for m in mail.outbox] == [["Anna@MCN.example"]]
    assert settings.SITE_URL + ws.url in mail.outbox[0].body

    anna = UserFactory(email="anna@mcn.example")
    client.force_login(anna)
    page = text(client.get(ws.url))
    assert "Invitation to the BLUEMED consortium" in page
    assert "Pôle Mer Bretagne invites Maritimes Cluster Norddeutschland" in page
    assert "Members" not in page  # not the workspace yet
    response = client.post(
        reverse("partnering:consortium-join", args=[ws.consortium.pk]), {"accept": "1"}, follow=True
    )
    assert "Welcome to the BLUEMED workspace." in text(response)
    assert ws.member(ws.de).status == MemberStatus.INTERESTED
    assert client.get(ws.url).status_code == 200

    # Someone else declines for the Italian partner, as its profile team.
    services.invite_member(ws.consortium, ws.it, ws.user)
    luca = UserFactory()
    ProfileTeamMemberFactory(organisation=ws.it, user=luca)
    client.force_login(luca)
    client.post(reverse("partnering:consortium-join", args=[ws.consortium.pk]), {"accept": "0"})
    assert ws.member(ws.it).status == MemberStatus.DECLINED
    assert client.get(ws.url).status_code == 404
    assert not ConsortiumAccess.objects.filter(user=luca).exists()


# Gaps, note, checklist ---------------------------------------------------------------------


def test_gaps_list_what_is_missing_with_the_recommendation_hook(client):
    rules = eligibility.Rules(
        min_entities=2,
        min_countries=2,
        required_kinds=(eligibility.RequiredKind(("research",), 1),),
    )
    ws = Workspace(rules)
    client.force_login(ws.user)
    response = client.get(ws.url)
    page = text(response)
    assert "Missing: a research organisation" in page
    assert "Missing: a partner from another Member State or associated country (not FR)" in page
    gaps = {g.need["need"]: g for g in response.context["gaps"]}
    # The Italian and German organisations close the country gap (FR is excluded) …
    by_country = [r["organisation"] for r in gaps["countries"].recommendations]
    assert by_country and all(org.country_id != "FR" for org in by_country)
    assert {ws.de, ws.it} <= set(by_country)
    # … and only a research organisation is offered for the research gap, with its reasons.
    lab = OrganisationFactory(
        legal_name="Institut de la mer",
        kind="research",
        country=country("ES"),
        description="Marine research for the blue economy",
    )
    response = client.get(ws.url)
    gaps = {g.need["need"]: g for g in response.context["gaps"]}
    research = gaps["kind"].recommendations
    assert [r["organisation"] for r in research] == [lab]
    assert research[0]["reasons"]
    assert "Institut de la mer" in text(response)


def test_note_and_checklist(client, ws):
    client.force_login(ws.user)
    note_url = reverse("partnering:consortium-note", args=[ws.consortium.pk])
    response = client.post(note_url, {"note": "Kick-off in Brest."}, HTTP_HX_REQUEST="true")
    assert response.content.decode().startswith("Saved at ")
    ws.consortium.refresh_from_db()
    assert ws.consortium.note == "Kick-off in Brest."
    assert "Kick-off in Brest." in client.get(ws.url).content.decode()

    add_url = reverse("partnering:checklist-add", args=[ws.consortium.pk])
    response = client.post(add_url, {"text": "Letters of support"}, HTTP_HX_REQUEST="true")
    assert "Letters of support" in text(response) and "<html" not in response.content.decode()
    response = client.post(add_url, {"text": ""}, HTTP_HX_REQUEST="true")
    assert "This field is required." in text(response)
    item = ChecklistItem.objects.get()
    tick_url = reverse("partnering:checklist-tick", args=[ws.consortium.pk, item.pk])
    client.post(tick_url, {"done": "1"})
    item.refresh_from_db()
    assert item.done
    assert "<s>Letters of support</s>" in client.get(ws.url).content.decode()
    client.post(tick_url, {"done": "0"}, HTTP_HX_REQUEST="true")
    item.refresh_from_db()
    assert not item.done


# Exports and lists -------------------------------------------------------------------------


def test_exports_csv_xlsx_and_a_pdf_summary(client, ws):
    services.invite_member(ws.consortium, ws.de, ws.user, email="=cmd@mcn.example")
    ws.confirm(ws.de, work_packages="WP3")
    client.force_login(ws.user)

    response = client.get(reverse("partnering:consortium-export", args=[ws.consortium.pk, "csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="bluemed-members.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Organisation", "Legal name", "PIC"]
    assert rows[1][0] == "Pôle Mer Bretagne" and rows[1][7] == "Coordinator"
    de_row = rows[2]
    assert de_row[2] == ws.de.pic and de_row[3] == "DE" and de_row[9] == "Confirmed"
    assert de_row[10] == "WP3"

    response = client.get(reverse("partnering:consortium-export", args=[ws.consortium.pk, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][0] == "Maritimes Cluster Norddeutschland"

    response = client.get(reverse("partnering:consortium-export", args=[ws.consortium.pk, "pdf"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    content = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "BLUEMED" in content and "Maritimes Cluster Norddeutschland" in content
    assert "Not eligible" in content
    assert (
        client.get(
            reverse("partnering:consortium-export", args=[ws.consortium.pk, "doc"])
        ).status_code
        == 404
    )


def test_my_consortia_list_and_its_queries(client, ws):
    client.force_login(ws.user)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("partnering:consortium-list"))
    assert "BLUEMED" in text(response) and "Pôle Mer Bretagne" in text(response)
    for i in range(8):
        services.create_consortium(ws.call, ws.coordinator, ws.user, acronym=f"C{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("partnering:consortium-list"))
    assert "C7" in text(response)
    assert len(many) == len(few) <= 8


def test_workspace_page_queries_do_not_grow_with_members(client, ws):
    client.force_login(ws.user)
    services.invite_member(ws.consortium, ws.de, ws.user)
    client.get(ws.url)  # builds the recommender's index (rebuilt after registry changes)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ws.url).status_code == 200
    for _ in range(8):
        services.invite_member(ws.consortium, OrganisationFactory(), ws.user)
    client.get(ws.url)
    with CaptureQueriesContext(connection) as many:
        assert client.get(ws.url).status_code == 200
    assert len(many) == len(few)


def test_a_pic_with_the_wrong_number_of_digits_is_named_as_such(client, ws):
    client.force_login(ws.user)
    response = client.post(ws.invite_url(), {"organisation": "99999001", "role": "beneficiary"})
    page = text(response)
    assert "“99999001” is not a PIC: a PIC has 9 digits (this has 8)." in page
    assert ConsortiumMember.objects.filter(consortium=ws.consortium).count() == 1
