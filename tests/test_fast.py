"""The fused training loop (dlnotes.fast) computes what the readable code computes.

The reference is the readable loop of ``train.fit``: ``data._mini_batches`` (one
``rng.permutation`` per epoch), ``nn.model_forward`` / ``nn.model_backward`` and the
optimizer's ``step``, with the same generator. Speed is measured by
``benchmarks/bench_train.py``, never here.
"""

import tracemalloc

import numpy as np
import pytest

from dlnotes import data, fast, nn, optim, train
from dlnotes.fast import FusedTrainer, unsupported_reason
from dlnotes.optim import Adam

TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=2e-4, atol=2e-5)}


def _problem(dtype, n_x=5, m=203, n_y=4, loss="cce", seed=1, order="F"):
    r = np.random.default_rng(seed)
    X = r.standard_normal((m, n_x)).astype(dtype)
    X = X.T if order == "F" else np.ascontiguousarray(X.T)
    if loss == "cce":
        labels = r.integers(0, n_y, m)
        Y = np.zeros((n_y, m), dtype=dtype)
        Y[labels, np.arange(m)] = 1
    elif loss == "bce":
        Y = (r.random((1, m)) < 0.5).astype(dtype)
    else:
        Y = r.standard_normal((n_y, m)).astype(dtype)
    return X, Y


def _params(dims, dtype, seed=3):
    r = np.random.default_rng(seed)
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = (r.standard_normal((dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])).astype(dtype)
        p[f"b{l}"] = (0.1 * r.standard_normal((dims[l], 1))).astype(dtype)
    return p


def _readable(params, X, Y, activations, loss, opt, batch_size, epochs, rng, lambd=0.0, keep_probs=None):
    """The readable loop of train.fit (no bookkeeping)."""
    params = {k: v.copy() for k, v in params.items()}
    for _ in range(epochs):
        for Xb, Yb in data._mini_batches(X, Y, batch_size, rng):
            AL, caches = nn.model_forward(Xb, params, activations, keep_probs=keep_probs, rng=rng)
            grads = nn.model_backward(AL, Yb, caches, loss=loss, lambd=lambd)
            opt.step(params, grads)
    return params


CONFIGS = [
    # activations, loss, n_y, optimizer, lambd, keep_probs
    (("relu", "relu", "softmax"), "cce", 4, "adam", 0.0, None),
    (("relu", "relu", "softmax"), "cce", 4, "adam", 0.3, None),
    (("relu", "relu", "softmax"), "cce", 4, "adam", 0.0, 0.8),
    (("relu", "tanh", "softmax"), "cce", 4, "adam", 0.1, (0.7, 0.9)),
    (("tanh", "sigmoid", "sigmoid"), "bce", 1, "adam", 0.1, 0.8),
    (("sigmoid", "relu", "sigmoid"), "bce", 1, "momentum", 0.0, None),
    (("relu", "relu", "softmax"), "cce", 4, "gd", 0.2, 0.9),
    (("tanh", "relu", "sigmoid"), "bce", 1, "rmsprop", 0.05, (1.0, 0.75)),
    (("relu", "tanh", "identity"), "mse", 2, "adam", 0.0, None),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{'-'.join(c[0])}-{c[3]}-l2={c[4]}-kp={c[5]}")
def test_same_parameters_as_the_readable_loop(dtype, config):
    activations, loss, n_y, opt_name, lambd, keep_probs = config
    X, Y = _problem(dtype, n_y=n_y, loss=loss)
    dims = [X.shape[0], 7, 6, n_y]
    p0 = _params(dims, dtype)
    lr = 0.01
    ref_opt, fast_opt = optim.make_optimizer(opt_name, lr), optim.make_optimizer(opt_name, lr)
    expected = _readable(p0, X, Y, activations, loss, ref_opt, 32, 4, np.random.default_rng(7),
                         lambd, keep_probs)
    trainer = FusedTrainer(p0, activations, loss, fast_opt, batch_size=32, lambd=lambd, keep_probs=keep_probs)
    rng = np.random.default_rng(7)
    for _ in range(4):
        trainer.train_epoch(X, Y, rng, record=False)
    assert fast_opt.t == ref_opt.t == 4 * 7                  # 203 examples: 6 batches of 32 and one of 11
    assert list(trainer.parameters) == list(p0)               # W1, b1, W2, ... as given
    for name, value in expected.items():
        got = trainer.parameters[name]
        assert got.dtype == np.dtype(dtype)
        np.testing.assert_allclose(got, value, **TOL[dtype], err_msg=name)
    # the parameters moved: the comparison is not between two unchanged copies
    assert max(float(np.max(np.abs(expected[k] - p0[k]))) for k in p0) > 1e-3
    # the optimizer's state, written back in the readable form
    for name, slots in ref_opt.state.items():
        for key, value in slots.items():
            np.testing.assert_allclose(fast_opt.state[name][key], value, **TOL[dtype], err_msg=f"{name}.{key}")


def test_a_wrong_update_is_detected():
    """The comparison above can fail: a 1% different learning rate is caught."""
    X, Y = _problem(np.float64)
    p0 = _params([5, 7, 6, 4], np.float64)
    acts = ("relu", "relu", "softmax")
    expected = _readable(p0, X, Y, acts, "cce", optim.Adam(0.01), 32, 2, np.random.default_rng(7))
    trainer = FusedTrainer(p0, acts, "cce", optim.Adam(0.0101), batch_size=32)
    rng = np.random.default_rng(7)
    for _ in range(2):
        trainer.train_epoch(X, Y, rng)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(trainer.parameters["W1"], expected["W1"], **TOL[np.float64])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("output,loss,n_y", [("softmax", "cce", 4), ("sigmoid", "bce", 1), ("identity", "mse", 3)])
def test_batch_outputs_costs_and_masks_match(dtype, output, loss, n_y):
    """One batch: A[L], the cost (with L2), the dropout masks and the gradients."""
    X, Y = _problem(dtype, n_y=n_y, loss=loss, m=64)
    acts = ("relu", "tanh", output)
    p0 = _params([5, 8, 6, n_y], dtype)
    kps, lambd = (0.6, 0.8), 0.2
    AL, caches = nn.model_forward(X, p0, acts, keep_probs=kps, rng=np.random.default_rng(11))
    cost = nn.compute_cost(AL, Y, loss, parameters=p0, lambd=lambd)
    grads = nn.model_backward(AL, Y, caches, loss=loss, lambd=lambd)

    trainer = FusedTrainer(p0, acts, loss, optim.GradientDescent(1e-9), batch_size=64, lambd=lambd,
                           keep_probs=kps)
    got_cost, got_acc = trainer.train_batch(X, Y, np.arange(64), np.random.default_rng(11))
    buf = trainer._buffers_for(64, True)
    np.testing.assert_allclose(buf.H[3], AL, **TOL[dtype])
    assert got_cost == pytest.approx(cost, rel=1e-12 if dtype == np.float64 else 1e-5)
    for l in (1, 2):
        np.testing.assert_array_equal(buf.D[l], caches[l - 1]["D"])       # the same masks
    if output == "softmax":
        assert got_acc == np.mean(np.argmax(AL, axis=0) == np.argmax(Y, axis=0))
    # the gradient the step used (GradientDescent overwrote the flat gradient with lr * g)
    for name, g in grads.items():
        np.testing.assert_allclose(trainer.grads[name] / 1e-9, g, rtol=1e-9 if dtype == np.float64 else 1e-3,
                                   atol=1e-9 if dtype == np.float64 else 1e-5, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_predict_proba_matches_nn(dtype):
    X, _ = _problem(dtype, m=150)
    p0 = _params([5, 7, 6, 4], dtype)
    acts = ("relu", "sigmoid", "softmax")
    trainer = FusedTrainer(p0, acts, "cce", optim.Adam(), batch_size=64, keep_probs=0.5)
    expected = nn.predict_proba(X, p0, acts)
    got = trainer.predict_proba(X)                        # no dropout at prediction time
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, expected, **TOL[dtype])
    np.testing.assert_allclose(trainer.predict_proba(np.ascontiguousarray(X), chunk=37), expected, **TOL[dtype])


def test_row_and_column_ordered_data_give_the_same_result():
    XF, Y = _problem(np.float64, order="F")
    XC = np.ascontiguousarray(XF)
    assert XF.flags.f_contiguous and not XC.flags.f_contiguous
    p0 = _params([5, 7, 6, 4], np.float64)
    results = []
    for X in (XF, XC):
        trainer = FusedTrainer(p0, ("relu", "relu", "softmax"), "cce", optim.Adam(0.01), batch_size=16,
                               keep_probs=0.9)
        rng = np.random.default_rng(5)
        history = [trainer.train_epoch(X, Y, rng) for _ in range(2)]
        results.append((history, trainer.parameters["W1"].copy()))
    assert results[0][0] == pytest.approx(results[1][0], rel=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("output,loss,n_y", [("softmax", "cce", 3), ("sigmoid", "bce", 1)])
def test_extreme_logits_stay_finite_without_warnings(output, loss, n_y):
    """Logits of about +-1000: finite outputs and costs, no warning (warnings are errors here)."""
    X, Y = _problem(np.float64, n_y=n_y, loss=loss, m=32)
    p0 = _params([5, 4, n_y], np.float64)
    p0["W2"] = np.full_like(p0["W2"], 0.0)
    p0["b2"] = np.linspace(-1000, 1000, n_y).reshape(-1, 1) if n_y > 1 else np.array([[1000.0]])
    trainer = FusedTrainer(p0, ("relu", output), loss, optim.Adam(), batch_size=32)
    cost, _ = trainer.train_batch(X, Y, np.arange(32), np.random.default_rng(0))
    expected = nn.compute_cost(nn.predict_proba(X, p0, ("relu", output)), Y, loss)
    assert np.isfinite(cost) and cost == pytest.approx(expected)


def test_divergence_names_the_iteration():
    X, Y = _problem(np.float64, m=100)
    X[:, 40] = 1e300                                       # overflows in the first layer
    p0 = _params([5, 4, 4], np.float64)
    p0["W1"] *= 1e10
    trainer = FusedTrainer(p0, ("relu", "softmax"), "cce", optim.Adam(), batch_size=100)
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match=r"epoch 3, iteration 8: the cost is nan"):
        trainer.train_epoch(X, Y, np.random.default_rng(0), iteration=7, epoch=3)


def test_optimizer_state_is_taken_over():
    """Training in two trainers in a row equals training in one (the state carries over)."""
    X, Y = _problem(np.float64)
    p0 = _params([5, 7, 6, 4], np.float64)
    acts = ("relu", "relu", "softmax")
    one = FusedTrainer(p0, acts, "cce", optim.Adam(0.01), batch_size=32)
    rng1 = np.random.default_rng(2)
    one.train_epoch(X, Y, rng1)
    one.train_epoch(X, Y, rng1)
    opt = optim.Adam(0.01)
    first = FusedTrainer(p0, acts, "cce", opt, batch_size=32)
    rng2 = np.random.default_rng(2)
    first.train_epoch(X, Y, rng2)
    second = FusedTrainer(first.parameters, acts, "cce", opt, batch_size=32)
    second.train_epoch(X, Y, rng2)
    np.testing.assert_allclose(second.parameters["W2"], one.parameters["W2"], rtol=1e-12, atol=1e-12)


def test_unsupported_configurations_are_named():
    adam = optim.Adam()
    assert unsupported_reason(("relu", "softmax"), "cce", adam) is None
    assert unsupported_reason(("relu", "softmax"), "cce", adam, batchnorm=True) == "batch normalization"
    assert unsupported_reason(("relu", "softmax"), "cce", adam, l1=0.1) == "an L1 penalty"
    assert unsupported_reason(("leaky_relu", "softmax"), "cce", adam) == "hidden activation 'leaky_relu'"
    assert unsupported_reason(("relu", "softmax"), "bce", adam) == "output 'softmax' with loss 'bce'"

    class MyAdam(optim.Adam):
        pass

    assert unsupported_reason(("relu", "softmax"), "cce", MyAdam()) == "optimizer MyAdam"
    with pytest.raises(ValueError, match="batch normalization|hidden activation"):
        FusedTrainer(_params([5, 4, 3], np.float64), ("leaky_relu", "softmax"), "cce", adam, batch_size=8)
    mixed = _params([5, 4, 3], np.float64)
    mixed["b2"] = mixed["b2"].astype(np.float32)
    with pytest.raises(TypeError, match="b2: expected dtype float64"):
        FusedTrainer(mixed, ("relu", "softmax"), "cce", adam, batch_size=8)


def test_no_copy_of_the_training_set():
    """An epoch allocates a small fraction of the data (the readable loop shuffles a full copy)."""
    X, Y = _problem(np.float64, n_x=200, m=20000, n_y=10)          # X: 32 MB
    p0 = _params([200, 32, 10], np.float64)
    trainer = FusedTrainer(p0, ("relu", "softmax"), "cce", optim.Adam(), batch_size=64, keep_probs=0.9)
    rng = np.random.default_rng(0)
    trainer.train_epoch(X, Y, rng)                                  # buffers allocated
    tracemalloc.start()
    trainer.train_epoch(X, Y, rng)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.05 * (X.nbytes + Y.nbytes), peak


# ----------------------------------------------------------------------------- train.fit dispatch
def _fit_both(monkeypatch, X, Y, dims, **kwargs):
    fast_result = train.fit(X, Y, dims, **kwargs)
    with monkeypatch.context() as mp:
        mp.setattr(fast, "unsupported_reason", lambda *a, **k: "forced off by the test")
        readable_result = train.fit(X, Y, dims, **kwargs)
    return fast_result, readable_result


FIT_CASES = [
    dict(batch_size=32, epochs=4),
    dict(batch_size=32, epochs=5, keep_probs=0.8, lambd=0.2, schedule="inverse_time", record_every=2),
    dict(batch_size=16, epochs=6, keep_probs=(0.9, 0.7), patience=2, optimizer="momentum", learning_rate=0.05),
    dict(batch_size=500, epochs=3, optimizer="rmsprop"),                        # one full batch, no shuffle
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", range(len(FIT_CASES)))
def test_fit_takes_the_fast_path_with_the_same_result(monkeypatch, dtype, case):
    kwargs = dict(FIT_CASES[case])
    X, Y = _problem(dtype, n_x=6, m=203)
    labels = np.argmax(Y, axis=0).reshape(1, -1)                     # fit one-hot encodes them
    X_dev, Y_dev = _problem(dtype, n_x=6, m=50, seed=9)
    if "patience" in kwargs:
        kwargs.update(X_dev=X_dev, Y_dev=Y_dev)
    fast_result, readable_result = _fit_both(monkeypatch, X, labels, [6, 8, 5, 4], rng=3, **kwargs)
    assert fast_result.config.get("engine", "fused") == "fused"
    assert readable_result.config.get("engine", "readable") == "readable"
    if "patience" not in kwargs:                        # the fused parameters share one flat vector
        base = fast_result.parameters["W1"].base
        assert base is not None and base is fast_result.parameters["b2"].base
        assert readable_result.parameters["W1"].base is None                # separate arrays
    assert fast_result.history.keys() == readable_result.history.keys()
    for key, values in readable_result.history.items():
        rel = 1e-12 if dtype == np.float64 else 1e-4
        assert fast_result.history[key] == pytest.approx(values, rel=rel, abs=rel), key
    for name, value in readable_result.parameters.items():
        assert fast_result.parameters[name].dtype == np.dtype(dtype)
        np.testing.assert_allclose(fast_result.parameters[name], value, **TOL[dtype], err_msg=name)
    assert fast_result.best_epoch == readable_result.best_epoch
    np.testing.assert_array_equal(fast_result.predict(X_dev), readable_result.predict(X_dev))


def test_fit_binary_and_unsupported_configurations(monkeypatch):
    X, Y = _problem(np.float64, loss="bce")
    for kwargs in (dict(activations=("tanh", "sigmoid", "sigmoid")),       # fused
                   dict(activations=("leaky_relu", "relu", "sigmoid")),    # readable: leaky_relu
                   dict(l1=0.01)):                                          # readable: L1
        fast_result, readable_result = _fit_both(monkeypatch, X, Y, [5, 6, 4, 1], batch_size=64, epochs=3,
                                                 lambd=0.1, rng=0, **kwargs)
        assert fast_result.history["cost"] == pytest.approx(readable_result.history["cost"], rel=1e-12)
        for name, value in readable_result.parameters.items():
            np.testing.assert_allclose(fast_result.parameters[name], value, rtol=1e-12, atol=1e-12)


def test_fit_divergence_message_is_the_same(monkeypatch):
    X, Y = _problem(np.float64, m=128)
    X[:, 70] = 1e300
    messages = []
    for forced in (False, True):
        with monkeypatch.context() as mp:
            if forced:
                mp.setattr(fast, "unsupported_reason", lambda *a, **k: "forced off by the test")
            with pytest.raises(FloatingPointError) as info:
                # gradient descent: Adam and RMSprop would clip the huge gradient and train on
                # (test_edges_training.py checks that both engines then agree)
                train.fit(X, np.argmax(Y, axis=0).reshape(1, -1), [5, 4, 4], batch_size=32, epochs=2, rng=0,
                          optimizer="gd")
            messages.append(str(info.value))
    assert messages[0].startswith("training diverged at epoch 1, iteration ")
    assert messages[0].split(":")[0] == messages[1].split(":")[0]      # same epoch and iteration


# ----------------------------------------------------------------------------- the raw-bit dropout mask
def _state(rng):
    """The generator state that decides future draws (PCG64's spare 32-bit half only counts when
    ``has_uint32`` says it is there; otherwise it is overwritten before it is used)."""
    state = dict(rng.bit_generator.state)
    if not state.get("has_uint32", 1):
        state.pop("uinteger")
    return state


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [0.9, 0.5, 0.1, 1 / 3, 1e-9, 1 - 1e-12, 0.8])
@pytest.mark.parametrize("shape", [(256, 64), (7, 5), (1, 2), (3, 1)])
def test_bernoulli_mask_is_the_comparison_of_rng_random(dtype, p, shape):
    """Same mask and same generator state as ``rng.random(shape, dtype) < p``, over several draws."""
    for seed in range(3):
        a, b = np.random.default_rng(seed), np.random.default_rng(seed)
        if seed == 2:                          # a half-used 64-bit draw: the float32 path must fall back
            a.random(dtype=np.float32)
            b.random(dtype=np.float32)
        out = np.empty(shape, dtype=bool)
        for _ in range(4):
            got = fast.bernoulli_mask(a, p, out, dtype)
            assert got is out
            np.testing.assert_array_equal(out, b.random(shape, dtype=dtype) < p)
        assert _state(a) == _state(b)
        np.testing.assert_array_equal(a.random(5, dtype=np.float32), b.random(5, dtype=np.float32))
        assert a.random() == b.random()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bernoulli_mask_thresholds_are_exact(dtype):
    """p equal to one of the draws (that unit is dropped) and the next float above it (kept)."""
    shape = (64, 32)
    for seed in range(5):
        draws = np.random.default_rng(seed).random(shape, dtype=dtype)
        u = draws[seed, 3 * seed]
        for p in (u, np.nextafter(u, dtype(1)), np.nextafter(u, dtype(0))):
            a = np.random.default_rng(seed)
            mask = fast.bernoulli_mask(a, float(p), np.empty(shape, dtype=bool), dtype)
            np.testing.assert_array_equal(mask, draws < p)
            assert mask[seed, 3 * seed] == (u < p)


@pytest.mark.parametrize("bit_generator", [np.random.MT19937, np.random.Philox, np.random.SFC64])
def test_bernoulli_mask_other_bit_generators_fall_back(bit_generator):
    a, b = np.random.Generator(bit_generator(4)), np.random.Generator(bit_generator(4))
    out = np.empty((6, 8), dtype=bool)
    for dtype in (np.float32, np.float64):
        fast.bernoulli_mask(a, 0.7, out, dtype)
        np.testing.assert_array_equal(out, b.random((6, 8), dtype=dtype) < 0.7)
    assert a.random() == b.random()


def test_bernoulli_mask_wrong_threshold_is_detected():
    """The equality above can fail: a mask drawn with p + 1e-3 differs somewhere."""
    a, b = np.random.default_rng(0), np.random.default_rng(0)
    out = np.empty((256, 64), dtype=bool)
    fast.bernoulli_mask(a, 0.901, out, np.float32)
    assert not np.array_equal(out, b.random((256, 64), dtype=np.float32) < 0.9)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_l2_without_blas_axpy_gives_the_same_step(monkeypatch, dtype):
    """The SciPy ``axpy`` path and the NumPy fallback add the same (lambda / m) W."""
    X, Y = _problem(dtype, m=64)
    p0 = _params([5, 8, 4], dtype)
    results = []
    for blas in (fast._get_blas_funcs, None):
        monkeypatch.setattr(fast, "_get_blas_funcs", blas)
        trainer = FusedTrainer(p0, ("relu", "softmax"), "cce", optim.GradientDescent(0.5), batch_size=64,
                               lambd=0.7)
        assert (trainer._axpy is not None) == (blas is not None)
        trainer.train_batch(X, Y, np.arange(64), np.random.default_rng(0))
        results.append({k: v.copy() for k, v in trainer.parameters.items()})
    no_l2 = FusedTrainer(p0, ("relu", "softmax"), "cce", optim.GradientDescent(0.5), batch_size=64)
    no_l2.train_batch(X, Y, np.arange(64), np.random.default_rng(0))
    for name in p0:
        np.testing.assert_allclose(results[0][name], results[1][name], **TOL[dtype])
        if name.startswith("W"):               # W := W - lr (dW + lambda/m W): the decay is there
            np.testing.assert_allclose(results[0][name], no_l2.parameters[name] - 0.5 * 0.7 / 64 * p0[name],
                                       **TOL[dtype])


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_examples_fused_trainer():
    assert unsupported_reason(("relu", "softmax"), "cce", Adam()) is None

    rng = np.random.default_rng(0)
    params = {"W1": rng.standard_normal((3, 2)), "b1": np.zeros((3, 1)),
              "W2": rng.standard_normal((1, 3)), "b2": np.zeros((1, 1))}
    X = rng.standard_normal((2, 100)); Y = (X[:1] * X[1:] > 0).astype(float)
    trainer = FusedTrainer(params, ("tanh", "sigmoid"), "bce", Adam(0.05), batch_size=32)
    costs = [trainer.train_epoch(X, Y, rng)[0] / 100 for _ in range(50)]
    assert costs[-1] < 0.5 * costs[0]
    assert sorted(trainer.parameters) == sorted(params)

    rng = np.random.default_rng(0)
    params = {"W1": 0.5 * rng.standard_normal((4, 3)), "b1": np.zeros((4, 1)),
              "W2": 0.5 * rng.standard_normal((2, 4)), "b2": np.zeros((2, 1))}
    X = rng.standard_normal((3, 50)); Y = np.eye(2)[:, (X[0] > 0).astype(int)]
    trainer = FusedTrainer(params, ("relu", "softmax"), "cce", Adam(0.01), batch_size=16)
    cost_sum, correct, iteration = trainer.train_epoch(X, Y, rng)
    assert iteration == 4                           # 50 examples: batches of 16, 16, 16, 2
    assert 0 < cost_sum / 50 < 5 and 0 <= correct / 50 <= 1
