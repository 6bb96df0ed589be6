"""Hyperparameter sampling: ranges, scales, determinism, grid versus random coverage."""

import numpy as np
import pytest

from dlnotes.tuning import (distinct_per_axis, grid_points, random_points, sample_beta,
                            sample_log_uniform, sample_uniform)


def test_uniform_range_and_determinism():
    x = sample_uniform(-2.0, 3.0, 5000, rng=1)
    assert x.shape == (5000,) and x.min() >= -2.0 and x.max() < 3.0
    assert abs(x.mean() - 0.5) < 0.1
    np.testing.assert_array_equal(x, sample_uniform(-2.0, 3.0, 5000, rng=np.random.default_rng(1)))
    assert not np.array_equal(x, sample_uniform(-2.0, 3.0, 5000, rng=2))


def test_log_uniform_equal_mass_per_decade():
    x = sample_log_uniform(1e-4, 1.0, 40_000, rng=0)
    assert x.min() >= 1e-4 and x.max() <= 1.0
    counts = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0] / x.size
    np.testing.assert_allclose(counts, 0.25, atol=0.01)
    # a linear-scale draw would put ~90 % in the top decade
    lin = sample_uniform(1e-4, 1.0, 40_000, rng=0)
    assert np.mean(lin > 0.1) > 0.89


def test_beta_log_uniform_on_one_minus_beta():
    b = sample_beta(0.9, 0.999, 40_000, rng=0)
    assert b.min() >= 0.9 and b.max() <= 0.999
    frac = np.mean(b < 0.99)
    assert abs(frac - 0.5) < 0.01
    # log10(1 - beta) is uniform on [-3, -1]
    r = np.log10(1 - b)
    assert abs(r.mean() - (-2.0)) < 0.02
    assert abs(r.std() - 2 / np.sqrt(12)) < 0.01


def test_grid_points():
    g = grid_points(5, low=(1.0, 10.0), high=(2.0, 20.0))
    assert g.shape == (25, 2)
    np.testing.assert_allclose(np.unique(g[:, 0]), np.linspace(1, 2, 5))
    np.testing.assert_allclose(np.unique(g[:, 1]), np.linspace(10, 20, 5))
    assert grid_points(3, low=(0, 0, 0), high=(1, 1, 1)).shape == (27, 3)
    np.testing.assert_allclose(grid_points(1), [[0.5, 0.5]])


def test_random_points_cover_each_axis():
    p = random_points(25, rng=3, low=(0.0, -1.0), high=(1.0, 1.0))
    assert p.shape == (25, 2)
    assert p[:, 0].min() >= 0 and p[:, 0].max() < 1 and p[:, 1].min() >= -1
    assert distinct_per_axis(p) == [25, 25]
    assert distinct_per_axis(grid_points(5)) == [5, 5]


def test_random_search_finds_important_axis_better():
    # only x matters, the optimum is at x = 0.37: random search gets closer on average
    def best_gap(points):
        return np.min(np.abs(points[:, 0] - 0.37))
    grid_gap = best_gap(grid_points(5))
    random_gaps = [best_gap(random_points(25, rng=s)) for s in range(50)]
    assert np.mean(random_gaps) < grid_gap


@pytest.mark.parametrize("call,exc,match", [
    (lambda: sample_uniform(1.0, 1.0, 3, 0), ValueError, "high"),
    (lambda: sample_uniform(0.0, 1.0, 0, 0), ValueError, "size"),
    (lambda: sample_uniform(0.0, 1.0, 2.5, 0), TypeError, "size"),
    (lambda: sample_uniform(0.0, 1.0, 3, None), TypeError, "rng"),
    (lambda: sample_log_uniform(0.0, 1.0, 3, 0), ValueError, "low"),
    (lambda: sample_log_uniform(1.0, 0.1, 3, 0), ValueError, "high"),
    (lambda: sample_beta(0.9, 1.0, 3, 0), ValueError, "high"),
    (lambda: sample_beta(-0.1, 0.9, 3, 0), ValueError, "low"),
    (lambda: grid_points(0), ValueError, "n_per_axis"),
    (lambda: grid_points(3, low=(0, 0), high=(1,)), ValueError, "high"),
    (lambda: random_points(5, 0, low=(1, 1), high=(0, 2)), ValueError, "high"),
    (lambda: distinct_per_axis([1, 2, 3]), ValueError, "points"),
])
def test_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
