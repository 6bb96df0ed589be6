"""The exercise system stays honest (issue 13).

* every solution passes its checker, on several seeds;
* every exercise has at least two typical wrong solutions (``tests/mistakes.wrong_<week>.py``),
  and the checker fails each of them with the intended hint on every case it fails;
* garbage answers and crashes are failed cases, never errors of the checker;
* each exercise is stated on its week's page, with its check call and its solution included
  from the tested module.
"""

from __future__ import annotations

import importlib
import inspect
import pathlib
import re

import numpy as np
import pytest

from dlnotes import exercises
from dlnotes.exercises import check, list_exercises

ROOT = pathlib.Path(__file__).resolve().parents[1]
NAMES = [name for name, _ in list_exercises()]
SEEDS = (0, 1, 2)


def _wrong():
    out = []
    for week in exercises.WEEKS:
        module = importlib.import_module(f"mistakes.wrong_{week}")
        for name, pairs in module.WRONG.items():
            out += [(name, fn, hint) for fn, hint in pairs]
    return out


WRONG = _wrong()


def test_about_thirty_exercises_at_least_four_per_week():
    assert 28 <= len(NAMES) <= 40, len(NAMES)
    for week in exercises.WEEKS:
        assert len(list_exercises(week)) >= 4, week


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes(name):
    solution = exercises.get(name).solution
    for seed in SEEDS:
        report = check(name, solution, seed=seed)
        assert report.passed, str(report)


@pytest.mark.parametrize("name", NAMES)
def test_at_least_two_typical_mistakes_are_tested(name):
    assert sum(n == name for n, _, _ in WRONG) >= 2, f"{name}: write two wrong solutions in tests/mistakes/"


@pytest.mark.parametrize("name,function,hint", WRONG, ids=[f"{n}-{f.__name__}" for n, f, _ in WRONG])
def test_a_typical_mistake_is_caught_with_its_hint(name, function, hint):
    for seed in SEEDS:
        report = check(name, function, seed=seed)
        assert not report.passed, f"{function.__name__} passed {name}:\n{report}"
        for result in report.failed:
            said = f"{result.message}\n{result.hint}"
            assert hint in said, f"{function.__name__}: expected a hint with {hint!r}:\n{report}"


# ------------------------------------------------------------------ the checker never crashes


def _none(*args, **kwargs):
    return None


def _text(*args, **kwargs):
    return "an answer"


def _first_argument(*args, **kwargs):
    return args[0] if args else None


def _raises_key_error(*args, **kwargs):
    return {}["W1"]


def _too_many(*args, **kwargs):
    return tuple(range(7))


def _nan_like(*args, **kwargs):
    out = exercises.get(_nan_like.name).reference(*args, **kwargs)
    return _poison(out)


def _poison(out):
    if isinstance(out, np.ndarray) and out.dtype.kind == "f" and out.size:
        bad = out.copy()
        bad.flat[0] = np.nan
        return bad
    if isinstance(out, dict):
        return {k: _poison(v) for k, v in out.items()}
    if isinstance(out, (tuple, list)):
        return type(out)(_poison(v) for v in out)
    if isinstance(out, float):
        return float("nan")
    return out


GARBAGE = [_none, _text, _first_argument, _raises_key_error, _too_many, _nan_like]


@pytest.mark.parametrize("name", NAMES)
def test_garbage_and_crashes_are_failed_cases_not_errors(name):
    for garbage in GARBAGE:
        _nan_like.name = name
        report = check(name, garbage, seed=0)
        assert not report.passed, f"{garbage.__name__} passed {name}"
        assert all(r.message for r in report.failed), str(report)
        if garbage is _raises_key_error:
            assert all("raised KeyError" in r.message for r in report.failed), str(report)


@pytest.mark.parametrize("name", NAMES)
def test_the_report_never_shows_the_reference_code(name):
    exercise = exercises.get(name)
    spec_lines = {line.strip() for line in inspect.getsource(inspect.getmodule(exercise.reference)).splitlines()
                  if len(line.strip()) > 25 and not line.strip().startswith(("#", '"', "Mistake(\""))}
    for function, _ in [(fn, h) for n, fn, h in WRONG if n == name][:2]:
        text = str(check(name, function, seed=0))
        assert not [line for line in spec_lines if line in text], text


def test_fresh_cases_at_every_call_and_the_seed_repeats_them():
    solution = exercises.get("c1w2.propagate").solution
    seeds = {check("c1w2.propagate", solution).seed for _ in range(5)}
    assert len(seeds) > 1
    a, b = (str(check("c1w2.flatten", lambda x: x.reshape(-1, x.shape[0]), seed=123)) for _ in range(2))
    assert a == b and "seed=123" in a


def test_bad_calls_of_check_name_the_argument():
    with pytest.raises(ValueError, match=r"name: .*got 'c1w2.sigmod' \(did you mean 'c1w2.sigmoid'\?\)"):
        check("c1w2.sigmod", print)
    with pytest.raises(TypeError, match=r"function: expected your function \(a callable\) for c1w2.sigmoid, got str"):
        check("c1w2.sigmoid", "sigmoid")
    with pytest.raises(ValueError, match=r"seed: expected a non-negative integer, got -1"):
        check("c1w2.sigmoid", print, seed=-1)
    with pytest.raises(ValueError, match=r"week: expected one of c1w2, .*got 'c3w1'"):
        list_exercises("c3w1")


def test_hints_for_shapes_and_factors():
    from dlnotes.exercises._core import compare

    rtol = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 5e-4}
    e = np.arange(1.0, 7.0).reshape(3, 2)
    assert "transposed" in compare(e, e.T, "dW", rtol)[1]
    assert "keepdims" in compare(np.ones((3, 1)), np.ones(3), "db", rtol)[1]
    assert "broadcast to (n, n)" in compare(np.ones((3, 1)), np.ones((3, 3)), "db", rtol)[1]
    assert "missing 1/m" in compare(e, 5 * e, "dW", rtol, {"m": 5})[1]
    assert "sign is flipped" in compare(e, -e, "dW", rtol)[1]
    assert "dtype" in compare(e.astype(np.float32), e, "A", rtol)[0]
    assert compare(e, e * (1 + 1e-9), "A", rtol) is None
    assert compare({"a": e}, {"a": e, "b": e}, "grads", rtol)[0] == "grads: expected keys ['a']; unexpected ['b']"


def test_generic_hints_found_by_a_learner_session():
    """Answers a learner wrote that the checker first mis-named or let through (the fixes stay fixed)."""
    from dlnotes.exercises.solutions import c1w2 as s2, c1w4 as s4

    def global_max_softmax(Z):  # one max for the whole array: NaN for a column far below it
        e = np.exp(Z - np.max(Z))
        return e / e.sum(axis=0, keepdims=True)

    def uniform_softmax(Z):  # anything wrong must not match the overflowing "np.exp alone" mistake
        return np.full_like(Z, 1 / Z.shape[0])

    def costs_as_array(w, b, X, Y, n, lr):
        w, b, costs = s2.optimize(w, b, X, Y, n, lr)
        return w, b, np.array(costs)

    def global_generator(layer_dims, rng):
        return s4.initialize_parameters_deep(layer_dims, np.random.default_rng(12345))

    def wrong_order(dA, cache, activation):
        dA_prev, dW, db = s4.linear_activation_backward(dA, cache, activation)
        return dW, db, dA_prev

    for seed in SEEDS:
        assert not check("c2w3.softmax", global_max_softmax, seed=seed).passed
        assert all("np.exp alone" not in r.hint for r in check("c2w3.softmax", uniform_softmax, seed=seed).failed)
        assert check("c1w2.optimize", costs_as_array, seed=seed).passed
        report = check("c1w4.initialize_parameters_deep", global_generator, seed=seed)
        assert report.failed and all("nothing was drawn from the rng" in r.hint for r in report.failed), str(report)
        report = check("c1w4.linear_activation_backward", wrong_order, seed=seed)
        assert all("return (dA_prev, dW, db) in this order" in r.hint for r in report.failed), str(report)


def test_shape_and_factor_hints_for_axis_and_rows():
    from dlnotes.exercises._core import compare

    rtol = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 5e-4}
    assert "axis=0" in compare(np.ones((4, 1)), np.ones((1, 7)), "db", rtol, {"m": 7})[1]
    assert "1-D vector" in compare(np.ones(4), np.ones((4, 1)), "grad", rtol)[1]
    e = np.arange(1.0, 9.0).reshape(4, 2)
    assert "number of rows (4, shape[0])" in compare(e, e * 4 / 6, "dW", rtol, {"m": 6, "n": 4})[1]
    assert compare(np.array([np.inf, 1.0]), np.array([5.0, 1.0]), "A", rtol) is not None
    assert "reduce over all the entries" in compare(1.5, np.ones(3), "cost", rtol)[1]
