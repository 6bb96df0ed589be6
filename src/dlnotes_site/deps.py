"""Which ``dlnotes`` source files a piece of code depends on: the package's static import graph.

The site caches work that is slow to redo (figures, training results printed on
pages, executed labs, converted pages under ``mkdocs serve``). Each cache entry
is keyed on :func:`digest` of the modules its code imports, **followed through
the package**: if ``dlnotes.figures.course1_week2`` imports ``dlnotes.train``,
which imports ``dlnotes.nn``, an edit to ``nn.py`` changes the key of every
figure of that module, and an edit to ``batchnorm.py`` (not in that closure)
changes none of them. Nothing is ever served stale, and an edit redoes only what
depends on it. See [how the build caches work](about.md#caches).

What counts as a dependency of a source text (:func:`imported_modules`):

* ``import dlnotes.x``, ``from dlnotes import x``, ``from dlnotes.x import y``
  and relative imports inside the package;
* ``pkg.x`` where ``pkg`` is a name bound to a ``dlnotes`` package (the package's
  ``__getattr__`` imports submodules on first use);
* a string literal ``"module.function"`` naming a figure module of
  ``dlnotes.figures`` (what :func:`dlnotes_site.figures.render` imports by name), also
  as the start of an f-string (``f"course1_week2.{name}"``);
* a string literal that is the full name of a module (``"dlnotes.train"``, as
  passed to :func:`importlib.import_module`).

Anything more dynamic (``getattr(dlnotes, name)``, a module name assembled from
pieces) is not seen: code that imports that way must name its modules statically
somewhere too, or its caches will not notice an edit.

Importing ``dlnotes.a.b`` runs ``dlnotes/__init__.py`` and ``dlnotes/a/__init__.py``
too, so the parents of every module are in its closure.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import re
from pathlib import Path

__all__ = ["package_dir", "module_files", "imported_modules", "module_graph", "closure", "source_closure",
           "digest", "dependents"]

PACKAGE = "dlnotes"
_FIGURE_NAME = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_][A-Za-z0-9_]*$")
_FIGURE_PREFIX = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\.")
# The memos below are keyed on the files' names, sizes and modification times, and on this
# file's own bytes (the rules). This module is outside the ``dlnotes`` name, so they survive
# ``hooks/reload.py`` dropping the ``dlnotes`` modules before each ``mkdocs serve`` rebuild:
# a rebuild re-parses only the files that changed.
_RULES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
_IMPORTS_MEMO: dict = {}
_GRAPH_MEMO: dict = {}
_DIGEST_MEMO: dict = {}


def package_dir() -> Path:
    """The directory of the ``dlnotes`` package that ``import dlnotes`` loads (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{PACKAGE} is not importable; run `pip install -e .`")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def module_files(root=None) -> dict[str, Path]:
    """``{"dlnotes.nn": .../nn.py, "dlnotes.figures": .../figures/__init__.py, ...}``."""
    root = Path(root) if root is not None else package_dir()
    out = {}
    for path in sorted(root.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join([PACKAGE, *parts])] = path
    return out


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def imported_modules(source: str, modules, *, current: str | None = None,
                     is_package: bool | None = None) -> set[str]:
    """The ``dlnotes`` modules that ``source`` imports directly (see the module docstring).

    Parameters
    ----------
    source : str
        Python source text.
    modules : collection of str
        The package's module names (keys of :func:`module_files`); names outside
        it are ignored.
    current : str, optional
        Module name of ``source`` itself, to resolve relative imports.
    is_package : bool, optional
        Whether ``source`` is a package's ``__init__.py`` (relative imports are then
        resolved from the package itself). Default: ``current`` has submodules in
        ``modules``.

    Returns
    -------
    set of str

    Examples
    --------
    >>> mods = {"dlnotes", "dlnotes.nn", "dlnotes.figures", "dlnotes.figures.course1_week2"}
    >>> sorted(imported_modules("from dlnotes import nn\\nimport numpy", mods))
    ['dlnotes', 'dlnotes.nn']
    >>> sorted(imported_modules('from dlnotes_site.figures import render\\nrender("course1_week2.f", alt="x")', mods))
    ['dlnotes', 'dlnotes.figures', 'dlnotes.figures.course1_week2']
    """
    modules = set(modules)
    tree = ast.parse(source)
    found: set[str] = set()
    bound: dict[str, str] = {}              # local name -> dlnotes package/module it refers to

    def add(name):
        if name in modules:
            found.add(name)
            found.update(p for p in _parents(name) if p in modules)
            return True
        return False

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                    add(alias.name)
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[PACKAGE] = PACKAGE
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                if current is None:
                    continue
                is_pkg = is_package
                if is_pkg is None:
                    is_pkg = current in modules and any(m.startswith(current + ".") for m in modules)
                anchor = current.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_pkg else 0)]
                base = ".".join(anchor + ([base] if base else []))
            if base != PACKAGE and not base.startswith(PACKAGE + "."):
                continue
            add(base)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if add(sub):
                    bound[alias.asname or alias.name] = sub
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if not add(node.value):
                match = _FIGURE_NAME.match(node.value)
                if match:
                    add(f"{PACKAGE}.figures.{match.group(1)}")
        elif isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str):
                match = _FIGURE_PREFIX.match(head.value)
                if match:
                    add(f"{PACKAGE}.figures.{match.group(1)}")
    for node in ast.walk(tree):                # pkg.sub through the lazy __getattr__
        if isinstance(node, ast.Attribute):
            chain = []
            value = node
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                name = bound[value.id]
                for attr in reversed(chain):
                    name = f"{name}.{attr}"
                    if not add(name):
                        break
    return found


def _signature(root, files) -> tuple:
    """What the memos of this module are keyed on: the rules, the root, each file's name, size and mtime."""
    return (_RULES, str(root)) + tuple((name, st.st_size, st.st_mtime_ns) for name, path in files.items()
                                       for st in [path.stat()])


def module_graph(root=None) -> dict[str, set[str]]:
    """Direct imports of every module of the package, ``{module: {modules it imports}}``.

    Memoised on the files' paths, sizes and modification times.
    """
    files = module_files(root)
    signature = _signature(root, files)
    if signature in _GRAPH_MEMO:
        return _GRAPH_MEMO[signature]
    names = frozenset(files)
    graph, memo = {}, {}
    for (name, size, mtime), path in zip(signature[2:], files.values()):
        key = (_RULES, str(path), name, size, mtime, names)
        direct = _IMPORTS_MEMO.get(key)
        if direct is None:
            direct = imported_modules(path.read_text(encoding="utf-8"), files, current=name,
                                      is_package=path.name == "__init__.py") - {name}
        graph[name] = memo[key] = direct
    _IMPORTS_MEMO.clear()
    _IMPORTS_MEMO.update(memo)
    _GRAPH_MEMO.clear()
    _GRAPH_MEMO[signature] = graph
    return graph


def _names(names) -> list[str]:
    if isinstance(names, str):
        raise TypeError(f"names: expected a collection of module names (e.g. ['dlnotes.nn']), got the string {names!r}")
    return list(names)


def closure(names, root=None) -> list[str]:
    """The modules in ``names``, their parents, and everything they import, transitively.

    Examples
    --------
    >>> "dlnotes.activations" in closure(["dlnotes.nn"])
    True
    >>> "dlnotes.batchnorm" in closure(["dlnotes.activations"])
    False
    """
    graph = module_graph(root)
    todo, seen = _names(names), set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in graph:
            raise KeyError(f"names: expected modules of {PACKAGE} (e.g. 'dlnotes.nn'), got {name!r}")
        seen.add(name)
        todo.extend(p for p in _parents(name) if p in graph)
        todo.extend(graph[name])
    return sorted(seen)


def digest(names=None, root=None) -> str:
    """SHA-256 over the names and bytes of the source files of :func:`closure` ``(names)``.

    The one digest of the build: figure and result keys (:mod:`dlnotes_site.figures`), lab keys
    (``hooks/labs.py``) and the package check of ``mkdocs serve --dirty`` (``hooks/reload.py``,
    ``names=None``: every module of the package). Memoised on the files' paths, sizes and
    modification times (a call that finds the package unchanged only reads the files' metadata).

    Examples
    --------
    >>> digest(["dlnotes.nn"]) == digest(["dlnotes.nn"]), len(digest(["dlnotes.nn"]))
    (True, 64)
    >>> digest() == digest(sorted(module_files())) != digest(["dlnotes.nn"])
    True
    """
    files = module_files(root)
    names = tuple(sorted(set(files if names is None else _names(names))))
    signature = _signature(root, files)
    memo = _DIGEST_MEMO.get(signature)
    if memo is None:
        _DIGEST_MEMO.clear()
        memo = _DIGEST_MEMO[signature] = {}
    if names not in memo:
        h = hashlib.sha256()
        for name in closure(names, root):
            data = files[name].read_bytes()
            h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
        memo[names] = h.hexdigest()
    return memo[names]


def source_closure(source: str, root=None) -> list[str]:
    """The :func:`closure` of what the Python text ``source`` imports (a lab, a page's example).

    Raises ``SyntaxError`` when ``source`` is not Python.

    Examples
    --------
    >>> mods = source_closure("from dlnotes.activations import relu")
    >>> "dlnotes.activations" in mods and "dlnotes._checks" in mods, "dlnotes.nn" in mods
    (True, False)
    >>> source_closure("import numpy as np")
    []
    """
    direct = imported_modules(source, module_files(root))
    return closure(sorted(direct), root) if direct else []


def dependents(name, root=None) -> list[str]:
    """The modules whose :func:`closure` contains ``name``: what an edit to ``name`` invalidates.

    Examples
    --------
    >>> "dlnotes.figures.course1_week2" in dependents("dlnotes.batchnorm")
    False
    >>> "dlnotes.train" in dependents("dlnotes.nn")
    True
    """
    graph = module_graph(root)
    if name not in graph:
        raise KeyError(f"name: expected a module of {PACKAGE} (e.g. 'dlnotes.nn'), got {name!r}")
    return sorted(m for m in graph if name in closure([m], root))
