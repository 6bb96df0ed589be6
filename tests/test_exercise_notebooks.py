"""The exercise pages and notebooks (dlnotes_site.exercises, hooks/exercises.py).

* every exercise of the registry is stated on its week's page, in order, with its check line and
  its solution included (collapsed) from the tested module;
* the notebook made from a page and its solutions runs: with the solutions filled in, every
  check passes (the build runs that version too); as downloaded, every check fails, saying the
  stub is not filled in, and no cell raises;
* in a fresh Jupyter kernel, a learner's notebook with one function filled in reports that
  function's cases as passed and the others as failed.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import jupytext
import pytest

from dlnotes import exercises
from dlnotes.exercises import list_exercises
from dlnotes_site import exercises as ex

ROOT = pathlib.Path(__file__).resolve().parents[1]
WEEKS = list(exercises.WEEKS)


def _code_cells(text):
    return [c.source for c in jupytext.reads(text, fmt="py:percent").cells if c.cell_type == "code"]


def _run_cells(text):
    import dlnotes.exercises as pkg

    reports = []

    def recording_check(*args, **kwargs):
        reports.append(pkg.check(*args, **kwargs))
        return reports[-1]

    namespace = {"__name__": "__notebook__"}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in _code_cells(text):
            exec(compile(source, "<cell>", "exec"), namespace)
            if "check" in namespace and namespace["check"] is pkg.check:
                namespace["check"] = recording_check
    return reports


@pytest.mark.parametrize("week", WEEKS)
def test_the_page_states_every_exercise_in_order(week):
    page, solutions = ex.week_files(ROOT, week)
    _, statements = ex.parse_page(page, week)
    assert [s.id for s in statements] == [name for name, _ in list_exercises(week)]
    for st in statements:
        assert st.text.count("\n") >= 1, f"{st.id}: state the task with its math and shapes"
        include = f'--8<-- "src/dlnotes/exercises/solutions/{week}.py:{st.function}"'
        after = page.split(f'**Check:** `check("{st.id}", {st.function})`', 1)[1]
        box = after.split("\n## ", 1)[0]
        assert '??? success "Solution"' in box and include in box, f"{st.id}: no collapsed solution including {include}"
        assert exercises.get(st.id).solution.__name__ == st.function


@pytest.mark.parametrize("week", WEEKS)
def test_the_solved_notebook_passes_every_check(week):
    text = ex.notebook_text(*ex.week_files(ROOT, week), week, filled=True)
    reports = _run_cells(text)
    assert len(reports) == len(list_exercises(week))
    assert all(r.passed for r in reports), "\n".join(str(r) for r in reports if not r.passed)


@pytest.mark.parametrize("week", WEEKS)
def test_the_downloaded_notebook_fails_every_check_without_raising(week):
    text = ex.notebook_text(*ex.week_files(ROOT, week), week)
    assert "raise NotImplementedError" in text and "# your code here" in text
    reports = _run_cells(text)
    assert [r.exercise for r in reports] == [name for name, _ in list_exercises(week)]
    for r in reports:
        assert not r.passed
        assert any("stub is not filled in" in c.hint for c in r.failed), str(r)


def test_a_page_that_breaks_the_format_is_named():
    good = '# T\n\n## 1 · S {#c1w2-sigmoid}\n\nWrite it.\n\n**Check:** `check("c1w2.sigmoid", sigmoid)`\n'
    assert ex.parse_page(good)[1][0].id == "c1w2.sigmoid"
    with pytest.raises(ex.ExercisePageError, match=r"p:3: an exercise heading needs an id"):
        ex.parse_page(good.replace(" {#c1w2-sigmoid}", ""), "p")
    with pytest.raises(ex.ExercisePageError, match=r"expected check\(\"c1w2.sigmoid\", sigmoid\)"):
        ex.parse_page(good.replace('check("c1w2.sigmoid"', 'check("c1w2.sigma"'), "p")
    with pytest.raises(ex.ExercisePageError, match=r"no admonitions"):
        ex.parse_page(good.replace("Write it.", "See [the page](../course1/week2.md)."), "p")
    assert ex.parse_page(good.replace("Write it.", "Math is no link: $a^{[2](i)}$."))[1][0].text.startswith("Math")
    with pytest.raises(ex.ExercisePageError, match=r"has no '\*\*Check:\*\*' line"):
        ex.parse_page(good.split("**Check")[0], "p")


def test_the_stub_keeps_the_signature_and_docstring_only():
    source = 'def f(a,\n      b):\n    """Doc."""\n    c = a + b\n    return c\n'
    assert ex.stub_source(source, "f") == ('def f(a,\n      b):\n    """Doc."""\n'
                                           "    # your code here\n    raise NotImplementedError")
    assert ex.solution_source(source, "f") == source.rstrip("\n")


def test_write_notebooks(tmp_path):
    written = ex.write_notebooks(tmp_path, ROOT, ["c1w2"])
    assert sorted(p.name for p in written) == ["c1w2.ipynb", "c1w2.py"]
    import json
    nb = json.loads((tmp_path / "c1w2.ipynb").read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert [c["id"] for c in nb["cells"]][:2] == ["cell-1", "cell-2"]


def test_a_learner_fills_one_function_in_a_fresh_kernel():
    """The download, one function filled in, run top to bottom in a Jupyter kernel (as a learner would)."""
    import nbformat

    from dlnotes_site.labs import execute_notebook

    page, solutions = ex.week_files(ROOT, "c1w2")
    stub = ex.notebook_text(page, solutions, "c1w2")
    filled = stub.replace(ex.stub_source(solutions, "sigmoid"), ex.solution_source(solutions, "sigmoid"))
    assert filled != stub
    nb = execute_notebook(nbformat.reads(ex.to_ipynb(filled), as_version=4), name="c1w2 (learner)")
    outputs = {}
    for cell in nb.cells:
        m = re.match(r'check\("([\w.]+)"', cell.source)
        if m:
            outputs[m.group(1)] = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
    assert "well done" in outputs["c1w2.sigmoid"] and "FAILED" not in outputs["c1w2.sigmoid"]
    for name in ("c1w2.flatten", "c1w2.propagate"):
        assert "FAILED" in outputs[name] and "stub is not filled in" in outputs[name]
