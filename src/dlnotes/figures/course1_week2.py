"""Figures of [Course 1, week 2](course1/week2.md): logistic regression and computation graphs.

Every figure function returns a :class:`matplotlib.figure.Figure`; the only randomness is the
fixed-seed shuffle of :func:`digit_detector_data`.
"""

from __future__ import annotations

import numpy as np

from dlnotes.activations import sigmoid, sigmoid_grad
from dlnotes.compgraph import toy_backward, toy_forward
from dlnotes.data import load_digits, train_dev_test_split
from dlnotes.figures import heavy
from dlnotes.logistic import optimize
from dlnotes.plots import BACKWARD_COLOR, draw_graph, plot_cost_history, plot_function

__all__ = ["FIGURES", "sigmoid_curve", "bce_loss_curves", "toy_graph", "logistic_graph", "learning_rate_costs",
           "digit_detector_data"]

#: Names of the figure functions of this module (the tests render every one).
FIGURES = ("sigmoid_curve", "bce_loss_curves", "toy_graph", "logistic_graph", "learning_rate_costs")


# --8<-- [start:sigmoid_curve]
def sigmoid_curve():
    r"""The sigmoid $\sigma(z) = 1/(1+e^{-z})$ and its derivative $\sigma(z)(1-\sigma(z))$ on $[-8, 8]$.

    $\sigma(0) = \frac12$, $\sigma(z) \to 1$ as $z \to \infty$, $\to 0$ as $z \to -\infty$;
    $\sigma'$ peaks at $\frac14$. See [the sigmoid](course1/week2.md#the-sigmoid).

    Returns
    -------
    matplotlib.figure.Figure
        One axes with two curves and dotted lines at $0$, $\frac12$, $1$ and $z = 0$.

    Examples
    --------
    >>> fig = sigmoid_curve()
    >>> [line.get_label() for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
    ['$\\sigma(z)$', "$\\sigma'(z)$"]
    """
    fig = plot_function({r"$\sigma(z)$": sigmoid, r"$\sigma'(z)$": sigmoid_grad}, (-8.0, 8.0),
                        hlines=(0.0, 0.5, 1.0), vlines=(0.0,), ylabel="value", legend_loc="center right",
                        figsize=(6.0, 3.0))
    fig.axes[0].set_ylim(-0.05, 1.08)
    return fig
# --8<-- [end:sigmoid_curve]


# --8<-- [start:bce_loss_curves]
def bce_loss_curves():
    r"""The two branches of the binary cross-entropy as functions of the prediction $\hat y$.

    $\mathcal{L}(\hat y, y) = -\big(y\log\hat y + (1-y)\log(1-\hat y)\big)$; a confident wrong
    prediction costs without bound. See [the loss](course1/week2.md#the-loss-binary-cross-entropy).

    Returns
    -------
    matplotlib.figure.Figure
        $-\log\hat y$ (the loss when $y = 1$) and $-\log(1-\hat y)$ (when $y = 0$) on $(0, 1)$.

    Examples
    --------
    >>> fig = bce_loss_curves()
    >>> fig.axes[0].get_xlabel()
    '$\\hat{y}$'
    """
    fig = plot_function({r"$y=1$: $-\log\hat{y}$": lambda p: -np.log(p),
                         r"$y=0$: $-\log(1-\hat{y})$": lambda p: -np.log1p(-p)},
                        (0.005, 0.995), xlabel=r"$\hat{y}$", ylabel=r"$\mathcal{L}(\hat{y}, y)$",
                        legend_loc="upper center", figsize=(6.0, 3.0))
    fig.axes[0].set_ylim(0.0, 5.5)
    return fig
# --8<-- [end:bce_loss_curves]


# --8<-- [start:toy_graph]
def toy_graph(a=5.0, b=3.0, c=2.0):
    r"""The graph $u = bc$, $v = a + u$, $J = 3v$ with forward values and backward derivatives.

    Backward: $\partial J/\partial v = 3$, $\partial J/\partial u = 3$, $\partial J/\partial a = 3$,
    $\partial J/\partial b = 3c$, $\partial J/\partial c = 3b$.
    See [computation graphs](course1/week2.md#derivatives-on-a-computation-graph).

    Parameters
    ----------
    a, b, c : float
        The inputs; the values on the nodes come from :func:`dlnotes.compgraph.toy_forward`
        and the derivatives on the dashed arrows from :func:`dlnotes.compgraph.toy_backward`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = toy_graph()
    >>> "$J = 3v = 33$" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    u, v, J = toy_forward(a, b, c)
    d = toy_backward(a, b, c)
    fmt = "{:g}".format
    nodes = {
        "a": (0.0, 2.9, f"$a = {fmt(a)}$"),
        "b": (0.0, 1.45, f"$b = {fmt(b)}$"),
        "c": (0.0, 0.0, f"$c = {fmt(c)}$"),
        "u": (3.3, 0.75, f"$u = bc = {fmt(u)}$"),
        "v": (6.5, 1.8, f"$v = a+u = {fmt(v)}$"),
        "J": (9.4, 1.8, f"$J = 3v = {fmt(J)}$"),
    }
    edges = [("a", "v"), ("b", "u"), ("c", "u"), ("u", "v"), ("v", "J")]
    backward = [("J", "v", None), ("v", "u", None), ("v", "a", None), ("u", "b", None), ("u", "c", None)]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(2.1, 0.6), figsize=(7.2, 2.8),
                     backward_bend=-0.25, fontsize=11)
    ax = fig.axes[0]
    # the derivative of J with respect to each node, written above the node (backward values)
    under = {"a": f"$\\partial J/\\partial a = {fmt(d['da'])}$",
             "b": f"$\\partial J/\\partial b = 3c = {fmt(d['db'])}$",
             "c": f"$\\partial J/\\partial c = 3b = {fmt(d['dc'])}$",
             "u": f"$\\partial J/\\partial u = {fmt(d['du'])}$",
             "v": f"$\\partial J/\\partial v = {fmt(d['dv'])}$",
             "J": "$\\partial J/\\partial J = 1$"}
    for name, text in under.items():
        x, y = nodes[name][:2]
        ax.text(x, y + 0.36, text, ha="center", va="bottom", fontsize=10, color=BACKWARD_COLOR)
    return fig
# --8<-- [end:toy_graph]


# --8<-- [start:logistic_graph]
def logistic_graph():
    r"""Logistic regression on one example with two features, as a computation graph.

    $da = -\frac{y}{a} + \frac{1-y}{1-a}$, $dz = a - y$, $dw_j = x_j\,dz$, $db = dz$.
    See [the gradient of the loss](course1/week2.md#the-gradient-of-the-loss).

    Returns
    -------
    matplotlib.figure.Figure
        $x_1, w_1, x_2, w_2, b \to z = w_1x_1 + w_2x_2 + b \to a = \sigma(z) \to \mathcal{L}(a, y)$,
        with the backward derivatives on dashed arrows.

    Examples
    --------
    >>> fig = logistic_graph()
    >>> "$dz = a - y$" in [t.get_text() for t in fig.axes[0].texts]
    True
    """
    def circle(y, label):
        return {"pos": (0.0, y), "label": label, "shape": "circle"}

    nodes = {
        "x1": circle(3.4, "$x_1$"), "w1": circle(2.3, "$w_1$"),
        "x2": circle(1.2, "$x_2$"), "w2": circle(0.1, "$w_2$"),
        "b": circle(-1.0, "$b$"),
        "z": (2.6, 1.2, "$z$"),
        "a": (4.9, 1.2, "$a$"),
        "L": (7.2, 1.2, r"$\mathcal{L}$"),
    }
    edges = [("x1", "z"), ("w1", "z"), ("x2", "z"), ("w2", "z"), ("b", "z"), ("z", "a"), ("a", "L")]
    backward = [
        ("L", "a", "$da$"),
        ("a", "z", "$dz$"),
        ("z", "w1", "$dw_1$"),
        ("z", "w2", "$dw_2$"),
        ("z", "b", "$db$"),
    ]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(1.0, 0.75), figsize=(7.2, 3.6),
                     backward_bend=-0.4, fontsize=11)
    ax = fig.axes[0]
    forward = ["$z = w_1x_1 + w_2x_2 + b$", r"$a = \sigma(z)$",
               r"$\mathcal{L} = -(y\log a + (1-y)\log(1-a))$"]
    derivatives = [r"$da = -\dfrac{y}{a} + \dfrac{1-y}{1-a}$", "$dz = a - y$",
                   "$dw_1 = x_1\\,dz$", "$dw_2 = x_2\\,dz$", "$db = dz$"]
    ax.text(8.3, 3.4, "forward", fontsize=10, fontweight="bold", va="top")
    for k, text in enumerate(forward):
        ax.text(8.3, 3.4 - 0.5 * (k + 1), text, fontsize=10, va="top")
    ax.text(8.3, 1.3, "backward", fontsize=10, fontweight="bold", va="top", color=BACKWARD_COLOR)
    for k, text in enumerate(derivatives):
        ax.text(8.3, 1.3 - 0.5 * (k + 1) - (0.3 if k else 0.0), text, fontsize=10, va="top",
                color=BACKWARD_COLOR)
    ax.set_xlim(-0.7, 13.2)
    return fig
# --8<-- [end:logistic_graph]


@heavy(distributions=("scikit-learn",))
def digit_detector_data(digit=3, rng=0):
    r"""The "is it a ``digit``?" task on scikit-learn's 8x8 digits, split 80 % / 20 %.

    A small stand-in for the course's cat / non-cat images: each example is a flattened image
    ($n_x = 64$). Marked :func:`dlnotes.figures.heavy` (with the scikit-learn version), so the
    site's build keeps the result and does not import scikit-learn for it. See [training logistic regression](course1/week2.md#putting-it-together-a-digit-detector).

    Parameters
    ----------
    digit : int
        The positive class ($y = 1$); every other digit is $y = 0$.
    rng : int or numpy.random.Generator
        Seed of the shuffle in :func:`dlnotes.data.train_dev_test_split`.

    Returns
    -------
    X_train, Y_train, X_test, Y_test : ndarray
        Shapes (64, m_train), (1, m_train), (64, m_test), (1, m_test); pixels in $[0, 1]$.

    Examples
    --------
    >>> X_train, Y_train, X_test, Y_test = digit_detector_data()
    >>> X_train.shape[0], X_train.shape[1] + X_test.shape[1]
    (64, 1797)
    """
    X, labels = load_digits()
    Y = (labels == digit).astype(X.dtype)
    return train_dev_test_split(X, Y, (0.8, 0.2), rng=rng)


# --8<-- [start:learning_rate_costs]
def learning_rate_costs(rates=(0.01, 0.1, 1.0), iterations=500):
    r"""Cost against iteration of logistic regression on the digit detector, for several $\alpha$.

    Each curve is :func:`dlnotes.logistic.optimize` on the training part of
    :func:`digit_detector_data`; $J$ starts at $\log 2$ (every prediction is $\frac12$).
    See [training logistic regression](course1/week2.md#putting-it-together-a-digit-detector).

    Parameters
    ----------
    rates : sequence of float
        Learning rates $\alpha$, one curve each.
    iterations : int
        Gradient-descent steps from $w = 0$, $b = 0$ (cost recorded at every step).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = learning_rate_costs(rates=(0.1,), iterations=20)
    >>> len(fig.axes[0].get_lines())
    1
    """
    X_train, Y_train, _, _ = digit_detector_data()
    histories = {}
    for alpha in rates:
        _, _, costs = optimize(np.zeros((X_train.shape[0], 1)), 0.0, X_train, Y_train,
                               num_iterations=iterations, learning_rate=alpha, record_every=1)
        histories[rf"$\alpha = {alpha:g}$"] = {"iteration": list(range(len(costs))), "cost": costs}
    fig = plot_cost_history(histories, x="iteration", xlabel="iteration", ylabel=r"cost $J$", figsize=(6.0, 3.2))
    return fig
# --8<-- [end:learning_rate_costs]
