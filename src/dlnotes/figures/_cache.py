"""Deterministic SVG rendering of figure functions, cached on a content hash.

A figure is identified by ``"module.function"`` (a function in
``dlnotes.figures.<module>`` that returns a :class:`matplotlib.figure.Figure`)
and its keyword arguments. Its SVG is stored in the cache directory under a
key that hashes everything the picture depends on:

* the figure's name and its keyword arguments (arrays by dtype, shape and bytes),
* the source of every ``.py`` file of the :mod:`dlnotes` package (so the figure
  module, the helpers it calls and this renderer are all covered),
* the fixed rcParams :data:`STYLE`, and the Python, NumPy and matplotlib versions.

So an unchanged figure is read back from disk (a rebuild is fast) and a
figure whose code or inputs changed is always redrawn (never stale).
Rendering is deterministic: the Agg/SVG backends, a fixed ``svg.hashsalt``,
no date in the metadata and text drawn as paths, so two renders of the same
key are byte-identical. See [how figures are built](about.md#figures).
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib
import io
import os
import re
import sys
from pathlib import Path

import numpy as np

__all__ = ["STYLE", "KEY_VERSION", "cache_dir", "source_digest", "figure_key", "render_svg", "render",
           "FIGURE_URL_PREFIX"]

#: Bump to invalidate every cached figure by hand.
KEY_VERSION = "1"

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
    """Directory of cached SVG files.

    ``$DLNOTES_FIGURE_CACHE`` if set (the site's hooks set it to ``<project>/.cache/figures``),
    else ``.cache/figures`` in the project checkout that holds this package (an editable
    install), else ``.cache/figures`` under the current directory.
    """
    env = os.environ.get("DLNOTES_FIGURE_CACHE")
    if env:
        return Path(env)
    root = Path(__file__).resolve().parents[3]
    if (root / "mkdocs.yml").is_file():
        return root / ".cache" / "figures"
    return Path.cwd() / ".cache" / "figures"


def _package_dir():
    return Path(__file__).resolve().parents[1]


_SOURCE_MEMO: dict = {}


def source_digest(package_dir=None):
    """SHA-256 of the relative path and bytes of every ``.py`` file of the package.

    Memoised on the files' (path, size, mtime) so repeated calls in one build only ``stat``.
    Part of every figure's key: see [the figure cache](about.md#figures).

    Examples
    --------
    >>> len(source_digest()), source_digest() == source_digest()
    (64, True)
    """
    root = Path(package_dir) if package_dir is not None else _package_dir()
    files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    signature = tuple((str(p), st.st_size, st.st_mtime_ns) for p in files for st in [p.stat()])
    if signature in _SOURCE_MEMO:
        return _SOURCE_MEMO[signature]
    h = hashlib.sha256()
    for p in files:
        h.update(p.relative_to(root).as_posix().encode() + b"\0")
        h.update(p.read_bytes() + b"\0")
    digest = h.hexdigest()
    _SOURCE_MEMO.clear()
    _SOURCE_MEMO[signature] = digest
    return digest


def _canonical(value):
    """A deterministic text form of a keyword argument (refuses anything with an address)."""
    if isinstance(value, np.ndarray):
        return f"ndarray({value.dtype.str},{value.shape},{hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()})"
    if isinstance(value, np.generic):
        return f"{type(value).__name__}({value.item()!r})"
    if isinstance(value, dict):
        items = sorted(((_canonical(k), _canonical(v)) for k, v in value.items()))
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        inner = ",".join(_canonical(v) for v in value)
        return ("[" + inner + "]") if isinstance(value, list) else ("(" + inner + ")")
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)
    if callable(value) and hasattr(value, "__qualname__") and "<" not in value.__qualname__:
        return f"callable({getattr(value, '__module__', '?')}.{value.__qualname__})"
    text = repr(value)
    if " at 0x" in text or "<lambda>" in text:
        raise TypeError(f"kwargs: cannot cache a figure on {text}; pass plain data (numbers, strings, "
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
    import matplotlib
    import matplotlib.style

    h = hashlib.sha256()
    parts = [
        KEY_VERSION,
        name,
        _canonical(dict(kwargs or {})),
        _canonical(STYLE),
        f"python {sys.version_info[0]}.{sys.version_info[1]}",
        f"numpy {np.__version__}",
        f"matplotlib {matplotlib.__version__}",
        source_digest(),
    ]
    for part in parts:
        h.update(part.encode() + b"\0")
    return h.hexdigest()[:24]


def _resolve(name):
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"name: expected 'module.function' (e.g. 'course1_week2.sigmoid_curve'), got {name!r}")
    module_name, func_name = name.split(".")
    module = importlib.import_module(f"dlnotes.figures.{module_name}")
    func = getattr(module, func_name, None)
    if func is None or not callable(func):
        raise AttributeError(f"name: dlnotes.figures.{module_name} has no function {func_name!r}")
    return func


def _draw(name, kwargs):
    import matplotlib
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
    saves SVG and stores it atomically as ``<cache_dir>/<key>.svg``. See
    [the figure cache](about.md#figures).
    """
    key = figure_key(name, kwargs)
    directory = cache_dir()
    path = directory / f"{key}.svg"
    if path.is_file():
        return key, path.read_text(encoding="utf-8"), True
    svg = _draw(name, kwargs)
    directory.mkdir(parents=True, exist_ok=True)
    tmp = directory / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(svg, encoding="utf-8")
    os.replace(tmp, path)
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
        Visible ``<figcaption>`` (HTML-escaped).
    embed : bool
        ``False`` (the site): an ``<img>`` pointing at ``figures/<key>.svg``, which the site's
        hook rewrites per page and copies into the built site. ``True``: the SVG is embedded as a
        ``data:`` URL (for notebooks).
    **kwargs
        Passed to the figure function; part of the cache key.

    Returns
    -------
    str
        ``<figure class="dlnotes-figure">...</figure>``.

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
    key, svg, _ = render_svg(name, **kwargs)
    if embed:
        src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    else:
        src = f"{FIGURE_URL_PREFIX}{key}.svg"
    size = ""
    match = _PT_RE.search(svg)
    if match:
        width, height = (round(float(v) * 4 / 3) for v in match.groups())
        size = f' width="{width}" height="{height}"'
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="dlnotes-figure" data-figure="{html.escape(name)}">'
            f'<img src="{src}" alt="{html.escape(alt, quote=True)}"{size}>{cap}</figure>')
