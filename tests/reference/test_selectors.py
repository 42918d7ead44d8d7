"""Look-ups in the reference data."""

import pytest

from clusterhub.reference.selectors import region_for_point

pytestmark = pytest.mark.django_db


def test_region_for_point():
    assert region_for_point(4.83, 45.76) == "FRK26"  # Lyon, Rhône
    assert region_for_point(13.74, 51.05) == "DED21"  # Dresden
    assert region_for_point(-30.0, 45.0) is None  # the Atlantic
