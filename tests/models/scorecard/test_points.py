from __future__ import annotations

import math

import pytest

from models.scorecard import TABLE_COLUMNS, Scaling, ScorecardClassifier, scorecard_table


def test_base_score_sits_at_the_base_odds_and_pdo_doubles_them() -> None:
    scaling = Scaling(base_score=600, pdo=20, base_odds=50)
    at_base = scaling.score(math.log(1 / 50))
    assert at_base == pytest.approx(600)
    assert scaling.score(math.log(1 / 100)) - at_base == pytest.approx(20)


def test_the_banks_view_of_the_table_has_no_platform_edge(aligned) -> None:
    bank, y, platform = aligned
    model = ScorecardClassifier(encryption=None, max_iter=20).fit(bank, y, platform)
    bank_view = scorecard_table(model.bank_model())
    regulator_view = scorecard_table(model.bank_model(), model.platform_model())
    assert list(bank_view.columns) == TABLE_COLUMNS
    assert set(bank_view.loc[bank_view["party"] == "platform", "bin"]) == {"any"}
    assert all("]" in label for label in regulator_view.loc[regulator_view["party"] == "platform", "bin"])
    assert set(bank_view.loc[bank_view["party"] == "platform", "feature_group"]) == set(
        regulator_view.loc[regulator_view["party"] == "platform", "feature_group"])
