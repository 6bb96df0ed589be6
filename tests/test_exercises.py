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
