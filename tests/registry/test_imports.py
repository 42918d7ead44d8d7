import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from clusterhub.core import stamps
from clusterhub.core.search import filter_text
from clusterhub.registry import facets
from clusterhub.registry.imports import run_import
from clusterhub.registry.models import (
    ClusterOrganisation,
    Organisation,
    OrganisationKind,
    Participation,
    Project,
)
from tests.factories import OrganisationFactory, UserFactory, country

pytestmark = pytest.mark.django_db

ORG_HEADER = [
    "legal_name",
    "short_name",
    "kind",
    "is_sme",
    "country",
    "nuts_region",
    "city",
    "latitude",
    "longitude",
    "website",
    "description",
    "ecosystems",
    "technologies",
    "nace",
    "pic",
]
LYON = {
    "legal_name": "Polymeris Lyon SAS",
    "short_name": "Polyméris",
    "kind": "company",
    "is_sme": "yes",
    "country": "FR",
    "city": "Lyon",
    "latitude": "45.76",
    "longitude": "4.83",
    "website": "https://polymeris.example.fr",
    "description": "Plastics recycling",
    "ecosystems": "energy-intensive;Digital",
    "technologies": "Advanced materials",
    "nace": "C;22",
    "pic": "912345678",
}
BERLIN = {
    "legal_name": "Fraunhofer Test Institut",
    "kind": "Research organisation",
    "country": "DE",
    "nuts_region": "DE300",
    "city": "Berlin",
    "website": "http://www.test-institut.de",
    "ecosystems": "health",
}
ATHENS = {
    "legal_name": "Panepistimio Athinon",
    "kind": "Higher education",
    "country": "EL",  # the EU code of Greece
    "city": "Athens",
}


def csv_bytes(rows, header=ORG_HEADER, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode("utf-8")


def upload(content: bytes, name="organisations.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_bytes(header, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Valid files ----------------------------------------------------------------------------------


def test_csv_import_creates_organisations_with_derived_region_and_search_text():
    report = run_import("organisations", upload(csv_bytes([LYON, BERLIN, ATHENS])))

    assert report.ok, report.errors
    assert (report.created, report.updated) == (3, 0)
    assert Organisation.objects.count() == 3

    lyon = Organisation.objects.get(pic="912345678")
    assert lyon.nuts_region_id == "FRK26"  # derived from the coordinates alone
    assert lyon.kind == OrganisationKind.COMPANY and lyon.is_sme
    assert lyon.slug == "polymeris"
    assert sorted(lyon.ecosystems.values_list("slug", flat=True)) == [
        "digital",
        "energy-intensive",
    ]
    assert list(lyon.technologies.values_list("slug", flat=True)) == ["advanced-materials"]
    assert sorted(lyon.nace_activities.values_list("code", flat=True)) == ["22", "C"]

    everyone = Organisation.objects.all()
    assert list(filter_text(everyone, "polymeris lyon")) == [lyon]
    assert list(filter_text(everyone, "recycl")) == [lyon]
    assert list(filter_text(everyone, "digital")) == [lyon]  # ecosystem names are searchable

    berlin = Organisation.objects.get(city="Berlin")
    assert berlin.kind == OrganisationKind.RESEARCH  # from the human label
    assert berlin.nuts_region_id == "DE300"
    assert Organisation.objects.get(city="Athens").country_id == "GR"


def test_xlsx_import_with_numeric_cells_and_header_in_any_case():
    header = ["Legal Name", "KIND", "Country", "Latitude", "Longitude", "PIC", "SME"]
    content = xlsx_bytes(
        header,
        [
            ["Polymeris Lyon SAS", "company", "fr", 45.76, 4.83, 912345678, True],
            ["Institut Test", "research", "Germany", None, None, None, False],
        ],
    )
    report = run_import("organisations", upload(content, "organisations.xlsx"))

    assert report.ok, report.errors
    assert report.created == 2
    lyon = Organisation.objects.get(pic="912345678")
    assert (lyon.latitude, lyon.longitude, lyon.nuts_region_id) == (45.76, 4.83, "FRK26")
    assert lyon.is_sme
    assert Organisation.objects.get(legal_name="Institut Test").country_id == "DE"


def test_semicolon_csv_with_decimal_commas_is_read():
    content = csv_bytes([{**LYON, "latitude": "45,76", "longitude": "4,83"}], delimiter=";")
    report = run_import("organisations", upload(content))
    assert report.ok, report.errors
    assert Organisation.objects.get().nuts_region_id == "FRK26"


def test_region_from_coordinates_is_kept_only_inside_the_country():
    # Coordinates in Lyon, but the organisation says it is in Germany.
    content = csv_bytes([{**LYON, "country": "DE"}])
    assert run_import("organisations", upload(content)).ok
    assert Organisation.objects.get().nuts_region_id is None


def test_slugs_are_unique_against_existing_and_within_the_file():
    OrganisationFactory(legal_name="Acme")
    rows = [
        {"legal_name": "Acme", "kind": "company", "country": "DE"},
        {"legal_name": "Acme", "kind": "company", "country": "IT"},
    ]
    assert run_import("organisations", upload(csv_bytes(rows))).ok
    assert set(Organisation.objects.values_list("slug", flat=True)) == {
        "acme",
        "acme-2",
        "acme-3",
    }


def test_reimport_updates_instead_of_duplicating():
    first = run_import("organisations", upload(csv_bytes([LYON, BERLIN])))
    assert first.created == 2

    again = run_import("organisations", upload(csv_bytes([LYON, BERLIN])))
    assert (again.created, again.updated) == (0, 2)
    assert again.counts["unchanged"] == 2

    moved = {**LYON, "city": "Villeurbanne", "ecosystems": "health"}
    renamed = {**BERLIN, "description": "Biotechnology"}  # no PIC: matched by name + country
    third = run_import("organisations", upload(csv_bytes([moved, renamed])))
    assert third.ok, third.errors
    assert (third.created, third.updated) == (0, 2)
    assert Organisation.objects.count() == 2
    lyon = Organisation.objects.get(pic="912345678")
    assert lyon.city == "Villeurbanne"
    assert list(lyon.ecosystems.values_list("slug", flat=True)) == ["health"]
    everyone = Organisation.objects.all()
    assert list(filter_text(everyone, "villeurbanne")) == [lyon]
    assert not filter_text(everyone, "digital").exists()
    assert filter_text(everyone, "biotechnology").get().city == "Berlin"


def test_absent_columns_leave_fields_alone():
    assert run_import("organisations", upload(csv_bytes([LYON]))).ok
    content = csv_bytes(
        [{"pic": "912345678", "legal_name": "Polymeris SA", "kind": "company", "country": "FR"}],
        header=["pic", "legal_name", "kind", "country"],
    )
    report = run_import("organisations", upload(content))
    assert report.ok, report.errors
    lyon = Organisation.objects.get()
    assert lyon.legal_name == "Polymeris SA"
    assert lyon.city == "Lyon" and lyon.nuts_region_id == "FRK26"
    assert lyon.ecosystems.count() == 2
    assert list(filter_text(Organisation.objects.all(), "digital")) == [lyon]


def test_dry_run_checks_and_counts_but_writes_nothing():
    stamp = stamps.current(facets.STAMP)
    report = run_import("organisations", upload(csv_bytes([LYON, BERLIN])), dry_run=True)
    assert report.ok and report.created == 2
    assert not Organisation.objects.exists()
    assert stamps.current(facets.STAMP) == stamp


def test_import_marks_the_directory_facets_as_changed():
    stamp = stamps.current(facets.STAMP)
    assert run_import("organisations", upload(csv_bytes([LYON]))).ok
    assert stamps.current(facets.STAMP) != stamp


def test_import_from_a_path(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([LYON]))
    assert run_import("organisations", path).created == 1


def test_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    rows = [
        {**LYON, "legal_name": f"Company {i}", "pic": str(900000000 + i), "short_name": ""}
        for i in range(600)
    ]
    with django_assert_max_num_queries(40):
        report = run_import("organisations", upload(csv_bytes(rows)))
    assert report.created == 600


def test_only_staff_may_import():
    with pytest.raises(PermissionDenied):
        run_import("organisations", upload(csv_bytes([LYON])), user=UserFactory())
    assert run_import("organisations", upload(csv_bytes([LYON])), user=UserFactory(staff=True)).ok


# Bad rows -------------------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing():
    rows = [LYON, {**BERLIN, "website": "www.test-institut.de"}, ATHENS]
    report = run_import("organisations", upload(csv_bytes(rows)))

    assert not report.ok
    assert report.errors == [(3, "website", "website must start with http:// or https://")]
    assert (report.created, report.updated) == (0, 0)
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"country": "XX"}, "country", "unknown country code 'XX'"),
        ({"country": ""}, "country", "country is required"),
        ({"legal_name": ""}, "legal_name", "legal_name is required"),
        ({"latitude": "95"}, "latitude", "latitude must be between -90 and 90"),
        ({"longitude": "200"}, "longitude", "longitude must be between -180 and 180"),
        ({"latitude": "north"}, "latitude", "latitude must be a number"),
        ({"longitude": ""}, "longitude", "longitude is missing"),
        ({"website": "ftp://example.org"}, "website", "must start with http:// or https://"),
        ({"website": "http://localhost"}, "website", "is not a valid public web address"),
        ({"nuts_region": "FR999"}, "nuts_region", "unknown NUTS code 'FR999'"),
        (
            {"nuts_region": "FR101", "country": "DE"},
            "nuts_region",
            "NUTS region FR101 is not in Germany",
        ),
        ({"kind": "startup"}, "kind", "unknown kind 'startup'"),
        ({"is_sme": "perhaps"}, "is_sme", "is_sme must be yes or no"),
        ({"ecosystems": "digital;space"}, "ecosystems", "unknown ecosystem 'space'"),
        ({"technologies": "telepathy"}, "technologies", "unknown technology 'telepathy'"),
        ({"nace": "Z9"}, "nace", "unknown NACE code 'Z9'"),
        ({"pic": "12345"}, "pic", "PIC must be exactly 9 digits"),
        ({"short_name": "x" * 101}, "short_name", "short_name is longer than 100 characters"),
    ],
)
def test_bad_values_are_named(change, column, reason):
    report = run_import("organisations", upload(csv_bytes([BERLIN, {**LYON, **change}])))
    assert not report.ok
    assert [(row, col) for row, col, _message in report.errors] == [(3, column)]
    assert reason in report.errors[0][2]
    assert not Organisation.objects.exists()


def test_duplicate_pic_names_both_rows():
    rows = [BERLIN, LYON, ATHENS, {**LYON, "legal_name": "Other name"}]
    report = run_import("organisations", upload(csv_bytes(rows)))
    assert report.errors == [(5, "pic", "duplicate PIC 912345678 (also on row 3)")]


def test_every_bad_row_is_reported():
    rows = [{**LYON, "country": "XX"}, BERLIN, {**ATHENS, "latitude": "-91", "longitude": "0"}]
    report = run_import("organisations", upload(csv_bytes(rows)))
    assert [(r, c) for r, c, _m in report.errors] == [(2, "country"), (4, "latitude")]


# Bad files ------------------------------------------------------------------------------------


def file_error(report) -> str:
    assert not report.ok
    assert not Organisation.objects.exists()
    assert len(report.errors) == 1
    return report.errors[0][2]


def test_missing_required_columns_are_named():
    content = csv_bytes([{"city": "Lyon"}], header=["city", "website"])
    report = run_import("organisations", upload(content))
    assert report.errors == [
        (1, "legal_name", "required column legal_name is missing"),
        (1, "kind", "required column kind is missing"),
        (1, "country", "required column country is missing"),
    ]


def test_png_renamed_csv_is_rejected():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert "PNG image" in file_error(run_import("organisations", upload(png, "orgs.csv")))


def test_binary_garbage_is_rejected():
    garbage = bytes(range(256)) * 20
    assert "binary" in file_error(run_import("organisations", upload(garbage, "orgs.csv")))


def test_wrong_encoding_is_rejected_with_the_line():
    content = "legal_name,kind,country\nSociété Générale,company,FR\n".encode("latin-1")
    message = file_error(run_import("organisations", upload(content)))
    assert "not UTF-8" in message and "line 2" in message


def test_old_excel_file_is_rejected():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert ".xls" in file_error(run_import("organisations", upload(content, "orgs.xlsx")))


def test_zip_that_is_not_a_workbook_is_rejected():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    message = file_error(run_import("organisations", upload(out.getvalue(), "orgs.xlsx")))
    assert "not an XLSX" in message


def test_other_file_types_are_rejected_by_name():
    message = file_error(run_import("organisations", upload(csv_bytes([LYON]), "orgs.pdf")))
    assert "not a CSV or XLSX" in message


def test_empty_file_is_rejected():
    assert "empty" in file_error(run_import("organisations", upload(b"", "orgs.csv")))


def test_oversized_file_is_rejected(settings):
    settings.CLUSTERHUB_MAX_UPLOAD_BYTES = 100
    message = file_error(run_import("organisations", upload(csv_bytes([LYON, BERLIN]))))
    assert "limit" in message


# Cluster profiles -----------------------------------------------------------------------------

CLUSTER_HEADER = [
    "legal_name",
    "country",
    "city",
    "website",
    "founding_year",
    "members_companies",
    "members_smes",
    "members_research",
    "members_universities",
    "members_public",
    "members_other",
    "management_fte",
    "labels",
    "languages",
    "contact_email",
]
PLASTIPOLIS = {
    "legal_name": "Plastipolis",
    "country": "FR",
    "city": "Oyonnax",
    "website": "https://www.plastipolis.fr",
    "founding_year": "2005",
    "members_companies": "250",
    "members_smes": "180",
    "members_research": "20",
    "members_universities": "5",
    "members_public": "3",
    "members_other": "2",
    "management_fte": "12.5",
    "labels": "ecei-gold:2025-12-31;pole-labelled",
    "languages": "fr, en",
    "contact_email": "contact@plastipolis.fr",
}


def test_cluster_import_creates_validated_profiles_with_labels():
    small = {
        **PLASTIPOLIS,
        "legal_name": "Tiny Cluster",
        "members_companies": "3",
        "members_smes": "1",
        "members_research": "0",
        "members_universities": "0",
        "members_public": "0",
        "members_other": "0",
        "labels": "",
    }
    content = csv_bytes([PLASTIPOLIS, small], header=CLUSTER_HEADER)
    report = run_import("clusters", upload(content))
    assert report.ok, report.errors
    assert report.created == 2

    profile = ClusterOrganisation.objects.get(organisation__legal_name="Plastipolis")
    assert profile.organisation.kind == OrganisationKind.CLUSTER
    assert profile.members_total == 280
    assert profile.management_fte == Decimal("12.5")
    assert profile.is_validated
    labels = {(lb.scheme, lb.level, str(lb.valid_until)) for lb in profile.labels.all()}
    assert labels == {("ecei", "gold", "2025-12-31"), ("pole", "labelled", "None")}
    assert not ClusterOrganisation.objects.get(organisation__legal_name="Tiny Cluster").is_validated

    # again, with new figures: updated in place, labels replaced
    changed = {**PLASTIPOLIS, "members_companies": "260", "labels": "ecei-silver"}
    report = run_import("clusters", upload(csv_bytes([changed], header=CLUSTER_HEADER)))
    assert (report.created, report.updated) == (0, 1)
    profile.refresh_from_db()
    assert profile.members_total == 290
    assert [(lb.scheme, lb.level) for lb in profile.labels.all()] == [("ecei", "silver")]


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"members_companies": "-3"}, "members_companies", "must be a whole number ≥ 0"),
        ({"members_research": "many"}, "members_research", "must be a whole number ≥ 0"),
        ({"members_smes": "300"}, "members_smes", "cannot exceed members_companies"),
        ({"founding_year": "1700"}, "founding_year", "between 1800 and 2100"),
        ({"management_fte": "-1"}, "management_fte", "must be a number ≥ 0"),
        ({"labels": "ecei-platinum"}, "labels", "unknown label 'ecei-platinum'"),
        ({"labels": "ecei-gold:31/12/2025"}, "labels", "is not a date"),
        ({"contact_email": "nobody"}, "contact_email", "not an e-mail address"),
    ],
)
def test_bad_cluster_values_are_named(change, column, reason):
    content = csv_bytes([{**PLASTIPOLIS, **change}], header=CLUSTER_HEADER)
    report = run_import("clusters", upload(content))
    assert [(row, col) for row, col, _message in report.errors] == [(2, column)]
    assert reason in report.errors[0][2]
    assert not Organisation.objects.exists()


# CORDIS ---------------------------------------------------------------------------------------


@pytest.fixture
def cordis_files():
    folder = settings.SHARED_DATA_DIR / "cordis-h2020-sample"
    return folder / "participations.csv", folder / "projects.csv"


def test_cordis_sample_import(cordis_files):
    participations, projects = cordis_files
    report = run_import("cordis", participations, projects_file=projects)

    assert report.ok, report.errors
    assert report.created == 3114
    assert Organisation.objects.count() == 3114
    assert Project.objects.count() == 602
    assert report.counts["projects_created"] == 602
    # 5,153 rows, of which 4 repeat an organisation within its project
    assert Participation.objects.count() == 5149

    dtu = Organisation.objects.get(pic="999990655")
    assert dtu.kind == OrganisationKind.HIGHER_EDUCATION
    assert dtu.country_id == "DK"
    assert dtu.website == "http://www.dtu.dk"
    assert dtu.nuts_region_id and dtu.nuts_region_id.startswith("DK")
    seawise = Project.objects.get(cordis_id="101000318")
    assert (seawise.acronym, seawise.topic) == ("SEAwise", "BG-10-2020")
    assert seawise.topic_title == "Fisheries in the full ecosystem context"
    coordinator = Participation.objects.get(project=seawise, organisation=dtu)
    assert coordinator.role == "coordinator"
    assert coordinator.ec_contribution == Decimal("1427101.25")

    # collaboration: DTU and IFREMER share SEAwise
    ifremer = Organisation.objects.get(pic="999630300")
    shared = Project.objects.filter(participants=dtu).filter(participants=ifremer)
    assert seawise in shared
    assert ifremer.kind == OrganisationKind.RESEARCH

    # CORDIS country codes: EL is Greece, UK the United Kingdom
    assert Organisation.objects.filter(country_id="GR").exists()
    assert Organisation.objects.filter(country_id="GB").exists()
    assert not Organisation.objects.filter(is_sme=True).exclude(kind="company").exists()
    # web addresses without a scheme get one
    assert not Organisation.objects.exclude(website="").exclude(website__startswith="http").exists()
    assert filter_text(Organisation.objects.all(), "danmarks tekniske").get() == dtu

    again = run_import("cordis", participations, projects_file=projects)
    assert (again.created, again.updated) == (0, 3114)
    assert again.counts["participations_created"] == 0
    assert Organisation.objects.count() == 3114
    assert Participation.objects.count() == 5149


def test_cordis_import_keeps_a_profile_teams_own_data():
    org = OrganisationFactory(
        legal_name="Old name",
        kind=OrganisationKind.CLUSTER,
        pic="999990655",
        country=country("DK"),
        website="https://cluster.example.dk",
    )
    content = (
        b"projectID,projectAcronym,organisationID,name,SME,activityType,city,country,"
        b"geolocation,organizationURL,role,order,ecContribution\n"
        b"1,ACRO,999990655,DANMARKS TEKNISKE UNIVERSITET,False,HES,LYNGBY,DK,"
        b'"55.77,12.50",www.dtu.dk,coordinator,1,10.5\n'
    )
    report = run_import("cordis", upload(content, "participations.csv"))
    assert report.ok, report.errors
    org.refresh_from_db()
    assert org.legal_name == "DANMARKS TEKNISKE UNIVERSITET"
    assert org.kind == OrganisationKind.CLUSTER
    assert org.website == "https://cluster.example.dk"
    assert org.city == "LYNGBY"  # was blank: filled in
    assert Participation.objects.get().ec_contribution == Decimal("10.50")


def test_cordis_bad_rows_are_named():
    content = (
        b"projectID,projectAcronym,organisationID,name,SME,activityType,country,role\n"
        b"1,ACRO,999990655,DTU,False,HES,DK,coordinator\n"
        b"1,ACRO,12,Someone,False,XYZ,QQ,boss\n"
    )
    report = run_import("cordis", upload(content))
    assert {(row, column) for row, column, _m in report.errors} == {
        (3, "organisationID"),
        (3, "activityType"),
        (3, "country"),
        (3, "role"),
    }
    assert not Organisation.objects.exists() and not Project.objects.exists()


def test_cordis_missing_columns_are_named():
    content = b"projectID,name\n1,DTU\n"
    report = run_import("cordis", upload(content))
    assert {column for _row, column, _m in report.errors} == {
        "acronym",
        "pic",
        "country",
        "role",
    }


# The management command ---------------------------------------------------------------------


def test_command_imports_and_prints_the_report(tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([LYON, BERLIN]))
    call_command("import_registry", "organisations", str(path))
    assert "created 2" in capsys.readouterr().out
    assert Organisation.objects.count() == 2


def test_command_fails_on_errors(tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([LYON, {**BERLIN, "country": "XX"}]))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_registry", "organisations", str(path))
    assert "row 3, country: unknown country code 'XX'" in capsys.readouterr().err
    assert not Organisation.objects.exists()


def test_command_cordis_with_projects(cordis_files, capsys):
    participations, projects = cordis_files
    call_command(
        "import_registry", "cordis", str(participations), "--projects", str(projects), "--dry-run"
    )
    assert "would create 3114" in capsys.readouterr().out
    assert not Organisation.objects.exists()


# Row limit ------------------------------------------------------------------------------------


def test_a_file_over_the_row_limit_is_refused_before_anything_is_written(settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 2
    report = run_import("organisations", upload(csv_bytes([LYON, BERLIN, ATHENS])))
    assert not report.ok
    assert report.errors == [
        (
            None,
            "",
            "the file has more than 2 rows; an import takes at most 2 rows: split it "
            "into several files",
        )
    ]
    assert not Organisation.objects.exists()
    rows = [[LYON.get(c, "") for c in ORG_HEADER] for _ in range(5)]
    report = run_import("organisations", upload(xlsx_bytes(ORG_HEADER, rows), "orgs.xlsx"))
    assert not report.ok and "at most 2 rows" in report.errors[0][2]
    assert "5 rows" in report.errors[0][2]  # the workbook states its size: named at once
    assert not Organisation.objects.exists()
    report = run_import("organisations", upload(csv_bytes([LYON, BERLIN])))
    assert report.ok, report.errors
