"""Batch scoring as a federated job, with the platform's side recorded off the wire."""

from __future__ import annotations

import json
import struct

import grpc
import numpy as np
import pandas as pd
import pytest
from tests.support.wire_recorder import recorded_platform, recorded_setup

from federation.data import load_table
from federation.launcher import LocalFederation
from federation.party.client import JobFailed, job_summary
from models.scoring.reference import plaintext_scores

MODEL = {"n_estimators": 6, "max_depth": 3, "random_state": 1}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory):
    """PSI and training first, then a recorded batch scoring of the whole intersection."""
    root = tmp_path_factory.mktemp("scoring-job")
    setup = recorded_setup(root, enterprises=4000, seed=9)
    bank, platform_table = setup.bank, setup.platform_table
    with LocalFederation(setup.run, [bank]) as federation, \
            recorded_platform(federation, platform_table, root / "platform-work") as recorder:
        with federation.client("bank_a") as client:
            psi = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi, timeout=300)
            model = client.submit_job("secureboost", ["platform"], {"psi_job": psi, "model": MODEL}).id
            client.wait_for_job(model, timeout=600)
            recorder.received.clear()
            job = client.submit_job("score_batch", ["platform"], {"psi_job": psi, "model": model}).id
            summary = job_summary(client.wait_for_job(job, timeout=600))
            with pytest.raises(grpc.RpcError) as refused:
                client.submit_job("score_batch", ["platform"], {"psi_job": psi, "model": psi})
            drifted = _platform_drift_runs(client, platform_table, {"psi_job": psi, "model": model})
        bank_dir = federation.workdir / "parties" / "bank_a"
        scores = pd.read_parquet(bank_dir / "jobs" / job / "scores.parquet")
        bank_part = json.loads((bank_dir / "models" / model / "bank.json").read_text())["model"]
    platform_part = json.loads((root / "platform-work" / "models" / model / "platform.json").read_text())
    drifted["reordered_scores"] = pd.read_parquet(bank_dir / "jobs" / drifted["reordered"] / "scores.parquet")
    return {"summary": summary, "scores": scores, "wire": recorder.everything(), "refused": refused.value,
            "drifted": drifted,
            "bank": load_table(bank.data, bank.schema, role="bank"), "platform": platform_table,
            "bank_part": bank_part, "platform_part": platform_part}


def _platform_drift_runs(client, platform_table, params: dict) -> dict:
    """Two more scorings after the platform's table changed under the model: columns in
    another order with one added since training, then a column the model uses dropped."""
    original = platform_table.features
    try:
        platform_table.features = original[list(reversed(original.columns))].assign(new_feed=1.0)
        reordered = client.submit_job("score_batch", ["platform"], params).id
        reordered_state = job_summary(client.wait_for_job(reordered, timeout=600))["state"]
        platform_table.features = original.drop(columns=[original.columns[0]])
        with pytest.raises(JobFailed) as dropped:
            client.wait_for_job(client.submit_job("score_batch", ["platform"], params).id, timeout=600)
    finally:
        platform_table.features = original
    return {"reordered": reordered, "reordered_state": reordered_state, "dropped": str(dropped.value),
            "dropped_column": original.columns[0]}


def _plaintext_scores(scored) -> np.ndarray:
    bank, platform, ids = scored["bank"], scored["platform"], scored["scores"]["id"]
    bank_rows = pd.Series(np.arange(len(bank)), index=bank.ids)[ids].to_numpy()
    platform_rows = pd.Series(np.arange(len(platform)), index=platform.ids)[ids].to_numpy()
    return plaintext_scores(scored["bank_part"], scored["platform_part"], bank.features.iloc[bank_rows],
                            platform.features.iloc[platform_rows])


def test_every_enterprise_of_the_alignment_is_scored(scored):
    assert scored["summary"]["state"] == "succeeded"
    assert len(scored["scores"]) == scored["summary"]["results"]["bank_a"]["scored"] > 500


def test_encrypted_batch_scores_equal_plaintext_scores(scored):
    assert np.abs(scored["scores"]["raw_score"].to_numpy() - _plaintext_scores(scored)).max() <= 1e-6


def test_the_platform_receives_no_enterprise_id(scored):
    wire = scored["wire"]
    assert [i for i in scored["scores"]["id"] if i.encode() in wire] == []


def test_the_platform_receives_no_score_in_the_clear(scored):
    wire = scored["wire"]
    raw = scored["scores"]["raw_score"].to_numpy()
    # float64 values (8 bytes) one by one; float32 only as runs: a lone 4-byte pattern turns
    # up by chance in tens of megabytes of ciphertext.
    forms = [struct.pack("<d", v) for v in raw[:200]] + [f"{v:.6f}".encode() for v in raw[:200]]
    forms += [raw[start : start + 4].astype(dtype).tobytes() for start in range(0, 200, 4) for dtype in ("<f4", ">f4")]
    assert [f for f in forms if f in wire] == []


def test_scoring_with_something_that_is_not_a_model_is_refused(scored):
    assert scored["refused"].code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "params.model" in scored["refused"].details()



def test_the_platform_scores_its_columns_by_name_when_their_order_changed_and_one_was_added(scored):
    assert scored["drifted"]["reordered_state"] == "succeeded"
    np.testing.assert_array_equal(scored["drifted"]["reordered_scores"]["raw_score"], scored["scores"]["raw_score"])


def test_a_platform_column_the_model_uses_gone_fails_the_job_naming_party_and_column(scored):
    column = scored["drifted"]["dropped_column"]
    assert f"platform: SchemaDriftError: column {column!r}: used by the model but missing" in scored["drifted"]["dropped"]
