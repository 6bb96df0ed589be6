"""The build's one cache root and its one atomic write.

Everything the build keeps between runs lives under one directory, :func:`root`, in one
sub-directory per kind (:data:`KINDS`):

* ``figures/``: the SVG of each figure (:mod:`dlnotes_site.figures`), keyed on what it imports;
* ``results/``: the runs memoized for ``@heavy`` functions (:func:`dlnotes_site.figures.memo`);
* ``labs/``: the executed lab notebooks (:mod:`dlnotes_site.labs`) and their timings;
* ``exercises/``: the exercise notebooks with the solutions filled in, and their executions.

Every key is built from :func:`dlnotes_site.deps.digest` and
:func:`dlnotes_site.figures.library_versions`; every file is published with
:func:`write_atomic`, so a reader (another build, a ``mkdocs serve`` rebuild) sees a whole
file or none.

Environment
-----------
``DLNOTES_CACHE``
    The root (the site's hooks set it to ``<project>/.cache`` with :func:`use_project`). Unset, it is
    ``.cache`` in the checkout that holds the package (an editable install), else ``.cache``
    under the current directory.
``DLNOTES_CACHE_FIGURES``, ``DLNOTES_CACHE_RESULTS``, ``DLNOTES_CACHE_LABS``
    One kind elsewhere (a test, or ``.ci/check_reproducible``'s empty figure cache).

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from dlnotes_site import cache
>>> cache.directory("labs").name
'labs'
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = Path(tmp) / "labs" / "timings.json"
...     print(cache.write_atomic(path, b"{}"), cache.write_atomic(path, b"[]", replace=False), path.read_bytes())
True False b'{}'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from dlnotes_site import deps as _deps

__all__ = ["KINDS", "root", "directory", "use_project", "write_atomic"]

#: The kinds of cached files, one sub-directory of :func:`root` each.
KINDS = ("figures", "results", "labs", "exercises")


def root() -> Path:
    """The cache root: ``$DLNOTES_CACHE``, else ``<checkout>/.cache``, else ``./.cache``."""
    env = os.environ.get("DLNOTES_CACHE")
    if env:
        return Path(env)
    checkout = _deps.package_dir().parents[1]
    if (checkout / "mkdocs.yml").is_file():
        return checkout / ".cache"
    return Path.cwd() / ".cache"


def use_project(project_dir: os.PathLike | str) -> Path:
    """Make ``<project_dir>/.cache`` the root unless ``$DLNOTES_CACHE`` names one; return the root.

    The site's hooks call it with the directory of ``mkdocs.yml``, so a build keeps its caches
    next to its config (a copy of the project, or a test's small site, has its own).
    """
    os.environ.setdefault("DLNOTES_CACHE", str(Path(project_dir).resolve() / ".cache"))
    return root()


def directory(kind: str) -> Path:
    """The directory of one kind of cached file: ``$DLNOTES_CACHE_<KIND>``, else ``root()/kind``."""
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    env = os.environ.get(f"DLNOTES_CACHE_{kind.upper()}")
    return Path(env) if env else root() / kind


def write_atomic(path: os.PathLike | str, data: bytes, *, replace: bool = True) -> bool:
    """Publish ``data`` at ``path`` atomically; return whether it was written.

    The bytes go to a temporary file in the same directory, which is then renamed onto
    ``path`` (``replace=True``) or hard-linked to it only if ``path`` does not exist yet
    (``replace=False``: a result another build published meanwhile is kept, so the file a page
    used stays the one the cache serves). Returns ``False``, writing nothing, on a read-only
    cache (the caller still has its result, just not kept) or when ``replace=False`` found a file.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    except OSError:
        return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
