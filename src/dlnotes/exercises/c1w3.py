"""Exercises of Course 1, week 3: a network with one hidden layer (tanh), sigmoid output."""

from __future__ import annotations

import numpy as np

from dlnotes import initializers, losses, nn
from dlnotes.activations import sigmoid as _sigmoid
from dlnotes.exercises._core import Exercise, Mistake
from dlnotes.exercises._draw import case, labels, normal, sizes
from dlnotes.exercises.solutions import c1w3 as solutions
from dlnotes.gradcheck import numerical_grad

_KEYS = ("W1", "b1", "W2", "b2")


def _dims(rng, n_y=1):
    """n_x and n_h with n_h != n_x and n_h != n_y: a square W1 (or W2) would hide a transposed one."""
    n_x, n_h = int(rng.integers(2, 6)), int(rng.integers(2, 7))
    while n_h in (n_x, n_y):
        n_h += 1
    return n_x, n_h


def _seed(rng):
    return np.random.default_rng(int(rng.integers(2 ** 31)))


# --------------------------------------------------------------------------- initialize_parameters


def _initialize_cases(rng):
    out = []
    for n_y in (1, 1, 1, int(rng.integers(2, 4))):
        n_x, n_h = _dims(rng, n_y)
        out.append(case([n_x, n_h, n_y, _seed(rng)], dtype=np.float64, n_x=n_x, n_h=n_h, n_y=n_y))
    return out


def _initialize_reference(n_x, n_h, n_y, rng):
    return initializers.initialize_parameters([n_x, n_h, n_y], "random_small", rng=rng)


def _initialize_with(n_x, n_h, n_y, rng, *, draw=None, scale=0.01, transposed=False, w2_first=False):
    draw = draw or rng.standard_normal
    shape1, shape2 = ((n_x, n_h), (n_h, n_y)) if transposed else ((n_h, n_x), (n_y, n_h))
    if w2_first:
        W2 = scale * draw(shape2)
        W1 = scale * draw(shape1)
    else:
        W1 = scale * draw(shape1)
        W2 = scale * draw(shape2)
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def _initialize_rank1_b(n_x, n_h, n_y, rng):
    parameters = _initialize_with(n_x, n_h, n_y, rng)
    return {**parameters, "b1": np.zeros(n_h), "b2": np.zeros(n_y)}


def _initialize_zeros(n_x, n_h, n_y, rng):
    return {"W1": np.zeros((n_h, n_x)), "b1": np.zeros((n_h, 1)), "W2": np.zeros((n_y, n_h)),
            "b2": np.zeros((n_y, 1))}


# --------------------------------------------------------------------------- forward_propagation


def _network(rng, dtype, m, *, scale=0.7):
    """Parameters of an n_x-n_h-1 network (biases not zero) and inputs X (n_x, m)."""
    n_x, n_h = _dims(rng)
    parameters = {"W1": normal(rng, (n_h, n_x), dtype, scale), "b1": normal(rng, (n_h, 1), dtype, 0.5),
                  "W2": normal(rng, (1, n_h), dtype, scale), "b2": normal(rng, (1, 1), dtype, 0.5)}
    return parameters, normal(rng, (n_x, m), dtype), dict(n_x=n_x, n_h=n_h, m=m)


def _forward_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        parameters, X, ctx = _network(rng, dtype, m)
        out.append(case([X, parameters], dtype=dtype, **ctx))
    return out


def _forward_reference(X, parameters):
    A2, caches = nn.model_forward(X, parameters, ("tanh", "sigmoid"))
    Z1, A1, Z2 = caches[0]["Z"], caches[1]["linear"][0], caches[1]["Z"]
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _forward_with(X, parameters, *, hidden=np.tanh, output=_sigmoid, bias1=True, bias2=True):
    W1, b1, W2, b2 = (parameters[k] for k in _KEYS)
    Z1 = W1 @ X + b1 if bias1 else W1 @ X
    A1 = hidden(Z1)
    Z2 = W2 @ A1 + b2 if bias2 else W2 @ A1
    A2 = output(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


_NO_BIAS = "Z = W A + b: a bias is missing (Z1 = W1 @ X + b1, Z2 = W2 @ A1 + b2)"
_OUTPUT = "the output unit is a sigmoid, A2 = 1 / (1 + exp(-Z2)): a probability in (0, 1)"

# --------------------------------------------------------------------------- compute_cost


def _cost_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        A2 = _sigmoid(normal(rng, (1, m), dtype, scale=2.0))
        out.append(case([A2, labels(rng, m, dtype)], dtype=dtype, m=m))
    return out


def _cost_reference(A2, Y):
    return losses.binary_cross_entropy(A2, Y)


def _log_terms(A2, Y):
    A, Y = A2.astype(np.float64), Y.astype(np.float64)
    return Y * np.log(A), (1 - Y) * np.log(1 - A), Y * np.log(1 - A) + (1 - Y) * np.log(A)


# --------------------------------------------------------------------------- backward_propagation


def _backward_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        parameters, X, ctx = _network(rng, dtype, m)
        Y = labels(rng, m, dtype)
        out.append(case([parameters, _forward_reference(X, parameters)[1], X, Y], dtype=dtype, **ctx))
    return out


def _backward_reference(parameters, cache, X, Y, *, hidden_grad=None):
    dZ2 = cache["A2"] - Y
    dA1, dW2, db2 = nn.linear_backward(dZ2, (cache["A1"], parameters["W2"], parameters["b2"]))
    if hidden_grad is None:
        dZ1 = nn.activation_backward(dA1, cache["Z1"], "tanh")
    else:  # a mistake: another factor in place of tanh'(Z1)
        dZ1 = dA1 * hidden_grad(cache)
    _, dW1, db1 = nn.linear_backward(dZ1, (X, parameters["W1"], parameters["b1"]), need_dA_prev=False)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _cost64(parameters, X, Y):
    W1, b1, W2, b2 = (parameters[k] for k in _KEYS)
    Z2 = W2 @ np.tanh(W1 @ X + b1) + b2
    return float(np.mean(np.logaddexp(0, Z2) - Y * Z2))


def _backward_fd(case, output):
    parameters, _, X, Y = case.args
    p = {k: np.asarray(parameters[k], dtype=np.float64) for k in _KEYS}
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    pairs = []
    for key in _KEYS:
        numerical = numerical_grad(lambda v, key=key: _cost64({**p, key: v}, X, Y), p[key].copy())
        pairs.append((f"d{key}", output[f"d{key}"], numerical))
    return pairs


def _backward_scaled(c, factor):
    return {k: v * factor for k, v in _backward_reference(*c.args).items()}


def _backward_summed_db(c, layers=(1, 2)):
    grads = _backward_reference(*c.args)
    for l in layers:  # np.sum(dZ) / m: one number for the whole layer
        grads[f"db{l}"] = float(np.sum(grads[f"db{l}"]))
    return grads


_SUM_ALL = ("np.sum(dZ1) adds over the units and the examples, one number for the whole layer: sum over the "
            "examples only, db1 = np.sum(dZ1, axis=1, keepdims=True) / m")
_TANH_GRAD = "tanh'(z) = 1 - tanh(z)^2, so the factor in dZ1 is (1 - A1**2)"

# --------------------------------------------------------------------------- update_parameters


def _update_cases(rng):
    out = []
    for dtype in (np.float64, np.float32, np.float64):
        parameters, _, ctx = _network(rng, dtype, 1)
        grads = {f"d{k}": normal(rng, v.shape, dtype) for k, v in parameters.items()}
        learning_rate = round(float(rng.uniform(0.05, 1.0)), 2)
        out.append(case([parameters, grads, learning_rate], dtype=dtype, n_x=ctx["n_x"], n_h=ctx["n_h"],
                        learning_rate=learning_rate))
    return out


def _update_reference(parameters, grads, learning_rate, *, sign=-1.0, keys=_KEYS):
    if sign < 0 and keys == _KEYS:
        return nn.update_parameters(parameters, grads, learning_rate)
    return {k: v + sign * learning_rate * grads[f"d{k}"] if k in keys else v for k, v in parameters.items()}


# --------------------------------------------------------------------------- predict


def _predict_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        parameters, X, ctx = _network(rng, dtype, m, scale=1.5)
        while np.min(np.abs(_forward_reference(X, parameters)[1]["Z2"])) < 1e-3:  # A2 too close to 0.5
            parameters["b2"] = parameters["b2"] + dtype(0.01)
        out.append(case([parameters, X], dtype=dtype, **ctx))
    return out


def _predict_reference(parameters, X):
    return (nn.predict(X, parameters, ("tanh", "sigmoid")) == 1).astype(X.dtype)


EXERCISES = [
    Exercise(
        "c1w3.initialize_parameters", "Small random weights, zero biases", solutions.initialize_parameters,
        _initialize_reference, _initialize_cases, returns=("parameters",),
        mistakes=(
            Mistake("all-zero weights keep every hidden unit identical forever (symmetry): draw W1 and W2 "
                    "with rng.standard_normal, times 0.01",
                    lambda c: _initialize_zeros(*c.args)),
            Mistake("scale the draws by 0.01: large weights push tanh into its flat parts, where learning crawls",
                    lambda c: _initialize_with(*c.args, scale=1.0)),
            Mistake("W1 has shape (n_h, n_x) and W2 (n_y, n_h), one row per unit of the layer: "
                    "the shapes are transposed",
                    lambda c: _initialize_with(*c.args, transposed=True)),
            Mistake("draw W1 first, then W2: the same stream in another order gives other numbers",
                    lambda c: _initialize_with(*c.args, w2_first=True)),
            Mistake("rng.random is uniform on [0, 1); the weights come from a normal distribution: "
                    "rng.standard_normal",
                    lambda c: _initialize_with(*c.args, draw=c.args[3].random)),
            Mistake("b1 is a column of shape (n_h, 1) and b2 one of shape (n_y, 1): np.zeros((n_h, 1)), "
                    "not np.zeros(n_h)",
                    lambda c: _initialize_rank1_b(*c.args)),
            Mistake("a shape is one tuple: rng.standard_normal((n_h, n_x)) and np.zeros((n_h, 1)), "
                    "with two pairs of parentheses (a second number is read as a dtype)",
                    crash=r"Cannot interpret '.*' as a data type"),
        ),
    ),
    Exercise(
        "c1w3.forward_propagation", "Forward pass: a tanh hidden layer, a sigmoid output",
        solutions.forward_propagation, _forward_reference, _forward_cases, returns=("A2", "cache"),
        mistakes=(
            Mistake("the hidden layer uses tanh, A1 = np.tanh(Z1); the sigmoid is for the output unit only",
                    lambda c: _forward_with(*c.args, hidden=_sigmoid)),
            Mistake(_NO_BIAS, lambda c: _forward_with(*c.args, bias1=False, bias2=False)),
            Mistake(_NO_BIAS, lambda c: _forward_with(*c.args, bias1=False)),
            Mistake(_NO_BIAS, lambda c: _forward_with(*c.args, bias2=False)),
            Mistake(_OUTPUT, lambda c: _forward_with(*c.args, output=np.tanh)),
            Mistake(_OUTPUT, lambda c: _forward_with(*c.args, output=lambda z: z)),
        ),
    ),
    Exercise(
        "c1w3.compute_cost", "The cross-entropy cost", solutions.compute_cost, _cost_reference, _cost_cases,
        returns=("cost",),
        mistakes=(
            Mistake("the cost is minus the mean log-likelihood: J = -(1/m) sum(y log a + (1 - y) log(1 - a))",
                    lambda c: float(np.mean(sum(_log_terms(*c.args)[:2])))),
            Mistake("J is the mean loss over the m examples: divide the sum by m",
                    lambda c: -float(np.sum(sum(_log_terms(*c.args)[:2])))),
            Mistake("the loss has two terms: y log a for the examples with y = 1 and (1 - y) log(1 - a) "
                    "for those with y = 0",
                    lambda c: -float(np.mean(_log_terms(*c.args)[0]))),
            Mistake("log a goes with y and log(1 - a) with (1 - y): the two logs are swapped",
                    lambda c: -float(np.mean(_log_terms(*c.args)[2]))),
        ),
    ),
    Exercise(
        "c1w3.backward_propagation", "Backward pass: the four gradients", solutions.backward_propagation,
        _backward_reference, _backward_cases, returns=("grads",),
        mistakes=(
            Mistake(_TANH_GRAD + ", not (1 - A1)",
                    lambda c: _backward_reference(*c.args, hidden_grad=lambda k: 1 - k["A1"])),
            Mistake(_TANH_GRAD + ", not (1 - Z1**2): square the activation, not the pre-activation",
                    lambda c: _backward_reference(*c.args, hidden_grad=lambda k: 1 - k["Z1"] ** 2)),
            Mistake(_TANH_GRAD + "; A1 * (1 - A1) is the derivative of the sigmoid",
                    lambda c: _backward_reference(*c.args, hidden_grad=lambda k: k["A1"] * (1 - k["A1"]))),
            Mistake("dW and db average over the m examples: divide by m (dW1 = dZ1 @ X.T / m)",
                    lambda c: _backward_scaled(c, c.context["m"])),
            Mistake("dZ2 = A2 - Y (the derivative of the loss with respect to Z2), not Y - A2",
                    lambda c: _backward_scaled(c, -1.0)),
            Mistake(_SUM_ALL, _backward_summed_db),
            Mistake(_SUM_ALL, lambda c: _backward_summed_db(c, layers=(1,))),
        ),
        finite_differences=_backward_fd,
    ),
    Exercise(
        "c1w3.update_parameters", "One step of gradient descent", solutions.update_parameters,
        _update_reference, _update_cases, returns=("parameters",),
        mistakes=(
            Mistake("gradient descent moves against the gradient: W1 = W1 - learning_rate * dW1",
                    lambda c: _update_reference(*c.args, sign=1.0)),
            Mistake("update every parameter: b1 and b2 too (b1 = b1 - learning_rate * db1)",
                    lambda c: _update_reference(*c.args, keys=("W1", "W2"))),
        ),
    ),
    Exercise(
        "c1w3.predict", "Predictions: 1 where A2 exceeds 0.5", solutions.predict, _predict_reference,
        _predict_cases, returns=("predictions",),
        mistakes=(
            Mistake("return labels, not probabilities: (A2 > 0.5)",
                    lambda c: _forward_reference(c.args[1], c.args[0])[0]),
            Mistake("A2 > 0.5 is a boolean array: convert it with .astype(X.dtype)",
                    lambda c: _predict_reference(*c.args).astype(bool)),
            Mistake("forward_propagation returns a pair: unpack it, A2, cache = forward_propagation(X, parameters)",
                    crash=r"instances of 'tuple'"),
            Mistake("forward_propagation takes X first, then parameters: forward_propagation(X, parameters)",
                    crash=r"only integers, slices"),
        ),
    ),
]
