"""One PSI job end to end for either party, over any byte transport.

The message order lives here once, so every transport (pipes in the benchmark, gRPC via
the coordinator) runs the same schedule: each party blinds its own set first and sends it
at once, which lets both parties' heaviest step run at the same time.
"""

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from federation.psi.bank import BankPSI, BankPSIResult
from federation.psi.messages import BankBlinded, DoubleBlinded, PlatformBlinded
from federation.psi.platform import PlatformPSI
from federation.psi.state import PartyState


class Channel(Protocol):
    """An ordered, reliable link to the other party carrying whole messages."""

    def send(self, payload: bytes) -> None: ...

    def receive(self) -> bytes: ...


def run_bank(
    ids: Sequence[str], channel: Channel, *, workers: int | None = None, state: PartyState | None = None
) -> BankPSIResult:
    """``state`` resumes a job with the secrets it started with (see ``PartyState``)."""
    bank = BankPSI(ids, workers=workers, state=state)
    channel.send(bank.blinded().to_bytes())
    bank.reblind(PlatformBlinded.from_bytes(channel.receive()))
    return bank.finish(DoubleBlinded.from_bytes(channel.receive()))


def run_platform(
    ids: Sequence[str],
    channel: Channel,
    *,
    workers: int | None = None,
    state: PartyState | None = None,
    blinded: PlatformBlinded | None = None,
    handles: np.ndarray | None = None,
) -> PlatformPSI:
    """Returns the party so the caller can later map the bank's handles to rows.
    ``blinded`` is the register already blinded under ``state`` (see ``with_blinded``).
    ``handles`` restricts what the bank can match to those handles of the register (e.g.
    the enterprises that authorize it); the bank's handles are then positions in that list."""
    if blinded is None:
        platform = PlatformPSI(ids, workers=workers, state=state)
    elif state is None:
        raise ValueError("a precomputed PlatformBlinded needs the state it was made with")
    else:
        platform = PlatformPSI.with_blinded(ids, blinded, state=state, workers=workers)
    sent = platform.blinded() if handles is None else platform.blinded_for(handles)
    channel.send(sent.to_bytes())
    channel.send(platform.double_blind(BankBlinded.from_bytes(channel.receive())).to_bytes())
    return platform
