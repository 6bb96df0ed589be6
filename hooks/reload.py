"""MkDocs hook: make every build see the current dlnotes source.

markdown-exec runs the pages' code inside the MkDocs process, so under
``mkdocs serve`` the ``dlnotes`` modules imported by the first build would be
reused by every later build and a rebuild would show stale output. Before each
build this hook drops ``dlnotes`` and its submodules from ``sys.modules`` (the
next ``import dlnotes...`` reads the files again) and points the build's cache
root (:mod:`dlnotes_site.cache`) at ``<project>/.cache`` unless ``$DLNOTES_CACHE`` is set. ``mkdocs.yml`` watches ``src/dlnotes`` so an
edit to the package triggers that rebuild.

``mkdocs serve --dirty`` rebuilds only the pages whose Markdown changed (fast
prose editing). A change to the package changes no Markdown file, so in that
mode this hook marks every page as modified when the package source differs
from the previous build: the pages' examples and figures are never stale.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path

from dlnotes_site import cache as site_cache
from dlnotes_site import deps, figures
from dlnotes_site.state import STATE

log = logging.getLogger("mkdocs.hooks.reload")

# MkDocs re-imports hook files on every `serve` rebuild; the state lives in dlnotes_site.state.
_STATE = STATE.setdefault("reload", {})


def drop_dlnotes_modules() -> list[str]:
    """Remove ``dlnotes`` and ``dlnotes.*`` from ``sys.modules``; return the names removed."""
    names = sorted(n for n in sys.modules if n == "dlnotes" or n.startswith("dlnotes."))
    for name in names:
        del sys.modules[name]
    importlib.invalidate_caches()
    figures.record_import_time()    # every dlnotes module imported from now on reads its file now
    return names


def package_digest(root: Path) -> str:
    """:func:`dlnotes_site.deps.digest` of every module of ``<root>/src/dlnotes``."""
    return deps.digest(None, root / "src" / "dlnotes")


class _DirtyBuildNotice(logging.Filter):
    """MkDocs warns that a dirty build may have stale navigation; under `strict` that warning
    would abort every `mkdocs serve --dirty` build. It is a notice about a development mode the
    user asked for, so it is logged as INFO (the full, clean build stays strict)."""

    def filter(self, record):
        if record.levelno == logging.WARNING and record.getMessage().startswith("A 'dirty' build"):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def limit_blas_threads() -> None:
    """One BLAS thread for the pages' examples and the labs' kernels.

    The examples multiply small matrices, where a second thread saves nothing; on a loaded
    machine (or with two lab kernels running side by side, as ``hooks/labs.py`` does) it made
    the same example take 0.06 s one time and 2 s the next. ``OMP_NUM_THREADS`` and friends
    are inherited by the kernels; ``threadpoolctl`` limits the BLAS already loaded here.
    """
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return
    if "threadpool_limit" not in _STATE:
        _STATE["threadpool_limit"] = threadpool_limits(limits=1)


def on_startup(command, dirty):
    limit_blas_threads()
    _STATE["command"] = command
    _STATE["dirty"] = dirty
    build_log = logging.getLogger("mkdocs.commands.build")
    if dirty and not any(isinstance(f, _DirtyBuildNotice) for f in build_log.filters):
        build_log.addFilter(_DirtyBuildNotice())
    if command == "serve":
        # no __pycache__ writes under the watched src/ (each would trigger one more rebuild)
        sys.dont_write_bytecode = True


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    site_cache.use_project(root)
    return config


def on_pre_build(config):
    dropped = drop_dlnotes_modules()
    if dropped:
        log.debug("dropped %d dlnotes modules: %s", len(dropped), ", ".join(dropped))


def _always_modified() -> bool:
    return True


def on_files(files, config):
    if not _STATE.get("dirty"):
        return files
    digest = package_digest(Path(config.config_file_path).resolve().parent)
    previous = _STATE.get("digest")
    _STATE["digest"] = digest
    if previous is not None and previous != digest:
        pages = list(files.documentation_pages())
        for file in pages:
            file.is_modified = _always_modified
        log.info("dlnotes changed: rebuilding all %d pages", len(pages))
    return files
