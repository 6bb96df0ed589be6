"""Griffe extension: make docstring links written relative to ``docs/`` work on reference pages.

The package's docstrings link to the page that derives each function with a
Markdown link relative to ``docs/``, e.g. ``[derivation](course1/week2.md#the-gradient)``
(so the same text reads correctly anywhere in the repository). The API reference
pages live one level down, in ``docs/reference/``, so this extension prefixes such
links with ``../`` when mkdocstrings loads the docstrings. MkDocs then validates the
rewritten links and anchors like any other (a wrong anchor fails the strict build).

It also puts ``$$`` display formulas in their own paragraph (``hooks/mathblocks.py``), as the
pages get it, so that arithmatex recognises them.

Sphinx roles (``:func:`model_forward```, ``:class:`~dlnotes.train.TrainResult```, ``:mod:``,
``:data:``, ``:meth:``, ``:attr:``...) mean nothing to mkdocstrings and used to print
literally. Once the whole package is loaded, each role becomes a cross-reference for
mkdocs-autorefs: the target is resolved the way Sphinx does (the object's own scope first --
its class, its module, the parent packages -- then the whole package when the name is unique
in it; a leading ``~`` shows the last component only). The reference is marked optional: a
target without a page of its own (a private helper, ``matplotlib.figure.Figure``) prints as
code with the full name as its tooltip instead of failing the build.

Absolute URLs, in-page anchors (``#...``), absolute paths and links that already
start with ``../`` are left alone; only links to ``.md`` files are rewritten.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import griffe


def _load_mathblocks():
    spec = importlib.util.spec_from_file_location("_dlnotes_mathblocks", Path(__file__).with_name("mathblocks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


separate_display_math = _load_mathblocks().separate_display_math

# [text](target.md#anchor "title") -- target must not have a scheme, a leading / or ../ or #
LINK = re.compile(r"(\]\()(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\.\./)([^)\s]+?\.md(?:#[^)\s]*)?)(\s+\"[^\"]*\")?\)")


def rewrite_links(text: str, prefix: str = "../") -> str:
    """Prefix relative ``.md`` links in ``text`` with ``prefix``.

    >>> rewrite_links("see [derivation](course1/week2.md#cost) and [x](https://a.b/c.md)")
    'see [derivation](../course1/week2.md#cost) and [x](https://a.b/c.md)'
    """
    return LINK.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}{m.group(3) or ''})", text)


ROLE = re.compile(r":(?:py:)?(?P<role>func|mod|class|data|meth|attr|obj|exc|const|type):`(?P<tilde>~?)(?P<name>[^`<>\s]+)`")


def public_path(obj) -> str | None:
    """Where ``obj`` is documented: the target of an alias (an import), unless that is private."""
    if not obj.is_alias:
        return obj.path
    try:
        target = obj.final_target.path
    except Exception:  # an alias of an object outside the package (numpy, matplotlib)
        return None
    private = any(part.startswith("_") for part in target.split("."))
    return obj.path if private else target


def package_paths(pkg) -> dict[str, str]:
    """``{path: documented path}`` of every object of the package, aliases included."""
    out: dict[str, str] = {}
    stack = [pkg]
    while stack:
        obj = stack.pop()
        path = public_path(obj)
        if path is None:
            continue
        out[obj.path] = path
        if obj.is_alias:
            continue
        stack.extend(obj.members.values())
    return out


def resolve_role(name: str, scope: str, paths: dict[str, str]) -> str | None:
    """The documented path of ``name`` seen from the object at ``scope`` (a dotted path), or None.

    >>> paths = {"p": "p", "p.nn": "p.nn", "p.nn.fwd": "p.nn.fwd", "p.nn.C": "p.nn.C",
    ...          "p.nn.C.step": "p.nn.C.step", "p.data": "p.data", "p.data.load": "p.data.load"}
    >>> resolve_role("fwd", "p.nn.C.step", paths), resolve_role("step", "p.nn.C", paths)
    ('p.nn.fwd', 'p.nn.C.step')
    >>> resolve_role("C.step", "p.data", paths), resolve_role("p.data.load", "p.nn", paths)
    ('p.nn.C.step', 'p.data.load')
    >>> resolve_role("nn.fwd", "p", paths), resolve_role("load", "p.nn.fwd", paths)
    ('p.nn.fwd', 'p.data.load')
    >>> resolve_role("matplotlib.figure.Figure", "p.nn", paths) is None
    True
    """
    if name in paths:
        return paths[name]
    parts = scope.split(".")
    for i in range(len(parts), 0, -1):
        candidate = ".".join(parts[:i] + [name])
        if candidate in paths:
            return paths[candidate]
    matches = sorted({v for k, v in paths.items() if k.endswith("." + name)})
    return matches[0] if len(matches) == 1 else None


def roles_to_autorefs(text: str, scope: str, paths: dict[str, str]) -> str:
    """Replace each Sphinx role in ``text`` by an (optional) mkdocs-autorefs cross-reference.

    >>> paths = {"p": "p", "p.nn": "p.nn", "p.nn.fwd": "p.nn.fwd"}
    >>> print(roles_to_autorefs("see :func:`fwd`", "p.nn", paths))
    see <autoref identifier="p.nn.fwd" optional><code>fwd()</code></autoref>
    >>> print(roles_to_autorefs(":class:`~matplotlib.figure.Figure`", "p.nn", paths))
    <autoref identifier="matplotlib.figure.Figure" optional><code>Figure</code></autoref>
    """
    def sub(m):
        name = m["name"]
        target = resolve_role(name, scope, paths) or name
        title = name.rsplit(".", 1)[-1] if m["tilde"] else name
        if m["role"] in ("func", "meth"):
            title += "()"
        return f'<autoref identifier="{target}" optional><code>{title}</code></autoref>'

    return ROLE.sub(sub, text)


class DocLinks(griffe.Extension):
    """Rewrite the docstring links of every loaded object (see the module docstring)."""

    def __init__(self, prefix: str = "../") -> None:
        super().__init__()
        self.prefix = prefix

    def on_object(self, *, obj, **kwargs) -> None:
        if obj.is_alias:
            return
        docstring = obj.docstring
        if docstring is None:
            return
        value = docstring.value
        if "](" in value:
            value = rewrite_links(value, self.prefix)
        if "$$" in value:
            value = separate_display_math(value)  # see hooks/mathblocks.py
        docstring.value = value

    def on_package(self, *, pkg, **kwargs) -> None:
        """The whole package is loaded: turn the Sphinx roles of every docstring into links."""
        paths = package_paths(pkg)
        stack = [pkg]
        while stack:
            obj = stack.pop()
            if obj.is_alias:
                continue
            stack.extend(obj.members.values())
            docstring = obj.docstring
            if docstring is not None and ":`" in docstring.value:
                docstring.value = roles_to_autorefs(docstring.value, obj.path, paths)
