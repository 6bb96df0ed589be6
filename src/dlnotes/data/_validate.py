"""Private checks shared by the data modules (examples are columns)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dlnotes._checks import check_float_dtype, check_scalar


def _check_m(m, minimum=2):
    check_scalar(m, "m", low=minimum, integer=True)
    return int(m)


def _check_dtype(dtype):
    return check_float_dtype(dtype, "dtype")


def _check_noise(noise):
    return float(check_scalar(noise, "noise", low=0.0))


def _finite_or_blame(arrays, name, value):
    """Finite parameters can still give points that overflow (``noise=1e308``): name the parameter."""
    for arr in arrays:
        if arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
            raise ValueError(f"{name}: expected a value small enough for finite points, got {value!r} "
                             "(the points overflow the float range)")


def _as_numeric(A, name, *, numeric=True):
    """``np.asarray(A)`` keeping its dtype (integer images stay integers), with clear refusals."""
    if isinstance(A, np.matrix):
        raise TypeError(f"{name}: expected a numpy.ndarray, got numpy.matrix (use np.asarray)")
    if isinstance(A, np.ma.MaskedArray):
        raise TypeError(f"{name}: expected a numpy.ndarray, got a masked array (fill or drop the masked entries)")
    if A is None or isinstance(A, (str, bytes, Mapping)):
        raise TypeError(f"{name}: expected an array, got {type(A).__name__} {A!r}"[:300])
    A = np.asarray(A)
    allowed = "biuf" if numeric else "biufUS"
    if A.dtype.kind not in allowed:
        raise TypeError(f"{name}: expected an array of {'numbers' if numeric else 'numbers or strings'}, "
                        f"got dtype {A.dtype}")
    if A.dtype.kind == "f" and A.size and not (np.isfinite(A.min()) and np.isfinite(A.max())):
        bad = int(A.size - np.count_nonzero(np.isfinite(A)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")
    return A


def _as_columns(A, name, m=None, *, numeric=True):
    A = _as_numeric(A, name, numeric=numeric)
    if A.ndim != 2:
        raise ValueError(f"{name}: expected a 2-D array with examples as columns, got shape {A.shape}")
    if m is not None and A.shape[1] != m:
        raise ValueError(f"{name}: expected shape (n, {m}) to match X's {m} examples "
                         f"(examples are columns), got {A.shape}")
    if A.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {A.shape}")
    return A
