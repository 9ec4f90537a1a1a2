import numpy as np
import pandas as pd
import pytest

from models.secureboost.binning import Binner
from models.secureboost.histogram import FeatureSampler, PlainHistogramSource


@pytest.fixture
def party():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(
        {
            "a": rng.standard_normal(600),
            "b": np.where(rng.random(600) < 0.2, np.nan, rng.poisson(3, 600)),
            "c": pd.Categorical(rng.choice(list("xyz"), 600)),
        }
    )
    binner = Binner(max_bin=8).fit(frame)
    return binner.transform(frame), binner.layout, rng.standard_normal(600), rng.random(600)


def brute_force(bins, n_bins, grad, hess, mask):
    out_g = np.zeros((bins.shape[1], n_bins))
    out_h = np.zeros((bins.shape[1], n_bins))
    for row in np.flatnonzero(mask):
        for feature in range(bins.shape[1]):
            out_g[feature, bins[row, feature]] += grad[row]
            out_h[feature, bins[row, feature]] += hess[row]
    return out_g, out_h


def test_histograms_equal_brute_force_sums(party):
    bins, layout, grad, hess = party
    source = PlainHistogramSource(bins, layout)
    source.begin_tree(0, grad, hess)
    masks = [np.arange(600) % 3 == 0, np.arange(600) < 100, np.ones(600, dtype=bool)]
    for mask, histogram in zip(masks, source.histograms(masks)):
        expected_g, expected_h = brute_force(bins, layout.n_bins, grad, hess, mask)
        np.testing.assert_allclose(histogram.grad, expected_g, atol=1e-10)
        np.testing.assert_allclose(histogram.hess, expected_h, atol=1e-10)


def test_sibling_by_subtraction_equals_direct_histogram(party):
    bins, layout, grad, hess = party
    source = PlainHistogramSource(bins, layout)
    source.begin_tree(0, grad, hess)
    parent = np.arange(600) >= 50
    left = parent & (bins[:, 0] <= 3)
    right = parent & ~left
    parent_hist, left_hist, right_hist = source.histograms([parent, left, right])
    derived = parent_hist - left_hist
    np.testing.assert_allclose(derived.grad, right_hist.grad, atol=1e-10)
    np.testing.assert_allclose(derived.hess, right_hist.hess, atol=1e-10)


def test_feature_sampler_depends_only_on_seed_and_tree():
    sampler = FeatureSampler(fraction=0.5, seed=3)
    first = [sampler.features(tree, 20).tolist() for tree in range(5)]
    assert [FeatureSampler(0.5, 3).features(tree, 20).tolist() for tree in (4, 2)] == [
        first[4],
        first[2],
    ]
    assert len({tuple(f) for f in first}) > 1
    assert all(len(f) == 10 for f in first)


def test_histograms_cover_only_the_trees_sampled_features(party):
    bins, layout, grad, hess = party
    sampler = FeatureSampler(fraction=0.4, seed=1)
    source = PlainHistogramSource(bins, layout, sampler)
    source.begin_tree(2, grad, hess)
    (histogram,) = source.histograms([np.ones(600, dtype=bool)])
    np.testing.assert_array_equal(histogram.features, sampler.features(2, 3))
    assert histogram.grad.shape == (1, layout.n_bins)
