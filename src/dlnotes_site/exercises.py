"""The exercise notebooks, made from the exercise pages and the tested solutions (no MkDocs here).

An exercise page ``docs/exercises/<week>.md`` states each exercise under a heading with the id
``{#<week>-<function>}``, ends the statement with the line
``**Check:** `check("<week>.<function>", <function>)``` and includes the solution from
``src/dlnotes/exercises/solutions/<week>.py`` in a collapsed box. From those two files:

* :func:`notebook_text` writes the week's notebook as a Jupytext percent file: the statement of
  each exercise (a Markdown cell), the stub to fill in (the solution's ``def`` line and
  docstring, then ``raise NotImplementedError``), and the check cell. With ``filled=True`` the
  stubs are the solutions and each check cell asserts that its report passed: the build executes
  that version (:mod:`dlnotes_site.labs`, cached like a lab), so a broken checker or solution
  fails the build.
* :func:`write_notebooks` writes every week's stub notebook (``.py`` and ``.ipynb``) into a
  folder: ``python -m dlnotes_site.exercises OUT_DIR``.

The statements are the page's words: a notebook never drifts from its page.
"""

from __future__ import annotations

import ast
import pathlib
import re
import sys
from dataclasses import dataclass

#: Exercise pages, relative to ``docs_dir``.
PAGE_PATTERN = re.compile(r"^exercises/(c\dw\d)\.md$")
HEADING = re.compile(r"^## (?P<title>.+?) \{#(?P<week>c\dw\d)-(?P<function>\w+)\}\s*$")
CHECK_LINE = re.compile(r'^\*\*Check:\*\* `check\("(?P<id>[\w.]+)", (?P<function>\w+)\)`\s*$')
#: Page-only Markdown that has no meaning in a notebook: a statement must not use it.
PAGE_ONLY = re.compile(r"^\s*(!!!|\?\?\?|--8<--)|\{:|\]\((?!https?://)")
SITE_URL = "https://dlnotes.github.io/dlnotes/"
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$")  # math such as a^{[2](i)} is not a link


class ExercisePageError(ValueError):
    """An exercise page does not follow the format the notebooks are made from."""


@dataclass(frozen=True)
class Statement:
    """One exercise as its page states it."""

    id: str          # "c1w2.sigmoid"
    title: str       # "1 · The sigmoid"
    function: str    # "sigmoid"
    text: str        # the Markdown between the heading and the check line


def parse_page(text: str, where: str = "page") -> tuple[str, list[Statement]]:
    """The page's title and its exercises, in order (:class:`ExercisePageError` names a bad line)."""
    lines = text.splitlines()
    title = next((line[2:].strip() for line in lines if line.startswith("# ")), None)
    if title is None:
        raise ExercisePageError(f"{where}: no '# title' line")
    out, i = [], 0
    while i < len(lines):
        m = HEADING.match(lines[i])
        if not m:
            if lines[i].startswith("## "):
                raise ExercisePageError(f"{where}:{i + 1}: an exercise heading needs an id, "
                                        f"'## N · Title {{#week-function}}', got {lines[i]!r}")
            i += 1
            continue
        body, j = [], i + 1
        while j < len(lines) and not CHECK_LINE.match(lines[j]):
            if lines[j].startswith("## "):
                raise ExercisePageError(f"{where}:{i + 1}: exercise {m['function']} has no '**Check:**' line")
            if PAGE_ONLY.search(_MATH.sub("", lines[j])):
                raise ExercisePageError(f"{where}:{j + 1}: a statement goes into the notebook as it is; "
                                        f"no admonitions, snippets, attribute lists or relative links: {lines[j]!r}")
            body.append(lines[j])
            j += 1
        if j == len(lines):
            raise ExercisePageError(f"{where}:{i + 1}: exercise {m['function']} has no '**Check:**' line")
        check = CHECK_LINE.match(lines[j])
        exercise_id = f"{m['week']}.{m['function']}"
        if check["id"] != exercise_id or check["function"] != m["function"]:
            raise ExercisePageError(f"{where}:{j + 1}: expected check(\"{exercise_id}\", {m['function']}), "
                                    f"got check(\"{check['id']}\", {check['function']})")
        out.append(Statement(exercise_id, m["title"].strip(), m["function"], "\n".join(body).strip()))
        i = j + 1
    return title, out


def _function_node(source: str, name: str, where: str) -> ast.FunctionDef:
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise ExercisePageError(f"{where}: no function {name}() for the exercise of that name")


def solution_source(source: str, name: str, where: str = "solutions") -> str:
    """The source of the solution function ``name`` (the code its page shows)."""
    node = _function_node(source, name, where)
    return "\n".join(source.splitlines()[node.lineno - 1: node.end_lineno])


def stub_source(source: str, name: str, where: str = "solutions") -> str:
    """The solution's ``def`` line(s) and docstring, then a ``raise NotImplementedError``."""
    node = _function_node(source, name, where)
    lines = source.splitlines()
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    head_end = first.end_lineno if has_doc else first.lineno - 1
    head = lines[node.lineno - 1: head_end]
    return "\n".join(head + ["    # your code here", "    raise NotImplementedError"])


def _markdown_cell(text: str) -> str:
    return "# %% [markdown]\n" + "\n".join(f"# {line}".rstrip() for line in text.split("\n"))


def notebook_text(page_text: str, solutions_text: str, week: str, *, filled: bool = False,
                  site_url: str = SITE_URL) -> str:
    """The week's notebook as a Jupytext percent file: statements, stubs (or solutions), check cells."""
    title, statements = parse_page(page_text, f"docs/exercises/{week}.md")
    page = f"{site_url}exercises/{week}/"
    intro = (f"# {title}\n\nFill in each function, then run the check cell under it. `check` calls your "
             "function on cases drawn afresh at every run (several shapes, float32 and float64, a single "
             "example...), compares it with the reference and with finite differences where a gradient is "
             "asked for, and names the likely mistake when it recognises one. Run the cells from the top: "
             "a later function may use an earlier one.\n\n"
             f"The statements come from [the exercise page]({page}), which also has the solutions (collapsed). "
             "You need the `dlnotes` package: `pip install -e .` in a clone of the repository; nothing here "
             "uses the network.")
    cells = [_markdown_cell(intro), "# %%\nimport numpy as np\n\nfrom dlnotes.exercises import check"]
    for st in statements:
        cells.append(_markdown_cell(f"## {st.title}\n\n{st.text}"))
        code = solution_source(solutions_text, st.function) if filled else stub_source(solutions_text, st.function)
        cells.append("# %%\n" + code)
        if filled:
            cells.append(f'# %%\nreport = check("{st.id}", {st.function}, seed=0)\nprint(report)\n'
                         f'assert report.passed, "the solution of {st.id} fails its check"')
        else:
            cells.append(f'# %%\ncheck("{st.id}", {st.function})')
    return "\n\n".join(cells) + "\n"


def week_files(root: pathlib.Path, week: str) -> tuple[str, str]:
    """The text of the week's page and of its solutions module."""
    page = root / "docs" / "exercises" / f"{week}.md"
    solutions = root / "src" / "dlnotes" / "exercises" / "solutions" / f"{week}.py"
    return page.read_text(encoding="utf-8"), solutions.read_text(encoding="utf-8")


def to_ipynb(text: str) -> str:
    """A Jupytext percent text as ``.ipynb`` JSON, with stable cell ids (no outputs)."""
    import nbformat

    from dlnotes_site.labs import read_lab_text

    return nbformat.writes(read_lab_text(text))


def write_notebooks(out_dir, root=None, weeks=None) -> list[pathlib.Path]:
    """Write ``<week>.py`` and ``<week>.ipynb`` (the stubs) of every exercise page into ``out_dir``."""
    root = pathlib.Path(__file__).resolve().parents[2] if root is None else pathlib.Path(root)
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    weeks = weeks or sorted(p.stem for p in (root / "docs" / "exercises").glob("c?w?.md"))
    written = []
    for week in weeks:
        text = notebook_text(*week_files(root, week), week)
        (out_dir / f"{week}.py").write_text(text, encoding="utf-8")
        (out_dir / f"{week}.ipynb").write_text(to_ipynb(text), encoding="utf-8")
        written += [out_dir / f"{week}.py", out_dir / f"{week}.ipynb"]
    return written


def download_bar(week: str) -> str:
    """The page's download links (the notebook files sit next to the page)."""
    from dlnotes_site.labs import download_bar as bar

    return bar(week, "Download the exercises (.ipynb)",
               "Stubs to fill in, a check cell after each. The build runs the same notebook with the "
               "solutions below filled in, and fails if a check does not pass.")


if __name__ == "__main__":  # pragma: no cover - python -m dlnotes_site.exercises OUT_DIR
    target = sys.argv[1] if len(sys.argv) > 1 else "exercise-notebooks"
    for path in write_notebooks(target):
        print(path)
