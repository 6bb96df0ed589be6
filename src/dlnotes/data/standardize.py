"""Standardizing the inputs with the training set's mean and standard deviation
([normalizing the inputs](course2/week1.md#normalizing-the-inputs)).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_same_dtype

__all__ = ["standardize_fit", "standardize_apply"]


# --8<-- [start:standardize_fit]
def standardize_fit(X):
    """Per-feature mean and standard deviation of the *training* set.

    $\\mu = \\frac1m\\sum_i x^{(i)}$, $\\sigma^2 = \\frac1m\\sum_i (x^{(i)}-\\mu)^2$ element-wise; apply the *same*
    $\\mu, \\sigma$ to dev and test data: see
    [normalizing the inputs](course2/week1.md#normalizing-the-inputs).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Training examples only.

    Returns
    -------
    mu : ndarray, shape (n_x, 1)
    sigma : ndarray, shape (n_x, 1)
        A constant feature gets $\\sigma = 1$ (only centred), not a division by zero.

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

    See [normalizing the inputs](course2/week1.md#normalizing-the-inputs).

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
