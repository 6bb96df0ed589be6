"""Batch norm: normalization, numerical gradients for Z, gamma and beta, inference, dtypes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes.batchnorm import batchnorm_backward, batchnorm_forward, batchnorm_inference
from dlnotes.gradcheck import numerical_grad, relative_difference


def test_forward_normalizes_each_unit(rng):
    Z = rng.standard_normal((4, 30)) * 5 + 3
    gamma, beta = rng.uniform(0.5, 2, (4, 1)), rng.standard_normal((4, 1))
    Zt, cache = batchnorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(Zt.mean(axis=1, keepdims=True), beta, atol=1e-12)
    np.testing.assert_allclose(Zt.std(axis=1, keepdims=True), gamma, rtol=1e-7)
    np.testing.assert_allclose(cache["mu"], Z.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(cache["var"], Z.var(axis=1, keepdims=True))


def test_gamma_and_beta_can_undo_the_normalization(rng):
    Z = rng.standard_normal((3, 10)) * 2 - 1
    eps = 1e-8
    gamma = np.sqrt(Z.var(axis=1, keepdims=True) + eps)
    Zt, _ = batchnorm_forward(Z, gamma, Z.mean(axis=1, keepdims=True), eps=eps)
    np.testing.assert_allclose(Zt, Z, atol=1e-12)


def _bn_gradcheck(n, m, seed, eps=1e-8):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, m)) * 2 + 1
    gamma, beta = rng.uniform(0.5, 2, (n, 1)), rng.standard_normal((n, 1))
    U = rng.standard_normal((n, m))                      # J = (1/m) sum(U * Ztilde): per-example dZtilde = U
    J = lambda Z_, g_, b_: float(np.sum(U * batchnorm_forward(Z_, g_, b_, eps=eps)[0]) / m)
    _, cache = batchnorm_forward(Z, gamma, beta, eps=eps)
    dZ, dgamma, dbeta = batchnorm_backward(U, cache)
    return (
        relative_difference(dZ / m, numerical_grad(lambda z: J(z, gamma, beta), Z.copy(), 1e-6)),
        relative_difference(dgamma, numerical_grad(lambda g: J(Z, g, beta), gamma.copy(), 1e-6)),
        relative_difference(dbeta, numerical_grad(lambda b: J(Z, gamma, b), beta.copy(), 1e-6)),
    )


def test_backward_matches_numerical():
    err_Z, err_gamma, err_beta = _bn_gradcheck(3, 6, seed=0)
    assert err_Z < 1e-7 and err_gamma < 1e-7 and err_beta < 1e-7


@given(st.integers(1, 4), st.integers(3, 8), st.integers(0, 2**32 - 1))   # m = 2: Z_norm = ±1, J is flat in Z
def test_backward_matches_numerical_on_random_shapes(n, m, seed):
    assert max(_bn_gradcheck(n, m, seed, eps=1e-5)) < 1e-6


def test_backward_removes_shift_and_scale_directions(rng):
    Z = rng.standard_normal((2, 9))
    # exact only as eps -> 0: with eps > 0 a scaling of Z changes Z_norm by O(eps / var)
    _, cache = batchnorm_forward(Z, np.ones((2, 1)), np.zeros((2, 1)), eps=1e-14)
    dZ, _, _ = batchnorm_backward(rng.standard_normal((2, 9)), cache)
    np.testing.assert_allclose(dZ.sum(axis=1), 0, atol=1e-10)                 # shifting Z changes nothing
    np.testing.assert_allclose((dZ * cache["Z_norm"]).sum(axis=1), 0, atol=1e-10)   # nor scaling it


def test_inference_equals_training_with_the_batch_statistics(rng):
    Z = rng.standard_normal((3, 7))
    gamma, beta = rng.uniform(0.5, 2, (3, 1)), rng.standard_normal((3, 1))
    Zt, cache = batchnorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(batchnorm_inference(Z, gamma, beta, cache["mu"], cache["var"]), Zt, atol=1e-12)
    one = batchnorm_inference(Z[:, 2:3], gamma, beta, cache["mu"], cache["var"])
    np.testing.assert_allclose(one, Zt[:, 2:3], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype, rng):
    Z = rng.standard_normal((3, 5)).astype(dtype)
    g, b = np.ones((3, 1), dtype), np.zeros((3, 1), dtype)
    Zt, cache = batchnorm_forward(Z, g, b, eps=np.float64(1e-5))
    assert Zt.dtype == dtype and cache["mu"].dtype == dtype
    assert all(x.dtype == dtype for x in batchnorm_backward(Zt, cache))
    assert batchnorm_inference(Z, g, b, cache["mu"], cache["var"]).dtype == dtype


def test_bad_input():
    Z = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"gamma: expected shape \(3, 1\) \(one entry per row of Z, whose shape is \(3, 4\)\), got \(1, 3\)"):
        batchnorm_forward(Z, np.ones((1, 3)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"beta: expected shape \(3, 1\) .*, got \(3,\)"):
        batchnorm_forward(Z, np.ones((3, 1)), np.zeros(3))
    with pytest.raises(ValueError, match=r"Z: expected a 2-D array"):
        batchnorm_forward(np.zeros(3), np.ones((3, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"eps: expected a value in \(0, inf\), got 0"):
        batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), eps=0)
    _, cache = batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"dZ_tilde: expected shape \(3, 4\), got \(3, 5\)"):
        batchnorm_backward(np.zeros((3, 5)), cache)
    with pytest.raises(ValueError, match=r"var: expected non-negative variances"):
        batchnorm_inference(Z, np.ones((3, 1)), np.zeros((3, 1)), np.zeros((3, 1)), -np.ones((3, 1)))


def test_docstring_example_batch_statistics():
    from dlnotes.batchnorm import batchnorm_forward
    _, cache = batchnorm_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)))
    np.testing.assert_allclose(cache["mu"], [[2.0]])
    np.testing.assert_allclose(cache["var"], [[1.0]])


# --- framework train mode (PyTorch BatchNorm1d's documented formulas) --------------------------
#   training: y = (x - mean) / sqrt(var_biased + eps) * weight + bias
#   running_mean = (1 - momentum) * running_mean + momentum * mean
#   running_var  = (1 - momentum) * running_var  + momentum * var_unbiased   (correction=1)
#   defaults: momentum=0.1, eps=1e-5, running_mean=0, running_var=1

def test_train_forward_matches_pytorch_formulas_on_hand_values():
    from dlnotes.batchnorm import batchnorm_train_forward
    Z = np.array([[1.0, 2.0, 6.0], [0.0, 0.0, 3.0]])
    gamma, beta = np.array([[2.0], [1.0]]), np.array([[0.5], [0.0]])
    Zt, cache, rm, rv = batchnorm_train_forward(Z, gamma, beta, np.zeros((2, 1)), np.ones((2, 1)))
    # row 1: mean 3, biased var 14/3, unbiased var 7; row 2: mean 1, biased var 2, unbiased var 3
    np.testing.assert_allclose(Zt[0], 2 * (Z[0] - 3) / np.sqrt(14 / 3 + 1e-5) + 0.5)
    np.testing.assert_allclose(Zt[1], (Z[1] - 1) / np.sqrt(2 + 1e-5))
    np.testing.assert_allclose(rm, [[0.3], [0.1]])
    np.testing.assert_allclose(rv, [[0.9 + 0.7], [0.9 + 0.3]])


def test_running_estimates_over_many_steps(rng):
    """Iterating the documented update by hand gives the same estimates; the inputs are not modified."""
    from dlnotes.batchnorm import batchnorm_train_forward
    rm, rv = np.zeros((3, 1)), np.ones((3, 1))
    hm, hv = rm.copy(), rv.copy()
    gamma, beta = np.ones((3, 1)), np.zeros((3, 1))
    for _ in range(20):
        Z = rng.normal(4.0, 2.0, (3, 5))
        old = rm.copy()
        _, _, rm_new, rv_new = batchnorm_train_forward(Z, gamma, beta, rm, rv, momentum=0.1)
        np.testing.assert_array_equal(rm, old)
        hm = 0.9 * hm + 0.1 * Z.mean(axis=1, keepdims=True)
        hv = 0.9 * hv + 0.1 * Z.var(axis=1, ddof=1, keepdims=True)
        rm, rv = rm_new, rv_new
    np.testing.assert_allclose(rm, hm, rtol=1e-12)
    np.testing.assert_allclose(rv, hv, rtol=1e-12)


def test_pytorch_momentum_is_one_minus_the_course_beta(rng):
    """momentum=0.1 is the course's beta=0.9 (nn's bn_momentum), up to the unbiased factor m/(m-1)."""
    from dlnotes.batchnorm import batchnorm_train_forward
    from dlnotes.nn import _batchnorm_layer
    Z = rng.standard_normal((2, 4))
    p = {"gamma1": np.ones((2, 1)), "beta1": np.zeros((2, 1))}
    state = {"mu1": np.zeros((2, 1)), "var1": np.ones((2, 1))}
    _batchnorm_layer(Z, 1, p, state, True, 0.9, 1e-5, {})
    _, _, rm, rv = batchnorm_train_forward(Z, p["gamma1"], p["beta1"], np.zeros((2, 1)), np.ones((2, 1)),
                                           momentum=0.1)
    np.testing.assert_allclose(rm, state["mu1"])
    np.testing.assert_allclose(rv - 0.9, (state["var1"] - 0.9) * 4 / 3)


def test_train_forward_refuses_a_batch_of_one():
    from dlnotes.batchnorm import batchnorm_train_forward
    with pytest.raises(ValueError, match="Z: expected a training batch of at least 2"):
        batchnorm_train_forward(np.ones((2, 1)), np.ones((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)),
                                np.ones((2, 1)))
    with pytest.raises(ValueError, match="momentum"):
        batchnorm_train_forward(np.ones((2, 3)), np.ones((2, 1)), np.zeros((2, 1)), np.zeros((2, 1)),
                                np.ones((2, 1)), momentum=0.0)


def test_batch_of_two_normalizes_to_plus_minus_one(rng):
    """Why batch norm fails at tiny batches: with m = 2 every normalized value is +-1, whatever the input."""
    Z = rng.standard_normal((5, 2)) * 10
    _, cache = batchnorm_forward(Z, np.ones((5, 1)), np.zeros((5, 1)), eps=1e-12)
    np.testing.assert_allclose(np.abs(cache["Z_norm"]), 1.0)
