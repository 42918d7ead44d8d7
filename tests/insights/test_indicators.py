"""Indicators a network or a region reports: imported all or nothing with the row and column
named, typed by the network's team only, shown as a chart with its table and CSV."""

import io

import pytest
from django.urls import reverse

from clusterhub.insights.models import Indicator, IndicatorValue
from tests import factories as f

pytestmark = pytest.mark.django_db


def upload(text: str, name: str = "figures.csv"):
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def test_a_team_imports_its_figures_and_everyone_reads_them(client):
    user, network = f.team_member(f.OrganisationFactory(legal_name="AFPC", slug="afpc"))
    client.force_login(user)
    response = client.post(
        reverse("insights:indicator-import"),
        {
            "network": network.pk,
            "file": upload(
                "indicator,unit,period,value,source,note\n"
                "Projects submitted,projects,2021,1100,AFPC,\n"
                "Projects submitted,projects,2022,1300,AFPC,\n"
                "Projects submitted,projects,2023,1500,AFPC,More than 1500\n"
            ),
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.organisation == network and indicator.values.count() == 3
    client.logout()
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "<svg" in page and "1,500" in page and "More than 1500" in page
    csv_lines = b"".join(client.get(indicator.get_absolute_url(), {"format": "csv"})
                         .streaming_content).decode().splitlines()  # fmt: skip
    assert csv_lines[1:] == ["2021-01-01,1100.00,", "2022-01-01,1300.00,",
                             "2023-01-01,1500.00,More than 1500"]  # fmt: skip
    listing = client.get(reverse("insights:indicators")).content.decode()
    assert "Projects submitted" in listing and "AFPC" in listing


def test_a_bad_row_is_named_and_nothing_is_written(client):
    user, network = f.team_member()
    client.force_login(user)
    page = client.post(
        reverse("insights:indicator-import"),
        {
            "network": network.pk,
            "file": upload("indicator,period,value\nJobs,2022,12\nJobs,next year,3\n,2023,many\n"),
        },
    ).content.decode()
    assert "3 problems: nothing was imported." in page
    assert "Row 3, period: “next year” is neither a year nor a date" in page
    assert "Row 4, indicator: The indicator has no name." in page
    assert "Row 4, value: “many” is not a number." in page
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()
    page = client.post(
        reverse("insights:indicator-import"), {"network": network.pk, "file": upload("name\nx\n")}
    ).content.decode()
    assert "The column “indicator” is missing." in page
    page = client.post(
        reverse("insights:indicator-import"),
        {"network": network.pk, "file": upload("%PDF-1.4", "x.pdf")},
    ).content.decode()
    assert "not a CSV or XLSX file" in page


def test_nobody_writes_the_figures_of_another_network(client):
    _owner, network = f.team_member()
    indicator = Indicator.objects.create(organisation=network, name="Jobs", source="Team")
    stranger, _other = f.team_member()
    client.force_login(stranger)
    response = client.post(
        reverse("insights:indicator-import"),
        {"network": network.pk, "file": upload("indicator,period,value\nJobs,2022,1\n")},
    )
    assert "Select a valid choice" in response.content.decode()
    assert (
        client.post(
            indicator.get_absolute_url(), {"period": "2022-01-01", "value": "5"}
        ).status_code
        == 403
    )
    assert not IndicatorValue.objects.exists()
    assert "Add a value" not in client.get(indicator.get_absolute_url()).content.decode()
