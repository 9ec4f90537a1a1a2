import numpy as np
import pytest

from models.secureboost.binning import BinLayout
from models.secureboost.histogram import Histogram
from models.secureboost.split import NodeStats, SplitParams, SplitRule, find_best_split

N_BINS = 9  # value bins 0..6, other bin 7, missing bin 8


def layout(n_features, categorical=(), has_missing=True, value_bins=7):
    flags = np.zeros(n_features, dtype=bool)
    flags[list(categorical)] = True
    return BinLayout(
        n_bins=N_BINS,
        categorical=flags,
        value_bins=np.full(n_features, value_bins),
        has_missing=np.full(n_features, has_missing),
        first_bin_implicit=np.zeros(n_features, dtype=bool),
    )


def random_histogram(rng, n_features, missing=True):
    grad = rng.normal(0, 3, (n_features, N_BINS))
    hess = rng.uniform(1, 5, (n_features, N_BINS))
    grad[:, 7] = hess[:, 7] = 0.0  # numeric features never use the other bin
    if not missing:
        grad[:, 8] = hess[:, 8] = 0.0
    # Every feature partitions the same rows, so per-feature totals agree.
    grad += (
        (grad.sum(axis=1, keepdims=True)[0] - grad.sum(axis=1, keepdims=True))
        / 7
        * (np.arange(N_BINS) < 7)
    )
    hess += (
        (hess.sum(axis=1, keepdims=True)[0] - hess.sum(axis=1, keepdims=True))
        / 7
        * (np.arange(N_BINS) < 7)
    )
    return Histogram(np.arange(n_features), grad, hess)


def gain(g, h, lam):
    return g * g / (h + lam)


def brute_force_best(histogram, lam, missing):
    """Every threshold, missing on both sides (only right if there are none), XGBoost gain."""
    best = -np.inf
    total_g, total_h = histogram.grad[0].sum(), histogram.hess[0].sum()
    for f in range(histogram.grad.shape[0]):
        for t in range(7):
            left_g = histogram.grad[f, : t + 1].sum()
            left_h = histogram.hess[f, : t + 1].sum()
            for add_missing in (False, True) if missing else (False,):
                lg = left_g + (histogram.grad[f, 8] if add_missing else 0.0)
                lh = left_h + (histogram.hess[f, 8] if add_missing else 0.0)
                if lh <= 0 or total_h - lh <= 0:
                    continue
                split = (
                    gain(lg, lh, lam)
                    + gain(total_g - lg, total_h - lh, lam)
                    - gain(total_g, total_h, lam)
                )
                best = max(best, split)
    return best


@pytest.mark.parametrize("seed", range(20))
def test_numeric_gain_matches_brute_force_search(seed):
    rng = np.random.default_rng(seed)
    missing = seed % 2 == 0
    histogram = random_histogram(rng, 4, missing)
    node = NodeStats(float(histogram.grad[0].sum()), float(histogram.hess[0].sum()), 10_000)
    params = SplitParams(reg_lambda=1.0, min_child_weight=0.0, min_child_samples=0)
    found = find_best_split(histogram, layout(4, has_missing=missing), node, params).best
    assert found is not None
    assert found.gain == pytest.approx(brute_force_best(histogram, 1.0, missing), rel=1e-9)
    left = found.rule.left_bins(N_BINS)
    f = found.rule.feature
    assert found.left.grad == pytest.approx(histogram.grad[f, left].sum(), rel=1e-9, abs=1e-9)


def test_split_rule_reaches_the_reported_gain():
    rng = np.random.default_rng(1)
    histogram = random_histogram(rng, 3)
    node = NodeStats(float(histogram.grad[0].sum()), float(histogram.hess[0].sum()), 10_000)
    found = find_best_split(histogram, layout(3), node, SplitParams(min_child_samples=0)).best
    left = found.rule.left_bins(N_BINS)
    g, h = histogram.grad[found.rule.feature], histogram.hess[found.rule.feature]
    recomputed = gain(g[left].sum(), h[left].sum(), 1.0) + gain(g[~left].sum(), h[~left].sum(), 1.0)
    assert found.gain == pytest.approx(recomputed - gain(node.grad, node.hess, 1.0), rel=1e-9)


def single_feature(grad, hess):
    return Histogram(np.array([0]), np.array([grad], dtype=float), np.array([hess], dtype=float))


def test_min_child_weight_rejects_light_children():
    histogram = single_feature([5, 0, 0, 0, 0, 0, -5, 0, 0], [0.5, 0, 0, 0, 0, 0, 10, 0, 0])
    node = NodeStats(0.0, 10.5, 1000)
    assert find_best_split(
        histogram, layout(1), node, SplitParams(min_child_weight=0.1, min_child_samples=0)
    ).best
    assert (
        find_best_split(
            histogram, layout(1), node, SplitParams(min_child_weight=1.0, min_child_samples=0)
        ).best
        is None
    )


def test_min_child_samples_rejects_small_children():
    # Rows are estimated from hessian shares, as LightGBM does: 1/21 of 210 rows is 10.
    histogram = single_feature([5, 0, 0, 0, 0, 0, -5, 0, 0], [1, 0, 0, 0, 0, 0, 20, 0, 0])
    node = NodeStats(0.0, 21.0, 210)
    assert (
        find_best_split(histogram, layout(1), node, SplitParams(min_child_samples=10)).best
        is not None
    )
    assert (
        find_best_split(histogram, layout(1), node, SplitParams(min_child_samples=11)).best is None
    )


def test_missing_values_join_the_child_they_resemble():
    # Low bins and the missing bin have positive gradients, high bins negative.
    histogram = single_feature([4, 4, 0, 0, -4, -4, 0, 0, 6], [2, 2, 0, 0, 2, 2, 0, 0, 2])
    node = NodeStats(6.0, 10.0, 1000)
    found = find_best_split(histogram, layout(1), node, SplitParams(min_child_samples=0)).best
    assert found.rule.threshold in (1, 2, 3) and found.rule.default_left


def test_ties_go_to_the_lower_feature():
    row = [4, 4, 0, 0, -4, -4, 0, 0, 0]
    histogram = Histogram(np.array([0, 1]), np.array([row, row], float), np.ones((2, N_BINS)))
    node = NodeStats(0.0, 9.0, 1000)
    found = find_best_split(histogram, layout(2), node, SplitParams(min_child_samples=0)).best
    assert found.rule.feature == 0


def test_unsplittable_features_are_reported_for_the_children():
    good = [4, 4, 0, 0, -4, -4, 0, 0, 0]
    flat = [0, 0, 0, 0, 0, 0, 0, 0, 0]
    histogram = Histogram(np.array([0, 1]), np.array([good, flat], float), np.ones((2, N_BINS)))
    search = find_best_split(
        histogram, layout(2), NodeStats(0.0, 9.0, 1000), SplitParams(min_child_samples=0)
    )
    assert search.splittable.tolist() == [True, False]
    allowed = np.array([False, True])
    assert (
        find_best_split(
            histogram, layout(2), NodeStats(0.0, 9.0, 1000), SplitParams(), allowed
        ).best
        is None
    )


def test_few_categories_split_one_against_the_rest():
    histogram = single_feature([5, -2, -3, 0, 0, 0, 0, 0, 0], [3, 3, 3, 0, 0, 0, 0, 0, 0])
    node = NodeStats(0.0, 9.0, 3000)
    found = find_best_split(
        histogram, layout(1, categorical=[0], value_bins=3), node, SplitParams()
    ).best
    assert found.rule.categories == (0,)
    assert found.child_lambda == SplitParams().reg_lambda


def test_many_categories_are_grouped_by_gradient_ratio():
    # Categories 1, 3, 5 push up, 0, 2, 4 push down: the best set is one of the two groups.
    grad = [-6, 6, -6, 6, -6, 6, 0, 0, 0]
    histogram = single_feature(grad, [10, 10, 10, 10, 10, 10, 0, 0, 0])
    node = NodeStats(0.0, 60.0, 6000)
    found = find_best_split(
        histogram, layout(1, categorical=[0], value_bins=6), node, SplitParams()
    ).best
    assert set(found.rule.categories) in ({0, 2, 4}, {1, 3, 5})
    assert found.child_lambda == SplitParams().reg_lambda + SplitParams().cat_l2


def test_numeric_rule_sends_missing_by_default_direction():
    table = SplitRule(0, threshold=2, default_left=True).left_bins(N_BINS)
    assert table.tolist() == [True, True, True, False, False, False, False, False, True]


def test_categorical_rule_sends_other_and_missing_right():
    table = SplitRule(0, categories=(1, 4)).left_bins(N_BINS)
    assert np.flatnonzero(table).tolist() == [1, 4]
