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
from models.scoring.reference import plaintext_reasons, plaintext_scores

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
        bank_args = ["--name", "bank_a", "--coordinator", federation.target, "--certs", str(federation.certs),
                     "--workdir", str(bank_dir), "--model", model, "--enterprise", applicants[0],
                     "--data", str(banks[0].data), "--schema", str(banks[0].schema), "--json"]
        command = CliRunner().invoke(app, ["score", *bank_args])
        with federation.client("bank_a") as client:
            peers = client.submit_job("score_batch", ["platform"], {"psi_job": psi, "model": model}).id
            client.wait_for_job(peers, timeout=600)
            industry = platform_table.features["reg_industry"][platform_table.ids == applicants[0]].iloc[0]
            client.wait_for_job(client.submit_job("publish", ["platform"], {"industry": str(industry)}).id,
                                timeout=600)
        recorder.received.clear()
        page = root / "portrait.html"
        portrait = CliRunner().invoke(app, ["portrait", *bank_args, "--peers-job", peers, "--out", str(page)])
        portrait_wire = recorder.everything()
        with federation.client("regulator") as regulator:
            portrait_audit = regulator.audit_summary()
        bank_part = json.loads((bank_dir / "models" / model / "bank.json").read_text())["model"]
    platform_part = json.loads((root / "platform-work" / "models" / model / "platform.json").read_text())
    platform_rows = pd.Series(np.arange(len(platform_table)), index=platform_table.ids)[applicants].to_numpy()
    expected = plaintext_scores(bank_part, platform_part, bank_table.features.iloc[rows[applicants].to_numpy()],
                                platform_table.features.iloc[platform_rows])
    groups, reasons = plaintext_reasons(bank_part, platform_part, bank_table.features.iloc[rows[applicants[:1]]],
                                        platform_table.features.iloc[platform_rows[:1]])
    return {"scores": scores, "expected": expected, "applicants": applicants, "wire": wire,
            "not_published": not_published.value, "unpublished": unpublished, "invalid": invalid,
            "not_owned": not_owned, "not_a_bank": not_a_bank, "audit": audit, "command": command,
            "key": root / "platform-work" / "models" / model / "online" / "bank_a.context",
            "portrait": portrait, "page": page, "portrait_wire": portrait_wire, "portrait_audit": portrait_audit,
            "reasons": dict(zip(groups, reasons[0])),
            "public": platform_table.features.loc[platform_table.ids == applicants[0]].iloc[0]}


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


def _portrait(online) -> dict:
    assert online["portrait"].exit_code == 0, online["portrait"].output
    return json.loads(online["portrait"].output.strip().splitlines()[-1])


def test_portrait_reasons_equal_plaintext_contributions(online):
    got = {f"{r['party']}:{r['group']}": r["log_odds"] for r in _portrait(online)["reasons"]["groups"]}
    assert got.keys() == online["reasons"].keys()
    assert max(abs(got[g] - online["reasons"][g]) for g in got) <= 1e-6


def test_portrait_reasons_add_up_to_its_score(online):
    portrait = _portrait(online)
    total = portrait["reasons"]["expected_raw_score"] + sum(r["log_odds"] for r in portrait["reasons"]["groups"])
    assert abs(total - portrait["score"]["raw_score"]) <= 1e-5
    assert abs(portrait["score"]["raw_score"] - online["expected"][0]) <= 1e-6


def test_portrait_shows_the_published_public_records_and_peers(online):
    portrait = _portrait(online)
    facts = {f["field"]: f["value"] for f in portrait["public_facts"]}
    assert facts["reg_industry"] == online["public"]["reg_industry"]
    assert "tax_paid_12m" not in facts
    assert portrait["peers"]["peers"] >= 30 and 0 <= portrait["peers"]["lower_risk_than"] <= 100
    assert portrait["grade"]["label"] in online["page"].read_text(encoding="utf-8")


def test_the_platform_learns_nothing_identifying_from_a_portrait(online):
    portrait = _portrait(online)
    values = [portrait["score"]["raw_score"], *(r["log_odds"] for r in portrait["reasons"]["groups"])]
    values = [v for v in values if v != 0.0]  # a group off the applicant's paths: eight zero bytes match anything
    assert online["portrait_wire"] and online["applicants"][0].encode() not in online["portrait_wire"]
    assert [v for v in values if struct.pack("<d", v) in online["portrait_wire"]] == []


def test_a_portrait_is_audited_as_one(online):
    assert online["portrait_audit"].by_action["portrait.online"] == 1
