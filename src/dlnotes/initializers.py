r"""Initial weights $W^{[l]}$ of shape ``(n_out, n_in)`` = ``(n[l], n[l-1])``.

Each initializer is ``init(shape, rng, *, dtype)``; the variance-scaling ones (``lecun``,
``glorot``, ``he``) keep the variance of $z = Wa$ about constant from layer to layer. See
[random initialization](course1/week3.md#random-initialization) and
[weight initialization for deep networks](course2/week1.md#vanishing-and-exploding-gradients).
"""

from __future__ import annotations

import numpy as np

from dlnotes import activations as _act
from dlnotes._checks import check_bool, check_float_dtype, check_positive, check_rng, check_scalar, check_sequence

__all__ = [
    "zeros",
    "constant",
    "random_normal",
    "random_small",
    "lecun",
    "glorot",
    "he",
    "INITIALIZERS",
    "initialize_parameters",
    "activation_stats_by_depth",
]


def _shape(shape):
    """Validate a weight shape ``(n_out, n_in)`` of positive ints."""
    check_sequence(shape, "shape", "a tuple of positive ints such as (n_out, n_in)")
    shape = tuple(shape)
    return tuple(check_positive(n, f"shape[{k}]", integer=True) for k, n in enumerate(shape))


def _dtype(dtype):
    return check_float_dtype(dtype, "dtype")


def _finite(W, name, value):
    """A fill value or scale that overflows the dtype (1e39 in float32) gives inf: refuse it by name."""
    if W.size and not (np.isfinite(W.min()) and np.isfinite(W.max())):
        raise ValueError(f"{name}: expected a value whose weights are finite in {W.dtype} (at most "
                         f"{float(np.finfo(W.dtype).max):.3g}), got {value!r}")
    return W


def _fans(shape):
    """(n_in, n_out) of a weight matrix of shape (n_out, n_in)."""
    if len(shape) != 2:
        raise ValueError(f"shape: expected (n_out, n_in), got {shape}")
    n_out, n_in = shape
    return n_in, n_out


def zeros(shape, rng=None, *, dtype=np.float64):
    r"""All-zero weights. Fine for biases, fatal for hidden weights: the symmetry is never broken.

    See [random initialization](course1/week3.md#random-initialization).

    Parameters
    ----------
    shape : tuple of int
        ``(n_out, n_in)`` (or any shape, as a tuple: ``(5,)``, not ``5``).
    rng : ignored
        Accepted so that every initializer has the same signature.
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray of zeros

    Examples
    --------
    >>> zeros((2, 3))
    array([[0., 0., 0.],
           [0., 0., 0.]])
    """
    return np.zeros(_shape(shape), dtype=_dtype(dtype))


def constant(shape, value, *, dtype=np.float64):
    r"""Weights all equal to ``value``, $W_{ij} = c$ (same symmetry problem as :func:`zeros`).

    See [random initialization](course1/week3.md#random-initialization).

    Parameters
    ----------
    shape : tuple of int
    value : float
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray filled with ``value``

    Examples
    --------
    >>> constant((1, 2), 0.5)
    array([[0.5, 0.5]])
    """
    value = check_scalar(value, "value")
    shape, dtype = _shape(shape), _dtype(dtype)
    with np.errstate(over="ignore"):                  # 1e39 -> inf in float32, reported by name
        return _finite(np.full(shape, value, dtype=dtype), "value", value)


# --8<-- [start:random_normal]
def random_normal(shape, rng, *, scale=1.0, dtype=np.float64):
    r"""Gaussian weights $W_{ij} \sim \mathcal{N}(0, \text{scale}^2)$ with a fixed scale.

    With scale 1, $\mathrm{Var}(z) = n_{in}\mathrm{Var}(a)$: activations explode with depth. See
    [random initialization](course1/week3.md#random-initialization) and
    [vanishing and exploding gradients](course2/week1.md#vanishing-and-exploding-gradients).

    Parameters
    ----------
    shape : tuple of int
    rng : numpy.random.Generator or int
    scale : float, default 1.0
        Standard deviation.
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> random_normal((2, 2), rng=0).shape
    (2, 2)
    """
    shape, dtype, rng = _shape(shape), _dtype(dtype), check_rng(rng)
    scale = check_positive(scale, "scale")
    with np.errstate(over="ignore"):                  # reported by name
        return _finite(scale * rng.standard_normal(shape, dtype=dtype), "scale", scale)
# --8<-- [end:random_normal]


# --8<-- [start:random_small]
def random_small(shape, rng, *, scale=0.01, dtype=np.float64):
    r"""Small Gaussian weights, $\mathcal{N}(0, 0.01^2)$: the course's first recipe.

    Good for a shallow network; in a deep one the activations shrink by about
    $\text{scale}\sqrt{n_{in}}$ per layer. See [random initialization](course1/week3.md#random-initialization).

    Parameters
    ----------
    shape : tuple of int
    rng : numpy.random.Generator or int
    scale : float, default 0.01
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> W = random_small((100, 100), rng=0)
    >>> bool(abs(W.std() - 0.01) < 0.001)
    True
    """
    return random_normal(shape, rng, scale=scale, dtype=dtype)
# --8<-- [end:random_small]


# --8<-- [start:lecun]
def lecun(shape, rng, *, dtype=np.float64):
    r"""LeCun normal, $\mathrm{Var}(W_{ij}) = 1/n_{in}$ (called "Xavier" in the course), for tanh.

    Glorot & Bengio's "Xavier" is :func:`glorot`. Derived in
    [weight initialization](course2/week1.md#vanishing-and-exploding-gradients).

    Parameters
    ----------
    shape : tuple of int
        ``(n_out, n_in)``.
    rng : numpy.random.Generator or int
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> W = lecun((400, 400), rng=0)
    >>> bool(abs(W.var() * 400 - 1) < 0.02)
    True
    """
    n_in, _ = _fans(_shape(shape))
    return random_normal(shape, rng, scale=np.sqrt(1.0 / n_in), dtype=dtype)
# --8<-- [end:lecun]


def glorot(shape, rng, *, dtype=np.float64):
    r"""Glorot (Xavier) normal, $\mathrm{Var}(W_{ij}) = 2/(n_{in} + n_{out})$.

    The compromise between the forward ($1/n_{in}$) and backward ($1/n_{out}$) conditions, derived in
    [weight initialization](course2/week1.md#vanishing-and-exploding-gradients).

    Parameters
    ----------
    shape : tuple of int
        ``(n_out, n_in)``.
    rng : numpy.random.Generator or int
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> W = glorot((100, 300), rng=0)
    >>> bool(abs(W.var() * 200 - 1) < 0.05)
    True
    """
    n_in, n_out = _fans(_shape(shape))
    return random_normal(shape, rng, scale=np.sqrt(2.0 / (n_in + n_out)), dtype=dtype)


# --8<-- [start:he]
def he(shape, rng, *, dtype=np.float64):
    r"""He normal, $\mathrm{Var}(W_{ij}) = 2/n_{in}$, for ReLU layers.

    The 2 compensates for the half of $z$ that ReLU cuts; derived in
    [weight initialization](course2/week1.md#vanishing-and-exploding-gradients).

    Parameters
    ----------
    shape : tuple of int
        ``(n_out, n_in)``.
    rng : numpy.random.Generator or int
    dtype : float32 or float64

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> W = he((400, 400), rng=0)
    >>> bool(abs(W.var() * 200 - 1) < 0.02)
    True
    """
    n_in, _ = _fans(_shape(shape))
    return random_normal(shape, rng, scale=np.sqrt(2.0 / n_in), dtype=dtype)
# --8<-- [end:he]


#: name -> initializer ``init(shape, rng, *, dtype)``. ``"xavier"`` is the course's
#: name for :func:`lecun`; ``"normal"`` is :func:`random_normal` with scale 1.
INITIALIZERS = {
    "zeros": zeros,
    "random_small": random_small,
    "normal": random_normal,
    "lecun": lecun,
    "xavier": lecun,
    "glorot": glorot,
    "he": he,
}


def _initializer(method):
    if not isinstance(method, str):
        raise TypeError(f"method: expected one of {sorted(INITIALIZERS)}, got {type(method).__name__} {method!r}"[:300])
    if method not in INITIALIZERS:
        raise ValueError(f"method: expected one of {sorted(INITIALIZERS)}, got {method!r}")
    return INITIALIZERS[method]


def initialize_parameters(layer_dims, method="he", rng=None, dtype=np.float64, batchnorm=False):
    r"""Parameters of an L-layer network: ``{"W1", "b1", ..., "WL", "bL"}``.

    $W^{[l]} \sim \mathcal{N}(0, \sigma_l^2)$ with $\sigma_l$ from ``method``; $b^{[l]} = 0$.
    See [the shapes of an L-layer network](course1/week4.md#notation-for-l-layers) and
    [random initialization](course1/week3.md#random-initialization).

    Parameters
    ----------
    layer_dims : sequence of int
        $[n^{[0]}, n^{[1]}, \dots, n^{[L]}]$, input size first.
    method : str, default "he"
        A key of :data:`INITIALIZERS` (``"zeros"``, ``"random_small"``, ``"normal"``,
        ``"lecun"``/``"xavier"``, ``"glorot"``, ``"he"``).
    rng : numpy.random.Generator or int
        Required unless ``method="zeros"``.
    dtype : float32 or float64
    batchnorm : bool, default False
        Hidden layers get ``gamma{l}`` (ones) and ``beta{l}`` (zeros), shape ``(n[l], 1)``, instead
        of ``b{l}``; the output layer keeps ``b{L}``.

    Returns
    -------
    dict of numpy.ndarray
        ``W{l}`` of shape ``(n[l], n[l-1])``, ``b{l}`` of shape ``(n[l], 1)`` (zeros).

    Examples
    --------
    >>> p = initialize_parameters([3, 4, 1], "he", rng=0)
    >>> {k: v.shape for k, v in p.items()}
    {'W1': (4, 3), 'b1': (4, 1), 'W2': (1, 4), 'b2': (1, 1)}
    """
    init = _initializer(method)
    check_sequence(layer_dims, "layer_dims", "a list of layer sizes [n_x, ..., n_y]")
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims: expected at least 2 sizes [n_x, ..., n_y], got {dims}")
    dims = [check_positive(n, f"layer_dims[{k}]", integer=True) for k, n in enumerate(dims)]
    dtype = _dtype(dtype)
    batchnorm = check_bool(batchnorm, "batchnorm")
    if method != "zeros":
        if rng is None:
            raise TypeError(f"rng: expected a numpy.random.Generator or an int seed for method={method!r}, got None")
        rng = check_rng(rng)
    L = len(dims) - 1
    parameters = {}
    for l in range(1, L + 1):
        parameters[f"W{l}"] = init((dims[l], dims[l - 1]), rng, dtype=dtype)
        if batchnorm and l < L:
            parameters[f"gamma{l}"] = np.ones((dims[l], 1), dtype=dtype)
            parameters[f"beta{l}"] = np.zeros((dims[l], 1), dtype=dtype)
        else:
            parameters[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return parameters


def _signal(x, what, layer, method, depth):
    """``x`` if finite, else the ``ValueError`` the docstring promises (naming ``depth`` and ``method``)."""
    if not (np.isfinite(x.min()) and np.isfinite(x.max())):
        raise ValueError(f"depth: expected a depth at which the {what} of method={method!r} stay finite in "
                         f"{x.dtype}, got depth={depth}, whose {what} overflow at layer {layer}; use fewer layers "
                         f"or another method")
    return x


def _std(x):
    """Standard deviation of a finite array, scaled by max|x| so that the squares never overflow."""
    s = float(np.abs(x).max())
    return s * float((x / s).std()) if s > 0 else 0.0


# --8<-- [start:activation_stats_by_depth]
def activation_stats_by_depth(method, depth, width, activation, rng, m=500, dtype=np.float64):
    r"""Standard deviation of activations and gradients, layer by layer, at initialization.

    A ``depth``-layer network of ``width`` units (no biases) gets standard-normal inputs and a
    standard-normal $dA^{[L]}$; each layer scales the signal by about $\sqrt{n\,\mathrm{Var}(w)\,c_g}$
    ($c_g = 1/2$ for ReLU). See [vanishing and exploding gradients](course2/week1.md#vanishing-and-exploding-gradients).

    Parameters
    ----------
    method : str
        A key of :data:`INITIALIZERS`.
    depth : int
        Number of layers $L$.
    width : int
        Units per layer (the input also has ``width`` features).
    activation : str
        An elementwise key of :data:`dlnotes.activations.ACTIVATIONS`.
    rng : numpy.random.Generator or int
    m : int, default 500
        Number of examples.
    dtype : float32 or float64

    Returns
    -------
    dict of numpy.ndarray, each of shape (depth,)
        ``"layer"`` ($1..L$), ``"activation_std"`` (of $A^{[l]}$), ``"gradient_std"`` (of
        $dW^{[l]}$), ``"dA_std"`` (of the $dA^{[l-1]}$ leaving layer $l$), in ``dtype``.

    Examples
    --------
    >>> s = activation_stats_by_depth("he", depth=10, width=100, activation="relu", rng=0, m=100)
    >>> bool(0.3 < s["activation_std"][-1] < 3)
    True
    """
    init = _initializer(method)
    check_positive(depth, "depth", integer=True)
    check_positive(width, "width", integer=True)
    check_positive(m, "m", integer=True)
    if not isinstance(activation, str) or activation not in _act.ACTIVATIONS or activation == "softmax":
        names = sorted(k for k in _act.ACTIVATIONS if k != "softmax")
        kind = ValueError if isinstance(activation, str) else TypeError
        raise kind(f"activation: expected one of {names}, got {activation!r}"[:300])
    g, g_grad = _act.ACTIVATIONS[activation]
    rng = check_rng(rng)
    dtype = _dtype(dtype)
    Ws = [init((width, width), rng, dtype=dtype) for _ in range(depth)]
    A = rng.standard_normal((width, m), dtype=dtype)
    act_std, grad_std, dA_std = (np.empty(depth, dtype=dtype) for _ in range(3))
    As, Zs = [A], []
    with np.errstate(over="ignore", invalid="ignore"):     # an overflow is reported by _signal, by name
        for l, W in enumerate(Ws):
            Zs.append(_signal(W @ As[l], "activations", l + 1, method, depth))
            As.append(g(Zs[l]))
            act_std[l] = _std(As[l + 1])
        dA = rng.standard_normal((width, m), dtype=dtype)
        for l in reversed(range(depth)):
            dZ = dA * g_grad(Zs[l])
            grad_std[l] = _std(_signal(dZ @ As[l].T / m, "gradients", l + 1, method, depth))
            dA = _signal(Ws[l].T @ dZ, "gradients", l + 1, method, depth)
            dA_std[l] = _std(dA)
    return {"layer": np.arange(1, depth + 1), "activation_std": act_std,
            "gradient_std": grad_std, "dA_std": dA_std}
# --8<-- [end:activation_stats_by_depth]
