"""The tests run at tests/clock.py's NOW (tests/conftest.py), ticking, unless marked."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests import clock


def test_the_tests_run_at_the_tests_clock():
    elapsed = timezone.now() - clock.NOW
    assert datetime.timedelta(0) <= elapsed < datetime.timedelta(hours=1)


def test_the_clock_ticks():
    first = timezone.now()
    while timezone.now() == first:
        pass
    assert timezone.now() > first


def test_a_test_moves_the_clock_with_the_fixture(time_machine):
    time_machine.move_to(datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC), tick=False)
    assert timezone.now() == datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)


def test_the_clock_is_travelled():
    assert time_machine.escape_hatch.is_travelling()


@pytest.mark.real_clock
def test_real_clock_marker_keeps_the_real_time():
    assert not time_machine.escape_hatch.is_travelling()
