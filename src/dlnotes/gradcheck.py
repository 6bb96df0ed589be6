r"""Gradient checking: compare backpropagation with two-sided finite differences.

All parameters are flattened into one vector $\theta$, each component is nudged
by $\pm\varepsilon$, and the numerical gradient

$$d\theta_{\text{approx}}[i] = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon}$$

is compared with the analytic one through the relative difference
$\lVert d\theta - d\theta_{\text{approx}}\rVert_2 / (\lVert d\theta\rVert_2 + \lVert d\theta_{\text{approx}}\rVert_2)$.
Do it in float64, without dropout (the cost must be a deterministic function
of $\theta$), and only to debug: it costs two forward passes per parameter.
See [gradient checking](course2/week1.md#gradient-checking).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlnotes._checks import as_float_array, check_positive

__all__ = [
    "numerical_grad",
    "params_to_vector",
    "vector_to_params",
    "relative_difference",
    "classify_rel_error",
    "GradientCheckResult",
    "gradient_check",
]


# --8<-- [start:numerical_grad]
def numerical_grad(f, x, eps=1e-7):
    r"""Two-sided finite-difference gradient of a scalar function of an array.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    x : numpy.ndarray of float, any shape
        The point; it is modified in place during the computation and restored
        exactly afterwards.
    eps : float, default 1e-7
        The step $\varepsilon$.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``x``

    Notes
    -----
    $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon}.$$

    The Taylor terms of even order cancel, so the error is $O(\varepsilon^2)$,
    against $O(\varepsilon)$ for the one-sided $(f(x + \varepsilon e_i) - f(x))/\varepsilon$.
    Rounding adds an error of about $\epsilon_{\text{mach}}|f|/\varepsilon$, which is why
    $\varepsilon$ cannot be taken too small.
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> import numpy as np
    >>> numerical_grad(lambda x: float(np.sum(x ** 3)), np.array([1.0, 2.0]))  # 3x^2
    array([ 3., 12.])
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError(f"x: expected a float numpy array (modified in place), got {type(x).__name__}")
    check_positive(eps, "eps")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x: expected a contiguous array (it is perturbed in place), got a non-contiguous view")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f(x)
        flat[i] = old - eps
        f_minus = f(x)
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad
# --8<-- [end:numerical_grad]


# --8<-- [start:params_to_vector]
def params_to_vector(parameters, keys=None):
    r"""Flatten a dict of arrays into one vector $\theta$.

    Parameters
    ----------
    parameters : dict of array_like
        E.g. ``{"W1": (n1, n0), "b1": (n1, 1), ...}``.
    keys : sequence of str, optional
        Which entries, in which order (default: the dict's order).

    Returns
    -------
    theta : numpy.ndarray, shape (total size,)
        The entries of each array in row-major order, one array after the other.
    spec : list of (str, tuple)
        ``(key, shape)`` pairs to undo it with :func:`vector_to_params`.

    Notes
    -----
    $\theta = [\mathrm{vec}(W^{[1]}); \mathrm{vec}(b^{[1]}); \dots; \mathrm{vec}(b^{[L]})]$.
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> import numpy as np
    >>> theta, spec = params_to_vector({"W1": np.array([[1.0, 2.0]]), "b1": np.array([[3.0]])})
    >>> theta, spec
    (array([1., 2., 3.]), [('W1', (1, 2)), ('b1', (1, 1))])
    """
    if not isinstance(parameters, dict):
        raise TypeError(f"parameters: expected a dict of arrays, got {type(parameters).__name__}")
    keys = list(parameters) if keys is None else list(keys)
    missing = [k for k in keys if k not in parameters]
    if missing:
        raise ValueError(f"keys: expected keys of parameters {sorted(parameters)}, got unknown {missing}")
    arrays = [as_float_array(parameters[k], k, allow_empty=True) for k in keys]
    spec = [(k, a.shape) for k, a in zip(keys, arrays)]
    theta = np.concatenate([a.reshape(-1) for a in arrays]) if arrays else np.zeros(0)
    return theta, spec
# --8<-- [end:params_to_vector]


# --8<-- [start:vector_to_params]
def vector_to_params(theta, spec):
    r"""Inverse of :func:`params_to_vector`: cut $\theta$ back into named arrays.

    Parameters
    ----------
    theta : array_like, shape (total size,)
    spec : list of (str, tuple)
        From :func:`params_to_vector`.

    Returns
    -------
    dict of numpy.ndarray
        Views into ``theta`` (no copy), with the shapes of ``spec``.

    Notes
    -----
    The sizes must add up: $\sum_k \prod \text{shape}_k = \dim\theta$.
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> import numpy as np
    >>> vector_to_params(np.array([1.0, 2.0, 3.0]), [("W1", (1, 2)), ("b1", (1, 1))])
    {'W1': array([[1., 2.]]), 'b1': array([[3.]])}
    """
    theta = as_float_array(theta, "theta", ndim=1, allow_empty=True)
    sizes = [int(np.prod(shape)) for _, shape in spec]
    if sum(sizes) != theta.size:
        raise ValueError(f"theta: expected {sum(sizes)} entries to fill {spec}, got {theta.size}")
    out, start = {}, 0
    for (key, shape), size in zip(spec, sizes):
        out[key] = theta[start:start + size].reshape(shape)
        start += size
    return out
# --8<-- [end:vector_to_params]


# --8<-- [start:relative_difference]
def relative_difference(g, g_num):
    r"""$\lVert g - g_{\text{num}}\rVert_2 / (\lVert g\rVert_2 + \lVert g_{\text{num}}\rVert_2)$, 0 when both vanish.

    Parameters
    ----------
    g, g_num : array_like, same shape
        Analytic and numerical gradients.

    Returns
    -------
    float in [0, 1]

    Notes
    -----
    Dividing by the norms makes the measure independent of the scale of the
    cost; the sum (rather than a single norm) keeps it bounded by 1 and
    defined when one gradient is zero.
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> import numpy as np
    >>> relative_difference(np.array([1.0, 0.0]), np.array([1.0, 0.0]))
    0.0
    >>> relative_difference(np.array([1.0]), np.array([-1.0]))
    1.0
    """
    g = as_float_array(g, "g", allow_empty=True)
    g_num = as_float_array(g_num, "g_num", allow_empty=True)
    if g.shape != g_num.shape:
        raise ValueError(f"g_num: expected shape {g.shape} (the shape of g), got {g_num.shape}")
    denom = np.linalg.norm(g) + np.linalg.norm(g_num)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(g - g_num) / denom)
# --8<-- [end:relative_difference]


# --8<-- [start:classify_rel_error]
def classify_rel_error(rel_error):
    r"""Read a relative difference with $\varepsilon = 10^{-7}$ (float64).

    Parameters
    ----------
    rel_error : float

    Returns
    -------
    str
        ``"great"`` below $10^{-7}$, ``"check"`` below $10^{-5}$ (probably fine,
        look at the components), ``"suspicious"`` up to $10^{-3}$, ``"wrong"`` above:
        almost certainly a bug.

    Notes
    -----
    The thresholds are the course's rules of thumb for $\varepsilon = 10^{-7}$.
    Kinks (ReLU at 0, $|w|$ at 0) crossed by the $\pm\varepsilon$ step can push a
    correct gradient into "check".
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> classify_rel_error(3e-9), classify_rel_error(2e-6), classify_rel_error(1e-4), classify_rel_error(0.2)
    ('great', 'check', 'suspicious', 'wrong')
    """
    if isinstance(rel_error, bool) or not isinstance(rel_error, (int, float, np.floating, np.integer)):
        raise TypeError(f"rel_error: expected a real number, got {type(rel_error).__name__}")
    if not (rel_error >= 0):
        raise ValueError(f"rel_error: expected a non-negative number, got {rel_error!r}")
    if rel_error < 1e-7:
        return "great"
    if rel_error < 1e-5:
        return "check"
    if rel_error <= 1e-3:
        return "suspicious"
    return "wrong"
# --8<-- [end:classify_rel_error]


# --8<-- [start:GradientCheckResult]
class GradientCheckResult(NamedTuple):
    """What :func:`gradient_check` found.

    See [gradient checking](course2/week1.md#gradient-checking).

    Attributes
    ----------
    rel_error : float
        Relative difference over the whole vector $\\theta$.
    verdict : str
        :func:`classify_rel_error` of ``rel_error``.
    analytic, numerical : numpy.ndarray
        The two flattened gradients.
    per_key : dict
        Relative difference of each parameter (``"W1"``, ``"b1"``, ...): where the bug is.

    Examples
    --------
    >>> import numpy as np
    >>> r = gradient_check(lambda p: float(np.sum(p["W1"] ** 2)), {"W1": np.ones((1, 2))},
    ...                    {"dW1": np.full((1, 2), 2.0)})
    >>> r.verdict, sorted(r.per_key)
    ('great', ['W1'])
    """

    rel_error: float
    verdict: str
    analytic: np.ndarray
    numerical: np.ndarray
    per_key: dict
# --8<-- [end:GradientCheckResult]


# --8<-- [start:gradient_check]
def gradient_check(cost_fn, parameters, grads, eps=1e-7):
    r"""Check backpropagated gradients against two-sided differences of the cost.

    Parameters
    ----------
    cost_fn : callable
        ``cost_fn(parameters) -> float``, the cost $J$ as a deterministic function of
        a parameter dict (no dropout).
    parameters : dict of numpy.ndarray
        The point $\theta$ (use float64).
    grads : dict of numpy.ndarray
        The analytic gradient: ``"d" + key`` for every key of ``parameters``.
    eps : float, default 1e-7

    Returns
    -------
    GradientCheckResult
        ``rel_error``, ``verdict``, the two gradient vectors and ``per_key`` errors.

    Notes
    -----
    $\theta = \mathrm{vec}(\text{parameters})$, $d\theta = \mathrm{vec}(\text{grads})$,
    $d\theta_{\text{approx}}[i] = \dfrac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon}$,
    and the result is $\lVert d\theta - d\theta_{\text{approx}}\rVert_2 /
    (\lVert d\theta\rVert_2 + \lVert d\theta_{\text{approx}}\rVert_2)$.
    See [gradient checking](course2/week1.md#gradient-checking).

    Examples
    --------
    >>> import numpy as np
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> cost = lambda p: float(np.sum(p["w"] ** 2))
    >>> gradient_check(cost, params, {"dw": 2 * params["w"]}).verdict
    'great'
    >>> gradient_check(cost, params, {"dw": params["w"]}).verdict   # forgot the factor 2
    'wrong'
    """
    if not callable(cost_fn):
        raise TypeError(f"cost_fn: expected a callable parameters -> float, got {type(cost_fn).__name__}")
    keys = list(parameters)
    missing = [k for k in keys if "d" + k not in grads]
    if missing:
        raise ValueError(f"grads: expected keys {['d' + k for k in missing]}, got keys {sorted(grads)}")
    for k in keys:
        if np.shape(grads["d" + k]) != np.shape(parameters[k]):
            raise ValueError(f"d{k}: expected shape {np.shape(parameters[k])} (the shape of {k}), "
                             f"got {np.shape(grads['d' + k])}")
    theta, spec = params_to_vector(parameters, keys)
    analytic, _ = params_to_vector({k: grads["d" + k] for k in keys})
    theta = theta.copy()
    numerical = numerical_grad(lambda t: cost_fn(vector_to_params(t, spec)), theta, eps)
    rel = relative_difference(analytic, numerical)
    a_parts = vector_to_params(analytic, spec)
    n_parts = vector_to_params(numerical, spec)
    per_key = {k: relative_difference(a_parts[k], n_parts[k]) for k in keys}
    return GradientCheckResult(rel, classify_rel_error(rel), analytic, numerical, per_key)
# --8<-- [end:gradient_check]
