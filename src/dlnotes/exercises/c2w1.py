"""Exercises of Course 2, week 1: L2 regularization, inverted dropout, gradient checking."""

from __future__ import annotations

import numpy as np

from dlnotes import regularization
from dlnotes.exercises._core import RTOL, Exercise, Mistake
from dlnotes.exercises._draw import case, labels, normal, sizes, uniform
from dlnotes.exercises.solutions import c2w1 as solutions
from dlnotes.gradcheck import numerical_grad, relative_difference

#: keep_prob values of the cases: never 0.5, where 1 / keep_prob and 1 / (1 - keep_prob) coincide.
KEEP_PROBS = (0.6, 0.7, 0.75, 0.8, 0.9)


# --------------------------------------------------------------------------- answers that are numbers


def _apart(c, reference, mistakes, factor=20.0):
    """No two answers to case ``c`` (numbers: the reference's and the mistakes') are close by chance.

    Two mistakes must be more than ``factor`` tolerances apart, so that a learner's answer
    matches at most one of them whatever the rounding of float32; a mistake and the reference
    too, unless the mistake is right for this case (within 1/100 of the tolerance: a forgotten
    1/m when m = 1). The cases are drawn again when they are not.
    """
    expected = reference(*c.args)
    values = [mistake.output(c) for mistake in mistakes]
    tol = RTOL[np.dtype(c.context["dtype"])]

    def gap(a, b):
        return abs(a - b) / max(abs(a), abs(b), 1e-300)

    if any(tol / 100 < gap(v, expected) <= factor * tol for v in values):
        return False
    return all(gap(a, b) > factor * tol for i, a in enumerate(values) for b in values[:i])


# --------------------------------------------------------------------------- L2: the cost


def _network(rng, dtype, layers):
    """{"W1", "b1", ...} of a network with layer sizes ``layers``; biases not zero (as after training)."""
    parameters = {}
    for l in range(1, len(layers)):
        parameters[f"W{l}"] = normal(rng, (layers[l], layers[l - 1]), dtype)
        parameters[f"b{l}"] = normal(rng, (layers[l], 1), dtype, scale=0.5)
    return parameters


def _cost_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        for _ in range(100):
            L = int(rng.integers(2, 4))
            layers = [int(n) for n in rng.integers(2, 6, L)] + [1]  # every W has two entries or more
            cost = round(float(rng.uniform(0.2, 0.8)), 4)
            lambd = round(float(rng.uniform(0.1, 1.0)), 2)
            c = case([cost, _network(rng, dtype, layers), lambd, m], dtype=dtype, m=m, layers=layers, lambd=lambd)
            if _apart(c, _cost_reference, _COST_MISTAKES):
                break
        out.append(c)
    return out


def _cost_reference(cross_entropy_cost, parameters, lambd, m):
    return float(cross_entropy_cost) + regularization.l2_penalty(parameters, lambd, m)


def _cost_with(c, *, factor=0.5, term=np.square, keys="W", norm=False, add_cost=True):
    """The cost with the penalty ``factor * lambd / m * sum(term(...))`` over the ``keys`` arrays."""
    cost, parameters, lambd, m = c.args
    arrays = [np.asarray(v, dtype=np.float64) for k, v in parameters.items() if k[0] in keys]
    total = sum(float(np.linalg.norm(a)) if norm else float(np.sum(term(a))) for a in arrays)
    return (cost if add_cost else 0.0) + factor * lambd / m * total


# --------------------------------------------------------------------------- L2: the gradient


def _l2_gradient_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        n, n_prev = (int(v) for v in rng.integers(1, 6, 2))
        if n * n_prev == 1:
            n_prev += 1
        lambd = round(float(rng.uniform(0.1, 1.0)), 2)
        dW = normal(rng, (n, n_prev), dtype, scale=0.1)
        W = normal(rng, (n, n_prev), dtype)
        out.append(case([dW, W, lambd, m], dtype=dtype, m=m, shape=f"{n}x{n_prev}", lambd=lambd))
    return out


def _l2_gradient_reference(dW, W, lambd, m):
    return dW + regularization.l2_penalty_grad(W, lambd, m)


def _l2_gradient_with(c, factor, sign=1.0, data=True):
    dW, W, lambd, m = c.args
    return (dW if data else 0.0) + sign * factor * W


def _l2_gradient_fd(case, output):
    dW, W, lambd, m = case.args
    penalty = numerical_grad(lambda W_: regularization.l2_penalty({"W1": W_}, lambd, m), W.astype(np.float64))
    return [("the L2 terms of dW", np.asarray(output, dtype=np.float64) - dW, penalty)]


# --------------------------------------------------------------------------- dropout


def _mask_rng(rng, shape, keep_prob):
    """A Generator whose first ``rng.random(shape) < keep_prob`` keeps some units and drops others."""
    while True:
        seed = int(rng.integers(2 ** 32))
        D = np.random.default_rng(seed).random(shape) < keep_prob
        if D.any() and not D.all():
            return np.random.default_rng(seed)


def _dropout_shapes(rng):
    for dtype, m in sizes(rng):
        n = int(rng.integers(2, 6)) if m > 1 else int(rng.integers(3, 7))
        yield dtype, n, m, float(rng.choice(KEEP_PROBS))


def _dropout_forward_cases(rng):
    out = []
    for dtype, n, m, keep_prob in _dropout_shapes(rng):
        A = normal(rng, (n, m), dtype)
        out.append(case([A, keep_prob, _mask_rng(rng, (n, m), keep_prob)], dtype=dtype, n=n, m=m,
                        keep_prob=keep_prob))
    return out


def _dropout_forward_reference(A, keep_prob, rng):
    # dlnotes draws in the dtype of A: a float64 copy makes the draws rng.random(A.shape), as stated
    A_drop, D = regularization.dropout_forward(A.astype(np.float64), keep_prob, rng)
    return A_drop.astype(A.dtype), D


def _dropout_forward_with(c, *, scale=lambda p: 1 / p, keep="below", draw_dtype=np.float64):
    A, keep_prob, rng = c.args
    u = rng.random(A.shape, dtype=draw_dtype)
    D = u < keep_prob if keep == "below" else u > keep_prob
    return A * D * scale(keep_prob), D


def _dropout_backward_cases(rng):
    out = []
    for dtype, n, m, keep_prob in _dropout_shapes(rng):
        D = rng.random((n, m)) < keep_prob
        D[0, 0], D[-1, -1] = False, True  # some units dropped, some kept
        dA = normal(rng, (n, m), dtype, scale=0.5)
        out.append(case([dA, D, keep_prob], dtype=dtype, n=n, m=m, keep_prob=keep_prob))
    return out


def _dropout_backward_fd(case, output):
    dA, D, keep_prob = case.args
    A = np.random.default_rng(0).standard_normal(dA.shape)
    # a cost whose gradient with respect to A_drop = A * D / keep_prob is dA
    numerical = numerical_grad(lambda A_: float(np.sum(dA * (A_ * D / keep_prob))), A)
    return [("dA", output, numerical)]


# --------------------------------------------------------------------------- gradient checking


def _sum_of_squares(theta):
    return float(np.sum(theta ** 2))


def _sum_of_sin(theta):
    return float(np.sum(np.sin(theta)))


def _sum_of_exp(theta):
    return float(np.sum(np.exp(theta)))


def _logistic_cost(X, Y):
    def f(theta):
        Z = theta @ X
        return float(np.mean(np.logaddexp(0, Z) - Y * Z))
    return f


def _quadratic(H, g):
    def f(theta):
        return float(0.5 * theta @ H @ theta - g @ theta)
    return f


def _numerical_gradient_cases(rng):
    out = []

    def add(f, n, epsilon, what):
        theta = normal(rng, (n,), np.float64)
        out.append(case([f, theta, epsilon], dtype=np.float64, n=n, epsilon=f"{epsilon:g}", label=f"f = {what}"))

    add(_sum_of_squares, int(rng.integers(3, 9)), 1e-4, "sum of squares")
    add(_sum_of_sin, int(rng.integers(3, 9)), 1e-3, "sum of sin")
    n, m = int(rng.integers(2, 6)), int(rng.integers(10, 21))
    X, Y = normal(rng, (n, m), np.float64), labels(rng, m).ravel()
    add(_logistic_cost(X, Y), n, 1e-7, "logistic cost of theta @ X")
    n = int(rng.integers(3, 7))
    M = normal(rng, (n, n), np.float64)
    add(_quadratic(M @ M.T / n + np.eye(n), normal(rng, (n,), np.float64)), n, 1e-3,
        "0.5 theta @ H @ theta - g @ theta")
    add(_sum_of_exp, 1, 1e-4, "exp (a single parameter)")
    return out


def _numerical_gradient_reference(f, theta, epsilon):
    return numerical_grad(f, theta.copy(), epsilon)


def _one_sided(f, theta, epsilon):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        plus = theta.copy()
        plus[i] += epsilon
        grad[i] = (f(plus) - f(theta)) / epsilon
    return grad


def _left_perturbed(f, theta, epsilon):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += epsilon
        f_plus = f(theta)
        theta[i] -= 2 * epsilon
        grad[i] = (f_plus - f(theta)) / (2 * epsilon)
    return grad


def _no_copy(f, theta, epsilon):
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus = theta
        theta_plus[i] = theta_plus[i] + epsilon
        f_plus = f(theta_plus)
        theta_minus = theta
        theta_minus[i] = theta_minus[i] - epsilon
        grad[i] = (f_plus - f(theta_minus)) / (2 * epsilon)
    return grad


def _correct(rng):
    n = int(rng.integers(5, 31))
    g = normal(rng, (n,), np.float64, scale=float(rng.uniform(2, 5)))
    approx = g + 1e-6 * np.abs(g).max() * rng.standard_normal(n)
    return case([g, approx], dtype=np.float64, n=n, label="a correct backward pass")


def _half_wrong(rng):
    n = int(rng.integers(6, 31))
    g = normal(rng, (n,), np.float64, scale=float(rng.uniform(0.1, 0.5)))
    approx = g.copy()
    approx[n // 2:] *= 2
    return case([g, approx], dtype=np.float64, n=n, label="a factor 2 missing in half the entries")


def _one_sign(rng):
    n = int(rng.integers(5, 31))
    g = normal(rng, (n,), np.float32, scale=float(rng.uniform(2, 5)))
    approx = g.copy()
    approx[int(np.argmax(np.abs(g)))] *= -1  # the largest entry: a sign error that matters
    return case([g, approx], dtype=np.float32, n=n, label="one entry with the wrong sign")


def _noisy_columns(rng):
    n = int(rng.integers(5, 31))
    g = normal(rng, (n, 1), np.float64, scale=float(rng.uniform(0.5, 3)))
    approx = g * (1 + 0.05 * rng.standard_normal((n, 1)))
    return case([g, approx], dtype=np.float64, n=n, label="columns (n, 1), 5 % noise")


def _opposite(rng):
    g = uniform(rng, 1, 3, (1,), np.float64)
    return case([g, -0.5 * g], dtype=np.float64, n=1, label="opposite signs")


def _difference_cases(rng):
    out = []
    for draw in (_correct, _half_wrong, _one_sign, _noisy_columns, _opposite):
        for _ in range(100):
            c = draw(rng)
            if _apart(c, _difference_reference, _DIFFERENCE_MISTAKES):
                break
        out.append(c)
    return out


def _difference_reference(grad, grad_approx):
    return relative_difference(np.asarray(grad, dtype=np.float64), np.asarray(grad_approx, dtype=np.float64))


def _difference_with(c, numerator=lambda g, a: np.linalg.norm(g - a), denominator=None):
    g, a = (np.asarray(x, dtype=np.float64) for x in c.args)
    value = numerator(g, a)
    return float(value if denominator is None else value / denominator(g, a))


def _precedence(c):
    g, a = (np.asarray(x, dtype=np.float64) for x in c.args)
    return float(np.linalg.norm(g - a) / np.linalg.norm(g) + np.linalg.norm(a))


def _squares(c):
    g, a = (np.asarray(x, dtype=np.float64) for x in c.args)
    return float(np.sum((g - a) ** 2) / (np.sum(g ** 2) + np.sum(a ** 2)))


_COST_MISTAKES = (
    Mistake("the penalty is lambd / (2 m) times the sum of squares: the 1/2 is missing "
            "(lambd / m is the factor of its gradient)", lambda c: _cost_with(c, factor=1.0)),
    Mistake("the penalty takes the weights W1, W2, ... only: leave the biases b out",
            lambda c: _cost_with(c, keys="Wb")),
    Mistake("sum of |W| is the L1 penalty: L2 sums the squares of the entries, np.sum(np.square(W))",
            lambda c: _cost_with(c, term=np.abs)),
    Mistake("np.linalg.norm(W) is the Frobenius norm itself: the penalty uses its square, "
            "the sum of the squared entries", lambda c: _cost_with(c, norm=True)),
    Mistake("divide by m too: the penalty is lambd / (2 m) times the sum of squares",
            lambda c: _cost_with(c, factor=0.5 * c.args[3])),
    Mistake("add the penalty to the cross-entropy cost, do not return the penalty alone",
            lambda c: _cost_with(c, add_cost=False)),
)

_DIFFERENCE_MISTAKES = (
    Mistake("divide by ||grad|| + ||grad_approx||: the norm of the difference alone depends on the scale "
            "of the gradients", lambda c: _difference_with(c)),
    Mistake("use the norms (np.linalg.norm), not their squares", _squares),
    Mistake("the denominator is ||grad|| + ||grad_approx||, the sum of the two norms, not the norm of "
            "the sum", lambda c: _difference_with(c, denominator=lambda g, a: np.linalg.norm(g + a))),
    Mistake("parentheses: numerator / (norm(grad) + norm(grad_approx)); without them only norm(grad) "
            "divides", _precedence),
    Mistake("divide by the sum of both norms, ||grad|| + ||grad_approx||, not by ||grad|| alone",
            lambda c: _difference_with(c, denominator=lambda g, a: np.linalg.norm(g))),
)


EXERCISES = [
    Exercise(
        "c2w1.cost_with_l2", "The cost with an L2 penalty on the weights", solutions.cost_with_l2,
        _cost_reference, _cost_cases, returns=("cost",),
        mistakes=_COST_MISTAKES,
    ),
    Exercise(
        "c2w1.l2_gradient", "The L2 penalty in the backward pass", solutions.l2_gradient,
        _l2_gradient_reference, _l2_gradient_cases, returns=("dW",),
        mistakes=(
            Mistake("the derivative of (lambd / (2 m)) w^2 is (lambd / m) w: the 2 of the square cancels the 1/2, "
                    "so no factor 2 is left", lambda c: _l2_gradient_with(c, 2 * c.args[2] / c.args[3])),
            Mistake("the derivative of (lambd / (2 m)) w^2 is (lambd / m) w: the 1/2 cancels against the 2 of the "
                    "square", lambda c: _l2_gradient_with(c, c.args[2] / (2 * c.args[3]))),
            Mistake("divide by m: the term is (lambd / m) * W", lambda c: _l2_gradient_with(c, c.args[2])),
            Mistake("add the penalty's term to the data gradient dW, do not return it alone",
                    lambda c: _l2_gradient_with(c, c.args[2] / c.args[3], data=False)),
            Mistake("the penalty adds +(lambd / m) W to dW (the update then shrinks W); the sign is flipped",
                    lambda c: _l2_gradient_with(c, c.args[2] / c.args[3], sign=-1.0)),
        ),
        finite_differences=_l2_gradient_fd,
    ),
    Exercise(
        "c2w1.dropout_forward", "Inverted dropout: the mask and the scaled activations", solutions.dropout_forward,
        _dropout_forward_reference, _dropout_forward_cases, returns=("A_drop", "D"),
        mistakes=(
            Mistake("not rescaled: inverted dropout divides the kept activations by keep_prob, so that their "
                    "expected value stays A", lambda c: _dropout_forward_with(c, scale=lambda p: 1.0)),
            Mistake("rng.random(A.shape) > keep_prob keeps the units with probability 1 - keep_prob: "
                    "keep where the number is below keep_prob (D = rng.random(A.shape) < keep_prob)",
                    lambda c: _dropout_forward_with(c, keep="above")),
            Mistake("divide by keep_prob, the probability of keeping a unit, not by 1 - keep_prob",
                    lambda c: _dropout_forward_with(c, scale=lambda p: 1 / (1 - p))),
            Mistake("divide by keep_prob, do not multiply by it",
                    lambda c: _dropout_forward_with(c, scale=lambda p: p)),
            Mistake("draw the numbers with rng.random(A.shape), float64 (with dtype=np.float32 the generator "
                    "gives other numbers, so another mask)",
                    lambda c: _dropout_forward_with(c, draw_dtype=np.float32)),
        ),
    ),
    Exercise(
        "c2w1.dropout_backward", "Inverted dropout in the backward pass", solutions.dropout_backward,
        lambda dA, D, keep_prob: regularization.dropout_backward(dA, D, keep_prob), _dropout_backward_cases,
        returns=("dA",),
        mistakes=(
            Mistake("not rescaled: divide by keep_prob as in the forward pass (A_drop = A * D / keep_prob, so "
                    "dA = dA_drop * D / keep_prob)", lambda c: c.args[0] * c.args[1]),
            Mistake("multiply by the mask D: a dropped unit had no effect on the cost, so its gradient is 0",
                    lambda c: c.args[0] / c.args[2]),
            Mistake("divide by keep_prob, the probability of keeping a unit, not by 1 - keep_prob",
                    lambda c: c.args[0] * c.args[1] / (1 - c.args[2])),
            Mistake("divide by keep_prob, do not multiply by it", lambda c: c.args[0] * c.args[1] * c.args[2]),
        ),
        finite_differences=_dropout_backward_fd,
    ),
    Exercise(
        "c2w1.numerical_gradient", "Two-sided difference quotients, one parameter at a time",
        solutions.numerical_gradient, _numerical_gradient_reference, _numerical_gradient_cases,
        returns=("grad_approx",),
        mistakes=(
            Mistake("a one-sided difference (f(theta + eps e_i) - f(theta)) / eps: use both sides, "
                    "(f(theta + eps e_i) - f(theta - eps e_i)) / (2 eps), whose error is O(eps^2), not O(eps)",
                    lambda c: _one_sided(*c.args)),
            Mistake("theta + eps e_i and theta - eps e_i are 2 eps apart: divide by 2 * epsilon",
                    lambda c: 2 * _numerical_gradient_reference(*c.args)),
            Mistake("theta was changed in place and not restored, so later entries were computed at a moved "
                    "point: perturb copies (theta.copy())", lambda c: _left_perturbed(*c.args)),
            Mistake("theta_plus = theta makes no copy: both names are theta itself, so f(theta_minus) saw theta "
                    "with the + eps undone; use theta.copy()", lambda c: _no_copy(*c.args)),
        ),
    ),
    Exercise(
        "c2w1.gradient_difference", "The relative difference of two gradients", solutions.gradient_difference,
        _difference_reference, _difference_cases, returns=("difference",),
        mistakes=_DIFFERENCE_MISTAKES,
    ),
]
