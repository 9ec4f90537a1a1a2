"""docker/compose.yaml, checked without a Docker engine: it parses, names only what it
defines, mounts certificates as secrets, and runs and probes real fedcredit commands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.docker.compose_commands import fedcredit_invocations, parsed_command

COMPOSE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"
SERVICES = {"coordinator", "platform", "bank_a", "bank_b", "monitor"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_the_topology_is_coordinator_platform_two_banks_and_the_monitor(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == SERVICES


def test_every_secret_used_is_defined_and_every_defined_one_used(compose: dict[str, Any]) -> None:
    used = {s["source"] for service in compose["services"].values() for s in service.get("secrets", [])}
    assert used == set(compose["secrets"])


def test_every_named_volume_used_is_defined_and_every_defined_one_used(compose: dict[str, Any]) -> None:
    used = {v.split(":", 1)[0] for service in compose["services"].values() for v in service.get("volumes", [])
            if not v.startswith((".", "/"))}
    assert used == set(compose["volumes"])


def test_dependencies_are_services_of_the_file(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        assert set(service.get("depends_on", {})) <= SERVICES


def test_each_party_reads_its_certificate_and_key_as_secrets_named_as_load_credentials_expects(
        compose: dict[str, Any]) -> None:
    for name in ("platform", "bank_a", "bank_b", "monitor"):
        targets = {s["target"] for s in compose["services"][name]["secrets"]}
        assert targets == {"ca.pem", f"{name}.pem", f"{name}.key"}


def test_no_service_mounts_another_partys_key(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        keys = {s["target"] for s in service.get("secrets", []) if s["target"].endswith(".key")}
        assert keys <= {f"{name}.key", "probe.key"}, name


def test_each_partys_data_and_work_are_its_own_volumes(compose: dict[str, Any]) -> None:
    for name in ("platform", "bank_a", "bank_b"):
        volumes = compose["services"][name]["volumes"]
        assert volumes == [f"{name}-data:/data:ro", f"{name}-work:/var/lib/fedcredit/work"]
    assert "coordinator-store:/var/lib/fedcredit/store" in compose["services"]["coordinator"]["volumes"]


def test_every_service_has_a_grpc_health_check(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert service["healthcheck"]["test"][:3] == ["CMD", "fedcredit", "health"], name


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_commands_a_service_runs_are_fedcredit_commands(compose: dict[str, Any], service: str) -> None:
    calls = fedcredit_invocations(compose["services"][service])
    assert calls and all(parsed_command(args) for args in calls)


def test_a_misspelled_option_would_be_caught() -> None:
    with pytest.raises(Exception, match="--cert"):
        parsed_command(["health", "--name", "x", "--coordinator", "c:1", "--cert", "/run/secrets"])
