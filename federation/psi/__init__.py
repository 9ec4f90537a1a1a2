"""ECDH private set intersection on enterprise ids (USCCs) over X25519.

Semi-honest parties; ``session`` has the message schedule, ``hash_to_curve`` how ids
become points. What each side learns:

=============  ==========================================================================
bank           m, its ids in the intersection, and per id an opaque platform handle
               (a position in the platform's shuffled message, not a row)
platform       n, the size of the bank's set; nothing about which ids (if the bank later
               reports handles, e.g. to align training rows, the platform learns which of
               its rows are in the intersection: that is the caller's protocol)
coordinator    message sizes (n and m) and uniformly random-looking points
=============  ==========================================================================

Each party draws a fresh scalar per job, so blinded points cannot be linked across jobs.
"""

from federation.psi.bank import BankPSI, BankPSIResult
from federation.psi.blinding import LowOrderPointError
from federation.psi.messages import BankBlinded, DoubleBlinded, MessageFormatError, PlatformBlinded
from federation.psi.platform import PlatformPSI
from federation.psi.session import Channel, run_bank, run_platform
from federation.psi.state import PartyState, StateError

__all__ = [
    "BankBlinded",
    "BankPSI",
    "BankPSIResult",
    "Channel",
    "DoubleBlinded",
    "LowOrderPointError",
    "MessageFormatError",
    "PartyState",
    "PlatformBlinded",
    "PlatformPSI",
    "StateError",
    "run_bank",
    "run_platform",
]
