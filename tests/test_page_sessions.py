"""Rules for the pages' executed examples that no single page's test can see.

Each page's examples must run on their own: ``tests/test_page_code.py`` runs a page's blocks in
a fresh Python, and ``mkdocs serve --dirty`` converts only the edited page. So a markdown-exec
session belongs to one page, and no example changes NumPy's process-wide state (later pages
would print differently, and how a page prints would depend on build order).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_markdown_exec_session_is_shared_by_two_pages():
    """A page rebuilt alone does not run the other pages' examples, so it must not need their session."""
    owners: dict[str, set[str]] = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for session in re.findall(r'\bsession="([^"]+)"', page.read_text(encoding="utf-8")):
            owners.setdefault(session, set()).add(page.relative_to(ROOT).as_posix())
    assert owners, "no markdown-exec session found: the pattern is wrong"
    shared = {s: sorted(p) for s, p in owners.items() if len(p) > 1}
    assert not shared, f"markdown-exec sessions used by several pages: {shared}"


def test_no_page_example_changes_process_wide_numpy_state():
    """np.set_printoptions / np.seterr in one example would change how every later page prints
    (and make a page's output depend on build order): use the context managers."""
    offenders = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for i, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bnp\.(set_printoptions|seterr|set_string_function)\s*\(", line):
                offenders.append(f"{page.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not offenders, offenders
