"""Key pairs per backend (2048-bit keygen is the slow part, so one per session) and the
few backend-specific probes the tests need to look inside ciphertexts and keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from heu import numpy as hnp
from heu import phe as heu_phe

from federation.crypto import Ciphertexts, PublicContext, SecretContext, get_backend
from federation.crypto.backend import Backend
from federation.crypto.heu_backend import HeuCiphertexts, HeuPublicContext, HeuSecretContext
from federation.crypto.phe_backend import PheCiphertexts, PhePublicContext, PheSecretContext

BACKENDS = ["heu-ou", "heu-zpaillier", "phe-paillier"]


@dataclass(frozen=True)
class Keys:
    backend: Backend
    public: PublicContext
    secret: SecretContext
    other_public: PublicContext
    other_secret: SecretContext


@pytest.fixture(scope="session", params=BACKENDS)
def keys(request: pytest.FixtureRequest) -> Keys:
    backend = get_backend(request.param)
    public, secret = backend.generate(2048)
    other_public, other_secret = backend.generate(2048)
    return Keys(backend, public, secret, other_public, other_secret)


def _secret_primes(secret: SecretContext) -> list[int]:
    """The factors of n: whoever holds them can decrypt."""
    if isinstance(secret, PheSecretContext):
        return [secret.private_key.p, secret.private_key.q]
    assert isinstance(secret, HeuSecretContext)
    text = str(secret.kit.secret_key())
    return [int(value, 16) for value in re.findall(r"\b[pq]=([0-9A-F]+)\[", text)]


def _element_bytes(ciphertexts: Ciphertexts) -> list[bytes]:
    """Each ciphertext of a batch on its own, to compare individual ciphertexts."""
    if isinstance(ciphertexts, PheCiphertexts):
        return [int(c).to_bytes(ciphertexts.width, "big") for c in ciphertexts.values]
    assert isinstance(ciphertexts, HeuCiphertexts)
    return [ciphertexts.array[i, 0].serialize() for i in range(len(ciphertexts))]


def _forge(public: PublicContext, plaintext: int) -> Ciphertexts:
    """A ciphertext of an arbitrary integer, as a misbehaving platform could make one."""
    if isinstance(public, PhePublicContext):
        value = public.public_key.raw_encrypt(plaintext % public.public_key.n)
        return PheCiphertexts([value], public.key_id, public.ciphertext_width)
    assert isinstance(public, HeuPublicContext)
    encoder = heu_phe.BigintEncoder(public.kit.get_schema())
    array = hnp.array(np.array([plaintext], dtype=object).reshape(1, 1), encoder)
    return HeuCiphertexts(public.kit.encryptor().encrypt(array), public.key_id, public.scheme)


@pytest.fixture
def secret_primes() -> Callable[[SecretContext], list[int]]:
    return _secret_primes


@pytest.fixture
def element_bytes() -> Callable[[Ciphertexts], list[bytes]]:
    return _element_bytes


@pytest.fixture
def forge() -> Callable[[PublicContext, int], Ciphertexts]:
    return _forge
