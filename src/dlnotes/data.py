"""Data sets and data handling, in the course's layout: examples are columns.

``X`` has shape ``(n_x, m)`` and ``Y`` shape ``(1, m)`` (or ``(C, m)`` one-hot).
Every generator takes an explicit ``rng`` (a ``numpy.random.Generator`` or an
int seed), so the same seed gives the same data. Splitting, mini-batches and
normalization are derived on the practical-aspects page
([train, dev and test sets](course2/week1.md#train-dev-and-test-sets),
[normalizing the inputs](course2/week1.md#normalizing-the-inputs)) and
[mini-batches](course2/week2.md#mini-batch-gradient-descent) on the optimization page; the planar
"flower" is used on [the shallow-network page](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).
"""

from __future__ import annotations

import numpy as np

from collections.abc import Mapping

from dlnotes._checks import (
    as_float_array,
    check_bool,
    check_float_dtype,
    check_rng,
    check_same_dtype,
    check_scalar,
    check_sequence,
)

__all__ = [
    "make_flower",
    "make_moons",
    "make_circles",
    "make_noisy_regions",
    "load_digits",
    "train_dev_test_split",
    "random_mini_batches",
    "one_hot",
    "standardize_fit",
    "standardize_apply",
    "augment_2d",
    "flatten_images",
    "unflatten_images",
    "flip_images",
    "shift_images",
    "augment_images",
    "synthetic_temperature",
]


def _check_m(m, minimum=2):
    check_scalar(m, "m", low=minimum, integer=True)
    return int(m)


def _check_dtype(dtype):
    return check_float_dtype(dtype, "dtype")


def _finite_or_blame(arrays, name, value):
    """Finite parameters can still give points that overflow (``noise=1e308``): name the parameter."""
    for arr in arrays:
        if arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
            raise ValueError(f"{name}: expected a value small enough for finite points, got {value!r} "
                             "(the points overflow the float range)")


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

    Parameters
    ----------
    m : int, default 400
        Number of points ($\\ge 2$); class 0 gets ``m // 2``, class 1 the rest.
    rng : numpy.random.Generator or int, default 0
        Source of randomness.
    dtype : {float64, float32}
        Dtype of ``X`` and ``Y``.

    Returns
    -------
    X : ndarray, shape (2, m)
        Points, one per column.
    Y : ndarray, shape (1, m)
        Labels 0 (first half of the columns) and 1 (second half).

    Raises
    ------
    TypeError
        If ``m`` is not an integer, ``rng`` is neither a ``numpy.random.Generator`` nor an int seed,
        or ``dtype`` is not float32 or float64.
    ValueError
        If ``m < 2`` or ``rng`` is a negative seed.

    Notes
    -----
    For class $j \\in \\{0, 1\\}$ with $N$ points, angles and radii are
    $$t = \\mathrm{linspace}(3.12j,\\ 3.12(j+1),\\ N) + 0.2\\,\\epsilon_1, \\qquad
      r = 4\\sin(4t) + 0.2\\,\\epsilon_2, \\qquad \\epsilon_i \\sim \\mathcal N(0, 1),$$
    and the point is $(r\\sin t,\\ r\\cos t)$. Because $r$ changes sign with
    $\\sin 4t$, each class forms petals on opposite sides of the origin:
    logistic regression gets about half of the points right (47-51 % on
    the training set, depending on the seed), a tanh network with 4 hidden
    units more than 90 %.
    See [a hidden layer on non-separable data](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).

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


def _check_noise(noise):
    return float(check_scalar(noise, "noise", low=0.0))


def make_moons(m=200, noise=0.1, rng=0, *, dtype=np.float64):
    """Two interleaving half circles (the same recipe as scikit-learn's ``make_moons``).

    Parameters
    ----------
    m : int, default 200
        Number of points ($\\ge 2$); ``m // 2`` on the outer moon (label 0).
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to each coordinate.
    rng : numpy.random.Generator or int, default 0
        Source of randomness.
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 (outer moon) and 1 (inner moon), columns shuffled.

    Raises
    ------
    TypeError
        If ``m`` is not an integer, ``noise`` not a real number, ``rng`` is neither a
        ``numpy.random.Generator`` nor an int seed, or ``dtype`` is not float32 or float64.
    ValueError
        If ``m < 2``, ``noise`` is negative, NaN, infinite or so large that the points overflow, or
        ``rng`` is a negative seed.

    Notes
    -----
    Outer moon: $(\\cos\\theta, \\sin\\theta)$, inner moon:
    $(1 - \\cos\\theta,\\ 1 - \\sin\\theta - 0.5)$, with $\\theta$ evenly spaced
    in $[0, \\pi]$, plus $\\mathcal N(0, \\text{noise}^2)$ on each coordinate.
    See [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

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

    Parameters
    ----------
    m : int, default 200
        Number of points ($\\ge 2$); ``m // 2`` on the outer circle (label 0).
    noise : float, default 0.1
        Standard deviation of the Gaussian noise on each coordinate.
    factor : float, default 0.8
        Radius of the inner circle (label 1), in $(0, 1)$.
    rng : numpy.random.Generator or int, default 0
        Source of randomness.
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
    Y : ndarray, shape (1, m)
        Labels 0 (outer, radius 1) and 1 (inner, radius ``factor``), shuffled.

    Raises
    ------
    TypeError
        If ``m`` is not an integer, ``noise`` or ``factor`` not a real number, ``rng`` is neither a
        ``numpy.random.Generator`` nor an int seed, or ``dtype`` is not float32 or float64.
    ValueError
        If ``m < 2``, ``noise`` is negative, NaN, infinite or so large that the points overflow,
        ``factor`` is outside $(0, 1)$, or ``rng`` is a negative seed.

    Notes
    -----
    Angles evenly spaced on $[0, 2\\pi)$; outer points $(\\cos\\theta, \\sin\\theta)$,
    inner points $\\text{factor}\\cdot(\\cos\\theta, \\sin\\theta)$, plus Gaussian noise.
    Separable by the radius, not by a line. See
    [bias and variance](course2/week1.md#bias-and-variance).

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

    Built for the regularization experiment: split it in half (about 200
    training and 200 test points) and an unregularized 2-20-3-1 network
    trained long enough carves small islands around the noisy training
    labels (train accuracy well above test accuracy), while L2 or dropout
    gives a smooth boundary close to the true one.

    Parameters
    ----------
    m : int, default 400
        Number of points ($\\ge 2$).
    rng : numpy.random.Generator or int, default 0
        Source of randomness.
    label_noise : float, default 0.08
        Width $\\tau > 0$ of the band around the boundary where labels are
        uncertain (larger: noisier).
    dtype : {float64, float32}

    Returns
    -------
    X : ndarray, shape (2, m)
        Points in $[-1, 1]^2$.
    Y : ndarray, shape (1, m)
        Labels 0 and 1.

    Raises
    ------
    TypeError
        If ``m`` is not an integer, ``label_noise`` not a real number, ``rng`` is neither a
        ``numpy.random.Generator`` nor an int seed, or ``dtype`` is not float32 or float64.
    ValueError
        If ``m < 2``, ``label_noise`` is not positive and finite, or ``rng`` is a negative seed.

    Notes
    -----
    Points are uniform in the square. With the signed distance-like score
    $d(x) = x_2 - 0.4\\sin(2.5\\,x_1) + 0.15$ the label is drawn as
    $$y \\sim \\mathrm{Bernoulli}\\big(\\sigma(d(x)/\\tau)\\big),$$
    so labels are certain far from the curve $d = 0$ and coin flips on it;
    then 4 % of the labels, chosen at random, are flipped (outliers). The
    best possible classifier is $\\hat y = [d(x) > 0]$; every training label
    that disagrees with it is noise a network can only memorize. Measured
    (``rng=0``, a 50/50 split with ``rng=0``, a 2-20-3-1 ReLU network, Adam
    with learning rate 0.01 for 3000 full-batch epochs): 96.5 % train and
    79.5 % test accuracy without regularization, 91.5 % and 84 % with L2
    ($\\lambda = 1$). See
    [regularization](course2/week1.md#regularization).

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

    The data ships inside scikit-learn (no download). Install it with
    ``pip install scikit-learn`` (or ``pip install dlnotes[data]``).

    Parameters
    ----------
    scale : bool, default True
        Divide the pixel intensities (integers 0..16) by 16, so ``X`` is in $[0, 1]$.
    dtype : {float64, float32}
        Dtype of ``X``.

    Returns
    -------
    X : ndarray, shape (64, 1797)
        One flattened 8x8 image per column (row-major: pixel ``(i, j)`` is row ``8 i + j``).
    labels : ndarray of int64, shape (1, 1797)
        Digits 0..9; use :func:`one_hot` for a softmax output.

    Raises
    ------
    TypeError
        If ``scale`` is not ``True`` or ``False`` (a string such as ``"no"`` is refused), or
        ``dtype`` is not float32 or float64.

    Notes
    -----
    Small enough to train a softmax network in seconds; used for the
    mini-batch and optimizer experiments on
    [the digit detector](course1/week2.md#putting-it-together-a-digit-detector).

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


def _as_numeric(A, name, *, numeric=True):
    """``np.asarray(A)`` keeping its dtype (integer images stay integers), with clear refusals."""
    if isinstance(A, np.matrix):
        raise TypeError(f"{name}: expected a numpy.ndarray, got numpy.matrix (use np.asarray)")
    if isinstance(A, np.ma.MaskedArray):
        raise TypeError(f"{name}: expected a numpy.ndarray, got a masked array (fill or drop the masked entries)")
    if A is None or isinstance(A, (str, bytes, Mapping)):
        raise TypeError(f"{name}: expected an array, got {type(A).__name__} {A!r}"[:300])
    A = np.asarray(A)
    allowed = "biuf" if numeric else "biufUS"
    if A.dtype.kind not in allowed:
        raise TypeError(f"{name}: expected an array of {'numbers' if numeric else 'numbers or strings'}, "
                        f"got dtype {A.dtype}")
    if A.dtype.kind == "f" and A.size and not (np.isfinite(A.min()) and np.isfinite(A.max())):
        bad = int(A.size - np.count_nonzero(np.isfinite(A)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")
    return A


def _as_columns(A, name, m=None, *, numeric=True):
    A = _as_numeric(A, name, numeric=numeric)
    if A.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array with examples as columns, got shape {A.shape}")
    if m is not None and A.shape[1] != m:
        raise ValueError(f"{name}: expected shape (n, {m}) to match X's {m} examples "
                         f"(examples are columns), got {A.shape}")
    if A.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {A.shape}")
    return A


# --8<-- [start:train_dev_test_split]
def train_dev_test_split(X, Y, fractions=(0.8, 0.1, 0.1), rng=0):
    """Shuffle the columns and cut them into train / dev / test sets.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
        Labels (any dtype), same columns as ``X``.
    fractions : sequence of 2 or 3 floats, default (0.8, 0.1, 0.1)
        Positive shares summing to 1: ``(train, dev, test)`` or ``(train, test)``.
    rng : numpy.random.Generator or int, default 0
        Source of the shuffle.

    Returns
    -------
    tuple of ndarray
        ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)``, or
        ``(X_train, Y_train, X_test, Y_test)`` for two fractions. Each part is
        non-empty; the sizes are the rounded cumulative fractions of ``m``.

    Raises
    ------
    TypeError
        If ``X`` is not an array of numbers, ``Y`` not an array of numbers or strings, ``fractions``
        not a sequence of numbers, or ``rng`` is neither a ``numpy.random.Generator`` nor an int
        seed.
    ValueError
        If ``X`` or ``Y`` is not 2-D, empty or holds NaN or inf, ``Y`` does not have the ``m``
        columns of ``X``, the fractions are not 2 or 3 positive numbers summing to 1 or leave a set
        empty, or ``rng`` is a negative seed.

    Notes
    -----
    Shuffle before cutting so that every set comes from the same
    distribution (data are often stored sorted by class or by source). With
    a lot of data the dev and test sets need only be large enough to measure
    the difference you care about: 98/1/1 for a million examples. See
    [train, dev and test sets](course2/week1.md#train-dev-and-test-sets).

    Examples
    --------
    >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    >>> parts = train_dev_test_split(X, Y, (0.6, 0.2, 0.2), rng=0)
    >>> [p.shape for p in parts]
    [(2, 6), (1, 6), (2, 2), (1, 2), (2, 2), (1, 2)]
    >>> sorted(np.concatenate([parts[1], parts[3], parts[5]], axis=1)[0].tolist()) == list(range(10))
    True
    """
    X = _as_columns(X, "X")
    m = X.shape[1]
    Y = _as_columns(Y, "Y", m, numeric=False)
    check_sequence(fractions, "fractions", "a sequence of 2 or 3 numbers")
    for f in fractions:
        if isinstance(f, bool) or not isinstance(f, (int, float, np.integer, np.floating)):
            raise TypeError(f"fractions: expected a sequence of 2 or 3 numbers, got {fractions!r}"[:300])
    fr = [float(f) for f in fractions]
    if len(fr) not in (2, 3) or any(not np.isfinite(f) or f <= 0 for f in fr) or abs(sum(fr) - 1.0) > 1e-9:
        raise ValueError(f"fractions: expected 2 or 3 positive numbers summing to 1, got {tuple(fractions)!r}")
    rng = check_rng(rng)
    bounds = np.round(np.cumsum(fr) * m).astype(int)
    bounds[-1] = m
    starts = np.concatenate([[0], bounds[:-1]])
    if np.any(bounds - starts < 1):
        raise ValueError(f"fractions: {tuple(fractions)!r} of m={m} examples leaves an empty set "
                         f"(sizes {(bounds - starts).tolist()})")
    perm = rng.permutation(m)
    out = []
    for a, b in zip(starts, bounds):
        idx = perm[a:b]
        out += [X[:, idx], Y[:, idx]]
    return tuple(out)
# --8<-- [end:train_dev_test_split]


def _mini_batches(X, Y, batch_size, rng):
    """:func:`random_mini_batches` without validation (for the training loop)."""
    m = X.shape[1]
    perm = rng.permutation(m)
    Xs, Ys = X[:, perm], Y[:, perm]
    return [(Xs[:, k:k + batch_size], Ys[:, k:k + batch_size]) for k in range(0, m, batch_size)]


# --8<-- [start:random_mini_batches]
def random_mini_batches(X, Y, batch_size=64, rng=0):
    """Shuffle the columns and partition them into mini-batches.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
    batch_size : int, default 64
        Columns per mini-batch, $\\ge 1$ (``batch_size >= m``: one batch, i.e.
        batch gradient descent; 1: stochastic gradient descent).
    rng : numpy.random.Generator or int, default 0
        Source of the shuffle (pass the same Generator every epoch to get a
        new order each time).

    Returns
    -------
    list of (X_batch, Y_batch)
        $\\lceil m / \\mathrm{batch\\_size}\\rceil$ pairs; every batch has
        ``batch_size`` columns except possibly the last, which has
        $m - \\mathrm{batch\\_size}\\lfloor m/\\mathrm{batch\\_size}\\rfloor$.

    Raises
    ------
    TypeError
        If ``X`` is not an array of numbers, ``Y`` not an array of numbers or strings,
        ``batch_size`` not an integer, or ``rng`` is neither a ``numpy.random.Generator`` nor an int
        seed.
    ValueError
        If ``X`` or ``Y`` is not 2-D, empty or holds NaN or inf, ``Y`` does not have the ``m``
        columns of ``X``, ``batch_size < 1``, or ``rng`` is a negative seed.

    Notes
    -----
    Each epoch visits every example exactly once (a partition, not sampling
    with replacement). Step 1, shuffle: ``X[:, perm]``, ``Y[:, perm]`` with the
    same permutation so examples keep their labels. Step 2, partition. See
    [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Examples
    --------
    >>> X, Y = np.zeros((3, 148)), np.zeros((1, 148))
    >>> [xb.shape[1] for xb, yb in random_mini_batches(X, Y, 64, rng=0)]
    [64, 64, 20]
    """
    X = _as_columns(X, "X")
    Y = _as_columns(Y, "Y", X.shape[1], numeric=False)
    check_scalar(batch_size, "batch_size", low=1, integer=True)
    rng = check_rng(rng)
    return _mini_batches(X, Y, int(batch_size), rng)
# --8<-- [end:random_mini_batches]


def one_hot(labels, C, *, dtype=np.float64):
    """Turn integer labels into one-hot columns.

    Parameters
    ----------
    labels : array_like of int, shape (1, m) or (m,)
        Class indices in $\\{0, \\dots, C-1\\}$.
    C : int
        Number of classes, $\\ge 2$.
    dtype : {float64, float32}

    Returns
    -------
    Y : ndarray, shape (C, m)
        ``Y[c, i] = 1`` if ``labels[i] == c`` else 0.

    Raises
    ------
    TypeError
        If ``labels`` are not integer class indices (strings, ``None``, booleans, fractions), ``C``
        is not an integer, or ``dtype`` is not float32 or float64.
    ValueError
        If ``labels`` is not 1-D or ``(1, m)``, is empty, holds NaN or inf, or a value outside $[0,
        C-1]$, or if ``C < 2``.

    Notes
    -----
    The target of a softmax output layer; see
    [softmax regression](course2/week3.md#softmax-regression).

    Examples
    --------
    >>> one_hot([[2, 0, 1]], 3)
    array([[0., 1., 0.],
           [0., 0., 1.],
           [1., 0., 0.]])
    """
    check_scalar(C, "C", low=2, integer=True)
    dtype = _check_dtype(dtype)
    if labels is None or isinstance(labels, (str, bytes, Mapping)):
        raise TypeError(f"labels: expected integer class indices, got {type(labels).__name__} {labels!r}"[:300])
    lab = _as_numeric(labels, "labels")        # refuses matrices, strings, NaN and inf
    if lab.ndim == 2 and lab.shape[0] == 1:
        lab = lab[0]
    if lab.ndim != 1:
        raise ValueError(f"labels: expected shape (1, m) or (m,), got {lab.shape}")
    if lab.size == 0:
        raise ValueError(f"labels: expected at least one label, got shape {lab.shape}")
    if lab.dtype.kind == "f" and np.all(lab == np.round(lab)):
        if lab.min() < 0 or lab.max() >= C:     # before the cast: 1e20 has no int64
            raise ValueError(f"labels: expected values in [0, {C - 1}], got min {lab.min()} and max {lab.max()}")
        lab = lab.astype(np.int64)
    if lab.dtype.kind not in "iu":
        raise TypeError(f"labels: expected integer class indices, got dtype {lab.dtype}")
    if lab.size and (lab.min() < 0 or lab.max() >= C):
        raise ValueError(f"labels: expected values in [0, {C - 1}], got min {lab.min()} and max {lab.max()}")
    Y = np.zeros((int(C), lab.size), dtype=dtype)
    Y[lab, np.arange(lab.size)] = 1.0
    return Y


# --8<-- [start:standardize_fit]
def standardize_fit(X):
    """Per-feature mean and standard deviation of the *training* set.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Training examples only.

    Returns
    -------
    mu : ndarray, shape (n_x, 1)
    sigma : ndarray, shape (n_x, 1)
        Standard deviations; a constant feature gets $\\sigma = 1$ (it is
        only centred) instead of a division by zero.

    Raises
    ------
    TypeError
        If ``X`` is not a numeric ``numpy.ndarray`` (a list is converted; a matrix is refused).
    ValueError
        If ``X`` is not 2-D, is empty, or holds NaN or inf.

    Notes
    -----
    $$\\mu = \\frac1m\\sum_i x^{(i)}, \\qquad \\sigma^2 = \\frac1m\\sum_i (x^{(i)}-\\mu)^2,$$
    element-wise. Normalization divides by $\\sigma$, not $\\sigma^2$: the
    result has unit variance because
    $\\mathrm{Var}\\big((x-\\mu)/\\sigma\\big) = \\sigma^2/\\sigma^2 = 1$. Apply the
    *same* $\\mu, \\sigma$ (from training data) to dev and test data: see
    [normalizing the inputs](course2/week1.md#normalizing-the-inputs).

    Examples
    --------
    >>> mu, sigma = standardize_fit(np.array([[1.0, 3.0], [5.0, 5.0]]))
    >>> mu.ravel(), sigma.ravel()
    (array([2., 5.]), array([1., 1.]))
    """
    X = as_float_array(X, "X", ndim=2)
    try:
        with np.errstate(over="raise", invalid="raise"):
            mu = X.mean(axis=1, keepdims=True)
            sigma = X.std(axis=1, keepdims=True)
    except FloatingPointError:       # values near the float maximum: the same statistics, rescaled
        scale = np.abs(X).max(axis=1, keepdims=True)
        scale[scale == 0] = 1.0
        Xs = X / scale
        mu = Xs.mean(axis=1, keepdims=True) * scale
        sigma = Xs.std(axis=1, keepdims=True) * scale
    sigma[sigma == 0] = 1.0
    return mu, sigma
# --8<-- [end:standardize_fit]


def standardize_apply(X, mu, sigma):
    """Normalize examples with statistics from :func:`standardize_fit`.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Any split (train, dev, test).
    mu, sigma : ndarray, shape (n_x, 1)
        From :func:`standardize_fit` on the training set.

    Returns
    -------
    ndarray, shape (n_x, m), dtype of ``X``
        $(X - \\mu)/\\sigma$.

    Raises
    ------
    TypeError
        If an argument is not numeric, or ``mu`` or ``sigma`` does not have the dtype of ``X``
        (float32 and float64 are not mixed).
    ValueError
        If ``mu`` or ``sigma`` is not ``(n_x, 1)``, an input holds NaN or inf, a ``sigma`` is not
        positive, or $(X - \\mu)/\\sigma$ overflows.

    Notes
    -----
    See [normalizing the inputs](course2/week1.md#normalizing-the-inputs).

    Examples
    --------
    >>> X = np.array([[1.0, 3.0], [5.0, 5.0]])
    >>> standardize_apply(X, *standardize_fit(X))
    array([[-1.,  1.],
           [ 0.,  0.]])
    """
    X = as_float_array(X, "X", ndim=2)
    mu = as_float_array(mu, "mu")
    sigma = as_float_array(sigma, "sigma")
    for name, s in (("mu", mu), ("sigma", sigma)):
        if s.shape != (X.shape[0], 1):
            raise ValueError(f"{name}: expected shape ({X.shape[0]}, 1) to match X's {X.shape[0]} features, "
                             f"got {s.shape}")
        check_same_dtype(s, name, X, "X")
    if np.any(sigma <= 0):
        raise ValueError(f"sigma: expected positive standard deviations, got minimum {float(sigma.min())!r}")
    try:
        with np.errstate(over="raise", invalid="raise"):
            return (X - mu) / sigma
    except FloatingPointError:
        raise ValueError(f"X, mu, sigma: expected (X - mu) / sigma to be finite, got an overflow "
                         f"(max |X - mu| is near the float maximum or sigma is tiny: min sigma "
                         f"{float(sigma.min()):.3g})") from None


# --8<-- [start:augment_2d]
def augment_2d(X, Y, rng, *, copies=1, jitter=0.05, flip_axes=()):
    """Enlarge a 2-D (or n-D) point set with jittered, optionally reflected copies.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
    rng : numpy.random.Generator or int
        Source of randomness.
    copies : int, default 1
        Number of augmented copies of the data, $\\ge 1$.
    jitter : float, default 0.05
        Standard deviation of the Gaussian noise added to each copy, $\\ge 0$.
    flip_axes : sequence of int, default ()
        Coordinates whose sign each copied point flips with probability 1/2.
        Only valid when the labels are symmetric under that reflection.

    Returns
    -------
    X_aug : ndarray, shape (n_x, m * (1 + copies))
        The original columns first, then the copies.
    Y_aug : ndarray, shape (n_y, m * (1 + copies))

    Raises
    ------
    TypeError
        If ``X`` is not numeric, ``Y`` not an array of numbers or strings, ``flip_axes`` not a list
        or tuple, ``copies`` not an integer, ``jitter`` not a real number, or ``rng`` is neither a
        ``numpy.random.Generator`` nor an int seed.
    ValueError
        If ``X`` or ``Y`` is not 2-D, empty or holds NaN or inf, ``Y`` does not have the ``m``
        columns of ``X``, ``copies < 1``, ``jitter`` is negative, infinite or so large that the
        points overflow, a flip axis is not a coordinate of ``X``, or ``rng`` is a negative seed.

    Notes
    -----
    Augmentation encodes an invariance you know holds ("a point a little
    to the side has the same label") as extra data, a regularizer that
    costs no labelling. See [data augmentation](course2/week1.md#data-augmentation).

    Examples
    --------
    >>> X, Y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 1.0]])
    >>> Xa, Ya = augment_2d(X, Y, rng=0, copies=2)
    >>> Xa.shape, Ya[0].tolist()
    ((2, 6), [0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    """
    X = as_float_array(X, "X", ndim=2)
    Y = _as_columns(Y, "Y", X.shape[1], numeric=False)
    rng = check_rng(rng)
    check_scalar(copies, "copies", low=1, integer=True)
    jitter = check_scalar(jitter, "jitter", low=0.0)
    check_sequence(flip_axes, "flip_axes", "a list or tuple of coordinates")
    axes = list(flip_axes)
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)) or not 0 <= a < X.shape[0]:
            raise ValueError(f"flip_axes: expected coordinates in [0, {X.shape[0] - 1}], got {flip_axes!r}")
    Xs, Ys = [X], [Y]
    for _ in range(copies):
        with np.errstate(over="ignore", invalid="ignore"):
            Xc = (X + jitter * rng.standard_normal(X.shape)).astype(X.dtype, copy=False)
        _finite_or_blame([Xc], "jitter", jitter)
        for a in axes:
            Xc[a] *= np.where(rng.random(X.shape[1]) < 0.5, -1.0, 1.0)
        Xs.append(Xc)
        Ys.append(Y)
    return np.concatenate(Xs, axis=1), np.concatenate(Ys, axis=1)
# --8<-- [end:augment_2d]


def flatten_images(images):
    """Images ``(m, h, w)`` or ``(m, h, w, c)`` to columns ``(h*w*c, m)``.

    Parameters
    ----------
    images : array_like, shape (m, h, w) or (m, h, w, c)

    Returns
    -------
    ndarray, shape (h*w*c, m)
        Column $i$ is image $i$ read row by row (channels fastest).

    Raises
    ------
    TypeError
        If ``images`` is not an array of numbers (``None``, a string, a matrix...).
    ValueError
        If ``images`` is not 3-D or 4-D, is empty, or holds NaN or inf.

    Notes
    -----
    ``images.reshape(m, -1).T``: reshape *before* transposing, so each
    column holds one image. ``images.reshape(-1, m)`` has the right shape
    but mixes pixels of different images into one column. See
    [the data matrix](course1/week2.md#binary-classification-and-the-data-matrix).

    Examples
    --------
    >>> imgs = np.arange(8).reshape(2, 2, 2)          # two 2x2 images
    >>> flatten_images(imgs)
    array([[0, 4],
           [1, 5],
           [2, 6],
           [3, 7]])
    """
    imgs = _as_numeric(images, "images")
    if imgs.ndim not in (3, 4):
        raise ValueError(f"images: expected shape (m, h, w) or (m, h, w, c), got {imgs.shape}")
    if imgs.size == 0:
        raise ValueError(f"images: expected at least one non-empty image, got shape {imgs.shape}")
    return imgs.reshape(imgs.shape[0], -1).T


def _image_shape(X, shape):
    check_sequence(shape, "shape", "a tuple (h, w) or (h, w, c) of ints")
    if any(isinstance(s, (bool, np.bool_)) or not isinstance(s, (int, np.integer)) for s in shape):
        raise TypeError(f"shape: expected a tuple (h, w) or (h, w, c) of ints, got {tuple(shape)!r}"[:300])
    shape = tuple(int(s) for s in shape)
    if len(shape) not in (2, 3) or min(shape) < 1 or int(np.prod(shape)) != X.shape[0]:
        raise ValueError(f"shape: expected (h, w) or (h, w, c) with h*w*c == n_x == {X.shape[0]}, got {shape}")
    return shape


def unflatten_images(X, shape):
    """Columns ``(h*w*c, m)`` back to images ``(m, h, w[, c])`` (inverse of :func:`flatten_images`).

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.

    Returns
    -------
    ndarray, shape (m, *shape)

    Raises
    ------
    TypeError
        If ``X`` is not an array of numbers, or ``shape`` is not a tuple of ints.
    ValueError
        If ``X`` is not 2-D, is empty or holds NaN or inf, or ``shape`` does not have 2 or 3
        positive entries whose product is the number of rows of ``X``.

    Notes
    -----
    See [the data matrix](course1/week2.md#binary-classification-and-the-data-matrix).

    Examples
    --------
    >>> imgs = np.arange(8).reshape(2, 2, 2)
    >>> bool(np.array_equal(unflatten_images(flatten_images(imgs), (2, 2)), imgs))
    True
    """
    X = _as_columns(X, "X")
    shape = _image_shape(X, shape)
    return X.T.reshape((X.shape[1],) + shape)


def flip_images(X, shape):
    """Mirror every image left-right.

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
        Flattened images, one per column.
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.

    Returns
    -------
    ndarray, shape (h*w*c, m)

    Raises
    ------
    TypeError
        If ``X`` is not an array of numbers, or ``shape`` is not a tuple of ints.
    ValueError
        As :func:`unflatten_images`.

    Notes
    -----
    A valid augmentation for cats, not for digits (a mirrored 2 is not a 2).
    See [data augmentation](course2/week1.md#data-augmentation).

    Examples
    --------
    >>> flip_images(np.array([[1], [2], [3], [4]]), (2, 2)).ravel()
    array([2, 1, 4, 3])
    """
    X = _as_columns(X, "X")
    imgs = unflatten_images(X, shape)
    return flatten_images(imgs[:, :, ::-1]).copy()


def shift_images(X, shape, dy, dx):
    """Translate every image by ``(dy, dx)`` pixels, filling with zeros.

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
        Flattened images, one per column.
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.
    dy, dx : int
        Shift down and right (negative: up and left), $|dy| < h$, $|dx| < w$.

    Returns
    -------
    ndarray, shape (h*w*c, m), dtype of ``X``

    Raises
    ------
    TypeError
        If ``X`` is not an array of numbers, ``shape`` is not a tuple of ints, or ``dy``/``dx`` is
        not an integer.
    ValueError
        As :func:`unflatten_images`, and if $|dy| \\ge h$ or $|dx| \\ge w$.

    Notes
    -----
    See [data augmentation](course2/week1.md#data-augmentation).

    Examples
    --------
    >>> shift_images(np.array([[1], [2], [3], [4]]), (2, 2), 0, 1).ravel()
    array([0, 1, 0, 3])
    """
    X = _as_columns(X, "X")
    shape = _image_shape(X, shape)
    h, w = shape[:2]
    check_scalar(dy, "dy", low=-(h - 1), high=h - 1, integer=True)
    check_scalar(dx, "dx", low=-(w - 1), high=w - 1, integer=True)
    imgs = unflatten_images(X, shape)
    out = np.zeros_like(imgs)
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[:, yd, xd] = imgs[:, ys, xs]
    return flatten_images(out).copy()


def augment_images(X, Y, shape, rng, *, copies=1, max_shift=1, flip=False):
    """Enlarge an image set with randomly shifted (and optionally mirrored) copies.

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
        Flattened images, one per column.
    Y : array_like, shape (n_y, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.
    rng : numpy.random.Generator or int
        Source of randomness.
    copies : int, default 1
        Number of augmented copies, $\\ge 1$.
    max_shift : int, default 1
        Each copy of an image is shifted by integers drawn uniformly from
        $[-\\mathrm{max\\_shift}, \\mathrm{max\\_shift}]$ in each direction.
    flip : bool, default False
        Also mirror each copy with probability 1/2.

    Returns
    -------
    X_aug : ndarray, shape (h*w*c, m * (1 + copies))
        Originals first, then the copies.
    Y_aug : ndarray, shape (n_y, m * (1 + copies))

    Raises
    ------
    TypeError
        If ``X`` is not numeric, ``Y`` not an array of numbers or strings, ``shape`` not a tuple of
        ints, ``copies`` or ``max_shift`` not an integer, ``flip`` not ``True`` or ``False``, or
        ``rng`` is neither a ``numpy.random.Generator`` nor an int seed.
    ValueError
        If ``X`` or ``Y`` is not 2-D, empty or holds NaN or inf, ``Y`` does not have the ``m``
        columns of ``X``, ``shape`` does not match ``X``, ``copies < 1``, ``max_shift`` is outside
        $[0, \\min(h, w) - 1]$, or ``rng`` is a negative seed.

    Notes
    -----
    See [data augmentation](course2/week1.md#data-augmentation).

    Examples
    --------
    >>> X, labels = np.eye(4), np.array([[0, 1, 2, 3]])
    >>> Xa, Ya = augment_images(X, labels, (2, 2), rng=0, copies=2)
    >>> Xa.shape, Ya.shape
    ((4, 12), (1, 12))
    """
    X = _as_columns(X, "X")
    Y = _as_columns(Y, "Y", X.shape[1], numeric=False)
    shape = _image_shape(X, shape)
    rng = check_rng(rng)
    check_scalar(copies, "copies", low=1, integer=True)
    flip = check_bool(flip, "flip")
    h, w = shape[:2]
    check_scalar(max_shift, "max_shift", low=0, high=min(h, w) - 1, integer=True)
    m = X.shape[1]
    Xs, Ys = [X], [Y]
    for _ in range(copies):
        dys = rng.integers(-max_shift, max_shift + 1, size=m)
        dxs = rng.integers(-max_shift, max_shift + 1, size=m)
        Xc = np.empty_like(X)
        for dy in range(-max_shift, max_shift + 1):          # one vectorized shift per offset
            for dx in range(-max_shift, max_shift + 1):
                cols = np.flatnonzero((dys == dy) & (dxs == dx))
                if cols.size:
                    Xc[:, cols] = shift_images(X[:, cols], shape, dy, dx)
        if flip:
            cols = np.flatnonzero(rng.random(m) < 0.5)
            if cols.size:
                Xc[:, cols] = flip_images(Xc[:, cols], shape)
        Xs.append(Xc)
        Ys.append(Y)
    return np.concatenate(Xs, axis=1), np.concatenate(Ys, axis=1)


def synthetic_temperature(rng=0, *, days=365, dtype=np.float64):
    """A year of daily temperatures: a seasonal curve plus persistent weather noise.

    Parameters
    ----------
    rng : numpy.random.Generator or int, default 0
        Source of randomness.
    days : int, default 365
        Number of days, $\\ge 1$.
    dtype : {float64, float32}

    Returns
    -------
    day : ndarray of int64, shape (days,)
        ``1, 2, ..., days``.
    theta : ndarray, shape (days,)
        Temperature in °C of each day.

    Raises
    ------
    TypeError
        If ``rng`` is neither a ``numpy.random.Generator`` nor an int seed, ``days`` is not an
        integer, or ``dtype`` is not float32 or float64.
    ValueError
        If ``days < 1`` or ``rng`` is a negative seed.

    Notes
    -----
    $$\\theta_t = 11 - 7\\cos\\big(2\\pi (t - 20)/365\\big) + e_t, \\qquad
      e_t = 0.6\\, e_{t-1} + \\eta_t,\\ \\eta_t \\sim \\mathcal N(0, 2.5^2),$$
    a temperate climate (coldest around 20 January, warmest in July) with
    weather that persists for a few days. The series the
    [exponentially weighted averages](course2/week2.md#exponentially-weighted-averages) smooth.

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
