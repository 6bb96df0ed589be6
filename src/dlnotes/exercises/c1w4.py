"""Exercises of Course 1, week 4: a deep network, layer by layer."""

from __future__ import annotations

import numpy as np

from dlnotes import nn
from dlnotes.activations import relu as _relu
from dlnotes.activations import sigmoid as _sigmoid
from dlnotes.exercises._core import Exercise, Mistake
from dlnotes.exercises._draw import case, labels, normal, sizes
from dlnotes.exercises.solutions import c1w4 as solutions
from dlnotes.gradcheck import numerical_grad
from dlnotes.initializers import initialize_parameters

_G = {"relu": _relu, "sigmoid": _sigmoid}
_OTHER = {"relu": "sigmoid", "sigmoid": "relu"}
#: A hidden Z closer to 0 than this is redrawn: finite differences would cross ReLU's kink.
_KINK = 1e-3
#: The output layer's |Z| stays below this: AL never rounds to 0 or 1, even in float32.
_ZMAX = 5.0


def _layer_dims(rng, L, *, first=(2, 7), hidden=(2, 7), last=None):
    """[n0, ..., nL]: no two neighbours equal (a square W would hide a transposed one), and no
    n[l] = 2 n[l-1] (the scales sqrt(2 / n[l]) and sqrt(1 / n[l-1]) would coincide)."""
    dims = [int(rng.integers(*first))]
    for l in range(1, L + 1):
        n = last if (l == L and last is not None) else int(rng.integers(*hidden))
        while n == dims[-1] or n == 2 * dims[-1]:
            n += 1
        dims.append(n)
    return dims


# --------------------------------------------------------------------------- 1 · initialization


def _init_cases(rng):
    out = []
    for L in (1, 2, 3, int(rng.integers(4, 6))):
        dims = _layer_dims(rng, L, first=(2, 13), hidden=(1, 9), last=int(rng.integers(1, 4)))
        gen = np.random.default_rng(int(rng.integers(2 ** 31)))
        out.append(case([dims, gen], dtype=np.float64, L=L, layer_dims=dims))
    return out


def _init_reference(layer_dims, rng):
    return initialize_parameters(list(layer_dims), "he", rng)


def _init_with(layer_dims, rng, scale, *, transposed=False, layers=None):
    parameters = {}
    L = len(layer_dims) - 1 if layers is None else layers
    for l in range(1, L + 1):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        W = rng.standard_normal((n_prev, n) if transposed else (n, n_prev))
        parameters[f"W{l}"] = W * scale(n, n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters


def _he(n, n_prev):
    return np.sqrt(2 / n_prev)


# --------------------------------------------------------------------------- 2 · one layer forward


def _laf_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        for activation in ("relu", "sigmoid"):
            dims = _layer_dims(rng, 1, first=(2, 7), hidden=(2, 6))
            A_prev = normal(rng, (dims[0], m), dtype)
            W = normal(rng, (dims[1], dims[0]), dtype, scale=1 / np.sqrt(dims[0]))
            b = normal(rng, (dims[1], 1), dtype, scale=0.5)
            out.append(case([A_prev, W, b, activation], dtype=dtype, m=m, n_prev=dims[0], n=dims[1],
                            activation=activation))
    return out


def _laf_reference(A_prev, W, b, activation):
    A, (linear_cache, Z) = nn.linear_activation_forward(A_prev, W, b, activation)
    return A, (tuple(linear_cache), Z)


def _laf_wrong(A_prev, W, b, activation, kind):
    g = _G[activation]
    Z = W @ A_prev + b
    if kind == "no bias":
        Z = W @ A_prev
        return g(Z), ((A_prev, W, b), Z)
    if kind == "bias after":
        Z = W @ A_prev
        return g(Z) + b, ((A_prev, W, b), Z)
    if kind == "on input":
        Z = W @ g(A_prev) + b
        return Z, ((A_prev, W, b), Z)
    if kind == "cache A":
        return g(Z), ((A_prev, W, b), g(Z))
    if kind == "cache order":
        return g(Z), (Z, (A_prev, W, b))
    if kind == "other":
        return _laf_reference(A_prev, W, b, _OTHER[activation])
    if kind == "np.max" and activation == "relu":
        return np.max(Z, 0), ((A_prev, W, b), Z)
    if kind == "max 1" and activation == "relu":
        return np.maximum(Z, 1), ((A_prev, W, b), Z)
    raise ValueError(kind)


# --------------------------------------------------------------------------- 3 · the forward pass


def _network(rng, dims, m, dtype):
    """(X, parameters) with b != 0, hidden |Z| >= _KINK and output |Z| <= _ZMAX (in float64)."""
    L = len(dims) - 1
    for _ in range(1000):
        X = normal(rng, (dims[0], m))
        p = {}
        for l in range(1, L + 1):
            p[f"W{l}"] = normal(rng, (dims[l], dims[l - 1]), scale=np.sqrt(2 / dims[l - 1]))
            p[f"b{l}"] = normal(rng, (dims[l], 1), scale=0.3)
        A, ok = X, True
        for l in range(1, L + 1):
            Z = p[f"W{l}"] @ A + p[f"b{l}"]
            if l < L:
                ok = ok and bool(np.min(np.abs(Z)) >= _KINK)
                A = np.maximum(Z, 0)
        big = float(np.max(np.abs(Z)))
        if big > _ZMAX:  # shrink the output layer: AL stays well inside (0, 1)
            p[f"W{L}"] *= _ZMAX / big
            p[f"b{L}"] *= _ZMAX / big
        if ok:
            return X.astype(dtype), {k: v.astype(dtype) for k, v in p.items()}
    raise RuntimeError("no network without a Z near 0")  # pragma: no cover


def _network_cases(rng):
    """(case kwargs) for the forward and backward passes: several depths, both dtypes, m = 1, L = 1."""
    out = []
    grid = sizes(rng) + [(np.float64, int(rng.integers(3, 9)))]
    depths = [2, 3, int(rng.integers(3, 5)), 3, 1]
    for (dtype, m), L in zip(grid, depths):
        dims = _layer_dims(rng, L, first=(2, 7), hidden=(2, 7), last=1)
        X, p = _network(rng, dims, m, dtype)
        out.append((X, p, dict(dtype=dtype, m=m, layer_dims=dims)))
    return out


def _mf_cases(rng):
    return [case([X, p], **ctx) for X, p, ctx in _network_cases(rng)]


def _mf_reference(X, parameters, activations=None):
    L = len(parameters) // 2
    activations = activations or ("relu",) * (L - 1) + ("sigmoid",)
    AL, caches = nn.model_forward(X, parameters, activations)
    return AL, [(tuple(c["linear"]), c["Z"]) for c in caches]


def _mf_all(X, parameters, activation):
    return _mf_reference(X, parameters, (activation,) * (len(parameters) // 2))


# --------------------------------------------------------------------------- 4 · one layer backward


def _lab_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        for activation in ("relu", "sigmoid"):
            dims = _layer_dims(rng, 1, first=(2, 7), hidden=(2, 6))
            for _ in range(1000):
                A_prev = normal(rng, (dims[0], m))
                W = normal(rng, (dims[1], dims[0]), scale=1 / np.sqrt(dims[0]))
                b = normal(rng, (dims[1], 1), scale=0.5)
                Z = W @ A_prev + b
                if activation == "sigmoid" or np.min(np.abs(Z)) >= _KINK:
                    break
            A_prev, W, b = (a.astype(dtype) for a in (A_prev, W, b))
            Z = W @ A_prev + b
            dA = normal(rng, Z.shape, dtype)
            out.append(case([dA, ((A_prev, W, b), Z), activation], dtype=dtype, m=m, n_prev=dims[0],
                            n=dims[1], activation=activation))
    return out


def _lab_reference(dA, cache, activation):
    return nn.linear_activation_backward(dA, cache, activation)


def _lab_with(dA, cache, activation, dZ_of=None, *, m_in_dW=True, m_in_dA=False, dA_prev_from_dA=False):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = nn.activation_backward(dA, Z, activation) if dZ_of is None else dZ_of(dA, Z)
    dW = dZ @ A_prev.T
    db = dZ.sum(axis=1, keepdims=True)
    if m_in_dW:
        dW, db = dW / m, db / m
    dA_prev = W.T @ (dA if dA_prev_from_dA else dZ)
    return (dA_prev / m if m_in_dA else dA_prev), dW, db


def _only(activation, dZ_of):
    """A dZ mistake that exists for one activation only."""
    return lambda c: _lab_with(*c.args, dZ_of=dZ_of) if c.args[2] == activation else _raise()


def _raise():
    raise ValueError("this mistake does not apply to this case")


def _lab_no_keepdims(dA, cache, activation):
    dA_prev, dW, db = _lab_reference(dA, cache, activation)
    return dA_prev, dW, db.ravel()


def _lab_fd(case, output):
    """J = (1/m) sum(dA * g(W A_prev + b)) has gradients dW, db, and dA_prev / m (dA_prev is per example)."""
    dA, ((A_prev, W, b), _), activation = case.args
    g, m = _G[activation], A_prev.shape[1]

    def cost(A_prev, W, b):
        return float(np.sum(dA * g(W @ A_prev + b)) / m)

    dA_prev, dW, db = output
    return [("dA_prev", dA_prev, m * numerical_grad(lambda a: cost(a, W, b), A_prev.copy())),
            ("dW", dW, numerical_grad(lambda w: cost(A_prev, w, b), W.copy())),
            ("db", db, numerical_grad(lambda v: cost(A_prev, W, v), b.copy()))]


# --------------------------------------------------------------------------- 5 · the backward pass


def _mb_cases(rng):
    out = []
    for X, p, ctx in _network_cases(rng):
        AL, caches = _mf_reference(X, p)
        Y = labels(rng, ctx["m"], ctx["dtype"])
        out.append(case([AL, Y, caches], **ctx))
    return out


def _nn_caches(caches):
    L = len(caches)
    return [{"activation": "sigmoid" if l == L else "relu", "bn": None, "D": None, "keep_prob": 1.0,
             "linear": linear_cache, "Z": Z} for l, (linear_cache, Z) in enumerate(caches, 1)]


def _mb_reference(AL, Y, caches):
    grads = nn.model_backward(AL, Y, _nn_caches(caches), loss="bce")
    return {key: grads[key] for l in range(len(caches), 0, -1) for key in (f"dW{l}", f"db{l}")}


def _mb_with(AL, Y, caches, *, last="sigmoid", hidden="relu", dAL=None, keep_dA=False):
    L, grads = len(caches), {}
    dA = -(Y / AL - (1 - Y) / (1 - AL)) if dAL is None else dAL(AL, Y)
    for l in range(L, 0, -1):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = nn.linear_activation_backward(
            dA, caches[l - 1], last if l == L else hidden)
        grads[f"dA{l - 1}"] = dA
    order = [f"{key}{l}" for l in range(L, 0, -1) for key in ("dW", "db")]
    if keep_dA:  # the course's notebook also keeps dA0, ..., dA{L-1}
        order += [f"dA{l}" for l in range(L)]
    return {key: grads[key] for key in order}


def _mb_scaled(AL, Y, caches, factor):
    grads = _mb_reference(AL, Y, caches)
    factor = AL.shape[1] if factor == "m" else factor
    return {key: value * factor for key, value in grads.items()}


def _mb_shifted(AL, Y, caches):
    """Layer l < L stored under l - 1 (caches[l] read as layer l + 1's)."""
    L, grads = len(caches), _mb_reference(AL, Y, caches)
    return {(key if int(key[2:]) == L else f"{key[:2]}{int(key[2:]) - 1}"): value for key, value in grads.items()}


def _cost64(parameters, X, Y):
    """The cross-entropy cost of the network, in float64 and without log(0)."""
    L = len(parameters) // 2
    A = X
    for l in range(1, L + 1):
        Z = parameters[f"W{l}"] @ A + parameters[f"b{l}"]
        A = np.maximum(Z, 0)
    return float(np.mean(np.logaddexp(0, Z) - Y * Z))


def _mb_fd(case, output):
    _, Y, caches = case.args
    X = caches[0][0][0]
    parameters = {}
    for l, ((_, W, b), _) in enumerate(caches, 1):
        parameters[f"W{l}"], parameters[f"b{l}"] = W.copy(), b.copy()
    pairs = []
    for key in parameters:
        numerical = numerical_grad(lambda v, key=key: _cost64({**parameters, key: v}, X, Y), parameters[key].copy())
        pairs.append((f"d{key}", output[f"d{key}"], numerical))
    return pairs


# --------------------------------------------------------------------------- 6 · the update


def _update_cases(rng):
    out = []
    for dtype, L in ((np.float64, 2), (np.float32, 3), (np.float64, int(rng.integers(4, 6))), (np.float64, 1)):
        dims = _layer_dims(rng, L, first=(2, 7), hidden=(2, 7), last=1)
        parameters, grads = {}, {}
        for l in range(1, L + 1):
            parameters[f"W{l}"] = normal(rng, (dims[l], dims[l - 1]), dtype)
            parameters[f"b{l}"] = normal(rng, (dims[l], 1), dtype)
        for l in range(1, L + 1):
            grads[f"dW{l}"] = normal(rng, (dims[l], dims[l - 1]), dtype)
            grads[f"db{l}"] = normal(rng, (dims[l], 1), dtype)
        learning_rate = round(float(rng.uniform(0.05, 0.5)), 3)
        out.append(case([parameters, grads, learning_rate], dtype=dtype, layer_dims=dims,
                        learning_rate=learning_rate))
    return out


def _update_reference(parameters, grads, learning_rate):
    return nn.update_parameters(parameters, grads, learning_rate)


def _update_with(parameters, grads, learning_rate, *, sign=-1.0, keys="Wb", layers=None):
    L = len(parameters) // 2
    new = dict(parameters)
    for l in range(1, (L if layers is None else layers) + 1):
        for name in keys:
            new[f"{name}{l}"] = parameters[f"{name}{l}"] + sign * learning_rate * grads[f"d{name}{l}"]
    return new


# --------------------------------------------------------------------------- the exercises

_KEY_W0 = Mistake("layers are numbered from 1: W1 is the first layer's weights (range(1, L) or range(1, L + 1), "
                  "not range(L))", crash=r"KeyError: 'd?[Wb]0'")
_KEY_LEN = Mistake("a layer that does not exist: parameters holds a W and a b for every layer, "
                   "so L = len(parameters) // 2", crash=r"KeyError: 'd?[Wb]([2-9]|\d\d+)'")

EXERCISES = [
    Exercise(
        "c1w4.initialize_parameters_deep", "He initialization of an L-layer network",
        solutions.initialize_parameters_deep, _init_reference, _init_cases, returns=("parameters",),
        mistakes=(
            Mistake("He initialization scales by sqrt(2 / n[l-1]); sqrt(1 / n[l-1]) is the Xavier (LeCun) "
                    "scale, meant for tanh", lambda c: _init_with(*c.args, lambda n, n_prev: np.sqrt(1 / n_prev))),
            Mistake("0.01 * standard normal is the small initialization of week 3; this network uses "
                    "He's sqrt(2 / n[l-1])", lambda c: _init_with(*c.args, lambda n, n_prev: 0.01)),
            Mistake("the scale uses n[l-1] (the number of inputs of each unit, the columns of W[l]), not n[l]",
                    lambda c: _init_with(*c.args, lambda n, n_prev: np.sqrt(2 / n))),
            Mistake("W[l] has shape (n[l], n[l-1]): one row per unit of layer l, one column per unit of layer l-1",
                    lambda c: _init_with(*c.args, _he, transposed=True)),
            Mistake("the last layer is missing: the layers are 1 to L = len(layer_dims) - 1, so range(1, L + 1)",
                    lambda c: _init_with(*c.args, _he, layers=len(c.args[0]) - 2)),
            Mistake("layer_dims has L + 1 entries (the input size first): L = len(layer_dims) - 1",
                    crash=r"IndexError: list index out of range"),
        ),
    ),
    Exercise(
        "c1w4.linear_activation_forward", "One layer forward: linear step, activation, cache",
        solutions.linear_activation_forward, _laf_reference, _laf_cases, returns=("A", "cache"),
        mistakes=(
            Mistake("Z = W A_prev + b: the bias b is missing", lambda c: _laf_wrong(*c.args, "no bias")),
            Mistake("b goes inside the activation: A = g(W A_prev + b), not g(W A_prev) + b",
                    lambda c: _laf_wrong(*c.args, "bias after")),
            Mistake("the activation belongs to this layer's Z: Z = W A_prev + b, then A = g(Z) "
                    "(A_prev is already an activation)", lambda c: _laf_wrong(*c.args, "on input")),
            Mistake("the cache keeps Z, the pre-activation (the backward step needs g'(Z)), not A",
                    lambda c: _laf_wrong(*c.args, "cache A")),
            Mistake("cache = ((A_prev, W, b), Z): the linear cache first, then Z",
                    lambda c: _laf_wrong(*c.args, "cache order")),
            Mistake("the other activation was applied: compare the string argument activation with "
                    "\"relu\" and \"sigmoid\"", lambda c: _laf_wrong(*c.args, "other")),
            Mistake("np.max(Z, 0) is the largest entry of each column (0 is an axis): ReLU is the "
                    "element-wise np.maximum(Z, 0)", lambda c: _laf_wrong(*c.args, "np.max")),
            Mistake("ReLU is max(0, z): np.maximum(Z, 0), not np.maximum(Z, 1)",
                    lambda c: _laf_wrong(*c.args, "max 1")),
            Mistake("Python's max compares whole arrays: ReLU is the element-wise np.maximum(Z, 0)",
                    crash=r"truth value of an array"),
        ),
    ),
    Exercise(
        "c1w4.model_forward", "The forward pass: L-1 ReLU layers and a sigmoid output",
        solutions.model_forward, _mf_reference, _mf_cases, returns=("AL", "caches"),
        mistakes=(
            Mistake("the output layer L uses the sigmoid (AL is a probability); only layers 1 to L-1 use ReLU",
                    lambda c: _mf_all(*c.args, "relu")),
            Mistake("the hidden layers 1 to L-1 use ReLU; only the output layer uses the sigmoid",
                    lambda c: _mf_all(*c.args, "sigmoid")),
            Mistake("caches has one cache per layer, the output layer's too: L caches",
                    lambda c: (_mf_reference(*c.args)[0], _mf_reference(*c.args)[1][:-1])),
            _KEY_W0, _KEY_LEN,
            Mistake("a layer got an input of the wrong size: a layer skipped or done twice (the ReLU loop is "
                    "range(1, L), then layer L), or A not passed on from one layer to the next (or a transposed "
                    "product in linear_activation_forward)",
                    crash=r"matmul: Input operand|mismatch in its core dimension|not aligned"),
        ),
    ),
    Exercise(
        "c1w4.linear_activation_backward", "One layer backward: dA_prev, dW, db",
        solutions.linear_activation_backward, _lab_reference, _lab_cases, returns=("dA_prev", "dW", "db"),
        mistakes=(
            Mistake("db = np.sum(dZ, axis=1, keepdims=True) / m keeps the shape (n[l], 1) of b",
                    lambda c: _lab_no_keepdims(*c.args)),
            Mistake("dW and db average over the m examples: divide by m (dW = dZ A_prev^T / m)",
                    lambda c: _lab_with(*c.args, m_in_dW=False)),
            Mistake("dA_prev = W^T dZ has no 1/m: like dA, it is per example (only dW and db average)",
                    lambda c: _lab_with(*c.args, m_in_dA=True)),
            Mistake("dA_prev = W^T dZ, with dZ = dA * g'(Z), not dA",
                    lambda c: _lab_with(*c.args, dA_prev_from_dA=True)),
            Mistake("ReLU's derivative is 1 where Z > 0 and 0 elsewhere: dZ = dA * (Z > 0), not dA * Z",
                    _only("relu", lambda dA, Z: dA * Z)),
            Mistake("dZ = dA * g'(Z) with g'(Z) = (Z > 0): np.maximum(dA, 0) applies ReLU to dA instead",
                    _only("relu", lambda dA, Z: np.maximum(dA, 0))),
            Mistake("ReLU's derivative is (Z > 0), 0 or 1, not relu(Z): dZ = dA * (Z > 0)",
                    _only("relu", lambda dA, Z: dA * np.maximum(Z, 0))),
            Mistake("the sigmoid's derivative is s (1 - s) with s = sigmoid(Z): the factor (1 - s) is missing",
                    _only("sigmoid", lambda dA, Z: dA * _sigmoid(Z))),
            Mistake("the sigmoid's derivative s (1 - s) takes s = sigmoid(Z), not Z itself",
                    _only("sigmoid", lambda dA, Z: dA * Z * (1 - Z))),
            Mistake("dA and Z have the shape (n[l], m), A_prev has (n[l-1], m): the ReLU mask is Z > 0 "
                    "(not A_prev > 0), and dW = dZ A_prev^T is a matrix product (@)", crash=r"could not be broadcast"),
            Mistake("the other activation's derivative was used: compare the string argument activation "
                    "with \"relu\" and \"sigmoid\"", lambda c: _lab_reference(c.args[0], c.args[1], _OTHER[c.args[2]])),
        ),
        finite_differences=_lab_fd,
    ),
    Exercise(
        "c1w4.model_backward", "The backward pass: gradients of every layer",
        solutions.model_backward, _mb_reference, _mb_cases, returns=("grads",),
        mistakes=(
            Mistake("layer L is the sigmoid layer: its backward step uses the sigmoid's derivative, "
                    "the ReLU layers are 1 to L-1", lambda c: _mb_with(*c.args, last="relu")),
            Mistake("layers 1 to L-1 are ReLU layers: their backward step uses ReLU's derivative, "
                    "only layer L the sigmoid's", lambda c: _mb_with(*c.args, hidden="sigmoid")),
            Mistake("AL - Y is dZ[L], which already contains the sigmoid's derivative: give the sigmoid "
                    "backward step dAL = -(Y / AL - (1 - Y) / (1 - AL))",
                    lambda c: _mb_with(*c.args, dAL=lambda AL, Y: AL - Y)),
            Mistake("dW and db average over the m examples: divide by m (in linear_activation_backward)",
                    lambda c: _mb_scaled(*c.args, "m")),
            Mistake("the sign of dAL is flipped: dAL = -(Y / AL - (1 - Y) / (1 - AL)), the derivative of "
                    "the loss -(y log a + (1 - y) log(1 - a))", lambda c: _mb_scaled(*c.args, -1.0)),
            Mistake("grads holds the parameters' gradients only, dW1, db1, ..., dWL, dbL: leave the dA's out",
                    lambda c: _mb_with(*c.args, keep_dA=True)),
            Mistake("caches[l - 1] is layer l's cache: store its gradients as dW{l} and db{l} "
                    "(the layers are numbered from 1)", lambda c: _mb_shifted(*c.args)),
            _KEY_W0,
            Mistake("a layer got a gradient of the wrong size: go down from layer L to layer 1, passing each "
                    "layer's dA_prev to the layer below and reading caches[l - 1] for layer l",
                    crash=r"matmul: Input operand|mismatch in its core dimension|not aligned|could not be broadcast"),
        ),
        finite_differences=_mb_fd,
    ),
    Exercise(
        "c1w4.update_parameters", "One step of gradient descent on every layer",
        solutions.update_parameters, _update_reference, _update_cases, returns=("parameters",),
        mistakes=(
            Mistake("gradient descent moves against the gradient: W = W - learning_rate * dW",
                    lambda c: _update_with(*c.args, sign=1.0)),
            Mistake("update the biases too: b = b - learning_rate * db", lambda c: _update_with(*c.args, keys="W")),
            Mistake("the last layer was not updated: the layers are 1 to L, so range(1, L + 1)",
                    lambda c: _update_with(*c.args, layers=len(c.args[0]) // 2 - 1)),
            Mistake("the step is learning_rate * dW, not dW", lambda c: _update_with(c.args[0], c.args[1], 1.0)),
            _KEY_W0, _KEY_LEN,
        ),
    ),
]
