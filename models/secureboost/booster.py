"""The bank's boosting loop (the active party of SecureBoost).

The bank owns the labels, so it computes gradients, chooses every split and
every leaf value, and keeps the trees. It sees the platform only through
:class:`PassiveParty`: gradient histograms over the platform's bins, the
left/right partition of a node once it picks a platform split (the standard
SecureBoost leakage: the bank learns how its rows divide, not why), and
routing of validation rows. Swapping the in-process platform for the
encrypted, remote one changes nothing here.

Randomness (row and feature subsampling) is a pure function of the seed and
the tree number, so the state after tree k (:class:`BoosterState`) is all a
resumed run needs to end with the same model as an uninterrupted one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from models.secureboost.binning import BinLayout
from models.secureboost.histogram import (
    FeatureSampler,
    Histogram,
    HistogramSource,
    PlainHistogramSource,
)
from models.secureboost.split import (
    NodeStats,
    SplitCandidate,
    SplitParams,
    SplitRule,
    find_best_split,
    leaf_weight,
)
from models.secureboost.tree import Node, Tree

log = logging.getLogger(__name__)


class PassiveParty(HistogramSource, Protocol):
    """The platform during training, as the bank sees it."""

    def apply_split(
        self, tree: int, node: int, rule: SplitRule, node_mask: np.ndarray
    ) -> tuple[str, np.ndarray]:
        """Store ``rule`` for this node; return its opaque reference and the rows that go left."""

    def validation_go_left(self, refs: Sequence[str]) -> np.ndarray:
        """Like :meth:`Router.go_left`, over the validation rows."""

    def keep_trees(self, n_trees: int) -> None:
        """Forget the splits of trees numbered ``n_trees`` and later."""

    def end_round(self, trees_done: int) -> None:
        """The bank has finished a boosting round: the platform may persist its splits."""


@dataclass(frozen=True)
class BoosterParams:
    n_estimators: int = 30
    max_depth: int = 3
    learning_rate: float = 0.3
    subsample: float = 1.0
    colsample: float = 1.0
    early_stopping_rounds: int | None = None
    seed: int = 0
    split: SplitParams = field(default_factory=SplitParams)

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "split"}
        return {**data, "split": dict(self.split.__dict__)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoosterParams:
        return cls(**{**data, "split": SplitParams(**data["split"])})


@dataclass
class Validation:
    """The bank's validation fold: its own bin codes and labels (the platform routes its rows)."""

    bins: np.ndarray
    labels: np.ndarray


@dataclass
class BoosterState:
    """Everything the bank needs to continue after the last finished tree."""

    base_score: float
    trees: list[Tree]
    train_raw: np.ndarray
    valid_raw: np.ndarray | None = None
    valid_loss: list[float] = field(default_factory=list)
    finished: bool = False

    @property
    def best_n_trees(self) -> int:
        return int(np.argmin(self.valid_loss)) + 1 if self.valid_loss else len(self.trees)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base_score": self.base_score,
            "trees": [tree.to_dict() for tree in self.trees],
            "train_raw": self.train_raw.tolist(),
            "valid_raw": None if self.valid_raw is None else self.valid_raw.tolist(),
            "valid_loss": list(self.valid_loss),
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BoosterState:
        valid = data.get("valid_raw")
        return cls(
            base_score=float(data["base_score"]),
            trees=[Tree.from_dict(t) for t in data["trees"]],
            train_raw=np.asarray(data["train_raw"], dtype=np.float64),
            valid_raw=None if valid is None else np.asarray(valid, dtype=np.float64),
            valid_loss=[float(x) for x in data.get("valid_loss", [])],
            finished=bool(data.get("finished", False)),
        )


@dataclass
class _Open:
    """A node waiting for a split decision in level-wise growth."""

    index: int
    mask: np.ndarray
    stats: NodeStats
    child_lambda: float
    allowed: tuple[np.ndarray | None, np.ndarray | None] = (None, None)
    histograms: tuple[Histogram, Histogram] | None = None


class ActiveBooster:
    """Grows the joint model from the bank's bins and labels and the platform's histograms."""

    def __init__(
        self,
        params: BoosterParams,
        bank_bins: np.ndarray,
        bank_layout: BinLayout,
        labels: np.ndarray,
        passive: PassiveParty,
        validation: Validation | None = None,
    ) -> None:
        if params.early_stopping_rounds is not None and validation is None:
            raise ValueError("early stopping needs a validation fold")
        self.params = params
        self._columns = np.ascontiguousarray(bank_bins.T)
        self._layout = bank_layout
        self._labels = np.asarray(labels, dtype=np.float64)
        self._passive = passive
        self._validation = validation
        self._bank = PlainHistogramSource(
            bank_bins, bank_layout, FeatureSampler(params.colsample, params.seed)
        )

    def initial_state(self) -> BoosterState:
        rate = float(self._labels.mean())
        base = float(np.log(rate / (1.0 - rate)))
        valid = None if self._validation is None else np.full(len(self._validation.labels), base)
        return BoosterState(base, [], np.full(len(self._labels), base), valid)

    def fit(
        self,
        state: BoosterState | None = None,
        on_tree: Callable[[BoosterState], None] | None = None,
    ) -> BoosterState:
        """Boost from ``state`` (a checkpoint) or from scratch; ``on_tree`` runs after each tree.

        A resumed platform must already hold exactly the splits of ``state``'s trees.
        """
        state = state if state is not None else self.initial_state()
        while not state.finished and len(state.trees) < self.params.n_estimators:
            self._boost_one(state)
            self._passive.end_round(len(state.trees))
            if on_tree is not None:
                on_tree(state)
        if state.valid_loss and len(state.trees) > state.best_n_trees:
            best = state.best_n_trees
            state = replace(state, trees=state.trees[:best], valid_loss=state.valid_loss[:best])
            self._passive.keep_trees(best)
        return state

    def _boost_one(self, state: BoosterState) -> None:
        number = len(state.trees)
        in_bag = self._in_bag(number)
        grad, hess = _gradients(state.train_raw, self._labels)
        grad, hess = np.where(in_bag, grad, 0.0), np.where(in_bag, hess, 0.0)
        grown = self._grow(number, grad, hess, in_bag)
        if grown is None:
            log.info("tree %d has no split that meets the constraints; boosting stops", number)
            state.finished = True
            return
        tree, leaf_masks = grown
        for leaf, mask in leaf_masks:
            state.train_raw[mask] += tree.nodes[leaf].value
        state.trees.append(tree)
        if self._validation is not None and state.valid_raw is not None:
            self._validate(state, tree)

    def _validate(self, state: BoosterState, tree: Tree) -> None:
        assert self._validation is not None and state.valid_raw is not None
        refs = tree.platform_refs
        answers = self._passive.validation_go_left(refs)
        platform_left = dict(zip(refs, answers))
        state.valid_raw += tree.values()[
            tree.leaves(self._validation.bins, self._layout.n_bins, platform_left)
        ]
        state.valid_loss.append(log_loss(self._validation.labels, state.valid_raw))
        rounds = self.params.early_stopping_rounds
        if rounds is not None and len(state.valid_loss) - state.best_n_trees >= rounds:
            state.finished = True

    def _in_bag(self, tree: int) -> np.ndarray:
        n = len(self._labels)
        if self.params.subsample >= 1.0:
            return np.ones(n, dtype=bool)
        rng = np.random.default_rng([self.params.seed, tree, 1])
        chosen = rng.choice(n, size=max(1, round(self.params.subsample * n)), replace=False)
        in_bag = np.zeros(n, dtype=bool)
        in_bag[chosen] = True
        return in_bag

    def _grow(
        self, number: int, grad: np.ndarray, hess: np.ndarray, in_bag: np.ndarray
    ) -> tuple[Tree, list[tuple[int, np.ndarray]]] | None:
        """Level-wise growth; each level asks both parties for the smaller children's histograms."""
        params, lr = self.params, self.params.learning_rate
        self._bank.begin_tree(number, grad, hess)
        self._passive.begin_tree(number, grad, hess)
        root_mask = np.ones(len(grad), dtype=bool)
        nodes = [Node()]
        root = NodeStats(float(grad.sum()), float(hess.sum()), int(in_bag.sum()))
        level = [_Open(0, root_mask, root, params.split.reg_lambda)]
        if params.max_depth > 0:
            self._fill_histograms(level, [])
        leaves: list[tuple[int, np.ndarray]] = []
        for depth in range(params.max_depth + 1):
            children: list[_Open] = []
            derived: list[tuple[_Open, _Open, _Open]] = []
            for open_node in level:
                best, allowed = (
                    self._best_split(open_node) if depth < params.max_depth else (None, None)
                )
                node = nodes[open_node.index]
                node.value = lr * leaf_weight(
                    open_node.stats.grad, open_node.stats.hess, open_node.child_lambda
                )
                if best is None:
                    leaves.append((open_node.index, open_node.mask))
                    continue
                owner, candidate = best
                left_mask = self._partition(number, open_node, owner, candidate, node)
                right_mask = open_node.mask & ~left_mask
                node.left, node.right = len(nodes), len(nodes) + 1
                nodes += [Node(), Node()]
                pair = [
                    _Open(
                        node.left,
                        left_mask,
                        _child(candidate.left, left_mask, in_bag),
                        candidate.child_lambda,
                        allowed,
                    ),
                    _Open(
                        node.right,
                        right_mask,
                        _child(candidate.right, right_mask, in_bag),
                        candidate.child_lambda,
                        allowed,
                    ),
                ]
                small, large = sorted(pair, key=lambda o: int(o.mask.sum()))
                derived.append((open_node, small, large))
                children += pair
            if not children:
                break
            if depth + 1 < params.max_depth:
                self._fill_histograms([small for _, small, _ in derived], derived)
            level = children
        if len(nodes) == 1:
            return None
        return Tree(nodes), leaves

    def _best_split(
        self, open_node: _Open
    ) -> tuple[tuple[str, SplitCandidate] | None, tuple[np.ndarray, np.ndarray]]:
        """The better of the two parties' best splits, and which features the children may use."""
        assert open_node.histograms is not None
        bank_hist, platform_hist = open_node.histograms
        split, (bank_allowed, platform_allowed) = self.params.split, open_node.allowed
        bank = find_best_split(bank_hist, self._layout, open_node.stats, split, bank_allowed)
        platform = find_best_split(
            platform_hist, self._passive.layout, open_node.stats, split, platform_allowed
        )
        allowed = (bank.splittable, platform.splittable)
        # Ties go to the bank: its columns come first in the joined table LightGBM is compared with.
        if platform.best is not None and (bank.best is None or platform.best.gain > bank.best.gain):
            return ("platform", platform.best), allowed
        return (None if bank.best is None else ("bank", bank.best)), allowed

    def _partition(
        self, number: int, open_node: _Open, owner: str, candidate: SplitCandidate, node: Node
    ) -> np.ndarray:
        if owner == "bank":
            rule = candidate.rule
            node.owner, node.rule = "bank", rule
            return rule.left_mask(self._columns[rule.feature], open_node.mask, self._layout.n_bins)
        ref, left_mask = self._passive.apply_split(
            number, open_node.index, candidate.rule, open_node.mask
        )
        node.owner, node.split_ref = "platform", ref
        return open_node.mask & left_mask

    def _fill_histograms(
        self, direct: list[_Open], derived: list[tuple[_Open, _Open, _Open]]
    ) -> None:
        """Histograms of ``direct`` nodes in one batch per party; each sibling by subtraction."""
        masks = [o.mask for o in direct]
        for open_node, bank, platform in zip(
            direct, self._bank.histograms(masks), self._passive.histograms(masks)
        ):
            open_node.histograms = (bank, platform)
        for parent, small, large in derived:
            assert parent.histograms is not None and small.histograms is not None
            large.histograms = (
                parent.histograms[0] - small.histograms[0],
                parent.histograms[1] - small.histograms[1],
            )
            parent.histograms = None


def log_loss(labels: np.ndarray, raw: np.ndarray) -> float:
    """Binary log-loss from raw scores, computed stably in log-odds space."""
    return float(np.mean(np.logaddexp(0.0, raw) - labels * raw))


def _gradients(raw: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-loss gradient and hessian in LightGBM's formula, rounded to float32 as it stores them.

    Sums of float32 values are exact in float64, so histograms do not depend
    on the order rows are added in (fixed-point encoding under encryption has
    the same property), and splits match LightGBM's to the last bit.
    """
    sign = 2.0 * labels - 1.0
    grad = -sign / (1.0 + np.exp(sign * raw))
    hess = np.abs(grad) * (1.0 - np.abs(grad))
    return _float32(grad), _float32(hess)


def _float32(values: np.ndarray) -> np.ndarray:
    return values.astype(np.float32).astype(np.float64)


def _child(sums: NodeStats, mask: np.ndarray, in_bag: np.ndarray) -> NodeStats:
    """A child's sums as the split computed them (as LightGBM carries them), its true row count."""
    return NodeStats(sums.grad, sums.hess, int(np.count_nonzero(mask & in_bag)))
