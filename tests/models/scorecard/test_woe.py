from __future__ import annotations

import numpy as np
import pytest

from models.scorecard.woe import SMOOTHING, weight_of_evidence


def test_woe_is_the_log_ratio_of_non_event_to_event_shares() -> None:
    table = weight_of_evidence(np.array([10.0, 30.0]), np.array([90.0, 70.0]))
    share_e = (np.array([10, 30]) + SMOOTHING) / (40 + 2 * SMOOTHING)
    share_ne = (np.array([90, 70]) + SMOOTHING) / (160 + 2 * SMOOTHING)
    assert table.woe == pytest.approx(np.log(share_ne / share_e))
    assert table.iv == pytest.approx(float(np.sum((share_ne - share_e) * table.woe)))


def test_a_bin_without_events_has_a_finite_woe() -> None:
    assert np.isfinite(weight_of_evidence(np.array([0.0, 20.0]), np.array([50.0, 30.0])).woe).all()

