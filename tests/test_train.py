"""The training loop: accuracy, composition, determinism, dtype, early stopping, divergence, output."""

import numpy as np
import pytest

from dlnotes import nn, train
from dlnotes.data import (load_digits, make_moons, make_noisy_regions, one_hot, random_mini_batches,
                          train_dev_test_split)
from dlnotes.initializers import initialize_parameters
from dlnotes.optim import Adam, GradientDescent, Momentum
from dlnotes.schedules import get_schedule, inverse_time
from dlnotes.train import TrainResult, ensemble_predict, fit


@pytest.fixture(scope="module")
def digits():
    X, labels = load_digits()
    return train_dev_test_split(X, labels, (0.8, 0.2), rng=0)


@pytest.fixture(scope="module")
def moons():
    return make_moons(200, noise=0.2, rng=0)


def test_digits_adam_minibatch_l2_dropout_accuracy(digits):
    Xtr, Ltr, Xte, Lte = digits
    r = fit(Xtr, Ltr, [64, 64, 10], optimizer="adam", learning_rate=0.005, batch_size=64, epochs=40,
            lambd=0.5, keep_probs=0.85, rng=0)
    acc = np.mean(r.predict(Xte) == Lte)
    assert acc >= 0.95, acc
    assert r.history["cost"][-1] < r.history["cost"][0]
    assert r.config["activations"] == ("relu", "softmax") and r.config["loss"] == "cce"
    assert len(r.history["epoch"]) == 40 and r.best_epoch == 40


def test_integer_labels_equal_one_hot(digits):
    Xtr, Ltr = digits[0][:, :300], digits[1][:, :300]
    a = fit(Xtr, Ltr, [64, 16, 10], batch_size=64, epochs=3, rng=1)
    b = fit(Xtr, one_hot(Ltr, 10), [64, 16, 10], batch_size=64, epochs=3, rng=1)
    for k in a.parameters:
        np.testing.assert_array_equal(a.parameters[k], b.parameters[k])


def test_full_batch_gd_equals_hand_written_loop(moons):
    X, Y = moons
    acts = ("relu", "sigmoid")
    r = fit(X, Y, [2, 5, 1], optimizer="gd", learning_rate=0.1, epochs=20, lambd=0.3, rng=7)
    rng = np.random.default_rng(7)
    p = initialize_parameters([2, 5, 1], "he", rng, np.float64)
    costs = []
    for _ in range(20):
        AL, caches = nn.model_forward(X, p, acts)
        costs.append(nn.compute_cost(AL, Y, "bce", parameters=p, lambd=0.3))
        p = nn.update_parameters(p, nn.model_backward(AL, Y, caches, loss="bce", lambd=0.3), 0.1)
    for k in p:
        np.testing.assert_allclose(r.parameters[k], p[k], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.history["cost"], costs, rtol=1e-12)


def test_minibatch_momentum_with_schedule_equals_hand_written_loop(moons):
    X, Y = moons
    acts = ("tanh", "sigmoid")
    sched = get_schedule("inverse_time", decay_rate=0.5)
    r = fit(X, Y, [2, 4, 1], activations=acts, optimizer=Momentum(0.2, beta=0.8), learning_rate=0.2,
            schedule=sched, batch_size=48, epochs=4, init="glorot", rng=3)
    rng = np.random.default_rng(3)
    p = initialize_parameters([2, 4, 1], "glorot", rng, np.float64)
    opt = Momentum(0.2, beta=0.8)
    for epoch in range(1, 5):
        opt.set_learning_rate(inverse_time(0.2, epoch, 0.5))
        for Xb, Yb in random_mini_batches(X, Y, 48, rng):
            AL, caches = nn.model_forward(Xb, p, acts)
            opt.step(p, nn.model_backward(AL, Yb, caches, loss="bce"))
    for k in p:
        np.testing.assert_allclose(r.parameters[k], p[k], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.history["learning_rate"], [inverse_time(0.2, e, 0.5) for e in (1, 2, 3, 4)])


def test_determinism(moons):
    X, Y = moons
    kw = dict(learning_rate=0.01, batch_size=32, epochs=5, keep_probs=0.8)
    a = fit(X, Y, [2, 8, 8, 1], rng=11, **kw)
    b = fit(X, Y, [2, 8, 8, 1], rng=np.random.default_rng(11), **kw)
    c = fit(X, Y, [2, 8, 8, 1], rng=12, **kw)
    for k in a.parameters:
        np.testing.assert_array_equal(a.parameters[k], b.parameters[k])
    assert a.history == b.history
    assert any(not np.array_equal(a.parameters[k], c.parameters[k]) for k in a.parameters)


@pytest.mark.parametrize("batchnorm", [False, True])
def test_float32_stays_float32(moons, batchnorm):
    X, Y = moons
    X32, Y32 = X.astype(np.float32), Y.astype(np.float32)
    r = fit(X32, Y32, [2, 8, 1], learning_rate=0.01, batch_size=50, epochs=3, keep_probs=0.9,
            batchnorm=batchnorm, X_dev=X32, Y_dev=Y32, rng=0)
    assert all(v.dtype == np.float32 for v in r.parameters.values())
    assert all(v.dtype == np.float32 for v in r.bn_state.values())
    assert r.predict_proba(X32).dtype == np.float32
    assert r.predict_proba(X).dtype == np.float32          # converted to the model's dtype
    assert r.config["dtype"] == "float32"


def test_batchnorm_running_statistics_and_inference(moons):
    X, Y = moons
    r = fit(X, Y, [2, 16, 16, 1], batchnorm=True, learning_rate=0.01, batch_size=32, epochs=30, rng=0)
    assert sorted(r.bn_state) == ["mu1", "mu2", "var1", "var2"]
    assert "gamma1" in r.parameters and "b1" not in r.parameters and "b3" in r.parameters
    # inference uses the running averages: one example at a time gives the same answer as the batch
    full = r.predict_proba(X)
    single = np.hstack([r.predict_proba(X[:, i:i + 1]) for i in range(5)])
    np.testing.assert_allclose(single, full[:, :5], rtol=1e-10)
    assert np.mean(r.predict(X) == Y) > 0.85


@pytest.fixture(scope="module")
def overfit_data():
    X, Y = make_noisy_regions(300, rng=0, label_noise=0.15)
    return train_dev_test_split(X, Y, (0.5, 0.5), rng=0)


@pytest.mark.parametrize("batchnorm", [False, True])
def test_early_stopping_restores_best_epoch(overfit_data, batchnorm):
    Xtr, Ytr, Xdv, Ydv = overfit_data
    patience = 20
    r = fit(Xtr, Ytr, [2, 40, 40, 1], learning_rate=0.01, epochs=3000, batchnorm=batchnorm,
            X_dev=Xdv, Y_dev=Ydv, patience=patience, rng=0)
    dev = np.array(r.history["dev_cost"])
    assert r.config["stopped_early"] and r.config["epochs_run"] < 3000
    assert r.best_epoch == int(np.argmin(dev)) + 1
    assert r.config["epochs_run"] == r.best_epoch + patience
    assert dev[-1] > dev.min()
    # the returned parameters are those of the best epoch, not the last
    best_cost = nn.compute_cost(r.predict_proba(Xdv), Ydv, "bce")
    assert best_cost == pytest.approx(dev.min(), rel=1e-12)
    assert r.history["epoch"] == list(range(1, r.config["epochs_run"] + 1))


def test_history_keys_and_record_every(moons):
    X, Y = moons
    r = fit(X, Y, [2, 4, 1], learning_rate=0.01, epochs=25, record_every=10, X_dev=X, Y_dev=Y, rng=0)
    assert r.history["epoch"] == [1, 10, 20, 25]
    assert sorted(r.history) == ["cost", "dev_accuracy", "dev_cost", "epoch", "learning_rate",
                                 "train_accuracy"]
    assert all(len(v) == 4 for v in r.history.values())
    assert all(0.0 <= a <= 1.0 for a in r.history["dev_accuracy"])
    # the dev numbers are those of the final parameters at the last epoch
    assert r.history["dev_cost"][-1] == pytest.approx(nn.compute_cost(r.predict_proba(X), Y, "bce"))


def test_regression_output(moons):
    X, _ = moons
    y = (X[0:1] ** 2 + X[1:2]).astype(np.float64)
    r = fit(X, y, [2, 16, 1], activations=("tanh", "identity"), learning_rate=0.01, batch_size=32,
            epochs=200, rng=0)
    assert r.config["loss"] == "mse"
    assert r.history["cost"][-1] < 0.1 * r.history["cost"][0]
    assert np.isnan(r.history["train_accuracy"][-1])


def test_divergence_raises_and_names_the_epoch(moons):
    X, Y = moons
    y = 1e3 * X[0:1]
    with pytest.raises(FloatingPointError, match=r"epoch \d+, iteration \d+.*smaller learning_rate"):
        fit(X, y, [2, 16, 16, 1], activations=("relu", "relu", "identity"), optimizer="gd",
            learning_rate=5.0, epochs=200, rng=0)


def test_optimizer_instance_is_reset_and_reused(moons):
    X, Y = moons
    opt = Adam(0.5, beta1=0.5)
    a = fit(X, Y, [2, 4, 1], optimizer=opt, learning_rate=0.01, epochs=3, rng=0)
    assert opt.learning_rate == 0.01 and opt.beta1 == 0.5 and opt.t == 3
    b = fit(X, Y, [2, 4, 1], optimizer=opt, learning_rate=0.01, epochs=3, rng=0)
    for k in a.parameters:
        np.testing.assert_array_equal(a.parameters[k], b.parameters[k])
    c = fit(X, Y, [2, 4, 1], optimizer="adam", learning_rate=0.01, epochs=3, rng=0)
    assert not np.array_equal(a.parameters["W1"], c.parameters["W1"])   # beta1 mattered


def test_ensemble_predict(moons):
    X, Y = moons
    rs = [fit(X, Y, [2, 8, 1], learning_rate=0.01, batch_size=32, epochs=20, rng=s) for s in range(3)]
    P = ensemble_predict(rs, X, proba=True)
    np.testing.assert_allclose(P, np.mean([r.predict_proba(X) for r in rs], axis=0))
    np.testing.assert_array_equal(ensemble_predict(rs, X), (P > 0.5).astype(int))
    with pytest.raises(TypeError, match="results"):
        ensemble_predict([], X)
    other = fit(X, one_hot(Y.astype(int), 2), [2, 4, 2], epochs=1, rng=0)
    with pytest.raises(ValueError, match="same output"):
        ensemble_predict(rs + [other], X)


def test_progress_only_when_asked(moons, capsys):
    X, Y = moons
    fit(X, Y, [2, 4, 1], epochs=5, rng=0)
    out, err = capsys.readouterr()
    assert out == "" and err == ""
    fit(X, Y, [2, 4, 1], epochs=5, X_dev=X, Y_dev=Y, progress=True, rng=0)
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("\r") and err.endswith("\n") and err.count("\n") == 1
    assert "epoch 5/5" in err and "cost" in err and "dev accuracy" in err


BAD = [
    (dict(Y=np.zeros(200)), ValueError, "Y"),
    (dict(Y=np.zeros((1, 199))), ValueError, "Y"),
    (dict(layer_dims=[3, 4, 1]), ValueError, "layer_dims"),
    (dict(layer_dims=[2, 0, 1]), ValueError, r"layer_dims\[1\]"),
    (dict(activations=("relu",)), ValueError, "activations"),
    (dict(loss="hinge"), ValueError, "loss"),
    (dict(learning_rate=0.0), ValueError, "learning_rate"),
    (dict(learning_rate=-0.1), ValueError, "learning_rate"),
    (dict(epochs=0), ValueError, "epochs"),
    (dict(epochs=2.5), TypeError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(batch_size=16.0), TypeError, "batch_size"),
    (dict(keep_probs=0.0), ValueError, "keep_probs"),
    (dict(keep_probs=1.5), ValueError, "keep_probs"),
    (dict(keep_probs=(0.5, 0.5)), ValueError, "keep_probs"),
    (dict(lambd=-1.0), ValueError, "lambd"),
    (dict(X_dev=np.zeros((2, 5))), ValueError, "X_dev"),
    (dict(X_dev=np.zeros((3, 5)), Y_dev=np.zeros((1, 5))), ValueError, "X_dev"),
    (dict(X_dev=np.zeros((2, 5)), Y_dev=np.zeros((1, 4))), ValueError, "Y_dev"),
    (dict(patience=5), ValueError, "patience"),
    (dict(patience=0, X_dev=np.zeros((2, 5)), Y_dev=np.zeros((1, 5))), ValueError, "patience"),
    (dict(optimizer="lbfgs"), ValueError, "optimizer"),
    (dict(schedule="polynomial"), ValueError, "schedule"),
    (dict(rng=None), TypeError, "rng"),
    (dict(record_every=0), ValueError, "record_every"),
    (dict(progress="yes"), TypeError, "progress"),
    (dict(X=np.full((2, 200), np.nan)), ValueError, "X"),
]


@pytest.mark.parametrize("kwargs,exc,match", BAD)
def test_validation(moons, kwargs, exc, match):
    X, Y = moons
    args = dict(X=X, Y=Y, layer_dims=[2, 4, 1], epochs=1)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        fit(args.pop("X"), args.pop("Y"), args.pop("layer_dims"), **args)


def test_train_result_is_a_dataclass(moons):
    X, Y = moons
    r = fit(X, Y, [2, 3, 1], epochs=1, rng=0, optimizer=GradientDescent(0.1))
    assert isinstance(r, TrainResult) and r.bn_state == {} and r.best_epoch == 1


def test_noisy_regions_unregularized_net_overfits_and_l2_helps():
    X, Y = make_noisy_regions(400, rng=0)
    Xtr, Ytr, Xte, Yte = train_dev_test_split(X, Y, (0.5, 0.5), rng=0)
    acc = {}
    for lambd in (0.0, 1.0):
        r = fit(Xtr, Ytr, [2, 20, 3, 1], learning_rate=0.01, epochs=3000, lambd=lambd, rng=0,
                record_every=1000)
        acc[lambd] = (np.mean(r.predict(Xtr) == Ytr), np.mean(r.predict(Xte) == Yte))
    (tr0, te0), (tr1, te1) = acc[0.0], acc[1.0]
    assert tr0 - te0 > 0.1                 # visible overfitting (measured: 0.965 vs 0.795)
    assert te1 > te0 + 0.02 and tr1 - te1 < tr0 - te0


def test_progress_shows_final_epoch_after_early_stop(overfit_data, capsys):
    Xtr, Ytr, Xdv, Ydv = overfit_data
    r = fit(Xtr, Ytr, [2, 40, 40, 1], learning_rate=0.01, epochs=3000, X_dev=Xdv, Y_dev=Ydv,
            patience=20, rng=0, progress=True)
    err = capsys.readouterr().err
    last = err.rstrip("\n").split("\r")[-1]
    assert f"epoch {r.config['epochs_run']}/3000" in last


class _ReadableAdam(Adam):
    """A subclass: dlnotes.fast refuses it, so fit runs the readable loop."""


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_and_readable_loops_agree(digits, dtype):
    Xtr, Ltr = digits[0][:, :400].astype(dtype), digits[1][:, :400]
    kw = dict(learning_rate=0.01, batch_size=64, epochs=4, lambd=0.3, keep_probs=0.8, rng=5,
              X_dev=digits[2].astype(dtype), Y_dev=digits[3])
    a = fit(Xtr, Ltr, [64, 20, 10], optimizer=Adam(), **kw)
    b = fit(Xtr, Ltr, [64, 20, 10], optimizer=_ReadableAdam(), **kw)
    assert a.config["engine"] == "fused" and b.config["engine"] == "readable"
    tol = dict(rtol=1e-9, atol=1e-11) if dtype == np.float64 else dict(rtol=1e-3, atol=1e-5)
    for k in a.parameters:
        assert a.parameters[k].dtype == b.parameters[k].dtype == dtype
        np.testing.assert_allclose(a.parameters[k], b.parameters[k], **tol)
    for key in ("cost", "dev_cost", "train_accuracy"):
        np.testing.assert_allclose(a.history[key], b.history[key], **tol)


@pytest.mark.parametrize("opt", [Adam, _ReadableAdam])
def test_labels_checked_up_front(moons, opt):
    X, Y = moons
    with pytest.raises(ValueError, match="Y"):
        fit(X, 2 * Y, [2, 4, 1], optimizer=opt(), epochs=1)
    with pytest.raises(ValueError, match="Y"):
        fit(X, np.vstack([Y, Y]), [2, 4, 2], optimizer=opt(), epochs=1)     # columns sum to 2
    with pytest.raises(ValueError, match="Y_dev"):
        fit(X, Y, [2, 4, 1], optimizer=opt(), epochs=1, X_dev=X, Y_dev=Y - 1)


# ----------------------------------------------------------------------------- fit(init=<parameters>)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_starts_from_given_parameters(dtype):
    """init=<dict> is the starting point: the same result as the he-initialised run it copies."""
    from dlnotes.data import make_moons
    from dlnotes.initializers import initialize_parameters

    X, Y = make_moons(120, noise=0.2, rng=0)
    X = X.astype(dtype)
    dims = [2, 6, 1]
    # fit(init="he", rng=5) draws the initialization from Generator(5) first, then shuffles with it
    start = initialize_parameters(dims, "he", np.random.default_rng(5), dtype)
    rng = np.random.default_rng(5)
    initialize_parameters(dims, "he", rng, dtype)            # advance the generator past the init
    given = train.fit(X, Y, dims, init={k: v.copy() for k, v in start.items()}, rng=rng,
                      batch_size=32, epochs=3, learning_rate=0.01)
    reference = train.fit(X, Y, dims, init="he", rng=5, batch_size=32, epochs=3, learning_rate=0.01)
    for name in start:
        np.testing.assert_array_equal(given.parameters[name], reference.parameters[name])
        assert given.parameters[name].dtype == dtype
    assert given.config["init"] == "given"


def test_fit_does_not_change_the_given_parameters():
    X = np.random.default_rng(0).standard_normal((3, 40))
    Y = (X[:1] > 0).astype(float)
    start = {"W1": np.full((4, 3), 0.3), "b1": np.zeros((4, 1)), "W2": np.full((1, 4), 0.2), "b2": np.zeros((1, 1))}
    before = {k: v.copy() for k, v in start.items()}
    res = train.fit(X, Y, [3, 4, 1], init=start, epochs=5, learning_rate=0.1)
    for k in start:
        np.testing.assert_array_equal(start[k], before[k])
        assert not np.array_equal(res.parameters[k], before[k]) or k.startswith("b")


@pytest.mark.parametrize("init,pattern", [
    ({"W1": np.zeros((4, 3)), "b1": np.zeros((4, 1))}, r"^init: expected parameters \['W1', 'W2', 'b1', 'b2'\]"),
    ({"W1": np.zeros((3, 4)), "b1": np.zeros((4, 1)), "W2": np.zeros((1, 4)), "b2": np.zeros((1, 1))},
     r"^init\['W1'\]: expected shape \(4, 3\), got \(3, 4\)"),
    ({"W1": np.full((4, 3), np.nan), "b1": np.zeros((4, 1)), "W2": np.zeros((1, 4)), "b2": np.zeros((1, 1))},
     r"^init\['W1'\]: expected finite values"),
])
def test_fit_rejects_wrong_given_parameters(init, pattern):
    X = np.zeros((3, 10))
    Y = np.zeros((1, 10))
    with pytest.raises(ValueError, match=pattern):
        train.fit(X, Y, [3, 4, 1], init=init, epochs=1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_engine_choice_is_honoured_and_engines_agree(digits, dtype):
    Xtr, Ltr = digits[0][:, :300].astype(dtype), digits[1][:, :300]
    kw = dict(learning_rate=0.01, batch_size=64, epochs=3, lambd=0.3, keep_probs=0.8, rng=5)
    runs = {e: fit(Xtr, Ltr, [64, 16, 10], engine=e, **kw) for e in ("auto", "fused", "readable")}
    assert {e: r.config["engine"] for e, r in runs.items()} == {"auto": "fused", "fused": "fused",
                                                                "readable": "readable"}
    tol = dict(rtol=1e-9, atol=1e-11) if dtype == np.float64 else dict(rtol=1e-3, atol=1e-5)
    for k in runs["fused"].parameters:
        np.testing.assert_array_equal(runs["auto"].parameters[k], runs["fused"].parameters[k])
        np.testing.assert_allclose(runs["fused"].parameters[k], runs["readable"].parameters[k], **tol)
    np.testing.assert_allclose(runs["fused"].history["cost"], runs["readable"].history["cost"], **tol)


def test_auto_engine_falls_back_to_readable(moons):
    X, Y = moons
    r = fit(X, Y, [2, 4, 1], epochs=2, batchnorm=True, engine="auto")
    assert r.config["engine"] == "readable"


@pytest.mark.parametrize("kw, reason", [
    (dict(batchnorm=True), "batch normalization"),
    (dict(l1=0.1), "an L1 penalty"),
    (dict(optimizer=_ReadableAdam()), "optimizer _ReadableAdam"),
    (dict(activations=("leaky_relu", "sigmoid")), "hidden activation 'leaky_relu'"),
])
def test_fused_engine_on_unsupported_configuration_names_the_reason(moons, kw, reason):
    X, Y = moons
    with pytest.raises(ValueError, match=rf"^engine: .*engine='fused'.*{reason}"):
        fit(X, Y, [2, 4, 1], epochs=1, engine="fused", **kw)


@pytest.mark.parametrize("engine, exc", [("fast", ValueError), (None, TypeError), (1, TypeError)])
def test_bad_engine_is_refused(moons, engine, exc):
    X, Y = moons
    with pytest.raises(exc, match=r"^engine: expected one of \['auto', 'readable', 'fused'\]"):
        fit(X, Y, [2, 4, 1], epochs=1, engine=engine)


def test_readable_engine_calls_an_overridden_step(moons):
    """fit skips step's per-call checks only for optimizers that do not override step."""
    calls = []

    class CountingAdam(Adam):
        def step(self, parameters, grads):
            calls.append(1)
            super().step(parameters, grads)

    X, Y = moons
    r = fit(X, Y, [2, 4, 1], epochs=2, batch_size=100, optimizer=CountingAdam(), engine="readable")
    a = fit(X, Y, [2, 4, 1], epochs=2, batch_size=100, optimizer=Adam(), engine="readable")
    assert len(calls) == 2 * -(-X.shape[1] // 100) and r.config["engine"] == "readable"
    for k in a.parameters:
        np.testing.assert_array_equal(r.parameters[k], a.parameters[k])


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_example_history_keys_without_dev_set():
    from dlnotes.data import make_flower
    X, Y = make_flower(400, rng=1)
    r = fit(X, Y, [2, 8, 1], activations=("tanh", "sigmoid"), learning_rate=0.01,
            batch_size=64, epochs=300, rng=0)
    assert np.mean(r.predict(X) == Y) > 0.85
    assert sorted(r.history) == ["cost", "epoch", "learning_rate", "train_accuracy"]
