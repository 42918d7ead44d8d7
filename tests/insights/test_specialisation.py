"""Location quotients and the three stars, on an exact identity, a hand-checked example and the
real Eurostat table."""

import numpy as np
import pytest

from clusterhub.insights.specialisation import compute, lq_identity

NAN = float("nan")


def test_the_weighted_quotients_of_every_sector_add_up_to_one():
    rng = np.random.default_rng(7)
    for _ in range(20):
        E = rng.integers(0, 50_000, size=(rng.integers(5, 60), rng.integers(2, 40))).astype(float)
        E[rng.random(E.shape) < 0.1] = NAN  # missing figures stay missing
        E[:, 0] = np.where(np.isnan(E[:, 0]), 1.0, E[:, 0])  # every sector has a figure
        np.testing.assert_allclose(lq_identity(E)[~np.all(np.isnan(E), axis=0)], 1.0, rtol=1e-12)


def test_stars_on_an_example_checked_by_hand():
    # 10 regions, 2 sectors. Region 0 is big in sector A; region 9 is small but lives on A.
    A = [9000, 100, 100, 100, 100, 100, 100, 100, 100, 900]
    B = [21000, 900, 900, 900, 900, 900, 900, 900, 900, 100]
    s = compute(np.array([A, B], dtype=float).T)
    # E = 39,000; sector A: 10,700. Region 9: 900 of 1,000 = 90% in A → LQ 0.9 / (107/390)
    assert s.lq[9, 0] == pytest.approx(0.9 * 390 / 107)
    assert s.lq[0, 0] == pytest.approx(0.3 * 390 / 107)
    # size: region 0 holds 84% of A (top 10% of 10 regions = the largest); focus: region 9
    assert list(np.flatnonzero(s.size_star[:, 0])) == [0]
    assert list(np.flatnonzero(s.focus_star[:, 0])) == [9]
    assert list(np.flatnonzero(s.specialisation_star[:, 0])) == [9]
    assert s.stars[9, 0] == 2 and s.stars[0, 0] == 1


def test_missing_figures_are_neither_zero_nor_counted():
    s = compute(np.array([[10, NAN], [10, 10]], dtype=float))
    assert np.isnan(s.lq[0, 1]) and not s.specialisation_star[0, 1]
    # region 0's total is 10 (its known figure): all of it in sector 0
    assert s.focus[0, 0] == 1.0
