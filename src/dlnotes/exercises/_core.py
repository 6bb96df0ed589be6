"""The checker: run a learner's function on fresh cases, compare, explain the difference.

An :class:`Exercise` says how to draw cases, how the reference answers them, and which typical
mistakes produce which wrong answers (:class:`Mistake`). :func:`run` calls the learner's function
on each case and turns every difference into a :class:`CaseResult` with a hint. It never shows
the reference code, and a crash of the learner's code is a failed case, not a crash of the checker.
"""

from __future__ import annotations

import copy
import numbers
import re
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: Relative tolerance (of the largest expected magnitude) per dtype.
RTOL = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 5e-4}
#: Finite differences and the learner's gradient must agree this well (float64 only).
FD_TOLERANCE = 1e-5


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: ``function(*args, **kwargs)``.

    ``label`` names the case in the report ("float32, m=1"); ``context`` holds what hints need,
    such as ``m``, the number of examples.
    """

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """A typical mistake: what code with it returns for a case, and the hint that names it.

    ``output(case)`` computes the wrong answer (from the case's arguments); a learner's answer
    equal to it is reported with ``hint``. ``crash`` is a regular expression: a learner's
    exception whose last line matches it is reported with ``hint`` too.
    """

    hint: str
    output: Callable[[Case], Any] | None = None
    crash: str | None = None


@dataclass(frozen=True)
class Exercise:
    """A coding exercise: the function to write, its cases, its reference and its mistakes.

    Parameters
    ----------
    id : str
        ``"c1w2.sigmoid"``: week and function.
    title : str
        One line, shown in the index and the report.
    solution : callable
        The tested solution (shown collapsed on the page; its signature and docstring make the
        notebook's stub).
    reference : callable
        Computes the expected answer from a case's arguments (built on the ``dlnotes`` functions).
    cases : callable
        ``cases(rng) -> list[Case]``, drawn fresh each run.
    returns : tuple of str
        Names of the returned values (for messages); one name for a single value.
    mistakes : tuple of Mistake
        Typical mistakes recognised by their output or their exception.
    finite_differences : callable or None
        ``finite_differences(case, output) -> [(name, analytic, numerical), ...]``: the learner's
        gradients next to finite differences of the cost, for float64 cases.
    may_modify : tuple of str
        Arguments the function may change in place (the others must be left as they were).
    """

    id: str
    title: str
    solution: Callable
    reference: Callable
    cases: Callable[[np.random.Generator], list]
    returns: tuple = ("output",)
    mistakes: tuple = ()
    finite_differences: Callable | None = None
    may_modify: tuple = ()
    rtol: dict = field(default_factory=dict)

    @property
    def week(self) -> str:
        return self.id.split(".")[0]

    @property
    def function(self) -> str:
        return self.id.split(".", 1)[1]


@dataclass
class CaseResult:
    """The outcome of one case: ``passed``, what differed (``message``) and a ``hint``."""

    label: str
    passed: bool
    message: str = ""
    hint: str = ""

    def lines(self) -> list[str]:
        head = f"  {'passed' if self.passed else 'FAILED'}  {self.label}"
        out = [head + (f": {self.message}" if self.message else "")]
        if self.hint:
            out.append(f"          hint: {self.hint}")
        return out


# --------------------------------------------------------------------------- comparison


def _is_number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) or (
        isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "fiu")


def _shape_hint(expected: np.ndarray, got: np.ndarray, context: dict | None = None) -> str:
    m = (context or {}).get("m")
    if (m and got.ndim == 2 and expected.ndim == 2 and expected.shape[1] == 1 and got.shape == (1, m)
            and expected.shape[0] != m):
        return "summed over the units (axis=0) where the sum is over the examples (axis=1, keepdims=True)"
    if expected.ndim == 1 and got.ndim == 2 and got.size == expected.size:
        return f"a {got.shape} array where a 1-D vector of shape {expected.shape} is expected (np.zeros_like(x) keeps x's shape)"
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return "the shape is transposed: check the order of a matrix product, or a missing .T"
    if got.ndim == 1 and expected.ndim == 2 and got.size == expected.size:
        return ("a rank-1 array: a sum or mean over an axis drops it unless keepdims=True "
                "(the course keeps columns: shape (n, 1))")
    if got.ndim == 2 and expected.ndim == 2 and 1 in expected.shape and got.size == expected.size ** 2:
        return "an (n, 1) array met a (1, n) array (or a rank-1 one) and broadcast to (n, n)"
    if got.size == 1 and expected.size > 1:
        return "reduced over every axis: give the axis (axis=1 sums over the examples, keepdims=True)"
    if got.ndim == 2 and expected.ndim == 2 and got.shape[0] == expected.shape[0] and got.shape[1] == 1:
        return "summed over the examples where each example needs its own column"
    if got.ndim == 2 and expected.ndim == 2 and got.shape[1] == expected.shape[1] and got.shape[0] == 1:
        return "summed over the units (axis=0) where the sum is over the examples (axis=1)"
    return ""


def _ratio_hint(expected: np.ndarray, got: np.ndarray, context: dict) -> str:
    """Name a constant factor between ``got`` and ``expected`` (a missing 1/m, a sign...)."""
    e = np.asarray(expected, dtype=np.float64).ravel()
    g = np.asarray(got, dtype=np.float64).ravel()
    big = np.abs(e) > 1e-6 * (np.abs(e).max() if e.size else 0)
    if not big.any() or not np.all(np.isfinite(g)):
        return ""
    r = g[big] / e[big]
    c = float(np.median(r))
    named_only = r.size < 2  # one number: any wrong answer is "a factor" of the right one
    if not np.allclose(r, c, rtol=1e-3, atol=0) or not np.allclose(g[~big], c * e[~big], atol=1e-6 * np.abs(e).max()):
        return ""
    m = context.get("m")
    if m and m > 1 and np.isclose(c, m, rtol=1e-3):
        return f"off by a factor of m = {m}: a missing 1/m (average over the examples, do not just sum)"
    if m and m > 1 and np.isclose(c, 1 / m, rtol=1e-3):
        return f"off by a factor of 1/m = 1/{m}: divided by m once too often (or a mean where a sum was needed)"
    for key in ("n", "C", "n_x", "n_h"):
        rows = context.get(key)
        if m and rows and rows != m and np.isclose(c, rows / m, rtol=1e-3):
            return (f"off by a factor of {rows}/{m}: divided by the number of rows ({rows}, shape[0]) "
                    f"instead of the number of examples m = {m} (shape[1])")
    if np.isclose(c, -1, rtol=1e-3):
        return "the sign is flipped"
    if np.isclose(c, 2, rtol=1e-3) or np.isclose(c, 0.5, rtol=1e-3):
        return f"off by a factor of {c:g}: check a 1/2 or a 2 in the formula"
    if not named_only and not np.isclose(c, 1, rtol=1e-3):
        return f"off by a constant factor of {c:.4g}"
    return ""


def compare(expected, got, name: str, rtol: dict, context: dict | None = None):
    """``None`` when ``got`` matches ``expected``, else ``(message, generic_hint)``.

    Arrays must have the expected shape and dtype and values within ``rtol`` (relative to the
    largest expected magnitude); numbers within the same tolerance; tuples, lists and dicts
    are compared item by item.
    """
    context = context or {}
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"{name}: expected a dict with keys {sorted(expected)}, got {type(got).__name__}", ""
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        if missing or extra:
            msg = f"{name}: expected keys {sorted(expected)}"
            msg += f"; missing {missing}" if missing else ""
            msg += f"; unexpected {extra}" if extra else ""
            return msg, ""
        for key in expected:
            diff = compare(expected[key], got[key], f"{name}[{key!r}]", rtol, context)
            if diff:
                return diff
        return None
    if isinstance(expected, list) and isinstance(got, np.ndarray) and got.ndim == 1 and all(
            _is_number(e) for e in expected):
        got = list(got)  # costs returned as np.array(costs): the same numbers
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)):
            return (f"{name}: expected {_values(len(expected))} (a {type(expected).__name__}), "
                    f"got {type(got).__name__}"), ""
        if len(got) != len(expected):
            return f"{name}: expected {_values(len(expected))}, got {len(got)}", ""
        for i, (e, g) in enumerate(zip(expected, got)):
            diff = compare(e, g, f"{name}[{i}]", rtol, context)
            if diff:
                return diff
        return None
    if isinstance(expected, (bool, np.bool_)) or expected is None or isinstance(expected, str):
        if got is expected or (not isinstance(got, np.ndarray) and got == expected):
            return None
        return f"{name}: expected {expected!r}, got {got!r}", ""
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        if not isinstance(got, np.ndarray):
            if isinstance(got, (list, tuple)):
                return f"{name}: expected a NumPy array of shape {expected.shape}, got a {type(got).__name__}", \
                    "build arrays with NumPy operations (np.array(...) turns a list into one)"
            return f"{name}: expected a NumPy array of shape {expected.shape}, got {type(got).__name__}", ""
        if got.shape != expected.shape:
            return f"{name}: expected shape {expected.shape}, got {got.shape}", _shape_hint(expected, got, context)
        if expected.dtype.kind == "b":
            if got.dtype.kind != "b" and not np.all((got == 0) | (got == 1)):
                return f"{name}: expected a boolean (0/1) array, got values {np.unique(got)[:4]}", ""
            wrong = int(np.count_nonzero(expected != got.astype(bool)))
            return None if wrong == 0 else (f"{name}: {wrong} of {got.size} entries differ", "")
        if expected.dtype.kind in "f" and got.dtype != expected.dtype:
            if got.dtype.kind in "iub":
                return (f"{name}: expected dtype {expected.dtype}, got {got.dtype}",
                        "an integer array where floats are expected: give np.zeros(...) a float dtype, "
                        "or use / rather than //")
            return (f"{name}: expected dtype {expected.dtype}, got {got.dtype}",
                    f"the inputs are {expected.dtype}, so the answer should be too: a float64 operand promotes "
                    "float32 (np.zeros(shape) without dtype=, a mask made with .astype(float), an np.float64 "
                    "scalar such as np.sqrt of a number); cast with .astype(x.dtype)")
        return _compare_values(expected, got, name, rtol, context)
    if _is_number(expected) or isinstance(expected, np.ndarray):
        if isinstance(got, np.ndarray) and got.size == 1 and got.ndim > 0:
            return (f"{name}: expected a number, got an array of shape {got.shape}",
                    "return a plain number: float(x), or np.squeeze(x)")
        if isinstance(got, np.ndarray) and got.size > 1:
            return (f"{name}: expected a number, got an array of shape {got.shape}",
                    "reduce over all the entries (np.sum(...) or np.mean(...) without an axis), then float(...)")
        if not _is_number(got):
            return f"{name}: expected a number, got {type(got).__name__}", ""
        as32 = np.asarray(expected).dtype == np.float32 or context.get("dtype") == "float32"
        return _compare_values(np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64),
                               name, rtol, context, np.dtype(np.float32 if as32 else np.float64))
    raise TypeError(f"compare: cannot compare a {type(expected).__name__}")  # pragma: no cover


def _values(n: int) -> str:
    return "1 value" if n == 1 else f"{n} values"


def _compare_values(expected, got, name, rtol, context, tol_dtype=None):
    if expected.dtype.kind in "iu" or got.dtype.kind in "iub":
        got = got.astype(np.float64)
        expected = expected.astype(np.float64)
    if not np.all(np.isfinite(expected)):  # only a mistake's output can be non-finite
        same = np.array_equal(expected, got, equal_nan=True)
        return None if same else (f"{name}: values differ", "")
    if not np.all(np.isfinite(got)):
        bad = int(got.size - np.count_nonzero(np.isfinite(got)))
        return f"{name}: {bad} NaN or inf entries (expected finite values)", \
            "an overflow (exp of a large number) or a division by zero"
    tol = rtol.get(tol_dtype or expected.dtype, rtol[np.dtype(np.float64)])
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    err = np.abs(got - expected)
    worst = float(err.max()) if err.size else 0.0
    if worst <= tol * max(scale, 1e-12) or worst <= 1e-12:
        return None
    where = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if err.ndim else ""
    msg = (f"{name}: values differ: largest difference {worst:.3g}{at} "
           f"(expected {float(expected[where]) + 0.0:.6g}, got {float(got[where]) + 0.0:.6g})")
    return msg, _ratio_hint(expected, got, context)


# --------------------------------------------------------------------------- running the learner's code


def _call(function, case: Case):
    """``function`` on deep copies of the case's arguments, runtime warnings raised as errors."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with np.errstate(all="warn", under="ignore"):
            out = function(*args, **kwargs)
    return out, args, kwargs


def _quiet(thunk):
    """``thunk()`` with warnings silenced: the reference and the mistakes, never the learner's code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return thunk()


def _last_line(exc: BaseException) -> str:
    line = traceback.format_exception_only(type(exc), exc)[-1].strip()
    tb = traceback.extract_tb(exc.__traceback__)[1:]  # without the checker's own call
    mine = [f for f in tb if not _is_library(f.filename)]
    where = ""
    if mine:  # the last line of the learner's code on the way, not NumPy's
        frame = mine[-1]
        where = f" (in {frame.name}, line {frame.lineno}: {frame.line})" if frame.line else f" (in {frame.name})"
    return line + where


def _is_library(filename: str) -> bool:
    import os

    return any(os.sep + part + os.sep in filename for part in ("numpy", "site-packages", "lib" + os.sep + "python3"))


_CRASH_HINTS = (
    (r"NotImplementedError", "the stub is not filled in yet: replace `raise NotImplementedError` with your code"),
    (r"shapes? \(.*\) and \(.*\) not aligned|matmul: Input operand|mismatch in its core dimension",
     "a matrix product of mismatched shapes: write each operand's shape down; one probably needs .T"),
    (r"could not be broadcast|operands could not be broadcast",
     "two arrays whose shapes do not broadcast: a transposed operand, or a sum without keepdims=True"),
    (r"overflow encountered", "an overflow: exp of a large number (use a numerically stable form)"),
    (r"divide by zero|invalid value encountered", "a division by zero or log(0): NaN or inf would follow"),
    (r"only 0-dimensional arrays can be converted|only length-1 arrays can be converted to Python scalars"
     r"(?!.*math)",
     "float() (or a math.* function) got an array of several values: reduce it first (np.sum, "
     "np.linalg.norm without an axis) or use the NumPy function (np.exp, np.log...)"),
    (r"is not defined", "a name your function uses is not defined: run the cells above first"),
)


def _crash_hint(line: str, exercise: Exercise) -> str:
    for mistake in exercise.mistakes:
        if mistake.crash and re.search(mistake.crash, line):
            return mistake.hint
    for pattern, hint in _CRASH_HINTS:
        if re.search(pattern, line):
            return hint
    return ""


def _changed(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape
                    and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, dict):
        return not isinstance(after, dict) or before.keys() != after.keys() or any(
            _changed(before[k], after[k]) for k in before)
    if isinstance(before, (tuple, list)):
        return len(before) != len(after) or any(_changed(b, a) for b, a in zip(before, after))
    return False


def _argument_names(exercise: Exercise, case: Case) -> list[str]:
    import inspect

    params = list(inspect.signature(exercise.solution).parameters)
    return params[: len(case.args)] + list(case.kwargs)


def _rng_hint(case: Case, learner_args, reference_args) -> str:
    """Whether the learner drew from the ``rng`` argument as the reference did."""
    for before, mine, ref in zip(case.args, learner_args, reference_args):
        if isinstance(before, np.random.Generator):
            state = mine.bit_generator.state
            if state == before.bit_generator.state:
                return ("nothing was drawn from the rng argument: np.random.* uses another (global) generator; "
                        "draw with rng.standard_normal(...), rng.random(...), ...")
            if state != ref.bit_generator.state:
                return ("a different number of values was drawn from rng than the statement describes: "
                        "check the order, the shapes and the functions of the draws")
    return ""


def _order_hint(exercise: Exercise, expected, got) -> str:
    """The right values in another order: name the order."""
    if len(exercise.returns) < 2 or not isinstance(got, (tuple, list)) or len(got) != len(expected):
        return ""
    def shape(x):
        return str(np.shape(x)) if isinstance(x, np.ndarray) or _is_number(x) else type(x).__name__

    shapes, mine = [shape(e) for e in expected], [shape(g) for g in got]
    if mine != shapes and sorted(mine) == sorted(shapes):
        return f"return ({', '.join(exercise.returns)}) in this order"
    return ""


def run_case(exercise: Exercise, function: Callable, case: Case) -> CaseResult:
    """Call ``function`` on ``case`` and compare with the reference (and finite differences)."""
    reference_case = copy.deepcopy(case)
    expected = _quiet(lambda: exercise.reference(*reference_case.args, **reference_case.kwargs))
    rtol = {**RTOL, **{np.dtype(k): v for k, v in exercise.rtol.items()}}
    try:
        got, args, kwargs = _call(function, case)
    except Exception as exc:  # the learner's code failed: a failed case, never a crash here
        line = _last_line(exc)
        return CaseResult(case.label, False, f"your function raised {line}", _crash_hint(line, exercise))
    name = exercise.returns[0] if len(exercise.returns) == 1 else "return value"
    if len(exercise.returns) > 1 and isinstance(got, tuple) and len(got) == len(exercise.returns):
        diff = None
        for i, label in enumerate(exercise.returns):
            diff = compare(expected[i], got[i], label, rtol, case.context)
            if diff:
                break
    else:
        diff = compare(expected, got, name, rtol, case.context)
        if diff and len(exercise.returns) > 1:
            diff = (f"expected a tuple ({', '.join(exercise.returns)}); {diff[0]}", diff[1])
    if diff is None:
        names = _argument_names(exercise, case)
        for arg_name, before, after in zip(names, list(case.args) + list(case.kwargs.values()),
                                           list(args) + list(kwargs.values())):
            if arg_name not in exercise.may_modify and _changed(before, after):
                return CaseResult(case.label, False, f"the right answer, but your function changed its argument "
                                  f"`{arg_name}` in place",
                                  "work on a copy (x = x + ... makes a new array; x += ... and x[...] = ... "
                                  "change the caller's)")
        return _finite_differences(exercise, case, got)
    message, hint = diff
    for mistake in exercise.mistakes:
        if mistake.output is None:
            continue
        try:
            wrong = _quiet(lambda: mistake.output(copy.deepcopy(case)))
        except Exception:  # noqa: BLE001 - a mistake that cannot be formed for this case
            continue
        if compare(wrong, got, name, rtol, case.context) is None:
            return CaseResult(case.label, False, message, mistake.hint)
    hint = _order_hint(exercise, expected, got) or hint or _rng_hint(case, args, reference_case.args)
    return CaseResult(case.label, False, message, hint)


def _finite_differences(exercise, case, got) -> CaseResult:
    if exercise.finite_differences is None or case.context.get("dtype", "float64") != "float64":
        return CaseResult(case.label, True)
    try:
        pairs = exercise.finite_differences(case, got)
    except Exception:  # noqa: BLE001 - the answer matched the reference: nothing more to learn here
        return CaseResult(case.label, True)
    worst = ("", 0.0)
    for name, analytic, numerical in pairs:
        a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numerical, dtype=np.float64)
        rel = float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))
        if rel > worst[1]:
            worst = (name, rel)
    if worst[1] > FD_TOLERANCE:
        return CaseResult(case.label, False, f"{worst[0]} disagrees with finite differences of the cost "
                          f"(relative difference {worst[1]:.2g})", "")
    names = ", ".join(n for n, _, _ in pairs)
    verb = "agrees" if len(pairs) == 1 else "agree"
    return CaseResult(case.label, True, f"{names} {verb} with finite differences (relative difference "
                      f"{worst[1]:.1e})")


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    """What :func:`dlnotes.exercises.check` found: one :class:`CaseResult` per case.

    ``passed`` is true when every case passed. Its text (``print(report)``, or the report as the
    last line of a notebook cell) lists each case with what differed and a hint; ``seed``
    draws the same cases again: ``check(name, function, seed=report.seed)``.
    See [how the checks work](exercises/index.md#how-the-checks-work).
    """

    exercise: str
    title: str
    seed: int
    results: list

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r.passed]

    def __str__(self) -> str:
        n_ok = sum(r.passed for r in self.results)
        head = f"{self.exercise} ({self.title}): {n_ok} of {len(self.results)} cases passed"
        lines = [head + (" - well done" if self.passed else f"   [cases drawn with seed={self.seed}]")]
        for r in self.results:
            lines += r.lines()
        return "\n".join(lines)

    __repr__ = __str__


def run(exercise: Exercise, function: Callable, seed: int) -> Report:
    """Draw the cases of ``exercise`` from ``seed`` and run ``function`` on each."""
    cases = exercise.cases(np.random.default_rng(seed))
    results = [run_case(exercise, function, case) for case in cases]
    return Report(exercise.id, exercise.title, seed, results)
