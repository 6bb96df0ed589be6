"""The build's clean-ups of what reaches the reader: Sphinx roles, search text, unused CSS.

Unit tests of the hook functions; ``tests/browser/test_built_html.py`` checks the built site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loadfile import load_file

ROOT = Path(__file__).resolve().parents[1]

doclinks = load_file("_dlnotes_griffe_doclinks_t", "hooks/griffe_doclinks.py")
docstrings = load_file("_dlnotes_docstrings_hook_t", "hooks/docstrings.py")
searchtext = load_file("_dlnotes_searchtext_hook_t", "hooks/searchtext.py")
from dlnotes_site import labs  # noqa: E402

ROLE_TEXT = re.compile(r":(?:func|mod|class|data|meth|attr|obj|exc):`")


# --- Sphinx roles in the API reference ----------------------------------------------------------


@pytest.fixture(scope="module")
def package():
    """The dlnotes package as mkdocstrings loads it, with the site's griffe extension."""
    import griffe

    extensions = griffe.load_extensions(str(ROOT / "hooks" / "griffe_doclinks.py"))
    return griffe.load("dlnotes", search_paths=[str(ROOT / "src")], extensions=extensions,
                       docstring_parser="numpy")


def _walk(obj):
    stack = [obj]
    while stack:
        o = stack.pop()
        if o.is_alias:
            continue
        stack.extend(o.members.values())
        yield o


def test_no_sphinx_role_left_in_any_docstring(package):
    """Every role of every docstring is turned into an autorefs cross-reference at load time."""
    left = [f"{o.path}: {m.group(0)}" for o in _walk(package) if o.docstring
            for m in ROLE_TEXT.finditer(o.docstring.value)]
    assert not left, left[:10]


def test_roles_resolve_to_documented_objects(package):
    """Relative names resolve like Sphinx (own module first); ``~`` shows the last component."""
    nn = package["nn"]
    texts = {o.path: o.docstring.value for o in _walk(package) if o.docstring}
    refs = re.compile(r'<autoref identifier="([^"]+)" optional><code>([^<]*)</code></autoref>')
    found = {ident for text in texts.values() for ident, _ in refs.findall(text)}
    # names written unqualified in dlnotes.nn and elsewhere, and qualified ones
    assert "dlnotes.nn.model_forward" in found
    assert "dlnotes.train.fit" in found
    assert nn.members  # the package really loaded
    unresolved_internal = sorted(i for i in found if not i.startswith("dlnotes") and "." not in i)
    assert not unresolved_internal, f"roles that name nothing in the package: {unresolved_internal}"


def test_resolve_role_prefers_the_nearest_scope():
    paths = {"p": "p", "p.a": "p.a", "p.a.f": "p.a.f", "p.b": "p.b", "p.b.f": "p.b.f"}
    assert doclinks.resolve_role("f", "p.a", paths) == "p.a.f"
    assert doclinks.resolve_role("f", "p.b", paths) == "p.b.f"
    assert doclinks.resolve_role("f", "p", paths) is None  # ambiguous from the package root
    text = doclinks.roles_to_autorefs(":meth:`~p.a.f` and :mod:`p.b`", "p", paths)
    assert text == ('<autoref identifier="p.a.f" optional><code>f()</code></autoref> and '
                    '<autoref identifier="p.b" optional><code>p.b</code></autoref>')


def test_page_code_boxes_show_roles_as_names():
    lines = ['def f(x):', '    """Uses :func:`model_forward` and :class:`~dlnotes.train.TrainResult`.', '',
             '    More.', '    """', '    return x']
    out = docstrings.shorten_docstrings(lines)
    assert out[1] == '    """Uses model_forward() and TrainResult. (Full docstring: API reference.)"""'
    one_line = ['def g():', '    """:func:`propagate` without validation, see :mod:`dlnotes.schedules`."""', '    pass']
    assert docstrings.shorten_docstrings(one_line)[1] == \
        '    """propagate() without validation, see dlnotes.schedules."""'


# --- search index ------------------------------------------------------------------------------


@pytest.mark.parametrize("tex, text", [
    (r"x \in \mathbb{R}^{n_x}", "x ∈ ℝ^n_x"),
    (r"W^{[l]} \leftarrow W^{[l]} - \alpha \, dW^{[l]}", "W^[l] ← W^[l] - α dW^[l]"),
    (r"\frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(\hat{y}^{(i)}, y^{(i)})", "1/m ∑_i=1^m L(y^(i), y^(i))"),
    (r"\text{decay\_rate}", "decay_rate"),
    (r"\sqrt{v_{dW}} + \varepsilon", "√v_dW + ε"),
])
def test_tex_to_text(tex, text):
    assert searchtext.tex_to_text(tex) == text


def test_search_text_drops_tex_and_notebook_copy_buffers():
    page = ('<p>The cost <span class="arithmatex">\\(J = \\frac{1}{m}\\)</span>.</p>'
            '<div class="arithmatex">\\[\\sigma(z) = \\frac{1}{1 + e^{-z}}\\]</div>'
            '<div class="zeroclipboard-container"><clipboard-copy for="cell-1"><div>'
            '<span class="notice" hidden="">Copied!</span><svg></svg></div></clipboard-copy></div>'
            '<pre>x = 1\n</pre><div class="clipboard-copy-txt" id="cell-1">x = 1</div>')
    out = searchtext.search_text(page)
    assert "\\(" not in out and "\\[" not in out and "frac" not in out
    assert "J = 1/m" in out and "σ(z) = 1/(1 + e^-z)" in out
    assert "Copied!" not in out and "clipboard" not in out
    assert out.count("x = 1") == 1


def test_search_hook_restores_the_page_html():
    """The search plugin (priority 0) sees the cleaned text; the page keeps its own HTML."""
    class Page:
        content = '<p><span class="arithmatex">\\(\\alpha\\)</span></p>'

    page = Page()
    original = page.content
    seen = []
    events = sorted(searchtext.on_page_context.methods, key=lambda f: -f.mkdocs_priority)
    events.insert(1, lambda context, page, **kw: seen.append(page.content) or context)
    for event in events:
        event({}, page=page, config=None, nav=None)
    assert seen == ["<p>α</p>"]
    assert page.content == original


# --- notebook CSS ------------------------------------------------------------------------------


def test_prune_css_keeps_only_rules_the_html_uses():
    css = """
    /* a comment { with braces } */
    :root { --a: 1; }
    .jupyter-wrapper { --jp-x: 2; }
    .jupyter-wrapper :root { --jp-icon: url(data:image/svg+xml;base64,AAAA); }
    .jupyter-wrapper .jp-OutputArea pre, .jupyter-wrapper .lm-Menu { color: red; }
    .jupyter-wrapper .lm-DockPanel { display: flex; }
    @media (max-width: 760px) { .jupyter-wrapper .jp-OutputArea { margin: 0; } .lm-TabBar { x: 1; } }
    @media print { .lm-TabBar { x: 1; } }
    .jupyter-wrapper a[href*="}"] { color: blue; }
    @keyframes spin { from { transform: rotate(0); } to { transform: rotate(1turn); } }
    """
    html = '<div class="jupyter-wrapper"><div class="jp-OutputArea"><pre>1</pre></div></div>'
    classes, ids = labs.html_names(html)
    out = labs.prune_css(css, classes, ids)
    assert "--a: 1" in out and "--jp-x: 2" in out
    assert "--jp-icon" not in out                     # `.x :root` never matches
    assert ".jupyter-wrapper .jp-OutputArea pre{color: red;}" in out
    assert "lm-" not in out and "@media print" not in out
    assert "@media (max-width: 760px){.jupyter-wrapper .jp-OutputArea{margin: 0;}}" in out
    assert 'a[href*="}"]{color: blue;}' in out      # braces inside strings are not blocks
    assert "@keyframes spin" in out
