"""Gradient clipping: by value (each component) and by global norm (all gradients together).

Both take a dict of gradients (``{"dW1": ..., "db1": ...}``) and return a new one with the same
keys, shapes and dtypes; the inputs are not changed. See
[gradient clipping](course2/week1.md#gradient-clipping-beyond-the-course).
"""

from __future__ import annotations

import math

import numpy as np

from dlnotes._checks import as_float_array, check_mapping, check_scalar

__all__ = ["global_norm", "clip_by_value", "clip_by_global_norm"]


def _grads(grads):
    """The checked gradient arrays, in order; one dtype for all (no silent upcast)."""
    check_mapping(grads, "grads", "a dict like {'dW1': ..., 'db1': ...}")
    if not grads:
        raise ValueError("grads: expected at least one gradient array, got an empty dict")
    out = {k: as_float_array(g, f"grads[{k!r}]", allow_empty=True) for k, g in grads.items()}
    dtypes = {g.dtype for g in out.values()}
    if len(dtypes) > 1:
        raise TypeError(f"grads: expected one dtype for all gradients, got {sorted(map(str, dtypes))}")
    return out


# --8<-- [start:global_norm]
def global_norm(grads):
    r"""The norm of all gradients as one vector: $\lVert g\rVert = \sqrt{\sum_k \lVert g_k\rVert_F^2}$.

    See [gradient clipping](course2/week1.md#gradient-clipping-beyond-the-course).

    Parameters
    ----------
    grads : dict of str to ndarray
        ``{"dW1": ..., "db1": ...}``, any shapes, one float dtype.

    Returns
    -------
    float

    Examples
    --------
    >>> round(global_norm({"dW1": np.array([[3.0]]), "db1": np.array([[4.0]])}), 4)
    5.0
    """
    g = _grads(grads)
    return math.sqrt(sum(float(np.sum(np.square(x, dtype=np.float64))) for x in g.values()))
# --8<-- [end:global_norm]


# --8<-- [start:clip_by_value]
def clip_by_value(grads, clip_value):
    r"""Clip every component to $[-c, c]$: $\tilde g_i = \min(\max(g_i, -c), c)$ (PyTorch's ``clip_grad_value_``).

    The direction changes as soon as one component is clipped. See
    [gradient clipping](course2/week1.md#gradient-clipping-beyond-the-course).

    Parameters
    ----------
    grads : dict of str to ndarray
        ``{"dW1": ..., "db1": ...}``.
    clip_value : float
        $c > 0$.

    Returns
    -------
    dict of str to ndarray
        New arrays, same keys, shapes and dtype.

    Examples
    --------
    >>> clip_by_value({"dW1": np.array([[3.0, -0.5, -4.0]])}, 1.0)["dW1"]
    array([[ 1. , -0.5, -1. ]])
    """
    g = _grads(grads)
    c = check_scalar(clip_value, "clip_value", low=0.0, low_inclusive=False)
    return {k: np.clip(x, -c, c) for k, x in g.items()}
# --8<-- [end:clip_by_value]


# --8<-- [start:clip_by_global_norm]
def clip_by_global_norm(grads, max_norm, *, eps=1e-6):
    r"""Rescale all gradients together when their global norm exceeds ``max_norm``; return them and the norm.

    $\tilde g_k = g_k \cdot \min\!\big(1, \frac{c}{\lVert g\rVert + \varepsilon}\big)$: PyTorch's
    documented ``clip_grad_norm_`` with its $\varepsilon = 10^{-6}$; ``eps=0`` gives TensorFlow's
    ``clip_by_global_norm``, $g_k \cdot c / \max(\lVert g\rVert, c)$. The direction is kept. See
    [gradient clipping](course2/week1.md#gradient-clipping-beyond-the-course).

    Parameters
    ----------
    grads : dict of str to ndarray
        ``{"dW1": ..., "db1": ...}``.
    max_norm : float
        $c > 0$.
    eps : float, default 1e-6
        Added to the norm in the denominator ($\ge 0$).

    Returns
    -------
    clipped : dict of str to ndarray
        New arrays, same keys, shapes and dtype.
    norm : float
        $\lVert g\rVert$ before clipping.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm({"dW1": np.array([[3.0]]), "db1": np.array([[4.0]])}, 1.0, eps=0.0)
    >>> norm, clipped["dW1"], clipped["db1"]
    (5.0, array([[0.6]]), array([[0.8]]))
    """
    g = _grads(grads)
    c = check_scalar(max_norm, "max_norm", low=0.0, low_inclusive=False)
    eps = check_scalar(eps, "eps", low=0.0)
    norm = global_norm(g)
    scale = min(1.0, c / (norm + eps)) if norm + eps > 0 else 1.0
    return {k: x * x.dtype.type(scale) for k, x in g.items()}, norm
# --8<-- [end:clip_by_global_norm]
