"""Running a whole federation on one machine: coordinator and parties as separate processes.

The demo, the end-to-end tests and the benchmarks all need the real topology (one OS
process per party, mutual TLS on loopback), started reliably and torn down without
leaving a process or a port behind, even when the caller is interrupted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from federation.party.client import CoordinatorClient
from federation.security.certs import init_certificates, load_credentials
from federation.security.roles import Role

OPERATOR = "operator"


@dataclass(frozen=True)
class PartySpec:
    name: str
    role: Role
    data: Path
    schema: Path


class LocalFederation:
    def __init__(self, workdir: Path, parties: list[PartySpec], *, psi_workers: int | None = None,
                 psi_epoch_hours: float | None = None, receive_timeout: float | None = None,
                 enforce_consent: bool = False, start_timeout: float = 120.0,
                 party_deadline_seconds: float | None = None) -> None:
        """``enforce_consent`` is off by default: the demo's, ``evaluate``'s and the benchmarks'
        data carry no consent records, so their platform runs with basis 'not_checked'.
        ``party_deadline_seconds`` is the coordinator's default deadline for an absent party
        (its own default when None); a fault test shortens it to see who counts as away."""
        self.workdir = workdir
        self.parties = parties
        self.certs = workdir / "certs"
        self.logs = workdir / "logs"
        self.port: int | None = None
        self._psi_workers = psi_workers
        self._psi_epoch_hours = psi_epoch_hours
        self._receive_timeout = receive_timeout
        self._enforce_consent = enforce_consent
        self._party_deadline = party_deadline_seconds
        self._start_timeout = start_timeout
        self._procs: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def target(self) -> str:
        if self.port is None:
            raise RuntimeError("federation not started")
        return f"127.0.0.1:{self.port}"

    def __enter__(self) -> "LocalFederation":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")
        # The child asks for SIGTERM when we die (see federation.__main__).
        env = {**os.environ, "FEDCREDIT_PARENT_PID": str(os.getpid())}
        proc = subprocess.Popen([sys.executable, "-m", "federation", *args], stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env)
        log.close()
        self._procs[name] = proc
        return proc

    def start(self) -> None:
        if not (self.certs / "ca.pem").exists():
            roles = {p.name: p.role for p in self.parties} | {OPERATOR: Role.OPERATOR}
            init_certificates(self.certs, roles)
        self.start_coordinator()
        for party in self.parties:
            self.start_party(party)
        self._wait_registered()

    def start_coordinator(self) -> None:
        """Start (or restart, on the same port and store) the coordinator process."""
        listen = f"127.0.0.1:{self.port or 0}"
        port_file = self.workdir / "coordinator.port"
        port_file.unlink(missing_ok=True)
        args = ["coordinator", "--certs", str(self.certs), "--listen", listen,
                "--store", str(self.workdir / "coordinator"), "--port-file", str(port_file)]
        if self._party_deadline is not None:
            args += ["--party-deadline", str(self._party_deadline)]
        proc = self._spawn("coordinator", args)
        give_up = time.monotonic() + self._start_timeout
        while not port_file.exists():
            if proc.poll() is not None:
                raise RuntimeError(f"coordinator exited with {proc.returncode}; see {self.logs / 'coordinator.log'}")
            if time.monotonic() > give_up:
                raise TimeoutError("coordinator did not start listening")
            time.sleep(0.05)
        self.port = int(port_file.read_text())

    def start_party(self, party: PartySpec) -> None:
        args = ["party", "--role", party.role.value, "--name", party.name, "--data", str(party.data),
                "--schema", str(party.schema), "--coordinator", self.target, "--certs", str(self.certs),
                "--workdir", str(self.workdir / "parties" / party.name)]
        if self._psi_workers is not None:
            args += ["--psi-workers", str(self._psi_workers)]
        if self._psi_epoch_hours is not None and party.role is Role.PLATFORM:
            args += ["--psi-epoch-hours", str(self._psi_epoch_hours)]
        if self._receive_timeout is not None:
            args += ["--receive-timeout", str(self._receive_timeout)]
        if party.role is Role.PLATFORM and not self._enforce_consent:
            args += ["--no-enforce-consent"]
        self._spawn(party.name, args)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self._procs[name]
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def _wait_registered(self) -> None:
        expected = {p.name for p in self.parties}
        give_up = time.monotonic() + self._start_timeout
        with self.client(OPERATOR) as operator:
            operator.register()
            while True:
                registered = {p.name for p in operator.list_parties()}
                if expected <= registered:
                    return
                for name, proc in self._procs.items():
                    if proc.poll() is not None:
                        raise RuntimeError(f"{name} exited with {proc.returncode} before registering; "
                                           f"see {self.logs / (name + '.log')}")
                if time.monotonic() > give_up:
                    raise TimeoutError(f"parties not registered after {self._start_timeout:.0f} s: "
                                       f"{sorted(expected - registered)}")
                time.sleep(0.1)

    def client(self, name: str) -> CoordinatorClient:
        return CoordinatorClient(self.target, load_credentials(self.certs, name))

    def stop(self) -> None:
        """SIGTERM every process, SIGKILL what is still alive after a grace period."""
        for proc in self._procs.values():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 10
        for proc in self._procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._procs.clear()

    def pid(self, name: str) -> int:
        """The OS process id of a started process (benchmarks sample its memory)."""
        return self._procs[name].pid

    def alive(self) -> list[str]:
        return [name for name, proc in self._procs.items() if proc.poll() is None]
