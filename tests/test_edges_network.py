"""Issue 10 for the network modules (nn, batchnorm, regularization, initializers): bad input never
passes silently, and valid extreme input gives a finite, correct result.

Organised by kind of problem. Every test here failed on the code before the fix; the comment on
each says how (``was:``).
"""

import numpy as np
import pytest

from dlnotes import batchnorm as bn
from dlnotes import initializers as init
from dlnotes import nn
from dlnotes import regularization as reg

ACTS = ("relu", "sigmoid")


@pytest.fixture
def net():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3, 8))
    Y = (rng.random((1, 8)) < 0.5).astype(np.float64)
    p = init.initialize_parameters([3, 4, 1], "he", rng=0)
    return X, Y, p


@pytest.fixture
def bn_net():
    X = np.random.default_rng(1).standard_normal((3, 8))
    p = init.initialize_parameters([3, 4, 1], "he", rng=0, batchnorm=True)
    state = {"mu1": np.zeros((4, 1)), "var1": np.ones((4, 1))}
    return X, p, state


def _grads_like(p, **override):
    g = {f"d{k}": np.zeros_like(v) for k, v in p.items()}
    g.update(override)
    return g


# =============================================================================================
# Shape broadcasting: two arrays that are combined must have exactly the same shape
# =============================================================================================
def test_activation_backward_refuses_broadcasting_shapes():
    # was: dA (8, 1) times g'(Z) of shape (1, 8) returned an (8, 8) "gradient"
    with pytest.raises(ValueError, match=r"^dA: expected shape \(1, 8\) \(the shape of Z\), got \(8, 1\)"):
        nn.activation_backward(np.ones((8, 1)), np.ones((1, 8)), "relu")


@pytest.mark.parametrize("training", [True, False])
def test_rank1_running_averages_are_refused(bn_net, training):
    # was: training broadcast mu1 of shape (4,) against (4, 1) into a (4, 4) running mean;
    # inference raised "mu: ..." naming batchnorm_inference's argument, not the caller's
    X, p, _ = bn_net
    state = {"mu1": np.zeros(4), "var1": np.ones(4)}
    with pytest.raises(ValueError, match=r"^bn_state\['mu1'\]: expected shape \(4, 1\), got \(4,\)"):
        nn.model_forward(X, p, ACTS, bn_state=state, training=training)
    assert state["mu1"].shape == (4,)                          # not replaced by a broadcast (4, 4)


def test_batchnorm_statistics_name_the_rows_of_Z():
    # was: "gamma: expected shape (8, 1), got (4, 1)" for a transposed Z, without a word about Z
    Z = np.ones((4, 8))
    with pytest.raises(ValueError, match=r"^gamma: expected shape \(8, 1\) \(one entry per row of Z, whose shape is"):
        bn.batchnorm_forward(Z.T, np.ones((4, 1)), np.zeros((4, 1)))


def test_model_backward_refuses_AL_of_another_shape_than_the_forward_pass(net):
    # was: "dZ: expected shape (1, 8), got (1, 4)", from deep inside linear_backward
    X, Y, p = net
    AL, caches = nn.model_forward(X, p, ACTS)
    with pytest.raises(ValueError, match=r"^AL: expected shape \(1, 8\) \(the shape of the last layer's Z"):
        nn.model_backward(AL[:, :4], Y[:, :4], caches, loss="bce")


# =============================================================================================
# dtype: float32 and float64 are never mixed silently
# =============================================================================================
def _f32(a):
    return np.asarray(a, dtype=np.float32)


@pytest.mark.parametrize("call,pattern", [
    # was: each of these returned float64 without a word
    (lambda X, p: nn.linear_forward(X, _f32(p["W1"]), p["b1"]),
     r"^W: expected dtype float64 \(the dtype of A_prev\), got float32"),
    (lambda X, p: nn.linear_forward(X, p["W1"], _f32(p["b1"])),
     r"^b: expected dtype float64 \(the dtype of A_prev\), got float32"),
    (lambda X, p: nn.activation_backward(_f32(np.ones((3, 8))), X, "tanh"),
     r"^dA: expected dtype float64 \(the dtype of Z\), got float32"),
    (lambda X, p: nn.linear_backward(_f32(np.ones((4, 8))), nn.linear_forward(X, p["W1"], p["b1"])[1]),
     r"^dZ: expected dtype float64 \(the dtype of W in the cache\), got float32"),
    (lambda X, p: bn.batchnorm_forward(X, _f32(np.ones((3, 1))), np.zeros((3, 1))),
     r"^gamma: expected dtype float64 \(the dtype of Z\), got float32"),
    (lambda X, p: nn.update_parameters(p, _grads_like(p, dW1=_f32(np.zeros((4, 3)))), 0.1),
     r"^dW1: expected dtype float64 \(the dtype of W1\), got float32"),
], ids=["linear-W", "linear-b", "activation_backward", "linear_backward", "batchnorm-gamma", "update"])
def test_mixed_dtypes_raise_naming_the_argument(net, call, pattern):
    X, _, p = net
    with pytest.raises(TypeError, match=pattern):
        call(X, p)


def test_batchnorm_inference_refuses_running_averages_of_another_dtype():
    # was: a float64 mu was silently cast to the float32 Z's dtype (and gamma's mismatch upcast)
    Z, g, b = _f32(np.ones((3, 5))), _f32(np.ones((3, 1))), _f32(np.zeros((3, 1)))
    with pytest.raises(TypeError, match=r"^mu: expected dtype float32 \(the dtype of Z\), got float64"):
        bn.batchnorm_inference(Z, g, b, np.zeros((3, 1)), _f32(np.ones((3, 1))))


def test_compute_cost_refuses_float_labels_of_another_dtype(net):
    # was: float64 labels were cast to AL's float32; integer labels still take AL's dtype
    X, Y, p = net
    AL = _f32(nn.model_forward(X, p, ACTS)[0])
    with pytest.raises(TypeError, match=r"^Y: expected dtype float32 \(the dtype of AL\), got float64"):
        nn.compute_cost(AL, Y, "bce")
    assert isinstance(nn.compute_cost(AL, Y.astype(np.int64), "bce"), float)


def test_ridge_polyfit_refuses_mixed_dtypes():
    # was: float32 x with float64 y returned float64 coefficients
    x = np.linspace(0, 1, 5)
    with pytest.raises(TypeError, match=r"^y: expected dtype float32 \(the dtype of x\), got float64"):
        reg.ridge_polyfit(_f32(x), 1 + 2 * x, 1, 0.0)


# =============================================================================================
# Non-finite values in parameters, gradients, dA and bn_state are refused with the key's name
# =============================================================================================
def test_update_parameters_names_the_non_finite_key(net):
    X, Y, p = net
    # was: NaN flowed into the new parameters
    with pytest.raises(ValueError, match=r"^dW1: expected finite values, got 12 NaN or inf entries"):
        nn.update_parameters(p, _grads_like(p, dW1=np.full((4, 3), np.nan)), 0.1)
    with pytest.raises(ValueError, match=r"^b2: expected finite values, got 1 NaN or inf entries"):
        nn.update_parameters(dict(p, b2=np.array([[np.inf]])), _grads_like(p), 0.1)


@pytest.mark.parametrize("penalty", [reg.l2_penalty, reg.l1_penalty])
def test_penalties_name_the_non_finite_weight(net, penalty):
    # was: returned nan
    _, _, p = net
    with pytest.raises(ValueError, match=r"^W2: expected finite values, got 1 NaN or inf entries"):
        penalty(dict(p, W2=np.array([[0.1, np.nan, 0.2, 0.3]])), 0.1, 8)


def test_compute_cost_with_penalty_names_the_non_finite_weight(net):
    # was: returned nan
    X, Y, p = net
    AL, _ = nn.model_forward(X, p, ACTS)
    with pytest.raises(ValueError, match=r"^W1: expected finite values"):
        nn.compute_cost(AL, Y, "bce", parameters=dict(p, W1=p["W1"] * np.inf), lambd=0.1)


def test_running_averages_must_be_finite(bn_net):
    # was: "var: expected finite values" (batchnorm_inference's argument, not the caller's)
    X, p, state = bn_net
    state["var1"] = np.full((4, 1), np.nan)
    with pytest.raises(ValueError, match=r"^bn_state\['var1'\]: expected finite values"):
        nn.predict_proba(X, p, ACTS, bn_state=state)


def test_running_variances_must_be_non_negative(bn_net):
    # was: in training mode a negative var1 was averaged into the state without a word
    X, p, state = bn_net
    state["var1"] = -np.ones((4, 1))
    with pytest.raises(ValueError, match=r"^bn_state\['var1'\]: expected non-negative variances"):
        nn.model_forward(X, p, ACTS, bn_state=state)


# =============================================================================================
# Overflow: a computation that overflows names the caller's argument, never returns inf
# =============================================================================================
def test_first_layer_overflow_names_X(net):
    # was: a RuntimeWarning, then ValueError "z: expected finite values" (the activation's argument)
    X, _, p = net
    huge = np.full((3, 8), 1e308)
    with pytest.raises(FloatingPointError, match=r"^X: expected the first layer's W1 @ X \+ b1 to be finite"):
        nn.model_forward(huge, dict(p, W1=np.abs(p["W1"]) + 1.0), ACTS)


def test_later_layer_overflow_names_the_weights_and_the_learning_rate(net):
    # was: ValueError "z: expected finite values"
    X, _, p = net
    big = dict(p, W1=np.abs(p["W1"]) * 1e200, W2=np.abs(p["W2"]) * 1e200)
    with pytest.raises(FloatingPointError, match=r"^W2: expected layer 2's .*smaller learning_rate"):
        nn.model_forward(np.abs(X), big, ACTS)


def test_linear_forward_overflow_is_an_error():
    # was: returned Z full of inf (with a RuntimeWarning at most)
    with pytest.raises(FloatingPointError, match=r"^W: expected Z = W @ A_prev \+ b to be finite"):
        nn.linear_forward(np.full((2, 3), 1e300), np.full((1, 2), 1e300), np.zeros((1, 1)))


def test_batchnorm_layer_whose_variance_overflows(bn_net):
    # was: a RuntimeWarning and NaN/zero normalized values
    X, p, _ = bn_net
    with pytest.raises(FloatingPointError, match=r"^Z: expected rows whose mean and variance are finite"):
        bn.batchnorm_forward(np.array([[1e300, -1e300]]), np.ones((1, 1)), np.zeros((1, 1)))
    with pytest.raises(FloatingPointError, match=r"^X: expected the first layer's"):
        nn.model_forward(X, dict(p, W1=p["W1"] * 1e306), ACTS)


def test_update_overflow_names_learning_rate(net):
    # was: returned parameters of inf
    _, _, p = net
    grads = {f"d{k}": np.full_like(v, 1e300) for k, v in p.items()}
    with pytest.raises(FloatingPointError, match=r"^learning_rate: expected the updated W1 to be finite"):
        nn.update_parameters(p, grads, 1e10)


def test_cost_overflow_names_AL(net):
    # was: "A: expected inputs whose mean loss ..." (the loss's argument), or inf
    _, Y, _ = net
    with pytest.raises(FloatingPointError, match=r"^AL: expected a finite 'mse' cost"):
        nn.compute_cost(np.full((1, 8), 1e300), Y, "mse")


def test_backward_overflow_is_named(net):
    # was: RuntimeWarning, then dW of inf returned as a gradient
    X, _, p = net
    big = dict(p, W1=np.abs(p["W1"]) * 1e100, W2=np.abs(p["W2"]) * 1e200)
    AL, caches = nn.model_forward(np.abs(X), big, ("relu", "identity"))
    assert np.isfinite(AL).all()
    pattern = r"^caches: expected a finite backward pass, got an overflow at layer 2"
    with pytest.raises(FloatingPointError, match=pattern):
        nn.model_backward(AL, np.zeros_like(AL), caches, loss="mse")


def test_l2_penalty_overflow_and_l2_grad_overflow(net):
    # was: inf penalty; inf gradient
    _, _, p = net
    with pytest.raises(FloatingPointError, match=r"^parameters: expected weights whose squared Frobenius norm"):
        reg.l2_penalty(dict(p, W1=p["W1"] * 1e300), 1.0, 8)
    with pytest.raises(FloatingPointError, match=r"^lambd: expected a L2 gradient that is finite"):
        reg.l2_penalty_grad(np.full((2, 2), 1e300), 1e300, 1)


def test_activation_stats_by_depth_raises_what_its_docstring_promises():
    # was: returned inf standard deviations
    with pytest.raises(ValueError, match=r"^depth: expected a depth .* overflow at layer"):
        init.activation_stats_by_depth("normal", 400, 100, "relu", rng=0, m=10)


@pytest.mark.parametrize("call,pattern", [
    # was: arrays of inf
    (lambda: init.constant((2, 2), 1e39, dtype=np.float32), r"^value: expected a value whose weights are finite"),
    (lambda: init.random_normal((50, 50), 0, scale=1e38, dtype=np.float32),
     r"^scale: expected a value whose weights are finite"),
])
def test_initializer_values_too_large_for_the_dtype(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


# =============================================================================================
# Valid extreme input: a finite, correct result
# =============================================================================================
def test_l2_penalty_of_large_float32_weights_is_exact():
    # was: inf (the squares were taken in float32, whose largest value is 3.4e38)
    W = np.array([[3e20, -4e20]], dtype=np.float32)
    expected = 0.5 / (2 * 4) * sum(float(w) ** 2 for w in W.ravel())
    assert reg.l2_penalty({"W1": W}, 0.5, 4) == pytest.approx(expected, rel=1e-12)


def test_activation_stats_of_a_huge_but_finite_signal():
    # was: inf once the activations passed 1e154 (their squares overflow), long before they do
    s = init.activation_stats_by_depth("normal", 300, 100, "relu", rng=0, m=10)
    for key in ("activation_std", "gradient_std", "dA_std"):
        assert np.isfinite(s[key]).all(), key
    assert s["activation_std"][-1] > 1e200                 # it did explode, by ~7 per layer


def test_ridge_with_repeated_x_and_a_penalty_is_solvable():
    # the constant term is free and the others are penalized: a unique, finite solution
    w = reg.ridge_polyfit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 2, 0.1)
    assert np.isfinite(w).all()
    # was (lambd = 0): a raw LinAlgError "Singular matrix"
    with pytest.raises(ValueError, match=r"^degree: expected at most 0 with lambd = 0"):
        reg.ridge_polyfit([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], 2, 0.0)


def test_ridge_overflow_names_x():
    # was: LinAlgError or NaN coefficients
    with pytest.raises(ValueError, match=r"^x: expected values whose powers .* rescale x"):
        reg.ridge_polyfit([1e200, 2.0, 3.0], [1.0, 2.0, 3.0], 2, 0.0)


# =============================================================================================
# Type hygiene: flags are real bools, names are strings, dtype is float32/float64
# =============================================================================================
@pytest.mark.parametrize("call,name", [
    # was: a truthy string turned the flag on
    (lambda X, p: init.initialize_parameters([3, 4, 1], "he", 0, batchnorm="no"), "batchnorm"),
    (lambda X, p: nn.layer_shapes([3, 4, 1], batchnorm="no"), "batchnorm"),
    (lambda X, p: nn.model_forward(X, p, ACTS, training="no"), "training"),
])
def test_flags_accept_only_bools(net, call, name):
    X, _, p = net
    with pytest.raises(TypeError, match=rf"^{name}: expected True or False, got str 'no'"):
        call(X, p)


def test_dtype_names_dtype():
    # was: numpy's bare "data type 'foo' not understood"
    with pytest.raises(TypeError, match=r"^dtype: expected float32 or float64, got 'foo'"):
        init.initialize_parameters([3, 1], "he", 0, "foo")


@pytest.mark.parametrize("call,pattern", [
    # was: "unhashable type: 'list'"
    (lambda X, p: init.initialize_parameters([3, 1], ["he"], 0), r"^method: expected one of"),
    (lambda X, p: nn.model_forward(X, p, (["relu"], "sigmoid")), r"^activations\[0\]: expected one of"),
    (lambda X, p: nn.compute_cost(np.full((1, 8), 0.5), np.zeros((1, 8)), ["bce"]), r"^loss: expected one of"),
])
def test_names_that_are_not_strings(net, call, pattern):
    X, _, p = net
    with pytest.raises(TypeError, match=pattern):
        call(X, p)


# =============================================================================================
# Messages naming the caller's argument
# =============================================================================================
def test_compute_cost_names_AL(net):
    # was: AL = 1.5 was clipped into a cost without a word; NaN was reported as "A: ..." (the loss's argument)
    _, Y, _ = net
    with pytest.raises(ValueError, match=r"^AL: expected probabilities in \[0, 1\] for loss='bce'"):
        nn.compute_cost(np.full((1, 8), 1.5), Y, "bce")
    with pytest.raises(ValueError, match=r"^AL: expected finite values"):
        nn.compute_cost(np.full((1, 8), np.nan), Y, "bce")


@pytest.mark.parametrize("predict", [nn.predict, nn.predict_proba])
def test_predict_with_the_wrong_number_of_features_names_X(net, predict):
    # was: "W1: expected shape (4, 2) ..." although the trained W1 is right and X is wrong
    X, _, p = net
    with pytest.raises(ValueError, match=r"^X: expected 3 rows \(features.*W1 of shape \(4, 3\), got shape \(2, 8\)"):
        predict(X[:2], p, ACTS)


# =============================================================================================
# Containers: a scalar, None or a list where a sequence, dict or cache is expected
# =============================================================================================
@pytest.mark.parametrize("call,exc,pattern", [
    # was: "'int' object is not iterable" and the like, deep inside (keep_probs="0.5": "got 3" values)
    (lambda X, Y, p, c: nn.layer_shapes(5), TypeError, r"^layer_dims: expected a list"),
    (lambda X, Y, p, c: init.initialize_parameters(5, "he", 0), TypeError, r"^layer_dims: expected a list"),
    (lambda X, Y, p, c: nn.update_parameters(p, None, 0.1), TypeError, r"^grads: expected a dict"),
    (lambda X, Y, p, c: nn.update_parameters([p["W1"]], {}, 0.1), TypeError, r"^parameters: expected a dict"),
    (lambda X, Y, p, c: nn.model_forward(X, p, None), TypeError, r"^activations: expected a list of 2"),
    (lambda X, Y, p, c: nn.predict(X, p, None), TypeError, r"^activations: expected a list"),
    (lambda X, Y, p, c: nn.model_forward(X, p, ACTS, keep_probs="0.5", rng=0), TypeError, r"^keep_probs: expected"),
    (lambda X, Y, p, c: nn.model_forward(X, p, ACTS, bn_state=[1]), TypeError, r"^bn_state: expected a dict"),
    (lambda X, Y, p, c: init.zeros(None), TypeError, r"^shape: expected a tuple"),
    # was: KeyError / unpacking errors from malformed caches
    (lambda X, Y, p, c: nn.model_backward(c[0], Y, None, loss="bce"), TypeError, r"^caches: expected the list"),
    (lambda X, Y, p, c: nn.model_backward(c[0], Y, [{"Z": 1}] * 2, loss="bce"), ValueError,
     r"^caches\[0\]: expected a dict with keys"),
    (lambda X, Y, p, c: nn.model_backward(c[0], Y, [dict(x, linear=(1, 2)) for x in c[1]], loss="bce"), TypeError,
     r"^caches\[0\]\['linear'\]: expected the \(A_prev, W, b\) tuple"),
    (lambda X, Y, p, c: nn.linear_backward(np.ones((4, 8)), (1, 2)), TypeError,
     r"^cache: expected the \(A_prev, W, b\)"),
    (lambda X, Y, p, c: nn.linear_activation_backward(np.ones((4, 8)), c[1][0]["linear"], "relu"), TypeError,
     r"^cache: expected the \(linear_cache, Z\) tuple"),
    (lambda X, Y, p, c: bn.batchnorm_backward(np.ones((4, 8)), {"Z_norm": np.ones((4, 8))}), ValueError,
     r"^cache: expected the dict returned by batchnorm_forward"),
    (lambda X, Y, p, c: bn.batchnorm_backward(np.ones((4, 8)), None), TypeError,
     r"^cache: expected the dict returned by batchnorm_forward"),
], ids=["layer_shapes-int", "init-int", "grads-None", "parameters-list", "activations-None",
        "predict-activations-None", "keep_probs-str", "bn_state-list", "shape-None", "caches-None",
        "caches-keys", "caches-linear", "linear_backward-cache", "linear_activation_backward-cache",
        "bn-cache-keys", "bn-cache-None"])
def test_malformed_containers(net, call, exc, pattern):
    X, Y, p = net
    c = nn.model_forward(X, p, ACTS)
    with pytest.raises(exc, match=pattern) as info:
        call(X, Y, p, c)
    assert type(info.value) is exc
    assert "expected" in str(info.value) and "got" in str(info.value)


def test_backward_through_inference_mode_caches_is_refused(bn_net):
    # was: gradients with a 'db1' key for a batch-norm layer (which has gamma1/beta1, no b1)
    X, p, state = bn_net
    AL, caches = nn.model_forward(X, p, ACTS, bn_state=state, training=False)
    Y = (AL > 0.5).astype(np.float64)
    with pytest.raises(ValueError, match=r"^caches: expected the caches of a training-mode forward pass"):
        nn.model_backward(AL, Y, caches, loss="bce")


def test_dropout_backward_refuses_a_mask_that_is_not_zeros_and_ones():
    # was: a mask of 0.5 scaled the gradient silently
    with pytest.raises(ValueError, match=r"^D: expected a mask of 0s and 1s"):
        reg.dropout_backward(np.ones((1, 3)), np.array([[0.5, 1.0, 0.0]]), 0.5)


def test_linear_activation_forward_needs_a_bias():
    # was: accepted b=None (linear_forward's batch-norm case) and built a layer without bias
    with pytest.raises(TypeError, match=r"^b: expected an array of shape \(n\[l\], 1\), got None"):
        nn.linear_activation_forward(np.ones((3, 2)), np.ones((4, 3)), None, "relu")


# =============================================================================================
# Docstrings say what each public function raises
# =============================================================================================
