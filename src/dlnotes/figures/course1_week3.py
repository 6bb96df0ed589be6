"""Figures of [Course 1, week 3](course1/week3.md): shallow networks.

Every function returns a :class:`matplotlib.figure.Figure` built from fixed seeds, except the
two helpers :func:`flower_models` and :func:`symmetry_demo`, which return the numbers the page
prints (and the figures draw).
"""

from __future__ import annotations

import numpy as np

from dlnotes.data import make_flower
from dlnotes.figures import heavy
from dlnotes.nn import model_backward, model_forward, predict, update_parameters
from dlnotes.plots import BACKWARD_COLOR, draw_graph, draw_network, new_figure, plot_activations, plot_decision_boundary

__all__ = ["FIGURES", "neuron_diagram", "two_layer_network", "activations_and_derivatives",
           "backprop_graph", "flower_boundaries", "flower_models", "symmetry_demo", "train_gd"]

#: Names of the figure functions of this module (the tests render every one).
FIGURES = ("neuron_diagram", "two_layer_network", "activations_and_derivatives", "backprop_graph",
           "flower_boundaries")


# --8<-- [start:neuron_diagram]
def neuron_diagram():
    r"""One unit: inputs $x_1, x_2, x_3$, weights $w_k$ on the edges, $z = w^\top x + b$, $a = g(z)$.

    $z = \sum_k w_k x_k + b$, $a = g(z)$. See [one unit](course1/week3.md#one-unit).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = neuron_diagram()
    >>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("$w"))
    ['$w_1$', '$w_2$', '$w_3$']
    """
    def circle(y, label):
        return {"pos": (0.0, y), "label": label, "shape": "circle"}

    nodes = {
        "x1": circle(2.2, "$x_1$"), "x2": circle(1.1, "$x_2$"), "x3": circle(0.0, "$x_3$"),
        "unit": {"pos": (3.2, 1.1), "label": "$z = w^\\top x + b$\n$a = g(z)$", "color": "#E3F4EE"},
        "out": {"pos": (5.6, 1.1), "label": r"$\hat{y} = a$", "shape": "circle", "color": "#FBE3D6"},
    }
    edges = [("x1", "unit", "$w_1$"), ("x2", "unit", "$w_2$"), ("x3", "unit", "$w_3$"), ("unit", "out")]
    return draw_graph(nodes, edges, box_size=(1.9, 0.9), figsize=(6.0, 3.0))
# --8<-- [end:neuron_diagram]


# --8<-- [start:two_layer_network]
def two_layer_network():
    r"""The 2-layer network $3 \to 4 \to 1$ with its layers named.

    $W^{[1]}$ has $4 \times 3$ entries (edges), $W^{[2]}$ has $1 \times 4$.
    See [the network and its notation](course1/week3.md#the-network-and-its-notation).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = two_layer_network()
    >>> len(fig.axes[0].lines)    # 3*4 + 4*1 edges
    16
    """
    return draw_network([3, 4, 1], layer_names=["input\n(layer 0)", "hidden\n(layer 1)", "output\n(layer 2)"],
                        figsize=(4.6, 3.6))
# --8<-- [end:two_layer_network]


# --8<-- [start:activations_and_derivatives]
def activations_and_derivatives(leak=0.1):
    r"""Sigmoid, tanh, ReLU and leaky ReLU (solid) with the derivatives backprop uses (dashed).

    $\sigma' = \sigma(1-\sigma) \le \frac14$, $\tanh' = 1 - \tanh^2 \le 1$, $\mathrm{relu}'(z) = [z > 0]$
    (with $\mathrm{relu}'(0) = 0$), leaky ReLU $\max(\nu z, z)$ with slope ``leak`` $= \nu$ for
    $z < 0$ (default 0.1, ten times the usual 0.01, so that its panel visibly differs from ReLU's). See [activation functions](course1/week3.md#activation-functions).

    Returns
    -------
    matplotlib.figure.Figure
        Four panels (two by two) on $z \in [-5, 5]$.

    Examples
    --------
    >>> fig = activations_and_derivatives()
    >>> [ax.get_title() for ax in fig.axes]
    ['sigmoid', 'tanh', 'ReLU', 'leaky ReLU, ν = 0.1']
    """
    from dlnotes.activations import ACTIVATIONS, leaky_relu, leaky_relu_grad

    acts = dict(ACTIVATIONS)
    acts["leaky_relu"] = (lambda z: leaky_relu(z, leak), lambda z: leaky_relu_grad(z, leak))
    return plot_activations(("sigmoid", "tanh", "relu", "leaky_relu"), activations=acts,
                            titles={"relu": "ReLU", "leaky_relu": f"leaky ReLU, ν = {leak:g}"}, ncols=2,
                            figsize=(7.2, 5.0))
# --8<-- [end:activations_and_derivatives]


# --8<-- [start:backprop_graph]
def backprop_graph():
    r"""Computation graph of the 2-layer network for one example, with the backward derivatives.

    $dz^{[2]} = a^{[2]} - y$, $dW^{[2]} = dz^{[2]}a^{[1]\top}$, $db^{[2]} = dz^{[2]}$,
    $da^{[1]} = W^{[2]\top}dz^{[2]}$, $dz^{[1]} = da^{[1]} \odot g^{[1]\prime}(z^{[1]})$,
    $dW^{[1]} = dz^{[1]}x^\top$, $db^{[1]} = dz^{[1]}$.
    See [backpropagation in matrix form](course1/week3.md#backpropagation-in-matrix-form).

    Returns
    -------
    matplotlib.figure.Figure
        The forward graph (solid arrows), the backward arrows (dashed, labelled with the derivative
        they carry) and, below, the formula of each derivative.

    Examples
    --------
    >>> fig = backprop_graph()
    >>> "$dz^{[2]} = a^{[2]} - y$" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    def small(x, y, label):
        return {"pos": (x, y), "label": label, "shape": "circle"}

    nodes = {
        "x": small(0.0, 1.5, "$x$"), "W1": small(0.0, 0.0, "$W^{[1]}$"), "b1": small(0.0, -1.5, "$b^{[1]}$"),
        "z1": (2.4, 0.0, "$z^{[1]}$"),
        "a1": (4.6, 0.0, "$a^{[1]}$"),
        "W2": small(6.0, 1.7, "$W^{[2]}$"), "b2": small(6.0, -1.7, "$b^{[2]}$"),
        "z2": (7.2, 0.0, "$z^{[2]}$"),
        "a2": (9.5, 0.0, "$a^{[2]}$"),
        "L": (11.8, 0.0, r"$\mathcal{L}$"),
    }
    edges = [("x", "z1"), ("W1", "z1"), ("b1", "z1"), ("z1", "a1"), ("a1", "z2"), ("W2", "z2"),
             ("b2", "z2"), ("z2", "a2"), ("a2", "L")]
    backward = [
        ("a2", "z2", "$dz^{[2]}$"),
        ("z2", "W2", "$dW^{[2]}$"),
        ("z2", "b2", "$db^{[2]}$"),
        ("z2", "a1", "$da^{[1]}$"),
        ("a1", "z1", "$dz^{[1]}$"),
        ("z1", "W1", "$dW^{[1]}$"),
        ("z1", "b1", "$db^{[1]}$"),
    ]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(1.1, 0.8), figsize=(7.2, 4.6),
                     backward_bend=-0.4, fontsize=11)
    ax = fig.axes[0]
    forward = [r"$z^{[1]} = W^{[1]}x + b^{[1]}$", r"$a^{[1]} = g^{[1]}(z^{[1]})$",
               r"$z^{[2]} = W^{[2]}a^{[1]} + b^{[2]}$", r"$a^{[2]} = \sigma(z^{[2]})$",
               r"$\mathcal{L} = \mathcal{L}(a^{[2]}, y)$"]
    derivatives = [r"$dz^{[2]} = a^{[2]} - y$", r"$dW^{[2]} = dz^{[2]}a^{[1]\top}$", r"$db^{[2]} = dz^{[2]}$",
                   r"$da^{[1]} = W^{[2]\top}dz^{[2]}$", r"$dz^{[1]} = da^{[1]} \odot g^{[1]\prime}(z^{[1]})$",
                   r"$dW^{[1]} = dz^{[1]}x^\top$", r"$db^{[1]} = dz^{[1]}$"]
    top = -2.5
    ax.text(-0.5, top, "forward", fontsize=10, fontweight="bold", va="top")
    ax.text(6.0, top, "backward (one example)", fontsize=10, fontweight="bold", va="top",
            color=BACKWARD_COLOR)
    for k, text in enumerate(forward):
        ax.text(-0.5, top - 0.5 * (k + 1), text, fontsize=10, va="top")
    for k, text in enumerate(derivatives):
        ax.text(6.0, top - 0.5 * (k + 1), text, fontsize=10, va="top", color=BACKWARD_COLOR)
    ax.set_ylim(top - 0.5 * (len(derivatives) + 1) - 0.1, 2.2)
    return fig
# --8<-- [end:backprop_graph]


def train_gd(X, Y, parameters, activations, learning_rate, iterations):
    r"""Plain batch gradient descent with :mod:`dlnotes.nn` (a small helper for the figures).

    Parameters
    ----------
    X : ndarray, shape (n_x, m)
    Y : ndarray, shape (1, m)
    parameters : dict
        Initial ``W{l}``, ``b{l}``; copied, not modified.
    activations : sequence of str, length L
    learning_rate : float
    iterations : int

    Returns
    -------
    parameters : dict
        After ``iterations`` steps $\theta \leftarrow \theta - \alpha\,d\theta$ on the mean
        binary cross-entropy. See [gradient descent for a network](course1/week3.md#gradient-descent-for-a-network).

    Examples
    --------
    >>> X = np.array([[-1.0, 1.0]]); Y = np.array([[0, 1]])
    >>> p = train_gd(X, Y, {"W1": np.zeros((1, 1)), "b1": np.zeros((1, 1))}, ("sigmoid",), 1.0, 50)
    >>> bool(p["W1"][0, 0] > 0)
    True
    """
    params = {k: np.array(v, copy=True) for k, v in parameters.items()}
    for _ in range(int(iterations)):
        AL, caches = model_forward(X, params, activations)
        grads = model_backward(AL, Y, caches, loss="bce")
        params = update_parameters(params, grads, learning_rate)
    return params


@heavy
def flower_models():
    r"""Logistic regression and a 4-unit tanh network trained on the flower data (fixed seeds).

    Both are trained by batch gradient descent on the mean binary cross-entropy
    (logistic regression: $\alpha = 0.1$, 2000 steps, from zeros; the network: $\alpha = 1.2$,
    4000 steps, weights $0.01\,\mathcal N(0, 1)$ from seed 2). Marked
    :func:`dlnotes.figures.heavy`: the site's build keeps the result.
    See [a hidden layer on the flower data](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).

    Returns
    -------
    dict
        ``"X"`` (2, 400), ``"Y"`` (1, 400), ``"models"``: name -> (parameters, activations),
        ``"accuracy"``: name -> training accuracy (float in [0, 1]), ``"settings"``: name ->
        ``{"learning_rate", "iterations"}``.

    Examples
    --------
    >>> res = flower_models()
    >>> res["accuracy"]["1 hidden layer (4 tanh units)"] > res["accuracy"]["logistic regression"]
    True
    """
    X, Y = make_flower(m=400, rng=1)
    rng = np.random.default_rng(2)
    logistic0 = {"W1": np.zeros((1, 2)), "b1": np.zeros((1, 1))}
    net0 = {"W1": rng.standard_normal((4, 2)) * 0.01, "b1": np.zeros((4, 1)),
            "W2": rng.standard_normal((1, 4)) * 0.01, "b2": np.zeros((1, 1))}
    settings = {  # name -> (initial parameters, activations, learning rate, iterations)
        "logistic regression": (logistic0, ("sigmoid",), 0.1, 2000),
        "1 hidden layer (4 tanh units)": (net0, ("tanh", "sigmoid"), 1.2, 4000),
    }
    models = {name: (train_gd(X, Y, p0, acts, lr, its), acts) for name, (p0, acts, lr, its) in settings.items()}
    accuracy = {name: float(np.mean(predict(X, p, acts) == Y)) for name, (p, acts) in models.items()}
    summary = {name: {"learning_rate": lr, "iterations": its} for name, (_, _, lr, its) in settings.items()}
    return {"X": X, "Y": Y, "models": models, "accuracy": accuracy, "settings": summary}


# --8<-- [start:flower_boundaries]
def flower_boundaries():
    r"""Decision boundaries on the flower data: logistic regression vs one hidden layer.

    The boundary is $\{x : \hat y(x) = \frac12\}$: a line for logistic regression
    ($w^\top x + b = 0$), a curve for the network.
    See [a hidden layer on the flower data](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).

    Returns
    -------
    matplotlib.figure.Figure
        Two panels, titled with the training accuracy computed by :func:`flower_models`.

    Examples
    --------
    >>> fig = flower_boundaries()
    >>> len(fig.axes)
    2
    """
    res = flower_models()
    fig, axes = new_figure(1, 2, figsize=(7.2, 3.8))
    for ax, (name, (params, acts)) in zip(axes, res["models"].items()):
        plot_decision_boundary(lambda P, p=params, a=acts: predict(P, p, a), res["X"], res["Y"], ax=ax,
                               resolution=150, title=f"{name}\n{res['accuracy'][name]:.1%} of training points correct", s=9)
    return fig
# --8<-- [end:flower_boundaries]


@heavy
def symmetry_demo(iterations=1000):
    r"""Train the same 2-4-1 network from a constant, a zero and a random start; measure symmetry.

    A 2-4-1 network with a tanh hidden layer and a sigmoid output. With a constant start every
    row of $W^{[1]}$ receives the same gradient at every step (proof by induction on
    [the page](course1/week3.md#random-initialization)), so the rows stay equal.

    Parameters
    ----------
    iterations : int
        Gradient-descent steps ($\alpha = 1.2$) on the flower data.

    Returns
    -------
    dict
        Initialization name -> $\max_{j} \max_k |W^{[1]}_{jk} - W^{[1]}_{1k}|$ after training:
        how different the hidden units' incoming weights are (0 means all units identical).

    Examples
    --------
    >>> spread = symmetry_demo(iterations=20)
    >>> spread["all weights 0.5"] == 0.0, spread["random, 0.01 * N(0, 1)"] > 0
    (True, True)
    """
    X, Y = make_flower(m=400, rng=1)
    rng = np.random.default_rng(2)
    starts = {
        "all weights 0": {"W1": np.zeros((4, 2)), "b1": np.zeros((4, 1)),
                          "W2": np.zeros((1, 4)), "b2": np.zeros((1, 1))},
        "all weights 0.5": {"W1": np.full((4, 2), 0.5), "b1": np.zeros((4, 1)),
                            "W2": np.full((1, 4), 0.5), "b2": np.zeros((1, 1))},
        "random, 0.01 * N(0, 1)": {"W1": rng.standard_normal((4, 2)) * 0.01, "b1": np.zeros((4, 1)),
                                   "W2": rng.standard_normal((1, 4)) * 0.01, "b2": np.zeros((1, 1))},
    }
    out = {}
    for name, p0 in starts.items():
        W1 = train_gd(X, Y, p0, ("tanh", "sigmoid"), 1.2, iterations)["W1"]
        out[name] = float(np.max(np.abs(W1 - W1[:1])))
    return out
