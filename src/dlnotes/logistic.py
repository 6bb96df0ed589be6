r"""Logistic regression, $\hat y = \sigma(w^\top x + b)$, trained by gradient descent.

``w`` has shape ``(n_x, 1)``, ``b`` is a scalar, ``X`` is ``(n_x, m)`` and
``Y`` is ``(1, m)`` with labels in $\{0, 1\}$. Two versions of the gradient
computation are given: :func:`propagate_loop`, with explicit loops over the
examples and the features as in the lecture's pseudo-code, and the vectorized
:func:`propagate`; they return the same numbers. A diverging gradient descent raises
``FloatingPointError`` naming the iteration and ``learning_rate``.
See [logistic regression as a one-neuron network](course1/week2.md#the-model) and
[one step of gradient descent, loop and vectorized](course1/week2.md#one-step-of-gradient-descent-loop-and-vectorized).
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from dlnotes._checks import (
    as_float_array,
    check_binary_labels,
    check_float_dtype,
    check_positive,
    check_same_dtype,
    check_same_examples,
    check_scalar,
    check_shape,
)
from dlnotes.activations import sigmoid
from dlnotes.losses import binary_cross_entropy_from_logits

__all__ = ["initialize_zeros", "propagate_loop", "propagate", "optimize", "predict", "fit"]


_NO_LABELS = object()


def _check_wbXY(w, b, X, Y=_NO_LABELS, *, blame="w"):
    """Validate the model ``(w, b)`` against the data ``X`` (and labels ``Y``).

    ``blame`` is the argument a feature-count mismatch is reported on: ``w`` when ``w`` is
    being fitted to ``X``, ``X`` when new data is given to a trained ``w`` (``predict``).
    """
    X = as_float_array(X, "X", ndim=2)
    w = as_float_array(w, "w")
    if w.shape != (X.shape[0], 1):
        if blame == "X" and w.ndim == 2 and w.shape[1] == 1:
            raise ValueError(f"X: expected shape ({w.shape[0]}, m) to match w's {w.shape[0]} features, "
                             f"got {X.shape}")
        raise ValueError(f"w: expected shape ({X.shape[0]}, 1) to match X's {X.shape[0]} features (rows), "
                         f"got {w.shape}")
    check_same_dtype(w, "w", X, "X")
    if isinstance(b, np.ndarray) and b.ndim == 0:
        b = b.item()
    b = check_scalar(b, "b")
    big = float(np.finfo(X.dtype).max)
    if abs(b) > big:
        raise ValueError(f"b: expected a value representable in {X.dtype} (|b| <= {big:.4g}), got {b!r}")
    b = X.dtype.type(b)
    if Y is _NO_LABELS:
        return w, b, X
    Y = as_float_array(Y, "Y")
    check_same_examples(X, Y)
    check_shape(Y, "Y", (1, X.shape[1]))
    check_binary_labels(Y)
    return w, b, X, Y.astype(X.dtype, copy=False)


@contextmanager
def _overflow_is_an_error(names, what="w.T @ X + b and the gradients"):
    """Turn a NumPy overflow in ``what`` into a ``ValueError`` naming ``names``.

    Without it the overflow is a ``RuntimeWarning`` and the ``inf`` surfaces later as a message
    about ``z``, a name the caller never used.
    """
    try:
        with np.errstate(over="raise", invalid="raise"):
            yield
    except FloatingPointError as exc:
        raise _overflow_error(names, what, exc) from None


def _overflow_error(names, what, exc):
    return ValueError(f"{names}: expected values for which {what} stay finite, "
                      f"got an overflow ({exc}); rescale X (see data.standardize_fit) or shrink w")


def initialize_zeros(dim, dtype=np.float64):
    r"""Zero weights and bias for logistic regression (one unit: no symmetry to break).

    See [logistic regression](course1/week2.md#the-model).

    Parameters
    ----------
    dim : int
        Number of features $n_x$.
    dtype : float32 or float64

    Returns
    -------
    w : numpy.ndarray, shape (dim, 1)
    b : numpy scalar of ``dtype``, 0

    Examples
    --------
    >>> w, b = initialize_zeros(2)
    >>> w.shape, float(b)
    ((2, 1), 0.0)
    """
    check_positive(dim, "dim", integer=True)
    dtype = check_float_dtype(dtype)
    return np.zeros((dim, 1), dtype=dtype), dtype.type(0)


# --8<-- [start:propagate_loop]
def propagate_loop(w, b, X, Y):
    r"""Cost and gradients with explicit ``for`` loops over examples and features.

    For $i = 1..m$: $z^{(i)} = w^\top x^{(i)} + b$, $a^{(i)} = \sigma(z^{(i)})$,
    $dz^{(i)} = a^{(i)} - y^{(i)}$, $dw_j \mathrel{+}= x_j^{(i)}dz^{(i)}$, $db \mathrel{+}= dz^{(i)}$;
    then divide by $m$. $O(m\,n_x)$ Python operations: use :func:`propagate`.
    See [vectorizing logistic regression](course1/week2.md#one-step-of-gradient-descent-loop-and-vectorized).

    Parameters
    ----------
    w : array_like, shape (n_x, 1)
    b : float
    X : array_like, shape (n_x, m)
    Y : array_like, shape (1, m), labels in {0, 1}

    Returns
    -------
    grads : dict
        ``"dw"`` of shape (n_x, 1) and ``"db"`` (scalar), dtype of ``X``.
    cost : float

    Examples
    --------
    >>> grads, cost = propagate_loop(np.zeros((1, 1)), 0.0, np.array([[1.0, 2.0]]), np.array([[1, 0]]))
    >>> grads["dw"], float(grads["db"]), cost
    (array([[0.25]]), 0.0, 0.693147...)
    """
    w, b, X, Y = _check_wbXY(w, b, X, Y)
    n, m = X.shape
    dw = np.zeros((n, 1), dtype=X.dtype)
    db = X.dtype.type(0)
    cost = 0.0
    with _overflow_is_an_error("w, X"):
        for i in range(m):
            z = b
            for j in range(n):
                z += w[j, 0] * X[j, i]
            a = sigmoid(z)
            cost += binary_cross_entropy_from_logits([[z]], Y[:, i:i + 1])
            dz = a - Y[0, i]
            for j in range(n):
                dw[j, 0] += X[j, i] * dz
            db += dz
        return {"dw": dw / m, "db": X.dtype.type(db / m)}, cost / m
# --8<-- [end:propagate_loop]


# --8<-- [start:propagate]
def propagate(w, b, X, Y):
    r"""Cost and gradients of logistic regression, vectorized over the $m$ examples.

    $$Z = w^\top X + b,\quad A = \sigma(Z),\quad dZ = A - Y,\quad dw = \frac1m X\,dZ^\top,\quad db = \frac1m\sum_i dz^{(i)},$$
    with the cost computed from $Z$ (:func:`dlnotes.losses.binary_cross_entropy_from_logits`).
    See [vectorizing logistic regression](course1/week2.md#one-step-of-gradient-descent-loop-and-vectorized).

    Parameters
    ----------
    w : array_like, shape (n_x, 1)
    b : float
    X : array_like, shape (n_x, m)
    Y : array_like, shape (1, m), labels in {0, 1}

    Returns
    -------
    grads : dict
        ``"dw"`` of shape (n_x, 1) and ``"db"`` (scalar), dtype of ``X``.
    cost : float

    Examples
    --------
    >>> grads, cost = propagate(np.zeros((1, 1)), 0.0, np.array([[1.0, 2.0]]), np.array([[1, 0]]))
    >>> grads["dw"], float(grads["db"]), cost
    (array([[0.25]]), 0.0, 0.693147...)
    """
    w, b, X, Y = _check_wbXY(w, b, X, Y)
    with _overflow_is_an_error("w, X"):
        return _propagate(w, b, X, Y)


def _propagate(w, b, X, Y):
    """:func:`propagate` without validation: :func:`optimize` checks its inputs once, not at every iteration."""
    m = X.shape[1]
    # --8<-- [start:propagate-equations]
    Z = w.T @ X + b
    A = sigmoid(Z)
    cost = binary_cross_entropy_from_logits(Z, Y)
    dZ = A - Y
    dw = X @ dZ.T / m
    db = np.sum(dZ) / m
    # --8<-- [end:propagate-equations]
    return {"dw": dw, "db": db}, cost
# --8<-- [end:propagate]


# --8<-- [start:optimize]
def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, record_every=100):
    r"""Gradient descent on $(w, b)$: repeat $w \leftarrow w - \alpha\,dw$, $b \leftarrow b - \alpha\,db$.

    The gradients come from :func:`propagate`; the cost is convex in $(w, b)$.
    See [gradient descent](course1/week2.md#one-step-of-gradient-descent-loop-and-vectorized).

    Parameters
    ----------
    w : array_like, shape (n_x, 1)
        Starting weights (not modified).
    b : float
        Starting bias.
    X : array_like, shape (n_x, m)
    Y : array_like, shape (1, m)
    num_iterations : int, default 100
    learning_rate : float, default 0.009
        $\alpha > 0$.
    record_every : int, default 100
        Record the cost at iterations ``0, record_every, 2*record_every, ...``.

    Returns
    -------
    params : dict
        Final ``"w"`` and ``"b"``.
    grads : dict
        ``"dw"``, ``"db"`` at the last iteration.
    costs : list of float

    Examples
    --------
    >>> X, Y = np.array([[-2.0, -1.0, 1.0, 2.0]]), np.array([[0, 0, 1, 1]])
    >>> params, grads, costs = optimize(np.zeros((1, 1)), 0.0, X, Y, num_iterations=200,
    ...                                 learning_rate=0.5, record_every=100)
    >>> len(costs), costs[1] < costs[0]
    (2, True)
    """
    w, b, X, Y = _check_wbXY(w, b, X, Y)
    check_positive(num_iterations, "num_iterations", integer=True)
    learning_rate = float(check_positive(learning_rate, "learning_rate"))
    check_positive(record_every, "record_every", integer=True)
    costs = []
    first = None
    for i in range(num_iterations):
        try:
            with np.errstate(over="raise", invalid="raise"):
                grads, cost = _propagate(w, b, X, Y)      # propagate, validated once above
        except FloatingPointError as exc:
            if i == 0:                       # no step taken yet: the starting point overflows
                raise _overflow_error("w, X", "w.T @ X + b and the gradients", exc) from None
            raise FloatingPointError(f"gradient descent diverged at iteration {i} ({exc}); "
                                     f"try a smaller learning_rate than {learning_rate}") from None
        try:
            with np.errstate(over="raise", invalid="raise"):
                # --8<-- [start:optimize-step]
                w = w - learning_rate * grads["dw"]
                b = b - learning_rate * grads["db"]
                # --8<-- [end:optimize-step]
        except FloatingPointError as exc:
            raise FloatingPointError(f"gradient descent diverged at iteration {i} ({exc}); "
                                     f"try a smaller learning_rate than {learning_rate}") from None
        first = cost if first is None else first
        if i % record_every == 0:
            costs.append(cost)
    if cost > first + 10.0 * max(1.0, first):
        raise FloatingPointError(f"gradient descent diverged: the cost went from {first:.6g} at iteration 0 "
                                 f"to {cost:.6g} at iteration {num_iterations - 1}; "
                                 f"try a smaller learning_rate than {learning_rate}")
    return {"w": w, "b": b}, grads, costs
# --8<-- [end:optimize]


def predict(w, b, X):
    r"""Predicted labels $\hat y = \mathbb{1}[\sigma(w^\top x + b) > 0.5] = \mathbb{1}[w^\top x + b > 0]$.

    See [the digit detector](course1/week2.md#putting-it-together-a-digit-detector).

    Parameters
    ----------
    w : array_like, shape (n_x, 1)
    b : float
    X : array_like, shape (n_x, m)

    Returns
    -------
    numpy.ndarray of int64, shape (1, m)

    Examples
    --------
    >>> predict(np.array([[1.0]]), 0.0, np.array([[-3.0, 0.5]]))
    array([[0, 1]])
    """
    w, b, X = _check_wbXY(w, b, X, blame="X")
    with _overflow_is_an_error("w, X", "w.T @ X + b"):
        A = sigmoid(w.T @ X + b)
    return (A > 0.5).astype(np.int64)


# --8<-- [start:fit]
def fit(X_train, Y_train, X_test=None, Y_test=None, *, num_iterations=2000, learning_rate=0.5,
        record_every=100):
    r"""Train logistic regression from zero weights and report accuracies.

    :func:`initialize_zeros`, :func:`optimize`, then :func:`predict`.
    See [putting it together: a digit detector](course1/week2.md#putting-it-together-a-digit-detector).

    Parameters
    ----------
    X_train : array_like, shape (n_x, m_train)
    Y_train : array_like, shape (1, m_train)
    X_test, Y_test : array_like, optional
        A held-out set, (n_x, m_test) and (1, m_test), ``X_test`` in the dtype of ``X_train``.
    num_iterations : int, default 2000
    learning_rate : float, default 0.5
    record_every : int, default 100

    Returns
    -------
    dict
        ``"w"``, ``"b"``, ``"costs"``, ``"train_accuracy"`` (and ``"test_accuracy"``), in [0, 1].

    Examples
    --------
    >>> X, Y = np.array([[-2.0, -1.0, 1.0, 2.0]]), np.array([[0, 0, 1, 1]])
    >>> fit(X, Y, num_iterations=100)["train_accuracy"]
    1.0
    """
    X_train = as_float_array(X_train, "X_train", ndim=2)
    Y_train = as_float_array(Y_train, "Y_train")
    check_same_examples(X_train, Y_train, "X_train", "Y_train")
    check_shape(Y_train, "Y_train", (1, X_train.shape[1]))
    check_binary_labels(Y_train, "Y_train")
    if (X_test is None) != (Y_test is None):
        raise ValueError("X_test, Y_test: expected both or neither, got only one")
    if X_test is not None:                   # validated before training, not after
        X_test = as_float_array(X_test, "X_test", ndim=2)
        if X_test.shape[0] != X_train.shape[0]:
            raise ValueError(f"X_test: expected shape ({X_train.shape[0]}, m_test) to match X_train's "
                             f"{X_train.shape[0]} features, got {X_test.shape}")
        check_same_dtype(X_test, "X_test", X_train, "X_train")    # the model's dtype
        Y_test = as_float_array(Y_test, "Y_test")
        check_same_examples(X_test, Y_test, "X_test", "Y_test")
        check_shape(Y_test, "Y_test", (1, X_test.shape[1]))
        check_binary_labels(Y_test, "Y_test")
    w, b = initialize_zeros(X_train.shape[0], dtype=X_train.dtype)
    params, _, costs = optimize(w, b, X_train, Y_train, num_iterations, learning_rate, record_every)
    w, b = params["w"], params["b"]
    result = {"w": w, "b": b, "costs": costs,
              "train_accuracy": float(np.mean(predict(w, b, X_train) == np.asarray(Y_train)))}
    if X_test is not None:
        result["test_accuracy"] = float(np.mean(predict(w, b, X_test) == Y_test))
    return result
# --8<-- [end:fit]
