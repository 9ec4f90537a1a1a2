from __future__ import annotations

import numpy as np
import pandas as pd

from models.scorecard.binning import FeatureBinning, fit_prebins, prebin_matrix


def test_every_prebin_holds_at_least_the_minimum_rows(aligned) -> None:
    _, _, platform = aligned
    prebins = fit_prebins(platform, max_prebins=20, min_bin_size=150)
    codes = prebin_matrix(prebins, platform)
    for j, binning in enumerate(prebins):
        assert np.bincount(codes[:, j], minlength=binning.n_prebins).min() >= 150


def test_few_missing_values_join_the_largest_prebin_instead_of_a_bin_of_their_own() -> None:
    column = pd.Series(np.r_[np.arange(200.0), [np.nan] * 5])
    (binning,) = fit_prebins(pd.DataFrame({"x": column}), max_prebins=4, min_bin_size=20)
    assert not binning.has_missing_prebin
    assert binning.prebin_codes(pd.Series([np.nan]))[0] == binning.fallback_prebin


def test_rare_categories_share_a_prebin_of_sufficient_size_and_unseen_ones_the_largest() -> None:
    column = pd.Series(["a"] * 100 + ["b"] * 80 + ["c"] * 3 + ["d"] * 2)
    (binning,) = fit_prebins(pd.DataFrame({"x": column}), max_prebins=10, min_bin_size=20)
    rare_c, rare_d, unseen, largest = binning.prebin_codes(pd.Series(["c", "d", "never-seen", "a"]))
    assert rare_c == rare_d and unseen == largest
    assert np.bincount(binning.prebin_codes(column)).min() >= 20


def test_adjacent_prebins_of_a_group_read_as_one_interval() -> None:
    binning = FeatureBinning("x", "numeric", cuts=(1.0, 2.0, 3.0)).grouped([0, 0, 1, 1])
    assert binning.group_labels() == ["(-inf, 2] or missing", "(2, inf]"]


def test_a_grouping_must_name_every_prebin() -> None:
    binning = FeatureBinning("x", "numeric", cuts=(1.0, 2.0))
    try:
        binning.grouped([0, 1])
    except ValueError as exc:
        assert "'x'" in str(exc)
    else:
        raise AssertionError("a grouping of 2 prebins was accepted for 3")
