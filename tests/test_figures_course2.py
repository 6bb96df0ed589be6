"""Course 2 figures: every figure function runs, returns a Figure, and renders identically twice.

Also checks that the pages render exactly these figures and that every figure placeholder of
the notes' Course 2 (F17 to F31) is marked in a page of ``docs/course2``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from dlnotes.figures import _cache

DOCS = Path(__file__).resolve().parents[1] / "docs" / "course2"

FIGURES = {
    "course2_week1": ["bias_variance", "regularized_boundaries", "ridge_fits", "l1_vs_l2_weights", "early_stopping",
                      "ensemble", "augmentation", "input_normalization", "init_depth_stats", "residual_block",
                      "auxiliary_heads", "finite_difference_error"],
    "course2_week2": ["minibatch_costs", "ewa_temperatures", "optimizer_paths", "lr_schedules", "saddle_and_plateau"],
    "course2_week3": ["grid_vs_random", "log_scale_sampling", "bn_histograms", "softmax_regions", "neg_log_likelihood"],
    "course2_frameworks": ["cost_graph", "descent_path"],
}
ALL = [f"{mod}.{fn}" for mod, fns in FIGURES.items() for fn in fns]


def _clear_memo(module_name):
    """Forget every memoised training run of a figure module, so a second render recomputes everything."""
    mod = importlib.import_module(f"dlnotes.figures.{module_name}")
    for obj in vars(mod).values():
        if callable(obj) and hasattr(obj, "cache_clear"):
            obj.cache_clear()
    for obj in vars(mod).values():
        if isinstance(obj, dict) and obj and all(isinstance(k, tuple) for k in obj):
            obj.clear()


@pytest.mark.parametrize("name", ALL)
def test_figure_is_a_figure_and_deterministic(name):
    module_name, func_name = name.split(".")
    func = getattr(importlib.import_module(f"dlnotes.figures.{module_name}"), func_name)
    assert callable(func)
    _clear_memo(module_name)
    svg1 = _cache._draw(name, {})      # raises TypeError unless the function returns a matplotlib Figure
    _clear_memo(module_name)
    svg2 = _cache._draw(name, {})
    assert svg1 == svg2, f"{name} is not deterministic"
    assert "<svg" in svg1 and 'id="axes_1"' in svg1, f"{name} drew no axes"


def test_draw_refuses_a_non_figure(monkeypatch):
    mod = importlib.import_module("dlnotes.figures.course2_week2")
    monkeypatch.setattr(mod, "lr_schedules", lambda: 42)
    with pytest.raises(TypeError, match="Figure"):
        _cache._draw("course2_week2.lr_schedules", {})


def test_pages_render_exactly_the_tested_figures():
    used = set()
    for page in DOCS.glob("*.md"):
        used |= set(re.findall(r'render\(\s*"(course2_[a-z0-9_]+\.[A-Za-z0-9_]+)"', page.read_text(encoding="utf-8")))
    assert used == set(ALL), f"rendered but untested: {sorted(used - set(ALL))}; tested but unused: {sorted(set(ALL) - used)}"


@pytest.mark.parametrize("fid", [f"F{i}" for i in range(17, 32)])
def test_every_placeholder_is_replaced_in_a_course2_page(fid):
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    assert f"<!-- {fid} -->" in text


def test_corrections_are_present_on_every_week_page():
    for page in ("week1.md", "week2.md", "week3.md", "frameworks.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        assert text.count('!!! correction "Correction:') >= 1, page


def test_snippet_sections_used_by_the_pages_exist():
    root = DOCS.parents[1]
    for page in DOCS.glob("*.md"):
        for path, section in re.findall(r'--8<-- "([^":]+):([^"]+)"', page.read_text(encoding="utf-8")):
            source = (root / path).read_text(encoding="utf-8")
            assert f"# --8<-- [start:{section}]" in source, f"{page.name}: {path}:{section} missing"
            assert f"# --8<-- [end:{section}]" in source, f"{page.name}: {path}:{section} not closed"
