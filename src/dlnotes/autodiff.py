"""A small scalar reverse-mode automatic differentiation engine.

What a framework does when it "records the forward pass and computes the
backward pass for you": every operation creates a node that remembers its
inputs and its local derivatives; ``backward()`` visits the nodes in reverse
topological order and applies the chain rule. See
[automatic differentiation](course2/frameworks.md#automatic-differentiation).
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from dlnotes._checks import check_positive, check_scalar

__all__ = ["Value", "minimize", "MinimizeResult"]


def _as_value(x):
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value(x)
    return NotImplemented


# --8<-- [start:Value]
class Value:
    """A scalar node of a computation graph, with its gradient.

    Parameters
    ----------
    data : float
        The value of the node.
    label : str, optional
        A name for drawing and printing.

    Attributes
    ----------
    data : float
        Value computed in the forward pass.
    grad : float
        $\\partial J / \\partial(\\text{this node})$ after ``J.backward()``
        (0 before). Gradients *accumulate*: a node used twice receives the sum
        of both contributions.

    Notes
    -----
    Each operation stores its parents and the local derivatives
    $\\partial\\,\\text{out}/\\partial\\,\\text{parent}$; ``backward`` sets
    $\\partial J/\\partial J = 1$ and, in reverse topological order, adds
    $\\text{out.grad}\\times\\partial\\,\\text{out}/\\partial\\,\\text{parent}$ to each
    parent (the multivariate chain rule). Supported: ``+``, ``-``, ``*``,
    ``/``, ``**`` (constant exponent), unary ``-``, :meth:`exp`, :meth:`log`,
    :meth:`tanh`, :meth:`sigmoid`, :meth:`relu`, mixed with Python numbers.
    See [automatic differentiation](course2/frameworks.md#automatic-differentiation).

    Examples
    --------
    >>> a, b, c = Value(5.0), Value(3.0), Value(2.0)
    >>> J = 3 * (a + b * c)
    >>> J.backward()
    >>> J.data, a.grad, b.grad, c.grad
    (33.0, 3.0, 6.0, 9.0)
    """

    __slots__ = ("data", "grad", "label", "_parents", "_local")

    def __init__(self, data, label="", _parents=(), _local=()):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data: expected a real number, got {type(data).__name__} {data!r}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._parents = _parents      # the input nodes
        self._local = _local          # d(self)/d(parent), same order

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # --8<-- [start:value-ops]
    def __add__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return Value(self.data + other.data, _parents=(self, other), _local=(1.0, 1.0))

    def __mul__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return Value(self.data * other.data, _parents=(self, other), _local=(other.data, self.data))

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            return NotImplemented
        n = float(exponent)
        if self.data < 0.0 and not n.is_integer():
            raise ValueError(f"Value ** {n}: expected a non-negative base for a non-integer exponent, "
                             f"got {self.data!r} (the result would be complex)")
        if self.data == 0.0 and n < 1.0:
            raise ZeroDivisionError(f"Value ** {n}: the derivative n x^(n-1) is undefined at x = 0")
        return Value(self.data ** n, _parents=(self,), _local=(n * self.data ** (n - 1.0),))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, _parents=(self,), _local=(e,))

    def log(self):
        if self.data <= 0.0:
            raise ValueError(f"log: expected a positive value, got {self.data!r}")
        return Value(math.log(self.data), _parents=(self,), _local=(1.0 / self.data,))

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, _parents=(self,), _local=(1.0 - t * t,))

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, _parents=(self,), _local=(s * (1.0 - s),))

    def relu(self):
        return Value(max(self.data, 0.0), _parents=(self,), _local=(1.0 if self.data > 0 else 0.0,))
    # --8<-- [end:value-ops]

    # The rest is written in terms of the operations above.
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return self + (-other)

    def __truediv__(self, other):
        other = _as_value(other)
        if other is NotImplemented:
            return other
        return self * other ** -1.0

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return _as_value(other) - self

    def __rtruediv__(self, other):
        return _as_value(other) / self

    # --8<-- [start:value-backward]
    def backward(self):
        """Fill ``.grad`` of every node this one depends on with $\\partial(\\text{self})/\\partial(\\text{node})$.

        Gradients of the graph are reset first, so calling ``backward`` twice
        gives the same result.
        """
        order, seen = [], set()
        stack = [(self, False)]
        while stack:                       # iterative depth-first search: deep graphs are fine
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents if id(p) not in seen)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):       # every node before its parents
            for parent, local in zip(node._parents, node._local):
                parent.grad += node.grad * local
    # --8<-- [end:value-backward]
# --8<-- [end:Value]


# --8<-- [start:MinimizeResult]
class MinimizeResult(NamedTuple):
    r"""Result of :func:`minimize`: final ``w`` and the paths ``ws``, ``costs`` (length steps + 1).

    See [automatic differentiation](course2/frameworks.md#automatic-differentiation).

    Attributes
    ----------
    w : float
        The last iterate $w_{\text{steps}}$.
    ws : numpy.ndarray, shape (steps + 1,)
        $w_0, w_1, \dots$ (starting point first).
    costs : numpy.ndarray, shape (steps + 1,)
        $f(w_k)$ at each iterate.

    Examples
    --------
    >>> r = minimize(lambda w: w * w, 1.0, learning_rate=0.25, steps=2)
    >>> r.w, r.ws.tolist(), r.costs.tolist()
    (0.25, [1.0, 0.5, 0.25], [1.0, 0.25, 0.0625])
    """

    w: float
    ws: np.ndarray
    costs: np.ndarray
# --8<-- [end:MinimizeResult]


# --8<-- [start:minimize]
def minimize(f, w0, learning_rate, steps):
    """Gradient descent on a scalar function, with gradients from :class:`Value`.

    Parameters
    ----------
    f : callable
        ``f(w: Value) -> Value``, built from ``Value`` operations.
    w0 : float
        Starting point.
    learning_rate : float
        Step size $\\alpha > 0$.
    steps : int
        Number of updates, $\\ge 0$.

    Returns
    -------
    MinimizeResult
        ``w`` (float), ``ws`` and ``costs`` (arrays of shape ``(steps + 1,)``:
        the iterates and $f$ at each, ``ws[0] == w0``).

    Notes
    -----
    Each step builds the graph of $f(w)$, runs ``backward`` and applies
    $w := w - \\alpha\\, \\mathrm{d}f/\\mathrm{d}w$: only the forward pass is written
    by hand, as with a framework. For $f(w) = w^2 - 10w + 25 = (w-5)^2$,
    $w_{k} - 5 = (1-2\\alpha)^k (w_0 - 5)$. See
    [automatic differentiation](course2/frameworks.md#automatic-differentiation).

    Examples
    --------
    >>> r = minimize(lambda w: w**2 - 10 * w + 25, w0=0.0, learning_rate=0.1, steps=100)
    >>> round(r.w, 6)
    5.0
    """
    if not callable(f):
        raise TypeError(f"f: expected a callable Value -> Value, got {type(f).__name__}")
    w = float(check_scalar(w0, "w0"))
    lr = float(check_positive(learning_rate, "learning_rate"))
    check_scalar(steps, "steps", low=0, integer=True)
    ws = np.empty(steps + 1)
    costs = np.empty(steps + 1)
    for k in range(steps + 1):
        node = Value(w, label="w")
        try:
            cost = f(node)
        except OverflowError:
            raise FloatingPointError(f"minimize: f(w) overflowed at step {k} (w = {w!r}); "
                                     f"try a smaller learning_rate") from None
        if not isinstance(cost, Value):
            raise TypeError(f"f: expected f(w) to return a Value, got {type(cost).__name__}")
        ws[k], costs[k] = w, cost.data
        if not math.isfinite(cost.data):
            raise FloatingPointError(f"minimize: f(w) is not finite at step {k} (w = {w!r}); "
                                     f"try a smaller learning_rate")
        if k == steps:
            break
        # --8<-- [start:minimize-step]
        cost.backward()
        w = w - lr * node.grad
        # --8<-- [end:minimize-step]
    return MinimizeResult(w, ws, costs)
# --8<-- [end:minimize]
