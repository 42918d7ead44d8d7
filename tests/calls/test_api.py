"""The calls' API: calls with their rules in words; applying as the profile team."""

import datetime
import json

import pytest

from tests.calls.test_applications import DEADLINE, make_call, member_pole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/calls"


def test_calls_are_listed_with_their_rules_in_words(client):
    call = make_call()
    listed = client.get(f"{API}/calls").json()
    assert listed["count"] == 1
    body = client.get(f"{API}/calls/{call.slug}").json()
    assert body["rules_in_words"] == [
        "Open to: cluster organisation.",
        "Is a member of the association.",
    ]
    assert body["categories"][0]["rules_in_words"] == [
        "The project started at most 2 years before the deadline."
    ]
    assert body["deadline_local"] == "2027-03-11T09:00:00+01:00" and body["is_open"]


def test_a_team_applies_through_the_api_and_the_deadline_holds(client, time_machine):
    call = make_call()
    user, pole = member_pole(call)
    client.force_login(user)
    started = client.post(f"{API}/calls/{call.slug}/applications",
                          {"organisation": pole.slug, "category": "initiative"},
                          content_type="application/json")  # fmt: skip
    assert started.status_code == 200, started.content
    pk = started.json()["id"]
    saved = client.patch(f"{API}/applications/{pk}", json.dumps({"answers": {"title": "x" * 81}}),
                         content_type="application/json")  # fmt: skip
    assert saved.json()["problems"] == {
        "title": ["“Initiative” takes at most 80 characters (81 given)."]
    }
    client.patch(f"{API}/applications/{pk}",
                 json.dumps({"answers": {"title": "Ours", "project_start": "2026-06-01"}}),
                 content_type="application/json")  # fmt: skip
    time_machine.move_to(DEADLINE + datetime.timedelta(seconds=1), tick=False)
    late = client.post(f"{API}/applications/{pk}/submit")
    assert late.status_code == 400
    assert "The deadline was 11 Mar 2027, 09:00 (Europe/Paris)" in late.content.decode()
    time_machine.move_to(DEADLINE, tick=False)
    done = client.post(f"{API}/applications/{pk}/submit")
    assert done.status_code == 200 and len(done.json()["receipt"]) == 64
    client.force_login(UserFactory())
    assert client.post(f"{API}/applications/{pk}/withdraw").status_code == 404
