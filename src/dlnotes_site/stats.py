"""What the site is made of, counted from its files: the numbers ``docs/about.md`` prints.

The page [how this site is built](about.md) runs these functions at build time, so its
counts (pages, included code, executed examples, figures, doctests, tests) and its account of
what an edit to one module makes the build redo are computed, never typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from dlnotes_site import deps as _deps

__all__ = ["project_root", "site_statistics", "edit_impact"]

_INCLUDE = re.compile(r'^\s*--8<-- "(src/[^"]+)"', re.M)        # a snippet of the package
_EXEC = re.compile(r'^\s*```python[^\n]*exec="on"', re.M)        # an example run by the build
_RENDER = re.compile(r'render\(\s*"(\w+)\.(\w+)"')                 # a figure, by module.function
_PYCON = re.compile(r"```pycon\n(.*?)```", re.S)
_PROMPT = re.compile(r"^\s*>>> ", re.M)
_TEST = re.compile(r"^\s*def test_", re.M)


def project_root() -> Path:
    """The checkout that holds the package (``<root>/src/dlnotes``)."""
    return _deps.package_dir().parents[1]


def _pages_text(root: Path, *, skip=()) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted((root / "docs").rglob("*.md"))
                     if p.name not in skip)


# --8<-- [start:site_statistics]
def site_statistics(root=None) -> dict[str, int]:
    """Counts of what the pages (``about.md`` excluded), the package and the tests contain.

    Examples
    --------
    >>> stats = site_statistics()
    >>> stats["pages"] > 10 and stats["distinct sections"] <= stats["included blocks"]
    True
    """
    root = Path(root) if root is not None else project_root()
    pages = _pages_text(root, skip=("about.md",))
    includes = _INCLUDE.findall(pages)
    package = [p.read_text(encoding="utf-8") for p in _deps.module_files(root / "src" / "dlnotes").values()]
    tests = [p.read_text(encoding="utf-8") for p in sorted((root / "tests").rglob("test_*.py"))]
    return {
        "pages": len(list((root / "docs").rglob("*.md"))),
        "included blocks": len(includes),
        "distinct sections": len(set(includes)),
        "executed blocks": len(_EXEC.findall(pages)),
        "figures": len(_RENDER.findall(pages)),
        "doctest lines on pages": sum(len(_PROMPT.findall(block)) for block in _PYCON.findall(pages)),
        "package files": len(package),
        "package lines": sum(len(text.splitlines()) for text in package),
        "doctest lines in package": sum(len(_PROMPT.findall(text)) for text in package),
        "test functions": sum(len(_TEST.findall(text)) for text in tests),
    }
# --8<-- [end:site_statistics]


# --8<-- [start:edit_impact]
def edit_impact(edited, root=None) -> dict[str, list[str] | int]:
    """What an edit to the module ``edited`` makes the build redo (see ``about.md#caches``).

    A figure module, and a lab, is redone when ``edited`` is in its dependency closure
    (:func:`dlnotes_site.deps.dependents`, :func:`dlnotes_site.deps.source_closure`).

    Returns
    -------
    dict
        ``figure_modules`` redone and ``all_figure_modules``; ``figures`` (distinct figures the
        pages render from the redone modules) and ``all_figures``; ``labs`` and ``all_labs``.

    Examples
    --------
    >>> impact = edit_impact("dlnotes.batchnorm")
    >>> "dlnotes.figures.course1_week2" in impact["figure_modules"], "dlnotes.figures.course2_week3" in impact["figure_modules"]
    (False, True)
    """
    root = Path(root) if root is not None else project_root()
    package = root / "src" / "dlnotes"
    redone = set(_deps.dependents(edited, package))
    rendered: dict[str, set[str]] = {}
    for module, function in _RENDER.findall(_pages_text(root)):
        rendered.setdefault(f"dlnotes.figures.{module}", set()).add(function)
    figure_modules = sorted(m for m in _deps.module_files(package) if m.startswith("dlnotes.figures.course"))
    labs = {p.stem: _deps.source_closure(p.read_text(encoding="utf-8"), package)
            for p in sorted((root / "docs" / "labs").glob("[0-9][0-9]-*.py"))}
    return {
        "figure_modules": [m for m in figure_modules if m in redone],
        "all_figure_modules": figure_modules,
        "figures": sum(len(rendered.get(m, ())) for m in redone),
        "all_figures": sum(len(names) for names in rendered.values()),
        "labs": [name for name, closure in labs.items() if edited in closure],
        "all_labs": list(labs),
    }
# --8<-- [end:edit_impact]
