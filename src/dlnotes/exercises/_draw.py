"""Drawing cases: random arrays of a given dtype, labels, and the usual dtype/shape grid."""

from __future__ import annotations

import numpy as np

from dlnotes.exercises._core import Case

DTYPES = (np.float64, np.float32)


def normal(rng, shape, dtype=np.float64, scale=1.0):
    """Standard normal entries times ``scale``, as ``dtype``."""
    return (scale * rng.standard_normal(shape)).astype(dtype)


def uniform(rng, low, high, shape, dtype=np.float64):
    return rng.uniform(low, high, shape).astype(dtype)


def labels(rng, m, dtype=np.float64):
    """A (1, m) row of 0/1 labels with both classes when m > 1."""
    y = (rng.random(m) < 0.5).astype(dtype)
    if m > 1:
        y[0], y[1] = 0, 1
    return y.reshape(1, m)


def one_hot(rng, C, m, dtype=np.float64):
    """A (C, m) one-hot matrix of random classes."""
    return np.eye(C, dtype=dtype)[:, rng.integers(0, C, m)]


def sizes(rng, *, m1=True):
    """``(dtype, m)`` pairs: float64 and float32, random m, and m = 1 (one example)."""
    out = [(np.float64, int(rng.integers(3, 9))), (np.float32, int(rng.integers(3, 9))),
           (np.float64, int(rng.integers(9, 40)))]
    if m1:
        out.append((np.float64, 1))
    return out


def case(args, *, dtype, kwargs=None, label="", **context):
    """A :class:`Case` labelled with its dtype and context (``m=..., n=...``)."""
    name = np.dtype(dtype).name
    parts = [name] + [f"{k}={v}" for k, v in context.items()] + ([label] if label else [])
    return Case(", ".join(parts), tuple(args), dict(kwargs or {}), {"dtype": name, **context})
