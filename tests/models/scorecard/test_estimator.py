from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.evaluation import auc
from models.scorecard import ScorecardClassifier
from models.scorecard.centralized import CentralizedScorecard


@pytest.fixture(scope="module")
def plain(aligned) -> ScorecardClassifier:
    bank, y, platform = aligned
    return ScorecardClassifier(encryption=None).fit(bank, y, platform)


def test_encrypted_training_gives_the_plaintext_model_exactly(aligned, plain) -> None:
    bank, y, platform = aligned
    encrypted = ScorecardClassifier(encryption="heu-ou", max_iter=15).fit(bank, y, platform)
    reference = ScorecardClassifier(encryption=None, max_iter=15).fit(bank, y, platform)
    assert encrypted.coef_.tolist() == reference.coef_.tolist()
    assert encrypted.platform_.state.weights.tolist() == reference.platform_.state.weights.tolist()


def test_training_converges_to_the_centralized_logistic_regression(aligned, plain) -> None:
    bank, y, platform = aligned
    joined = pd.concat([bank, platform], axis=1)
    centralized = CentralizedScorecard(plain.classing, plain.C).fit(joined, y)
    assert plain.converged_
    assert np.abs(plain.decision_function(bank, platform) - centralized.decision_function(joined)).max() < 5e-2
    assert abs(auc(y, plain.decision_function(bank, platform)) - auc(y, centralized.decision_function(joined))) < 1e-3


def test_a_platform_feature_without_information_is_screened_out(plain) -> None:
    kept = [b.name for b in plain.platform_.binnings]
    assert "tax_noise" not in kept and "tax_paid" in kept and "court_cases" in kept


def test_a_bank_feature_without_information_is_screened_out(aligned) -> None:
    bank, y, platform = aligned
    noisy = bank.assign(bank_noise=np.random.default_rng(11).normal(size=len(bank)))
    model = ScorecardClassifier(encryption=None).fit(noisy, y, platform)
    assert model.bank_iv_["bank_noise"] < model.min_iv <= model.bank_iv_["balance"]
    kept = [b.name for b in model.bank_binnings_]
    assert "bank_noise" not in kept and {"balance", "overdue"} <= set(kept)


def test_points_add_up_to_the_scaled_log_odds(aligned, plain) -> None:
    bank, _, platform = aligned
    score = plain.score(bank, platform)
    odds_good = np.exp(-plain.decision_function(bank, platform))
    assert score == pytest.approx(600 + 20 / np.log(2) * np.log(odds_good / 50))


def test_the_bank_part_names_platform_points_only_by_feature_group(plain) -> None:
    part = plain.bank_model()
    assert {g["group"] for g in part["scorecard"]["platform_groups"]} <= {"tax", "court_judgments",
                                                                          "social_insurance"}
    assert "tax_paid" not in str(part) and "court_cases" not in str(part)


def test_unaligned_tables_are_refused(aligned) -> None:
    bank, y, platform = aligned
    with pytest.raises(ValueError, match="aligned"):
        ScorecardClassifier(encryption=None).fit(bank, y, platform.iloc[:-1])
