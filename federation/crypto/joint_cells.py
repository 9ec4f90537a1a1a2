"""Encrypted bucket sums through the joint cells of feature groups: one addition per instance serves a group.

Why: the platform's histograms cost one ciphertext addition (a 2048-bit modular
multiplication) per (instance in the node, platform feature), most of training time at
100k rows x 50 features. For a group of features with k_1 .. k_m live bins, the platform
can first sum each instance into its joint cell (one addition per instance for the whole
group), then sum the k_1 * ... * k_m cells along each feature's axis: n + m * cells
additions instead of m * n. Addition of ciphertexts is associative and commutative, so
every sum decrypts to exactly the integer the per-feature sum decrypts to.

Groups are packed once per set of bins, first-fit decreasing on the live-bin counts with
at most ``MAX_CELLS`` cells each: two 32-bin features, or a 32-bin feature with five
flags, or three small counts with a flag. The saving is one addition per instance for
every feature a group holds beyond its first, so fewer, fuller groups are better. Cells
are summed with HEU's ``batch_select_sum`` over index lists built in numpy (rows sorted
by cell once per set of bins, filtered per node), which has no limit on the number of
cells; features left alone go through HEU's ``batch_feature_wise_bucket_sum``.

Whether a group pays off depends on the node: a small node would spend more on summing
the cells than it saves. Costs measured with sf-heu 0.5.2b0 on 2048-bit OU, two threads,
100k rows: ``batch_select_sum`` takes 1.25 us per element summed (rows of a cell lie
scattered in memory), the bucket kernel 0.8 us per (instance, feature), which it streams;
a group is used for a node when that makes it cheaper. An empty selection costs HEU a
fresh encryption of zero (118 us), so empty cells and bins are never selected.

The functions here return raw (not re-randomized) sums as pieces, each with the rows of
the node's ``feature * n_bins + bin`` layout it fills; the caller re-randomizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from heu import numpy as hnp

MAX_CELLS = 1024
SELECT_COST = 1.25
BUCKET_COST = 0.8

Piece = tuple[list[int], hnp.CiphertextArray]


@dataclass(frozen=True)
class Group:
    """Features summed together through their joint cells.

    ``features`` are columns of the bins array; ``live`` holds, per feature, the bin codes
    its rows can take, whose position is the feature's digit in the cell index (the first
    feature's digit is the most significant).
    """

    features: tuple[int, ...]
    live: tuple[tuple[int, ...], ...]
    n_bins: int

    @property
    def cells(self) -> int:
        return int(np.prod([len(bins) for bins in self.live]))

    def worth_it(self, instances: int) -> bool:
        """Whether a node of this many instances costs less through the cells (at most one
        occupied cell per instance) than feature by feature."""
        m = len(self.features)
        cells = min(self.cells, instances)
        return m > 1 and SELECT_COST * (instances + m * cells) < BUCKET_COST * m * instances

    def marginals(self, occupied: np.ndarray, offset: int) -> tuple[list[int], list[list[int]]]:
        """Per feature and live bin with rows, its place in the node's layout and the positions
        (from ``offset`` on) of the ``occupied`` cells whose digit is that bin."""
        sizes = [len(bins) for bins in self.live]
        digits = np.array(np.unravel_index(occupied, sizes))
        positions = np.arange(len(occupied)) + offset
        rows, lists = [], []
        for j, (feature, bins) in enumerate(zip(self.features, self.live)):
            for d, b in enumerate(bins):
                chosen = positions[digits[j] == d]
                if len(chosen):
                    rows.append(feature * self.n_bins + b)
                    lists.append(chosen.tolist())
        return rows, lists


class JointCellPlan:
    """The groups over one set of bins, with every row's cell and the rows sorted by cell.

    Built once per set of bins (a training job's bins are fixed, so the caller memoizes
    it) and reused for every node of every tree. Every row's bin must be among its
    feature's ``live`` ones (``federation.crypto.backend.check_rows_kept``).
    """

    def __init__(self, bins: np.ndarray, live: list[list[int]], n_bins: int) -> None:
        if len(live) != bins.shape[1]:
            raise ValueError(f"live bins for {len(live)} features, bins have {bins.shape[1]}")
        self.groups = pack_groups(live, n_bins)
        self._cells: list[np.ndarray] = []
        self._order: list[np.ndarray] = []
        for group in self.groups:
            cell = np.zeros(len(bins), dtype=np.int64)
            for feature, codes in zip(group.features, group.live):
                digit = np.zeros(256, dtype=np.int64)
                digit[list(codes)] = np.arange(len(codes))
                cell = cell * len(codes) + digit[bins[:, feature]]
            self._cells.append(cell.astype(np.int32))
            self._order.append(np.argsort(cell, kind="stable").astype(np.int32))

    def cell_lists(self, group: int, mask: np.ndarray) -> tuple[np.ndarray, list[list[int]]]:
        """The cells of ``group`` holding rows of the node, and those rows per cell (HEU wants
        Python ints). Empty cells are left out: HEU makes a fresh encryption of zero for an
        empty selection, a hundred times the cost of an addition."""
        order = self._order[group]
        rows = order[mask[order]]
        counts = np.bincount(self._cells[group][rows], minlength=self.groups[group].cells)
        occupied = np.flatnonzero(counts)
        flat = rows.tolist()
        ends = np.cumsum(counts[occupied]).tolist()
        return occupied, [flat[start:end] for start, end in zip([0, *ends[:-1]], ends)]


def pack_groups(live: list[list[int]], n_bins: int) -> list[Group]:
    """First-fit decreasing in log space: every feature joins the first group its bins fit,
    widest features first; a feature that fits nowhere starts a group (possibly alone)."""
    order = sorted(range(len(live)), key=lambda f: (-len(live[f]), f))
    members: list[list[int]] = []
    cells: list[int] = []
    for feature in order:
        width = max(1, len(live[feature]))
        for g, size in enumerate(cells):
            if size * width <= MAX_CELLS:
                members[g].append(feature)
                cells[g] = size * width
                break
        else:
            members.append([feature])
            cells.append(width)
    return [Group(tuple(m), tuple(tuple(live[f]) for f in m), n_bins) for m in members]


def bucket_sum_pieces(
    evaluator: hnp.Evaluator,
    ciphertexts: hnp.CiphertextArray,
    bins: np.ndarray,
    masks: list[np.ndarray],
    n_bins: int,
    plan: JointCellPlan,
) -> list[list[Piece]]:
    """Per node, raw sums covering every live row of its ``feature * n_bins + bin`` layout once."""
    pieces: list[list[Piece]] = [[] for _ in masks]
    alone_by_node: dict[tuple[int, ...], list[int]] = {}
    for k, mask in enumerate(masks):
        instances = int(np.count_nonzero(mask))
        joint = [g for g, group in enumerate(plan.groups) if group.worth_it(instances)]
        if joint:
            pieces[k].extend(_joint_sums(evaluator, ciphertexts, mask, plan, joint))
        grouped = {f for g in joint for f in plan.groups[g].features}
        alone = tuple(f for f in range(bins.shape[1]) if f not in grouped)
        if alone:
            alone_by_node.setdefault(alone, []).append(k)
    for alone, nodes in alone_by_node.items():
        sums = feature_sums(evaluator, ciphertexts, bins, [masks[k] for k in nodes], list(alone), n_bins)
        rows = [f * n_bins + b for f in alone for b in range(n_bins)]
        for k, node_sums in zip(nodes, sums):
            pieces[k].append((rows, node_sums))
    return pieces


def _joint_sums(
    evaluator: hnp.Evaluator,
    ciphertexts: hnp.CiphertextArray,
    mask: np.ndarray,
    plan: JointCellPlan,
    joint: list[int],
) -> list[Piece]:
    """One node's marginals of the ``joint`` groups: all their occupied cells in one HEU
    call, then all their marginals in another. A bin without rows gets no sum here: the
    caller's fresh encryption of zero stands for it."""
    cell_lists: list[list[int]] = []
    marginal_lists: list[list[int]] = []
    rows: list[int] = []
    for g in joint:
        occupied, lists = plan.cell_lists(g, mask)
        group_rows, group_marginals = plan.groups[g].marginals(occupied, len(cell_lists))
        cell_lists += lists
        rows += group_rows
        marginal_lists += group_marginals
    if not rows:
        return []
    cells = evaluator.batch_select_sum(ciphertexts, cell_lists)
    return [(rows, evaluator.batch_select_sum(cells, marginal_lists))]


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
