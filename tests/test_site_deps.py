"""dlnotes_site.deps: the package's static import graph, which every dependency-keyed cache uses.

The rules (imports, relative imports, ``pkg.module`` attributes, figure names in strings) are
checked on small synthetic sources; the closures of the real modules on the installed package;
and, on a copy of the package, that editing a file changes exactly the digests whose closure
contains it.
"""

from __future__ import annotations

import shutil

import pytest

from dlnotes_site import deps as _deps

#: A small module set for the rules (what ``module_files`` would give).
MODS = {
    "dlnotes", "dlnotes._checks", "dlnotes.activations", "dlnotes.nn", "dlnotes.train", "dlnotes.batchnorm",
    "dlnotes.figures", "dlnotes.figures._cache", "dlnotes.figures.course1_week2", "dlnotes.figures.course2_week1",
}


def imported(source, **kwargs):
    return _deps.imported_modules(source, MODS, **kwargs)


# ----------------------------------------------------------------------------- the rules


def test_absolute_imports_and_their_parents():
    assert imported("import numpy\nfrom dlnotes.nn import model_forward\n") == {"dlnotes", "dlnotes.nn"}
    assert imported("import dlnotes.figures.course1_week2\n") == {
        "dlnotes", "dlnotes.figures", "dlnotes.figures.course1_week2"}
    assert imported("from dlnotes import nn, activations as act\n") == {"dlnotes", "dlnotes.nn", "dlnotes.activations"}
    # a name that is not a module (a function of the package's __init__) adds only the package
    assert imported("from dlnotes import API\n") == {"dlnotes"}
    assert imported("import numpy as np\nfrom numpy.linalg import norm\n") == set()


def test_imports_inside_functions_count():
    src = "def f():\n    from dlnotes.train import fit\n    return fit\n"
    assert "dlnotes.train" in imported(src)


def test_relative_imports():
    # in a module: one dot is its package
    assert imported("from .nn import model_forward\n", current="dlnotes.train") == {"dlnotes", "dlnotes.nn"}
    assert imported("from . import batchnorm\n", current="dlnotes.train") == {"dlnotes", "dlnotes.batchnorm"}
    # two dots from a figure module reach the top package
    assert imported("from .._checks import check_rng\n", current="dlnotes.figures.course1_week2") == {
        "dlnotes", "dlnotes._checks"}
    # in a package's __init__, one dot is the package itself
    assert imported("from ._cache import render\n", current="dlnotes.figures", is_package=True) == {
        "dlnotes", "dlnotes.figures", "dlnotes.figures._cache"}
    assert imported("from ._cache import render\n", current="dlnotes.figures", is_package=False) == set()
    # without knowing the current module a relative import cannot be resolved
    assert imported("from .nn import model_forward\n") == set()


def test_lazy_package_attributes():
    assert imported("import dlnotes\ndlnotes.nn.model_forward\n") == {"dlnotes", "dlnotes.nn"}
    assert imported("import dlnotes as d\nd.figures.course2_week1.train_net()\n") == {
        "dlnotes", "dlnotes.figures", "dlnotes.figures.course2_week1"}
    assert imported("from dlnotes import figures\nfigures.course1_week2.sigmoid_curve\n") == {
        "dlnotes", "dlnotes.figures", "dlnotes.figures.course1_week2"}
    # an attribute that is not a module stops the chain; an unbound name is not the package
    assert imported("import dlnotes\ndlnotes.API.keys()\n") == {"dlnotes"}
    assert imported("x = something.nn.model_forward\n") == set()


def test_figure_names_and_module_names_in_strings():
    src = 'from dlnotes_site.figures import render\nprint(render("course2_week1.bias_variance", alt="x"))\n'
    assert imported(src) == {"dlnotes", "dlnotes.figures", "dlnotes.figures.course2_week1"}
    assert imported('name = f"course1_week2.{fn}"\n') == {"dlnotes", "dlnotes.figures", "dlnotes.figures.course1_week2"}
    assert imported('importlib.import_module("dlnotes.train")\n') == {"dlnotes", "dlnotes.train"}
    # look-alikes are not dependencies
    assert imported('x = "numpy.linalg"\ny = "course9_week9.f"\nz = "see course1_week2.f for more"\n') == set()


def test_closure_rejects_a_bare_string_and_unknown_modules():
    with pytest.raises(TypeError, match="names"):
        _deps.closure("dlnotes.nn")
    with pytest.raises(KeyError, match="dlnotes.nope"):
        _deps.closure(["dlnotes.nope"])


# ----------------------------------------------------------------------------- the real package


def test_real_closures():
    assert "dlnotes.batchnorm" not in _deps.closure(["dlnotes.activations"])
    assert set(_deps.closure(["dlnotes.activations"])) == {"dlnotes", "dlnotes._checks", "dlnotes.activations"}
    train = set(_deps.closure(["dlnotes.train"]))
    assert {"dlnotes.nn", "dlnotes.fast", "dlnotes.optim", "dlnotes.data", "dlnotes.activations",
            "dlnotes.losses", "dlnotes.schedules"} <= train
    assert "dlnotes.figures" not in train and "dlnotes.plots" not in train
    # a figure module's closure holds figures/__init__ (the heavy marker) and what it draws with;
    # the renderer is build machinery outside the package (its source is keyed separately,
    # dlnotes_site.figures.RENDERER)
    fig = set(_deps.closure(["dlnotes.figures.course1_week1"]))
    assert {"dlnotes.figures", "dlnotes.plots"} <= fig
    assert not {"dlnotes.figures._cache", "dlnotes._deps"} & set(_deps.module_files())
    assert "dlnotes.train" not in fig and "dlnotes.batchnorm" not in fig


def test_graph_is_closed_and_every_module_is_its_own_dependency():
    graph = _deps.module_graph()
    assert set(graph) == set(_deps.module_files())
    for name in graph:
        c = set(_deps.closure([name]))
        assert name in c
        for dep in c:
            assert graph[dep] <= c, f"closure of {name} is not closed under imports of {dep}"


def test_dependents_is_the_inverse_of_closure():
    graph = _deps.module_graph()
    for target in ("dlnotes.batchnorm", "dlnotes.activations", "dlnotes.figures"):
        assert set(_deps.dependents(target)) == {m for m in graph if target in _deps.closure([m])}
    assert "dlnotes.figures.course1_week1" not in _deps.dependents("dlnotes.batchnorm")
    assert "dlnotes.figures.course1_week1" in _deps.dependents("dlnotes.activations")


# ----------------------------------------------------------------------------- digests on a copy


@pytest.fixture
def pkg(tmp_path):
    root = tmp_path / "dlnotes"
    shutil.copytree(_deps.package_dir(), root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_copy_has_the_same_digests_as_the_package(pkg):
    for name in ("dlnotes.nn", "dlnotes.figures.course2_week1"):
        assert _deps.digest([name], pkg) == _deps.digest([name])


def test_an_edit_changes_exactly_the_digests_whose_closure_contains_it(pkg):
    files = _deps.module_files(pkg)
    closures = {name: set(_deps.closure([name], pkg)) for name in files}
    before = {name: _deps.digest([name], pkg) for name in files}
    for edited, path in files.items():
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"\n# edit of {edited}\n")
        after = {name: _deps.digest([name], pkg) for name in files}
        changed = {name for name in files if after[name] != before[name]}
        expected = {name for name in files if edited in closures[name]}
        assert changed == expected, f"editing {edited}: changed {sorted(changed ^ expected)} unexpectedly"
        before = after


def test_a_new_import_extends_the_closure(pkg):
    assert "dlnotes.batchnorm" not in _deps.closure(["dlnotes.activations"], pkg)
    old = _deps.digest(["dlnotes.activations"], pkg)
    with open(pkg / "activations.py", "a", encoding="utf-8") as fh:
        fh.write("\nfrom dlnotes import batchnorm as _bn  # noqa: E402\n")
    assert "dlnotes.batchnorm" in _deps.closure(["dlnotes.activations"], pkg)
    new = _deps.digest(["dlnotes.activations"], pkg)
    assert new != old
    with open(pkg / "batchnorm.py", "a", encoding="utf-8") as fh:
        fh.write("\n# now a dependency of activations\n")
    assert _deps.digest(["dlnotes.activations"], pkg) != new


def test_a_new_module_nobody_imports_changes_no_digest(pkg):
    files = _deps.module_files(pkg)
    before = {name: _deps.digest([name], pkg) for name in files}
    (pkg / "figures" / "course9_week9.py").write_text("X = 1\n", encoding="utf-8")
    assert "dlnotes.figures.course9_week9" in _deps.module_files(pkg)
    assert {name: _deps.digest([name], pkg) for name in files} == before


def test_dlnotes_never_imports_the_build_package():
    """dlnotes is teaching code only: no module of it imports dlnotes_site (or mkdocs)."""
    import ast

    for name, path in _deps.module_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import)
                    else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for mod in mods:
                assert mod.split(".")[0] not in {"dlnotes_site", "mkdocs"}, f"{name} imports {mod}"


def test_one_digest_of_the_whole_package():
    """names=None is every module: what hooks/reload.py compares under serve --dirty."""
    assert _deps.digest() == _deps.digest(sorted(_deps.module_files()))
    assert _deps.digest() != _deps.digest(["dlnotes.nn"])
