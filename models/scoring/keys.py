"""The bank's BFV key for scoring, and the fixed-point scale of leaf values.

BFV (TenSEAL/SEAL) is exact integer arithmetic modulo a plaintext prime, which is what
lets encrypted scores equal plaintext ones to the rounding of the leaf values: leaves are
scaled by ``2**SCALE_BITS`` and rounded once. N = 8192 with a 180-bit coefficient modulus
(three 60-bit primes, below the 218 bits the HomomorphicEncryption.org standard allows at
128-bit security) leaves ample noise budget for one plaintext multiplication and the sums,
and keeps a ciphertext at 256 KiB against 422 KiB with SEAL's default modulus. The
plaintext prime is 41 bits and splits into 8192 slots (p = 1 mod 2N), so one ciphertext
carries 8192 values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import tenseal as ts

POLY_DEGREE = 8192
SLOTS = POLY_DEGREE
PLAIN_PRIME = 1099511922689  # the smallest prime above 2**40 that is 1 mod 2 * 8192
COEFFICIENT_BITS = (60, 60, 60)
SCALE_BITS = 26
SECURITY_BITS = 128


class ScoreRangeError(ValueError):
    """Leaf values too large for the plaintext space at this scale."""


def encode_leaves(values: np.ndarray, trees: int) -> np.ndarray:
    """Leaf values as integers at the scale; refuses models whose scores could wrap around."""
    scaled = np.rint(np.asarray(values, dtype=np.float64) * 2.0**SCALE_BITS).astype(np.int64)
    if np.abs(scaled).max(initial=0) * max(trees, 1) >= PLAIN_PRIME // 2:
        raise ScoreRangeError(f"leaf values up to {np.abs(values).max():.3g} over {trees} trees "
                              f"overflow the {PLAIN_PRIME.bit_length()}-bit plaintext at 2^{SCALE_BITS}")
    return scaled


def decode_sums(values: list[int] | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype(np.float64) / 2.0**SCALE_BITS


@dataclass
class BfvKeys:
    """The bank's key pair; ``public_bytes`` is what the platform gets (no secret key)."""

    context: ts.Context

    @classmethod
    def generate(cls) -> BfvKeys:
        return cls(ts.context(ts.SCHEME_TYPE.BFV, poly_modulus_degree=POLY_DEGREE, plain_modulus=PLAIN_PRIME,
                              coeff_mod_bit_sizes=list(COEFFICIENT_BITS)))

    def public_bytes(self) -> bytes:
        return self.context.serialize(save_public_key=True, save_secret_key=False,
                                      save_galois_keys=False, save_relin_keys=False)

    def describe(self) -> dict[str, Any]:
        return {"scheme": "bfv", "library": f"tenseal {ts.__version__}", "poly_modulus_degree": POLY_DEGREE,
                "plain_modulus_bits": PLAIN_PRIME.bit_length(), "coefficient_modulus_bits": sum(COEFFICIENT_BITS),
                "security_bits": SECURITY_BITS,
                "leaf_scale_bits": SCALE_BITS}


def load_public(data: bytes) -> ts.Context:
    """The platform's copy of the bank's context; it must hold no secret key."""
    context = ts.context_from(data)
    if context.has_secret_key():
        raise ValueError("the bank sent a context holding its secret key; refusing it")
    return context
