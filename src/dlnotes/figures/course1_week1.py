"""Figures of [Course 1, week 1](course1/week1.md): the introduction.

Every function returns a :class:`matplotlib.figure.Figure`; nothing is random.
"""

from __future__ import annotations

import numpy as np

from dlnotes.plots import PALETTE, new_figure

__all__ = ["FIGURES", "performance_vs_data"]

#: Names of the figure functions of this module (the tests render every one).
FIGURES = ("performance_vs_data",)


# --8<-- [start:performance_vs_data]
def performance_vs_data():
    r"""Schematic of performance against the amount of labelled data (not a measurement).

    The curves are illustrative shapes, not data: the axes have no units. See
    [why deep learning took off](course1/week1.md#why-deep-learning-took-off-now).

    Returns
    -------
    matplotlib.figure.Figure
        Four saturating curves $p(d) = p_\infty (1 - e^{-d/s})$ for a traditional algorithm and
        small, medium and large networks, with larger plateaus $p_\infty$ reached more slowly;
        a shaded band marks the small-data regime where their order is not determined.

    Examples
    --------
    >>> fig = performance_vs_data()
    >>> len([l for l in fig.axes[0].get_lines() if not l.get_label().startswith("_")])
    4
    """
    fig, ax = new_figure(figsize=(6.4, 3.6))
    d = np.linspace(0.0, 10.0, 400)
    curves = [("traditional learning algorithm", 0.45, 0.9),
              ("small neural network", 0.58, 1.5),
              ("medium neural network", 0.72, 2.3),
              ("large neural network", 0.90, 3.2)]
    for k, (label, plateau, scale) in enumerate(curves):
        ax.plot(d, plateau * (1.0 - np.exp(-d / scale)), color=PALETTE[k], lw=2, label=label)
    ax.axvspan(0.0, 2.2, color="0.85", alpha=0.6, zorder=0)
    ax.text(1.1, 0.95, "small data:\norder not\ndetermined", ha="center", va="top", fontsize=9)
    ax.set_xlim(0.0, 10.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("amount of labelled data")
    ax.set_ylabel("performance")
    ax.set_title("schematic (illustrative shapes, not measurements)")
    ax.legend(loc="lower right", frameon=False)
    return fig
# --8<-- [end:performance_vs_data]
