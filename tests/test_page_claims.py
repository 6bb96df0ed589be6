"""Claims the Course 1 and Course 2 pages make in prose about build-time results (issue 11, section 4).

Each test restates one sentence of a page and checks it against the same dlnotes code the page runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_course1_week4_dA_is_nan_on_saturated_right_answers_too():
    """'one of the two fractions of dA[L] divides by zero, whether the answer is right or wrong'."""
    from dlnotes.activations import sigmoid

    Z_L = np.array([[40.0, -800.0, 40.0, -800.0, 2.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0, 1.0]])
    A_L = sigmoid(Z_L)
    with np.errstate(divide="ignore", invalid="ignore"):
        via_dA = (-(Y / A_L) + (1 - Y) / (1 - A_L)) * A_L * (1 - A_L)
    assert np.all(np.isnan(via_dA[0, :4])) and np.isfinite(via_dA[0, 4])
    assert np.all(np.isfinite(A_L - Y))
    page = (DOCS / "course1" / "week4.md").read_text(encoding="utf-8")
    assert "right or wrong" in page and "1.0,    0.0,  1.0]]" in page   # the demo feeds right answers


def test_course1_week3_leaky_relu_panel_differs_from_relu():
    """'The leaky ReLU is drawn with a leak nu = 0.1 ... with 0.01 the panel would look exactly like ReLU's'."""
    from dlnotes.figures.course1_week3 import activations_and_derivatives

    fig = activations_and_derivatives()
    relu_ax, leaky_ax = fig.axes[2], fig.axes[3]
    assert leaky_ax.get_title() == "leaky ReLU, ν = 0.1"

    def g_at_left_end(ax):
        line = next(l for l in ax.get_lines() if l.get_label() == "$g(z)$")
        x, y = (np.asarray(v, dtype=float).ravel() for v in line.get_data())
        return float(y[np.argmin(x)]), float(x.min())

    relu_left, x0 = g_at_left_end(relu_ax)
    leaky_left, _ = g_at_left_end(leaky_ax)
    assert relu_left == 0.0 and np.isclose(leaky_left, 0.1 * x0)
    assert abs(leaky_left - relu_left) > 0.4          # visible at the figure's scale, unlike 0.01 * 5


def test_course2_week2_saddle_cause_is_the_ewa_lag():
    """Momentum's growth factor near the saddle is the largest eigenvalue of the (y, v) map, below 1 + alpha;
    it predicts the plateau; and the start in x changes nothing (the cost is separable)."""
    from dlnotes.figures import course2_week2 as c2w2
    from dlnotes.optim import GradientDescent, Momentum, trajectory

    alpha, beta, y0 = 0.1, 0.9, 1e-4
    growth = max(abs(np.linalg.eigvals([[1 + alpha * (1 - beta), alpha * beta], [1 - beta, beta]])))
    assert 1.06 < growth < 1.07 < 1 + alpha
    exits = {}
    for name, make in (("GD", lambda: GradientDescent(alpha)), ("momentum", lambda: Momentum(alpha, beta))):
        for x0 in (1.5, 0.0):
            path = trajectory(c2w2.saddle_grad, [x0, y0], make(), 400)
            exits[name, x0] = int(np.argmax(c2w2.saddle_cost(path[:, 0], path[:, 1]) < -0.2))
            measured = path[61, 1] / path[60, 1]
            assert abs(measured - (growth if name == "momentum" else 1 + alpha)) < 1e-3
    assert exits["GD", 1.5] == exits["GD", 0.0] and exits["momentum", 1.5] == exits["momentum", 0.0]
    predicted = np.log(1 / y0) / np.log(growth)
    assert abs(exits["momentum", 0.0] - predicted) < 10
    page = (DOCS / "course2" / "week2.md").read_text(encoding="utf-8")
    assert "overshoots" not in page


def test_course2_week2_minibatch_figure_states_its_learning_rates():
    from dlnotes.figures import course2_week2 as c2w2

    labels = list(c2w2._minibatch_runs())
    assert labels == ["batch (B = m, α = 0.5)", "mini-batch (B = 64, α = 0.5)", "stochastic (B = 1, α = 0.02)"]


def test_course2_week2_rmsprop_spike_reaches_the_bound():
    """'a spike g gives ... the step alpha/sqrt(1 - beta2): the upper bound above'."""
    from dlnotes.optim import RMSprop

    alpha, beta2 = 0.01, 0.9
    opt, p = RMSprop(alpha, beta2), {"W": np.zeros(1)}
    for _ in range(51):
        before = p["W"].copy()
        opt.step(p, {"dW": np.array([1e-3])})
    steady = float((before - p["W"])[0])
    before = p["W"].copy()
    opt.step(p, {"dW": np.array([100.0])})
    spike = float((before - p["W"])[0])
    bound = alpha / np.sqrt(1 - beta2)
    assert abs(steady - alpha) < 1e-2 * alpha                  # the average has (nearly) converged
    assert spike <= bound and spike > 0.999 * bound and spike > 3 * steady
    page = (DOCS / "course2" / "week2.md").read_text(encoding="utf-8")
    assert "a gradient spike gets RMSprop's *largest* step" in page


def test_course2_week2_notes_adam_overwrite_stops_training():
    """'the stored s grows roughly like a factorial, the step collapses and training stops long before s
    finally overflows'."""
    beta1, beta2, v, s, steps = 0.9, 0.999, 0.0, 0.0, {}
    for t in range(1, 1001):
        v = beta1 * v + (1 - beta1) * 1.0
        v = v / (1 - beta1 ** t)
        s = beta2 * s + (1 - beta2) * 1.0
        s = s / (1 - beta2 ** t)
        steps[t] = v / (np.sqrt(s) + 1e-8)
        if not np.isfinite(s):
            break
    assert steps[1] > 0.99 and steps[10] < 1e-6
    assert not np.isfinite(s) and t > 100 and steps[t] == 0.0
    page = (DOCS / "course2" / "week2.md").read_text(encoding="utf-8")
    assert "s overflows to" in page


def test_course2_week1_pytorch_default_levels_off_at_the_bias_floor():
    """'the activations do not vanish but level off at the fixed point q* = 2/(5 n_in), and what shrinks by
    sqrt(1/6) per layer is the part of z that depends on the input'."""
    rng = np.random.default_rng(0)
    n_in = 256
    bound = np.sqrt(1 / n_in)
    rng.uniform(-bound, bound, size=(512, n_in))          # the page's first block draws this matrix first
    A = rng.standard_normal((n_in, 500))
    stds, input_stds = [], []
    for _ in range(20):
        Z = rng.uniform(-bound, bound, size=(n_in, n_in)) @ A + rng.uniform(-bound, bound, size=(n_in, 1))
        stds.append(Z.std())
        input_stds.append(np.sqrt(Z.var(axis=1).mean()))
        A = np.maximum(Z, 0)
    floor = np.sqrt(2 / (5 * n_in))
    assert abs(stds[-1] / floor - 1) < 0.1 and abs(stds[9] / floor - 1) < 0.15
    ratio = (input_stds[19] / input_stds[9]) ** (1 / 10)
    assert abs(ratio - np.sqrt(1 / 6)) < 0.05
    page = (DOCS / "course2" / "week1.md").read_text(encoding="utf-8")
    assert "np.sqrt(2 / (5 * n_in))" in page and "shrinks its\nactivations by about" not in page


def test_course2_week1_plot_J_including_the_penalty():
    """'The data term alone need not decrease': J with the penalty falls at every step, the data term rises."""
    from dlnotes.figures.course2_week1 import penalty_debug_costs

    c = penalty_debug_costs(lambd=3.0)
    assert c["J"].shape == c["data"].shape == (100,)
    assert np.all(np.diff(c["J"]) < 0) and np.all(np.diff(c["data"]) > 0)


def test_course2_week3_bn_test_time_uses_the_running_statistics():
    """The test-time demo uses the bn_state of fit(..., batchnorm=True): one example with its own batch
    statistics gets beta (the same output for every input), with bn_state it gets the batch's prediction."""
    from dlnotes.batchnorm import batchnorm_forward
    from dlnotes.figures.course2_week3 import bn_circles_run
    from dlnotes.nn import model_forward

    run = bn_circles_run()
    res, Xdev, Ydev = run["result"], run["Xdev"], run["Ydev"]
    p, bn_state = res.parameters, res.bn_state
    assert sorted(bn_state) == ["mu1", "mu2", "var1", "var2"] and res.config["batchnorm"]
    z = p["W1"] @ Xdev[:, :1]
    assert np.allclose(batchnorm_forward(z, p["gamma1"], p["beta1"])[0], p["beta1"])
    acts = res.config["activations"]
    alone = np.hstack([model_forward(Xdev[:, [i]], p, acts, training=True)[0] for i in range(Xdev.shape[1])])
    assert np.ptp(alone) < 1e-12                                   # one output for every example
    one_by_one = np.hstack([res.predict(Xdev[:, [i]]) for i in range(Xdev.shape[1])])
    assert np.array_equal(one_by_one, res.predict(Xdev))           # independent of the batch
    assert np.mean(one_by_one == Ydev) > 0.95 > 0.6 > np.mean((alone > 0.5) == Ydev)
    page = (DOCS / "course2" / "week3.md").read_text(encoding="utf-8")
    assert "stand-ins for running averages" not in page and "bn_circles_run()" in page


def test_course2_week3_notes_elementwise_softmax_derivative_is_wrong():
    """'using it element-wise as if softmax were the sigmoid gives a wrong gradient (computed above)'."""
    from dlnotes.activations import softmax

    z, y = np.array([2.0, 1.0, 0.1]), np.array([0.0, 1.0, 0.0])
    wrong = softmax(z) * (1 - softmax(z)) * (-y / softmax(z))
    right = softmax(z) - y
    assert np.all(wrong[y == 0] == 0) and np.all(np.abs(right[y == 0]) > 0.05)
    page = (DOCS / "course2" / "week3.md").read_text(encoding="utf-8")
    assert "y_hat (1 - y_hat) * (-y / y_hat)" in page


def test_course2_week3_notes_linear_list_is_within_one_unit_of_its_last_decimal():
    """'The linear list agrees with the evenly spaced values to within 1e-7, one unit of its last decimal'."""
    notes = np.array([0.0000001, 0.2500001, 0.5000001, 0.7500001, 1])
    error = np.abs(np.linspace(1e-7, 1, 5) - notes)
    assert error.max() < 1e-7 and error.max() > 5e-8         # not the rounded values, but within one unit
    page = (DOCS / "course2" / "week3.md").read_text(encoding="utf-8")
    assert "the linear ones are not" not in page and "The linear list is not an error" in page


def test_frameworks_notes_program_prints_w_after_1001_steps():
    from dlnotes.autodiff import minimize

    w = minimize(lambda v: v ** 2 - 10 * v + 25, w0=0.0, learning_rate=0.01, steps=1 + 1000).w
    assert abs(w - 5 * (1 - 0.98 ** 1001)) < 1e-14 and abs(w - 5 * (1 - 0.98 ** 1000)) > 1e-10
    page = (DOCS / "course2" / "frameworks.md").read_text(encoding="utf-8")
    assert "steps=1 + 1000" in page
