"""dlnotes.figures.render: deterministic SVG, cache hits, invalidation on source change."""

import re
import shutil
import sys
import types

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlnotes.figures import _cache
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
    monkeypatch.setenv("DLNOTES_FIGURE_CACHE", str(tmp_path / "cache"))
    CALLS["n"] = 0
    return tmp_path / "cache"


def test_two_renders_are_byte_identical(figmod, monkeypatch, tmp_path):
    key1, svg1, hit1 = _cache.render_svg("_testfig.curve", scale=2.0)
    monkeypatch.setenv("DLNOTES_FIGURE_CACHE", str(tmp_path / "other"))
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


def test_changing_package_source_invalidates(figmod, monkeypatch, tmp_path):
    pkg = tmp_path / "dlnotes_copy"
    shutil.copytree(_cache._package_dir(), pkg, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(_cache, "_package_dir", lambda: pkg)
    key, _, hit = _cache.render_svg("_testfig.curve")
    assert not hit
    assert _cache.render_svg("_testfig.curve")[2] is True
    with open(pkg / "plots.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit to a helper the figure uses\n")
    key2, _, hit2 = _cache.render_svg("_testfig.curve")
    assert not hit2 and key2 != key
    # a new file in the package (e.g. a new figure module) invalidates as well
    (pkg / "figures" / "new_module.py").write_text("X = 1\n", encoding="utf-8")
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
                     r'<img src="/__dlnotes_figures__/([0-9a-f]{24})\.svg" alt="A &quot;tanh&quot; curve" '
                     r'width="(\d+)" height="(\d+)"><figcaption>Figure &lt;1&gt;</figcaption></figure>', out)
    assert m, out
    assert (figmod / f"{m.group(1)}.svg").is_file()
    assert (int(m.group(2)), int(m.group(3))) == (461, 307)  # 4.8 x 3.2 in = 345.6 x 230.4 pt, 96 px per inch
    embedded = _cache.render("_testfig.curve", alt="x", embed=True)
    assert 'src="data:image/svg+xml;base64,' in embedded


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
