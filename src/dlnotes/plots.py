"""Drawing helpers shared by the figure modules (:mod:`dlnotes.figures`).

Every helper draws with matplotlib's object-oriented API (no ``pyplot``) and returns the
:class:`matplotlib.figure.Figure` it drew on (with ``ax=``, that axes' figure). They take
callables and arrays, never a network; colours are the Okabe-Ito palette.
See [how figures are built](about.md#figures).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from dlnotes._checks import as_float_array, check_positive, check_shape

__all__ = [
    "PALETTE",
    "new_figure",
    "plot_function",
    "plot_activations",
    "draw_network",
    "draw_graph",
    "plot_decision_boundary",
    "plot_cost_history",
    "plot_contours_with_paths",
]

#: Okabe-Ito colour-blind-safe palette, in the order the helpers use it.
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # green
    "#CC79A7",  # purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)
FORWARD_COLOR = "#222222"
BACKWARD_COLOR = PALETTE[1]


def new_figure(nrows=1, ncols=1, *, figsize=None, squeeze=True, **subplot_kw):
    """Create a white figure and its axes without touching ``pyplot``.

    Figures built this way have a white background, so they read well on the dark theme too:
    see [how figures are built](about.md#figures).

    Parameters
    ----------
    nrows, ncols : int
        Grid of panels.
    figsize : tuple of float, optional
        Size in inches; defaults to 4.8 x 3.2 per panel (capped at 10 inches wide).
    squeeze : bool
        As in :meth:`matplotlib.figure.Figure.subplots`.
    **subplot_kw
        Passed to :meth:`~matplotlib.figure.Figure.add_subplot` (e.g. ``projection="3d"``).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes

    Examples
    --------
    >>> fig, axes = new_figure(1, 2)
    >>> len(fig.axes), axes.shape
    (2, (2,))
    """
    check_positive(nrows, "nrows", integer=True)
    check_positive(ncols, "ncols", integer=True)
    if figsize is None:
        figsize = (min(4.8 * ncols, 10.0), 3.2 * nrows)
    fig = Figure(figsize=figsize, layout="constrained", facecolor="white")
    axes = fig.subplots(nrows, ncols, squeeze=squeeze, subplot_kw=subplot_kw or None)
    return fig, axes


def _target_axes(ax, figsize=None):
    if ax is None:
        fig, ax = new_figure(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _as_items(things, name):
    """Normalise ``callable | Mapping[label, callable]`` to a list of ``(label, obj)``."""
    if isinstance(things, Mapping):
        if not things:
            raise ValueError(f"{name}: expected at least one entry, got an empty mapping")
        return list(things.items())
    return [(None, things)]


def plot_function(f, x_range=(-6.0, 6.0), *, n=401, ax=None, xlabel="$z$", ylabel=None,
                  title=None, hlines=(), vlines=(), legend_loc="best", figsize=None):
    r"""Plot one or several scalar functions of one variable.

    Parameters
    ----------
    f : callable or mapping of str to callable
        ``f(x)``, shape ``(n,)`` in and out; a mapping ``{label: f}`` draws curves with a legend.
    x_range : (float, float)
        Interval ``[low, high]`` of the horizontal axis.
    n : int
        Number of sample points.
    ax : matplotlib.axes.Axes, optional
        Draw here instead of a new figure.
    xlabel, ylabel, title : str, optional
        Axis labels (mathtext allowed, e.g. ``"$\\sigma(z)$"``).
    hlines, vlines : sequence of float
        Dotted reference lines (e.g. the asymptotes ``0`` and ``1`` of the sigmoid).
    legend_loc : str
        For :meth:`~matplotlib.axes.Axes.legend` (more than one curve).
    figsize : tuple of float, optional
        Size of a new figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> ax = plot_function({"tanh": np.tanh}, (-3, 3), ylabel="$g(z)$", hlines=(-1, 1)).axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.get_lines())
    ('$z$', '$g(z)$', 3)
    """
    lo, hi = float(x_range[0]), float(x_range[1])
    if not lo < hi:
        raise ValueError(f"x_range: expected low < high, got {x_range!r}")
    check_positive(n, "n", integer=True)
    fig, ax = _target_axes(ax, figsize)
    x = np.linspace(lo, hi, n)
    for y0 in hlines:
        ax.axhline(y0, color="0.6", lw=0.8, ls=":", zorder=0)
    for x0 in vlines:
        ax.axvline(x0, color="0.6", lw=0.8, ls=":", zorder=0)
    items = _as_items(f, "f")
    for i, (label, func) in enumerate(items):
        if not callable(func):
            raise TypeError(f"f: expected a callable, got {type(func).__name__}")
        y = np.asarray(func(x), dtype=float)
        if y.shape != x.shape:
            raise ValueError(f"f: expected an output of shape {x.shape}, got {y.shape}")
        ax.plot(x, y, color=PALETTE[i % len(PALETTE)], lw=2, label=label)
    ax.set_xlim(lo, hi)
    ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if any(label is not None for label, _ in items):
        ax.legend(loc=legend_loc, frameon=False)
    ax.grid(True, alpha=0.3)
    return fig


def _resolve_activations(names, activations):
    if activations is None:
        from dlnotes.activations import ACTIVATIONS  # imported lazily: plots stays generic
        activations = ACTIVATIONS
    pairs = []
    for name in names:
        if name not in activations:
            raise ValueError(f"names: unknown activation {name!r}; expected one of {sorted(activations)}")
        g, gprime = activations[name]
        pairs.append((name, g, gprime))
    return pairs


def plot_activations(names=("sigmoid", "tanh", "relu", "leaky_relu"), *, activations=None,
                     x_range=(-5.0, 5.0), n=401, ncols=None, titles=None, figsize=None):
    r"""Plot $g(z)$ and $g'(z)$ for named activations, one panel each.

    $g'$ is the supplied one, not a difference quotient: what backpropagation uses.
    See [the activation functions](course1/week3.md).

    Parameters
    ----------
    names : sequence of str
        Which activations to draw, in panel order.
    activations : mapping of str to (callable, callable), optional
        ``name -> (g, g_prime)`` on arrays of shape ``(1, n)``; default :data:`dlnotes.activations.ACTIVATIONS`.
    x_range : (float, float)
        Interval of $z$.
    n : int
        Number of sample points.
    ncols : int, optional
        Panels per row (default: all in one row, at most 4).
    titles : mapping of str to str, optional
        Panel titles by name (default: the name).
    figsize : tuple of float, optional

    Returns
    -------
    matplotlib.figure.Figure
        One axes per activation: $g$ (solid) and $g'$ (dashed).

    Examples
    --------
    >>> acts = {"tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2)}
    >>> fig = plot_activations(["tanh"], activations=acts)
    >>> [line.get_label() for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    ['$g(z)$', "$g'(z)$"]
    """
    names = list(names)
    if not names:
        raise ValueError("names: expected at least one activation name, got an empty sequence")
    pairs = _resolve_activations(names, activations)
    ncols = min(len(pairs), 4) if ncols is None else ncols
    check_positive(ncols, "ncols", integer=True)
    nrows = -(-len(pairs) // ncols)
    if figsize is None:
        figsize = (min(2.6 * ncols, 10.0), 2.5 * nrows)
    fig, axes = new_figure(nrows, ncols, figsize=figsize, squeeze=False)
    z = np.linspace(float(x_range[0]), float(x_range[1]), n).reshape(1, -1)
    for ax, (name, g, gprime) in zip(axes.flat, pairs):
        ax.axhline(0, color="0.6", lw=0.8, zorder=0)
        ax.axvline(0, color="0.6", lw=0.8, zorder=0)
        ax.plot(z[0], np.asarray(g(z), dtype=float).reshape(-1), color=PALETTE[0], lw=2, label="$g(z)$")
        ax.plot(z[0], np.asarray(gprime(z), dtype=float).reshape(-1), color=PALETTE[1], lw=1.6,
                ls="--", label="$g'(z)$")
        ax.set_title((titles or {}).get(name, name))
        ax.set_xlabel("$z$")
        ax.grid(True, alpha=0.3)
    for ax in list(axes.flat)[len(pairs):]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", frameon=False, fontsize="small")
    return fig


def _default_network_labels(layer_sizes):
    labels = []
    last = len(layer_sizes) - 1
    for layer, size in enumerate(layer_sizes):
        if layer == 0:
            labels.append([f"$x_{{{i + 1}}}$" for i in range(size)])
        elif layer == last and size == 1:
            labels.append([r"$\hat{y}$"])
        else:
            labels.append([f"$a^{{[{layer}]}}_{{{i + 1}}}$" for i in range(size)])
    return labels


def draw_network(layer_sizes, labels="auto", *, layer_names=None, ax=None, node_radius=0.22,
                 figsize=None, title=None):
    r"""Draw a fully connected network: one column of circles per layer, every edge.

    Layer $l$ has $n^{[l]} n^{[l-1]}$ edges, one per entry of $W^{[l]}$; see
    [the notation](notation.md).

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_x, n_1, ..., n_L]`` (the input layer first), each ``>= 1``.
    labels : "auto", None, or sequence of sequences of str
        Node labels per layer; ``"auto"``: $x_i$, $a^{[l]}_i$, and $\hat y$ for a single output.
    layer_names : sequence of str, optional
        Caption under each column (e.g. ``["input", "hidden", "output"]``).
    ax : matplotlib.axes.Axes, optional
    node_radius : float
        Circle radius in data units (columns are 1.5 apart, nodes 1 apart).
    figsize : tuple of float, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = draw_network([3, 4, 1], layer_names=["input", "hidden", "output"])
    >>> ax = fig.axes[0]
    >>> len(ax.patches), len(ax.lines)    # 8 neurons, 3*4 + 4*1 edges
    (8, 16)
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 1 or any(s < 1 for s in sizes):
        raise ValueError(f"layer_sizes: expected a non-empty sequence of positive ints, got {list(layer_sizes)!r}")
    if labels == "auto":
        labels = _default_network_labels(sizes)
    if labels is not None:
        if len(labels) != len(sizes) or any(len(lab) != s for lab, s in zip(labels, sizes)):
            raise ValueError(f"labels: expected one label per node, i.e. lengths {sizes}, "
                             f"got {[len(lab) for lab in labels]}")
    if layer_names is not None and len(layer_names) != len(sizes):
        raise ValueError(f"layer_names: expected {len(sizes)} names, got {len(layer_names)}")
    dx = 1.5
    if figsize is None:
        figsize = (max(2.2, 1.6 * len(sizes)), max(2.0, 0.62 * max(sizes) + 0.8))
    fig, ax = _target_axes(ax, figsize)
    pos = [[(dx * l, (s - 1) / 2 - i) for i in range(s)] for l, s in enumerate(sizes)]
    for l in range(1, len(sizes)):
        for x0, y0 in pos[l - 1]:
            for x1, y1 in pos[l]:
                ax.plot([x0 + node_radius, x1 - node_radius], [y0, y1], color="0.55", lw=0.8, zorder=1)
    for l, column in enumerate(pos):
        face = "#DCEBF7" if l == 0 else ("#FBE3D6" if l == len(sizes) - 1 else "#E3F4EE")
        for i, (x, y) in enumerate(column):
            ax.add_patch(Circle((x, y), node_radius, facecolor=face, edgecolor=FORWARD_COLOR, lw=1.2, zorder=2))
            if labels is not None:
                ax.text(x, y, labels[l][i], ha="center", va="center", fontsize=9, zorder=3)
        if layer_names is not None:
            ax.text(dx * l, -(max(sizes) - 1) / 2 - 0.75, layer_names[l], ha="center", va="top", fontsize=9)
    top = (max(sizes) - 1) / 2
    ax.set_xlim(-0.6, dx * (len(sizes) - 1) + 0.6)
    ax.set_ylim(-top - (1.2 if layer_names is not None else 0.5), top + 0.5)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return fig


def _parse_node(name, spec):
    if isinstance(spec, Mapping):
        if "pos" not in spec:
            raise ValueError(f"nodes[{name!r}]: expected a 'pos' entry, got keys {sorted(spec)}")
        x, y = spec["pos"]
        return float(x), float(y), spec.get("label", name), spec.get("shape", "box"), spec.get("color")
    spec = tuple(spec)
    if len(spec) == 2:
        return float(spec[0]), float(spec[1]), name, "box", None
    if len(spec) == 3:
        return float(spec[0]), float(spec[1]), spec[2], "box", None
    raise ValueError(f"nodes[{name!r}]: expected (x, y), (x, y, label) or a dict with 'pos', got {spec!r}")


def _parse_edges(edges, nodes, argname):
    parsed = []
    for k, edge in enumerate(edges):
        edge = tuple(edge)
        if len(edge) not in (2, 3):
            raise ValueError(f"{argname}[{k}]: expected (source, target) or (source, target, label), got {edge!r}")
        for end in edge[:2]:
            if end not in nodes:
                raise ValueError(f"{argname}[{k}]: unknown node {end!r}; expected one of {sorted(nodes)}")
        parsed.append((edge[0], edge[1], edge[2] if len(edge) == 3 else None))
    return parsed


def draw_graph(nodes, edges=(), *, backward=(), ax=None, box_size=(1.1, 0.55), figsize=None, title=None,
               backward_bend=-0.35, fontsize=10):
    r"""Draw a computation graph (a DAG) with forward and, optionally, backward edges.

    The forward pass evaluates nodes in topological order; the backward pass sends
    $\partial J/\partial(\text{node})$ along the reversed edges, multiplying local
    derivatives by the chain rule: see [computation graphs](course1/week2.md).

    Parameters
    ----------
    nodes : mapping of str to node spec
        ``name -> (x, y)``, ``(x, y, label)`` or a dict (``pos``, ``label``, ``shape`` ``"box"``
        or ``"circle"``, ``color``), in data units.
    edges : sequence of (str, str) or (str, str, str)
        Forward edges ``(source, target[, label])``: solid dark arrows, label above the middle.
    backward : sequence of (str, str) or (str, str, str)
        Backward edges, same format, drawn as dashed vermillion arcs.
    ax : matplotlib.axes.Axes, optional
    box_size : (float, float)
        Width and height of box nodes (circle nodes have diameter = height).
    figsize : tuple of float, optional
        Default: scaled to the span of the positions.
    title : str, optional
    backward_bend : float
        Curvature of backward arcs (``arc3`` ``rad``; negative bends below).
    fontsize : float

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> nodes = {"a": (0, 1), "b": (0, 0), "u": (2, 0, "$u = bc$"), "J": (4, 0.5, "$J$")}
    >>> fig = draw_graph(nodes, [("a", "J"), ("b", "u"), ("u", "J", "6")],
    ...                  backward=[("J", "u", "$dJ/du$")])
    >>> len(fig.axes[0].patches)                   # 4 nodes + 3 forward + 1 backward arrows
    8
    """
    if not isinstance(nodes, Mapping) or not nodes:
        raise ValueError("nodes: expected a non-empty mapping name -> position")
    parsed = {name: _parse_node(name, spec) for name, spec in nodes.items()}
    fwd = _parse_edges(edges, parsed, "edges")
    bwd = _parse_edges(backward, parsed, "backward")
    w, h = (float(box_size[0]), float(box_size[1]))
    xs = [p[0] for p in parsed.values()]
    ys = [p[1] for p in parsed.values()]
    if figsize is None:
        figsize = (min(10.0, max(3.0, 1.3 * (max(xs) - min(xs) + w + 1))),
                   max(1.8, 1.3 * (max(ys) - min(ys) + h + 1.2)))
    fig, ax = _target_axes(ax, figsize)
    patches = {}
    for name, (x, y, label, shape, color) in parsed.items():
        face = color or "#EEF3F8"
        if shape == "circle":
            patch = Circle((x, y), h / 2, facecolor=face, edgecolor=FORWARD_COLOR, lw=1.2, zorder=2)
        elif shape == "box":
            patch = FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                   facecolor=face, edgecolor=FORWARD_COLOR, lw=1.2, zorder=2)
        else:
            raise ValueError(f"nodes[{name!r}]: expected shape 'box' or 'circle', got {shape!r}")
        ax.add_patch(patch)
        patches[name] = patch
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=3)

    def arrow(src, dst, label, style):
        x0, y0 = parsed[src][:2]
        x1, y1 = parsed[dst][:2]
        if style == "forward":
            kw = dict(color=FORWARD_COLOR, lw=1.3, connectionstyle="arc3,rad=0")
        else:
            kw = dict(color=BACKWARD_COLOR, lw=1.3, ls="--", connectionstyle=f"arc3,rad={backward_bend}")
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=12,
                                     patchA=patches[src], patchB=patches[dst], zorder=1, **kw))
        if label is not None:
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            if style == "forward":
                ax.text(mx, my + 0.08, label, ha="center", va="bottom", fontsize=fontsize - 1,
                        color=FORWARD_COLOR, zorder=4)
            else:
                # the arc3 control point sits at the midpoint offset by rad * (dy, -dx)
                dx_, dy_ = x1 - x0, y1 - y0
                cx, cy = mx + backward_bend * dy_ / 2, my - backward_bend * dx_ / 2
                ax.text(cx, cy, label, ha="center", va="center", fontsize=fontsize - 1, color=BACKWARD_COLOR,
                        zorder=4, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))

    for src, dst, label in fwd:
        arrow(src, dst, label, "forward")
    for src, dst, label in bwd:
        arrow(src, dst, label, "backward")
    pad_y = h / 2 + (0.6 if bwd else 0.3)
    ax.set_xlim(min(xs) - w / 2 - 0.3, max(xs) + w / 2 + 0.3)
    ax.set_ylim(min(ys) - pad_y, max(ys) + h / 2 + 0.4)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return fig


def plot_decision_boundary(predict_fn, X, Y, *, ax=None, resolution=200, padding=0.5, title=None,
                           xlabel="$x_1$", ylabel="$x_2$", figsize=None, s=14):
    r"""Shade the regions a binary classifier assigns to each class and scatter the data.

    The boundary is the level set $\{x : \hat y(x) = 0.5\}$, drawn from
    ``predict_fn`` on a ``resolution`` x ``resolution`` grid. See
    [bias and variance](course2/week1.md).

    Parameters
    ----------
    predict_fn : callable
        ``predict_fn(P)``, ``P`` of shape ``(2, k)`` -> shape ``(1, k)`` or ``(k,)``; ``>= 0.5`` is class 1.
    X : array of shape (2, m)
        Two input features, examples as columns.
    Y : array of shape (1, m)
        Labels in {0, 1}.
    ax : matplotlib.axes.Axes, optional
    resolution : int
        Grid points per axis.
    padding : float
        Margin around the data, in data units.
    title, xlabel, ylabel : str, optional
    figsize : tuple of float, optional
    s : float
        Marker size.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> X = np.array([[-1.0, -0.5, 0.5, 1.0], [0.0, 1.0, -1.0, 0.0]])
    >>> Y = np.array([[0, 0, 1, 1]])
    >>> fig = plot_decision_boundary(lambda P: (P[0] > 0).astype(int), X, Y, resolution=50)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('$x_1$', '$x_2$')
    """
    X = as_float_array(X, "X", ndim=2)
    check_shape(X, "X", (2, None))
    Y = as_float_array(Y, "Y", ndim=2)
    check_shape(Y, "Y", (1, X.shape[1]))
    check_positive(resolution, "resolution", integer=True)
    fig, ax = _target_axes(ax, figsize)
    x_min, x_max = X[0].min() - padding, X[0].max() + padding
    y_min, y_max = X[1].min() - padding, X[1].max() + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.stack([xx.ravel(), yy.ravel()]).astype(X.dtype)
    out = np.asarray(predict_fn(grid), dtype=float).reshape(-1)
    if out.size != grid.shape[1]:
        raise ValueError(f"predict_fn: expected {grid.shape[1]} outputs for a (2, {grid.shape[1]}) grid, "
                         f"got {out.size}")
    zz = (out >= 0.5).astype(float).reshape(xx.shape)
    ax.contourf(xx, yy, zz, levels=[-0.5, 0.5, 1.5], colors=["#CFE3F3", "#F8D9C8"], zorder=0)
    ax.contour(xx, yy, zz, levels=[0.5], colors=["0.3"], linewidths=1.0, zorder=1)
    for label, color, marker in ((0, PALETTE[0], "o"), (1, PALETTE[1], "^")):
        mask = Y[0] == label
        ax.scatter(X[0, mask], X[1, mask], s=s, c=color, marker=marker, edgecolors="white", linewidths=0.4,
                   label=f"$y={label}$", zorder=2)
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="upper right", frameon=True, fontsize="small")
    return fig


def plot_cost_history(histories, *, x="epoch", y="cost", ax=None, logy=False, xlabel=None, ylabel=None,
                      title=None, marks=None, figsize=None, styles=None):
    """Plot learning curves: one line per run (or per series of a run).

    See [mini-batch gradient descent](course2/week2.md).

    Parameters
    ----------
    histories : mapping of str to (mapping or sequence of float)
        ``label -> history``: a sequence of costs, or a dict of lists such as
        :attr:`dlnotes.train.TrainResult.history`.
    x, y : str
        Keys of a dict history (e.g. ``y="dev_cost"``; no ``x`` key: the index).
    ax : matplotlib.axes.Axes, optional
    logy : bool
        Logarithmic vertical axis.
    xlabel, ylabel, title : str, optional
        Default labels are ``x`` and ``y`` (``"iteration"`` for plain sequences).
    marks : mapping of str to float, optional
        ``label -> x``, a dotted vertical line (e.g. the early-stopping epoch).
    figsize : tuple of float, optional
    styles : mapping of str to dict, optional
        Extra ``Axes.plot`` keyword arguments per label (e.g. ``{"dev": {"ls": "--"}}``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_cost_history({"batch": [1.0, 0.5, 0.3], "mini-batch": [1.0, 0.7, 0.2]}, logy=True)
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), ax.get_ylabel(), ax.get_yscale(), len(ax.get_lines())
    ('iteration', 'cost', 'log', 2)
    """
    if not isinstance(histories, Mapping) or not histories:
        raise ValueError("histories: expected a non-empty mapping label -> history")
    fig, ax = _target_axes(ax, figsize)
    plain = True
    for i, (label, hist) in enumerate(histories.items()):
        if isinstance(hist, Mapping):
            plain = False
            if y not in hist:
                raise ValueError(f"histories[{label!r}]: expected a {y!r} key, got keys {sorted(hist)}")
            ys = np.asarray(hist[y], dtype=float)
            xs = np.asarray(hist[x], dtype=float) if x in hist else np.arange(ys.size)
        else:
            ys = np.asarray(hist, dtype=float)
            xs = np.arange(ys.size)
        if ys.ndim != 1 or xs.shape != ys.shape:
            raise ValueError(f"histories[{label!r}]: expected 1-D series of equal length, got {xs.shape} and {ys.shape}")
        kw = dict(color=PALETTE[i % len(PALETTE)], lw=1.6)
        kw.update((styles or {}).get(label, {}))
        ax.plot(xs, ys, label=label, **kw)
    for i, (label, x0) in enumerate((marks or {}).items()):
        ax.axvline(float(x0), color="0.35", ls=":", lw=1.2)
        ax.annotate(label, (float(x0), 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", va="top", fontsize="small", color="0.25")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel if xlabel is not None else ("iteration" if plain else x))
    ax.set_ylabel(ylabel if ylabel is not None else y)
    if title is not None:
        ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    return fig


def plot_contours_with_paths(f, paths=None, *, xlim=(-2.0, 2.0), ylim=(-2.0, 2.0), levels=20, ax=None,
                             resolution=200, log_levels=False, title=None, xlabel="$w_1$", ylabel="$w_2$",
                             figsize=None, minimum=None, equal_aspect=True):
    r"""Draw the level sets of $f(w_1, w_2)$ and optimisation paths on top.

    Each path starts with a hollow circle and ends with a filled dot. See
    [optimization algorithms](course2/week2.md).

    Parameters
    ----------
    f : callable
        ``f(W1, W2)`` elementwise on two ``(resolution, resolution)`` arrays.
    paths : mapping of str to array of shape (k, 2), optional
        ``label -> iterates`` (as :func:`dlnotes.optim.trajectory` returns; ``(2, k)`` works too).
    xlim, ylim : (float, float)
        Plotted window.
    levels : int or sequence of float
        Number of contour levels, or the levels themselves.
    ax : matplotlib.axes.Axes, optional
    resolution : int
        Grid points per axis.
    log_levels : bool
        Geometric levels between the grid's positive minimum and maximum (ill-conditioned bowls).
    title, xlabel, ylabel : str, optional
    figsize : tuple of float, optional
    minimum : (float, float), optional
        Mark the minimiser with a star.
    equal_aspect : bool
        Keep circles round (so that conditioning is visible).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> path = np.array([[1.5, 1.5], [0.5, 0.3], [0.1, 0.05]])
    >>> fig = plot_contours_with_paths(lambda a, b: a**2 + 10 * b**2, {"GD": path}, minimum=(0, 0))
    >>> fig.axes[0].get_xlabel(), [line.get_label() for line in fig.axes[0].get_lines()][:1]
    ('$w_1$', ['GD'])
    """
    check_positive(resolution, "resolution", integer=True)
    fig, ax = _target_axes(ax, figsize)
    xs = np.linspace(float(xlim[0]), float(xlim[1]), resolution)
    ys = np.linspace(float(ylim[0]), float(ylim[1]), resolution)
    W1, W2 = np.meshgrid(xs, ys)
    Z = np.asarray(f(W1, W2), dtype=float)
    if Z.shape != W1.shape:
        raise ValueError(f"f: expected an output of shape {W1.shape}, got {Z.shape}")
    if log_levels:
        n_levels = levels if isinstance(levels, int) else len(levels)
        positive = Z[Z > 0]
        if positive.size == 0:
            raise ValueError("f: log_levels needs positive values of f on the grid")
        levels = np.geomspace(positive.min(), positive.max(), n_levels)
    ax.contour(W1, W2, Z, levels=levels, cmap="viridis", linewidths=0.8, zorder=0)
    for i, (label, path) in enumerate((paths or {}).items()):
        P = np.asarray(path, dtype=float)
        if P.ndim == 2 and P.shape[1] != 2 and P.shape[0] == 2:
            P = P.T
        if P.ndim != 2 or P.shape[1] != 2:
            raise ValueError(f"paths[{label!r}]: expected shape (k, 2), got {np.shape(path)}")
        color = PALETTE[i % len(PALETTE)]
        ax.plot(P[:, 0], P[:, 1], "-", color=color, lw=1.5, label=label, zorder=2)
        ax.plot(P[:, 0], P[:, 1], ".", color=color, ms=3, zorder=2)
        ax.plot(P[0, 0], P[0, 1], "o", mfc="white", mec=color, ms=6, zorder=3)
        ax.plot(P[-1, 0], P[-1, 1], "o", color=color, ms=5, zorder=3)
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], "*", color="black", ms=10, zorder=4)
    ax.set_xlim(float(xlim[0]), float(xlim[1]))
    ax.set_ylim(float(ylim[0]), float(ylim[1]))
    if equal_aspect:
        ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if paths:
        ax.legend(frameon=True, fontsize="small")
    return fig

