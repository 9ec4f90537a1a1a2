"""Reason codes: group contributions add up to the score, and the encrypted protocol
gives the same contributions as plaintext routing."""

import numpy as np
import pytest

from federation.governance.categories import CATEGORIES
from models.portrait.reasons import (
    ModelWithoutNodeValues, feature_group, group_contributions, split_groups,
)
from models.scoring.keys import BfvKeys
from models.scoring.online import BankOnlineScorer, decrypt_masked, publish_masks, unmask
from models.scoring.paths import bank_indicators, leaves, platform_indicators, platform_paths
from models.secureboost.messages import Message
from models.secureboost.tree import Tree

ROWS = [0, 5, 77, 300]


@pytest.fixture(scope="module")
def grouped(scored):
    model = scored.model
    leaf_list = leaves(model.trees_)
    paths = platform_paths(model.trees_, leaf_list)
    groups = split_groups(model.platform_model_, paths)
    bank_columns = [f.name for f in model.bank_binner_.features]
    return group_contributions(model.trees_, leaf_list, model.base_score_, bank_columns, groups), paths, groups


def _landing(scored, paths):
    """(rows, leaves) 0/1: where each row lands, from both parties' plaintext indicators."""
    model = scored.model
    leaf_list = leaves(model.trees_)
    bins = model.bank_binner_.transform(scored.bank)
    bank = bank_indicators(model.trees_, leaf_list, bins, model.bank_binner_.max_bin + 1)
    platform = platform_indicators(paths, model.platform_model_.router(scored.platform), len(scored.platform))
    return (bank & platform).astype(float)


def test_columns_are_grouped_by_data_category_or_prefix():
    assert feature_group("tax_paid_12m") == "tax"
    assert feature_group("si_stopped_flag") == "social_insurance"
    assert feature_group("credit_overdue_count_12m") == "credit"


def test_group_contributions_add_up_to_the_score(scored, grouped):
    reasons, paths, _ = grouped
    per_row = _landing(scored, paths) @ reasons.contributions
    expected = scored.model.decision_function(scored.bank, scored.platform)
    assert np.abs(reasons.expected + per_row.sum(axis=1) - expected).max() < 1e-9


def test_both_parties_groups_appear(grouped):
    reasons, _, _ = grouped
    assert any(g.startswith("bank:") for g in reasons.groups)
    assert any(g.startswith("platform:") for g in reasons.groups)


def test_the_platform_discloses_data_categories_not_features(scored, grouped):
    _, _, groups = grouped
    features = {f.name for f in scored.model.platform_model_.binner.features}
    assert groups and set(groups.values()) <= set(CATEGORIES)
    assert not set(groups.values()) & features


def test_encrypted_contributions_equal_plaintext(scored, grouped):
    reasons, paths, groups = grouped
    model = scored.model
    platform_keys = BfvKeys.generate()
    masks = publish_masks(paths, model.platform_model_, scored.platform.head(400), platform_keys, groups)
    bank = BankOnlineScorer(model.trees_, model.base_score_, model.bank_binner_.max_bin + 1, masks)
    assert bank.split_groups == groups
    bins = model.bank_binner_.transform(scored.bank)
    plain = _landing(scored, paths)[ROWS] @ reasons.contributions
    for i, row in enumerate(ROWS):
        got = [unmask(int(Message.from_bytes(decrypt_masked(request, platform_keys)).fields["values"][0]), mask)
               for request, mask in bank.explain(row, bins[row], reasons.contributions)]
        assert np.abs(np.array(got) - plain[i]).max() <= 1e-6


def test_a_model_without_inner_node_values_is_refused(scored, grouped):
    _, _, groups = grouped
    model = scored.model
    old = [Tree.from_dict({"nodes": [{k: v for k, v in node.items() if not ("owner" in node and k == "value")}
                                     for node in tree.to_dict()["nodes"]]}) for tree in model.trees_]
    with pytest.raises(ModelWithoutNodeValues, match="retrain"):
        group_contributions(old, leaves(old), model.base_score_, [f.name for f in model.bank_binner_.features],
                            groups)
