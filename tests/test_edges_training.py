"""Issue 10 ("bad input never passes silently") for optim, ewa, schedules, train and fast.

Organised by kind of problem. Each kind has at least one case marked ``# failed before``:
it failed on the code before the fix (checked by running this file against the previous
commit's ``src``).
"""

import types

import numpy as np
import pytest

from dlnotes import fast, schedules, train
from dlnotes.ewa import ewa, ewa_weights
from dlnotes.optim import Adam, GradientDescent, Momentum, RMSprop, make_optimizer, trajectory

_r = np.random.default_rng(0)
_X = _r.standard_normal((3, 8))
_Y = (np.arange(8) % 2).reshape(1, 8) * 1.0


def _both_engines(monkeypatch, call):
    """Run ``call()`` with the fused loop, then with the readable loop; return both outcomes."""
    outcomes = []
    for forced in (False, True):
        with monkeypatch.context() as mp:
            if forced:
                mp.setattr(fast, "unsupported_reason", lambda *a, **k: "forced off by the test")
            try:
                outcomes.append(call())
            except Exception as exc:         # noqa: BLE001 - compared by the caller
                outcomes.append(exc)
    return outcomes


# =============================================================================================
# Huge gradients: RMSprop and Adam keep s finite and the parameter moving as the formula says
# =============================================================================================
@pytest.mark.parametrize("dtype,g", [(np.float64, 1e200), (np.float32, 1e30)])
def test_adam_huge_constant_gradient_moves_alpha_per_step(dtype, g):
    # failed before: s overflowed to inf, the step was 0 (the parameter froze) or a RuntimeWarning
    opt = Adam(0.1)
    p = {"W": np.zeros((1, 2), dtype=dtype)}
    for t in range(1, 4):
        opt.step(p, {"dW": np.array([[g, -g]], dtype=dtype)})
        assert np.all(np.isfinite(opt.state["W"]["s"]))
        # closed form for a constant gradient: v_hat = g, s_hat = g^2, step = alpha * g / |g|
        np.testing.assert_allclose(p["W"], [[-0.1 * t, 0.1 * t]], rtol=1e-5 if dtype == np.float32 else 1e-12)
    assert p["W"].dtype == dtype


@pytest.mark.parametrize("dtype,g", [(np.float64, 1e200), (np.float32, 1e30)])
def test_rmsprop_huge_constant_gradient_follows_the_closed_form(dtype, g):
    # failed before: s = inf, every step 0
    beta, alpha = 0.9, 0.01
    opt = RMSprop(alpha, beta=beta)
    p = {"W": np.zeros(1, dtype=dtype)}
    expected = 0.0
    for t in range(1, 4):
        opt.step(p, {"dW": np.array([g], dtype=dtype)})
        expected -= alpha / np.sqrt(1 - beta ** t)        # s_t = (1 - beta^t) g^2
        np.testing.assert_allclose(p["W"], [expected], rtol=1e-5 if dtype == np.float32 else 1e-12)


def test_clipping_touches_only_the_array_with_a_huge_gradient():
    opt, ref = Adam(0.1), Adam(0.1)
    p = {"W1": np.zeros((1, 2)), "W2": np.zeros((1, 2))}
    q = {"W2": np.zeros((1, 2))}
    for g in (3.0, -0.5, 2.0):
        opt.step(p, {"dW1": np.array([[1e300, 1.0]]), "dW2": np.array([[g, 1e-3]])})
        ref.step(q, {"dW2": np.array([[g, 1e-3]])})
    np.testing.assert_array_equal(p["W2"], q["W2"])
    np.testing.assert_allclose(p["W1"][0, 0], -0.3, rtol=1e-12)
    assert opt.clip_bound(np.float64) < np.sqrt(np.finfo(np.float64).max)
    assert GradientDescent(0.1).clip_bound(np.float64) is None and Momentum(0.1).clip_bound(np.float32) is None


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_both_engines_train_through_a_huge_input_and_agree(monkeypatch, optimizer):
    # failed before: both engines raised "overflow encountered in square" for a correct run
    X = np.random.default_rng(1).standard_normal((5, 128))
    X[:, 70] = 1e300
    labels = (X[:1] > 0).astype(np.int64) + (X[1:2] > 0)
    fused, readable = _both_engines(monkeypatch, lambda: train.fit(
        X, labels, [5, 4, 3], batch_size=32, epochs=2, rng=0, optimizer=optimizer))
    assert fused.config["engine"] == "fused" and readable.config["engine"] == "readable"
    assert fused.history["cost"] == pytest.approx(readable.history["cost"], rel=1e-12)
    for k, v in readable.parameters.items():
        np.testing.assert_allclose(fused.parameters[k], v, rtol=1e-12, atol=1e-14)


# =============================================================================================
# Non-finite values, dtypes and containers given to an optimizer step
# =============================================================================================
@pytest.mark.parametrize("params,grads,exc,pattern", [
    ({"W": np.array([1.0, np.nan])}, {"dW": np.ones(2)}, ValueError,
     r"^parameters\['W'\]: expected finite values, got 1 NaN"),                          # failed before
    ({"W": np.ones(2)}, {"dW": np.array([np.inf, 1.0])}, ValueError, r"^grads\['dW'\]: expected finite"),
    ({"W": np.ones(2, dtype=np.float32)}, {"dW": np.ones(2)}, TypeError,
     r"^grads\['dW'\]: expected dtype float32 \(the dtype of parameters\['W'\]\), got float64"),  # failed before
    (None, {"dW": np.ones(2)}, TypeError, r"^parameters: expected a dict, got NoneType"),  # failed before
    ({"W": np.ones(2)}, None, TypeError, r"^grads: expected a dict, got NoneType"),        # failed before
    ([np.ones(2)], {"dW": np.ones(2)}, TypeError, r"^parameters: expected a dict, got list"),
    ({}, {}, ValueError, r"^parameters: expected at least one parameter"),
    ({"W": np.ones(2, dtype=np.int64)}, {"dW": np.ones(2)}, TypeError,
     r"^parameters\['W'\]: expected a float numpy array \(float32 or float64"),
])
def test_bad_step_is_refused_and_changes_nothing(params, grads, exc, pattern):
    opt = Adam(0.1)
    before = None if not isinstance(params, dict) else {k: v.copy() for k, v in params.items()}
    with pytest.raises(exc, match=pattern):
        opt.step(params, grads)
    assert opt.t == 0 and opt.state == {}
    for k, v in (before or {}).items():
        np.testing.assert_array_equal(params[k], v)


def test_read_only_parameter_is_refused_before_anything_changes():
    # failed before: numpy's "output array is read-only" after t had been incremented
    W = np.ones(2)
    W.flags.writeable = False
    opt = Momentum(0.1)
    with pytest.raises(TypeError, match=r"^parameters\['W'\]: expected a writeable array"):
        opt.step({"W": W}, {"dW": np.ones(2)})
    assert opt.t == 0


def test_state_of_another_shape_is_refused():
    # failed before: the (2, 2) velocity broadcast a (1, 2) gradient, then numpy failed mid-update
    opt = Momentum(0.1)
    opt.step({"W": np.ones((2, 2))}, {"dW": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"^parameters\['W'\]: expected shape \(2, 2\) .*call reset\(\).*got \(1, 2\)"):
        opt.step({"W": np.ones((1, 2))}, {"dW": np.ones((1, 2))})
    assert opt.t == 1


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: make_optimizer(5, 0.1), TypeError, r"^optimizer: expected one of .*got int 5"),
    (lambda: make_optimizer("adam", 0.1, beta=0.9), TypeError,
     r"^beta: expected one of the hyperparameters of Adam \['beta1', 'beta2', 'epsilon'\], got beta=0.9"),  # failed before
    (lambda: make_optimizer("momentum", 0.1, beta="0.9"), TypeError, r"^beta: expected a real number"),
    (lambda: trajectory(5, [1.0], Adam(0.1), 3), TypeError, r"^grad_fn: expected a callable, got int"),  # failed before
    (lambda: trajectory(lambda x: x * np.nan, [1.0], Adam(0.1), 3), ValueError,
     r"^grad_fn: expected a finite gradient at step 1"),                                    # failed before
    (lambda: trajectory(lambda x: "up", [1.0], Adam(0.1), 3), TypeError, r"^grad_fn: expected an array of numbers"),
    (lambda: trajectory(lambda x: np.ones(3), [1.0], Adam(0.1), 3), ValueError,
     r"^grad_fn: expected a gradient of shape \(1,\) at step 1, got \(3,\)"),
    (lambda: trajectory(lambda x: 2 * x, [1.0], GradientDescent(1e300), 5), FloatingPointError,
     r"^trajectory diverged at step \d+: x is not finite; try a smaller learning_rate"),   # failed before
])
def test_optimizer_helpers_name_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern) as info:
        call()
    assert type(info.value) is exc
    assert "expected" in str(info.value) or "diverged" in str(info.value)


# =============================================================================================
# ewa: float64 inside (bias correction and recursion), strict flags
# =============================================================================================
def test_ewa_float32_bias_correction_is_computed_in_float64():
    # failed before: 8.39 instead of 10 (1 - beta^t in float32 with beta rounded to 0.99999988)
    v = ewa(np.full(5, 10.0, dtype=np.float32), 0.9999999, bias_correction=True)
    assert v.dtype == np.float32
    np.testing.assert_allclose(v, 10.0, rtol=1e-6)
    assert ewa(np.full(5, 10.0, dtype=np.float32), 0.9).dtype == np.float32


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: ewa([1.0, 2.0], 0.5, bias_correction="no"), TypeError,
     r"^bias_correction: expected True or False, got str 'no'"),                             # failed before
    (lambda: ewa([1.0, 2.0], 0.5, bias_correction=1), TypeError, r"^bias_correction: expected True or False"),
    (lambda: ewa_weights(0.9, 2.5), TypeError, r"^t: expected an integer, got float 2.5"),    # failed before
    (lambda: ewa_weights(0.9, True), TypeError, r"^t: expected an integer"),
    (lambda: ewa("abc", 0.9), TypeError, r"^series: expected an array of numbers"),
])
def test_ewa_bad_input(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_ewa_accepts_numpy_bools():
    np.testing.assert_array_equal(ewa([10.0, 10.0], 0.5, bias_correction=np.True_), [10.0, 10.0])


# =============================================================================================
# Schedules: a learning rate of 0, < 0 or NaN names the schedule and the epoch
# =============================================================================================
@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan"), float("inf")])
def test_fit_names_the_schedule_and_the_epoch(bad):
    # failed before: "learning_rate: expected a value in (0, inf)" for the optimizer's argument
    sched = lambda lr0, epoch: bad if epoch == 3 else lr0          # noqa: E731
    with pytest.raises(ValueError, match=r"^schedule: expected a finite learning rate > 0 at epoch 3 .*got"):
        train.fit(_X, _Y, [3, 2, 1], epochs=5, schedule=sched)


def test_fit_schedule_returning_a_non_number():
    with pytest.raises(TypeError, match=r"^schedule: expected a number \(the learning rate\) at epoch 1, got str"):
        train.fit(_X, _Y, [3, 2, 1], epochs=2, schedule=lambda lr0, epoch: "fast")


def test_builtin_schedule_that_underflows_names_the_schedule():
    # failed before: the rate underflowed to 0 at epoch 2 and the error named learning_rate
    sched = schedules.get_schedule("exponential", base=1e-300)
    with pytest.raises(ValueError, match=r"^schedule: .* at epoch 2 .*got 0.0"):
        train.fit(_X, _Y, [3, 2, 1], epochs=3, schedule=sched)


def test_schedules_overflow_quietly_to_the_rounded_value():
    # failed before: RuntimeWarning "overflow encountered" (an error under this suite's filter)
    assert schedules.inverse_time(0.1, 10, decay_rate=1e308) == 0.0
    assert schedules.staircase(0.1, 10, decay_rate=1e308, interval=1) == 0.0
    assert schedules.exponential(0.1, 1e6, base=0.5) == 0.0
    with pytest.raises(FloatingPointError, match=r"^schedule: expected finite learning rates"):
        schedules.inverse_sqrt(1e200, 1, k=1e200)


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: schedules.get_schedule("inverse_time", rate=2.0), TypeError,
     r"^rate: expected one of the arguments \['decay_rate'\] of schedule 'inverse_time', got rate=2.0"),  # failed before
    (lambda: schedules.get_schedule(5), TypeError, r"^schedule: expected a name or a callable, got int"),
    (lambda: schedules.staircase(0.1, 1, interval=2.0), TypeError, r"^interval: expected an integer"),
    (lambda: schedules.inverse_time(0.1, "3"), TypeError, r"^epoch: expected a number"),
])
def test_schedule_bad_arguments(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_schedule_docstrings_write_decay_rate_so_mathjax_renders_it():
    # failed before: \text{decay\_rate} (inside \text{}, \_ is not a TeX escape for MathJax 3 without textmacros)
    for f in (schedules.inverse_time, schedules.staircase):
        assert "\\mathrm{decay\\_rate}" in f.__doc__ and "\\text{decay" not in f.__doc__


# =============================================================================================
# Divergence: both engines raise FloatingPointError naming learning_rate and the epoch
# =============================================================================================
@pytest.mark.parametrize("optimizer,lr", [("momentum", 1e6), ("adam", 1e10), ("rmsprop", 1e10)])
def test_diverging_run_raises_in_both_engines(monkeypatch, optimizer, lr):
    # failed before: returned normally with a cost that went from 0.70 to 18
    fused, readable = _both_engines(monkeypatch, lambda: train.fit(
        _X, _Y, [3, 2, 1], optimizer=optimizer, learning_rate=lr, epochs=50, rng=0))
    for exc in (fused, readable):
        assert isinstance(exc, FloatingPointError), exc
        assert "training diverged at epoch 50" in str(exc)
        assert "more than 2 times its first value" in str(exc)
        assert f"try a smaller learning_rate (it was {lr:g})" in str(exc)
    assert str(fused) == str(readable)


def test_parameters_beyond_the_square_root_of_the_largest_float_are_divergence(monkeypatch):
    X = np.random.default_rng(0).standard_normal((2, 100))
    Y = (X[:1] * X[1:] > 0).astype(float)
    fused, readable = _both_engines(monkeypatch, lambda: train.fit(
        X, Y, [2, 8, 1], optimizer="momentum", learning_rate=1e6, epochs=60, rng=0))
    for exc in (fused, readable):
        assert isinstance(exc, FloatingPointError), exc
        assert "where its square overflows" in str(exc) and "learning_rate" in str(exc)
    assert str(fused).split(":")[0] == str(readable).split(":")[0]         # same epoch and iteration


def test_a_healthy_run_is_not_called_divergent():
    r = train.fit(_X, _Y, [3, 4, 1], learning_rate=0.05, epochs=200, rng=0)
    assert r.history["cost"][-1] < r.history["cost"][0]
    assert train.DIVERGENCE_FACTOR == 2.0


# =============================================================================================
# train.fit: flags, names, containers, and messages that name the caller's argument
# =============================================================================================
@pytest.mark.parametrize("kwargs,exc,pattern", [
    (dict(batchnorm="no"), TypeError, r"^batchnorm: expected True or False, got str 'no'"),   # failed before
    (dict(progress="yes"), TypeError, r"^progress: expected True or False"),
    (dict(init="foo"), ValueError, r"^init: expected one of \[.*'he'.*\] or a dict"),        # failed before
    (dict(init=5), TypeError, r"^init: expected a method name"),                              # failed before
    (dict(Y=np.array([[0, 1, 2, 5, 0, 1, 2, 0]]), layer_dims=[3, 2, 3]), ValueError,
     r"^Y: integer labels of shape \(1, m\) expected values in \[0, 2\], got min 0 and max 5"),  # failed before
    (dict(layer_dims=5), TypeError, r"^layer_dims: expected a list of layer sizes"),         # failed before
    (dict(layer_dims=[3, 2.5, 1]), TypeError, r"^layer_dims\[1\]: expected an integer"),
    (dict(activations=5), TypeError, r"^activations: expected a sequence of 2"),              # failed before
    (dict(activations=("relu", "sigmod")), ValueError, r"^activations\[1\]: expected one of .*got 'sigmod'"),
    (dict(activations=(None, "sigmoid")), TypeError, r"^activations\[0\]: expected one of"),
    (dict(loss=["bce"]), TypeError, r"^loss: expected one of \['bce', 'cce', 'mse'\], got list"),  # failed before
    (dict(keep_probs={"a": 0.5}), TypeError, r"^keep_probs: expected a float or a sequence of 1"),
    (dict(optimizer=Adam), TypeError, r"^optimizer: expected one of"),
    (dict(lambd="0.1"), TypeError, r"^lambd: expected a real number"),
])
def test_fit_bad_arguments(kwargs, exc, pattern):
    args = dict(X=_X, Y=_Y, layer_dims=[3, 2, 1], epochs=1)
    args.update(kwargs)
    with pytest.raises(exc, match=pattern) as info:
        train.fit(args.pop("X"), args.pop("Y"), args.pop("layer_dims"), **args)
    assert type(info.value) is exc
    assert "expected" in str(info.value) and "got" in str(info.value)


def test_fit_accepts_any_mapping_as_init_and_numpy_flags():
    start = {"W1": np.full((2, 3), 0.3), "b1": np.zeros((2, 1)), "W2": np.full((1, 2), 0.2), "b2": np.zeros((1, 1))}
    a = train.fit(_X, _Y, [3, 2, 1], init=types.MappingProxyType(start), epochs=3, batchnorm=np.False_)
    b = train.fit(_X, _Y, [3, 2, 1], init=start, epochs=3)
    for k in start:
        np.testing.assert_array_equal(a.parameters[k], b.parameters[k])


def test_hyperparameters_as_numpy_scalars_keep_float32():
    X32, Y32 = _X.astype(np.float32), _Y.astype(np.float32)
    for kw in (dict(lambd=np.float64(0.1)), dict(lambd=np.float64(0.1), l1=np.float64(0.01))):
        r = train.fit(X32, Y32, [3, 2, 1], epochs=2, learning_rate=np.float64(0.01), **kw)
        assert all(v.dtype == np.float32 for v in r.parameters.values()), kw


def test_predict_with_the_wrong_number_of_features_names_X():
    # failed before: the message named W1 (a parameter the caller never passed)
    r = train.fit(_X, _Y, [3, 2, 1], epochs=1)
    for method in (r.predict, r.predict_proba):
        with pytest.raises(ValueError, match=r"^X: expected shape \(3, m\) \(the network's 3 input features\), "
                                             r"got \(2, 8\)"):
            method(_X[:2])


def test_ensemble_predict_bad_input():
    r = train.fit(_X, _Y, [3, 2, 1], epochs=1)
    # failed before: "'TrainResult' object is not iterable"
    with pytest.raises(TypeError, match=r"^results: expected a sequence of TrainResult, got a single TrainResult"):
        train.ensemble_predict(r, _X)
    with pytest.raises(TypeError, match=r"^proba: expected True or False"):
        train.ensemble_predict([r], _X, proba="yes")
    other = train.fit(_X[:2], _Y, [2, 2, 1], epochs=1)
    with pytest.raises(ValueError, match=r"^results: expected networks with the same input size, got \[2, 3\]"):
        train.ensemble_predict([r, other], _X)


def test_fit_refuses_a_dev_set_of_another_float_dtype():
    # failed before: a float64 X_dev was silently cast to X's float32 (and the reverse)
    for X, X_dev in ((_X.astype(np.float32), _X), (_X, _X.astype(np.float32))):
        with pytest.raises(TypeError, match=r"^X_dev: expected dtype float(32|64) \(the dtype of X\), got float"):
            train.fit(X, _Y, [3, 2, 1], epochs=1, X_dev=X_dev, Y_dev=_Y)
    r = train.fit(_X.astype(np.float32), _Y, [3, 2, 1], epochs=1, X_dev=np.ones((3, 4), dtype=np.int64),
                  Y_dev=_Y[:, :4])
    assert r.parameters["W1"].dtype == np.float32              # integers are converted


@pytest.mark.parametrize("value,exc", [(float("nan"), ValueError), ("abc", TypeError), (None, TypeError),
                                       (-1.0, ValueError)])
def test_get_schedule_checks_the_values_at_once(value, exc):
    # failed before: accepted, and the error (naming decay_rate) came only at the first epoch
    with pytest.raises(exc, match=r"^decay_rate: expected"):
        schedules.get_schedule("inverse_time", decay_rate=value)
