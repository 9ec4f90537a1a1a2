"""Which leaves each party's own splits leave open, per row.

Every leaf of every tree is reached through a path of splits, some the bank's and some
the platform's. A row lands in leaf l exactly when both parties' splits on l's path send
it that way, so the joint score is ``sum_l value_l * bank_l(x) * platform_l(y)``: the bank
computes its indicators from its own bins, the platform from its own, and neither needs
the other's. To compute its indicators the platform needs each leaf's platform
conditions, :class:`PlatformPaths`: references and directions, no bank rule or leaf value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.secureboost.tree import PassiveRouter, Tree


@dataclass(frozen=True)
class Leaf:
    tree: int
    node: int
    value: float
    conditions: tuple[tuple[int, bool], ...]
    """(node index, goes left) for every split on the path from the root."""


@dataclass(frozen=True)
class PlatformPaths:
    """What the platform is told of the model's shape: per leaf, the platform splits on its
    path and the direction taken at each (how many leaves there are is visible too)."""

    leaves: tuple[tuple[tuple[str, bool], ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"leaves": [[[ref, left] for ref, left in leaf] for leaf in self.leaves]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlatformPaths:
        return cls(tuple(tuple((str(ref), bool(left)) for ref, left in leaf) for leaf in data["leaves"]))


def leaves(trees: Sequence[Tree]) -> list[Leaf]:
    """All leaves in a fixed order (tree by tree, depth first): the order both parties use."""
    out = []
    for number, tree in enumerate(trees):
        stack: list[tuple[int, tuple[tuple[int, bool], ...]]] = [(0, ())]
        while stack:
            index, path = stack.pop()
            node = tree.nodes[index]
            if node.is_leaf:
                out.append(Leaf(number, index, node.value, path))
            else:
                stack.append((node.right, (*path, (index, False))))
                stack.append((node.left, (*path, (index, True))))
    return out


def platform_paths(trees: Sequence[Tree], leaf_list: Sequence[Leaf]) -> PlatformPaths:
    return PlatformPaths(tuple(
        tuple((str(trees[leaf.tree].nodes[node].split_ref), left) for node, left in leaf.conditions
              if trees[leaf.tree].nodes[node].owner == "platform")
        for leaf in leaf_list))


def bank_indicators(trees: Sequence[Tree], leaf_list: Sequence[Leaf], bank_bins: np.ndarray,
                    n_bins: int) -> np.ndarray:
    """(rows, leaves) booleans: the bank's own splits on the leaf's path send the row there."""
    out = np.ones((bank_bins.shape[0], len(leaf_list)), dtype=bool)
    for column, leaf in enumerate(leaf_list):
        for node_index, left in leaf.conditions:
            node = trees[leaf.tree].nodes[node_index]
            if node.owner == "bank":
                assert node.rule is not None
                goes_left = node.rule.goes_left(bank_bins[:, node.rule.feature], n_bins)
                out[:, column] &= goes_left if left else ~goes_left
    return out


def platform_indicators(paths: PlatformPaths, router: PassiveRouter, rows: int) -> np.ndarray:
    """(rows, leaves) booleans from the platform's own splits, through its router."""
    refs = sorted({ref for leaf in paths.leaves for ref, _ in leaf})
    answers = dict(zip(refs, router.go_left(refs))) if refs else {}
    out = np.ones((rows, len(paths.leaves)), dtype=bool)
    for column, leaf in enumerate(paths.leaves):
        for ref, left in leaf:
            out[:, column] &= answers[ref] if left else ~answers[ref]
    return out
