"""Where is each public name of dlnotes explained?  (docstring links -> page sections)

For every public name in ``dlnotes.API`` this finds the pages under ``docs/`` that
include its snippet section (``--8<-- "src/dlnotes/<module>.py:<name>"``) and the
heading the include sits under (the nearest heading above it), with that heading's
anchor computed exactly as the built site computes it: the page's headings are
rendered by Python-Markdown with the ``markdown_extensions`` of ``mkdocs.yml``
(``toc`` slugify, ``attr_list`` ``{#id}``, duplicates ``_1``, ``_2``, inline markup
such as math or code in a heading).  It also checks the docstring links that point
into ``docs/`` (``[text](course1/week2.md#anchor)``): the page must exist and the
anchor must be one of the page's heading ids.

An include of a finer section nested inside a name's section (``model_forward-layer``
inside ``model_forward``) counts as a *partial* include of that name; a page that
includes the whole section is preferred.

Usage::

    python tools/doclinks.py            # table: name -> page#anchor (direct, then partial)
    python tools/doclinks.py --check    # also check every docstring link; exit 1 on problems
    python tools/doclinks.py --json     # machine-readable map

``tests/test_doclinks.py`` imports this module; it needs no build.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.util
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "dlnotes"

# ---------------------------------------------------------------------------------------------
# mkdocs.yml: the Markdown settings the site renders with
# ---------------------------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """SafeLoader that tolerates MkDocs' custom tags (``!relative``, ``!ENV``, ``!!python/name``)."""


def _relative(loader, node):
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
    value = (value or "").replace("$config_dir", str(ROOT)).replace("$docs_dir", str(DOCS))
    return value or str(ROOT)


def _other_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_Loader.add_constructor("!relative", _relative)
_Loader.add_multi_constructor("!", _other_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _other_tag)


@functools.lru_cache(maxsize=None)
def markdown_settings() -> tuple[list[str], dict]:
    """``(extensions, extension_configs)`` from ``mkdocs.yml`` (as MkDocs passes them)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)
    extensions, configs = [], {}
    for item in config.get("markdown_extensions") or []:
        if isinstance(item, dict):
            (name, options), = item.items()
            extensions.append(name)
            configs[name] = options or {}
        else:
            extensions.append(item)
    if "toc" not in extensions:  # MkDocs always adds toc (and tables, fenced_code)
        extensions.append("toc")
    return extensions, configs


def _markdown(exec_fences: bool = False) -> markdown.Markdown:
    extensions, configs = markdown_settings()
    if exec_fences:
        # What the markdown-exec plugin adds: fences such as ```python exec="on" ...``` are custom
        # superfences. Here they are shown as code, not run (only the page's headings matter).
        import html

        from markdown_exec import formatters, validator

        def show(src, language, class_name, options, md, **kwargs):
            return f"<pre><code>{html.escape(src)}</code></pre>"

        configs = dict(configs)
        superfences = dict(configs.get("pymdownx.superfences") or {})
        superfences["custom_fences"] = list(superfences.get("custom_fences", [])) + [
            {"name": lang, "class": lang, "validator": validator, "format": show} for lang in formatters
        ]
        configs["pymdownx.superfences"] = superfences
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


# ---------------------------------------------------------------------------------------------
# Pages: headings (with their anchors) and snippet includes, by line
# ---------------------------------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
# an explicit id on a non-heading block: {#id} or {: #id .class}
ATTR_ID = re.compile(r"\{:?[^}]*?#([\w-]+)[^}]*\}\s*$")
# "--8<-- "file"" (an escaped ";--8<--" is not an include)
SNIPPET_LINE = re.compile(r'^(?P<indent>\s*)--8<--[ \t]+(?P<q>["\'])(?P<target>[^"\']+)(?P=q)[ \t]*$')
SNIPPET_BLOCK = re.compile(r"^\s*--8<--[ \t]*$")
CONTAINER = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?|===)[ \t]")


@dataclass
class Heading:
    line: int  # 1-based line in the page source
    level: int
    text: str  # the source text of the heading
    anchor: str = ""  # filled in by render


@dataclass
class Include:
    line: int
    file: str  # as written, relative to the mkdocs.yml directory
    section: str | None  # None: whole file or line range


@dataclass
class Page:
    path: Path
    headings: list[Heading] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    extra_ids: list[str] = field(default_factory=list)  # {#id} on blocks that are not headings

    @property
    def rel(self) -> str:
        return self.path.relative_to(DOCS).as_posix()

    @property
    def anchors(self) -> set[str]:
        return {h.anchor for h in self.headings} | set(self.extra_ids)

    def heading_above(self, line: int) -> Heading | None:
        above = [h for h in self.headings if h.line < line]
        return above[-1] if above else None


def _parse_target(target: str) -> Include | None:
    target = target.strip()
    if not target or target.startswith(";"):
        return None
    # "file.py:section" ; "file.py:10:20" (line ranges) has no section
    path, sep, rest = target.partition(".py:")
    if sep and rest and not re.fullmatch(r"[\d:,-]*", rest):
        return Include(0, path + ".py", rest)
    return Include(0, target.split(":")[0] if sep else target, None)


def scan_page(path: Path, _depth: int = 0) -> Page:
    """Headings, snippet includes and explicit block ids of ``path``, by source line."""
    page = Page(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    fence: str | None = None
    fence_indent = 0
    in_block = False  # multi-line "--8<--" block
    containers: list[int] = []  # content indents of the open admonitions / tabs
    prev_text = ""
    for number, line in enumerate(lines, start=1):
        # snippet includes are expanded before anything else, inside code fences too
        if SNIPPET_BLOCK.match(line):
            in_block = not in_block
            prev_text = ""
            continue
        if in_block:
            inc = _parse_target(line)
            if inc:
                inc.line = number
                page.includes.append(inc)
            continue
        m = SNIPPET_LINE.match(line)
        if m:
            inc = _parse_target(m.group("target"))
            if inc:
                inc.line = number
                page.includes.append(inc)
                # a Markdown file included outside a fence brings its headings along
                if fence is None and inc.file.endswith(".md") and _depth < 3:
                    included = ROOT / inc.file
                    if included.is_file():
                        sub = scan_page(included, _depth + 1)
                        page.headings += [Heading(number, h.level, h.text) for h in sub.headings]
                        page.extra_ids += sub.extra_ids
            prev_text = ""
            continue
        body = line
        if fence is None and line.strip():
            # admonitions (!!! / ???) and content tabs (===) hold indented Markdown: a heading
            # inside them is a heading of the page
            indent = len(line) - len(line.lstrip())
            while containers and indent < containers[-1]:
                containers.pop()
            c = CONTAINER.match(line)
            if c:
                containers.append(len(c.group(1)) + 4)
                prev_text = ""
                continue
            if containers:
                body = line[containers[-1]:]
        f = FENCE.match(line)
        if f:
            mark = f.group("fence")
            if fence is None:
                fence, fence_indent = mark, len(f.group("indent"))
                prev_text = ""
                continue
            if mark[0] == fence[0] and len(mark) >= len(fence) and line.strip() == mark:
                fence = None
                continue
        if fence is not None:
            continue
        h = ATX.match(body)
        if h:
            page.headings.append(Heading(number, len(h.group(1)), (h.group(2) or "").rstrip("#").rstrip()))
            prev_text = ""
            continue
        s = SETEXT.match(body)
        if s and prev_text.strip():
            if not prev_text.startswith((" " * 4, "\t", "|", "!!!", "???", "===", "-", "*", ">")):
                page.headings.append(Heading(number - 1, 1 if s.group(1)[0] == "=" else 2, prev_text.strip()))
                prev_text = ""
                continue
        a = ATTR_ID.search(body)
        if a and body.strip():
            page.extra_ids.append(a.group(1))
        prev_text = body
    return page


def _flatten(tokens):
    for token in tokens:
        yield token
        yield from _flatten(token.get("children", []))


def render_anchors(headings: list[Heading], extra_ids: list[str]) -> None:
    """Fill in ``anchor`` of each heading: render the headings, in page order, with the site's
    Markdown settings (toc, attr_list, arithmatex...) and read the ids toc gives them."""
    if not headings:
        return
    skeleton = [("#" * h.level) + " " + h.text for h in headings]
    # ids set elsewhere on the page are taken before toc numbers duplicates
    skeleton += [f"x\n{{: #{i} }}" for i in extra_ids]
    md = _markdown()
    md.convert("\n\n".join(skeleton))
    tokens = list(_flatten(md.toc_tokens))
    if len(tokens) != len(headings):
        raise RuntimeError(
            f"rendered {len(tokens)} headings but found {len(headings)} heading lines: "
            + ", ".join(repr(h.text) for h in headings)
        )
    for heading, token in zip(headings, tokens):
        heading.anchor = token["id"]


@functools.lru_cache(maxsize=None)
def load_page(rel: str) -> Page:
    """The page ``docs/<rel>`` with its headings' anchors (cached)."""
    page = scan_page(DOCS / rel)
    render_anchors(page.headings, page.extra_ids)
    return page


@functools.lru_cache(maxsize=None)
def rendered_anchors(rel: str) -> list[str]:
    """The heading ids of ``docs/<rel>`` rendered whole, as the build renders it (display math
    separated by ``hooks/mathblocks.py``, snippets expanded, markdown-exec fences not run).
    A cross-check of :func:`load_page`, which finds headings line by line."""
    return render_file_anchors(DOCS / rel)


def render_file_anchors(path: Path) -> list[str]:
    """The heading ids of the Markdown file ``path``, rendered whole (see :func:`rendered_anchors`)."""
    spec = importlib.util.spec_from_file_location("_doclinks_mathblocks", ROOT / "hooks" / "mathblocks.py")
    mathblocks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mathblocks)
    md = _markdown(exec_fences=True)
    md.convert(mathblocks.separate_display_math(path.read_text(encoding="utf-8")))
    return [token["id"] for token in _flatten(md.toc_tokens)]


def all_pages() -> list[Page]:
    return [load_page(p.relative_to(DOCS).as_posix()) for p in sorted(DOCS.rglob("*.md"))]


# ---------------------------------------------------------------------------------------------
# Sources: snippet sections and their nesting
# ---------------------------------------------------------------------------------------------

SECTION = re.compile(r"--8<--\s*\[(start|end):([^\]]+)\]")


@functools.lru_cache(maxsize=None)
def sections(file: str) -> dict[str, tuple[int, int]]:
    """``section -> (start line, end line)`` of the snippet sections in ``file`` (relative to ROOT)."""
    found, open_ = {}, {}
    path = ROOT / file
    if not path.is_file():
        return {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for kind, name in SECTION.findall(line):
            if kind == "start":
                open_[name] = number
            elif name in open_:
                found[name] = (open_.pop(name), number)
    return found


def definition_lines(file: str, name: str) -> tuple[int, int] | None:
    """``(first, last)`` line of the top-level ``def``/``class`` ``name`` in ``file`` (decorators included)."""
    path = ROOT / file
    if not path.is_file():
        return None
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return first, node.end_lineno
    return None


def sections_within(file: str, name: str) -> set[str]:
    """Sections of ``file`` nested inside section ``name`` (without ``name`` itself).

    A name without a section of its own (only a finer part of it is shown on a page) is looked
    up by the lines of its definition.
    """
    secs = sections(file)
    if name in secs:
        lo, hi = secs[name]
        return {s for s, (a, b) in secs.items() if s != name and lo <= a and b <= hi}
    span = definition_lines(file, name)
    if span is None:
        return set()
    lo, hi = span  # the end marker may follow the last statement (a comment is not in the AST)
    return {s for s, (a, _) in secs.items() if lo <= a <= hi}


# ---------------------------------------------------------------------------------------------
# Name -> including sections
# ---------------------------------------------------------------------------------------------


@dataclass
class Place:
    page: str  # relative to docs/
    anchor: str
    heading: str
    section: str  # the included section
    direct: bool  # the whole section of the name (not a finer one inside it)
    line: int

    @property
    def link(self) -> str:
        return f"{self.page}#{self.anchor}"


def public_api() -> dict[str, list[str]]:
    """``dlnotes.API`` read from ``src/dlnotes/__init__.py`` without importing the package."""
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "API" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("dlnotes.API not found in src/dlnotes/__init__.py")


def module_files(module: str) -> list[str]:
    """The source files of ``dlnotes.<module>`` (relative to ROOT): ``<module>.py``, or every file of
    the subpackage ``<module>/`` (``dlnotes.data`` re-exports the names of ``data/*.py``)."""
    if (SRC / f"{module}.py").is_file():
        return [f"src/dlnotes/{module}.py"]
    return sorted(p.relative_to(ROOT).as_posix() for p in (SRC / module).rglob("*.py"))


def places(module: str, name: str, pages: list[Page] | None = None) -> list[Place]:
    """Where ``module.name`` is included: direct includes first (page order), then partial ones."""
    wanted = {file: {name} | sections_within(file, name) for file in module_files(module)}
    found = []
    for page in pages if pages is not None else all_pages():
        for inc in page.includes:
            if inc.section not in wanted.get(inc.file, ()):
                continue
            heading = page.heading_above(inc.line)
            found.append(Place(page.rel, heading.anchor if heading else "", heading.text if heading else "",
                               inc.section, inc.section == name, inc.line))
    return sorted(found, key=lambda p: (not p.direct,))


def name_map(api: dict[str, list[str]] | None = None) -> dict[str, list[Place]]:
    """``"module.name" -> places`` for every public name."""
    api = api or public_api()
    pages = all_pages()
    return {f"{m}.{n}": places(m, n, pages) for m, names in api.items() for n in names}


def mentions(module: str, name: str, pages: list[Page] | None = None) -> list[Place]:
    """Sections that mention ``module.name`` without including it: ``module.name``, an import of
    it from ``dlnotes.module``, or ``name(`` on a page that imports from ``dlnotes.module``.
    A hint for names no page includes (the link is then chosen by hand)."""
    qualified = re.compile(rf"\b{re.escape(module)}\.{re.escape(name)}\b")
    imported = re.compile(rf"from dlnotes\.{re.escape(module)} import [^\n]*\b{re.escape(name)}\b")
    called = re.compile(rf"(?<![\w.]){re.escape(name)}\(")
    found = []
    for page in pages if pages is not None else all_pages():
        if page.rel.startswith("reference/"):
            continue
        lines = page.path.read_text(encoding="utf-8").splitlines()
        uses_module = any(f"dlnotes.{module}" in line or f"dlnotes import {module}" in line for line in lines)
        for number, line in enumerate(lines, start=1):
            if qualified.search(line) or imported.search(line) or (uses_module and called.search(line)):
                heading = page.heading_above(number)
                if heading:
                    found.append(Place(page.rel, heading.anchor, heading.text, "", False, number))
    return found


# ---------------------------------------------------------------------------------------------
# Docstring links
# ---------------------------------------------------------------------------------------------

# [text](target.md#anchor) relative to docs/ (no scheme, no leading / or ../)
DOCLINK = re.compile(r"\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\.\./)([^)\s#]+?\.md)(?:#([^)\s]*))?(?:\s+\"[^\"]*\")?\)")


def doc_links(text: str | None) -> list[tuple[str, str | None]]:
    """``[(page, anchor or None), ...]`` of the docs links in a docstring."""
    return [(m.group(1), m.group(2)) for m in DOCLINK.finditer(text or "")]


def check_link(page: str, anchor: str | None) -> str | None:
    """``None`` if ``page#anchor`` resolves, else what is wrong (naming what exists)."""
    if not (DOCS / page).is_file():
        near = sorted(p.relative_to(DOCS).as_posix() for p in (DOCS / page).parent.glob("*.md")) \
            if (DOCS / page).parent.is_dir() else []
        return f"page docs/{page} does not exist" + (f" (pages there: {', '.join(near)})" if near else "")
    if anchor is None:
        return None
    anchors = load_page(page).anchors
    if anchor not in anchors:
        return f"anchor #{anchor} is not on {page} (its anchors: {', '.join(sorted(anchors))})"
    return None


def _docstrings(module: str):
    """``(qualified name, docstring)`` for the module (or every file of a package such as
    ``data`` or ``exercises``) and every function/class/method in it."""
    for path in module_files(module):
        name = path.removeprefix("src/dlnotes/").removesuffix(".py").replace("/", ".")
        yield from _file_docstrings(ROOT / path, name.removesuffix(".__init__"))


def _file_docstrings(path, module: str):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    yield module, ast.get_docstring(tree, clean=False)

    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qual = f"{prefix}.{child.name}"
                yield qual, ast.get_docstring(child, clean=False)
                if isinstance(child, ast.ClassDef):
                    yield from walk(child, qual)

    yield from walk(tree, module)


def check_module_links(module: str) -> list[str]:
    """Problems with the docs links of every docstring in ``src/dlnotes/<module>.py`` (or the package)."""
    problems = []
    for qual, doc in _docstrings(module):
        for page, anchor in doc_links(doc):
            err = check_link(page, anchor)
            if err:
                problems.append(f"{qual}: link {page}{'#' + anchor if anchor else ''}: {err}")
    return problems


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check every docstring link too")
    parser.add_argument("--json", action="store_true", help="print the map as JSON")
    args = parser.parse_args(argv)
    mapping = name_map()
    if args.json:
        print(json.dumps({k: [p.__dict__ | {"link": p.link} for p in v] for k, v in mapping.items()}, indent=1))
        return 0
    not_included = []
    for qual, found in mapping.items():
        if not found:
            not_included.append(qual)
            continue
        best = found[0]
        others = sorted({p.link for p in found[1:]} - {best.link})
        kind = "" if best.direct else f"  (partial: {best.section})"
        print(f"{qual:48s} {best.link}{kind}" + (f"   also: {', '.join(others)}" if others else ""))
    print(f"\n{len(mapping) - len(not_included)} names included on a page; "
          f"{len(not_included)} not included on any page:")
    pages = all_pages()
    for qual in not_included:
        hints = mentions(*qual.split("."), pages)
        links = list(dict.fromkeys(p.link for p in hints))
        print(f"  {qual:46s} mentioned in: {', '.join(links[:4]) or '-'}")
    status = 0
    if args.check:
        modules = sorted(public_api()) + ["fast", "plots"]
        problems = [p for m in modules for p in check_module_links(m)]
        for module in sorted(public_api()):
            links = doc_links(dict(_docstrings(module)).get(module))
            if not any(a for _, a in links):
                problems.append(f"{module} (module docstring): no link with an anchor (links: {links or 'none'})")
        for qual, found in mapping.items():
            module, name = qual.split(".")
            doc = dict(_docstrings(module)).get(qual)
            links = doc_links(doc)
            if doc is None:
                continue  # a constant: no docstring of its own
            if not any(a for _, a in links):
                problems.append(f"{qual}: no link with an anchor (links: {links or 'none'})")
            elif found and not {p.page for p in found} & {pg for pg, _ in links}:
                problems.append(f"{qual}: links {links} but it is included on {sorted({p.link for p in found})}")
        print(f"\n{len(problems)} link problems" + (":" if problems else ""))
        for p in problems:
            print(f"  {p}")
        status = 1 if problems else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
