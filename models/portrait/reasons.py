"""Reason codes: how far each feature group moved an enterprise's score, per party.

A tree's prediction can be walked from its root: every split on a row's path moves the
value from the node's to the child's, and the moves add up to the leaf value less the
root value (Saabas attribution, the path-wise cousin of TreeSHAP). Crediting each move to
the feature group of the split gives, per row, one contribution per group that sums to
the score less an ``expected`` value shared by all rows.

Per leaf the moves on its path are fixed, so a group's contribution is
``sum_l c_l[g] * bank_l(x) * platform_l(y)``: the encrypted scoring protocol with the
group's column ``c[:, g]`` in place of the leaf values. The bank can build ``c`` because
node values are its own (gradient sums it decrypted at training); the platform tells it
only which *group* each of its splits belongs to (``split_groups``), never a feature,
threshold or the way a row went. What the bank learns is the total per group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from federation.governance.categories import CATEGORIES_BY_PREFIX
from models.scoring.paths import Leaf, PlatformPaths
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Node, Tree

BANK = "bank"
PLATFORM = "platform"


class ModelWithoutNodeValues(ValueError):
    """The model was stored before trees kept inner node values; retrain it for reason codes."""


def feature_group(column: str) -> str:
    """A column's group: the platform's data category for its prefix (``tax_paid_12m`` is
    ``tax``), otherwise the prefix itself (the bank's ``credit_overdue_count_12m`` is
    ``credit``)."""
    prefix = column.split("_", 1)[0]
    entry = CATEGORIES_BY_PREFIX.get(prefix)
    return entry[0] if entry else prefix


def split_groups(model: PassiveModel, paths: PlatformPaths) -> dict[str, str]:
    """The platform's disclosure for reason codes: the group of each of its splits in the model."""
    names = [feature.name for feature in model.binner.features]
    refs = sorted({ref for leaf in paths.leaves for ref, _ in leaf})
    return {ref: feature_group(names[model.store.rule(ref).feature]) for ref in refs}


@dataclass(frozen=True)
class GroupedLeaves:
    """Per leaf, the score moves its path credits to each group (``party:group`` labels)."""

    groups: tuple[str, ...]
    contributions: np.ndarray
    expected: float
    """The score every row starts from: base score plus each tree's root value."""


def group_contributions(trees: Sequence[Tree], leaf_list: Sequence[Leaf], base_score: float,
                        bank_columns: Sequence[str], platform_groups: Mapping[str, str]) -> GroupedLeaves:
    """Per-leaf contributions of every group that has a split in the model."""
    moves: list[dict[str, float]] = []
    for leaf in leaf_list:
        tree, credited = trees[leaf.tree], {}
        for index, left in leaf.conditions:
            node = tree.nodes[index]
            child = tree.nodes[node.left if left else node.right]
            if math.isnan(node.value) or math.isnan(child.value):
                raise ModelWithoutNodeValues("the model's trees keep no inner node values (stored by an older "
                                             "version); retrain it to get reason codes")
            group = _group_of(node, bank_columns, platform_groups)
            credited[group] = credited.get(group, 0.0) + child.value - node.value
        moves.append(credited)
    groups = tuple(sorted({group for credited in moves for group in credited}))
    column = {group: i for i, group in enumerate(groups)}
    contributions = np.zeros((len(leaf_list), len(groups)))
    for row, credited in enumerate(moves):
        for group, value in credited.items():
            contributions[row, column[group]] = value
    expected = base_score + sum(tree.nodes[0].value for tree in trees)
    return GroupedLeaves(groups, contributions, expected)


def _group_of(node: Node, bank_columns: Sequence[str], platform_groups: Mapping[str, str]) -> str:
    if node.owner == "bank":
        assert node.rule is not None
        return f"{BANK}:{feature_group(bank_columns[node.rule.feature])}"
    group = platform_groups.get(str(node.split_ref))
    if group is None:
        raise KeyError(f"the platform disclosed no group for its split {node.split_ref}")
    return f"{PLATFORM}:{group}"
