"""Run the ```pycon examples written on the pages (docs/**/*.md) with doctest.

Each page is one test: its pycon blocks run in order in one namespace (like a doctest file),
with the doctest option flags of pyproject.toml. Failures point at the Markdown line.
Blocks may be indented (inside admonitions, tabs or lists); their indentation is removed.
``--doctest-glob=*.md`` cannot do this: it would read the closing fence as expected output.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*\{?\.?pycon\b[^\n]*$")
try:  # pytest's doctest extensions: the NUMBER flag and the checker that implements it
    from _pytest.doctest import _get_checker, _get_number_flag
except ImportError:  # pragma: no cover - older or newer pytest without them
    def _get_checker():
        return doctest.OutputChecker()

    def _get_number_flag():
        return 0

# the doctest_optionflags of pyproject.toml
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS | _get_number_flag()


def pycon_blocks(text: str) -> list[tuple[int, str]]:
    """``(first line number, dedented source)`` of every pycon fence in ``text`` (1-based lines)."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m.group("indent"), m.group("fence")
        close = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            body.append(lines[j])
            j += 1
        if j == len(lines):
            raise ValueError(f"line {i + 1}: pycon fence {fence!r} is never closed")
        blocks.append((i + 2, textwrap.dedent("\n".join(body)) + "\n"))
        i = j + 1
    return blocks


def pages_with_examples() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md")
                  if any(OPEN.match(line) for line in p.read_text(encoding="utf-8").splitlines()))


def run_page(path: Path, root: Path = ROOT) -> tuple[int, int, str]:
    """Run every pycon block of ``path``; return ``(failed, attempted, report)``."""
    parser = doctest.DocTestParser()
    globs: dict = {"__name__": f"docs.{path.stem}"}
    out: list[str] = []
    runner = doctest.DocTestRunner(checker=_get_checker(), optionflags=FLAGS)
    name = path.relative_to(root).as_posix()
    for lineno, source in pycon_blocks(path.read_text(encoding="utf-8")):
        test = parser.get_doctest(source, globs, name, str(path), lineno - 1)
        runner.run(test, out=out.append, clear_globs=False)
        globs = test.globs  # DocTest copies its globals: carry them to the next block
    results = runner.summarize(verbose=False)
    return results.failed, results.attempted, "".join(out)


def test_parser_finds_indented_blocks_and_skips_others():
    text = textwrap.dedent('''\
        # Title

        ```python
        >>> not run
        ```

        !!! example
            ```pycon
            >>> 1 + 1
            2
            ```

        ````pycon
        >>> x = 3
        ```
        ````
        ''')
    blocks = pycon_blocks(text)
    assert [b[0] for b in blocks] == [9, 14]
    assert blocks[0][1] == ">>> 1 + 1\n2\n"
    assert blocks[1][1] == ">>> x = 3\n```\n"


def test_runner_reports_a_wrong_example(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("Text\n\n```pycon\n>>> a = 2\n>>> a * 3\n7\n```\n\n```pycon\n>>> a\n2\n```\n",
                    encoding="utf-8")
    failed, attempted, report = run_page(page, root=tmp_path)
    assert (failed, attempted) == (1, 3)  # the namespace is shared between blocks
    page.write_text("```pycon\n>>> 0.1 + 0.2\n0.3\n```\n", encoding="utf-8")
    assert run_page(page, root=tmp_path)[:2] == (0, 1)  # NUMBER, as in pyproject.toml
    assert "line 5" in report and "Expected:\n    7\nGot:\n    6" in report


PAGES = pages_with_examples()


@pytest.mark.parametrize("path", PAGES or [None], ids=[p.relative_to(DOCS).as_posix() for p in PAGES] or ["none"])
def test_page_examples(path):
    if path is None:
        pytest.skip("no page has a pycon example yet")
    failed, attempted, report = run_page(path)
    assert attempted > 0
    assert failed == 0, f"{failed} of {attempted} examples failed in {path.relative_to(ROOT)}:\n{report}"


def test_api_reference_has_a_page_per_public_module():
    """docs/reference/<module>.md exists for every public module, renders it, and is in the nav."""
    pkg = ROOT / "src" / "dlnotes"
    modules = sorted({p.stem for p in pkg.glob("*.py") if not p.stem.startswith("_")}
                     | {p.parent.name for p in pkg.glob("*/__init__.py")})
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [m for m in modules if not (DOCS / "reference" / f"{m}.md").is_file()]
    assert not missing, f"public modules without an API reference page in docs/reference/: {missing}"
    for m in modules:
        text = (DOCS / "reference" / f"{m}.md").read_text(encoding="utf-8")
        assert f"::: dlnotes.{m}" in text, f"docs/reference/{m}.md does not render dlnotes.{m}"
        assert f"reference/{m}.md" in nav, f"docs/reference/{m}.md is not in the nav of mkdocs.yml"
    index = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    unlisted = [m for m in modules if f"({m}.md)" not in index]
    assert not unlisted, f"docs/reference/index.md does not link to: {unlisted}"
