"""What the bank and the platform share: id checks, the job's secrets, blinding one's own set."""

import os
from collections import Counter
from collections.abc import Sequence
from typing import ClassVar

import numpy as np

from federation.psi.blinding import blind, blind_ids
from federation.psi.parallel import default_workers, map_chunks
from federation.psi.state import PartyState


def checked_ids(ids: Sequence[str]) -> list[str]:
    """The ids as a list, refusing non-strings and duplicates: a duplicate would blind to
    the same point twice, which tells the peer the multiset has a repeat and leaves the
    match ambiguous."""
    listed = ids.tolist() if isinstance(ids, np.ndarray) else list(ids)
    for row, id_ in enumerate(listed):
        if not isinstance(id_, str):
            raise TypeError(f"ids must be strings, row {row} is {type(id_).__name__}")
    if len(set(listed)) != len(listed):
        repeated = sorted(id_ for id_, count in Counter(listed).items() if count > 1)
        raise ValueError(
            f"ids must be distinct: {len(repeated)} repeated, e.g. {repeated[:3]}"
        )
    return listed


class Party:
    """One side of one PSI job.

    ``workers`` processes share the hashing and blinding (default: every core);
    ``rng`` only drives the shuffle, the scalar always comes from the OS CSPRNG; pass
    ``state`` (from ``PartyState.load``) instead to resume a job after a restart.
    """

    role: ClassVar[str]

    def __init__(
        self,
        ids: Sequence[str],
        *,
        workers: int | None = None,
        rng: np.random.Generator | None = None,
        state: PartyState | None = None,
    ) -> None:
        self._ids = checked_ids(ids)
        if state is None:
            state = PartyState.fresh(self.role, len(self._ids), rng)
        elif rng is not None:
            raise ValueError("a resumed job keeps its shuffle: pass state or rng, not both")
        else:
            state.check_fits(self.role, self._ids)
        self._state = state
        self._workers = default_workers() if workers is None else workers

    def __len__(self) -> int:
        return len(self._ids)

    def save_state(self, path: str | os.PathLike) -> None:
        self._state.save(path, self._ids)

    def _blind_own_ids(self) -> np.ndarray:
        shuffled = [self._ids[row] for row in self._state.order.tolist()]
        return map_chunks(blind_ids, self._state.scalar, shuffled, workers=self._workers)

    def _blind_points(self, points: np.ndarray) -> np.ndarray:
        return map_chunks(blind, self._state.scalar, points, workers=self._workers)
