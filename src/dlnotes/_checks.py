"""Input validation shared by every module.

Every public function of :mod:`dlnotes` validates its inputs with these
helpers, so a bad call fails early with a message that names the argument,
what was expected and what was received, e.g.::

    ValueError: Y: expected shape (1, 400) to match X's 400 examples, got (400,)

They are private (leading underscore): the pages never show them.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np

FLOAT_DTYPES = (np.float32, np.float64)


def as_float_array(x, name, *, ndim=None, allow_empty=False, finite=True):
    """Return ``x`` as a floating NumPy array, keeping float32/float64 as they are.

    Integer and boolean input is converted to float64 (there is no float
    dtype to keep). Raises ``TypeError`` for non-numeric input and
    ``ValueError`` for the wrong number of dimensions, empty arrays or
    NaN/inf values.
    """
    if type(x) is np.ndarray and x.dtype in FLOAT_DTYPES:
        arr = x
    elif isinstance(x, np.matrix):  # ``*`` is a matrix product there: every formula would be wrong
        raise TypeError(f"{name}: expected a numpy.ndarray, got numpy.matrix "
                        "(use np.asarray(x): for a matrix, * is a matrix product)")
    elif isinstance(x, np.ma.MaskedArray):  # np.asarray would drop the mask without a word
        raise TypeError(f"{name}: expected a numpy.ndarray, got a masked array (fill or drop the masked entries)")
    elif isinstance(x, np.ndarray) and type(x) is not np.ndarray and x.dtype in FLOAT_DTYPES:
        arr = np.asarray(x)  # another subclass (a masked array...): its plain data
    else:
        try:
            arr = np.asarray(x)
        except Exception as exc:  # pragma: no cover - numpy's own message is kept
            raise TypeError(f"{name}: expected an array of numbers, got {type(x).__name__}") from exc
        if arr.dtype.kind in "biu":
            arr = arr.astype(np.float64)
        elif arr.dtype.kind == "f" and arr.dtype not in FLOAT_DTYPES:
            arr = arr.astype(np.float64)
        elif arr.dtype.kind != "f":
            raise TypeError(f"{name}: expected an array of numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got {arr.ndim}-D with shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name}: expected a non-empty array, got shape {arr.shape}")
    # min and max propagate NaN and are +-inf when an entry is: two reductions, no temporary
    # boolean array the size of the data (a 60 000 x 784 training set would need 47 MB for it)
    if finite and arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name}: expected finite values, got {bad} NaN or inf entries")
    return arr


def check_shape(arr, name, expected):
    """Raise ``ValueError`` unless ``arr.shape`` equals ``expected`` (``None`` matches any size)."""
    expected = tuple(expected)
    ok = arr.ndim == len(expected) and all(e is None or e == s for e, s in zip(expected, arr.shape))
    if not ok:
        shown = tuple("any" if e is None else e for e in expected)
        raise ValueError(f"{name}: expected shape {shown}, got {arr.shape}")
    return arr


def check_same_examples(X, Y, x_name="X", y_name="Y"):
    """Examples are columns: ``X.shape[1]`` must equal ``Y.shape[1]``."""
    if Y.ndim != 2 or Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"{y_name}: expected shape (n_y, {X.shape[1]}) to match {x_name}'s {X.shape[1]} examples "
            f"(examples are columns), got {Y.shape}"
        )


def check_binary_labels(Y, name="Y"):
    """Labels of a binary loss must be 0 or 1."""
    bad = ~((Y == 0) | (Y == 1))
    if np.any(bad):
        raise ValueError(f"{name}: expected labels in {{0, 1}}, got {np.unique(Y[bad])[:5].tolist()}")


def check_scalar(value, name, *, low=None, high=None, low_inclusive=True, high_inclusive=True,
                 integer=False):
    """Check that ``value`` is a real (or integer) number inside the given interval."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name}: expected {'an integer' if integer else 'a real number'}, "
                        f"got {type(value).__name__} {value!r}")
    if not integer and not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    lo_ok = low is None or (value >= low if low_inclusive else value > low)
    hi_ok = high is None or (value <= high if high_inclusive else value < high)
    if not (lo_ok and hi_ok):
        left = "-inf" if low is None else f"{'[' if low_inclusive else '('}{low}"
        right = "inf" if high is None else f"{high}{']' if high_inclusive else ')'}"
        if low is None:
            left = "(-inf"
        if high is None:
            right = "inf)"
        raise ValueError(f"{name}: expected a value in {left}, {right}, got {value!r}")
    # A Python number never upcasts a float32 array; a NumPy float64 scalar does (NumPy 2 rules).
    return int(value) if integer else float(value)


def check_positive(value, name, *, integer=False):
    """``value > 0`` (learning rates, batch sizes, epochs...)."""
    return check_scalar(value, name, low=0, low_inclusive=False, integer=integer)


def check_beta(value, name="beta"):
    """Averaging coefficients live in [0, 1)."""
    return check_scalar(value, name, low=0.0, high=1.0, high_inclusive=False)


def check_keep_prob(value, name="keep_prob"):
    """Dropout keep probabilities live in (0, 1]."""
    return check_scalar(value, name, low=0.0, high=1.0, low_inclusive=False)


def check_rng(rng, name="rng"):
    """Randomness only through an explicit ``np.random.Generator``.

    An ``int`` seed is accepted and turned into ``np.random.default_rng(seed)``;
    ``None`` and the legacy global ``np.random`` state are refused so that no
    result depends on hidden global state.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"{name}: expected a non-negative int seed or a numpy.random.Generator, got {rng!r}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name}: expected a numpy.random.Generator (np.random.default_rng(seed)) or an int seed, "
                    f"got {type(rng).__name__}")


def check_bool(value, name):
    """A flag must be ``True`` or ``False``: a truthy string such as ``"no"`` must not turn it on."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name}: expected True or False, got {type(value).__name__} {value!r}")


def check_float_dtype(dtype, name="dtype"):
    """Return ``np.dtype(dtype)`` if it is float32 or float64, else raise ``TypeError`` naming ``name``."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name}: expected float32 or float64, got {dtype!r}") from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{name}: expected float32 or float64, got {dt}")
    return dt


def check_same_shape(arr, name, ref, ref_name):
    """``arr.shape`` must equal ``ref.shape`` exactly: no broadcasting between the two."""
    if arr.shape != ref.shape:
        raise ValueError(f"{name}: expected shape {ref.shape} (the shape of {ref_name}), got {arr.shape}")
    return arr


def check_same_dtype(arr, name, ref, ref_name):
    """``arr.dtype`` must equal ``ref.dtype``: mixing float32 and float64 would silently upcast."""
    if arr.dtype != ref.dtype:
        raise TypeError(f"{name}: expected dtype {ref.dtype} (the dtype of {ref_name}), got {arr.dtype}")
    return arr


def check_mapping(obj, name, what="a dict"):
    """``obj`` must be a mapping (a parameter or gradient dict)."""
    if not isinstance(obj, Mapping):
        raise TypeError(f"{name}: expected {what}, got {type(obj).__name__}")
    return obj


def check_sequence(obj, name, what="a list or tuple"):
    """``obj`` must be a list, tuple or 1-D array, not a scalar, ``None``, a string or a dict."""
    if isinstance(obj, (str, bytes, Mapping)) or not isinstance(obj, (Sequence, np.ndarray)):
        raise TypeError(f"{name}: expected {what}, got {type(obj).__name__} {obj!r}"[:300])
    return obj


def check_callable(obj, name):
    """``obj`` must be callable (a cost function, a gradient function...)."""
    if not callable(obj):
        raise TypeError(f"{name}: expected a callable, got {type(obj).__name__}")
    return obj


def check_all_finite(arr, name, what="values"):
    """Raise ``ValueError`` if ``arr`` holds NaN or inf (a result, not an input: overflow, divergence)."""
    arr = np.asarray(arr)
    if arr.size and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise FloatingPointError(f"{name}: expected finite {what}, got {bad} NaN or inf entries")
    return arr
