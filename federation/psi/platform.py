"""The platform's side of ECDH PSI: it answers the bank and learns only the bank's set size."""

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from federation.psi.blinding import blind_ids
from federation.psi.messages import BankBlinded, DoubleBlinded, PlatformBlinded
from federation.psi.parallel import map_chunks
from federation.psi.party import Party
from federation.psi.state import PartyState


class PlatformPSI(Party):
    """Send ``blinded()`` first (the bank reblinds it while we work on its message), then
    ``double_blind`` the bank's message. A handle is a position in PlatformBlinded; the
    shuffle that maps it to a row never leaves the platform."""

    role = "platform"
    bank_set_size: int | None = None
    """n = |X|, the one thing the protocol tells the platform about the bank's set."""

    @classmethod
    def with_blinded(
        cls,
        ids: Sequence[str],
        blinded: PlatformBlinded,
        *,
        state: PartyState,
        workers: int | None = None,
    ) -> "PlatformPSI":
        """A platform whose register was already blinded under ``state`` (a key epoch
        prepared ahead of time), which takes its heaviest step off the job."""
        platform = cls(ids, workers=workers, state=state)
        if len(blinded) != len(platform):
            raise ValueError(f"PlatformBlinded has {len(blinded)} points for {len(platform)} ids")
        platform.__dict__["_blinded"] = blinded
        return platform

    @cached_property
    def _blinded(self) -> PlatformBlinded:
        return PlatformBlinded(self._blind_own_ids())

    def blinded(self) -> PlatformBlinded:
        """H(y)^b in handle order; computed once, so a resend costs nothing."""
        return self._blinded

    def blinded_for(self, handles: np.ndarray) -> PlatformBlinded:
        """H(y)^b for ``handles`` only, in that order. Sliced from the whole register when it
        is already blinded (a key epoch), otherwise only these ids are blinded."""
        if "_blinded" in self.__dict__:
            return PlatformBlinded(self._blinded.points[handles])
        ids = [self._ids[row] for row in self._state.order[handles].tolist()]
        return PlatformBlinded(map_chunks(blind_ids, self._state.scalar, ids, workers=self._workers))

    def double_blind(self, bank_blinded: BankBlinded) -> DoubleBlinded:
        """(H(x)^a)^b, row for row, so the bank can line answers up with its own order."""
        self.bank_set_size = len(bank_blinded)
        return DoubleBlinded(self._blind_points(bank_blinded.points))

    def rows_for_handles(self, handles: np.ndarray | list[int]) -> np.ndarray:
        """Platform rows (indices into our id list) for handles the bank reports."""
        handles = np.asarray(handles)
        if handles.size and not np.issubdtype(handles.dtype, np.integer):
            raise TypeError(f"handles must be integers, got {handles.dtype}")
        handles = handles.astype(np.int64)
        out_of_range = (handles < 0) | (handles >= len(self))
        if out_of_range.any():
            raise ValueError(
                f"{int(out_of_range.sum())} handles outside 0..{len(self) - 1}, "
                f"e.g. {int(handles[out_of_range][0])}"
            )
        return self._state.order[handles]
