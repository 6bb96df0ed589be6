"""Figures of the site: one module per page, each function returns a matplotlib Figure.

Pages render them at build time through :func:`render`::

    ```python exec="on" html="on"
    from dlnotes.figures import render
    print(render("course1_week2.sigmoid_curve", alt="The sigmoid function"))
    ```

``render`` imports ``dlnotes.figures.course1_week2``, calls ``sigmoid_curve()``, saves a
deterministic SVG (cached in ``.cache/figures/`` on a hash of the package source, the
arguments and the library versions) and returns an HTML ``<figure>``. See
[how figures are built](about.md#figures).
"""

from dlnotes.figures._cache import STYLE, cache_dir, figure_key, render, render_svg

__all__ = ["render", "render_svg", "figure_key", "cache_dir", "STYLE"]
