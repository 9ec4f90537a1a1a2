"""Objection deadlines: two working days after filing, weekends skipped, in China time."""

from __future__ import annotations

import datetime as dt

import pytest

from federation.governance.working_days import forward_deadline

UTC = dt.timezone.utc


@pytest.mark.parametrize(("filed", "deadline"), [
    (dt.datetime(2026, 11, 16, 3, tzinfo=UTC), dt.date(2026, 11, 18)),  # Monday -> Wednesday
    (dt.datetime(2026, 11, 19, 3, tzinfo=UTC), dt.date(2026, 11, 23)),  # Thursday -> Monday
    (dt.datetime(2026, 11, 20, 3, tzinfo=UTC), dt.date(2026, 11, 24)),  # Friday -> Tuesday
    (dt.datetime(2026, 11, 21, 3, tzinfo=UTC), dt.date(2026, 11, 24)),  # Saturday -> Tuesday
    (dt.datetime(2026, 11, 22, 3, tzinfo=UTC), dt.date(2026, 11, 24)),  # Sunday -> Tuesday
])
def test_two_working_days_skip_the_weekend(filed: dt.datetime, deadline: dt.date) -> None:
    assert forward_deadline(filed) == deadline


def test_the_day_is_counted_in_china_time() -> None:
    """Thursday 17:00 UTC is already Friday 01:00 in China: Tuesday, not Monday."""
    assert forward_deadline(dt.datetime(2026, 11, 19, 17, tzinfo=UTC)) == dt.date(2026, 11, 24)
