r"""Layer normalization: each example normalized over its own features.

Batch norm takes the mean and variance of every unit over the mini-batch (a row of ``Z``);
layer norm takes them over the $n$ features of every example (a column of ``Z``), so an example's
output never depends on the other examples of its batch, in training as at test time. It is the
normalization of transformers. See
[layer normalization](course2/week3.md#layer-normalization-beyond-the-course).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_positive
from dlnotes.batchnorm import _check_cache as _check_bn_cache
from dlnotes.batchnorm import _check_stat

__all__ = ["layernorm_forward", "layernorm_backward"]


def _check_param(arr, name, Z):
    return _check_stat(arr, name, Z, per="feature, a row of Z")


def _check_cache(dZ_tilde, cache):
    return _check_bn_cache(dZ_tilde, cache, producer="layernorm_forward", per_example=True)


def layernorm_forward(Z, gamma, beta, *, eps=1e-5):
    r"""Normalize each column of ``Z`` over its features, then scale by $\gamma$ and shift by $\beta$.

    $$\mu^{(i)} = \tfrac1n\textstyle\sum_k z^{(i)}_k,\quad
      \sigma^{2(i)} = \tfrac1n\textstyle\sum_k (z^{(i)}_k - \mu^{(i)})^2,\quad
      \tilde z^{(i)} = \gamma\odot\frac{z^{(i)} - \mu^{(i)}}{\sqrt{\sigma^{2(i)} + \varepsilon}} + \beta .$$
    See [layer normalization](course2/week3.md#layer-normalization-beyond-the-course).

    Parameters
    ----------
    Z : array_like, shape (n, m)
        Pre-activations, examples as columns; any $m \ge 1$ (a single example is fine).
    gamma, beta : array_like, shape (n, 1)
        Learned per-feature scale and shift.
    eps : float, default 1e-5
        Added to the variance (PyTorch's ``LayerNorm`` default).

    Returns
    -------
    Z_tilde : numpy.ndarray, shape (n, m), dtype of ``Z``
    cache : dict
        ``"Z_norm"`` (n, m), ``"gamma"`` (n, 1), ``"inv_std"``, ``"mu"``, ``"var"`` (1, m).

    Examples
    --------
    >>> Zt, cache = layernorm_forward(np.array([[1.0, 10.0], [3.0, 30.0]]), np.ones((2, 1)), np.zeros((2, 1)))
    >>> Zt.round(4)
    array([[-1., -1.],
           [ 1.,  1.]])
    """
    Z = as_float_array(Z, "Z", ndim=2)
    gamma, beta = _check_param(gamma, "gamma", Z), _check_param(beta, "beta", Z)
    eps = check_positive(eps, "eps")
    with np.errstate(over="ignore", invalid="ignore"):             # an overflow is reported below
        # --8<-- [start:layernorm-equations]
        mu = Z.mean(axis=0, keepdims=True)                          # (1, m): one mean per example
        var = Z.var(axis=0, keepdims=True)                          # (1, m): biased, over the n features
        inv_std = 1 / np.sqrt(var + eps)
        Z_norm = (Z - mu) * inv_std
        Z_tilde = gamma * Z_norm + beta                             # gamma, beta: (n, 1), per feature
        # --8<-- [end:layernorm-equations]
    if not (np.isfinite(mu).all() and np.isfinite(var).all()):
        raise FloatingPointError(f"Z: expected columns whose mean and variance are finite in {Z.dtype}, got an "
                                 f"overflow (largest |Z| = {float(np.abs(Z).max()):.3g}): the values are far too large")
    cache = {"Z_norm": Z_norm, "gamma": gamma, "inv_std": inv_std.astype(Z.dtype, copy=False),
             "mu": mu, "var": var}
    return Z_tilde, cache


def layernorm_backward(dZ_tilde, cache):
    r"""Backward pass of layer norm: gradients for $Z$, $\gamma$ and $\beta$.

    Batch norm's formula with the roles of rows and columns exchanged: with $d\hat z = \gamma\odot d\tilde z$
    and $\langle\cdot\rangle$ the mean over the $n$ features of one example,
    $$dz^{(i)} = \frac{1}{\sqrt{\sigma^{2(i)}+\varepsilon}}\Big(d\hat z^{(i)} - \langle d\hat z^{(i)}\rangle
      - \hat z^{(i)}\,\langle d\hat z^{(i)}\odot\hat z^{(i)}\rangle\Big),$$
    and $d\gamma$, $d\beta$ are means over the batch as in batch norm. Derived in
    [layer normalization](course2/week3.md#layer-normalization-beyond-the-course).

    Parameters
    ----------
    dZ_tilde : array_like, shape (n, m)
        Per-example gradient with respect to $\tilde Z$ (no $1/m$ yet, the course's convention).
    cache : dict
        From :func:`layernorm_forward`.

    Returns
    -------
    dZ : numpy.ndarray, shape (n, m)
        Per-example gradient with respect to $Z$.
    dgamma, dbeta : numpy.ndarray, shape (n, 1)
        $\partial J/\partial\gamma$, $\partial J/\partial\beta$ for $J$ the mean of the per-example losses.

    Examples
    --------
    >>> Zt, cache = layernorm_forward(np.array([[1.0], [3.0]]), np.ones((2, 1)), np.zeros((2, 1)))
    >>> dZ, dgamma, dbeta = layernorm_backward(np.array([[1.0], [1.0]]), cache)
    >>> dZ.round(6) + 0.0, dbeta.ravel()            # shifting every feature alike is invisible
    (array([[0.],
           [0.]]), array([1., 1.]))
    """
    dZ_tilde, Z_norm, gamma, inv_std = _check_cache(dZ_tilde, cache)
    m = Z_norm.shape[1]
    # --8<-- [start:layernorm-backward-equations]
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m    # over the batch, as in batch norm
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ_norm = gamma * dZ_tilde
    dZ = inv_std * (dZ_norm                                            # over the features (axis 0)
                    - dZ_norm.mean(axis=0, keepdims=True)
                    - Z_norm * (dZ_norm * Z_norm).mean(axis=0, keepdims=True))
    # --8<-- [end:layernorm-backward-equations]
    return dZ, dgamma, dbeta
