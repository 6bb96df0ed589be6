"""Checks of the built HTML, search index and assets (no browser needed, but the built site is).

They live with the browser tests because they read the output of ``mkdocs build --strict``
(``conftest.SITE_DIR``) and run after it; see conftest.py.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from .conftest import SITE_DIR, site_pages, unavailable

ROLE_TEXT = re.compile(r":(?:func|mod|class|data|meth|attr|obj|exc):(?:`|&#96;|<code)")
TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\(?:frac|mathbb|alpha|beta|sigma|sum|partial|text)\b")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    paths = site_pages()
    if paths is None:
        unavailable(f"the site is not built ({SITE_DIR / 'sitemap.xml'} missing): run mkdocs build --strict")
    return {p: (SITE_DIR / p / "index.html").read_text(encoding="utf-8") for p in paths}


@pytest.fixture(scope="module")
def search_docs(pages) -> list[dict]:
    return json.loads((SITE_DIR / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def _visible(text: str) -> str:
    """The text of an HTML fragment, tags dropped and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _prose(text: str) -> str:
    """A search entry without its code (code may show TeX: a docstring, the page about the build)."""
    return re.sub(r"<(pre|code)\b.*?</\1>", " ", text, flags=re.S)


def test_no_sphinx_role_reaches_the_html(pages):
    """``:func:`x``` means nothing to mkdocstrings: the build turns roles into links (API reference)
    or into bare names (code boxes of the pages)."""
    found = {p: sorted(set(ROLE_TEXT.findall(h))) for p, h in pages.items() if ROLE_TEXT.search(h)}
    detail = {p: re.search(r".{0,80}" + ROLE_TEXT.pattern + r".{0,40}", pages[p], re.S).group(0)
              for p in list(found)[:3]}
    assert not found, f"Sphinx roles printed literally on {sorted(found)}: {detail}"


def test_roles_in_the_reference_are_links(pages):
    """The docstrings' cross-references lead to the object's entry, on its own or another page."""
    nn = pages["reference/nn/"]
    assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="#dlnotes\.nn\.model_forward"', nn)
    train = pages["reference/train/"]
    assert re.search(r'<a class="autorefs autorefs-internal"[^>]*href="\.\./[a-z]+/#dlnotes\.[a-z]+\.\w+"', train)
    assert "<autoref" not in "".join(pages.values())


def test_search_index_holds_readable_text(search_docs):
    """No raw TeX, no copy-button text, and every notebook cell once."""
    tex = [(d["location"], TEX.search(_prose(d["text"])).group(0)) for d in search_docs
           if TEX.search(_prose(d["text"]))]
    assert not tex, f"raw TeX in the search index: {tex[:5]}"
    copied = [d["location"] for d in search_docs if "Copied!" in d["text"]]
    assert not copied, f"'Copied!' in the search index: {copied[:5]}"
    assert any("α" in d["text"] for d in search_docs), "math is missing from the search index"


def test_search_index_has_each_lab_cell_once(search_docs):
    labs = sorted(SITE_DIR.glob("labs/*/*.ipynb"))
    assert labs, "no executed notebook in the built site"
    for nb_path in labs:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        page = f"labs/{nb_path.parent.name}/"
        text = " ".join(_visible(d["text"]) for d in search_docs if d["location"].split("#")[0] == page)
        text = " ".join(text.split())
        lines = [" ".join(line.split()) for cell in nb["cells"] if cell["cell_type"] == "code"
                 for line in "".join(cell["source"]).splitlines()]
        unique = [line for line in lines if len(line) > 25 and lines.count(line) == 1 and "$" not in line]
        assert unique, f"{page}: no code line to look for"
        twice = [line for line in unique if text.count(line) != 1]
        assert not twice, f"{page}: code lines indexed {[text.count(t) for t in twice[:3]]} times: {twice[:3]}"


def _assets(page_html: str) -> list[str]:
    return re.findall(r'<(?:script|link)\b[^>]*(?:src|href)="([^"]+\.(?:js|css))"', page_html)


def test_pages_load_only_assets_they_use(pages):
    """No markdown-exec Pyodide script or stylesheet; the notebook CSS only on lab pages, pruned."""
    for path, page_html in pages.items():
        assets = _assets(page_html)
        assert not [a for a in assets if "pyodide" in a], f"{path}: loads {assets}"
        is_lab = bool(re.match(r"labs/\d\d-", path))
        has_notebook_css = any(a.endswith("assets/labs/notebook.css") for a in assets)
        assert has_notebook_css == is_lab, f"{path}: notebook CSS {'missing' if is_lab else 'loaded'}"
        for asset in assets:
            if not asset.startswith(("http:", "https:", "//")):
                target = (SITE_DIR / path / asset).resolve()
                assert target.is_file(), f"{path}: {asset} is not in the site"
    assert not list(SITE_DIR.glob("assets/_markdown_exec_pyodide*"))
    notebook_css = (SITE_DIR / "assets" / "labs" / "notebook.css").read_text(encoding="utf-8")
    assert len(notebook_css.encode()) < 120_000, f"notebook CSS is {len(notebook_css.encode())} bytes"
    assert ".jp-OutputArea" in notebook_css and ".lm-DockPanel" not in notebook_css


def test_no_stylesheet_imports_from_other_hosts():
    for css in SITE_DIR.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        bad = re.search(r"@import\s+(?:url\()?\s*[\"']?(?:https?:)?//", text)
        assert not bad, f"{css.relative_to(SITE_DIR)}: {text[bad.start():bad.start() + 100]}"


def test_repository_link_without_api_requests(pages):
    """The header links to the repository; Material's api.github.com lookup is not wired."""
    home = pages[""]
    assert re.search(r'<a href="https://github\.com/dlnotes/dlnotes"[^>]*class="md-source"', home)
    assert 'data-md-component="source"' not in "".join(pages.values())
    labs = pages["labs/"]
    assert "git clone https://github.com/dlnotes/dlnotes.git" in _visible(labs)
    assert "pip install -e ." in _visible(labs)


def test_lab_css_path_exists():
    assert Path(SITE_DIR / "assets" / "labs" / "notebook.css").is_file()
