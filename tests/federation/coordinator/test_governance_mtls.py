"""Governance over real gRPC and mutual TLS: roles come from certificates, refusals are statuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import grpc
import pytest
from typer.testing import CliRunner
from tests.federation.coordinator.test_consents import E1
from tests.federation.coordinator.test_server_mtls import client, server  # noqa: F401 (fixture)

from federation.cli import app

NEXT_YEAR = (dt.date.today() + dt.timedelta(days=365)).isoformat()
runner = CliRunner()


def test_regulator_job_submission_is_permission_denied(server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "platform") as platform, client(server, certs_dir, "regulator") as regulator:
        platform.register()
        regulator.register()
        with pytest.raises(grpc.RpcError) as err:
            regulator.submit_job("psi", ["platform"])
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "regulator (regulator) cannot call SubmitJob" in err.value.details()


def test_regulator_consent_listing_is_permission_denied(server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "regulator") as regulator, pytest.raises(grpc.RpcError) as err:
        regulator.list_consents()
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_operator_grant_reaches_the_bank_and_the_regulator_sees_only_counts(
        server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank, client(server, certs_dir, "operator") as operator, \
            client(server, certs_dir, "regulator") as regulator:
        bank.register()
        consent = operator.grant_consent(E1, "bank_a", ["tax"], NEXT_YEAR)
        assert [c.id for c in bank.list_consents()] == [consent.id]
        summary = regulator.audit_summary()
    assert (summary.entries, dict(summary.by_action), dict(summary.by_category)) == (
        1, {"consent.grant": 1}, {"tax": 1})
    assert E1 not in str(summary)


def test_bank_cannot_grant_itself_consent(server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank, pytest.raises(grpc.RpcError) as err:
        bank.register()
        bank.grant_consent(E1, "bank_a", ["tax"], NEXT_YEAR)
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_consent_commands_grant_list_and_revoke(server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank:
        bank.register()
    common = ["--coordinator", server, "--certs", str(certs_dir)]
    granted = runner.invoke(app, ["consent", "grant", "--name", "operator", *common, "--enterprise", E1,
                                  "--bank", "bank_a", "--category", "all", "--until", NEXT_YEAR])
    assert granted.exit_code == 0, granted.output
    consent_id = granted.output.strip()
    listed = runner.invoke(app, ["consent", "list", "--name", "bank_a", *common])
    assert json.loads(listed.output)["id"] == consent_id
    assert len(json.loads(listed.output)["categories"]) == 14
    revoked = runner.invoke(app, ["consent", "revoke", "--name", "operator", *common, "--id", consent_id])
    assert revoked.exit_code == 0, revoked.output
    again = runner.invoke(app, ["consent", "revoke", "--name", "operator", *common, "--id", consent_id])
    assert again.exit_code == 2 and "already revoked" in again.output


def test_audit_summary_command_prints_counts(server: str, certs_dir: Path) -> None:  # noqa: F811
    with client(server, certs_dir, "bank_a") as bank, client(server, certs_dir, "operator") as operator:
        bank.register()
        operator.grant_consent(E1, "bank_a", ["tax"], NEXT_YEAR)
    result = runner.invoke(app, ["audit", "summary", "--name", "regulator", "--coordinator", server,
                                 "--certs", str(certs_dir)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["entries"], summary["byAction"]) == ("1", {"consent.grant": "1"})
