"""MkDocs hook: give every ``$$`` display formula its own paragraph.

``pymdownx.arithmatex`` only recognises a ``$$ ... $$`` block when it starts a
paragraph. Written right after a line of text (no blank line in between), as is
natural in prose and in docstrings, it is read as inline math instead and the
page shows raw ``$$``. This hook (and ``griffe_doclinks.py`` for docstrings) inserts
the blank lines (a blank line does not end an indented block, so admonitions,
lists and docstring sections keep their structure). Fenced code blocks are left untouched.
"""

from __future__ import annotations

import re

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def _reindent(line: str, old: int, new: int) -> str:
    if new == old or not line.strip():
        return line
    body = line[old:] if line[:old].strip() == "" else line.lstrip()
    return " " * new + body


LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)])\s")


def separate_display_math(text: str) -> str:
    r"""Put ``$$`` blocks that touch a line of text in their own paragraph.

    A blank line is inserted before and after the block. Python-Markdown continues a list item
    after a blank line only with an indentation that is a multiple of 4, so a block indented by
    2 or 3 spaces (inside ``-`` or ``1.`` items), and the text right after it, are indented to
    the next multiple of 4.

    >>> print(separate_display_math("so\n$$\nx = 1\n$$\nthen"))
    so
    <BLANKLINE>
    $$
    x = 1
    $$
    <BLANKLINE>
    then
    >>> print(separate_display_math("1. sums:\n   $$a = 1.$$\n   which\n\nEnd"))
    1. sums:
    <BLANKLINE>
        $$a = 1.$$
    <BLANKLINE>
        which
    <BLANKLINE>
    End
    >>> separate_display_math("```\ntext\n$$\n```") == "```\ntext\n$$\n```"
    True
    >>> separate_display_math("text\n\n$$\nx\n$$\n\nmore") == "text\n\n$$\nx\n$$\n\nmore"
    True
    """
    lines = text.split("\n")
    out: list[str] = []
    fence = None
    in_math = False
    shift = None  # (old indent, new indent) while re-indenting a block and the text after it
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                    and not line.strip()[len(m.group(1)):].strip():
                fence = None
            out.append(line)
            i += 1
            continue
        if m and not in_math:
            fence = m.group(1)
            shift = None
            out.append(line)
            i += 1
            continue
        stripped = line.strip()
        count = line.count("$$")
        if not in_math and stripped.startswith("$$"):
            indent = len(line) - len(line.lstrip())
            if out and out[-1].strip():
                out.append("")
                shift = (indent, -(-indent // 4) * 4)
            elif shift is not None and indent != shift[0]:
                shift = None
            in_math = count % 2 == 1
            closes = not in_math
        elif in_math and count % 2 == 1:
            in_math = False
            closes = stripped.endswith("$$")
        else:
            if not in_math and count % 2 == 1:
                in_math = True  # "$$" in the middle of a line: cannot be fixed, keep the state
            closes = False
            if shift is not None and not in_math:
                indent = len(line) - len(line.lstrip())
                if not stripped or indent != shift[0] or LIST_ITEM.match(line):
                    if stripped and out and out[-1].strip():
                        out.append("")  # a re-indented paragraph would swallow the next item
                    shift = None
        out.append(_reindent(line, *shift) if shift is not None else line)
        if closes and i + 1 < len(lines) and lines[i + 1].strip():
            out.append("")
        i += 1
    return "\n".join(out)


def on_page_markdown(markdown, page, config, files):
    return separate_display_math(markdown)
