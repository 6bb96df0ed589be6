r"""Gradient checking: compare backpropagation with two-sided finite differences.

All parameters are flattened into one vector $\theta$, each component is nudged by
$\pm\varepsilon$, and the numerical gradient is compared with the analytic one through a
relative difference. Check without dropout, and only to debug (two forward passes per
parameter); in float32 the step and the thresholds adapt to the dtype.
See [gradient checking](course2/week1.md#gradient-checking).
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from dlnotes._checks import (
    FLOAT_DTYPES,
    as_float_array,
    check_callable,
    check_float_dtype,
    check_mapping,
    check_positive,
    check_same_shape,
    check_sequence,
)
from dlnotes.activations import _as_float_like

__all__ = [
    "numerical_grad",
    "params_to_vector",
    "vector_to_params",
    "relative_difference",
    "classify_rel_error",
    "GradientCheckResult",
    "gradient_check",
]


def _default_step(dtype):
    """$\\epsilon_{\\text{mach}}^{1/3}$ of ``dtype``: 6.1e-6 in float64, 4.9e-3 in float32."""
    return float(np.finfo(dtype).eps) ** (1 / 3)


def _value(v, name, where):
    """A cost value as a Python float: a finite real number, or a clear error naming ``name``."""
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        shown = f"ndarray of shape {v.shape}" if isinstance(v, np.ndarray) else f"{type(v).__name__} {v!r}"[:120]
        raise TypeError(f"{name}: expected a real number as the value of the cost, got {shown} at {where} "
                        "(return float(...) of a scalar)")
    v = float(v)
    if not math.isfinite(v):
        raise ValueError(f"{name}: expected a finite value of the cost, got {v!r} at {where}")
    return v


def _perturbable(x, name):
    """``x`` itself if it can be perturbed in place: a finite, writable, contiguous float32/float64 array."""
    if not isinstance(x, np.ndarray) or isinstance(x, (np.matrix, np.ma.MaskedArray)) or x.dtype not in FLOAT_DTYPES:
        shown = f"{type(x).__name__} of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"{name}: expected a float numpy array (float32 or float64: it is perturbed in place), got {shown}")
    as_float_array(x, name, allow_empty=True)               # NaN and inf are refused
    if not x.flags.writeable:
        raise ValueError(f"{name}: expected a writable array (it is perturbed in place), got a read-only one")
    if not np.shares_memory(x.reshape(-1), x):
        raise ValueError(f"{name}: expected a contiguous array (it is perturbed in place), got a non-contiguous view")
    return x


def _step_distorted(up, down, h):
    """True when rounding changed the step ``(x + h) - (x - h)`` by more than 10 % of ``2 h``."""
    return abs((float(up) - float(down)) - 2 * h) > 0.2 * h


def _step_error(where, value, dtype, eps):
    """The error for a step that rounding loses or distorts (eps below the spacing of the numbers)."""
    spacing = float(np.spacing(dtype.type(abs(value))))
    return ValueError(f"eps: expected a step well above the spacing of {dtype} numbers near {where} = {value:.6g} "
                      f"({spacing:.2g}), got eps={eps!r} (leave eps=None for a step suited to {dtype})")


# --8<-- [start:numerical_grad]
def numerical_grad(f, x, eps=None):
    r"""Two-sided finite-difference gradient of a scalar function of an array.

    $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2\varepsilon},$$
    divided by the step actually taken after rounding; a step that rounding loses or distorts is
    refused. Why the default step: [gradient checking in float32](course2/week1.md#gradient-checking-in-float32).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``: a finite real number (a Python or NumPy scalar).
    x : numpy.ndarray of float32 or float64, any shape
        The point; modified in place during the computation and restored exactly (also when ``f`` raises).
    eps : float, optional
        The step for every component; default $\epsilon_{\text{mach}}^{1/3}\max(1, |x_i|)$ for ``x``'s dtype.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``x``

    Examples
    --------
    >>> g = numerical_grad(lambda x: float(np.sum(x ** 3)), np.array([1.0, 2.0]))  # 3x^2
    >>> np.round(g, 6)
    array([ 3., 12.])
    """
    check_callable(f, "f")
    x = _perturbable(x, "x")
    eps = None if eps is None else check_positive(eps, "eps")
    rel_step = _default_step(x.dtype)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        h = eps if eps is not None else rel_step * max(1.0, abs(float(old)))
        up, down = x.dtype.type(old + h), x.dtype.type(old - h)    # the points x can hold
        if _step_distorted(up, down, h):
            raise _step_error(f"x.flat[{i}]", float(old), x.dtype, eps)
        try:
            flat[i] = up
            f_plus = _value(f(x), "f", f"x.flat[{i}] + eps")
            flat[i] = down
            f_minus = _value(f(x), "f", f"x.flat[{i}] - eps")
        finally:
            flat[i] = old                                        # restored even when f raises
        gflat[i] = (f_plus - f_minus) / (float(up) - float(down))
    return grad
# --8<-- [end:numerical_grad]


def params_to_vector(parameters, keys=None):
    r"""Flatten a dict of arrays into one vector $\theta = [\mathrm{vec}(W^{[1]}); \mathrm{vec}(b^{[1]}); \dots]$.

    See [gradient checking](course2/week1.md#gradient-checking).

    Parameters
    ----------
    parameters : dict of array_like
        E.g. ``{"W1": (n1, n0), "b1": (n1, 1), ...}``, all of one dtype.
    keys : sequence of str, optional
        Which entries, in which order (default: the dict's order).

    Returns
    -------
    theta : numpy.ndarray, shape (total size,)
        Each array in row-major order, one after the other, in their dtype.
    spec : list of (str, tuple)
        ``(key, shape)`` pairs for :func:`vector_to_params`.

    Examples
    --------
    >>> theta, spec = params_to_vector({"W1": np.array([[1.0, 2.0]]), "b1": np.array([[3.0]])})
    >>> theta, spec
    (array([1., 2., 3.]), [('W1', (1, 2)), ('b1', (1, 1))])
    """
    check_mapping(parameters, "parameters", "a dict of arrays")
    if keys is None:
        keys = list(parameters)
    else:
        keys = list(check_sequence(keys, "keys", "a list of keys of parameters"))
    missing = [k for k in keys if k not in parameters]
    if missing:
        raise ValueError(f"keys: expected keys of parameters {sorted(map(str, parameters))}, got unknown {missing}")
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"keys: expected each key once, got {repeated} more than once")
    arrays = []
    for k in keys:
        if not arrays:
            arrays.append(as_float_array(parameters[k], str(k), allow_empty=True))
        else:
            arrays.append(_as_float_like(parameters[k], str(k), arrays[0], str(keys[0]), allow_empty=True))
    spec = [(k, a.shape) for k, a in zip(keys, arrays)]
    theta = np.concatenate([a.reshape(-1) for a in arrays]) if arrays else np.zeros(0)
    return theta, spec


def _check_spec(spec):
    """A list of ``(key, shape)`` pairs with distinct keys, shapes as tuples of non-negative ints."""
    check_sequence(spec, "spec", "a list of (key, shape) pairs from params_to_vector")
    out = []
    for j, item in enumerate(spec):
        ok = isinstance(item, (tuple, list)) and len(item) == 2
        shape = item[1] if ok else None
        if ok and isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
            shape = (shape,)
        ok = ok and isinstance(shape, (tuple, list)) and all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 0 for n in shape)
        if not ok:
            raise TypeError(f"spec[{j}]: expected a (key, shape) pair with a shape of non-negative ints, "
                            f"got {item!r}"[:300])
        out.append((item[0], tuple(int(n) for n in shape)))
    keys = [k for k, _ in out]
    repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"spec: expected each key once, got {repeated} more than once")
    return out


def _split(theta, spec):
    """Views of ``theta`` with the shapes of ``spec`` (already checked)."""
    out, start = {}, 0
    for key, shape in spec:
        size = math.prod(shape)
        out[key] = theta[start:start + size].reshape(shape)
        start += size
    return out


def vector_to_params(theta, spec):
    r"""Inverse of :func:`params_to_vector`: cut $\theta$ back into named arrays (the sizes must add up).

    See [gradient checking](course2/week1.md#gradient-checking).

    Parameters
    ----------
    theta : array_like, shape (total size,)
    spec : list of (str, tuple)
        From :func:`params_to_vector`.

    Returns
    -------
    dict of numpy.ndarray
        Views into ``theta`` (no copy), with the shapes of ``spec``.

    Examples
    --------
    >>> vector_to_params(np.array([1.0, 2.0, 3.0]), [("W1", (1, 2)), ("b1", (1, 1))])
    {'W1': array([[1., 2.]]), 'b1': array([[3.]])}
    """
    theta = as_float_array(theta, "theta", ndim=1, allow_empty=True)
    spec = _check_spec(spec)
    total = sum(math.prod(shape) for _, shape in spec)
    if total != theta.size:
        raise ValueError(f"theta: expected {total} entries to fill {spec}, got {theta.size}"[:300])
    return _split(theta, spec)


# --8<-- [start:relative_difference]
def relative_difference(g, g_num):
    r"""$\lVert g - g_{\text{num}}\rVert_2 / (\lVert g\rVert_2 + \lVert g_{\text{num}}\rVert_2)$, 0 when both vanish.

    Scale-free and bounded by 1; both vectors are first divided by their largest entry, so the
    squares cannot overflow. See [gradient checking](course2/week1.md#gradient-checking).

    Parameters
    ----------
    g, g_num : array_like, same shape and dtype
        Analytic and numerical gradients.

    Returns
    -------
    float in [0, 1]

    Examples
    --------
    >>> relative_difference(np.array([1.0]), np.array([-1.0]))
    1.0
    """
    g = as_float_array(g, "g", allow_empty=True)
    g_num = _as_float_like(g_num, "g_num", g, "g", allow_empty=True)
    check_same_shape(g_num, "g_num", g, "g")
    scale = max(float(np.abs(g).max(initial=0)), float(np.abs(g_num).max(initial=0)))
    if scale == 0:
        return 0.0
    g, g_num = g / scale, g_num / scale
    return float(np.linalg.norm(g - g_num) / (np.linalg.norm(g) + np.linalg.norm(g_num)))
# --8<-- [end:relative_difference]


#: Verdict thresholds of the course, for float64 and its default step.
_THRESHOLDS_FLOAT64 = (1e-7, 1e-5, 1e-3)


def _thresholds(dtype):
    """The float64 thresholds with their exponents scaled to the digits of ``dtype``.

    ``t ** (log eps_dtype / log eps_float64)``: a threshold that asks for agreement to a
    given fraction of float64's 15.7 digits asks for the same fraction of float32's 6.9.
    """
    power = math.log(np.finfo(dtype).eps) / math.log(np.finfo(np.float64).eps)
    return tuple(t ** power for t in _THRESHOLDS_FLOAT64)


def classify_rel_error(rel_error, dtype=np.float64):
    r"""Read a relative difference: great, check, suspicious or wrong, for the dtype of the check.

    In float64 the course's rules of thumb; in float32 each threshold $t$ becomes $t^{0.44}$ (the
    same fraction of the dtype's digits), derived in
    [gradient checking in float32](course2/week1.md#gradient-checking-in-float32).

    Parameters
    ----------
    rel_error : float
        A relative difference (:func:`relative_difference`), $\ge 0$.
    dtype : numpy dtype, default float64
        The dtype the gradients were computed in.

    Returns
    -------
    str
        float64: ``"great"`` below $10^{-7}$, ``"check"`` below $10^{-5}$, ``"suspicious"`` up to
        $10^{-3}$, ``"wrong"`` above. float32: $8.0\times10^{-4}$, $6.1\times10^{-3}$, $4.7\times10^{-2}$.

    Examples
    --------
    >>> classify_rel_error(3e-9), classify_rel_error(2e-6), classify_rel_error(1e-4), classify_rel_error(0.2)
    ('great', 'check', 'suspicious', 'wrong')
    """
    if isinstance(rel_error, (bool, np.bool_)) or not isinstance(rel_error, numbers.Real):
        raise TypeError(f"rel_error: expected a real number, got {type(rel_error).__name__} {rel_error!r}"[:200])
    if not (rel_error >= 0) or not math.isfinite(rel_error):
        raise ValueError(f"rel_error: expected a non-negative finite number, got {rel_error!r}")
    great, check, suspicious = _thresholds(check_float_dtype(dtype, "dtype"))
    if rel_error < great:
        return "great"
    if rel_error < check:
        return "check"
    if rel_error <= suspicious:
        return "suspicious"
    return "wrong"


class GradientCheckResult(NamedTuple):
    """What :func:`gradient_check` found.

    See [gradient checking](course2/week1.md#gradient-checking).

    Attributes
    ----------
    rel_error : float
        Relative difference over the whole vector $\\theta$.
    verdict : str
        :func:`classify_rel_error` of ``rel_error``, for the parameters' dtype.
    analytic, numerical : numpy.ndarray
        The two flattened gradients.
    per_key : dict
        Relative difference of each parameter (``"W1"``, ``"b1"``, ...): where the bug is.

    Examples
    --------
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


def _locate(spec, i):
    """(key, index inside that array) of component ``i`` of the flattened vector."""
    for key, shape in spec:
        size = math.prod(shape)
        if i < size:
            return key, ", ".join(map(str, np.unravel_index(i, shape)))
        i -= size
    raise IndexError(i)  # pragma: no cover - i is always inside theta


def gradient_check(cost_fn, parameters, grads, eps=None):
    r"""Check backpropagated gradients against two-sided differences of the cost.

    $\lVert d\theta - d\theta_{\text{approx}}\rVert_2 / (\lVert d\theta\rVert_2 + \lVert d\theta_{\text{approx}}\rVert_2)$
    over $\theta = \mathrm{vec}(\text{parameters})$, read by :func:`classify_rel_error` for the
    parameters' dtype; the caller's arrays are not modified.
    See [gradient checking](course2/week1.md#gradient-checking).

    Parameters
    ----------
    cost_fn : callable
        ``cost_fn(parameters) -> float``, deterministic (no dropout).
    parameters : dict of numpy.ndarray
        The point $\theta$, all of one dtype (float64 is best).
    grads : dict of numpy.ndarray
        ``"d" + key`` for every key of ``parameters``, with its shape and dtype.
    eps : float, optional
        The step (default: as :func:`numerical_grad`).

    Returns
    -------
    GradientCheckResult
        ``rel_error``, ``verdict``, the two gradient vectors and ``per_key`` errors.

    Examples
    --------
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> cost = lambda p: float(np.sum(p["w"] ** 2))
    >>> gradient_check(cost, params, {"dw": params["w"]}).verdict   # forgot the factor 2
    'wrong'
    """
    check_callable(cost_fn, "cost_fn")
    check_mapping(parameters, "parameters", "a dict of parameter arrays")
    check_mapping(grads, "grads", "a dict of gradient arrays")
    if not parameters:
        raise ValueError("parameters: expected at least one parameter array, got an empty dict")
    keys = list(parameters)
    missing = [k for k in keys if "d" + str(k) not in grads]
    if missing:
        raise ValueError(f"grads: expected keys {['d' + str(k) for k in missing]}, got keys {sorted(map(str, grads))}")
    theta, spec = params_to_vector(parameters, keys)
    parts = _split(theta, spec)
    analytic = []
    for k in keys:
        dk = _as_float_like(grads["d" + str(k)], "d" + str(k), parts[k], str(k), allow_empty=True)
        if dk.shape != parts[k].shape:
            raise ValueError(f"d{k}: expected shape {parts[k].shape} (the shape of {k}), got {dk.shape}")
        analytic.append(dk.reshape(-1))
    analytic = np.concatenate(analytic)
    if eps is not None:                        # a step lost to rounding, named by parameter
        eps = check_positive(eps, "eps")
        taken = (theta + eps).astype(np.float64) - (theta - eps).astype(np.float64)
        distorted = np.flatnonzero(np.abs(taken - 2 * eps) > 0.2 * eps)
        if distorted.size:
            i = int(distorted[0])
            key, at = _locate(spec, i)
            raise _step_error(f"{key}[{at}]", float(theta[i]), theta.dtype, eps)
    theta = theta.copy()                       # perturbed in place: never the caller's arrays
    _value(cost_fn(_split(theta, spec)), "cost_fn", "the given parameters")
    numerical = numerical_grad(lambda t: _value(cost_fn(_split(t, spec)), "cost_fn", "a perturbed parameter"),
                               theta, eps)
    rel = relative_difference(analytic, numerical)
    a_parts, n_parts = _split(analytic, spec), _split(numerical, spec)
    per_key = {k: relative_difference(a_parts[k], n_parts[k]) for k in keys}
    return GradientCheckResult(rel, classify_rel_error(rel, theta.dtype), analytic, numerical, per_key)
