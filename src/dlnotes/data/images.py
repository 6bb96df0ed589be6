"""Images to columns and back
([the data matrix](course1/week2.md#binary-classification-and-the-data-matrix)).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import check_sequence
from dlnotes.data._validate import _as_columns, _as_numeric

__all__ = ["flatten_images", "unflatten_images"]


def flatten_images(images):
    """Images ``(m, h, w)`` or ``(m, h, w, c)`` to columns ``(h*w*c, m)``.

    ``images.reshape(m, -1).T`` (``images.reshape(-1, m)`` has the right shape but mixes images). See
    [the data matrix](course1/week2.md#binary-classification-and-the-data-matrix).

    Parameters
    ----------
    images : array_like, shape (m, h, w) or (m, h, w, c)

    Returns
    -------
    ndarray, shape (h*w*c, m)
        Column $i$ is image $i$ read row by row (channels fastest).

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

    See [the data matrix](course1/week2.md#binary-classification-and-the-data-matrix).

    Parameters
    ----------
    X : array_like, shape (h*w*c, m)
    shape : tuple
        ``(h, w)`` or ``(h, w, c)``.

    Returns
    -------
    ndarray, shape (m, *shape)

    Examples
    --------
    >>> imgs = np.arange(8).reshape(2, 2, 2)
    >>> bool(np.array_equal(unflatten_images(flatten_images(imgs), (2, 2)), imgs))
    True
    """
    X = _as_columns(X, "X")
    shape = _image_shape(X, shape)
    return X.T.reshape((X.shape[1],) + shape)
