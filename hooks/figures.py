"""MkDocs hook: put the figures rendered by ``dlnotes_site.figures.render`` into the site.

``render`` returns ``<a href="/__dlnotes_figures__/<key>.svg"><img src="/__dlnotes_figures__/<key>.svg"></a>``
(it does not know which page it is on; the link opens the figure full size, e.g. on a
phone). For every page this hook rewrites that prefix, in both places, to the URL of
``figures/<key>.svg`` relative to the page, checks the SVG exists in the figure
cache (``.cache/figures/``), and after the build copies the SVGs used by the
pages into ``site/figures/``. A figure the cache does not hold fails the build.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from dlnotes_site.figures import FIGURE_URL_PREFIX as PREFIX
from dlnotes_site.figures import cache_dir

log = logging.getLogger("mkdocs.hooks.figures")

PATTERN = re.compile(re.escape(PREFIX) + r"([0-9a-f]{24})\.svg")
_used: dict[str, Path] = {}


def on_pre_build(config):
    _used.clear()


def on_page_content(html, page, config, files):
    if PREFIX not in html:
        return html
    cache = cache_dir()         # hooks/reload.py points it at <project>/.cache/figures

    def repl(match):
        key = match.group(1)
        path = cache / f"{key}.svg"
        if not path.is_file():
            raise PluginError(f"{page.file.src_uri}: figure {key}.svg is not in the figure cache {cache}")
        _used[key] = path
        return get_relative_url(f"figures/{key}.svg", page.url)

    return PATTERN.sub(repl, html)


def on_post_build(config):
    if not _used:
        return
    dest = Path(config.site_dir) / "figures"
    dest.mkdir(parents=True, exist_ok=True)
    for key, path in sorted(_used.items()):
        target = dest / f"{key}.svg"
        if not target.is_file() or target.stat().st_size != path.stat().st_size:
            shutil.copyfile(path, target)
    log.info("figures: %d SVG files in %s", len(_used), dest)
