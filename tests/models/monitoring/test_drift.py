"""Population stability index: zero for the same population, the textbook value for a
known shift, and a group as drifted as its worst column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.monitoring.drift import column_psi, group_drift, profile, psi, score_drift, table_profile
from models.monitoring.rules import DriftThresholds

THRESHOLDS = DriftThresholds()


def test_psi_of_two_share_vectors_is_the_textbook_sum():
    expected, actual = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    assert psi(expected, actual) == pytest.approx(0.25 * np.log(0.5) * -1 + 0.25 * np.log(1.5))


def test_the_same_population_does_not_drift():
    values = pd.Series(np.random.default_rng(0).normal(size=5000))
    assert column_psi(profile(values), values) == pytest.approx(0.0, abs=1e-12)


def test_a_shifted_population_drifts_beyond_act():
    rng = np.random.default_rng(0)
    baseline, today = pd.Series(rng.normal(size=5000)), pd.Series(rng.normal(1.0, 1.0, size=5000))
    assert score_drift(baseline.to_numpy(), today.to_numpy(), THRESHOLDS)["status"] == "act"


def test_missing_values_appearing_count_as_drift():
    values = pd.Series(np.random.default_rng(0).normal(size=5000))
    broken = values.where(np.arange(5000) % 4 != 0)
    assert column_psi(profile(values), broken) > 0.25


def test_a_category_never_seen_in_the_baseline_counts_as_drift():
    baseline = pd.Series(["a", "b"] * 500)
    assert column_psi(profile(baseline), pd.Series(["a", "b", "c", "c"] * 250)) > 0.25


def test_a_group_is_as_drifted_as_its_worst_column():
    rng = np.random.default_rng(0)
    before = pd.DataFrame({"tax_a": rng.normal(size=3000), "tax_b": rng.normal(size=3000),
                           "si_a": rng.normal(size=3000)})
    after = before.assign(tax_b=before["tax_b"] + 2)
    report = group_drift(table_profile(before), after, {"tax_a": "tax", "tax_b": "tax", "si_a": "social_insurance"},
                         THRESHOLDS)
    assert report["tax"]["psi"] == report["tax"]["columns"]["tax_b"] > 0.25
    assert (report["tax"]["status"], report["social_insurance"]["status"]) == ("act", "stable")
