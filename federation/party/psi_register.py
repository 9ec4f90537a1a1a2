"""The platform's register, hashed, shuffled and blinded once per key epoch.

Blinding the platform's own ids is half of a PSI job's work and does not depend on the
bank, so the platform does it ahead of time under one scalar and shuffle per epoch
(default a day) and reuses the result for every job in that epoch. What changes for the
banks: within an epoch they all receive the same blinded register, so handles are
stable across jobs and a bank can see which handles appear or vanish between its jobs,
that is, how the platform's register changed. The register of registered enterprises
is public record; nothing about any bank's customers changes, since each bank blinds
with a fresh scalar per job. The scalar and shuffle are kept owner-only like any job
secret, and a new epoch starts when the old one ages out or the table changes.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from federation.psi import PartyState, PlatformBlinded, PlatformPSI, StateError

log = logging.getLogger(__name__)
STATE = "epoch_state.npz"
BLINDED = "epoch_blinded.bin"


@dataclass(frozen=True)
class Epoch:
    state_path: Path
    state: PartyState
    blinded: PlatformBlinded
    started: float


class BlindedRegister:
    def __init__(self, directory: Path, ids: list[str], *, max_age_seconds: float, workers: int | None) -> None:
        self._dir = directory
        self._ids = ids
        self._max_age = max_age_seconds
        self._workers = workers
        self._lock = threading.Lock()
        self._epoch: Epoch | None = None

    def current(self) -> Epoch:
        """The live epoch, loading it from disk or preparing a new one if it aged out."""
        with self._lock:
            if self._epoch is None:
                self._epoch = self._load()
            if self._epoch is None or time.time() - self._epoch.started > self._max_age:
                self._epoch = self._prepare()
            return self._epoch

    def _load(self) -> Epoch | None:
        state_path, blinded_path = self._dir / STATE, self._dir / BLINDED
        if not (state_path.exists() and blinded_path.exists()):
            return None
        try:
            state = PartyState.load(state_path)
            state.check_fits("platform", self._ids)
            blinded = PlatformBlinded.from_bytes(blinded_path.read_bytes())
        except (StateError, ValueError) as exc:
            log.warning("discarding the stored PSI epoch: %s", exc)
            return None
        return Epoch(state_path, state, blinded, state_path.stat().st_mtime)

    def _prepare(self) -> Epoch:
        started = time.monotonic()
        self._dir.mkdir(parents=True, exist_ok=True)
        state_path = self._dir / STATE
        PartyState.fresh("platform", len(self._ids), rng=None).save(state_path, self._ids)
        state = PartyState.load(state_path)
        blinded = PlatformPSI(self._ids, state=state, workers=self._workers).blinded()
        fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=f".{BLINDED}.")
        with os.fdopen(fd, "wb") as f:
            f.write(blinded.to_bytes())
        os.replace(tmp, self._dir / BLINDED)
        log.info("prepared a PSI epoch for %d ids in %.1f s", len(self._ids), time.monotonic() - started)
        return Epoch(state_path, state, blinded, time.time())
