r"""Activation functions $g$ and their derivatives $g'$.

Every function works elementwise on an array of pre-activations ``Z`` of any
shape (``softmax`` works on columns) and keeps the dtype of its input
(float32 stays float32). Derivatives are taken with respect to the
pre-activation: ``relu_grad(Z)`` is $g'(Z)$, so that the backward pass reads
``dZ = dA * g_grad(Z)``. ``softmax_backward`` refuses a float32 ``dA`` next to a float64
``z`` (``TypeError``, no silent upcast).

See [activation functions](course1/week3.md#activation-functions) and, for softmax,
[softmax regression](course2/week3.md#softmax-regression).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_same_shape, check_scalar

__all__ = [
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "identity",
    "identity_grad",
    "softmax",
    "softmax_jacobian",
    "softmax_backward",
    "ACTIVATIONS",
]


def _as_float_like(x, name, ref, ref_name, **kwargs):
    """``x`` as a float array of ``ref``'s dtype, refusing a float array of the other dtype.

    Integer, boolean and list input has no float dtype of its own and takes ``ref``'s (0/1
    labels are exact in every dtype); a float32 array next to a float64 one (or the reverse)
    raises ``TypeError`` instead of being silently upcast or rounded.
    """
    given = getattr(x, "dtype", None)
    arr = as_float_array(x, name, **kwargs)
    if given is not None and np.dtype(given).kind == "f" and np.dtype(given) != ref.dtype:
        raise TypeError(f"{name}: expected dtype {ref.dtype} (the dtype of {ref_name}), got {np.dtype(given)} "
                        f"(convert one of them with .astype)")
    return arr.astype(ref.dtype, copy=False)


# --8<-- [start:sigmoid]
def sigmoid(z):
    r"""Logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$, computed without overflow.

    With $t = e^{-|z|} \in (0, 1]$, which never overflows, $\sigma(z) = 1/(1 + t)$ for
    $z \ge 0$ and $t/(1 + t)$ for $z < 0$ (the same function). See [the sigmoid](course1/week2.md#the-sigmoid).

    Parameters
    ----------
    z : array_like, any shape
        float32 and float64 are kept; integers become float64.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Values in $[0, 1]$.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    z = as_float_array(z, "z")
    t = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + t), t / (1 + t))
# --8<-- [end:sigmoid]


def sigmoid_grad(z):
    r"""Derivative of the sigmoid, $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$.

    Evaluated as $t / (1 + t)^2$ with $t = e^{-|z|}$: no overflow, and accurate where
    $1 - \sigma(z)$ rounds to 0 ($\sigma'(40) = 4.2\times10^{-18}$, not 0).
    See [the sigmoid and its derivative](course1/week2.md#the-sigmoid).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Values in $(0, 1/4]$; the maximum $1/4$ is at $z = 0$.

    Examples
    --------
    >>> sigmoid_grad([0.0, 1000.0])
    array([0.25, 0.  ])
    """
    z = as_float_array(z, "z")
    t = np.exp(-np.abs(z))
    return t / (1 + t) ** 2


def tanh(z):
    r"""Hyperbolic tangent $\tanh z = (e^{z} - e^{-z}) / (e^{z} + e^{-z})$.

    $\tanh z = 2\sigma(2z) - 1$, zero-centred. See [activation functions](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Values in $[-1, 1]$, zero-centred.

    Examples
    --------
    >>> tanh([0.0, 1000.0])
    array([0., 1.])
    """
    z = as_float_array(z, "z")
    return np.tanh(z)


# --8<-- [start:tanh_grad]
def tanh_grad(z):
    r"""Derivative of tanh, $1 - \tanh^2 z$.

    See [derivatives of activations](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Values in $(0, 1]$.

    Examples
    --------
    >>> tanh_grad([0.0])
    array([1.])
    """
    t = tanh(z)
    return 1 - t * t
# --8<-- [end:tanh_grad]


def relu(z):
    r"""Rectified linear unit $\max(0, z)$.

    $g(z) = \max(0, z)$. See [activation functions](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    z = as_float_array(z, "z")
    return np.maximum(z, 0)


# --8<-- [start:relu_grad]
def relu_grad(z):
    r"""Derivative of ReLU: 1 where $z > 0$, else 0 (we take $g'(0) = 0$).

    At 0, any value in $[0, 1]$ is a subgradient; $g'(0) = 0$ is the common choice.
    See [derivatives of activations](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Zeros and ones.

    Examples
    --------
    >>> relu_grad([-2.0, 0.0, 3.0])
    array([0., 0., 1.])
    """
    z = as_float_array(z, "z")
    return (z > 0).astype(z.dtype)
# --8<-- [end:relu_grad]


def leaky_relu(z, alpha=0.01):
    r"""Leaky ReLU: $z$ for $z > 0$, $\alpha z$ otherwise.

    $g(z) = \max(\alpha z, z)$: negative units keep a small gradient.
    See [activation functions](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
        Slope for negative inputs, in $[0, 1)$.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0])
    array([-0.02, 3.  ])
    """
    z = as_float_array(z, "z")
    alpha = float(check_scalar(alpha, "alpha", low=0.0, high=1.0, high_inclusive=False))
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    r"""Derivative of leaky ReLU: 1 where $z > 0$, $\alpha$ otherwise (also at 0).

    The same convention at 0 as ``relu_grad``. See [derivatives of activations](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape
    alpha : float, default 0.01
        Slope for negative inputs.

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``

    Examples
    --------
    >>> leaky_relu_grad([-2.0, 3.0])
    array([0.01, 1.  ])
    """
    z = as_float_array(z, "z")
    check_scalar(alpha, "alpha", low=0.0, high=1.0, high_inclusive=False)
    one, slope = z.dtype.type(1), z.dtype.type(alpha)
    return np.where(z > 0, one, slope)


def identity(z):
    r"""Identity (linear) activation $g(z) = z$, for regression outputs.

    Linear hidden layers collapse into one affine map: use it only in the output layer.
    See [activation functions](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        ``z`` itself (no copy).

    Examples
    --------
    >>> identity([-1.5, 2.0])
    array([-1.5,  2. ])
    """
    return as_float_array(z, "z")


def identity_grad(z):
    r"""Derivative of the identity: an array of ones.

    See [activation functions](course1/week3.md#activation-functions).

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``

    Examples
    --------
    >>> identity_grad([-1.5, 2.0])
    array([1., 1.])
    """
    z = as_float_array(z, "z")
    return np.ones_like(z)


# --8<-- [start:softmax]
def softmax(z):
    r"""Softmax of each column: $\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$.

    $$\mathrm{softmax}(z)_k = \frac{e^{z_k - \max_j z_j}}{\sum_i e^{z_i - \max_j z_j}}:$$
    every exponent is $\le 0$ and the denominator $\ge 1$. See
    [softmax regression](course2/week3.md#softmax-regression).

    Parameters
    ----------
    z : array_like, shape (C,) or (C, m)
        Logits, one column per example (the classes are the rows).

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``z``
        Each column is a probability vector (positive, sums to 1).

    Examples
    --------
    >>> softmax(np.array([[1000.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    z = as_float_array(z, "z")
    if z.ndim not in (1, 2):
        raise ValueError(f"z: expected shape (C,) or (C, m), got {z.shape}")
    with np.errstate(over="ignore"):     # z - max is -inf only where e^(z - max) is 0 anyway
        shifted = z - z.max(axis=0, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=0, keepdims=True)
# --8<-- [end:softmax]


# --8<-- [start:softmax_jacobian]
def softmax_jacobian(z):
    r"""Full Jacobian $\partial a_i / \partial z_j$ of softmax for one example.

    $\partial a_i / \partial z_j = a_i(\delta_{ij} - a_j)$; symmetric, rows sum to zero.
    See [the softmax gradient](course2/week3.md#the-softmax-gradient).

    Parameters
    ----------
    z : array_like, shape (C,) or (C, 1)
        Logits of a single example.

    Returns
    -------
    numpy.ndarray, shape (C, C), dtype of ``z``
        $J = \mathrm{diag}(a) - a a^\top$ with $a = \mathrm{softmax}(z)$.

    Examples
    --------
    >>> softmax_jacobian([0.0, 0.0])
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    z = as_float_array(z, "z")
    if not (z.ndim == 1 or (z.ndim == 2 and z.shape[1] == 1)):
        raise ValueError(f"z: expected shape (C,) or (C, 1) (a single example), got {z.shape}")
    a = softmax(z.reshape(-1))
    return np.diag(a) - np.outer(a, a)
# --8<-- [end:softmax_jacobian]


def softmax_backward(dA, z):
    r"""Backpropagate through softmax: $dZ = J^\top dA$ for each column, without forming $J$.

    $dz = J\,da = a \odot (da - a^\top da)$: $O(C)$ per column instead of $O(C^2)$.
    See [the softmax gradient](course2/week3.md#the-softmax-gradient).

    Parameters
    ----------
    dA : array_like, shape (C, m)
        Gradient of the loss with respect to the softmax output $A$, in the dtype of ``z``.
    z : array_like, shape (C, m)
        Logits that produced $A$.

    Returns
    -------
    numpy.ndarray, shape (C, m)
        $dZ$, with the dtype of ``z``.

    Examples
    --------
    >>> softmax_backward(np.array([[1.0], [0.0]]), np.zeros((2, 1)))   # a = (1/2, 1/2)
    array([[ 0.25],
           [-0.25]])
    """
    z = as_float_array(z, "z")
    dA = _as_float_like(dA, "dA", z, "z")
    check_same_shape(dA, "dA", z, "z")
    a = softmax(z)
    with np.errstate(over="ignore", invalid="ignore"):
        dZ = a * (dA - np.sum(a * dA, axis=0, keepdims=True))
    if not np.all(np.isfinite(dZ)):     # dA near the largest float: the same formula on dA / max|dA|
        scale = float(np.abs(dA).max())
        unit = dA / scale
        with np.errstate(over="ignore"):
            dZ = a * (unit - np.sum(a * unit, axis=0, keepdims=True)) * scale
    if not np.all(np.isfinite(dZ)):
        raise FloatingPointError(f"dA: expected a gradient whose product with the softmax Jacobian is finite, "
                                 f"got entries up to {np.abs(dA).max():.3g} (dZ overflows {z.dtype})")
    return dZ


#: name -> (g, g'), the activations a layer may use. For ``"softmax"`` the
#: second entry is :func:`softmax_backward` (it is not elementwise).
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "identity": (identity, identity_grad),
    "linear": (identity, identity_grad),
    "softmax": (softmax, softmax_backward),
}
