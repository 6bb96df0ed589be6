"""Deterministic SVG rendering of the figure functions, and the disk memo of their heavy computations.

The figure functions are teaching code (``dlnotes.figures.<page>``, shown on the pages); this
module is the build machinery around them. A figure is identified by ``"module.function"`` and
its keyword arguments. Its SVG is stored in :func:`cache_dir` under a key that hashes everything
the picture depends on:

* the figure's name and its keyword arguments (arrays by dtype, shape and bytes),
* :func:`dlnotes_site.deps.digest` of ``dlnotes.figures.<module>``: the source of the figure
  module and of every ``dlnotes`` module it imports, directly or not (a module that is not a
  file of the package, e.g. one made by a test, is keyed on the whole package source instead),
* :data:`RENDERER`: the source of this renderer and of :mod:`dlnotes_site.deps`,
* the fixed rcParams :data:`STYLE`, and the Python, NumPy and matplotlib versions.

So an unchanged figure is read back from disk (a rebuild is fast), a figure whose code or inputs
changed is always redrawn (never stale), and an edit to a module the figure does not import
leaves it alone. Rendering is deterministic: the Agg/SVG backends, a fixed ``svg.hashsalt``, no
date in the metadata and text drawn as paths, so two renders of the same key are byte-identical.

:func:`memo` is the same idea for the results of slow functions (the training runs that figures
and pages share): a result is pickled to ``<results_dir>/<key>.pkl``. A figure module marks those
functions with the plain marker :func:`dlnotes.figures.heavy`; importing this module installs an
import hook (:func:`install`) that replaces every marked function of a ``dlnotes.figures`` module,
as the module is imported, by its :func:`memo` wrapper (the module attribute, so the module's own
calls and ``from dlnotes.figures.<page> import <function>`` on a page both go through the memo).
See [how figures are built](about.md#figures) and [the build's caches](about.md#caches).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import inspect
import io
import pickle
import re
import sys
import time
from pathlib import Path

import numpy as np

from dlnotes_site import cache as _cache
from dlnotes_site import deps as _deps

__all__ = ["STYLE", "KEY_VERSION", "MEMO_VERSION", "RENDERER", "cache_dir", "results_dir", "module_digest",
           "figure_key", "render_svg", "render", "memo", "memo_key", "FIGURE_URL_PREFIX", "install",
           "record_import_time", "loaded_code_is_current"]

#: Bump to invalidate every cached figure by hand.
KEY_VERSION = "2"
#: Bump to invalidate every memoised result (:func:`memo`) by hand.
MEMO_VERSION = "1"

#: rcParams applied (on top of matplotlib's defaults) while a figure is built and saved.
STYLE = {
    "svg.hashsalt": "dlnotes",
    "svg.fonttype": "path",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 10.0,
    "mathtext.fontset": "dejavusans",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.edgecolor": "white",
    "savefig.transparent": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 100.0,
    "savefig.bbox": None,
    "path.simplify": True,
    "legend.fontsize": "small",
}

#: ``src`` prefix of the ``<img>`` tags :func:`render` returns; the site's
#: ``hooks/figures.py`` rewrites it to a URL relative to each page and copies the files.
FIGURE_URL_PREFIX = "/__dlnotes_figures__/"

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")
_PT_RE = re.compile(r'<svg[^>]*?width="([0-9.]+)pt"[^>]*?height="([0-9.]+)pt"', re.S)


def cache_dir():
    """Directory of cached SVG files: ``dlnotes_site.cache.directory("figures")``."""
    return _cache.directory("figures")


def results_dir():
    """Directory of the results stored by :func:`memo`: ``dlnotes_site.cache.directory("results")``."""
    return _cache.directory("results")


def _package_dir():
    return _deps.package_dir()


#: SHA-256 of this renderer's and :mod:`dlnotes_site.deps`'s source (the code in memory): part
#: of every figure and result key, since it is in no figure module's import closure.
RENDERER = hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (sys.modules[__name__], _deps))).hexdigest()


def _code_dependencies(module_name):
    """``(kind, names, source)``: the package modules the code of ``module_name`` depends on.

    ``"deps"``: a module of the package (itself; :func:`dlnotes_site.deps.closure` adds the rest).
    ``"file"``: a module outside the package with a source file (a test's): the ``dlnotes``
    modules it imports, and its own bytes. ``"package"``: anything else (made at run time):
    every module.
    """
    files = _deps.module_files(_package_dir())
    if module_name in files:
        return "deps", [module_name], None
    path = getattr(sys.modules.get(module_name), "__file__", None)
    if path and str(path).endswith(".py") and Path(path).is_file():
        source = Path(path).read_bytes()
        return "file", sorted(_deps.imported_modules(source.decode("utf-8"), files, current=module_name)), source
    return "package", sorted(files), None


def module_digest(module_name):
    """Digest of the source that the code of module ``module_name`` can depend on.

    * a module of the package: :func:`dlnotes_site.deps.digest` of it (its file, its
      parents' ``__init__.py`` and everything it imports, transitively);
    * a module outside the package with a source file (a test module): the
      file's bytes plus the digest of the ``dlnotes`` modules it imports;
    * anything else (a module object made at run time): :func:`dlnotes_site.deps.digest` of
      the whole package.

    Examples
    --------
    >>> module_digest("dlnotes.figures.course1_week1") == module_digest("dlnotes.figures.course1_week1")
    True
    >>> module_digest("dlnotes.figures.course1_week1") == module_digest("dlnotes.figures.course1_week2")
    False
    """
    root = _package_dir()
    kind, names, source = _code_dependencies(module_name)
    if kind == "deps":
        return "deps:" + _deps.digest(names, root)
    if kind == "file":
        return (f"file:{hashlib.sha256(source).hexdigest()}:"
                f"{_deps.digest(names, root) if names else 'no-dlnotes'}")
    return "package:" + _deps.digest(None, root)


#: File timestamps come from a coarse clock that may lag ``time.time_ns()`` by a few ms.
_MTIME_SLACK_NS = 200_000_000


def loaded_code_is_current(module_name):
    """Whether the code of ``module_name`` in memory is the source its cache key hashes.

    A cache key is a digest of the files on disk (:func:`module_digest`), but the result is
    computed by the modules in memory. ``dlnotes.nn`` imported early in a build, then edited,
    then used by a figure would give a result of the old code under the new code's key: a
    stale entry. So a result is stored only if no file of the module's dependency closure was
    modified after ``dlnotes`` was imported (:data:`IMPORTED_NS`, see :func:`record_import_time`;
    under ``mkdocs serve`` the site's hook re-imports the package before every build). A module
    outside the package (a test's) is judged by the ``dlnotes`` modules it imports.

    Examples
    --------
    >>> loaded_code_is_current("dlnotes.figures.course1_week1")      # nothing edited since import
    True
    """
    imported_ns = IMPORTED_NS
    if imported_ns is None:
        return False
    root = _package_dir()
    files = _deps.module_files(root)
    _, names, _ = _code_dependencies(module_name)
    limit = imported_ns - _MTIME_SLACK_NS
    return all(files[n].stat().st_mtime_ns < limit for n in _deps.closure(names, root))


def _canonical(value, argument="kwargs"):
    """A deterministic text form of an argument (refuses anything with an address)."""
    if isinstance(value, np.ndarray):
        return f"ndarray({value.dtype.str},{value.shape},{hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()})"
    if isinstance(value, np.generic):
        return f"{type(value).__name__}({value.item()!r})"
    if isinstance(value, dict):
        items = sorted(((_canonical(k, argument), _canonical(v, argument)) for k, v in value.items()))
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ",".join(_canonical(v, argument) for v in value)
        return ("[" + inner + "]") if isinstance(value, list) else ("(" + inner + ")")
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if callable(value) and hasattr(value, "__qualname__") and "<" not in value.__qualname__:
        return f"callable({getattr(value, '__module__', '?')}.{value.__qualname__})"
    text = repr(value)
    if " at 0x" in text or "<lambda>" in text:
        raise TypeError(f"{argument}: cannot cache a result on {text}; pass plain data (numbers, strings, "
                        "lists, dicts, arrays) or a module-level function")
    return text


def figure_key(name, kwargs=None):
    """Hex key of the figure ``name`` called with ``kwargs`` (see the module docstring).

    Examples
    --------
    >>> a = figure_key("demo.curve", {"n": 3})
    >>> a == figure_key("demo.curve", {"n": 3}), a == figure_key("demo.curve", {"n": 4})
    (True, False)
    """
    import matplotlib  # noqa: F401 - loaded, so the key records the __version__ that runs
    import matplotlib.style

    h = hashlib.sha256()
    parts = [
        KEY_VERSION,
        name,
        _canonical(dict(kwargs or {})),
        _canonical(STYLE),
        *library_versions(("matplotlib",)),
        module_digest(f"dlnotes.figures.{str(name).split('.')[0]}"),
        RENDERER,
    ]
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:24]


def _resolve(name):
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"name: expected 'module.function' (e.g. 'course1_week2.sigmoid_curve'), got {name!r}")
    module_name, func_name = name.split(".")
    module = importlib.import_module(f"dlnotes.figures.{module_name}")
    wrap_heavy(module)
    func = getattr(module, func_name, None)
    if func is None or not callable(func):
        raise AttributeError(f"name: dlnotes.figures.{module_name} has no function {func_name!r}")
    return func


def _draw(name, kwargs):
    import matplotlib  # noqa: F401 - loaded, so the key records the __version__ that runs
    import matplotlib.style
    from matplotlib.figure import Figure

    if matplotlib.get_backend().lower() != "agg" and "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    func = _resolve(name)
    with matplotlib.style.context(["default", STYLE]):
        fig = func(**kwargs)
        if not isinstance(fig, Figure):
            raise TypeError(f"{name}: expected the figure function to return a matplotlib.figure.Figure, "
                            f"got {type(fig).__name__}")
        try:
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:
                pyplot.close(fig)
            fig.clear()
    return buf.getvalue()


def render_svg(name, **kwargs):
    """Return ``(key, svg_text, cache_hit)`` for the figure ``name`` called with ``kwargs``.

    A cache miss imports ``dlnotes.figures.<module>``, calls the function under :data:`STYLE`,
    saves SVG and stores it atomically as ``<cache_dir>/<key>.svg``. ``cache_hit`` is ``None``
    when the drawing was not stored because a source file it depends on changed after the
    package was imported (:func:`loaded_code_is_current`), or when the cache directory cannot
    be written. See
    [the figure cache](about.md#figures).
    """
    key = figure_key(name, kwargs)
    directory = cache_dir()
    path = directory / f"{key}.svg"
    if path.is_file():
        return key, path.read_text(encoding="utf-8"), True
    svg = _draw(name, kwargs)
    if not loaded_code_is_current(f"dlnotes.figures.{name.split('.')[0]}"):
        return key, svg, None          # drawn by code older than the files: never stored (see render)
    if not _cache.write_atomic(path, svg.encode("utf-8")):
        return key, svg, None          # could not be stored (a read-only checkout): inlined by render
    return key, svg, False


def render(name, *, alt, caption=None, embed=False, **kwargs):
    """Render a figure function to an accessible HTML ``<figure>`` with a deterministic SVG image.

    Parameters
    ----------
    name : str
        ``"module.function"``: the function ``dlnotes.figures.<module>.<function>``,
        which returns a :class:`matplotlib.figure.Figure`.
    alt : str
        Text alternative read by screen readers (required, non-empty).
    caption : str, optional
        Visible ``<figcaption>`` (HTML-escaped): what to look at in the figure.
    embed : bool
        ``False`` (the site): an ``<img>`` pointing at ``figures/<key>.svg``, which the site's
        hook rewrites per page and copies into the built site, inside a link to that file, so
        that a tap (on a phone) or a click opens the figure full size. ``True``: the SVG is
        embedded as a ``data:`` URL (for notebooks), without a link.
    **kwargs
        Passed to the figure function; part of the cache key.

    Returns
    -------
    str
        ``<figure class="dlnotes-figure" data-figure="<name>">``, holding
        ``<a class="dlnotes-figure-zoom" href="<svg>"><img ...></a>`` (only ``<img ...>`` when the
        SVG is a ``data:`` URL) and the ``<figcaption>``.

    Notes
    -----
    The image has a white background (a card in the dark theme) and explicit ``width`` and
    ``height`` in CSS pixels ($1\\,\\mathrm{pt} = 4/3\\,\\mathrm{px}$). See
    [how figures are built](about.md#figures).

    Examples
    --------
    >>> render("no_such_module.f", alt="")
    Traceback (most recent call last):
    ...
    ValueError: alt: expected a non-empty text alternative for the figure, got ''
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt: expected a non-empty text alternative for the figure, got {alt!r}")
    if caption is not None and not isinstance(caption, str):
        raise TypeError(f"caption: expected a str or None, got {type(caption).__name__}")
    if caption is not None and not caption.strip():
        raise ValueError(f"caption: expected a non-empty text (or None for no caption), got {caption!r}")
    key, svg, hit = render_svg(name, **kwargs)
    if embed or hit is None:           # not in the cache (code edited during the build): inline it
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    else:
        src = f"{FIGURE_URL_PREFIX}{key}.svg"
    size = ""
    match = _PT_RE.search(svg)
    if match:
        width, height = (round(float(v) * 4 / 3) for v in match.groups())
        size = f' width="{width}" height="{height}"'
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    img = f'<img src="{src}" alt="{html.escape(alt, quote=True)}"{size}>'
    if not src.startswith("data:"):    # a tap opens the SVG alone, which a phone can zoom
        img = f'<a class="dlnotes-figure-zoom" href="{src}" title="Open the figure full size">{img}</a>'
    return f'<figure class="dlnotes-figure" data-figure="{html.escape(name)}">{img}{cap}</figure>'


# --------------------------------------------------------------------------- memo


def library_versions(distributions=()):
    """``["python=3.11.7", "numpy=2.4.6", "<dist>=<version>", ...]``: the one version fingerprint of
    every cache key (figures, memo, labs). A loaded module's ``__version__`` wins over the installed
    metadata, so what is fingerprinted is what runs."""
    parts = [f"python={'.'.join(map(str, sys.version_info[:3]))}", f"numpy={np.__version__}"]
    for dist in distributions:
        module = sys.modules.get(dist)
        try:
            version = getattr(module, "__version__", None) or importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "missing"
        parts.append(f"{dist}={version}")
    return parts


def memo_key(func, args=(), kwargs=None, *, distributions=(), deps=None):
    """Hex key under which :func:`memo` stores ``func(*args, **kwargs)``.

    It hashes :data:`MEMO_VERSION`, the function's module and qualified name, its arguments
    bound to its signature with the defaults applied (so ``f()`` and ``f(seed=0)`` share a key
    when the default is 0; arrays by dtype, shape and bytes), :func:`module_digest` of its
    module (``deps`` if given), :data:`RENDERER`, and the Python, NumPy and ``distributions`` versions.

    Examples
    --------
    >>> def f(n, seed=0):
    ...     return n
    >>> memo_key(f, (3,)) == memo_key(f, (), {"n": 3, "seed": 0}), memo_key(f, (3,)) == memo_key(f, (4,))
    (True, False)
    """
    func = inspect.unwrap(func)
    name = f"{func.__module__}.{func.__qualname__}"
    try:
        bound = inspect.signature(func).bind(*args, **(kwargs or {}))
    except TypeError as exc:
        raise TypeError(f"{func.__qualname__}: {exc}") from None
    bound.apply_defaults()
    arguments = _canonical(dict(bound.arguments), argument=f"{func.__qualname__}() arguments")
    deps = module_digest(func.__module__) if deps is None else deps
    h = hashlib.sha256()
    for part in [MEMO_VERSION, name, arguments, deps, RENDERER, *library_versions(distributions)]:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:32]


def _read_result(path):
    try:
        data = path.read_bytes()
        pickle.loads(data)  # a file that does not unpickle (a class that moved) is a miss
        return data
    except Exception:  # missing, unreadable, or not a result any more
        return None


def memo(func=None, *, distributions=()):
    """Memoise a slow, deterministic function on disk and in memory, keyed on its dependencies.

    ``@memo`` (or ``@memo(distributions=("scikit-learn",))`` when a library's version can change
    the result) replaces ``functools.lru_cache`` for the training runs that figures and pages
    share. A call computes :func:`memo_key`; if the process has the result, or
    ``<results_dir>/<key>.pkl`` exists, the stored result is returned; otherwise the function
    runs and its pickled result is stored (written atomically). Because the key contains the
    digest of the function's module and of everything it imports, an edit to that code gives new
    keys (never a stale result) and an edit elsewhere in the package keeps them.

    Every call returns a **new copy** (the result is unpickled each time): a caller that mutates
    the arrays it got cannot change what the next call returns. Results must therefore be
    picklable (no closures or lambdas). A result is only stored when the dependency digest was
    the same when the module was imported, before the call and after it, so an edit made while
    it ran is not stored under the new source's key.

    The wrapper has ``cache_info()`` (``hits``, ``disk_hits``, ``misses``) and ``cache_clear()``
    (forgets the in-process results; the files stay). See [the build's caches](about.md#caches).

    Examples
    --------
    >>> import numpy as np
    >>> from dlnotes_site.figures import memo
    >>> @memo
    ... def ramp(n):
    ...     return np.arange(n)
    """
    if func is None:
        return functools.partial(memo, distributions=tuple(distributions))
    if not callable(func) or "<" in getattr(func, "__qualname__", "<"):
        raise TypeError(f"func: expected a module-level function, got {func!r}")
    distributions = tuple(distributions)
    module = func.__module__
    state = {"imported": None}
    memory: dict = {}
    counts = {"hits": 0, "disk_hits": 0, "misses": 0}

    def digest_now():
        return module_digest(module)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        deps = digest_now()
        key = memo_key(func, args, kwargs, distributions=distributions, deps=deps)
        data = memory.get(key)
        if data is not None:
            counts["hits"] += 1
            return pickle.loads(data)
        path = results_dir() / f"{key}.pkl"
        data = _read_result(path)
        if data is not None:
            counts["disk_hits"] += 1
        else:
            counts["misses"] += 1
            result = func(*args, **kwargs)
            try:
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:
                raise TypeError(f"{func.__qualname__}: memo needs a picklable result, got "
                                f"{type(result).__name__} ({exc})") from None
            if not (state["imported"] == deps == digest_now() and loaded_code_is_current(module)):
                return pickle.loads(data)  # the source changed under us: use, never store
            _cache.write_atomic(path, data)
        memory[key] = data
        return pickle.loads(data)

    def cache_info():
        return dict(counts)

    def cache_clear():
        memory.clear()
        for k in counts:
            counts[k] = 0

    wrapper.cache_info = cache_info
    wrapper.cache_clear = cache_clear
    wrapper.memo_key = lambda *args, **kwargs: memo_key(func, args, kwargs, distributions=distributions)
    # the digest at import time: the code in memory is that source (see the docstring)
    state["imported"] = digest_now()
    return wrapper


# --------------------------------------------------------------------------- the import-time guard

#: When the ``dlnotes`` modules in memory were imported (``time.time_ns()``), or ``None`` when
#: that is unknown (``dlnotes`` was imported before this module): then nothing is stored.
IMPORTED_NS = None


def record_import_time():
    """Set :data:`IMPORTED_NS` to now if no ``dlnotes`` module is in memory, else to ``None``.

    Called when this module is imported and by ``hooks/reload.py`` after it drops the ``dlnotes``
    modules before each build: every ``dlnotes`` module imported later reads its file after this
    moment, so a file older than it is the code in memory.
    """
    global IMPORTED_NS
    loaded = any(n == "dlnotes" or n.startswith("dlnotes.") for n in sys.modules)
    IMPORTED_NS = None if loaded else time.time_ns()
    return IMPORTED_NS


# --------------------------------------------------------------------------- heavy functions


def wrap_heavy(module):
    """Replace each function of ``module`` marked :func:`dlnotes.figures.heavy` by its :func:`memo`.

    Idempotent; returns ``module``. The module attribute is replaced, so the module's own calls
    (looked up in its globals) go through the memo too.
    """
    for attr, value in list(vars(module).items()):
        marker = getattr(value, "heavy", None)
        if (isinstance(marker, dict) and getattr(value, "__module__", None) == module.__name__
                and not hasattr(value, "memo_key")):
            setattr(module, attr, memo(value, distributions=marker.get("distributions", ())))
    return module


class _HeavyLoader(importlib.machinery.SourceFileLoader):
    """Loads a ``dlnotes.figures`` module as usual, then wraps its heavy functions."""

    def exec_module(self, module):
        super().exec_module(module)
        wrap_heavy(module)


class _HeavyFinder(importlib.abc.MetaPathFinder):
    """Finds ``dlnotes.figures.<module>`` like the path finder, with :class:`_HeavyLoader`."""

    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith("dlnotes.figures."):
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or type(spec.loader) is not importlib.machinery.SourceFileLoader:
            return spec
        spec.loader = _HeavyLoader(fullname, spec.origin)
        return spec


def install():
    """Put the heavy-function hook first on ``sys.meta_path`` (once) and wrap the figure modules
    already imported. Called when this module is imported."""
    if not any(isinstance(f, _HeavyFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _HeavyFinder())
    for name, module in list(sys.modules.items()):
        if name.startswith("dlnotes.figures.") and module is not None:
            wrap_heavy(module)


record_import_time()
install()
