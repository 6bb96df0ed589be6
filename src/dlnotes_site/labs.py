"""Execute the labs (``docs/labs/*.py``) for the site, cached on content; clean their HTML.

The site's ``hooks/labs.py`` calls this module from MkDocs events; nothing here needs MkDocs,
so the labs survive a change of site generator. Each lab is a Jupytext percent-format ``.py``.

1. :func:`lab_key`: SHA-256 of the lab's text, of the source of the ``dlnotes`` modules the lab
   imports and of everything they import in turn (:func:`lab_dependencies`, the closure that
   :mod:`dlnotes_site.deps` computes: the modules named by the lab's imports, ``pkg.module``
   attributes and figure names), and of the versions of Python and the libraries that shape
   the results (:func:`environment_fingerprint`). An edit to a module no lab depends on reruns
   nothing; an edit to one a lab depends on reruns that lab;
2. :func:`build_lab`: if ``<cache>/labs/<key>.ipynb`` exists (:func:`dlnotes_site.cache.directory`),
   uses it; otherwise converts the lab with Jupytext, executes it with nbclient in a *fresh
   kernel* in an empty temporary directory, with errors not allowed (:class:`LabError` names
   the cell and holds the traceback), and publishes the executed notebook with
   :func:`dlnotes_site.cache.write_atomic`;
3. :func:`clean_notebook_html`: drops the MathJax 2 / Mermaid loaders of the nbconvert template
   (third-party CDN requests), converts notebook math (``$...$``, ``$$...$$``) into
   ``arithmatex`` elements typeset by the site's own offline MathJax; :func:`extract_styles`
   and :func:`prune_css` make one shared notebook stylesheet of only the rules the lab pages use.

Environment: ``DLNOTES_LAB_TIMEOUT`` (default 600) is the per-cell timeout in seconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib
import re
import tempfile
import time

from dlnotes_site import deps as _deps
from dlnotes_site.cache import write_atomic
from dlnotes_site.figures import library_versions

log = logging.getLogger("mkdocs.hooks.labs")

#: Bump when the way labs are executed changes (invalidates every cached result).
HOOK_VERSION = "3"
#: Source files of the labs, relative to ``docs_dir``.
LAB_PATTERN = re.compile(r"^labs/\d\d-[^/]+\.py$")
#: Files of docs/labs/ that are not part of the site (pytest's conftest keeps the labs out of
#: the doctest collection: the tests execute them in a kernel instead).
NOT_IN_SITE = {"labs/conftest.py"}
#: Distributions whose versions enter the cache key.
KEY_DISTRIBUTIONS = ("numpy", "matplotlib", "scikit-learn", "nbclient", "ipykernel", "jupytext")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class LabError(Exception):
    """A lab failed to execute; the message names the lab and cell and holds the traceback."""


# --------------------------------------------------------------------------- keys and cache


def package_dir() -> pathlib.Path:
    """Directory of the ``dlnotes`` package the kernel will import (found without importing)."""
    try:
        return _deps.package_dir()
    except ModuleNotFoundError:
        raise LabError("labs: the dlnotes package is not importable; run `pip install -e .`") from None


def lab_dependencies(lab_text: str, root: os.PathLike | str, deps=None) -> list[str]:
    """The ``dlnotes`` modules a lab's code depends on: the import closure of what it imports.

    The lab text (a Jupytext percent-format ``.py``: Markdown cells are comments) is parsed
    with ``dlnotes_site.deps.imported_modules``; its :func:`closure` adds the parents and the
    modules those import, transitively. A lab that is not valid Python (a cell magic left
    uncommented) depends on every module of the package: it can never be stale.
    """
    deps = _deps if deps is None else deps
    try:
        return deps.source_closure(lab_text, root)
    except SyntaxError:
        log.info("labs: a lab is not valid Python; keying it on the whole dlnotes package")
        return sorted(deps.module_files(root))


def dependency_digest(lab_text: str, root: os.PathLike | str, deps=None) -> str:
    """SHA-256 of the names and bytes of the modules in :func:`lab_dependencies` (:func:`dlnotes_site.deps.digest`)."""
    deps = _deps if deps is None else deps
    return deps.digest(lab_dependencies(lab_text, root, deps), root)


def environment_fingerprint() -> str:
    """Python and library versions that can change a lab's output (the fingerprint every key uses)."""
    return ";".join([f"hook={HOOK_VERSION}", *library_versions(KEY_DISTRIBUTIONS)])


def lab_key(lab_text: str, package_hash: str, env: str | None = None) -> str:
    """Cache key of one lab: a hash of its text, of ``package_hash`` and of the environment.

    ``package_hash`` is the :func:`dependency_digest` of the lab (the source of the ``dlnotes``
    modules it depends on).
    """
    env = environment_fingerprint() if env is None else env
    h = hashlib.sha256()
    for part in (env, package_hash, lab_text):
        data = part.encode()
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


# --------------------------------------------------------------------------- execution


def read_lab(path: os.PathLike | str):
    """Read a Jupytext percent-format lab into an ``nbformat`` notebook (version 4)."""
    return read_lab_text(pathlib.Path(path).read_text(encoding="utf-8"))


def read_lab_text(text: str):
    """A Jupytext percent-format text as an ``nbformat`` notebook, with stable cell ids."""
    import jupytext

    nb = jupytext.reads(text, fmt="py:percent")
    for i, cell in enumerate(nb.cells):  # stable ids (nbformat would draw random ones)
        cell["id"] = f"cell-{i + 1}"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata.get("jupytext", {}).pop("text_representation", None)
    if not nb.metadata.get("jupytext"):
        nb.metadata.pop("jupytext", None)
    return nb


def _error_message(name, nb, exc) -> str:
    index, source = None, ""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                index, source = i, cell.source
    text = _ANSI.sub("", str(exc))
    where = f"cell {index + 1} of {len(nb.cells)}" if index is not None else "a cell"
    return f"lab {name} failed in {where}:\n{source}\n{'-' * 60}\n{text}"


def _kernel_cpu_seconds(km):
    """CPU time (user + system) used so far by the kernel process (Linux ``/proc``), or None."""
    try:
        pid = km.provisioner.process.pid
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except Exception:  # not Linux, or the kernel is gone
        return None


def execute_notebook(nb, name: str = "lab", timeout: int | None = None):
    """Execute ``nb`` top to bottom in a fresh kernel, in an empty temporary directory.

    Raises :class:`LabError` (with the failing cell and its traceback) if any cell raises.
    """
    import nbclient
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import CellExecutionError

    timeout = int(os.environ.get("DLNOTES_LAB_TIMEOUT", "600")) if timeout is None else timeout
    env = dict(os.environ)
    # Small matrices: one BLAS thread per kernel avoids oversubscribing the cores.
    env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYDEVD_DISABLE_FILE_VALIDATION="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    env.pop("MPLCONFIGDIR", None)
    with tempfile.TemporaryDirectory(prefix="dlnotes-lab-") as base:
        tmp = os.path.join(base, "work")  # the notebook's (empty) working directory
        os.mkdir(tmp)
        # IPC sockets in a private directory: nothing listens on TCP during the build.
        km = AsyncKernelManager(kernel_name=KERNELSPEC["name"], transport="ipc",
                                ip=os.path.join(base, "kernel"))
        cpu = {}

        def measure(**kwargs):  # after each cell: the kernel's CPU time (wall time lies on a busy machine)
            cpu["seconds"] = _kernel_cpu_seconds(km)

        client = nbclient.NotebookClient(
            nb, km=km, timeout=timeout, kernel_name=KERNELSPEC["name"], allow_errors=False,
            record_timing=False, resources={"metadata": {"path": tmp}}, on_cell_executed=measure,
        )
        try:
            client.execute(cwd=tmp, env=env, cleanup_kc=True)  # shut the kernel down, close sockets
        except CellExecutionError as exc:
            raise LabError(_error_message(name, nb, exc)) from None
        except Exception as exc:  # kernel died, timeout, ...
            raise LabError(f"lab {name} failed: {type(exc).__name__}: {_ANSI.sub('', str(exc))}") from None
    if cpu.get("seconds") is not None:
        nb.metadata.setdefault("dlnotes_lab", {})["kernel_cpu_seconds"] = round(cpu["seconds"], 2)
    return nb


def build_lab(src: os.PathLike | str, cache_dir: os.PathLike | str, package_hash: str | None = None,
              *, witness: str | None = None):
    """Return ``(executed_path, seconds_or_None)`` for one lab, executing it on a cache miss.

    ``package_hash`` defaults to the lab's :func:`dependency_digest` in the installed package.
    ``witness`` is the :func:`dependency_digest` the key was computed from (the default when
    ``package_hash`` is computed here): if the lab or its modules no longer match it after the
    kernel ran, the result is returned from a transient file and never stored under the key.
    """
    import nbformat

    src = pathlib.Path(src)
    cache_dir = pathlib.Path(cache_dir)
    text = src.read_text(encoding="utf-8")
    if package_hash is None:
        package_hash = witness = dependency_digest(text, package_dir())
    key = lab_key(text, package_hash)
    target = cache_dir / f"{key}.ipynb"
    if target.exists():
        os.utime(target)
        return target, None
    start = time.perf_counter()
    nb = execute_notebook(read_lab(src), name=src.name)
    seconds = time.perf_counter() - start
    nb.metadata.setdefault("dlnotes_lab", {}).update(source=src.name, execution_seconds=round(seconds, 2))
    cache_dir.mkdir(parents=True, exist_ok=True)
    # The kernel imported what was on disk while it ran. If the lab or a module it depends on
    # was edited after the key was computed, the result may belong to neither version: serve
    # it to this build only (the edit triggers another build), never under the key.
    now = src.read_text(encoding="utf-8")
    if now != text or (witness is not None and dependency_digest(now, package_dir()) != witness):
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".transient-", suffix=".ipynb")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            nbformat.write(nb, fh)
        log.info("labs: %s changed while it ran; its result is not cached", src.name)
        return pathlib.Path(tmp), seconds
    # Publish atomically, and never replace a result another build published meanwhile:
    # a result, once used by a page, stays the one the cache serves.
    write_atomic(target, nbformat.writes(nb).encode("utf-8"), replace=False)
    return target, seconds


# --------------------------------------------------------------------------- HTML clean-up

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
_MATH_IN_CELL = re.compile(
    r"(<div class=\"jp-RenderedHTMLCommon jp-RenderedMarkdown[^\"]*\"[^>]*>)(.*?)(</div>\s*</div>\s*</div>)",
    re.S,
)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\])+?)(?<!\\)\$")
_PROTECTED = re.compile(r"(<(pre|code)\b.*?</\2>)", re.S | re.I)
_EXTERNAL = re.compile(r"""(?:\bsrc\s*=\s*["']?|<link\b[^>]*\bhref\s*=\s*["']?|import\(\s*["']|url\(\s*["']?)(?:https?:)?//""", re.I)


def _drop_loader_scripts(content: str) -> str:
    def keep(m):
        s = m.group(0)
        low = s.lower()
        if "mathjax" in low or "mermaid" in low or re.search(r"<script\b[^>]*\bsrc=", low):
            return ""
        return s

    content = _SCRIPT.sub(keep, content)
    return re.sub(r"<!--[^>]*?(?:mathjax|mermaid)[^>]*?-->\s*", "", content, flags=re.I)


_DEFAULT_ALT = 'alt="No description has been provided for this image"'
_FIGURE_COMMENT = re.compile(r'class="clipboard-copy-txt"[^>]*>(?:[^<]*\n)?\s*#\s*Figure:\s*([^<\n]+?)\s*(?:\n|<)')


def add_alt_text(content: str) -> str:
    """Describe each figure with the ``# Figure: ...`` comment of the cell that drew it."""
    parts = re.split(r'(?=<div class="jp-Cell jp-CodeCell)', content)
    for i, part in enumerate(parts):
        if _DEFAULT_ALT not in part:
            continue
        m = _FIGURE_COMMENT.search(part)
        alt = m.group(1) if m else "Figure drawn by the code above"
        parts[i] = part.replace(_DEFAULT_ALT, f'alt="{alt}"')
    return "".join(parts)


def _math_to_arithmatex(fragment: str) -> str:
    """Turn ``$$x$$`` / ``$x$`` into the markup pymdownx.arithmatex (generic) produces."""
    pieces = _PROTECTED.split(fragment)
    out = []
    i = 0
    while i < len(pieces):
        text = pieces[i]
        out.append(
            _INLINE_MATH.sub(
                lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>',
                _DISPLAY_MATH.sub(lambda m: f'<div class="arithmatex">\\[{m.group(1)}\\]</div>', text),
            )
        )
        if i + 1 < len(pieces):
            out.append(pieces[i + 1])  # protected <pre>/<code> block, untouched
        i += 3
    return "".join(out)


# --------------------------------------------------------------------------- unused notebook CSS
# mkdocs-jupyter inlines all of JupyterLab's CSS (about 590 kB): widgets, menus, the file
# browser... A lab page uses a few hundred rules of it. The shared stylesheet keeps only the
# rules whose classes and ids occur in the lab pages (the notebook HTML is static: no script
# adds classes that these rules style).

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_NEGATION = re.compile(r":(?:not|where)\((?:[^()]|\([^()]*\))*\)")
_ATTR = re.compile(r"\[[^\]]*\]")


def css_blocks(css: str) -> list:
    """Split CSS text into top-level ``(prelude, body)`` pairs (body without its braces)."""
    css = _COMMENT.sub("", css)
    out, i, n = [], 0, len(css)
    while i < n:
        j = i
        while j < n and css[j] not in "{;":
            if css[j] in "\"'":
                q = css[j]; j += 1
                while j < n and css[j] != q:
                    j += 2 if css[j] == "\\" else 1
            j += 1
        if j >= n:
            break
        prelude = css[i:j].strip()
        if css[j] == ";":  # @import / @charset
            out.append((prelude, None)); i = j + 1; continue
        depth, k = 1, j + 1
        while k < n and depth:
            c = css[k]
            if c in "\"'":
                q = c; k += 1
                while k < n and css[k] != q:
                    k += 2 if css[k] == "\\" else 1
            elif c == "{": depth += 1
            elif c == "}": depth -= 1
            k += 1
        out.append((prelude, css[j + 1:k - 1]))
        i = k
    return out


def split_selectors(prelude: str) -> list:
    parts, depth, cur = [], 0, []
    for c in prelude:
        if c in "([": depth += 1
        elif c in ")]": depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur).strip()); cur = []
        else:
            cur.append(c)
    parts.append("".join(cur).strip())
    return [p for p in parts if p]


_ROOT_INSIDE = re.compile(r"\S\s*[\s>+~]\s*(?::root|html|body)(?![\w-])")


def selector_used(selector: str, classes: set, ids: set) -> bool:
    """Whether ``selector`` can match the page: all its classes and ids occur in its HTML.

    Classes inside ``:not()``/``:where()`` and attribute selectors are not required. A
    selector with ``:root``, ``html`` or ``body`` below another element never matches (the
    notebook CSS is scoped as ``.jupyter-wrapper :root``).

    >>> selector_used(".jupyter-wrapper .jp-OutputArea pre", {"jupyter-wrapper", "jp-OutputArea"}, set())
    True
    >>> selector_used(".jupyter-wrapper .lm-Widget", {"jupyter-wrapper"}, set())
    False
    >>> selector_used(".jupyter-wrapper :root", {"jupyter-wrapper"}, set())
    False
    """
    if _ROOT_INSIDE.search(selector):
        return False
    s = _ATTR.sub("", _NEGATION.sub("", selector))
    return all(c in classes for c in _CLASS.findall(s)) and all(i in ids for i in _ID.findall(s))


def prune_css(css: str, classes: set, ids: set) -> str:
    """``css`` without the rules that match nothing in HTML using only ``classes`` and ``ids``.

    Rules inside ``@media``/``@supports`` are pruned the same way; other at-rules are kept.

    >>> print(prune_css("a{x:1}.u,.v{y:2}@media print{.v{z:3}}.w:not(.v){k:4}", {"u", "w"}, set()))
    a{x:1}
    .u{y:2}
    .w:not(.v){k:4}
    """
    out = []
    for prelude, body in css_blocks(css):
        if body is None:
            out.append(prelude + ";")
        elif prelude.startswith("@"):
            low = prelude.lower()
            if low.startswith(("@media", "@supports", "@layer", "@container")):
                inner = prune_css(body, classes, ids)
                if inner:
                    out.append(f"{prelude}{{{inner}}}")
            else:
                out.append(f"{prelude}{{{body}}}")
        else:
            kept = [s for s in split_selectors(prelude) if selector_used(s, classes, ids)]
            if kept:
                out.append(f"{','.join(kept)}{{{body.strip()}}}")
    return "\n".join(out)


_CLASS_ATTR = re.compile(r'\bclass\s*=\s*"([^"]*)"|\bclass\s*=\s*\'([^\']*)\'')
_ID_ATTR = re.compile(r'\bid\s*=\s*"([^"]*)"')


def html_names(html: str):
    """``(classes, ids)`` used in ``html``."""
    classes, ids = set(), set()
    for m in _CLASS_ATTR.finditer(html):
        classes.update((m.group(1) or m.group(2) or "").split())
    ids.update(m.group(1) for m in _ID_ATTR.finditer(html))
    return classes, ids


_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S | re.I)
_P_AROUND_DIV = re.compile(r"<p>\s*(<div class=\"arithmatex\">.*?</div>)\s*</p>", re.S)
#: Site path of the stylesheet shared by all lab pages (instead of ~600 kB inlined per page).
CSS_PATH = "assets/labs/notebook.css"


def extract_styles(content: str):
    """Return ``(content without <style> blocks, [css blocks])``.

    mkdocs-jupyter also dumps the repr of a Python list of CSS strings into a <style>
    (for ``.ipynb`` input); that block is not CSS and is dropped.
    """
    blocks = []

    def take(m):
        css = m.group(1).strip()
        if css and not css.startswith("["):
            blocks.append(css)
        return ""

    return _STYLE.sub(take, content), blocks


def clean_notebook_html(content: str) -> str:
    """Remove CDN loaders and convert notebook math; raise if an external request remains."""
    content = _drop_loader_scripts(content)
    content = _MATH_IN_CELL.sub(lambda m: m.group(1) + _math_to_arithmatex(m.group(2)) + m.group(3), content)
    content = _P_AROUND_DIV.sub(r"\1", content)
    content = add_alt_text(content)
    bad = _EXTERNAL.search(content)
    if bad:
        start = max(0, bad.start() - 80)
        raise LabError(f"labs: rendered notebook would request an external URL: ...{content[start:bad.end() + 80]}...")
    return content


LAB_NOTE = ("Executed at build time, top to bottom, in a fresh Jupyter kernel, with the "
            "<code>dlnotes</code> source this site was built from (a change to the lab or to a "
            "<code>dlnotes</code> module it uses reruns it).")


def download_bar(stem: str, label: str = "Download notebook (.ipynb)", note: str = LAB_NOTE) -> str:
    """Download links of ``<stem>.ipynb`` and ``<stem>.py`` next to the page, and what the page is
    (the same words whether or not the cache was hit, so that two builds give the same bytes)."""
    return (
        '<p class="lab-downloads">'
        f'<a class="md-button md-button--primary" href="{stem}.ipynb" download>{label}</a> '
        f'<a class="md-button" href="{stem}.py" download>Jupytext source (.py)</a><br>'
        f"<small>{note}</small></p>"
    )


TIMINGS = "timings.json"


def _read_timings(cache_dir) -> dict:
    try:
        return json.loads((pathlib.Path(cache_dir) / TIMINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_timings(cache_dir, labs) -> None:
    timings = _read_timings(cache_dir)
    timings.update({lab["src"].name: lab["cpu"] for lab in labs.values() if lab.get("cpu") is not None})
    # only a scheduling hint: a read-only cache keeps none
    write_atomic(pathlib.Path(cache_dir) / TIMINGS, json.dumps(timings, indent=1, sort_keys=True).encode("utf-8"))
