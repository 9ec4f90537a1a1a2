"""What SecureBoost needs from an additively homomorphic scheme, and its wire format.

The bank generates a key pair and keeps the ``SecretContext``; only the
``PublicContext`` (public key, encryption, homomorphic sums) is ever serialized. The
split is structural: public-context classes hold no secret object and have no decrypt
method, so code running at the platform cannot decrypt even by mistake.

Everything that crosses the relay is wrapped in an ``Envelope`` naming the scheme and
the key (SHA-256 of the public key bytes), so a ciphertext can never be summed or
decrypted under a key it was not made for: that is refused with ``KeyMismatchError``
instead of producing garbage.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol

import numpy as np

MAGIC = b"FCHE"
VERSION = 1
KEY_ID_BYTES = 16
MIN_KEY_BITS = 2048


class KeyMismatchError(ValueError):
    """Ciphertexts were made under another public key than the one at hand."""


class EnvelopeError(ValueError):
    """Bytes from the wire are not a well-formed envelope of the expected kind and scheme."""


class Kind(IntEnum):
    PUBLIC_KEY = 1
    CIPHERTEXTS = 2
    SECRET_KEY = 3


def key_id(public_key_bytes: bytes) -> bytes:
    """Short, collision-resistant name of a public key, carried by every ciphertext batch."""
    return hashlib.sha256(public_key_bytes).digest()[:KEY_ID_BYTES]


@dataclass(frozen=True)
class Envelope:
    """``FCHE | version | kind | len(scheme) | scheme | key id | payload``."""

    kind: Kind
    scheme: str
    key_id: bytes
    payload: bytes

    def to_bytes(self) -> bytes:
        scheme = self.scheme.encode("ascii")
        header = struct.pack(">4sBBB", MAGIC, VERSION, self.kind, len(scheme))
        return header + scheme + self.key_id + self.payload

    @classmethod
    def from_bytes(cls, data: bytes, kind: Kind, scheme: str) -> Envelope:
        fixed = struct.calcsize(">4sBBB")
        if len(data) < fixed:
            raise EnvelopeError("envelope too short")
        magic, version, got_kind, scheme_len = struct.unpack_from(">4sBBB", data)
        if magic != MAGIC or version != VERSION:
            raise EnvelopeError("not a fedcredit HE envelope of a known version")
        if got_kind != kind:
            raise EnvelopeError(f"expected {kind.name}, got kind {got_kind}")
        got_scheme = data[fixed : fixed + scheme_len].decode("ascii", errors="replace")
        if got_scheme != scheme:
            raise EnvelopeError(f"expected scheme {scheme!r}, got {got_scheme!r}")
        start = fixed + scheme_len
        envelope_key = data[start : start + KEY_ID_BYTES]
        if len(envelope_key) != KEY_ID_BYTES:
            raise EnvelopeError("envelope truncated in the key id")
        return cls(Kind(got_kind), got_scheme, envelope_key, data[start + KEY_ID_BYTES :])


class Ciphertexts(Protocol):
    """A 1-D batch of ciphertexts under one public key."""

    key_id: bytes

    def __len__(self) -> int: ...

    def to_bytes(self) -> bytes: ...


class PublicContext(Protocol):
    """Everything the platform may hold: encrypt, sum, (de)serialize; never decrypt."""

    scheme: str

    def describe(self) -> dict[str, Any]: ...

    def to_bytes(self) -> bytes: ...

    def encrypt_gh(self, g: np.ndarray, h: np.ndarray) -> Ciphertexts: ...

    def load_ciphertexts(self, data: bytes) -> Ciphertexts: ...

    def bucket_sums(
        self, ciphertexts: Ciphertexts, bins: np.ndarray, node_masks: list[np.ndarray], n_bins: int,
        keep: np.ndarray | None = None,
    ) -> list[Ciphertexts]:
        """Per node, encrypted (g, h) sums at index ``feature * n_bins + bin``, re-randomized.

        ``keep`` names the buckets rows can fall in, in the order to return them; the rest
        are zero by construction and are neither summed, sent nor decrypted. A row in a
        bucket outside ``keep`` is an error, never a silently dropped instance."""
        ...


class SecretContext(Protocol):
    """The bank's side of a key pair."""

    @property
    def public(self) -> PublicContext: ...

    def decrypt_gh(self, sums: Ciphertexts) -> tuple[np.ndarray, np.ndarray]: ...

    def to_bytes(self) -> bytes:
        """The key pair, for the bank's own key file only: a job resumed after a crash must
        decrypt what was encrypted before it."""
        ...


class Backend(Protocol):
    name: str

    def describe(self) -> dict[str, Any]: ...

    def generate(self, key_bits: int = MIN_KEY_BITS) -> tuple[PublicContext, SecretContext]: ...

    def load_public(self, data: bytes) -> PublicContext: ...

    def load_secret(self, data: bytes) -> SecretContext: ...


def check_key_bits(key_bits: int) -> None:
    """Refuse keys below 112-bit security: 2048-bit moduli are the floor."""
    if key_bits < MIN_KEY_BITS:
        raise ValueError(f"key_bits={key_bits} is below the {MIN_KEY_BITS}-bit minimum")


def nominal_security_bits(key_bits: int) -> int:
    """NIST SP 800-57 strength of factoring a modulus of this size (2048 -> 112, 3072 -> 128)."""
    return 128 if key_bits >= 3072 else 112


def check_same_key(expected: bytes, ciphertexts: Ciphertexts) -> None:
    if ciphertexts.key_id != expected:
        raise KeyMismatchError("ciphertexts were encrypted under a different public key")


def check_bucket_request(
    n: int, bins: np.ndarray, node_masks: list[np.ndarray], n_bins: int, keep: np.ndarray | None = None
) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Validate the platform's own inputs; returns C-contiguous uint8 bins, bool masks and
    the layout indices to return (all of them when ``keep`` is None).

    A bin index outside ``[0, n_bins)`` would silently drop instances from every sum,
    so it is an error rather than something to clip. Whether rows fall only in kept
    buckets is :func:`check_rows_kept`, which a backend runs when its bins change.
    """
    bins = np.asarray(bins)
    if bins.ndim != 2 or bins.shape[0] != n:
        raise ValueError(f"bins must have shape ({n}, n_features), got {bins.shape}")
    if not np.issubdtype(bins.dtype, np.integer):
        raise ValueError(f"bins must hold integer bin indices, got {bins.dtype}")
    if not 1 <= n_bins <= 256:
        raise ValueError(f"n_bins must be in [1, 256], got {n_bins}")
    if bins.size and (bins.min() < 0 or bins.max() >= n_bins):
        raise ValueError(f"bin indices must lie in [0, {n_bins})")
    masks = []
    for mask in node_masks:
        mask = np.asarray(mask)
        if mask.shape != (n,) or mask.dtype != np.bool_:
            raise ValueError(f"each node mask must be a bool array of shape ({n},)")
        masks.append(mask)
    width = bins.shape[1] * n_bins
    if keep is None:
        return np.ascontiguousarray(bins, dtype=np.uint8), masks, np.arange(width)
    keep = np.asarray(keep)
    if keep.ndim != 1 or not np.issubdtype(keep.dtype, np.integer):
        raise ValueError("keep must be a 1-D array of bucket indices")
    if keep.size and (keep.min() < 0 or keep.max() >= width or len(np.unique(keep)) != len(keep)):
        raise ValueError(f"keep must hold distinct bucket indices in [0, {width})")
    return np.ascontiguousarray(bins, dtype=np.uint8), masks, keep.astype(np.int64)


def check_rows_kept(bins: np.ndarray, n_bins: int, keep: np.ndarray) -> None:
    """Refuse bins with a row in a bucket outside ``keep``: its sums would go missing."""
    kept = np.zeros(bins.shape[1] * n_bins, dtype=bool)
    kept[keep] = True
    used = bins.astype(np.int64) + np.arange(bins.shape[1]) * n_bins
    if used.size and not kept[used].all():
        feature = int(np.flatnonzero(~kept[used].all(axis=0))[0])
        raise ValueError(f"a row of feature column {feature} falls in a bucket that is not kept")
