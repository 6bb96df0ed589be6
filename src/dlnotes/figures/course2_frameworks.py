"""Figures of [Course 2: programming frameworks](course2/frameworks.md).

The computation graph of the notes' example $J(w) = w^2 - 10w + 25$, with the values of
the forward pass and the gradients of the backward pass computed by
:class:`dlnotes.autodiff.Value`, and the path of gradient descent computed by
:func:`dlnotes.autodiff.minimize`.
"""

from __future__ import annotations

import numpy as np

from dlnotes.autodiff import Value, minimize
from dlnotes.plots import PALETTE, draw_graph, new_figure

__all__ = ["cost", "graph_values", "cost_graph", "descent_path"]


def cost(w):
    """The notes' cost $J(w) = w^2 - 10w + 25 = (w - 5)^2$, written with :class:`~dlnotes.autodiff.Value` operations."""
    return w ** 2 + (-10.0) * w + 25.0


def graph_values(w0=0.0):
    """Forward values and gradients of every node of :func:`cost`'s graph at ``w0``.

    Returns ``{name: (data, grad)}`` for the nodes ``w``, ``w2`` ($w^2$), ``m`` ($-10w$),
    ``s`` ($w^2 - 10w$) and ``J``.
    """
    w = Value(w0, label="w")
    w2 = w ** 2
    m = (-10.0) * w
    s = w2 + m
    J = s + 25.0
    J.backward()
    return {"w": (w.data, w.grad), "w2": (w2.data, w2.grad), "m": (m.data, m.grad), "s": (s.data, s.grad),
            "J": (J.data, J.grad)}


# --8<-- [start:cost_graph]
def cost_graph(w0=1.0):
    """The graph of $J = w^2 - 10w + 25$ at ``w0``: values forward, $\\partial J/\\partial(\\cdot)$ backward."""
    v = graph_values(w0)

    def box(name, text):
        return f"{text}\n= {v[name][0]:g}"

    nodes = {
        "w": {"pos": (0.0, 0.0), "label": box("w", "$w$"), "color": "#F8D9C8"},
        "w2": (2.2, 0.9, box("w2", "$u = w^2$")),
        "m": (2.2, -0.9, box("m", "$v = -10w$")),
        "s": (4.4, 0.0, box("s", "$u + v$")),
        "J": {"pos": (6.6, 0.0), "label": box("J", "$J = u + v + 25$"), "color": "#CDEBDF"},
    }
    edges = [("w", "w2"), ("w", "m"), ("w2", "s"), ("m", "s"), ("s", "J")]
    backward = [("J", "s", f"{v['s'][1]:g}"), ("s", "w2", f"{v['w2'][1]:g}"), ("s", "m", f"{v['m'][1]:g}"),
                ("w2", "w", f"$\\times 2w$: {v['w2'][1] * 2 * w0:g}"), ("m", "w", f"$\\times(-10)$: {v['m'][1] * -10:g}")]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(1.5, 0.75), figsize=(9.5, 3.6),
                     title=f"Forward values and backward gradients at $w = {w0:g}$: "
                           f"$dJ/dw = {v['w'][1]:g}$ $(= 2w - 10)$")
    return fig
# --8<-- [end:cost_graph]


# --8<-- [start:descent_path]
def descent_path(learning_rate=0.01, steps=1000):
    """$w$ after each step of gradient descent with autodiff gradients, against the closed form."""
    r = minimize(cost, w0=0.0, learning_rate=learning_rate, steps=steps)
    k = np.arange(steps + 1)
    closed = 5.0 * (1.0 - (1.0 - 2.0 * learning_rate) ** k)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.4))
    ax1.plot(k, r.ws, color=PALETTE[0], lw=2, label="autodiff + gradient descent")
    ax1.plot(k[::50], closed[::50], "o", color=PALETTE[1], ms=4, label="$5(1 - 0.98^k)$")
    ax1.set_xlabel("step $k$")
    ax1.set_ylabel("$w_k$")
    ax1.set_title(f"$w$ (learning rate {learning_rate})")
    ax1.legend(frameon=False)
    ax2.semilogy(k, np.maximum(np.abs(r.ws - closed), 1e-17), color=PALETTE[2], lw=1.5)
    ax2.set_xlabel("step $k$")
    ax2.set_ylabel("$|w_k - 5(1-0.98^k)|$")
    ax2.set_title("Difference from the closed form (float64 rounding)")
    ax2.grid(True, alpha=0.3)
    return fig
# --8<-- [end:descent_path]
