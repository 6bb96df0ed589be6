"""Snippet sections exist only where a page includes them.

A ``# --8<-- [start:NAME]`` ... ``[end:NAME]`` section in the package is there for a page to show
(``--8<-- "src/dlnotes/nn.py:NAME"``). A section no page includes is ceremony around the code:
these tests fail on such an orphan, on an include of a section that does not exist and on a
section that is opened and not closed (or closed and not opened).

The includes are read the way ``tools/doclinks.py`` reads them (one-line and block includes,
inside fences too); the labs (``docs/labs/*.py``) are scanned line by line.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from loadfile import load_file

ROOT = Path(__file__).resolve().parents[1]
doclinks = load_file("_dlnotes_doclinks", "tools/doclinks.py", register=True)

SOURCE_DIRS = ("src/dlnotes", "src/dlnotes_site", "benchmarks")
# No folder is exempt: the figure modules' sections are the "Code of this figure" boxes
# (tests/test_page_code.py checks them), and a helper no page shows has no section.
EXEMPT: tuple[str, ...] = ()
MARKER = re.compile(r"^\s*#\s*--8<--\s*\[(start|end):([^\]]+)\]\s*$")


def source_sections(root: Path = ROOT) -> tuple[Counter, list[str]]:
    """``Counter((file, name))`` of the started sections, and the unbalanced markers."""
    started, problems = Counter(), []
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            open_: list[str] = []
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                m = MARKER.match(line)
                if not m:
                    continue
                kind, name = m.groups()
                if kind == "start":
                    started[(rel, name)] += 1
                    open_.append(name)
                elif name in open_:
                    open_.remove(name)
                else:
                    problems.append(f"{rel}:{number}: [end:{name}] without a start")
            problems += [f"{rel}: [start:{name}] is never closed" for name in open_]
    return started, problems


def page_includes(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """``(file, section) -> [pages]`` of every section include in ``docs/`` (pages and labs)."""
    found: dict[tuple[str, str], list[str]] = {}
    docs = root / "docs"
    for path in sorted(docs.rglob("*.md")):
        for inc in doclinks.scan_page(path).includes:
            if inc.section:
                found.setdefault((inc.file, inc.section), []).append(path.relative_to(root).as_posix())
    for path in sorted((docs / "labs").glob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = doclinks.SNIPPET_LINE.match(line.lstrip("# "))
            inc = doclinks._parse_target(m.group("target")) if m else None
            if inc and inc.section:
                found.setdefault((inc.file, inc.section), []).append(path.relative_to(root).as_posix())
    return found


def orphans(root: Path = ROOT) -> list[str]:
    started, _ = source_sections(root)
    included = page_includes(root)
    return sorted(f"{file}:{name}" for file, name in started
                  if (file, name) not in included and not (EXEMPT and file.startswith(EXEMPT)))


def test_the_scan_finds_sections_and_includes():
    started, _ = source_sections()
    included = page_includes()
    assert len(started) >= 50 and len(included) >= 50, (len(started), len(included))
    assert ("src/dlnotes/activations.py", "sigmoid") in started
    assert "docs/course1/week2.md" in included[("src/dlnotes/activations.py", "sigmoid")]


def test_no_section_is_orphaned():
    """Every section in the package is included by some page."""
    lonely = orphans()
    assert not lonely, ("snippet sections no page includes (remove the markers, or include them):\n  "
                        + "\n  ".join(lonely))


def test_every_include_names_an_existing_section():
    started, _ = source_sections()
    missing = sorted(f"{file}:{name} (on {', '.join(pages)})" for (file, name), pages in page_includes().items()
                     if file.endswith(".py") and file.startswith(("src/", "benchmarks/"))
                     and (file, name) not in started)
    assert not missing, "includes of sections that do not exist:\n  " + "\n  ".join(missing)


def test_sections_are_balanced_and_unique():
    started, problems = source_sections()
    problems += [f"{file}: [start:{name}] appears {n} times" for (file, name), n in started.items() if n > 1]
    assert not problems, "\n".join(problems)


def test_an_orphan_is_reported(tmp_path):
    """The check can fail: a section no page includes, in a copy of a module, is named."""
    (tmp_path / "src" / "dlnotes").mkdir(parents=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "src" / "dlnotes" / "m.py").write_text(
        "# --8<-- [start:shown]\ndef shown():\n    pass\n# --8<-- [end:shown]\n\n"
        "# --8<-- [start:hidden]\ndef hidden():\n    pass\n# --8<-- [end:hidden]\n", encoding="utf-8")
    (tmp_path / "docs" / "page.md").write_text(
        '# Page\n\n```python\n--8<-- "src/dlnotes/m.py:shown"\n```\n', encoding="utf-8")
    assert orphans(tmp_path) == ["src/dlnotes/m.py:hidden"]
