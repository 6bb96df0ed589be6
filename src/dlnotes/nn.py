r"""An L-layer fully connected network: forward pass, cost, backward pass, update.

Layer $l$ computes $Z^{[l]} = W^{[l]}A^{[l-1]} + b^{[l]}$ and $A^{[l]} = g^{[l]}(Z^{[l]})$, examples as
columns; optional inverted dropout (``keep_probs``), batch norm (``gamma{l}`` instead of ``b{l}``)
and L2 / L1 penalties (``lambd``, ``l1``). $dZ^{[l]}$ is per example; the $1/m$ appears in $dW$
and $db$. An overflow raises ``FloatingPointError`` naming the layer's input (``X``, then ``W{l}``).
See [the building blocks of a deep network](course1/week4.md#forward-and-backward-building-blocks).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import numpy as np

from dlnotes import losses as _losses
from dlnotes._checks import (
    as_float_array,
    check_beta,
    check_binary_labels,
    check_bool,
    check_keep_prob,
    check_mapping,
    check_positive,
    check_rng,
    check_same_dtype,
    check_same_examples,
    check_same_shape,
    check_scalar,
    check_sequence,
    check_shape,
)
from dlnotes.activations import ACTIVATIONS
from dlnotes.batchnorm import batchnorm_backward, batchnorm_forward, batchnorm_inference
from dlnotes.regularization import (
    dropout_backward,
    dropout_forward,
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
)

__all__ = [
    "LOSSES",
    "layer_shapes",
    "num_layers",
    "linear_forward",
    "linear_activation_forward",
    "model_forward",
    "compute_cost",
    "linear_backward",
    "activation_backward",
    "linear_activation_backward",
    "model_backward",
    "update_parameters",
    "predict_proba",
    "predict",
]

#: loss name -> cost function ``cost(AL, Y)``.
LOSSES = {
    "bce": _losses.binary_cross_entropy,
    "cce": _losses.categorical_cross_entropy,
    "mse": _losses.mean_squared_error,
}

#: (output activation, loss) pairs for which $dZ^{[L]} = A^{[L]} - Y$ exactly.
_FUSED = {("sigmoid", "bce"), ("softmax", "cce"), ("identity", "mse"), ("linear", "mse")}


def _check_loss(loss):
    if not isinstance(loss, str):
        raise TypeError(f"loss: expected one of {sorted(LOSSES)}, got {type(loss).__name__} {loss!r}"[:300])
    if loss not in LOSSES:
        raise ValueError(f"loss: expected one of {sorted(LOSSES)}, got {loss!r}")


def _check_activation(name, argname="activation"):
    if not isinstance(name, str):
        raise TypeError(f"{argname}: expected one of {sorted(ACTIVATIONS)}, got {type(name).__name__} {name!r}"[:300])
    if name not in ACTIVATIONS:
        raise ValueError(f"{argname}: expected one of {sorted(ACTIVATIONS)}, got {name!r}")


def _check_layer_dims(layer_dims):
    """A list of at least two positive ints; returns it as a list."""
    check_sequence(layer_dims, "layer_dims", "a list of layer sizes [n_x, ..., n_y]")
    dims = list(layer_dims)
    if len(dims) < 2:
        raise ValueError(f"layer_dims: expected at least 2 sizes [n_x, ..., n_y], got {dims}")
    for k, n in enumerate(dims):
        check_positive(n, f"layer_dims[{k}]", integer=True)
    return [int(n) for n in dims]


def _all_finite(arr):
    """One min/max pass (NaN and inf propagate), no temporary boolean array the size of ``arr``."""
    return not arr.size or bool(np.isfinite(arr.min()) and np.isfinite(arr.max()))


def _overflow(name, what, arr, hint):
    """The FloatingPointError for a computed ``arr`` that overflowed, naming the caller's ``name``."""
    bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
    return FloatingPointError(f"{name}: expected {what} to be finite in {arr.dtype}, got {bad} NaN or inf "
                              f"entries (an overflow); {hint}")


def _largest(x):
    return float(np.max(np.abs(x))) if np.size(x) else 0.0


# --8<-- [start:layer_shapes]
def layer_shapes(layer_dims, batchnorm=False):
    r"""Shape of every parameter of a network with sizes ``layer_dims``.

    $W^{[l]} \in \mathbb{R}^{n^{[l]}\times n^{[l-1]}}$, $b^{[l]} \in \mathbb{R}^{n^{[l]}\times 1}$ (broadcast over $m$).
    See [getting the dimensions right](course1/week4.md#notation-for-l-layers).

    Parameters
    ----------
    layer_dims : sequence of int
        $[n^{[0]}, n^{[1]}, \dots, n^{[L]}]$.
    batchnorm : bool, default False
        Hidden layers have ``gamma{l}``, ``beta{l}`` instead of ``b{l}``.

    Returns
    -------
    dict
        ``{"W1": (n1, n0), "b1": (n1, 1), ...}``.

    Examples
    --------
    >>> layer_shapes([5, 4, 3, 1])
    {'W1': (4, 5), 'b1': (4, 1), 'W2': (3, 4), 'b2': (3, 1), 'W3': (1, 3), 'b3': (1, 1)}
    """
    dims = _check_layer_dims(layer_dims)
    batchnorm = check_bool(batchnorm, "batchnorm")
    L = len(dims) - 1
    shapes = {}
    for l in range(1, L + 1):
        shapes[f"W{l}"] = (dims[l], dims[l - 1])
        if batchnorm and l < L:
            shapes[f"gamma{l}"] = (dims[l], 1)
            shapes[f"beta{l}"] = (dims[l], 1)
        else:
            shapes[f"b{l}"] = (dims[l], 1)
    return shapes
# --8<-- [end:layer_shapes]


def num_layers(parameters):
    """Number of layers $L$ of a parameter dict (the number of ``W{l}`` keys).

    The input layer is not counted. See [notation for L layers](course1/week4.md#notation-for-l-layers).

    Parameters
    ----------
    parameters : dict
        ``{"W1": ..., "b1": ..., ...}``; the layers must be numbered 1..L.

    Returns
    -------
    int

    Examples
    --------
    >>> num_layers({"W1": 0, "b1": 0, "W2": 0, "b2": 0})
    2
    """
    check_mapping(parameters, "parameters", "a dict like {'W1': ..., 'b1': ...}")
    layers = sorted(int(k[1:]) for k in parameters if isinstance(k, str) and re.fullmatch(r"W\d+", k))
    if not layers or layers != list(range(1, len(layers) + 1)):
        raise ValueError(f"parameters: expected weights W1..WL, got keys {sorted(map(str, parameters))}")
    return len(layers)


def _check_linear_args(A_prev, W, b):
    A_prev = as_float_array(A_prev, "A_prev", ndim=2)
    W = check_same_dtype(as_float_array(W, "W", ndim=2), "W", A_prev, "A_prev")
    if W.shape[1] != A_prev.shape[0]:
        raise ValueError(f"W: expected shape ({W.shape[0]}, {A_prev.shape[0]}) to match A_prev's "
                         f"{A_prev.shape[0]} rows, got {W.shape}")
    if b is not None:
        b = check_shape(as_float_array(b, "b"), "b", (W.shape[0], 1))
        check_same_dtype(b, "b", A_prev, "A_prev")
    return A_prev, W, b


def _check_linear_output(Z, W, A_prev):
    if not _all_finite(Z):
        raise _overflow("W", "Z = W @ A_prev + b", Z, f"W and A_prev are too large (largest |W| = "
                        f"{_largest(W):.3g}, largest |A_prev| = {_largest(A_prev):.3g}): scale the inputs")
    return Z


# --8<-- [start:linear_forward]
def linear_forward(A_prev, W, b):
    r"""Linear part of a layer: $Z = W A_{\text{prev}} + b$.

    Column by column $z^{(i)} = W a^{(i)} + b$, with $b$ broadcast. See [vectorized forward propagation](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    A_prev : array_like, shape (n[l-1], m)
        Activations of the previous layer (or the input $X$).
    W : array_like, shape (n[l], n[l-1])
    b : array_like, shape (n[l], 1), or None
        Bias, broadcast over the $m$ columns. ``None`` in a batch-norm layer.

    Returns
    -------
    Z : numpy.ndarray, shape (n[l], m)
    cache : tuple
        ``(A_prev, W, b)`` for :func:`linear_backward`.

    Examples
    --------
    >>> Z, cache = linear_forward(np.array([[1.0, 2.0]]), np.array([[3.0]]), np.array([[1.0]]))
    >>> Z
    array([[4., 7.]])
    """
    A_prev, W, b = _check_linear_args(A_prev, W, b)
    with np.errstate(over="ignore", invalid="ignore"):      # an overflow is reported below, by name
        Z = W @ A_prev if b is None else W @ A_prev + b
    return _check_linear_output(Z, W, A_prev), (A_prev, W, b)
# --8<-- [end:linear_forward]


# --8<-- [start:linear_activation_forward]
def linear_activation_forward(A_prev, W, b, activation):
    r"""One layer: $A = g(W A_{\text{prev}} + b)$.

    See [forward propagation in a deep network](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    A_prev : array_like, shape (n[l-1], m)
    W : array_like, shape (n[l], n[l-1])
    b : array_like, shape (n[l], 1)
    activation : str
        A key of :data:`dlnotes.activations.ACTIVATIONS`.

    Returns
    -------
    A : numpy.ndarray, shape (n[l], m)
    cache : tuple
        ``(linear_cache, Z)`` for :func:`linear_activation_backward`.

    Examples
    --------
    >>> A, cache = linear_activation_forward(np.array([[1.0, -2.0]]), np.array([[1.0]]),
    ...                                      np.array([[0.0]]), "relu")
    >>> A
    array([[1., 0.]])
    """
    _check_activation(activation)
    if b is None:                  # linear_forward takes None for a batch-norm layer; a whole layer needs b
        raise TypeError("b: expected an array of shape (n[l], 1), got None (a layer without bias is "
                        "linear_forward(A_prev, W, None) followed by batch norm)")
    g, _ = ACTIVATIONS[activation]
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = g(Z)
    return A, (linear_cache, Z)
# --8<-- [end:linear_activation_forward]


def _check_network(X, parameters, activations):
    """Validate the parameter dict against X and the activation list; return L."""
    L = num_layers(parameters)
    check_sequence(activations, "activations", f"a list of {L} activation names")
    if len(activations) != L:
        raise ValueError(f"activations: expected {L} names (one per layer, the parameters have W1..W{L}), "
                         f"got {len(activations)}")
    for l, name in enumerate(activations, start=1):
        _check_activation(name, f"activations[{l - 1}]")
    rows_prev, prev = X.shape[0], "X's features"
    for l in range(1, L + 1):
        W = as_float_array(parameters[f"W{l}"], f"W{l}", ndim=2)
        if W.dtype != X.dtype:
            raise TypeError(f"W{l}: expected dtype {X.dtype} (the dtype of X), got {W.dtype}")
        if W.shape[1] != rows_prev:
            raise ValueError(f"W{l}: expected shape ({W.shape[0]}, {rows_prev}) to match the {rows_prev} "
                             f"{prev}, got {W.shape}")
        n = W.shape[0]
        names = [f"gamma{l}", f"beta{l}"] if f"gamma{l}" in parameters else [f"b{l}"]
        for key in names:
            if key not in parameters:
                raise ValueError(f"parameters: expected key {key!r} for layer {l}, got keys {sorted(parameters)}")
            p = check_shape(as_float_array(parameters[key], key), key, (n, 1))
            if p.dtype != X.dtype:
                raise TypeError(f"{key}: expected dtype {X.dtype} (the dtype of X), got {p.dtype}")
        rows_prev, prev = n, f"rows of W{l}"
    return L


def _check_bn_state(bn_state, parameters, L, dtype, training):
    """bn_state: None or a dict whose running averages are finite (n[l], 1) arrays of the data's dtype."""
    if bn_state is None:
        return
    check_mapping(bn_state, "bn_state", "a dict of running averages {'mu1': ..., 'var1': ...} or None")
    for l in range(1, L + 1):
        if f"gamma{l}" not in parameters:
            continue
        n = np.shape(parameters[f"W{l}"])[0]
        present = [k in bn_state for k in (f"mu{l}", f"var{l}")]
        if training and present[0] != present[1]:
            raise ValueError(f"bn_state: expected both 'mu{l}' and 'var{l}' or neither, got keys {sorted(bn_state)}")
        for key in (f"mu{l}", f"var{l}"):
            if key not in bn_state:
                continue                 # training creates it; inference reports it in _batchnorm_layer
            name = f"bn_state[{key!r}]"
            v = check_shape(as_float_array(bn_state[key], name), name, (n, 1))
            if v.dtype != dtype:
                raise TypeError(f"{name}: expected dtype {dtype} (the dtype of X), got {v.dtype}")
            if key.startswith("var") and v.min() < 0:
                raise ValueError(f"{name}: expected non-negative variances, got minimum {float(v.min())!r}")


def _keep_prob_list(keep_probs, L):
    """None, a float, or L-1 floats -> a list of L keep probabilities (output layer: 1).

    The one normalisation of ``keep_probs`` (``model_forward``, ``train.fit`` and ``fast`` use it).
    """
    if keep_probs is None:
        return [1.0] * L
    if isinstance(keep_probs, (int, float, np.floating, np.integer)) and not isinstance(keep_probs, bool):
        check_keep_prob(keep_probs, "keep_probs")
        return [float(keep_probs)] * (L - 1) + [1.0]
    check_sequence(keep_probs, "keep_probs", f"a float or a sequence of {L - 1} floats (one per hidden layer)")
    keep_probs = list(keep_probs)
    if len(keep_probs) != L - 1:
        raise ValueError(f"keep_probs: expected a float or {L - 1} values (one per hidden layer), "
                         f"got {len(keep_probs)}")
    for k, p in enumerate(keep_probs):
        check_keep_prob(p, f"keep_probs[{k}]")
    return [float(p) for p in keep_probs] + [1.0]


def _accuracy(AL, Y, output):
    """Fraction of correct predictions of a batch (nan for a regression output); shared by both engines."""
    if output == "softmax":
        return np.count_nonzero(AL.argmax(axis=0) == Y.argmax(axis=0)) / AL.shape[1]
    if output == "sigmoid":
        return np.count_nonzero((AL > 0.5) == (Y > 0.5)) / AL.size
    return math.nan


# --8<-- [start:model_forward]
def model_forward(X, parameters, activations, *, keep_probs=None, rng=None,
                  bn_state=None, training=True, bn_momentum=0.9, bn_eps=1e-8):
    r"""Forward pass through all $L$ layers.

    From $A^{[0]} = X$: $Z^{[l]} = W^{[l]}A^{[l-1]} + b^{[l]}$ (or batch norm of $W^{[l]}A^{[l-1]}$),
    $A^{[l]} = g^{[l]}(Z^{[l]})$, times $D^{[l]}/p_l$ for hidden layers in training (dropout). See [forward propagation in a deep network](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Inputs, one example per column.
    parameters : dict
        ``W{l}`` (n[l], n[l-1]) and ``b{l}`` (n[l], 1), or ``gamma{l}``, ``beta{l}`` (n[l], 1) for
        a batch-norm layer; the dtype of ``X``.
    activations : sequence of str, length L
        One activation name per layer, e.g. ``("relu", "relu", "sigmoid")``.
    keep_probs : None, float, or sequence of L-1 floats in (0, 1]
        Dropout keep probabilities of the hidden layers (only when ``training``).
    rng : numpy.random.Generator or int
        Needed when some keep probability is below 1.
    bn_state : dict or None
        Running ``mu{l}``, ``var{l}``: updated in place in training (created if missing),
        required and used instead of the batch statistics with ``training=False``.
    training : bool, default True
        Training mode (dropout on, batch statistics) or inference mode.
    bn_momentum : float in [0, 1), default 0.9
        $\beta$ of the running averages: $\mu_{\text{run}} \leftarrow \beta\mu_{\text{run}} + (1-\beta)\mu$.
    bn_eps : float, default 1e-8

    Returns
    -------
    AL : numpy.ndarray, shape (n[L], m)
        Output of the last layer, $\hat Y$.
    caches : list of dict, length L
        What :func:`model_backward` needs for each layer.

    Examples
    --------
    >>> from dlnotes.initializers import initialize_parameters
    >>> X = np.random.default_rng(0).standard_normal((3, 5))
    >>> params = initialize_parameters([3, 4, 1], "he", rng=0)
    >>> AL, caches = model_forward(X, params, ("relu", "sigmoid"))
    >>> AL.shape, len(caches)
    ((1, 5), 2)
    """
    X = as_float_array(X, "X", ndim=2)
    L = _check_network(X, parameters, activations)
    training = check_bool(training, "training")
    _check_bn_state(bn_state, parameters, L, X.dtype, training)
    kps = _keep_prob_list(keep_probs, L)
    if training and min(kps) < 1:
        if rng is None:
            raise TypeError("rng: expected a numpy.random.Generator or an int seed when keep_probs < 1, got None")
        rng = check_rng(rng)
    bn_momentum = float(check_beta(bn_momentum, "bn_momentum"))
    bn_eps = float(check_positive(bn_eps, "bn_eps"))
    return _forward(X, parameters, activations, kps, rng, bn_state, training, bn_momentum, bn_eps)


def _forward(X, parameters, activations, kps, rng, bn_state, training, bn_momentum=0.9, bn_eps=1e-8):
    """:func:`model_forward` after its checks (``kps``: L keep probabilities); ``train.fit`` calls it."""
    L = len(activations)
    A, caches = X, []
    try:
        for l in range(1, L + 1):
            W, g = parameters[f"W{l}"], ACTIVATIONS[activations[l - 1]][0]
            cache = {"activation": activations[l - 1], "bn": None, "D": None, "keep_prob": kps[l - 1]}
            # --8<-- [start:model_forward-layer]
            if f"gamma{l}" in parameters:                      # batch-norm layer: no bias
                Z, cache["linear"] = linear_forward(A, W, None)
                Z = _batchnorm_layer(Z, l, parameters, bn_state, training, bn_momentum, bn_eps, cache)
            else:
                Z, cache["linear"] = linear_forward(A, W, parameters[f"b{l}"])
            A = g(Z)
            if training and kps[l - 1] < 1:                    # inverted dropout (hidden layers)
                A, cache["D"] = dropout_forward(A, kps[l - 1], rng)
            # --8<-- [end:model_forward-layer]
            cache["Z"] = Z
            caches.append(cache)
    except FloatingPointError as exc:                          # name the caller's argument, not W or Z
        raise _forward_overflow(l, X, parameters) from exc
    return A, caches
# --8<-- [end:model_forward]


def _forward_overflow(l, X, parameters):
    W = parameters[f"W{l}"]
    if l == 1:
        return FloatingPointError(
            f"X: expected the first layer's W1 @ X + b1 to be finite in {X.dtype}, got an overflow "
            f"(largest |X| = {_largest(X):.3g}, largest |W1| = {_largest(W):.3g}): standardize X, "
            f"or start from smaller weights W1")
    return FloatingPointError(
        f"W{l}: expected layer {l}'s pre-activations W{l} @ A{l - 1} to be finite in {X.dtype}, got an "
        f"overflow (largest |W{l}| = {_largest(W):.3g}): the weights are far too large; if they come from "
        f"training, use a smaller learning_rate")


# --8<-- [start:batchnorm-layer]
def _batchnorm_layer(Z, l, parameters, bn_state, training, momentum, eps, cache):
    """Batch-norm step of layer l; updates bn_state (training) or uses it (inference)."""
    gamma, beta = parameters[f"gamma{l}"], parameters[f"beta{l}"]
    mu_key, var_key = f"mu{l}", f"var{l}"
    if not training:
        if bn_state is None or mu_key not in bn_state or var_key not in bn_state:
            have = "None" if bn_state is None else f"keys {sorted(bn_state)}"
            raise ValueError(f"bn_state: expected running averages {mu_key!r} and {var_key!r} for the "
                             f"batch-norm layer {l} in inference mode (training=False), got {have}")
        return batchnorm_inference(Z, gamma, beta, bn_state[mu_key], bn_state[var_key], eps=eps)
    Z_tilde, cache["bn"] = batchnorm_forward(Z, gamma, beta, eps=eps)
    if bn_state is not None:
        mu, var = cache["bn"]["mu"], cache["bn"]["var"]
        if mu_key in bn_state:
            bn_state[mu_key] = momentum * bn_state[mu_key] + (1 - momentum) * mu
            bn_state[var_key] = momentum * bn_state[var_key] + (1 - momentum) * var
        else:
            bn_state[mu_key], bn_state[var_key] = mu.copy(), var.copy()
    return Z_tilde
# --8<-- [end:batchnorm-layer]


def _check_cost_args(AL, Y, loss):
    """AL and Y of the same (n_y, m) shape; probabilities in [0, 1] for the cross-entropies."""
    _check_loss(loss)
    AL = as_float_array(AL, "AL", ndim=2)
    given = getattr(Y, "dtype", None)
    Y = as_float_array(Y, "Y")
    check_same_examples(AL, Y, "AL", "Y")
    check_same_shape(Y, "Y", AL, "AL")
    if given is not None and np.dtype(given).kind == "f" and Y.dtype != AL.dtype:
        raise TypeError(f"Y: expected dtype {AL.dtype} (the dtype of AL), got {Y.dtype} (integer labels take "
                        f"AL's dtype; convert float labels with .astype)")
    Y = Y.astype(AL.dtype, copy=False)
    if loss in ("bce", "cce"):
        lo, hi = float(AL.min()), float(AL.max())
        if lo < 0 or hi > 1:
            out = "sigmoid" if loss == "bce" else "softmax"
            raise ValueError(f"AL: expected probabilities in [0, 1] for loss={loss!r} (a {out} output), "
                             f"got values in [{lo:.3g}, {hi:.3g}]")
    return AL, Y


def compute_cost(AL, Y, loss, *, parameters=None, lambd=0.0, l1=0.0):
    r"""Cost $J$: mean loss over the $m$ examples, plus optional weight penalties.

    $$J = \frac1m\sum_{i=1}^m\mathcal{L}(\hat y^{(i)}, y^{(i)})
      + \frac{\lambda}{2m}\sum_l\lVert W^{[l]}\rVert_F^2 + \frac{\lambda_1}{m}\sum_l\lVert W^{[l]}\rVert_1.$$

    See [the cost of a deep network](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    AL : array_like, shape (n_y, m)
        Network output $\hat Y$.
    Y : array_like, shape (n_y, m)
        Labels (``{0, 1}`` for ``"bce"``, one-hot columns for ``"cce"``).
    loss : {"bce", "cce", "mse"}
        See :mod:`dlnotes.losses`.
    parameters : dict, optional
        Needed when ``lambd`` or ``l1`` is positive.
    lambd : float, default 0
        L2 strength: adds $\frac{\lambda}{2m}\sum_l\lVert W^{[l]}\rVert_F^2$.
    l1 : float, default 0
        L1 strength: adds $\frac{\lambda_1}{m}\sum_l\lVert W^{[l]}\rVert_1$.

    Returns
    -------
    float

    Examples
    --------
    >>> compute_cost(np.array([[0.5, 0.5]]), np.array([[1, 0]]), "bce")  # log 2
    0.693147...
    """
    AL, Y = _check_cost_args(AL, Y, loss)
    lambd, l1 = check_scalar(lambd, "lambd", low=0.0), check_scalar(l1, "l1", low=0.0)
    if (lambd > 0 or l1 > 0) and parameters is None:
        raise ValueError("parameters: expected the parameter dict when lambd > 0 or l1 > 0, got None")
    return _cost(AL, Y, loss, parameters, lambd, l1)


def _cost(AL, Y, loss, parameters=None, lambd=0.0, l1=0.0):
    """:func:`compute_cost` after its checks; ``train.fit`` calls it."""
    try:
        with np.errstate(over="ignore"):                       # reported below, naming AL
            cost = LOSSES[loss](AL, Y)
        if not np.isfinite(cost):
            raise FloatingPointError(f"the cost is {cost}")
    except FloatingPointError as exc:
        raise FloatingPointError(f"AL: expected a finite {loss!r} cost, got an overflow (the predictions are too "
                                 f"far from Y: largest |AL| = {_largest(AL):.3g})") from exc
    m = AL.shape[1]
    if lambd > 0:
        cost += l2_penalty(parameters, lambd, m)
    if l1 > 0:
        cost += l1_penalty(parameters, l1, m)
    return cost


def _check_linear_cache(cache, name="cache", what="the (A_prev, W, b) tuple returned by linear_forward"):
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        got = f"{type(cache).__name__} of length {len(cache)}" if isinstance(cache, (tuple, list)) \
            else type(cache).__name__
        raise TypeError(f"{name}: expected {what}, got {got}")
    A_prev, W, b = cache
    for part, arr in (("A_prev", A_prev), ("W", W)):
        if not (isinstance(arr, np.ndarray) and arr.ndim == 2 and arr.dtype.kind == "f"):
            raise TypeError(f"{name}: expected {what}, got a {part} of type {type(arr).__name__}"
                            f"{f' with shape {arr.shape}' if isinstance(arr, np.ndarray) else ''}")
    if W.shape[1] != A_prev.shape[0] or (b is not None and np.shape(b) != (W.shape[0], 1)):
        raise ValueError(f"{name}: expected {what}, got A_prev {A_prev.shape}, W {W.shape}, b {np.shape(b)}")
    return A_prev, W, b


def _check_linear_backward_args(dZ, cache, need_dA_prev):
    A_prev, W, b = _check_linear_cache(cache)
    dZ = as_float_array(dZ, "dZ", ndim=2)
    if dZ.shape != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"dZ: expected shape {(W.shape[0], A_prev.shape[1])} (n[l] rows of W, the m examples "
                         f"of A_prev), got {dZ.shape}")
    check_same_dtype(dZ, "dZ", W, "W in the cache")
    return dZ, A_prev, W, check_bool(need_dA_prev, "need_dA_prev")


def _check_gradients(dA_prev, dW, db):
    for name, grad in (("dW", dW), ("db", db), ("dA_prev", dA_prev)):
        if grad is not None and not _all_finite(grad):
            raise _overflow("dZ", name, grad, "dZ, A_prev or W in the cache are far too large")
    return dA_prev, dW, db


# --8<-- [start:linear_backward]
def linear_backward(dZ, cache, *, need_dA_prev=True):
    r"""Gradients of the linear part of a layer from $dZ$.

    $$dW = \frac1m\,dZ\,A_{\text{prev}}^\top,\qquad
      db = \frac1m\sum_{i=1}^m dz^{(i)},\qquad
      dA_{\text{prev}} = W^\top dZ,$$
    derived in [backpropagation in matrix form](course1/week3.md#backpropagation-in-matrix-form).

    Parameters
    ----------
    dZ : array_like, shape (n[l], m)
        Per-example gradient of the loss with respect to $Z^{[l]}$.
    cache : tuple
        ``(A_prev, W, b)`` from :func:`linear_forward`.
    need_dA_prev : bool, default True
        ``False`` skips $W^\top dZ$ (``None``): the first layer's $dA^{[0]} = dX$ is never used.

    Returns
    -------
    dA_prev : numpy.ndarray, shape (n[l-1], m), or None
    dW : numpy.ndarray, shape (n[l], n[l-1])
    db : numpy.ndarray, shape (n[l], 1)

    Examples
    --------
    >>> Z, cache = linear_forward(np.array([[1.0, 2.0]]), np.array([[3.0]]), np.array([[0.0]]))
    >>> linear_backward(np.array([[1.0, 1.0]]), cache)
    (array([[3., 3.]]), array([[1.5]]), array([[1.]]))
    """
    dZ, A_prev, W, need_dA_prev = _check_linear_backward_args(dZ, cache, need_dA_prev)
    m = A_prev.shape[1]
    with np.errstate(over="ignore", invalid="ignore"):      # an overflow is reported below, by name
        # --8<-- [start:linear-backward-equations]
        dW = dZ @ A_prev.T / m
        db = np.sum(dZ, axis=1, keepdims=True) / m
        dA_prev = W.T @ dZ if need_dA_prev else None
        # --8<-- [end:linear-backward-equations]
    return _check_gradients(dA_prev, dW, db)
# --8<-- [end:linear_backward]


def _check_activation_backward_args(dA, Z, activation):
    _check_activation(activation)
    Z = as_float_array(Z, "Z")
    dA = check_same_shape(as_float_array(dA, "dA"), "dA", Z, "Z")   # no broadcasting (8, 1) x (1, 8)
    return check_same_dtype(dA, "dA", Z, "Z"), Z


def activation_backward(dA, Z, activation):
    r"""Backpropagate through $A = g(Z)$: $dZ = dA \odot g'(Z)$.

    Softmax multiplies by its Jacobian instead (:func:`dlnotes.activations.softmax_backward`). See [backward propagation](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    dA : array_like, shape (n[l], m)
    Z : array_like, shape (n[l], m)
        The pre-activation of the forward pass.
    activation : str

    Returns
    -------
    numpy.ndarray, shape (n[l], m)
        $dZ$.

    Examples
    --------
    >>> activation_backward(np.array([[5.0, 5.0]]), np.array([[-1.0, 2.0]]), "relu")
    array([[0., 5.]])
    """
    dA, Z = _check_activation_backward_args(dA, Z, activation)
    g_grad = ACTIVATIONS[activation][1]
    if activation == "softmax":
        return g_grad(dA, Z)
    return dA * g_grad(Z)


def _check_layer_cache(cache):
    what = "the (linear_cache, Z) tuple returned by linear_activation_forward"
    if not isinstance(cache, (tuple, list)) or len(cache) != 2:
        got = f"{type(cache).__name__} of length {len(cache)}" if isinstance(cache, (tuple, list)) \
            else type(cache).__name__
        raise TypeError(f"cache: expected {what}, got {got}")
    linear_cache, Z = cache
    A_prev, W, _ = _check_linear_cache(linear_cache, "cache", what)
    if np.shape(Z) != (W.shape[0], A_prev.shape[1]):
        raise ValueError(f"cache: expected {what}, got Z of shape {np.shape(Z)} for W {W.shape}")
    return linear_cache, Z


# --8<-- [start:linear_activation_backward]
def linear_activation_backward(dA, cache, activation):
    r"""Backward pass of one layer $A = g(WA_{\text{prev}} + b)$.

    $dZ^{[l]} = dA^{[l]}\odot g^{[l]\prime}(Z^{[l]})$, then :func:`linear_backward`. See [backward propagation](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    dA : array_like, shape (n[l], m)
        Per-example gradient of the loss with respect to $A^{[l]}$.
    cache : tuple
        ``(linear_cache, Z)`` from :func:`linear_activation_forward`.
    activation : str
        The activation used in the forward pass.

    Returns
    -------
    dA_prev : numpy.ndarray, shape (n[l-1], m)
    dW : numpy.ndarray, shape (n[l], n[l-1])
    db : numpy.ndarray, shape (n[l], 1)

    Examples
    --------
    >>> A, cache = linear_activation_forward(np.array([[1.0, -2.0]]), np.array([[1.0]]),
    ...                                      np.array([[0.0]]), "relu")
    >>> dA_prev, dW, db = linear_activation_backward(np.array([[1.0, 1.0]]), cache, "relu")
    >>> dW, db  # only the first example is active
    (array([[0.5]]), array([[0.5]]))
    """
    linear_cache, Z = _check_layer_cache(cache)
    dZ = activation_backward(dA, Z, activation)
    return linear_backward(dZ, linear_cache)
# --8<-- [end:linear_activation_backward]


_CACHE_KEYS = ("activation", "bn", "D", "keep_prob", "linear", "Z")


def _check_backward_args(AL, Y, caches, loss):
    """AL, Y as for the cost, and caches exactly as model_forward (training mode) returns them."""
    _check_loss(loss)
    check_sequence(caches, "caches", "the list of caches returned by model_forward")
    if not len(caches):
        raise ValueError("caches: expected the list returned by model_forward, got an empty sequence")
    rows_prev = None
    for k, cache in enumerate(caches):
        name = f"caches[{k}]"
        check_mapping(cache, name, f"a dict with keys {list(_CACHE_KEYS)} (from model_forward)")
        if any(key not in cache for key in _CACHE_KEYS):
            raise ValueError(f"{name}: expected a dict with keys {sorted(_CACHE_KEYS)} (from model_forward), "
                             f"got keys {sorted(map(str, cache))}")
        _check_activation(cache["activation"], f"{name}['activation']")
        A_prev, W, b = _check_linear_cache(cache["linear"], f"{name}['linear']")
        if rows_prev is not None and A_prev.shape[0] != rows_prev:
            raise ValueError(f"{name}['linear']: expected A_prev with {rows_prev} rows (the units of layer {k}), "
                             f"got shape {A_prev.shape}")
        if np.shape(cache["Z"]) != (W.shape[0], A_prev.shape[1]):
            raise ValueError(f"{name}['Z']: expected shape {(W.shape[0], A_prev.shape[1])}, got {np.shape(cache['Z'])}")
        if b is None and cache["bn"] is None:
            raise ValueError(f"caches: expected the caches of a training-mode forward pass (training=True), got "
                             f"layer {k + 1} (batch norm) run in inference mode")
        rows_prev = W.shape[0]
    AL, Y = _check_cost_args(AL, Y, loss)
    Z_L = caches[-1]["Z"]
    if AL.shape != np.shape(Z_L):
        raise ValueError(f"AL: expected shape {np.shape(Z_L)} (the shape of the last layer's Z in caches), "
                         f"got {AL.shape}")
    check_same_dtype(AL, "AL", caches[-1]["linear"][1], "the weights in caches")
    if loss == "bce":
        check_binary_labels(Y, "Y")
    elif loss == "cce":
        _losses._check_distributions(Y, "Y")
    return AL, Y


def _output_dZ(AL, Y, cache, loss):
    """dZ[L]: A - Y for the matched (activation, loss) pairs, the chain rule otherwise."""
    activation = cache["activation"]
    if (activation, loss) in _FUSED:
        return AL - Y
    if loss == "bce":
        dAL = _losses.bce_grad(AL, Y)
    elif loss == "mse":
        dAL = _losses.mse_grad(AL, Y)
    else:
        dAL = -Y / np.maximum(AL, _losses.clip_eps(AL.dtype))
    return activation_backward(dAL, cache["Z"], activation)


# --8<-- [start:model_backward]
def model_backward(AL, Y, caches, *, loss, lambd=0.0, l1=0.0):
    r"""Backward pass through all $L$ layers: the gradient of the cost for every parameter.

    $dZ^{[L]} = A^{[L]} - Y$ for sigmoid + BCE, softmax + CCE and identity + MSE; then for $l = L..1$:

    $$dZ^{[l]} = dA^{[l]}\odot g^{[l]\prime}(Z^{[l]}),\quad
      dW^{[l]} = \tfrac1m dZ^{[l]}A^{[l-1]\top} + \tfrac{\lambda}{m}W^{[l]},\quad
      db^{[l]} = \tfrac1m\textstyle\sum_i dz^{[l](i)},\quad
      dA^{[l-1]} = W^{[l]\top}dZ^{[l]}.$$

    (dropout: $dA^{[l]}$ times $D^{[l]}/p_l$ first; batch norm: :func:`dlnotes.batchnorm.batchnorm_backward`). See [backward propagation](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    AL : array_like, shape (n_y, m)
        Output of :func:`model_forward`.
    Y : array_like, shape (n_y, m)
        Labels.
    caches : list of dict
        From :func:`model_forward` (in training mode).
    loss : {"bce", "cce", "mse"}
    lambd : float, default 0
        L2 strength (adds $\frac{\lambda}{m}W^{[l]}$ to $dW^{[l]}$).
    l1 : float, default 0
        L1 strength (adds $\frac{\lambda_1}{m}\operatorname{sign}W^{[l]}$).

    Returns
    -------
    dict
        ``dW{l}``, ``db{l}`` (or ``dgamma{l}``, ``dbeta{l}``), shapes and dtype of the parameters.

    Examples
    --------
    >>> from dlnotes.initializers import initialize_parameters
    >>> X, Y = np.random.default_rng(0).standard_normal((3, 5)), np.array([[0, 1, 1, 0, 1]])
    >>> AL, caches = model_forward(X, initialize_parameters([3, 4, 1], "he", rng=0), ("relu", "sigmoid"))
    >>> sorted(model_backward(AL, Y, caches, loss="bce"))
    ['dW1', 'dW2', 'db1', 'db2']
    """
    AL, Y = _check_backward_args(AL, Y, caches, loss)
    lambd, l1 = check_scalar(lambd, "lambd", low=0.0), check_scalar(l1, "l1", low=0.0)
    return _backward(AL, Y, caches, loss, lambd, l1)


def _backward(AL, Y, caches, loss, lambd=0.0, l1=0.0):
    """:func:`model_backward` after its checks; ``train.fit`` calls it."""
    L, m = len(caches), AL.shape[1]
    grads, l = {}, L
    try:
        dZ = _output_dZ(AL, Y, caches[-1], loss)
        for l in reversed(range(1, L + 1)):
            cache = caches[l - 1]
            if l < L:
                # --8<-- [start:model_backward-layer]
                if cache["D"] is not None:
                    dA = dropout_backward(dA, cache["D"], cache["keep_prob"])
                dZ = activation_backward(dA, cache["Z"], cache["activation"])
                # --8<-- [end:model_backward-layer]
            if cache["bn"] is not None:
                dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(dZ, cache["bn"])
            dA, dW, db = linear_backward(dZ, cache["linear"], need_dA_prev=l > 1)
            W = cache["linear"][1]
            if lambd > 0:
                dW += l2_penalty_grad(W, lambd, m)
            if l1 > 0:
                dW += l1_penalty_grad(W, l1, m)
            grads[f"dW{l}"] = dW
            if cache["bn"] is None:
                grads[f"db{l}"] = db
    except (FloatingPointError, ValueError) as exc:       # the inputs were checked: an overflow inside
        if isinstance(exc, ValueError) and "expected finite" not in str(exc):
            raise
        raise FloatingPointError(
            f"caches: expected a finite backward pass, got an overflow at layer {l}; the weights or activations "
            f"are far too large: if they come from training, use a smaller learning_rate") from exc
    return grads
# --8<-- [end:model_backward]


def _check_update_args(parameters, grads):
    """Yield (key, parameter, gradient): finite arrays of the same shape and dtype."""
    check_mapping(parameters, "parameters", "a dict like {'W1': ..., 'b1': ...}")
    check_mapping(grads, "grads", "a dict like {'dW1': ..., 'db1': ...} (from model_backward)")
    for key, value in parameters.items():
        gkey = f"d{key}"
        if gkey not in grads:
            raise ValueError(f"grads: expected key {gkey!r} for parameter {key!r}, got keys {sorted(map(str, grads))}")
        value = as_float_array(value, str(key))
        grad = as_float_array(grads[gkey], gkey)
        if grad.shape != value.shape:
            raise ValueError(f"{gkey}: expected shape {value.shape} (the shape of {key}), got {grad.shape}")
        yield key, value, check_same_dtype(grad, gkey, value, key)


def _check_step(new, learning_rate):
    for key, value in new.items():
        if not _all_finite(value):
            raise _overflow("learning_rate", f"the updated {key}", value,
                            f"learning_rate = {learning_rate:g} times d{key} is far too large: use a smaller one")
    return new


# --8<-- [start:update_parameters]
def update_parameters(parameters, grads, learning_rate):
    r"""One gradient-descent step: $\theta \leftarrow \theta - \alpha\,d\theta$ for every parameter.

    For momentum, RMSprop and Adam see :mod:`dlnotes.optim`. See [gradient descent for a network](course1/week3.md#gradient-descent-for-a-network).

    Parameters
    ----------
    parameters : dict
        ``W{l}``, ``b{l}`` (and ``gamma{l}``, ``beta{l}``).
    grads : dict
        ``dW{l}``, ``db{l}``, ... from :func:`model_backward`.
    learning_rate : float
        $\alpha > 0$.

    Returns
    -------
    dict
        New parameters (the input dict is not modified).

    Examples
    --------
    >>> update_parameters({"W1": np.array([[1.0]])}, {"dW1": np.array([[2.0]])}, 0.1)
    {'W1': array([[0.8]])}
    """
    learning_rate = check_positive(learning_rate, "learning_rate")
    new = {}
    with np.errstate(over="ignore", invalid="ignore"):        # an overflow is reported by name below
        for key, value, grad in _check_update_args(parameters, grads):
            new[key] = value - learning_rate * grad
    return _check_step(new, learning_rate)
# --8<-- [end:update_parameters]


def _check_features(X, parameters):
    """Trained parameters are the reference: X with the wrong number of rows is what is wrong."""
    X = as_float_array(X, "X", ndim=2)
    W1 = parameters.get("W1") if isinstance(parameters, Mapping) else None
    if np.ndim(W1) == 2 and np.shape(W1)[1] != X.shape[0]:
        raise ValueError(f"X: expected {np.shape(W1)[1]} rows (features, one example per column) to match "
                         f"W1 of shape {np.shape(W1)}, got shape {X.shape}")


def predict_proba(X, parameters, activations, *, bn_state=None):
    r"""Network output $\hat Y = A^{[L]}$ in inference mode (no dropout, running BN statistics).

    :func:`model_forward` with ``training=False``. See [deep neural networks](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    parameters : dict
    activations : sequence of str, length L
    bn_state : dict, optional
        Running averages; required if the network has batch-norm layers.

    Returns
    -------
    numpy.ndarray, shape (n_y, m)
        Probabilities for sigmoid/softmax outputs.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    >>> predict_proba(np.array([[0.0, 1000.0]]), params, ["sigmoid"])
    array([[0.5, 1. ]])
    """
    _check_features(X, parameters)
    AL, _ = model_forward(X, parameters, activations, bn_state=bn_state, training=False)
    return AL


def predict(X, parameters, activations, *, bn_state=None):
    r"""Predicted class labels: threshold 0.5 (sigmoid output) or argmax (softmax output).

    $\hat y = \mathbb{1}[a^{[L]} > 0.5]$, or $\arg\max_k a^{[L]}_k$. See [deep neural networks](course1/week4.md#forward-and-backward-building-blocks).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    parameters : dict
    activations : sequence of str, length L
        The last one must be ``"sigmoid"`` (with one output unit) or ``"softmax"``.
    bn_state : dict, optional

    Returns
    -------
    numpy.ndarray of int64, shape (1, m)
        0/1 for a sigmoid output; the class index in $0..C-1$ for softmax.

    Examples
    --------
    >>> params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    >>> predict(np.array([[-2.0, 3.0]]), params, ["sigmoid"])
    array([[0, 1]])
    """
    check_sequence(activations, "activations", "a list of activation names, one per layer")
    out = activations[-1] if len(activations) else None
    if out not in ("sigmoid", "softmax"):
        raise ValueError(f"activations: expected the last activation to be 'sigmoid' or 'softmax' "
                         f"to predict labels, got {out!r} (use predict_proba for other outputs)")
    AL = predict_proba(X, parameters, activations, bn_state=bn_state)
    if out == "softmax":
        return np.argmax(AL, axis=0).astype(np.int64).reshape(1, -1)
    if AL.shape[0] != 1:
        raise ValueError(f"parameters: expected one output unit for a sigmoid classifier, got {AL.shape[0]}")
    return (AL > 0.5).astype(np.int64)
