r"""Losses (one example) and costs (their mean over the $m$ examples).

Examples are columns: predictions and labels have shape ``(n_y, m)``, exactly the same shape (no
broadcasting). A *cost* is the **mean** $J = \frac{1}{m}\sum_i L(\hat y^{(i)}, y^{(i)})$, a Python
``float``; gradients are per-example derivatives of the *loss*, with no $1/m$. Results keep the
predictions' dtype; integer or boolean labels are converted exactly, but a float32 array next to
a float64 one raises ``TypeError``. A mean too large for a float raises ``FloatingPointError``.
See [the logistic-regression cost](course1/week2.md#the-loss-binary-cross-entropy) and
[softmax and its loss](course2/week3.md#softmax-regression).
"""

from __future__ import annotations

import numpy as np

from dlnotes._checks import (as_float_array, check_binary_labels, check_bool, check_float_dtype, check_same_examples,
                             check_same_shape)
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
    "torch_cross_entropy",
    "torch_cross_entropy_grad",
    "keras_categorical_crossentropy",
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
    r"""The $\varepsilon$ used to keep probabilities inside $[\varepsilon, 1 - \varepsilon]$: the machine epsilon of ``dtype``.

    A fixed $\varepsilon = 10^{-15}$ would round away in float32 ($1 - 10^{-15} = 1$).
    See [why the loss clips $\hat y$](course1/week2.md#the-model).

    Parameters
    ----------
    dtype : numpy dtype
        float32 or float64.

    Returns
    -------
    float
        The smallest $\varepsilon$ for which $1 - \varepsilon$ is still distinguishable from 1.

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
         + (1 - y_k^{(i)})\log(1 - a_k^{(i)})\Big),$$
    with $A$ clipped to $[\varepsilon, 1-\varepsilon]$ (:func:`clip_eps`): a saturated sigmoid gives a
    large finite cost, not ``inf``. See [the cost function](course1/week2.md#the-loss-binary-cross-entropy).

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

    $$\mathcal{L}(z, y) = \max(z, 0) - z\,y + \log\!\big(1 + e^{-|z|}\big),$$
    finite for any finite $z$ (derived in [the loss from the logit](course1/week2.md#the-model)).

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

    $$\frac{\partial\mathcal{L}}{\partial a} = -\frac{y}{a} + \frac{1-y}{1-a},$$
    with $A$ clipped as in :func:`binary_cross_entropy` (the backward pass uses $dz = a - y$ directly).
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

    $$J = -\frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{C} y_k^{(i)}\log\hat y_k^{(i)},$$
    with $\hat y$ clipped below at $\varepsilon$ (:func:`clip_eps`).
    See [softmax and its loss](course2/week3.md#softmax-regression).

    Parameters
    ----------
    Yhat : array_like, shape (C, m)
        Predicted class probabilities (softmax outputs), one column per example.
    Y : array_like, shape (C, m)
        One-hot labels (or smoothed probability vectors).

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

    With $M = \max_j z_j$, each example's loss is computed without cancellation as
    $$\mathcal{L}(z, y) = \sum_k y_k\Big(\log\sum_j e^{z_j - M} + (M - z_k)\Big)$$
    (derived in [softmax and its loss](course2/week3.md#softmax-regression)).

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

    $J = -\frac{1}{m}\sum_i \log \hat y^{(i)}_{c_i}$: :func:`categorical_cross_entropy` with
    $y = \mathrm{onehot}(c)$, one entry picked per column. See [softmax and its loss](course2/week3.md#softmax-regression).

    Parameters
    ----------
    Yhat : array_like, shape (C, m)
        Predicted class probabilities.
    labels : array_like of int, shape (m,) or (1, m)
        True class of each example, in $\{0, \dots, C-1\}$.

    Returns
    -------
    float

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

    The $\tfrac12$ makes the derivative $a - y$ (:func:`mse_grad`); it is half the "mean squared
    error" of other libraries, which only rescales the learning rate.
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
    r"""Derivative of the squared-error loss $\tfrac12\lVert a - y\rVert^2$ with respect to $a$, per example: $a - y$.

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


# ---------------------------------------------------------------------------------------------
# Framework conventions: rows are examples, the loss takes logits
# ---------------------------------------------------------------------------------------------

def _rows_logits_and_classes(logits, target):
    """Validate (N, C) logits and N integer class indices in [0, C)."""
    logits = as_float_array(logits, "logits", ndim=2)
    N, C = logits.shape
    if isinstance(target, (np.matrix, np.ma.MaskedArray)) or not isinstance(target, (np.ndarray, list, tuple)):
        raise TypeError(f"target: expected an array of integer class indices, got {type(target).__name__}")
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(f"target: expected integer class indices (PyTorch's int64 targets), got dtype {target.dtype}")
    if target.shape != (N,):
        raise ValueError(f"target: expected shape ({N},) (one class index per row of logits), got {target.shape}")
    if target.min() < 0 or target.max() >= C:
        raise ValueError(f"target: expected class indices in [0, {C - 1}], "
                         f"got values in [{target.min()}, {target.max()}]")
    return logits, target.astype(np.intp)


def _log_softmax_rows(Z):
    """$\\log\\mathrm{softmax}$ of each row: $z - M - \\log\\sum_j e^{z_j - M}$, $M$ the row maximum."""
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


# --8<-- [start:torch_cross_entropy]
def torch_cross_entropy(logits, target, reduction="mean"):
    r"""PyTorch's ``nn.CrossEntropyLoss()(logits, target)``: logits in rows, class indices, a mean.

    PyTorch documents, for each row $n$ with class $y_n$,
    $\ell_n = -\log\dfrac{e^{x_{n,y_n}}}{\sum_c e^{x_{n,c}}} = \log\sum_c e^{x_{n,c}} - x_{n,y_n}$,
    and ``reduction="mean"`` returns $\frac1N\sum_n \ell_n$. The input is **logits**: the
    softmax is inside the loss. See
    [framework loss conventions](course2/frameworks.md#framework-loss-conventions-beyond-the-course).

    Parameters
    ----------
    logits : array_like, shape (N, C)
        Raw scores, one **row** per example (the transpose of the course's $Z^{[L]}$).
    target : array_like of int, shape (N,)
        Class index of each example, in $\{0, \dots, C-1\}$.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or numpy.ndarray of shape (N,) for ``reduction="none"``

    Examples
    --------
    >>> round(torch_cross_entropy(np.array([[2.0, 0.0, 0.0]]), np.array([0])), 4)   # log(e^2 + 2) - 2
    0.2395
    """
    logits, target = _rows_logits_and_classes(logits, target)
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction: expected 'mean', 'sum' or 'none', got {reduction!r}")
    losses = -_log_softmax_rows(logits)[np.arange(len(target)), target]
    if reduction == "none":
        return losses
    return float(np.mean(losses) if reduction == "mean" else np.sum(losses))
# --8<-- [end:torch_cross_entropy]


# --8<-- [start:torch_cross_entropy_grad]
def torch_cross_entropy_grad(logits, target):
    r"""Gradient of :func:`torch_cross_entropy` (``reduction="mean"``) with respect to the logits.

    $\dfrac{\partial}{\partial x_{n,c}}\,\frac1N\sum_k \ell_k = \frac{1}{N}\big(\mathrm{softmax}(x_n)_c
    - [c = y_n]\big)$: the course's $\hat y - y$, transposed, with the batch mean's $1/N$.
    See [framework loss conventions](course2/frameworks.md#framework-loss-conventions-beyond-the-course).

    Parameters
    ----------
    logits : array_like, shape (N, C)
    target : array_like of int, shape (N,)

    Returns
    -------
    numpy.ndarray, shape (N, C), dtype of ``logits``

    Examples
    --------
    >>> np.round(torch_cross_entropy_grad(np.array([[0.0, 0.0]]), np.array([1])), 4)
    array([[ 0.5, -0.5]])
    """
    logits, target = _rows_logits_and_classes(logits, target)
    N = logits.shape[0]
    grad = np.exp(_log_softmax_rows(logits))
    grad[np.arange(N), target] -= 1
    return grad / N
# --8<-- [end:torch_cross_entropy_grad]


# --8<-- [start:keras_categorical_crossentropy]
def keras_categorical_crossentropy(y_true, y_pred, from_logits=False):
    r"""Keras' ``CategoricalCrossentropy(from_logits=...)(y_true, y_pred)``: rows, one-hot, a mean.

    With ``from_logits=True``, $\ell_n = -\sum_c y_{n,c}\log\mathrm{softmax}(x_n)_c$. With the default
    ``from_logits=False``, Keras' implementation rescales ``y_pred`` to sum to 1 and clips it to
    $[\epsilon, 1 - \epsilon]$ with $\epsilon = 10^{-7}$ before the log. The batch is averaged.
    See [framework loss conventions](course2/frameworks.md#framework-loss-conventions-beyond-the-course).

    Parameters
    ----------
    y_true : array_like, shape (N, C)
        One-hot rows (or probability rows).
    y_pred : array_like, shape (N, C)
        Probabilities (``from_logits=False``) or logits (``from_logits=True``), one row per example.
    from_logits : bool, default False

    Returns
    -------
    float

    Examples
    --------
    >>> y_true = np.array([[0, 1, 0], [0, 0, 1]])
    >>> round(keras_categorical_crossentropy(y_true, np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])), 4)
    1.1769
    """
    from_logits = check_bool(from_logits, "from_logits")
    y_pred = as_float_array(y_pred, "y_pred", ndim=2)
    y_true = _as_float_like(y_true, "y_true", y_pred, "y_pred")
    check_same_shape(y_true, "y_true", y_pred, "y_pred")
    if np.any(y_true < 0) or not np.allclose(y_true.sum(axis=1), 1, atol=1e-4):
        raise ValueError("y_true: expected one-hot rows (non-negative, each summing to 1), "
                         f"got row sums in [{y_true.sum(axis=1).min():.3g}, {y_true.sum(axis=1).max():.3g}]")
    if from_logits:
        logp = _log_softmax_rows(y_pred)
    else:
        sums = y_pred.sum(axis=1, keepdims=True)
        if float(y_pred.min()) < 0 or float(sums.min()) <= 0:
            raise ValueError("y_pred: expected probabilities (non-negative rows with a positive sum; "
                             f"pass from_logits=True for logits), got values in [{y_pred.min():.3g}, {y_pred.max():.3g}]")
        eps = y_pred.dtype.type(1e-7)
        logp = np.log(np.clip(y_pred / sums, eps, 1 - eps))
    return float(np.mean(-np.sum(y_true * logp, axis=1)))
# --8<-- [end:keras_categorical_crossentropy]
