"""SecureBoost as a federated job: coordinator, platform and bank as processes over mutual TLS."""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from federation.cli import app
from federation.data import load_table
from federation.data.synthetic import generate
from federation.launcher import LocalFederation, PartySpec
from federation.party.client import job_summary
from federation.security.roles import Role
from models.evaluation import HoldoutSpec, holdout_rows
from models.scoring.paths import leaves, platform_paths
from models.secureboost import SecureBoostClassifier
from models.secureboost.binning import ZERO_THRESHOLD

MODEL = {"n_estimators": 5, "max_depth": 3, "subsample": 0.9, "colsample": 0.8, "random_state": 3}
HOLDOUT = HoldoutSpec(seed=1, test_size=0.25)


@dataclass
class Federation:
    federation: LocalFederation
    parties: list[PartySpec]
    psi_job: str

    def party_dir(self, name: str) -> Path:
        return self.federation.workdir / "parties" / name

    def train(self, model: dict, holdout: HoldoutSpec | None = HOLDOUT) -> str:
        params = {"psi_job": self.psi_job, "model": model}
        if holdout is not None:
            params["holdout"] = holdout.to_dict()
        with self.federation.client("bank_a") as client:
            return client.submit_job("secureboost", ["platform"], params).id

    def wait(self, job: str) -> dict:
        with self.federation.client("bank_a") as client:
            return job_summary(client.wait_for_job(job, timeout=600))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("secureboost-job")
    generate(root / "data", enterprises=4000, banks=1, seed=3)
    parties = [PartySpec("platform", Role.PLATFORM, root / "data" / "platform.parquet", root / "data" / "platform.yaml"),
               PartySpec("bank_a", Role.BANK, root / "data" / "bank_a.parquet", root / "data" / "bank_a.yaml")]
    with LocalFederation(root / "run", parties, receive_timeout=120) as federation:
        with federation.client("bank_a") as client:
            psi_job = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi_job, timeout=300)
        yield Federation(federation, parties, psi_job)


@pytest.fixture(scope="module")
def in_process(running: Federation) -> tuple[SecureBoostClassifier, pd.DataFrame]:
    """The same model trained by the estimator in one process on the same aligned rows."""
    platform_spec, bank_spec = running.parties
    bank = load_table(bank_spec.data, bank_spec.schema, role="bank")
    platform = load_table(platform_spec.data, platform_spec.schema, role="platform")
    left = pd.DataFrame({"id": bank.ids, "bank_row": np.arange(len(bank))})
    right = pd.DataFrame({"id": platform.ids, "platform_row": np.arange(len(platform))})
    aligned = left.merge(right, on="id").sort_values("id").reset_index(drop=True)
    y = bank.labels[aligned["bank_row"]]
    train, _ = holdout_rows(y, HOLDOUT)
    model = SecureBoostClassifier(**MODEL).fit(bank.features.iloc[aligned["bank_row"][train]], y[train],
                                               platform.features.iloc[aligned["platform_row"][train]])
    return model, platform.features


@pytest.fixture(scope="module")
def trained(running: Federation) -> tuple[str, dict]:
    job = running.train(MODEL)
    return job, running.wait(job)


def _bank_part(running: Federation, job: str) -> dict:
    return json.loads((running.party_dir("bank_a") / "models" / job / "bank.json").read_text())


def _platform_part(running: Federation, job: str) -> dict:
    """The platform's stored splits and bins (its part also keeps the paths for scoring)."""
    part = json.loads((running.party_dir("platform") / "models" / job / "platform.json").read_text())
    return {key: value for key, value in part.items() if key != "paths"}


def test_the_federated_job_grows_the_in_process_model(running, trained, in_process):
    job, _ = trained
    model, _ = in_process
    assert _bank_part(running, job)["model"]["trees"] == model.bank_model()["trees"]
    assert _platform_part(running, job) == model.platform_model()


def test_the_platform_keeps_the_models_paths_for_encrypted_scoring(running, trained, in_process):
    job, _ = trained
    model, _ = in_process
    part = json.loads((running.party_dir("platform") / "models" / job / "platform.json").read_text())
    assert part["paths"] == platform_paths(model.trees_, leaves(model.trees_)).to_dict()


def test_the_bank_reports_holdout_metrics(trained):
    _, summary = trained
    metrics = summary["results"]["bank_a"]["model"]["metrics"]
    assert metrics["n_test"] > 0 and 0.5 < metrics["auc"] <= 1.0


def test_the_registry_lists_the_model_with_each_partys_part(running, trained):
    job, _ = trained
    with running.federation.client("bank_a") as client:
        entry = next(m for m in client.list_models() if m.id == job)
    assert entry.owner == "bank_a" and entry.version >= 1
    assert json.loads(entry.protocol_json)["key_bits"] >= 2048
    parts = {p.party: p for p in entry.parts}
    for party in ("bank_a", "platform"):
        stored = (running.party_dir(party) / parts[party].file).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == parts[party].sha256


def test_the_banks_stored_part_holds_no_platform_threshold_or_name(running, trained, in_process):
    job, _ = trained
    _, platform_features = in_process
    bank_part = _bank_part(running, job)
    text = json.dumps(bank_part)
    numbers = {float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)}
    platform_edges = _edges(_platform_part(running, job)["binner"])
    # Integer-valued columns on both sides share edges like 2.5; the bank's own are not leaks.
    public = {ZERO_THRESHOLD, -ZERO_THRESHOLD} | _edges(bank_part["model"]["binner"])
    assert not (numbers & platform_edges) - public
    assert not [c for c in platform_features.columns if f'"{c}"' in text]


def _edges(binner: dict) -> set[float]:
    return {edge for feature in binner["features"] for edge in feature.get("upper_bounds", [])}


def test_training_on_a_psi_job_that_does_not_exist_is_refused(running):
    with running.federation.client("bank_a") as client, pytest.raises(grpc.RpcError) as refused:
        client.submit_job("secureboost", ["platform"], {"psi_job": "no-such-job", "model": MODEL})
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "psi_job" in refused.value.details()


def _wait_for(path_of_progress, at_least: int, timeout: float = 300.0) -> None:
    give_up = time.monotonic() + timeout
    while path_of_progress() < at_least:
        if time.monotonic() > give_up:
            raise TimeoutError("training made no progress")
        time.sleep(0.05)


@pytest.mark.parametrize("victim", ["bank_a", "platform"])
def test_a_party_killed_mid_training_resumes_to_the_same_model(running, in_process, victim):
    model, _ = in_process
    job = running.train(MODEL)
    bank_checkpoint = running.party_dir("bank_a") / "jobs" / job / "checkpoint" / "bank.json"
    platform_state = running.party_dir("platform") / "jobs" / job / "secureboost_state.json"

    def trees_done() -> int:
        path = bank_checkpoint if victim == "bank_a" else platform_state
        if not path.exists():
            return 0
        data = json.loads(path.read_text())
        return len(data["state"]["trees"]) if victim == "bank_a" else data["rounds"]

    _wait_for(trees_done, 1)
    running.federation.kill(victim)
    with running.federation.client("bank_a") as client:
        assert job_summary(client.get_job(job))["state"] == "running", "killed too late to test a resume"
    running.federation.start_party(next(p for p in running.parties if p.name == victim))
    summary = running.wait(job)
    assert summary["state"] == "succeeded"
    assert _bank_part(running, job)["model"]["trees"] == model.bank_model()["trees"]
    assert _platform_part(running, job) == model.platform_model()


def test_fedcredit_train_and_models_work_against_a_running_federation(running):
    runner = CliRunner()
    where = ["--name", "bank_a", "--coordinator", running.federation.target, "--certs", str(running.federation.certs)]
    trained = runner.invoke(app, ["train", *where, "--psi-job", running.psi_job, "--trees", "2", "--json"])
    assert trained.exit_code == 0, trained.output
    job = json.loads(trained.stdout.strip().splitlines()[-1])["job_id"]
    listed = runner.invoke(app, ["models", *where])
    assert job in [json.loads(line)["id"] for line in listed.stdout.strip().splitlines()]


def test_fedcredit_train_on_an_unknown_psi_job_names_it(running):
    where = ["--name", "bank_a", "--coordinator", running.federation.target, "--certs", str(running.federation.certs)]
    result = CliRunner().invoke(app, ["train", *where, "--psi-job", "nope"])
    assert result.exit_code == 2 and "psi_job" in result.output


def test_fedcredit_score_batch_scores_the_alignment_with_the_trained_model(running, trained):
    job, _ = trained
    where = ["--name", "bank_a", "--coordinator", running.federation.target, "--certs", str(running.federation.certs)]
    result = CliRunner().invoke(app, ["score-batch", *where, "--model", job, "--psi-job", running.psi_job, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    scores = pd.read_parquet(running.party_dir("bank_a") / "jobs" / summary["job_id"] / "scores.parquet")
    assert len(scores) == summary["results"]["bank_a"]["scored"] and scores["probability"].between(0, 1).all()
