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


# --- successive halving, fit_dev_cost, best_of_n ---------------------------------------------

from dlnotes.tuning import best_of_n, fit_dev_cost, successive_halving  # noqa: E402


def test_successive_halving_rounds_in_closed_form():
    """n = 27, eta = 3, b0 = 2: survivors 27, 9, 3, 1 with budgets 2, 6, 18, 54; total 4 * 54."""
    calls = []

    def evaluate(c, b):
        calls.append((c, b))
        return abs(c - 13.2) + 1.0 / b

    out = successive_halving(list(range(27)), evaluate, 2, eta=3)
    assert [(len(r["indices"]), r["budget"]) for r in out["rounds"]] == [(27, 2), (9, 6), (3, 18), (1, 54)]
    assert out["total_budget"] == 4 * 54 == sum(b for _, b in calls)
    assert out["best"] == 13
    assert out["rounds"][1]["indices"] == sorted(range(27), key=lambda c: abs(c - 13.2))[:9]
    np.testing.assert_allclose(out["best_loss"], 0.2 + 1 / 54)


def test_successive_halving_keeps_the_lowest_and_handles_inf():
    out = successive_halving([5.0, float("inf"), 1.0, 3.0], lambda c, b: c, 1, eta=2)
    assert out["rounds"][1]["indices"] == [2, 3] and out["best"] == 2
    with pytest.raises(ValueError, match="evaluate"):
        successive_halving([1.0, 2.0], lambda c, b: float("nan"), 1)
    with pytest.raises(ValueError, match="eta"):
        successive_halving([1.0, 2.0], lambda c, b: c, 1, eta=1)


def test_successive_halving_can_miss_a_late_bloomer():
    """A configuration that is worst at small budgets is dropped even if it is best at the full budget."""
    def evaluate(c, b):
        return 1.0 / b if c == "slow" else 0.5 + c * 0.01
    out = successive_halving(["slow", 0, 1, 2], evaluate, 1, eta=2)
    assert out["best"] != 0


def test_fit_dev_cost_is_fits_last_dev_cost_and_inf_on_divergence():
    from dlnotes.data import make_moons
    from dlnotes.train import fit
    X, Y = make_moons(120, noise=0.2, rng=0)
    args = (X[:, :80], Y[:, :80], X[:, 80:], Y[:, 80:], [2, 4, 1])
    cost = fit_dev_cost({"learning_rate": 0.01}, 5, *args, batch_size=16)
    ref = fit(X[:, :80], Y[:, :80], [2, 4, 1], epochs=5, learning_rate=0.01, batch_size=16,
              X_dev=X[:, 80:], Y_dev=Y[:, 80:]).history["dev_cost"][-1]
    assert cost == pytest.approx(ref, rel=1e-12)
    assert fit_dev_cost({"learning_rate": 1e6, "optimizer": "gd"}, 20, *args) == float("inf")
    with pytest.raises(ValueError, match="config"):
        fit_dev_cost({"epochs": 3}, 5, *args)


def test_best_of_n_closed_forms():
    dev = np.array([0.1, 0.2, 0.3, 0.4])
    test = np.array([1.0, 2.0, 3.0, 4.0])
    assert best_of_n(dev, test, 4) == pytest.approx((0.4, 4.0))   # all compared: always the best
    d, t = best_of_n(dev, test, 1, repeats=20_000, rng=0)          # one: a uniform pick
    assert d == pytest.approx(0.25, abs=0.005) and t == pytest.approx(2.5, abs=0.05)
    # n = 2 of 4: P(max is item k) = (k - 1) / C(4, 2) for k = 1..4 -> E = (0.2 + 2*0.3 + 3*0.4) / 6
    d, _ = best_of_n(dev, test, 2, repeats=20_000, rng=1)
    assert d == pytest.approx((0.2 + 0.6 + 1.2) / 6, abs=0.003)


def test_best_of_n_selection_bias_on_independent_scores():
    """Dev scores independent of test scores: the pick's dev score rises with n, its test score does not."""
    rng = np.random.default_rng(0)
    dev, test = 0.5 + 0.03 * rng.standard_normal(2000), 0.5 + 0.03 * rng.standard_normal(2000)
    devs = [best_of_n(dev, test, n, repeats=3000, rng=0)[0] for n in (1, 10, 100)]
    tests = [best_of_n(dev, test, n, repeats=3000, rng=0)[1] for n in (1, 10, 100)]
    assert devs[0] < devs[1] < devs[2] and devs[2] - devs[0] > 0.05
    assert max(tests) - min(tests) < 0.02
