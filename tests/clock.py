"""One seam for a fixed clock: tests travel to a day worked out by hand instead of reading today's date.

`on(day, hour)` stops the clock (time-machine: `datetime.now`, `date.today`, `time.time`) at `hour` o'clock in
Amsterdam on `day`; `time.monotonic` keeps running, so timeouts and SMTP servers still work. The `clock`
fixture in conftest.py holds it at TODAY for a whole test.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Tuesday 1 December 2026: a working day, with New Year's Day, a weekend and Christmas within the notice periods.
TODAY = date(2026, 12, 1)


def on(day: date, hour: int = 12):
    """The clock stands still at `hour` o'clock in Amsterdam on `day`."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM), tick=False)
