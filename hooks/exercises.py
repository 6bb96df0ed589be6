"""MkDocs hook: the exercise notebooks next to their pages, and the solved notebooks executed.

The work is done by :mod:`dlnotes_site.exercises` (notebooks from the page and the solutions) and
:mod:`dlnotes_site.labs` (execution in a fresh kernel, cached on the notebook text and the
``dlnotes`` modules it imports). This hook only ties them to the build:

* ``on_files`` starts, for each exercise page ``exercises/<week>.md``, the execution of the
  week's notebook *with the solutions filled in* (each check cell asserts that its report passed);
* ``on_page_content`` puts the download links under the page's title;
* ``on_post_build`` waits for the executions (a failing check fails the build, showing the cell
  and the report) and writes the stub notebook, ``<week>.ipynb`` and ``<week>.py``, next to the page.
"""

from __future__ import annotations

import concurrent.futures
import logging
import pathlib
import re

from mkdocs.exceptions import PluginError

from dlnotes_site import cache as _cache
from dlnotes_site import exercises as _ex
from dlnotes_site.labs import LabError, build_lab

log = logging.getLogger("mkdocs.hooks.exercises")
_state: dict = {}


def on_files(files, config, **kwargs):
    _state.clear()
    root = pathlib.Path(config["config_file_path"]).parent
    _cache.use_project(root)
    weeks = {}
    for f in files:
        m = _ex.PAGE_PATTERN.match(f.src_uri)
        if m:
            weeks[m.group(1)] = f.src_uri
    if not weeks:
        return files
    cache_dir = _cache.directory("exercises")
    src_dir = cache_dir / "src"
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="exercises")
    jobs = {}
    for week, uri in sorted(weeks.items()):
        try:
            page, solutions = _ex.week_files(root, week)
            stub = _ex.notebook_text(page, solutions, week)
            filled = _ex.notebook_text(page, solutions, week, filled=True)
        except (OSError, _ex.ExercisePageError) as exc:
            raise PluginError(f"exercises: {exc}") from None
        src = src_dir / f"{week}-solved.py"
        if not src.exists() or src.read_text(encoding="utf-8") != filled:
            _cache.write_atomic(src, filled.encode("utf-8"))
        dest = pathlib.Path(files.get_file_from_path(uri).abs_dest_path).parent
        jobs[week] = {"dest": dest, "stub": stub, "future": pool.submit(build_lab, src, cache_dir)}
    _state.update(pool=pool, jobs=jobs)
    return files


def on_page_content(html, page, config, files, **kwargs):
    m = _ex.PAGE_PATTERN.match(page.file.src_uri)
    if not m or m.group(1) not in _state.get("jobs", {}):
        return html
    bar = _ex.download_bar(m.group(1))
    h1 = re.search(r"</h1>", html)
    return html[: h1.end()] + bar + html[h1.end():] if h1 else bar + html


def on_post_build(config, **kwargs):
    jobs = _state.get("jobs", {})
    pool = _state.pop("pool", None)
    try:
        for week, job in jobs.items():
            try:
                path, seconds = job["future"].result()
            except LabError as exc:
                raise PluginError(f"exercises: the solved notebook of {week} fails:\n{exc}") from None
            if seconds is not None:
                log.info("exercises: checked the solutions of %s in %.1f s", week, seconds)
            out = job["dest"]  # next to the page: its links are relative
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{week}.py").write_text(job["stub"], encoding="utf-8")
            (out / f"{week}.ipynb").write_text(_ex.to_ipynb(job["stub"]), encoding="utf-8")
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
