"""The code behind every result is on its page, and runs as shown.

* Every executed block (``exec="on"`` without ``html="on"``) shows its source next to its output
  (markdown-exec's ``source=`` option) and hides no line of it.
* Every figure block has a visible caption and, right under it, a collapsed "Code of this figure"
  box that includes the figure function from ``src/dlnotes/figures/<module>.py`` (a snippet
  section named after the function, never pasted code).
* **The blocks run as shown**: a page's executed blocks, run in order (one namespace per
  markdown-exec session) by a fresh Python, print what the build printed. The reference is the
  built site when ``DLNOTES_SITE_DIR`` names one (the outputs shown on the page), else a run of
  the same blocks by markdown-exec's own runner, in this process, as the build runs them.
* With ``DLNOTES_SITE_DIR`` set (after ``mkdocs build --strict``), the built pages contain the
  code of every executed block and of every figure function they draw.
"""

from __future__ import annotations

import ast
import html
import importlib
import json
import os
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from tests.loadfile import load_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FIGURES = ROOT / "src" / "dlnotes" / "figures"

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,})(?P<lang>[\w-]*)(?P<info>.*)$")
OPTION = re.compile(r'(\w+)="([^"]*)"')
SHOWN = {"above", "below", "block", "tabbed-left", "tabbed-right"}


# ------------------------------------------------------------------------------- parsing pages


def fenced_blocks(text):
    """Every fenced block of a Markdown text: dicts with line, indent, lang, options, code, end."""
    lines = text.split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m["indent"], m["fence"]
        j = i + 1
        while j < len(lines) and not re.fullmatch(re.escape(indent) + re.escape(fence) + r"`*\s*", lines[j]):
            j += 1
        body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1:j]]
        blocks.append({"line": i + 1, "indent": indent, "lang": m["lang"], "options": dict(OPTION.findall(m["info"])),
                       "code": "\n".join(body), "end": j + 1})
        i = j + 1
    return blocks


def executed_blocks(path):
    return [b for b in fenced_blocks(path.read_text(encoding="utf-8"))
            if b["lang"] == "python" and b["options"].get("exec") == "on"]


def text_blocks(path):
    """The executed blocks whose output is text (not a figure)."""
    return [b for b in executed_blocks(path) if b["options"].get("html") != "on"]


def figure_blocks(path):
    return [b for b in executed_blocks(path) if b["options"].get("html") == "on"]


def render_call(code):
    """The ``render(...)`` call of a figure block, as an :class:`ast.Call`."""
    calls = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "render"]
    assert len(calls) == 1, code
    return calls[0]


PAGES = sorted(p for p in DOCS.rglob("*.md") if executed_blocks(p))
TEXT_PAGES = [p for p in PAGES if text_blocks(p)]
FIGURE_PAGES = [p for p in PAGES if figure_blocks(p)]


def page_id(path):
    return path.relative_to(DOCS).as_posix()


# --------------------------------------------------------------------------- what pages show


def test_the_pages_have_executed_blocks_and_figures():
    assert sum(len(text_blocks(p)) for p in PAGES) >= 60
    assert sum(len(figure_blocks(p)) for p in PAGES) >= 35


@pytest.mark.parametrize("page", TEXT_PAGES, ids=page_id)
def test_every_executed_block_shows_its_source(page):
    for block in text_blocks(page):
        where = f"{page_id(page)}:{block['line']}"
        assert block["options"].get("source") in SHOWN, (
            f'{where}: expected source="block" (or another of {sorted(SHOWN)}) so that the page shows the code '
            f"of this block, got options {block['options']}")
        assert "markdown-exec: hide" not in block["code"], f"{where}: a hidden line is run but not shown"


@pytest.mark.parametrize("page", FIGURE_PAGES, ids=page_id)
def test_every_figure_has_a_caption_and_its_code(page):
    lines = page.read_text(encoding="utf-8").split("\n")
    for block in figure_blocks(page):
        where = f"{page_id(page)}:{block['line']}"
        call = render_call(block["code"])
        name = call.args[0].value
        caption = {k.arg: k.value for k in call.keywords}.get("caption")
        assert isinstance(caption, ast.Constant) and isinstance(caption.value, str) and caption.value.strip(), (
            f"{where}: expected render({name!r}, ..., caption='what to look at'), got no caption")
        module, func = name.split(".")
        following = [line for line in lines[block["end"]:block["end"] + 6] if line.strip()]
        expected = [f'{block["indent"]}??? example "Code of this figure: `{func}` in `dlnotes.figures.{module}`"',
                    f"{block['indent']}    ```python",
                    f'{block["indent"]}    --8<-- "src/dlnotes/figures/{module}.py:{func}"',
                    f"{block['indent']}    ```"]
        assert following[:4] == expected, f"{where}: expected the figure's code box right under it, got {following[:4]}"


def section(path, name):
    """The lines of snippet section ``name`` of ``path`` (between its markers), or None."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start, end = f"# --8<-- [start:{name}]", f"# --8<-- [end:{name}]"
    if lines.count(start) != 1 or lines.count(end) != 1:
        return None
    return lines[lines.index(start) + 1:lines.index(end)]


FIGURE_MODULES = sorted(p.stem for p in FIGURES.glob("course*.py"))


def figure_functions(module):
    """The module's ``FIGURES`` (if it lists them) and every function of it a page renders."""
    mod = importlib.import_module(f"dlnotes.figures.{module}")
    rendered = {render_call(b["code"]).args[0].value.split(".")[1] for page in FIGURE_PAGES
                for b in figure_blocks(page) if render_call(b["code"]).args[0].value.split(".")[0] == module}
    return sorted(set(getattr(mod, "FIGURES", ())) | rendered)


@pytest.mark.parametrize("module", FIGURE_MODULES)
def test_every_figure_function_is_a_snippet_section(module):
    """Each figure function is exactly one section: its decorators, signature and body."""
    path = FIGURES / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    defs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    lines = path.read_text(encoding="utf-8").split("\n")
    names = figure_functions(module)
    assert names
    for name in names:
        body = section(path, name)
        assert body is not None, f"{path.name}: expected one section [start:{name}] ... [end:{name}]"
        node = defs[name]
        first = min([node.lineno] + [d.lineno for d in node.decorator_list])
        assert body == lines[first - 1:node.end_lineno], f"{path.name}: section {name} is not the whole function"


def test_render_links_the_figure_for_a_tap_to_enlarge(monkeypatch, tmp_path):
    from dlnotes_site.figures import render

    monkeypatch.setenv("DLNOTES_CACHE_FIGURES", str(tmp_path))
    out = render("course1_week1.performance_vs_data", alt="a figure", caption="Look at the right end.")
    m = re.search(r'<a class="dlnotes-figure-zoom" href="(/__dlnotes_figures__/[0-9a-f]{24}\.svg)"[^>]*><img src="\1"', out)
    assert m, out
    assert "<figcaption>Look at the right end.</figcaption>" in out
    with pytest.raises(ValueError, match=r"caption: expected a non-empty text"):
        render("course1_week1.performance_vs_data", alt="a figure", caption="  ")
    with pytest.raises(TypeError, match=r"caption: expected a str or None, got int"):
        render("course1_week1.performance_vs_data", alt="a figure", caption=3)


# -------------------------------------------------------------------------- run them as shown

RUNNER = r'''
import contextlib, io, json, sys
blocks = json.load(sys.stdin)
sessions = {}
outputs = []
for i, (session, code) in enumerate(blocks):
    namespace = sessions.setdefault(session, {"__name__": "__main__"}) if session else {"__name__": "__main__"}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(code, f"<block {i}>", "exec"), namespace)
    outputs.append(buffer.getvalue())
sys.__stdout__.write(json.dumps(outputs))
'''


def run_fresh(blocks):
    """Outputs of ``[(session, code), ...]`` run in order by a new Python, as a reader would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DLNOTES_SITE"))}
    proc = subprocess.run([sys.executable, "-c", RUNNER], input=json.dumps(blocks), capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def run_like_the_build(blocks, tag):
    """Outputs of the same blocks through markdown-exec's runner in this process (what the build calls)."""
    from markdown_exec._internal.formatters import python as mx

    outputs = []
    names = set()
    try:
        with warnings.catch_warnings():
            warnings.resetwarnings()           # the build runs without the test suite's "error" filter
            for session, code in blocks:
                name = f"test_page_code {tag} {session}" if session else None
                names.add(name)
                outputs.append(mx._run_python(code, session=name))
    finally:
        for name in names:
            mx._sessions_globals.pop(name, None)
    return outputs


def code_texts(page_html):
    """The text of every ``<pre>`` of a built page, in order."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m)) for m in re.findall(r"<pre[^>]*>(.*?)</pre>", page_html, re.S)]


def shown_outputs(page_html):
    """The text of the output box (``div.result``) of every executed block of a built page, in order."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m))
            for m in re.findall(r'<div class="result">\s*(.*?</pre>)', page_html, re.S)]


def site_dir():
    env = os.environ.get("DLNOTES_SITE_DIR")
    if not env or not (Path(env) / "sitemap.xml").is_file():
        return None
    return Path(env)


def built_page(site, page):
    """The HTML of the page built from ``docs/<page>`` (``a/b.md`` -> ``a/b/index.html``)."""
    rel = page.relative_to(DOCS).with_suffix("")
    folder = rel.parent if rel.name == "index" else rel
    return (site / folder / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", TEXT_PAGES, ids=page_id)
def test_page_blocks_run_as_shown(page):
    blocks = [(b["options"].get("session"), b["code"]) for b in text_blocks(page)]
    fresh = run_fresh(blocks)
    site = site_dir()
    if site is not None:
        shown = shown_outputs(built_page(site, page))
        assert len(shown) == len(blocks), f"{page_id(page)}: {len(shown)} output boxes for {len(blocks)} blocks"
        # Pygments drops the newlines around a code block's text, so compare without them.
        reference = [s.strip("\n") for s in shown]
        fresh = [f.strip("\n") for f in fresh]
    else:
        reference = run_like_the_build(blocks, page_id(page))
    for (block, got, expected) in zip(text_blocks(page), fresh, reference):
        assert got == expected, (f"{page_id(page)}:{block['line']}: a fresh Python prints\n{got}\n"
                                 f"where the build printed\n{expected}")


def test_the_run_check_sees_what_a_reader_would_get_differently():
    """The two runs differ where a reader's Python and the build differ: the check can fail."""
    blocks = [("s", "import sys\nsys.stdout.write('written, not printed\\n')\nprint('printed')"),
              ("s", "print(sys.argv[0] == '-c')")]
    fresh, build = run_fresh(blocks), run_like_the_build(blocks, "self-test")
    assert fresh == ["written, not printed\nprinted\n", "True\n"]
    assert build[0] == "printed\n" and fresh != build     # the build captures print() only


# ------------------------------------------------------------------------------ the built site

_docstrings = None


def shown_section(module, func):
    """The figure function as its page shows it: the section, docstring shortened by the site's hook."""
    global _docstrings
    if _docstrings is None:
        _docstrings = load_file("_h11b_docstrings_hook", "hooks/docstrings.py")
    lines = section(FIGURES / f"{module}.py", func)
    return textwrap.dedent("\n".join(_docstrings.shorten_docstrings(lines))).strip("\n")


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_built_page_shows_the_code_of_its_results(page):
    site = site_dir()
    if site is None:
        pytest.skip("set DLNOTES_SITE_DIR to a site built with mkdocs build --strict")
    texts = [t.strip("\n") for t in code_texts(built_page(site, page))]
    for block in text_blocks(page):
        assert block["code"].strip() in texts, f"{page_id(page)}:{block['line']}: the block's code is not on the page"
    for block in figure_blocks(page):
        module, func = render_call(block["code"]).args[0].value.split(".")
        assert shown_section(module, func) in texts, (
            f"{page_id(page)}:{block['line']}: the code of {module}.{func} is not on the page")
