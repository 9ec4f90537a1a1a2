"""SecureBoost as a federated job: coordinator, platform and bank as processes over mutual TLS."""

from __future__ import annotations

import hashlib
import json
import re

import grpc
import pandas as pd
import pytest
from tests.support.secureboost_federation import MODEL, Federation, in_process, running  # noqa: F401 (fixtures)
from tests.support.waiting import wait_until
from typer.testing import CliRunner

from federation.cli import app
from models.model_card import validate_card
from models.scoring.paths import leaves, platform_paths
from models.secureboost.binning import ZERO_THRESHOLD


@pytest.fixture(scope="module")
def trained(running: Federation) -> tuple[str, dict]:
    job = running.train(MODEL)
    return job, running.wait(job)


def test_the_federated_job_grows_the_in_process_model(running, trained, in_process):
    job, _ = trained
    model, _ = in_process
    assert running.bank_part(job)["model"]["trees"] == model.bank_model()["trees"]
    assert running.platform_part(job) == model.platform_model()


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
    bank_part = running.bank_part(job)
    text = json.dumps(bank_part)
    numbers = {float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", text)}
    platform_edges = _edges(running.platform_part(job)["binner"])
    # Integer-valued columns on both sides share edges like 2.5; the bank's own are not leaks.
    public = {ZERO_THRESHOLD, -ZERO_THRESHOLD} | _edges(bank_part["model"]["binner"])
    assert not (numbers & platform_edges) - public
    assert not [c for c in platform_features.columns if f'"{c}"' in text]


def _edges(binner: dict) -> set[float]:
    return {edge for feature in binner["features"] for edge in feature.get("upper_bounds", [])}


def _published_card(running: Federation, job: str) -> dict | None:
    with running.federation.client("bank_a") as client:
        try:
            return json.loads(client.get_model_card(job).card_json)
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise


def test_the_banks_agent_writes_and_publishes_the_card_of_the_model_it_trained(running, trained):
    job, summary = trained
    wait_until(lambda: _published_card(running, job) is not None, "the bank's agent publishing the card")
    folder = running.party_dir("bank_a") / "models" / job
    written = json.loads((folder / "model_card.json").read_text())
    validate_card(written)
    assert written["model_details"]["model_id"] == job
    assert written["metrics"]["overall"]["auc"] == pytest.approx(summary["results"]["bank_a"]["model"]["metrics"]["auc"])
    assert _published_card(running, job)["metrics"] == written["metrics"]
    assert "<h2>Metrics</h2>" in (folder / "model_card.html").read_text()
    assert (folder / "model_card.md").read_text().startswith("# ")


def test_training_on_a_psi_job_that_does_not_exist_is_refused(running):
    with running.federation.client("bank_a") as client, pytest.raises(grpc.RpcError) as refused:
        client.submit_job("secureboost", ["platform"], {"psi_job": "no-such-job", "model": MODEL})
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "psi_job" in refused.value.details()


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
