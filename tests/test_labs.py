"""Tests of the labs (docs/labs/*.py) and of the hook that executes them (hooks/labs.py).

The slow part of a lab is training; the build executes every lab (and fails on any error).
Here each lab is checked statically (format, imports, recipe, links), the hook's cache key
and error handling are tested on tiny notebooks, and the fast labs are executed end to end
exactly as a reader's download would be: the notebook file, in a fresh kernel.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LABS_DIR = ROOT / "docs" / "labs"
LABS = sorted(LABS_DIR.glob("[0-9][0-9]-*.py"))
#: Third-party packages a lab may use (plus the standard library).
ALLOWED_IMPORTS = {"dlnotes", "numpy", "matplotlib"}
#: Labs quick enough (a few seconds) to execute in the unit-test suite.
FAST_LABS = {"01-logistic-regression.py", "06-gradient-checking.py"}


def _load_hook():
    spec = importlib.util.spec_from_file_location("dlnotes_labs_hook", ROOT / "hooks" / "labs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hook = _load_hook()


def _write_lab(path: pathlib.Path, *cells: str) -> pathlib.Path:
    path.write_text("\n\n".join(cells) + "\n", encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- cache key


def test_package_fingerprint_tracks_every_source_file(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "a.py").write_text("x = 1\n")
    (pkg / "sub" / "b.py").write_text("y = 2\n")
    first = hook.package_fingerprint(pkg)
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00junk")
    assert hook.package_fingerprint(pkg) == first, "bytecode caches must not change the key"
    (pkg / "sub" / "b.py").write_text("y = 3\n")
    second = hook.package_fingerprint(pkg)
    assert second != first
    (pkg / "sub" / "b.py").rename(pkg / "c.py")  # same bytes, another file name
    assert hook.package_fingerprint(pkg) != second


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


def test_real_package_fingerprint_is_stable():
    d = hook.package_dir()
    assert (d / "__init__.py").exists()
    assert hook.package_fingerprint(d) == hook.package_fingerprint(d)


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
    assert path3 != path and seconds3 is not None, "a package change must rerun the lab"


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
    for _attempt in range(2):  # another engineer may edit dlnotes between the two builds
        before = hook.package_fingerprint(hook.package_dir())
        first = _build(site)
        first_page = page_path.read_bytes() if page_path.exists() else b""
        second = _build(site)
        if hook.package_fingerprint(hook.package_dir()) == before:
            break
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
