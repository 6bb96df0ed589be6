"""Gradient checking: the tool itself, and that it catches broken backward passes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import nn
from dlnotes.gradcheck import (
    classify_rel_error,
    gradient_check,
    numerical_grad,
    params_to_vector,
    relative_difference,
    vector_to_params,
)
from dlnotes.initializers import initialize_parameters


def test_numerical_grad_is_second_order_accurate_and_restores_x(rng):
    x = rng.standard_normal((2, 3))
    x0 = x.copy()
    g = numerical_grad(lambda t: float(np.sum(np.sin(t))), x, eps=1e-4)
    np.testing.assert_array_equal(x, x0)
    # two-sided: error ~ eps^2 |f'''| / 6 ~ 2e-9 here; a one-sided difference would be ~5e-5 off
    np.testing.assert_allclose(g, np.cos(x0), atol=1e-8)
    one_sided = (np.sin(x0 + 1e-4) - np.sin(x0)) / 1e-4
    assert np.abs(one_sided - np.cos(x0)).max() > 1e-6


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4))
def test_vector_round_trip(shapes):
    rng = np.random.default_rng(len(shapes))
    params = {f"W{i}": rng.standard_normal(s) for i, s in enumerate(shapes, start=1)}
    theta, spec = params_to_vector(params)
    assert theta.shape == (sum(a * b for a, b in shapes),)
    back = vector_to_params(theta, spec)
    assert list(back) == list(params)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_relative_difference():
    assert relative_difference(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_difference(np.ones(2), -np.ones(2)) == 1.0
    a = np.array([3.0, 4.0])
    assert relative_difference(a, a * (1 + 1e-8)) == pytest.approx(0.5e-8, rel=1e-3)
    assert relative_difference(a * 1e6, a * 1e6 * (1 + 1e-8)) == pytest.approx(0.5e-8, rel=1e-3)  # scale-free


def test_classify_thresholds():
    assert [classify_rel_error(r) for r in (0.0, 9.9e-8, 1e-7, 9.9e-6, 1e-5, 1e-3, 1.1e-3, 1.0)] == \
        ["great", "great", "check", "check", "suspicious", "suspicious", "wrong", "wrong"]


def _net(rng):
    X = rng.standard_normal((3, 6))
    Y = (rng.random((1, 6)) < 0.5).astype(float)
    p = initialize_parameters([3, 4, 1], "he", rng=rng)
    p["b1"] += 0.1 * rng.standard_normal((4, 1))
    acts = ("tanh", "sigmoid")
    cost = lambda q: nn.compute_cost(nn.model_forward(X, q, acts)[0], Y, "bce", parameters=q, lambd=0.5)
    AL, caches = nn.model_forward(X, p, acts)
    return p, cost, nn.model_backward(AL, Y, caches, loss="bce", lambd=0.5), (X, Y, acts)


def test_correct_backward_is_great(rng):
    p, cost, grads, _ = _net(rng)
    res = gradient_check(cost, p, grads)
    assert res.verdict == "great" and res.rel_error < 1e-7
    assert set(res.per_key) == set(p)
    assert res.analytic.shape == res.numerical.shape == (sum(v.size for v in p.values()),)


@pytest.mark.parametrize("bug", ["forgot_regularization", "db_sum_not_mean", "wrong_sign", "dropped_activation_grad"])
def test_broken_backward_is_detected(bug, rng):
    p, cost, grads, (X, Y, acts) = _net(rng)
    broken = dict(grads)
    if bug == "forgot_regularization":
        AL, caches = nn.model_forward(X, p, acts)
        broken = nn.model_backward(AL, Y, caches, loss="bce")          # lambd left out
        key = None
    elif bug == "db_sum_not_mean":
        broken["db1"] = grads["db1"] * X.shape[1]
        key = "b1"
    elif bug == "wrong_sign":
        broken["dW2"] = -grads["dW2"]
        key = "W2"
    else:                                                              # dZ1 = dA1 (no tanh')
        AL, caches = nn.model_forward(X, p, acts)
        dZ2 = AL - Y
        dA1, _, _ = nn.linear_backward(dZ2, caches[1]["linear"])
        _, broken["dW1"], broken["db1"] = nn.linear_backward(dA1, caches[0]["linear"])
        key = "W1"
    res = gradient_check(cost, p, broken)
    assert res.verdict in ("suspicious", "wrong") and res.rel_error > 1e-5
    if key is not None:
        assert max(res.per_key, key=res.per_key.get) == key              # it points at the culprit


def test_bad_input():
    with pytest.raises(TypeError, match=r"x: expected a float numpy array \(float32 or float64"):
        numerical_grad(lambda t: 0.0, [1.0, 2.0])
    with pytest.raises(ValueError, match=r"theta: expected 3 entries"):
        vector_to_params(np.zeros(4), [("W1", (1, 3))])
    with pytest.raises(ValueError, match=r"grads: expected keys \['db1'\]"):
        gradient_check(lambda q: 0.0, {"W1": np.zeros((1, 1)), "b1": np.zeros((1, 1))}, {"dW1": np.zeros((1, 1))})
    with pytest.raises(ValueError, match=r"dW1: expected shape \(1, 2\) \(the shape of W1\), got \(2, 1\)"):
        gradient_check(lambda q: 0.0, {"W1": np.zeros((1, 2))}, {"dW1": np.zeros((2, 1))})
    with pytest.raises(ValueError, match=r"rel_error: expected a non-negative finite number, got nan"):
        classify_rel_error(float("nan"))
    with pytest.raises(ValueError, match=r"g_num: expected shape \(2,\) \(the shape of g\), got \(3,\)"):
        relative_difference(np.zeros(2), np.zeros(3))


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_examples():
    g32 = numerical_grad(lambda x: float(np.sum(x ** 2)), np.array([2.0], dtype=np.float32))
    assert g32.dtype == np.float32 and np.round(g32, 3).tolist() == [4.0]
    assert relative_difference(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert (classify_rel_error(1e-4, np.float32), classify_rel_error(0.2, np.float32)) == ("great", "wrong")
    params = {"w": np.array([1.0, -2.0])}
    cost = lambda p: float(np.sum(p["w"] ** 2))
    assert gradient_check(cost, params, {"dw": 2 * params["w"]}).verdict == "great"
    p32 = {"w": np.array([1.0, -2.0], dtype=np.float32)}
    assert gradient_check(cost, p32, {"dw": 2 * p32["w"]}).verdict == "great"   # larger step, looser thresholds
