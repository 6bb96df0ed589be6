"""Mini-batches: shuffle the columns, then partition them
([mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent)).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import check_rng, check_scalar
from dlnotes.data._validate import _as_columns

__all__ = ["random_mini_batches"]


def _mini_batches(X, Y, batch_size, rng):
    """:func:`random_mini_batches` without validation (for the training loop)."""
    m = X.shape[1]
    perm = rng.permutation(m)
    Xs, Ys = X[:, perm], Y[:, perm]
    return [(Xs[:, k:k + batch_size], Ys[:, k:k + batch_size]) for k in range(0, m, batch_size)]


# --8<-- [start:random_mini_batches]
def random_mini_batches(X, Y, batch_size=64, rng=0):
    """Shuffle the columns and partition them into mini-batches.

    One permutation for ``X`` and ``Y``, then a partition: each example once per epoch. See
    [mini-batch gradient descent](course2/week2.md#mini-batch-gradient-descent).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
    batch_size : int, default 64
        Columns per mini-batch, $\\ge 1$ (``>= m``: batch gradient descent; 1: stochastic).
    rng : numpy.random.Generator or int, default 0
        The same Generator every epoch gives a new order each time.

    Returns
    -------
    list of (X_batch, Y_batch)
        $\\lceil m / \\mathrm{batch\\_size}\\rceil$ pairs of ``batch_size`` columns (the last may be smaller).

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
