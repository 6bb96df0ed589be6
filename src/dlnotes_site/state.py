"""One state object for the site's hooks, kept across the rebuilds of one ``mkdocs serve``.

MkDocs imports the hook files again at every ``serve`` rebuild, and ``hooks/reload.py`` drops the
``dlnotes`` modules before each build, so neither can keep anything from one build to the next.
This module is imported normally and is not under the ``dlnotes`` name: each hook keeps its part
in :data:`STATE` under its own name (``STATE.setdefault("labs", {...})``).

Examples
--------
>>> from dlnotes_site.state import STATE
>>> STATE.setdefault("doctest", {"n": 0}) is STATE["doctest"]
True
"""

from __future__ import annotations

__all__ = ["STATE"]

#: hook name -> that hook's state (a dict), for the life of the process.
STATE: dict[str, dict] = {}
