"""A small scalar reverse-mode automatic differentiation engine.

What a framework does when it "records the forward pass and computes the
backward pass for you": every operation creates a node that remembers its
inputs and its local derivatives; ``backward()`` visits the nodes in reverse
topological order and applies the chain rule. See
[automatic differentiation](course2/frameworks.md#automatic-differentiation).
A division by a node whose value is 0 raises ``ZeroDivisionError``; an overflowing value or
gradient raises ``FloatingPointError``, so the graph never holds inf or NaN.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from dlnotes._checks import check_callable, check_positive, check_scalar

__all__ = ["Value", "minimize", "MinimizeResult"]


def _as_value(x, op):
    """``x`` as a :class:`Value` (a constant leaf for a number); ``op`` names the operation for errors."""
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        if not math.isfinite(x):
            raise ValueError(f"Value {op}: expected a finite number as the other operand, got {x!r}")
        return Value(x)
    # Raise here rather than return NotImplemented: Python would then try the reflected
    # operation of the other operand, and ``"a" - Value(1.0)`` used to recurse without end.
    raise TypeError(f"Value {op}: expected a real number or a Value as the other operand, "
                    f"got {type(x).__name__} {x!r}"[:300])


class Value:
    """A scalar node of a computation graph, with its gradient.

    Each operation stores its parents and the local derivatives
    $\\partial\\,\\text{out}/\\partial\\,\\text{parent}$; ``backward`` sets
    $\\partial J/\\partial J = 1$ and, in reverse topological order, adds
    $\\text{out.grad}\\times\\partial\\,\\text{out}/\\partial\\,\\text{parent}$ to each
    parent (the multivariate chain rule). Supported: ``+``, ``-``, ``*``,
    ``/``, ``**`` (constant exponent), unary ``-``, :meth:`exp`, :meth:`log`,
    :meth:`tanh`, :meth:`sigmoid`, :meth:`relu`, mixed with Python numbers.
    See [automatic differentiation](course2/frameworks.md#automatic-differentiation).

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

    Examples
    --------
    >>> a, b, c = Value(5.0), Value(3.0), Value(2.0)
    >>> J = 3 * (a + b * c)
    >>> J.backward()
    >>> J.data, a.grad, b.grad, c.grad
    (33.0, 3.0, 6.0, 9.0)
    """

    __slots__ = ("data", "grad", "label", "_parents", "_local")
    __array_ufunc__ = None            # numpy defers to Value: ``np.array(...) + Value`` is refused

    def __init__(self, data, label="", _parents=(), _local=(), _op=""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"data: expected a real number, got {type(data).__name__} {data!r}"[:300])
        if not isinstance(label, str):
            raise TypeError(f"label: expected a str, got {type(label).__name__} {label!r}"[:300])
        data = float(data)
        if not (math.isfinite(data) and all(math.isfinite(d) for d in _local)):
            if not _parents:
                raise ValueError(f"data: expected a finite number, got {data!r}")
            inputs = ", ".join(f"{p.data:.6g}" for p in _parents)
            raise FloatingPointError(f"Value {_op}: expected a finite result and derivative, got "
                                     f"{data!r} (derivatives {list(_local)}) from input(s) {inputs}")
        self.data = data
        self.grad = 0.0
        self.label = label
        self._parents = _parents      # the input nodes
        self._local = _local          # d(self)/d(parent), same order

    def __repr__(self):
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # --8<-- [start:value-ops]
    def __add__(self, other):
        other = _as_value(other, "+")
        return Value(self.data + other.data, _parents=(self, other), _local=(1.0, 1.0), _op="+")

    def __mul__(self, other):
        other = _as_value(other, "*")
        return Value(self.data * other.data, _parents=(self, other), _local=(other.data, self.data), _op="*")

    def __pow__(self, exponent):
        if isinstance(exponent, bool) or not isinstance(exponent, numbers.Real):
            raise TypeError(f"Value ** exponent: expected a constant real exponent (a Value exponent is "
                            f"unsupported), got {type(exponent).__name__} {exponent!r}"[:300])
        n = float(exponent)
        if not math.isfinite(n):
            raise ValueError(f"Value ** exponent: expected a finite exponent, got {n!r}")
        if self.data < 0.0 and not n.is_integer():
            raise ValueError(f"Value ** {n}: expected a non-negative base for a non-integer exponent, "
                             f"got {self.data!r} (the result would be complex)")
        if self.data == 0.0 and n < 1.0:
            raise ZeroDivisionError(f"Value ** {n}: the derivative n x^(n-1) is undefined at x = 0")
        try:
            out, local = self.data ** n, n * self.data ** (n - 1.0)
        except OverflowError:            # float ** float raises instead of returning inf
            out, local = math.inf, math.inf
        return Value(out, _parents=(self,), _local=(local,), _op=f"** {n:g}")

    def exp(self):
        try:
            e = math.exp(self.data)
        except OverflowError:            # above x = 709.78: the constructor reports it
            e = math.inf
        return Value(e, _parents=(self,), _local=(e,), _op="exp")

    def log(self):
        if self.data <= 0.0:
            raise ValueError(f"log: expected a positive value, got {self.data!r}")
        return Value(math.log(self.data), _parents=(self,), _local=(1.0 / self.data,), _op="log")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, _parents=(self,), _local=(1.0 - t * t,), _op="tanh")

    def sigmoid(self):
        x = self.data
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        return Value(s, _parents=(self,), _local=(s * (1.0 - s),), _op="sigmoid")

    def relu(self):
        return Value(max(self.data, 0.0), _parents=(self,), _local=(1.0 if self.data > 0 else 0.0,), _op="relu")
    # --8<-- [end:value-ops]

    # The rest is written in terms of the operations above.
    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-_as_value(other, "-"))

    def __truediv__(self, other):
        other = _as_value(other, "/")
        if other.data == 0.0:
            raise ZeroDivisionError("Value / other: expected a non-zero divisor, got 0.0")
        return self * other ** -1.0

    def __radd__(self, other):
        return _as_value(other, "+") + self

    def __rmul__(self, other):
        return _as_value(other, "*") * self

    def __rsub__(self, other):
        return _as_value(other, "-") - self

    def __rtruediv__(self, other):
        return _as_value(other, "/") / self

    def __rpow__(self, base):
        raise TypeError(f"base ** Value: expected a constant exponent (a Value exponent is unsupported; "
                        f"write (x * math.log(base)).exp() for base ** x), got {type(base).__name__} "
                        f"{base!r} ** Value"[:300])

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
        if not all(math.isfinite(node.grad) for node in order):
            bad = sum(not math.isfinite(node.grad) for node in order)
            raise FloatingPointError(f"backward: expected finite gradients, got {bad} infinite or NaN "
                                     "(the product of the local derivatives overflowed)")


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


# --8<-- [start:minimize]
def minimize(f, w0, learning_rate, steps):
    """Gradient descent on a scalar function, with gradients from :class:`Value`.

    Each step builds the graph of $f(w)$, runs ``backward`` and applies
    $w := w - \\alpha\\, \\mathrm{d}f/\\mathrm{d}w$: only the forward pass is written
    by hand, as with a framework. For $f(w) = w^2 - 10w + 25 = (w-5)^2$,
    $w_{k} - 5 = (1-2\\alpha)^k (w_0 - 5)$. See
    [automatic differentiation](course2/frameworks.md#automatic-differentiation).

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

    Examples
    --------
    >>> r = minimize(lambda w: w**2 - 10 * w + 25, w0=0.0, learning_rate=0.1, steps=100)
    >>> round(r.w, 6)
    5.0
    """
    check_callable(f, "f")
    w = float(check_scalar(w0, "w0"))
    lr = float(check_positive(learning_rate, "learning_rate"))
    check_scalar(steps, "steps", low=0, integer=True)
    ws = np.empty(steps + 1)
    costs = np.empty(steps + 1)
    for k in range(steps + 1):
        node, w_k = Value(w, label="w"), w
        try:
            cost = f(node)
            if not isinstance(cost, Value):
                raise TypeError(f"f: expected f(w) to return a Value, got {type(cost).__name__}")
            ws[k], costs[k] = w, cost.data
            if k == steps:
                break
            cost.backward()
            w = w - lr * node.grad
            if not math.isfinite(w):
                raise FloatingPointError(f"the update w - learning_rate * df/dw = {w_k!r} - "
                                         f"{lr!r} * {node.grad!r} overflowed")
        except (FloatingPointError, OverflowError) as exc:
            hint = "check f and w0" if k == 0 and "update" not in str(exc) else "try a smaller learning_rate"
            raise FloatingPointError(f"minimize diverged at step {k} (w = {w_k!r}): {exc}; {hint} "
                                     f"(learning_rate = {lr!r})") from None
    if costs[-1] > costs[0] + 10.0 * max(1.0, abs(costs[0])):
        raise FloatingPointError(f"minimize diverged: the cost went from {costs[0]:.6g} at step 0 to "
                                 f"{costs[-1]:.6g} at step {steps}; try a smaller learning_rate than {lr!r}")
    return MinimizeResult(w, ws, costs)
# --8<-- [end:minimize]
