"""The H2020 network import: the shared 91,334-row file, names repaired, all or nothing."""

import csv
import gzip

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from clusterhub.registry import names
from clusterhub.registry.imports import network as network_import
from clusterhub.registry.imports import run_import
from clusterhub.registry.models import Organisation, OrganisationKind, Participation, Project
from tests.factories import OrganisationFactory, country

pytestmark = pytest.mark.django_db

NETWORK = settings.SHARED_DATA_DIR / "cordis-h2020-network"
HEADER = b"project,role,pic,kind,country,start_year,end_year,programme_parts\n"


def upload(content: bytes, name: str = "participations.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_shared_network_imports_whole_with_readable_names(capsys):
    call_command(
        "import_registry",
        "network",
        str(NETWORK / "participations-2014-2018.csv.gz"),
        "--organisations",
        str(NETWORK / "organisations-2017.csv.gz"),
    )
    out = capsys.readouterr().out
    assert "created 27411" in out and "participations created 91334" in out
    assert Project.objects.count() == 20073
    assert Participation.objects.count() == 91334
    # an organisation the names file does not name keeps its place in the graph
    with gzip.open(NETWORK / "organisations-2017.csv.gz", "rt", encoding="utf-8") as f:
        named = {row["pic"] for row in csv.DictReader(f) if row["pic"]}
    with gzip.open(NETWORK / "participations-2014-2018.csv.gz", "rt", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    taking_part = {row["pic"] for row in rows}
    in_207027 = {row["pic"] for row in rows if row["project"] == "207027"}
    unnamed = Organisation.objects.filter(legal_name__startswith="PIC ")
    assert unnamed.count() == len(taking_part - named)
    assert not unnamed.filter(pic__in=named).exists()

    plymouth = Organisation.objects.get(pic="999854661")
    assert plymouth.legal_name == "UNIVERSITY OF PLYMOUTH"  # the raw name is kept
    assert plymouth.readable_legal_name == "University of Plymouth"
    assert plymouth.kind == OrganisationKind.HIGHER_EDUCATION and plymouth.country_id == "GB"
    jockel = Organisation.objects.get(pic="938626030")
    assert jockel.name == "Bernhard Jöckel"  # "Bernhard J√∂ckel" in the file
    assert not Organisation.objects.filter(short_name__contains="√").exists()

    project = Project.objects.get(cordis_id="rcn:207027")
    assert (project.start_year, project.end_year, project.parts) == (2017, 2020, ("LEIT",))
    assert set(project.participants.values_list("pic", flat=True)) == in_207027

    call_command(
        "import_registry",
        "network",
        str(NETWORK / "participations-2014-2018.csv.gz"),
        "--organisations",
        str(NETWORK / "organisations-2017.csv.gz"),
    )
    assert "created 0" in capsys.readouterr().out
    assert Participation.objects.count() == 91334


def test_bad_rows_are_named_and_nothing_is_written():
    content = HEADER + (
        b"1,coordinator,999990655,HES,DK,2016,2019,SC5\n1,boss,12,XYZ,QQ,soon,later,SC5\n"
    )
    report = run_import("network", upload(content))
    assert {(row, column) for row, column, _m in report.errors} == {
        (3, "pic"),
        (3, "kind"),
        (3, "country"),
        (3, "role"),
        (3, "start_year"),
        (3, "end_year"),
    }
    assert "start_year must be a year (got 'soon')" in [m for *_, m in report.errors]
    assert not Organisation.objects.exists() and not Project.objects.exists()


def test_missing_columns_are_named():
    report = run_import("network", upload(b"project,pic\n1,999990655\n"))
    assert {column for _row, column, _m in report.errors} == {
        "role",
        "kind",
        "country",
        "start_year",
    }


def test_a_failure_while_writing_leaves_nothing_half_written(monkeypatch):
    content = (
        HEADER
        + b"1,coordinator,999990655,HES,DK,2016,2019,SC5\n2,participant,999990655,HES,DK,2017,NA,\n"
    )  # noqa: E501

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(network_import, "insert_rows", broken)
    with pytest.raises(RuntimeError):
        run_import("network", upload(content))
    assert not Organisation.objects.exists() and not Project.objects.exists()


def test_a_gzipped_upload_with_names_fills_only_what_is_blank():
    kept = OrganisationFactory(
        legal_name="Polymeris",
        kind=OrganisationKind.CLUSTER,
        pic="912345678",
        country=country("FR"),
    )
    content = HEADER + (
        b"7,coordinator,912345678,OTH,FR,2018,2021,Innovation in SMEs;LEIT\n"
        b"7,participant,999990655,HES,DK,2018,2021,Innovation in SMEs;LEIT\n"
        b"7,participant,999990656,PRC,EL,2018,2021,Innovation in SMEs;LEIT\n"
    )
    names_file = (
        b"pic,name,short_name,kind,street,post_code,city,country\n"
        b"999990655,DANMARKS TEKNISKE UNIVERSITET,DTU,HES,,,Kgs. Lyngby,DK\n"
        b'999990656,"""NATIONAL CENTER FOR SCIENTIFIC RESEARCH """"DEMOKRITOS""""""",'
        b'"""NCSR """"D""""""",REC,,,AGIA PARASKEVI,EL\n'
        b"912345678,POLE PLASTURGIE,,OTH,,,Lyon,FR\n"
    )
    report = run_import(
        "network",
        upload(gzip.compress(content), "participations.csv.gz"),
        organisations_file=upload(names_file, "organisations.csv"),
    )
    assert report.ok, report.errors
    kept.refresh_from_db()
    assert kept.kind == OrganisationKind.CLUSTER  # a cluster stays a cluster
    demokritos = Organisation.objects.get(pic="999990656")
    assert demokritos.name == 'NCSR "D"'
    assert demokritos.readable_legal_name == 'National Center for Scientific Research "Demokritos"'
    assert demokritos.country_id == "GR"
    assert Project.objects.get().parts == ("Innovation in SMEs", "LEIT")


def test_the_command_refuses_names_for_another_kind(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(HEADER)
    with pytest.raises(CommandError, match="--organisations goes with the network import"):
        call_command("import_registry", "cordis", str(path), "--organisations", str(path))


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("UNIVERSITY OF PLYMOUTH", "University of Plymouth"),
        ("GUIDANCE NAVIGATION HOLDINGS LTD", "Guidance Navigation Holdings Ltd"),
        ("INSTITUT D'ETUDES POLITIQUES", "Institut d'Etudes Politiques"),
        (
            "AGENCIA ESTATAL CONSEJO SUPERIOR DE INVESTIGACIONES CIENTIFICAS (CSIC)",
            "Agencia Estatal Consejo Superior de Investigaciones Cientificas (CSIC)",
        ),
        ("Universit√§t Stuttgart", "Universität Stuttgart"),
        ('"NCSR ""D"""', 'NCSR "D"'),
        ("TNO", "TNO"),
        ("Polyméris", "Polyméris"),
    ],
)
def test_readable_names(raw, shown):
    assert names.readable(raw) == shown
