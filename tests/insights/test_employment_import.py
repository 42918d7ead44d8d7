"""The Eurostat employment table through the all-or-nothing import: the real file, and bad
rows named by row and column with nothing written."""

import io
from pathlib import Path

import numpy as np
import pytest

from clusterhub.insights import imports, selectors
from clusterhub.insights.models import Employment
from clusterhub.insights.specialisation import lq_identity

pytestmark = pytest.mark.django_db

REAL = Path(__file__).resolve().parents[3] / "shared/data/eurostat-sbs/sbs_r_nuts06_r2.tsv.gz"
HEADER = "nace_r2,indic_sb,geo\\time\t2015 \t2014 \n"


def upload(text: str, name: str = "sbs.tsv"):
    data = io.BytesIO(text.encode())
    data.name = name
    return data


def test_the_table_keeps_persons_employed_by_region_and_division():
    report = imports.import_employment(
        upload(
            HEADER
            + "C22,V16110,FR71\t40123 \t39000 p\n"  # a flag after the figure
            + "C22,V16110,DE11\t: \t12\n"  # missing: left out, not zero
            + "C22,V11210,DE11\t5 \t5\n"  # another indicator
            + "C,V16110,DE11\t900 \t900\n"  # a section
            + "C22,V16110,FRZZ\t1 \t1\n"  # extra-regio
            + "C22,V16110,DE1\t100 \t100\n"  # NUTS 1
        )
    )
    assert report.ok, report.errors
    stored = set(Employment.objects.values_list("region", "sector", "year", "persons"))
    # FR71 (Rhône-Alpes, NUTS 2010) is written with its code of today, FRK2
    assert stored == {("FRK2", "22", 2015, 40123), ("FRK2", "22", 2014, 39000),
                      ("DE11", "22", 2014, 12)}  # fmt: skip
    assert report.counts == {"extra_regio_rows_left_out": 1, "codes_renamed": 1}
    # again: replaced, not duplicated
    assert imports.import_employment(upload(HEADER + "C22,V16110,FR71\t41 \t39 \n")).ok
    assert set(Employment.objects.values_list("region", "year", "persons")) == {
        ("FRK2", 2015, 41),
        ("FRK2", 2014, 39),
    }


def test_bad_rows_are_named_and_nothing_is_written():
    Employment.objects.create(region="DE11", sector="22", year=2015, persons=7)
    report = imports.import_employment(
        upload(
            HEADER
            + "C22,V16110,DE11\t-5 \t3\n"
            + "C22,V16110,DE12\tmany \t3\n"
            + "C00,V16110,DE12\t1 \t3\n"
            + "C22;V16110;DE12\t1 \t3\n"
        )
    )
    assert not report.ok
    assert report.errors == [
        (2, "2015", "A number of persons employed cannot be negative (-5)."),
        (3, "2015", "“many” is not a number."),
        (4, "nace_r2,indic_sb,geo\\time", "“C00” is not a NACE division."),
        (5, "nace_r2,indic_sb,geo\\time", "“C22;V16110;DE12” should be sector,indicator,region."),
    ]
    assert list(Employment.objects.values_list("persons", flat=True)) == [7]


def test_a_file_that_is_not_the_table_is_refused():
    report = imports.import_employment(upload("name,value\nx,1\n", "x.csv"))
    assert report.errors[0][2].startswith("The first column should be")
    report = imports.import_employment(upload("%PDF-1.4 nonsense", "x.pdf"))
    assert "not a CSV or XLSX file" in report.errors[0][2]


@pytest.mark.skipif(not REAL.exists(), reason="the shared data is not on this machine")
def test_the_real_table_imports_and_keeps_the_identity():
    report = imports.import_employment(REAL)
    assert report.ok and report.created > 50_000
    for year in (2008, 2015):
        regions, sectors, matrix = selectors.employment_matrix(year)
        assert len(regions) > 150 and len(sectors) > 50
        known = ~np.all(np.isnan(matrix), axis=0)
        np.testing.assert_allclose(lq_identity(matrix)[known], 1.0, rtol=1e-9)
    # France sent 2010–2014 only: the default year is the last one most countries have
    assert selectors.latest_year() == 2014 and selectors.latest_year("FRK2") == 2014
    # Rhône-Alpes, FR71 in the file, is shown under its code of today
    rows = {r["sector"]: r for r in selectors.region_specialisations("FRK2")}
    regions, sectors, matrix = selectors.employment_matrix(2014)
    r, c = regions.index("FRK2"), sectors.index("22")
    assert rows["22"]["persons"] == 18468 == matrix[r, c]
    by_hand = (matrix[r, c] / np.nansum(matrix[r])) / (np.nansum(matrix[:, c]) / np.nansum(matrix))
    assert rows["22"]["lq"] == pytest.approx(by_hand)
