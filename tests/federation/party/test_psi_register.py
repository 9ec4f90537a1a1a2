"""The platform's per-epoch blinded register: reused within an epoch, renewed after it."""

from __future__ import annotations

import os
import queue
import stat
import threading
from pathlib import Path

from federation.party.psi_register import STATE, BlindedRegister
from federation.psi import run_bank, run_platform

PLATFORM_IDS = [f"91110000{i:010d}" for i in range(200, 400)]


def register(tmp_path: Path, ids: list[str] = PLATFORM_IDS, max_age: float = 3600) -> BlindedRegister:
    return BlindedRegister(tmp_path / "epoch", ids, max_age_seconds=max_age, workers=1)


def test_epoch_is_reused_within_its_age(tmp_path: Path) -> None:
    assert register(tmp_path).current().state.scalar == register(tmp_path).current().state.scalar


def test_epoch_renews_once_aged_out(tmp_path: Path) -> None:
    first = register(tmp_path).current()
    assert register(tmp_path, max_age=-1).current().state.scalar != first.state.scalar


def test_epoch_renews_when_the_table_changes(tmp_path: Path) -> None:
    first = register(tmp_path).current()
    changed = register(tmp_path, ids=PLATFORM_IDS[:-1]).current()
    assert changed.state.scalar != first.state.scalar and len(changed.blinded) == len(PLATFORM_IDS) - 1


def test_epoch_secrets_are_owner_only(tmp_path: Path) -> None:
    register(tmp_path).current()
    assert stat.S_IMODE(os.stat(tmp_path / "epoch" / STATE).st_mode) == 0o600


class _Pipe:
    def __init__(self, inbox: queue.Queue, outbox: queue.Queue) -> None:
        self.inbox, self.outbox = inbox, outbox

    def send(self, payload: bytes) -> None:
        self.outbox.put(payload)

    def receive(self) -> bytes:
        return self.inbox.get(timeout=30)


def test_psi_against_a_prepared_register_finds_the_intersection(tmp_path: Path) -> None:
    epoch = register(tmp_path).current()
    bank_ids = [f"91110000{i:010d}" for i in range(0, 300)]
    to_bank, to_platform = queue.Queue(), queue.Queue()
    parties = {}
    platform = threading.Thread(target=lambda: parties.setdefault("p", run_platform(
        PLATFORM_IDS, _Pipe(to_platform, to_bank), workers=1, state=epoch.state, blinded=epoch.blinded)))
    platform.start()
    result = run_bank(bank_ids, _Pipe(to_bank, to_platform), workers=1)
    platform.join()
    assert result.ids_in_intersection.tolist() == bank_ids[200:]
    assert [PLATFORM_IDS[r] for r in parties["p"].rows_for_handles(result.platform_handles)] == bank_ids[200:]
