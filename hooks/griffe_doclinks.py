"""Griffe extension: make docstring links written relative to ``docs/`` work on reference pages.

The package's docstrings link to the page that derives each function with a
Markdown link relative to ``docs/``, e.g. ``[derivation](course1/week2.md#the-gradient)``
(so the same text reads correctly anywhere in the repository). The API reference
pages live one level down, in ``docs/reference/``, so this extension prefixes such
links with ``../`` when mkdocstrings loads the docstrings. MkDocs then validates the
rewritten links and anchors like any other (a wrong anchor fails the strict build).

It also puts ``$$`` display formulas in their own paragraph (``hooks/mathblocks.py``), as the
pages get it, so that arithmatex recognises them.

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
