import numpy as np
import pandas as pd
import pytest

from models.portrait.peers import peer_standing

ME = {"reg_industry": "retail", "reg_region": "donghai", "reg_size": "small"}


def _population(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["reg_industry", "reg_region", "reg_size", "probability"])


def test_the_full_segment_is_used_when_it_has_enough_peers():
    population = _population([("retail", "donghai", "small", p) for p in np.linspace(0.01, 0.2, 40)]
                             + [("retail", "donghai", "large", 0.9)] * 40)
    standing = peer_standing(0.05, ME, population, min_peers=30)
    assert standing.segment == ME and standing.peers == 40


def test_a_small_segment_widens_by_dropping_size_then_region():
    population = _population([("retail", "donghai", "small", 0.1)] * 5 + [("retail", "donghai", "large", 0.1)] * 10
                             + [("retail", "haizhou", "micro", 0.1)] * 20)
    assert peer_standing(0.1, ME, population, min_peers=12).segment == {"reg_industry": "retail",
                                                                        "reg_region": "donghai"}
    assert peer_standing(0.1, ME, population, min_peers=30).segment == {"reg_industry": "retail"}


def test_lower_risk_than_counts_riskier_peers_and_half_the_ties():
    population = _population([("retail", "donghai", "small", p) for p in (0.01, 0.02, 0.05, 0.10)])
    assert peer_standing(0.05, ME, population, min_peers=4).lower_risk_than == pytest.approx(37.5)


def test_too_few_peers_anywhere_gives_no_standing():
    assert peer_standing(0.05, ME, _population([("retail", "donghai", "small", 0.1)] * 3), min_peers=30) is None


def test_a_population_without_segments_is_refused_naming_the_column():
    with pytest.raises(KeyError, match="reg_size"):
        peer_standing(0.05, ME, pd.DataFrame({"probability": [0.1], "reg_industry": ["x"], "reg_region": ["y"]}))
