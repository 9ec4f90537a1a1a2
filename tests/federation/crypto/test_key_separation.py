"""The secret key stays at the bank, and ciphertexts reveal nothing on their face."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from heu import numpy as hnp
from heu import phe as heu_phe
from phe import paillier

from federation.crypto import EnvelopeError, KeyMismatchError, PlaintextRangeError, get_backend

N, FEATURES, BINS = 24, 2, 3
SECRET_TYPES = (paillier.PaillierPrivateKey, heu_phe.SecretKey, hnp.HeKit, heu_phe.HeKit, hnp.Decryptor)


def sample(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=N), rng.uniform(0.0, 0.25, size=N)


def encodings(value: int) -> list[bytes]:
    size = (value.bit_length() + 7) // 8
    return [value.to_bytes(size, "big"), value.to_bytes(size, "little")]


def test_public_context_has_no_decrypt_method(keys) -> None:
    assert not [name for name in dir(keys.public) if "decrypt" in name.lower()]


def test_public_context_holds_no_secret_object(keys) -> None:
    held = [getattr(keys.public, f.name) for f in dataclasses.fields(keys.public)]

    assert not [value for value in held if isinstance(value, SECRET_TYPES)]


def test_public_key_and_ciphertexts_on_the_wire_carry_neither_prime(keys, secret_primes) -> None:
    g, h = sample(1)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)
    ciphertexts = keys.public.encrypt_gh(g, h)
    [sums] = keys.public.bucket_sums(ciphertexts, bins, [np.ones(N, dtype=bool)], BINS)
    wire = keys.public.to_bytes() + ciphertexts.to_bytes() + sums.to_bytes()

    primes = secret_primes(keys.secret)

    assert len(primes) == 2 and all(p.bit_length() >= 680 for p in primes)
    for prime in primes:
        for encoding in encodings(prime):
            assert encoding[:32] not in wire


def test_the_prime_search_finds_p_in_heus_secret_key_serialization(keys, secret_primes) -> None:
    """Positive control for the test above (HEU stores p little-endian)."""
    if keys.backend.name == "phe-paillier":
        pytest.skip("phe has no secret-key serialization to search")
    [p, _] = secret_primes(keys.secret)

    assert any(encoding[:32] in keys.secret.kit.secret_key().serialize() for encoding in encodings(p))


def test_encrypting_the_same_values_twice_gives_different_ciphertexts(keys, element_bytes) -> None:
    g, h = sample(2)

    first = element_bytes(keys.public.encrypt_gh(g, h))
    second = element_bytes(keys.public.encrypt_gh(g, h))

    assert not set(first) & set(second)


def test_a_one_instance_bucket_is_not_the_incoming_ciphertext(keys, element_bytes) -> None:
    g, h = sample(3)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)
    bins[0] = 1  # instance 0 alone in bin 1 of every feature
    ciphertexts = keys.public.encrypt_gh(g, h)

    [sums] = keys.public.bucket_sums(ciphertexts, bins, [np.ones(N, dtype=bool)], BINS)

    assert not set(element_bytes(sums)) & set(element_bytes(ciphertexts))


def test_summing_twice_gives_different_ciphertexts(keys, element_bytes) -> None:
    g, h = sample(4)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)
    ciphertexts = keys.public.encrypt_gh(g, h)
    mask = [np.ones(N, dtype=bool)]

    [first] = keys.public.bucket_sums(ciphertexts, bins, mask, BINS)
    [second] = keys.public.bucket_sums(ciphertexts, bins, mask, BINS)

    assert not set(element_bytes(first)) & set(element_bytes(second))


def test_decrypting_under_another_key_is_refused(keys) -> None:
    g, h = sample(5)

    with pytest.raises(KeyMismatchError):
        keys.other_secret.decrypt_gh(keys.public.encrypt_gh(g, h))


def test_another_key_without_the_key_check_fails_or_gives_garbage(keys) -> None:
    g, h = sample(6)
    relabelled = dataclasses.replace(keys.public.encrypt_gh(g, h), key_id=keys.other_public.key_id)

    try:
        got_g, got_h = keys.other_secret.decrypt_gh(relabelled)
    except (PlaintextRangeError, RuntimeError, ValueError):
        return
    assert not np.allclose(got_g, g) and not np.allclose(got_h, h)


def test_platform_refuses_ciphertexts_under_another_key(keys) -> None:
    g, h = sample(7)
    foreign = keys.other_public.encrypt_gh(g, h)

    with pytest.raises(KeyMismatchError):
        keys.public.bucket_sums(foreign, np.zeros((N, FEATURES), dtype=np.uint8), [np.ones(N, dtype=bool)], BINS)


def test_forged_out_of_range_sum_is_refused_at_decryption(keys, forge) -> None:
    """HEU's advice against OU's overflow attack: refuse plaintexts no honest sum can reach."""
    forged = forge(keys.public, 1 << 600)

    with pytest.raises(PlaintextRangeError):
        keys.secret.decrypt_gh(forged)


def test_public_key_of_another_scheme_is_refused(keys) -> None:
    other_name = "phe-paillier" if keys.backend.name != "phe-paillier" else "heu-ou"

    with pytest.raises(EnvelopeError):
        get_backend(other_name).load_public(keys.public.to_bytes())


def test_describe_reports_scheme_key_size_and_security(keys) -> None:
    facts = keys.public.describe()

    assert facts["scheme"] == keys.backend.name
    assert facts["key_bits"] == 2048
    assert facts["security_bits_nominal"] == 112


@pytest.mark.parametrize("name", ["heu-ou", "phe-paillier"])
def test_keys_below_2048_bits_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="2048"):
        get_backend(name).generate(1024)


def test_public_key_altered_on_the_relay_is_refused(keys) -> None:
    data = bytearray(keys.public.to_bytes())
    data[-1] ^= 1

    with pytest.raises(EnvelopeError, match="key id"):
        keys.backend.load_public(bytes(data))
