"""Logistic regression: loop == vectorized, numerical gradients, gradient-descent steps, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import logistic as lr
from dlnotes.gradcheck import numerical_grad, relative_difference


def _data(rng, n=3, m=20, dtype=np.float64):
    X = rng.standard_normal((n, m)).astype(dtype)
    Y = (X[0:1] + 0.5 * rng.standard_normal((1, m)) > 0).astype(np.int64)
    return X, Y


@given(st.integers(1, 5), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_loop_and_vectorized_agree(n, m, seed):
    rng = np.random.default_rng(seed)
    X, Y = _data(rng, n, m)
    w, b = rng.standard_normal((n, 1)), float(rng.standard_normal())
    g_loop, c_loop = lr.propagate_loop(w, b, X, Y)
    g_vec, c_vec = lr.propagate(w, b, X, Y)
    np.testing.assert_allclose(g_loop["dw"], g_vec["dw"], rtol=1e-10, atol=1e-14)
    assert float(g_loop["db"]) == pytest.approx(float(g_vec["db"]), rel=1e-10, abs=1e-14)
    assert c_loop == pytest.approx(c_vec, rel=1e-10)


def test_gradients_match_numerical(rng):
    X, Y = _data(rng)
    w, b = rng.standard_normal((3, 1)), 0.3
    grads, _ = lr.propagate(w, b, X, Y)
    num_w = numerical_grad(lambda v: lr.propagate(v, b, X, Y)[1], w.copy(), 1e-6)
    num_b = numerical_grad(lambda v: lr.propagate(w, v[0], X, Y)[1], np.array([b]), 1e-6)
    assert relative_difference(grads["dw"], num_w) < 1e-7
    assert relative_difference(np.array([grads["db"]]), num_b) < 1e-7


def test_first_step_from_zeros_matches_closed_form(rng):
    X, Y = _data(rng)
    m = X.shape[1]
    params, _, costs = lr.optimize(*lr.initialize_zeros(3), X, Y, num_iterations=1, learning_rate=0.1)
    # at w = 0, b = 0: A = 1/2, so dw = X (1/2 - Y)^T / m and db = mean(1/2 - Y)
    np.testing.assert_allclose(params["w"], -0.1 * X @ (0.5 - Y).T / m)
    assert float(params["b"]) == pytest.approx(-0.1 * np.mean(0.5 - Y))
    assert costs == [pytest.approx(np.log(2))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype, rng):
    X, Y = _data(rng, dtype=dtype)
    w, b = lr.initialize_zeros(3, dtype=dtype)
    for propagate in (lr.propagate, lr.propagate_loop):
        grads, cost = propagate(w, b, X, Y)
        assert grads["dw"].dtype == dtype and np.asarray(grads["db"]).dtype == dtype
        assert isinstance(cost, float)
    params, _, _ = lr.optimize(w, b, X, Y, num_iterations=5, learning_rate=np.float64(0.1))
    assert params["w"].dtype == dtype and np.asarray(params["b"]).dtype == dtype


def test_optimize_decreases_cost_and_fit_separates(rng):
    X, Y = _data(rng, m=60)
    _, _, costs = lr.optimize(*lr.initialize_zeros(3), X, Y, num_iterations=300, learning_rate=0.5,
                              record_every=50)
    assert len(costs) == 6 and all(a > b for a, b in zip(costs, costs[1:]))
    Xs = np.array([[-3.0, -2.0, -1.0, 1.0, 2.0, 3.0], [0.0, 1.0, 0.0, 1.0, 0.0, 1.0]])
    Ys = np.array([[0, 0, 0, 1, 1, 1]])
    res = lr.fit(Xs, Ys, Xs, Ys, num_iterations=200)
    assert res["train_accuracy"] == 1.0 and res["test_accuracy"] == 1.0
    np.testing.assert_array_equal(lr.predict(res["w"], res["b"], Xs), Ys)


def test_divergence_raises_floating_point_error():
    X = np.array([[1e200, -1e200]])
    Y = np.array([[0, 1]])
    with pytest.raises(FloatingPointError, match=r"diverged at iteration 0 .*smaller learning_rate"):
        lr.optimize(np.zeros((1, 1)), 0.0, X, Y, num_iterations=5, learning_rate=1e200)


def test_bad_input(rng):
    X, Y = _data(rng, m=400)
    w, b = lr.initialize_zeros(3)
    with pytest.raises(ValueError, match=r"Y: expected shape \(n_y, 400\) to match X's 400 examples.*got \(400,\)"):
        lr.propagate(w, b, X, Y.ravel())
    with pytest.raises(ValueError, match=r"Y: expected labels in \{0, 1\}, got \[2.0\]"):
        lr.propagate(w, b, X, Y * 2)
    with pytest.raises(ValueError, match=r"w: expected shape \(3, 1\) to match X's 3 features \(rows\), got \(1, 3\)"):
        lr.propagate(w.T, b, X, Y)
    with pytest.raises(ValueError, match=r"X: expected finite values"):
        lr.predict(w, b, np.full((3, 2), np.inf))
    with pytest.raises(TypeError, match=r"b: expected a real number"):
        lr.predict(w, "0", X)
    with pytest.raises(ValueError, match=r"learning_rate: expected a value in \(0, inf\), got -0.1"):
        lr.optimize(w, b, X, Y, learning_rate=-0.1)
    with pytest.raises(ValueError, match=r"X_test, Y_test: expected both or neither"):
        lr.fit(X, Y, X, num_iterations=1)


def test_fit_validates_the_test_set_before_training_and_keeps_the_model_dtype(rng):
    """Regression: Y_test labels were not checked (2*Y gave a silent, meaningless accuracy), a float32
    model rejected a float64 X_test with an error naming ``w``, and a wrong X_test size named ``w``.
    Since issue 10 a float64 X_test for a float32 model is refused naming X_test (no silent cast)."""
    X, Y = rng.standard_normal((2, 10)), (np.arange(10) % 2).reshape(1, 10)
    with pytest.raises(ValueError, match=r"^Y_test: expected labels"):
        lr.fit(X, Y, X, 2 * Y, num_iterations=1)
    with pytest.raises(ValueError, match=r"^X_test: expected shape \(2, m_test\)"):
        lr.fit(X, Y, X[:1], Y, num_iterations=1)
    with pytest.raises(ValueError, match=r"^Y_train: expected labels"):
        lr.fit(X, 2 * Y, num_iterations=1)
    with pytest.raises(TypeError, match=r"^X_test: expected dtype float32 \(the dtype of X_train\), got float64"):
        lr.fit(X.astype(np.float32), Y, X, Y, num_iterations=5)
    res = lr.fit(X.astype(np.float32), Y, X.astype(np.float32), Y, num_iterations=5)
    assert res["w"].dtype == np.float32 and 0 <= res["test_accuracy"] <= 1
