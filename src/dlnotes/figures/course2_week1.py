"""Figures of [Course 2, week 1: practical aspects of deep learning](course2/week1.md).

Every function builds its picture from :mod:`dlnotes` code with a fixed seed and
returns a :class:`matplotlib.figure.Figure`; the page renders them with
the site's renderer. Networks are small and trained at build time
(full batch, Adam), so each figure takes well under two seconds; the training runs shared by
figures and the page are marked :func:`dlnotes.figures.heavy` (the site's build keeps their
results across rebuilds and redoes them when this module or anything it imports changes).
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from dlnotes.figures import heavy
from dlnotes.plots import PALETTE, draw_graph, new_figure, plot_contours_with_paths, plot_cost_history, \
    plot_decision_boundary

__all__ = [
    "CIRCLES",
    "circles_split",
    "error_rate",
    "train_net",
    "penalty_debug_costs",
    "bias_variance",
    "regularized_boundaries",
    "ridge_fits",
    "l1_vs_l2_weights",
    "early_stopping",
    "ensemble",
    "augmentation",
    "augmentation_runs",
    "augmentation_baseline",
    "ensemble_members",
    "sparsity_runs",
    "input_normalization",
    "normalization_problem",
    "normalization_runs",
    "init_depth_stats",
    "residual_block",
    "auxiliary_heads",
    "finite_difference_error",
    "SANITY_RUNS",
    "sanity_runs",
    "sanity_overfit",
    "digits_initial_losses",
    "loss_curves",
    "CLIP_RUNS",
    "train_clipped",
    "clipping_runs",
    "clipping_experiment",
]

# ---------------------------------------------------------------------------
# Shared data and training runs
# ---------------------------------------------------------------------------


try:  # BLAS threads only slow down the small matrices of these figures (and fight on a shared machine)
    from threadpoolctl import threadpool_limits as _blas_limits
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    _blas_limits = None


def _one_blas_thread():
    return _blas_limits(limits=1, user_api="blas") if _blas_limits is not None else contextlib.nullcontext()


#: The data set of the week-1 experiments: ``make_circles(400, noise=0.2, factor=0.5)``, cut in half.
CIRCLES = dict(m=400, noise=0.2, factor=0.5)


@functools.lru_cache(maxsize=None)
def circles_split(seed=0):
    """``(X_train, Y_train, X_dev, Y_dev)``: :func:`dlnotes.data.make_circles` (``CIRCLES``) cut in half."""
    from dlnotes.data import make_circles, train_dev_test_split

    X, Y = make_circles(CIRCLES["m"], noise=CIRCLES["noise"], factor=CIRCLES["factor"], rng=seed)
    return train_dev_test_split(X, Y, (0.5, 0.5), rng=seed)


def _draw_generating_circles(ax):
    t = np.linspace(0, 2 * np.pi, 200)
    for r in (1.0, CIRCLES["factor"]):
        ax.plot(r * np.cos(t), r * np.sin(t), ":", color="0.25", lw=1.0)


def error_rate(Yhat, Y):
    """Fraction of misclassified examples."""
    return float(np.mean(np.asarray(Yhat).reshape(-1) != np.asarray(Y).reshape(-1)))


@heavy
def train_net(layer_dims=(2, 1), epochs=1000, lambd=0.0, l1=0.0, keep_prob=1.0, learning_rate=0.01, seed=0,
              data_seed=0, augment=0):
    """Train a network on the circles split with :func:`dlnotes.train.fit` (full batch, Adam).

    ``augment > 0`` adds that many jittered copies of the training set (:func:`dlnotes.data.augment_2d`).
    Returns the :class:`~dlnotes.train.TrainResult` (with dev-set history). Marked :func:`~dlnotes.figures.heavy`.
    """
    from dlnotes.data import augment_2d
    from dlnotes.train import fit

    Xtr, Ytr, Xdev, Ydev = circles_split(data_seed)
    if augment:
        Xtr, Ytr = augment_2d(Xtr, Ytr, rng=seed + 100, copies=augment, jitter=0.06)
    keep = None if keep_prob >= 1.0 else keep_prob
    with _one_blas_thread():
        return fit(Xtr, Ytr, list(layer_dims), epochs=epochs, learning_rate=learning_rate, lambd=lambd, l1=l1,
               keep_probs=keep, X_dev=Xdev, Y_dev=Ydev, rng=seed, optimizer="adam")


@heavy
def penalty_debug_costs(lambd=3.0, warm_iterations=500, iterations=100, learning_rate=0.5, seed=0):
    r"""Costs of a 2-16-1 network that is first fitted without penalty, then trained on with L2.

    Gradient descent (``learning_rate``) runs ``warm_iterations`` steps on the circles data
    without penalty (the weights grow to fit), then ``iterations`` steps with the penalty
    $\frac{\lambda}{2m}\sum\lVert W^{[l]}\rVert_F^2$. Returns ``{"J": ..., "data": ...}``, arrays of
    length ``iterations``: the full cost (data term plus penalty), which gradient descent
    decreases, and the data term alone, before each of the penalized steps.
    """
    from dlnotes.data import make_circles
    from dlnotes.initializers import initialize_parameters
    from dlnotes.nn import compute_cost, model_backward, model_forward, update_parameters

    X, Y = make_circles(200, noise=0.1, factor=0.5, rng=seed)
    acts = ("relu", "sigmoid")
    params = initialize_parameters([2, 16, 1], "he", seed)
    full, data = [], []
    with _one_blas_thread():
        for it in range(warm_iterations + iterations):
            lam = 0.0 if it < warm_iterations else lambd
            AL, caches = model_forward(X, params, acts)
            if it >= warm_iterations:
                full.append(compute_cost(AL, Y, "bce", parameters=params, lambd=lam))
                data.append(compute_cost(AL, Y, "bce"))
            params = update_parameters(params, model_backward(AL, Y, caches, loss="bce", lambd=lam), learning_rate)
    return {"J": np.array(full), "data": np.array(data)}


def _boundary_panel(ax, res, X, Y, title):
    Xtr, Ytr, Xdev, Ydev = circles_split()
    plot_decision_boundary(res.predict, X, Y, ax=ax, resolution=100, padding=0.1, title=title)
    _draw_generating_circles(ax)
    ax.set_aspect("equal")
    tr, dv = error_rate(res.predict(Xtr), Ytr), error_rate(res.predict(Xdev), Ydev)
    ax.text(0.02, 0.02, f"train error {tr:.1%}\ndev error {dv:.1%}", transform=ax.transAxes, fontsize=8,
            va="bottom", bbox=dict(boxstyle="round,pad=0.2", facecolor="white", alpha=0.85, edgecolor="none"))
    ax.get_legend().remove()


#: The three models of the bias/variance figure: (title, train_net keyword arguments).
BIAS_VARIANCE_MODELS = (
    ("high bias: logistic regression", dict(layer_dims=(2, 1), epochs=300, learning_rate=0.05)),
    ("just right: 2-16-16-1, L2 $\\lambda$=2", dict(layer_dims=(2, 16, 16, 1), epochs=800, lambd=2.0,
                                                    learning_rate=0.02)),
    ("high variance: 2-64-64-1, no penalty", dict(layer_dims=(2, 64, 64, 1), epochs=1000, learning_rate=0.01)),
)


# --8<-- [start:bias_variance]
def bias_variance():
    """F17: an underfit, a good and an overfit model on the same training set (dotted: the generating circles)."""
    Xtr, Ytr, _, _ = circles_split()
    fig, axes = new_figure(1, 3, figsize=(10.5, 3.7))
    for ax, (title, kw) in zip(axes, BIAS_VARIANCE_MODELS):
        _boundary_panel(ax, train_net(**kw), Xtr, Ytr, title)
    return fig
# --8<-- [end:bias_variance]


#: Overfit network and its regularized versions (title, train_net keyword arguments).
REGULARIZED_MODELS = (
    ("no regularization", BIAS_VARIANCE_MODELS[2][1]),
    ("L2, $\\lambda$ = 3", dict(BIAS_VARIANCE_MODELS[2][1], lambd=3.0)),
    ("dropout, keep_prob = 0.5", dict(BIAS_VARIANCE_MODELS[2][1], keep_prob=0.5)),
)


# --8<-- [start:regularized_boundaries]
def regularized_boundaries():
    """The overfit 2-64-64-1 network retrained with L2 and with dropout (same data, same seed)."""
    Xtr, Ytr, _, _ = circles_split()
    fig, axes = new_figure(1, 3, figsize=(10.5, 3.7))
    for ax, (title, kw) in zip(axes, REGULARIZED_MODELS):
        _boundary_panel(ax, train_net(**kw), Xtr, Ytr, title)
    return fig
# --8<-- [end:regularized_boundaries]


# ---------------------------------------------------------------------------
# Ridge polynomial fits (F18)
# ---------------------------------------------------------------------------


def polynomial_data(seed=0, m=12, m_dev=200, noise=0.25):
    """``(x, y, x_dev, y_dev)``: $y = \\sin(2\\pi x) + \\mathcal N(0, \\text{noise}^2)$ with $x$ uniform in [0, 1]."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, m))
    x_dev = rng.uniform(0, 1, m_dev)
    y = np.sin(2 * np.pi * x) + noise * rng.standard_normal(m)
    y_dev = np.sin(2 * np.pi * x_dev) + noise * rng.standard_normal(m_dev)
    return x, y, x_dev, y_dev


# --8<-- [start:ridge_fits]
def ridge_fits(seed=0):
    """F18: polynomial fits of increasing degree, then degree 9 with increasing L2 penalty."""
    from numpy.polynomial import polynomial as P

    from dlnotes.regularization import ridge_polyfit

    x, y, x_dev, y_dev = polynomial_data(seed)
    grid = np.linspace(0, 1, 300)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.8))

    def panel(ax, fits, title):
        ax.plot(grid, np.sin(2 * np.pi * grid), ":", color="0.4", lw=1.2, label="true $\\sin 2\\pi x$")
        ax.plot(x, y, "o", color="black", ms=4, label=f"{x.size} training points")
        for i, (label, w) in enumerate(fits):
            dev = np.mean((P.polyval(x_dev, w) - y_dev) ** 2)
            ax.plot(grid, P.polyval(grid, w), color=PALETTE[i], lw=1.6, label=f"{label} (dev MSE {dev:.2f})")
        ax.set_ylim(-2, 2)
        ax.set_xlabel("$x$")
        ax.set_title(title)
        ax.legend(frameon=False, fontsize="x-small", loc="lower left")

    panel(ax1, [(f"degree {d}", ridge_polyfit(x, y, d, 0.0)) for d in (1, 3, 9)],
          "Least squares: underfit, good, overfit")
    panel(ax2, [(f"$\\lambda$ = {lam:g}", ridge_polyfit(x, y, 9, lam)) for lam in (0.0, 1e-4, 1e-2, 1.0)],
          "Degree 9 with an L2 penalty $\\frac{\\lambda}{2m}\\|w\\|^2$")
    ax2.set_ylabel("")
    return fig
# --8<-- [end:ridge_fits]


# ---------------------------------------------------------------------------
# L1 vs L2: sparsity on trained weights
# ---------------------------------------------------------------------------


#: Penalties compared on the sparsity experiment (name -> fit keyword arguments) and the GD step size.
SPARSITY_PENALTIES = (("no penalty", {}), ("L2, $\\lambda$ = 2", {"lambd": 2.0}), ("L1, $\\lambda$ = 1.5", {"l1": 1.5}))
SPARSITY_LR = 0.5


@heavy
def sparsity_runs(seed=0, n_noise=18, epochs=1500):
    """A 20-10-1 network on the circles plus ``n_noise`` pure-noise input features, three penalties.

    Trained with plain gradient descent (``SPARSITY_LR``, full batch) so that the penalties act
    exactly as in the derivation. Returns ``{name: dict(W1, train_error, dev_error, lr_lambda_m)}``;
    the first two input columns of ``W1`` (shape (10, 20)) are the informative features, and
    ``lr_lambda_m`` is $\\alpha\\lambda/m$ of the L1 run (``None`` otherwise).
    """
    from dlnotes.train import fit

    Xtr, Ytr, Xdev, Ydev = circles_split(seed)
    rng = np.random.default_rng(seed + 7)
    X = np.vstack([Xtr, rng.uniform(-1, 1, (n_noise, Xtr.shape[1]))])
    Xd = np.vstack([Xdev, rng.uniform(-1, 1, (n_noise, Xdev.shape[1]))])
    out = {}
    for name, kw in SPARSITY_PENALTIES:
        with _one_blas_thread():
            res = fit(X, Ytr, [X.shape[0], 10, 1], optimizer="gd", learning_rate=SPARSITY_LR, epochs=epochs,
                      rng=seed, **kw)
        out[name] = dict(W1=res.parameters["W1"], train_error=error_rate(res.predict(X), Ytr),
                         dev_error=error_rate(res.predict(Xd), Ydev),
                         lr_lambda_m=SPARSITY_LR * kw["l1"] / X.shape[1] if "l1" in kw else None)
    return out


# --8<-- [start:l1_vs_l2_weights]
def l1_vs_l2_weights():
    """Weights of the first layer after training with no penalty, L2 and L1 (plain gradient descent)."""
    runs = sparsity_runs()
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.7))
    bins = np.linspace(-6, 1, 36)
    for i, (name, r) in enumerate(runs.items()):
        W = r["W1"]
        col = np.linalg.norm(W, axis=0)
        ax1.semilogy(np.arange(1, col.size + 1), col, "o-", color=PALETTE[i], ms=4, lw=1,
                     label=f"{name}: dev error {r['dev_error']:.1%}")
        ax2.hist(np.log10(np.abs(W).ravel() + 1e-12), bins=bins, histtype="step", lw=1.6, color=PALETTE[i],
                 label=f"{name}: {np.mean(np.abs(W) < 1e-2):.0%} of $|w| < 0.01$")
        if r["lr_lambda_m"] is not None:
            ax2.axvline(np.log10(r["lr_lambda_m"]), color=PALETTE[i], ls=":", lw=1.2)
            ax2.annotate("$\\alpha\\lambda/m$", (np.log10(r["lr_lambda_m"]), 1.0), xycoords=("data", "axes fraction"),
                         xytext=(3, -12), textcoords="offset points", fontsize="x-small", color=PALETTE[i])
    ax1.axvspan(0.5, 2.5, color="0.9", zorder=0)
    ax1.set_xlabel("input feature $j$ (1-2: the circles, 3-20: noise)")
    ax1.set_ylabel("$\\|W^{[1]}_{:,j}\\|_2$")
    ax1.set_title("Weight norm per input feature")
    ax1.legend(frameon=False, fontsize="x-small")
    ax2.set_xlabel("$\\log_{10}|w|$ (all 200 weights of $W^{[1]}$)")
    ax2.set_ylabel("count")
    ax2.set_title("Histogram of the weights")
    ax2.legend(frameon=False, fontsize="x-small", loc="upper left")
    return fig
# --8<-- [end:l1_vs_l2_weights]


# ---------------------------------------------------------------------------
# Early stopping, ensembles, augmentation
# ---------------------------------------------------------------------------


# --8<-- [start:early_stopping]
def early_stopping():
    """Train and dev cost of the overfit network, with the epoch of the lowest dev cost."""
    res = train_net(**BIAS_VARIANCE_MODELS[2][1])
    h = res.history
    best = int(np.asarray(h["epoch"])[int(np.argmin(h["dev_cost"]))])
    fig, ax = new_figure(figsize=(6.4, 3.6))
    plot_cost_history({"train": {"epoch": h["epoch"], "cost": h["cost"]},
                       "dev": {"epoch": h["epoch"], "cost": h["dev_cost"]}}, ax=ax, logy=True,
                      marks={f"lowest dev cost (epoch {best})": best}, ylabel="cost $J$ (cross-entropy)",
                      title="2-64-64-1 network, no regularization")
    return fig
# --8<-- [end:early_stopping]


#: Members of the ensemble: same architecture, different initialization seeds.
ENSEMBLE_KW = dict(layer_dims=(2, 32, 32, 1), epochs=500, learning_rate=0.01)
ENSEMBLE_SEEDS = (0, 1, 2, 3, 4)


def ensemble_members():
    """The five trained members of the ensemble (each a :func:`train_net` run)."""
    return [train_net(seed=s, **ENSEMBLE_KW) for s in ENSEMBLE_SEEDS]


# --8<-- [start:ensemble]
def ensemble():
    """Decision boundaries of two single networks and of the average of five."""
    from dlnotes.train import ensemble_predict

    members = ensemble_members()
    Xtr, Ytr, Xdev, Ydev = circles_split()

    class _Averaged:
        @staticmethod
        def predict(X):
            return ensemble_predict(members, X)

    fig, axes = new_figure(1, 3, figsize=(10.5, 3.7))
    _boundary_panel(axes[0], members[0], Xdev, Ydev, "network 1 (dev points)")
    _boundary_panel(axes[1], members[1], Xdev, Ydev, "network 2 (dev points)")
    _boundary_panel(axes[2], _Averaged, Xdev, Ydev, f"average of {len(members)} networks")
    return fig
# --8<-- [end:ensemble]


#: Augmentation of the 40-point training subset: jittered copies (a point moved by a little keeps its label).
AUGMENT_JITTER = 0.15
AUGMENT_COPIES = 9
AUGMENT_NET = dict(layer_dims=(2, 64, 64, 1), epochs=600, learning_rate=0.01)


def augmentation_runs():
    """``(X40, Y40, plain_result, augmented_result)``: the same network trained on 40 points, without and
    with ``AUGMENT_COPIES`` jittered copies (:func:`dlnotes.data.augment_2d`)."""
    Xtr, Ytr, _, _ = circles_split()
    X40, Y40 = Xtr[:, :40], Ytr[:, :40]
    return X40, Y40, _train_subset(X40, Y40, AUGMENT_NET, 0), _train_subset(X40, Y40, AUGMENT_NET, AUGMENT_COPIES)


def augmentation_baseline():
    """The network of the augmentation figure trained on all the real training points, without augmentation."""
    Xtr, Ytr, _, _ = circles_split()
    return _train_subset(Xtr, Ytr, AUGMENT_NET, 0)


# --8<-- [start:augmentation]
def augmentation():
    """Training on 40 points vs on the same 40 points plus jittered copies."""
    from dlnotes.data import augment_2d

    X40, Y40, plain, augmented = augmentation_runs()
    Xa, Ya = augment_2d(X40, Y40, rng=0, copies=AUGMENT_COPIES, jitter=AUGMENT_JITTER)
    fig, axes = new_figure(1, 3, figsize=(10.5, 3.7))
    n = X40.shape[1]
    axes[0].scatter(Xa[0, n:], Xa[1, n:], s=4, c=[PALETTE[int(v)] for v in Ya[0, n:]], alpha=0.5)
    axes[0].scatter(X40[0], X40[1], s=24, c=[PALETTE[int(v)] for v in Y40[0]], edgecolors="black", linewidths=0.6)
    axes[0].set_title(f"{n} points (outlined) + {AUGMENT_COPIES} copies each")
    axes[0].set_aspect("equal")
    axes[0].set_xlabel("$x_1$")
    axes[0].set_ylabel("$x_2$")
    _boundary_panel(axes[1], plain, X40, Y40, f"trained on the {n} points")
    _boundary_panel(axes[2], augmented, X40, Y40, f"trained on the augmented {n * (1 + AUGMENT_COPIES)}")
    return fig
# --8<-- [end:augmentation]


@heavy
def _train_subset(X, Y, kw, copies):
    """``fit`` on ``(X, Y)`` plus ``copies`` jittered copies, with the circles' dev set (heavy)."""
    from dlnotes.data import augment_2d
    from dlnotes.train import fit

    _, _, Xdev, Ydev = circles_split()
    if copies:
        X, Y = augment_2d(X, Y, rng=0, copies=copies, jitter=AUGMENT_JITTER)
    with _one_blas_thread():
        return fit(X, Y, list(kw["layer_dims"]), epochs=kw["epochs"], learning_rate=kw["learning_rate"],
                   X_dev=Xdev, Y_dev=Ydev, rng=0)


# ---------------------------------------------------------------------------
# Input normalization (F19)
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def normalization_problem(seed=0, m=200):
    """A linear-regression problem with two raw features on different scales and a nonzero mean.

    Returns ``(X_raw, X_std, y)``: ``X_raw`` of shape (2, m) with feature 1 around 3 +/- 1 and
    feature 2 around 0 +/- 0.3, ``X_std`` standardized with the training statistics, and the
    centred target ``y`` of shape (m,). The cost is $J(w) = \\frac{1}{2m}\\|w^\\top X - y\\|^2$
    (no bias: ``y`` is centred).
    """
    from dlnotes.data import standardize_apply, standardize_fit

    rng = np.random.default_rng(seed)
    X = np.vstack([3.0 + 1.0 * rng.standard_normal(m), 0.3 * rng.standard_normal(m)])
    y = 1.0 * X[0] + 2.0 * X[1] + 0.2 * rng.standard_normal(m)
    y = y - y.mean()
    mu, sigma = standardize_fit(X)
    return X, standardize_apply(X, mu, sigma), y


def _quadratic(X, y):
    """Hessian, minimizer and cost function of $J(w) = \\frac{1}{2m}\\|w^\\top X - y\\|^2$."""
    m = X.shape[1]
    H = X @ X.T / m
    w_star = np.linalg.solve(H, X @ y / m)

    j_star = 0.5 * np.mean((w_star @ X - y) ** 2)

    def cost(w1, w2):                         # exact for a quadratic: J* + (w - w*)^T H (w - w*) / 2
        d1, d2 = np.asarray(w1) - w_star[0], np.asarray(w2) - w_star[1]
        return j_star + 0.5 * (H[0, 0] * d1 ** 2 + 2 * H[0, 1] * d1 * d2 + H[1, 1] * d2 ** 2)

    def grad(w):
        return H @ (w - w_star)

    return H, w_star, cost, grad


def normalization_runs(fraction=0.9, max_steps=3000, tol=1e-6):
    """Gradient descent on the raw and the standardized problem at ``fraction`` x $2/\\lambda_{\\max}$.

    Returns ``{name: dict(H, w_star, cost, lr, kappa, path, steps_to_tol)}`` where ``steps_to_tol`` is the
    first step at which $J - J^*$ falls below ``tol`` times its initial value.
    """
    from dlnotes.optim import GradientDescent, trajectory

    X_raw, X_std, y = normalization_problem()
    out = {}
    for name, X in (("raw inputs", X_raw), ("standardized inputs", X_std)):
        H, w_star, cost, grad = _quadratic(X, y)
        lam = np.linalg.eigvalsh(H)
        lr = fraction * 2 / lam[-1]
        path = trajectory(grad, w_star + np.array([-2.5, 2.5]), GradientDescent(float(lr)), max_steps)
        gap = cost(path[:, 0], path[:, 1]) - cost(*w_star)
        below = np.flatnonzero(gap < tol * gap[0])
        out[name] = dict(H=H, w_star=w_star, cost=cost, lr=float(lr), kappa=float(lam[-1] / lam[0]), path=path,
                         steps_to_tol=int(below[0]) if below.size else None)
    return out


# --8<-- [start:input_normalization]
def input_normalization(steps=30, fraction=0.9):
    """F19: cost contours and gradient-descent paths before and after standardizing the inputs.

    Each path uses ``fraction`` of the largest stable learning rate $2/\\lambda_{\\max}(H)$ of its problem;
    the first ``steps`` steps are drawn.
    """
    runs = normalization_runs(fraction)
    fig, axes = new_figure(1, 2, figsize=(10, 4.2))
    for ax, (name, r) in zip(axes, runs.items()):
        w_star, half = r["w_star"], 3.5
        n = r["steps_to_tol"]
        label = f"GD, $\\alpha$ = {fraction:g} x 2/$\\lambda_{{max}}$ = {r['lr']:.3g}"
        plot_contours_with_paths(r["cost"], {label: r["path"][:steps + 1]}, xlim=(w_star[0] - half, w_star[0] + half),
                                 ylim=(w_star[1] - half, w_star[1] + half), levels=14, ax=ax, minimum=tuple(w_star),
                                 log_levels=True, resolution=120,
                                 title=f"{name}: $\\kappa$ = {r['kappa']:.3g}, {n} steps to $10^{{-6}}$")
        ax.legend(frameon=True, fontsize="x-small", loc="lower right", title=f"first {steps} steps",
                  title_fontsize="x-small")
    return fig
# --8<-- [end:input_normalization]


# ---------------------------------------------------------------------------
# Vanishing / exploding gradients (F20)
# ---------------------------------------------------------------------------

#: Initializers compared by depth: (initializers key, label).
DEPTH_METHODS = (("normal", "$\\mathcal{N}(0, 1)$"), ("random_small", "$0.01\\,\\mathcal{N}(0,1)$"),
                 ("lecun", "LeCun (course's Xavier), $1/n$"), ("he", "He, $2/n$"))


# --8<-- [start:init_depth_stats]
def init_depth_stats(depth=30, width=100, m=200):
    """F20: std of the activations and of the backpropagated $dA^{[l-1]}$ through ``depth`` layers, per initializer."""
    from dlnotes.initializers import activation_stats_by_depth

    fig, axes = new_figure(2, 2, figsize=(10, 6.2))
    for row, act in enumerate(("tanh", "relu")):
        for i, (method, label) in enumerate(DEPTH_METHODS):
            with _one_blas_thread():
                s = activation_stats_by_depth(method, depth, width, act, rng=0, m=m)
            for col, key in enumerate(("activation_std", "dA_std")):
                axes[row, col].semilogy(s["layer"], np.maximum(s[key], 1e-300), "o-", ms=3, lw=1.4,
                                        color=PALETTE[i], label=label)
        axes[row, 0].set_title(f"{act}: std of $A^{{[l]}}$")
        axes[row, 1].set_title(f"{act}: std of $dA^{{[l-1]}}$ (backpropagated)")
    for ax in axes.ravel():
        ax.set_xlabel("layer $l$")
        ax.grid(True, alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize="x-small")
    return fig
# --8<-- [end:init_depth_stats]


# ---------------------------------------------------------------------------
# Diagrams: residual block (F22), auxiliary heads (F23)
# ---------------------------------------------------------------------------


# --8<-- [start:residual_block]
def residual_block():
    """F22: a residual block (redrawn after He et al., 2015, Fig. 2)."""
    nodes = {
        "in": {"pos": (0.0, 1.2), "label": "$a^{[l]}$", "shape": "circle"},
        "w1": (1.7, 0.0, "linear\n$W^{[l+1]}$"),
        "r1": (3.7, 0.0, "ReLU"),
        "w2": (5.7, 0.0, "linear\n$W^{[l+2]}$"),
        "add": {"pos": (7.4, 1.2), "label": "$+$", "shape": "circle", "color": "#F8D9C8"},
        "r2": (8.9, 1.2, "ReLU"),
        "out": {"pos": (10.4, 1.2), "label": "$a^{[l+2]}$", "shape": "circle"},
    }
    edges = [("in", "w1"), ("w1", "r1", "$z^{[l+1]}$"), ("r1", "w2", "$a^{[l+1]}$"), ("w2", "add", "$z^{[l+2]}$"),
             ("in", "add", "identity shortcut: $a^{[l]}$"), ("add", "r2"), ("r2", "out")]
    fig = draw_graph(nodes, edges, box_size=(1.2, 0.7), figsize=(10, 2.9),
                     title="$a^{[l+2]} = g(z^{[l+2]} + a^{[l]})$, i.e. $g(\\mathcal{F}(a^{[l]}) + a^{[l]})$")
    return fig
# --8<-- [end:residual_block]


# --8<-- [start:auxiliary_heads]
def auxiliary_heads():
    """F23: a deep classifier with two auxiliary heads (simplified, after Szegedy et al., 2014)."""
    nodes = {
        "x": {"pos": (0.0, 0.0), "label": "$x$", "shape": "circle"},
        "b1": (1.8, 0.0, "stem +\nInception 3a-4a"),
        "b2": (3.8, 0.0, "Inception\n4b-4d"),
        "b3": (5.8, 0.0, "Inception\n4e-5b"),
        "main": (7.8, 0.0, "softmax\n(main)"),
        "a1": (1.8, -1.5, "aux head 1\nsoftmax"),
        "a2": (3.8, -1.5, "aux head 2\nsoftmax"),
        "loss": {"pos": (7.8, -1.5), "label": "$\\mathcal{L}$", "shape": "circle", "color": "#F8D9C8"},
    }
    edges = [("x", "b1"), ("b1", "b2"), ("b2", "b3"), ("b3", "main"), ("b1", "a1"), ("b2", "a2"),
             ("main", "loss", "$\\times 1$"), ("a2", "loss", "$\\times 0.3$")]
    fig = draw_graph(nodes, edges, box_size=(1.55, 0.75), figsize=(10, 3.4),
                     title="$\\mathcal{L} = \\mathcal{L}_{main} + 0.3\\,(\\mathcal{L}_{aux1} + \\mathcal{L}_{aux2})$ "
                           "during training; heads removed at test time")
    ax = fig.axes[0]
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch((1.8 + 0.78, -1.5 - 0.2), (7.8 - 0.3, -1.5 - 0.2), arrowstyle="-|>",
                                 mutation_scale=12, color="#222222", lw=1.3, connectionstyle="arc3,rad=0.25"))
    ax.text(4.8, -2.3, "$\\times 0.3$", ha="center", fontsize=9)
    ax.set_ylim(-2.6, 0.9)
    return fig
# --8<-- [end:auxiliary_heads]


# ---------------------------------------------------------------------------
# Gradient checking: one-sided vs two-sided differences
# ---------------------------------------------------------------------------


# --8<-- [start:finite_difference_error]
def finite_difference_error(x0=0.5):
    r"""Error of the one-sided and two-sided difference quotients of $\tanh$ at ``x0``, against $\varepsilon$."""
    from dlnotes.activations import tanh, tanh_grad
    from dlnotes.gradcheck import numerical_grad

    eps = np.geomspace(1e-13, 1e-1, 49)
    exact = float(tanh_grad(np.array(x0)))
    f = lambda x: float(np.sum(tanh(x)))  # noqa: E731
    x = np.array([x0])
    two = np.array([abs(float(numerical_grad(f, x, e)[0]) - exact) for e in eps])
    one = np.array([abs((f(x + e) - f(x)) / e - exact) for e in eps])
    fig, ax = new_figure(figsize=(6.4, 3.8))
    ax.loglog(eps, np.maximum(one, 1e-18), "o-", ms=3, color=PALETTE[1], label="one-sided $(f(x+\\varepsilon)-f(x))/\\varepsilon$")
    ax.loglog(eps, np.maximum(two, 1e-18), "o-", ms=3, color=PALETTE[0],
              label="two-sided $(f(x+\\varepsilon)-f(x-\\varepsilon))/2\\varepsilon$")
    f2 = abs(-2 * np.tanh(x0) * (1 - np.tanh(x0) ** 2))
    f3 = abs(-2 * (1 - np.tanh(x0) ** 2) * (1 - 3 * np.tanh(x0) ** 2))
    ax.loglog(eps, f2 / 2 * eps, ":", color=PALETTE[1], lw=1, label="$|f''|\\varepsilon/2$")
    ax.loglog(eps, f3 / 6 * eps ** 2, ":", color=PALETTE[0], lw=1, label="$|f'''|\\varepsilon^2/6$")
    ax.loglog(eps, 1.1e-16 / eps, "--", color="0.5", lw=1, label="rounding $\\approx 10^{-16}/\\varepsilon$")
    ax.axvline(1e-7, color="0.3", ls=":", lw=1)
    ax.set_ylim(1e-17, 1)
    ax.set_xlabel("$\\varepsilon$")
    ax.set_ylabel("absolute error of $f'(x)$")
    ax.set_title(f"$f = \\tanh$ at $x = {x0}$ (float64)")
    ax.legend(frameon=False, fontsize="x-small", loc="lower left")
    ax.grid(True, alpha=0.3)
    return fig
# --8<-- [end:finite_difference_error]


# ---------------------------------------------------------------------------
# Beyond the course: babysitting a run, gradient clipping
# ---------------------------------------------------------------------------

#: The runs of the loss-curve figure: label -> settings of :func:`dlnotes.train.fit` (Adam, full batch).
SANITY_RUNS = {
    "good: Adam, rate 0.01": dict(learning_rate=0.01),
    "rate too high: 1.0": dict(learning_rate=1.0),
    "rate too low: 3e-4": dict(learning_rate=3e-4),
    "bad init: 0.01 N(0, 1)": dict(learning_rate=0.003, init="random_small"),
    "bug: zero init": dict(learning_rate=0.01, init="zeros"),
}

#: The network of the loss-curve runs.
SANITY_DIMS = (2, 16, 16, 16, 1)


@heavy
def sanity_runs(epochs=300):
    """``label -> TrainResult``: the runs of :data:`SANITY_RUNS` on the circles split (a 2-16-16-16-1 network)."""
    from dlnotes.train import fit

    Xtr, Ytr, _, _ = circles_split()
    with _one_blas_thread():
        return {label: fit(Xtr, Ytr, list(SANITY_DIMS), epochs=epochs, rng=0, **kw)
                for label, kw in SANITY_RUNS.items()}


# --8<-- [start:loss_curves]
def loss_curves():
    """The cost of the five runs of :data:`SANITY_RUNS`: the learning rate (left), the start (right)."""
    runs = sanity_runs()
    labels = list(runs)
    fig, axes = new_figure(1, 2, figsize=(10, 3.8))
    for ax, group, title, where in ((axes[0], labels[:3], "the learning rate", "upper right"),
                                    (axes[1], [labels[0], *labels[3:]], "the initialization", "lower left")):
        for label in group:
            h = runs[label].history
            ax.plot(h["epoch"], h["cost"], color=PALETTE[labels.index(label)], lw=1.6, label=label)
        ax.axhline(np.log(2), color="0.4", ls=":", lw=1.0)
        ax.text(300, np.log(2) * 1.04, "ln 2", ha="right", va="bottom", fontsize=8, color="0.3")
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_title(title)
        ax.legend(fontsize=8, loc=where)
    axes[0].set_ylabel("training cost $J$ (log scale)")
    return fig
# --8<-- [end:loss_curves]


#: The badly initialized deep network of the clipping experiment: 10 tanh layers of 32 units.
CLIP_DEPTH, CLIP_WIDTH = 10, 32

#: The runs of the clipping experiment: label -> (initializer, clipping).
CLIP_RUNS = {
    "N(0, 1), no clipping": ("normal", None),
    "N(0, 1), clip by norm": ("normal", "norm"),
    "N(0, 1), clip by value": ("normal", "value"),
    "LeCun, no clipping": ("lecun", None),
}


# --8<-- [start:train_clipped]
@heavy
def train_clipped(init="normal", clip=None, max_norm=1.0, learning_rate=0.1, iterations=300, seed=0):
    """Gradient descent on the circles split with optional clipping; cost and gradient norm per step.

    ``clip="norm"`` rescales the gradients to a global norm of at most ``max_norm``; ``clip="value"``
    clips each component to $\\pm$ ``max_norm`` $/\\sqrt{P}$ ($P$ parameters), which bounds the norm by
    the same ``max_norm``. Returns ``{"cost", "norm", "step", "dev_accuracy"}``: the cost and the global
    gradient norm before each step, the length $\\alpha\\lVert\\tilde g\\rVert$ of each step, the final dev accuracy.
    """
    from dlnotes.clipping import clip_by_global_norm, clip_by_value, global_norm
    from dlnotes.initializers import initialize_parameters
    from dlnotes.nn import compute_cost, model_backward, model_forward, predict

    Xtr, Ytr, Xdev, Ydev = circles_split()
    acts = ("tanh",) * CLIP_DEPTH + ("sigmoid",)
    params = initialize_parameters([2] + [CLIP_WIDTH] * CLIP_DEPTH + [1], init, seed)
    value = max_norm / np.sqrt(sum(p.size for p in params.values()))
    costs, norms, steps = [], [], []
    with _one_blas_thread():
        for _ in range(iterations):
            AL, caches = model_forward(Xtr, params, acts)
            costs.append(compute_cost(AL, Ytr, "bce"))
            grads = model_backward(AL, Ytr, caches, loss="bce")
            norms.append(global_norm(grads))
            if clip == "norm":
                grads, _ = clip_by_global_norm(grads, max_norm)
            elif clip == "value":
                grads = clip_by_value(grads, value)
            steps.append(learning_rate * global_norm(grads))
            params = {k: p - learning_rate * grads["d" + k] for k, p in params.items()}
        dev_accuracy = float(np.mean(predict(Xdev, params, acts) == Ydev))
    return {"cost": np.array(costs), "norm": np.array(norms), "step": np.array(steps), "dev_accuracy": dev_accuracy}
# --8<-- [end:train_clipped]


def clipping_runs():
    """``label -> train_clipped(...)`` for the runs of :data:`CLIP_RUNS`."""
    return {label: train_clipped(init=init, clip=clip) for label, (init, clip) in CLIP_RUNS.items()}


# --8<-- [start:clipping_experiment]
def clipping_experiment():
    """Cost and global gradient norm of the deep tanh network, badly initialized, with and without clipping."""
    runs = clipping_runs()
    fig, axes = new_figure(1, 2, figsize=(10, 3.8))
    for i, (label, r) in enumerate(runs.items()):
        style = dict(color=PALETTE[i], lw=1.4, ls="--" if label.startswith("LeCun") else "-")
        axes[0].plot(r["cost"], label=f"{label} (dev acc. {r['dev_accuracy']:.2f})", **style)
        axes[1].semilogy(r["norm"], label=label, **style)
    axes[1].axhline(1.0, color="0.4", ls=":", lw=1.0)
    axes[1].text(299, 1.1, "max_norm = 1", ha="right", va="bottom", fontsize=8, color="0.3")
    axes[0].set(xlabel="iteration", ylabel="training cost $J$", title="cost")
    axes[1].set(xlabel="iteration", ylabel="norm of all gradients, before clipping", title="global gradient norm")
    axes[0].legend(fontsize=7.5, loc="upper right")
    return fig
# --8<-- [end:clipping_experiment]


@heavy
def sanity_overfit(init="he", m=16, seed=0):
    """:func:`dlnotes.sanity.overfit_small_subset` on ``m`` circles of the training split (the loss-curve network)."""
    from dlnotes.sanity import overfit_small_subset

    Xtr, Ytr, _, _ = circles_split()
    with _one_blas_thread():
        return overfit_small_subset(Xtr, Ytr, list(SANITY_DIMS), m=m, init=init, rng=seed)


@heavy
def digits_initial_losses(inits=("random_small", "he", "normal"), seed=0):
    """``init -> initial_loss_check(...)`` of a fresh 64-32-10 network on the digits (ten classes)."""
    from dlnotes.data import load_digits
    from dlnotes.initializers import initialize_parameters
    from dlnotes.sanity import initial_loss_check

    X, Y = load_digits()
    return {init: initial_loss_check(X, Y, initialize_parameters([64, 32, 10], init, seed)) for init in inits}
