"""What a bank keeps at home for monitoring: its alert-sealing key, scores and grades per run.

Grade-drop rules compare a run with the bank's previous one, and score drift compares
it with the first run of the same model, so every run's scores stay in the bank's work
folder (``monitoring/scores/<date>.parquet``). Nothing here leaves the bank: the
coordinator and the platform never learn a score or a grade.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from federation.files import write_atomic
from models.monitoring.alerts import KEY_BYTES, new_sealing_key

SCORE_COLUMNS: tuple[str, ...] = ("enterprise", "raw_score", "probability", "grade", "model_id")


class BankMonitoringState:
    def __init__(self, party_workdir: Path) -> None:
        self.root = party_workdir / "monitoring"

    def sealing_key(self) -> bytes:
        """The bank's own key for sealing and identifying score alerts (created once, owner-only)."""
        path = self.root / "alert_key"
        if not path.exists():
            write_atomic(path, new_sealing_key(), private=True)
        key = path.read_bytes()
        if len(key) != KEY_BYTES:
            raise ValueError(f"{path} holds {len(key)} bytes, not a {KEY_BYTES}-byte key")
        return key

    def _scores_path(self, day: dt.date) -> Path:
        return self.root / "scores" / f"{day.isoformat()}.parquet"

    def _baseline_path(self, model_id: str) -> Path:
        return self.root / "baseline" / f"{model_id}.parquet"

    def save_scores(self, day: dt.date, scores: pd.DataFrame) -> None:
        """Keep a run's scores; the first run with a model is also that model's baseline."""
        data = scores.loc[:, list(SCORE_COLUMNS)].to_parquet()
        write_atomic(self._scores_path(day), data)
        for model_id in scores["model_id"].unique():
            if not self._baseline_path(str(model_id)).exists():
                write_atomic(self._baseline_path(str(model_id)), data)

    def previous(self, day: dt.date) -> tuple[dt.date, pd.DataFrame] | None:
        """The latest run before ``day``: its date and scores; None on the first run."""
        folder = self.root / "scores"
        earlier = sorted(d for d in (dt.date.fromisoformat(p.stem) for p in folder.glob("*.parquet")) if d < day) \
            if folder.exists() else []
        if not earlier:
            return None
        return earlier[-1], pd.read_parquet(self._scores_path(earlier[-1]))

    def baseline(self, model_id: str) -> pd.DataFrame | None:
        """The scores of the first run with ``model_id``: what score drift compares against."""
        path = self._baseline_path(model_id)
        return pd.read_parquet(path) if path.exists() else None
