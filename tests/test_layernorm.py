"""Layer norm: per-example statistics, finite-difference gradients, batch-size independence, dtypes."""

import numpy as np
import pytest

from dlnotes.gradcheck import numerical_grad, relative_difference
from dlnotes.layernorm import layernorm_backward, layernorm_forward


def test_each_example_is_normalized_over_its_features(rng):
    Z = rng.standard_normal((6, 5)) * rng.uniform(0.5, 5, (1, 5)) + rng.normal(0, 10, (1, 5))
    Zt, cache = layernorm_forward(Z, np.ones((6, 1)), np.zeros((6, 1)), eps=1e-12)
    np.testing.assert_allclose(Zt.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Zt.var(axis=0), 1, rtol=1e-9)
    np.testing.assert_allclose(cache["mu"], Z.mean(axis=0, keepdims=True))
    np.testing.assert_allclose(cache["var"], Z.var(axis=0, keepdims=True))


def test_gamma_beta_are_per_feature(rng):
    Z = rng.standard_normal((3, 4))
    gamma, beta = np.array([[1.0], [2.0], [3.0]]), np.array([[0.0], [1.0], [-1.0]])
    Zt, cache = layernorm_forward(Z, gamma, beta)
    np.testing.assert_allclose(Zt, gamma * cache["Z_norm"] + beta)


def test_batch_size_independent(rng):
    """An example's output is the same alone, in a batch of 2 or of 32 (batch norm's is not)."""
    Z = rng.standard_normal((8, 32))
    gamma, beta = rng.uniform(0.5, 2, (8, 1)), rng.standard_normal((8, 1))
    full, _ = layernorm_forward(Z, gamma, beta)
    alone = np.hstack([layernorm_forward(Z[:, [i]], gamma, beta)[0] for i in range(32)])
    pairs = np.hstack([layernorm_forward(Z[:, i:i + 2], gamma, beta)[0] for i in range(0, 32, 2)])
    np.testing.assert_allclose(full, alone, rtol=0, atol=1e-14)    # the same up to summation order
    np.testing.assert_allclose(full, pairs, rtol=0, atol=1e-14)


def _gradcheck(n, m, seed, eps=1e-5):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, m)) * 2 + 1
    gamma, beta = rng.uniform(0.5, 2, (n, 1)), rng.standard_normal((n, 1))
    U = rng.standard_normal((n, m))              # J = (1/m) sum(U * Z~): the per-example dZ~ is U
    J = lambda Z_, g_, b_: float(np.sum(U * layernorm_forward(Z_, g_, b_, eps=eps)[0]) / m)
    _, cache = layernorm_forward(Z, gamma, beta, eps=eps)
    dZ, dgamma, dbeta = layernorm_backward(U, cache)
    return (relative_difference(dZ / m, numerical_grad(lambda z: J(z, gamma, beta), Z.copy(), 1e-6)),
            relative_difference(dgamma, numerical_grad(lambda g: J(Z, g, beta), gamma.copy(), 1e-6)),
            relative_difference(dbeta, numerical_grad(lambda b: J(Z, gamma, b), beta.copy(), 1e-6)))


@pytest.mark.parametrize("n,m,seed", [(3, 6, 0), (5, 1, 1), (8, 4, 2), (4, 3, 3)])   # n = 2: z_hat = +-1, J flat
def test_backward_matches_finite_differences(n, m, seed):
    assert max(_gradcheck(n, m, seed)) < 1e-7


def test_backward_projects_out_shift_and_scale(rng):
    """Per example, dZ is orthogonal to 1 and to z_hat (shifting or scaling an example changes nothing)."""
    Z = rng.standard_normal((5, 7))
    _, cache = layernorm_forward(Z, rng.uniform(0.5, 2, (5, 1)), np.zeros((5, 1)), eps=1e-12)
    dZ, _, _ = layernorm_backward(rng.standard_normal((5, 7)), cache)
    np.testing.assert_allclose(dZ.sum(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose((dZ * cache["Z_norm"]).sum(axis=0), 0, atol=1e-10)


def test_a_wrong_axis_would_fail_the_gradient_check(rng):
    """The check can fail: batch norm's backward (axis 1) is not layer norm's gradient."""
    from dlnotes.batchnorm import batchnorm_backward, batchnorm_forward
    Z = rng.standard_normal((4, 6))
    gamma, beta = np.ones((4, 1)), np.zeros((4, 1))
    U = rng.standard_normal((4, 6))
    J = lambda z: float(np.sum(U * layernorm_forward(z, gamma, beta)[0]) / 6)
    wrong = batchnorm_backward(U, batchnorm_forward(Z, gamma, beta)[1])[0] / 6
    assert relative_difference(wrong, numerical_grad(J, Z.copy(), 1e-6)) > 1e-2


def test_float32_is_kept(rng):
    Z = rng.standard_normal((4, 3)).astype(np.float32)
    g, b = np.ones((4, 1), np.float32), np.zeros((4, 1), np.float32)
    Zt, cache = layernorm_forward(Z, g, b)
    grads = layernorm_backward(np.ones_like(Z), cache)
    assert Zt.dtype == np.float32 and all(x.dtype == np.float32 for x in grads)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="gamma"):
        layernorm_forward(np.ones((3, 2)), np.ones((2, 1)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="beta"):
        layernorm_forward(np.ones((3, 2)), np.ones((3, 1)), np.zeros((3,)))
