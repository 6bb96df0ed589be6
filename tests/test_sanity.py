"""Sanity checks of a training run: closed forms, the shapes of loss curves, and fit's diagnostics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlnotes.data import make_circles
from dlnotes.initializers import initialize_parameters
from dlnotes.nn import compute_cost, model_backward, model_forward
from dlnotes.sanity import (LOSS_CURVE_SHAPES, expected_initial_loss, initial_loss_check, loss_curve_shape,
                            overfit_small_subset, sanity_report, update_ratios)
from dlnotes.train import fit


@pytest.fixture(scope="module")
def circles():
    return make_circles(200, noise=0.1, factor=0.5, rng=0)


def test_expected_initial_loss_closed_forms():
    assert expected_initial_loss(1) == pytest.approx(math.log(2))
    for C in (2, 3, 10, 1000):
        assert expected_initial_loss(C) == pytest.approx(math.log(C))


@pytest.mark.parametrize("n_y", [1, 3, 10])
def test_zero_logits_give_exactly_ln_c(n_y):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4, 60))
    Y = (np.arange(60) % 2).reshape(1, 60).astype(float) if n_y == 1 else np.arange(60).reshape(1, 60) % n_y
    p = initialize_parameters([4, 8, n_y], "he", 0)
    p["W2"][:] = 0.0                                    # the output logits are exactly 0
    r = initial_loss_check(X, Y, p)
    assert r["cost"] == pytest.approx(math.log(2) if n_y == 1 else math.log(n_y), rel=1e-12)
    assert r["label_blind"] == pytest.approx(r["expected"], rel=1e-12)
    assert r["logit_std"] == 0.0 and r["ok"]


def test_label_blind_cost_matches_its_definition_and_small_logit_expansion():
    rng = np.random.default_rng(1)
    C, m = 5, 4000
    X = rng.standard_normal((3, m))
    Y = np.arange(m).reshape(1, m) % C
    p = initialize_parameters([3, C], "lecun", 0)
    p["W1"] *= 0.05                                     # small logits
    r = initial_loss_check(X, Y, p, activations=("softmax",))
    Z = p["W1"] @ X + p["b1"]
    direct = np.mean(np.log(np.exp(Z).sum(axis=0)) - Z.mean(axis=0))      # balanced classes: pi_k = 1/C
    assert r["label_blind"] == pytest.approx(direct, rel=1e-10)
    second_order = math.log(C) + 0.5 * np.mean(Z.var(axis=0))
    assert r["label_blind"] == pytest.approx(second_order, abs=1e-5)
    assert r["label_blind"] >= math.log(C)                                  # Jensen


def test_large_initial_weights_fail_the_check(circles):
    X, Y = circles
    assert not initial_loss_check(X, Y, initialize_parameters([2, 16, 16, 1], "normal", 0))["ok"]
    assert initial_loss_check(X, Y, initialize_parameters([2, 16, 16, 1], "random_small", 0))["ok"]


def test_update_ratios_closed_form_and_linearity():
    p = initialize_parameters([3, 4, 2], "he", 0)
    g = {f"d{k}": np.random.default_rng(1).standard_normal(v.shape) for k, v in p.items()}
    r = update_ratios(p, g, 0.01)
    assert set(r) == {"W1", "W2"}
    for k in r:
        assert r[k] == pytest.approx(0.01 * np.linalg.norm(g["d" + k]) / np.linalg.norm(p[k]), rel=1e-14)
    r2 = update_ratios(p, g, 0.02)
    assert all(r2[k] == pytest.approx(2 * r[k]) for k in r)


def test_fit_records_the_initial_cost_of_its_initial_parameters(circles):
    X, Y = circles
    r = fit(X, Y, [2, 8, 1], learning_rate=0.01, epochs=3, rng=0)
    p0 = initialize_parameters([2, 8, 1], "he", 0)
    AL, _ = model_forward(X, p0, ("relu", "sigmoid"))
    assert r.diagnostics["initial_cost"] == pytest.approx(compute_cost(AL, Y, "bce"), rel=1e-12)
    assert r.history["cost"][0] == pytest.approx(r.diagnostics["initial_cost"], rel=1e-12)   # full batch


def test_fit_update_ratio_of_gradient_descent_is_the_closed_form(circles):
    """One full-batch gradient-descent step: the recorded ratio is ||lr dW|| / ||W|| at the start."""
    X, Y = circles
    lr = 0.05
    r = fit(X, Y, [2, 8, 1], activations=("tanh", "sigmoid"), optimizer="gd", learning_rate=lr,
            epochs=1, rng=0)
    p0 = initialize_parameters([2, 8, 1], "he", 0)
    AL, caches = model_forward(X, p0, ("tanh", "sigmoid"))
    expected = update_ratios(p0, model_backward(AL, Y, caches, loss="bce"), lr)
    for k, v in expected.items():
        assert r.diagnostics["update_ratio"][k] == [pytest.approx(v, rel=1e-10)]


def test_fit_update_ratio_of_adams_first_step_is_alpha_sqrt_n_over_norm(circles):
    """Adam's first step moves every entry by about alpha: ratio = alpha sqrt(n_in n_out) / ||W||."""
    X, Y = circles
    lr = 0.01
    r = fit(X, Y, [2, 8, 4, 1], activations=("tanh", "tanh", "sigmoid"), learning_rate=lr, epochs=1, rng=0)
    p0 = initialize_parameters([2, 8, 4, 1], "he", 0)
    for l in (1, 2, 3):
        W = p0[f"W{l}"]
        assert r.diagnostics["update_ratio"][f"W{l}"][0] == pytest.approx(
            lr * math.sqrt(W.size) / np.linalg.norm(W), rel=1e-3)


def test_fit_diagnostics_are_the_same_in_both_engines(circles):
    X, Y = circles
    runs = [fit(X, Y, [2, 8, 1], learning_rate=0.01, epochs=4, batch_size=64, rng=0, engine=e)
            for e in ("readable", "fused")]
    assert runs[1].config["engine"] == "fused"
    a, b = (r.diagnostics for r in runs)
    assert a["initial_cost"] == pytest.approx(b["initial_cost"], rel=1e-12)
    for k in a["update_ratio"]:
        np.testing.assert_allclose(a["update_ratio"][k], b["update_ratio"][k], rtol=1e-8)
        assert len(a["update_ratio"][k]) == 4


def test_zero_weights_give_a_zero_ratio_when_they_do_not_move(circles):
    X, Y = circles
    r = fit(X, Y, [2, 8, 1], init="zeros", learning_rate=0.01, epochs=3, rng=0)
    assert r.diagnostics["update_ratio"]["W1"] == [0.0, 0.0, 0.0]


T = np.arange(100, dtype=float)


@pytest.mark.parametrize("curve,shape", [
    (0.7 * np.exp(-T / 10) + 0.05, "healthy"),
    (0.7 - 0.003 * T, "slow"),
    (0.7 + 0 * T, "not moving"),
    (0.7 + 0.001 * np.sin(T), "not moving"),
    (0.7 + 0.004 * T, "diverging"),
    (0.7 - 0.5 / (1 + np.exp(-(T - 50) / 4)), "plateau"),
    (0.7 * np.exp(-T / 10) + 0.2 + 0.1 * (T % 2), "oscillating"),
])
def test_loss_curve_shapes_of_synthetic_curves(curve, shape):
    assert shape in LOSS_CURVE_SHAPES
    assert loss_curve_shape(curve) == shape


def test_loss_curve_shape_needs_ten_values():
    with pytest.raises(ValueError, match="costs"):
        loss_curve_shape([1.0, 0.5])


def test_overfit_small_subset_passes_when_the_model_works_and_fails_on_a_bug(circles):
    X, Y = circles
    ok = overfit_small_subset(X, Y, [2, 16, 16, 1], m=12, rng=0)
    assert ok["passed"] and ok["final_cost"] < 0.05 and ok["train_accuracy"] == 1.0
    bug = overfit_small_subset(X, Y, [2, 16, 16, 1], m=12, init="zeros", rng=0)
    assert not bug["passed"] and bug["final_cost"] > 0.3


def test_sanity_report_flags_what_is_wrong(circles):
    X, Y = circles
    slow = sanity_report(fit(X, Y, [2, 16, 16, 1], learning_rate=1e-4, epochs=100, rng=0))
    assert slow.curve == "slow" and any("slow" in w for w in slow.warnings)
    zero = sanity_report(fit(X, Y, [2, 16, 16, 1], init="zeros", learning_rate=0.01, epochs=50, rng=0), X, Y)
    assert zero.curve == "not moving" and not zero.overfit["passed"]
    assert any("W1" in w for w in zero.warnings)          # a ratio of 0, outside the band
    text = str(zero)
    assert max(len(line) for line in text.splitlines()) <= 70
