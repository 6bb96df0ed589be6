"""Penalties, inverted dropout and ridge regression."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import regularization as R
from dlnotes.gradcheck import numerical_grad, relative_difference


def _params(rng):
    return {"W1": rng.standard_normal((3, 4)), "b1": rng.standard_normal((3, 1)),
            "gamma2": rng.standard_normal((2, 1)), "W2": rng.standard_normal((2, 3)), "b2": np.ones((2, 1))}


def test_l2_penalty_value_ignores_biases(rng):
    p = _params(rng)
    expected = 0.3 / (2 * 10) * (np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))
    assert R.l2_penalty(p, 0.3, 10) == pytest.approx(expected)
    p2 = dict(p, b1=p["b1"] * 100, gamma2=p["gamma2"] * 100)
    assert R.l2_penalty(p2, 0.3, 10) == pytest.approx(expected)
    assert R.l2_penalty(p, 0.0, 10) == 0.0


def test_l1_penalty_value(rng):
    p = _params(rng)
    expected = 0.3 / 10 * (np.sum(np.abs(p["W1"])) + np.sum(np.abs(p["W2"])))
    assert R.l1_penalty(p, 0.3, 10) == pytest.approx(expected)


def test_penalty_gradients_match_numerical(rng):
    W = rng.standard_normal((3, 4))
    W = np.where(np.abs(W) < 0.01, 0.5, W)               # L1 is checked away from its kink at 0
    num2 = numerical_grad(lambda w: R.l2_penalty({"W1": w}, 0.7, 5), W.copy(), 1e-6)
    assert relative_difference(R.l2_penalty_grad(W, 0.7, 5), num2) < 1e-7
    num1 = numerical_grad(lambda w: R.l1_penalty({"W1": w}, 0.7, 5), W.copy(), 1e-6)
    assert relative_difference(R.l1_penalty_grad(W, 0.7, 5), num1) < 1e-7
    assert R.l1_penalty_grad(np.zeros((1, 2)), 0.7, 5).tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_penalty_grads_and_dropout_keep_dtype(dtype, rng):
    W = rng.standard_normal((3, 3)).astype(dtype)
    assert R.l2_penalty_grad(W, np.float64(0.1), 4).dtype == dtype
    assert R.l1_penalty_grad(W, np.float64(0.1), 4).dtype == dtype
    A_drop, D = R.dropout_forward(W, np.float64(0.7), rng)
    assert A_drop.dtype == dtype and D.dtype == bool
    assert R.dropout_backward(W, D, np.float64(0.7)).dtype == dtype


def test_dropout_keeps_the_expectation(rng):
    A = rng.uniform(1, 2, (50, 400))
    A_drop, D = R.dropout_forward(A, 0.8, rng)
    assert D.mean() == pytest.approx(0.8, abs=0.01)
    np.testing.assert_allclose(A_drop[D], A[D] / 0.8)
    assert np.all(A_drop[~D] == 0)
    assert A_drop.mean() == pytest.approx(A.mean(), rel=0.01)


def test_dropout_keep_prob_one_is_identity_and_seed_is_reproducible(rng):
    A = rng.standard_normal((4, 6))
    A_drop, D = R.dropout_forward(A, 1.0, 0)
    np.testing.assert_array_equal(A_drop, A)
    assert D.all()
    a1, d1 = R.dropout_forward(A, 0.5, 3)
    a2, d2 = R.dropout_forward(A, 0.5, np.random.default_rng(3))
    np.testing.assert_array_equal(d1, d2)
    np.testing.assert_array_equal(a1, a2)


def test_dropout_backward_matches_numerical_with_fixed_mask(rng):
    A = rng.standard_normal((3, 5))
    _, D = R.dropout_forward(A, 0.6, rng)
    U = rng.standard_normal((3, 5))
    f = lambda a: float(np.sum(U * (a * D / 0.6)))      # the forward with this mask is linear in A
    num = numerical_grad(f, A.copy(), 1e-6)
    assert relative_difference(R.dropout_backward(U, D, 0.6), num) < 1e-7


def test_ridge_polyfit_lambda_zero_is_least_squares(rng):
    x = rng.uniform(-1, 1, 30)
    y = np.sin(3 * x) + 0.1 * rng.standard_normal(30)
    w = R.ridge_polyfit(x, y, 4, 0.0)
    np.testing.assert_allclose(w, np.polynomial.polynomial.polyfit(x, y, 4), rtol=1e-8, atol=1e-10)


@given(st.integers(1, 6), st.floats(0.01, 100), st.integers(0, 2**32 - 1))
def test_ridge_polyfit_gradient_vanishes_at_solution(degree, lambd, seed):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(-1, 1, 20), rng.standard_normal(20)
    w = R.ridge_polyfit(x, y, degree, lambd)
    Phi = np.vander(x, degree + 1, increasing=True)

    def J(v):
        return float(np.sum((Phi @ v - y) ** 2) / 40 + lambd / 40 * np.sum(v[1:] ** 2))

    grad = (Phi.T @ (Phi @ w - y) + lambd * np.r_[0, w[1:]]) / 20
    assert np.linalg.norm(grad) < 1e-8 * (1 + np.linalg.norm(Phi.T @ y))
    for k in range(degree + 1):                      # and it is a minimum, not a saddle
        e = np.zeros(degree + 1)
        e[k] = 1e-3
        assert J(w + e) > J(w) and J(w - e) > J(w)


def test_ridge_polyfit_shrinks_with_lambda(rng):
    x = rng.uniform(-1, 1, 25)
    y = 2 + x ** 3 + 0.2 * rng.standard_normal(25)
    norms = [np.linalg.norm(R.ridge_polyfit(x, y, 5, lam)[1:]) for lam in (0.0, 0.1, 1.0, 10.0, 1e6)]
    assert all(a > b for a, b in zip(norms, norms[1:]))
    w_inf = R.ridge_polyfit(x, y, 5, 1e9)
    assert w_inf[0] == pytest.approx(y.mean(), rel=1e-4)   # the unpenalized intercept stays


def test_bad_input(rng):
    A = rng.standard_normal((2, 3))
    for bad in (0.0, 1.5, -0.2):
        with pytest.raises(ValueError, match=rf"keep_prob: expected a value in \(0.0, 1.0\], got {bad}"):
            R.dropout_forward(A, bad, 0)
    with pytest.raises(TypeError, match=r"rng: expected a numpy.random.Generator"):
        R.dropout_forward(A, 0.5, None)
    with pytest.raises(ValueError, match=r"D: expected shape \(2, 3\) \(the shape of dA\), got \(3, 2\)"):
        R.dropout_backward(A, np.ones((3, 2), bool), 0.5)
    with pytest.raises(ValueError, match=r"lambd: expected a value in \[0.0, inf\), got -0.1"):
        R.l2_penalty({"W1": A}, -0.1, 3)
    with pytest.raises(TypeError, match=r"m: expected an integer"):
        R.l2_penalty_grad(A, 0.1, 2.5)
    with pytest.raises(ValueError, match=r"W: expected finite values"):
        R.l1_penalty_grad(np.array([[np.inf]]), 0.1, 2)
    with pytest.raises(ValueError, match=r"y: expected shape \(3,\) \(the shape of x\), got \(4,\)"):
        R.ridge_polyfit(np.zeros(3), np.zeros(4), 1, 0.0)
    with pytest.raises(TypeError, match=r"parameters: expected a dict"):
        R.l2_penalty([A], 0.1, 3)


def test_ridge_polyfit_keeps_float32():
    """Regression: np.vander promoted float32 data to float64 and the coefficients came back float64."""
    x = np.linspace(0, 1, 10, dtype=np.float32)
    w = R.ridge_polyfit(x, 1 + 2 * x, degree=1, lambd=0.0)
    assert w.dtype == np.float32
    np.testing.assert_allclose(w, [1.0, 2.0], rtol=1e-5)
