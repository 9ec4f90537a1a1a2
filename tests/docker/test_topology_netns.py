"""The compose topology as separate network hosts: coordinator, platform and two banks each
in a network namespace of its own, joined by a bridge; the parties dial the coordinator's
address over mutual TLS, a bank runs PSI across the hosts and the health probe answers
from another host. Skipped, with the reason, where namespaces cannot be made."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.docker.netns import Hosts, netns_unavailable
from tests.support.waiting import wait_until

from federation.data import load_table
from federation.data.synthetic import generate
from federation.launcher import OPERATOR
from federation.security.certs import init_certificates
from federation.security.roles import Role

pytestmark = pytest.mark.slow
HOSTS = ["coordinator", "platform", "bank_a", "bank_b"]
PORT = 50051


def _fedcredit(hosts: Hosts, host: str, args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FEDCREDIT_PARENT_PID": str(os.getpid())}
    with open(log, "ab") as out:
        return subprocess.Popen(hosts.command(host, [sys.executable, "-m", "federation", *args]), stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)


def _run(hosts: Hosts, host: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(hosts.command(host, [sys.executable, "-m", "federation", *args]), capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    reason = netns_unavailable()
    if reason:
        pytest.skip(f"network namespaces unavailable: {reason}")
    root = tmp_path_factory.mktemp("netns")
    summary = generate(root / "data", enterprises=400, banks=2, seed=4)
    procs: list[subprocess.Popen[bytes]] = []
    with Hosts(HOSTS) as hosts:
        target = f"{hosts.address['coordinator']}:{PORT}"
        certs = root / "certs"
        init_certificates(certs, {"platform": Role.PLATFORM, "bank_a": Role.BANK, "bank_b": Role.BANK,
                                  OPERATOR: Role.OPERATOR}, hosts=(hosts.address["coordinator"],))
        try:
            procs.append(_fedcredit(hosts, "coordinator", ["coordinator", "--certs", str(certs), "--store",
                                                           str(root / "store"), "--listen", target],
                                    root / "coordinator.log"))
            tables = {"platform": (summary.platform, summary.platform_schema, "platform")}
            tables |= {b.name: (b.data, b.schema, "bank") for b in summary.banks}
            for name, (data, schema, role) in tables.items():
                args = ["party", "--role", role, "--name", name, "--data", str(data), "--schema", str(schema),
                        "--coordinator", target, "--certs", str(certs), "--workdir", str(root / name)]
                procs.append(_fedcredit(hosts, name, args + (["--no-enforce-consent"] if role == "platform"
                                                             else []), root / f"{name}.log"))

            def registered() -> bool:
                probe = _run(hosts, "bank_b", ["health", "--name", "bank_b", "--coordinator", target,
                                               "--certs", str(certs), "--registered"])
                platform = _run(hosts, "platform", ["health", "--name", "platform", "--coordinator", target,
                                                    "--certs", str(certs), "--registered"])
                return probe.returncode == 0 and platform.returncode == 0

            wait_until(registered, "the parties registering across the namespaces")
            psi = _run(hosts, "bank_a", ["psi", "--name", "bank_a", "--coordinator", target,
                                         "--certs", str(certs), "--json"])
            yield {"hosts": hosts, "target": target, "certs": certs, "summary": summary, "psi": psi, "root": root}
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def test_a_bank_runs_psi_with_the_platform_across_hosts(topology: dict[str, Any]) -> None:
    psi, summary = topology["psi"], topology["summary"]
    assert psi.returncode == 0, psi.stderr[-2000:]
    result = json.loads(psi.stdout.strip().splitlines()[-1])
    platform = set(load_table(summary.platform, summary.platform_schema, role="platform").ids)
    bank_a = next(b for b in summary.banks if b.name == "bank_a")
    bank = set(load_table(bank_a.data, bank_a.schema, role="bank").ids)
    assert result["results"]["bank_a"]["intersection_size"] == len(platform & bank) > 0


def test_the_health_probe_answers_from_another_host(topology: dict[str, Any]) -> None:
    probe = _run(topology["hosts"], "bank_b", ["health", "--name", "bank_b", "--coordinator", topology["target"],
                                               "--certs", str(topology["certs"]), "--registered"])
    assert probe.returncode == 0 and json.loads(probe.stdout)["status"] == "SERVING"

