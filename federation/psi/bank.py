"""The bank's side of ECDH PSI: it learns which of its ids the platform holds."""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from federation.psi.matching import match
from federation.psi.messages import BankBlinded, DoubleBlinded, PlatformBlinded
from federation.psi.party import Party


@dataclass(frozen=True, eq=False)
class BankPSIResult:
    """The intersection, in the bank's input order: ``bank_rows`` index the bank's id
    list, ``platform_handles[k]`` is the opaque platform handle of
    ``ids_in_intersection[k]`` (only the platform can turn it into a row). The ids are an
    object array of ``str``: numpy's fixed-width strings would drop trailing NULs."""

    ids_in_intersection: np.ndarray
    bank_rows: np.ndarray
    platform_handles: np.ndarray


class BankPSI(Party):
    """Send ``blinded()``; call ``reblind`` as soon as PlatformBlinded arrives (it can run
    while the platform is still double-blinding our message), then ``finish`` with
    DoubleBlinded."""

    role = "bank"
    _reblinded: np.ndarray | None = None

    @cached_property
    def _blinded(self) -> BankBlinded:
        return BankBlinded(self._blind_own_ids())

    def blinded(self) -> BankBlinded:
        """H(x)^a in our secret order; computed once, so a resend costs nothing."""
        return self._blinded

    def reblind(self, platform_blinded: PlatformBlinded) -> None:
        """(H(y)^b)^a, kept in the platform's order so a match's position is its handle."""
        self._reblinded = self._blind_points(platform_blinded.points)

    def finish(self, double_blinded: DoubleBlinded) -> BankPSIResult:
        if self._reblinded is None:
            raise RuntimeError("reblind(PlatformBlinded) must come before finish()")
        if len(double_blinded) != len(self):
            raise ValueError(
                f"DoubleBlinded has {len(double_blinded)} points, we sent {len(self)}"
            )
        positions, handles = match(self._reblinded, double_blinded.points)
        rows = self._state.order[positions]
        by_row = np.argsort(rows)
        rows, handles = rows[by_row], handles[by_row]
        ids = np.array([self._ids[row] for row in rows.tolist()], dtype=object)
        return BankPSIResult(ids_in_intersection=ids, bank_rows=rows, platform_handles=handles)
