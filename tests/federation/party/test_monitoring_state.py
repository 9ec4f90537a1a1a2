"""What the bank keeps for monitoring: its sealing key (owner-only, created once), the
previous run's grades, and the first run of a model as that model's score baseline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from federation.party.monitoring_state import BankMonitoringState

D1, D2, D3 = dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 3)


def _scores(model_id: str, grade: int) -> pd.DataFrame:
    return pd.DataFrame({"enterprise": ["e1"], "raw_score": [0.1 * grade], "probability": [0.01 * grade],
                         "grade": [grade], "model_id": [model_id]})


def test_the_sealing_key_is_created_once_and_owner_only(tmp_path):
    state = BankMonitoringState(tmp_path)
    assert state.sealing_key() == BankMonitoringState(tmp_path).sealing_key()
    assert (state.root / "alert_key").stat().st_mode & 0o777 == 0o600


def test_the_previous_run_is_the_latest_before_the_date(tmp_path):
    state = BankMonitoringState(tmp_path)
    state.save_scores(D1, _scores("m1", 2))
    state.save_scores(D3, _scores("m1", 5))
    assert state.previous(D1) is None
    day, scores = state.previous(D3 + dt.timedelta(days=1))
    assert (day, int(scores["grade"][0])) == (D3, 5)
    day, scores = state.previous(D2)
    assert (day, int(scores["grade"][0])) == (D1, 2)


def test_a_models_baseline_is_its_first_run(tmp_path):
    state = BankMonitoringState(tmp_path)
    state.save_scores(D1, _scores("m1", 2))
    state.save_scores(D2, _scores("m1", 4))
    state.save_scores(D3, _scores("m2", 6))
    assert int(state.baseline("m1")["grade"][0]) == 2
    assert int(state.baseline("m2")["grade"][0]) == 6
    assert state.baseline("m3") is None
