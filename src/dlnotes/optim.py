"""Optimizers: gradient descent, momentum, RMSprop and Adam, and beyond the course Nesterov, AdaGrad, AdamW.

Every optimizer updates a parameter dict (``"W1"``, ``"b1"``, ...) **in place**
from a gradient dict with the same keys prefixed by ``d`` (``"dW1"``, ``"db1"``).
The state (velocity ``v``, squared-gradient average ``s``) is kept per
parameter name in ``optimizer.state[name]`` and has the parameter's dtype, so
float32 training stays float32. A diverging :func:`trajectory` raises ``FloatingPointError``
naming the step.

The derivations (exponentially weighted averages of the gradient and of its
square, bias correction) are on [the optimization page](course2/week2.md#week-2-optimization-algorithms):
[momentum](course2/week2.md#gradient-descent-with-momentum), [RMSprop](course2/week2.md#rmsprop) and
[Adam](course2/week2.md#adam). Nesterov momentum, AdaGrad and AdamW are derived in
[optimizers the course skips](course2/week2.md#optimizers-the-course-skips-beyond-the-course).
"""

from __future__ import annotations

import inspect
import math
import re

import numpy as np

from dlnotes._checks import (as_float_array, check_beta, check_callable, check_mapping, check_positive,
                             check_scalar)

__all__ = [
    "Optimizer",
    "GradientDescent",
    "Momentum",
    "RMSprop",
    "Adam",
    "Nesterov",
    "AdaGrad",
    "AdamW",
    "OPTIMIZERS",
    "make_optimizer",
    "trajectory",
]


def _overflow_bound(dtype):
    """$\\sqrt{\\text{largest float}}$: the square of a larger gradient component overflows."""
    return math.sqrt(float(np.finfo(dtype).max))


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_min, _max = np.minimum.reduce, np.maximum.reduce      # ndarray.min/max minus a wrapper
_OVERFLOW = {dt: _overflow_bound(dt) for dt in _FLOATS}


def _bad_parameter(name, p):
    dtype = f" of dtype {p.dtype}" if isinstance(p, np.ndarray) else ""
    raise TypeError(f"parameters[{name!r}]: expected a float numpy array (float32 or float64, updated in place), "
                    f"got {type(p).__name__}{dtype}")


def _check_finite(arr, name):
    """Raise ``ValueError`` naming ``name`` if ``arr`` has NaN or inf (two reductions, no temporary)."""
    if not (math.isfinite(float(_min(arr, axis=None))) and math.isfinite(float(_max(arr, axis=None)))):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")


class Optimizer:
    """Base class: learning rate, step counter ``t`` and per-parameter state.

    Subclasses implement ``_update(name, p, g)``, which changes ``p`` in place.

    Parameters
    ----------
    learning_rate : float
        Step size $\\alpha > 0$.

    Attributes
    ----------
    learning_rate : float
        The current step size (changed by [schedules](course2/week2.md#learning-rate-decay)
        through :meth:`set_learning_rate`).
    t : int
        Number of calls to :meth:`step` so far (Adam's bias correction uses it).
    state : dict
        ``state[name]`` is a dict of arrays with the shape and dtype of
        ``parameters[name]`` (``"v"``, ``"s"``), created on first use.

    Examples
    --------
    >>> opt = GradientDescent(learning_rate=0.1)
    >>> params = {"W1": np.array([[1.0, 2.0]])}
    >>> opt.step(params, {"dW1": np.array([[10.0, -10.0]])})
    >>> params["W1"], opt.t
    (array([[0., 3.]]), 1)
    """

    def __init__(self, learning_rate=0.01):
        self.learning_rate = float(check_positive(learning_rate, "learning_rate"))
        self.t = 0
        self.state = {}

    def set_learning_rate(self, learning_rate):
        """Change the step size (used by learning-rate schedules between epochs)."""
        self.learning_rate = float(check_positive(learning_rate, "learning_rate"))

    def reset(self):
        """Forget the state and set ``t`` back to 0."""
        self.t = 0
        self.state = {}

    def clip_bound(self, dtype):
        """The bound $G$ gradient components are clipped to when their square would overflow, or ``None``.

        Only RMSprop and Adam square the gradient (see :meth:`step`); the
        others never clip and return ``None``.
        """
        return None

    def step(self, parameters, grads):
        """Apply one update to every array of ``parameters``, in place.

        RMSprop and Adam first clip a gradient array that has a component too large to square
        (beyond $\\sqrt{\\text{largest float}}$) to $\\pm$ :meth:`clip_bound`; see
        [gradients too large to square](course2/week2.md#adam).

        Parameters
        ----------
        parameters : dict of str to ndarray
            ``{"W1": ..., "b1": ...}``: writeable finite float arrays, modified in place.
        grads : dict of str to ndarray
            ``{"dW1": ..., "db1": ...}``, the shapes and dtypes of the parameters.
        """
        check_mapping(parameters, "parameters")
        check_mapping(grads, "grads")
        if not parameters:
            raise ValueError("parameters: expected at least one parameter array, got an empty dict")
        pairs = []                         # validate everything before changing anything
        for name, p in parameters.items():
            if type(p) is not np.ndarray or p.dtype not in _FLOATS:
                _bad_parameter(name, p)
            if not p.flags.writeable:
                raise TypeError(f"parameters[{name!r}]: expected a writeable array (updated in place), "
                                "got a read-only one")
            key = "d" + name
            if key not in grads:
                raise ValueError(f"grads: expected key '{key}' for parameter '{name}', "
                                 f"got keys {sorted(map(str, grads))}")
            g = grads[key]
            if type(g) is not np.ndarray or g.dtype != p.dtype:
                g = as_float_array(g, f"grads[{key!r}]", allow_empty=True, finite=False)
                if g.dtype != p.dtype:
                    raise TypeError(f"grads[{key!r}]: expected dtype {p.dtype} (the dtype of parameters[{name!r}]), "
                                    f"got {g.dtype}")
            if g.shape != p.shape:
                raise ValueError(f"grads[{key!r}]: expected shape {p.shape} (the shape of parameters[{name!r}]), "
                                 f"got {g.shape}")
            old = self.state.get(name)
            if old:
                ref = next(iter(old.values()))
                if ref.shape != p.shape or ref.dtype != p.dtype:
                    raise ValueError(f"parameters[{name!r}]: expected shape {ref.shape} and dtype {ref.dtype} (those "
                                     f"of the optimizer's state for '{name}'; call reset() to start over), "
                                     f"got {p.shape} and {p.dtype}")
            if p.size:
                _check_finite(p, f"parameters[{name!r}]")
                lo, hi = float(_min(g, axis=None)), float(_max(g, axis=None))   # no temporary array
                if not (math.isfinite(lo) and math.isfinite(hi)):
                    _check_finite(g, f"grads[{key!r}]")
            pairs.append((name, p, g))
        self._step(pairs)

    def _step(self, pairs):
        """:meth:`step` without the checks: ``pairs`` of (name, parameter, gradient), already validated.

        ``train.fit`` validates once and then calls this at every mini-batch.
        """
        clipped = []
        for name, p, g in pairs:
            if p.size:
                lo, hi = float(_min(g, axis=None)), float(_max(g, axis=None))
                if max(hi, -lo) > _OVERFLOW[p.dtype]:
                    bound = self.clip_bound(p.dtype)
                    if bound is not None:
                        g = np.clip(g, -bound, bound)
            clipped.append((name, p, g))
        self.t += 1
        for name, p, g in clipped:
            self._update(name, p, g)

    def _slot(self, name, p, key):
        """The state array ``state[name][key]``, zero-initialized like ``p``."""
        slots = self.state.setdefault(name, {})
        arr = slots.get(key)
        if arr is None:
            arr = slots[key] = np.zeros_like(p)
        return arr

    def _update(self, name, p, g):  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        hyper = ", ".join(f"{k}={v!r}" for k, v in self._hyper().items())
        return f"{type(self).__name__}({hyper})"

    def _hyper(self):
        return {"learning_rate": self.learning_rate}


class GradientDescent(Optimizer):
    """Plain (mini-batch) gradient descent: $W := W - \\alpha\\, dW$ (and $b := b - \\alpha\\, db$).

    See [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Parameters
    ----------
    learning_rate : float
        Step size $\\alpha > 0$.

    Examples
    --------
    >>> params = {"b1": np.zeros((2, 1))}
    >>> GradientDescent(0.5).step(params, {"db1": np.array([[1.0], [-2.0]])})
    >>> params["b1"].ravel()
    array([-0.5,  1. ])
    """

    def _update(self, name, p, g):
        p -= self.learning_rate * g


class Momentum(Optimizer):
    """Gradient descent with momentum (an exponentially weighted average of the gradients).

    $$v_{dW} := \\beta\\, v_{dW} + (1-\\beta)\\, dW, \\qquad W := W - \\alpha\\, v_{dW},$$
    with $v_{dW} = 0$ at first and no bias correction. See
    [gradient descent with momentum](course2/week2.md#gradient-descent-with-momentum).

    Parameters
    ----------
    learning_rate : float
        Step size $\\alpha > 0$.
    beta : float, default 0.9
        In $[0, 1)$; averages about $1/(1-\\beta)$ gradients (``0``: plain gradient descent).

    Examples
    --------
    >>> opt = Momentum(learning_rate=1.0, beta=0.9)
    >>> params = {"W1": np.zeros((1, 1))}
    >>> for _ in range(2):
    ...     opt.step(params, {"dW1": np.ones((1, 1))})
    >>> params["W1"]                  # -(0.1 + 0.19)
    array([[-0.29]])
    """

    def __init__(self, learning_rate=0.01, beta=0.9):
        super().__init__(learning_rate)
        self.beta = float(check_beta(beta, "beta"))

    def _update(self, name, p, g):
        v = self._slot(name, p, "v")
        # --8<-- [start:momentum-update]
        v *= self.beta
        v += (1.0 - self.beta) * g
        p -= self.learning_rate * v
        # --8<-- [end:momentum-update]

    def _hyper(self):
        return {"learning_rate": self.learning_rate, "beta": self.beta}


class RMSprop(Optimizer):
    """RMSprop: divide each gradient component by the root of its mean square.

    $$s_{dW} := \\beta\\, s_{dW} + (1-\\beta)\\, dW^2, \\qquad
      W := W - \\alpha\\, \\frac{dW}{\\sqrt{s_{dW}} + \\varepsilon},$$
    with $s_{dW} = 0$ at first; a gradient too large to square is clipped (:meth:`~Optimizer.step`).
    See [RMSprop](course2/week2.md#rmsprop).

    Parameters
    ----------
    learning_rate : float
        Step size $\\alpha > 0$.
    beta : float, default 0.9
        Averaging coefficient of the squared gradients, in $[0, 1)$.
    epsilon : float, default 1e-8
        $\\varepsilon > 0$, so that a zero gradient gives a zero step, not $0/0$.

    Examples
    --------
    >>> opt = RMSprop(learning_rate=0.01, beta=0.9)
    >>> params = {"W1": np.zeros((1, 2))}
    >>> opt.step(params, {"dW1": np.array([[4.0, 0.0]])})
    >>> params["W1"]                         # -0.01 * 4 / sqrt(0.1 * 4**2); no 0/0
    array([[-0.0316..., 0.   ]])
    """

    def __init__(self, learning_rate=0.01, beta=0.9, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta = float(check_beta(beta, "beta"))
        self.epsilon = float(check_positive(epsilon, "epsilon"))

    def clip_bound(self, dtype):
        return _overflow_bound(dtype) / 2.0

    clip_bound.__doc__ = Optimizer.clip_bound.__doc__

    def _update(self, name, p, g):
        s = self._slot(name, p, "s")
        # --8<-- [start:rmsprop-update]
        s *= self.beta
        s += (1.0 - self.beta) * np.square(g)
        p -= self.learning_rate * (g / (np.sqrt(s) + self.epsilon))
        # --8<-- [end:rmsprop-update]

    def _hyper(self):
        return {"learning_rate": self.learning_rate, "beta": self.beta, "epsilon": self.epsilon}


class Adam(Optimizer):
    """Adam: momentum and RMSprop together, with bias correction.

    $$v := \\beta_1 v + (1-\\beta_1)\\, dW, \\quad s := \\beta_2 s + (1-\\beta_2)\\, dW^2, \\quad
      W := W - \\alpha\\, \\frac{v/(1-\\beta_1^t)}{\\sqrt{s/(1-\\beta_2^t)} + \\varepsilon},$$
    at step $t = 1, 2, \\dots$ from $v = s = 0$; the corrected moments are temporaries ($v$, $s$ are
    stored uncorrected). A gradient too large to square is clipped (:meth:`~Optimizer.step`).
    See [Adam](course2/week2.md#adam).

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size $\\alpha > 0$.
    beta1 : float, default 0.9
        Averaging coefficient of the gradients (momentum), in $[0, 1)$.
    beta2 : float, default 0.999
        Averaging coefficient of the squared gradients (RMSprop), in $[0, 1)$.
    epsilon : float, default 1e-8
        $\\varepsilon > 0$ in the denominator.

    Examples
    --------
    >>> opt = Adam(learning_rate=0.1)
    >>> params = {"W1": np.zeros((1, 2))}
    >>> opt.step(params, {"dW1": np.array([[3.0, -0.5]])})
    >>> params["W1"]                 # first step: about -0.1 * sign(dW)
    array([[-0.1,  0.1]])
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta1 = float(check_beta(beta1, "beta1"))
        self.beta2 = float(check_beta(beta2, "beta2"))
        self.epsilon = float(check_positive(epsilon, "epsilon"))

    def clip_bound(self, dtype):
        return _overflow_bound(dtype) * math.sqrt(1.0 - self.beta2) / 2.0

    clip_bound.__doc__ = Optimizer.clip_bound.__doc__

    def _step(self, pairs):
        # The bias corrections depend only on t: compute them once per step.
        t = self.t + 1
        self._c1 = 1.0 - self.beta1 ** t
        self._c2 = 1.0 - self.beta2 ** t
        super()._step(pairs)

    def _update(self, name, p, g):
        v = self._slot(name, p, "v")
        s = self._slot(name, p, "s")
        # --8<-- [start:adam-update]
        v *= self.beta1
        v += (1.0 - self.beta1) * g
        s *= self.beta2
        s += (1.0 - self.beta2) * np.square(g)
        v_hat = v / self._c1                    # bias correction in temporaries:
        s_hat = s / self._c2                    # v and s themselves stay uncorrected
        p -= self.learning_rate * (v_hat / (np.sqrt(s_hat) + self.epsilon))
        # --8<-- [end:adam-update]

    def _hyper(self):
        return {"learning_rate": self.learning_rate, "beta1": self.beta1,
                "beta2": self.beta2, "epsilon": self.epsilon}


class Nesterov(Momentum):
    """Nesterov momentum: the momentum step with the gradient looked at one step ahead.

    In the course's EWA form (the same $v$ as :class:`Momentum`),
    $$v := \\beta v + (1-\\beta)\\, dW, \\qquad W := W - \\alpha\\,\\big(\\beta v + (1-\\beta)\\, dW\\big),$$
    the look-ahead form of Sutskever et al. (2013) rewritten so that only the current gradient is
    needed. See [Nesterov momentum](course2/week2.md#nesterov-momentum).

    Parameters
    ----------
    learning_rate : float
        Step size $\\alpha > 0$.
    beta : float, default 0.9
        In $[0, 1)$ (``0``: plain gradient descent).

    Examples
    --------
    >>> opt = Nesterov(learning_rate=1.0, beta=0.9)
    >>> params = {"W1": np.zeros((1, 1))}
    >>> for _ in range(2):
    ...     opt.step(params, {"dW1": np.ones((1, 1))})
    >>> params["W1"].round(3)         # -(0.19) - (0.9 * 0.19 + 0.1)
    array([[-0.461]])
    """

    def _update(self, name, p, g):
        v = self._slot(name, p, "v")
        # --8<-- [start:nesterov-update]
        v *= self.beta
        v += (1.0 - self.beta) * g
        p -= self.learning_rate * (self.beta * v + (1.0 - self.beta) * g)
        # --8<-- [end:nesterov-update]


class AdaGrad(Optimizer):
    """AdaGrad: divide each gradient component by the root of the *sum* of its past squares.

    $$s_{dW} := s_{dW} + dW^2, \\qquad W := W - \\alpha\\, \\frac{dW}{\\sqrt{s_{dW}} + \\varepsilon},$$
    from $s = 0$ (Duchi, Hazan and Singer, 2011). RMSprop replaces the sum by an EWA. A gradient
    too large to square is clipped (:meth:`~Optimizer.step`). See [AdaGrad](course2/week2.md#adagrad).

    Parameters
    ----------
    learning_rate : float, default 0.01
        Step size $\\alpha > 0$.
    epsilon : float, default 1e-8
        $\\varepsilon > 0$ in the denominator.

    Examples
    --------
    >>> opt = AdaGrad(learning_rate=0.1)
    >>> params = {"W1": np.zeros((1, 1))}
    >>> for g in (3.0, 4.0):
    ...     opt.step(params, {"dW1": np.array([[g]])})
    >>> params["W1"].round(4)                  # -0.1 * (3/3 + 4/5)
    array([[-0.18]])
    """

    def __init__(self, learning_rate=0.01, epsilon=1e-8):
        super().__init__(learning_rate)
        self.epsilon = float(check_positive(epsilon, "epsilon"))

    def clip_bound(self, dtype):
        return _overflow_bound(dtype) / 2.0

    clip_bound.__doc__ = Optimizer.clip_bound.__doc__

    def _update(self, name, p, g):
        s = self._slot(name, p, "s")
        # --8<-- [start:adagrad-update]
        s += np.square(g)
        p -= self.learning_rate * (g / (np.sqrt(s) + self.epsilon))
        # --8<-- [end:adagrad-update]

    def _hyper(self):
        return {"learning_rate": self.learning_rate, "epsilon": self.epsilon}


#: Parameters AdamW does not decay: biases and batch-norm scales and shifts.
_NO_DECAY = re.compile(r"(b|gamma|beta)[0-9]+")


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    $$W := W - \\alpha\\lambda\\, W, \\quad\\text{then the Adam step of } W,$$
    so the decay is the same for every weight, instead of going through Adam's denominator as the
    gradient $\\lambda W$ of an L2 penalty would. Biases ``b{l}`` and batch-norm ``gamma{l}``,
    ``beta{l}`` are not decayed; every other parameter is (PyTorch's ``AdamW`` formula,
    $\\theta \\leftarrow \\theta - \\gamma\\lambda\\theta$ before the Adam step). See
    [AdamW](course2/week2.md#adamw-decoupled-weight-decay).

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size $\\alpha > 0$.
    beta1, beta2 : float, default 0.9, 0.999
        Adam's averaging coefficients, in $[0, 1)$.
    epsilon : float, default 1e-8
        $\\varepsilon > 0$ in the denominator.
    weight_decay : float, default 0.01
        $\\lambda \\ge 0$: each step multiplies the weights by $1 - \\alpha\\lambda$ (0: Adam).

    Examples
    --------
    >>> opt = AdamW(learning_rate=0.1, weight_decay=0.5)
    >>> params = {"W1": np.ones((1, 1)), "b1": np.ones((1, 1))}
    >>> opt.step(params, {"dW1": np.zeros((1, 1)), "db1": np.zeros((1, 1))})
    >>> params["W1"].round(3), params["b1"].round(3)      # 1 - 0.1 * 0.5; the bias is not decayed
    (array([[0.95]]), array([[1.]]))
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, weight_decay=0.01):
        super().__init__(learning_rate, beta1, beta2, epsilon)
        self.weight_decay = float(check_scalar(weight_decay, "weight_decay", low=0.0))

    def _update(self, name, p, g):
        # --8<-- [start:adamw-update]
        if not _NO_DECAY.fullmatch(name):
            p *= 1.0 - self.learning_rate * self.weight_decay     # decoupled: not through s
        super()._update(name, p, g)                               # the Adam step
        # --8<-- [end:adamw-update]

    def _hyper(self):
        return {**super()._hyper(), "weight_decay": self.weight_decay}


OPTIMIZERS = {
    "gd": GradientDescent,
    "sgd": GradientDescent,
    "momentum": Momentum,
    "rmsprop": RMSprop,
    "adam": Adam,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "adamw": AdamW,
}
"""Optimizer names accepted by :func:`make_optimizer` and ``train.fit``."""


def make_optimizer(optimizer, learning_rate, **hyperparameters):
    """Build an optimizer from a name (or pass an instance through).

    The update rules are derived on
    [the optimization page](course2/week2.md#week-2-optimization-algorithms).

    Parameters
    ----------
    optimizer : str or Optimizer
        One of ``"gd"`` (alias ``"sgd"``), ``"momentum"``, ``"rmsprop"``,
        ``"adam"``, ``"nesterov"``, ``"adagrad"``, ``"adamw"``, or an :class:`Optimizer` instance (returned unchanged,
        ``learning_rate`` and ``hyperparameters`` are then ignored).
    learning_rate : float
        Step size $\\alpha > 0$.
    **hyperparameters
        Passed to the class (``beta``, ``beta1``, ``beta2``, ``epsilon``, ``weight_decay``).

    Returns
    -------
    Optimizer

    Examples
    --------
    >>> make_optimizer("momentum", 0.05, beta=0.8)
    Momentum(learning_rate=0.05, beta=0.8)
    """
    if isinstance(optimizer, Optimizer):
        return optimizer
    if not isinstance(optimizer, str):
        raise TypeError(f"optimizer: expected one of {sorted(OPTIMIZERS)} or an Optimizer instance, "
                        f"got {type(optimizer).__name__} {optimizer!r}"[:300])
    if optimizer.lower() not in OPTIMIZERS:
        raise ValueError(f"optimizer: expected one of {sorted(OPTIMIZERS)} or an Optimizer instance, "
                         f"got {optimizer!r}")
    cls = OPTIMIZERS[optimizer.lower()]
    accepted = [k for k in inspect.signature(cls).parameters if k != "learning_rate"]
    for key in hyperparameters:
        if key not in accepted:
            raise TypeError(f"{key}: expected one of the hyperparameters of {cls.__name__} {accepted}, "
                            f"got {key}={hyperparameters[key]!r}")
    return cls(learning_rate, **hyperparameters)


def _gradient(grad_fn, x, k):
    """``grad_fn(x)`` as an array like ``x``, with an error naming ``grad_fn`` when it is not one."""
    g = grad_fn(x)
    try:
        g = as_float_array(g, "grad_fn", allow_empty=True, finite=False)
    except (TypeError, ValueError):
        raise TypeError(f"grad_fn: expected an array of numbers of shape {x.shape} at step {k}, "
                        f"got {type(g).__name__}") from None
    if g.shape != x.shape:
        raise ValueError(f"grad_fn: expected a gradient of shape {x.shape} at step {k}, got {g.shape}")
    if not np.all(np.isfinite(g)):
        raise ValueError(f"grad_fn: expected a finite gradient at step {k}, got {g.tolist()}"[:300])
    return g.astype(x.dtype, copy=False)


def trajectory(grad_fn, x0, optimizer, steps):
    """The path of an optimizer on a function of a few variables (2-D demos).

    Each row is one update of $x$ with gradient $\\nabla f(x)$; see
    [gradient descent with momentum](course2/week2.md#gradient-descent-with-momentum) for the pictures.

    Parameters
    ----------
    grad_fn : callable
        ``grad_fn(x) -> g``, the gradient at ``x`` (same shape as ``x``).
    x0 : array_like, shape (d,)
        Starting point (``d = 2`` for contour plots).
    optimizer : Optimizer
        Its state is reset first, so one instance can draw several paths.
    steps : int
        Number of updates, $\\ge 0$.

    Returns
    -------
    path : ndarray, shape (steps + 1, d)
        ``path[0] == x0``; ``path[k]`` is the point after ``k`` updates.

    Examples
    --------
    >>> grad = lambda x: np.array([2 * x[0], 20 * x[1]])     # f = x^2 + 10 y^2
    >>> trajectory(grad, [1.0, 1.0], GradientDescent(0.04), steps=3)[1]   # (1 - 0.08, 1 - 0.8)
    array([0.92, 0.2 ])
    """
    x = as_float_array(x0, "x0", ndim=1).copy()
    check_callable(grad_fn, "grad_fn")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer: expected an Optimizer instance, got {type(optimizer).__name__}")
    steps = check_scalar(steps, "steps", low=0, integer=True)
    optimizer.reset()
    path = np.empty((steps + 1, x.size), dtype=x.dtype)
    path[0] = x
    params = {"x": x}
    for k in range(1, steps + 1):
        g = _gradient(grad_fn, x, k)
        with np.errstate(over="ignore", invalid="ignore"):   # an overflow is reported just below
            optimizer.step(params, {"dx": g})
        if not (np.isfinite(x.min()) and np.isfinite(x.max())):
            raise FloatingPointError(f"trajectory diverged at step {k}: x is not finite; try a smaller "
                                     f"learning_rate (it was {optimizer.learning_rate:g})")
        path[k] = x
    return path
