r"""Batch normalization of the pre-activations $Z^{[l]}$ of one layer.

The bias is dropped ($Z = W A^{[l-1]}$), each unit is normalized over the mini-batch and
rescaled by learned $\gamma$, $\beta$ of shape ``(n[l], 1)``; at test time running averages
replace the batch statistics. See [batch normalization](course2/week3.md#batch-normalization).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dlnotes._checks import as_float_array, check_positive, check_same_dtype, check_scalar, check_shape

__all__ = ["batchnorm_forward", "batchnorm_backward", "batchnorm_inference", "batchnorm_train_forward"]


def _check_stat(arr, name, Z, per="row of Z"):
    """A per-unit (n[l], 1) array of Z's dtype: a rank-1 (n,) would broadcast to (n, n)."""
    arr = as_float_array(arr, name)
    if arr.shape != (Z.shape[0], 1):
        raise ValueError(f"{name}: expected shape ({Z.shape[0]}, 1) (one entry per {per}, whose shape is "
                         f"{Z.shape}), got {arr.shape}")
    return check_same_dtype(arr, name, Z, "Z")


def _check_bn_args(Z, gamma, beta, eps):
    Z = as_float_array(Z, "Z", ndim=2)
    gamma, beta = _check_stat(gamma, "gamma", Z), _check_stat(beta, "beta", Z)
    return Z, gamma, beta, check_positive(eps, "eps")


_CACHE_KEYS = ("Z_norm", "gamma", "inv_std")


def _check_cache(dZ_tilde, cache, producer="batchnorm_forward", per_example=False):
    """The forward pass's cache; ``inv_std`` is per unit, (n, 1), or per example, (1, m) (layer norm)."""
    what = f"the dict returned by {producer} (keys {list(_CACHE_KEYS)})"
    if not isinstance(cache, Mapping):
        raise TypeError(f"cache: expected {what}, got {type(cache).__name__}")
    if any(k not in cache for k in _CACHE_KEYS):
        raise ValueError(f"cache: expected {what}, got keys {sorted(map(str, cache))}")
    Z_norm, gamma, inv_std = (cache[k] for k in _CACHE_KEYS)
    if not (isinstance(Z_norm, np.ndarray) and Z_norm.ndim == 2 and Z_norm.dtype.kind == "f"):
        raise TypeError(f"cache: expected {what}, got a Z_norm of type {type(Z_norm).__name__}")
    n, m = Z_norm.shape
    for name, arr, shape in (("gamma", gamma, (n, 1)), ("inv_std", inv_std, (1, m) if per_example else (n, 1))):
        if np.shape(arr) != shape or getattr(arr, "dtype", None) != Z_norm.dtype:
            raise ValueError(f"cache: expected {what}, got {name} of shape {np.shape(arr)} for Z_norm of shape "
                             f"{Z_norm.shape}")
    dZ_tilde = check_shape(as_float_array(dZ_tilde, "dZ_tilde"), "dZ_tilde", Z_norm.shape)
    check_same_dtype(dZ_tilde, "dZ_tilde", Z_norm, "the cache")
    return dZ_tilde, Z_norm, gamma, inv_std


def batchnorm_forward(Z, gamma, beta, *, eps=1e-8):
    r"""Normalize each row of ``Z`` over the batch, then scale by $\gamma$ and shift by $\beta$.

    $$\hat Z = \frac{Z - \mu}{\sqrt{\sigma^2 + \varepsilon}},\qquad \tilde Z = \gamma\odot\hat Z + \beta,$$
    with $\mu$, $\sigma^2$ the mean and (biased, $1/m$) variance of each row.
    See [batch normalization](course2/week3.md#batch-normalization).

    Parameters
    ----------
    Z : array_like, shape (n[l], m)
        Pre-activations of the mini-batch ($m \ge 1$).
    gamma, beta : array_like, shape (n[l], 1)
        Learned scale and shift.
    eps : float, default 1e-8
        Added to the variance before the square root.

    Returns
    -------
    Z_tilde : numpy.ndarray, shape (n[l], m), dtype of ``Z``
    cache : dict
        ``"Z_norm"``, ``"gamma"``, ``"inv_std"``, and the batch ``"mu"``, ``"var"`` (shape
        (n[l], 1)) for the caller's running averages.

    Examples
    --------
    >>> Zt, cache = batchnorm_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)))
    >>> Zt
    array([[-1.,  1.]])
    """
    Z, gamma, beta, eps = _check_bn_args(Z, gamma, beta, eps)
    with np.errstate(over="ignore", invalid="ignore"):             # an overflow is reported below
        # --8<-- [start:batchnorm-equations]
        mu = Z.mean(axis=1, keepdims=True)
        var = Z.var(axis=1, keepdims=True)
        inv_std = 1 / np.sqrt(var + eps)
        Z_norm = (Z - mu) * inv_std
        Z_tilde = gamma * Z_norm + beta
        # --8<-- [end:batchnorm-equations]
    if not (np.isfinite(mu).all() and np.isfinite(var).all()):            # (n, 1): cheap
        raise FloatingPointError(f"Z: expected rows whose mean and variance are finite in {Z.dtype}, got an "
                                 f"overflow (largest |Z| = {float(np.abs(Z).max()):.3g}): the values are far too large")
    cache = {"Z_norm": Z_norm, "gamma": gamma, "inv_std": inv_std, "mu": mu, "var": var}
    return Z_tilde, cache


def batchnorm_backward(dZ_tilde, cache):
    r"""Backward pass of batch norm: gradients for $Z$, $\gamma$ and $\beta$.

    With $d\hat z = \gamma\odot d\tilde z$ and means $\langle\cdot\rangle$ over the batch,
    $$dz^{(i)} = \frac{1}{\sqrt{\sigma^2+\varepsilon}}\Big(d\hat z^{(i)} - \langle d\hat z\rangle
      - \hat z^{(i)}\,\langle d\hat z\odot\hat z\rangle\Big),\quad
      d\gamma = \langle d\tilde z\odot\hat z\rangle,\quad d\beta = \langle d\tilde z\rangle,$$
    derived in [the backward pass of batch norm](course2/week3.md#the-backward-pass).

    Parameters
    ----------
    dZ_tilde : array_like, shape (n[l], m)
        Per-example gradient with respect to $\tilde Z$ (no $1/m$ yet).
    cache : dict
        From :func:`batchnorm_forward`.

    Returns
    -------
    dZ : numpy.ndarray, shape (n[l], m)
        Per-example gradient with respect to $Z$ (same convention).
    dgamma, dbeta : numpy.ndarray, shape (n[l], 1)
        $\partial J/\partial\gamma$, $\partial J/\partial\beta$.

    Examples
    --------
    >>> Zt, cache = batchnorm_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)))
    >>> batchnorm_backward(np.array([[1.0, 1.0]]), cache)  # a uniform shift is invisible to Z
    (array([[0., 0.]]), array([[0.]]), array([[1.]]))
    """
    dZ_tilde, Z_norm, gamma, inv_std = _check_cache(dZ_tilde, cache)
    m = Z_norm.shape[1]
    # --8<-- [start:batchnorm-backward-equations]
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ_norm = gamma * dZ_tilde
    dZ = inv_std * (dZ_norm
                    - dZ_norm.mean(axis=1, keepdims=True)
                    - Z_norm * (dZ_norm * Z_norm).mean(axis=1, keepdims=True))
    # --8<-- [end:batchnorm-backward-equations]
    return dZ, dgamma, dbeta


def batchnorm_inference(Z, gamma, beta, mu, var, *, eps=1e-8):
    r"""Batch norm at test time: $\tilde z = \gamma\odot(z - \mu_{\text{run}})/\sqrt{\sigma^2_{\text{run}} + \varepsilon} + \beta$.

    Each example on its own: a prediction does not depend on its batch.
    See [batch norm at test time](course2/week3.md#batch-norm-at-test-time).

    Parameters
    ----------
    Z : array_like, shape (n[l], m)
        Pre-activations; $m$ may be 1.
    gamma, beta : array_like, shape (n[l], 1)
    mu, var : array_like, shape (n[l], 1)
        Running averages of the batch means and variances from training.
    eps : float, default 1e-8

    Returns
    -------
    numpy.ndarray, shape (n[l], m), dtype of ``Z``

    Examples
    --------
    >>> batchnorm_inference(np.array([[4.0]]), np.ones((1, 1)), np.zeros((1, 1)),
    ...                     mu=np.array([[2.0]]), var=np.array([[1.0]]))
    array([[2.]])
    """
    Z, gamma, beta, eps = _check_bn_args(Z, gamma, beta, eps)
    mu, var = _check_stat(mu, "mu", Z), _check_stat(var, "var", Z)
    if np.any(var < 0):
        raise ValueError(f"var: expected non-negative variances, got minimum {float(var.min())!r}")
    with np.errstate(over="ignore", invalid="ignore"):         # reported below, by name
        Z_tilde = gamma * (Z - mu) / np.sqrt(var + eps) + beta
    if not (np.isfinite(Z_tilde.min()) and np.isfinite(Z_tilde.max())):
        raise FloatingPointError(f"Z: expected a finite normalized output in {Z.dtype}, got an overflow (largest "
                                 f"|Z - mu| / sqrt(var + eps) times |gamma| is too large for {Z.dtype})")
    return Z_tilde


def batchnorm_train_forward(Z, gamma, beta, running_mean, running_var, *, momentum=0.1, eps=1e-5):
    r"""Batch norm in training mode as PyTorch's ``BatchNorm1d`` computes it, running estimates included.

    Normalizes with the batch mean and the **biased** variance $\sigma^2$ (as
    :func:`batchnorm_forward`), then updates the running estimates with the **unbiased** variance:
    $$\mu_{\text{run}} \leftarrow (1-p)\,\mu_{\text{run}} + p\,\mu,\qquad
      \sigma^2_{\text{run}} \leftarrow (1-p)\,\sigma^2_{\text{run}} + p\,\tfrac{m}{m-1}\sigma^2,$$
    with $p$ = ``momentum`` (the course's $\beta = 1 - p$). Evaluation mode is
    :func:`batchnorm_inference` with the running estimates. See
    [train and eval modes](course2/week3.md#train-and-eval-modes-in-frameworks-beyond-the-course).

    Parameters
    ----------
    Z : array_like, shape (n[l], m)
        Pre-activations of the mini-batch, $m \ge 2$ (PyTorch refuses a training batch of one).
    gamma, beta : array_like, shape (n[l], 1)
    running_mean, running_var : array_like, shape (n[l], 1)
        The estimates so far (PyTorch starts them at 0 and 1); not modified.
    momentum : float in (0, 1], default 0.1
        Weight of the new batch (PyTorch's default 0.1).
    eps : float, default 1e-5
        PyTorch's default.

    Returns
    -------
    Z_tilde : numpy.ndarray, shape (n[l], m)
    cache : dict
        As :func:`batchnorm_forward` (for :func:`batchnorm_backward`).
    running_mean, running_var : numpy.ndarray, shape (n[l], 1)
        The updated estimates (new arrays).

    Examples
    --------
    >>> Zt, cache, rm, rv = batchnorm_train_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)),
    ...                                             np.zeros((1, 1)), np.ones((1, 1)))
    >>> Zt.round(4), rm, rv                # biased var 1 normalizes; unbiased var 2 enters the estimate
    (array([[-1.,  1.]]), array([[0.2]]), array([[1.1]]))
    """
    Z, gamma, beta, eps = _check_bn_args(Z, gamma, beta, eps)
    running_mean = _check_stat(running_mean, "running_mean", Z)
    running_var = _check_stat(running_var, "running_var", Z)
    if np.any(running_var < 0):
        raise ValueError(f"running_var: expected non-negative variances, got minimum {float(running_var.min())!r}")
    p = check_scalar(momentum, "momentum", low=0.0, high=1.0, low_inclusive=False)
    m = Z.shape[1]
    if m < 2:
        raise ValueError(f"Z: expected a training batch of at least 2 examples (columns) per unit, got shape "
                         f"{Z.shape}: the variance of one value is 0 (use batchnorm_inference)")
    Z_tilde, cache = batchnorm_forward(Z, gamma, beta, eps=eps)          # biased variance, as in training
    mu, var = cache["mu"], cache["var"]
    # --8<-- [start:batchnorm-running-update]
    unbiased_var = var * (m / (m - 1))
    new_mean = (1 - p) * running_mean + p * mu
    new_var = (1 - p) * running_var + p * unbiased_var
    # --8<-- [end:batchnorm-running-update]
    return Z_tilde, cache, new_mean, new_var
