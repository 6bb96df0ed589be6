"""MkDocs hook: under ``mkdocs serve``, reuse the converted HTML of every page whose inputs did not change.

A rebuild under ``mkdocs serve`` converts every page again: the executed examples
(markdown-exec), the API reference (mkdocstrings) and the Markdown itself. This hook
keeps, in memory across the rebuilds of one ``serve`` process, what
``Page.render`` produced for each page (HTML, table of contents, title, anchors,
links to other pages' anchors) together with everything the conversion read:

* the page's Markdown (after the ``on_page_markdown`` hooks);
* a global key: ``mkdocs.yml``, ``hooks/*.py``, the list of files of the site,
  the site URL and the versions of Python and of the libraries that render pages;
* every file ``pymdownx.snippets`` read, with a hash of its bytes;
* the code of every markdown-exec block executed, turned into the ``dlnotes``
  modules it imports (``dlnotes._deps.imported_modules``), and the
  ``::: identifier`` blocks of mkdocstrings, turned into their module and its
  submodules; for both, a digest of those modules' import closure, taken from a
  snapshot of ``src/dlnotes`` made before the build imports anything.

The next rebuild gives the page the stored result instead of converting it only
if all of these are unchanged, so a prose edit converts one page and an edit to
``dlnotes/ewa.py`` converts the pages whose examples or reference depend on it.
What the conversion did outside the page is replayed: the anchors mkdocstrings
registers with autorefs and the items it adds to ``objects.inv``, markdown-exec's
id counter, the NumPy print options / error handling an example leaves for the
next pages (each build starts from the process's initial ones, as a fresh
``mkdocs build`` does; a page is reused only under the state it was converted in),
and the log records at INFO level. The ``on_page_content`` hooks (figure URLs,
labs) and autorefs still run on the reused HTML. Material's search entries of a
page are reused when its final HTML, table of contents, URL, title and metadata
are unchanged.

markdown-exec keeps a session's variables for the whole process: a page that is
reused does not run its examples, so a session must belong to one page (a session
used by two pages makes both uncacheable; ``tests/test_pagecache.py`` checks the pages).

Anything the hook cannot vouch for is converted every time (fail safe): a page whose
conversion logged a warning or failed, an example that may read files, the clock or
the environment (imports ``os``, ``pathlib``, ``time``..., calls ``open``, see
:func:`touches_outside`), a snippet downloaded
from a URL, an autodoc identifier outside ``dlnotes`` or a handler other than
Python, a markdown-exec session shared by two pages, a figure missing from the
figure cache, a page whose render another plugin replaced (the labs' notebooks).

``mkdocs build`` (and ``mkdocs serve --clean``) never uses the cache: the strict
build always converts every page. ``DLNOTES_PAGECACHE=0`` turns the cache off under
``serve`` too.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import re
import sys
import threading
import time
import types
from pathlib import Path

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.pagecache")

#: Bump when what the cache stores or checks changes.
HOOK_VERSION = "1"
#: Distributions whose versions enter the global key.
KEY_DISTRIBUTIONS = (
    "mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "pygments", "markdown-exec",
    "mkdocstrings", "mkdocstrings-python", "griffelib", "griffe", "mkdocs-autorefs", "mkdocs-jupyter",
    "numpy", "matplotlib", "scikit-learn",
)
#: Executed code that imports one of these, calls one of ``OUTSIDE_CALLS`` or reads ``__file__``
#: may depend on something other than the dlnotes modules it imports: its page is never cached.
OUTSIDE_MODULES = frozenset({
    "os", "sys", "pathlib", "glob", "shutil", "tempfile", "io", "subprocess", "importlib", "pkgutil",
    "time", "datetime", "platform", "socket", "urllib", "http", "requests", "inspect", "runpy",
})
OUTSIDE_CALLS = frozenset({"open", "eval", "exec", "compile", "__import__", "input", "globals", "vars"})


def touches_outside(code: str) -> str | None:
    """What in ``code`` reaches beyond its imports (files, clock, environment), or ``None``.

    >>> touches_outside("from dlnotes.nn import predict\\nprint('inverse time, os, open(')")
    >>> touches_outside("import time\\nt0 = time.perf_counter()")
    'imports time'
    >>> touches_outside("from pathlib import Path")
    'imports pathlib'
    >>> touches_outside("print(open('x').read())")
    'calls open()'
    """
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in OUTSIDE_MODULES:
                    return f"imports {alias.name}"
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and (node.module or "").split(".")[0] in OUTSIDE_MODULES:
                return f"imports {node.module}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in OUTSIDE_CALLS:
            return f"calls {node.func.id}()"
        elif isinstance(node, ast.Name) and node.id == "__file__":
            return "reads __file__"
    return None


FIGURE_URL = re.compile(r"/__dlnotes_figures__/([0-9a-f]{24})\.svg")
EXEC_ID = re.compile(r"\bexec-\d+--")

# MkDocs re-imports hook files on every `serve` rebuild; state that must survive lives in a
# module object outside the dlnotes name (hooks/reload.py drops dlnotes.*), shared with reload.py.
_STATE = sys.modules.setdefault("_dlnotes_build_state", types.ModuleType("_dlnotes_build_state")).__dict__
_CACHE: dict = _STATE.setdefault("pagecache", {"entries": {}, "originals": {}})


# --------------------------------------------------------------------------- the package snapshot


def load_deps(root: Path):
    """Import ``dlnotes/_deps.py`` from ``root`` under a private name (not as part of ``dlnotes``)."""
    spec = importlib.util.spec_from_file_location("_dlnotes_pagecache_deps", root / "_deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class PackageSnapshot:
    """The ``dlnotes`` source as it was at one moment: module names, bytes, import graph, digests.

    Digests are computed from the bytes read when the snapshot is made, before the
    build imports the package: a module edited later in the build makes the stored
    key older than the HTML, and the next build converts the page again (never the
    reverse, which would serve stale output).
    """

    def __init__(self, root: Path, deps=None, memo: dict | None = None):
        self.root = Path(root)
        self.deps = deps if deps is not None else load_deps(self.root)
        files = self.deps.module_files(self.root)
        self.data = {name: path.read_bytes() for name, path in files.items()}
        self.modules = set(self.data)
        # what the graph of one file depends on: its bytes, the module names, the rules of _deps.py
        self.rules = hashlib.sha256(Path(self.deps.__file__).read_bytes()).hexdigest()
        names = hashlib.sha256("\n".join(sorted(self.modules)).encode()).hexdigest()
        memo = {} if memo is None else memo           # (name, sha of bytes, names, rules) -> direct imports
        self.graph = {}
        for name, data in self.data.items():
            key = (name, hashlib.sha256(data).hexdigest(), names, self.rules)
            if key not in memo:
                memo[key] = self.deps.imported_modules(data.decode("utf-8"), self.modules, current=name) - {name}
            self.graph[name] = memo[key]
        self._digests: dict = {}

    def imported(self, source: str) -> set[str]:
        """The package modules ``source`` imports directly (``_deps.imported_modules``)."""
        return self.deps.imported_modules(source, self.modules)

    def closure(self, names) -> list[str]:
        todo, seen = list(names), set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            if name not in self.graph:
                raise KeyError(f"names: expected modules of dlnotes (e.g. 'dlnotes.nn'), got {name!r}")
            seen.add(name)
            parts = name.split(".")
            todo.extend(p for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p in self.graph)
            todo.extend(self.graph[name])
        return sorted(seen)

    def digest(self, names) -> str:
        """SHA-256 over the names and bytes of the closure of ``names`` (as ``_deps.digest``)."""
        key = tuple(sorted(set(names)))
        if key not in self._digests:
            h = hashlib.sha256()
            for name in self.closure(key):
                data = self.data[name]
                h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
            self._digests[key] = h.hexdigest()
        return self._digests[key]

    def module_of(self, identifier: str) -> str | None:
        """The longest module name that ``identifier`` starts with (``dlnotes.nn.predict`` -> ``dlnotes.nn``)."""
        parts = identifier.split(".")
        for i in range(len(parts), 0, -1):
            name = ".".join(parts[:i])
            if name in self.modules:
                return name
        return None

    def with_submodules(self, name: str) -> set[str]:
        return {m for m in self.modules if m == name or m.startswith(name + ".")}


# --------------------------------------------------------------------------- recording a conversion


class Recorder:
    """What one page's conversion read and did, collected by the patched library functions."""

    def __init__(self, page_url: str, snapshot: PackageSnapshot | None):
        self.page_url = page_url
        self.snapshot = snapshot
        self.snippets: dict[str, str] = {}          # absolute path -> sha256 of its bytes
        self.modules: set[str] = set()               # dlnotes modules the page depends on
        self.sessions: set[str] = set()              # markdown-exec sessions used
        self.anchors: list[tuple] = []               # autorefs.register_anchor(...) calls
        self.inventory: list[dict] = []              # mkdocstrings inventory.register(...) calls
        self.records: list[logging.LogRecord] = []   # log records emitted while converting
        self.uncacheable: list[str] = []             # why the result must not be reused
        self.executed_any = False                    # did the page run any code?

    def refuse(self, reason: str) -> None:
        self.uncacheable.append(reason)

    def snippet(self, path) -> None:
        path = os.path.abspath(path)
        try:
            self.snippets[path] = file_sha(path)
        except OSError as exc:
            self.refuse(f"snippet {path}: {exc}")

    def executed(self, code: str) -> None:
        self.executed_any = True
        try:
            outside = touches_outside(code)
        except SyntaxError:
            self.refuse("an executed example does not parse")
            return
        if outside:
            self.refuse(f"an executed example {outside}")
        if self.snapshot is None:
            self.refuse("no dlnotes snapshot")
            return
        self.modules |= self.snapshot.imported(code)

    def autodoc(self, identifier: str, yaml_block: str) -> None:
        if yaml_block.strip() and re.search(r"^\s*handler\s*:", yaml_block, re.M) \
                and not re.search(r"^\s*handler\s*:\s*python\s*$", yaml_block, re.M):
            self.refuse(f"autodoc {identifier} uses a handler other than python")
        module = self.snapshot.module_of(identifier) if self.snapshot is not None else None
        if module is None:
            self.refuse(f"autodoc identifier {identifier} is not in dlnotes")
            return
        self.modules |= self.snapshot.with_submodules(module)


class _Capture(logging.Handler):
    """Collects every record emitted while a page converts (attached to root and ``mkdocs``)."""

    def __init__(self, recorder: Recorder):
        super().__init__(logging.DEBUG)
        self.recorder = recorder
        self.seen: set[int] = set()
        self.thread = threading.get_ident()

    def emit(self, record):
        if record.thread == self.thread and id(record) not in self.seen:
            self.seen.add(id(record))
            self.recorder.records.append(record)


def file_sha(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _current() -> Recorder | None:
    return _CACHE.get("recorder")


# --------------------------------------------------------------------------- patches of the libraries


def _targets():
    """``(key, owner, attribute, wrapper factory)`` for every function the recording needs."""
    import pymdownx.snippets as snippets
    from markdown_exec._internal.formatters import python as mx_python
    from mkdocs_autorefs._internal.plugin import AutorefsPlugin
    from mkdocstrings._internal.extension import AutoDocProcessor
    from material.plugins.search.plugin import SearchIndex
    from mkdocstrings._internal.inventory import Inventory

    def read_lines(orig):
        def wrapper(self, path, *args, **kwargs):
            rec = _current()
            if rec is not None:
                rec.snippet(path)  # hashed before snippets reads it: an edit in between is caught next build
            return orig(self, path, *args, **kwargs)
        return wrapper

    def download(orig):
        def wrapper(self, url, *args, **kwargs):
            rec = _current()
            if rec is not None:
                rec.refuse(f"snippet downloaded from {url}")
            return orig(self, url, *args, **kwargs)
        wrapper.cache_clear = orig.cache_clear  # an lru_cache: snippets calls self.download.cache_clear()
        return wrapper

    def exec_python(orig):
        def wrapper(code, *args, **kwargs):
            rec = _current()
            if rec is not None:
                rec.executed(code)
            return orig(code, *args, **kwargs)
        return wrapper

    def code_block_id(orig):
        def wrapper(id=None, session=None, title=None):  # noqa: A002 (markdown-exec's signature)
            rec = _current()
            if rec is not None and session:
                rec.sessions.add(session)
            return orig(id, session, title)
        return wrapper

    def process_block(orig):
        def wrapper(self, identifier, yaml_block, *args, **kwargs):
            rec = _current()
            if rec is not None:
                rec.autodoc(identifier, yaml_block)
            return orig(self, identifier, yaml_block, *args, **kwargs)
        return wrapper

    def register_anchor(orig):
        def wrapper(self, page, identifier, anchor=None, *, title=None, primary=True):
            rec = _current()
            if rec is not None:
                url = page if isinstance(page, str) else getattr(page, "url", None)
                if url != rec.page_url:
                    rec.refuse(f"an anchor was registered for another page ({url})")
                rec.anchors.append((identifier, anchor, title, primary))
            return orig(self, page, identifier, anchor, title=title, primary=primary)
        return wrapper

    def inventory_register(orig):
        def wrapper(self, name, domain, role, uri, priority=1, dispname=None):
            rec = _current()
            if rec is not None:
                rec.inventory.append(dict(name=name, domain=domain, role=role, uri=uri,
                                          priority=priority, dispname=dispname))
            return orig(self, name, domain, role, uri, priority, dispname)
        return wrapper

    def add_entry_from_context(orig):
        def wrapper(self, page):
            if not enabled():
                return orig(self, page)
            key = search_key(page)
            memo = _CACHE.setdefault("search", {})
            hit = memo.get(page.file.src_uri)
            if hit is not None and hit[0] == key:
                self.entries.extend(copy.deepcopy(hit[1]))
                _CACHE["build"]["search_reused"] = _CACHE["build"].get("search_reused", 0) + 1
                return None
            start = len(self.entries)
            result = orig(self, page)
            memo[page.file.src_uri] = (key, copy.deepcopy(self.entries[start:]))
            return result
        return wrapper

    return [
        ("search.add_entry_from_context", SearchIndex, "add_entry_from_context", add_entry_from_context),
        ("snippets.read_lines", snippets.SnippetPreprocessor, "read_lines", read_lines),
        ("snippets.download", snippets.SnippetPreprocessor, "download", download),
        ("markdown_exec.exec_python", mx_python, "exec_python", exec_python),
        ("markdown_exec._code_block_id", mx_python, "_code_block_id", code_block_id),
        ("mkdocstrings._process_block", AutoDocProcessor, "_process_block", process_block),
        ("autorefs.register_anchor", AutorefsPlugin, "register_anchor", register_anchor),
        ("mkdocstrings.Inventory.register", Inventory, "register", inventory_register),
    ]


def install_patches() -> None:
    """Wrap the library functions (once per build: this module is re-imported by every rebuild)."""
    originals = _CACHE["originals"]
    for key, owner, attr, factory in _targets():
        orig = originals.setdefault(key, owner.__dict__[attr])
        wrapped = factory(orig)
        wrapped.__dlnotes_pagecache__ = True
        setattr(owner, attr, wrapped)


def remove_patches() -> None:
    """Put the original library functions back (``mkdocs build`` runs unpatched)."""
    originals = _CACHE["originals"]
    if not originals:
        return
    for key, owner, attr, _ in _targets():
        if key in originals:
            setattr(owner, attr, originals[key])
    originals.clear()


# --------------------------------------------------------------------------- keys


def global_key(config, files) -> str:
    """Hash of what every page's conversion depends on besides its own inputs."""
    root = Path(config.config_file_path).resolve().parent
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(label.encode() + b"\0" + len(data).to_bytes(8, "little") + data)

    add("version", HOOK_VERSION.encode())
    add("python", sys.version.encode())
    for dist in KEY_DISTRIBUTIONS:
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "missing"
        add(f"dist {dist}", version.encode())
    add("mkdocs.yml", Path(config.config_file_path).read_bytes())
    hooks = {Path(m.__file__).resolve() for m in config.hooks.values() if getattr(m, "__file__", None)} | {p.resolve() for p in (root / "hooks").glob("*.py")}
    for path in sorted(hooks):
        add(f"hook {path}", path.read_bytes())
    add("files", "\n".join(sorted(f.src_uri for f in files)).encode())
    add("site_url", str(config.site_url or "").encode())
    add("use_directory_urls", str(config.use_directory_urls).encode())
    add("docs_dir", str(config.docs_dir).encode())
    add("env", repr(sorted((k, v) for k, v in os.environ.items() if k.startswith("DLNOTES_"))).encode())
    return h.hexdigest()


def _toc_tuple(items) -> tuple:
    return tuple((item.title, item.id, item.level, _toc_tuple(item.children)) for item in items)


def search_key(page) -> str:
    """Hash of everything Material's ``SearchIndex.add_entry_from_context`` reads from a page."""
    h = hashlib.sha256()
    for part in (page.content or "", repr(_toc_tuple(page.toc)), page.url, str(page.title), repr(page.meta)):
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def process_state():
    """Process-wide state an executed example can change and a later page's output depends on:
    NumPy's print options and floating-point error handling.

    A reused page does not run its examples, so the state it leaves behind is replayed, and a
    page is reused only if the state before it is the one its stored HTML was converted in.
    """
    import numpy as np  # every example imports it anyway; imported here, the state is defined

    return {"printoptions": np.get_printoptions(), "err": np.geterr()}


def _set_process_state(state) -> None:
    import numpy as np

    np.set_printoptions(**state["printoptions"])
    np.seterr(**state["err"])


def _md_sha(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- MkDocs events


def enabled() -> bool:
    return _CACHE.get("command") == "serve" and os.environ.get("DLNOTES_PAGECACHE", "1") != "0"


def on_startup(command, dirty):
    _CACHE["command"] = command
    if command != "serve":
        _CACHE["entries"].clear()


def on_config(config):
    if enabled():
        install_patches()
    else:
        remove_patches()
    return config


def on_pre_build(config):
    build = _CACHE["build"] = {"reused": [], "converted": [], "refused": [], "sessions": {},
                                "session_users": {}, "file_sha": {}, "seconds": {}}
    if not enabled():
        return
    # Every build starts from the NumPy state the process started with, as a fresh `mkdocs build`
    # does: a page that changes print options leaks nothing into the next rebuild.
    initial = _CACHE.setdefault("initial_state", process_state())
    if process_state() != initial:
        _set_process_state(initial)
    # The snapshot is taken here, before any page imports dlnotes (hooks/reload.py dropped the
    # modules). find_spec of a top-level package locates it without running its code.
    spec = importlib.util.find_spec("dlnotes")
    if spec is None or not spec.submodule_search_locations:
        build["snapshot"] = None
        return
    root = Path(list(spec.submodule_search_locations)[0])
    try:
        memo = _CACHE.setdefault("graph_memo", {})
        if len(memo) > 4096:  # one entry per version of each module seen by this process
            memo.clear()
        build["snapshot"] = PackageSnapshot(root, memo=memo)
    except Exception as exc:  # a module being edited may not parse: then nothing depending on dlnotes is reused
        log.info("pagecache: no dlnotes snapshot (%s): every page is converted", exc)
        build["snapshot"] = None


def on_files(files, config):
    if enabled():
        snapshot = _CACHE["build"].get("snapshot")
        # the rules that turn code into dependencies (dlnotes/_deps.py) are part of every key
        rules = snapshot.rules if snapshot is not None else "no snapshot"
        _CACHE["build"]["global_key"] = global_key(config, files) + "/" + rules
        _CACHE["build"]["pages"] = {f.src_uri for f in files.documentation_pages()}
    return files


@event_priority(-100)  # after every other on_page_markdown (mkdocs-jupyter replaced render in on_pre_page)
def on_page_markdown(markdown, page, config, files):
    if enabled() and "render" not in vars(page):
        page.render = types.MethodType(_cached_render, page)
    return markdown


def _snippet_unchanged(path: str, sha: str) -> bool:
    memo = _CACHE["build"]["file_sha"]
    if path not in memo:
        try:
            memo[path] = file_sha(path)
        except OSError:
            memo[path] = None
    return memo[path] == sha


def _exec_counter():
    from markdown_exec._internal.rendering import MarkdownConverter

    return MarkdownConverter


def reusable(entry: dict, page, build: dict) -> str | None:
    """``None`` if ``entry`` may stand for ``page`` in this build, else the reason it may not."""
    if entry["markdown"] != _md_sha(page.markdown):
        return "Markdown changed"
    if entry["global_key"] != build.get("global_key"):
        return "configuration, hooks, file list or libraries changed"
    for path, sha in entry["snippets"].items():
        if not _snippet_unchanged(path, sha):
            return f"snippet source {os.path.relpath(path)} changed"
    if entry["modules"]:
        snapshot = build.get("snapshot")
        if snapshot is None or not set(entry["modules"]) <= snapshot.modules:
            return "dlnotes modules changed"
        if snapshot.digest(entry["modules"]) != entry["digest"]:
            return "dlnotes modules changed"
    for session in entry["sessions"]:
        if build["sessions"].get(session, page.file.src_uri) != page.file.src_uri:
            return f"session {session} used by another page"
    cache = Path(os.environ.get("DLNOTES_FIGURE_CACHE", ".cache/figures"))
    for key in entry["figures"]:
        if not (cache / f"{key}.svg").is_file():
            return f"figure {key} not in the figure cache"
    if entry["ran_code"] and process_state() != entry["state_before"]:
        return "NumPy print options or error handling differ from the stored conversion's"
    if entry["exec_ids"] and _exec_counter().counter != entry["counter_start"]:
        return "markdown-exec ids would differ"
    return None


def _restore(entry: dict, page, config, files) -> None:
    page.content = entry["content"]
    page.toc = copy.deepcopy(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["present_anchor_ids"])
    if entry["links_to_anchors"] is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): dict(links)
                                 for uri, links in entry["links_to_anchors"].items()}
    counter = _exec_counter()
    counter.counter += entry["counter_delta"]
    if entry["ran_code"] and entry["state_after"] != entry["state_before"]:
        _set_process_state(entry["state_after"])  # what running the page's examples would have left
    autorefs = config.plugins.get("autorefs")
    for identifier, anchor, title, primary in entry["anchors"]:
        autorefs.register_anchor(page, identifier, anchor, title=title, primary=primary)
    if entry["inventory"]:
        inventory = config.plugins["mkdocstrings"].handlers.inventory
        for item in entry["inventory"]:
            inventory.register(**item)
    for level, name, message in entry["records"]:
        logging.getLogger(name).log(level, "%s", message)


def _cached_render(page, config, files) -> None:
    """``Page.render`` with the cache in front of it (bound to one page by ``on_page_markdown``)."""
    build = _CACHE["build"]
    src_uri = page.file.src_uri
    entry = _CACHE["entries"].get(src_uri)
    if entry is None:
        reason = _CACHE.setdefault("uncacheable", {}).get(src_uri, "not converted before")
    else:
        reason = reusable(entry, page, build)
    if reason is None:
        if all(files.get_file_from_path(uri) is not None for uri in entry["links_to_anchors"] or {}):
            _restore(entry, page, config, files)
            for session in entry["sessions"]:
                build["sessions"].setdefault(session, src_uri)
                build["session_users"].setdefault(session, set()).add(src_uri)
            build["reused"].append(src_uri)
            return
        reason = "a linked file is gone"
    _CACHE["entries"].pop(src_uri, None)
    build["converted"].append((src_uri, reason))
    started = time.perf_counter()
    rec = Recorder(page.url, build.get("snapshot"))
    capture = _Capture(rec)
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
    for logger in loggers:
        logger.addHandler(capture)
    counter = _exec_counter()
    counter_start = counter.counter
    state_before = process_state()
    _CACHE["recorder"] = rec
    try:
        type(page).render(page, config, files)
    finally:
        _CACHE["recorder"] = None
        for logger in loggers:
            logger.removeHandler(capture)
        build["seconds"][src_uri] = time.perf_counter() - started
    for session in rec.sessions:
        build["session_users"].setdefault(session, set()).add(src_uri)
        if build["sessions"].setdefault(session, src_uri) != src_uri:
            rec.refuse(f"session {session} is shared with {build['sessions'][session]}")
    if any(r.levelno >= logging.WARNING for r in rec.records):
        rec.refuse("the conversion logged a warning")
    if rec.uncacheable:
        build["refused"].append((src_uri, rec.uncacheable[0]))
        _CACHE.setdefault("uncacheable", {})[src_uri] = f"not cacheable: {rec.uncacheable[0]}"
        log.debug("pagecache: %s is not cached: %s", src_uri, "; ".join(rec.uncacheable))
        return
    _CACHE.setdefault("uncacheable", {}).pop(src_uri, None)
    snapshot = build.get("snapshot")
    links = page.links_to_anchors
    _CACHE["entries"][src_uri] = {
        "markdown": _md_sha(page.markdown),
        "global_key": build.get("global_key"),
        "snippets": dict(rec.snippets),
        "modules": sorted(rec.modules),
        "digest": snapshot.digest(rec.modules) if rec.modules else None,
        "sessions": sorted(rec.sessions),
        "figures": sorted(set(FIGURE_URL.findall(page.content))),
        "exec_ids": bool(EXEC_ID.search(page.content)),
        "counter_start": counter_start,
        "counter_delta": counter.counter - counter_start,
        "ran_code": rec.executed_any,
        "state_before": state_before,
        "state_after": process_state(),
        "content": page.content,
        "toc": copy.deepcopy(page.toc),
        "title": page._title_from_render,
        "present_anchor_ids": frozenset(page.present_anchor_ids or ()),
        "links_to_anchors": None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
        "anchors": list(rec.anchors),
        "inventory": list(rec.inventory),
        "records": [(r.levelno, r.name, r.getMessage()) for r in rec.records if r.levelno >= logging.INFO],
    }


def on_post_build(config):
    build = _CACHE.get("build") or {}
    if not enabled():
        return
    # A markdown-exec session used by two pages ties them together (the later page sees the
    # earlier page's variables): neither is stored, so both are converted every time.
    shared = {uri for users in build.get("session_users", {}).values() if len(users) > 1 for uri in users}
    # (`serve --dirty` does not render unmodified pages: their entries stay while the page exists)
    pages = build.get("pages", set())
    for uri in list(_CACHE["entries"]):
        if uri in shared or uri not in pages:
            del _CACHE["entries"][uri]
    search = _CACHE.get("search", {})
    for uri in [uri for uri in search if uri not in pages]:
        del search[uri]
    converted = build.get("converted", [])
    refused = build.get("refused", [])
    if refused:
        log.debug("pagecache: not cacheable: %s", "; ".join(f"{uri} ({why})" for uri, why in refused))
    seconds = build.get("seconds", {})
    log.info("pagecache: %d pages reused, %d converted in %.2f s (%d not cacheable), %d search entries reused%s",
             len(build.get("reused", [])), len(converted), sum(seconds.values()), len(refused),
             build.get("search_reused", 0),
             "" if not converted else ": " + ", ".join(
                 f"{uri} ({why}, {seconds.get(uri, 0):.2f} s)" if len(converted) <= 8 else uri
                 for uri, why in converted))
