import json

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.secureboost.binning import Binner, greedy_upper_bounds, numeric_upper_bounds


def literal_greedy(distinct, counts, max_bin, total, min_data_in_bin):
    """LightGBM's GreedyFindBin transcribed step by step, as the oracle for the jumping version."""
    n = len(distinct)
    if n <= max_bin:
        raise AssertionError("only the many-values branch is compared")
    if min_data_in_bin > 0:
        max_bin = max(1, min(max_bin, total // min_data_in_bin))
    mean = total / max_bin
    big = [c >= mean for c in counts]
    rest_bins = max_bin - sum(big)
    rest_rows = total - sum(c for c, b in zip(counts, big) if b)
    mean = rest_rows / rest_bins if rest_bins else (np.inf if rest_rows else np.nan)
    uppers, lowers = [], [distinct[0]]
    in_bin = 0
    for i in range(n - 1):
        if not big[i]:
            rest_rows -= counts[i]
        in_bin += counts[i]
        half = max(1.0, mean * 0.5) if not np.isnan(mean) else 1.0
        if big[i] or in_bin >= mean or (big[i + 1] and in_bin >= half):
            uppers.append(distinct[i])
            lowers.append(distinct[i + 1])
            if len(uppers) >= max_bin - 1:
                break
            in_bin = 0
            if not big[i]:
                rest_bins -= 1
                mean = rest_rows / rest_bins if rest_bins else (np.inf if rest_rows else np.nan)
    bounds = []
    for upper, lower in zip(uppers, lowers[1:]):
        value = np.nextafter((upper + lower) / 2.0, np.inf)
        if not bounds or value > np.nextafter(bounds[-1], np.inf):
            bounds.append(value)
    return np.array([*bounds, np.inf])


def test_few_distinct_values_get_one_bin_each_cut_midway():
    values = np.repeat([1.0, 2.0, 4.0], 10)
    bounds = numeric_upper_bounds(values, max_bin=32, min_data_in_bin=3)
    # Zero always starts a bin in LightGBM, so positive data gets an empty bin below it.
    assert bounds[1:3].tolist() == pytest.approx([1.5, 3.0], rel=1e-12)
    assert bounds[-1] == np.inf


def test_continuous_values_get_max_bin_near_equal_count_bins():
    values = np.random.default_rng(0).uniform(1.0, 2.0, 32_000)
    binner = Binner(max_bin=32).fit(pd.DataFrame({"x": values}))
    codes = binner.transform(pd.DataFrame({"x": values}))[:, 0]
    counts = np.bincount(codes, minlength=33)[1:32]  # bin 0 is the (empty) zero bin
    assert counts.min() > 0.9 * 32_000 / 31 and counts.max() < 1.1 * 32_000 / 31


@settings(max_examples=200, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=1, max_value=400), min_size=10, max_size=300),
    max_bin=st.integers(min_value=2, max_value=40),
    min_data_in_bin=st.integers(min_value=0, max_value=5),
)
def test_jumping_greedy_scan_equals_lightgbms_step_by_step_scan(counts, max_bin, min_data_in_bin):
    if len(counts) <= max_bin:
        max_bin = len(counts) - 1
    distinct = np.cumsum(np.linspace(0.5, 1.5, len(counts)))
    counts = np.array(counts)
    ours = greedy_upper_bounds(distinct, counts, max_bin, int(counts.sum()), min_data_in_bin)
    reference = literal_greedy(
        distinct, counts.tolist(), max_bin, int(counts.sum()), min_data_in_bin
    )
    np.testing.assert_array_equal(ours, reference)


def test_lightgbm_splits_only_at_our_bin_bounds():
    rng = np.random.default_rng(3)
    values = np.concatenate(
        [rng.standard_normal(3000), np.zeros(500), np.round(rng.lognormal(0, 2, 1500), 1)]
    )
    values[rng.random(len(values)) < 0.05] = np.nan
    target = rng.standard_normal(len(values))
    params = {
        "objective": "regression",
        "num_leaves": 64,
        "min_data_in_leaf": 1,
        "min_sum_hessian_in_leaf": 0,
        "max_bin": 32,
        "verbose": -1,
        "learning_rate": 1.0,
    }
    booster = lgb.train(
        params, lgb.Dataset(values.reshape(-1, 1), target, params={"max_bin": 32}), 40
    )
    used = booster.trees_to_dataframe()["threshold"].dropna().to_numpy()
    used = used[used < 1e300]  # LightGBM's stand-in threshold for "all values vs missing"
    bounds = numeric_upper_bounds(values, max_bin=32, min_data_in_bin=3)
    assert len(used) > 20
    assert all(np.isclose(bounds, t, rtol=1e-12, atol=0).any() for t in used)


def test_missing_values_go_to_the_last_bin():
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 2.0, np.nan] * 10})
    codes = Binner(max_bin=16).fit_transform(frame)[:, 0]
    assert (codes[frame["x"].isna().to_numpy()] == 16).all()
    assert (codes[frame["x"].notna().to_numpy()] < 16).all()


def test_missing_values_leave_one_bin_fewer_for_values():
    values = np.random.default_rng(1).standard_normal(5_000)
    values[::10] = np.nan
    binner = Binner(max_bin=16).fit(pd.DataFrame({"x": values}))
    assert binner.layout.value_bins[0] <= 15
    assert binner.layout.has_missing[0]


def test_rare_categories_share_the_other_bin():
    frame = pd.DataFrame(
        {"c": pd.Categorical(["a"] * 50 + ["b"] * 30 + ["c"] * 20 + ["d"] * 10 + ["e"] * 5)}
    )
    binner = Binner(max_bin=4).fit(frame)
    codes = binner.transform(frame)[:, 0]
    assert binner.features[0].categories == ("a", "b", "c")
    assert set(codes[frame["c"].isin(["d", "e"]).to_numpy()]) == {binner.layout.other_bin}


def test_unseen_and_missing_categories_at_prediction():
    binner = Binner(max_bin=8).fit(pd.DataFrame({"c": pd.Categorical(["a", "b"] * 20)}))
    codes = binner.transform(pd.DataFrame({"c": pd.Categorical(["b", "zzz", None])}))[:, 0]
    assert codes.tolist() == [1, binner.layout.other_bin, binner.layout.missing_bin]


def test_codes_are_one_byte_for_the_default_max_bin():
    assert Binner(max_bin=32).fit_transform(pd.DataFrame({"x": np.arange(100.0)})).dtype == np.uint8


def test_binner_survives_a_json_round_trip():
    frame = pd.DataFrame(
        {"x": np.r_[np.arange(100.0), np.nan], "c": pd.Categorical(list("ab") * 50 + ["c"])}
    )
    binner = Binner(max_bin=16).fit(frame)
    again = Binner.from_dict(json.loads(json.dumps(binner.to_dict())))
    np.testing.assert_array_equal(again.transform(frame), binner.transform(frame))


def test_layout_reveals_no_edges_or_categories():
    frame = pd.DataFrame(
        {"income": np.linspace(12345.678, 99999.0, 500), "sector": pd.Categorical(["mining"] * 500)}
    )
    layout = json.dumps(Binner(max_bin=16).fit(frame).layout.to_dict())
    assert "mining" not in layout and "income" not in layout and "12345" not in layout


def test_live_buckets_are_value_bins_other_bin_and_missing_bin():
    frame = pd.DataFrame({
        "flag": [0.0, 1.0] * 30,
        "count": [0.0, 1.0, 2.0, np.nan] * 15,
        "size": pd.Categorical(["micro"] * 40 + ["small"] * 19 + ["large"]),
    })
    layout = Binner(max_bin=8).fit(frame).layout
    n = layout.n_bins

    live = layout.live_buckets(np.array([2, 0, 1]))

    assert live.tolist() == [0, 1, layout.other_bin, n + 0, n + 1, 2 * n + 0, 2 * n + 1, 2 * n + 2, 2 * n + 8]


def test_every_training_row_falls_in_a_live_bucket():
    rng = np.random.default_rng(3)
    values = rng.poisson(2.0, 2_000).astype(float)
    values[::7] = np.nan
    frame = pd.DataFrame({"x": values, "y": rng.normal(size=2_000),
                          "c": pd.Categorical(rng.choice(list("abcdefghij"), 2_000, p=[0.5] + [0.5 / 9] * 9))})
    binner = Binner(max_bin=6).fit(frame)
    layout = binner.layout
    codes = binner.transform(frame).astype(np.int64) + np.arange(3) * layout.n_bins

    assert set(codes.ravel()) <= set(layout.live_buckets(np.arange(3)).tolist())
