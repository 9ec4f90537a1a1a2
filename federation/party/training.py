"""What every joint training job does the same way, whichever model it trains.

The bank splits the PSI intersection into training and holdout rows, keeps one HE key
pair per job, scores its holdout at the end; each party stores its part of the model and
the registry records where that part is and its digest. The model card and
``fedcredit evaluate`` read what these write, so the file names live here, not in one
model's job.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from federation.crypto import get_backend
from federation.crypto.backend import SecretContext
from federation.files import write_atomic
from federation.party.agent import JobContext
from federation.party.alignment import aligned_rows
from models.evaluation import HoldoutSpec, auc, holdout_rows, ks

KEY_FILE = "he_key.bin"
PREDICTIONS_FILE = "predictions.parquet"
BANK_PART = "bank.json"
PLATFORM_PART = "platform.json"
DEFAULT_ENCRYPTION = "heu-ou"


@dataclass(frozen=True)
class TrainingRows:
    """The bank's rows of a training job: the intersection in id order, its labels, and the
    positions in it of the training and holdout rows (no holdout: every row trains)."""

    psi_job: str
    aligned: pd.DataFrame
    labels: np.ndarray
    train_rows: np.ndarray
    test_rows: np.ndarray

    @property
    def train(self) -> pd.DataFrame:
        return self.aligned.iloc[self.train_rows]

    @property
    def test(self) -> pd.DataFrame:
        return self.aligned.iloc[self.test_rows]

    def counts(self) -> dict[str, int]:
        return {"n_intersection": len(self.aligned), "n_train": len(self.train_rows), "n_test": len(self.test_rows)}


def bank_training_rows(context: JobContext) -> TrainingRows:
    """The rows of the job's PSI intersection, split by the job's ``holdout`` spec."""
    psi_job = str(context.params.get("psi_job", ""))
    aligned = aligned_rows(context, psi_job)
    labels = context.table.labels[aligned["bank_row"].to_numpy()]
    holdout = context.params.get("holdout")
    train_rows, test_rows = np.arange(len(aligned)), np.arange(0)
    if holdout is not None:
        train_rows, test_rows = holdout_rows(labels, HoldoutSpec.from_dict(holdout))
    return TrainingRows(psi_job, aligned, labels, train_rows, test_rows)


def holdout_metrics(context: JobContext, rows: TrainingRows, scores: np.ndarray) -> dict[str, float]:
    """AUC and KS of the holdout scores; the scores are kept (``PREDICTIONS_FILE``) for the
    model card and ``fedcredit evaluate``."""
    labels = rows.labels[rows.test_rows]
    pd.DataFrame({"id": rows.test["id"].to_numpy(), "label": labels, "score": scores}).to_parquet(
        context.workdir / PREDICTIONS_FILE)
    return {"auc": auc(labels, scores), "ks": ks(labels, scores)}


def key_pair(path: Path, scheme: str, key_bits: int) -> SecretContext:
    """The bank's key pair for this job: made once, owner-only, reloaded on resume."""
    backend = get_backend(scheme)
    if path.exists():
        return backend.load_secret(path.read_bytes())
    _, secret = backend.generate(key_bits)
    write_atomic(path, secret.to_bytes(), private=True)
    return secret


def part_entry(path: Path) -> dict[str, Any]:
    """What the registry records of a stored part: where it is at its holder, and a digest."""
    return {"file": f"models/{path.parent.name}/{path.name}", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
