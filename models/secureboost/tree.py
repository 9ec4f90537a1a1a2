"""Trees as the bank holds them, and the platform's private half of every split.

A bank-owned node keeps its feature and bin rule. A platform-owned node
keeps only ``split_ref``, an opaque key into the platform's
:class:`PassiveSplitStore`; to predict, the bank asks a :class:`Router` (the
platform, in-process or remote) which way each row goes at those nodes. So a
stored bank model can be handed to model-risk review without exposing any
platform feature, bin or threshold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from models.secureboost.split import SplitRule

Owner = Literal["bank", "platform"]


@dataclass
class Node:
    """A node of a bank-held tree; a leaf when ``owner`` is None.

    An inner node's ``value`` is what the tree would predict had it stopped there: reason
    codes credit each split with the change of value along a row's path. Models stored
    before inner values were kept read back with NaN there.
    """

    value: float = 0.0
    owner: Owner | None = None
    rule: SplitRule | None = None
    split_ref: str | None = None
    left: int = -1
    right: int = -1

    @property
    def is_leaf(self) -> bool:
        return self.owner is None

    def to_dict(self) -> dict[str, Any]:
        if self.is_leaf:
            return {"value": self.value}
        data: dict[str, Any] = {"owner": self.owner, "left": self.left, "right": self.right, "value": self.value}
        if self.owner == "bank":
            assert self.rule is not None
            data["rule"] = self.rule.to_dict()
        else:
            data["split_ref"] = self.split_ref
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Node:
        if "owner" not in data:
            return cls(value=float(data["value"]))
        rule = SplitRule.from_dict(data["rule"]) if "rule" in data else None
        return cls(
            value=float(data.get("value", math.nan)),
            owner=data["owner"],
            rule=rule,
            split_ref=data.get("split_ref"),
            left=int(data["left"]),
            right=int(data["right"]),
        )


@dataclass
class Tree:
    """Nodes in creation order, root first; leaf values already include the learning rate."""

    nodes: list[Node] = field(default_factory=list)

    @property
    def platform_refs(self) -> list[str]:
        return [n.split_ref for n in self.nodes if n.owner == "platform" and n.split_ref]

    def leaves(
        self, bank_bins: np.ndarray, n_bins: int, platform_left: Mapping[str, np.ndarray]
    ) -> np.ndarray:
        """Index of the leaf each row lands in.

        ``platform_left[ref]`` says, for every row, whether it goes left at
        the platform node ``ref``; bank nodes are decided from ``bank_bins``.
        """
        n = bank_bins.shape[0]
        position = np.zeros(n, dtype=np.int64)
        left_child = np.array([node.left for node in self.nodes])
        right_child = np.array([node.right for node in self.nodes])
        goes_left = np.zeros((len(self.nodes), n), dtype=bool)
        for index, node in enumerate(self.nodes):
            if node.owner == "bank":
                assert node.rule is not None
                goes_left[index] = node.rule.goes_left(bank_bins[:, node.rule.feature], n_bins)
            elif node.owner == "platform":
                goes_left[index] = platform_left[node.split_ref]
        leaf = np.array([node.is_leaf for node in self.nodes])
        rows = np.arange(n)
        while not leaf[position].all():
            step = np.where(goes_left[position, rows], left_child[position], right_child[position])
            position = np.where(leaf[position], position, step)
        return position

    def values(self) -> np.ndarray:
        return np.array([node.value for node in self.nodes])

    def to_dict(self) -> dict[str, Any]:
        return {"nodes": [node.to_dict() for node in self.nodes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tree:
        return cls([Node.from_dict(n) for n in data["nodes"]])


class Router(Protocol):
    """The platform's side of prediction, bound to one set of rows."""

    def go_left(self, refs: Sequence[str]) -> np.ndarray:
        """Boolean matrix (refs, rows): whether each row goes left at each platform split."""


def predict_raw(
    trees: Sequence[Tree], base_score: float, bank_bins: np.ndarray, n_bins: int, router: Router
) -> np.ndarray:
    """Raw scores (log-odds) of the joint model; one round trip to the platform for all trees."""
    refs = [ref for tree in trees for ref in tree.platform_refs]
    answers = router.go_left(refs) if refs else np.zeros((0, bank_bins.shape[0]), dtype=bool)
    platform_left = dict(zip(refs, answers))
    raw = np.full(bank_bins.shape[0], base_score)
    for tree in trees:
        raw += tree.values()[tree.leaves(bank_bins, n_bins, platform_left)]
    return raw


class PassiveSplitStore:
    """The platform's half of the model: what each split reference means.

    References are issued by the platform and derived from the tree and node
    number only, so a run resumed from a checkpoint issues the same ones.
    """

    def __init__(self) -> None:
        self._rules: dict[str, tuple[int, SplitRule]] = {}

    def __len__(self) -> int:
        return len(self._rules)

    def add(self, tree: int, node: int, rule: SplitRule) -> str:
        ref = f"p{tree}-{node}"
        self._rules[ref] = (tree, rule)
        return ref

    def rule(self, ref: str) -> SplitRule:
        try:
            return self._rules[ref][1]
        except KeyError:
            raise KeyError(f"unknown split reference {ref!r}") from None

    def keep_trees(self, n_trees: int) -> None:
        """Forget splits of trees numbered ``n_trees`` and later (early stopping, a resumed run)."""
        self._rules = {ref: entry for ref, entry in self._rules.items() if entry[0] < n_trees}

    def router(self, bins: np.ndarray, n_bins: int) -> PassiveRouter:
        return PassiveRouter(self, bins, n_bins)

    def to_dict(self) -> dict[str, Any]:
        return {
            ref: {"tree": tree, "rule": rule.to_dict()} for ref, (tree, rule) in self._rules.items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PassiveSplitStore:
        store = cls()
        store._rules = {
            ref: (int(entry["tree"]), SplitRule.from_dict(entry["rule"]))
            for ref, entry in data.items()
        }
        return store


class PassiveRouter:
    """Routes the platform's own rows through its stored splits."""

    def __init__(self, store: PassiveSplitStore, bins: np.ndarray, n_bins: int) -> None:
        self._store = store
        self._bins = bins
        self._n_bins = n_bins

    def go_left(self, refs: Sequence[str]) -> np.ndarray:
        out = np.empty((len(refs), self._bins.shape[0]), dtype=bool)
        for i, ref in enumerate(refs):
            rule = self._store.rule(ref)
            out[i] = rule.goes_left(self._bins[:, rule.feature], self._n_bins)
        return out
