import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterhub.registry import exports
from clusterhub.registry.imports import run_import
from clusterhub.registry.models import ClusterLabel, ClusterOrganisation, Organisation
from tests.factories import ClusterOrganisationFactory, OrganisationFactory, country

pytestmark = pytest.mark.django_db


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    text = content_of(response).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(response) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.fixture
def organisations():
    lyon = OrganisationFactory(
        legal_name="Polymeris Lyon SAS",
        short_name="Polyméris",
        is_sme=True,
        city="Lyon",
        latitude=45.76,
        longitude=4.83,
        website="https://polymeris.example.fr",
        pic="912345678",
        ecosystems=["digital", "energy-intensive"],
        technologies=["advanced-materials"],
        nace_activities=["C", "22"],
    )
    berlin = OrganisationFactory(
        legal_name="Institut Berlin",
        kind="research",
        country=country("DE"),
        latitude=52.52,
        longitude=-0.0001 + 13.4,
    )
    return lyon, berlin


def test_organisation_csv_has_the_columns_and_values(organisations):
    response = exports.export_csv(
        exports.organisation_rows(Organisation.objects.order_by("legal_name")),
        filename="organisations",
    )
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="organisations.csv"' in response["Content-Disposition"]
    header, berlin, lyon = csv_rows(response)
    assert header == exports.ORGANISATION_HEADERS
    row = dict(zip(header, lyon, strict=True))
    assert row["Name"] == "Polyméris"
    assert row["Legal name"] == "Polymeris Lyon SAS"
    assert row["Kind"] == "Company"
    assert row["SME"] == "yes"
    assert row["Country"] == "FR"
    assert (row["NUTS region"], row["NUTS region name"]) == ("FRK26", "Rhône")
    assert row["Website"] == "https://polymeris.example.fr"
    assert row["Ecosystems"] == "Digital; Energy-intensive industries"
    assert row["Technologies"] == "Advanced materials"
    assert row["NACE"] == "22; C"
    assert row["PIC"] == "912345678"
    assert dict(zip(header, berlin, strict=True))["Kind"] == "Research organisation"


def test_the_lead_calling_convention_is_accepted(organisations):
    # views call export_csv(rows, "organisations") and export_xlsx(rows, "organisations")
    rows = exports.organisation_rows(Organisation.objects.all())
    response = exports.export_csv(rows, "organisations")
    assert 'filename="organisations.csv"' in response["Content-Disposition"]
    response = exports.export_xlsx(exports.organisation_rows(Organisation.objects.all()), "orgs")
    assert 'filename="orgs.xlsx"' in response["Content-Disposition"]


def test_dict_rows_with_explicit_columns():
    response = exports.export_csv([{"a": 1, "b": "=2+2"}, {"a": -3}], ["a", "b"], "x")
    assert csv_rows(response) == [["a", "b"], ["1", "'=2+2"], ["-3", ""]]


def test_csv_cells_cannot_run_as_formulas():
    OrganisationFactory(legal_name='=HYPERLINK("http://evil.example","click")', city="@SUM(A1)")
    OrganisationFactory(legal_name="+33 Company", short_name="-minus")
    response = exports.export_csv(exports.organisation_rows(Organisation.objects.all()))
    text = content_of(response).decode("utf-8-sig")
    for line in csv.reader(io.StringIO(text)):
        for cell in line:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'+33 Company" in text


def test_xlsx_export_keeps_formula_like_text_as_text():
    OrganisationFactory(legal_name="=1+1 Industries", latitude=40.4, longitude=-3.7)
    response = exports.export_xlsx(exports.organisation_rows(Organisation.objects.all()))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content_of(response)))
    sheet = workbook.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == exports.ORGANISATION_HEADERS
    name_cell = sheet.cell(row=2, column=header.index("Legal name") + 1)
    assert name_cell.value == "=1+1 Industries"
    assert name_cell.data_type == "s"  # a string, not a formula
    assert sheet.cell(row=2, column=header.index("Longitude") + 1).value == -3.7


def test_exports_do_not_query_per_row(django_assert_max_num_queries):
    for i in range(30):
        OrganisationFactory(legal_name=f"Org {i}", ecosystems=["digital"], technologies=["iot"])
    with django_assert_max_num_queries(6):
        rows = list(exports.organisation_rows(Organisation.objects.all()))
    assert len(rows) == 30
    for _ in range(5):
        ClusterOrganisationFactory(labels=[ClusterLabel(scheme="ecei", level="gold")])
    with django_assert_max_num_queries(7):
        rows = list(exports.cluster_rows(ClusterOrganisation.objects.all()))
    assert len(rows) == 5


def test_cluster_export_columns():
    from datetime import date

    ClusterOrganisationFactory(
        organisation__legal_name="Plastipolis",
        members_companies=250,
        members_smes=180,
        members_research=20,
        labels=[
            ClusterLabel(scheme="ecei", level="gold", valid_until=date(2025, 12, 31)),
            ClusterLabel(scheme="pole", level="labelled"),
        ],
    )
    header, row = xlsx_rows(
        exports.export_xlsx(exports.cluster_rows(ClusterOrganisation.objects.all()), "clusters")
    )
    assert list(header) == exports.CLUSTER_HEADERS
    values = dict(zip(header, row, strict=True))
    assert values["Legal name"] == "Plastipolis"
    assert values["Kind"] == "Cluster organisation"
    assert values["Member companies"] == 250
    assert values["Of which SMEs"] == 180
    assert values["Members"] == 250 + 20 + 2 + 1
    assert values["Management staff (FTE)"] == 2.0
    assert set(values["Labels"].split(";")) == {"ecei-gold:2025-12-31", "pole-labelled"}
    assert values["Validated"] == "yes"
    # an Organisation queryset works too
    rows = list(exports.cluster_rows(Organisation.objects.filter(kind="cluster")))
    assert rows[0][1] == "Plastipolis"


def test_organisation_export_round_trips_through_the_import(organisations):
    OrganisationFactory(legal_name="@Home Robotics", kind="company", country=country("ES"))
    before = {
        o.pk: (o.legal_name, o.kind, o.is_sme, o.country_id, o.nuts_region_id, o.website)
        for o in Organisation.objects.all()
    }
    for export, name in ((exports.export_csv, "orgs.csv"), (exports.export_xlsx, "orgs.xlsx")):
        response = export(exports.organisation_rows(Organisation.objects.all()))
        upload = SimpleUploadedFile(name, content_of(response))
        report = run_import("organisations", upload)
        assert report.ok, report.errors
        assert not report.warnings
        assert (report.created, report.updated) == (0, 3)
        assert report.counts["unchanged"] == 3
    after = {
        o.pk: (o.legal_name, o.kind, o.is_sme, o.country_id, o.nuts_region_id, o.website)
        for o in Organisation.objects.all()
    }
    assert after == before


def test_cluster_export_round_trips_through_the_import():
    ClusterOrganisationFactory(
        organisation__legal_name="Plastipolis",
        labels=[ClusterLabel(scheme="ecei", level="silver")],
    )
    response = exports.export_csv(exports.cluster_rows(ClusterOrganisation.objects.all()))
    report = run_import("clusters", SimpleUploadedFile("c.csv", content_of(response)))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, 1)
    profile = ClusterOrganisation.objects.get()
    assert [(lb.scheme, lb.level) for lb in profile.labels.all()] == [("ecei", "silver")]
    assert profile.members_total == 27 and profile.is_validated


def test_export_helpers_by_format(organisations):
    assert exports.export_organisations(Organisation.objects.all(), "csv")[
        "Content-Type"
    ].startswith("text/csv")
    response = exports.export_clusters(ClusterOrganisation.objects.all(), "xlsx")
    assert 'filename="clusters.xlsx"' in response["Content-Disposition"]
