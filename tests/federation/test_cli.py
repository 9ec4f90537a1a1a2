"""The `fedcredit` command's own behaviour: what it writes and how it refuses."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from typer.testing import CliRunner

from federation.cli import app

runner = CliRunner()


def test_certs_init_writes_a_ca_and_owner_only_keys(tmp_path: Path) -> None:
    result = runner.invoke(app, ["certs", "init", "--dir", str(tmp_path), "--party", "platform:platform",
                                 "--party", "bank_a:bank"])
    assert result.exit_code == 0, result.output
    for name in ("ca", "coordinator", "platform", "bank_a"):
        assert stat.S_IMODE(os.stat(tmp_path / f"{name}.key").st_mode) == 0o600
        assert (tmp_path / f"{name}.pem").exists()


def test_certs_init_refuses_to_overwrite_a_ca(tmp_path: Path) -> None:
    runner.invoke(app, ["certs", "init", "--dir", str(tmp_path), "--party", "bank_a:bank"])
    before = (tmp_path / "ca.pem").read_bytes()
    result = runner.invoke(app, ["certs", "init", "--dir", str(tmp_path), "--party", "bank_a:bank"])
    assert result.exit_code == 2 and "refusing to overwrite" in result.output
    assert (tmp_path / "ca.pem").read_bytes() == before


def test_certs_init_names_a_bad_role(tmp_path: Path) -> None:
    result = runner.invoke(app, ["certs", "init", "--dir", str(tmp_path), "--party", "bank_a:lender"])
    assert result.exit_code == 2 and "bank_a:lender" in result.output


def test_certs_init_rejects_a_name_unfit_for_a_certificate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["certs", "init", "--dir", str(tmp_path), "--party", "Bank A:bank"])
    assert result.exit_code == 2 and "'Bank A'" in result.output


def test_party_with_missing_certificate_says_which_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["party", "--role", "bank", "--name", "bank_a", "--data", "x.csv",
                                 "--schema", "x.yaml", "--coordinator", "127.0.0.1:1", "--certs",
                                 str(tmp_path), "--workdir", str(tmp_path / "w")])
    assert result.exit_code == 2 and "ca.pem" in result.output


def test_synth_prints_a_json_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--enterprises", "300", "--banks", "2"])
    assert result.exit_code == 0, result.output
    assert '"enterprises": 300' in result.output
    assert (tmp_path / "bank_b.parquet").exists()


def test_party_facing_a_coordinator_of_another_ca_fails_with_one_clear_line(tmp_path: Path) -> None:
    from federation.coordinator.server import CoordinatorConfig, build_server
    from federation.data.synthetic import generate
    from federation.security.certs import init_certificates
    from federation.security.roles import Role

    generate(tmp_path / "data", enterprises=300, banks=1, seed=0)
    init_certificates(tmp_path / "ours", {"bank_a": Role.BANK})
    init_certificates(tmp_path / "theirs", {"bank_a": Role.BANK})
    server, port = build_server(CoordinatorConfig(certs=tmp_path / "theirs", store=tmp_path / "s",
                                                  listen="127.0.0.1:0"))
    server.start()
    try:
        result = runner.invoke(app, ["party", "--role", "bank", "--name", "bank_a", "--data",
                                     str(tmp_path / "data" / "bank_a.parquet"), "--schema",
                                     str(tmp_path / "data" / "bank_a.yaml"), "--coordinator",
                                     f"127.0.0.1:{port}", "--certs", str(tmp_path / "ours"),
                                     "--workdir", str(tmp_path / "w"), "--reconnect-seconds", "0"])
    finally:
        server.stop(grace=None)
    assert result.exit_code == 2
    assert "UNAVAILABLE" in result.output and "same CA" in result.output
