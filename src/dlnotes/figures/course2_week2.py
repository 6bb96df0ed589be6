"""Figures of [Course 2, week 2: optimization algorithms](course2/week2.md).

Every function builds its picture from :mod:`dlnotes` code (optimizers,
averages, schedules, the training loop) with a fixed seed and returns a
:class:`matplotlib.figure.Figure`; the page renders them with
the site's renderer.
"""

from __future__ import annotations


import numpy as np

from dlnotes import schedules
from dlnotes.ewa import ewa
from dlnotes.figures import heavy
from dlnotes.optim import Adam, GradientDescent, Momentum, RMSprop, trajectory
from dlnotes.plots import PALETTE, new_figure, plot_contours_with_paths, plot_cost_history

__all__ = [
    "minibatch_costs",
    "ewa_temperatures",
    "optimizer_paths",
    "lr_schedules",
    "saddle_and_plateau",
    "ELONGATED_H",
    "ELONGATED_X0",
    "tuned_learning_rates",
    "elongated_cost",
    "elongated_grad",
    "saddle_cost",
    "saddle_grad",
]

# ---------------------------------------------------------------------------
# Mini-batch gradient descent (F24)
# ---------------------------------------------------------------------------


@heavy
def _minibatch_runs(seed=0, m=512, epochs=6):
    """Train the same 2-16-1 network with batch, mini-batch (64) and stochastic (1) gradient descent.

    The learning rate is 0.5 for the batch and mini-batch runs and 0.02 for the stochastic one
    (stochastic gradient descent is usually run with a smaller step); each label states its own.

    Returns ``{label: (per_iteration_costs, per_epoch_full_costs)}``: the cost of each
    mini-batch just before its update, and the cost on the whole training set after each epoch.
    """
    from dlnotes.data import make_moons, random_mini_batches
    from dlnotes.initializers import initialize_parameters
    from dlnotes.nn import compute_cost, model_backward, model_forward, update_parameters

    X, Y = make_moons(m, noise=0.25, rng=seed)
    acts = ("relu", "sigmoid")
    runs = {}
    for label, batch, lr in (("batch (B = m, α = 0.5)", m, 0.5), ("mini-batch (B = 64, α = 0.5)", 64, 0.5),
                             ("stochastic (B = 1, α = 0.02)", 1, 0.02)):
        rng = np.random.default_rng(seed + 1)
        params = initialize_parameters((2, 16, 1), "he", rng)
        per_iter, per_epoch = [], []
        full0 = compute_cost(model_forward(X, params, acts)[0], Y, "bce")
        per_epoch.append(full0)
        for _ in range(epochs):
            for Xb, Yb in random_mini_batches(X, Y, batch, rng):
                AL, caches = model_forward(Xb, params, acts)
                per_iter.append(compute_cost(AL, Yb, "bce"))
                grads = model_backward(AL, Yb, caches, loss="bce")
                params = update_parameters(params, grads, lr)
            per_epoch.append(compute_cost(model_forward(X, params, acts)[0], Y, "bce"))
        runs[label] = (np.array(per_iter), np.array(per_epoch))
    return runs


# --8<-- [start:minibatch_costs]
def minibatch_costs(seed=0):
    """F24: cost per update for batch vs mini-batch gradient descent, and cost per epoch for all three."""
    runs = _minibatch_runs(seed)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.6))
    labels = list(runs)
    n_show = min(len(runs[labels[1]][0]), 128)
    batch_iters = runs[labels[0]][0]
    ax1.plot(np.arange(batch_iters.size), batch_iters, "o-", color=PALETTE[0], ms=3, label=labels[0])
    ax1.plot(np.arange(n_show), runs[labels[1]][0][:n_show], color=PALETTE[1], lw=1.0, label=labels[1])
    ax1.set_xlabel("update $t$ (one mini-batch each)")
    ax1.set_ylabel("cost of the current (mini-)batch")
    ax1.set_title("Per update: smooth vs noisy")
    ax1.grid(True, alpha=0.3)
    ax1.legend(frameon=False)
    plot_cost_history({k: v[1] for k, v in runs.items()}, ax=ax2, xlabel="epoch",
                      ylabel="cost on the whole training set", title="Per epoch (same data, same net)")
    return fig
# --8<-- [end:minibatch_costs]


# ---------------------------------------------------------------------------
# Exponentially weighted averages (F25)
# ---------------------------------------------------------------------------


# --8<-- [start:ewa_temperatures]
def ewa_temperatures(seed=0):
    """F25: a year of synthetic daily temperatures and its EWAs for beta = 0.5, 0.9, 0.98."""
    from dlnotes.data import synthetic_temperature

    days, theta = synthetic_temperature(rng=seed)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.6))
    ax1.plot(days, theta, ".", color="0.55", ms=3, label=r"$\theta_t$ (data)")
    for i, beta in enumerate((0.5, 0.9, 0.98)):
        ax1.plot(days, ewa(theta, beta), color=PALETTE[i], lw=1.6,
                 label=rf"$\beta={beta}$ (window $\approx${1 / (1 - beta):.0f} days)")
    ax1.set_xlabel("day $t$")
    ax1.set_ylabel("temperature")
    ax1.set_title("EWAs without bias correction")
    ax1.legend(frameon=False, fontsize="x-small")
    first = days <= 60
    ax2.plot(days[first], theta[first], ".", color="0.55", ms=4, label=r"$\theta_t$")
    ax2.plot(days[first], ewa(theta, 0.98)[first], color=PALETTE[2], lw=1.6, label=r"$v_t$, $\beta=0.98$")
    ax2.plot(days[first], ewa(theta, 0.98, bias_correction=True)[first], color=PALETTE[3], lw=1.6,
             label=r"$\hat v_t = v_t/(1-\beta^t)$")
    ax2.set_xlabel("day $t$")
    ax2.set_title("The first 60 days: bias correction")
    ax2.legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:ewa_temperatures]


# ---------------------------------------------------------------------------
# Optimizers on an elongated bowl (F26, F27 and Adam)
# ---------------------------------------------------------------------------

#: Hessian of the elongated quadratic bowl used by the optimizer figures (condition number 100).
ELONGATED_H = np.array([0.02, 2.0])

#: Starting point of the optimizer comparison.
ELONGATED_X0 = (-9.0, 1.6)


def elongated_cost(w1, w2):
    r"""$f(w) = \tfrac12(0.02\,w_1^2 + 2\,w_2^2)$, elementwise on arrays."""
    return 0.5 * (ELONGATED_H[0] * w1 ** 2 + ELONGATED_H[1] * w2 ** 2)


def elongated_grad(w):
    """Gradient of :func:`elongated_cost` at ``w`` (shape (2,))."""
    return ELONGATED_H * w


_OPTIMIZER_CLASSES = {
    "GD": lambda lr: GradientDescent(lr),
    "momentum": lambda lr: Momentum(lr, beta=0.9),
    "RMSprop": lambda lr: RMSprop(lr, beta=0.9),
    "Adam": lambda lr: Adam(lr, beta1=0.9, beta2=0.999),
}


@heavy
def tuned_learning_rates(steps=60, n_grid=41):
    r"""For each optimizer, the learning rate of a log grid on [1e-3, 10] that ends lowest on the bowl.

    "Lowest" is the mean of $\log f$ over the last 10 steps (so a lucky oscillation does not win);
    diverging runs are discarded. Returns ``{name: (learning_rate, path)}``.
    """
    x0 = np.array(ELONGATED_X0)
    best = {}
    for name, make in _OPTIMIZER_CLASSES.items():
        scores = []
        for lr in np.geomspace(1e-3, 10.0, n_grid):
            with np.errstate(over="ignore", invalid="ignore"):
                path = trajectory(elongated_grad, x0, make(float(lr)), steps)
                f = elongated_cost(path[:, 0], path[:, 1])
            if not np.all(np.isfinite(f)) or f[-1] > f[0]:
                continue
            scores.append((float(np.mean(np.log(f[-10:] + 1e-300))), float(lr), path))
        score, lr, path = min(scores, key=lambda s: s[0])
        best[name] = (lr, path)
    return best


# --8<-- [start:optimizer_paths]
def optimizer_paths(steps=60):
    """GD, momentum, RMSprop and Adam on the same elongated bowl, each with its best learning rate."""
    best = tuned_learning_rates(steps)
    paths = {f"{name} ($\\alpha$={lr:.3g})": path for name, (lr, path) in best.items()}
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8))
    plot_contours_with_paths(elongated_cost, paths, xlim=(-10, 2), ylim=(-2.4, 2.4), levels=15, ax=ax1,
                             minimum=(0, 0), log_levels=True,
                             title=f"{steps} steps from $({ELONGATED_X0[0]:g}, {ELONGATED_X0[1]:g})$")
    ax1.legend(frameon=True, fontsize="x-small", loc="upper right")
    costs = {name: elongated_cost(p[:, 0], p[:, 1]) for name, p in paths.items()}
    plot_cost_history(costs, ax=ax2, logy=True, xlabel="step", ylabel="$f(w)$",
                      title="Cost per step (each at its best $\\alpha$)")
    ax2.legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:optimizer_paths]


# ---------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------


# --8<-- [start:lr_schedules]
def lr_schedules(lr0=0.2, epochs=100):
    """The learning-rate schedules of :mod:`dlnotes.schedules` over ``epochs`` epochs."""
    e = np.arange(1, epochs + 1, dtype=float)      # epochs counted from 1, as in the course
    curves = {
        "constant": schedules.constant(lr0, e),
        "inverse time (decay 0.1)": schedules.inverse_time(lr0, e, decay_rate=0.1),
        "exponential (0.95)": schedules.exponential(lr0, e, base=0.95),
        "$k/\\sqrt{epoch}$ (k = 1)": schedules.inverse_sqrt(lr0, e, k=1.0),
        "staircase (every 20)": schedules.staircase(lr0, e, decay_rate=1.0, interval=20),
    }
    fig, ax = new_figure(figsize=(6.4, 3.6))
    for i, (name, lr) in enumerate(curves.items()):
        style = {"drawstyle": "steps-post"} if name.startswith("staircase") else {}
        ax.plot(e, np.broadcast_to(lr, e.shape), color=PALETTE[i], lw=1.6, label=name, **style)
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"learning rate $\alpha$")
    ax.set_title(rf"Schedules starting from $\alpha_0 = {lr0}$")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    return fig
# --8<-- [end:lr_schedules]


# ---------------------------------------------------------------------------
# Saddle points and plateaus
# ---------------------------------------------------------------------------


def saddle_cost(x, y):
    r"""$f(x, y) = x^2 + y^4/4 - y^2/2$: a saddle at the origin, minima at $(0, \pm 1)$."""
    return x ** 2 + y ** 4 / 4 - y ** 2 / 2


def saddle_grad(w):
    """Gradient of :func:`saddle_cost` at ``w`` (shape (2,))."""
    x, y = w
    return np.array([2 * x, y ** 3 - y])


# --8<-- [start:saddle_and_plateau]
def saddle_and_plateau(steps=200, y0=1e-4):
    """Paths that start next to the saddle of :func:`saddle_cost`, and their cost: the plateau."""
    x0 = np.array([1.5, y0])
    opts = {"GD ($\\alpha$=0.1)": GradientDescent(0.1), "momentum ($\\alpha$=0.1, $\\beta$=0.9)": Momentum(0.1, 0.9),
            "RMSprop ($\\alpha$=0.1)": RMSprop(0.1), "Adam ($\\alpha$=0.1)": Adam(0.1)}
    paths = {name: trajectory(saddle_grad, x0, opt, steps) for name, opt in opts.items()}
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8))
    plot_contours_with_paths(saddle_cost, paths, xlim=(-1.7, 1.7), ylim=(-1.5, 1.5), levels=20, ax=ax1,
                             title="$f = x^2 + y^4/4 - y^2/2$: saddle at 0", xlabel="$x$", ylabel="$y$")
    ax1.plot([0], [0], "x", color="black", ms=8)
    ax1.legend(frameon=True, fontsize="x-small", loc="lower left")
    plot_cost_history({k: saddle_cost(p[:, 0], p[:, 1]) for k, p in paths.items()}, ax=ax2, xlabel="step",
                      ylabel="$f$", title=f"Start at $(1.5, 10^{{{int(np.log10(y0))}}})$: a plateau at $f=0$")
    ax2.axhline(-0.25, color="0.5", ls=":", lw=1)
    ax2.legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:saddle_and_plateau]
