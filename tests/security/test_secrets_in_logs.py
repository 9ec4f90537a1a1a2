"""No private key or secret reaches a log: every process's log of a real multi-process run is
searched for the secrets that run made.

Secrets are what the project writes owner-only (mode 0600): TLS and CA private keys, the
banks' homomorphic key pairs, the PSI scalars, the scoring keys. Each is searched for as it
could be printed: PEM lines and markers, raw bytes, hex, base64, and for HE secret keys the
primes themselves in hex and decimal (the form the HE library prints a key in).
"""

from __future__ import annotations

import base64
import re
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from federation.crypto import get_backend
from federation.data.synthetic import generate
from federation.demo import demo_parties
from federation.launcher import LocalFederation
from federation.party.training import KEY_FILE

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
PEM_MARKER = b"PRIVATE KEY"
WINDOW = 16
# A window of a secret file with fewer distinct bytes is structure (zeros, headers), not key material.
MIN_DISTINCT_BYTES = 12
DIGITS = 32


@dataclass
class Secrets:
    files: list[Path] = field(default_factory=list)
    needles: dict[bytes, str] = field(default_factory=dict)

    def add(self, needle: bytes, where: str) -> None:
        self.needles.setdefault(needle, where)


def _windows(data: bytes, size: int, step: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, max(1, len(data) - size + 1), step)]


def _add_binary(secrets: Secrets, data: bytes, where: str) -> None:
    for window in _windows(data, WINDOW, WINDOW // 2):
        if len(set(window)) >= MIN_DISTINCT_BYTES:
            secrets.add(window, where)
            secrets.add(window.hex().encode(), f"{where} (hex)")
            secrets.add(window.hex().upper().encode(), f"{where} (hex)")
    for offset in range(3):
        encoded = base64.b64encode(data[offset:])
        for window in _windows(encoded, 2 * WINDOW, WINDOW):
            if len(set(window)) >= MIN_DISTINCT_BYTES:
                secrets.add(window, f"{where} (base64)")


def _add_he_secret(secrets: Secrets, path: Path) -> None:
    """The primes of the bank's HE key, as the library prints them and in decimal."""
    data = path.read_bytes()
    printed = str(get_backend(_envelope_scheme(data)).load_secret(data).kit.secret_key())
    for prime in re.findall(r"[pq]=([0-9A-F]{64,})", printed):
        for text in (prime, prime.lower(), str(int(prime, 16))):
            for window in _windows(text.encode(), DIGITS, DIGITS // 2):
                secrets.add(window, f"{path} (prime)")


def _envelope_scheme(data: bytes) -> str:
    """The scheme an HE envelope names (``FCHE | version | kind | len(scheme) | scheme | ...``)."""
    return data[7:7 + data[6]].decode("ascii")


def secrets_under(root: Path) -> Secrets:
    secrets = Secrets()
    secrets.add(PEM_MARKER, "PEM private key marker")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            continue
        secrets.files.append(path)
        data = path.read_bytes()
        if data.startswith(b"-----BEGIN"):
            for line in data.splitlines()[1:-1]:
                secrets.add(line, f"{path} (PEM)")
        else:
            _add_binary(secrets, data, str(path))
        if path.name == KEY_FILE:
            _add_he_secret(secrets, path)
    return secrets


def leaks(logs: list[Path], secrets: Secrets) -> list[str]:
    found = []
    for log in logs:
        text = log.read_bytes()
        found += [f"{log.name}: {where}" for needle, where in secrets.needles.items() if needle in text]
    return found


def test_a_small_federations_logs_hold_no_secret(tmp_path: Path) -> None:
    generate(tmp_path / "data", enterprises=800, banks=1, seed=2)
    with LocalFederation(tmp_path / "run", demo_parties(tmp_path / "data")[:2], psi_workers=1) as federation, \
            federation.client("bank_a") as bank:
        psi = bank.submit_job("psi", ["platform"]).id
        bank.wait_for_job(psi, timeout=300)
        model = {"n_estimators": 1, "max_depth": 2, "random_state": 0}
        bank.wait_for_job(bank.submit_job("secureboost", ["platform"], {"psi_job": psi, "model": model}).id,
                          timeout=600)
    secrets = secrets_under(tmp_path / "run")
    assert {p.name for p in secrets.files} >= {"ca.key", "bank_a.key", "platform.key", KEY_FILE, "psi_state.npz"}
    assert leaks(sorted((tmp_path / "run" / "logs").glob("*.log")), secrets) == []


@pytest.mark.slow
def test_the_demos_logs_and_output_hold_no_secret(tmp_path: Path) -> None:
    output = tmp_path / "demo.out"
    with open(output, "wb") as out:
        subprocess.run([sys.executable, "-m", "federation", "demo", "--workdir", str(tmp_path / "demo"), "--json"],
                       stdout=out, stderr=subprocess.STDOUT, check=True, timeout=1800)
    secrets = secrets_under(tmp_path / "demo" / "run")
    assert {p.name for p in secrets.files} >= {"ca.key", "bank_a.key", "bank_b.key", "platform.key", KEY_FILE}
    assert leaks([output, *sorted((tmp_path / "demo" / "run" / "logs").glob("*.log"))], secrets) == []
