import json

import numpy as np
import pytest

import models.secureboost.estimator as estimator_module
from models.secureboost import SecureBoostClassifier

SETTINGS = dict(n_estimators=8, max_depth=3, subsample=0.8, colsample=0.7, random_state=5)


class Crash(RuntimeError):
    pass


@pytest.fixture(scope="module")
def small(default_credit):
    rows = default_credit.train[:5000]
    return (
        default_credit.bank.iloc[rows],
        default_credit.y[rows],
        default_credit.platform.iloc[rows],
    )


def crash_after(monkeypatch, trees):
    """Let the checkpoint after ``trees`` trees be written, then die as a killed party would."""
    save = estimator_module._save_bank

    def save_then_crash(directory, params, binner, state):
        save(directory, params, binner, state)
        if len(state.trees) == trees:
            raise Crash

    monkeypatch.setattr(estimator_module, "_save_bank", save_then_crash)


def test_resume_after_a_crash_ends_with_the_identical_model(small, tmp_path, monkeypatch):
    bank, y, platform = small
    reference = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform)
    with monkeypatch.context() as patch:
        crash_after(patch, 3)
        with pytest.raises(Crash):
            SecureBoostClassifier(**SETTINGS).fit(bank, y, platform, checkpoint_dir=tmp_path)
    saved = []
    save = estimator_module._save_bank
    monkeypatch.setattr(
        estimator_module,
        "_save_bank",
        lambda *args: (saved.append(len(args[3].trees)), save(*args)),
    )
    resumed = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform, checkpoint_dir=tmp_path)
    assert saved == [4, 5, 6, 7, 8]
    assert resumed.bank_model() == reference.bank_model()
    assert resumed.platform_model() == reference.platform_model()


def test_resume_forgets_platform_splits_of_a_tree_the_bank_never_saved(small, tmp_path):
    bank, y, platform = small
    reference = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform)
    SecureBoostClassifier(**{**SETTINGS, "n_estimators": 3}).fit(
        bank, y, platform, checkpoint_dir=tmp_path
    )
    bank_file = json.loads((tmp_path / "bank.json").read_text())
    bank_file["params"]["n_estimators"] = SETTINGS["n_estimators"]
    (tmp_path / "bank.json").write_text(json.dumps(bank_file))
    # The platform saved a split of tree 3 (the fourth), then the bank died before saving that tree.
    platform_file = json.loads((tmp_path / "platform.json").read_text())
    platform_file["splits"]["p3-99"] = {
        "tree": 3,
        "rule": {"feature": 0, "threshold": 1, "default_left": True},
    }
    (tmp_path / "platform.json").write_text(json.dumps(platform_file))
    resumed = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform, checkpoint_dir=tmp_path)
    assert resumed.platform_model() == reference.platform_model()


def test_checkpoint_from_other_parameters_is_refused(small, tmp_path):
    bank, y, platform = small
    SecureBoostClassifier(**{**SETTINGS, "n_estimators": 2}).fit(
        bank, y, platform, checkpoint_dir=tmp_path
    )
    with pytest.raises(ValueError, match="different parameters"):
        SecureBoostClassifier(**{**SETTINGS, "learning_rate": 0.1}).fit(
            bank, y, platform, checkpoint_dir=tmp_path
        )


def test_same_seed_gives_the_same_subsampled_model(small):
    bank, y, platform = small
    first = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform)
    second = SecureBoostClassifier(**SETTINGS).fit(bank, y, platform)
    other = SecureBoostClassifier(**{**SETTINGS, "random_state": 6}).fit(bank, y, platform)
    assert first.bank_model()["trees"] == second.bank_model()["trees"]
    assert first.bank_model()["trees"] != other.bank_model()["trees"]


def test_early_stopping_keeps_the_best_trees_and_trims_the_platform(small):
    bank, y, platform = small
    model = SecureBoostClassifier(
        n_estimators=200, learning_rate=0.5, max_depth=4, early_stopping_rounds=5, random_state=0
    ).fit(bank, y, platform)
    assert model.n_trees_ < 200
    assert model.n_trees_ == int(np.argmin(model.validation_loss_)) + 1
    refs = [ref for tree in model.trees_ for ref in tree.platform_refs]
    assert len(model.platform_model_.store) == len(refs)


def test_trees_respect_max_depth(small):
    bank, y, platform = small
    model = SecureBoostClassifier(n_estimators=3, max_depth=2, min_child_samples=1, random_state=0)
    model.fit(bank, y, platform)
    assert all(len(tree.nodes) <= 7 for tree in model.trees_)


def test_base_score_is_the_training_log_odds(small):
    bank, y, platform = small
    model = SecureBoostClassifier(n_estimators=1, random_state=0).fit(bank, y, platform)
    assert model.base_score_ == pytest.approx(np.log(y.mean() / (1 - y.mean())))
