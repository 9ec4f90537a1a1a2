"""The bank's key pair survives a restart: what was encrypted before decrypts after."""

import numpy as np
import pytest

from federation.crypto import EnvelopeError


def test_a_reloaded_secret_key_decrypts_earlier_sums(keys) -> None:
    g, h = np.array([0.25, -1.5, 3.0]), np.array([0.1875, 0.25, 0.5])
    ciphertexts = keys.public.encrypt_gh(g, h)
    sums = keys.public.bucket_sums(ciphertexts, np.zeros((3, 1), dtype=np.uint8), [np.ones(3, bool)], 1)
    reloaded = keys.backend.load_secret(keys.secret.to_bytes())
    grad, hess = reloaded.decrypt_gh(keys.public.load_ciphertexts(sums[0].to_bytes()))
    assert (grad[0], hess[0]) == (g.sum(), h.sum())


def test_a_reloaded_secret_key_keeps_the_key_id(keys) -> None:
    assert keys.backend.load_secret(keys.secret.to_bytes()).public.key_id == keys.public.key_id


def test_a_secret_key_file_cut_short_is_refused(keys) -> None:
    with pytest.raises(EnvelopeError):
        keys.backend.load_secret(keys.secret.to_bytes()[:-40])


def test_a_public_key_is_not_accepted_as_a_secret_key(keys) -> None:
    with pytest.raises(EnvelopeError):
        keys.backend.load_secret(keys.public.to_bytes())
