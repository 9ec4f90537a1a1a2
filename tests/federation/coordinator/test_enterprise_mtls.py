"""The enterprise's self-service over mutual TLS: its certificate's tag finds its uses."""

from __future__ import annotations

import json
from pathlib import Path

import grpc
import pytest
from typer.testing import CliRunner
from tests.federation.coordinator.test_server_mtls import client, server  # noqa: F401 (fixture)

from federation.cli import app
from federation.governance.data_use import INDEX_KEY_FILE, IndexKey, pack_tags

USCC = "91320706MA1MXYWN2F"
runner = CliRunner()


@pytest.fixture()
def platform_work(tmp_path: Path) -> Path:
    return tmp_path / "platform-work"


@pytest.fixture()
def enterprise_certs(certs_dir: Path, platform_work: Path) -> Path:
    result = runner.invoke(app, ["certs", "enterprise", "--dir", str(certs_dir), "--uscc", USCC,
                                 "--platform-workdir", str(platform_work)])
    assert result.exit_code == 0, result.output
    return certs_dir


def test_the_enterprise_sees_the_job_that_used_its_data_and_objects(
        server: str, enterprise_certs: Path, platform_work: Path) -> None:  # noqa: F811
    key = IndexKey.load_or_create(platform_work / INDEX_KEY_FILE)
    with client(server, enterprise_certs, "bank_a") as bank, client(server, enterprise_certs, "platform") as platform:
        bank.register()
        platform.register()
        job = bank.submit_job("psi", ["platform"])
        seq = platform.record_data_use(job.id, 0, pack_tags([key.tag(USCC)]), ["tax"])
    args = ["--name", USCC, "--coordinator", server, "--certs", str(enterprise_certs)]
    history = runner.invoke(app, ["enterprise", "history", *args])
    assert [json.loads(line)["subject"] for line in history.output.splitlines()] == [job.id]
    objected = runner.invoke(app, ["enterprise", "object", *args, "--record", str(seq), "--reason", "not me"])
    assert json.loads(objected.output)["status"] == "open"


def test_the_enterprise_cannot_list_jobs(server: str, enterprise_certs: Path) -> None:  # noqa: F811
    with client(server, enterprise_certs, USCC) as enterprise, pytest.raises(grpc.RpcError) as err:
        enterprise.list_jobs()
    assert err.value.code() == grpc.StatusCode.PERMISSION_DENIED
