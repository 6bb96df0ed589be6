"""The L-layer network: gradient checks of whole networks, dropout, batch norm, dtypes, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlnotes import nn
from dlnotes.gradcheck import gradient_check, numerical_grad, relative_difference
from dlnotes.initializers import initialize_parameters
from dlnotes.losses import bce_grad


def _problem(rng, dims, loss, m=7, dtype=np.float64):
    X = rng.standard_normal((dims[0], m)).astype(dtype)
    ny = dims[-1]
    if loss == "bce":
        Y = (rng.random((ny, m)) < 0.5).astype(dtype)
    elif loss == "cce":
        Y = np.eye(ny, dtype=dtype)[rng.integers(0, ny, m)].T
    else:
        Y = rng.standard_normal((ny, m)).astype(dtype)
    return X, Y


def _params(rng, dims, batchnorm=False, dtype=np.float64):
    p = initialize_parameters(dims, "he", rng=rng, dtype=dtype, batchnorm=batchnorm)
    # non-trivial biases, gammas and betas, so that every gradient is exercised
    return {k: (v + 0.3 * rng.standard_normal(v.shape)).astype(dtype) if not k.startswith("W") else v
            for k, v in p.items()}


def _check_network(rng, dims, activations, loss, *, lambd=0.0, l1=0.0, batchnorm=False, keep_probs=None):
    X, Y = _problem(rng, dims, loss)
    p = _params(rng, dims, batchnorm)

    def cost(q):
        dropout_rng = np.random.default_rng(99)              # the same mask at every evaluation
        AL, _ = nn.model_forward(X, q, activations, keep_probs=keep_probs, rng=dropout_rng)
        return nn.compute_cost(AL, Y, loss, parameters=q, lambd=lambd, l1=l1)

    AL, caches = nn.model_forward(X, p, activations, keep_probs=keep_probs, rng=np.random.default_rng(99))
    grads = nn.model_backward(AL, Y, caches, loss=loss, lambd=lambd, l1=l1)
    assert sorted(grads) == sorted("d" + k for k in p)
    return gradient_check(cost, p, grads, eps=1e-6)


@pytest.mark.parametrize("activations,loss,out", [
    (("relu", "tanh", "sigmoid"), "bce", 1),
    (("tanh", "leaky_relu", "softmax"), "cce", 3),
    (("sigmoid", "relu", "identity"), "mse", 2),
    (("tanh", "tanh", "sigmoid"), "mse", 1),              # not fused: chain rule through sigmoid
    (("tanh", "relu", "tanh"), "mse", 2),
])
def test_whole_network_gradient_with_l2(activations, loss, out, rng):
    res = _check_network(rng, [4, 5, 3, out], activations, loss, lambd=0.7)
    assert res.rel_error < 1e-7, res.per_key


def test_whole_network_gradient_with_l1_away_from_zero(rng):
    res = _check_network(rng, [3, 4, 1], ("tanh", "sigmoid"), "bce", l1=0.5)
    assert res.rel_error < 1e-7, res.per_key


@pytest.mark.parametrize("activations,loss,out", [
    (("relu", "tanh", "sigmoid"), "bce", 1),
    (("tanh", "relu", "softmax"), "cce", 3),
])
def test_whole_network_gradient_with_batchnorm(activations, loss, out, rng):
    res = _check_network(rng, [4, 5, 3, out], activations, loss, lambd=0.2, batchnorm=True)
    assert res.rel_error < 1e-7, res.per_key
    assert {"dgamma1", "dbeta1", "dgamma2", "dbeta2", "db3"} <= set("d" + k for k in res.per_key)


def test_whole_network_gradient_with_dropout_fixed_mask(rng):
    res = _check_network(rng, [4, 6, 5, 1], ("tanh", "tanh", "sigmoid"), "bce", keep_probs=[0.6, 0.8])
    assert res.rel_error < 1e-7, res.per_key


@given(st.lists(st.integers(1, 4), min_size=2, max_size=4), st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_random_architectures_gradient(dims, m, seed):
    rng = np.random.default_rng(seed)
    acts = ["tanh"] * (len(dims) - 2) + ["sigmoid"]
    dims = dims[:-1] + [1]
    X, Y = _problem(rng, dims, "bce", m=m)
    p = _params(rng, dims)
    AL, caches = nn.model_forward(X, p, acts)
    grads = nn.model_backward(AL, Y, caches, loss="bce", lambd=0.1)
    res = gradient_check(lambda q: nn.compute_cost(nn.model_forward(X, q, acts)[0], Y, "bce",
                                                   parameters=q, lambd=0.1), p, grads, eps=1e-6)
    assert res.rel_error < 1e-6
    for k, v in p.items():
        assert grads["d" + k].shape == v.shape


def test_linear_layer_gradients_match_numerical(rng):
    A_prev, W, b = rng.standard_normal((3, 5)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1))
    R = rng.standard_normal((2, 5))               # J = (1/m) sum(R * Z): per-example dZ = R
    J = lambda A_, W_, b_: float(np.sum(R * nn.linear_forward(A_, W_, b_)[0]) / 5)
    _, cache = nn.linear_forward(A_prev, W, b)
    dA_prev, dW, db = nn.linear_backward(R, cache)
    assert relative_difference(dW, numerical_grad(lambda w: J(A_prev, w, b), W.copy(), 1e-6)) < 1e-7
    assert relative_difference(db, numerical_grad(lambda c: J(A_prev, W, c), b.copy(), 1e-6)) < 1e-7
    # dA_prev is per-example (no 1/m): the cost's derivative is dA_prev / m
    assert relative_difference(dA_prev / 5, numerical_grad(lambda a: J(a, W, b), A_prev.copy(), 1e-6)) < 1e-7


def test_linear_activation_backward_softmax_matches_fused(rng):
    A_prev, W, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 3)), np.zeros((3, 1))
    Y = np.eye(3)[:, [0, 2, 1, 1]]
    A, cache = nn.linear_activation_forward(A_prev, W, b, "softmax")
    chain = nn.linear_activation_backward(-Y / A, cache, "softmax")
    fused = nn.linear_backward(A - Y, cache[0])
    for c, f in zip(chain, fused):
        np.testing.assert_allclose(c, f, atol=1e-12)


def test_fused_output_equals_chain_rule(rng):
    X, Y = _problem(rng, [3, 4, 1], "bce")
    p = _params(rng, [3, 4, 1])
    AL, caches = nn.model_forward(X, p, ("relu", "sigmoid"))
    fused = nn.model_backward(AL, Y, caches, loss="bce")
    linear_cache, Z = caches[-1]["linear"], caches[-1]["Z"]
    dA1, dW2, db2 = nn.linear_activation_backward(bce_grad(AL, Y), (linear_cache, Z), "sigmoid")
    np.testing.assert_allclose(fused["dW2"], dW2, rtol=1e-10)
    np.testing.assert_allclose(fused["db2"], db2, rtol=1e-10)


def test_fused_output_is_stable_when_saturated():
    p = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    X, Y = np.array([[1000.0, -1000.0]]), np.array([[0, 1]])
    AL, caches = nn.model_forward(X, p, ["sigmoid"])
    grads = nn.model_backward(AL, Y, caches, loss="bce")
    np.testing.assert_allclose(grads["dW1"], [[1000.0]])      # (1/m) [(1-0)*1000 + (0-1)*(-1000)]
    assert np.isfinite(nn.compute_cost(AL, Y, "bce"))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batchnorm", [False, True])
def test_dtype_kept_end_to_end(dtype, batchnorm, rng):
    dims = [3, 4, 2]
    X, Y = _problem(rng, dims, "cce", dtype=dtype)
    Y = Y.astype(np.int64)                        # integer labels must not upcast either
    p = initialize_parameters(dims, "he", rng=0, dtype=dtype, batchnorm=batchnorm)
    state = {}
    AL, caches = nn.model_forward(X, p, ("relu", "softmax"), keep_probs=0.5, rng=1, bn_state=state)
    assert AL.dtype == dtype
    grads = nn.model_backward(AL, Y, caches, loss="cce", lambd=np.float64(0.1), l1=0.01)
    assert all(g.dtype == dtype for g in grads.values())
    new = nn.update_parameters(p, grads, np.float64(0.1))
    assert all(v.dtype == dtype for v in new.values())
    assert all(v.dtype == dtype for v in state.values())
    assert nn.predict_proba(X, new, ("relu", "softmax"), bn_state=state).dtype == dtype
    assert isinstance(nn.compute_cost(AL, Y, "cce", parameters=p, lambd=0.1), float)


def test_dropout_in_training_only_and_no_scaling_at_inference(rng):
    X = rng.standard_normal((3, 50))
    p = _params(rng, [3, 20, 1])
    acts = ("relu", "sigmoid")
    clean, _ = nn.model_forward(X, p, acts)
    inference, _ = nn.model_forward(X, p, acts, keep_probs=0.5, rng=0, training=False)
    np.testing.assert_array_equal(inference, clean)
    np.testing.assert_array_equal(nn.predict_proba(X, p, acts), clean)
    dropped, caches = nn.model_forward(X, p, acts, keep_probs=0.5, rng=0)
    D = caches[0]["D"]
    assert D.shape == (20, 50) and 0.35 < D.mean() < 0.65 and caches[1]["D"] is None
    assert not np.allclose(dropped, clean)
    again, _ = nn.model_forward(X, p, acts, keep_probs=0.5, rng=0)
    np.testing.assert_array_equal(dropped, again)          # same seed, same masks


def test_batchnorm_running_averages_and_inference(rng):
    dims, acts = [3, 4, 1], ("relu", "sigmoid")
    p = initialize_parameters(dims, "he", rng=0, batchnorm=True)
    X1, X2 = rng.standard_normal((3, 8)) + 2, rng.standard_normal((3, 8)) - 1
    state = {}
    nn.model_forward(X1, p, acts, bn_state=state)
    Z1 = p["W1"] @ X1
    np.testing.assert_allclose(state["mu1"], Z1.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(state["var1"], Z1.var(axis=1, keepdims=True))
    nn.model_forward(X2, p, acts, bn_state=state, bn_momentum=0.75)
    Z2 = p["W1"] @ X2
    np.testing.assert_allclose(state["mu1"], 0.75 * Z1.mean(1, keepdims=True) + 0.25 * Z2.mean(1, keepdims=True))
    # inference uses the running statistics: one example alone gives the same output as in a batch
    frozen = {k: v.copy() for k, v in state.items()}
    batch = nn.predict_proba(X2, p, acts, bn_state=state)
    alone = nn.predict_proba(X2[:, :1], p, acts, bn_state=state)
    np.testing.assert_allclose(alone, batch[:, :1])
    assert all(np.array_equal(frozen[k], state[k]) for k in state)   # inference leaves the state alone
    with pytest.raises(ValueError, match=r"bn_state: expected running averages 'mu1' and 'var1'.*got None"):
        nn.predict_proba(X2, p, acts)


def test_update_parameters_is_a_gradient_step_and_does_not_mutate():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    g = {"dW1": np.array([[0.1, -0.2]]), "db1": np.array([[1.0]])}
    new = nn.update_parameters(p, g, 0.5)
    np.testing.assert_allclose(new["W1"], [[0.95, 2.1]])
    np.testing.assert_allclose(new["b1"], [[0.0]])
    np.testing.assert_array_equal(p["W1"], [[1.0, 2.0]])


def test_training_by_gradient_descent_reduces_cost(rng):
    X = rng.standard_normal((2, 60))
    Y = (X[0:1] * X[1:2] > 0).astype(float)           # XOR-like: needs the hidden layer
    p, acts = initialize_parameters([2, 8, 1], "he", rng=0), ("tanh", "sigmoid")
    costs = []
    for _ in range(300):
        AL, caches = nn.model_forward(X, p, acts)
        costs.append(nn.compute_cost(AL, Y, "bce"))
        p = nn.update_parameters(p, nn.model_backward(AL, Y, caches, loss="bce"), 0.5)
    assert costs[-1] < 0.5 * costs[0]
    assert np.mean(nn.predict(X, p, acts) == Y) > 0.85


def test_predict_labels():
    p = {"W1": np.array([[1.0], [-1.0], [0.0]]), "b1": np.zeros((3, 1))}
    labels = nn.predict(np.array([[2.0, -2.0]]), p, ["softmax"])
    np.testing.assert_array_equal(labels, [[0, 1]])
    assert labels.dtype == np.int64
    with pytest.raises(ValueError, match=r"activations: expected the last activation to be 'sigmoid' or 'softmax'"):
        nn.predict(np.array([[2.0]]), p, ["identity"])


def test_layer_shapes_agree_with_initialize_parameters():
    for bn in (False, True):
        p = initialize_parameters([5, 4, 3, 2], "he", rng=0, batchnorm=bn)
        assert nn.layer_shapes([5, 4, 3, 2], batchnorm=bn) == {k: v.shape for k, v in p.items()}


def test_bad_input(rng):
    p = initialize_parameters([4, 3, 1], "he", rng=0)
    X = rng.standard_normal((4, 10))
    acts = ("relu", "sigmoid")
    with pytest.raises(ValueError, match=r"W1: expected shape \(3, 5\) to match the 5 X's features, got \(3, 4\)"):
        nn.model_forward(rng.standard_normal((5, 10)), p, acts)
    bad = dict(p, W2=np.ones((1, 5)))
    with pytest.raises(ValueError, match=r"W2: expected shape \(1, 3\) to match the 3 rows of W1, got \(1, 5\)"):
        nn.model_forward(X, bad, acts)
    with pytest.raises(ValueError, match=r"b1: expected shape \(3, 1\), got \(3,\)"):
        nn.model_forward(X, dict(p, b1=np.zeros(3)), acts)
    with pytest.raises(ValueError, match=r"activations: expected 2 names .* got 3"):
        nn.model_forward(X, p, ("relu", "relu", "sigmoid"))
    with pytest.raises(ValueError, match=r"activations\[0\]: expected one of .* got 'rectifier'"):
        nn.model_forward(X, p, ("rectifier", "sigmoid"))
    with pytest.raises(ValueError, match=r"keep_probs: expected a value in \(0.0, 1.0\], got 1.5"):
        nn.model_forward(X, p, acts, keep_probs=1.5, rng=0)
    with pytest.raises(ValueError, match=r"keep_probs\[0\]: expected a value in \(0.0, 1.0\], got 0"):
        nn.model_forward(X, p, acts, keep_probs=[0], rng=0)
    with pytest.raises(ValueError, match=r"keep_probs: expected a float or 1 values"):
        nn.model_forward(X, p, acts, keep_probs=[0.5, 0.5], rng=0)
    with pytest.raises(TypeError, match=r"rng: expected a numpy.random.Generator .* when keep_probs < 1"):
        nn.model_forward(X, p, acts, keep_probs=0.5)
    with pytest.raises(ValueError, match=r"X: expected finite values, got 1 NaN or inf"):
        nn.model_forward(np.where(np.arange(40).reshape(4, 10) == 3, np.nan, X), p, acts)
    with pytest.raises(ValueError, match=r"X: expected a non-empty array"):
        nn.model_forward(np.zeros((4, 0)), p, acts)
    with pytest.raises(TypeError, match=r"W1: expected dtype float32 \(the dtype of X\), got float64"):
        nn.model_forward(X.astype(np.float32), p, acts)
    with pytest.raises(ValueError, match=r"parameters: expected weights W1..WL"):
        nn.model_forward(X, {"W2": p["W2"], "b2": p["b2"]}, ["sigmoid"])
    AL, caches = nn.model_forward(X, p, acts)
    with pytest.raises(ValueError, match=r"Y: expected shape \(n_y, 10\) to match AL's 10 examples.*got \(10,\)"):
        nn.model_backward(AL, np.zeros(10), caches, loss="bce")
    with pytest.raises(ValueError, match=r"Y: expected labels in \{0, 1\}, got \[3.0\]"):
        nn.model_backward(AL, np.full((1, 10), 3.0), caches, loss="bce")
    with pytest.raises(ValueError, match=r"loss: expected one of \['bce', 'cce', 'mse'\], got 'hinge'"):
        nn.compute_cost(AL, np.zeros((1, 10)), "hinge")
    with pytest.raises(ValueError, match=r"parameters: expected the parameter dict when lambd > 0"):
        nn.compute_cost(AL, np.zeros((1, 10)), "bce", lambd=0.1)
    with pytest.raises(ValueError, match=r"lambd: expected a value in \[0.0, inf\), got -1"):
        nn.compute_cost(AL, np.zeros((1, 10)), "bce", parameters=p, lambd=-1)
    with pytest.raises(ValueError, match=r"W: expected shape \(2, 3\) to match A_prev's 3 rows, got \(2, 4\)"):
        nn.linear_forward(np.zeros((3, 2)), np.zeros((2, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"grads: expected key 'db2' for parameter 'b2'"):
        nn.update_parameters(p, {"dW1": 0 * p["W1"], "db1": 0 * p["b1"], "dW2": 0 * p["W2"]}, 0.1)
    with pytest.raises(ValueError, match=r"learning_rate: expected a value in \(0, inf\), got 0"):
        nn.update_parameters(p, {}, 0)


def test_linear_backward_can_skip_dA_prev(rng):
    _, cache = nn.linear_forward(rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), np.zeros((2, 1)))
    dZ = rng.standard_normal((2, 4))
    full = nn.linear_backward(dZ, cache)
    skipped = nn.linear_backward(dZ, cache, need_dA_prev=False)
    assert skipped[0] is None
    np.testing.assert_array_equal(skipped[1], full[1])
    np.testing.assert_array_equal(skipped[2], full[2])
