"""Losses: values, means over examples, numerical gradients, stability, dtypes, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import losses as L
from dlnotes.activations import sigmoid, softmax
from dlnotes.gradcheck import numerical_grad, relative_difference


def _binary(rng, shape):
    return (rng.random(shape) < 0.5).astype(float)


def _onehot(rng, C, m):
    return np.eye(C)[rng.integers(0, C, m)].T


def test_known_values():
    assert L.binary_cross_entropy(np.array([[0.5, 0.5]]), np.array([[1, 0]])) == pytest.approx(np.log(2))
    assert L.binary_cross_entropy(np.array([[0.9, 0.2]]), np.array([[1, 0]])) == pytest.approx(
        -(np.log(0.9) + np.log(0.8)) / 2)
    assert L.categorical_cross_entropy(np.array([[0.2, 0.5], [0.8, 0.5]]), np.array([[0, 1], [1, 0]])) == \
        pytest.approx(-(np.log(0.8) + np.log(0.5)) / 2)
    assert L.mean_squared_error(np.array([[1.0, 3.0]]), np.array([[0.0, 1.0]])) == pytest.approx(1.25)


def test_cost_is_a_mean_not_a_sum(rng):
    A, Y = rng.uniform(0.05, 0.95, (1, 10)), _binary(rng, (1, 10))
    twice = L.binary_cross_entropy(np.hstack([A, A]), np.hstack([Y, Y]))
    assert twice == pytest.approx(L.binary_cross_entropy(A, Y))
    per_example = [L.binary_cross_entropy(A[:, i:i + 1], Y[:, i:i + 1]) for i in range(10)]
    assert L.binary_cross_entropy(A, Y) == pytest.approx(np.mean(per_example))


def test_bce_from_probabilities_equals_from_logits(rng):
    Z, Y = rng.uniform(-8, 8, (2, 9)), _binary(rng, (2, 9))
    assert L.binary_cross_entropy(sigmoid(Z), Y) == pytest.approx(L.binary_cross_entropy_from_logits(Z, Y),
                                                                  rel=1e-10)


def test_cce_from_probabilities_equals_from_logits_and_sparse(rng):
    Z, Y = rng.standard_normal((4, 7)) * 3, _onehot(rng, 4, 7)
    ref = L.categorical_cross_entropy_from_logits(Z, Y)
    assert L.categorical_cross_entropy(softmax(Z), Y) == pytest.approx(ref, rel=1e-10)
    labels = np.argmax(Y, axis=0)
    assert L.sparse_categorical_cross_entropy(softmax(Z), labels) == pytest.approx(ref, rel=1e-10)
    assert L.sparse_categorical_cross_entropy(softmax(Z), labels[None, :]) == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_at_extreme_logits(dtype):
    Z = np.array([[1000.0, -1000.0, 1000.0, -1000.0]], dtype=dtype)
    Y = np.array([[1, 0, 0, 1]])
    # exact: the two wrong examples cost 1000 each
    assert L.binary_cross_entropy_from_logits(Z, Y) == pytest.approx(500.0)
    cost = L.binary_cross_entropy(sigmoid(Z), Y)          # probabilities 0 and 1: clipped, finite
    eps = np.finfo(dtype).eps
    assert np.isfinite(cost) and cost == pytest.approx(-np.log(eps) / 2, rel=1e-3)
    assert np.all(np.isfinite(L.bce_grad(sigmoid(Z), Y)))
    Zc = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=dtype)
    eye = np.eye(2, dtype=dtype)                          # float labels must have the logits' dtype
    assert L.categorical_cross_entropy_from_logits(Zc, eye) == pytest.approx(0.0, abs=1e-12)
    assert L.categorical_cross_entropy_from_logits(Zc, eye[::-1]) == pytest.approx(2000.0)
    assert np.isfinite(L.categorical_cross_entropy(softmax(Zc), eye[::-1]))


def test_clip_eps_survives_float32():
    eps = L.clip_eps(np.float32)
    assert np.float32(1) - np.float32(eps) < 1          # 1e-15 would round back to 1 in float32


def test_bce_grad_matches_numerical(rng):
    A, Y = rng.uniform(0.1, 0.9, (2, 6)), _binary(rng, (2, 6))
    m = A.shape[1]
    num = numerical_grad(lambda a: L.binary_cross_entropy(a, Y), A.copy(), eps=1e-6)
    assert relative_difference(L.bce_grad(A, Y) / m, num) < 1e-7   # per-example grad, 1/m in the cost


def test_bce_from_logits_gradient_is_a_minus_y(rng):
    Z, Y = rng.standard_normal((1, 8)) * 3, _binary(rng, (1, 8))
    num = numerical_grad(lambda z: L.binary_cross_entropy_from_logits(z, Y), Z.copy(), eps=1e-6)
    assert relative_difference((sigmoid(Z) - Y) / 8, num) < 1e-7


def test_cce_gradients_match_numerical(rng):
    C, m = 4, 5
    Z, Y = rng.standard_normal((C, m)), _onehot(rng, C, m)
    num = numerical_grad(lambda z: L.categorical_cross_entropy_from_logits(z, Y), Z.copy(), eps=1e-6)
    assert relative_difference(L.softmax_cross_entropy_grad(softmax(Z), Y) / m, num) < 1e-7
    P = softmax(Z)
    num_p = numerical_grad(lambda p: L.categorical_cross_entropy(p, Y), P.copy(), eps=1e-7)
    assert relative_difference(-Y / P / m, num_p) < 1e-7


def test_mse_grad_matches_numerical(rng):
    A, Y = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    num = numerical_grad(lambda a: L.mean_squared_error(a, Y), A.copy(), eps=1e-6)
    assert relative_difference(L.mse_grad(A, Y) / 5, num) < 1e-7


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradients_keep_dtype(dtype, rng):
    A = rng.uniform(0.1, 0.9, (2, 3)).astype(dtype)
    Y = (rng.random((2, 3)) < 0.5).astype(np.int64)     # integer labels must not upcast float32
    assert L.bce_grad(A, Y).dtype == dtype
    assert L.mse_grad(A, Y).dtype == dtype
    P = softmax(rng.standard_normal((3, 4)).astype(dtype))
    assert L.softmax_cross_entropy_grad(P, np.eye(3)[:, [0, 1, 2, 0]].astype(np.int64)).dtype == dtype
    assert isinstance(L.binary_cross_entropy(A, Y), float)


@given(st.integers(1, 4), st.integers(1, 12), st.integers(0, 2**32 - 1))
def test_costs_are_nonnegative_and_zero_at_perfect_prediction(n, m, seed):
    rng = np.random.default_rng(seed)
    Y = _binary(rng, (n, m))
    assert L.binary_cross_entropy(rng.uniform(0.01, 0.99, (n, m)), Y) >= 0
    assert L.binary_cross_entropy(Y, Y) == pytest.approx(0.0, abs=1e-12)
    Yc = _onehot(rng, n + 1, m)
    assert L.categorical_cross_entropy(Yc, Yc) == pytest.approx(0.0, abs=1e-12)
    assert L.categorical_cross_entropy(softmax(rng.standard_normal((n + 1, m))), Yc) > 0
    assert L.mean_squared_error(Y, Y) == 0.0


def test_bad_input():
    A = np.full((1, 400), 0.5)
    with pytest.raises(ValueError, match=r"Y: expected shape \(n_y, 400\) to match A's 400 examples.*got \(400,\)"):
        L.binary_cross_entropy(A, np.zeros(400))
    with pytest.raises(ValueError, match=r"Y: expected labels in \{0, 1\}, got \[2.0\]"):
        L.binary_cross_entropy(A, np.full((1, 400), 2.0))
    with pytest.raises(ValueError, match=r"Y: expected labels in \{0, 1\}"):
        L.binary_cross_entropy_from_logits(np.zeros((1, 2)), np.array([[0.5, 1.0]]))
    with pytest.raises(ValueError, match=r"Y: expected labels in \{0, 1\}"):
        L.bce_grad(np.full((1, 2), 0.5), np.array([[-1, 1]]))
    with pytest.raises(ValueError, match=r"A: expected finite values"):
        L.binary_cross_entropy(np.array([[np.nan]]), np.array([[1]]))
    with pytest.raises(ValueError, match=r"A: expected a non-empty array"):
        L.mean_squared_error(np.zeros((1, 0)), np.zeros((1, 0)))
    with pytest.raises(ValueError, match=r"Y: expected shape \(2, 3\) \(the shape of A\), got \(1, 3\)"):
        L.mean_squared_error(np.zeros((2, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"Y: expected one-hot columns"):
        L.categorical_cross_entropy(np.full((2, 2), 0.5), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"labels: expected class indices in \[0, 1\], got values in \[0, 2\]"):
        L.sparse_categorical_cross_entropy(np.full((2, 2), 0.5), np.array([0, 2]))
    with pytest.raises(ValueError, match=r"labels: expected shape \(2,\) or \(1, 2\)"):
        L.sparse_categorical_cross_entropy(np.full((2, 2), 0.5), np.array([0, 1, 1]))
    with pytest.raises(TypeError, match=r"labels: expected integer class indices"):
        L.sparse_categorical_cross_entropy(np.full((2, 2), 0.5), np.array([0.5, 1.0]))
    with pytest.raises(TypeError, match=r"Y: expected an array of numbers"):
        L.mean_squared_error(np.zeros((1, 2)), np.array([["a", "b"]]))


# --- framework conventions (PyTorch, Keras): rows are examples ----------------------------------

def _torch_documented(x, target):
    """PyTorch's documented formula, written out: l_n = -x[n, y_n] + log sum_c exp(x[n, c]), mean over n."""
    return float(np.mean([-x[n, target[n]] + np.log(np.sum(np.exp(x[n]))) for n in range(len(target))]))


def test_torch_cross_entropy_is_the_documented_formula(rng):
    x, target = rng.standard_normal((6, 4)) * 2, rng.integers(0, 4, 6)
    assert L.torch_cross_entropy(x, target) == pytest.approx(_torch_documented(x, target), rel=1e-12)
    per_row = L.torch_cross_entropy(x, target, reduction="none")
    assert per_row.shape == (6,)
    assert L.torch_cross_entropy(x, target, reduction="sum") == pytest.approx(per_row.sum(), rel=1e-12)


def test_torch_cross_entropy_is_the_course_loss_transposed(rng):
    Z, labels = rng.standard_normal((5, 9)) * 3, rng.integers(0, 5, 9)        # course: (C, m) columns
    Y = np.eye(5)[labels].T
    assert L.torch_cross_entropy(Z.T, labels) == pytest.approx(L.categorical_cross_entropy_from_logits(Z, Y), rel=1e-12)
    dZ = L.softmax_cross_entropy_grad(softmax(Z), Y)                           # per example, no 1/m
    assert np.allclose(L.torch_cross_entropy_grad(Z.T, labels), dZ.T / 9, atol=1e-14)


def test_torch_cross_entropy_is_stable_for_huge_logits():
    assert L.torch_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1])) == pytest.approx(1000.0)
    assert L.torch_cross_entropy(np.array([[1000.0, 0.0]], dtype=np.float32), np.array([0])) == 0.0


def test_torch_cross_entropy_grad_matches_finite_differences(rng):
    x, target = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    num = numerical_grad(lambda v: L.torch_cross_entropy(v, target), x.copy())
    assert relative_difference(num, L.torch_cross_entropy_grad(x, target)) < 1e-8


def test_torch_cross_entropy_keeps_float32():
    g = L.torch_cross_entropy_grad(np.zeros((2, 3), dtype=np.float32), np.array([0, 2]))
    assert g.dtype == np.float32


def test_keras_documented_example():
    # keras.losses.CategoricalCrossentropy's documented example: 1.1769392 (y_pred clipped at 1e-7)
    y_true = np.array([[0, 1, 0], [0, 0, 1]])
    y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert L.keras_categorical_crossentropy(y_true, y_pred) == pytest.approx(1.1769392, abs=1e-6)
    assert L.keras_categorical_crossentropy(y_true, y_pred.astype(np.float32)) == pytest.approx(1.1769392, abs=1e-6)


def test_keras_from_logits_equals_torch_and_the_probability_form(rng):
    x, labels = rng.standard_normal((7, 4)) * 2, rng.integers(0, 4, 7)
    y_true = np.eye(4)[labels]
    from_logits = L.keras_categorical_crossentropy(y_true, x, from_logits=True)
    assert from_logits == pytest.approx(L.torch_cross_entropy(x, labels), rel=1e-12)
    probs = softmax(x.T).T                                     # no probability near the 1e-7 clip here
    assert L.keras_categorical_crossentropy(y_true, probs) == pytest.approx(from_logits, rel=1e-10)


def test_keras_refuses_logits_given_as_probabilities():
    with pytest.raises(ValueError, match="from_logits=True"):
        L.keras_categorical_crossentropy(np.eye(2), np.array([[2.0, -1.0], [0.5, 3.0]]))


def test_softmax_before_the_loss_bounds_it_below(rng):
    """The classic bug, softmax then CrossEntropyLoss, cannot go below log(1 + (C - 1)/e)."""
    C = 10
    x = np.full((1, C), -50.0)
    x[0, 3] = 50.0                                             # a perfect, confident prediction
    right = L.torch_cross_entropy(x, np.array([3]))
    buggy = L.torch_cross_entropy(softmax(x.T).T, np.array([3]))
    assert right < 1e-30
    assert buggy == pytest.approx(np.log(1 + (C - 1) / np.e), rel=1e-12)
