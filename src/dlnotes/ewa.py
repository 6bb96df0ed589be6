"""Exponentially weighted averages (the building block of momentum, RMSprop and Adam).

See [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_beta, check_bool, check_scalar

__all__ = ["ewa", "ewa_weights"]


# --8<-- [start:ewa]
def ewa(series, beta, bias_correction=False):
    """Exponentially weighted average of a series, optionally bias-corrected.

    $$v_t = \\beta v_{t-1} + (1-\\beta)\\theta_t \\ (v_0 = 0), \\qquad \\hat v_t = \\frac{v_t}{1-\\beta^t};$$
    the correction divides the output, the recursion runs on the uncorrected $v_{t-1}$. See
    [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages)
    and [bias correction](course2/week2.md#bias-correction).

    Parameters
    ----------
    series : array_like, shape (T,) or (T, ...)
        $\\theta_1, \\dots, \\theta_T$ along axis 0 (further axes are averaged independently).
    beta : float
        In $[0, 1)$; the average covers roughly the last $1/(1-\\beta)$ values.
    bias_correction : bool, default False
        Divide $v_t$ by $1-\\beta^t$.

    Returns
    -------
    v : ndarray, same shape and float dtype as ``series``
        ``v[t-1]`` is $v_t$ (or $\\hat v_t$). Computed in float64 and cast back: in float32,
        $\\beta = 0.9999999$ would round and $1-\\beta^t$ be off by 19 %.

    Examples
    --------
    >>> ewa([10.0, 10.0, 10.0], beta=0.9)
    array([1.  , 1.9 , 2.71])
    """
    theta = as_float_array(series, "series")
    if theta.ndim == 0:
        raise ValueError(f"series: expected a 1-D array (time along axis 0), got a scalar {theta!r}")
    beta = float(check_beta(beta, "beta"))
    bias_correction = check_bool(bias_correction, "bias_correction")
    out = np.empty(theta.shape, dtype=np.float64)        # float64 inside, cast back at the end
    # --8<-- [start:ewa-loop]
    v = np.zeros(theta.shape[1:])
    for t in range(theta.shape[0]):
        v = beta * v + (1.0 - beta) * theta[t]
        out[t] = v
    # --8<-- [end:ewa-loop]
    if bias_correction:
        t = np.arange(1, theta.shape[0] + 1, dtype=np.float64)
        out /= (1.0 - beta ** t).reshape((-1,) + (1,) * (theta.ndim - 1))
    return out.astype(theta.dtype, copy=False)
# --8<-- [end:ewa]


def ewa_weights(beta, t):
    """The weight $(1-\\beta)\\beta^{t-k}$ each $\\theta_k$ gets in $v_t$.

    They fall by $1/e$ after about $1/(1-\\beta)$ steps. See
    [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages).

    Parameters
    ----------
    beta : float
        Averaging coefficient in $[0, 1)$.
    t : int
        Time step $\\ge 1$.

    Returns
    -------
    w : ndarray, shape (t,)
        ``w[k-1]`` is the weight of $\\theta_k$; ``w.sum() == 1 - beta**t``.

    Examples
    --------
    >>> ewa_weights(0.5, 3)
    array([0.125, 0.25 , 0.5  ])
    """
    beta = float(check_beta(beta, "beta"))
    t = check_scalar(t, "t", low=1, integer=True)
    return (1.0 - beta) * beta ** np.arange(t - 1, -1, -1, dtype=np.float64)
