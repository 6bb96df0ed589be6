"""dlnotes.plots: every helper returns a labelled Figure, validates input, draws deterministically."""

import io

import matplotlib
import matplotlib.style
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from dlnotes import plots
from dlnotes_site.figures import STYLE

ACTS = {
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "identity": (lambda z: z, np.ones_like),
}


def svg_bytes(fig):
    with matplotlib.style.context(["default", STYLE]):
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def make_all():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 40))
    Y = (X[0:1] + X[1:2] > 0).astype(float)
    path = np.array([[1.5, 1.0], [0.8, -0.6], [0.3, 0.2], [0.0, 0.0]])
    return {
        "function": lambda: plots.plot_function(np.tanh, ylabel="$g(z)$"),
        "activations": lambda: plots.plot_activations(["tanh", "relu", "identity"], activations=ACTS, ncols=2),
        "network": lambda: plots.draw_network([3, 4, 1], layer_names=["input", "hidden", "output"]),
        "graph": lambda: plots.draw_graph({"a": (0, 0), "v": (2, 0, "$v$"), "J": (4, 0, "$J$")},
                                          [("a", "v", "5"), ("v", "J", "11")], backward=[("J", "v", "3")]),
        "boundary": lambda: plots.plot_decision_boundary(lambda P: P[0] + P[1] > 0, X, Y, resolution=60),
        "history": lambda: plots.plot_cost_history({"run": {"epoch": [0, 1, 2], "cost": [1.0, 0.5, 0.2]}},
                                                   marks={"stop": 1}),
        "contours": lambda: plots.plot_contours_with_paths(lambda a, b: a**2 + 5 * b**2, {"GD": path},
                                                           log_levels=True, minimum=(0, 0)),
    }


@pytest.mark.parametrize("name", sorted(make_all()))
def test_returns_figure_and_is_deterministic(name):
    build = make_all()[name]
    fig1, fig2 = build(), build()
    assert isinstance(fig1, Figure)
    assert fig1.get_facecolor()[:3] == (1.0, 1.0, 1.0)  # white card in the dark theme
    assert svg_bytes(fig1) == svg_bytes(fig2)


@pytest.mark.parametrize("name", ["function", "boundary", "history", "contours"])
def test_axes_are_labelled(name):
    ax = make_all()[name]().axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()


def test_plot_function_draws_the_function():
    fig = plots.plot_function({"sq": np.square, "cube": lambda x: x**3}, (-2, 2), n=5)
    ax = fig.axes[0]
    sq, cube = ax.get_lines()
    np.testing.assert_allclose(sq.get_xdata(), [-2, -1, 0, 1, 2])
    np.testing.assert_allclose(sq.get_ydata(), [4, 1, 0, 1, 4])
    np.testing.assert_allclose(cube.get_ydata(), [-8, -1, 0, 1, 8])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sq", "cube"]


def test_plot_function_errors():
    with pytest.raises(ValueError, match="x_range"):
        plots.plot_function(np.tanh, (1, -1))
    with pytest.raises(ValueError, match="f: expected an output of shape"):
        plots.plot_function(lambda x: x[:3])
    with pytest.raises(TypeError, match="f: expected a callable"):
        plots.plot_function({"a": 3})


def test_plot_activations_draws_g_and_gprime():
    fig = plots.plot_activations(["relu"], activations=ACTS, x_range=(-1, 1), n=3)
    ax = fig.axes[0]
    g, gp = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
    np.testing.assert_allclose(g.get_ydata(), [0, 0, 1])
    np.testing.assert_allclose(gp.get_ydata(), [0, 0, 1])  # relu'(0) = 0 as supplied
    assert ax.get_title() == "relu" and ax.get_xlabel() == "$z$"
    fig = plots.plot_activations(["tanh", "relu", "identity"], activations=ACTS, ncols=2)
    assert sum(ax.get_visible() for ax in fig.axes) == 3 and len(fig.axes) == 4
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plots.plot_activations(["swish"], activations=ACTS)


def test_plot_activations_default_registry():
    pytest.importorskip("dlnotes.activations")
    from dlnotes.activations import ACTIVATIONS

    names = [n for n in ("sigmoid", "tanh", "relu", "leaky_relu") if n in ACTIVATIONS]
    fig = plots.plot_activations(names)
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == names


def test_draw_network_counts_and_labels():
    fig = plots.draw_network([2, 3, 1])
    ax = fig.axes[0]
    assert len(ax.patches) == 6 and len(ax.lines) == 2 * 3 + 3 * 1
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["$x_{1}$", "$x_{2}$", "$a^{[1]}_{1}$", "$a^{[1]}_{2}$", "$a^{[1]}_{3}$", r"$\hat{y}$"]
    fig = plots.draw_network([1, 2], labels=[["in"], ["p", "q"]])
    assert [t.get_text() for t in fig.axes[0].texts] == ["in", "p", "q"]
    with pytest.raises(ValueError, match="labels"):
        plots.draw_network([2, 2], labels=[["a"], ["b", "c"]])
    with pytest.raises(ValueError, match="layer_sizes"):
        plots.draw_network([2, 0])


def test_draw_graph_forward_and_backward_styles():
    fig = make_all()["graph"]()
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    assert len(arrows) == 3
    styles = [(p.get_linestyle(), matplotlib.colors.to_hex(p.get_edgecolor())) for p in arrows]
    assert styles[:2] == [("solid", plots.FORWARD_COLOR.lower())] * 2
    assert styles[2] == ("--", plots.BACKWARD_COLOR.lower())
    assert {"5", "11", "3", "$v$", "$J$", "a"} == {t.get_text() for t in fig.axes[0].texts}
    with pytest.raises(ValueError, match="unknown node 'z'"):
        plots.draw_graph({"a": (0, 0)}, [("a", "z")])
    with pytest.raises(ValueError, match="shape"):
        plots.draw_graph({"a": {"pos": (0, 0), "shape": "hexagon"}})


def test_decision_boundary_regions_follow_predict_fn():
    X = np.array([[-1.0, 1.0], [0.0, 0.0]])
    Y = np.array([[0.0, 1.0]])
    seen = {}

    def predict(P):
        seen["shape"] = P.shape
        return (P[0] > 0).astype(float).reshape(1, -1)

    fig = plots.plot_decision_boundary(predict, X, Y, resolution=30)
    assert seen["shape"] == (2, 900)
    with pytest.raises(ValueError, match="X: expected shape"):
        plots.plot_decision_boundary(predict, np.zeros((3, 2)), Y)
    with pytest.raises(ValueError, match="Y: expected shape"):
        plots.plot_decision_boundary(predict, X, np.zeros((1, 3)))
    with pytest.raises(ValueError, match="predict_fn"):
        plots.plot_decision_boundary(lambda P: np.zeros(3), X, Y)
    assert fig.axes[0].get_legend() is not None


def test_cost_history_keys_and_marks():
    hist = {"epoch": [0, 10, 20], "cost": [1.0, 0.4, 0.1], "dev_cost": [1.1, 0.6, 0.5]}
    fig = plots.plot_cost_history({"train": hist}, y="dev_cost", marks={"early stop": 10})
    ax = fig.axes[0]
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), [0, 10, 20])
    np.testing.assert_allclose(line.get_ydata(), [1.1, 0.6, 0.5])
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "dev_cost"
    with pytest.raises(ValueError, match="'accuracy' key"):
        plots.plot_cost_history({"train": hist}, y="accuracy")
    with pytest.raises(ValueError, match="non-empty"):
        plots.plot_cost_history({})


def test_contours_paths_accept_both_orientations():
    path = np.array([[1.0, 0.5, 0.0], [1.0, 0.2, 0.0]])  # (2, k)
    fig = plots.plot_contours_with_paths(lambda a, b: a**2 + b**2, {"GD": path}, resolution=20)
    line = fig.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_xdata(), path[0])
    np.testing.assert_allclose(line.get_ydata(), path[1])
    with pytest.raises(ValueError, match="paths"):
        plots.plot_contours_with_paths(lambda a, b: a + b, {"bad": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="f: expected an output"):
        plots.plot_contours_with_paths(lambda a, b: 1.0)


def test_draw_into_existing_axes():
    fig, axes = plots.new_figure(1, 2)
    out1 = plots.plot_function(np.tanh, ax=axes[0])
    out2 = plots.draw_network([2, 1], ax=axes[1])
    assert out1 is fig and out2 is fig and len(fig.axes) == 2


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_example_draw_graph_texts():
    from dlnotes.plots import draw_graph
    nodes = {"a": (0, 1), "b": (0, 0), "u": (2, 0, "$u = bc$"), "J": (4, 0.5, "$J$")}
    fig = draw_graph(nodes, [("a", "J"), ("b", "u"), ("u", "J", "6")], backward=[("J", "u", "$dJ/du$")])
    assert sorted(t.get_text() for t in fig.axes[0].texts) == ["$J$", "$dJ/du$", "$u = bc$", "6", "a", "b"]
