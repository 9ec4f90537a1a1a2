"""Encrypt at the bank, sum at the platform, decrypt at the bank: exact histograms.

Expected sums use math.fsum (exact); the encrypted sums are exact up to the 2^-65
quantization of each value, so the tolerance is far below float64 summation noise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from federation.crypto import PublicContext, SecretContext

N, FEATURES, BINS = 48, 3, 4
TOL = N * 2.0**-64


def gradients(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=N), rng.uniform(0.0, 0.25, size=N)


def exact_sums(values: np.ndarray, bins: np.ndarray, mask: np.ndarray, n_bins: int) -> np.ndarray:
    return np.array(
        [math.fsum(values[mask & (bins[:, j] == b)]) for j in range(bins.shape[1]) for b in range(n_bins)]
    )


def histograms(
    public: PublicContext,
    secret: SecretContext,
    g: np.ndarray,
    h: np.ndarray,
    bins: np.ndarray,
    masks: list[np.ndarray],
) -> list[tuple[np.ndarray, np.ndarray]]:
    sums = public.bucket_sums(public.encrypt_gh(g, h), bins, masks, BINS)
    return [secret.decrypt_gh(node_sums) for node_sums in sums]


def test_bucket_sums_equal_exact_sums_with_negative_gradients(keys) -> None:
    g, h = gradients(1)
    rng = np.random.default_rng(2)
    bins = rng.integers(0, BINS, size=(N, FEATURES)).astype(np.uint8)
    masks = [rng.random(N) < 0.5, np.ones(N, dtype=bool)]

    for (got_g, got_h), mask in zip(histograms(keys.public, keys.secret, g, h, bins, masks), masks):
        np.testing.assert_allclose(got_g, exact_sums(g, bins, mask, BINS), rtol=0, atol=TOL)
        np.testing.assert_allclose(got_h, exact_sums(h, bins, mask, BINS), rtol=0, atol=TOL)


def test_empty_buckets_decrypt_to_zero(keys) -> None:
    g, h = gradients(3)
    first_half = np.arange(N)[:, None] < N // 2
    bins = np.where(first_half, 0, 2).repeat(FEATURES, axis=1).astype(np.uint8)

    [(got_g, got_h)] = histograms(keys.public, keys.secret, g, h, bins, [np.ones(N, dtype=bool)])

    empty = [j * BINS + b for j in range(FEATURES) for b in (1, 3)]
    assert got_g[empty].tolist() == [0.0] * len(empty)
    assert got_h[empty].tolist() == [0.0] * len(empty)


def test_all_instances_in_one_bucket_sum_to_the_totals(keys) -> None:
    g, h = gradients(4)
    bins = np.full((N, FEATURES), BINS - 1, dtype=np.uint8)

    [(got_g, got_h)] = histograms(keys.public, keys.secret, g, h, bins, [np.ones(N, dtype=bool)])

    last = [j * BINS + BINS - 1 for j in range(FEATURES)]
    np.testing.assert_allclose(got_g[last], math.fsum(g), rtol=0, atol=TOL)
    np.testing.assert_allclose(got_h[last], math.fsum(h), rtol=0, atol=TOL)


def test_node_without_instances_gives_all_zero_sums(keys) -> None:
    g, h = gradients(5)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)

    [(got_g, got_h)] = histograms(keys.public, keys.secret, g, h, bins, [np.zeros(N, dtype=bool)])

    assert not got_g.any() and not got_h.any()


def test_sums_survive_the_wire_between_bank_and_platform(keys) -> None:
    g, h = gradients(6)
    bins = np.random.default_rng(7).integers(0, BINS, size=(N, FEATURES)).astype(np.uint8)
    mask = np.ones(N, dtype=bool)

    platform = keys.backend.load_public(keys.public.to_bytes())
    received = platform.load_ciphertexts(keys.public.encrypt_gh(g, h).to_bytes())
    [sums] = platform.bucket_sums(received, bins, [mask], BINS)
    got_g, got_h = keys.secret.decrypt_gh(keys.secret.public.load_ciphertexts(sums.to_bytes()))

    np.testing.assert_allclose(got_g, exact_sums(g, bins, mask, BINS), rtol=0, atol=TOL)
    np.testing.assert_allclose(got_h, exact_sums(h, bins, mask, BINS), rtol=0, atol=TOL)


def test_bin_index_outside_n_bins_is_refused(keys) -> None:
    g, h = gradients(8)
    bins = np.full((N, FEATURES), BINS, dtype=np.uint8)

    with pytest.raises(ValueError, match="bin indices"):
        keys.public.bucket_sums(keys.public.encrypt_gh(g, h), bins, [np.ones(N, dtype=bool)], BINS)


def test_kept_buckets_come_back_in_the_order_asked(keys) -> None:
    g, h = gradients(9)
    rng = np.random.default_rng(10)
    bins = rng.choice([0, 2, BINS - 1], size=(N, FEATURES)).astype(np.uint8)
    mask = rng.random(N) < 0.7
    keep = np.array([j * BINS + b for j in reversed(range(FEATURES)) for b in (BINS - 1, 0, 2)])

    [sums] = keys.public.bucket_sums(keys.public.encrypt_gh(g, h), bins, [mask], BINS, keep=keep)
    got_g, got_h = keys.secret.decrypt_gh(sums)

    assert len(sums) == len(keep)
    np.testing.assert_allclose(got_g, exact_sums(g, bins, mask, BINS)[keep], rtol=0, atol=TOL)
    np.testing.assert_allclose(got_h, exact_sums(h, bins, mask, BINS)[keep], rtol=0, atol=TOL)


@pytest.mark.parametrize("keep", [[0, 0], [FEATURES * BINS], [-1], [[0, 1]]])
def test_malformed_kept_buckets_are_refused(keys, keep: list) -> None:
    g, h = gradients(11)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)

    with pytest.raises(ValueError, match="keep"):
        keys.public.bucket_sums(keys.public.encrypt_gh(g, h), bins, [np.ones(N, dtype=bool)], BINS,
                                keep=np.array(keep))


def test_a_row_in_a_bucket_not_kept_is_refused(keys) -> None:
    g, h = gradients(12)
    bins = np.zeros((N, FEATURES), dtype=np.uint8)
    bins[N // 2, FEATURES - 1] = 1
    keep = np.arange(FEATURES) * BINS

    with pytest.raises(ValueError, match=f"feature column {FEATURES - 1} .* not kept"):
        keys.public.bucket_sums(keys.public.encrypt_gh(g, h), bins, [np.ones(N, dtype=bool)], BINS, keep=keep)
