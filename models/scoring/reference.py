"""Plaintext scores from both stored model parts, for whoever legitimately holds both:
the demo (which plays every party) and the tests that check encrypted scores against it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from models.portrait.reasons import group_contributions, split_groups
from models.scoring.paths import PlatformPaths, bank_indicators, leaves, platform_indicators
from models.secureboost.binning import Binner
from models.secureboost.passive import PassiveModel
from models.secureboost.tree import Tree, predict_raw


def plaintext_scores(bank_part: dict[str, Any], platform_part: dict[str, Any], bank_features: pd.DataFrame,
                     platform_features: pd.DataFrame) -> np.ndarray:
    """Raw scores of aligned rows; ``bank_part`` is the bank's stored ``model`` entry."""
    binner = Binner.from_dict(bank_part["binner"])
    trees = [Tree.from_dict(tree) for tree in bank_part["trees"]]
    router = PassiveModel.from_dict(platform_part).router(platform_features.reset_index(drop=True))
    bins = binner.transform(bank_features.reset_index(drop=True))
    return predict_raw(trees, float(bank_part["base_score"]), bins, binner.max_bin + 1, router)


def plaintext_reasons(bank_part: dict[str, Any], platform_part: dict[str, Any], bank_features: pd.DataFrame,
                      platform_features: pd.DataFrame) -> tuple[tuple[str, ...], np.ndarray]:
    """Feature-group contributions of aligned rows, (groups, rows x groups), as reason
    codes (``models.portrait.reasons``) compute them under encryption."""
    binner = Binner.from_dict(bank_part["binner"])
    trees = [Tree.from_dict(tree) for tree in bank_part["trees"]]
    passive, paths = PassiveModel.from_dict(platform_part), PlatformPaths.from_dict(platform_part["paths"])
    leaf_list = leaves(trees)
    grouped = group_contributions(trees, leaf_list, float(bank_part["base_score"]),
                                  [feature.name for feature in binner.features], split_groups(passive, paths))
    bank = bank_indicators(trees, leaf_list, binner.transform(bank_features.reset_index(drop=True)), binner.max_bin + 1)
    platform = platform_indicators(paths, passive.router(platform_features.reset_index(drop=True)),
                                   len(platform_features))
    return grouped.groups, (bank & platform).astype(float) @ grouped.contributions
