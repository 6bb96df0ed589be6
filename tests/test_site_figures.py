"""dlnotes_site.figures.render and memo: deterministic SVG, cache hits, invalidation on source change."""

import re
import shutil
import sys
import time
import types

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlnotes_site import cache as site_cache
from dlnotes_site import figures as _cache
from dlnotes.plots import plot_function

CALLS = {"n": 0}


def _curve(scale=1.0):
    CALLS["n"] += 1
    return plot_function({"s": lambda x: scale * np.tanh(x)}, (-3, 3), ylabel="$y$")


def _not_a_figure():
    return 42


@pytest.fixture
def figmod(monkeypatch, tmp_path):
    """A throw-away figure module ``dlnotes.figures._testfig`` and a private cache dir."""
    mod = types.ModuleType("dlnotes.figures._testfig")
    mod.curve = _curve
    mod.not_a_figure = _not_a_figure
    monkeypatch.setitem(sys.modules, "dlnotes.figures._testfig", mod)
    monkeypatch.setenv("DLNOTES_CACHE_FIGURES", str(tmp_path / "cache"))
    CALLS["n"] = 0
    return tmp_path / "cache"


def test_two_renders_are_byte_identical(figmod, monkeypatch, tmp_path):
    key1, svg1, hit1 = _cache.render_svg("_testfig.curve", scale=2.0)
    monkeypatch.setenv("DLNOTES_CACHE_FIGURES", str(tmp_path / "other"))
    key2, svg2, hit2 = _cache.render_svg("_testfig.curve", scale=2.0)
    assert (hit1, hit2) == (False, False)
    assert CALLS["n"] == 2
    assert key1 == key2
    assert svg1.encode() == svg2.encode()
    assert svg1.startswith("<?xml") and "<svg" in svg1
    assert "dc:date" not in svg1.lower()


def test_cache_hit_skips_the_figure_function(figmod):
    key, svg, hit = _cache.render_svg("_testfig.curve", scale=1.5)
    assert not hit and CALLS["n"] == 1
    assert (figmod / f"{key}.svg").read_text(encoding="utf-8") == svg
    key2, svg2, hit2 = _cache.render_svg("_testfig.curve", scale=1.5)
    assert hit2 and key2 == key and svg2 == svg
    assert CALLS["n"] == 1
    # different kwargs: a different key and a new drawing
    key3, svg3, hit3 = _cache.render_svg("_testfig.curve", scale=-1.5)
    assert not hit3 and key3 != key and svg3 != svg and CALLS["n"] == 2



def test_a_figure_that_cannot_be_stored_is_inlined_and_leaves_no_file(figmod, monkeypatch):
    """One atomic write for figures and results: a failed publish leaves nothing under the key."""
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(site_cache.os, "replace", broken_replace)
    key, svg, hit = _cache.render_svg("_testfig.curve", scale=0.5)
    assert hit is None and svg.startswith("<?xml")
    assert not figmod.exists() or list(figmod.iterdir()) == []
    html = _cache.render("_testfig.curve", alt="a curve", scale=0.5)
    assert 'src="data:image/svg+xml;base64,' in html

@pytest.fixture
def pkg_copy(monkeypatch, tmp_path):
    """The renderer keyed on a copy of the package (to edit) instead of the installed source."""
    pkg = tmp_path / "dlnotes_copy"
    shutil.copytree(_cache._package_dir(), pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_cache, "_package_dir", lambda: pkg)
    _package_imported_now(monkeypatch)
    return pkg


def _package_imported_now(monkeypatch):
    """What re-importing ``dlnotes`` (as every rebuild under serve does) records: every file
    written so far is older than the code in memory."""
    monkeypatch.setattr(_cache, "_MTIME_SLACK_NS", 0)
    time.sleep(0.01)
    monkeypatch.setattr(_cache, "IMPORTED_NS", time.time_ns())


def _append(path, text="\n# an edit\n"):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def test_figure_key_follows_the_figure_modules_dependencies(pkg_copy):
    """course1_week1 imports plots (-> activations, _checks); it does not import batchnorm or train."""
    name = "course1_week1.performance_vs_data"
    key = _cache.figure_key(name)
    other = _cache.figure_key("course1_week2.sigmoid_curve")
    for unrelated in ("batchnorm.py", "train.py", "nn.py", "figures/course2_week1.py"):
        _append(pkg_copy / unrelated)
        assert _cache.figure_key(name) == key, f"an edit to {unrelated} must not redraw {name}"
    for dependency in ("plots.py", "activations.py", "_checks.py", "figures/course1_week1.py",
                       "figures/__init__.py", "__init__.py"):
        _append(pkg_copy / dependency)
        new = _cache.figure_key(name)
        assert new != key, f"an edit to {dependency} must redraw {name}"
        key = new
    # the edit to figures/course1_week1.py changed only that module's figures (plus shared deps)
    _append(pkg_copy / "figures" / "course1_week1.py")
    assert _cache.figure_key("course1_week2.sigmoid_curve") != other  # changed earlier by the shared edits
    latest = _cache.figure_key("course1_week2.sigmoid_curve")
    _append(pkg_copy / "figures" / "course1_week1.py")
    assert _cache.figure_key("course1_week2.sigmoid_curve") == latest


def test_the_renderers_own_source_is_in_every_key(monkeypatch):
    """The renderer is in no figure module's import closure (it is outside dlnotes): its source
    (and the dependency rules') is keyed separately, RENDERER, for figures and results alike."""
    import hashlib
    from pathlib import Path
    from dlnotes_site import deps

    files = [_cache.__file__, deps.__file__]
    assert _cache.RENDERER == hashlib.sha256(b"".join(Path(f).read_bytes() for f in files)).hexdigest()
    key, memo = _cache.figure_key("course1_week1.performance_vs_data"), _memo_ramp.memo_key(2)
    monkeypatch.setattr(_cache, "RENDERER", "an edit of the renderer")
    assert _cache.figure_key("course1_week1.performance_vs_data") != key
    assert _memo_ramp.memo_key(2) != memo


def test_render_redraws_only_after_a_dependency_changes(figmod, pkg_copy, monkeypatch):
    key, _, hit = _cache.render_svg("course1_week1.performance_vs_data")
    assert not hit
    _append(pkg_copy / "batchnorm.py")
    assert _cache.render_svg("course1_week1.performance_vs_data")[:3:2] == (key, True)
    _append(pkg_copy / "plots.py")
    key2, _, hit2 = _cache.render_svg("course1_week1.performance_vs_data")
    assert not hit2 and key2 != key


def test_a_figure_module_without_a_file_is_keyed_on_the_whole_package(figmod, pkg_copy):
    """The throw-away ``_testfig`` has no source file, so no import graph: any edit invalidates it."""
    key, _, hit = _cache.render_svg("_testfig.curve")
    assert not hit
    assert _cache.render_svg("_testfig.curve")[2] is True
    _append(pkg_copy / "batchnorm.py")
    key2, _, hit2 = _cache.render_svg("_testfig.curve")
    assert not hit2 and key2 != key
    # a new file in the package (e.g. a new figure module) invalidates it as well
    (pkg_copy / "figures" / "new_module.py").write_text("X = 1\n", encoding="utf-8")
    key3, _, hit3 = _cache.render_svg("_testfig.curve")
    assert not hit3 and key3 not in (key, key2)


def test_key_depends_on_versions_and_kwargs(monkeypatch):
    import matplotlib

    base = _cache.figure_key("m.f", {"a": np.arange(3.0), "b": [1, 2]})
    assert base == _cache.figure_key("m.f", {"b": [1, 2], "a": np.arange(3.0)})
    assert base != _cache.figure_key("m.f", {"a": np.arange(3.0, dtype=np.float32), "b": [1, 2]})
    assert base != _cache.figure_key("m.g", {"a": np.arange(3.0), "b": [1, 2]})
    monkeypatch.setattr(matplotlib, "__version__", "0.0.fake")
    assert base != _cache.figure_key("m.f", {"a": np.arange(3.0), "b": [1, 2]})


def test_unhashable_kwargs_are_refused():
    with pytest.raises(TypeError, match="kwargs"):
        _cache.figure_key("m.f", {"f": lambda x: x})
    with pytest.raises(TypeError, match="kwargs"):
        _cache.figure_key("m.f", {"o": object()})


def test_render_html_is_accessible(figmod):
    out = _cache.render("_testfig.curve", alt='A "tanh" curve', caption="Figure <1>")
    m = re.fullmatch(r'<figure class="dlnotes-figure" data-figure="_testfig.curve">'
                     r'<a class="dlnotes-figure-zoom" href="/__dlnotes_figures__/([0-9a-f]{24})\.svg" '
                     r'title="Open the figure full size">'
                     r'<img src="/__dlnotes_figures__/\1\.svg" alt="A &quot;tanh&quot; curve" '
                     r'width="(\d+)" height="(\d+)"></a><figcaption>Figure &lt;1&gt;</figcaption></figure>', out)
    assert m, out
    assert (figmod / f"{m.group(1)}.svg").is_file()
    assert (int(m.group(2)), int(m.group(3))) == (461, 307)  # 4.8 x 3.2 in = 345.6 x 230.4 pt, 96 px per inch
    embedded = _cache.render("_testfig.curve", alt="x", embed=True)
    assert 'src="data:image/svg+xml;base64,' in embedded
    assert "<a " not in embedded                      # a data: URL is not a link target


def test_render_errors(figmod):
    with pytest.raises(ValueError, match="alt"):
        _cache.render("_testfig.curve", alt="  ")
    with pytest.raises(ValueError, match="module.function"):
        _cache.render("curve", alt="x")
    with pytest.raises(AttributeError, match="no function 'nope'"):
        _cache.render("_testfig.nope", alt="x")
    with pytest.raises(TypeError, match="Figure"):
        _cache.render("_testfig.not_a_figure", alt="x")


def test_style_is_applied_and_restored(figmod):
    import matplotlib

    before = dict(matplotlib.rcParams)
    seen = {}

    def probe():
        seen["salt"] = matplotlib.rcParams["svg.hashsalt"]
        return Figure()

    sys.modules["dlnotes.figures._testfig"].probe = probe
    _cache.render_svg("_testfig.probe")
    assert seen["salt"] == _cache.STYLE["svg.hashsalt"]
    assert dict(matplotlib.rcParams) == before


# ----------------------------------------------------------------------------- memo (disk memo of results)

MEMO_CALLS = {"n": 0}


@_cache.memo
def _memo_ramp(n, scale=1.0):
    MEMO_CALLS["n"] += 1
    return {"x": np.arange(n) * scale, "meta": [n, scale]}


@_cache.memo
def _memo_closure():
    return lambda x: x


@pytest.fixture
def results(monkeypatch, tmp_path):
    """A private results directory and fresh in-process memos."""
    monkeypatch.setenv("DLNOTES_CACHE_RESULTS", str(tmp_path / "results"))
    _memo_ramp.cache_clear()
    MEMO_CALLS["n"] = 0
    return tmp_path / "results"


def test_memo_hits_in_memory_then_on_disk(results):
    first = _memo_ramp(4, scale=2.0)
    assert MEMO_CALLS["n"] == 1 and np.array_equal(first["x"], [0, 2, 4, 6])
    assert _memo_ramp.cache_info() == {"hits": 0, "disk_hits": 0, "misses": 1}
    again = _memo_ramp(4, 2.0)                       # same call, spelled differently
    assert MEMO_CALLS["n"] == 1 and _memo_ramp.cache_info()["hits"] == 1
    assert np.array_equal(again["x"], first["x"]) and again["meta"] == [4, 2.0]
    _memo_ramp.cache_clear()                         # what a rebuild does (modules re-imported)
    from_disk = _memo_ramp(n=4, scale=2.0)
    assert MEMO_CALLS["n"] == 1 and _memo_ramp.cache_info() == {"hits": 0, "disk_hits": 1, "misses": 0}
    assert np.array_equal(from_disk["x"], first["x"])
    _memo_ramp(4)                                    # other arguments: computed
    _memo_ramp(5, scale=2.0)
    assert MEMO_CALLS["n"] == 3
    assert len(list(results.glob("*.pkl"))) == 3


def test_memo_key_binds_defaults_and_hashes_arguments():
    k = _memo_ramp.memo_key(4)
    assert k == _memo_ramp.memo_key(4, 1.0) == _memo_ramp.memo_key(n=4, scale=1.0)
    assert k != _memo_ramp.memo_key(4, 1.5)
    assert k != _memo_ramp.memo_key(np.int64(4))     # another type, another key (never a wrong hit)
    a = np.arange(3.0)
    assert _memo_ramp.memo_key(a) == _memo_ramp.memo_key(a.copy())
    assert _memo_ramp.memo_key(a) != _memo_ramp.memo_key(a + 1)
    with pytest.raises(TypeError, match="_memo_ramp"):
        _memo_ramp.memo_key(lambda: 1)
    with pytest.raises(TypeError, match="_memo_ramp"):
        _memo_ramp.memo_key(1, 2, 3)                 # does not fit the signature


def test_memo_results_are_isolated_from_callers(results):
    first = _memo_ramp(3)
    first["x"][:] = -1                               # a caller scribbles on its result
    first["meta"].append("junk")
    second = _memo_ramp(3)
    assert np.array_equal(second["x"], [0, 1, 2]) and second["meta"] == [3, 1.0]
    second["x"] += 100
    _memo_ramp.cache_clear()
    assert np.array_equal(_memo_ramp(3)["x"], [0, 1, 2]), "the file is not changed by callers either"
    assert MEMO_CALLS["n"] == 1


def test_memo_writes_atomically_and_survives_a_bad_file(results, monkeypatch):
    _memo_ramp(2)
    files = sorted(results.iterdir())
    assert [p.name for p in files] == [f"{_memo_ramp.memo_key(2)}.pkl"], "one file, no temporary left"
    import pickle

    assert np.array_equal(pickle.loads(files[0].read_bytes())["x"], [0, 1])
    # a truncated file (written by something else, or a disk problem) is a miss and is replaced
    files[0].write_bytes(files[0].read_bytes()[:10])
    _memo_ramp.cache_clear()
    assert np.array_equal(_memo_ramp(2)["x"], [0, 1]) and MEMO_CALLS["n"] == 2
    assert np.array_equal(pickle.loads(files[0].read_bytes())["x"], [0, 1])

    # a crash between writing and publishing leaves no file under the key and no temporary file
    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(site_cache.os, "replace", broken_replace)
    assert np.array_equal(_memo_ramp(7)["x"], np.arange(7)), "the result is still returned"
    assert sorted(p.name for p in results.iterdir()) == [files[0].name]


def test_memo_refuses_what_it_cannot_store(results):
    with pytest.raises(TypeError, match="picklable"):
        _memo_closure()
    with pytest.raises(TypeError, match="module-level"):
        _cache.memo(lambda: 1)

    def local():
        return 1

    with pytest.raises(TypeError, match="module-level"):
        _cache.memo(local)


PROBE = '''"""A memoised function in a copy of the package."""
from dlnotes.activations import sigmoid
from dlnotes.figures import heavy

CALLS = []


@heavy
def value(z=0.0):
    CALLS.append(z)
    return float(sigmoid(z))
'''


def _load_probe(pkg, monkeypatch):
    import importlib.util

    path = pkg / "figures" / "_memo_probe.py"
    if not path.exists():
        path.write_text(PROBE, encoding="utf-8")
        _package_imported_now(monkeypatch)           # the module was there before the build began
    spec = importlib.util.spec_from_file_location("dlnotes.figures._memo_probe", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "dlnotes.figures._memo_probe", module)
    spec.loader.exec_module(module)
    assert not hasattr(module.value, "cache_info")   # the marker alone does nothing ...
    return _cache.wrap_heavy(module)                 # ... the build wraps it with its memo


def test_memo_key_follows_the_modules_dependencies(results, pkg_copy, monkeypatch):
    probe = _load_probe(pkg_copy, monkeypatch)
    assert probe.value(1.0) == probe.value(1.0) and probe.CALLS == [1.0]
    key = probe.value.memo_key(1.0)
    _append(pkg_copy / "batchnorm.py")                # not imported by the probe
    assert probe.value.memo_key(1.0) == key
    assert probe.value(1.0) and probe.CALLS == [1.0]
    _append(pkg_copy / "activations.py")              # imported by the probe
    assert probe.value.memo_key(1.0) != key
    # the source changed after the module was imported: computed again, but not stored
    probe.value(1.0)
    probe.value(1.0)
    assert probe.CALLS == [1.0, 1.0, 1.0]
    assert len(list(results.glob("*.pkl"))) == 1
    # re-imported (as a rebuild does), the new source's result is stored and reused
    _package_imported_now(monkeypatch)
    probe = _load_probe(pkg_copy, monkeypatch)
    probe.value(1.0)
    probe.value.cache_clear()
    probe.value(1.0)
    assert probe.CALLS == [1.0] and len(list(results.glob("*.pkl"))) == 2


def test_code_imported_before_an_edit_is_never_stored(results, figmod, pkg_copy, monkeypatch):
    """The race the digests alone miss: a dependency (activations) is in memory, its file is
    edited, then a memoised function or a figure that uses it runs: the key hashes the new file,
    the result comes from the old code. Nothing may be stored under that key."""
    probe = _load_probe(pkg_copy, monkeypatch)
    assert _cache.loaded_code_is_current("dlnotes.figures._memo_probe")
    time.sleep(0.01)
    _append(pkg_copy / "activations.py")              # edited after dlnotes was imported
    assert not _cache.loaded_code_is_current("dlnotes.figures._memo_probe")
    assert not _cache.loaded_code_is_current("dlnotes.figures.course1_week1")   # plots -> activations
    assert _cache.loaded_code_is_current("dlnotes.ewa")                         # does not import it
    probe.value(2.0)
    assert list(results.glob("*.pkl")) == []
    key, svg, hit = _cache.render_svg("course1_week1.performance_vs_data")
    assert hit is None and svg.startswith("<?xml") and not list(figmod.glob("*.svg"))
    html = _cache.render("course1_week1.performance_vs_data", alt="a figure")
    assert 'src="data:image/svg+xml;base64,' in html               # inlined, not a cache URL
    _package_imported_now(monkeypatch)                              # the next build re-imports
    assert _cache.render_svg("course1_week1.performance_vs_data")[2] is False
    assert len(list(figmod.glob("*.svg"))) == 1


def test_heavy_functions_are_memoised_only_when_the_build_imports_them():
    """dlnotes marks (``@heavy``, no caching); importing dlnotes_site (the build, this suite's
    conftest) wraps every marked function of a figure module, as a module attribute."""
    import subprocess

    import dlnotes.figures.course2_week1 as c2w1

    assert hasattr(c2w1.train_net, "memo_key") and c2w1.train_net.__wrapped__.heavy == {"distributions": ()}
    assert not hasattr(c2w1.circles_split, "memo_key")              # not marked: left alone
    code = ("import dlnotes.figures.course2_week1 as m, sys; "
            "print(hasattr(m.train_net, 'memo_key'), m.train_net.heavy, "
            "any(n.startswith('dlnotes_site') for n in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "{'distributions':", "()}", "False"]
