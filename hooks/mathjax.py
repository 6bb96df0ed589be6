"""MkDocs hook: serve MathJax 3 from the site itself (no CDN).

The pip package ``django-static-mathjax`` ships MathJax's ``es5`` build. This
hook adds the files the site needs to the build as generated files under
``assets/mathjax/`` (they are copied from site-packages into ``site/``, never
into the repository):

* ``tex-svg.js``: TeX input and SVG output in one file; SVG output draws the glyphs
  as paths, so no web font is downloaded;
* ``input/tex/extensions/``: TeX packages MathJax autoloads on demand (``\\boldsymbol``,
  ``\\cancel``, ...);
* ``ui/``, ``a11y/``, ``sre/``: the context menu and accessibility tools it loads on demand.

``docs/javascripts/mathjax-config.js`` configures it and re-typesets after
Material's instant navigation.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.mathjax")

DEST = "assets/mathjax"
PARTS = ("tex-svg.js", "input/tex/extensions", "output/svg", "ui", "a11y", "sre")


def es5_dir() -> Path:
    try:
        import mathjax  # the django-static-mathjax distribution
    except ImportError as exc:  # pragma: no cover - a missing requirement
        raise PluginError("MathJax: install django-static-mathjax (pip install -r requirements.txt)") from exc
    path = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (path / "tex-svg.js").is_file():
        raise PluginError(f"MathJax: {path / 'tex-svg.js'} not found in django-static-mathjax")
    return path


def mathjax_files() -> list[tuple[str, Path]]:
    """``(site path, source path)`` of every MathJax file the site serves, sorted."""
    root = es5_dir()
    out = []
    for part in PARTS:
        src = root / part
        paths = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
        out.extend((f"{DEST}/{p.relative_to(root).as_posix()}", p) for p in paths)
    return out


def on_files(files, config):
    for uri, path in mathjax_files():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
