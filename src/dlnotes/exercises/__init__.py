"""Coding exercises with automatic checks: write the function, then ``check`` it.

Each week with code has about five exercises (:func:`list_exercises`); each one is stated on
its week's exercises page, with the math and the shapes, and in a notebook to download. See
[how the checks work](exercises/index.md#how-the-checks-work).
"""

from __future__ import annotations

import difflib
import numbers
import secrets

from dlnotes.exercises._core import Report, run

__all__ = ["check", "list_exercises", "Report"]

#: The weeks with exercises, in course order (each is a module ``dlnotes.exercises.<week>``).
WEEKS = ("c1w2", "c1w3", "c1w4", "c2w1", "c2w2", "c2w3")
_REGISTRY: dict = {}


def _registry() -> dict:
    if not _REGISTRY:
        # static imports (not importlib): the build's import graph sees them
        from dlnotes.exercises import c1w2, c1w3, c1w4, c2w1, c2w2, c2w3

        for module in (c1w2, c1w3, c1w4, c2w1, c2w2, c2w3):
            for exercise in module.EXERCISES:
                _REGISTRY[exercise.id] = exercise
    return _REGISTRY


def list_exercises(week=None):
    """The exercises, in course order, as ``(name, title)`` pairs.

    Parameters
    ----------
    week : str, optional
        ``"c1w2"`` ... ``"c2w3"``: only that week's exercises.

    Returns
    -------
    list of (str, str)
        The name to give :func:`check` and a one-line title.

    See [the exercises](exercises/index.md#how-the-checks-work).

    Examples
    --------
    >>> list_exercises("c1w2")[0]
    ('c1w2.sigmoid', 'The sigmoid, element-wise')
    """
    if week is not None and week not in WEEKS:
        if not isinstance(week, str):
            raise TypeError(f"week: expected one of {', '.join(WEEKS)} (a str), got {type(week).__name__}")
        raise ValueError(f"week: expected one of {', '.join(WEEKS)}, got {week!r}")
    return [(e.id, e.title) for e in _registry().values() if week is None or e.week == week]


def get(name):
    """The :class:`~dlnotes.exercises._core.Exercise` called ``name`` (an error names the close ones)."""
    registry = _registry()
    if not isinstance(name, str):
        raise TypeError(f"name: expected an exercise name such as 'c1w2.sigmoid' (a str), got {type(name).__name__}")
    if name not in registry:
        close = difflib.get_close_matches(name, registry, n=3, cutoff=0.6)
        also = f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""
        raise ValueError(f"name: expected an exercise name such as 'c1w2.sigmoid' "
                         f"(list_exercises() lists them), got {name!r}{also}")
    return registry[name]


def check(name, function, *, seed=None):
    """Check ``function``, the learner's answer to exercise ``name``, on fresh random cases.

    Each case calls ``function`` on arguments drawn for it (several shapes, float32 and float64,
    edge cases such as a single example) and compares the answer with the reference, and
    gradients with finite differences. A case that fails says what differed and, when the
    difference looks like a known mistake (a missing $1/m$, a transposed product, a forgotten
    ``keepdims``...), names it. The learner's exceptions are failed cases, not errors.

    Parameters
    ----------
    name : str
        The exercise, such as ``"c1w2.sigmoid"`` (:func:`list_exercises`).
    function : callable
        Your function.
    seed : int, optional
        Draw the same cases again (a report names its seed); fresh cases when omitted.

    Returns
    -------
    Report
        ``report.passed``, and a text listing every case (shown as a notebook cell's result).

    See [how the checks work](exercises/index.md#how-the-checks-work).

    Examples
    --------
    >>> from dlnotes.exercises.solutions.c1w2 import sigmoid
    >>> check("c1w2.sigmoid", sigmoid, seed=0).passed
    True
    >>> report = check("c1w2.sigmoid", lambda z: sigmoid(-z), seed=0)
    >>> report.passed, report.failed[0].hint
    (False, 'exp(z) instead of exp(-z): that is sigmoid(-z) = 1 - sigmoid(z)')
    """
    exercise = get(name)
    if not callable(function):
        raise TypeError(f"function: expected your function (a callable) for {name}, got {type(function).__name__}")
    if seed is None:
        # fresh cases at every call, on purpose: a deliberate draw of the OS's entropy, never a
        # global NumPy state; the report names the seed, so the same cases can be drawn again
        seed = secrets.randbelow(2 ** 31)
    elif isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    return run(exercise, function, int(seed))
