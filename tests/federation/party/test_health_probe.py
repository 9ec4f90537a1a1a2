"""`fedcredit health`: the coordinator's grpc.health.v1 answer over a party's mutual-TLS link."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from federation.cli import app
from federation.launcher import OPERATOR, LocalFederation
from federation.party.health_probe import probe
from federation.security.certs import init_certificates, load_credentials
from federation.security.roles import Role


@pytest.fixture(scope="module")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalFederation]:
    root = tmp_path_factory.mktemp("health")
    init_certificates(root / "certs", {"bank_a": Role.BANK, "bank_b": Role.BANK, OPERATOR: Role.OPERATOR})
    with LocalFederation(root, []) as running:
        with running.client("bank_a") as client:
            client.register()
        yield running


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_serving_coordinator_passes_the_cli_probe(federation: LocalFederation) -> None:
    result = CliRunner().invoke(app, ["health", "--name", "bank_a", "--coordinator", federation.target,
                                      "--certs", str(federation.certs), "--registered"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"serving": True, "status": "SERVING", "registered": True}


def test_a_party_that_never_registered_fails_the_registered_probe(federation: LocalFederation) -> None:
    health = probe(federation.target, load_credentials(federation.certs, "bank_b"), registered=True)
    assert health.serving and health.registered is False and not health.healthy


def test_no_coordinator_is_unavailable(federation: LocalFederation) -> None:
    health = probe(f"127.0.0.1:{_free_port()}", load_credentials(federation.certs, "bank_a"), timeout=2)
    assert (health.serving, health.status) == (False, "UNAVAILABLE")


def test_a_certificate_of_another_ca_fails(federation: LocalFederation, tmp_path: Path) -> None:
    init_certificates(tmp_path, {"bank_a": Role.BANK})
    health = probe(federation.target, load_credentials(tmp_path, "bank_a"), timeout=2)
    assert not health.healthy


def test_the_cli_names_a_missing_certificate(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["health", "--name", "nobody", "--coordinator", "127.0.0.1:1",
                                      "--certs", str(tmp_path)])
    assert result.exit_code != 0 and "nobody" in result.output
