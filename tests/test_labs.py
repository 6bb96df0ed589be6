"""Tests of the labs (docs/labs/*.py) and of the hook that executes them (hooks/labs.py).

The slow part of a lab is training; the build executes every lab (and fails on any error).
Here each lab is checked statically (format, imports, recipe, links), the hook's cache key
and error handling are tested on tiny notebooks, and the fast labs are executed end to end
exactly as a reader's download would be: the notebook file, in a fresh kernel.
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
import sys

import pytest
from loadfile import load_file
from dlnotes_site import deps as _deps

ROOT = pathlib.Path(__file__).resolve().parents[1]
LABS_DIR = ROOT / "docs" / "labs"
LABS = sorted(LABS_DIR.glob("[0-9][0-9]-*.py"))
#: Third-party packages a lab may use (plus the standard library).
ALLOWED_IMPORTS = {"dlnotes", "numpy", "matplotlib"}
#: Labs quick enough (a few seconds) to execute in the unit-test suite.
FAST_LABS = {"01-logistic-regression.py", "06-gradient-checking.py"}


from dlnotes_site import labs as hook  # noqa: E402  (the labs machinery; hooks/labs.py only calls it)


def _write_lab(path: pathlib.Path, *cells: str) -> pathlib.Path:
    path.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- cache key


@pytest.fixture
def pkg_copy(tmp_path):
    """A copy of the installed dlnotes source (to edit) and its ``_deps`` module."""
    import shutil

    root = tmp_path / "dlnotes"
    shutil.copytree(hook.package_dir(), root, ignore=shutil.ignore_patterns("__pycache__"))
    return root, _deps


def _append(path, text="\n# an edit\n"):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


LAB_ACTIVATIONS = "# %% [markdown]\n# # A lab\n\n# %%\nfrom dlnotes.activations import sigmoid\nprint(sigmoid(0.0))\n"


def test_lab_dependencies_are_the_closure_of_its_imports(pkg_copy):
    root, deps = pkg_copy
    modules = hook.lab_dependencies(LAB_ACTIVATIONS, root, deps)
    assert {"dlnotes", "dlnotes.activations", "dlnotes._checks"} <= set(modules)
    assert "dlnotes.batchnorm" not in modules and "dlnotes.nn" not in modules
    # the lazy attribute of the package counts as an import
    lazy = "import dlnotes\nprint(dlnotes.nn.layer_shapes([2, 1]))\n"
    assert {"dlnotes.nn", "dlnotes.batchnorm", "dlnotes.activations"} <= set(hook.lab_dependencies(lazy, root, deps))
    assert hook.lab_dependencies("import numpy as np\nprint(np.pi)\n", root, deps) == []


def test_lab_key_changes_only_with_the_labs_dependencies(pkg_copy):
    root, deps = pkg_copy
    other = "# %%\nfrom dlnotes.batchnorm import batchnorm_forward\n"

    def keys():
        return (hook.lab_key(LAB_ACTIVATIONS, hook.dependency_digest(LAB_ACTIVATIONS, root, deps), env="e"),
                hook.lab_key(other, hook.dependency_digest(other, root, deps), env="e"))

    first = keys()
    _append(root / "batchnorm.py")                    # not imported by the first lab
    second = keys()
    assert second[0] == first[0], "an edit to a module the lab does not use must not rerun it"
    assert second[1] != first[1], "an edit to a module the lab uses must rerun it"
    _append(root / "_checks.py")                      # imported by activations: both labs depend on it
    third = keys()
    assert third[0] != second[0] and third[1] != second[1]
    _append(root / "figures" / "course2_week1.py")   # no lab here imports figures
    assert keys() == third


def test_a_lab_that_is_not_python_depends_on_everything(pkg_copy):
    root, deps = pkg_copy
    modules = hook.lab_dependencies("# %%\n%timeit 1 + 1\n", root, deps)
    assert modules == sorted(deps.module_files(root))


def test_build_lab_defaults_to_the_labs_dependency_digest(tmp_path):
    lab = _write_lab(tmp_path / "01-dep.py", "# %%\nimport numpy as np\nprint(np.arange(2).sum())")
    text = lab.read_text(encoding="utf-8")
    path, seconds = hook.build_lab(lab, tmp_path / "cache", None)
    assert seconds is not None
    assert path.stem == hook.lab_key(text, hook.dependency_digest(text, hook.package_dir()))
    assert hook.build_lab(lab, tmp_path / "cache")[1] is None


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.name)
def test_real_lab_depends_on_what_it_imports(lab):
    """Every dlnotes module named in the lab's imports, and every figure it renders by name,
    is among its dependencies (found here with a regex, independently of ``_deps``)."""
    text = lab.read_text(encoding="utf-8")
    root = hook.package_dir()
    modules = set(hook.lab_dependencies(text, root))
    named = set(re.findall(r"^\s*from (dlnotes(?:\.\w+)*) import", text, re.M))
    named |= set(re.findall(r"^\s*import (dlnotes(?:\.\w+)*)", text, re.M))
    for pkg, subs in re.findall(r"^\s*from (dlnotes(?:\.\w+)*) import ([\w, ]+)", text, re.M):
        named |= {f"{pkg}.{s.strip()}" for s in subs.split(",")
                  if (root / pkg.replace("dlnotes", "", 1).lstrip(".").replace(".", "/") / f"{s.strip()}.py").is_file()}
    named |= {f"dlnotes.figures.{m}" for m in re.findall(r'render\(\s*"(\w+)\.\w+"', text)}
    assert named, f"{lab.name} uses no dlnotes module?"
    assert named <= modules, f"{lab.name}: {sorted(named - modules)} missing from its dependencies"


def test_lab_01_does_not_depend_on_batch_norm():
    """Lab 1 (logistic regression) imports logistic, data, losses, activations: an edit to batch
    norm, training or the figures must not rerun it."""
    modules = hook.lab_dependencies((LABS_DIR / "01-logistic-regression.py").read_text(encoding="utf-8"),
                                    hook.package_dir())
    assert "dlnotes.logistic" in modules
    assert not {"dlnotes.batchnorm", "dlnotes.train", "dlnotes.figures"} & set(modules)


def test_lab_key_depends_on_lab_package_and_environment():
    base = hook.lab_key("print(1)", "pkg-a", env="env-1")
    assert base == hook.lab_key("print(1)", "pkg-a", env="env-1")
    assert base != hook.lab_key("print(2)", "pkg-a", env="env-1")
    assert base != hook.lab_key("print(1)", "pkg-b", env="env-1")
    assert base != hook.lab_key("print(1)", "pkg-a", env="env-2")
    # parts are length-prefixed: moving text from one part to the next changes the key
    assert hook.lab_key("ab", "c", env="e") != hook.lab_key("a", "bc", env="e")


def test_environment_fingerprint_names_the_libraries():
    env = hook.environment_fingerprint()
    for dist in ("numpy", "matplotlib", "scikit-learn"):
        assert f"{dist}=" in env


# ----------------------------------------------------------------------------- execution


def test_build_lab_executes_once_then_hits_the_cache(tmp_path):
    lab = _write_lab(
        tmp_path / "01-tiny.py",
        "# %% [markdown]\n# # Tiny\n# Math: $x^2$.",
        "# %%\nimport numpy as np\nprint(np.arange(3).sum())",
    )
    cache = tmp_path / "cache"
    path, seconds = hook.build_lab(lab, cache, "pkg-hash")
    assert seconds is not None and path.parent == cache and path.suffix == ".ipynb"
    nb = json.loads(path.read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert any("3" in "".join(o.get("text", "")) for o in outputs)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"

    path2, seconds2 = hook.build_lab(lab, cache, "pkg-hash")
    assert (path2, seconds2) == (path, None), "an unchanged lab must not rerun"

    path3, seconds3 = hook.build_lab(lab, cache, "another-package-hash")
    assert path3 != path and seconds3 is not None, "a change to the lab's dependencies must rerun it"


def test_failing_cell_fails_with_the_cell_and_traceback(tmp_path):
    lab = _write_lab(
        tmp_path / "02-broken.py",
        "# %%\nx = 1",
        "# %%\ndef f():\n    return 1 / 0\nf()",
        "# %%\nprint('never reached')",
    )
    cache = tmp_path / "cache"
    with pytest.raises(hook.LabError) as info:
        hook.build_lab(lab, cache, "pkg")
    msg = str(info.value)
    assert "02-broken.py" in msg and "cell 2 of 3" in msg
    assert "return 1 / 0" in msg and "ZeroDivisionError" in msg
    assert "\x1b[" not in msg, "ANSI colour codes must be stripped"
    assert not list(cache.glob("*.ipynb")), "a failed lab must not be cached"


def test_labs_run_in_an_empty_temporary_directory(tmp_path):
    lab = _write_lab(tmp_path / "03-cwd.py", "# %%\nimport os\nprint(sorted(os.listdir('.')))")
    path, _ = hook.build_lab(lab, tmp_path / "cache", "pkg")
    nb = json.loads(path.read_text())
    text = "".join(nb["cells"][0]["outputs"][0]["text"])
    assert text.strip() == "[]"


# ----------------------------------------------------------------------------- HTML


def _render(nb_path):
    """Render like the site does: mkdocs-jupyter with the options of mkdocs.yml."""
    import yaml
    from mkdocs_jupyter import convert

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    options = next(p["mkdocs-jupyter"] for p in config["plugins"] if isinstance(p, dict) and "mkdocs-jupyter" in p)
    return convert.nb2html(
        str(nb_path),
        execute=False,
        allow_errors=options.get("allow_errors", True),
        no_prompt=options.get("no_prompt", False),
        include_requirejs=options.get("include_requirejs", False),
        custom_mathjax_url=options.get("custom_mathjax_url", ""),
        theme=options.get("theme", ""),
    )


def test_mkdocs_config_renders_without_executing_or_cdn():
    text = (ROOT / "mkdocs.yml").read_text()
    assert re.search(r"^\s*-\s*hooks/labs\.py", text, re.M)
    block = text[text.index("- mkdocs-jupyter:"):]
    assert re.search(r"execute:\s*false", block) and re.search(r"include_requirejs:\s*false", block)
    assert re.search(r"allow_errors:\s*false", block)


def test_rendered_notebook_has_site_math_and_no_external_requests(tmp_path):
    lab = _write_lab(
        tmp_path / "04-math.py",
        "# %% [markdown]\n# # Math\n# Inline $a_1 < b_2$ and display\n#\n# $$\n# J = -\\frac{1}{m}\\sum_i y_i\n# $$\n#\n"
        "# Money: \\$5. Code: `cost $x$`.",
        "# %%\n# Figure: a rising line\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([0, 1])\nplt.show()",
    )
    path, _ = hook.build_lab(lab, tmp_path / "cache", "pkg")
    raw = _render(path)
    assert re.search(r"https?://", raw), "the raw nbconvert output loads CDNs (the reason for the clean-up)"
    html = hook.clean_notebook_html(raw)
    html, css = hook.extract_styles(html)
    assert css and "<style" not in html
    assert '<span class="arithmatex">\\(a_1 &lt; b_2\\)</span>' in html
    assert re.search(r'<div class="arithmatex">\\\[\s*J = -\\frac\{1\}\{m\}\\sum_i y_i\s*\\\]</div>', html)
    assert "<code>cost $x$</code>" in html, "math inside code is left alone"
    assert "<p><div" not in html
    assert "mathjax" not in html.lower() and "mermaid" not in html.lower()
    for url in re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", html):
        pytest.fail(f"external request left in the lab page: {url}")
    assert "data:image/png;base64," in html, "figures are embedded, not fetched"
    assert 'alt="a rising line"' in html, "figures get the alt text of their cell's '# Figure:' comment"


def test_clean_refuses_an_external_script():
    with pytest.raises(Exception, match="external URL"):
        hook.clean_notebook_html('<img src="https://example.org/x.png">')
    with pytest.raises(Exception, match="external URL"):
        hook.clean_notebook_html('<link rel="stylesheet" href="//cdn.example.org/a.css">')
    # a plain hyperlink is not a request
    assert hook.clean_notebook_html('<a href="https://numpy.org">NumPy</a>')


# ----------------------------------------------------------------------------- the labs


def test_read_lab_gives_stable_cell_ids():
    import nbformat

    nb = hook.read_lab(LABS[0])
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == [f"cell-{i}" for i in range(1, len(nb.cells) + 1)]
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_there_are_eight_labs():
    assert [p.name[:2] for p in LABS] == [f"{i:02d}" for i in range(1, 9)]


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.name)
def test_lab_is_a_well_formed_percent_notebook(lab):
    nb = hook.read_lab(lab)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), "starts with its title"
    md = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert re.search(r"^#+ .*[Rr]ecipe", md, re.M), "states its recipe"
    assert re.search(r"^#+ .*(Try it|Experiments)", md, re.M), "ends with experiments for the reader"
    assert cells[-1].cell_type == "markdown"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "np.random.seed" not in code and "np.random.rand" not in code, "randomness via Generators only"


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.name)
def test_lab_imports_only_dlnotes_numpy_matplotlib(lab):
    """Besides the standard library: no scikit-learn, pandas, ... (the digits come via dlnotes.data)."""
    nb = hook.read_lab(lab)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in ALLOWED_IMPORTS or top in sys.stdlib_module_names, f"{lab.name} imports {name}"


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.name)
def test_lab_is_in_nav_and_index(lab):
    assert f"labs/{lab.name}" in (ROOT / "mkdocs.yml").read_text()
    assert f"({lab.name})" in (LABS_DIR / "index.md").read_text()


@pytest.mark.parametrize("name", sorted(FAST_LABS))
def test_fast_lab_runs_top_to_bottom_from_its_ipynb(name, tmp_path):
    """What a reader downloads: the .ipynb, run in a fresh kernel, without errors."""
    import nbformat

    ipynb = tmp_path / name.replace(".py", ".ipynb")
    nbformat.write(hook.read_lab(LABS_DIR / name), ipynb)
    nb = nbformat.read(ipynb, as_version=4)
    nbformat.validate(nb)
    hook.execute_notebook(nb, name=name)  # raises LabError on any failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert any(o.get("output_type") == "stream" for o in outputs), "prints its numbers"
    assert any("image/png" in o.get("data", {}) for o in outputs), "draws its plots"


# ----------------------------------------------------------------------------- a whole build


def _mini_site(tmp_path, lab_body):
    docs = tmp_path / "docs"
    (docs / "labs").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\n[The lab](labs/01-mini.py)\n")
    (docs / "labs" / "conftest.py").write_text("collect_ignore_glob = ['[0-9]*.py']\n")
    (docs / "labs" / "01-mini.py").write_text(lab_body)
    plugin = re.search(r"  - mkdocs-jupyter:\n(?:      .*\n)+", (ROOT / "mkdocs.yml").read_text()).group(0)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: mini\nstrict: true\nnav:\n  - index.md\n  - Lab: labs/01-mini.py\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n"
        f"plugins:\n{plugin}hooks:\n  - {ROOT / 'hooks' / 'labs.py'}\n"
    )
    return tmp_path


def _build(site):
    import subprocess

    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(site / "mkdocs.yml")],
                          capture_output=True, text=True, timeout=300, cwd=site)


MINI_LAB = """# %% [markdown]
# # Mini lab
# With math: $a^2 + b^2$. Back [home](../index.md#home).

# %%
# Figure: one line
import matplotlib.pyplot as plt
print("answer", 6 * 7)
fig, ax = plt.subplots()
ax.plot([0, 1])
plt.show()
"""


def test_site_build_executes_caches_and_publishes_a_lab(tmp_path):
    site = _mini_site(tmp_path, MINI_LAB)
    page_path = site / "site" / "labs" / "01-mini" / "index.html"
    # the mini lab imports no dlnotes module: edits to the package (by anyone) do not rerun it
    assert hook.lab_dependencies(MINI_LAB, hook.package_dir()) == []
    first = _build(site)
    first_page = page_path.read_bytes() if page_path.exists() else b""
    second = _build(site)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "labs: executed 01-mini.py" in first.stderr
    assert second.returncode == 0 and "0 executed" in second.stderr and "1 from cache" in second.stderr, \
        "an unchanged lab must not rerun"

    assert page_path.read_bytes() == first_page, "executed and cached builds give the same page bytes"
    page = page_path.read_text()
    assert "answer 42" in page and 'alt="one line"' in page
    assert '<span class="arithmatex">\\(a^2 + b^2\\)</span>' in page
    assert 'href="01-mini.ipynb"' in page and 'href="01-mini.py"' in page
    assert 'href="../../#home"' in page, "links to pages are rewritten to their URLs"
    assert "<style" not in page.split('<div class="jupyter-wrapper">', 1)[1]
    assert (site / "site" / "assets" / "labs" / "notebook.css").stat().st_size > 10_000
    downloaded = json.loads((site / "site" / "labs" / "01-mini" / "01-mini.ipynb").read_text())
    assert any("answer 42" in "".join(o.get("text", "")) for c in downloaded["cells"] for o in c.get("outputs", []))
    assert (site / "site" / "labs" / "01-mini" / "01-mini.py").read_text() == MINI_LAB
    assert not list((site / "site").rglob("conftest.py")), "the pytest conftest is not part of the site"

    (site / "docs" / "labs" / "01-mini.py").write_text(MINI_LAB.replace("6 * 7", "6 * 8"))
    third = _build(site)
    assert third.returncode == 0 and "labs: executed 01-mini.py" in third.stderr, "an edited lab must rerun"
    assert "answer 48" in (site / "site" / "labs" / "01-mini" / "index.html").read_text()


def test_site_build_fails_on_a_failing_cell(tmp_path):
    site = _mini_site(tmp_path, MINI_LAB + "\n# %%\nraise RuntimeError('planted failure')\n")
    result = _build(site)
    assert result.returncode != 0
    assert "planted failure" in result.stderr and "lab 01-mini.py failed in cell 3 of 3" in result.stderr


def test_site_build_fails_on_a_link_to_a_missing_page(tmp_path):
    site = _mini_site(tmp_path, MINI_LAB.replace("../index.md#home", "../course9/week9.md"))
    result = _build(site)
    assert result.returncode != 0 and "links to '../course9/week9.md'" in result.stderr


def test_a_lab_edited_while_it_runs_is_not_cached(tmp_path):
    """The kernel ran one version, the key hashes another: serve the result once, store nothing."""
    lab = tmp_path / "01-self-editing.py"
    _write_lab(lab, f"# %%\nopen({str(lab)!r}, 'a').write('\\n# edited while running\\n')\nprint('ran')")
    cache = tmp_path / "cache"
    path, seconds = hook.build_lab(lab, cache, None)
    assert seconds is not None and path.name.startswith(".transient-")
    assert "ran" in path.read_text(encoding="utf-8")
    assert not list(cache.glob("[0-9a-f]*.ipynb"))             # nothing under a key


def test_a_module_edited_while_the_lab_runs_is_not_cached(tmp_path):
    lab = _write_lab(tmp_path / "01-plain.py", "# %%\nprint(1 + 1)")
    text = lab.read_text(encoding="utf-8")
    real = hook.dependency_digest(text, hook.package_dir())
    path, _ = hook.build_lab(lab, tmp_path / "cache", real, witness="the digest before an edit")
    assert path.name.startswith(".transient-") and not list((tmp_path / "cache").glob("[0-9a-f]*.ipynb"))
    path, _ = hook.build_lab(lab, tmp_path / "cache", real, witness=real)
    assert path.name == hook.lab_key(text, real) + ".ipynb"
