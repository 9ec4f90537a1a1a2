"""A running federation (coordinator, platform, bank_a as processes) with a finished PSI job,
for the SecureBoost job tests and the fault suite that kills its processes mid-training.

``running`` and ``in_process`` are module-scoped fixtures: a test module imports them and
gets a federation of its own."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from federation.data import load_table
from federation.data.synthetic import generate
from federation.launcher import LocalFederation, PartySpec
from federation.party.client import job_summary
from federation.security.roles import Role
from models.evaluation import HoldoutSpec, holdout_rows
from models.secureboost import SecureBoostClassifier

MODEL = {"n_estimators": 5, "max_depth": 3, "subsample": 0.9, "colsample": 0.8, "random_state": 3}
HOLDOUT = HoldoutSpec(seed=1, test_size=0.25)


@dataclass
class Federation:
    federation: LocalFederation
    parties: list[PartySpec]
    psi_job: str

    def party_dir(self, name: str) -> Path:
        return self.federation.workdir / "parties" / name

    def spec(self, name: str) -> PartySpec:
        return next(p for p in self.parties if p.name == name)

    def train(self, model: dict[str, Any], holdout: HoldoutSpec | None = HOLDOUT) -> str:
        params: dict[str, Any] = {"psi_job": self.psi_job, "model": model}
        if holdout is not None:
            params["holdout"] = holdout.to_dict()
        with self.federation.client("bank_a") as client:
            return client.submit_job("secureboost", ["platform"], params).id

    def wait(self, job: str) -> dict[str, Any]:
        with self.federation.client("bank_a") as client:
            return job_summary(client.wait_for_job(job, timeout=600))

    def bank_part(self, job: str) -> dict[str, Any]:
        return json.loads((self.party_dir("bank_a") / "models" / job / "bank.json").read_text())

    def platform_part(self, job: str) -> dict[str, Any]:
        """The platform's stored splits and bins (its part also keeps the paths for scoring)."""
        part = json.loads((self.party_dir("platform") / "models" / job / "platform.json").read_text())
        return {key: value for key, value in part.items() if key != "paths"}


@contextlib.contextmanager
def secureboost_federation(root: Path) -> Iterator[Federation]:
    generate(root / "data", enterprises=4000, banks=1, seed=3)
    parties = [PartySpec("platform", Role.PLATFORM, root / "data" / "platform.parquet", root / "data" / "platform.yaml"),
               PartySpec("bank_a", Role.BANK, root / "data" / "bank_a.parquet", root / "data" / "bank_a.yaml")]
    with LocalFederation(root / "run", parties, receive_timeout=120) as federation:
        with federation.client("bank_a") as client:
            psi_job = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi_job, timeout=300)
        yield Federation(federation, parties, psi_job)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Federation]:
    with secureboost_federation(tmp_path_factory.mktemp("secureboost-job")) as federation:
        yield federation


@pytest.fixture(scope="module")
def in_process(running: Federation) -> tuple[SecureBoostClassifier, pd.DataFrame]:
    """The same model trained by the estimator in one process on the same aligned rows."""
    bank_x, y, platform_x = plaintext_training_set(running)
    return SecureBoostClassifier(**MODEL).fit(bank_x, y, platform_x), platform_x


def plaintext_training_set(running: Federation) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """The rows a federated training job trains on, as one process holding both tables sees
    them: the intersection in id order, split by ``HOLDOUT``. Bank features, labels,
    platform features."""
    platform_spec, bank_spec = running.parties
    bank = load_table(bank_spec.data, bank_spec.schema, role="bank")
    platform = load_table(platform_spec.data, platform_spec.schema, role="platform")
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    aligned = left.merge(right, on="id").sort_values("id").reset_index(drop=True)
    y = bank.labels[aligned["bank_row"]]
    train, _ = holdout_rows(y, HOLDOUT)
    return (bank.features.iloc[aligned["bank_row"][train]], y[train],
            platform.features.iloc[aligned["platform_row"][train]])


def trees_done(running: Federation, job: str, party: str) -> int:
    """How many trees ``party`` has checkpointed in training job ``job`` (0 before the first)."""
    if party == "bank_a":
        path = running.party_dir("bank_a") / "jobs" / job / "checkpoint" / "bank.json"
    else:
        path = running.party_dir("platform") / "jobs" / job / "secureboost_state.json"
    if not path.exists():
        return 0
    data = json.loads(path.read_text())
    return len(data["state"]["trees"]) if party == "bank_a" else int(data["rounds"])
