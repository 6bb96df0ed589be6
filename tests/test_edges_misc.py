"""Issue 10 (bad input never passes silently) for data, autodiff, logistic, tuning and compgraph.

Organised by kind of problem. Every test failed on the code before the fix; the comment
``# before:`` says what happened then.
"""

import importlib
import inspect
import math

import numpy as np
import pytest

import dlnotes
from dlnotes import autodiff, compgraph, data, logistic, tuning
from dlnotes.autodiff import Value

MODULES = {"data": data, "autodiff": autodiff, "logistic": logistic, "tuning": tuning, "compgraph": compgraph}


def _X(shape=(3, 8), seed=0, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _Y(m=8, dtype=np.float64):
    return (np.arange(m) % 2).reshape(1, m).astype(dtype)


# =============================================================================================
# Every public docstring says what it raises
# =============================================================================================

@pytest.mark.parametrize("qualname", [f"{mod}.{name}" for mod in dlnotes.API for name in dlnotes.API[mod]])
def test_public_docstring_has_a_doctest(qualname):
    # Issue 12's rule: summary, shapes, one doctest, the page link (tests/test_doclinks.py checks
    # the link). What bad input raises is enforced by tests/test_bad_input.py, not listed in a
    # Raises section (the rule of issue 10, replaced).
    mod, name = qualname.split(".")
    obj = getattr(importlib.import_module(f"dlnotes.{mod}"), name)
    if not inspect.isfunction(obj):
        pytest.skip("not a function")
    doc = inspect.getdoc(obj)
    assert doc and doc.splitlines()[0].strip(), f"{qualname} has no summary line"
    assert ">>> " in doc, f"{qualname} has no doctest"


def test_underscores_in_math_text_render():
    # before: \text{batch\_size} and \text{max\_shift}, which MathJax 3 shows with a backslash
    for fn in (data.random_mini_batches, data.augment_images):
        assert "\\text{batch\\_" not in fn.__doc__ and "\\text{max\\_" not in fn.__doc__
    assert "\\mathrm{batch\\_size}" in data.random_mini_batches.__doc__
    assert "\\mathrm{max\\_shift}" in data.augment_images.__doc__


# =============================================================================================
# Shapes: no broadcasting, and the message names the argument the caller got wrong
# =============================================================================================

def test_transposed_X_names_X_and_w():
    # before: "w: expected shape (8, 1), got (3, 1)": X, the transposed array, was not named
    w, X = np.zeros((3, 1)), _X()
    for fn in (logistic.propagate, logistic.propagate_loop):
        with pytest.raises(ValueError, match=r"^w: expected shape \(8, 1\) to match X's 8 features"):
            fn(w, 0.0, X.T.copy(), _Y(3))


def test_predict_with_the_wrong_number_of_features_names_X():
    # before: "w: expected shape (2, 1), got (3, 1)" although w is the trained model
    with pytest.raises(ValueError, match=r"^X: expected shape \(3, m\) to match w's 3 features, got \(2, 8\)"):
        logistic.predict(np.zeros((3, 1)), 0.0, _X((2, 8)))


def test_tuning_bounds_must_be_one_dimensional():
    # before: "high: expected the shape of low (1, 2), got (1, 2)"
    with pytest.raises(ValueError, match=r"^low: expected a number or a 1-D sequence .* got shape \(1, 2\)"):
        tuning.grid_points(2, [[0.0, 0.0]], [[1.0, 1.0]])


# =============================================================================================
# dtypes: float32 and float64 are not mixed; dtype= accepts only float32 / float64
# =============================================================================================

def test_logistic_single_refuses_mixed_dtypes():
    # before: a float32 w with a float64 x passed silently
    with pytest.raises(TypeError, match=r"^w: expected dtype float64 \(the dtype of x\), got float32"):
        compgraph.logistic_single(np.ones((2, 1)), np.ones((2, 1), np.float32), 0.0, 1)


def test_standardize_apply_refuses_statistics_of_another_dtype():
    # before: float64 statistics were applied to float32 data without a word
    X32 = _X(dtype=np.float32)
    mu, sigma = data.standardize_fit(_X())
    with pytest.raises(TypeError, match=r"^mu: expected dtype float32 \(the dtype of X\), got float64"):
        data.standardize_apply(X32, mu, sigma)
    with pytest.raises(TypeError, match=r"^sigma: expected dtype float32"):
        data.standardize_apply(X32, mu.astype(np.float32), sigma)


def test_logistic_fit_refuses_a_test_set_of_another_dtype():
    # before: the float64 X_test was silently cast to the float32 model
    with pytest.raises(TypeError, match=r"^X_test: expected dtype float32 \(the dtype of X_train\), got float64"):
        logistic.fit(_X(dtype=np.float32), _Y(), _X(), _Y(), num_iterations=2)


@pytest.mark.parametrize("call", [
    lambda: data.make_flower(10, dtype="foo"),
    lambda: data.make_moons(10, dtype="foo"),
    lambda: data.make_circles(10, dtype="foo"),
    lambda: data.make_noisy_regions(10, dtype="foo"),
    lambda: data.load_digits(dtype="foo"),
    lambda: data.one_hot([0, 1], 2, dtype="foo"),
    lambda: data.synthetic_temperature(0, days=3, dtype="foo"),
    lambda: logistic.initialize_zeros(3, dtype="foo"),
], ids=["flower", "moons", "circles", "noisy", "digits", "one_hot", "temperature", "initialize_zeros"])
def test_unknown_dtype_names_dtype(call):
    # before: NumPy's "data type 'foo' not understood"
    with pytest.raises(TypeError, match=r"^dtype: expected float32 or float64, got 'foo'"):
        call()


# =============================================================================================
# Flags accept only True / False
# =============================================================================================

@pytest.mark.parametrize("call,flag", [
    (lambda v: data.load_digits(scale=v), "scale"),
    (lambda v: data.augment_images(np.eye(4), np.array([[0, 1, 2, 3]]), (2, 2), 0, flip=v), "flip"),
])
@pytest.mark.parametrize("value", ["no", None, 1])
def test_flags_refuse_truthy_values(call, flag, value):
    # before: flip="no" and scale="no" turned the flag on
    with pytest.raises(TypeError, match=rf"^{flag}: expected True or False, got"):
        call(value)


# =============================================================================================
# Non-finite values are refused, and valid extreme input gives a finite, correct result
# =============================================================================================

@pytest.mark.parametrize("call,name", [
    (lambda: Value(float("nan")), r"data: expected a finite number"),
    (lambda: Value(math.inf), r"data: expected a finite number"),
    (lambda: Value(1.0) + float("nan"), r"Value \+: expected a finite number"),
    (lambda: Value(2.0) ** float("nan"), r"Value \*\* exponent: expected a finite exponent"),
    (lambda: data.flatten_images(np.full((2, 2, 2), np.nan)), r"images: expected finite values"),
    (lambda: tuning.distinct_per_axis(np.array([[np.nan], [1.0]])), r"points: expected finite values"),
    (lambda: data.one_hot([np.inf, 1.0], 3), r"labels: expected finite values"),
    (lambda: data.one_hot([1e20], 3), r"labels: expected values in \[0, 2\]"),
])
def test_non_finite_input_is_refused(call, name):
    # before: NaN and inf Values, NaN images and points passed; inf or 1e20 labels hit a cast warning
    with pytest.raises(ValueError, match="^" + name):
        call()


def test_standardize_fit_near_the_float_maximum():
    # before: overflow in the squares (a RuntimeWarning, then sigma = inf)
    mu, sigma = data.standardize_fit(np.array([[1e308, -1e308], [1e308, 1e308], [0.0, 0.0]]))
    np.testing.assert_array_equal(mu.ravel(), [0.0, 1e308, 0.0])
    np.testing.assert_array_equal(sigma.ravel(), [1e308, 1.0, 1.0])   # constant features: sigma = 1
    mu32, sigma32 = data.standardize_fit(np.array([[3e38, -3e38]], np.float32))
    assert mu32.dtype == sigma32.dtype == np.float32 and float(sigma32[0, 0]) == pytest.approx(3e38, rel=1e-6)


def test_sampling_between_the_extreme_floats():
    # before: OverflowError "high - low range exceeds valid bounds" from NumPy, overflow warnings
    big = np.finfo(np.float64).max
    x = tuning.sample_uniform(-big, big, 1000, 0)
    assert np.all(np.isfinite(x)) and x.min() >= -big and x.max() < big and x.min() < 0 < x.max()
    p = tuning.random_points(500, 0, (-big, 0.0), (big, 1.0))
    assert np.all(np.isfinite(p)) and p[:, 0].min() < 0 < p[:, 0].max() and 0 <= p[:, 1].min()
    np.testing.assert_array_equal(tuning.grid_points(3, (-1e308,), (1e308,)).ravel(), [-1e308, 0.0, 1e308])
    np.testing.assert_array_equal(tuning.grid_points(1, (1e308,), (1.7e308,)).ravel(), [1.35e308])
    lr = tuning.sample_log_uniform(1e-3, big, 2000, 0)
    assert np.all(np.isfinite(lr)) and lr.min() >= 1e-3 and lr.max() <= big
    # ordinary bounds keep NumPy's own stream, to the bit (pages and doctests do not move)
    np.testing.assert_array_equal(tuning.sample_uniform(2.0, 5.0, 5, 0), np.random.default_rng(0).uniform(2.0, 5.0, 5))
    np.testing.assert_array_equal(tuning.grid_points(5)[:, 1][:5], np.linspace(0, 1, 5))


def test_logistic_single_da_is_exact_when_a_rounds_to_one():
    # before: da = 1 / (1 - a) = inf for z = 40, y = 0 (a rounds to 1.0); the true value is 1 + e^40
    r = compgraph.logistic_single(np.ones((1, 1)), np.full((1, 1), 40.0), 0.0, 0)
    assert r["a"] == 1.0 and r["da"] == pytest.approx(1.0 + math.exp(40.0), rel=1e-12)
    r = compgraph.logistic_single(np.ones((1, 1)), np.full((1, 1), -40.0), 0.0, 1)
    assert r["da"] == pytest.approx(-(1.0 + math.exp(40.0)), rel=1e-12)


def test_tiny_label_noise_is_exact_and_silent():
    # before: "overflow encountered in divide" (an error under filterwarnings = error)
    X, Y = data.make_noisy_regions(50, rng=0, label_noise=1e-320)
    assert np.all(np.isfinite(X)) and set(np.unique(Y)) <= {0.0, 1.0}


# =============================================================================================
# Overflow of a result names the arguments (not an internal name such as z), or learning_rate
# =============================================================================================

@pytest.mark.parametrize("call,pattern", [
    (lambda: logistic.propagate(np.full((3, 1), 1e306), 0.0, _X() * 1e3, _Y()), r"^w, X: expected values"),
    (lambda: logistic.propagate_loop(np.full((3, 1), 1e306), 0.0, _X() * 1e3, _Y()), r"^w, X: expected values"),
    (lambda: logistic.predict(np.full((3, 1), 1e306), 0.0, _X() * 1e3), r"^w, X: expected values"),
    (lambda: logistic.predict(np.zeros((3, 1), np.float32), 1e300, _X(dtype=np.float32)),
     r"^b: expected a value representable in float32"),
    (lambda: compgraph.logistic_single(np.full((2, 1), 1e300), np.full((2, 1), 1e300), 0.0, 1),
     r"^x, w, b: expected values for which z = w.T @ x \+ b is finite"),
    (lambda: compgraph.toy_forward(1e200, 1e200, 1e200), r"^a, b, c: expected values for which J = 3\(a \+ bc\)"),
    (lambda: compgraph.toy_backward(1.0, 1e308, 1e308), r"^a, b, c: expected values for which dJ/db"),
    (lambda: data.make_moons(10, noise=1e308), r"^noise: expected a value small enough for finite points"),
    (lambda: data.make_circles(10, noise=1e308), r"^noise: expected a value small enough"),
    (lambda: data.augment_2d(_X(), _Y(), 0, jitter=1e308), r"^jitter: expected a value small enough"),
    (lambda: data.standardize_apply(_X() * 1e300, np.zeros((3, 1)), np.full((3, 1), 1e-300)),
     r"^X, mu, sigma: expected \(X - mu\) / sigma to be finite"),
])
def test_overflow_names_the_arguments(call, pattern):
    # before: a RuntimeWarning and inf (an error about "z" later), or inf returned without a word
    with pytest.raises(ValueError, match=pattern) as info:
        call()
    assert "got" in str(info.value)


@pytest.mark.parametrize("call,op", [
    (lambda: Value(1e308) * 10.0, r"\*"),
    (lambda: Value(1e308) + Value(1e308), r"\+"),
    (lambda: Value(1000.0).exp(), "exp"),
    (lambda: Value(2.0) ** 1e300, r"\*\* 1e\+300"),
    (lambda: Value(1e-200) ** -3, r"\*\* -3"),
])
def test_autodiff_overflow_is_a_floating_point_error_naming_the_operation(call, op):
    # before: inf values in the graph (*, +), or a bare OverflowError "math range error" (exp, **)
    with pytest.raises(FloatingPointError, match=rf"^Value {op}: expected a finite result"):
        call()


def test_backward_refuses_an_overflowing_gradient():
    # before: the leaf got grad = inf after backward
    leaf = Value(1e-300)
    out = leaf * 1e200 * 1e200 * 1e200       # every value is finite (up to 1e300), d out / d leaf = 1e600 is not
    with pytest.raises(FloatingPointError, match=r"^backward: expected finite gradients, got"):
        out.backward()


# =============================================================================================
# Divergence never looks like success
# =============================================================================================

def test_divergent_optimize_and_fit_name_learning_rate():
    # before: returned normally with w of 1e12 and a cost of 4e14 (from log 2)
    X, Y = _X() * 1e3, _Y()
    with pytest.raises(FloatingPointError, match=r"diverged: the cost went from 0.693147 .* smaller learning_rate"):
        logistic.optimize(np.zeros((3, 1)), 0.0, X, Y, 100, 1e10)
    with pytest.raises(FloatingPointError, match=r"smaller learning_rate than 1e\+300"):
        logistic.fit(_X(), Y, learning_rate=1e300, num_iterations=50)


def test_an_overflowing_starting_point_names_w_and_X_not_learning_rate():
    # before: "gradient descent diverged at iteration 0 ... try a smaller learning_rate", although
    # no step had been taken: the starting w is what overflows
    with pytest.raises(ValueError, match=r"^w, X: expected values for which w.T @ X \+ b"):
        logistic.optimize(np.full((3, 1), 1e306), 0.0, _X() * 1e3, _Y(), num_iterations=5, learning_rate=1e-3)


def test_divergent_minimize_names_learning_rate():
    # before: returned w = 1024 with a cost that went from 1 to about 1e6
    with pytest.raises(FloatingPointError, match=r"cost went from 1 at step 0 to 1.04858e\+06 .*smaller learning_rate"):
        autodiff.minimize(lambda w: w * w, 1.0, learning_rate=1.5, steps=10)
    # an overflowing update names the step and the learning rate
    with pytest.raises(FloatingPointError, match=r"step 0 \(w = 1.0\).*overflowed.*learning_rate = 1e\+308"):
        autodiff.minimize(lambda w: w * w, 1.0, learning_rate=1e308, steps=3)


# =============================================================================================
# The wrong kind of value gets an error a learner can act on
# =============================================================================================

@pytest.mark.parametrize("call,pattern", [
    (lambda: "a" - Value(1.0), r"^Value -: expected a real number or a Value as the other operand, got str 'a'"),
    (lambda: "a" / Value(1.0), r"^Value /: expected a real number or a Value .* got str"),
    (lambda: Value(1.0) * "a", r"^Value \*: expected a real number or a Value .* got str"),
    (lambda: Value(1.0) + None, r"^Value \+: expected .* got NoneType"),
    (lambda: Value(1.0) + True, r"^Value \+: expected .* got bool"),
    (lambda: np.array([1.0, 2.0]) + Value(1.0), r"^Value \+: expected .* got ndarray"),
    (lambda: Value(2.0) ** Value(2.0), r"^Value \*\* exponent: expected a constant real exponent .* got Value"),
    (lambda: 2 ** Value(2.0), r"^base \*\* Value: expected a constant exponent .* got int 2"),
    (lambda: Value(1.0, label=3), r"^label: expected a str, got int 3"),
])
def test_autodiff_operands(call, pattern):
    # before: RecursionError ("a" - Value, "a" / Value), Python's "unsupported operand", an object
    # array of Values (np.array + Value), a label that was not a string
    with pytest.raises(TypeError, match=pattern):
        call()


def test_division_by_zero_says_division():
    # before: "Value ** -1.0: the derivative n x^(n-1) is undefined at x = 0" for a / 0
    with pytest.raises(ZeroDivisionError, match=r"^Value / other: expected a non-zero divisor, got 0.0"):
        Value(1.0) / 0.0


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: logistic.propagate(np.zeros((3, 1)), 0.0, _X(), None), TypeError, r"^Y: expected an array of numbers"),
    (lambda: data.augment_2d(_X(), _Y(), 0, flip_axes=1), TypeError, r"^flip_axes: expected a list or tuple"),
    (lambda: data.augment_2d(_X(), _Y(), 0, flip_axes=None), TypeError, r"^flip_axes: expected a list or tuple"),
    (lambda: data.unflatten_images(np.ones((4, 2)), "22"), TypeError, r"^shape: expected a tuple .* got str"),
    (lambda: data.unflatten_images(np.ones((4, 2)), (2.5, 2)), TypeError, r"^shape: expected a tuple .* of ints"),
    (lambda: data.unflatten_images(np.ones((4, 2)), (True, 4)), TypeError, r"^shape: expected a tuple .* of ints"),
    (lambda: data.unflatten_images(np.array([["a"] * 2] * 4), (2, 2)), TypeError, r"^X: expected an array of numbers"),
    (lambda: data.train_dev_test_split(_X(), _Y(), "ab"), TypeError, r"^fractions: expected a sequence"),
    (lambda: data.train_dev_test_split(_X(), _Y(), {0.5: 1, 0.25: 2}), TypeError, r"^fractions: expected a sequence"),
    (lambda: data.train_dev_test_split(None, _Y()), TypeError, r"^X: expected an array, got NoneType"),
    (lambda: data.train_dev_test_split(np.array([[object()] * 8]), _Y()), TypeError, r"^X: expected an array of numbers"),
    (lambda: data.one_hot("abc", 3), TypeError, r"^labels: expected integer class indices, got str"),
    (lambda: data.one_hot(None, 3), TypeError, r"^labels: expected integer class indices, got NoneType"),
    (lambda: data.flatten_images(None), TypeError, r"^images: expected an array, got NoneType"),
    (lambda: data.flatten_images(np.zeros((0, 2, 2))), ValueError, r"^images: expected at least one"),
    (lambda: tuning.grid_points(2, "ab", "cd"), TypeError, r"^low: expected an array of numbers"),
    (lambda: tuning.grid_points(2, None, None), TypeError, r"^low: expected an array of numbers"),
    (lambda: tuning.distinct_per_axis("abc"), TypeError, r"^points: expected an array of numbers"),
    (lambda: tuning.grid_points(10 ** 6), ValueError, r"^n_per_axis: expected at most 1e8 grid points"),
])
def test_wrong_kind_of_value(call, exc, pattern):
    # before: "not enough values to unpack" (Y=None), "'int' object is not iterable", shape "22" and
    # (2.5, 2) silently read as (2, 2), NumPy's "could not convert string to float", "expected
    # shape (1, m) or (m,), got ()" for a string, a bare reshape error, a MemoryError of 7 TiB
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert type(info.value) is exc and "expected" in str(info.value) and "got" in str(info.value)
