"""Activations: values, stability, derivatives checked numerically, dtypes, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from dlnotes import activations as act
from dlnotes.gradcheck import numerical_grad, relative_difference

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def _away_from_zero(rng, shape, margin=0.05):
    z = rng.uniform(-4, 4, size=shape)
    return np.where(np.abs(z) < margin, z + np.sign(z + 1e-12) * 2 * margin, z)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_two_sided_difference(name, rng):
    g, g_grad = act.ACTIVATIONS[name]
    z = _away_from_zero(rng, (4, 7))
    weights = rng.standard_normal(z.shape)          # f(z) = sum(r * g(z)) has gradient r * g'(z)
    num = numerical_grad(lambda t: float(np.sum(weights * g(t))), z.copy(), eps=1e-6)
    assert relative_difference(weights * g_grad(z), num) < 1e-7


def test_known_values():
    np.testing.assert_allclose(act.sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75])
    np.testing.assert_allclose(act.tanh(np.array([0.5])), [np.tanh(0.5)])
    np.testing.assert_array_equal(act.relu(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(act.leaky_relu(np.array([-1.0, 2.0]), alpha=0.2), [-0.2, 2.0])
    np.testing.assert_allclose(act.sigmoid_grad(np.array([0.0])), [0.25])


def test_relu_grad_at_zero_is_zero_and_leaky_is_alpha():
    assert act.relu_grad(np.array([0.0]))[0] == 0.0
    assert act.leaky_relu_grad(np.array([0.0]), alpha=0.1)[0] == pytest.approx(0.1)
    np.testing.assert_array_equal(act.leaky_relu_grad(np.array([-3.0, 3.0]), alpha=0.1), [0.1, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_at_extreme_logits(dtype):
    z = np.array([[-1000.0, -50.0, 0.0, 50.0, 1000.0]], dtype=dtype)
    s = act.sigmoid(z)                                       # warnings are errors in this suite
    assert np.all(np.isfinite(s)) and s[0, 0] == 0 and s[0, -1] == 1
    np.testing.assert_allclose(s + act.sigmoid(-z), 1.0, atol=1e-6)
    p = act.softmax(np.array([[1000.0, -1000.0], [0.0, -1000.0], [-1000.0, -999.0]], dtype=dtype))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=1e-6)
    np.testing.assert_allclose(p[:, 0], [1.0, 0.0, 0.0], atol=1e-7)
    assert np.all(np.isfinite(act.sigmoid_grad(z))) and np.all(np.isfinite(act.tanh_grad(z)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_dtype_is_kept(name, dtype, rng):
    g, g_grad = act.ACTIVATIONS[name]
    z = rng.standard_normal((3, 4)).astype(dtype)
    assert g(z).dtype == dtype
    d = g_grad(np.ones_like(z), z) if name == "softmax" else g_grad(z)
    assert d.dtype == dtype


def test_softmax_columns_and_shift_invariance(rng):
    z = rng.standard_normal((5, 6))
    p = act.softmax(z)
    np.testing.assert_allclose(p.sum(axis=0), np.ones(6))
    np.testing.assert_allclose(act.softmax(z + rng.standard_normal((1, 6)) * 100), p, rtol=1e-12)
    np.testing.assert_allclose(act.softmax(z[:, 0]), p[:, 0])     # 1-D input = one column


def test_softmax_jacobian_matches_numerical(rng):
    z = rng.standard_normal(4)
    J = act.softmax_jacobian(z)
    num = np.stack([numerical_grad(lambda t, i=i: float(act.softmax(t)[i]), z.copy(), eps=1e-6)
                    for i in range(4)])
    assert relative_difference(J, num) < 1e-7
    np.testing.assert_allclose(J, J.T)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)
    np.testing.assert_allclose(act.softmax_jacobian(z[:, None]), J)


def test_softmax_backward_is_jacobian_times_vector(rng):
    z, dA = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    dZ = act.softmax_backward(dA, z)
    for i in range(3):
        np.testing.assert_allclose(dZ[:, i], act.softmax_jacobian(z[:, i]).T @ dA[:, i], atol=1e-14)
    weights = rng.standard_normal(z.shape)
    num = numerical_grad(lambda t: float(np.sum(weights * act.softmax(t))), z.copy(), eps=1e-6)
    assert relative_difference(act.softmax_backward(weights, z), num) < 1e-7


@given(arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=6),
              elements=st.floats(-30, 30)))
def test_properties_on_random_shapes(z):
    s = act.sigmoid(z)
    assert s.shape == z.shape and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s, (1 + np.tanh(z / 2)) / 2, atol=1e-12)
    np.testing.assert_allclose(act.tanh_grad(z), 1 - np.tanh(z) ** 2, atol=1e-12)
    assert np.all(act.relu(z) >= 0)
    np.testing.assert_array_equal(act.relu(z) - act.relu(-z), z)
    assert np.all(act.leaky_relu(z) >= z * np.where(z > 0, 1, 0.01) - 1e-12)


@given(arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 5)), elements=st.floats(-500, 500)))
def test_softmax_is_a_distribution(z):
    p = act.softmax(z)
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=0), 1.0, rtol=1e-12)
    cols = np.arange(z.shape[1])
    np.testing.assert_array_equal(p[np.argmax(z, axis=0), cols], p.max(axis=0))  # largest logit, largest p


@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
def test_bad_input(name):
    g = act.ACTIVATIONS[name][0]
    with pytest.raises(ValueError, match=r"z: expected finite values"):
        g(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"z: expected a non-empty array"):
        g(np.zeros((0, 3)))
    with pytest.raises(TypeError, match=r"z: expected an array of numbers"):
        g(np.array(["a", "b"]))


def test_bad_input_specific():
    with pytest.raises(ValueError, match=r"z: expected shape \(C,\) or \(C, m\)"):
        act.softmax(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"z: expected shape \(C,\) or \(C, 1\).*got \(3, 2\)"):
        act.softmax_jacobian(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"alpha: expected a value in \[0.0, 1.0\), got 1.5"):
        act.leaky_relu(np.zeros(2), alpha=1.5)
    with pytest.raises(ValueError, match=r"dA: expected shape \(2, 3\)"):
        act.softmax_backward(np.zeros((3, 2)), np.zeros((2, 3)))
