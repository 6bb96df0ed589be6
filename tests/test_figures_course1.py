"""Course 1 figures and pages: every figure function runs, returns a Figure and is deterministic;
every image placeholder F01-F16 of the notes is replaced on a Course 1 page; snippet includes resolve."""

import importlib
import re
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

from dlnotes_site import figures as _cache

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs" / "course1").glob("*.md"))
MODULES = ["course1_week1", "course1_week2", "course1_week3", "course1_week4"]
FIGURE_FUNCTIONS = [(mod, name) for mod in MODULES
                    for name in importlib.import_module(f"dlnotes.figures.{mod}").FIGURES]


def test_every_module_lists_its_figures():
    for mod in MODULES:
        module = importlib.import_module(f"dlnotes.figures.{mod}")
        assert module.FIGURES, mod
        for name in module.FIGURES:
            assert callable(getattr(module, name)), f"{mod}.{name}"
            assert name in module.__all__, f"{mod}.{name} missing from __all__"


@pytest.mark.parametrize(("mod", "name"), FIGURE_FUNCTIONS, ids=[f"{m}.{n}" for m, n in FIGURE_FUNCTIONS])
def test_figure_function_returns_a_figure_quickly(mod, name):
    func = getattr(importlib.import_module(f"dlnotes.figures.{mod}"), name)
    start = time.perf_counter()
    fig = func()
    elapsed = time.perf_counter() - start
    assert isinstance(fig, Figure)
    assert fig.axes, "the figure has no axes"
    # the budget is 2 s on an idle machine; leave room for a loaded CI runner
    assert elapsed < 6.0, f"{mod}.{name} took {elapsed:.2f} s"


@pytest.mark.parametrize(("mod", "name"), FIGURE_FUNCTIONS, ids=[f"{m}.{n}" for m, n in FIGURE_FUNCTIONS])
def test_figure_is_deterministic(mod, name, tmp_path, monkeypatch):
    svgs = []
    for run in range(2):                      # two empty caches: the figure is drawn twice
        monkeypatch.setenv("DLNOTES_CACHE_FIGURES", str(tmp_path / f"cache{run}"))
        key, svg, hit = _cache.render_svg(f"{mod}.{name}")
        assert not hit
        svgs.append(svg)
    assert svgs[0] == svgs[1]


#: Width in CSS pixels of the page's content column at a 1280-px window (Material's default layout);
#: an SVG wider than this is scaled down to fit, and its text with it.
COLUMN_PX = 690
MIN_TEXT_PX = 9.0


@pytest.mark.parametrize(("mod", "name"), FIGURE_FUNCTIONS, ids=[f"{m}.{n}" for m, n in FIGURE_FUNCTIONS])
def test_figure_text_is_legible_in_the_content_column(mod, name):
    from matplotlib.text import Text

    fig = getattr(importlib.import_module(f"dlnotes.figures.{mod}"), name)()
    width_px = fig.get_size_inches()[0] * 96          # render() writes width = inches * 96 px
    scale = min(1.0, COLUMN_PX / width_px)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert sizes, "the figure has no text"
    smallest_px = min(sizes) * 96 / 72 * scale
    assert smallest_px >= MIN_TEXT_PX, (
        f"{mod}.{name}: smallest text is {min(sizes):g} pt in a {width_px:.0f}-px-wide figure, "
        f"{smallest_px:.1f} px on the page (want >= {MIN_TEXT_PX} px): shrink the figure or enlarge the text")


def _page_text():
    return {p.name: p.read_text(encoding="utf-8") for p in PAGES}


def test_every_placeholder_F01_to_F16_is_replaced_once():
    texts = _page_text()
    for k in range(1, 17):
        marker = f"<!-- F{k:02d} -->"
        hits = [name for name, text in texts.items() for _ in range(text.count(marker))]
        assert len(hits) == 1, f"{marker} found {len(hits)} times in docs/course1 ({hits})"
    # Course 2's placeholders belong on Course 2 pages
    for name, text in texts.items():
        for ident in re.findall(r"<!-- F(\d\d) -->", text):
            assert 1 <= int(ident) <= 16, f"F{ident} on {name}"


def test_snippet_includes_point_at_existing_sections():
    pattern = re.compile(r'--8<-- "(src/dlnotes/[\w/]+\.py):([\w-]+)"')
    found = 0
    for page in PAGES:
        for path, section in pattern.findall(page.read_text(encoding="utf-8")):
            source = (ROOT / path).read_text(encoding="utf-8")
            assert f"# --8<-- [start:{section}]" in source, f"{page.name}: {path}:{section}"
            assert f"# --8<-- [end:{section}]" in source, f"{page.name}: {path}:{section}"
            found += 1
    assert found >= 10


def test_pages_follow_the_page_conventions():
    texts = _page_text()
    for name in ("week2.md", "week3.md", "week4.md"):
        text = texts[name]
        assert '!!! correction "Correction:' in text, name
        assert '```python exec="on"' in text, name
        assert "## Summary" in text and "## Exercises" in text, name
        # code comes from the package, never pasted: no 'def ' inside plain python fences
        for block in re.findall(r"```python\n(.*?)```", text, flags=re.S):
            assert "def " not in block or "--8<--" in block, f"{name}: pasted code\n{block}"


def test_every_correction_states_claim_correction_and_reason():
    count = 0
    for page in PAGES:
        blocks = re.split(r"\n(?=\S)", page.read_text(encoding="utf-8"))
        for block in blocks:
            if block.startswith("!!! correction"):
                count += 1
                head = block.splitlines()[0]
                assert re.match(r'!!! correction "Correction: .+"$', head), head
                for part in ("**The notes said:**", "**Correct:**", "**Why"):
                    assert part in block, f"{page.name}: {head} lacks {part}"
    assert count >= 15


def test_sawtooth_networks_have_2_to_the_k_pieces():
    from dlnotes.figures.course1_week4 import count_linear_pieces, sawtooth_parameters
    from dlnotes.nn import model_forward

    x = np.linspace(0.0, 1.0, 2**9 + 1).reshape(1, -1)
    for k in range(1, 7):
        params, acts = sawtooth_parameters(k)
        assert len(acts) == k + 1 and sum(p.shape[0] for key, p in params.items() if key.startswith("b")) == 2 * k + 1
        y, _ = model_forward(x, params, acts)
        assert count_linear_pieces(x[0], y[0]) == 2**k
        assert y.min() == 0.0 and y.max() == 1.0
    with pytest.raises(ValueError, match="k: expected"):
        sawtooth_parameters(0)


def test_count_linear_pieces_on_known_functions():
    from dlnotes.figures.course1_week4 import count_linear_pieces

    x = np.linspace(-2.0, 2.0, 41)
    assert count_linear_pieces(x, 3 * x + 1) == 1
    assert count_linear_pieces(x, np.abs(x)) == 2
    assert count_linear_pieces(x, np.maximum(0, x - 1) + np.maximum(0, -x - 1)) == 3
    with pytest.raises(ValueError):
        count_linear_pieces([0.0], [1.0])


def test_symmetry_demo_constant_starts_stay_symmetric():
    from dlnotes.figures.course1_week3 import symmetry_demo

    spread = symmetry_demo(iterations=50)
    assert spread["all weights 0"] == 0.0
    assert spread["all weights 0.5"] == 0.0
    assert spread["random, 0.01 * N(0, 1)"] > 1e-3


def test_hidden_layer_beats_logistic_regression_on_the_flower():
    from dlnotes.figures.course1_week3 import flower_models

    acc = flower_models()["accuracy"]
    assert acc["logistic regression"] < 0.7
    assert acc["1 hidden layer (4 tanh units)"] > 0.85
