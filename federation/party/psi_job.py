"""PSI jobs as the party agents run them: the psi package's schedule over the relay.

Each party writes its per-job secrets (scalar and shuffle) before sending anything, so a
party that dies mid-job and restarts resumes with the same secrets and replays the same
messages. The bank keeps the intersection as a Parquet file in its work directory; the
platform keeps its state file and the handles it offered, which later jobs need to turn
the bank's handles into rows.

The platform offers only the enterprises that authorize the bank (``job_scope``): the
bank's handles are positions in that offer, so no other enterprise can be matched.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from federation.files import write_atomic
from federation.party.agent import JobContext
from federation.party.channel import RelayChannel
from federation.party.consent import job_scope
from federation.party.psi_register import BlindedRegister
from federation.psi import PartyState, PlatformPSI, run_bank, run_platform
from federation.security.roles import Role

STATE_FILE = "psi_state.npz"
OFFERED_FILE = "psi_offered.npy"
INTERSECTION_FILE = "intersection.parquet"


def _state(path: Path, role: str, ids: list[str]) -> PartyState:
    """This job's secrets: written to disk before first use, so new and resumed runs are alike."""
    if not path.exists():
        PartyState.fresh(role, len(ids), rng=None).save(path, ids)
    return PartyState.load(path)


def bank_psi(context: JobContext, workers: int | None) -> dict[str, Any]:
    ids = context.table.ids.tolist()
    state = _state(context.workdir / STATE_FILE, "bank", ids)
    channel = RelayChannel(context, context.peer(Role.PLATFORM), "psi")
    result = run_bank(ids, channel, workers=workers, state=state)
    pd.DataFrame({"id": result.ids_in_intersection, "bank_row": result.bank_rows,
                  "platform_handle": result.platform_handles}).to_parquet(context.workdir / INTERSECTION_FILE)
    return {"bank_set_size": len(ids), "intersection_size": len(result.ids_in_intersection)}


def platform_psi(context: JobContext, workers: int | None, register: BlindedRegister | None,
                 enforce_consent: bool) -> dict[str, Any]:
    """With a register, the job runs under the current key epoch; its state is copied into
    the job's folder so its handles stay resolvable after the epoch rotates."""
    scope = job_scope(context, enforce_consent)
    ids = context.table.ids.tolist()
    job_state = context.workdir / STATE_FILE
    epoch = None if register is None else register.current()
    if epoch is not None and not job_state.exists():
        shutil.copyfile(epoch.state_path, job_state)
    state = _state(job_state, "platform", ids)
    same_epoch = epoch is not None and state.scalar == epoch.state.scalar
    blinded = epoch.blinded if same_epoch else None
    offered = _offered(context.workdir / OFFERED_FILE, ids, state, scope.enterprises)
    channel = RelayChannel(context, context.peer(Role.BANK), "psi")
    platform = run_platform(ids, channel, workers=workers, state=state, blinded=blinded, handles=offered)
    return {"bank_set_size": platform.bank_set_size, "consent": scope.report()}


def _offered(path: Path, ids: list[str], state: PartyState, enterprises: frozenset[str] | None) -> np.ndarray:
    """The register handles this job offers the bank, in increasing order, fixed on first run
    so a resumed job replays the same message even if consents changed meanwhile."""
    if not path.exists():
        order = state.order.tolist()
        handles = range(len(order)) if enterprises is None else \
            (h for h, row in enumerate(order) if ids[row] in enterprises)
        write_atomic(path, _npy(np.fromiter(handles, dtype=np.int64)), private=True)
    return np.load(path)


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def offered_rows(job_dir: Path, platform: PlatformPSI, handles: np.ndarray) -> np.ndarray:
    """Platform rows for handles a bank reports from PSI job ``job_dir``: positions in what
    that job offered, then register handles, then rows."""
    offered = np.load(job_dir / OFFERED_FILE)
    handles = np.asarray(handles, dtype=np.int64)
    outside = (handles < 0) | (handles >= len(offered))
    if outside.any():
        raise ValueError(f"{int(outside.sum())} handles outside the {len(offered)} this PSI job offered")
    return platform.rows_for_handles(offered[handles])
