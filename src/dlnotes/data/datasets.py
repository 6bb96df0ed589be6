"""The data sets of the pages, examples as columns: toy point sets, the digits, a temperature series.

``X`` has shape ``(n_x, m)`` and ``Y`` shape ``(1, m)``. Every generator takes an explicit ``rng``
(a ``numpy.random.Generator`` or an int seed), so the same seed gives the same data. The planar
"flower" is used on [the shallow-network page](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import check_bool, check_rng, check_scalar
from dlnotes.data._validate import _check_dtype, _check_m, _check_noise, _finite_or_blame

__all__ = ["make_flower", "make_moons", "make_circles", "make_noisy_regions", "load_digits", "synthetic_temperature"]


def _two_class(parts, rng, dtype, shuffle):
    """Stack (X_class, label) parts into X (2, m), Y (1, m); optionally shuffle columns."""
    X = np.concatenate([p for p, _ in parts], axis=1)
    Y = np.concatenate([np.full((1, p.shape[1]), lab) for p, lab in parts], axis=1)
    if shuffle:
        perm = rng.permutation(X.shape[1])
        X, Y = X[:, perm], Y[:, perm]
    return X.astype(dtype, copy=False), Y.astype(dtype, copy=False)


def make_flower(m=400, rng=0, *, dtype=np.float64):
    """The planar "flower": two classes of petals that no straight line separates.

    For class $j \\in \\{0, 1\\}$ with $N$ points, angles and radii are
    $$t = \\mathrm{linspace}(3.12j,\\ 3.12(j+1),\\ N) + 0.2\\,\\epsilon_1, \\qquad
      r = 4\\sin(4t) + 0.2\\,\\epsilon_2, \\qquad \\epsilon_i \\sim \\mathcal N(0, 1),$$
    and the point is $(r\\sin t,\\ r\\cos t)$: petals on opposite sides of the origin. See [a hidden layer on non-separable data](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).

    Parameters
    ----------
    m : int, default 400
        Number of points ($\\ge 2$); class 0 gets ``m // 2``, class 1 the rest.
    rng : numpy.random.Generator or int, default 0
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 (first half of the columns) and 1 (second half).

    Examples
    --------
    >>> X, Y = make_flower(400, rng=1)
    >>> X.shape, Y.shape, float(Y.mean())
    ((2, 400), (1, 400), 0.5)
    """
    m = _check_m(m)
    rng = check_rng(rng)
    dtype = _check_dtype(dtype)
    parts = []
    for j, N in enumerate((m // 2, m - m // 2)):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), N) + 0.2 * rng.standard_normal(N)
        r = 4.0 * np.sin(4.0 * t) + 0.2 * rng.standard_normal(N)
        parts.append((np.stack([r * np.sin(t), r * np.cos(t)]), j))
    return _two_class(parts, rng, dtype, shuffle=False)


def make_moons(m=200, noise=0.1, rng=0, *, dtype=np.float64):
    """Two interleaving half circles (the same recipe as scikit-learn's ``make_moons``).

    Outer moon: $(\\cos\\theta, \\sin\\theta)$, inner moon:
    $(1 - \\cos\\theta,\\ 1 - \\sin\\theta - 0.5)$, with $\\theta$ evenly spaced
    in $[0, \\pi]$, plus $\\mathcal N(0, \\text{noise}^2)$ on each coordinate.
    See [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Parameters
    ----------
    m : int, default 200
        Number of points ($\\ge 2$); ``m // 2`` on the outer moon (label 0).
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to each coordinate.
    rng : numpy.random.Generator or int, default 0
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 (outer moon) and 1 (inner moon), columns shuffled.

    Examples
    --------
    >>> X, Y = make_moons(100, noise=0.0, rng=0)
    >>> X.shape, int(Y.sum())
    ((2, 100), 50)
    """
    m = _check_m(m)
    noise = _check_noise(noise)
    rng = check_rng(rng)
    dtype = _check_dtype(dtype)
    n_out, n_in = m // 2, m - m // 2
    th_out = np.linspace(0.0, np.pi, n_out)
    th_in = np.linspace(0.0, np.pi, n_in)
    outer = np.stack([np.cos(th_out), np.sin(th_out)])
    inner = np.stack([1.0 - np.cos(th_in), 1.0 - np.sin(th_in) - 0.5])
    X, Y = _two_class([(outer, 0), (inner, 1)], rng, np.float64, shuffle=True)
    with np.errstate(over="ignore", invalid="ignore"):
        X = X + noise * rng.standard_normal(X.shape)
        X = X.astype(dtype, copy=False)
    _finite_or_blame([X], "noise", noise)
    return X, Y.astype(dtype, copy=False)


def make_circles(m=200, noise=0.1, factor=0.8, rng=0, *, dtype=np.float64):
    """A circle inside a larger circle (the same recipe as scikit-learn's ``make_circles``).

    Angles evenly spaced on $[0, 2\\pi)$; outer points $(\\cos\\theta, \\sin\\theta)$,
    inner points $\\text{factor}\\cdot(\\cos\\theta, \\sin\\theta)$, plus Gaussian noise.
    Separable by the radius, not by a line. See
    [bias and variance](course2/week1.md#bias-and-variance).

    Parameters
    ----------
    m : int, default 200
        Number of points ($\\ge 2$); ``m // 2`` on the outer circle (label 0).
    noise : float, default 0.1
        Standard deviation of the Gaussian noise on each coordinate.
    factor : float, default 0.8
        Radius of the inner circle (label 1), in $(0, 1)$.
    rng : numpy.random.Generator or int, default 0
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 (outer, radius 1) and 1 (inner, radius ``factor``), shuffled.

    Examples
    --------
    >>> X, Y = make_circles(8, noise=0.0, factor=0.5, rng=0)
    >>> np.round(np.hypot(X[0], X[1]), 3)[Y[0] == 1]
    array([0.5, 0.5, 0.5, 0.5])
    """
    m = _check_m(m)
    noise = _check_noise(noise)
    check_scalar(factor, "factor", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
    rng = check_rng(rng)
    dtype = _check_dtype(dtype)
    n_out, n_in = m // 2, m - m // 2
    th_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    th_in = np.linspace(0.0, 2 * np.pi, n_in, endpoint=False)
    outer = np.stack([np.cos(th_out), np.sin(th_out)])
    inner = factor * np.stack([np.cos(th_in), np.sin(th_in)])
    X, Y = _two_class([(outer, 0), (inner, 1)], rng, np.float64, shuffle=True)
    with np.errstate(over="ignore", invalid="ignore"):
        X = X + noise * rng.standard_normal(X.shape)
        X = X.astype(dtype, copy=False)
    _finite_or_blame([X], "noise", noise)
    return X, Y.astype(dtype, copy=False)


def make_noisy_regions(m=400, rng=0, *, label_noise=0.08, dtype=np.float64):
    """Two classes split by a wavy boundary, with noisy labels near it and a few outliers.

    Points are uniform in the square; with $d(x) = x_2 - 0.4\\sin(2.5\\,x_1) + 0.15$,
    $$y \\sim \\mathrm{Bernoulli}\\big(\\sigma(d(x)/\\tau)\\big),$$
    then 4 % of the labels are flipped. The best classifier is $[d(x) > 0]$: an unregularized
    network memorizes the rest (the regularization lab measures it). See
    [regularization](course2/week1.md#regularization).

    Parameters
    ----------
    m : int, default 400
        Number of points ($\\ge 2$).
    rng : numpy.random.Generator or int, default 0
    label_noise : float, default 0.08
        Width $\\tau > 0$ of the uncertain band around the boundary.
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
        Points in $[-1, 1]^2$.
    Y : ndarray, shape (1, m)
        Labels 0 and 1.

    Examples
    --------
    >>> X, Y = make_noisy_regions(400, rng=0)
    >>> X.shape, Y.shape
    ((2, 400), (1, 400))
    """
    m = _check_m(m)
    rng = check_rng(rng)
    check_scalar(label_noise, "label_noise", low=0.0, low_inclusive=False)
    dtype = _check_dtype(dtype)
    X = rng.uniform(-1.0, 1.0, size=(2, m))
    d = X[1] - 0.4 * np.sin(2.5 * X[0]) + 0.15
    with np.errstate(over="ignore"):          # a tiny tau: d / tau is +-inf and tanh gives +-1, exactly
        p = 0.5 * (1.0 + np.tanh(d / (2.0 * label_noise)))    # sigmoid(d / tau), overflow-free
    Y = (rng.random(m) < p).astype(np.float64)
    flip = rng.random(m) < 0.04
    Y[flip] = 1.0 - Y[flip]
    return X.astype(dtype, copy=False), Y.reshape(1, m).astype(dtype, copy=False)


def load_digits(*, scale=True, dtype=np.float64):
    """scikit-learn's 8x8 handwritten digits (1797 images, 10 classes), as columns.

    Ships inside scikit-learn (no download; ``pip install dlnotes[data]``). See
    [the digit detector](course1/week2.md#putting-it-together-a-digit-detector).

    Parameters
    ----------
    scale : bool, default True
        Divide the pixel intensities (0..16) by 16, so ``X`` is in $[0, 1]$.
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (64, 1797)
        One flattened 8x8 image per column (row-major: pixel ``(i, j)`` is row ``8 i + j``).
    labels : ndarray of int64, shape (1, 1797)
        Digits 0..9; use :func:`one_hot` for a softmax output.

    Examples
    --------
    >>> X, labels = load_digits()
    >>> X.shape, labels.shape, float(X.max()), int(labels.max())
    ((64, 1797), (1, 1797), 1.0, 9)
    """
    scale = check_bool(scale, "scale")
    dtype = _check_dtype(dtype)
    try:
        from sklearn.datasets import load_digits as _sk_load_digits
    except ImportError as exc:
        raise ImportError("load_digits needs scikit-learn, which ships the digits data: "
                          "pip install scikit-learn (or pip install 'dlnotes[data]')") from exc
    bunch = _sk_load_digits()
    X = bunch.data.T.astype(dtype)
    if scale:
        X /= 16.0
    labels = bunch.target.astype(np.int64).reshape(1, -1)
    return X, labels


def synthetic_temperature(rng=0, *, days=365, dtype=np.float64):
    """A year of daily temperatures: a seasonal curve plus persistent weather noise.

    $$\\theta_t = 11 - 7\\cos\\big(2\\pi (t - 20)/365\\big) + e_t, \\qquad
      e_t = 0.6\\, e_{t-1} + \\eta_t,\\ \\eta_t \\sim \\mathcal N(0, 2.5^2),$$
    the series the [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages) smooth.

    Parameters
    ----------
    rng : numpy.random.Generator or int, default 0
    days : int, default 365
        Number of days, $\\ge 1$.
    dtype : {float64, float32}

    Returns
    -------
    day : ndarray of int64, shape (days,)
        ``1, 2, ..., days``.
    theta : ndarray, shape (days,)
        Temperature in °C of each day.

    Examples
    --------
    >>> day, theta = synthetic_temperature(rng=0)
    >>> day.shape, theta.shape, bool(theta[180:200].mean() > theta[:20].mean() + 8)
    ((365,), (365,), True)
    """
    rng = check_rng(rng)
    check_scalar(days, "days", low=1, integer=True)
    dtype = _check_dtype(dtype)
    day = np.arange(1, days + 1, dtype=np.int64)
    season = 11.0 - 7.0 * np.cos(2.0 * np.pi * (day - 20) / 365.0)
    eta = rng.normal(0.0, 2.5, size=days)
    e = np.empty(days)
    prev = 0.0
    for t in range(days):
        prev = 0.6 * prev + eta[t]
        e[t] = prev
    return day, (season + e).astype(dtype)
