"""The training loop: mini-batches, an optimizer, a schedule, regularization, early stopping.

:func:`fit` composes the pieces built elsewhere in the package: the network
(:mod:`dlnotes.nn`), its initialization (:mod:`dlnotes.initializers`),
mini-batches (:mod:`dlnotes.data`), optimizers (:mod:`dlnotes.optim`) and
learning-rate schedules (:mod:`dlnotes.schedules`). A diverging run raises
``FloatingPointError`` naming the epoch and iteration. See
[mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np

from dlnotes import fast as _fast
from dlnotes.fast import _diverged
from dlnotes import nn
from dlnotes._checks import (as_float_array, check_binary_labels, check_bool, check_rng,
                             check_same_examples, check_scalar, check_sequence, check_shape)
from dlnotes.activations import ACTIVATIONS
from dlnotes.data import _mini_batches, one_hot
from dlnotes.initializers import INITIALIZERS, initialize_parameters
from dlnotes.optim import Optimizer, make_optimizer
from dlnotes.schedules import _rate_at, get_schedule

__all__ = ["TrainResult", "fit", "ensemble_predict"]

_DEFAULT_LOSS = {"sigmoid": "bce", "softmax": "cce", "identity": "mse", "linear": "mse"}

#: A run diverged when its final cost is more than this many times the cost of its first epoch.
DIVERGENCE_FACTOR = 2.0


@dataclass
class TrainResult:
    """What :func:`fit` returns: the trained network and how training went.

    See [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Attributes
    ----------
    parameters : dict of ndarray
        ``W{l}``, ``b{l}`` (``gamma{l}``, ``beta{l}`` with batch norm) in the data's dtype; with
        early stopping, those of the best epoch.
    history : dict of list
        Per recorded epoch: ``epoch``, ``cost``, ``train_accuracy``, ``learning_rate`` (and
        ``dev_cost``, ``dev_accuracy`` with a dev set).
    bn_state : dict of ndarray
        Running ``mu{l}``, ``var{l}`` of batch-norm layers (empty without batch norm).
    best_epoch : int
        The epoch whose parameters are returned (lowest dev cost with early stopping, else the last).
    config : dict
        Every setting of the run, plus ``epochs_run``, ``stopped_early`` and ``engine``.
    diagnostics : dict
        What [babysitting a run](course2/week1.md#training-sanity-checks-beyond-the-course) reads:
        ``initial_cost``, the cost (data term, no dropout) of the initial parameters on the
        training set, and ``update_ratio``, for each weight ``W{l}`` a list with one value per
        recorded epoch: $\\lVert W_{\\text{end}} - W_{\\text{start}}\\rVert_F /
        (\\text{steps}\\cdot\\lVert W_{\\text{start}}\\rVert_F)$ over the epoch (exactly
        $\\lVert\\Delta W\\rVert_F / \\lVert W\\rVert_F$ of the step with one step per epoch; with
        mini-batches a lower bound of the mean step's ratio).

    Examples
    --------
    >>> from dlnotes.data import make_moons
    >>> X, Y = make_moons(200, noise=0.1, rng=0)
    >>> r = fit(X, Y, [2, 8, 1], learning_rate=0.01, epochs=50, batch_size=32, rng=0)
    >>> r.predict(X).shape, r.predict_proba(X).shape, r.best_epoch
    ((1, 200), (1, 200), 50)
    """

    parameters: dict
    history: dict
    bn_state: dict = field(default_factory=dict)
    best_epoch: int = 0
    config: dict = field(default_factory=dict)
    diagnostics: dict = field(default_factory=dict)

    def _X(self, X):
        W1 = self.parameters["W1"]
        X = as_float_array(X, "X", ndim=2)
        if X.shape[0] != W1.shape[1]:
            raise ValueError(f"X: expected shape ({W1.shape[1]}, m) (the network's {W1.shape[1]} input "
                             f"features), got {X.shape}")
        return X.astype(W1.dtype, copy=False)

    def predict_proba(self, X):
        """Network output $\\hat Y$ of shape ``(n_y, m)`` in inference mode (no dropout, running BN statistics)."""
        return nn.predict_proba(self._X(X), self.parameters, self.config["activations"],
                                bn_state=self.bn_state or None)

    def predict(self, X):
        """Class labels of shape ``(1, m)``: 0/1 for a sigmoid output, argmax for softmax."""
        return nn.predict(self._X(X), self.parameters, self.config["activations"],
                          bn_state=self.bn_state or None)


class _Progress:
    """A single status line rewritten in place with a carriage return.

    ``\\r`` is honoured by terminals and by Jupyter's stream output alike, so
    the same code gives one updating line in both. Writes are throttled.
    """

    def __init__(self, epochs, interval=0.1):
        self.epochs, self.interval, self.last, self.width = epochs, interval, -math.inf, 0
        self.pending = None

    def update(self, epoch, cost, dev_accuracy, force=False):
        self.pending = (epoch, cost, dev_accuracy)
        now = time.monotonic()
        if not force and now - self.last < self.interval:
            return
        self.last, self.pending = now, None
        parts = [f"epoch {epoch}/{self.epochs}"]
        if cost is not None:
            parts.append(f"cost {cost:.4f}")
        if dev_accuracy is not None:
            parts.append(f"dev accuracy {dev_accuracy:.3f}")
        line = "  ".join(parts)
        stream = sys.stderr                    # looked up now: works with redirected streams
        stream.write("\r" + line.ljust(self.width))
        stream.flush()
        self.width = len(line)

    def close(self):
        if self.pending is not None:                # show the final state
            self.update(*self.pending, force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()


def _targets(Y, n_y, output, dtype, name):
    """Y as float targets of shape (n_y, m); integer labels (1, m) are one-hot encoded for softmax."""
    Y = np.asarray(Y)
    if Y.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array of shape ({n_y}, m) (examples are columns), "
                         f"got shape {Y.shape}")
    if output == "softmax" and n_y > 1 and Y.shape[0] == 1:
        try:
            return one_hot(Y, n_y, dtype=dtype)
        except (TypeError, ValueError) as exc:        # one_hot calls its argument "labels"
            msg = str(exc)
            if msg.startswith("labels:"):
                msg = f"{name}: integer labels of shape (1, m) {msg[len('labels: '):]}"
            raise type(exc)(msg) from None
    Y = as_float_array(Y, name).astype(dtype, copy=False)
    if Y.shape[0] != n_y:
        raise ValueError(f"{name}: expected shape ({n_y}, {Y.shape[1]}) to match the {n_y} output units "
                         f"of layer_dims, got {Y.shape}")
    return Y


def _check_target_values(Y, loss, name):
    """Labels fit the loss: 0/1 for "bce", probability columns for "cce" (checked once, up front)."""
    if loss == "bce":
        check_binary_labels(Y, name)
    elif loss == "cce" and (np.any(Y < 0) or not np.allclose(Y.sum(axis=0), 1.0, atol=1e-4)):
        raise ValueError(f"{name}: expected one-hot (or probability) columns summing to 1 for loss 'cce', "
                         f"got column sums between {Y.sum(axis=0).min():g} and {Y.sum(axis=0).max():g}")


def _check_keep_probs(keep_probs, L):
    """keep_probs as recorded in ``config``: None, a float, or a tuple of L-1 floats (checked by nn)."""
    if keep_probs is None:
        return None
    kps = nn._keep_prob_list(keep_probs, L)
    if isinstance(keep_probs, (int, float, np.floating, np.integer)):
        return kps[0]
    return tuple(kps[:-1])


def _copy(d):
    return {k: v.copy() for k, v in d.items()}


def _overflowed(arrays, dtype):
    """The name of the first array with an entry that is NaN, inf or beyond sqrt(largest float), else None.

    Beyond that bound a square (the L2 penalty, the optimizer's s) overflows. Two reductions
    per array, once per epoch.
    """
    bound = math.sqrt(float(np.finfo(dtype).max))
    for name, p in arrays.items():
        lo, hi = float(p.min()), float(p.max())
        if not (math.isfinite(lo) and math.isfinite(hi)) or max(hi, -lo) > bound:
            return name, (lo if not math.isfinite(lo) or -lo > hi else hi), bound
    return None


def _cost_rose(history, best_epoch):
    """(first cost, cost at best_epoch) when the latter is more than DIVERGENCE_FACTOR times the first."""
    costs, epochs = history["cost"], history["epoch"]
    if not costs:
        return None
    first = costs[0]
    end = costs[epochs.index(best_epoch)] if best_epoch in epochs else costs[-1]
    if first > 0 and end > DIVERGENCE_FACTOR * first:
        return first, end
    return None


def _given_parameters(init, dims, dtype, batchnorm):
    """A checked copy (in ``dtype``) of starting parameters passed as ``fit(init=...)``."""
    expected = nn.layer_shapes(dims, batchnorm=batchnorm)
    if set(init) != set(expected):
        raise ValueError(f"init: expected parameters {sorted(expected)} for layer_dims {list(dims)}, "
                         f"got {sorted(map(str, init))}")
    parameters = {}
    for name, shape in expected.items():
        value = as_float_array(init[name], f"init[{name!r}]")
        check_shape(value, f"init[{name!r}]", shape)
        parameters[name] = value.astype(dtype, copy=True)
    return parameters


def _step_of(opt):
    """``opt.step`` without its per-call checks (fit checked the parameters once), unless a subclass overrides it."""
    if type(opt).step is not Optimizer.step:
        return opt.step
    return lambda parameters, grads: opt._step([(k, p, grads["d" + k]) for k, p in parameters.items()])


ENGINES = ("auto", "readable", "fused")
"""The values of ``fit(engine=...)``."""


def _choose_engine(engine, activations, loss, opt, batchnorm, l1):
    """True for the fused loop: ``engine="fused"``, or ``"auto"`` on a configuration it supports."""
    if not isinstance(engine, str):
        raise TypeError(f"engine: expected one of {list(ENGINES)}, got {type(engine).__name__} {engine!r}"[:300])
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {list(ENGINES)}, got {engine!r}")
    if engine == "readable":
        return False
    reason = _fast.unsupported_reason(activations, loss, opt, batchnorm=batchnorm, l1=l1)
    if engine == "fused" and reason is not None:
        raise ValueError(f"engine: expected a configuration the fused loop supports for engine='fused', got "
                         f"{reason} (not fused; use engine='auto' or 'readable')")
    return reason is None


def fit(X, Y, layer_dims, *, activations=None, loss=None, optimizer="adam", learning_rate=0.001,
        schedule=None, batch_size=None, epochs=100, lambd=0.0, l1=0.0, keep_probs=None,
        batchnorm=False, init="he", X_dev=None, Y_dev=None, patience=None, rng=0,
        progress=False, record_every=1, engine="auto"):
    """Train an L-layer network with mini-batch optimization.

    Each epoch: $\\alpha = \\text{schedule}(\\alpha_0, \\text{epoch})$, shuffle, and for each mini-batch
    a forward pass, a backward pass (of $J^{\\{t\\}}$ with its penalties) and one optimizer step, in
    the readable loop or, when :func:`dlnotes.fast.unsupported_reason` allows, the fused loop of
    :mod:`dlnotes.fast` (the same steps and random numbers). See
    [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Training inputs as columns; float32/float64 kept (integers become float64), parameters follow.
    Y : array_like, shape (n_y, m)
        0/1 for a sigmoid output; one-hot columns **or** integer labels of shape (1, m) for softmax.
    layer_dims : sequence of int
        $[n_x, n^{[1]}, \\dots, n_y]$.
    activations : sequence of L str, optional
        Default: ``"relu"`` hidden, ``"sigmoid"`` output when $n_y = 1$, else ``"softmax"``.
    loss : {"bce", "cce", "mse"}, optional
        Default: ``"bce"`` for sigmoid, ``"cce"`` for softmax, ``"mse"`` for identity.
    optimizer : {"adam", "momentum", "rmsprop", "gd"} or Optimizer, default "adam"
        An instance keeps its hyperparameters; its state is reset and its rate set to ``learning_rate``.
    learning_rate : float, default 0.001
        $\\alpha_0 > 0$.
    schedule : None, str or callable, optional
        ``f(lr0, epoch) -> lr`` before each epoch, ``epoch = 1, 2, ...`` (see :mod:`dlnotes.schedules`).
    batch_size : int, optional
        Mini-batch size; ``None`` (default): the whole training set.
    epochs : int, default 100
        Passes over the training set, $\\ge 1$.
    lambd, l1 : float, default 0
        L2 and L1 penalty strengths (weights only).
    keep_probs : None, float or sequence of L-1 floats in (0, 1]
        Dropout keep probabilities of the hidden layers (training only).
    batchnorm : bool, default False
        Batch norm on the hidden layers (``gamma{l}``, ``beta{l}`` replace ``b{l}``).
    init : str or dict, default "he"
        A method of :func:`dlnotes.initializers.initialize_parameters`, or starting parameters
        (``W{l}`` ``(n[l], n[l-1])``, ``b{l}`` ``(n[l], 1)``), copied in the dtype of ``X``.
    X_dev, Y_dev : array_like, optional
        A dev set (both or neither), ``(n_x, m_dev)`` and ``(n_y, m_dev)``, in the dtype of ``X``.
    patience : int, optional
        Early stopping: stop after ``patience`` epochs without a better dev cost and return the
        best epoch's parameters (needs a dev set).
    rng : numpy.random.Generator or int, default 0
        The only source of randomness: the same seed gives identical parameters.
    progress : bool, default False
        One status line on stderr, updated in place (terminal and Jupyter).
    record_every : int, default 1
        Record the history at epoch 1, every ``record_every`` epochs and at the last epoch.
    engine : {"auto", "readable", "fused"}, default "auto"
        The ``nn``/``optim`` loop of the pages, the fused loop (same numbers up to rounding,
        several times faster), or the fused one when allowed; ``config["engine"]`` says which ran.

    Returns
    -------
    TrainResult
        ``parameters``, ``history``, ``bn_state``, ``best_epoch``, ``config``, with ``.predict(X)``
        and ``.predict_proba(X)``. An epoch's ``cost`` and ``train_accuracy`` are averages over its
        mini-batches measured during training (with dropout, while the parameters move);
        ``dev_cost`` (no penalty) and ``dev_accuracy`` use the end-of-epoch parameters, inference mode.

    Raises
    ------
    FloatingPointError
        If training diverges: a cost or parameter stops being finite, a parameter grows beyond
        $\\sqrt{\\text{largest float}}$, or the last (best) epoch's cost exceeds ``DIVERGENCE_FACTOR``
        (2) times the first's. NaN parameters are never returned.

    Examples
    --------
    >>> from dlnotes.data import make_flower
    >>> X, Y = make_flower(400, rng=1)
    >>> r = fit(X, Y, [2, 8, 1], activations=("tanh", "sigmoid"), learning_rate=0.01,
    ...         batch_size=64, epochs=300, rng=0)
    >>> bool(np.mean(r.predict(X) == Y) > 0.85)
    True
    """
    a = _check_arguments(X, Y, layer_dims, activations, loss, optimizer, learning_rate, schedule, batch_size,
                         epochs, lambd, l1, keep_probs, batchnorm, init, X_dev, Y_dev, patience, rng,
                         progress, record_every, engine)
    s = _setup(a)
    bar = _Progress(a.epochs) if a.progress else None
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for s.epoch in range(1, a.epochs + 1):
                if a.sched is not None:
                    s.lr = _rate_at(a.sched, a.lr0, s.epoch)
                    a.opt.set_learning_rate(s.lr)
                record = s.epoch == 1 or s.epoch % a.record_every == 0 or s.epoch == a.epochs
                cost_sum, correct = _run_epoch(a, s, record)
                dev_cost, dev_acc = _evaluate(a, s, record, cost_sum, correct)
                if bar is not None:
                    bar.update(s.epoch, cost_sum / a.m if record else None, dev_acc)
                if _early_stop(a, s, dev_cost):
                    s.stopped = True
                    break
    except FloatingPointError as exc:
        if str(exc).startswith("training diverged"):
            raise
        raise _diverged(s.epoch, s.it, s.lr, str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    return _pack(a, s)


# The steps of fit, in order.

def _check_arguments(X, Y, layer_dims, activations, loss, optimizer, learning_rate, schedule, batch_size,
                     epochs, lambd, l1, keep_probs, batchnorm, init, X_dev, Y_dev, patience, rng,
                     progress, record_every, engine):
    """Step 1: every argument of fit checked once and converted (dtype, one-hot labels, defaults)."""
    X = as_float_array(X, "X", ndim=2)
    dtype = X.dtype
    check_sequence(layer_dims, "layer_dims", "a list of layer sizes [n_x, ..., n_y]")
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims: expected at least 2 sizes [n_x, ..., n_y], got {layer_dims!r}")
    dims = [check_scalar(n, f"layer_dims[{k}]", low=1, integer=True) for k, n in enumerate(dims)]
    if dims[0] != X.shape[0]:
        raise ValueError(f"layer_dims: expected layer_dims[0] == {X.shape[0]} (X's {X.shape[0]} features), "
                         f"got {dims[0]}")
    L, n_y = len(dims) - 1, dims[-1]
    if activations is None:
        activations = ("relu",) * (L - 1) + ("sigmoid" if n_y == 1 else "softmax",)
    check_sequence(activations, "activations", f"a sequence of {L} activation names (one per layer)")
    if len(activations) != L:
        raise ValueError(f"activations: expected {L} names (one per layer), got {activations!r}")
    for k, name in enumerate(activations):
        if not isinstance(name, str):
            raise TypeError(f"activations[{k}]: expected one of {sorted(ACTIVATIONS)}, got {type(name).__name__} "
                            f"{name!r}"[:300])
        if name not in ACTIVATIONS:
            raise ValueError(f"activations[{k}]: expected one of {sorted(ACTIVATIONS)}, got {name!r}")
    activations = tuple(activations)
    output = activations[-1]
    if loss is None:
        if output not in _DEFAULT_LOSS:
            raise ValueError(f"loss: expected a loss name for output activation {output!r}, got None")
        loss = _DEFAULT_LOSS[output]
    if not isinstance(loss, str):
        raise TypeError(f"loss: expected one of {sorted(nn.LOSSES)}, got {type(loss).__name__} {loss!r}"[:300])
    if loss not in nn.LOSSES:
        raise ValueError(f"loss: expected one of {sorted(nn.LOSSES)}, got {loss!r}")
    Y = _targets(Y, n_y, output, dtype, "Y")
    check_same_examples(X, Y)
    _check_target_values(Y, loss, "Y")
    m = X.shape[1]
    has_dev = X_dev is not None or Y_dev is not None
    if has_dev:
        if X_dev is None or Y_dev is None:
            raise ValueError("X_dev, Y_dev: expected both or neither, got only "
                             + ("X_dev" if Y_dev is None else "Y_dev"))
        given = getattr(X_dev, "dtype", None)
        X_dev = as_float_array(X_dev, "X_dev", ndim=2)
        if given is not None and np.dtype(given).kind == "f" and X_dev.dtype != dtype:
            raise TypeError(f"X_dev: expected dtype {dtype} (the dtype of X), got {X_dev.dtype}")
        X_dev = X_dev.astype(dtype, copy=False)
        if X_dev.shape[0] != X.shape[0]:
            raise ValueError(f"X_dev: expected shape ({X.shape[0]}, m_dev) to match X's {X.shape[0]} features, "
                             f"got {X_dev.shape}")
        Y_dev = _targets(Y_dev, n_y, output, dtype, "Y_dev")
        check_same_examples(X_dev, Y_dev, "X_dev", "Y_dev")
        _check_target_values(Y_dev, loss, "Y_dev")
    lr0 = check_scalar(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
    epochs = check_scalar(epochs, "epochs", low=1, integer=True)
    if batch_size is None:
        batch_size = m
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    lambd = check_scalar(lambd, "lambd", low=0.0)
    l1 = check_scalar(l1, "l1", low=0.0)
    keep = _check_keep_probs(keep_probs, L)
    record_every = check_scalar(record_every, "record_every", low=1, integer=True)
    if patience is not None:
        patience = check_scalar(patience, "patience", low=1, integer=True)
        if not has_dev:
            raise ValueError("patience: early stopping expected a dev set (X_dev and Y_dev), got none")
    progress = check_bool(progress, "progress")
    batchnorm = check_bool(batchnorm, "batchnorm")
    if isinstance(init, Mapping):
        init = dict(init)
    elif not isinstance(init, str):
        raise TypeError(f"init: expected a method name {sorted(INITIALIZERS)} or a dict of starting parameters, "
                        f"got {type(init).__name__} {init!r}"[:300])
    elif init not in INITIALIZERS:
        raise ValueError(f"init: expected one of {sorted(INITIALIZERS)} or a dict of starting parameters, "
                         f"got {init!r}")
    sched = None if schedule is None else get_schedule(schedule)
    if sched is not None:
        _rate_at(sched, lr0, 1)
    rng_seed = rng if isinstance(rng, (int, np.integer)) else "Generator"
    rng = check_rng(rng)
    opt = make_optimizer(optimizer, lr0)
    if isinstance(optimizer, Optimizer):
        opt.reset()
        opt.set_learning_rate(lr0)
    use_fused = _choose_engine(engine, activations, loss, opt, batchnorm, l1)

    return SimpleNamespace(X=X, Y=Y, X_dev=X_dev, Y_dev=Y_dev, dtype=dtype, dims=dims, L=L, m=m,
                           activations=activations, output=output, loss=loss, has_dev=has_dev, lr0=lr0,
                           epochs=epochs, batch_size=batch_size, lambd=lambd, l1=l1, keep=keep,
                           record_every=record_every, patience=patience, progress=progress,
                           batchnorm=batchnorm, init=init, sched=sched, schedule=schedule, rng_seed=rng_seed,
                           rng=rng, opt=opt, use_fused=use_fused)


def _setup(a):
    """Step 2: the parameters, the engine (the fused trainer, or the readable loop's step), history, config."""
    if isinstance(a.init, dict):
        parameters = _given_parameters(a.init, a.dims, a.dtype, a.batchnorm)
    else:
        parameters = initialize_parameters(a.dims, a.init, a.rng, a.dtype, batchnorm=a.batchnorm)
    diagnostics = {"initial_cost": _initial_cost(a, parameters),
                   "update_ratio": {f"W{l}": [] for l in range(1, a.L + 1)}}
    fused = None                              # the same steps, fused and in place: dlnotes.fast
    if a.use_fused:
        fused = _fast.FusedTrainer(parameters, a.activations, a.loss, a.opt, batch_size=a.batch_size,
                                   lambd=a.lambd, keep_probs=a.keep)
        parameters = fused.parameters
    keys = ["epoch", "cost", "train_accuracy", "learning_rate"] + (["dev_cost", "dev_accuracy"] if a.has_dev else [])
    config = {"layer_dims": tuple(a.dims), "activations": a.activations, "loss": a.loss,
              "optimizer": repr(a.opt), "learning_rate": a.lr0, "schedule": a.schedule,
              "batch_size": int(a.batch_size), "epochs": int(a.epochs), "lambd": a.lambd, "l1": a.l1,
              "keep_probs": a.keep, "batchnorm": bool(a.batchnorm),
              "init": "given" if isinstance(a.init, dict) else a.init,
              "patience": a.patience, "rng": a.rng_seed, "record_every": int(a.record_every),
              "dtype": str(a.dtype)}
    return SimpleNamespace(parameters=parameters, fused=fused, bn_state={} if a.batchnorm else None,
                           history={k: [] for k in keys}, config=config, diagnostics=diagnostics, kps=nn._keep_prob_list(a.keep, a.L),
                           step=_step_of(a.opt), best=(math.inf, 0, None, None),   # dev cost, epoch, params, bn
                           epoch=0, it=0, lr=a.lr0, stopped=False)


def _initial_cost(a, parameters):
    """The data term of the cost of the initial parameters on the training set (no dropout; inf on overflow)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        try:
            AL, _ = nn._forward(a.X, parameters, a.activations, [1.0] * a.L, None, None, True)
            cost = nn._cost(AL, a.Y, a.loss)
        except (FloatingPointError, ValueError):
            return math.inf
    return float(cost) if math.isfinite(cost) else math.inf


def _relative_change(before, after, steps):
    """The relative change of a weight matrix over an epoch, per step (inf from W = 0 if it moved)."""
    change, size = float(np.linalg.norm(after - before)), float(np.linalg.norm(before))
    if size == 0.0:
        return 0.0 if change == 0.0 else math.inf
    return change / (max(steps, 1) * size)


def _run_epoch(a, s, record):
    """Step 3: one pass over the training set in either engine; returns (sum of m_t J_t, of m_t accuracy_t)."""
    cost_sum = correct = 0.0
    ratios = s.diagnostics["update_ratio"]
    start = {k: s.parameters[k].copy() for k in ratios} if record else None
    it_start = s.it
    if s.fused is not None:
        cost_sum, correct, s.it = s.fused.train_epoch(a.X, a.Y, a.rng, shuffle=a.batch_size < a.m,
                                                      record=record, iteration=s.it, epoch=s.epoch)
        batches = ()
    else:
        batches = [(a.X, a.Y)] if a.batch_size >= a.m else _mini_batches(a.X, a.Y, a.batch_size, a.rng)
    parameters = s.parameters
    for Xb, Yb in batches:                # checked once by fit: the unchecked inner functions
        s.it += 1
        AL, caches = nn._forward(Xb, parameters, a.activations, s.kps, a.rng, s.bn_state, True)
        if record:
            mb = Xb.shape[1]
            cost = nn._cost(AL, Yb, a.loss, parameters, a.lambd, a.l1)
            if not math.isfinite(cost):
                raise _diverged(s.epoch, s.it, s.lr, f"the cost is {cost}")
            cost_sum += cost * mb
            correct += nn._accuracy(AL, Yb, a.output) * mb
        grads = nn._backward(AL, Yb, caches, a.loss, a.lambd, a.l1)
        s.step(parameters, grads)
    bad = _overflowed(parameters, a.dtype)         # once per epoch, in both engines
    if bad is not None:
        raise _diverged(s.epoch, s.it, s.lr, f"{bad[0]} reached {bad[1]:.3g} (beyond {bad[2]:.3g}, "
                        "where its square overflows)")
    if record:
        for k, values in ratios.items():
            values.append(_relative_change(start[k], parameters[k], s.it - it_start))
    return cost_sum, correct


def _evaluate(a, s, record, cost_sum, correct):
    """Step 4: dev cost and accuracy (inference mode, end of the epoch) and the history entry."""
    dev_cost = dev_acc = None
    if a.has_dev and (record or a.patience is not None):
        AL_dev = nn.predict_proba(a.X_dev, s.parameters, a.activations, bn_state=s.bn_state)
        dev_cost = nn.compute_cost(AL_dev, a.Y_dev, a.loss)
        dev_acc = nn._accuracy(AL_dev, a.Y_dev, a.output)
    if record:
        entry = {"epoch": s.epoch, "cost": cost_sum / a.m, "train_accuracy": correct / a.m,
                 "learning_rate": s.lr, "dev_cost": dev_cost, "dev_accuracy": dev_acc}
        for key, values in s.history.items():
            values.append(entry[key])
    return dev_cost, dev_acc


def _early_stop(a, s, dev_cost):
    """Step 5: keep the best epoch's parameters; True once the dev cost has not improved for patience epochs."""
    if a.patience is not None:
        if dev_cost < s.best[0]:
            s.best = (dev_cost, s.epoch, _copy(s.parameters), _copy(s.bn_state or {}))
        elif s.epoch - s.best[1] >= a.patience:
            return True
    return False


def _pack(a, s):
    """Step 6: the returned parameters (the best epoch's with early stopping), a last divergence check."""
    best_epoch, parameters, bn_state = s.epoch, s.parameters, s.bn_state
    if a.patience is not None:
        _, best_epoch, parameters, best_bn = s.best
        if a.batchnorm:
            bn_state = best_bn
    rose = _cost_rose(s.history, best_epoch)
    if rose is not None:
        raise _diverged(s.epoch, s.it, s.lr, f"the cost rose from {rose[0]:.4g} (epoch 1) to {rose[1]:.4g} "
                        f"(epoch {best_epoch}), more than {DIVERGENCE_FACTOR:g} times its first value")
    s.config.update(engine="readable" if s.fused is None else "fused", epochs_run=s.epoch,
                    stopped_early=s.stopped)
    return TrainResult(parameters=parameters, history=s.history, bn_state=bn_state or {},
                       best_epoch=best_epoch, config=s.config, diagnostics=s.diagnostics)


# --8<-- [start:ensemble_predict]
def ensemble_predict(results, X, *, proba=False):
    """Average the predicted probabilities of several trained networks, $\\hat p(x) = \\frac1K\\sum_k \\hat p_k(x)$.

    Independent errors partly cancel: a cheap way to trade compute for variance.
    See [model ensembles](course2/week1.md#model-ensembles).

    Parameters
    ----------
    results : sequence of TrainResult
        Networks with the same output layer (e.g. trained with different seeds).
    X : array_like, shape (n_x, m)
    proba : bool, default False
        Return the averaged probabilities instead of labels.

    Returns
    -------
    ndarray
        Labels, shape (1, m) (threshold 0.5 or argmax), or mean probabilities, shape (n_y, m).

    Examples
    --------
    >>> from dlnotes.data import make_moons
    >>> X, Y = make_moons(200, noise=0.2, rng=0)
    >>> rs = [fit(X, Y, [2, 8, 1], learning_rate=0.01, batch_size=32, epochs=30, rng=s) for s in range(3)]
    >>> ensemble_predict(rs, X).shape, ensemble_predict(rs, X, proba=True).shape
    ((1, 200), (1, 200))
    """
    if isinstance(results, TrainResult):
        raise TypeError("results: expected a sequence of TrainResult, got a single TrainResult "
                        "(wrap it in a list: [result])")
    check_sequence(results, "results", "a non-empty sequence of TrainResult")
    proba = check_bool(proba, "proba")
    results = list(results)
    if not results:
        raise TypeError("results: expected a non-empty sequence of TrainResult, got an empty one")
    for i, r in enumerate(results):
        if not isinstance(r, TrainResult):
            raise TypeError(f"results[{i}]: expected a TrainResult (from fit), got {type(r).__name__}")
    outputs = {r.config["activations"][-1] for r in results}
    sizes = {r.config["layer_dims"][-1] for r in results}
    if len(outputs) != 1 or len(sizes) != 1:
        raise ValueError(f"results: expected networks with the same output layer, got activations "
                         f"{sorted(outputs)} and sizes {sorted(sizes)}")
    inputs = {r.config["layer_dims"][0] for r in results}
    if len(inputs) != 1:
        raise ValueError(f"results: expected networks with the same input size, got {sorted(inputs)}")
    P = sum(r.predict_proba(X) for r in results) / len(results)
    if proba:
        return P
    output = outputs.pop()
    if output == "softmax":
        return np.argmax(P, axis=0).astype(np.int64).reshape(1, -1)
    if output == "sigmoid":
        return (P > 0.5).astype(np.int64)
    raise ValueError(f"results: expected sigmoid or softmax outputs to predict labels, got {output!r} "
                     f"(use proba=True)")
# --8<-- [end:ensemble_predict]
