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

    With $v_0 = 0$ and $v_t = \\beta v_{t-1} + (1-\\beta)\\theta_t$, unrolling the
    recursion gives
    $$v_t = (1-\\beta)\\sum_{k=1}^{t} \\beta^{t-k}\\,\\theta_k,$$
    a weighted sum whose weights add up to
    $$(1-\\beta)\\sum_{k=1}^{t}\\beta^{t-k} = (1-\\beta)\\,\\frac{1-\\beta^t}{1-\\beta} = 1-\\beta^t,$$
    not to 1: the missing mass $\\beta^t$ is the weight of the initial
    $v_0 = 0$, which pulls early averages towards zero. Dividing by the sum
    of the weights,
    $$\\hat v_t = \\frac{v_t}{1-\\beta^t},$$
    makes it a proper weighted mean; for a constant series $\\theta_t = c$ it
    gives exactly $c$ at every $t$. The correction fades as $\\beta^t \\to 0$.
    The correction divides the *output*; the recursion itself always runs on
    the uncorrected $v_{t-1}$. Both are computed in float64: in float32,
    $\\beta = 0.9999999$ rounds to $0.99999988$ and $1-\\beta^t$ is off by 19 %,
    which would give 8.39 instead of 10 for a constant series of 10.
    See [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages)
    and [bias correction](course2/week2.md#bias-correction).

    Parameters
    ----------
    series : array_like, shape (T,) or (T, ...)
        $\\theta_1, \\dots, \\theta_T$; time runs along axis 0 (any further
        axes are averaged independently).
    beta : float
        Averaging coefficient in $[0, 1)$. The average covers roughly the
        last $1/(1-\\beta)$ values (``beta=0.9``: about 10).
    bias_correction : bool, default False
        Divide $v_t$ by $1-\\beta^t$.

    Returns
    -------
    v : ndarray, same shape and float dtype as ``series``
        ``v[t-1]`` is $v_t$ (or $\\hat v_t$ with bias correction). The
        recursion and the correction run in float64 and the result is cast
        back, so a float32 series gets float32 results with float64 accuracy.

    Examples
    --------
    >>> ewa([10.0, 10.0, 10.0], beta=0.9)
    array([1.  , 1.9 , 2.71])
    >>> ewa([10.0, 10.0, 10.0], beta=0.9, bias_correction=True)
    array([10., 10., 10.])
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

    From $v_t = (1-\\beta)\\sum_{k\\le t}\\beta^{t-k}\\theta_k$. The weights fall
    by a factor $1/e$ after about $1/(1-\\beta)$ steps since
    $\\beta^{1/(1-\\beta)} \\approx 1/e$. See
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
