"""The tests' clock: every test (browser tests apart) runs as if it were ``NOW``, so no test
depends on the day it runs, and none skips or breaks when a date of its data passes.

``NOW`` is a Monday morning in 2027, after the demo's upcoming workshop opened its
registration (1 September 2026) and before it closes (6 October 2027); at 08:00 UTC, a
working day plus a few hours stays the same calendar day in every European time zone. The
clock ticks from there (``time_machine.travel(..., tick=True)``), so durations stay real.

A test moves the clock further with the ``time_machine`` fixture
(``time_machine.move_to(...)``); a test that needs the real clock is marked
``@pytest.mark.real_clock``. Module-level dates use ``NOW``, not ``timezone.now()`` (they are
computed at collection, before the clock is set).
"""

import datetime

NOW = datetime.datetime(2027, 3, 1, 8, 0, tzinfo=datetime.UTC)
