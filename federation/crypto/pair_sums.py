"""Encrypted bucket sums over pairs of features: one homomorphic addition per instance serves two.

Why: the platform's histograms cost one ciphertext addition (a 2048-bit modular
multiplication, ~3 us per core on our 2-core machines) per (instance in the node,
platform feature), two thirds of training time at 100k rows x 50 features. For two
features j and k with k_j and k_k bins, the platform can first sum each instance into its
cell (bin_j, bin_k), one addition per instance for both features, and then sum the
k_j * k_k cells along each axis to get both features' bins: n + 2 k_j k_k additions
instead of 2n. Addition of ciphertexts is associative and commutative, so every sum
decrypts to exactly the integer the per-feature sum decrypts to.

Only pairs with at most 128 cells are formed (e.g. a 32-bin feature with a flag or a
4-valued one, two 11-valued counts): HEU's ``batch_feature_wise_bucket_sum`` takes int8
bucket indices, and it spreads work over threads by column only, so all pairs must go
into one call as columns to keep both cores busy. Splitting a 32 x 32 pair's 1024 cells
into per-pair subgroups was measured and lost: one column per call runs on one thread,
which costs what pairing saves. Uniform 32-bin features therefore gain nothing; platform
data with flags and small counts (the usual public-administration record) gains up to
one addition per instance per pair.

The functions here return raw (not re-randomized) sums as pieces, each with the rows of
the node's ``feature * n_bins + bin`` layout it fills; the caller re-randomizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from heu import numpy as hnp

# HEU's bucket index is an int8.
MAX_CELLS = 128
# Costs in additions (one 2048-bit modular multiplication), measured with sf-heu 0.5.2b0:
# summing a node's cells along both axes costs 2 additions per cell and ~450 per pair
# (a HEU subgroup makes its encrypted zero with a modular inversion). Pairing saves one
# addition per instance per pair; a node is paired when that is at least twice the cost.
COST_PER_CELL = 2.0
COST_PER_PAIR = 450.0

Piece = tuple[list[int], hnp.CiphertextArray]


@dataclass(frozen=True)
class Pair:
    """Two features summed together through their joint cells ``bin_first * second_bins + bin_second``."""

    first: int
    second: int
    first_bins: int
    second_bins: int

    @property
    def cells(self) -> int:
        return self.first_bins * self.second_bins

    def cell_of(self, bins: np.ndarray) -> np.ndarray:
        return bins[:, self.first].astype(np.int32) * self.second_bins + bins[:, self.second]

    def rows(self, n_bins: int) -> list[int]:
        """Where the pair's marginal sums go in a node's ``feature * n_bins + bin`` layout."""
        return layout_rows([self.first, self.second], n_bins)


def layout_rows(features: list[int], n_bins: int) -> list[int]:
    """Where per-feature sums of ``features`` go in a node's ``feature * n_bins + bin`` layout."""
    return [f * n_bins + b for f in features for b in range(n_bins)]


def pair_features(bins: np.ndarray) -> list[Pair]:
    """As many pairs of at most ``MAX_CELLS`` cells as the bin counts allow.

    Greedy from both ends of the features sorted by bin count: the feature with the most
    bins pairs with the one with the fewest if their cells fit, and otherwise fits no one.
    """
    counts = bins.max(axis=0).astype(int) + 1 if bins.shape[0] else np.ones(bins.shape[1], dtype=int)
    order = np.argsort(counts, kind="stable").tolist()
    pairs = []
    low, high = 0, len(order) - 1
    while low < high:
        few, many = order[low], order[high]
        if counts[few] * counts[many] <= MAX_CELLS:
            pairs.append(Pair(many, few, int(counts[many]), int(counts[few])))
            low += 1
        high -= 1
    return pairs


def worth_pairing(instances: int, pairs: list[Pair]) -> bool:
    """Whether a node of this many instances saves additions by going through the pairs' cells."""
    if not pairs:
        return False
    cost = sum(COST_PER_CELL * pair.cells + COST_PER_PAIR for pair in pairs)
    return instances * len(pairs) >= 2 * cost


def bucket_sum_pieces(
    evaluator: hnp.Evaluator,
    ciphertexts: hnp.CiphertextArray,
    bins: np.ndarray,
    masks: list[np.ndarray],
    n_bins: int,
) -> list[list[Piece]]:
    """Per node, raw sums covering every row of its ``feature * n_bins + bin`` layout once."""
    pairs = pair_features(bins)
    every_feature = list(range(bins.shape[1]))
    paired = [k for k, mask in enumerate(masks) if worth_pairing(int(np.count_nonzero(mask)), pairs)]
    unpaired = [k for k in range(len(masks)) if k not in paired]
    pieces: list[list[Piece]] = [[] for _ in masks]
    if unpaired:
        sums = feature_sums(evaluator, ciphertexts, bins, [masks[k] for k in unpaired], every_feature, n_bins)
        for k, node_sums in zip(unpaired, sums):
            pieces[k].append((layout_rows(every_feature, n_bins), node_sums))
    if paired:
        paired_masks = [masks[k] for k in paired]
        for k, node_pieces in zip(paired, paired_sums(evaluator, ciphertexts, bins, paired_masks, pairs, n_bins)):
            pieces[k].extend(node_pieces)
        in_pairs = {f for pair in pairs for f in (pair.first, pair.second)}
        single = [f for f in every_feature if f not in in_pairs]
        if single:
            for k, node_sums in zip(paired, feature_sums(evaluator, ciphertexts, bins, paired_masks, single, n_bins)):
                pieces[k].append((layout_rows(single, n_bins), node_sums))
    return pieces


def feature_sums(
    evaluator: hnp.Evaluator,
    ciphertexts: hnp.CiphertextArray,
    bins: np.ndarray,
    masks: list[np.ndarray],
    features: list[int],
    n_bins: int,
) -> list[hnp.CiphertextArray]:
    """HEU's per-feature bucket sums: per node, ``len(features) * n_bins`` sums in feature order."""
    columns = np.ascontiguousarray(bins[:, features]).view(np.int8)
    return evaluator.batch_feature_wise_bucket_sum(
        ciphertexts, [m.astype(np.int8) for m in masks], columns, n_bins, False
    )


def paired_sums(
    evaluator: hnp.Evaluator,
    ciphertexts: hnp.CiphertextArray,
    bins: np.ndarray,
    masks: list[np.ndarray],
    pairs: list[Pair],
    n_bins: int,
) -> list[list[Piece]]:
    """Per node, one piece per pair holding both features' ``2 * n_bins`` sums.

    First every pair's cells in one HEU call (a column per pair, ``width`` cells each,
    the cells a pair does not have staying HEU's encryption-free zero, the group
    identity); then per node the cells of each pair, as a subgroup, summed by the first
    and by the second feature's bin.
    """
    width = max(pair.cells for pair in pairs)
    cells = np.ascontiguousarray(np.stack([pair.cell_of(bins) for pair in pairs], axis=1).astype(np.int8))
    cell_sums = evaluator.batch_feature_wise_bucket_sum(
        ciphertexts, [m.astype(np.int8) for m in masks], cells, width, False
    )
    digits = np.zeros((len(pairs) * width, 2), dtype=np.int8)
    blocks = []
    for p, pair in enumerate(pairs):
        cell = np.arange(pair.cells)
        digits[p * width : p * width + pair.cells, 0] = cell // pair.second_bins
        digits[p * width : p * width + pair.cells, 1] = cell % pair.second_bins
        block = np.zeros(len(pairs) * width, dtype=np.int8)
        block[p * width : (p + 1) * width] = 1
        blocks.append(block)
    marginals = [evaluator.batch_feature_wise_bucket_sum(node, blocks, digits, n_bins, False) for node in cell_sums]
    return [[(pair.rows(n_bins), sums) for pair, sums in zip(pairs, node)] for node in marginals]
