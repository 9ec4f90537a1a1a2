"""Scoring jobs dispatch on the kind each party reads from its own stored part."""

from __future__ import annotations

import pytest

from models.scoring.model_kind import SCORECARD, SECUREBOOST, stored_kind


def test_a_scorecard_part_is_a_scorecard() -> None:
    assert stored_kind({"scorecard": {}, "binnings": []}, "m1") == SCORECARD


@pytest.mark.parametrize("part", [{"trees": [], "binner": {}}, {"splits": {}, "paths": {}}])
def test_either_part_of_a_secureboost_model_is_secureboost(part) -> None:
    assert stored_kind(part, "m1") == SECUREBOOST


def test_a_part_of_any_other_kind_is_refused_naming_the_model() -> None:
    with pytest.raises(ValueError, match="model m7: .*neither a secureboost nor a scorecard"):
        stored_kind({"weights": []}, "m7")
