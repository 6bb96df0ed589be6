"""Exercises of Course 1, week 2: logistic regression as a neural network."""

from __future__ import annotations

import numpy as np

from dlnotes import logistic
from dlnotes.activations import sigmoid as _sigmoid
from dlnotes.exercises._core import Exercise, Mistake
from dlnotes.exercises._draw import case, labels, normal, sizes
from dlnotes.exercises.solutions import c1w2 as solutions
from dlnotes.gradcheck import numerical_grad


def _sigmoid_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        n = int(rng.integers(1, 5))
        out.append(case([normal(rng, (n, m), dtype, scale=4.0)], dtype=dtype, n=n, m=m))
    out.append(case([np.array([[-20.0, -1.0, 0.0, 1.0, 20.0]])], dtype=np.float64, label="z from -20 to 20"))
    return out


def _flatten_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        h, w, c = (int(v) for v in rng.integers(1, 5, 3))
        if h * w * c == m:  # a square X would make the two reshape mistakes look alike
            c += 1
        out.append(case([normal(rng, (m, h, w, c), dtype)], dtype=dtype, m=m, shape=f"{h}x{w}x{c}"))
    return out


def _logistic_case(rng, dtype, m, **extra):
    n = int(rng.integers(1, 6))
    w = normal(rng, (n, 1), dtype, scale=0.5)
    b = float(rng.normal(0, 0.5))
    return [w, b, normal(rng, (n, m), dtype), labels(rng, m, dtype)], dict(n=n, m=m, **extra)


def _propagate_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        args, ctx = _logistic_case(rng, dtype, m)
        out.append(case(args, dtype=dtype, **ctx))
    return out


def _propagate_reference(w, b, X, Y):
    grads, cost = logistic.propagate(w, b, X, Y)
    return {"dw": grads["dw"], "db": float(grads["db"])}, float(cost)


def _cost64(w, b, X, Y):
    Z = w.T @ X + b
    return float(np.mean(np.logaddexp(0, Z) - Y * Z))


def _propagate_fd(case, output):
    w, b, X, Y = (np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in case.args)
    grads = output[0]
    dw_num = numerical_grad(lambda w_: _cost64(w_, b, X, Y), w.copy())
    db_num = numerical_grad(lambda b_: _cost64(w, float(b_[0]), X, Y), np.array([b]))
    return [("dw", grads["dw"], dw_num), ("db", np.atleast_1d(grads["db"]), db_num)]


def _no_1_over_m(w, b, X, Y):
    (grads, cost), m = _propagate_reference(w, b, X, Y), X.shape[1]
    return {"dw": grads["dw"] * m, "db": grads["db"] * m}, cost


def _y_minus_a(w, b, X, Y):
    grads, cost = _propagate_reference(w, b, X, Y)
    return {"dw": -grads["dw"], "db": -grads["db"]}, cost


def _cost_without_minus(w, b, X, Y):
    grads, cost = _propagate_reference(w, b, X, Y)
    return grads, -cost


def _optimize_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        args, ctx = _logistic_case(rng, dtype, m)
        steps = int(rng.integers(1, 6))
        out.append(case(args + [steps, 0.1], dtype=dtype, iterations=steps, **ctx))
    return out


def _optimize_reference(w, b, X, Y, num_iterations, learning_rate, *, sign=-1.0, after=False):
    costs = []
    for _ in range(num_iterations):
        grads, cost = _propagate_reference(w, b, X, Y)
        w = w + sign * learning_rate * grads["dw"]
        b = b + sign * learning_rate * grads["db"]
        costs.append(_propagate_reference(w, b, X, Y)[1] if after else cost)
    return w, float(b), costs


def _predict_reference(w, b, X):
    return (logistic.predict(w, b, X) == 1).astype(X.dtype)


def _predict_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        args, ctx = _logistic_case(rng, dtype, m)
        out.append(case(args[:3], dtype=dtype, **ctx))
    return out


EXERCISES = [
    Exercise(
        "c1w2.sigmoid", "The sigmoid, element-wise", solutions.sigmoid, _sigmoid, _sigmoid_cases,
        returns=("s",),
        mistakes=(
            Mistake("exp(z) instead of exp(-z): that is sigmoid(-z) = 1 - sigmoid(z)",
                    lambda c: _sigmoid(-c.args[0])),
            Mistake("1 / 1 + np.exp(-z) is (1 / 1) + exp(-z): put the denominator in parentheses",
                    lambda c: 1 + np.exp(-c.args[0])),
        ),
    ),
    Exercise(
        "c1w2.flatten", "Images to columns", solutions.flatten, lambda x: x.reshape(x.shape[0], -1).T,
        _flatten_cases, returns=("X",),
        mistakes=(
            Mistake("reshape(-1, m) has the right shape but mixes pixels of different images: "
                    "reshape(m, -1) gives one row per image, then .T makes the rows columns",
                    lambda c: c.args[0].reshape(-1, c.args[0].shape[0])),
            Mistake("one row per image: the course puts each example in a column (transpose it)",
                    lambda c: c.args[0].reshape(c.args[0].shape[0], -1)),
        ),
    ),
    Exercise(
        "c1w2.propagate", "Cost and gradients of logistic regression, vectorized", solutions.propagate,
        _propagate_reference, _propagate_cases, returns=("grads", "cost"),
        mistakes=(
            Mistake("dw and db average over the m examples: divide by m (dw = X dZ^T / m)",
                    lambda c: _no_1_over_m(*c.args)),
            Mistake("dZ = A - Y (the derivative of the loss with respect to z), not Y - A",
                    lambda c: _y_minus_a(*c.args)),
            Mistake("the cost is minus the mean log-likelihood: J = -(1/m) sum(y log a + (1 - y) log(1 - a))",
                    lambda c: _cost_without_minus(*c.args)),
        ),
        finite_differences=_propagate_fd,
    ),
    Exercise(
        "c1w2.optimize", "Gradient descent for logistic regression", solutions.optimize,
        _optimize_reference, _optimize_cases, returns=("w", "b", "costs"),
        mistakes=(
            Mistake("gradient descent moves against the gradient: w = w - learning_rate * dw",
                    lambda c: _optimize_reference(*c.args, sign=1.0)),
            Mistake("costs[i] is the cost computed before update i (the one propagate returns with the gradients)",
                    lambda c: _optimize_reference(*c.args, after=True)),
        ),
    ),
    Exercise(
        "c1w2.predict", "Predictions: 1 where the probability exceeds 0.5", solutions.predict,
        _predict_reference, _predict_cases, returns=("Y_prediction",),
        mistakes=(
            Mistake("return labels, not probabilities: (A > 0.5)",
                    lambda c: _sigmoid(c.args[0].T @ c.args[2] + c.args[1])),
            Mistake("A > 0.5 is a boolean array: convert it with .astype(X.dtype)",
                    lambda c: _predict_reference(*c.args).astype(bool)),
        ),
    ),
]
