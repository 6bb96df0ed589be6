"""Issue 10 for gradcheck, losses and activations: bad input never passes silently.

Organised by the kinds of the issue. Each kind has at least one case that failed on the code
before the fix; the comment ``# before: ...`` says what it did then. Kinds that did not occur in
these three modules say so.
"""

import inspect
import math
import warnings

import numpy as np
import pytest

import dlnotes
from dlnotes import activations as act
from dlnotes import gradcheck as gc
from dlnotes import losses as L

F32, F64 = np.float32, np.float64


# =============================================================================================
# Shape broadcasting: the two-array functions of these modules (softmax_backward, the losses,
# relative_difference, gradient_check) already refused any shape but the exact one before the fix
# (tests/test_losses.py, tests/test_activations.py, tests/test_gradcheck.py): no new case here.
# =============================================================================================


# =============================================================================================
# float32 gradient checking: a step and thresholds for the dtype
# =============================================================================================

def test_float32_numerical_grad_is_not_zero():
    # before: eps = 1e-7 is below float32's spacing near 2, so x +- eps == x and the result was 0
    x = np.array([2.0], dtype=F32)
    g = gc.numerical_grad(lambda t: float(np.sum(t.astype(F64) ** 2)), x)
    assert g.dtype == F32
    assert g[0] == pytest.approx(4.0, rel=1e-3)


def test_a_step_lost_to_rounding_is_refused():
    # before: numerical_grad(..., eps=1e-7) in float32 silently returned 0
    x = np.array([3.0, 2.0], dtype=F32)
    with pytest.raises(ValueError, match=r"^eps: expected a step well above the spacing of float32 numbers near "
                                         r"x.flat\[0\] = 3 \(2.4e-07\), got eps=1e-07"):
        gc.numerical_grad(lambda t: float(np.sum(t ** 2)), x, eps=1e-7)
    np.testing.assert_array_equal(x, [3.0, 2.0])
    # near 2, 2 + 1e-7 rounds to 2 but 2 - 1e-7 does not: a step distorted by rounding is refused too
    with pytest.raises(ValueError, match=r"^eps: expected a step well above the spacing"):
        gc.numerical_grad(lambda t: float(np.sum(t ** 2)), np.array([2.0], dtype=F32), eps=1e-7)
    with pytest.raises(ValueError, match=r"^eps: expected a step well above the spacing of float32 numbers near "
                                         r"W\[0, 1\] = 2 \(2.4e-07\)"):
        W = np.array([[1e-3, 2.0]], dtype=F32)
        gc.gradient_check(lambda p: float(np.sum(p["W"] ** 2)), {"W": W}, {"dW": 2 * W}, eps=1e-7)


@pytest.mark.parametrize("dtype,eps", [(F64, 6.06e-6), (F32, 4.92e-3)])
def test_default_step_is_cube_root_of_machine_epsilon(dtype, eps):
    # f(x) = x^3 at x = 1: the two-sided quotient is 3 + eps^2 exactly (no rounding of the step
    # at x = 1 beyond the dtype's), so the result tells which step was used
    x = np.array([1.0], dtype=dtype)
    g = gc.numerical_grad(lambda t: float(t.astype(F64)[0]) ** 3, x)
    assert float(g[0]) - 3 == pytest.approx(eps ** 2, rel=0.05)
    assert np.finfo(dtype).eps ** (1 / 3) == pytest.approx(eps, rel=1e-3)


def test_default_step_scales_with_the_component():
    # |x| = 1e4: a step of 4.9e-3 would be below float32's spacing there (1e-3) by only a factor
    # of 5; relative steps keep the same accuracy at every scale
    x = np.array([1e4], dtype=F32)
    g = gc.numerical_grad(lambda t: float(t.astype(F64)[0]) ** 2, x)
    assert float(g[0]) == pytest.approx(2e4, rel=1e-4)


def _float32_network():
    from dlnotes import nn
    from dlnotes.initializers import initialize_parameters
    rng = np.random.default_rng(3)
    X = rng.standard_normal((3, 10)).astype(F32)
    Y = (rng.random((1, 10)) < 0.5).astype(F32)
    p = initialize_parameters([3, 4, 1], "lecun", rng, F32)
    acts = ("tanh", "sigmoid")

    def cost(q):
        return nn.compute_cost(nn.model_forward(X, q, acts)[0], Y, "bce")

    AL, caches = nn.model_forward(X, p, acts)
    return p, cost, nn.model_backward(AL, Y, caches, loss="bce")


def test_float32_correct_gradient_is_great_and_a_bug_is_wrong():
    # before: eps = 1e-7 and the float64 thresholds called this correct float32 gradient 'wrong'
    p, cost, grads = _float32_network()
    res = gc.gradient_check(cost, p, grads)
    assert res.numerical.dtype == F32 and res.verdict == "great", res.rel_error
    broken = {**grads, "dW2": -grads["dW2"]}
    assert gc.gradient_check(cost, p, broken).verdict == "wrong"


def test_float32_thresholds():
    # before: classify_rel_error had no dtype; float32 thresholds are t ** (log eps32 / log eps64)
    power = math.log(np.finfo(F32).eps) / math.log(np.finfo(F64).eps)
    great, check, suspicious = (t ** power for t in (1e-7, 1e-5, 1e-3))
    assert (round(great, 5), round(check, 4), round(suspicious, 3)) == (0.0008, 0.0061, 0.047)  # the docstring
    verdicts = [gc.classify_rel_error(r, F32) for r in (0.99 * great, great, 0.99 * check, check,
                                                          suspicious, 1.01 * suspicious)]
    assert verdicts == ["great", "check", "check", "suspicious", "suspicious", "wrong"]
    assert gc.classify_rel_error(1e-4) == "suspicious"         # float64 is unchanged
    with pytest.raises(TypeError, match=r"^dtype: expected float32 or float64, got 'foo'"):
        gc.classify_rel_error(1e-4, "foo")


def test_x_is_restored_when_f_raises():
    # before: x kept the perturbed value old + eps
    x = np.array([1.0, 2.0, 3.0])

    def f(t):
        if t[1] != 2.0:
            raise RuntimeError("boom")
        return float(np.sum(t))

    with pytest.raises(RuntimeError, match="boom"):
        gc.numerical_grad(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("value,exc,pattern", [
    (np.array([1.0, 2.0]), TypeError, r"^f: expected a real number as the value of the cost, got ndarray of shape \(2,\)"),
    (None, TypeError, r"^f: expected a real number .* got NoneType None"),
    ("1.0", TypeError, r"^f: expected a real number"),
    (1 + 2j, TypeError, r"^f: expected a real number"),
    (True, TypeError, r"^f: expected a real number"),
    (float("nan"), ValueError, r"^f: expected a finite value of the cost, got nan at x.flat\[0\] \+ eps"),
    (np.float64(np.inf), ValueError, r"^f: expected a finite value of the cost, got inf"),
])
def test_f_must_return_a_finite_real_number(value, exc, pattern):
    # before: an array gave NumPy's "setting an array element with a sequence"; NaN and inf passed
    x = np.array([1.0, 2.0])
    with pytest.raises(exc, match=pattern):
        gc.numerical_grad(lambda t: value, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    # NumPy scalars and 0-d arrays are real numbers
    g = gc.numerical_grad(lambda t: np.sum(t ** 2), x)
    np.testing.assert_array_equal(g, gc.numerical_grad(lambda t: np.array(np.sum(t ** 2)), x))
    np.testing.assert_allclose(g, [2.0, 4.0], rtol=1e-9)




# =============================================================================================
# Losses: probabilities in [0, 1], per-example log-sum-exp, then the mean
# =============================================================================================

@pytest.mark.parametrize("call,name", [
    (lambda: L.binary_cross_entropy(np.array([[1.2, 0.5]]), np.array([[1, 0]])), "A"),
    (lambda: L.bce_grad(np.array([[-0.1, 0.5]]), np.array([[1, 0]])), "A"),
    (lambda: L.categorical_cross_entropy(np.array([[2.0], [-1.0]]), np.array([[1], [0]])), "Yhat"),
    (lambda: L.sparse_categorical_cross_entropy(np.array([[2.0], [-1.0]]), np.array([0])), "Yhat"),
    (lambda: L.softmax_cross_entropy_grad(np.array([[1.5], [-0.5]]), np.array([[1], [0]])), "Yhat"),
])
def test_probabilities_outside_0_1_are_refused(call, name):
    # before: accepted; categorical_cross_entropy([[2], [-1]], [[1], [0]]) was -log 2 < 0
    with pytest.raises(ValueError, match=rf"^{name}: expected probabilities in \[0, 1\].*got values in"):
        call()


def test_softmax_outputs_must_sum_to_one():
    # before: accepted; Yhat - Y is the gradient only for softmax outputs, and a column of
    # sigmoids (sum 1.5) gave a "gradient" of no meaning
    P = np.array([[0.9], [0.6]])
    with pytest.raises(ValueError, match=r"^Yhat: expected columns summing to 1 .*got column sums in \[1.5, 1.5\]"):
        L.softmax_cross_entropy_grad(P, np.array([[1], [0]]))
    assert L.sparse_categorical_cross_entropy(np.array([[0.3334], [0.3333], [0.3333]]), np.array([0])) == \
        pytest.approx(-np.log(0.3334))                            # rounding within 1e-3 is fine
    # the categorical cost itself is defined for any probabilities (sigmoid outputs, chain rule)
    assert L.categorical_cross_entropy(P, np.array([[1], [0]])) == pytest.approx(-np.log(0.9))


@pytest.mark.parametrize("C", [2, 3, 10])
def test_equal_huge_logits_give_log_C(C, rng):
    # before: (1e300 + log C) - 1e300 = 0
    Z = np.full((C, 4), 1e300)
    Y = np.eye(C)[:, np.arange(4) % C]
    assert L.categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(np.log(C), rel=1e-12)
    # and ordinary logits give the textbook mean of log-sum-exp minus the true logit
    Z, labels = rng.standard_normal((C, 9)) * 3, rng.integers(0, C, 9)
    by_hand = np.mean([np.log(np.sum(np.exp(Z[:, i]))) - Z[labels[i], i] for i in range(9)])
    assert L.categorical_cross_entropy_from_logits(Z, np.eye(C)[:, labels]) == pytest.approx(by_hand, rel=1e-13)


def test_huge_logits_with_a_finite_mean():
    # before: the sum over examples overflowed to inf (with a RuntimeWarning)
    Z = np.array([[1e308, 1e308, 0.0], [0.0, 0.0, 0.0]])
    Y = np.array([[0, 0, 1], [1, 1, 0]])             # the first two examples are wrong by 1e308
    assert L.categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(1e308 / 3 * 2 + np.log(2) / 3, rel=1e-12)
    Zb = np.array([[1.5e308, -1.5e308, 0.0]])
    Yb = np.array([[0, 1, 1]])
    assert L.binary_cross_entropy_from_logits(Zb, Yb) == pytest.approx(1.5e308 / 3 * 2 + np.log(2) / 3, rel=1e-12)
    # logits of +-1.7e308: M - z would overflow, halves do not
    Zc = np.array([[1.7e308, 0.0], [-1.7e308, 0.0]])
    Yc = np.array([[0, 1], [1, 0]])
    assert L.categorical_cross_entropy_from_logits(Zc, Yc) == pytest.approx(1.7e308 + np.log(2) / 2, rel=1e-12)


def test_a_mean_beyond_the_largest_float_raises():
    # before: returned inf without an error
    with pytest.raises(FloatingPointError, match=r"^Z: expected inputs whose mean loss is a finite float"):
        L.binary_cross_entropy_from_logits(np.full((2, 1), 1.7e308), np.zeros((2, 1)))
    with pytest.raises(FloatingPointError, match=r"^A: expected inputs whose mean loss is a finite float"):
        L.mean_squared_error(np.array([[1e200]]), np.array([[-1e200]]))


def test_float32_mean_beyond_float32_range_is_a_python_float():
    # the cost is a Python float: a float32 mean above 3.4e38 is summed in float64
    Z = np.array([[3e38, 3e38], [-3e38, -3e38]], dtype=F32)
    Y = np.array([[0, 0], [1, 1]], dtype=F32)
    assert L.categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(6e38, rel=1e-6)


# =============================================================================================
# Non-finite values and overflow
# =============================================================================================

def test_nan_and_inf_inputs_name_the_argument():
    with pytest.raises(ValueError, match=r"^x: expected finite values"):
        gc.numerical_grad(lambda t: 0.0, np.array([1.0, np.nan]))          # before: passed
    with pytest.raises(ValueError, match=r"^dW: expected finite values"):    # before: 'g: expected finite'
        gc.gradient_check(lambda p: 0.0, {"W": np.ones(2)}, {"dW": np.array([np.inf, 1.0])})
    with pytest.raises(ValueError, match=r"^dA: expected finite values"):
        act.softmax_backward(np.array([[np.nan], [1.0]]), np.zeros((2, 1)))


def test_softmax_and_sigmoid_are_finite_at_the_largest_floats():
    # before: softmax of +-1.7e308 overflowed in z - max (a RuntimeWarning, an error here)
    z = np.array([[1.7e308, 1e300, -1e300], [-1.7e308, -1e300, -1e300]])
    p = act.softmax(z)
    np.testing.assert_array_equal(p, [[1.0, 1.0, 0.5], [0.0, 0.0, 0.5]])
    np.testing.assert_array_equal(act.sigmoid(np.array([1e300, -1e300])), [1.0, 0.0])
    np.testing.assert_array_equal(act.sigmoid_grad(np.array([1e300, -1e300])), [0.0, 0.0])
    p32 = act.softmax(np.array([[3e38], [-3e38]], dtype=F32))
    assert p32.dtype == F32 and p32[0, 0] == 1 and p32[1, 0] == 0


def test_sigmoid_grad_is_accurate_in_the_tails():
    # before: s * (1 - s) rounded 1 - s to 0 for z > 37, so sigma'(40) was 0
    z = np.array([-40.0, 40.0, 700.0])
    np.testing.assert_allclose(act.sigmoid_grad(z), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))) ** 2, rtol=1e-14)
    assert act.sigmoid_grad(np.array([40.0]))[0] > 0
    assert act.sigmoid_grad(z.astype(F32)).dtype == F32


def test_softmax_backward_with_huge_gradients():
    # before: dA - a.dA overflowed to -inf for a gradient whose true product is finite
    z = np.array([[10.0], [0.0]])
    dA = np.array([[1.7e308], [-1.7e308]])
    a = act.softmax(z)
    expected = a[:, 0] * np.array([1.0 - (a[0, 0] - a[1, 0]), -1.0 - (a[0, 0] - a[1, 0])]) * 1.7e308
    np.testing.assert_allclose(act.softmax_backward(dA, z)[:, 0], expected, rtol=1e-12)


def test_overflowing_difference_raises():
    # before: inf with a RuntimeWarning
    with pytest.raises(FloatingPointError, match=r"^A: expected predictions and targets whose difference"):
        L.mse_grad(np.array([[1.7e308]]), np.array([[-1.7e308]]))


def test_relative_difference_of_huge_and_tiny_gradients():
    # before: the norms overflowed (1e200 ** 2) and the result was nan
    a = np.array([3e200, 4e200])
    assert gc.relative_difference(a, a * (1 + 1e-8)) == pytest.approx(0.5e-8, rel=1e-3)
    b = np.array([3e-300, 4e-300])                                # and their squares underflow
    assert gc.relative_difference(b, -b) == 1.0


# =============================================================================================
# Divergence: no training loop in these modules (train, optim and fast handle it)
# =============================================================================================


# =============================================================================================
# Type hygiene: dtypes are not mixed, flags and dtypes are checked
# =============================================================================================

@pytest.mark.parametrize("call,name,ref", [
    (lambda: act.softmax_backward(np.ones((2, 3), F32), np.ones((2, 3))), "dA", "z"),
    (lambda: act.softmax_backward(np.ones((2, 3)), np.ones((2, 3), F32)), "dA", "z"),
    (lambda: L.bce_grad(np.full((1, 2), 0.5, F32), np.array([[1.0, 0.0]])), "Y", "A"),
    (lambda: L.mse_grad(np.ones((1, 2)), np.ones((1, 2), F32)), "Y", "A"),
    (lambda: L.mean_squared_error(np.ones((1, 2), F32), np.ones((1, 2))), "Y", "A"),
    (lambda: L.softmax_cross_entropy_grad(np.full((2, 1), 0.5, F32), np.array([[1.0], [0.0]])), "Y", "Yhat"),
    (lambda: L.categorical_cross_entropy_from_logits(np.zeros((2, 1), F32), np.array([[1.0], [0.0]])), "Y", "Z"),
    (lambda: gc.relative_difference(np.ones(2, F32), np.ones(2)), "g_num", "g"),
    (lambda: gc.params_to_vector({"W1": np.ones((1, 2)), "b1": np.ones((1, 1), F32)}), "b1", "W1"),
    (lambda: gc.gradient_check(lambda p: 0.0, {"W": np.ones(2, F32)}, {"dW": np.ones(2)}), "dW", "W"),
])
def test_mixed_float_dtypes_raise(call, name, ref):
    # before: float64 results from float32 inputs (softmax_backward, relative_difference,
    # params_to_vector), or float labels silently rounded to float32 (the losses)
    with pytest.raises(TypeError, match=rf"^{name}: expected dtype float(32|64) \(the dtype of {ref}\), got float"):
        call()


@pytest.mark.parametrize("dtype", [F32, F64])
def test_integer_and_boolean_labels_take_the_prediction_dtype(dtype):
    A = np.array([[0.25, 0.75]], dtype=dtype)
    for Y in (np.array([[0, 1]]), np.array([[False, True]]), [[0, 1]]):
        assert L.bce_grad(A, Y).dtype == dtype
        assert L.mse_grad(A, Y).dtype == dtype
    assert act.softmax_backward(np.ones((2, 1), dtype=np.int64), np.zeros((2, 1), dtype)).dtype == dtype


@pytest.mark.parametrize("dtype", ["foo", np.int64, np.float16, "complex128"])
def test_clip_eps_dtype(dtype):
    # before: "data type ... not inexact" from np.finfo for 'foo' and int64; float16 passed silently
    with pytest.raises(TypeError, match=r"^dtype: expected float32 or float64, got"):
        L.clip_eps(dtype)


def test_matrix_input_is_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        M = np.asmatrix(np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"^x: expected a float numpy array \(float32 or float64.*got matrix"):
        gc.numerical_grad(lambda t: float(np.sum(t)), M)          # before: x * x was a matrix product
    with pytest.raises(TypeError, match=r"^dA: expected a numpy.ndarray, got numpy.matrix"):
        act.softmax_backward(M, np.ones((2, 2)))


@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_classify_rel_error_refuses_bad_values(value):
    # before: inf was called 'wrong' without a word
    with pytest.raises(ValueError, match=r"^rel_error: expected a non-negative finite number"):
        gc.classify_rel_error(value)


def test_read_only_x_is_refused():
    x = np.ones(3)
    x.flags.writeable = False
    # before: NumPy's "assignment destination is read-only", naming no argument
    with pytest.raises(ValueError, match=r"^x: expected a writable array"):
        gc.numerical_grad(lambda t: float(np.sum(t)), x)


# =============================================================================================
# Messages naming the caller's argument
# =============================================================================================

def test_cost_fn_is_named_when_it_returns_nan():
    # before: "g_num: expected finite values", an argument the caller never passed
    with pytest.raises(ValueError, match=r"^cost_fn: expected a finite value of the cost, got nan"):
        gc.gradient_check(lambda p: float("nan"), {"W": np.ones(2)}, {"dW": np.ones(2)})
    with pytest.raises(TypeError, match=r"^cost_fn: expected a real number .*ndarray of shape \(2,\)"):
        gc.gradient_check(lambda p: p["W"] ** 2, {"W": np.ones(2)}, {"dW": np.ones(2)})


def test_f_that_is_not_callable_is_named():
    # before: "'int' object is not callable", from inside the loop
    with pytest.raises(TypeError, match=r"^f: expected a callable, got int"):
        gc.numerical_grad(3, np.ones(2))


# =============================================================================================
# Errors a learner can act on: the wrong kind of value
# =============================================================================================

@pytest.mark.parametrize("call,exc,pattern", [
    # before: "'NoneType' object is not iterable"
    (lambda: gc.vector_to_params(np.ones(2), None), TypeError, r"^spec: expected a list of \(key, shape\) pairs"),
    # before: "cannot unpack non-iterable int object"
    (lambda: gc.vector_to_params(np.ones(2), [5]), TypeError, r"^spec\[0\]: expected a \(key, shape\) pair"),
    (lambda: gc.vector_to_params(np.ones(2), [("W", (-1, -2))]), TypeError, r"^spec\[0\]: expected a \(key, shape\)"),
    # before: overwrote the first 'W' without a word
    (lambda: gc.vector_to_params(np.ones(2), [("W", (1,)), ("W", (1,))]), ValueError,
     r"^spec: expected each key once, got \['W'\]"),
    # before: a list of parameters gave NumPy's "ufunc 'add' did not contain a loop..." ('d' + an array)
    (lambda: gc.gradient_check(lambda p: 0.0, [np.ones(2)], {"dW": np.ones(2)}), TypeError,
     r"^parameters: expected a dict of parameter arrays, got list"),
    # before: "argument of type 'NoneType' is not iterable"
    (lambda: gc.gradient_check(lambda p: 0.0, {"W": np.ones(2)}, None), TypeError,
     r"^grads: expected a dict of gradient arrays, got NoneType"),
    # before: "x: expected a contiguous array", about an argument the caller never passed
    (lambda: gc.gradient_check(lambda p: 0.0, {}, {}), ValueError, r"^parameters: expected at least one"),
    # before: "W1" was split into the keys 'W' and '1'
    (lambda: gc.params_to_vector({"W1": np.ones(2)}, keys="W1"), TypeError, r"^keys: expected a list of keys"),
    (lambda: gc.params_to_vector({"W1": np.ones(2)}, keys=["W1", "W1"]), ValueError,
     r"^keys: expected each key once, got \['W1'\]"),
    # before: "x: expected a float numpy array, got ndarray" for an integer array: now the dtype is named
    (lambda: gc.numerical_grad(lambda t: 0.0, np.arange(3)), TypeError, r"^x: .*got ndarray of dtype int64"),
    # before: a RuntimeWarning from the cast of 1e30 to an integer index (then a wrapped-around value)
    (lambda: L.sparse_categorical_cross_entropy(np.full((2, 1), 0.5), np.array([1e30])), ValueError,
     r"^labels: expected class indices in \[0, 1\], got values in \[1e\+30, 1e\+30\]"),
    (lambda: L.sparse_categorical_cross_entropy(np.full((2, 1), 0.5), np.array([np.nan])), TypeError,
     r"^labels: expected integer class indices, got non-integer values such as"),
])
def test_wrong_kind_of_value(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert type(info.value) is exc


# =============================================================================================
# Raises sections
# =============================================================================================

