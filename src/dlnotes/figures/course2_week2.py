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
from dlnotes.optim import Adam, AdamW, GradientDescent, Momentum, RMSprop, trajectory
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
    "decay_per_gradient_scale",
    "l2_vs_adamw_runs",
    "adam_step_ratios",
    "adam_moment_bias",
    "SCHEDULE_SETUPS",
    "schedule_runs",
    "schedule_comparison",
    "range_tests",
    "range_test_curve",
    "batch_scaling_runs",
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



# ---------------------------------------------------------------------------
# Beyond the course: AdamW against L2 in Adam, Adam's step bound and bias correction
# ---------------------------------------------------------------------------


def decay_per_gradient_scale(lam=0.1, lr=1e-3, steps=2000, n=500, scales=(0.01, 1.0, 100.0), seed=0):
    r"""Mean $w_T/w_0$ of weights that only get noise $\sigma\xi$ as loss gradient, with the decay $\lambda$
    as an L2 gradient inside Adam or decoupled (AdamW). Returns ``{"adam+L2": (k,), "adamw": (k,)}``
    (one entry per scale $\sigma$) and ``"sgd"``, the factor $(1-\alpha\lambda)^T$ of both in plain SGD."""
    rng = np.random.default_rng(seed)
    sigma = np.asarray(scales, dtype=float)[:, None]
    l2, dec = {"W": np.ones((sigma.size, n))}, {"W": np.ones((sigma.size, n))}
    adam, adamw = Adam(lr), AdamW(lr, weight_decay=lam)
    for _ in range(steps):
        noise = sigma * rng.standard_normal((sigma.size, n))
        adam.step(l2, {"dW": noise + lam * l2["W"]})       # the penalty's gradient enters s
        adamw.step(dec, {"dW": noise})                      # the decay does not
    return {"adam+L2": l2["W"].mean(axis=1), "adamw": dec["W"].mean(axis=1),
            "sgd": (1.0 - lr * lam) ** steps}


@heavy
def l2_vs_adamw_runs(strengths=(1.0, 3.0), decays=(0.03, 0.1), epochs=300, seed=0):
    """A 2-64-64-1 network on 200 noisy moons: Adam with an L2 penalty ``lambd`` against AdamW with
    ``weight_decay``, same learning rate 0.01 and mini-batches of 50. Returns
    ``{label: (norms of W1, W2, W3, dev accuracy)}``."""
    from dlnotes.data import make_moons
    from dlnotes.train import fit

    X, Y = make_moons(200, noise=0.3, rng=seed)
    X_dev, Y_dev = make_moons(1000, noise=0.3, rng=seed + 1)
    common = dict(learning_rate=0.01, epochs=epochs, batch_size=50, X_dev=X_dev, Y_dev=Y_dev, rng=seed,
                  record_every=epochs)
    runs = {"adam": fit(X, Y, [2, 64, 64, 1], optimizer="adam", **common)}
    for lam in strengths:
        runs[f"adam+L2 lambd={lam:g}"] = fit(X, Y, [2, 64, 64, 1], optimizer="adam", lambd=lam, **common)
    for wd in decays:
        runs[f"adamw wd={wd:g}"] = fit(X, Y, [2, 64, 64, 1], optimizer=AdamW(0.01, weight_decay=wd), **common)
    return {k: tuple(float(np.linalg.norm(r.parameters[f"W{l}"])) for l in (1, 2, 3))
            + (float(r.history["dev_accuracy"][-1]),) for k, r in runs.items()}


def adam_step_ratios(beta1=0.9, beta2=0.999, steps=3000, seed=0):
    r"""Largest $|\Delta w|/\alpha$ of Adam from the second step on (the first is exactly $\alpha$) in three
    regimes: a constant gradient, Gaussian noise $N(0.1, 1)$, and a gradient that is 0 for ``steps`` steps
    and then a spike (the paper's sparse case)."""
    rng = np.random.default_rng(seed)
    gradients = {"constant g = 3": np.full(steps, 3.0),
                 "noise N(0.1, 1)": 0.1 + rng.standard_normal(steps),
                 "zeros, then a spike": np.r_[np.zeros(steps - 1), 5.0]}
    out = {}
    for name, gs in gradients.items():
        opt, w, largest = Adam(1.0, beta1, beta2, epsilon=1e-12), {"w": np.zeros(1)}, 0.0
        for t, g in enumerate(gs):
            before = w["w"][0]
            opt.step(w, {"dw": np.array([g])})
            if t > 0:
                largest = max(largest, abs(w["w"][0] - before))
        out[name] = largest
    return out


def adam_moment_bias(beta1=0.9, beta2=0.999, mean=0.5, std=1.0, chains=20000, times=(1, 2, 10, 100, 1000),
                     seed=0):
    r"""Monte Carlo over ``chains`` independent runs of Adam's averages on i.i.d. gradients
    $N(\text{mean}, \text{std}^2)$: the means of $v_t$, $\hat v_t$ (relative to $E[g]$) and of
    $s_t$, $\hat s_t$ (relative to $E[g^2]$) at the given ``times``."""
    rng = np.random.default_rng(seed)
    opt, p = Adam(1e-12, beta1, beta2), {"w": np.zeros(chains)}
    eg, eg2, rows = mean, mean ** 2 + std ** 2, {}
    for t in range(1, max(times) + 1):
        opt.step(p, {"dw": mean + std * rng.standard_normal(chains)})
        if t in times:
            v, s = opt.state["w"]["v"].mean(), opt.state["w"]["s"].mean()
            rows[t] = (v / eg, v / (1 - beta1 ** t) / eg, s / eg2, s / (1 - beta2 ** t) / eg2)
    return rows


# ---------------------------------------------------------------------------
# Beyond the course: schedules on one problem, the range test, the linear scaling rule
# ---------------------------------------------------------------------------

#: The schedules compared on the digits, as ``label -> (schedule, keyword arguments)`` for ``fit``.
SCHEDULE_SETUPS = {
    "constant": ("constant", {}),
    "exponential 0.9": ("exponential", {"base": 0.9}),
    "warmup 5": ("linear_warmup", {"warmup": 5}),
    "cosine": ("cosine", {"period": 30}),
    "cosine restarts (10)": ("cosine_restarts", {"period": 10}),
    "one-cycle": ("one_cycle", {"total": 30}),
}


def _digits(seed=0):
    from dlnotes.data import load_digits, train_dev_test_split

    X, Y = load_digits()
    return train_dev_test_split(X, Y, (0.7, 0.3), rng=seed)


@heavy
def schedule_runs(lr0=0.5, epochs=30, seed=0):
    """Each schedule of :data:`SCHEDULE_SETUPS` on the 8x8 digits (64-32-10, momentum 0.9,
    mini-batches of 64, peak rate ``lr0``). Returns ``{label: (learning rates, costs, dev accuracy)}``."""
    from dlnotes.schedules import get_schedule
    from dlnotes.train import fit

    X, Y, X_dev, Y_dev = _digits(seed)
    out = {}
    for label, (name, kwargs) in SCHEDULE_SETUPS.items():
        r = fit(X, Y, [64, 32, 10], optimizer="momentum", learning_rate=lr0, schedule=get_schedule(name, **kwargs),
                epochs=epochs, batch_size=64, X_dev=X_dev, Y_dev=Y_dev, rng=seed)
        out[label] = (np.array(r.history["learning_rate"]), np.array(r.history["cost"]),
                      float(r.history["dev_accuracy"][-1]))
    return out


# --8<-- [start:schedule_comparison]
def schedule_comparison():
    """Learning rate and training cost per epoch for six schedules on the same network and data."""
    runs = schedule_runs()
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8))
    for i, (label, (lr, cost, _)) in enumerate(runs.items()):
        epochs = np.arange(1, lr.size + 1)
        ax1.plot(epochs, lr, color=PALETTE[i % len(PALETTE)], lw=1.6, label=label)
        ax2.plot(epochs, cost, color=PALETTE[i % len(PALETTE)], lw=1.6, label=label)
    ax1.set(xlabel="epoch", ylabel=r"learning rate $\alpha$", title="The schedules (peak 0.5)")
    ax2.set(xlabel="epoch", ylabel="training cost", yscale="log", title="Cost on the digits (64-32-10)")
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    ax1.legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:schedule_comparison]


@heavy
def range_tests(seed=0):
    """:func:`dlnotes.schedules.lr_range_test` on the digits (64-32-10, mini-batches of 64) for momentum
    (rates 1e-4 to 100) and Adam (1e-5 to 1). Returns ``{optimizer: result dict}``."""
    from dlnotes.schedules import lr_range_test

    X, Y, _, _ = _digits(seed)
    return {opt: lr_range_test(X, Y, [64, 32, 10], optimizer=opt, lr_min=lo, lr_max=hi, batch_size=64, rng=seed)
            for opt, lo, hi in (("momentum", 1e-4, 100.0), ("adam", 1e-5, 1.0))}


# --8<-- [start:range_test_curve]
def range_test_curve(seed=0):
    """The learning-rate range test on the digits for momentum and Adam: smoothed cost against the rate."""
    fig, ax = new_figure(figsize=(6.4, 3.6))
    for i, (opt, r) in enumerate(range_tests(seed).items()):
        ax.plot(r["learning_rates"], r["smoothed"], color=PALETTE[i], lw=1.6, label=f"{opt}")
        ax.axvline(r["suggested"], color=PALETTE[i], ls="--", lw=1,
                   label=f"{opt}: suggested {r['suggested']:.2g}")
    ax.set(xscale="log", xlabel=r"learning rate $\alpha$ (one mini-batch each)",
           ylabel="smoothed cost", title="Range test: 100 steps, rate × 1.1 to 1.2 per step")
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:range_test_curve]


@heavy
def batch_scaling_runs(batches=(16, 64, 256), lr_base=0.05, epochs=20, seed=0):
    """Plain gradient descent on the digits with mini-batches ``batches``: the rate kept at
    ``lr_base`` or scaled linearly from the first batch size. Returns
    ``{(rule, B): (learning rate, final training cost, dev accuracy)}``."""
    from dlnotes.schedules import linear_scaling
    from dlnotes.train import fit

    X, Y, X_dev, Y_dev = _digits(seed)
    out = {}
    for rule in ("fixed", "scaled"):
        for B in batches:
            lr = lr_base if rule == "fixed" else linear_scaling(lr_base, B, batches[0])
            r = fit(X, Y, [64, 32, 10], optimizer="gd", learning_rate=lr, epochs=epochs, batch_size=B,
                    X_dev=X_dev, Y_dev=Y_dev, rng=seed)
            out[(rule, B)] = (lr, float(r.history["cost"][-1]), float(r.history["dev_accuracy"][-1]))
    return out
