"""Initializers: variances, determinism, dtypes, the parameter dict, depth statistics."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import initializers as init

VARIANCE = {
    "lecun": lambda n_in, n_out: 1 / n_in,
    "glorot": lambda n_in, n_out: 2 / (n_in + n_out),
    "he": lambda n_in, n_out: 2 / n_in,
    "random_small": lambda n_in, n_out: 1e-4,
}


@pytest.mark.parametrize("name", sorted(VARIANCE))
@pytest.mark.parametrize("shape", [(300, 500), (800, 200)])
def test_variance(name, shape):
    W = init.INITIALIZERS[name](shape, np.random.default_rng(0))
    n_out, n_in = shape
    expected = VARIANCE[name](n_in, n_out)
    # the sample variance of 150k normal draws is within 2% of the truth (about 5 standard errors)
    assert W.var() == pytest.approx(expected, rel=0.02)
    assert abs(W.mean()) < 5 * np.sqrt(expected / W.size)
    assert W.shape == shape


def test_xavier_is_the_course_name_for_lecun():
    a = init.INITIALIZERS["xavier"]((5, 7), np.random.default_rng(3))
    np.testing.assert_array_equal(a, init.lecun((5, 7), np.random.default_rng(3)))


@pytest.mark.parametrize("name", ["random_small", "normal", "lecun", "glorot", "he"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_seed_determinism_and_dtype(name, dtype):
    f = init.INITIALIZERS[name]
    a = f((4, 3), np.random.default_rng(7), dtype=dtype)
    b = f((4, 3), 7, dtype=dtype)                         # an int seed is the same generator
    c = f((4, 3), np.random.default_rng(8), dtype=dtype)
    assert a.dtype == dtype
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_zeros_and_constant():
    np.testing.assert_array_equal(init.zeros((2, 3)), np.zeros((2, 3)))
    assert init.zeros((2, 3), dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(init.constant((2, 2), 0.3, dtype=np.float32), np.full((2, 2), 0.3, np.float32))


@given(st.lists(st.integers(1, 6), min_size=2, max_size=5), st.sampled_from([np.float32, np.float64]),
       st.booleans())
def test_initialize_parameters_shapes(dims, dtype, batchnorm):
    p = init.initialize_parameters(dims, "he", rng=0, dtype=dtype, batchnorm=batchnorm)
    L = len(dims) - 1
    for l in range(1, L + 1):
        assert p[f"W{l}"].shape == (dims[l], dims[l - 1])
        assert p[f"W{l}"].dtype == dtype
        if batchnorm and l < L:
            assert f"b{l}" not in p
            np.testing.assert_array_equal(p[f"gamma{l}"], np.ones((dims[l], 1)))
            np.testing.assert_array_equal(p[f"beta{l}"], np.zeros((dims[l], 1)))
            assert p[f"gamma{l}"].dtype == dtype
        else:
            np.testing.assert_array_equal(p[f"b{l}"], np.zeros((dims[l], 1)))
            assert p[f"b{l}"].dtype == dtype


def test_initialize_parameters_matches_the_initializer():
    p = init.initialize_parameters([3, 5, 2], "glorot", rng=np.random.default_rng(1))
    g = np.random.default_rng(1)
    np.testing.assert_array_equal(p["W1"], init.glorot((5, 3), g))
    np.testing.assert_array_equal(p["W2"], init.glorot((2, 5), g))
    z = init.initialize_parameters([3, 5, 2], "zeros")          # no rng needed for zeros
    assert not np.any(z["W1"])


def test_he_relu_keeps_the_scale_while_small_weights_vanish_and_unit_normal_explodes():
    he = init.activation_stats_by_depth("he", depth=20, width=100, activation="relu", rng=0, m=200)
    assert he["activation_std"].shape == (20,)
    np.testing.assert_array_equal(he["layer"], np.arange(1, 21))
    ratio = he["activation_std"][-1] / he["activation_std"][0]
    assert 0.3 < ratio < 3
    assert 0.3 < he["dA_std"][0] / he["dA_std"][-1] < 3
    small = init.activation_stats_by_depth("random_small", depth=20, width=100, activation="tanh", rng=0, m=200)
    assert small["activation_std"][-1] < 1e-12 * small["activation_std"][0]   # about 0.14 per layer
    assert small["dA_std"][0] < 1e-12
    big = init.activation_stats_by_depth("normal", depth=20, width=100, activation="relu", rng=0, m=200)
    assert big["activation_std"][-1] > 1e10 * big["activation_std"][0]
    lecun = init.activation_stats_by_depth("lecun", depth=20, width=100, activation="tanh", rng=0, m=200)
    assert lecun["activation_std"][-1] > 0.05           # tanh with 1/n shrinks slowly, not geometrically


def test_activation_stats_match_a_direct_computation():
    s = init.activation_stats_by_depth("he", depth=2, width=3, activation="relu", rng=5, m=4)
    rng = np.random.default_rng(5)
    W1, W2 = init.he((3, 3), rng), init.he((3, 3), rng)
    X = rng.standard_normal((3, 4))
    Z1 = W1 @ X
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1
    A2 = np.maximum(Z2, 0)
    dA2 = rng.standard_normal((3, 4))
    dZ2 = dA2 * (Z2 > 0)
    dA1 = W2.T @ dZ2
    dZ1 = dA1 * (Z1 > 0)
    np.testing.assert_allclose(s["activation_std"], [A1.std(), A2.std()])
    np.testing.assert_allclose(s["gradient_std"], [(dZ1 @ X.T / 4).std(), (dZ2 @ A1.T / 4).std()])
    np.testing.assert_allclose(s["dA_std"], [(W1.T @ dZ1).std(), dA1.std()])


def test_bad_input():
    with pytest.raises(ValueError, match=r"method: expected one of .*got 'uniform'"):
        init.initialize_parameters([2, 1], "uniform", rng=0)
    with pytest.raises(TypeError, match=r"rng: expected a numpy.random.Generator"):
        init.initialize_parameters([2, 1], "he")
    with pytest.raises(TypeError, match=r"rng: expected a numpy.random.Generator"):
        init.he((2, 2), rng=np.random)
    with pytest.raises(ValueError, match=r"layer_dims\[1\]: expected a value in \(0, inf\), got 0"):
        init.initialize_parameters([2, 0, 1], "he", rng=0)
    with pytest.raises(TypeError, match=r"layer_dims\[0\]: expected an integer, got float 2.5"):
        init.initialize_parameters([2.5, 1], "he", rng=0)
    with pytest.raises(ValueError, match=r"layer_dims: expected at least 2 sizes"):
        init.initialize_parameters([3], "he", rng=0)
    with pytest.raises(TypeError, match=r"dtype: expected float32 or float64, got int64"):
        init.he((2, 2), rng=0, dtype=np.int64)
    with pytest.raises(ValueError, match=r"activation: expected one of"):
        init.activation_stats_by_depth("he", 3, 4, "softmax", rng=0)


def test_activation_stats_keep_the_network_dtype():
    """Regression: the per-layer standard deviations of a float32 network were stored in float64."""
    s = init.activation_stats_by_depth("he", depth=3, width=10, activation="relu", rng=0, m=20, dtype=np.float32)
    assert all(s[k].dtype == np.float32 for k in ("activation_std", "gradient_std", "dA_std"))
    assert s["layer"].tolist() == [1, 2, 3]


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_examples_batchnorm_keys_and_vanishing_tanh():
    from dlnotes.initializers import activation_stats_by_depth, initialize_parameters
    assert sorted(initialize_parameters([3, 4, 1], "he", rng=0, batchnorm=True)) == [
        "W1", "W2", "b2", "beta1", "gamma1"]
    s = activation_stats_by_depth("random_small", depth=10, width=100, activation="tanh", rng=0, m=100)
    assert s["activation_std"][-1] < 1e-8
