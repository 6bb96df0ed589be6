r"""Regularization: weight penalties (L2, L1), inverted dropout, and ridge regression.

Penalties apply to the weights $W^{[l]}$ only, never to biases or batch-norm $\gamma$, $\beta$.
See [regularization](course2/week1.md#regularization).
"""

from __future__ import annotations

import re

import numpy as np

from dlnotes._checks import (
    as_float_array,
    check_keep_prob,
    check_mapping,
    check_positive,
    check_rng,
    check_scalar,
    check_same_dtype,
    check_same_shape,
)

__all__ = [
    "weight_keys",
    "l2_penalty",
    "l2_penalty_grad",
    "l1_penalty",
    "l1_penalty_grad",
    "dropout_forward",
    "dropout_backward",
    "ridge_polyfit",
]

_WEIGHT_KEY = re.compile(r"W\d+")


def weight_keys(parameters):
    """The keys ``W1, W2, ...`` of ``parameters`` that are penalized, in layer order.

    See [regularization](course2/week1.md#l2-regularization-and-weight-decay).

    Parameters
    ----------
    parameters : dict of numpy.ndarray

    Returns
    -------
    list of str

    Examples
    --------
    >>> weight_keys({"W1": 0, "b1": 0, "W2": 0, "gamma1": 0})
    ['W1', 'W2']
    """
    check_mapping(parameters, "parameters", "a dict like {'W1': ..., 'b1': ...}")
    keys = [k for k in parameters if isinstance(k, str) and _WEIGHT_KEY.fullmatch(k)]
    return sorted(keys, key=lambda k: int(k[1:]))


def _lambd_m(lambd, m):
    """Validate; return lambd / m as a Python float (a NumPy float64 would upcast float32 arrays)."""
    lambd = check_scalar(lambd, "lambd", low=0.0)
    return lambd / check_positive(m, "m", integer=True)


def _weights(parameters):
    """The penalized weights as finite float arrays, each named by its key (``W1: expected finite ...``)."""
    return [as_float_array(parameters[k], k) for k in weight_keys(parameters)]


def _penalty(total, factor, kind):
    """``factor * total`` as a Python float; FloatingPointError naming the cause if it overflows."""
    if not np.isfinite(total):
        raise FloatingPointError(f"parameters: expected weights whose {kind} norm is finite in float64, got an "
                                 f"overflow (the weights are far too large)")
    value = factor * total
    if not np.isfinite(value):
        raise FloatingPointError(f"lambd: expected a penalty that is finite in float64, got {factor:g} * {total:g} "
                                 f"(an overflow: lambd is far too large)")
    return value


def _scaled(factor, W, kind):
    with np.errstate(over="ignore"):                   # reported below, naming lambd
        G = factor * W
    if not (np.isfinite(G.min()) and np.isfinite(G.max())):
        raise FloatingPointError(f"lambd: expected a {kind} gradient that is finite in {W.dtype}, got an overflow "
                                 f"(lambd / m = {factor:g} is far too large for W)")
    return G


# --8<-- [start:l2_penalty]
def l2_penalty(parameters, lambd, m):
    r"""L2 (weight decay) term of the cost: $\frac{\lambda}{2m}\sum_l \lVert W^{[l]}\rVert_F^2$.

    $\lVert W\rVert_F^2 = \sum_{i,j} W_{ij}^2$, the squared Frobenius norm. See [L2 regularization](course2/week1.md#l2-regularization-and-weight-decay).

    Parameters
    ----------
    parameters : dict
        Only the ``W{l}`` entries are used.
    lambd : float
        $\lambda \ge 0$ (``lambda`` is a Python keyword).
    m : int
        Number of examples the cost is averaged over.

    Returns
    -------
    float

    Examples
    --------
    >>> l2_penalty({"W1": np.array([[3.0, 4.0]]), "b1": np.array([[100.0]])}, lambd=0.1, m=5)  # 0.1/10 * 25
    0.25
    """
    lambd_over_m = _lambd_m(lambd, m)
    with np.errstate(over="ignore"):                   # squares in float64, reported by _penalty
        total = sum(float(np.sum(np.square(W, dtype=np.float64))) for W in _weights(parameters))
    return _penalty(total, lambd_over_m / 2, "squared Frobenius")
# --8<-- [end:l2_penalty]


# --8<-- [start:l2_penalty_grad]
def l2_penalty_grad(W, lambd, m):
    r"""Gradient of the L2 term with respect to one weight matrix: $\frac{\lambda}{m} W$.

    A step is then $W \leftarrow (1 - \alpha\lambda/m)W - \alpha\,dW_{\text{data}}$ ("weight decay"). See [L2 regularization](course2/week1.md#l2-regularization-and-weight-decay).

    Parameters
    ----------
    W : array_like, shape (n[l], n[l-1])
    lambd : float
    m : int

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``W``
        Added to the data gradient: ``dW += l2_penalty_grad(W, lambd, m)``.

    Examples
    --------
    >>> l2_penalty_grad(np.array([[3.0, 4.0]]), lambd=0.1, m=5)
    array([[0.06, 0.08]])
    """
    W = as_float_array(W, "W")
    lambd_over_m = _lambd_m(lambd, m)
    return _scaled(lambd_over_m, W, "L2")
# --8<-- [end:l2_penalty_grad]


def l1_penalty(parameters, lambd, m):
    r"""L1 term of the cost: $\frac{\lambda}{m}\sum_l \sum_{i,j} |W^{[l]}_{ij}|$.

    The lecture writes $\frac{\lambda}{2m}$ (only a rescaled $\lambda$); $\frac{\lambda}{m}$ makes the
    gradient $\frac{\lambda}{m}\operatorname{sign}(W)$. See [L1 regularization and sparsity](course2/week1.md#l1-regularization-and-sparsity).

    Parameters
    ----------
    parameters : dict
        Only the ``W{l}`` entries are used.
    lambd : float
        $\lambda \ge 0$.
    m : int
        Number of examples.

    Returns
    -------
    float

    Examples
    --------
    >>> l1_penalty({"W1": np.array([[3.0, -4.0]])}, lambd=0.1, m=5)  # 0.1/5 * 7
    0.14
    """
    lambd_over_m = _lambd_m(lambd, m)
    with np.errstate(over="ignore"):
        total = sum(float(np.sum(np.abs(W), dtype=np.float64)) for W in _weights(parameters))
    return _penalty(total, lambd_over_m, "L1")


# --8<-- [start:l1_penalty_grad]
def l1_penalty_grad(W, lambd, m):
    r"""(Sub)gradient of the L1 term: $\frac{\lambda}{m}\operatorname{sign}(W)$, 0 at $W_{ij} = 0$.

    The pull towards zero does not fade as $w$ shrinks: sparsity. See [L1 regularization and sparsity](course2/week1.md#l1-regularization-and-sparsity).

    Parameters
    ----------
    W : array_like, shape (n[l], n[l-1])
    lambd : float
    m : int

    Returns
    -------
    numpy.ndarray, same shape and dtype as ``W``

    Examples
    --------
    >>> l1_penalty_grad(np.array([[3.0, -4.0, 0.0]]), lambd=0.1, m=5)
    array([[ 0.02, -0.02,  0.  ]])
    """
    W = as_float_array(W, "W")
    lambd_over_m = _lambd_m(lambd, m)
    return _scaled(lambd_over_m, np.sign(W), "L1")
# --8<-- [end:l1_penalty_grad]


# --8<-- [start:dropout_forward]
def dropout_forward(A, keep_prob, rng):
    r"""Inverted dropout: keep each unit with probability ``keep_prob``, divide by it.

    $D_{ij} \sim \mathrm{Bernoulli}(p)$ and $\mathbb{E}[D_{ij} A_{ij} / p] = A_{ij}$: at test time, no
    dropout and **no scaling**. See [dropout](course2/week1.md#dropout).

    Parameters
    ----------
    A : array_like, shape (n[l], m)
        Activations of a hidden layer.
    keep_prob : float in (0, 1]
        Probability of keeping a unit.
    rng : numpy.random.Generator or int
        Source of the mask (a new one for every call).

    Returns
    -------
    A_drop : numpy.ndarray, shape (n[l], m), dtype of ``A``
        $A \odot D / p$.
    D : numpy.ndarray of bool, shape (n[l], m)
        The mask, needed by :func:`dropout_backward`.

    Examples
    --------
    >>> A_drop, D = dropout_forward(np.ones((2, 4)), keep_prob=0.5, rng=0)
    >>> sorted(set(A_drop.ravel().tolist()))  # dropped units are 0, kept ones are 1/0.5
    [0.0, 2.0]
    """
    A = as_float_array(A, "A")
    keep_prob = float(check_keep_prob(keep_prob, "keep_prob"))
    rng = check_rng(rng)
    D = rng.random(A.shape, dtype=A.dtype) < keep_prob
    return A * D / keep_prob, D
# --8<-- [end:dropout_forward]


def _check_mask(D, dA):
    """The dropout mask: bool (or 0/1 numbers) of exactly dA's shape."""
    D = np.asarray(D)
    check_same_shape(D, "D", dA, "dA")
    if D.dtype != np.bool_:
        if D.dtype.kind not in "biuf":
            raise TypeError(f"D: expected the boolean mask returned by dropout_forward, got dtype {D.dtype}")
        bad = (D != 0) & (D != 1)
        if np.any(bad):
            raise ValueError(f"D: expected a mask of 0s and 1s (the one returned by dropout_forward), "
                             f"got values {np.unique(D[bad])[:5].tolist()}")
        D = D.astype(np.bool_)
    return D


# --8<-- [start:dropout_backward]
def dropout_backward(dA, D, keep_prob):
    r"""Backward pass of inverted dropout: the same mask, the same scaling.

    $\partial\mathcal{L}/\partial A = (\partial\mathcal{L}/\partial A_{\text{drop}}) \odot D / p$. See [dropout](course2/week1.md#dropout).

    Parameters
    ----------
    dA : array_like, shape (n[l], m)
        Gradient with respect to the *dropped* activations ``A_drop``.
    D : array_like of bool, shape (n[l], m)
        The mask returned by :func:`dropout_forward`.
    keep_prob : float in (0, 1]

    Returns
    -------
    numpy.ndarray, shape (n[l], m), dtype of ``dA``
        Gradient with respect to ``A`` before dropout.

    Examples
    --------
    >>> dropout_backward(np.ones((1, 3)), np.array([[True, False, True]]), keep_prob=0.5)
    array([[2., 0., 2.]])
    """
    dA = as_float_array(dA, "dA")
    keep_prob = float(check_keep_prob(keep_prob, "keep_prob"))
    D = _check_mask(D, dA)
    return dA * D / keep_prob
# --8<-- [end:dropout_backward]


def _check_xy(x, y):
    """Two 1-D float arrays of the same length and dtype (a list takes the other's dtype)."""
    x_float = getattr(x, "dtype", np.dtype(int)).kind == "f"
    y_float = getattr(y, "dtype", np.dtype(int)).kind == "f"
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_shape(y, "y", x, "x")
    if x_float and y_float:
        check_same_dtype(y, "y", x, "x")
    elif x_float:
        y = y.astype(x.dtype)
    elif y_float:
        x = x.astype(y.dtype)
    return x, y


def _ridge_system(x, y, degree, lambd):
    """The float64 design matrix Phi (x_i ** k) and targets, refusing what has no unique solution."""
    if lambd == 0:
        distinct = np.unique(x).size
        if distinct < degree + 1:
            raise ValueError(f"degree: expected at most {distinct - 1} with lambd = 0 ({distinct} distinct x values "
                             f"determine at most {distinct} coefficients), got {degree}; lower degree or use lambd > 0")
    with np.errstate(over="ignore", invalid="ignore"):
        Phi = np.vander(x.astype(np.float64), degree + 1, increasing=True)
        gram_ok = np.isfinite(Phi).all() and np.isfinite(Phi.T @ Phi).all()
    if not gram_ok:
        raise ValueError(f"x: expected values whose powers up to degree {degree} can be squared and summed in float64, "
                         f"got largest |x| = {float(np.abs(x).max()):.3g} (an overflow); rescale x, e.g. to [-1, 1]")
    target = y.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        rhs_ok = np.isfinite(Phi.T @ target).all()
    if not rhs_ok:
        raise ValueError(f"y: expected targets whose products with the powers of x sum to a finite float64, got "
                         f"largest |y| = {float(np.abs(y).max()):.3g} (an overflow); rescale y")
    return Phi, target


def _solve_ridge(A, rhs, degree, lambd):
    try:
        w = np.linalg.solve(A, rhs)
    except np.linalg.LinAlgError:
        w = None
    if w is None or not np.isfinite(w).all():
        raise ValueError(f"degree: expected a degree whose normal equations can be solved, got degree {degree} with "
                         f"lambd = {lambd:g} (a singular system); lower degree, use a larger lambd, or rescale x")
    return w


# --8<-- [start:ridge_polyfit]
def ridge_polyfit(x, y, degree, lambd):
    r"""Polynomial least squares with an L2 penalty, solved in closed form.

    Minimizing $\frac{1}{2m}\lVert\Phi w - y\rVert^2 + \frac{\lambda}{2m}\sum_{k\ge1} w_k^2$ with $\Phi_{ik} = x_i^k$:
    $$w = (\Phi^\top\Phi + \lambda I')^{-1}\Phi^\top y,\qquad I' = \mathrm{diag}(0, 1, \dots, 1).$$
    See [regularization reduces overfitting](course2/week1.md#l2-regularization-and-weight-decay).

    Parameters
    ----------
    x : array_like, shape (m,)
        Inputs.
    y : array_like, shape (m,)
        Targets.
    degree : int
        Polynomial degree $d \ge 0$.
    lambd : float
        Penalty $\lambda \ge 0$ on the coefficients of $x, \dots, x^d$ (not the constant).

    Returns
    -------
    numpy.ndarray, shape (degree + 1,), dtype of ``x`` and ``y``
        $w_0, \dots, w_d$ for ``numpy.polynomial.polynomial.polyval(x, w)``; solved in float64
        (ill-conditioned for high degrees), returned in the data's dtype.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0, 3.0])
    >>> ridge_polyfit(x, 1 + 2 * x, degree=1, lambd=0.0)
    array([1., 2.])
    """
    x, y = _check_xy(x, y)
    degree = check_scalar(degree, "degree", low=0, integer=True)
    lambd = check_scalar(lambd, "lambd", low=0.0)
    Phi, target = _ridge_system(x, y, degree, lambd)
    penalty = lambd * np.eye(degree + 1)
    penalty[0, 0] = 0
    w = _solve_ridge(Phi.T @ Phi + penalty, Phi.T @ target, degree, lambd)
    return w.astype(np.result_type(x, y), copy=False)
# --8<-- [end:ridge_polyfit]
