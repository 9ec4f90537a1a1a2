from __future__ import annotations

import numpy as np

from models.scorecard.merging import merge_plan


def _rates(groups: np.ndarray, events: np.ndarray, nonevents: np.ndarray) -> np.ndarray:
    e = np.bincount(groups, weights=events)
    return e / (e + np.bincount(groups, weights=nonevents))


def test_numeric_groups_have_monotonic_event_rates() -> None:
    events = np.array([5, 9, 7, 12, 20, 18, 30, 41.0])
    nonevents = np.array([95, 91, 93, 88, 80, 82, 70, 59.0])
    groups = merge_plan(events, nonevents, categorical=False, has_missing_prebin=False, min_bin_size=50,
                        max_groups=8)
    rates = _rates(groups, events, nonevents)
    assert np.all(np.diff(rates) > 0) and np.all(np.diff(groups) >= 0)


def test_groups_respect_the_size_floor_and_the_bin_limit() -> None:
    events = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10.0])
    nonevents = np.array([29, 8, 27, 26, 5, 24, 23, 22, 21, 20.0])
    groups = merge_plan(events, nonevents, categorical=False, has_missing_prebin=False, min_bin_size=60,
                        max_groups=3, monotonic=False)
    sizes = np.bincount(groups, weights=events + nonevents)
    assert sizes.min() >= 60 and len(sizes) <= 3


def test_the_missing_prebin_stays_a_group_of_its_own() -> None:
    events = np.array([5, 10, 15, 50.0])
    nonevents = np.array([95, 90, 85, 50.0])
    groups = merge_plan(events, nonevents, categorical=False, has_missing_prebin=True, min_bin_size=50,
                        max_groups=8)
    assert groups[-1] not in groups[:-1]


def test_categories_are_grouped_by_event_rate_not_by_position() -> None:
    events = np.array([50, 5, 48, 6.0])
    nonevents = np.array([50, 95, 52, 94.0])
    groups = merge_plan(events, nonevents, categorical=True, has_missing_prebin=False, min_bin_size=150,
                        max_groups=2)
    assert groups[0] == groups[2] and groups[1] == groups[3] and groups[0] != groups[1]
