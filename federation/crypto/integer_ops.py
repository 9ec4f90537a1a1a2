"""Exact integer arithmetic on the project's HE ciphertexts, beyond SecureBoost's needs.

The :class:`~federation.crypto.backend.Backend` protocol encrypts packed (g, h) pairs,
sums them into buckets and decrypts them to floats. The scorecard's masked gradient
(``models.scorecard.ciphers``) needs three more things, all on the same keys, envelopes and ciphertext classes:
encrypting integers, weighting encrypted bucket sums by plaintext integers (the
platform's WOE values) and decrypting a masked result to the *exact* integer, since
the platform removes its mask after the bank has decrypted. A float decryption would
round a 100-bit masked value and lose the gradient under it.

Both backends are covered by what their public contexts already expose (HEU's
evaluator, python-paillier's raw operations), so these are functions over the backends'
contexts rather than Backend protocol methods: a third backend adds its branch here.
"""

from __future__ import annotations

from collections.abc import Sequence

import gmpy2
import numpy as np
from heu import numpy as hnp
from heu import phe

from federation.crypto.backend import Ciphertexts, PublicContext, SecretContext, check_same_key
from federation.crypto.heu_backend import HeuCiphertexts, HeuPublicContext, HeuSecretContext
from federation.crypto.phe_backend import PheCiphertexts, PhePublicContext, PheSecretContext


def plaintext_bits(public: PublicContext) -> int:
    """Bits of the symmetric plaintext range: a value must stay below 2**(bits - 1) in magnitude."""
    if isinstance(public, HeuPublicContext):
        return public.kit.public_key().plaintext_bound().bit_count()
    if isinstance(public, PhePublicContext):
        return public.key_bits - 1
    raise TypeError(f"no integer operations for {type(public).__name__}")


def encrypt_ints(public: PublicContext, values: Sequence[int]) -> Ciphertexts:
    if isinstance(public, HeuPublicContext):
        return HeuCiphertexts(public.kit.encryptor().encrypt(_column(public, values)), public.key_id, public.scheme)
    if isinstance(public, PhePublicContext):
        n = public.public_key.n
        return PheCiphertexts([gmpy2.mpz(public.public_key.raw_encrypt(int(v) % n)) for v in values],
                              public.key_id, public.ciphertext_width)
    raise TypeError(f"no integer operations for {type(public).__name__}")


def weighted_sums(public: PublicContext, ciphertexts: Ciphertexts, weights: np.ndarray) -> Ciphertexts:
    """``weights @ ciphertexts``: row i of the result is sum_k weights[i, k] * Enc(x_k)."""
    check_same_key(public.key_id, ciphertexts)
    weights = np.asarray(weights, dtype=object)
    if weights.ndim != 2 or weights.shape[1] != len(ciphertexts):
        raise ValueError(f"weights of shape {weights.shape} for {len(ciphertexts)} ciphertexts")
    if isinstance(public, HeuPublicContext) and isinstance(ciphertexts, HeuCiphertexts):
        plain = hnp.array(weights, phe.BigintEncoder(public.kit.get_schema()))
        return HeuCiphertexts(public.kit.evaluator().matmul(plain, ciphertexts.array), public.key_id, public.scheme)
    if isinstance(public, PhePublicContext) and isinstance(ciphertexts, PheCiphertexts):
        n, nsquare = public.public_key.n, gmpy2.mpz(public.public_key.nsquare)
        out = []
        for row in weights:
            total = gmpy2.mpz(1)
            for weight, c in zip(row, ciphertexts.values):
                if weight:
                    total = total * gmpy2.powmod(c, int(weight) % n, nsquare) % nsquare
            out.append(total)
        return PheCiphertexts(out, public.key_id, public.ciphertext_width)
    raise TypeError(f"no integer operations for {type(public).__name__} on {type(ciphertexts).__name__}")


def add_ints(public: PublicContext, ciphertexts: Ciphertexts, values: Sequence[int]) -> Ciphertexts:
    """``Enc(x) + Enc(v)`` with a fresh encryption of each ``v``, which also re-randomizes."""
    check_same_key(public.key_id, ciphertexts)
    if len(values) != len(ciphertexts):
        raise ValueError(f"{len(values)} values to add to {len(ciphertexts)} ciphertexts")
    fresh = encrypt_ints(public, values)
    if isinstance(ciphertexts, HeuCiphertexts) and isinstance(fresh, HeuCiphertexts):
        return HeuCiphertexts(public.kit.evaluator().add(ciphertexts.array, fresh.array),  # type: ignore[attr-defined]
                              public.key_id, public.scheme)
    if isinstance(ciphertexts, PheCiphertexts) and isinstance(fresh, PheCiphertexts):
        nsquare = gmpy2.mpz(public.public_key.nsquare)  # type: ignore[attr-defined]
        return PheCiphertexts([a * b % nsquare for a, b in zip(ciphertexts.values, fresh.values)],
                              public.key_id, ciphertexts.width)
    raise TypeError(f"no integer operations for {type(ciphertexts).__name__}")


def decrypt_ints(secret: SecretContext, ciphertexts: Ciphertexts) -> list[int]:
    """Exact signed integers (the backends decrypt into a range symmetric around zero)."""
    check_same_key(secret.public.key_id, ciphertexts)
    if isinstance(secret, HeuSecretContext) and isinstance(ciphertexts, HeuCiphertexts):
        encoder = phe.BigintEncoder(secret.kit.get_schema())
        return [int(v) for v in secret.kit.decryptor().decrypt(ciphertexts.array).to_numpy(encoder)[:, 0]]
    if isinstance(secret, PheSecretContext) and isinstance(ciphertexts, PheCiphertexts):
        n = secret.public.public_key.n
        plain = (secret.private_key.raw_decrypt(int(c)) for c in ciphertexts.values)
        return [m - n if m > n // 2 else m for m in plain]
    raise TypeError(f"no integer operations for {type(secret).__name__} on {type(ciphertexts).__name__}")


def _column(public: HeuPublicContext, values: Sequence[int]) -> hnp.PlaintextArray:
    column = np.array([int(v) for v in values], dtype=object).reshape(len(values), 1)
    return hnp.array(column, phe.BigintEncoder(public.kit.get_schema()))
