"""MkDocs hook: the labs (``docs/labs/*.py``) as executed notebook pages.

The work is done by :mod:`dlnotes_site.labs` (keys, execution, HTML clean-up; no MkDocs in it).
This hook only ties it to the build:

* ``on_files`` starts one :func:`dlnotes_site.labs.build_lab` per lab in a small thread pool
  (so the kernels work while MkDocs renders the other pages), longest lab first, and points
  the MkDocs ``File`` of each lab at its executed notebook in the cache, so that
  mkdocs-jupyter (configured with ``execute: false``) only renders it;
* ``on_pre_page`` waits for the page's own lab (a failing cell fails the build, showing the
  cell and the traceback);
* ``on_page_content`` cleans the rendered HTML, resolves its links to site pages and adds the
  download bar; ``on_post_build`` copies the executed ``.ipynb`` and the ``.py`` source next to
  the page, writes the pruned notebook stylesheet and evicts old results.

Environment: ``DLNOTES_LAB_WORKERS`` (default 2) sets the number of kernels run at once,
``DLNOTES_LAB_TIMEOUT`` (default 600) the per-cell timeout in seconds.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import math
import os
import pathlib
import posixpath
import re
import shutil
import time

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

from dlnotes_site import cache as _cache
from dlnotes_site import deps as _deps
from dlnotes_site.labs import (CSS_PATH, LAB_PATTERN, NOT_IN_SITE, LabError, _EXTERNAL,
                               build_lab, clean_notebook_html, download_bar, extract_styles, html_names,
                               lab_dependencies, lab_key, package_dir, prune_css, _read_timings,
                               _write_timings)
from dlnotes_site.state import STATE

log = logging.getLogger("mkdocs.hooks.labs")

_LOCAL_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|/|#)([^"#?]+\.(?:md|py|ipynb))(#[^"]*)?"', re.I)


def resolve_links(content: str, page, files) -> str:
    """Rewrite the notebook's links to site pages (``../course1/week2.md#x``) into page URLs.

    nbconvert leaves Markdown links as written, and MkDocs does not see them; a link to a
    file that is not part of the site fails the build (as MkDocs' own link validation would).
    """
    base = posixpath.dirname(page.file.src_uri)

    def fix(m):
        target = posixpath.normpath(posixpath.join(base, m.group(1)))
        file = files.get_file_from_path(target)
        if file is None or not file.is_documentation_page():
            raise PluginError(f"labs: {page.file.src_uri} links to '{m.group(1)}', which is not a page of the site")
        return f'href="{get_relative_url(file.url, page.url)}{m.group(2) or ""}"'

    return _LOCAL_LINK.sub(fix, content)


# --------------------------------------------------------------------------- MkDocs events

_state: dict = {}
# Kept across the rebuilds of one `mkdocs serve` (which re-imports this file every time): the
# cleaned HTML of each notebook, keyed on its input's bytes.
_PERSIST: dict = STATE.setdefault("labs", {"html": {}})


def on_pre_build(config, **kwargs):
    _state.clear()


@event_priority(50)  # before mkdocs-jupyter wraps the files
def on_files(files, config, **kwargs):
    for f in [f for f in files if f.src_uri in NOT_IN_SITE]:
        files.remove(f)
    labs = [f for f in files if LAB_PATTERN.match(f.src_uri)]
    _cache.use_project(pathlib.Path(config["config_file_path"]).parent)
    cache_dir = _cache.directory("labs")
    _state.update(cache_dir=cache_dir, labs={}, used=set())
    if not labs:
        return files
    try:
        root = package_dir()
    except LabError as exc:
        raise PluginError(str(exc)) from None
    deps = _deps
    workers = max(1, int(os.environ.get("DLNOTES_LAB_WORKERS", "2")))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lab")
    _state["pool"] = pool
    # Longest first (CPU times of earlier builds; unknown labs count as long): the kernels
    # finish together instead of one long lab running alone at the end.
    costs = _read_timings(cache_dir)
    for f in sorted(labs, key=lambda f: -costs.get(pathlib.PurePosixPath(f.src_uri).name, math.inf)):
        src = pathlib.Path(f.abs_src_path)
        text = src.read_text(encoding="utf-8")
        modules = lab_dependencies(text, root, deps)
        deps_hash = deps.digest(modules, root)
        key = lab_key(text, deps_hash)
        target = cache_dir / f"{key}.ipynb"
        _state["used"].add(target.name)
        _state["labs"][f.src_uri] = {
            "src": src,
            "target": target,
            "modules": modules,
            "future": pool.submit(build_lab, src, cache_dir, deps_hash, witness=deps_hash),
        }
        # mkdocs-jupyter decides in on_files whether to wrap a file by this path ...
        f.abs_src_path = str(target)
    # Render the lab pages last, so that MkDocs builds every other page while the kernels run.
    others = [f for f in files if f not in labs]
    return Files(others + labs)


@event_priority(50)  # before mkdocs-jupyter reads the notebook
def on_pre_page(page, config, files, **kwargs):
    lab = _state.get("labs", {}).get(page.file.src_uri)
    if lab is None:
        return page
    try:
        path, seconds = lab["future"].result()
    except LabError as exc:
        _state["pool"].shutdown(wait=False, cancel_futures=True)
        raise PluginError(str(exc)) from None
    # ... and its wrapper (NotebookFile) recomputes the path, so set it again on the page's file.
    page.file.abs_src_path = str(path)
    lab["path"] = path                 # the keyed notebook, or a transient one (see build_lab)
    lab["seconds"] = seconds
    lab["dest_dir"] = pathlib.Path(page.file.abs_dest_path).parent
    if seconds is None:
        log.info("labs: %s unchanged, using %s", lab["src"].name, path.name)
    else:
        cpu = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("dlnotes_lab", {}).get("kernel_cpu_seconds")
        lab["cpu"] = cpu
        log.info("labs: executed %s in %.1f s (kernel CPU time %s s)", lab["src"].name, seconds,
                 "?" if cpu is None else f"{cpu:.1f}")
    return page


def on_page_content(content, page, config, files, **kwargs):
    lab = _state.get("labs", {}).get(page.file.src_uri)
    if lab is None:
        return content
    key = hashlib.sha256(content.encode("utf-8")).hexdigest()
    cleaned = _PERSIST["html"].get(key)
    if cleaned is None:                    # the same notebook HTML as the last build: same result
        body, styles = extract_styles(content)
        if len(_PERSIST["html"]) > 64:     # old versions of the labs
            _PERSIST["html"].clear()
        try:
            cleaned = _PERSIST["html"][key] = (clean_notebook_html(body), styles)
        except LabError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None
    content, styles = cleaned
    content = resolve_links(content, page, files)
    for block in styles:
        bad = _EXTERNAL.search(block)
        if bad:
            raise PluginError(f"labs: notebook CSS would request an external URL: {block[bad.start():bad.end() + 80]}")
    css = _state.setdefault("css", {})
    for block in styles:
        css.setdefault(hashlib.sha256(block.encode()).hexdigest(), block)
    link = f'<link rel="stylesheet" href="{get_relative_url(CSS_PATH, page.url)}">'
    bar = download_bar(lab["src"].stem)
    m = re.search(r"</h1>", content)
    content = content[: m.end()] + bar + content[m.end():] if m else bar + content
    classes, ids = html_names(content)
    names = _state.setdefault("names", (set(), set()))
    names[0].update(classes)
    names[1].update(ids)
    return link + content


def on_post_build(config, **kwargs):
    labs = _state.get("labs", {})
    for lab in labs.values():
        page_dir = lab.get("dest_dir")
        if page_dir is None:  # `mkdocs serve --dirty` did not rebuild this lab page: its files are in place
            continue
        page_dir.mkdir(parents=True, exist_ok=True)
        executed = lab.get("path", lab["target"])
        shutil.copyfile(executed, page_dir / f"{lab['src'].stem}.ipynb")
        if executed.name.startswith(".transient-"):
            executed.unlink(missing_ok=True)
        shutil.copyfile(lab["src"], page_dir / lab["src"].name)
    if _state.get("css"):
        css_file = pathlib.Path(config["site_dir"]) / CSS_PATH
        css_file.parent.mkdir(parents=True, exist_ok=True)
        classes, ids = _state.get("names", (set(), set()))
        css_file.write_text(prune_css("\n".join(_state["css"].values()), classes, ids), encoding="utf-8")
    pool = _state.pop("pool", None)
    if pool is not None:
        pool.shutdown(wait=True)
    cache_dir = _state.get("cache_dir")
    if labs and cache_dir is not None and cache_dir.is_dir():
        # Evict results no lab uses any more; keep recent ones (another build may be using them).
        for old in cache_dir.glob("*.ipynb"):
            if old.name not in _state["used"] and time.time() - old.stat().st_mtime > 3600:
                old.unlink(missing_ok=True)
    if labs and cache_dir is not None and cache_dir.is_dir():
        _write_timings(cache_dir, labs)
    if labs:
        ran = {lab["src"].name: lab.get("seconds") for lab in labs.values()}
        executed = {k: v for k, v in ran.items() if v is not None}
        cpu = sum(lab.get("cpu") or 0.0 for lab in labs.values())
        log.info("labs: %d executed (%.1f s wall time in kernels, %.1f s kernel CPU time), %d from cache",
                 len(executed), sum(executed.values()), cpu, len(ran) - len(executed))
