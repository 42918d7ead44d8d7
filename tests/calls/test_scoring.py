"""Rubrics, calibrated scores and rankings that say when they cannot tell applications apart."""

from decimal import Decimal

import numpy as np
import pytest

from clusterhub.calls.scoring import (
    Criterion,
    Review,
    RubricError,
    check_rubric,
    juror_bias,
    rank_intervals,
    raw_means,
    weighted,
    z_scores,
)

RUBRIC = [Criterion("impact", Decimal(60), 0, 10), Criterion("europe", Decimal(40), 1, 5)]


def test_a_review_total_weighs_each_criterion_on_its_own_scale():
    assert weighted(RUBRIC, {"impact": 10, "europe": 5}) == pytest.approx(100)
    assert weighted(RUBRIC, {"impact": 5, "europe": 1}) == pytest.approx(30)


@pytest.mark.parametrize(
    ("scores", "field", "message"),
    [
        ({"impact": 11, "europe": 3}, "impact", "from 0 to 10"),
        ({"impact": 4, "europe": 0}, "europe", "from 1 to 5"),
        ({"impact": 4}, "europe", "no score"),
        ({"impact": 4.5, "europe": 2}, "impact", "whole number"),
    ],
)
def test_a_score_outside_the_scale_names_the_criterion(scores, field, message):
    with pytest.raises(RubricError, match=message) as error:
        weighted(RUBRIC, scores)
    assert error.value.field == field


def test_a_rubric_whose_weights_do_not_sum_to_100_is_refused():
    check_rubric(RUBRIC)
    with pytest.raises(RubricError, match="sum to 90"):
        check_rubric([Criterion("a", Decimal(50)), Criterion("b", Decimal(40))])
    with pytest.raises(RubricError, match="scale of “b” must go up"):
        check_rubric([Criterion("a", Decimal(50)), Criterion("b", Decimal(50), 5, 5)])


def jury(offsets, quality, noise=0.0, seed=0):
    """Each application reviewed by three jurors in turn; score = quality + offset + noise."""
    rng = np.random.default_rng(seed)
    m = len(offsets)
    return [
        Review(j, a, quality[a] + offsets[j] + rng.normal(0, noise))
        for a in range(len(quality))
        for j in ((a + s) % m for s in range(3))
    ]


def test_the_bias_model_removes_each_jurors_offset():
    offsets = [15.0, -10.0, 0.0, 5.0, -10.0]
    quality = [50.0, 62.0, 58.0, 71.0, 40.0, 66.0, 55.0, 49.0]
    calibration = juror_bias(jury(offsets, quality))
    # recovered up to one constant (offsets sum to zero)
    shift = np.mean(offsets)
    for j, offset in enumerate(offsets):
        assert calibration.offset[j] == pytest.approx(offset - shift, abs=1e-4)
    for a, q in enumerate(quality):
        assert calibration.quality[a] == pytest.approx(q + shift, abs=1e-4)


def test_calibration_corrects_the_luck_of_a_lenient_jury():
    # application 0 is the weakest but meets the lenient jurors only
    reviews = [Review("lenient", 0, 72), Review("lenient2", 0, 74)]
    reviews += [Review("lenient", 1, 70), Review("strict", 1, 50)]
    reviews += [Review("lenient2", 2, 75), Review("strict", 2, 55)]
    reviews += [Review("strict", 3, 52), Review("lenient", 3, 72)]
    raw = raw_means(reviews)
    assert max(raw, key=raw.get) == 0
    z = z_scores(reviews)
    assert set(z) == {0, 1, 2, 3}
    calibrated = juror_bias(reviews).quality
    assert max(calibrated, key=calibrated.get) == 2
    assert max(z, key=z.get) != 0


def test_rank_intervals_tell_clear_winners_apart_and_warn_on_a_close_race():
    clear = jury([0.0, 2.0, -2.0, 1.0], [90, 85, 80, 40, 35, 30, 25], noise=1.0)
    ranking = rank_intervals(clear, top=3, resamples=300)
    assert [r.application for r in ranking.rows[:3]] == [0, 1, 2]
    assert ranking.separable
    assert all(r.low <= r.rank <= r.high for r in ranking.rows)
    close = jury([0.0, 2.0, -2.0, 1.0], [60, 60, 60, 60, 60, 60, 60], noise=8.0, seed=3)
    ranking = rank_intervals(close, top=3, resamples=300)
    assert not ranking.separable
    assert ranking.overlapping


def test_the_module_imports_no_django():
    import subprocess
    import sys

    code = (
        "import sys, clusterhub.calls.scoring; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
