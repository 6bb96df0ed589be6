"""Every public docstring links to the section of the page that explains it.

The links are Markdown links relative to ``docs/`` with an anchor,
``[text](course1/week2.md#the-sigmoid)``. The anchors are computed from the Markdown
source the way the site computes them (Python-Markdown's ``toc`` with the settings of
``mkdocs.yml``; see ``tools/doclinks.py``), so no build is needed. When a page renames or
moves a heading, or stops including a function's snippet, these tests say which docstring
link broke and what the page has instead. Fix with ``python tools/doclinks.py --check``.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

import dlnotes
from loadfile import load_file

ROOT = Path(__file__).resolve().parents[1]


doclinks = load_file("_dlnotes_doclinks", "tools/doclinks.py", register=True)  # it defines dataclasses

MODULES = sorted(dlnotes.API)
PUBLIC = [(m, n) for m in MODULES for n in dlnotes.API[m]]


def _public_callable(module: str, name: str):
    obj = getattr(importlib.import_module(f"dlnotes.{module}"), name)
    return obj if (inspect.isfunction(obj) or inspect.isclass(obj)) else None


CALLABLES = [(m, n) for m, n in PUBLIC if _public_callable(m, n) is not None]


def _describe(links) -> str:
    return ", ".join(f"{p}#{a}" if a else p for p, a in links) or "no links to docs/"


def _anchored(doc):
    return [(p, a) for p, a in doclinks.doc_links(doc) if a]


# --- the anchor computation itself -------------------------------------------------------------


def test_anchors_follow_python_markdown(tmp_path):
    """Duplicates get ``_1``, ``_2``; ``{#id}`` wins; math, code and HTML comments are handled;
    headings in code fences are not headings."""
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\n## Summary\n\nText.\n\n## Summary\n\n## Summary\n\n"
        "## The sigmoid $\\sigma(z)$ <!-- F02 -->\n\n## Custom {#my-id}\n\n"
        "### `numpy` and *m* examples\n\n```python\n# not a heading\n```\n\n"
        "Setext heading\n--------------\n\nA block.\n{: #block-id }\n\n"
        '!!! note "A note"\n    Text.\n\n    ## Inside a note\n\n        ## indented code, not a heading\n\n'
        '=== "Tab"\n\n    ### Summary\n\n## Last\n',
        encoding="utf-8",
    )
    parsed = doclinks.scan_page(page)
    doclinks.render_anchors(parsed.headings, parsed.extra_ids)
    expected = [
        "title", "summary", "summary_1", "summary_2", "the-sigmoid-sigmaz", "my-id",
        "numpy-and-m-examples", "setext-heading", "inside-a-note", "summary_3", "last",
    ]
    assert [h.anchor for h in parsed.headings] == expected
    assert doclinks.render_file_anchors(page) == expected  # what Python-Markdown gives the whole page
    assert "block-id" in parsed.anchors


@pytest.mark.parametrize("page", sorted(p.relative_to(doclinks.DOCS).as_posix() for p in doclinks.DOCS.rglob("*.md")))
def test_line_scan_matches_full_render(page):
    """The headings found line by line (which place each snippet include under a heading) are
    exactly the ones Python-Markdown finds when it renders the whole page."""
    scanned = [h.anchor for h in doclinks.load_page(page).headings]
    rendered = doclinks.rendered_anchors(page)
    assert scanned == rendered, (
        f"docs/{page}: headings found line by line {scanned} differ from the rendered page's {rendered}; "
        "tools/doclinks.py scan_page misses a Markdown construct used on this page"
    )


def test_a_wrong_anchor_is_reported():
    assert doclinks.check_link("course1/week2.md", "the-sigmoid") is None
    err = doclinks.check_link("course1/week2.md", "no-such-heading")
    assert err and "the-sigmoid" in err  # names what exists
    assert "does not exist" in doclinks.check_link("course1/no-such-page.md", None)


def test_reference_pages_keep_the_anchor():
    """hooks/griffe_doclinks.py prefixes the link for docs/reference/ and keeps ``#anchor``."""
    hook = load_file("_dlnotes_griffe_doclinks", "hooks/griffe_doclinks.py", register=True)
    text = "See [the sigmoid](course1/week2.md#the-sigmoid) and [x](course2/week1.md#l2-regularization-and-weight-decay)."
    assert hook.rewrite_links(text) == (
        "See [the sigmoid](../course1/week2.md#the-sigmoid) and "
        "[x](../course2/week1.md#l2-regularization-and-weight-decay)."
    )
    assert [(p, a) for p, a in doclinks.doc_links(text)] == [
        ("course1/week2.md", "the-sigmoid"), ("course2/week1.md", "l2-regularization-and-weight-decay")]


# --- the docstrings ----------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_module_docstring_links_a_section(module):
    doc = importlib.import_module(f"dlnotes.{module}").__doc__
    links = doclinks.doc_links(doc)
    assert _anchored(doc), (
        f"dlnotes.{module}: the module docstring needs a link to a section, [text](page.md#anchor); "
        f"it has {_describe(links)}"
    )


@pytest.mark.parametrize("module,name", CALLABLES, ids=[f"{m}.{n}" for m, n in CALLABLES])
def test_docstring_links_a_section(module, name):
    obj = _public_callable(module, name)
    links = doclinks.doc_links(obj.__doc__)
    assert _anchored(obj.__doc__), (
        f"dlnotes.{module}.{name}: the docstring needs a link to the section that explains it, "
        f"[text](page.md#anchor); it has {_describe(links)}"
    )


# names whose snippet section (or a finer section inside it) some page includes; the others
# are linked by hand to the most relevant section (`python tools/doclinks.py` lists them)
INCLUDED = [(m, n) for m, n in CALLABLES if doclinks.places(m, n, doclinks.all_pages())]


def test_pages_include_library_code():
    assert len(INCLUDED) >= 20, f"only {len(INCLUDED)} public names are included on a page: is the include syntax parsed?"


@pytest.mark.parametrize("module,name", INCLUDED, ids=[f"{m}.{n}" for m, n in INCLUDED])
def test_docstring_links_a_page_that_includes_it(module, name):
    """A page includes the name's snippet section: the docstring links to such a page."""
    places = doclinks.places(module, name, doclinks.all_pages())
    links = doclinks.doc_links(_public_callable(module, name).__doc__)
    including = sorted({p.link for p in places})
    assert {p for p, _ in links} & {p.page for p in places}, (
        f"dlnotes.{module}.{name}: links {_describe(links)}, but its snippet is included on {', '.join(including)}"
    )


def _defined_in(obj, mod) -> bool:
    """``obj`` is defined in ``mod`` or, for a package such as ``dlnotes.data``, in one of its modules."""
    return obj.__module__ == mod.__name__ or obj.__module__.startswith(mod.__name__ + ".")


def _docstrings_of(module: str):
    """The module's docstring, its public names' and their public methods' (as imported)."""
    mod = importlib.import_module(f"dlnotes.{module}")
    yield f"dlnotes.{module}", mod.__doc__
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)) or not _defined_in(obj, mod):
            continue
        yield f"dlnotes.{module}.{name}", obj.__doc__
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                doc = getattr(member, "__doc__", None) if callable(member) or isinstance(member, property) else None
                yield f"dlnotes.{module}.{name}.{attr}", doc


@pytest.mark.parametrize("module", MODULES + ["fast", "plots"])
def test_every_docs_link_resolves(module):
    """Every link into docs/ in the module's docstrings names an existing page and, if it has
    an anchor, a heading (or ``{#id}``) that exists on that page."""
    problems = []
    for qual, doc in _docstrings_of(module):
        for page, anchor in doclinks.doc_links(doc):
            err = doclinks.check_link(page, anchor)
            if err:
                problems.append(f"{qual}: [..]({page}{'#' + anchor if anchor else ''}): {err}")
    assert not problems, "broken docstring links:\n" + "\n".join(problems)
