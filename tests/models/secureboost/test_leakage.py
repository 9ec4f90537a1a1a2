"""What the bank keeps of a joint model must not reveal the platform's features or thresholds."""

import json
import re

import numpy as np
import pytest

from models.secureboost import SecureBoostClassifier
from models.secureboost.binning import ZERO_THRESHOLD


@pytest.fixture(scope="module")
def fitted(default_credit):
    data = default_credit
    rows = data.train[:6000]
    model = SecureBoostClassifier(n_estimators=8, max_depth=3, random_state=0)
    model.fit(data.bank.iloc[rows], data.y[rows], data.platform.iloc[rows])
    return model, data


def test_trees_use_platform_splits(fitted):
    model, _ = fitted
    assert sum(len(tree.platform_refs) for tree in model.trees_) > 5


def test_bank_model_holds_no_platform_threshold_or_value(fitted):
    model, data = fitted
    bank_json = json.dumps(model.bank_model())
    bank_numbers = {float(x) for x in re.findall(r"-?\d+\.\d+(?:e-?\d+)?", bank_json)}
    platform_bounds = {b for f in model.platform_model_.binner.features for b in f.upper_bounds}
    platform_values = set(np.unique(data.platform.to_numpy()).tolist())
    public = {ZERO_THRESHOLD, -ZERO_THRESHOLD}
    assert not (bank_numbers & platform_bounds) - public
    assert not (bank_numbers & platform_values) - public


def test_bank_model_names_no_platform_feature(fitted):
    model, data = fitted
    bank_json = json.dumps(model.bank_model())
    assert not [c for c in data.platform.columns if f'"{c}"' in bank_json]


def test_platform_nodes_keep_only_an_opaque_reference(fitted):
    model, _ = fitted
    platform_nodes = [n.to_dict() for t in model.trees_ for n in t.nodes if n.owner == "platform"]
    assert platform_nodes
    # "value" is the bank's own: its gradient sums over the rows reaching the node.
    assert all(set(node) == {"owner", "left", "right", "split_ref", "value"} for node in platform_nodes)


def test_platform_model_resolves_every_reference(fitted):
    model, _ = fitted
    refs = [ref for tree in model.trees_ for ref in tree.platform_refs]
    assert len(model.platform_model_.store) == len(refs)
    assert all(model.platform_model_.store.rule(ref) for ref in refs)
