"""What each party's side of the scorecard protocol does with ciphertexts, behind one interface.

:class:`EncryptedBank` holds the bank's key pair and :class:`EncryptedPlatform` only the
public key: labels travel as Enc(y, 1 - y) pairs (the backends' packed (g, h) format, so
the platform's per-bin sums are SecureBoost's bucket sums), residuals as Enc of
fixed-point integers, and the platform's answers come back as encrypted sums that only
the bank can open. :class:`PlainBank` / :class:`PlainPlatform` compute the same integers
without encryption: the reference an encrypted run must equal exactly, chosen only by
``encryption=None`` in process, never by a federated job.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import numpy as np

from federation.crypto import get_backend
from federation.crypto.backend import SecretContext
from federation.crypto.integer_ops import add_ints, decrypt_ints, encrypt_ints, plaintext_bits, weighted_sums


class BankCipher(Protocol):
    scheme: str | None

    def describe(self) -> dict[str, Any] | None: ...

    def public_bytes(self) -> bytes: ...

    def encrypt_labels(self, labels: np.ndarray) -> bytes: ...

    def decrypt_counts(self, payload: bytes, n_features: int, n_bins: int) -> tuple[np.ndarray, np.ndarray]: ...

    def encrypt_ints(self, values: list[int]) -> bytes: ...

    def decrypt_ints(self, payload: bytes) -> list[int]: ...


class PlatformCipher(Protocol):
    def plaintext_bits(self) -> int: ...

    def bin_counts(self, labels: bytes, codes: np.ndarray, n_bins: int) -> bytes:
        """Per (feature, bin), the sums of what the bank sent: events and non-events."""
        ...

    def masked_weighted_sums(self, values: bytes, codes: np.ndarray, n_bins: int, weights: np.ndarray,
                             masks: list[int]) -> bytes:
        """Per feature j, ``sum_b weights[j, b] * (sum of values in bin b of j) + masks[j]``."""
        ...


class EncryptedBank:
    def __init__(self, secret: SecretContext) -> None:
        self._secret = secret
        self.scheme: str | None = secret.public.scheme

    def describe(self) -> dict[str, Any] | None:
        return self._secret.public.describe()

    def public_bytes(self) -> bytes:
        return self._secret.public.to_bytes()

    def encrypt_labels(self, labels: np.ndarray) -> bytes:
        y = np.asarray(labels, dtype=np.float64)
        return self._secret.public.encrypt_gh(y, 1.0 - y).to_bytes()

    def decrypt_counts(self, payload: bytes, n_features: int, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
        sums = self._secret.public.load_ciphertexts(payload)
        if len(sums) != n_features * n_bins:
            raise ValueError(f"{len(sums)} bin counts for {n_features} features of {n_bins} bins")
        events, nonevents = self._secret.decrypt_gh(sums)
        return np.rint(events).reshape(n_features, n_bins), np.rint(nonevents).reshape(n_features, n_bins)

    def encrypt_ints(self, values: list[int]) -> bytes:
        return encrypt_ints(self._secret.public, values).to_bytes()

    def decrypt_ints(self, payload: bytes) -> list[int]:
        return decrypt_ints(self._secret, self._secret.public.load_ciphertexts(payload))


class EncryptedPlatform:
    """Built from the bank's public key as it arrived: the platform cannot decrypt anything."""

    def __init__(self, scheme: str, public_key: bytes) -> None:
        self._public = get_backend(scheme).load_public(public_key)

    def plaintext_bits(self) -> int:
        return plaintext_bits(self._public)

    def bin_counts(self, labels: bytes, codes: np.ndarray, n_bins: int) -> bytes:
        ciphertexts = self._public.load_ciphertexts(labels)
        _check_rows(len(ciphertexts), codes)
        return self._public.bucket_sums(ciphertexts, codes, [np.ones(len(codes), dtype=bool)], n_bins)[0].to_bytes()

    def masked_weighted_sums(self, values: bytes, codes: np.ndarray, n_bins: int, weights: np.ndarray,
                             masks: list[int]) -> bytes:
        ciphertexts = self._public.load_ciphertexts(values)
        _check_rows(len(ciphertexts), codes)
        sums = self._public.bucket_sums(ciphertexts, codes, [np.ones(len(codes), dtype=bool)], n_bins)[0]
        return add_ints(self._public, weighted_sums(self._public, sums, _block_weights(weights)), masks).to_bytes()


class PlainBank:
    scheme: str | None = None

    def describe(self) -> dict[str, Any] | None:
        return None

    def public_bytes(self) -> bytes:
        return b""

    def encrypt_labels(self, labels: np.ndarray) -> bytes:
        return np.asarray(labels, dtype=np.int8).tobytes()

    def decrypt_counts(self, payload: bytes, n_features: int, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
        counts = np.frombuffer(payload, dtype=np.float64).reshape(2, n_features, n_bins)
        return counts[0].copy(), counts[1].copy()

    def encrypt_ints(self, values: list[int]) -> bytes:
        return json.dumps([str(v) for v in values]).encode()

    def decrypt_ints(self, payload: bytes) -> list[int]:
        return [int(v) for v in json.loads(payload)]


class PlainPlatform:
    def plaintext_bits(self) -> int:
        return 1 << 16

    def bin_counts(self, labels: bytes, codes: np.ndarray, n_bins: int) -> bytes:
        y = np.frombuffer(labels, dtype=np.int8).astype(np.float64)
        _check_rows(len(y), codes)
        events = np.stack([np.bincount(codes[:, j], weights=y, minlength=n_bins) for j in range(codes.shape[1])])
        counts = np.stack([np.bincount(codes[:, j], minlength=n_bins) for j in range(codes.shape[1])])
        return np.stack([events, counts - events]).astype(np.float64).tobytes()

    def masked_weighted_sums(self, values: bytes, codes: np.ndarray, n_bins: int, weights: np.ndarray,
                             masks: list[int]) -> bytes:
        ints = [int(v) for v in json.loads(values)]
        _check_rows(len(ints), codes)
        out = []
        for j in range(codes.shape[1]):
            sums = [0] * n_bins
            for code, value in zip(codes[:, j].tolist(), ints):
                sums[code] += value
            out.append(sum(int(w) * s for w, s in zip(weights[j], sums)) + masks[j])
        return json.dumps([str(v) for v in out]).encode()


def _check_rows(n: int, codes: np.ndarray) -> None:
    if codes.ndim != 2 or codes.shape[0] != n:
        raise ValueError(f"{n} values from the bank for {codes.shape[0]} training rows")


def _block_weights(weights: np.ndarray) -> np.ndarray:
    """(features, bins) weights as the (features, features * bins) matrix over flat bucket sums."""
    n_features, n_bins = weights.shape
    block = np.zeros((n_features, n_features * n_bins), dtype=object)
    for j in range(n_features):
        block[j, j * n_bins:(j + 1) * n_bins] = [int(w) for w in weights[j]]
    return block
