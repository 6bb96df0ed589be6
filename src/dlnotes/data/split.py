"""Train / dev / test split: shuffle the columns, then cut
([train, dev and test sets](course2/week1.md#train-dev-and-test-sets)).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import check_rng, check_sequence
from dlnotes.data._validate import _as_columns

__all__ = ["train_dev_test_split"]


# --8<-- [start:train_dev_test_split]
def train_dev_test_split(X, Y, fractions=(0.8, 0.1, 0.1), rng=0):
    """Shuffle the columns and cut them into train / dev / test sets.

    Shuffling first makes every set come from the same distribution. See
    [train, dev and test sets](course2/week1.md#train-dev-and-test-sets).

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
        ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)`` (without dev for two fractions), each
        non-empty, sized by the rounded cumulative fractions of ``m``.

    Examples
    --------
    >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    >>> parts = train_dev_test_split(X, Y, (0.6, 0.2, 0.2), rng=0)
    >>> [p.shape for p in parts]
    [(2, 6), (1, 6), (2, 2), (1, 2), (2, 2), (1, 2)]
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
