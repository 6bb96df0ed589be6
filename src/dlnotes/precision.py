r"""Floating-point formats: float16 and bfloat16 emulated in NumPy, and what 16 bits change.

A binary floating-point format with $p$ significant bits (the stored mantissa plus the implicit
leading 1) and exponents in $[e_{\min}, e_{\max}]$ holds the numbers $\pm m\,2^{e - p + 1}$
with integer $m < 2^p$. :func:`round_to` rounds float32 or float64 values to the nearest of
them (ties to even, overflow to infinity, gradual underflow through the subnormals), and
returns them in the input's dtype: float16 gives exactly NumPy's ``astype(np.float16)``,
bfloat16 (float32's exponent range with 8 significant bits) has no NumPy dtype and is emulated
this way. See [three formats, one formula](course2/precision.md#three-formats-one-formula).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from dlnotes._checks import as_float_array, check_callable, check_positive, check_scalar

__all__ = [
    "FormatInfo",
    "format_info",
    "round_to",
    "to_bfloat16",
    "absorbs",
    "apply_loss_scale",
    "adam_denominator",
    "gradcheck_thresholds",
    "numerical_grad_in",
]

#: name -> (total bits, significant bits p, e_min, e_max)
_FORMATS = {
    "float16": (16, 11, -14, 15),
    "bfloat16": (16, 8, -126, 127),
    "float32": (32, 24, -126, 127),
    "float64": (64, 53, -1022, 1023),
}

_THRESHOLDS_FLOAT64 = (1e-7, 1e-5, 1e-3)


def _check_format(fmt, name="fmt"):
    if not isinstance(fmt, str):
        raise TypeError(f"{name}: expected one of {sorted(_FORMATS)}, got {type(fmt).__name__} {fmt!r}")
    if fmt not in _FORMATS:
        raise ValueError(f"{name}: expected one of {sorted(_FORMATS)}, got {fmt!r}")
    return _FORMATS[fmt]


class FormatInfo(NamedTuple):
    r"""What :func:`format_info` returns: the constants of one floating-point format.

    See [the formats](course2/precision.md#three-formats-one-formula).

    Attributes
    ----------
    name : str
    bits : int
        Total width (sign, exponent, mantissa).
    mantissa_bits : int
        Stored mantissa bits, $p - 1$.
    eps : float
        Machine epsilon $2^{1-p}$, the gap between 1 and the next number.
    max : float
        Largest finite number $(2 - 2^{1-p})\,2^{e_{\max}}$.
    tiny : float
        Smallest normal number $2^{e_{\min}}$.
    smallest_subnormal : float
        $2^{e_{\min} - p + 1}$; half of it and less rounds to 0.
    digits : float
        Decimal digits, $-\log_{10}\epsilon$.

    Examples
    --------
    >>> info = format_info("float16")
    >>> info.max, round(info.digits, 2)
    (65504.0, 3.01)
    """
    name: str
    bits: int
    mantissa_bits: int
    eps: float
    max: float
    tiny: float
    smallest_subnormal: float
    digits: float


# --8<-- [start:format_info]
def format_info(fmt):
    r"""Machine epsilon, range and digits of ``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``.

    $\epsilon = 2^{1-p}$, largest $(2 - \epsilon)\,2^{e_{\max}}$, smallest normal $2^{e_{\min}}$,
    smallest subnormal $\epsilon\,2^{e_{\min}}$. See [the formats](course2/precision.md#three-formats-one-formula).

    Parameters
    ----------
    fmt : str

    Returns
    -------
    FormatInfo

    Examples
    --------
    >>> info = format_info("bfloat16")
    >>> info.eps, f"{info.max:.4g}", f"{info.tiny:.4g}"
    (0.0078125, '3.39e+38', '1.175e-38')
    """
    bits, p, emin, emax = _check_format(fmt)
    eps = 2.0 ** (1 - p)
    return FormatInfo(fmt, bits, p - 1, eps, (2.0 - eps) * 2.0 ** emax, 2.0 ** emin,
                      eps * 2.0 ** emin, -math.log10(eps))
# --8<-- [end:format_info]


# --8<-- [start:round_to]
def round_to(x, fmt):
    r"""Round each value to the nearest number of ``fmt`` (ties to even), kept in ``x``'s dtype.

    With $e = \max(\lfloor\log_2|x|\rfloor, e_{\min})$ the spacing there is $q = 2^{e - p + 1}$ and
    $\mathrm{round}(x) = q\,\mathrm{rint}(x / q)$ (both steps exact: $q$ is a power of 2); a result
    beyond the largest finite number is $\pm\infty$. See [rounding to a format](course2/precision.md#three-formats-one-formula).

    Parameters
    ----------
    x : array_like of float32 or float64, any shape
        Finite values.
    fmt : {"float16", "bfloat16", "float32", "float64"}

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``
        The rounded values; $\pm\infty$ where they overflow ``fmt``.

    Examples
    --------
    >>> round_to(np.array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 70000.0, 1e-8]), "float16")
    array([1.        , 1.00195312,        inf, 0.        ])
    """
    x = as_float_array(x, "x", allow_empty=True)
    _, p, emin, emax = _check_format(fmt)
    if p >= np.finfo(x.dtype).nmant + 1:            # the format holds every value of x's dtype
        return x.copy()
    one = x.dtype.type(1)
    _, e = np.frexp(np.abs(x))                      # |x| = f 2^e with f in [1/2, 1): leading bit 2^(e-1)
    q = np.ldexp(one, np.maximum(e - 1, emin) - (p - 1)).astype(x.dtype)
    with np.errstate(over="ignore"):
        r = np.rint(x / q) * q
    largest = (2.0 - 2.0 ** (1 - p)) * 2.0 ** emax
    return np.where(np.abs(r) > largest, np.copysign(np.inf, x), r).astype(x.dtype)
# --8<-- [end:round_to]


# --8<-- [start:to_bfloat16]
def to_bfloat16(x):
    r"""Round float32 (or float64) values to bfloat16: float32's 8-bit exponent, a 7-bit mantissa.

    :func:`round_to` with ``fmt="bfloat16"``: the 16 low bits of float32's 23-bit mantissa are
    rounded away (to nearest, ties to even). See [bfloat16](course2/precision.md#three-formats-one-formula).

    Parameters
    ----------
    x : array_like of float32 or float64, any shape

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``

    Examples
    --------
    >>> to_bfloat16(np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 3.14159265], dtype=np.float32))
    array([1.      , 1.015625, 3.140625], dtype=float32)
    """
    return round_to(x, "bfloat16")
# --8<-- [end:to_bfloat16]


def absorbs(x, eps, fmt):
    r"""Whether adding ``eps`` to ``x`` leaves it unchanged in ``fmt``: $\mathrm{round}(x + \varepsilon) = x$.

    True once $\varepsilon$ is at most half the spacing at $x$, about $|x| \ge 2\varepsilon/\epsilon_{\text{mach}}$.
    See [the epsilons](course2/precision.md#adams-and-batch-norms-epsilon).

    Parameters
    ----------
    x : array_like of float, any shape
        Values (rounded to ``fmt`` first).
    eps : float
        The small constant (rounded to ``fmt`` first).
    fmt : str

    Returns
    -------
    numpy.ndarray of bool, shape of ``x``

    Examples
    --------
    >>> absorbs(np.array([1.0, 0.01]), 1e-5, "float16").tolist()
    [True, False]
    """
    x = as_float_array(x, "x").astype(np.float64)
    eps = check_scalar(eps, "eps")
    _check_format(fmt)
    xr = round_to(x, fmt)
    er = float(round_to(np.array([eps]), fmt)[0])
    if not (np.all(np.isfinite(xr)) and np.isfinite(er)):
        raise ValueError(f"x: expected values within {fmt}'s range (|x|, eps <= {format_info(fmt).max:.4g}), "
                         f"got up to {max(float(np.abs(x).max()), abs(eps)):.4g}")
    return round_to(xr + er, fmt) == xr


# --8<-- [start:apply_loss_scale]
def apply_loss_scale(grads, scale, fmt="float16"):
    r"""The gradient a low-precision backward pass delivers with loss scaling: $\mathrm{round}(S g) / S$.

    Multiplying the loss by $S$ multiplies every gradient by $S$ (backpropagation is linear);
    they are stored in ``fmt``, then divided by $S$ in the dtype of ``grads`` before the update.
    See [loss scaling](course2/precision.md#loss-scaling).

    Parameters
    ----------
    grads : array_like of float, any shape
        The exact gradients.
    scale : float
        The loss scale $S > 0$ (a power of 2 keeps the scaling itself exact).
    fmt : str, default "float16"

    Returns
    -------
    numpy.ndarray, shape and dtype of ``grads``
        0 where $S g$ underflows, $\pm\infty$ where it overflows (a framework then skips the step).

    Examples
    --------
    >>> g = np.array([1e-8, 1e-3])                   # as a fraction of the exact gradient:
    >>> np.round(apply_loss_scale(g, 1.0) / g, 3).tolist(), np.round(apply_loss_scale(g, 1024.0) / g, 3).tolist()
    ([0.0, 1.0], [1.001, 1.0])
    """
    grads = as_float_array(grads, "grads")
    scale = check_positive(scale, "scale")
    _check_format(fmt)
    S = grads.dtype.type(scale)
    with np.errstate(over="ignore"):
        scaled = grads * S                         # may already overflow the dtype of grads
    finite = np.isfinite(scaled)
    stored = np.where(finite, round_to(np.where(finite, scaled, 0), fmt), scaled)
    return stored / S
# --8<-- [end:apply_loss_scale]


# --8<-- [start:adam_denominator]
def adam_denominator(grads, eps=1e-8, fmt="float16", beta2=0.999):
    r"""Adam's denominator $\sqrt{\hat v_1} + \varepsilon$ after its first step, every operation rounded to ``fmt``.

    $v_1 = (1 - \beta_2)\,g^2$, $\hat v_1 = v_1 / (1 - \beta_2)$: in exact arithmetic $|g| + \varepsilon$.
    Where it is 0 the update $\hat m / (\sqrt{\hat v} + \varepsilon)$ divides by zero.
    See [Adam's epsilon](course2/precision.md#adams-and-batch-norms-epsilon).

    Parameters
    ----------
    grads : array_like of float, any shape
        Gradients $g$.
    eps : float, default 1e-8
    fmt : str, default "float16"
    beta2 : float, default 0.999

    Returns
    -------
    numpy.ndarray, shape and dtype of ``grads``

    Examples
    --------
    >>> adam_denominator(np.array([1e-3]), fmt="float16").tolist()
    [0.0]
    >>> np.round(adam_denominator(np.array([1e-3]), fmt="float32"), 6).tolist()
    [0.001]
    """
    grads = as_float_array(grads, "grads")
    g = grads.astype(np.float64)
    eps = check_scalar(eps, "eps", low=0.0)
    beta2 = check_scalar(beta2, "beta2", low=0.0, high=1.0, high_inclusive=False)
    _check_format(fmt)

    def r(v):
        return round_to(v, fmt)

    one_minus = float(r(np.array(1.0 - beta2)))
    v = r(one_minus * r(g * r(g)))                 # v_1 = (1 - beta2) g^2
    v_hat = r(v / one_minus)                       # bias correction at t = 1
    return r(r(np.sqrt(v_hat)) + float(r(np.array(eps)))).astype(grads.dtype)
# --8<-- [end:adam_denominator]


# --8<-- [start:gradcheck_thresholds]
def gradcheck_thresholds(fmt):
    r"""The gradient-check thresholds for a format: each float64 threshold $t$ becomes $t^{\log\epsilon/\log\epsilon_{64}}$.

    The course's $10^{-7}, 10^{-5}, 10^{-3}$ ask for a fixed fraction of float64's digits; the same
    fraction of ``fmt``'s digits. See [gradient checking in 16 bits](course2/precision.md#gradient-checking-in-16-bits).

    Parameters
    ----------
    fmt : str

    Returns
    -------
    tuple of 3 floats
        The limits of "great", "check" and "suspicious" (above the last: "wrong").

    Examples
    --------
    >>> [round(t, 3) for t in gradcheck_thresholds("float16")]
    [0.045, 0.109, 0.265]
    """
    power = math.log(format_info(fmt).eps) / math.log(format_info("float64").eps)
    return tuple(t ** power for t in _THRESHOLDS_FLOAT64)
# --8<-- [end:gradcheck_thresholds]


# --8<-- [start:numerical_grad_in]
def numerical_grad_in(f, x, fmt, eps=None):
    r"""Two-sided differences as computed in ``fmt``: the points $x_i \pm \varepsilon$ and the values of $f$ rounded to it.

    $\dfrac{\mathrm{round}(f(x^+)) - \mathrm{round}(f(x^-))}{x_i^+ - x_i^-}$ with
    $x_i^\pm = \mathrm{round}(x_i \pm \varepsilon)$, $\varepsilon = \epsilon^{1/3}\max(1, |x_i|)$ by default.
    ``f`` itself runs in float64: only the last rounding is modelled (a lower bound on the error).
    See [gradient checking in 16 bits](course2/precision.md#gradient-checking-in-16-bits).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, called with float64 arrays.
    x : array_like of float, any shape
        The point (rounded to ``fmt`` first).
    fmt : str
    eps : float, optional

    Returns
    -------
    numpy.ndarray, shape and dtype of ``x``

    Examples
    --------
    >>> g = numerical_grad_in(lambda x: float(np.sum(x ** 2)), np.array([1.0, 3.0]), "float16")
    >>> np.round(g, 2).tolist()                      # 2x = [2, 6]
    [2.0, 6.0]
    """
    check_callable(f, "f")
    dtype = as_float_array(x, "x").dtype
    x = round_to(as_float_array(x, "x").astype(np.float64), fmt)
    eps = None if eps is None else check_positive(eps, "eps")
    step = format_info(fmt).eps ** (1 / 3)
    grad = np.empty_like(x)
    for i in range(x.size):
        h = eps if eps is not None else step * max(1.0, abs(float(x.flat[i])))
        up, down = x.copy(), x.copy()
        up.flat[i] = round_to(np.array(x.flat[i] + h), fmt)
        down.flat[i] = round_to(np.array(x.flat[i] - h), fmt)
        taken = float(up.flat[i] - down.flat[i])
        if taken == 0:
            raise ValueError(f"eps: expected a step that {fmt} can represent at x.flat[{i}] = {x.flat[i]!r}, got {h!r}")
        values = round_to(np.array([float(f(up)), float(f(down))]), fmt)
        grad.flat[i] = (values[0] - values[1]) / taken
    return grad.astype(dtype)
# --8<-- [end:numerical_grad_in]
