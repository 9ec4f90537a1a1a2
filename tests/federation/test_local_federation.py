"""The real topology: coordinator, platform and two banks as processes over mutual TLS."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from federation.data.synthetic import generate
from federation.demo import demo_parties, run_psi_round
from federation.launcher import LocalFederation

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalFederation]:
    root = tmp_path_factory.mktemp("federation")
    generate(root / "data", enterprises=3000, banks=2, seed=3)
    with LocalFederation(root / "run", demo_parties(root / "data"), psi_workers=1) as fed:
        yield fed


def test_psi_for_two_banks_matches_the_true_overlap(federation: LocalFederation) -> None:
    parties = federation.parties
    results = run_psi_round(federation, parties[1:], parties[0], timeout=300)
    assert all(r["matches_truth"] for r in results.values())
    assert all(r["intersection"] > 0 for r in results.values())


def test_platform_learns_only_the_bank_set_size(federation: LocalFederation) -> None:
    parties = federation.parties
    results = run_psi_round(federation, parties[1:2], parties[0], timeout=300)
    learned = dict(results["bank_a"]["platform_learned"])
    assert learned.pop("consent") == {"basis": "not_checked", "categories": [], "authorized": None}
    assert set(learned) == {"bank_set_size", "seconds"}
    assert learned["bank_set_size"] == results["bank_a"]["bank_customers"]


def test_every_process_and_the_port_are_gone_after_stop(tmp_path: Path) -> None:
    generate(tmp_path / "data", enterprises=300, banks=2, seed=1)
    fed = LocalFederation(tmp_path / "run", demo_parties(tmp_path / "data"))
    with fed:
        port = fed.port
        assert len(fed.alive()) == 4
    assert fed.alive() == []
    with socket.socket() as s:  # REUSEADDR: TIME_WAIT is fine, a listener is not
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen()


def test_party_with_a_bad_table_fails_to_start_with_the_reason(tmp_path: Path) -> None:
    generate(tmp_path / "data", enterprises=300, banks=2, seed=1)
    (tmp_path / "data" / "bank_b.parquet").write_bytes(b"not parquet")
    with pytest.raises(RuntimeError, match="bank_b exited") as err:
        with LocalFederation(tmp_path / "run", demo_parties(tmp_path / "data"), start_timeout=60):
            pass
    log = (tmp_path / "run" / "logs" / "bank_b.log").read_text()
    assert "bank_b.parquet" in log and "error:" in log
    assert "bank_b.log" in str(err.value)


def test_coordinator_restart_loses_no_job_and_parties_reconnect(federation: LocalFederation) -> None:
    parties = federation.parties
    before = run_psi_round(federation, parties[1:2], parties[0], timeout=300)["bank_a"]["job_id"]
    federation.kill("coordinator")
    federation.start_coordinator()
    with federation.client("bank_a") as client:
        assert client.get_job(before).id == before
    after = run_psi_round(federation, parties[1:2], parties[0], timeout=300)["bank_a"]
    assert after["matches_truth"] and after["job_id"] != before


def test_jobs_command_lists_only_the_callers_jobs(federation: LocalFederation) -> None:
    from typer.testing import CliRunner

    from federation.cli import app

    parties = federation.parties
    job_id = run_psi_round(federation, parties[2:3], parties[0], timeout=300)["bank_b"]["job_id"]
    args = ["jobs", "--coordinator", federation.target, "--certs", str(federation.certs), "--json"]
    listed_b = CliRunner().invoke(app, [*args, "--name", "bank_b"]).output
    listed_a = CliRunner().invoke(app, [*args, "--name", "bank_a"]).output
    assert job_id in listed_b and '"state": "succeeded"' in listed_b
    assert job_id not in listed_a
