"""Exercises of Course 2, week 2: optimization algorithms.

Shuffled mini-batches, one step of momentum, RMSprop and Adam on parameter dicts, the
exponentially weighted average of a series, and a staircase learning-rate decay. The references
wrap ``dlnotes.data.random_mini_batches``, the optimizers of ``dlnotes.optim`` (given the case's
state), ``dlnotes.ewa.ewa`` and ``dlnotes.schedules.staircase``; the mistakes are closed forms.
No exercise asks for a gradient, so none compares with finite differences.
"""

from __future__ import annotations

import math

import numpy as np

from dlnotes import optim, schedules
from dlnotes.data import random_mini_batches as _random_mini_batches
from dlnotes.ewa import ewa as _ewa
from dlnotes.exercises._core import Case, Exercise, Mistake
from dlnotes.exercises._draw import case, labels, normal, one_hot, sizes
from dlnotes.exercises.solutions import c2w2 as solutions

# --------------------------------------------------------------------------- mini-batches


def _rng_for(rng, X, Y):
    """A Generator whose first permutation moves the columns and whose second one would give Y
    another order (so that "no shuffling" and "one permutation for X, another for Y" show)."""
    m = X.shape[1]
    seed = int(rng.integers(2 ** 31))
    while m > 1:
        probe = np.random.default_rng(seed)
        first, second = probe.permutation(m), probe.permutation(m)
        if np.any(first != np.arange(m)) and np.any(Y[:, first] != Y[:, second]):
            break
        seed += 1
    return np.random.default_rng(seed)


def _batch_size(rng, m):
    """A batch size in [2, m) that does not divide m (2 when m < 3: one batch of all the examples)."""
    if m < 3:
        return 2
    return int(rng.choice([b for b in range(2, m) if m % b]))


def _mini_batch_cases(rng):
    out = []
    for i, (dtype, m) in enumerate(sizes(rng)):
        n_x = int(rng.integers(2, 6))
        X = normal(rng, (n_x, m), dtype)
        Y = one_hot(rng, 3, m, dtype) if i == 2 else labels(rng, m, dtype)
        B = _batch_size(rng, m)
        out.append(case([X, Y, B, _rng_for(rng, X, Y)], dtype=dtype, m=m, n=n_x, batch_size=B))
    B, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))  # batch_size divides m: no partial batch
    n_x = int(rng.integers(2, 6))
    X, Y = normal(rng, (n_x, B * k), np.float32), labels(rng, B * k, np.float32)
    out.append(case([X, Y, B, _rng_for(rng, X, Y)], dtype=np.float32, m=B * k, n=n_x, batch_size=B,
                    label="batch_size divides m"))
    return out


def _mini_batches_reference(X, Y, batch_size, rng):
    return _random_mini_batches(X, Y, batch_size, rng)


def _cut(X, Y, batch_size, *, drop_last=False, extra_empty=False):
    m = X.shape[1]
    stop = (m // batch_size) * batch_size if drop_last else m
    out = [(X[:, k:k + batch_size], Y[:, k:k + batch_size]) for k in range(0, stop, batch_size)]
    if extra_empty and m % batch_size == 0:
        out.append((X[:, m:], Y[:, m:]))
    return out


def _two_permutations(X, Y, batch_size, rng):
    m = X.shape[1]
    return _cut(X[:, rng.permutation(m)], Y[:, rng.permutation(m)], batch_size)


def _rows_shuffled(X, Y, batch_size, rng):
    perm = rng.permutation(X.shape[1])
    return _cut(X[perm], Y[perm], batch_size)


def _shuffled(X, Y, batch_size, rng, **how):
    perm = rng.permutation(X.shape[1])
    return _cut(X[:, perm], Y[:, perm], batch_size, **how)


# --------------------------------------------------------------------------- parameter dicts


def _layer_sizes(rng, *, single=False):
    if single:
        return [1, 1]
    return [int(v) for v in rng.integers(1, 6, int(rng.integers(2, 5)))]


def _params_and_grad_scales(rng, dims, *, spread=False):
    """Parameters of a network with layer sizes ``dims`` and a scale per gradient entry
    (1 everywhere, or with ``spread`` from 1e-6 to 1, one entry of W1 0 and one of the last bias tiny)."""
    parameters, scales = {}, {}
    for l in range(1, len(dims)):
        for name, shape in ((f"W{l}", (dims[l], dims[l - 1])), (f"b{l}", (dims[l], 1))):
            parameters[name] = rng.standard_normal(shape)
            scales[name] = 10.0 ** rng.uniform(-6, 0, shape) if spread else np.ones(shape)
    if spread:  # a weight whose gradients have always been 0, and a bias whose gradients are tiny
        scales["W1"].flat[int(rng.integers(scales["W1"].size))] = 0.0
        scales[f"b{len(dims) - 1}"][0, 0] = 10.0 ** rng.uniform(-6, -5)
    return parameters, scales


def _gradients(rng, scales):
    return {"d" + name: scale * rng.standard_normal(scale.shape) for name, scale in scales.items()}


def _history(rng, scales, steps, beta1=None, beta2=None):
    """v and s after ``steps`` earlier gradients (EWAs of the gradients and of their squares)."""
    v = {"d" + name: np.zeros(scale.shape) for name, scale in scales.items()}
    s = {key: np.zeros(a.shape) for key, a in v.items()}
    for _ in range(steps):
        g = _gradients(rng, scales)
        for key in v:
            if beta1 is not None:
                v[key] = beta1 * v[key] + (1 - beta1) * g[key]
            if beta2 is not None:
                s[key] = beta2 * s[key] + (1 - beta2) * g[key] ** 2
    return v, s


def _cast(d, dtype):
    return {k: np.asarray(a, dtype=dtype) for k, a in d.items()}


def _optimizer_cases(rng, kind):
    """Cases for momentum, RMSprop or Adam: float64 and float32, 1 to 3 layers, a first step
    (zero state) and later steps, one layer of a single unit."""
    out = []
    grid = [(np.float64, 1, False), (np.float32, 4, False), (np.float64, 3, False), (np.float64, 6, True),
            (np.float32, 2, False)]
    for dtype, t, single in grid:
        dims = _layer_sizes(rng, single=single)
        parameters, scales = _params_and_grad_scales(rng, dims, spread=kind == "rmsprop")
        lr = float(rng.uniform(0.01, 0.1))
        ctx = dict(layers="-".join(map(str, dims)))
        if kind == "momentum":
            beta = float(rng.uniform(0.8, 0.95))
            v, _ = _history(rng, scales, t - 1, beta1=beta)
            args = [parameters, _gradients(rng, scales), v, beta, lr]
        elif kind == "rmsprop":
            beta = float(rng.uniform(0.8, 0.95))
            _, s = _history(rng, scales, t - 1, beta2=beta)
            args = [parameters, _gradients(rng, scales), s, beta, lr, 1e-8]
        else:
            beta1, beta2 = float(rng.uniform(0.8, 0.95)), float(rng.uniform(0.99, 0.999))
            v, s = _history(rng, scales, t - 1, beta1=beta1, beta2=beta2)
            args = [parameters, _gradients(rng, scales), v, s, t, lr, beta1, beta2, 1e-8]
            ctx["t"] = t
        args = [_cast(a, dtype) if isinstance(a, dict) else a for a in args]
        if t == 1:
            label = "first step: state 0"
        else:
            label = "" if kind == "adam" else f"state after {t - 1} step{'s' * (t > 2)}"
        out.append(case(args, dtype=dtype, label=label, **ctx))
    return out


def _with_state(optimizer, parameters, grads, state, t=0):
    """Run one ``optimizer`` step from the given state: (new parameters, {slot: new state dict})."""
    params = {name: p.copy() for name, p in parameters.items()}
    optimizer.t = t
    optimizer.state = {name: {slot: d["d" + name].copy() for slot, d in state.items()} for name in params}
    optimizer.step(params, grads)
    return params, {slot: {"d" + name: optimizer.state[name][slot] for name in params} for slot in state}


def _momentum_reference(parameters, grads, v, beta, learning_rate):
    params, state = _with_state(optim.Momentum(learning_rate, beta), parameters, grads, {"v": v})
    return params, state["v"]


def _momentum(parameters, grads, v, beta, learning_rate, *, a=None, b=None, step="v"):
    """Momentum written out; ``a``, ``b`` replace beta and 1 - beta, ``step`` picks what W moves by."""
    a = beta if a is None else a
    b = 1 - beta if b is None else b
    new_p, new_v = {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = a * v[d] + b * grads[d]
        by = {"v": new_v[d], "grad": grads[d], "old v": v[d]}[step]
        new_p[name] = parameters[name] - learning_rate * by
    return new_p, new_v


def _rmsprop_reference(parameters, grads, s, beta, learning_rate, epsilon):
    params, state = _with_state(optim.RMSprop(learning_rate, beta, epsilon), parameters, grads, {"s": s})
    return params, state["s"]


def _rmsprop(parameters, grads, s, beta, learning_rate, epsilon, *, power=2, root=np.sqrt, eps_inside=False,
             no_eps=False):
    new_p, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * grads[d] ** power
        if eps_inside:
            denominator = np.sqrt(new_s[d] + epsilon)
        else:
            denominator = root(new_s[d]) + (0 if no_eps else epsilon)
        new_p[name] = parameters[name] - learning_rate * grads[d] / denominator
    return new_p, new_s


def _adam_reference(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    params, state = _with_state(optim.Adam(learning_rate, beta1, beta2, epsilon), parameters, grads,
                                {"v": v, "s": s}, t=t - 1)
    return params, state["v"], state["s"]


def _adam(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon, *, c1=None, c2=None, store=""):
    """Adam written out; ``c1``, ``c2`` replace the corrections 1 - beta ** t; ``store`` ("v", "s" or
    "vs") names the moments returned corrected."""
    c1 = 1 - beta1 ** t if c1 is None else c1
    c2 = 1 - beta2 ** t if c2 is None else c2
    new_p, new_v, new_s = {}, {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v_hat, s_hat = new_v[d] / c1, new_s[d] / c2
        new_p[name] = parameters[name] - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
        if "v" in store:
            new_v[d] = v_hat
        if "s" in store:
            new_s[d] = s_hat
    return new_p, new_v, new_s


# --------------------------------------------------------------------------- averages and decay


def _ewa_cases(rng):
    out = []
    for dtype, T in sizes(rng):
        thetas = (10 + 5 * rng.standard_normal(T)).astype(dtype)
        out.append(case([thetas, float(rng.uniform(0.6, 0.95)), True], dtype=dtype, T=T,
                        bias_correction=True))
    for dtype in (np.float64, np.float32):
        T = int(rng.integers(5, 30))
        thetas = (10 + 5 * rng.standard_normal(T)).astype(dtype)
        out.append(case([thetas, float(rng.uniform(0.6, 0.95)), False], dtype=dtype, T=T,
                        bias_correction=False))
    return out


def _ewa_written(thetas, beta, bias_correction, *, a=None, b=None, start=0.0, feed_back=False):
    """The EWA written out: ``a``, ``b`` replace beta and 1 - beta, ``start`` is v_0, ``feed_back``
    stores the corrected value in the recursion."""
    a = beta if a is None else a
    b = 1 - beta if b is None else b
    out = np.zeros(thetas.shape, dtype=np.float64)
    v = start
    for t in range(1, len(thetas) + 1):
        v = a * v + b * float(thetas[t - 1])
        corrected = v / (1 - beta ** t) if bias_correction else v
        if feed_back:
            v = corrected
        out[t - 1] = corrected
    return out.astype(thetas.dtype)


def _decay_case(args):
    lr0, epoch_num, decay_rate, interval = args
    return Case(f"epoch_num={epoch_num}, time_interval={interval}", tuple(args), {}, {"dtype": "float64"})


def _decay_cases(rng):
    def lr0():
        return round(float(rng.uniform(0.01, 0.5)), 4)

    def rate():
        return round(float(rng.choice([rng.uniform(0.1, 0.9), rng.uniform(1.2, 3.0)])), 3)

    def off_multiple(interval, low, high):
        epoch = int(rng.integers(low, high))
        return epoch + 1 if epoch % interval == 0 else epoch

    out = [_decay_case([lr0(), int(rng.integers(2, 30)), rate(), 1])]          # plain inverse-time decay
    interval = int(rng.integers(2, 10))
    out.append(_decay_case([lr0(), off_multiple(interval, interval + 1, 6 * interval), rate(), interval]))
    interval = int(rng.integers(100, 1000))
    out.append(_decay_case([lr0(), off_multiple(interval, interval + 1, 5 * interval), rate(), interval]))
    interval = int(rng.integers(5, 50))
    out.append(_decay_case([lr0(), int(rng.integers(1, interval)), rate(), interval]))  # first interval: lr0
    interval = int(rng.integers(2, 20))
    out.append(_decay_case([lr0(), interval * int(rng.integers(1, 6)), rate(), interval]))  # a multiple
    interval = int(rng.integers(4, 40))  # past the middle of an interval: round() and floor() differ
    out.append(_decay_case([lr0(), interval * int(rng.integers(1, 6)) + interval - 1, rate(), interval]))
    return out


def _decay_reference(learning_rate0, epoch_num, decay_rate, time_interval):
    return schedules.staircase(learning_rate0, epoch_num, decay_rate, time_interval)


# --------------------------------------------------------------------------- the exercises


_STORED = ("the bias correction makes temporaries: return (and store) the uncorrected v and s, "
           "and use v / (1 - beta1 ** t), s / (1 - beta2 ** t) only in the update of W")

EXERCISES = [
    Exercise(
        "c2w2.random_mini_batches", "Shuffled mini-batches", solutions.random_mini_batches,
        _mini_batches_reference, _mini_batch_cases, returns=("mini_batches",),
        mistakes=(
            Mistake("X and Y need the same permutation (draw it once with rng.permutation(m) and index both "
                    "with it): with two, an example loses its label",
                    lambda c: _two_permutations(*c.args)),
            Mistake("keep the last, smaller mini-batch: it holds the m - batch_size * (m // batch_size) examples "
                    "that are left (loop over range(0, m, batch_size))",
                    lambda c: _shuffled(*c.args, drop_last=True)),
            Mistake("an empty mini-batch at the end: when batch_size divides m there is no partial batch "
                    "(loop over range(0, m, batch_size))",
                    lambda c: _shuffled(*c.args, extra_empty=True)),
            Mistake("the columns are in their original order: shuffle them first, X[:, permutation] and "
                    "Y[:, permutation] with permutation = rng.permutation(m)",
                    lambda c: _cut(*c.args[:3])),
            Mistake("the examples are the columns: shuffle with X[:, permutation] and Y[:, permutation]; "
                    "X[permutation] picks rows",
                    lambda c: _rows_shuffled(*c.args), crash=r"out of bounds for axis 0"),
        ),
    ),
    Exercise(
        "c2w2.momentum_update", "One step of gradient descent with momentum", solutions.momentum_update,
        _momentum_reference, lambda rng: _optimizer_cases(rng, "momentum"), returns=("parameters", "v"),
        mistakes=(
            Mistake("v is an average of the gradients: v = beta * v + (1 - beta) * dW (the (1 - beta) is missing)",
                    lambda c: _momentum(*c.args, b=1.0)),
            Mistake("beta and 1 - beta are swapped: the old v gets the weight beta, the new gradient 1 - beta",
                    lambda c: _momentum(*c.args, a=1 - c.args[3], b=c.args[3])),
            Mistake("momentum moves W by the velocity, not by the gradient: W = W - learning_rate * v_dW",
                    lambda c: _momentum(*c.args, step="grad")),
            Mistake("W moved by the v of the previous step: update v first, then move W by the new v",
                    lambda c: _momentum(*c.args, step="old v")),
        ),
        may_modify=("parameters", "v"),
    ),
    Exercise(
        "c2w2.rmsprop_update", "One step of RMSprop", solutions.rmsprop_update,
        _rmsprop_reference, lambda rng: _optimizer_cases(rng, "rmsprop"), returns=("parameters", "s"),
        mistakes=(
            Mistake("epsilon goes outside the square root: dW / (np.sqrt(s_dW) + epsilon); sqrt(s_dW + epsilon) "
                    "is at least sqrt(epsilon) and shrinks the steps of the parameters whose gradients are small",
                    lambda c: _rmsprop(*c.args, eps_inside=True)),
            Mistake("epsilon belongs in the denominator, dW / (np.sqrt(s_dW) + epsilon): where a gradient "
                    "component and s_dW are both 0, dW / np.sqrt(s_dW) is 0 / 0",
                    lambda c: _rmsprop(*c.args, no_eps=True),
                    crash=r"(invalid value|divide by zero) encountered in (scalar )?divide"),
            Mistake("s_dW averages the squared gradients: s_dW = beta * s_dW + (1 - beta) * dW ** 2 "
                    "(with dW itself, s_dW can be negative and its square root NaN)",
                    lambda c: _rmsprop(*c.args, power=1), crash=r"invalid value encountered in sqrt"),
            Mistake("divide by the square root of s_dW (the root mean square of the gradients), not by s_dW",
                    lambda c: _rmsprop(*c.args, root=lambda x: x)),
        ),
        may_modify=("parameters", "s"),
    ),
    Exercise(
        "c2w2.adam_update", "One step of Adam, with bias correction", solutions.adam_update,
        _adam_reference, lambda rng: _optimizer_cases(rng, "adam"), returns=("parameters", "v", "s"),
        mistakes=(
            Mistake(_STORED, lambda c: _adam(*c.args, store="vs")),
            Mistake(_STORED, lambda c: _adam(*c.args, store="v")),
            Mistake(_STORED, lambda c: _adam(*c.args, store="s")),
            Mistake("the bias correction is missing: W moves by v_corrected / (sqrt(s_corrected) + epsilon), "
                    "with v_corrected = v / (1 - beta1 ** t) and s_corrected = s / (1 - beta2 ** t)",
                    lambda c: _adam(*c.args, c1=1.0, c2=1.0)),
            Mistake("the bias correction uses powers: 1 - beta1 ** t and 1 - beta2 ** t, not 1 - beta1 * t "
                    "(negative once t > 1, and the square root of a negative s_corrected is NaN)",
                    lambda c: _adam(*c.args, c1=1 - c.args[6] * c.args[4], c2=1 - c.args[7] * c.args[4]),
                    crash=r"invalid value encountered in sqrt"),
        ),
        may_modify=("parameters", "v", "s"),
    ),
    Exercise(
        "c2w2.ewa", "Exponentially weighted average, with optional bias correction", solutions.ewa,
        lambda thetas, beta, bias_correction: _ewa(thetas, beta, bias_correction), _ewa_cases, returns=("v",),
        mistakes=(
            Mistake("beta and 1 - beta are swapped: v_t = beta * v_(t-1) + (1 - beta) * theta_t",
                    lambda c: _ewa_written(*c.args, a=1 - c.args[1], b=c.args[1])),
            Mistake("t counts from 1: v_1 is divided by 1 - beta ** 1 (in a loop over range(T), that is "
                    "beta ** (t + 1)); 1 - beta ** 0 is 0",
                    crash=r"divide by zero|division by zero|invalid value encountered in (scalar )?divide"),
            Mistake("the recursion runs on the uncorrected v: keep v_t = beta * v_(t-1) + (1 - beta) * theta_t "
                    "and divide only what you return by 1 - beta ** t",
                    lambda c: _ewa_written(*c.args, feed_back=True)),
            Mistake("the average starts from v_0 = 0, not from the first value theta_1",
                    lambda c: _ewa_written(*c.args, start=float(c.args[0][0]))),
            Mistake("divide by 1 - beta ** t only when bias_correction is True",
                    lambda c: _ewa_written(c.args[0], c.args[1], not c.args[2])),
        ),
    ),
    Exercise(
        "c2w2.decayed_learning_rate", "Learning-rate decay at fixed intervals", solutions.decayed_learning_rate,
        _decay_reference, _decay_cases, returns=("learning_rate",),
        mistakes=(
            Mistake("the rate decays in steps: use floor(epoch_num / time_interval) (np.floor, or "
                    "epoch_num // time_interval), not the fraction epoch_num / time_interval",
                    lambda c: c.args[0] / (1 + c.args[2] * c.args[1] / c.args[3])),
            Mistake("the rate steps down at the end of each interval: floor(epoch_num / time_interval) "
                    "(or epoch_num // time_interval), not round(), which steps halfway through",
                    lambda c: c.args[0] / (1 + c.args[2] * round(c.args[1] / c.args[3]))),
            Mistake("divide epoch_num by time_interval: the rate changes once every time_interval epochs",
                    lambda c: c.args[0] / (1 + c.args[2] * c.args[1])),
            Mistake("that is exponential decay (learning_rate0 * decay_rate ** k); this schedule divides: "
                    "learning_rate0 / (1 + decay_rate * k), k = floor(epoch_num / time_interval)",
                    lambda c: c.args[0] * c.args[2] ** math.floor(c.args[1] / c.args[3])),
            Mistake("that is exponential decay (learning_rate0 * exp(-decay_rate * k)); this schedule divides: "
                    "learning_rate0 / (1 + decay_rate * k), k = floor(epoch_num / time_interval)",
                    lambda c: c.args[0] * math.exp(-c.args[2] * math.floor(c.args[1] / c.args[3]))),
        ),
    ),
]
