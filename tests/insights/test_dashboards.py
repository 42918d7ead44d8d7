"""The dashboards as people read them: each chart's table holds the counts, the CSV holds the
same numbers, scopes by network and by region keep to their own, and the queries do not grow
with the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterhub.events.models import EventStatus
from clusterhub.reference.models import NutsRegion
from tests import factories as f

pytestmark = pytest.mark.django_db

CLUSTERPLAST = {"cluster": 24, "company": 16, "public_authority": 28, "research": 21, "other": 4}


def past_event(title, region="FRK26", host=None, country="FR"):
    import datetime

    start = datetime.datetime(2010, 6, 28, 7, tzinfo=datetime.UTC)
    return f.EventFactory(title=title, start=start, end=start + datetime.timedelta(days=1),
                          status=EventStatus.FINISHED, host=host, country=f.country(country),
                          nuts_region=NutsRegion.objects.get(code=region))  # fmt: skip


def register(event, split, country="FR"):
    for kind, n in split.items():
        for _ in range(n):
            f.RegistrationFactory(event=event, status="confirmed", organisation_kind=kind,
                                  country=f.country(country))  # fmt: skip


def rows_of(page: str, key: str) -> list[list[str]]:
    """The table beside the chart ``key``, as a person reads it."""
    import re

    block = page.split(f'id="{key}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def test_participation_by_kind_holds_the_clusterplast_split_in_table_and_csv(client):
    register(past_event("CLUSTERPLAST near Lyon"), CLUSTERPLAST)
    page = client.get(reverse("insights:dashboard")).content.decode()
    table = rows_of(page, "participants-by-kind")
    assert table == [["Company", "16"], ["Research organisation", "21"],
                     ["Public authority", "28"], ["Cluster organisation", "24"],
                     ["Other / civil society", "4"]]  # fmt: skip
    assert "<svg" in page.split('id="participants-by-kind"', 1)[1].split("</table>")[0]
    response = client.get(reverse("insights:dashboard"), {"csv": "participants-by-kind"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[1:] == table
    assert rows_of(page, "events-by-year") == [["2010", "16", "21", "28", "24", "4"]]
    assert "<strong>93</strong> Participants" in page


def test_a_region_or_a_network_keeps_to_its_own(client):
    network = f.OrganisationFactory(legal_name="Plastipolis", slug="plastipolis")
    lyon = past_event("Lyon", host=network)
    register(lyon, {"company": 3})
    register(past_event("Dresden", region="DED2", country="DE"), {"company": 5}, country="DE")
    f.ClusterOrganisationFactory(organisation__nuts_region=NutsRegion.objects.get(code="FRK26"))
    f.ClusterOrganisationFactory(
        organisation__nuts_region=NutsRegion.objects.get(code="DED21"),
        organisation__country=f.country("DE"),
    )
    french = client.get(reverse("insights:dashboard"), {"region": "FR"}).content.decode()
    assert rows_of(french, "participants-by-kind") == [["Company", "3"]]
    assert [r[1] for r in rows_of(french, "clusters-by-region")] == ["1"]
    assert "(FRK2)" in rows_of(french, "clusters-by-region")[0][0]
    mine = client.get(reverse("insights:dashboard"), {"network": "plastipolis"}).content.decode()
    assert rows_of(mine, "participants-by-kind") == [["Company", "3"]]
    assert client.get(reverse("insights:dashboard"), {"region": "XX9"}).status_code == 404
    assert client.get(reverse("insights:dashboard"), {"csv": "nothing"}).status_code == 404


def test_the_dashboard_makes_as_many_queries_for_more_data(client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("insights:dashboard")).status_code == 200
        return len(queries)

    register(past_event("One"), {"company": 2})
    f.ClusterOrganisationFactory()
    f.ConsortiumFactory()
    few = count()
    for n in range(4):
        register(past_event(f"More {n}"), {"research": 3, "cluster": 1})
        f.ClusterOrganisationFactory(members_companies=300)
        f.ConsortiumFactory()
        f.OpportunityFactory()
    assert count() == few


def test_the_dashboard_in_french(client):
    page = client.get(reverse("insights:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Participants par type" in page and "Annuaire" in page
