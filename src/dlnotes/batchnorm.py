r"""Batch normalization of the pre-activations $Z^{[l]}$ of one layer.

In a batch-norm layer the bias is dropped ($Z = W A^{[l-1]}$, since subtracting
the mean cancels any $b$) and each unit is normalized over the mini-batch, then
rescaled by learned $\gamma$ and $\beta$ of shape ``(n[l], 1)``:

$$\mu = \frac1m\sum_i z^{(i)},\quad \sigma^2 = \frac1m\sum_i (z^{(i)} - \mu)^2,\quad
\hat z^{(i)} = \frac{z^{(i)} - \mu}{\sqrt{\sigma^2 + \varepsilon}},\quad
\tilde z^{(i)} = \gamma \odot \hat z^{(i)} + \beta.$$

At test time $\mu$ and $\sigma^2$ are replaced by running averages collected
during training. See [batch normalization](course2/week3.md#batch-normalization).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_positive, check_shape

__all__ = ["batchnorm_forward", "batchnorm_backward", "batchnorm_inference"]


def _check_bn_args(Z, gamma, beta, eps):
    Z = as_float_array(Z, "Z", ndim=2)
    n = Z.shape[0]
    gamma = check_shape(as_float_array(gamma, "gamma"), "gamma", (n, 1))
    beta = check_shape(as_float_array(beta, "beta"), "beta", (n, 1))
    check_positive(eps, "eps")
    return Z, gamma, beta, float(eps)


# --8<-- [start:batchnorm_forward]
def batchnorm_forward(Z, gamma, beta, *, eps=1e-8):
    r"""Normalize each row of ``Z`` over the batch, then scale by $\gamma$ and shift by $\beta$.

    Parameters
    ----------
    Z : array_like, shape (n[l], m)
        Pre-activations of the mini-batch ($m \ge 1$ examples).
    gamma : array_like, shape (n[l], 1)
        Learned scale.
    beta : array_like, shape (n[l], 1)
        Learned shift.
    eps : float, default 1e-8
        Added to the variance before the square root.

    Returns
    -------
    Z_tilde : numpy.ndarray, shape (n[l], m), dtype of ``Z``
    cache : dict
        ``"Z_norm"`` ($\hat Z$), ``"gamma"``, ``"inv_std"`` ($1/\sqrt{\sigma^2+\varepsilon}$,
        shape (n[l], 1)), and the batch statistics ``"mu"`` and ``"var"`` (shape (n[l], 1)),
        which the caller uses to update its running averages.

    Notes
    -----
    $$\hat Z = \frac{Z - \mu}{\sqrt{\sigma^2 + \varepsilon}},\qquad \tilde Z = \gamma\odot\hat Z + \beta,$$
    with $\mu$, $\sigma^2$ the mean and (biased, $1/m$) variance of each row.
    With $\gamma = \sqrt{\sigma^2+\varepsilon}$ and $\beta = \mu$ the layer can undo
    the normalization: it restricts nothing, it reparametrizes.
    See [batch normalization](course2/week3.md#batch-normalization).

    Examples
    --------
    >>> import numpy as np
    >>> Zt, cache = batchnorm_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)))
    >>> Zt
    array([[-1.,  1.]])
    >>> cache["mu"], cache["var"]
    (array([[2.]]), array([[1.]]))
    """
    Z, gamma, beta, eps = _check_bn_args(Z, gamma, beta, eps)
    # --8<-- [start:batchnorm-equations]
    mu = Z.mean(axis=1, keepdims=True)
    var = Z.var(axis=1, keepdims=True)
    inv_std = 1 / np.sqrt(var + eps)
    Z_norm = (Z - mu) * inv_std
    Z_tilde = gamma * Z_norm + beta
    # --8<-- [end:batchnorm-equations]
    cache = {"Z_norm": Z_norm, "gamma": gamma, "inv_std": inv_std, "mu": mu, "var": var}
    return Z_tilde, cache
# --8<-- [end:batchnorm_forward]


# --8<-- [start:batchnorm_backward]
def batchnorm_backward(dZ_tilde, cache):
    r"""Backward pass of batch norm: gradients for $Z$, $\gamma$ and $\beta$.

    Parameters
    ----------
    dZ_tilde : array_like, shape (n[l], m)
        Per-example gradient of the loss with respect to $\tilde Z$ (the course's
        convention: no $1/m$ yet).
    cache : dict
        From :func:`batchnorm_forward`.

    Returns
    -------
    dZ : numpy.ndarray, shape (n[l], m)
        Per-example gradient with respect to $Z$ (same convention, ready for
        $dW = \frac1m dZ\,A^{[l-1]\top}$).
    dgamma : numpy.ndarray, shape (n[l], 1)
        $\partial J/\partial\gamma$.
    dbeta : numpy.ndarray, shape (n[l], 1)
        $\partial J/\partial\beta$.

    Notes
    -----
    With $J = \frac1m\sum_i\mathcal{L}^{(i)}$ and $d\tilde z^{(i)} = \partial\mathcal{L}/\partial\tilde z^{(i)}$:

    $$d\gamma = \frac1m\sum_i d\tilde z^{(i)}\odot\hat z^{(i)},\qquad
      d\beta = \frac1m\sum_i d\tilde z^{(i)}.$$

    Every $\hat z^{(i)}$ depends on every $z^{(j)}$ through $\mu$ and $\sigma^2$.
    With $d\hat z = \gamma\odot d\tilde z$ and means $\langle\cdot\rangle$ over the batch,
    the chain rule through $\mu$ and $\sigma^2$ gives

    $$dz^{(i)} = \frac{1}{\sqrt{\sigma^2+\varepsilon}}\Big(d\hat z^{(i)} - \langle d\hat z\rangle
      - \hat z^{(i)}\,\langle d\hat z\odot\hat z\rangle\Big).$$

    The two subtracted terms remove the components of the gradient along the
    directions that normalization cancels (a shift of all $z^{(i)}$, and a scaling).
    See [the backward pass of batch norm](course2/week3.md#the-backward-pass).

    Examples
    --------
    >>> import numpy as np
    >>> Zt, cache = batchnorm_forward(np.array([[1.0, 3.0]]), np.ones((1, 1)), np.zeros((1, 1)))
    >>> dZ, dgamma, dbeta = batchnorm_backward(np.array([[1.0, 1.0]]), cache)
    >>> dZ, dgamma, dbeta  # a uniform shift of the output is invisible to Z
    (array([[0., 0.]]), array([[0.]]), array([[1.]]))
    """
    Z_norm, gamma, inv_std = cache["Z_norm"], cache["gamma"], cache["inv_std"]
    dZ_tilde = check_shape(as_float_array(dZ_tilde, "dZ_tilde"), "dZ_tilde", Z_norm.shape)
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
# --8<-- [end:batchnorm_backward]


# --8<-- [start:batchnorm_inference]
def batchnorm_inference(Z, gamma, beta, mu, var, *, eps=1e-8):
    r"""Batch norm at test time, with fixed (running-average) statistics.

    Parameters
    ----------
    Z : array_like, shape (n[l], m)
        Pre-activations; $m$ may be 1 (a single test example).
    gamma, beta : array_like, shape (n[l], 1)
    mu, var : array_like, shape (n[l], 1)
        Running averages of the batch means and variances from training.
    eps : float, default 1e-8

    Returns
    -------
    numpy.ndarray, shape (n[l], m), dtype of ``Z``

    Notes
    -----
    $\tilde z = \gamma\odot(z - \mu_{\text{run}})/\sqrt{\sigma^2_{\text{run}} + \varepsilon} + \beta$:
    an affine map of each example on its own, so a prediction does not depend
    on which other examples share its batch.
    See [batch norm at test time](course2/week3.md#batch-norm-at-test-time).

    Examples
    --------
    >>> import numpy as np
    >>> batchnorm_inference(np.array([[4.0]]), np.ones((1, 1)), np.zeros((1, 1)),
    ...                     mu=np.array([[2.0]]), var=np.array([[1.0]]))
    array([[2.]])
    """
    Z, gamma, beta, eps = _check_bn_args(Z, gamma, beta, eps)
    n = Z.shape[0]
    mu = check_shape(as_float_array(mu, "mu"), "mu", (n, 1)).astype(Z.dtype, copy=False)
    var = check_shape(as_float_array(var, "var"), "var", (n, 1)).astype(Z.dtype, copy=False)
    if np.any(var < 0):
        raise ValueError(f"var: expected non-negative variances, got minimum {var.min()!r}")
    return gamma * (Z - mu) / np.sqrt(var + eps) + beta
# --8<-- [end:batchnorm_inference]
