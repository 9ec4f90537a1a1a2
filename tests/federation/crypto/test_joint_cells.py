"""Bucket sums through the joint cells of feature groups: same decrypted sums, fewer additions.

Sums are compared with HEU's per-feature bucket sums under the same key, which must decrypt
to bit-identical values, and with math.fsum (exact) up to the 2^-65 encoding quantum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from federation.crypto import get_backend
from federation.crypto.heu_backend import HeuCiphertexts, HeuPublicContext, HeuSecretContext
from federation.crypto.joint_cells import (
    MAX_CELLS,
    Group,
    JointCellPlan,
    bucket_sum_pieces,
    feature_sums,
    pack_groups,
)

N_BINS = 33


@pytest.fixture(scope="module")
def ou() -> tuple[HeuPublicContext, HeuSecretContext]:
    public, secret = get_backend("heu-ou").generate(2048)
    assert isinstance(public, HeuPublicContext) and isinstance(secret, HeuSecretContext)
    return public, secret


def credit_bins(rows: int, seed: int) -> tuple[np.ndarray, list[list[int]]]:
    """Columns with 32 value bins, a flag, a count with missing values (bin 32), and 32 bins."""
    rng = np.random.default_rng(seed)
    count = rng.integers(0, 6, rows)
    count[rng.random(rows) < 0.1] = N_BINS - 1
    bins = np.stack([rng.integers(0, 32, rows), rng.integers(0, 2, rows), count, rng.integers(0, 32, rows)], axis=1)
    live = [list(range(32)), [0, 1], [*range(6), N_BINS - 1], list(range(32))]
    return bins.astype(np.uint8), live


def decrypt(secret: HeuSecretContext, public: HeuPublicContext, array) -> tuple[np.ndarray, np.ndarray]:
    return secret.decrypt_gh(HeuCiphertexts(array, public.key_id, public.scheme))


def exact_sums(values: np.ndarray, bins: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return np.array([math.fsum(values[mask & (bins[:, j] == b)]) for j in range(bins.shape[1]) for b in range(N_BINS)])


def test_two_32_bin_features_share_a_group_and_small_ones_fill_the_rest() -> None:
    groups = pack_groups([list(range(32)), [0, 1], list(range(7)), list(range(32)), [0, 1], [0, 1]], N_BINS)

    assert [g.features for g in groups] == [(0, 3), (2, 1, 4, 5)]
    assert all(g.cells <= MAX_CELLS for g in groups)


def test_a_feature_too_wide_for_company_is_a_group_of_its_own() -> None:
    groups = pack_groups([list(range(40)), list(range(30)), [0, 1]], N_BINS)

    assert [g.features for g in groups] == [(0, 2), (1,)]


def test_every_feature_is_in_exactly_one_group() -> None:
    widths = np.random.default_rng(0).integers(1, 33, size=40)
    groups = pack_groups([list(range(w)) for w in widths], N_BINS)

    assert sorted(f for g in groups for f in g.features) == list(range(40))
    assert all(g.cells <= MAX_CELLS for g in groups)


def test_groups_pay_off_for_large_nodes_only() -> None:
    pair = Group((0, 1), (tuple(range(32)), tuple(range(32))), N_BINS)

    assert not pair.worth_it(1_000)
    assert pair.worth_it(100_000)
    assert not Group((0,), (tuple(range(32)),), N_BINS).worth_it(100_000)


def test_cell_lists_partition_the_nodes_rows_by_joint_cell() -> None:
    bins, live = credit_bins(400, 1)
    plan = JointCellPlan(bins, live, N_BINS)
    mask = np.random.default_rng(2).random(400) < 0.5
    [group] = [g for g, grp in enumerate(plan.groups) if grp.features == (0, 3)]

    occupied, lists = plan.cell_lists(group, mask)

    assert sorted(r for cell in lists for r in cell) == np.flatnonzero(mask).tolist()
    assert all(lists)
    for cell, rows in zip(occupied, lists):
        assert all(int(bins[r, 0]) * 32 + int(bins[r, 3]) == cell for r in rows)


def test_joint_sums_decrypt_to_the_same_values_as_per_feature_sums(ou) -> None:
    public, secret = ou
    rows = 12_000
    rng = np.random.default_rng(3)
    bins, live = credit_bins(rows, 3)
    g, h = rng.normal(size=rows), rng.uniform(0.0, 0.25, size=rows)
    masks = [np.ones(rows, dtype=bool), rng.random(rows) < 0.8, rng.random(rows) < 0.01]
    ciphertexts = public.encrypt_gh(g, h)
    evaluator = public.kit.evaluator()
    plan = JointCellPlan(bins, live, N_BINS)
    assert all(grp.worth_it(int(masks[0].sum())) for grp in plan.groups)

    pieces = bucket_sum_pieces(evaluator, ciphertexts.array, bins, masks, N_BINS, plan)
    reference = feature_sums(evaluator, ciphertexts.array, bins, masks, [0, 1, 2, 3], N_BINS)

    for node_pieces, node_reference in zip(pieces, reference):
        expected_g, expected_h = decrypt(secret, public, node_reference)
        covered = []
        for layout_rows, sums in node_pieces:
            got_g, got_h = decrypt(secret, public, sums)
            live_rows = [k for k, row in enumerate(layout_rows) if row % N_BINS in live[row // N_BINS]]
            covered += [layout_rows[k] for k in live_rows]
            assert got_g[live_rows].tolist() == expected_g[[layout_rows[k] for k in live_rows]].tolist()
            assert got_h[live_rows].tolist() == expected_h[[layout_rows[k] for k in live_rows]].tolist()
        assert sorted(covered) == sorted(f * N_BINS + b for f, bins_f in enumerate(live) for b in bins_f)


def test_bucket_sums_of_large_and_small_nodes_equal_exact_sums(ou) -> None:
    public, secret = ou
    rows = 6000
    rng = np.random.default_rng(4)
    bins, live = credit_bins(rows, 4)
    keep = np.array([f * N_BINS + b for f, bins_f in enumerate(live) for b in bins_f])
    g, h = rng.normal(size=rows), rng.uniform(0.0, 0.25, size=rows)
    masks = [np.ones(rows, dtype=bool), rng.random(rows) < 0.02]

    sums = public.bucket_sums(public.encrypt_gh(g, h), bins, masks, N_BINS, keep=keep)

    for node_sums, mask in zip(sums, masks):
        got_g, got_h = secret.decrypt_gh(node_sums)
        np.testing.assert_allclose(got_g, exact_sums(g, bins, mask)[keep], rtol=0, atol=rows * 2.0**-64)
        np.testing.assert_allclose(got_h, exact_sums(h, bins, mask)[keep], rtol=0, atol=rows * 2.0**-64)


def test_joint_sums_are_rerandomized_like_per_feature_sums(ou) -> None:
    public, _ = ou
    rows = 6000
    bins, live = credit_bins(rows, 5)
    keep = np.array([f * N_BINS + b for f, bins_f in enumerate(live) for b in bins_f])
    ciphertexts = public.encrypt_gh(np.full(rows, 0.5), np.full(rows, 0.25))
    masks = [np.ones(rows, dtype=bool)]

    first, second = (public.bucket_sums(ciphertexts, bins, masks, N_BINS, keep=keep)[0] for _ in range(2))

    first_bytes = [first.array[i, 0].serialize() for i in range(len(keep))]
    assert first_bytes != [second.array[i, 0].serialize() for i in range(len(keep))]
    assert len(set(first_bytes)) == len(keep)
