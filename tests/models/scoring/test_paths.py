"""Each party's path indicators, combined, pick exactly the leaf plaintext prediction reaches."""

import numpy as np

from models.scoring.paths import bank_indicators, leaves, platform_indicators, platform_paths


def _indicators(scored):
    model = scored.model
    leaf_list = leaves(model.trees_)
    bank = bank_indicators(model.trees_, leaf_list, model.bank_binner_.transform(scored.bank),
                           model.bank_binner_.max_bin + 1)
    paths = platform_paths(model.trees_, leaf_list)
    platform = platform_indicators(paths, model.platform_model_.router(scored.platform), len(scored.platform))
    return leaf_list, bank & platform


def test_every_row_reaches_exactly_one_leaf_per_tree(scored):
    leaf_list, both = _indicators(scored)
    trees = np.array([leaf.tree for leaf in leaf_list])
    per_tree = np.stack([both[:, trees == t].sum(axis=1) for t in range(len(scored.model.trees_))], axis=1)
    assert (per_tree == 1).all()


def test_the_reached_leaves_sum_to_the_plaintext_score(scored):
    leaf_list, both = _indicators(scored)
    values = np.array([leaf.value for leaf in leaf_list])
    expected = scored.model.decision_function(scored.bank, scored.platform)
    assert np.allclose(scored.model.base_score_ + both @ values, expected, atol=1e-12)


def test_the_platform_paths_hold_no_bank_rule_or_leaf_value(scored):
    paths = platform_paths(scored.model.trees_, leaves(scored.model.trees_)).to_dict()
    assert all(isinstance(ref, str) and ref.startswith("p") and isinstance(left, bool)
               for leaf in paths["leaves"] for ref, left in leaf)
