"""Bucket sums through pairs of features: same decrypted sums, fewer additions.

Sums are compared with HEU's per-feature bucket sums under the same key, which must decrypt
to bit-identical values, and with math.fsum (exact) up to the 2^-65 encoding quantum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from federation.crypto import get_backend
from federation.crypto.heu_backend import HeuCiphertexts, HeuPublicContext, HeuSecretContext
from federation.crypto.pair_sums import MAX_CELLS, Pair, feature_sums, pair_features, paired_sums, worth_pairing

N_BINS = 32


@pytest.fixture(scope="module")
def ou() -> tuple[HeuPublicContext, HeuSecretContext]:
    public, secret = get_backend("heu-ou").generate(2048)
    assert isinstance(public, HeuPublicContext) and isinstance(secret, HeuSecretContext)
    return public, secret


def credit_bins(rows: int, seed: int) -> np.ndarray:
    """Columns with 32, 4, 2 and 32 bins: 32 x 4 and 32 x 2 fit in 128 cells, 32 x 32 does not."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, k, rows) for k in (32, 4, 2, 32)], axis=1).astype(np.uint8)


def decrypt(secret: HeuSecretContext, public: HeuPublicContext, array) -> tuple[np.ndarray, np.ndarray]:
    return secret.decrypt_gh(HeuCiphertexts(array, public.key_id, public.scheme))


def exact_sums(values: np.ndarray, bins: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.array([math.fsum(values[mask & (bins[:, j] == b)]) for j in range(bins.shape[1]) for b in range(N_BINS)])


def test_features_pair_only_when_their_cells_fit_one_int8_bucket_index() -> None:
    pairs = pair_features(credit_bins(500, 0))

    assert [(p.first, p.second) for p in pairs] == [(3, 2), (0, 1)]
    assert all(p.cells <= MAX_CELLS for p in pairs)


def test_a_pair_one_cell_over_the_limit_is_not_formed() -> None:
    bins = np.stack([np.arange(500) % 32, np.arange(500) % 5], axis=1).astype(np.uint8)

    assert pair_features(bins) == []


def test_uniform_32_bin_features_form_no_pair() -> None:
    bins = np.random.default_rng(1).integers(0, 32, size=(500, 6)).astype(np.uint8)

    assert pair_features(bins) == []


def test_many_flags_pair_with_each_other_and_with_wide_features() -> None:
    bins = np.random.default_rng(2).integers(0, 2, size=(200, 5)).astype(np.uint8)
    bins[:, 0] = np.arange(200) % 64

    pairs = pair_features(bins)

    assert len(pairs) == 2
    assert len({f for p in pairs for f in (p.first, p.second)}) == 4


def test_small_nodes_are_not_paired_and_large_ones_are() -> None:
    pairs = [Pair(0, 1, 32, 4)]

    assert not worth_pairing(100, pairs)
    assert worth_pairing(100_000, pairs)
    assert not worth_pairing(100_000, [])


def test_paired_sums_decrypt_to_the_same_values_as_per_feature_sums(ou) -> None:
    public, secret = ou
    rng = np.random.default_rng(3)
    bins = credit_bins(300, 3)
    g, h = rng.normal(size=300), rng.uniform(0.0, 0.25, size=300)
    masks = [rng.random(300) < 0.6, np.ones(300, dtype=bool)]
    ciphertexts = public.encrypt_gh(g, h)
    evaluator = public.kit.evaluator()
    pairs = pair_features(bins)

    paired = paired_sums(evaluator, ciphertexts.array, bins, masks, pairs, N_BINS)
    reference = feature_sums(evaluator, ciphertexts.array, bins, masks, [0, 1, 2, 3], N_BINS)

    for node_pieces, node_reference in zip(paired, reference):
        expected_g, expected_h = decrypt(secret, public, node_reference)
        for rows, sums in node_pieces:
            got_g, got_h = decrypt(secret, public, sums)
            assert got_g.tolist() == expected_g[rows].tolist()
            assert got_h.tolist() == expected_h[rows].tolist()


def test_bucket_sums_of_a_large_node_with_pairs_equal_exact_sums(ou) -> None:
    public, secret = ou
    rows = 3000
    rng = np.random.default_rng(4)
    bins = credit_bins(rows, 4)
    g, h = rng.normal(size=rows), rng.uniform(0.0, 0.25, size=rows)
    masks = [np.ones(rows, dtype=bool), rng.random(rows) < 0.02]
    assert worth_pairing(rows, pair_features(bins)) and not worth_pairing(int(masks[1].sum()), pair_features(bins))

    sums = public.bucket_sums(public.encrypt_gh(g, h), bins, masks, N_BINS)

    for node_sums, mask in zip(sums, masks):
        got_g, got_h = secret.decrypt_gh(node_sums)
        np.testing.assert_allclose(got_g, exact_sums(g, bins, mask), rtol=0, atol=rows * 2.0**-64)
        np.testing.assert_allclose(got_h, exact_sums(h, bins, mask), rtol=0, atol=rows * 2.0**-64)


def test_paired_sums_are_rerandomized_like_per_feature_sums(ou) -> None:
    public, _ = ou
    rows = 3000
    bins = credit_bins(rows, 5)
    ciphertexts = public.encrypt_gh(np.full(rows, 0.5), np.full(rows, 0.25))
    masks = [np.ones(rows, dtype=bool)]

    first, second = (public.bucket_sums(ciphertexts, bins, masks, N_BINS)[0] for _ in range(2))

    assert [first.array[i, 0].serialize() for i in range(4 * N_BINS)] != [
        second.array[i, 0].serialize() for i in range(4 * N_BINS)
    ]
    assert all(first.array[i, 0].serialize() != first.array[i + 1, 0].serialize() for i in range(4 * N_BINS - 1))
