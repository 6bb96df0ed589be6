"""Hyperparameter search: sampling on the right scale, grid versus random points.

See [tuning hyperparameters](course2/week3.md#tuning-hyperparameters).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_positive, check_rng, check_scalar

__all__ = ["sample_uniform", "sample_log_uniform", "sample_beta", "grid_points", "random_points",
           "distinct_per_axis"]


def _size(size):
    check_scalar(size, "size", low=1, integer=True)
    return int(size)


def _interval(low, high, *, low_name="low", high_name="high", positive=False, below_one=False):
    check_scalar(low, low_name)
    check_scalar(high, high_name)
    if positive:
        check_positive(low, low_name)
    if below_one:
        check_scalar(low, low_name, low=0.0, high=1.0, high_inclusive=False)
        check_scalar(high, high_name, low=0.0, high=1.0, high_inclusive=False)
    if not low < high:
        raise ValueError(f"{high_name}: expected a value greater than {low_name}={low!r}, got {high!r}")
    return float(low), float(high)


def _uniform(rng, low, high, size):
    """``rng.uniform(low, high, size)``, also when ``high - low`` overflows (``-1e308`` to ``1e308``)."""
    if _span_is_finite(low, high):
        return rng.uniform(low, high, size=size)
    u = rng.random(size)
    x = (1.0 - u) * low + u * high     # a convex combination: each term stays in range
    return np.minimum(x, np.nextafter(high, low))


def sample_uniform(low, high, size, rng):
    """Draw values uniformly on $[\\text{low}, \\text{high})$ (a linear scale).

    For a roughly linear effect (hidden units from 50 to 100), not for ranges spanning decades.
    See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Interval, ``low < high``.
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)

    Examples
    --------
    >>> x = sample_uniform(50, 100, size=1000, rng=0)
    >>> bool(x.min() >= 50 and x.max() < 100)
    True
    """
    low, high = _interval(low, high)
    rng = check_rng(rng)
    return _uniform(rng, low, high, _size(size))


def sample_log_uniform(low, high, size, rng):
    """Draw values uniformly on a log scale between ``low`` and ``high``.

    $$r \\sim U[\\log_{10}\\text{low},\\ \\log_{10}\\text{high}], \\qquad \\alpha = 10^{r}:$$
    each decade gets the same share of samples. See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Interval, ``0 < low < high`` (e.g. learning rates 1e-4 to 1).
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)

    Examples
    --------
    >>> lr = sample_log_uniform(1e-4, 1.0, size=10_000, rng=0)
    >>> round(float(np.mean(lr < 1e-3)), 2)      # a quarter in the lowest decade
    0.25
    """
    low, high = _interval(low, high, positive=True)
    rng = check_rng(rng)
    with np.errstate(over="ignore"):      # high near the float maximum: 10 ** r may round to inf
        # --8<-- [start:log-uniform-draw]
        r = rng.uniform(np.log10(low), np.log10(high), size=_size(size))
        alpha = 10.0 ** r
        # --8<-- [end:log-uniform-draw]
    return np.clip(alpha, low, high)      # 10 ** log10(x) may round just outside [low, high]


def sample_beta(low, high, size, rng):
    """Draw averaging coefficients $\\beta$ log-uniformly on $1-\\beta$.

    The averaging window $1/(1-\\beta)$ is what matters, so
    $$r \\sim U[\\log_{10}(1-\\text{high}),\\ \\log_{10}(1-\\text{low})], \\qquad \\beta = 1 - 10^{r}.$$
    See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Range of $\\beta$, ``0 <= low < high < 1`` (e.g. 0.9 to 0.999).
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)
        Values in $(\\text{low}, \\text{high}]$.

    Examples
    --------
    >>> b = sample_beta(0.9, 0.999, size=10_000, rng=0)
    >>> round(float(np.mean(b > 0.99)), 1)        # half of the samples in [0.99, 0.999]
    0.5
    """
    low, high = _interval(low, high, below_one=True)
    rng = check_rng(rng)
    # --8<-- [start:beta-draw]
    r = rng.uniform(np.log10(1.0 - high), np.log10(1.0 - low), size=_size(size))
    beta = 1.0 - 10.0 ** r
    # --8<-- [end:beta-draw]
    return np.clip(beta, low, high)       # rounding must not give a beta of 1 or below low


def _bounds(low, high, name_low="low", name_high="high"):
    lo = np.atleast_1d(as_float_array(low, name_low)).astype(np.float64, copy=False)
    hi = np.atleast_1d(as_float_array(high, name_high)).astype(np.float64, copy=False)
    for name, arr in ((name_low, lo), (name_high, hi)):
        if arr.ndim != 1:
            raise ValueError(f"{name}: expected a number or a 1-D sequence of d numbers (one per "
                             f"hyperparameter), got shape {arr.shape}")
    if lo.shape != hi.shape:
        raise ValueError(f"{name_high}: expected the shape of {name_low} {lo.shape}, got {hi.shape}")
    if not np.all(lo < hi):
        raise ValueError(f"{name_high}: expected values greater than {name_low}={lo.tolist()}, "
                         f"got {hi.tolist()}")
    return lo, hi


def _span_is_finite(lo, hi):
    with np.errstate(over="ignore"):
        return bool(np.all(np.isfinite(hi - lo)))


def _between(lo, hi, t):
    """``lo + (hi - lo) * t`` for ``t`` in [0, 1], also when ``hi - lo`` overflows."""
    if _span_is_finite(lo, hi):
        return lo + (hi - lo) * t
    return (1.0 - t) * lo + t * hi       # a convex combination: each term stays in range


def grid_points(n_per_axis, low=(0.0, 0.0), high=(1.0, 1.0)):
    """The points of a regular grid search over a box.

    $n^d$ trainings try only $n$ values of each hyperparameter. See
    [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    n_per_axis : int
        Values tried per hyperparameter, $\\ge 1$ (centred cells when 1).
    low, high : sequence of float, length d
        Corners of the box (default: the unit square, d = 2).

    Returns
    -------
    ndarray, shape (n_per_axis ** d, d)
        One point per row; the first coordinate varies slowest.

    Examples
    --------
    >>> grid_points(2)
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    """
    check_scalar(n_per_axis, "n_per_axis", low=1, integer=True)
    lo, hi = _bounds(low, high)
    if float(n_per_axis) ** lo.size > 1e8:
        raise ValueError(f"n_per_axis: expected at most 1e8 grid points (n_per_axis ** {lo.size}), "
                         f"got {n_per_axis} ** {lo.size} = {float(n_per_axis) ** lo.size:.3g}")
    if n_per_axis == 1:
        axes = [np.array([a / 2 + b / 2]) for a, b in zip(lo, hi)]      # (a + b) / 2 may overflow
    elif _span_is_finite(lo, hi):
        axes = [np.linspace(a, b, n_per_axis) for a, b in zip(lo, hi)]
    else:
        axes = [_between(a, b, np.linspace(0.0, 1.0, n_per_axis)) for a, b in zip(lo, hi)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


# --8<-- [start:random_points]
def random_points(n, rng, low=(0.0, 0.0), high=(1.0, 1.0)):
    """Points drawn uniformly at random in a box (random search).

    $n$ points try $n$ distinct values of every hyperparameter. See
    [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    n : int
        Number of points, $\\ge 1$.
    rng : numpy.random.Generator or int
    low, high : sequence of float, length d
        Corners of the box (default: the unit square).

    Returns
    -------
    ndarray, shape (n, d)

    Examples
    --------
    >>> random_points(25, rng=0).shape
    (25, 2)
    """
    check_scalar(n, "n", low=1, integer=True)
    lo, hi = _bounds(low, high)
    rng = check_rng(rng)
    return _between(lo, hi, rng.random((int(n), lo.size)))
# --8<-- [end:random_points]


def distinct_per_axis(points):
    """How many distinct values each hyperparameter takes in a set of points.

    Why random search beats a grid when only some hyperparameters matter; see [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    points : array_like, shape (n, d)

    Returns
    -------
    list of int, length d

    Examples
    --------
    >>> distinct_per_axis(grid_points(5)), distinct_per_axis(random_points(25, rng=0))
    ([5, 5], [25, 25])
    """
    pts = as_float_array(points, "points")
    if pts.ndim != 2:
        raise ValueError(f"points: expected a 2-D array of shape (n, d), got shape {pts.shape}")
    return [int(np.unique(pts[:, j]).size) for j in range(pts.shape[1])]
