"""Data augmentation: jittered point sets, shifted and mirrored images
([data augmentation](course2/week1.md#data-augmentation)).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_bool, check_rng, check_scalar, check_sequence
from dlnotes.data._validate import _as_columns, _finite_or_blame
from dlnotes.data.images import _image_shape, flatten_images, unflatten_images

__all__ = ["augment_2d", "flip_images", "shift_images", "augment_images"]


# --8<-- [start:augment_2d]
def augment_2d(X, Y, rng, *, copies=1, jitter=0.05, flip_axes=()):
    """Enlarge a 2-D (or n-D) point set with jittered, optionally reflected copies.

    An invariance you know holds, as extra data. See [data augmentation](course2/week1.md#data-augmentation).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
    rng : numpy.random.Generator or int
    copies : int, default 1
        Number of augmented copies of the data, $\\ge 1$.
    jitter : float, default 0.05
        Standard deviation of the Gaussian noise added to each copy, $\\ge 0$.
    flip_axes : sequence of int, default ()
        Coordinates each copied point flips with probability 1/2 (labels must be symmetric).

    Returns
    -------
    X_aug : ndarray, shape (n_x, m * (1 + copies))
        The original columns first, then the copies.
    Y_aug : ndarray, shape (n_y, m * (1 + copies))

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


def flip_images(X, shape):
    """Mirror every image left-right.

    A valid augmentation for cats, not for digits (a mirrored 2 is not a 2).
    See [data augmentation](course2/week1.md#data-augmentation).

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.

    Returns
    -------
    ndarray, shape (h*w*c, m)

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

    See [data augmentation](course2/week1.md#data-augmentation).

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.
    dy, dx : int
        Shift down and right (negative: up and left), $|dy| < h$, $|dx| < w$.

    Returns
    -------
    ndarray, shape (h*w*c, m), dtype of ``X``

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

    See [data augmentation](course2/week1.md#data-augmentation).

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
    Y : array_like, shape (n_y, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.
    rng : numpy.random.Generator or int
    copies : int, default 1
        Number of augmented copies, $\\ge 1$.
    max_shift : int, default 1
        Shifts are integers drawn uniformly from $[-\\mathrm{max\\_shift}, \\mathrm{max\\_shift}]$ per direction.
    flip : bool, default False
        Also mirror each copy with probability 1/2.

    Returns
    -------
    X_aug : ndarray, shape (h*w*c, m * (1 + copies))
        Originals first, then the copies.
    Y_aug : ndarray, shape (n_y, m * (1 + copies))

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
