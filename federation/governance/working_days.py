"""Deadlines counted in working days, in China time, as the seeds count them.

An objection must be forwarded to the provincial node "within 2 working days" (seed 002
item 14). Weekends are skipped; public holidays and the make-up working weekends of the
official calendar are not modelled (the calendar is published yearly; an operator sees
the deadline and can forward earlier).
"""

from __future__ import annotations

import datetime as dt

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
FORWARD_WORKING_DAYS = 2


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        left -= is_working_day(day)
    return day


def forward_deadline(filed_at: dt.datetime) -> dt.date:
    """The last day an objection filed at ``filed_at`` may be forwarded on."""
    return add_working_days(filed_at.astimezone(CHINA).date(), FORWARD_WORKING_DAYS)
