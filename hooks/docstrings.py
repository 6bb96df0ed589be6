"""Show library code on pages without its long docstrings.

Pages include functions from ``src/dlnotes`` with ``pymdownx.snippets``; each
function carries a full NumPy-style docstring (parameters, shapes, maths,
doctests) that the API reference renders. Repeated inside every code box it
hides the few lines of the equation the page is about. This hook adds a
Markdown preprocessor that runs right after the snippets are inserted and,
inside ``python`` fences that are not executed (no ``exec=``), replaces each
docstring by its first line plus a pointer to the API reference (Sphinx roles in
that line, ``:func:`fit```, become the bare name ``fit()``: the code box is not the
API reference, which renders them as links). The code itself is untouched: what
runs is what the page shows, minus the docstring body.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")
DEF = re.compile(r"^(?P<indent>\s*)(?:async\s+def|def|class)\s+\w+")
DOC_START = re.compile(r'^(?P<indent>\s*)(?P<prefix>[rRuU]?)(?P<quote>"""|\'\'\')(?P<rest>.*)$')


ROLE = re.compile(r":(?:py:)?(?P<role>func|mod|class|data|meth|attr|obj|exc|const|type):`(?P<tilde>~?)(?P<name>[^`<>\s]+)`")


def plain_roles(text: str) -> str:
    """Sphinx roles as the names they stand for (a page's code box is not rendered by Sphinx).

    >>> plain_roles("The functions computed by :func:`sawtooth_parameters`, see :class:`~dlnotes.optim.Adam`.")
    'The functions computed by sawtooth_parameters(), see Adam.'
    """
    def sub(m):
        name = m["name"].rsplit(".", 1)[-1] if m["tilde"] else m["name"]
        return name + ("()" if m["role"] in ("func", "meth") else "")

    return ROLE.sub(sub, text)


def shorten_docstrings(lines: list[str]) -> list[str]:
    """Replace every docstring that directly follows a ``def``/``class`` by its first line."""
    out: list[str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        out.append(line)
        i += 1
        if not DEF.match(line):
            continue
        # the signature may span several lines: copy up to the line ending with ':'
        while not line.rstrip().endswith(":") and i < n:
            line = lines[i]
            out.append(line)
            i += 1
        if i >= n:
            break
        m = DOC_START.match(lines[i])
        if not m:
            continue
        quote, rest = m["quote"], m["rest"]
        if quote in rest:  # one-line docstring: keep it
            out.append(plain_roles(lines[i]))
            i += 1
            continue
        summary = rest.strip()
        j = i + 1
        while j < n and quote not in lines[j]:
            if not summary and lines[j].strip():
                summary = lines[j].strip()
            j += 1
        if j >= n:  # unterminated: leave the text alone
            continue
        summary = summary.rstrip(".") + "." if summary else "See the API reference."
        summary = plain_roles(summary)
        out.append(f'{m["indent"]}{m["prefix"]}{quote}{summary} (Full docstring: API reference.){quote}')
        i = j + 1
    return out


class _ShortDocstrings(Preprocessor):
    def run(self, lines):
        out: list[str] = []
        block: list[str] | None = None
        fence = ""
        for line in lines:
            if block is None:
                m = FENCE.match(line)
                info = m["info"] if m else ""
                out.append(line)
                if m and re.match(r"^\{?\.?(python|py)\b", info) and "exec=" not in info:
                    block, fence = [], m["fence"]
                continue
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                out.extend(shorten_docstrings(block))
                out.append(line)
                block = None
                continue
            block.append(line)
        if block is not None:
            out.extend(block)
        return out


class ShortDocstringsExtension(Extension):
    def extendMarkdown(self, md):
        # pymdownx.snippets runs at priority 32, the fenced-code preprocessors at 25 or lower.
        md.preprocessors.register(_ShortDocstrings(md), "dlnotes_short_docstrings", 31)


def on_config(config):
    config.markdown_extensions.append(ShortDocstringsExtension())
    return config
