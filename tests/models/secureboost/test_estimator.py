import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from models.secureboost import SecureBoostClassifier


@pytest.fixture(scope="module")
def arrays():
    rng = np.random.default_rng(0)
    bank = rng.standard_normal((800, 3))
    platform = rng.standard_normal((800, 4))
    y = (bank[:, 0] + platform[:, 0] + rng.standard_normal(800) > 0).astype(int)
    return bank, y, platform


def test_predict_proba_is_a_distribution_over_two_classes(arrays):
    bank, y, platform = arrays
    model = SecureBoostClassifier(n_estimators=5, random_state=0).fit(bank, y, platform)
    proba = model.predict_proba(bank[:50], platform[:50])
    assert proba.shape == (50, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(bank, platform)) <= {0, 1}


def test_follows_scikit_learn_parameter_conventions():
    model = SecureBoostClassifier(max_depth=4, reg_lambda=2.0)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "trees_")


def test_rejects_misaligned_rows(arrays):
    bank, y, platform = arrays
    with pytest.raises(ValueError, match="aligned"):
        SecureBoostClassifier().fit(bank, y, platform[:-1])


def test_rejects_non_binary_labels(arrays):
    bank, y, platform = arrays
    with pytest.raises(ValueError, match="0/1"):
        SecureBoostClassifier().fit(bank, y * 2, platform)


def test_checkpointing_needs_a_fixed_seed(arrays, tmp_path):
    bank, y, platform = arrays
    with pytest.raises(ValueError, match="random_state"):
        SecureBoostClassifier().fit(bank, y, platform, checkpoint_dir=tmp_path)


def test_categorical_and_missing_platform_columns_are_used(arrays):
    bank, y, _ = arrays
    rng = np.random.default_rng(1)
    signal = np.where(y == 1, "risky", rng.choice(["safe", "fine", "ok", "good", "calm"], len(y)))
    platform = pd.DataFrame(
        {
            "segment": pd.Categorical(signal),
            "noise": np.where(rng.random(len(y)) < 0.3, np.nan, 1.0),
        }
    )
    model = SecureBoostClassifier(n_estimators=3, random_state=0).fit(bank, y, platform)
    stored = [model.platform_model_.store.rule(r) for t in model.trees_ for r in t.platform_refs]
    assert any(rule.is_categorical for rule in stored)


def test_lightgbm_parameters_let_depth_bind():
    params = SecureBoostClassifier(max_depth=5, reg_lambda=2.0).lightgbm_params()
    assert params["num_leaves"] == 32 and params["reg_lambda"] == 2.0 and params["max_depth"] == 5
