"""One-hot encoding of integer labels, the target of a softmax output
([softmax regression](course2/week3.md#softmax-regression)).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dlnotes._checks import check_scalar
from dlnotes.data._validate import _as_numeric, _check_dtype

__all__ = ["one_hot"]


def one_hot(labels, C, *, dtype=np.float64):
    """Turn integer labels into one-hot columns.

    The target of a softmax output layer; see [softmax regression](course2/week3.md#softmax-regression).

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
