"""Figures of the site: one module per page, each function returns a matplotlib Figure.

Pages render them at build time through :func:`render`::

    ```python exec="on" html="on"
    from dlnotes.figures import render
    print(render("course1_week2.sigmoid_curve", alt="The sigmoid function"))
    ```

``render`` imports ``dlnotes.figures.course1_week2``, calls ``sigmoid_curve()``, saves a
deterministic SVG (cached in ``.cache/figures/`` on a hash of the figure module's source and
of every ``dlnotes`` module it imports, the arguments and the library versions) and returns an
HTML ``<figure>``. Slow computations shared by figures and pages (training runs) are memoised
on disk with :func:`memo`, keyed the same way. See [how figures are built](about.md#figures)
and [the build's caches](about.md#caches).
"""

from dlnotes.figures._cache import STYLE, cache_dir, figure_key, memo, render, render_svg, results_dir

__all__ = ["render", "render_svg", "figure_key", "cache_dir", "results_dir", "memo", "STYLE"]
