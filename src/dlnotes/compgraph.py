"""Computation graphs: a forward pass left to right, derivatives right to left.

The course's toy graph $J = 3(a + bc)$ and logistic regression on a single
example, with every intermediate derivative. See
[derivatives on a computation graph](course1/week2.md#derivatives-on-a-computation-graph).
"""

from __future__ import annotations

import numpy as np

import math

from dlnotes._checks import as_float_array, check_binary_labels, check_same_dtype, check_scalar
from dlnotes.activations import sigmoid

__all__ = ["toy_forward", "toy_backward", "logistic_single"]


def _check_finite_nodes(nodes, formula):
    """Finite inputs can still overflow (``1e200 * 1e200``): say so instead of returning inf."""
    bad = [name for name, value in nodes.items() if not math.isfinite(value)]
    if bad:
        shown = ", ".join(f"{k} = {nodes[k]!r}" for k in bad)
        raise ValueError(f"a, b, c: expected values for which {formula} stays finite, got an overflow ({shown})")


def _check_abc(a, b, c):
    return float(check_scalar(a, "a")), float(check_scalar(b, "b")), float(check_scalar(c, "c"))


# --8<-- [start:toy_forward]
def toy_forward(a, b, c):
    """Forward pass of the toy graph $u = bc,\\ v = a + u,\\ J = 3v = 3(a + bc)$.

    See [derivatives on a computation graph](course1/week2.md#derivatives-on-a-computation-graph).

    Parameters
    ----------
    a, b, c : float
        The three inputs.

    Returns
    -------
    u, v, J : float
        Every node, left to right.

    Examples
    --------
    >>> toy_forward(5.0, 3.0, 2.0)          # the lecture's numbers
    (6.0, 11.0, 33.0)
    """
    a, b, c = _check_abc(a, b, c)
    u = b * c
    v = a + u
    J = 3.0 * v
    _check_finite_nodes({"u": u, "v": v, "J": J}, "J = 3(a + bc)")
    return u, v, J
# --8<-- [end:toy_forward]


# --8<-- [start:toy_backward]
def toy_backward(a, b, c):
    """Backward pass of $J = 3(a + bc)$: every $dJ/d(\\text{node})$ by the chain rule.

    $$\\frac{\\partial J}{\\partial v} = \\frac{\\partial J}{\\partial a} = \\frac{\\partial J}{\\partial u} = 3, \\qquad
      \\frac{\\partial J}{\\partial b} = \\frac{\\partial J}{\\partial u}\\frac{\\partial u}{\\partial b} = 3c, \\qquad
      \\frac{\\partial J}{\\partial c} = 3b.$$
    See [derivatives on a computation graph](course1/week2.md#derivatives-on-a-computation-graph).

    Parameters
    ----------
    a, b, c : float
        The three inputs.

    Returns
    -------
    dict
        ``{"dv", "du", "da", "db", "dc"}``, ``"dx"`` meaning $\\partial J / \\partial x$.

    Examples
    --------
    >>> toy_backward(5.0, 3.0, 2.0)
    {'dv': 3.0, 'du': 3.0, 'da': 3.0, 'db': 6.0, 'dc': 9.0}
    """
    a, b, c = _check_abc(a, b, c)
    # --8<-- [start:toy-chain-rule]
    dv = 3.0            # J = 3v
    du = dv * 1.0       # v = a + u
    da = dv * 1.0
    db = du * c         # u = b c
    dc = du * b
    # --8<-- [end:toy-chain-rule]
    _check_finite_nodes({"db": db, "dc": dc}, "dJ/db = 3c and dJ/dc = 3b")
    return {"dv": dv, "du": du, "da": da, "db": db, "dc": dc}
# --8<-- [end:toy_backward]


# --8<-- [start:logistic_single]
def logistic_single(x, w, b, y):
    """Logistic regression on one example: the loss and every derivative on the graph.

    $$z = w^\\top x + b,\\quad a = \\sigma(z),\\quad \\frac{\\partial\\mathcal L}{\\partial z} = a - y,\\quad
      \\frac{\\partial\\mathcal L}{\\partial w} = x\\,(a-y),\\quad \\frac{\\partial\\mathcal L}{\\partial b} = a - y,$$
    with ``da`` and the loss computed without dividing by a rounded $1 - a$ (see
    [the gradient of the loss](course1/week2.md#the-gradient-of-the-loss)).

    Parameters
    ----------
    x : array_like, shape (n_x, 1)
        One example (a column).
    w : array_like, shape (n_x, 1)
    b : float
    y : {0, 1}

    Returns
    -------
    dict
        Floats ``"z"``, ``"a"``, ``"loss"``, ``"da"``, ``"dz"``, ``"db"``, and ``"dw"`` (shape
        (n_x, 1), dtype of ``x``); ``"dx"`` means $\\partial \\mathcal{L}/\\partial x$.

    Examples
    --------
    >>> r = logistic_single(np.array([[1.0], [2.0]]), np.array([[0.5], [-0.25]]), 0.0, 1)
    >>> r["z"], r["a"], r["dz"]
    (0.0, 0.5, -0.5)
    """
    x = as_float_array(x, "x", ndim=2)
    if x.shape[1] != 1:
        raise ValueError(f"x: expected shape (n_x, 1) (one example as a column), got {x.shape}")
    w = as_float_array(w, "w", ndim=2)
    if w.shape != x.shape:
        raise ValueError(f"w: expected shape {x.shape} to match x, got {w.shape}")
    check_same_dtype(w, "w", x, "x")
    b = float(check_scalar(b, "b"))
    check_scalar(y, "y")
    check_binary_labels(np.asarray(y), "y")
    y = float(y)
    with np.errstate(over="ignore", invalid="ignore"):
        z_check = float((w.T @ x)[0, 0]) + b
    if not math.isfinite(z_check):
        raise ValueError(f"x, w, b: expected values for which z = w.T @ x + b is finite, got an overflow "
                         f"(z = {z_check!r}; max |x| = {float(abs(x).max()):.3g}, max |w| = "
                         f"{float(abs(w).max()):.3g}, b = {b!r})")
    # --8<-- [start:logistic-single-forward]
    z = float((w.T @ x)[0, 0]) + b
    a = float(sigmoid(np.float64(z)))
    loss = float(np.logaddexp(0.0, z)) - y * z      # = -(y log a + (1-y) log(1-a))
    # --8<-- [end:logistic-single-forward]
    # --8<-- [start:logistic-single-backward]
    with np.errstate(over="ignore"):       # -y/a + (1-y)/(1-a), one term per label, exact near a = 0, 1
        da = -(1.0 + float(np.exp(-z))) if y == 1.0 else 1.0 + float(np.exp(z))
    dz = a - y                  # = da * a (1 - a)
    dw = x * dz                 # (n_x, 1)
    db = dz
    # --8<-- [end:logistic-single-backward]
    return {"z": z, "a": a, "loss": loss, "da": da, "dz": dz, "dw": dw, "db": db}
# --8<-- [end:logistic_single]
