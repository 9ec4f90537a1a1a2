"""Blinding: raising points to a party's secret X25519 scalar.

X25519(k, u) = u(clamp(k) * P) commutes in the scalars, so blinding by one party then
the other gives the same point in either order; that equality is what PSI matches on.
These functions run inside worker processes, one chunk of points at a time.
"""

import secrets
from collections.abc import Sequence

import numpy as np
from nacl.bindings import crypto_scalarmult
from nacl.exceptions import RuntimeError as SodiumError

from federation.psi.hash_to_curve import POINT_BYTES, PSI_DST, encode_to_curve

SCALAR_BYTES = 32


class LowOrderPointError(ValueError):
    """A point blinded to the all-zero value: it has small order, so blinding would not
    hide anything (and an honest peer never sends one)."""


def new_scalar() -> bytes:
    """A fresh per-job secret; X25519 clamps it, so any 32 random bytes will do."""
    return secrets.token_bytes(SCALAR_BYTES)


def blind(scalar: bytes, points: np.ndarray) -> np.ndarray:
    """X25519(scalar, u) for every row of an (n, 32) uint8 array of u-coordinates.

    libsodium's ``crypto_scalarmult`` (through PyNaCl) is RFC 7748's X25519, bit for bit
    the same function as OpenSSL's, without the key objects that ``cryptography`` builds
    around every call: about 20% less time per point here, and blinding is the whole cost
    of PSI. libsodium refuses an all-zero result, which is how a small-order point shows.
    """
    raw = np.ascontiguousarray(points, dtype=np.uint8).tobytes()
    try:
        out = b"".join(
            [crypto_scalarmult(scalar, raw[i : i + POINT_BYTES]) for i in range(0, len(raw), POINT_BYTES)]
        )
    except SodiumError as error:
        raise LowOrderPointError(
            "a point has small order (it blinds to all zeros): the peer's message is malformed"
        ) from error
    return np.frombuffer(out, dtype=np.uint8).reshape(-1, POINT_BYTES)


def blind_ids(scalar: bytes, ids: Sequence[str]) -> np.ndarray:
    """Hash ids to the curve and blind them in one task, so hashed points never travel
    between processes."""
    return blind(scalar, encode_to_curve([id_.encode() for id_ in ids], PSI_DST))

