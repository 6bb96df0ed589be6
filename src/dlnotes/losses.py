r"""Losses (one example) and costs (their mean over the $m$ examples).

Examples are columns: predictions and labels have shape ``(n_y, m)``. A *cost*
is the **mean** of the per-example losses, $J = \frac{1}{m}\sum_i L(\hat y^{(i)}, y^{(i)})$,
returned as a Python ``float``. Gradients (``bce_grad``, ``mse_grad``,
``softmax_cross_entropy_grad``) are per-example derivatives of the *loss*, with
no $1/m$: that factor appears when the backward pass sums over examples.

**Inputs.** The two arrays have exactly the same shape (no broadcasting). Results keep
the dtype of the predictions (``A``, ``Yhat``, ``Z``); labels and targets may be integers
or booleans (converted exactly), but a float32 array next to a float64 one raises
``TypeError`` rather than being silently upcast or rounded. Probabilities must lie in
$[0, 1]$ (for logits use the ``*_from_logits`` losses); the softmax-specific ones
(``sparse_categorical_cross_entropy``, ``softmax_cross_entropy_grad``) also need columns
summing to 1. Costs are summed after dividing by $m$, so a finite mean
never overflows on the way; a mean too large for a float raises ``FloatingPointError``.

See [the logistic-regression cost](course1/week2.md#the-loss-binary-cross-entropy) and
[softmax and its loss](course2/week3.md#softmax-regression).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import as_float_array, check_binary_labels, check_float_dtype, check_same_examples, check_same_shape
from dlnotes.activations import _as_float_like

__all__ = [
    "clip_eps",
    "binary_cross_entropy",
    "binary_cross_entropy_from_logits",
    "bce_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_from_logits",
    "sparse_categorical_cross_entropy",
    "softmax_cross_entropy_grad",
    "mean_squared_error",
    "mse_grad",
]


def _pred_and_labels(A, Y, a_name, y_name="Y"):
    """Validate a (n_y, m) prediction and labels of exactly its shape and dtype (integer labels take it)."""
    A = as_float_array(A, a_name, ndim=2)
    Y = _as_float_like(Y, y_name, A, a_name)
    check_same_examples(A, Y, a_name, y_name)
    check_same_shape(Y, y_name, A, a_name)
    return A, Y


def _check_probabilities(P, name, *, columns_sum_to_one=False):
    """Predicted probabilities lie in [0, 1] (and, for softmax outputs, each column sums to 1)."""
    lo, hi = float(P.min()), float(P.max())
    if lo < 0 or hi > 1:
        raise ValueError(f"{name}: expected probabilities in [0, 1] (for logits use the *_from_logits loss), "
                         f"got values in [{lo:.3g}, {hi:.3g}]")
    if columns_sum_to_one:
        sums = P.sum(axis=0)
        if float(np.abs(sums - 1).max()) > 1e-3:
            raise ValueError(f"{name}: expected columns summing to 1 (softmax outputs), "
                             f"got column sums in [{sums.min():.3g}, {sums.max():.3g}]")


def _cost(losses, name, scale=1.0):
    """``scale`` times the mean over the m examples (columns) of per-entry ``losses``, as a float.

    Each loss is divided by m *before* the sum, so no partial sum exceeds the mean: a finite
    mean never overflows on the way. A float32 mean beyond float32's range is summed in
    float64 (the cost is a Python float); a mean beyond float64's raises FloatingPointError.
    """
    m = losses.shape[1]
    with np.errstate(over="ignore"):
        J = scale * float(np.sum(losses / m))
        if not np.isfinite(J) and losses.dtype != np.float64:
            J = scale * float(np.sum(losses.astype(np.float64) / m))
    if not np.isfinite(J):
        raise FloatingPointError(f"{name}: expected inputs whose mean loss is a finite float, got a mean loss "
                                 f"beyond {np.finfo(np.float64).max:.3g} (rescale {name})")
    return J


def _check_distributions(Y, name="Y"):
    """Each column of a categorical target must be a probability vector (one-hot or smoothed)."""
    if np.any(Y < 0) or not np.allclose(Y.sum(axis=0), 1, atol=1e-4):
        raise ValueError(f"{name}: expected one-hot columns (non-negative, each summing to 1), "
                         f"got column sums in [{Y.sum(axis=0).min():.3g}, {Y.sum(axis=0).max():.3g}]")


def clip_eps(dtype):
    r"""The $\varepsilon$ used to keep probabilities inside $[\varepsilon, 1 - \varepsilon]$.

    A fixed $\varepsilon = 10^{-15}$ would be silently rounded away in
    float32 ($1 - 10^{-15} = 1$ exactly) and $\log(1 - a)$ would be $-\infty$.
    See [why the loss clips $\hat y$](course1/week2.md#the-model).

    Parameters
    ----------
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    float
        The machine epsilon of ``dtype`` ($1.2\times10^{-7}$ for float32,
        $2.2\times10^{-16}$ for float64): the smallest $\varepsilon$ for which
        $1 - \varepsilon$ is still distinguishable from 1.

    Examples
    --------
    >>> clip_eps(np.float32) > clip_eps(np.float64)
    True
    """
    return float(np.finfo(check_float_dtype(dtype, "dtype")).eps)


# --8<-- [start:binary_cross_entropy]
def binary_cross_entropy(A, Y):
    r"""Binary cross-entropy cost from probabilities, a mean over examples.

    $$J = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k}\Big(y_k^{(i)}\log a_k^{(i)}
         + (1 - y_k^{(i)})\log(1 - a_k^{(i)})\Big).$$

    $A$ is clipped to $[\varepsilon, 1-\varepsilon]$ (see :func:`clip_eps`) so that
    a saturated sigmoid gives a large finite cost instead of ``inf``. When the
    logits are available, :func:`binary_cross_entropy_from_logits` is exact.
    See [the cost function](course1/week2.md#the-loss-binary-cross-entropy).

    Parameters
    ----------
    A : array_like, shape (n_y, m)
        Predicted probabilities $\hat y = a^{[L]}$ (sigmoid outputs).
    Y : array_like, shape (n_y, m)
        Labels in $\{0, 1\}$.

    Returns
    -------
    float
        $J \ge 0$.

    Examples
    --------
    >>> binary_cross_entropy(np.array([[0.5, 0.5]]), np.array([[1, 0]]))  # log 2
    0.693147...
    """
    A, Y = _pred_and_labels(A, Y, "A")
    _check_probabilities(A, "A")
    check_binary_labels(Y, "Y")
    eps = clip_eps(A.dtype)
    A = np.clip(A, eps, 1 - eps)
    return _cost(-(Y * np.log(A) + (1 - Y) * np.log1p(-A)), "A")
# --8<-- [end:binary_cross_entropy]


def binary_cross_entropy_from_logits(Z, Y):
    r"""Binary cross-entropy cost computed from logits $z$ (before the sigmoid), exactly.

    With $\log\sigma(z) = -\log(1 + e^{-z})$ and $\log(1-\sigma(z)) = -z - \log(1+e^{-z})$,
    the loss is $\mathcal{L} = \log(1 + e^{-z}) + (1-y) z$, which we rewrite
    with $\log(1 + e^{-z}) = \max(-z, 0) + \log(1 + e^{-|z|})$ so no exponent is
    positive:

    $$\mathcal{L}(z, y) = \max(z, 0) - z\,y + \log\!\big(1 + e^{-|z|}\big).$$

    For $y \in \{0, 1\}$ the first two terms are $\max(z, 0)$ or $\max(-z, 0)$, so each loss
    is finite for any finite $z$, and the mean is taken by dividing each loss by $m$ before
    summing: logits of $\pm 10^{308}$ give the right, finite cost.
    See [the loss from the logit](course1/week2.md#the-model).

    Parameters
    ----------
    Z : array_like, shape (n_y, m)
        Logits; $\hat y = \sigma(z)$.
    Y : array_like, shape (n_y, m)
        Labels in $\{0, 1\}$.

    Returns
    -------
    float
        $J \ge 0$, finite for any finite logits.

    Examples
    --------
    >>> binary_cross_entropy_from_logits(np.array([[1000.0, -1000.0]]), np.array([[0, 0]]))
    500.0
    """
    Z, Y = _pred_and_labels(Z, Y, "Z")
    check_binary_labels(Y, "Y")
    losses = np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
    return _cost(losses, "Z")


def bce_grad(A, Y):
    r"""Derivative of the binary cross-entropy *loss* with respect to $a$, per example.

    $$\frac{\partial\mathcal{L}}{\partial a} = -\frac{y}{a} + \frac{1-y}{1-a}.$$

    Times $\sigma'(z) = a(1-a)$ this gives $dz = a - y$, which is what the
    backward pass uses directly (it is exact even when $a$ is 0 or 1).
    $A$ is clipped as in :func:`binary_cross_entropy`.
    See [the gradient of the loss](course1/week2.md#the-gradient-of-the-loss).

    Parameters
    ----------
    A : array_like, shape (n_y, m)
        Predicted probabilities.
    Y : array_like, shape (n_y, m)
        Labels in $\{0, 1\}$.

    Returns
    -------
    numpy.ndarray, shape (n_y, m), dtype of ``A``
        $dA = \partial\mathcal{L}/\partial a$ (no $1/m$).

    Examples
    --------
    >>> bce_grad(np.array([[0.5, 0.5]]), np.array([[1, 0]]))
    array([[-2.,  2.]])
    """
    A, Y = _pred_and_labels(A, Y, "A")
    _check_probabilities(A, "A")
    check_binary_labels(Y, "Y")
    eps = clip_eps(A.dtype)
    A = np.clip(A, eps, 1 - eps)
    return -Y / A + (1 - Y) / (1 - A)


# --8<-- [start:categorical_cross_entropy]
def categorical_cross_entropy(Yhat, Y):
    r"""Categorical cross-entropy cost from probabilities, a mean over examples.

    $$J = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{C} y_k^{(i)}\log\hat y_k^{(i)}.$$

    For one-hot $y$ only the probability of the true class counts.
    $\hat y$ is clipped below at $\varepsilon$ (see :func:`clip_eps`).
    See [softmax and its loss](course2/week3.md#softmax-regression).

    Parameters
    ----------
    Yhat : array_like, shape (C, m)
        Predicted class probabilities (softmax outputs), one column per example.
    Y : array_like, shape (C, m)
        One-hot labels (columns may also be smoothed probability vectors).

    Returns
    -------
    float
        $J \ge 0$.

    Examples
    --------
    >>> categorical_cross_entropy(np.array([[0.25], [0.75]]), np.array([[0], [1]]))  # -log 0.75
    0.287682...
    """
    Yhat, Y = _pred_and_labels(Yhat, Y, "Yhat")
    _check_probabilities(Yhat, "Yhat")
    _check_distributions(Y, "Y")
    logp = np.log(np.maximum(Yhat, clip_eps(Yhat.dtype)))
    return _cost(-(Y * logp), "Yhat")
# --8<-- [end:categorical_cross_entropy]


def categorical_cross_entropy_from_logits(Z, Y):
    r"""Categorical cross-entropy cost computed from logits (before the softmax), exactly.

    $\log\mathrm{softmax}(z)_k = z_k - \log\sum_j e^{z_j}$, and the log-sum-exp is
    computed with the column maximum $M$ factored out:
    $\log\sum_j e^{z_j} = M + \log\sum_j e^{z_j - M}$. Since $\sum_k y_k = 1$,

    $$\mathcal{L}(z, y) = \mathrm{LSE}(z) - \sum_k y_k z_k
      = \sum_k y_k\Big(\log\sum_j e^{z_j - M} + (M - z_k)\Big).$$

    The last form is computed for each example, then averaged: both terms are
    non-negative, the first is at most $\log C$, and nothing cancels, so equal logits
    of $10^{300}$ give exactly $\log C$ (the first form would give
    $(10^{300} + \log C) - 10^{300} = 0$). $M - z_k$ is computed in halves,
    $M/2 - z_k/2$, which cannot overflow even for logits of $\pm 10^{308}$.
    See [softmax and its loss](course2/week3.md#softmax-regression).

    Parameters
    ----------
    Z : array_like, shape (C, m)
        Logits.
    Y : array_like, shape (C, m)
        One-hot labels (or probability vectors).

    Returns
    -------
    float
        $J \ge 0$, finite for any finite logits.

    Examples
    --------
    >>> categorical_cross_entropy_from_logits(np.array([[1000.0], [0.0]]), np.array([[0], [1]]))
    1000.0
    """
    Z, Y = _pred_and_labels(Z, Y, "Z")
    _check_distributions(Y, "Y")
    M = Z.max(axis=0, keepdims=True)
    with np.errstate(over="ignore"):       # z - M is -inf only where e^(z - M) = 0 anyway
        shifted = Z - M
    log_norm = np.log(np.sum(np.exp(shifted), axis=0, keepdims=True))   # in [0, log C]
    half_gap = M / 2 - Z / 2               # (M - z_k) / 2 >= 0: exact halves, never overflows
    half_losses = np.sum(Y * (log_norm / 2 + half_gap), axis=0, keepdims=True)
    return _cost(half_losses, "Z", scale=2.0)


def sparse_categorical_cross_entropy(Yhat, labels):
    r"""Categorical cross-entropy with integer class labels instead of one-hot columns.

    Identical to :func:`categorical_cross_entropy` with $y = \mathrm{onehot}(c)$, but it
    picks one entry per column instead of multiplying by a mostly-zero matrix.
    See [softmax and its loss](course2/week3.md#softmax-regression).

    Parameters
    ----------
    Yhat : array_like, shape (C, m)
        Predicted class probabilities.
    labels : array_like of int, shape (m,) or (1, m)
        True class of each example, in $\{0, \dots, C-1\}$.

    Returns
    -------
    float
        $J = -\frac{1}{m}\sum_i \log \hat y^{(i)}_{c_i}$.

    Examples
    --------
    >>> sparse_categorical_cross_entropy(np.array([[0.25], [0.75]]), np.array([1]))
    0.287682...
    """
    Yhat = as_float_array(Yhat, "Yhat", ndim=2)
    _check_probabilities(Yhat, "Yhat", columns_sum_to_one=True)
    if isinstance(labels, (np.matrix, np.ma.MaskedArray)):
        raise TypeError(f"labels: expected a numpy.ndarray or a list of class indices, got {type(labels).__name__}")
    labels = np.asarray(labels)
    C, m = Yhat.shape
    integral = labels.dtype.kind in "iu" or (
        labels.dtype.kind == "f" and labels.size and bool(np.all(np.isfinite(labels)))
        and bool(np.all(labels == np.round(labels))))
    if not integral:
        shown = f"dtype {labels.dtype}" if labels.dtype.kind != "f" else \
            f"non-integer values such as {labels[~(labels == np.round(labels))].flat[0]!r}" if labels.size else "none"
        raise TypeError(f"labels: expected integer class indices, got {shown}")
    if labels.shape not in ((m,), (1, m)):
        raise ValueError(f"labels: expected shape ({m},) or (1, {m}) to match Yhat's {m} examples, got {labels.shape}")
    if labels.min() < 0 or labels.max() >= C:   # before the cast to intp: 1e30 must not wrap around
        lo, hi = labels.min(), labels.max()
        raise ValueError(f"labels: expected class indices in [0, {C - 1}], got values in [{lo:g}, {hi:g}]")
    labels = labels.reshape(-1).astype(np.intp)
    p = Yhat[labels, np.arange(m)]
    return _cost(-np.log(np.maximum(p, clip_eps(Yhat.dtype)))[None, :], "Yhat")


# --8<-- [start:softmax_cross_entropy_grad]
def softmax_cross_entropy_grad(Yhat, Y):
    r"""Gradient of softmax + cross-entropy with respect to the logits: $dZ = \hat Y - Y$.

    $\dfrac{\partial \mathcal{L}}{\partial z_j} = \sum_k -\dfrac{y_k}{\hat y_k}\,\hat y_k(\delta_{kj} - \hat y_j)
    = -y_j + \hat y_j\sum_k y_k = \hat y_j - y_j.$
    See [the softmax gradient](course2/week3.md#the-softmax-gradient).

    Parameters
    ----------
    Yhat : array_like, shape (C, m)
        Softmax outputs.
    Y : array_like, shape (C, m)
        One-hot labels.

    Returns
    -------
    numpy.ndarray, shape (C, m), dtype of ``Yhat``
        Per-example $dz = \hat y - y$ (no $1/m$).

    Examples
    --------
    >>> softmax_cross_entropy_grad(np.array([[0.25], [0.75]]), np.array([[0], [1]]))
    array([[ 0.25],
           [-0.25]])
    """
    Yhat, Y = _pred_and_labels(Yhat, Y, "Yhat")
    _check_probabilities(Yhat, "Yhat", columns_sum_to_one=True)
    _check_distributions(Y, "Y")
    return Yhat - Y
# --8<-- [end:softmax_cross_entropy_grad]


def mean_squared_error(A, Y):
    r"""Squared-error cost $J = \frac{1}{m}\sum_i \tfrac12\lVert a^{(i)} - y^{(i)}\rVert^2$.

    The per-example loss carries a factor $\tfrac12$ so that its derivative is
    simply $a - y$ (see :func:`mse_grad`); with an identity output the backward
    pass then starts from $dz^{[L]} = a^{[L]} - y$, exactly as for
    sigmoid + binary cross-entropy and softmax + categorical cross-entropy.
    This is half of the "mean of squared errors" of other libraries
    (``sklearn.metrics.mean_squared_error`` for $n_y = 1$), which only rescales
    the learning rate.
    See [why not squared error](course1/week2.md#the-loss-binary-cross-entropy).

    Parameters
    ----------
    A : array_like, shape (n_y, m)
        Predictions (identity outputs).
    Y : array_like, shape (n_y, m)
        Targets.

    Returns
    -------
    float
        $J \ge 0$.

    Examples
    --------
    >>> mean_squared_error(np.array([[1.0, 3.0]]), np.array([[0.0, 1.0]]))  # (1/2)(1 + 4)/2
    1.25
    """
    A, Y = _pred_and_labels(A, Y, "A")
    with np.errstate(over="ignore"):        # an overflow is reported by _cost, naming A
        diff = A - Y
        losses = 0.5 * diff * diff
    return _cost(losses, "A")


def mse_grad(A, Y):
    r"""Derivative of the squared-error loss with respect to $a$, per example: $a - y$.

    $\mathcal{L} = \tfrac12\lVert a - y\rVert^2 \Rightarrow \partial\mathcal{L}/\partial a = a - y$.
    See [the cost function](course1/week2.md#the-loss-binary-cross-entropy).

    Parameters
    ----------
    A : array_like, shape (n_y, m)
        Predictions.
    Y : array_like, shape (n_y, m)
        Targets.

    Returns
    -------
    numpy.ndarray, shape (n_y, m), dtype of ``A``

    Examples
    --------
    >>> mse_grad(np.array([[1.0, 3.0]]), np.array([[0.0, 1.0]]))
    array([[1., 2.]])
    """
    A, Y = _pred_and_labels(A, Y, "A")
    with np.errstate(over="ignore"):
        dA = A - Y
    if not (np.isfinite(dA.min()) and np.isfinite(dA.max())):
        raise FloatingPointError(f"A: expected predictions and targets whose difference is a finite {A.dtype}, "
                                 f"got |A - Y| beyond {np.finfo(A.dtype).max:.3g} (rescale the targets)")
    return dA
