"""The masked gradient needs exact integers through both HE backends."""

from __future__ import annotations

import numpy as np
import pytest

from federation.crypto import get_backend
from federation.crypto.integer_ops import add_ints, decrypt_ints, encrypt_ints, weighted_sums


@pytest.fixture(scope="module", params=["heu-ou", "phe-paillier"])
def keys(request):
    return get_backend(request.param).generate(2048)


def test_weighted_sums_plus_a_mask_decrypt_to_the_exact_integers(keys) -> None:
    public, secret = keys
    values = [3, -(2**60), 7, 2**40]
    weights = np.array([[1, 0, -2, 5], [0, 2**20, 0, -1]], dtype=object)
    masks = [2**120 + 11, 12345]
    sums = add_ints(public, weighted_sums(public, encrypt_ints(public, values), weights), masks)
    expected = [int(sum(w * v for w, v in zip(row, values))) + m for row, m in zip(weights, masks)]
    assert decrypt_ints(secret, public.load_ciphertexts(sums.to_bytes())) == expected
