"""hooks/pagecache.py: what a page's conversion depends on, and serve rebuilds that reuse pages.

The integration test builds a small project in ``tmp_path`` (its own mkdocs.yml, four
pages, the real hooks and a copy of the real ``dlnotes`` package put first on
``sys.path``, so that editing a module never touches the repository) the way
``mkdocs serve`` does: the plugins' ``on_startup(command="serve")`` once, then for every
rebuild a freshly loaded config and ``build(config, serve_url=..., dirty=False)``.
"""

from __future__ import annotations

import filecmp
import logging
import re
import shutil
import sys
from pathlib import Path

import pytest
from loadfile import load_file

ROOT = Path(__file__).resolve().parents[1]


pagecache = load_file("_test_pagecache_hook", "hooks/pagecache.py")


@pytest.fixture
def package(tmp_path):
    """A copy of src/dlnotes under tmp_path/src, and its snapshot."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "dlnotes", src / "dlnotes", ignore=shutil.ignore_patterns("__pycache__"))
    return src / "dlnotes"


# --------------------------------------------------------------------------- unit tests


def test_snapshot_digest_matches_deps_and_follows_the_import_closure(package):
    snap = pagecache.PackageSnapshot(package)
    deps = snap.deps
    assert snap.digest(["dlnotes.nn"]) == deps.digest(["dlnotes.nn"], root=package)
    assert snap.closure(["dlnotes.nn"]) == deps.closure(["dlnotes.nn"], root=package)
    nn, ewa = snap.digest(["dlnotes.nn"]), snap.digest(["dlnotes.ewa"])
    assert "dlnotes.activations" in snap.closure(["dlnotes.nn"])
    assert "dlnotes.activations" not in snap.closure(["dlnotes.ewa"])
    (package / "activations.py").write_text((package / "activations.py").read_text() + "# edit\n")
    again = pagecache.PackageSnapshot(package)
    assert again.digest(["dlnotes.nn"]) != nn          # nn imports activations
    assert again.digest(["dlnotes.ewa"]) == ewa        # ewa does not
    with pytest.raises(KeyError, match="dlnotes.nope"):
        again.closure(["dlnotes.nope"])


def test_snapshot_is_taken_when_made_not_when_digested(package):
    snap = pagecache.PackageSnapshot(package)
    before = snap.digest(["dlnotes.ewa"])
    (package / "ewa.py").write_text((package / "ewa.py").read_text() + "# later edit\n")
    assert snap.digest(["dlnotes.ewa"]) == before
    assert pagecache.PackageSnapshot(package).digest(["dlnotes.ewa"]) != before


def test_recorder_turns_executed_code_into_modules(package):
    snap = pagecache.PackageSnapshot(package)
    rec = pagecache.Recorder("x/", snap)
    rec.executed("from dlnotes.activations import sigmoid\nprint(sigmoid(0.0))")
    rec.executed('from dlnotes.figures import render\nprint(render("course1_week2.sigmoid_curve", alt="s"))')
    assert {"dlnotes", "dlnotes.activations", "dlnotes.figures", "dlnotes.figures.course1_week2"} <= rec.modules
    assert "dlnotes.nn" not in rec.modules
    rec.executed('print("inverse time decay, os and open( in a string are only text")')
    assert not rec.uncacheable


def test_hook_doctests():
    import doctest

    result = doctest.testmod(pagecache, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0


@pytest.mark.parametrize("code", [
    "from pathlib import Path\nprint(Path('docs').exists())",
    "print(open('x').read())",
    "import time\nprint(time.time())",
    "import os\nprint(os.environ['HOME'])",
])
def test_recorder_refuses_code_that_reads_the_outside_world(package, code):
    rec = pagecache.Recorder("x/", pagecache.PackageSnapshot(package))
    rec.executed(code)
    assert rec.uncacheable


def test_recorder_autodoc_identifiers(package):
    snap = pagecache.PackageSnapshot(package)
    rec = pagecache.Recorder("x/", snap)
    rec.autodoc("dlnotes.nn.predict", "")
    assert rec.modules == {"dlnotes.nn"} and not rec.uncacheable
    rec.autodoc("dlnotes.figures", "options:\n  show_source: false\n")
    assert "dlnotes.figures.course1_week2" in rec.modules       # a package brings its submodules
    rec.autodoc("numpy.linalg", "")
    assert rec.uncacheable
    other = pagecache.Recorder("x/", snap)
    other.autodoc("dlnotes.nn", "handler: crystal\n")
    assert other.uncacheable


def test_recorder_hashes_snippet_files(tmp_path):
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    rec = pagecache.Recorder("x/", None)
    rec.snippet(f)
    assert rec.snippets == {str(f): pagecache.file_sha(f)}
    rec.snippet(tmp_path / "missing.py")
    assert rec.uncacheable


def test_no_markdown_exec_session_is_shared_by_two_pages():
    """A reused page does not run its examples, so a later page must not need its session."""
    owners: dict[str, set[str]] = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for session in re.findall(r'\bsession="([^"]+)"', page.read_text(encoding="utf-8")):
            owners.setdefault(session, set()).add(page.relative_to(ROOT).as_posix())
    assert owners, "no markdown-exec session found: the pattern is wrong"
    shared = {s: sorted(p) for s, p in owners.items() if len(p) > 1}
    assert not shared, f"markdown-exec sessions used by several pages: {shared}"


def test_no_page_example_changes_process_wide_numpy_state():
    """np.set_printoptions / np.seterr in one example would change how every later page prints
    (and make a reused page's output depend on build order): use the context managers."""
    offenders = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for i, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bnp\.(set_printoptions|seterr|set_string_function)\s*\(", line):
                offenders.append(f"{page.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not offenders, offenders


# --------------------------------------------------------------------------- integration


MKDOCS_YML = """\
site_name: fixture
site_url: https://example.org/fixture/
docs_dir: docs
strict: true
theme:
  name: material      # and so Material's search plugin
nav:
  - index.md
  - course2/week2.md
  - snippet.md
  - ref.md
markdown_extensions:
  - toc:
      permalink: true
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: !relative $config_dir
      check_paths: true
plugins:
  - search
  - markdown-exec
  - mkdocstrings:
      default_handler: python
      handlers:
        python:
          paths: [src]
          options:
            docstring_style: numpy
            show_root_heading: true
            heading_level: 2
hooks:
  - {root}/hooks/reload.py
  - {root}/hooks/pagecache.py
  - {root}/hooks/figures.py
"""

PAGES = {
    "index.md": (
        "# Executed\n\nSee [the plain page](course2/week2.md#bias-correction) and [ewa](ref.md).\n\n"
        '```python exec="on" session="fixture" result="text"\n'
        "from dlnotes.activations import sigmoid\nprint(float(sigmoid(0.0)))\n```\n"
    ),
    # the plain page is also where the ewa docstrings link to (written relative to docs/)
    "course2/week2.md": "# Week 2\n\n## Exponentially weighted averages\n\nProse about [`ewa`][dlnotes.ewa.ewa]"
                        " (an autorefs link to the reference page).\n\n## Bias correction\n\nMore.\n",
    # markdown-exec prefixes the ids of the HTML it converts with a counter run over the whole build
    "snippet.md": ('# Snippet\n\n```python\n--8<-- "snips/example.py:double"\n```\n\n'
                   '```python exec="on"\nprint("## Printed heading")\n```\n'),
    "ref.md": "# Reference\n\n::: dlnotes.ewa\n",
}


def _build(project, site, command):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(project / "mkdocs.yml"), site_dir=str(site))
    if command is not None:
        config.plugins.on_startup(command=command, dirty=False)
    config.site_url = "http://127.0.0.1:8000/fixture/"
    build(config, serve_url="http://127.0.0.1:8000/fixture/", dirty=False)
    return pagecache._CACHE["build"]


def _converted(state):
    return {uri for uri, _ in state["converted"]}


def _same_tree(a: Path, b: Path) -> list[str]:
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    return [f for f in files_a if not filecmp.cmp(a / f, b / f, shallow=False)]


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def project(tmp_path, package, monkeypatch):
    project = tmp_path
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(root=ROOT.as_posix()), encoding="utf-8")
    for name, text in PAGES.items():
        (project / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "docs" / name).write_text(text, encoding="utf-8")
    (project / "snips").mkdir()
    (project / "snips" / "example.py").write_text(
        "# --8<-- [start:double]\ndef double(x):\n    return 2 * x\n# --8<-- [end:double]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(project / "src"))       # the copy of dlnotes wins over the repository's
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")   # the home page carries the build date
    monkeypatch.delenv("DLNOTES_PAGECACHE", raising=False)
    for name in [n for n in sys.modules if n == "dlnotes" or n.startswith("dlnotes.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(sys, "dont_write_bytecode", sys.dont_write_bytecode)  # reload.py sets it under serve
    monkeypatch.delenv("DLNOTES_FIGURE_CACHE", raising=False)                 # reload.py sets it
    pagecache._CACHE["entries"].clear()   # shared with the hook MkDocs loads (sys.modules["_dlnotes_build_state"])
    pagecache._CACHE.pop("initial_state", None)
    yield project
    from mkdocs.config import load_config

    load_config(config_file=str(project / "mkdocs.yml")).plugins.on_startup(command="build", dirty=False)
    pagecache.remove_patches()
    pagecache._CACHE.pop("build", None)
    pagecache._CACHE.pop("initial_state", None)
    for name in [n for n in sys.modules if n == "dlnotes" or n.startswith("dlnotes.")]:
        del sys.modules[name]


def test_serve_rebuilds_convert_only_what_changed(project, caplog):
    caplog.set_level(logging.INFO)
    site = project / "site"
    state = _build(project, site, "serve")
    assert sys.modules["dlnotes"].__file__.startswith(str(project))     # the copy was imported
    assert _converted(state) == set(PAGES)
    assert state["refused"] == []

    state = _build(project, site, None)                                   # nothing changed
    assert _converted(state) == set()
    assert sorted(state["reused"]) == sorted(PAGES)
    assert state["search_reused"] == len(PAGES)                           # Material's search entries too

    _append(project / "docs" / "course2" / "week2.md", "\nOne more sentence.\n")
    assert _converted(_build(project, site, None)) == {"course2/week2.md"}

    _append(project / "snips" / "example.py", "# a comment after the section\n")
    assert _converted(_build(project, site, None)) == {"snippet.md"}

    _append(project / "src" / "dlnotes" / "activations.py", "\n# edited\n")
    assert _converted(_build(project, site, None)) == {"index.md"}

    _append(project / "src" / "dlnotes" / "ewa.py", "\n# edited\n")
    assert _converted(_build(project, site, None)) == {"ref.md"}

    _append(project / "src" / "dlnotes" / "_checks.py", "\n# edited\n")     # imported by both
    assert _converted(_build(project, site, None)) == {"index.md", "ref.md"}

    # an edit that changes the output is served (never a stale page)
    ewa = project / "src" / "dlnotes" / "ewa.py"
    ewa.write_text(ewa.read_text(encoding="utf-8").replace('"""', '"""PROBE-7319 ', 1), encoding="utf-8")
    assert _converted(_build(project, site, None)) == {"ref.md"}
    assert "PROBE-7319" in (site / "ref" / "index.html").read_text(encoding="utf-8")
    _append(project / "docs" / "course2" / "week2.md", "\nA second sentence, PROBE-4411.\n")
    _build(project, site, None)
    week2 = (site / "course2" / "week2" / "index.html").read_text(encoding="utf-8")
    assert "PROBE-4411" in week2
    assert 'href="../../ref/#dlnotes.ewa.ewa"' in week2      # the anchor registered by ref.md, replayed

    # one more example on the first page shifts the markdown-exec ids of the pages after it
    _append(project / "docs" / "index.md", '\n```python exec="on" result="text"\nprint(2 + 2)\n```\n')
    assert _converted(_build(project, site, None)) == {"index.md", "snippet.md"}
    assert 'id="exec-3--printed-heading"' in (site / "snippet" / "index.html").read_text(encoding="utf-8")

    # the last build reuses two pages; a full build of the same sources gives the same bytes
    _append(project / "docs" / "course2" / "week2.md", "\nLast edit.\n")
    _append(project / "snips" / "example.py", "# another comment\n")
    state = _build(project, site, None)
    assert _converted(state) == {"course2/week2.md", "snippet.md"}
    assert 'id="exec-3--printed-heading"' in (site / "snippet" / "index.html").read_text(encoding="utf-8")
    fresh = project / "fresh"
    state = _build(project, fresh, "build")
    assert _converted(state) == set() and state["reused"] == []           # `mkdocs build`: cache off
    assert _same_tree(site, fresh) == []


def test_a_page_that_logged_a_warning_is_converted_again(project):
    (project / "mkdocs.yml").write_text(
        MKDOCS_YML.format(root=ROOT.as_posix()).replace("strict: true", "strict: false"), encoding="utf-8")
    _append(project / "docs" / "course2" / "week2.md", "\n[broken](missing.md)\n")      # MkDocs warns about the link
    site = project / "site"
    state = _build(project, site, "serve")
    assert "course2/week2.md" in dict(state["refused"])
    state = _build(project, site, None)
    assert _converted(state) == {"course2/week2.md"}


def test_numpy_print_options_set_by_one_page_are_replayed_and_checked(project):
    """An example may change process-wide NumPy state that later pages print with: a reused
    page replays the state it leaves, and a page converted under other state is converted again."""
    text = MKDOCS_YML.format(root=ROOT.as_posix())
    nav = text[text.index("nav:"):text.index("markdown_extensions:")]
    (project / "mkdocs.yml").write_text(text.replace(nav, "nav:\n  - a.md\n  - b.md\n"), encoding="utf-8")
    for page in (project / "docs").rglob("*.md"):
        page.unlink()
    a = project / "docs" / "a.md"
    a.write_text('# A\n\n```python exec="on" result="text"\nimport numpy as np\n'
                 'np.set_printoptions(precision=3)\nprint(1)\n```\n', encoding="utf-8")
    (project / "docs" / "b.md").write_text(
        '# B\n\n```python exec="on" result="text"\nimport numpy as np\nprint(np.array([1 / 3]))\n```\n',
        encoding="utf-8")
    import numpy as np

    saved = np.get_printoptions()
    try:
        site = project / "site"
        _build(project, site, "serve")
        assert "[0.333]" in (site / "b" / "index.html").read_text(encoding="utf-8")
        assert np.get_printoptions()["precision"] == 3   # left by a.md's example ...
        state = _build(project, site, None)              # ... reset before the next build, as in a new process
        assert _converted(state) == set()                # a's state is replayed, so b may be reused
        assert np.get_printoptions()["precision"] == 3
        a.write_text(a.read_text(encoding="utf-8").replace("precision=3", "precision=5"), encoding="utf-8")
        state = _build(project, site, None)
        assert _converted(state) == {"a.md", "b.md"}
        assert "[0.33333]" in (site / "b" / "index.html").read_text(encoding="utf-8")
    finally:
        np.set_printoptions(**saved)
