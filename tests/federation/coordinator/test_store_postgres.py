"""The coordinator's registries on PostgreSQL: a throwaway cluster on a loopback port."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.coordinator import BANK_A, PLATFORM

from federation.coordinator.jobs import State
from federation.coordinator.mailbox import Mailbox
from federation.coordinator.service import CoordinatorService
from federation.coordinator.store import open_database

BIN = Path("/usr/lib/postgresql/15/bin")


def _as_postgres(args: list[str]) -> list[str]:
    """initdb refuses to run as root, so root runs the cluster as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    if not (BIN / "initdb").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("PostgreSQL 15 server binaries not installed")
    root = Path(tempfile.mkdtemp(prefix="fedcredit-pg-"))  # pytest's tmp tree is closed to other users
    data = root / "data"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(data, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(_as_postgres([str(BIN / "initdb"), "-D", str(data), "-U", "fedcredit", "--auth=trust"]),
                   check=True, capture_output=True, timeout=120)
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    # The server inherits pg_ctl's output streams: give it a log file, not our pipes.
    subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                 str(root / "server.log"), "-w", "start"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    try:
        yield f"postgresql+psycopg://fedcredit@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def service(url: str, root: Path) -> CoordinatorService:
    sessions = open_database(url)
    return CoordinatorService(sessions, Mailbox(root / "messages", sessions, max_message_bytes=1 << 20))


def test_jobs_and_messages_survive_a_restart_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    first = service(postgres_url, tmp_path)
    for who in (PLATFORM, BANK_A):
        first.register(who, {})
    job = first.submit_job(BANK_A, "psi", ["platform"], '{"note": "pg"}')
    first.send(BANK_A, job.id, "platform", "psi/1", 4, hashlib.sha256(b"blob").digest(), [b"blob"])
    second = service(postgres_url, tmp_path)
    assert second.get_job(PLATFORM, job.id).params == {"note": "pg"}
    message = second.receive(PLATFORM, job.id, "bank_a", "psi/1", timeout=1, is_active=lambda: True)
    assert message is not None and b"".join(second.mailbox.read(message)) == b"blob"
    second.report_status(BANK_A, job.id, State.SUCCEEDED, "done", '{"intersection_size": 1}')
    assert second.get_job(BANK_A, job.id).participants[0].result == {"intersection_size": 1}
