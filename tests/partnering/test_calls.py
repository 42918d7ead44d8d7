"""Funding calls on the pages: the list, the rules in words, the staff form, starting a
consortium."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterhub.partnering import eligibility, services
from clusterhub.partnering.models import Consortium, FundingCall
from tests.factories import (
    FundingCallFactory,
    OrganisationFactory,
    ProfileTeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("partnering:call-create")


def in_days(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def text(response) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def call_data(**overrides) -> dict:
    """The staff form: the call (prefix "call") and its rules (prefix "rules")."""
    year = timezone.now().year + 1
    data = {
        "call-programme": "Single Market Programme",
        "call-identifier": "SMP-COSME-2026-CLUSTER",
        "call-title": "European Strategic Cluster Partnerships",
        "call-description": "Cluster partnerships for smart specialisation investments.",
        "call-timezone": "Europe/Brussels",
        "call-opens_at": f"{year}-01-15T09:00",
        "call-deadline": f"{year}-04-16T17:00",
        "call-budget": "4500000",
        "call-url": "https://ec.europa.eu/info/funding-tenders",
        "rules-min_entities": "3",
        "rules-min_countries": "3",
        "rules-eligible": "member_states_and_associated",
        "rules-eligible_list": "",
        "rules-min_from_member_states": "1",
        "rules-max_partners": "",
        "rules-require_coordinator": "on",
        "rules-kind_cluster": "3",
        "rules-kind_cluster_countries": "3",
        "rules-kind_sme": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def staff(client):
    user = UserFactory(staff=True)
    client.force_login(user)
    return user


def test_staff_add_a_call_with_its_rules_and_the_page_explains_them(client, staff):
    response = client.post(CREATE, call_data())
    call = FundingCall.objects.get()
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    assert call.rules == {
        "min_entities": 3,
        "min_countries": 3,
        "eligible_countries": "member_states_and_associated",
        "min_from_member_states": 1,
        "required_kinds": [{"kind": "cluster", "min": 3, "min_countries": 3}],
        "max_partners": None,
        "affiliated_count": False,
        "associated_partners_count": False,
        "require_coordinator": True,
    }
    # The deadline was typed in Brussels time.
    year = timezone.now().year + 1
    assert call.deadline == dt.datetime(year, 4, 16, 17, 0, tzinfo=ZoneInfo("Europe/Brussels"))

    client.logout()
    page = text(client.get(call.get_absolute_url()))
    assert "At least 3 independent legal entities must take part from 3 different Member " in page
    assert "At least 1 of them must be established in an EU Member State." in page
    assert "At least 3 cluster organisations from 3 different countries." in page
    assert "Affiliated entities may take part but do not count" in page
    assert f"16 April {year}, 17:00" in page and "Europe/Brussels" in page


def test_the_deadline_is_shown_in_the_call_time_zone(client):
    deadline = dt.datetime(timezone.now().year + 1, 3, 5, 17, 0, tzinfo=ZoneInfo("Europe/Lisbon"))
    call = FundingCallFactory(
        deadline=deadline, timezone="Europe/Lisbon", title="Atlantic blue economy"
    )
    page = text(client.get(call.get_absolute_url()))
    assert "17:00" in page and "Europe/Lisbon" in page
    listing = text(client.get(reverse("partnering:call-list")))
    assert "17:00 (Europe/Lisbon)" in listing


def test_editing_keeps_the_rules_and_shows_them_in_the_form(client, staff):
    call = FundingCallFactory(rules=eligibility.ESCP_LIKE_EXAMPLE.to_dict())
    response = client.get(reverse("partnering:call-edit", args=[call.pk]))
    rules_form = response.context["rules_form"]
    assert rules_form["kind_cluster"].value() == 3
    assert rules_form["kind_cluster_countries"].value() == 3
    data = call_data(
        **{
            "call-identifier": call.identifier,
            "rules-min_from_member_states": "0",
            "rules-max_partners": "10",
        }
    )
    response = client.post(reverse("partnering:call-edit", args=[call.pk]), data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.rules["max_partners"] == 10
    assert call.rules["required_kinds"] == [{"kind": "cluster", "min": 3, "min_countries": 3}]


def test_malformed_rules_are_refused_naming_the_field(client, staff):
    response = client.post(CREATE, call_data(**{"rules-max_partners": "2"}))
    assert response.status_code == 200
    errors = response.context["rules_form"].errors
    assert "max_partners" in errors
    assert "max_partners: is 2 but min_entities is 3" in errors["max_partners"][0]
    assert "max_partners: is 2 but min_entities is 3" in text(response)
    assert not FundingCall.objects.exists()

    # A requirement that the maximum makes impossible is named by its kind's field.
    response = client.post(
        CREATE, call_data(**{"rules-kind_cluster": "12", "rules-max_partners": "5"})
    )
    errors = response.context["rules_form"].errors
    assert "asks for 12 cluster organisations but max_partners is 5" in errors["kind_cluster"][0]
    assert not FundingCall.objects.exists()


def test_unknown_eligible_country_is_refused(client, staff):
    response = client.post(
        CREATE, call_data(**{"rules-eligible": "custom", "rules-eligible_list": "FR, XX, DE"})
    )
    assert response.context["rules_form"].errors["eligible_list"] == [
        "Unknown country code(s): XX."
    ]
    assert not FundingCall.objects.exists()
    response = client.post(
        CREATE,
        call_data(
            **{
                "rules-eligible": "custom",
                "rules-eligible_list": "FR, DE",
                "rules-min_countries": "3",
            }
        ),
    )
    assert "min_countries: is 3 but only 2 countries are eligible" in text(response)
    assert not FundingCall.objects.exists()


def test_a_new_call_with_a_deadline_in_the_past_is_refused(client, staff):
    past = (timezone.now() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(CREATE, call_data(**{"call-deadline": past, "call-opens_at": ""}))
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == [
        "The deadline of a new call must be in the future."
    ]
    assert "The deadline of a new call must be in the future." in text(response)
    assert not FundingCall.objects.exists()


def test_only_staff_add_or_edit_calls(client):
    call = FundingCallFactory()
    client.force_login(UserFactory())
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, call_data()).status_code == 403
    assert client.get(reverse("partnering:call-edit", args=[call.pk])).status_code == 403
    assert FundingCall.objects.count() == 1
    assert "Edit" not in text(client.get(call.get_absolute_url()))


def test_open_calls_first_then_closed(client):
    closed = FundingCallFactory(deadline=in_days(-3), title="Closed call", identifier="OLD-1")
    late = FundingCallFactory(deadline=in_days(90), title="Later call")
    soon = FundingCallFactory(deadline=in_days(10), title="Sooner call")
    older = FundingCallFactory(deadline=in_days(-30), title="Older closed call", identifier="OLD-2")
    response = client.get(reverse("partnering:call-list"))
    assert list(response.context["page"].object_list) == [soon, late, closed, older]
    page = text(response)
    assert page.index("Sooner call") < page.index("Later call") < page.index("Closed call")


def test_call_list_queries_do_not_grow(client):
    for _ in range(3):
        FundingCallFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("partnering:call-list"))
    for _ in range(15):
        FundingCallFactory()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("partnering:call-list"))
    assert len(many) == len(few) <= 6


def test_a_profile_team_member_starts_a_consortium(client):
    call = FundingCallFactory()
    org = OrganisationFactory(legal_name="Pôle Plasturgie")
    user = UserFactory()
    ProfileTeamMemberFactory(organisation=org, user=user)
    client.force_login(user)
    page = client.get(call.get_absolute_url())
    assert "Start a consortium" in text(page)
    response = client.post(
        reverse("partnering:consortium-create", args=[call.pk]),
        {"coordinator": org.pk, "acronym": "CIRCPLAST", "title": "Circular plastics"},
        follow=True,
    )
    consortium = Consortium.objects.get()
    assert response.redirect_chain[-1][0] == consortium.get_absolute_url()
    assert "The CIRCPLAST workspace is open." in text(response)
    assert consortium.coordinator == org
    assert "CIRCPLAST" in text(client.get(call.get_absolute_url()))  # "your consortia"


def test_no_consortium_without_a_team_or_after_the_deadline(client):
    call = FundingCallFactory()
    stranger = UserFactory()
    client.force_login(stranger)
    assert "join the profile team of your organisation" in text(client.get(call.get_absolute_url()))
    other = OrganisationFactory()
    response = client.post(
        reverse("partnering:consortium-create", args=[call.pk]),
        {"coordinator": other.pk, "acronym": "NOPE"},
    )
    assert "Select a valid choice" in text(response)
    closed = FundingCallFactory(deadline=in_days(-1), identifier="CLOSED-1")
    user = UserFactory()
    org = OrganisationFactory()
    ProfileTeamMemberFactory(organisation=org, user=user)
    client.force_login(user)
    assert "Start a consortium" not in text(client.get(closed.get_absolute_url()))
    response = client.post(
        reverse("partnering:consortium-create", args=[closed.pk]),
        {"coordinator": org.pk, "acronym": "LATE"},
    )
    assert "The deadline of this call has passed." in text(response)
    assert not Consortium.objects.exists()


# Admin -------------------------------------------------------------------------------------


def test_admin_lists_every_partnering_model(client):
    from django.contrib import admin

    from clusterhub.partnering import models

    client.force_login(UserFactory(superuser=True))
    call = FundingCallFactory()
    org = OrganisationFactory()
    user = UserFactory()
    ProfileTeamMemberFactory(organisation=org, user=user)
    consortium = services.create_consortium(call, org, user, acronym="ADMINME")
    registered = [m for m in admin.site._registry if m._meta.app_label == "partnering"]
    assert set(registered) == {
        models.Opportunity,
        models.OpportunityFollower,
        models.ExpressionOfInterest,
        models.FundingCall,
        models.Consortium,
        models.ConsortiumMember,
        models.ConsortiumAccess,
        models.ChecklistItem,
    }
    for model in registered:
        url = reverse(f"admin:partnering_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
    page = client.get(reverse("admin:partnering_consortium_change", args=[consortium.pk]))
    assert "Not eligible" in text(page)


def test_admin_refuses_malformed_rules_and_past_deadlines(client):
    client.force_login(UserFactory(superuser=True))
    now = timezone.localtime()
    future = now + dt.timedelta(days=30)
    data = {
        "programme": "Interreg",
        "identifier": "INTERREG-1",
        "title": "Interreg call",
        "deadline_0": future.strftime("%Y-%m-%d"),
        "deadline_1": "17:00:00",
        "timezone": "Europe/Brussels",
        "rules": '{"min_entities": 3, "max_partners": 2}',
    }
    url = reverse("admin:partnering_fundingcall_add")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "max_partners: is 2 but min_entities is 3" in text(response)
    past = now - dt.timedelta(days=1)
    response = client.post(url, {**data, "rules": "{}", "deadline_0": past.strftime("%Y-%m-%d")})
    assert "The deadline of a new call must be in the future." in text(response)
    assert not FundingCall.objects.exists()
    response = client.post(url, {**data, "rules": '{"min_entities": 2}'})
    assert response.status_code == 302
    assert FundingCall.objects.get().rules["min_entities"] == 2
