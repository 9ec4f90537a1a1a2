"""Online scoring through the coordinator over mutual TLS, with the platform's side recorded
off the wire: exact scores, nothing identifying reaches the platform, and each refusal."""

from __future__ import annotations

import json
import stat
import struct

import grpc
import numpy as np
import pandas as pd
import pytest
from tests.support.wire_recorder import recorded_platform
from typer.testing import CliRunner

from federation.cli import app
from federation.data import load_table
from federation.data.synthetic import generate
from federation.launcher import OPERATOR, LocalFederation, PartySpec
from federation.party.online_scoring import ApplicantNotPublished, OnlineScorer
from federation.security.certs import init_certificates
from federation.security.roles import Role
from models.scoring.reference import plaintext_scores

MODEL = {"n_estimators": 6, "max_depth": 3, "random_state": 1}
APPLICANTS = 5


def _refusal(call) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call()
    return refused.value


@pytest.fixture(scope="module")
def online(tmp_path_factory: pytest.TempPathFactory):
    """PSI, training and published masks for bank_a, then a few recorded online scores."""
    root = tmp_path_factory.mktemp("online-scoring")
    generate(root / "data", enterprises=2000, banks=2, seed=5)
    data = root / "data"
    banks = [PartySpec(name, Role.BANK, data / f"{name}.parquet", data / f"{name}.yaml") for name in ("bank_a", "bank_b")]
    platform_table = load_table(data / "platform.parquet", data / "platform.yaml", role="platform")
    bank_table = load_table(banks[0].data, banks[0].schema, role="bank")
    init_certificates(root / "run" / "certs", {"bank_a": Role.BANK, "bank_b": Role.BANK, "platform": Role.PLATFORM,
                                               OPERATOR: Role.OPERATOR, "regulator": Role.REGULATOR})
    with LocalFederation(root / "run", banks) as federation, \
            recorded_platform(federation, platform_table, root / "platform-work") as recorder:
        bank_dir = federation.workdir / "parties" / "bank_a"
        with federation.client("bank_a") as client:
            psi = client.submit_job("psi", ["platform"]).id
            client.wait_for_job(psi, timeout=300)
            model = client.submit_job("secureboost", ["platform"], {"psi_job": psi, "model": MODEL}).id
            client.wait_for_job(model, timeout=600)
            client.wait_for_job(client.submit_job("publish_masks", ["platform"],
                                                  {"psi_job": psi, "model": model}).id, timeout=600)
            scorer = OnlineScorer(bank_dir, model)
            index = pd.read_parquet(bank_dir / "models" / model / "online" / "index.parquet")
            applicants = index["id"].iloc[:: len(index) // APPLICANTS][:APPLICANTS].tolist()
            rows = pd.Series(np.arange(len(bank_table)), index=bank_table.ids)
            recorder.received.clear()
            scores = [scorer.score(client, e, bank_table.features.iloc[[rows[e]]]) for e in applicants]
            wire = recorder.everything()
            unpublished = next(e for e in platform_table.ids if e not in set(index["id"]))
            with pytest.raises(ApplicantNotPublished) as not_published:
                scorer.score(client, unpublished, bank_table.features.iloc[[0]])
            invalid = _refusal(lambda: client.score_applicant(model, "NOT-A-USCC", b"x"))
        with federation.client("bank_b") as other:
            not_owned = _refusal(lambda: other.score_applicant(model, applicants[0], b"x"))
        with federation.client("regulator") as regulator:
            not_a_bank = _refusal(lambda: regulator.score_applicant(model, applicants[0], b"x"))
            audit = regulator.audit_summary()
        command = CliRunner().invoke(app, [
            "score", "--name", "bank_a", "--coordinator", federation.target, "--certs", str(federation.certs),
            "--workdir", str(bank_dir), "--model", model, "--enterprise", applicants[0],
            "--data", str(banks[0].data), "--schema", str(banks[0].schema), "--json"])
        bank_part = json.loads((bank_dir / "models" / model / "bank.json").read_text())["model"]
    platform_part = json.loads((root / "platform-work" / "models" / model / "platform.json").read_text())
    platform_rows = pd.Series(np.arange(len(platform_table)), index=platform_table.ids)[applicants].to_numpy()
    expected = plaintext_scores(bank_part, platform_part, bank_table.features.iloc[rows[applicants].to_numpy()],
                                platform_table.features.iloc[platform_rows])
    return {"scores": scores, "expected": expected, "applicants": applicants, "wire": wire,
            "not_published": not_published.value, "unpublished": unpublished, "invalid": invalid,
            "not_owned": not_owned, "not_a_bank": not_a_bank, "audit": audit, "command": command,
            "key": root / "platform-work" / "models" / model / "online" / "bank_a.context"}


def test_online_scores_equal_plaintext_scores(online):
    got = np.array([score.raw_score for score in online["scores"]])
    assert len(got) == APPLICANTS
    assert np.abs(got - online["expected"]).max() <= 1e-6


def test_the_platform_receives_no_enterprise_id_while_scoring(online):
    assert online["wire"] and [e for e in online["applicants"] if e.encode() in online["wire"]] == []


def test_the_platform_receives_no_score_in_the_clear(online):
    """float64 and text: a lone 4-byte float32 pattern turns up by chance in a megabyte of
    ciphertext often enough to make the test flaky, and single scores form no runs."""
    raw = [score.raw_score for score in online["scores"]] + [score.probability for score in online["scores"]]
    forms = [struct.pack("<d", v) for v in raw]
    forms += [f"{v:.6f}".encode() for v in raw]
    assert [f for f in forms if f in online["wire"]] == []


def test_the_score_command_prints_the_applicants_score(online):
    assert online["command"].exit_code == 0, online["command"].output
    printed = json.loads(online["command"].output.strip().splitlines()[-1])
    assert abs(printed["raw_score"] - online["expected"][0]) <= 1e-6


def test_a_regulator_cannot_score(online):
    assert online["not_a_bank"].code() == grpc.StatusCode.PERMISSION_DENIED
    assert "regulator" in online["not_a_bank"].details()


def test_a_model_of_another_bank_is_refused(online):
    assert online["not_owned"].code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "model_id" in online["not_owned"].details() and "bank_b" in online["not_owned"].details()


def test_an_invalid_uscc_is_refused_naming_it(online):
    assert online["invalid"].code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "NOT-A-USCC" in online["invalid"].details()


def test_an_applicant_without_published_masks_is_refused_naming_it(online):
    assert online["unpublished"] in str(online["not_published"])


def test_each_score_is_audited_as_a_count(online):
    assert online["audit"].by_action["score.online"] == APPLICANTS
    assert online["audit"].enterprises_by_action["score.online"] == APPLICANTS


def test_the_platforms_scoring_key_is_owner_only(online):
    assert stat.S_IMODE(online["key"].stat().st_mode) == 0o600
