"""Figures of [Course 1, week 4](course1/week4.md): deep networks.

Besides the figure functions, :func:`sawtooth_parameters` and :func:`count_linear_pieces`
build and measure the depth-separation example the page checks at build time.
"""

from __future__ import annotations

import numpy as np

from dlnotes.nn import model_forward
from dlnotes.plots import BACKWARD_COLOR, draw_graph, draw_network, new_figure

__all__ = ["FIGURES", "deep_network", "feature_hierarchy", "building_blocks", "sawtooth_depth",
           "sawtooth_parameters", "count_linear_pieces"]

#: Names of the figure functions of this module (the tests render every one).
FIGURES = ("deep_network", "feature_hierarchy", "building_blocks", "sawtooth_depth")


# --8<-- [start:deep_network]
def deep_network():
    r"""A 4-layer network $3 \to 5 \to 5 \to 3 \to 1$ with its layers numbered.

    $L = 4$ (the input is layer 0); layer $l$ has $n^{[l]} n^{[l-1]}$ weights.
    See [notation for L layers](course1/week4.md#notation-for-l-layers).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = deep_network()
    >>> len(fig.axes[0].lines)    # 3*5 + 5*5 + 5*3 + 3*1 edges
    58
    """
    names = ["input\n$l=0$", "hidden\n$l=1$", "hidden\n$l=2$", "hidden\n$l=3$", "output\n$l=L=4$"]
    return draw_network([3, 5, 5, 3, 1], layer_names=names, figsize=(6.4, 3.8))
# --8<-- [end:deep_network]


# --8<-- [start:feature_hierarchy]
def feature_hierarchy():
    r"""Schematic of hierarchical features in images and in speech (boxes and arrows).

    An intuition, not a visualisation of a trained network.
    See [why deep representations](course1/week4.md#why-deep-representations).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = feature_hierarchy()
    >>> "faces" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    image = ["pixels", "edges", "parts\n(eyes, nose)", "faces"]
    audio = ["waveform", "low-level\nsound features", "phonemes", "words", "sentences"]
    nodes, edges = {}, []
    for row, (items, y, color) in enumerate(((image, 1.3, "#DCEBF7"), (audio, 0.0, "#E3F4EE"))):
        step = 8.0 / (len(items) - 1)
        for k, label in enumerate(items):
            name = f"r{row}n{k}"
            nodes[name] = {"pos": (k * step, y), "label": label, "color": color}
            if k:
                edges.append((f"r{row}n{k - 1}", name))
    fig = draw_graph(nodes, edges, box_size=(1.55, 0.8), figsize=(7.2, 2.6), fontsize=10)
    ax = fig.axes[0]
    ax.text(4.0, 2.05, "early layers: simple features  $\\longrightarrow$  later layers: compositions",
            ha="center", va="bottom", fontsize=10)
    return fig
# --8<-- [end:feature_hierarchy]


# --8<-- [start:building_blocks]
def building_blocks():
    r"""Forward and backward chains of an $L$-layer network, one block per layer.

    Forward: $A^{[l-1]} \to A^{[l]}$, caching $(A^{[l-1]}, W^{[l]}, b^{[l]}, Z^{[l]})$;
    backward: $dA^{[l]} \to dA^{[l-1]}$, emitting $dW^{[l]}, db^{[l]}$.
    See [forward and backward building blocks](course1/week4.md#forward-and-backward-building-blocks).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = building_blocks()
    >>> "$dA^{[L]}$" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    labels = ["layer 1\n$W^{[1]}, b^{[1]}$", "layer 2\n$W^{[2]}, b^{[2]}$", "$\\cdots$",
              "layer $L$\n$W^{[L]}, b^{[L]}$"]
    step = 2.4
    nodes = {"X": {"pos": (0.0, 0.0), "label": "$X$", "color": "#DCEBF7"}}
    for k, lab in enumerate(labels):
        nodes[f"l{k}"] = {"pos": (step * (k + 1), 0.0), "label": lab, "color": "#E3F4EE"}
    nodes["L"] = {"pos": (step * 5 + 0.1, 0.0), "label": "$\\mathcal{L}(\\hat{Y}, Y)$", "color": "#FBE3D6"}
    fwd_labels = ["$A^{[0]}$", "$A^{[1]}$", "$A^{[2]}$", "$A^{[L-1]}$", "$A^{[L]}$"]
    order = ["X", "l0", "l1", "l2", "l3", "L"]
    edges = [(order[k], order[k + 1], fwd_labels[k]) for k in range(5)]
    bwd_labels = ["$dA^{[1]}$", "$dA^{[2]}$", "$dA^{[L-1]}$", "$dA^{[L]}$"]
    backward = [(order[k + 2], order[k + 1], bwd_labels[k]) for k in range(4)]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(1.5, 0.85), figsize=(7.2, 1.9),
                     backward_bend=-0.5, fontsize=10)
    ax = fig.axes[0]
    for k in (0, 1, 3):
        x = step * (k + 1)
        sub = "L" if k == 3 else str(k + 1)
        ax.text(x, 0.5, f"cache$^{{[{sub}]}}$", ha="center", va="bottom", fontsize=9, color="0.3")
        ax.text(x, -1.0, f"$dW^{{[{sub}]}}, db^{{[{sub}]}}$", ha="center", va="top", fontsize=9,
                color=BACKWARD_COLOR)
    ax.text(-0.75, -1.0, "$X = A^{[0]}$", ha="left", va="top", fontsize=9, color="0.3")
    ax.text(step * 5 + 0.1, -1.0, "$\\hat{Y} = A^{[L]}$", ha="center", va="top", fontsize=9, color="0.3")
    ax.set_ylim(-1.45, 0.95)
    return fig
# --8<-- [end:building_blocks]


def sawtooth_parameters(k):
    r"""Weights of a dense ReLU network with $k$ hidden layers of 2 units computing $t^{\circ k}$.

    The tent map on $[0, 1]$ is $t(x) = 2\,\mathrm{relu}(x) - 4\,\mathrm{relu}(x - \frac12)$. Each hidden
    layer computes $\mathrm{relu}(s)$ and $\mathrm{relu}(s - \frac12)$ of the previous layer's output
    $s = 2h_1 - 4h_2$, folded into its weights. $t^{\circ k}$ has $2^k$ linear pieces
    (Telgarsky 2016). See [why deep representations](course1/week4.md#why-deep-representations).

    Parameters
    ----------
    k : int
        Number of hidden layers (compositions of the tent map), ``k >= 1``.

    Returns
    -------
    parameters : dict
        ``W1`` (2, 1), ``b1`` (2, 1), ``W2..Wk`` (2, 2), ``b2..bk`` (2, 1), ``W{k+1}`` (1, 2),
        ``b{k+1}`` (1, 1).
    activations : tuple of str
        ``("relu",) * k + ("identity",)``.

    Examples
    --------
    >>> params, acts = sawtooth_parameters(2)
    >>> y, _ = model_forward(np.array([[0.0, 0.25, 0.5, 0.75, 1.0]]), params, acts)
    >>> y
    array([[0., 1., 0., 1., 0.]])
    """
    k = int(k)
    if k < 1:
        raise ValueError(f"k: expected a number of hidden layers >= 1, got {k}")
    shift = np.array([[0.0], [-0.5]])
    fold = np.array([[2.0, -4.0]])
    params = {"W1": np.array([[1.0], [1.0]]), "b1": shift.copy()}
    for l in range(2, k + 1):
        params[f"W{l}"] = np.vstack([fold, fold])
        params[f"b{l}"] = shift.copy()
    params[f"W{k + 1}"] = fold.copy()
    params[f"b{k + 1}"] = np.zeros((1, 1))
    return params, ("relu",) * k + ("identity",)


def count_linear_pieces(x, y, tol=1e-9):
    r"""Number of maximal intervals on which the sampled function $y(x)$ is affine.

    Slopes $s_k = (y_{k+1} - y_k)/(x_{k+1} - x_k)$; a piece ends where $|s_{k+1} - s_k| > $ ``tol``.
    See [why deep representations](course1/week4.md#why-deep-representations).

    Parameters
    ----------
    x : array_like, shape (n,)
        Increasing sample points; every breakpoint of the function must be one of them.
    y : array_like, shape (n,)
    tol : float
        Slopes closer than ``tol`` count as equal.

    Returns
    -------
    int
        $1 + $ the number of slope changes between consecutive sample intervals.

    Examples
    --------
    >>> count_linear_pieces([0.0, 0.5, 1.0, 1.5], [0.0, 1.0, 0.0, -1.0])
    2
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 2:
        raise ValueError(f"x, y: expected two 1-D arrays of the same length >= 2, got {x.shape} and {y.shape}")
    slopes = np.diff(y) / np.diff(x)
    return int(1 + np.count_nonzero(np.abs(np.diff(slopes)) > tol))


# --8<-- [start:sawtooth_depth]
def sawtooth_depth(depths=(1, 2, 3, 4)):
    r"""The functions computed by :func:`sawtooth_parameters` for several depths.

    Evaluated with :func:`dlnotes.nn.model_forward` on a grid containing every breakpoint
    $j / 2^k$. See [why deep representations](course1/week4.md#why-deep-representations).

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers, one panel each.

    Returns
    -------
    matplotlib.figure.Figure
        Each panel titled with the depth, the hidden units ($2k$) and the counted pieces; two
        columns for four depths, otherwise up to three.

    Examples
    --------
    >>> fig = sawtooth_depth((1, 2))
    >>> [ax.get_title() for ax in fig.axes]
    ['k=1: 2 units, 2 pieces', 'k=2: 4 units, 4 pieces']
    >>> fig.get_size_inches().tolist()
    [7.2, 2.3]
    """
    depths = [int(k) for k in depths]
    ncols = min(len(depths), 2 if len(depths) == 4 else 3)
    nrows = -(-len(depths) // ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(3.6 * ncols, 2.3 * nrows), squeeze=False)
    for ax in axes.ravel()[len(depths):]:
        ax.set_axis_off()
    x = np.linspace(0.0, 1.0, 2 ** (max(depths) + 4) + 1).reshape(1, -1)
    for ax, k in zip(axes.ravel(), depths):
        params, acts = sawtooth_parameters(k)
        y, _ = model_forward(x, params, acts)
        ax.plot(x[0], y[0], color="#0072B2", lw=1.6)
        ax.set_title(f"k={k}: {2 * k} units, {count_linear_pieces(x[0], y[0])} pieces")
        ax.set_xlabel("$x$")
        ax.set_ylim(-0.05, 1.1)
        ax.grid(True, alpha=0.3)
    return fig
# --8<-- [end:sawtooth_depth]
