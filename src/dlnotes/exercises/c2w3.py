"""Exercises of Course 2, week 3: batch normalization, softmax and its loss, tuning on a log scale."""

from __future__ import annotations

import numpy as np

from dlnotes import batchnorm, losses, tuning
from dlnotes.activations import softmax as _softmax
from dlnotes.exercises._core import Exercise, Mistake
from dlnotes.exercises._draw import case, normal, one_hot, sizes
from dlnotes.exercises.solutions import c2w3 as solutions
from dlnotes.gradcheck import numerical_grad

# --------------------------------------------------------------------------- batch norm


def _bn_inputs(rng, dtype, m):
    """Z (n, m) whose rows have their own mean and spread (row 0: a tiny variance), gamma, beta."""
    n = int(rng.integers(2, 6))
    mean = rng.normal(0.0, 2.0, (n, 1))
    std = 10 ** rng.uniform(np.log10(0.3), np.log10(3.0), (n, 1))
    std[0] = 0.05                       # var ~ 2.5e-3, below eps = 1e-2: where eps sits matters
    Z = (mean + std * rng.standard_normal((n, m))).astype(dtype)
    gamma = rng.uniform(0.5, 2.0, (n, 1))
    gamma = np.where(np.abs(gamma - 1) < 0.15, gamma + 0.3, gamma).astype(dtype)   # 1 would hide a missing gamma
    beta = normal(rng, (n, 1), dtype, scale=0.5)
    return Z, gamma, beta, n


def _bn_eps(i):
    return 1e-3 if i == 2 else 1e-2


def _bn_forward_cases(rng):
    out = []
    for i, (dtype, m) in enumerate(sizes(rng)):
        Z, gamma, beta, n = _bn_inputs(rng, dtype, m)
        eps = _bn_eps(i)
        out.append(case([Z, gamma, beta, eps], dtype=dtype, n=n, m=m, eps=eps))
    return out


def _bn_forward_reference(Z, gamma, beta, eps):
    Z_tilde, cache = batchnorm.batchnorm_forward(Z, gamma, beta, eps=eps)
    return Z_tilde, (cache["Z_norm"], gamma, cache["var"], eps)


def _bn_forward_variant(Z, gamma, beta, eps, *, axis=1, ddof=0, keepdims=True, eps_outside=False, no_eps=False):
    """The forward pass with a typical mistake (statistics over an axis, m - 1, eps misplaced or missing)."""
    mu = np.mean(Z, axis=axis, keepdims=keepdims)
    var = np.var(Z, axis=axis, ddof=ddof, keepdims=keepdims)
    if no_eps:
        Z_norm = (Z - mu) / np.sqrt(var)
    elif eps_outside:
        Z_norm = (Z - mu) / (np.sqrt(var) + eps)
    else:
        Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z_norm, gamma, var, eps)


def _bn_backward_cases(rng):
    out = []
    for i, (dtype, m) in enumerate(sizes(rng)):
        Z, gamma, beta, n = _bn_inputs(rng, dtype, m)
        eps = _bn_eps(i)
        _, cache = _bn_forward_reference(Z, gamma, beta, eps)
        dZ_tilde = normal(rng, (n, m), dtype)
        out.append(case([dZ_tilde, cache], dtype=dtype, n=n, m=m, eps=eps))
    return out


def _bn_backward_reference(dZ_tilde, cache):
    Z_norm, gamma, var, eps = cache
    inv_std = (1 / np.sqrt(var + eps)).astype(var.dtype)
    return batchnorm.batchnorm_backward(dZ_tilde, {"Z_norm": Z_norm, "gamma": gamma, "inv_std": inv_std})


def _bn_backward_variant(dZ_tilde, cache, *, direct=False, no_var_path=False, no_gamma=False, sums=False):
    """The backward pass with a typical mistake (a missing path, a missing gamma, sums for means)."""
    Z_norm, gamma, var, eps = cache
    dZ, dgamma, dbeta = _bn_backward_reference(dZ_tilde, cache)
    std = np.sqrt(var + eps)
    dZ_norm = dZ_tilde if no_gamma else gamma * dZ_tilde
    if direct:
        dZ = dZ_norm / std
    elif no_var_path:
        dZ = (dZ_norm - dZ_norm.mean(axis=1, keepdims=True)) / std
    elif no_gamma:
        dZ = (dZ_norm - dZ_norm.mean(axis=1, keepdims=True)
              - Z_norm * (dZ_norm * Z_norm).mean(axis=1, keepdims=True)) / std
    if sums:
        m = dZ_tilde.shape[1]
        dgamma, dbeta = dgamma * m, dbeta * m
    return dZ, dgamma, dbeta


def _bn_cost64(Z, gamma, beta, eps, R):
    """J = (1/m) sum of R * Z_tilde: its per-example gradient with respect to Z_tilde is R."""
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    return float(np.sum(R * Z_tilde) / Z.shape[1])


def _bn_backward_fd(case, output):
    dZ_tilde, (Z_norm, gamma, var, eps) = case.args
    R = np.asarray(dZ_tilde, dtype=np.float64)
    gamma = np.asarray(gamma, dtype=np.float64)
    # a batch with this cache: only Z - mu matters, and Z_norm * sqrt(var + eps) is Z - mu
    Z = np.asarray(Z_norm, dtype=np.float64) * np.sqrt(np.asarray(var, dtype=np.float64) + eps)
    beta = np.zeros_like(gamma)
    m = Z.shape[1]
    dZ, dgamma, dbeta = output
    num_Z = numerical_grad(lambda Z_: _bn_cost64(Z_, gamma, beta, eps, R), Z.copy())
    num_gamma = numerical_grad(lambda g_: _bn_cost64(Z, g_, beta, eps, R), gamma.copy())
    num_beta = numerical_grad(lambda b_: _bn_cost64(Z, gamma, b_, eps, R), beta.copy())
    return [("dZ", np.asarray(dZ) / m, num_Z), ("dgamma", dgamma, num_gamma), ("dbeta", dbeta, num_beta)]


# --------------------------------------------------------------------------- softmax and its loss


def _softmax_cases(rng):
    out = []
    for dtype, m in sizes(rng):
        C = int(rng.integers(2, 7))
        out.append(case([normal(rng, (C, m), dtype, scale=3.0)], dtype=dtype, C=C, m=m))
    C, m = int(rng.integers(3, 6)), int(rng.integers(2, 6))
    Z = 1000.0 + normal(rng, (C, m), np.float64, scale=3.0)
    Z[:, 1] -= 1000.0  # columns on different scales: one max for the whole array underflows column 1
    out.append(case([Z], dtype=np.float64, C=C, m=m, label="logits around 1000 and around 0"))
    return out


def _softmax_rows(Z, shift_axis):
    """Normalised over each row (axis=1), after shifting by the row (1) or column (0) maxima."""
    T = np.exp(Z - Z.max(axis=shift_axis, keepdims=True))
    return T / T.sum(axis=1, keepdims=True)


def _softmax_rows_rank1(Z):
    """T / T.sum(axis=1) without keepdims: a (C,) row of sums, broadcast along the columns (C == m only)."""
    T = np.exp(Z - Z.max(axis=0, keepdims=True))
    return T / T.sum(axis=1)


def _probability_cases(rng):
    """(Y_hat, Y): softmax outputs of random logits and one-hot labels, C >= 3."""
    out = []
    for dtype, m in sizes(rng):
        C = int(rng.integers(3, 7))
        Y_hat = _softmax(normal(rng, (C, m), dtype, scale=2.0))
        out.append(case([Y_hat, one_hot(rng, C, m, dtype)], dtype=dtype, C=C, m=m))
    return out


def _cce_reference(Y_hat, Y):
    return float(losses.categorical_cross_entropy(Y_hat, Y))


def _binary_on_every_class(Y_hat, Y):
    return float(-np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / Y.shape[1])


def _log_softmax64(Z):
    Z = Z - Z.max(axis=0, keepdims=True)
    return Z - np.log(np.sum(np.exp(Z), axis=0, keepdims=True))


def _softmax_gradient_fd(case, output):
    Y_hat, Y = (np.asarray(a, dtype=np.float64) for a in case.args)
    m = Y.shape[1]
    Z = np.log(Y_hat)                   # logits whose softmax is Y_hat (columns sum to 1)
    num = numerical_grad(lambda Z_: float(-np.sum(Y * _log_softmax64(Z_)) / m), Z.copy())
    return [("dZ", np.asarray(output) / m, num)]


# --------------------------------------------------------------------------- tuning


def _log_uniform_cases(rng):
    out = []
    ranges = [(1e-4, 1.0)]
    for _ in range(2):
        a = int(rng.integers(-6, -1))
        b = a + int(rng.integers(1, 4))
        low, high = (round(float(rng.uniform(1, 9.9)), 1) * 10.0 ** e for e in (a, b))
        ranges.append((low, high))
    ranges.append((1e-3, 10.0))
    # two draws at least: one wrong value next to the right one would always look like "a constant factor"
    sizes_ = [int(rng.integers(5, 13)), int(rng.integers(5, 13)), int(rng.integers(20, 60)), 2]
    for (low, high), size in zip(ranges, sizes_):
        gen = np.random.default_rng(int(rng.integers(2 ** 31)))
        out.append(case([low, high, size, gen], dtype=np.float64, size=size, range=f"{low:g} to {high:g}"))
    return out


def _draw(c, low, high):
    """The case's generator drawn as the statement says, between other bounds."""
    return c.args[3].uniform(low, high, c.args[2])


# --------------------------------------------------------------------------- the exercises

_BN_SMALL_M = ("with a single example (m = 1) var = 0 and m - 1 = 0: use the 1/m variance (ddof=0, np.var's "
               "default) and keep eps inside the square root, sqrt(var + eps) > 0")
_BN_AXIS = ("the statistics are per unit, over the m examples of the batch: mean and variance along axis=1 "
            "(keepdims=True), giving shape (n, 1); axis=0 averages the units of each example")

EXERCISES = [
    Exercise(
        "c2w3.batchnorm_forward", "Batch norm, forward: normalize each unit over the batch",
        solutions.batchnorm_forward, _bn_forward_reference, _bn_forward_cases, returns=("Z_tilde", "cache"),
        mistakes=(
            Mistake("batch norm's variance divides by m (np.var's default, ddof=0), not by m - 1",
                    lambda c: _bn_forward_variant(*c.args, ddof=1)),
            Mistake(_BN_AXIS, lambda c: _bn_forward_variant(*c.args, axis=0)),
            Mistake(_BN_AXIS, lambda c: _bn_forward_variant(*c.args, axis=0, keepdims=False)),
            Mistake("eps goes inside the square root: (Z - mu) / sqrt(var + eps), not / (sqrt(var) + eps)",
                    lambda c: _bn_forward_variant(*c.args, eps_outside=True)),
            Mistake("eps is missing: divide by sqrt(var + eps) (it keeps a unit of tiny variance finite)",
                    lambda c: _bn_forward_variant(*c.args, no_eps=True)),
            Mistake(_BN_SMALL_M, crash=r"Degrees of freedom|invalid value encountered|divide by zero"),
        ),
    ),
    Exercise(
        "c2w3.batchnorm_backward", "Batch norm, backward: gradients for Z, gamma and beta",
        solutions.batchnorm_backward, _bn_backward_reference, _bn_backward_cases,
        returns=("dZ", "dgamma", "dbeta"),
        mistakes=(
            Mistake("Z_norm depends on every example through mu and var: dZ = (dZ_norm - mean(dZ_norm) "
                    "- Z_norm * mean(dZ_norm * Z_norm)) / sqrt(var + eps), not just dZ_norm / sqrt(var + eps)",
                    lambda c: _bn_backward_variant(*c.args, direct=True)),
            Mistake("the path through mu is there, the one through var is missing: subtract "
                    "Z_norm * mean(dZ_norm * Z_norm) too",
                    lambda c: _bn_backward_variant(*c.args, no_var_path=True)),
            Mistake("Z_tilde = gamma * Z_norm + beta, so dZ_norm = gamma * dZ_tilde (gamma is missing)",
                    lambda c: _bn_backward_variant(*c.args, no_gamma=True)),
            Mistake("dgamma and dbeta are means over the examples (dZ_tilde is per example, so the 1/m goes "
                    "in the parameter gradients, as in db): divide the sums by m",
                    lambda c: _bn_backward_variant(*c.args, sums=True)),
        ),
        finite_differences=_bn_backward_fd,
    ),
    Exercise(
        "c2w3.softmax", "Softmax of each column, numerically stable", solutions.softmax, _softmax,
        _softmax_cases, returns=("A",),
        mistakes=(
            Mistake("each column is one example: sum over the classes, axis=0 (axis=1 sums over the examples)",
                    lambda c: _softmax_rows(c.args[0], 1)),
            Mistake("each column is one example: sum over the classes, axis=0 (axis=1 sums over the examples)",
                    lambda c: _softmax_rows(c.args[0], 0)),
            Mistake("each column is one example: sum over the classes, axis=0 with keepdims=True "
                    "(axis=1 sums over the examples)",
                    lambda c: _softmax_rows_rank1(c.args[0])),
            Mistake("subtract each column's own max (axis=0, keepdims=True): with one max for the whole "
                    "array, a column far below it underflows to 0 / 0",
                    crash=r"invalid value encountered in (divide|true_divide)"),
            Mistake("np.sum without an axis adds up the exponentials of every example: divide each column "
                    "by its own sum (axis=0, keepdims=True)",
                    lambda c: (lambda T: T / T.sum())(np.exp(c.args[0] - c.args[0].max()))),
            Mistake("np.exp alone is not a probability: divide each column by its sum, so that it adds up to 1",
                    lambda c: np.exp(c.args[0] - c.args[0].max(axis=0, keepdims=True))),
            Mistake("np.exp alone is not a probability: divide each column by its sum, so that it adds up to 1",
                    lambda c: np.exp(c.args[0])),
            Mistake("e^1000 overflows: subtract each column's largest logit before np.exp (the softmax "
                    "does not change, and every exponent is then <= 0)", crash=r"overflow"),
        ),
    ),
    Exercise(
        "c2w3.categorical_cross_entropy", "The categorical cross-entropy cost",
        solutions.categorical_cross_entropy, _cce_reference, _probability_cases, returns=("cost",),
        mistakes=(
            Mistake("the cost is the mean loss over the m examples: a missing 1/m (divide the sum by m)",
                    lambda c: _cce_reference(*c.args) * c.args[1].shape[1]),
            Mistake("log(y_hat) < 0, so the cost needs its minus sign: J = -(1/m) sum(Y * log(Y_hat)) >= 0",
                    lambda c: -_cce_reference(*c.args)),
            Mistake("that is the binary cross-entropy applied to every class: with softmax the loss is "
                    "-sum_k y_k log(y_hat_k) only, no (1 - y) log(1 - y_hat) terms",
                    lambda c: _binary_on_every_class(*c.args)),
            Mistake("np.mean over the (C, m) array divides by C * m: sum over the classes and the examples, "
                    "then divide by m only",
                    lambda c: _cce_reference(*c.args) / c.args[1].shape[0]),
        ),
    ),
    Exercise(
        "c2w3.softmax_output_gradient", "The gradient at the softmax output: dZ = Y_hat - Y",
        solutions.softmax_output_gradient, losses.softmax_cross_entropy_grad, _probability_cases,
        returns=("dZ",),
        mistakes=(
            Mistake("dZ is per example (no 1/m here): the 1/m goes in dW and db",
                    lambda c: (c.args[0] - c.args[1]) / c.args[1].shape[1]),
            Mistake("the sign is flipped: dZ = Y_hat - Y, not Y - Y_hat",
                    lambda c: c.args[1] - c.args[0]),
            Mistake("softmax is not element-wise: Y_hat * (1 - Y_hat) is only the diagonal of its Jacobian; "
                    "through the whole Jacobian the chain rule gives dZ = Y_hat - Y",
                    lambda c: -c.args[1] * (1 - c.args[0])),
            Mistake("-Y / Y_hat is dA, the gradient with respect to the probabilities; with respect to the "
                    "logits it is dZ = Y_hat - Y",
                    lambda c: -c.args[1] / c.args[0]),
        ),
        finite_differences=_softmax_gradient_fd,
    ),
    Exercise(
        "c2w3.sample_log_uniform", "Sampling a learning rate on a log scale",
        solutions.sample_log_uniform, tuning.sample_log_uniform, _log_uniform_cases, returns=("samples",),
        mistakes=(
            Mistake("a uniform draw of the value itself crowds the samples into the top decade: draw the "
                    "exponent r = rng.uniform(np.log10(low), np.log10(high), size), then return 10 ** r",
                    lambda c: _draw(c, c.args[0], c.args[1])),
            Mistake("np.log is the natural log: with 10 ** r the exponent is drawn between np.log10(low) "
                    "and np.log10(high)",
                    lambda c: 10.0 ** _draw(c, np.log(c.args[0]), np.log(c.args[1]))),
            Mistake("np.exp undoes np.log, not np.log10: return 10 ** r",
                    lambda c: np.exp(_draw(c, np.log10(c.args[0]), np.log10(c.args[1])))),
            Mistake("the bounds of the exponent are np.log10(low) and np.log10(high), not low and high",
                    lambda c: 10.0 ** _draw(c, c.args[0], c.args[1])),
            Mistake("r = np.log10(low) * rng.random(size) draws r from log10(low) up to 0 in the reverse "
                    "order (and assumes high = 1): draw r = rng.uniform(np.log10(low), np.log10(high), size)",
                    lambda c: 10.0 ** (np.log10(c.args[0]) * c.args[3].random(c.args[2]))),
            Mistake("low and high swapped: the exponent goes from np.log10(low) up to np.log10(high) "
                    "(rng.uniform needs low <= high)", crash=r"high - low < 0"),
        ),
    ),
]
