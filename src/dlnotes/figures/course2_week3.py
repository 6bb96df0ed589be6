"""Figures of [Course 2, week 3: tuning, batch normalization, softmax](course2/week3.md).

Every function builds its picture from :mod:`dlnotes` code with a fixed seed and
returns a :class:`matplotlib.figure.Figure`; the page renders them with
the site's renderer.
"""

from __future__ import annotations

import contextlib

import numpy as np
from matplotlib.colors import ListedColormap

from dlnotes.figures import heavy
from dlnotes.plots import PALETTE, new_figure

try:  # small matrices: one BLAS thread is faster (and fair on a shared machine)
    from threadpoolctl import threadpool_limits as _blas_limits
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    _blas_limits = None

__all__ = [
    "toy_dev_error",
    "search_points",
    "grid_vs_random",
    "log_scale_sampling",
    "bn_circles_run",
    "bn_layer_statistics",
    "bn_histograms",
    "bn_batch_size_runs",
    "search_space",
    "halving_vs_random",
    "noise_label_scores",
    "dev_overfitting",
    "three_class_data",
    "softmax_runs",
    "softmax_regions",
    "neg_log_likelihood",
]


def _one_blas_thread():
    return _blas_limits(limits=1, user_api="blas") if _blas_limits is not None else contextlib.nullcontext()


# ---------------------------------------------------------------------------
# Grid vs random search
# ---------------------------------------------------------------------------


def toy_dev_error(log_lr, other):
    r"""A made-up dev error that depends strongly on $\log_{10}\alpha$ and hardly on the other hyperparameter.

    $e = 0.05 + 0.04\,(\log_{10}\alpha + 2.3)^2 + 0.002\,\text{other}$ (a stand-in for a real
    tuning run: a learning rate matters a lot, e.g. Adam's $\varepsilon$ almost not at all).
    """
    return 0.05 + 0.04 * (np.asarray(log_lr) + 2.3) ** 2 + 0.002 * np.asarray(other)


def search_points(n_per_axis=5, seed=0):
    """``(grid, random)``: ``n_per_axis**2`` points each on $[-4, 0]\\times[0, 1]$ ($\\log_{10}\\alpha$, other)."""
    from dlnotes.tuning import grid_points, random_points

    grid = grid_points(n_per_axis, low=(-4.0, 0.0), high=(0.0, 1.0))
    rand = random_points(n_per_axis ** 2, rng=seed, low=(-4.0, 0.0), high=(0.0, 1.0))
    return grid, rand


# --8<-- [start:grid_vs_random]
def grid_vs_random(n_per_axis=5, seed=0):
    """25 trials on a grid vs 25 random trials, when only one of the two hyperparameters matters."""
    from dlnotes.tuning import distinct_per_axis

    grid, rand = search_points(n_per_axis, seed)
    fig, axes = new_figure(2, 2, figsize=(10, 5.6))
    xs = np.linspace(-4, 0, 200)
    L, O = np.meshgrid(xs, np.linspace(0, 1, 50))
    for col, (name, P) in enumerate((("grid search", grid), ("random search", rand))):
        ax = axes[0, col]
        ax.contourf(L, O, toy_dev_error(L, O), levels=20, cmap="Greys_r", alpha=0.6)
        ax.plot(P[:, 0], P[:, 1], "o", color=PALETTE[col], ms=5)
        n_distinct = distinct_per_axis(P)[0]
        ax.set_title(f"{name}: {len(P)} trials, {n_distinct} distinct values of $\\alpha$")
        ax.set_xlabel("$\\log_{10}\\alpha$ (important)")
        ax.set_ylabel("other (unimportant)")
        bx = axes[1, col]
        bx.plot(xs, toy_dev_error(xs, 0.5), color="0.3", lw=1.2, label="dev error vs $\\log_{10}\\alpha$")
        errs = toy_dev_error(P[:, 0], P[:, 1])
        bx.plot(P[:, 0], errs, "|", color=PALETTE[col], ms=14, mew=1.5, label="trials")
        best = int(np.argmin(errs))
        bx.plot(P[best, 0], errs[best], "*", color="black", ms=11, label=f"best found: {errs[best]:.4f}")
        bx.set_xlabel("$\\log_{10}\\alpha$")
        bx.set_ylabel("dev error")
        bx.set_ylim(0.04, 0.2)
        bx.legend(frameon=False, fontsize="x-small", loc="upper right")
    return fig
# --8<-- [end:grid_vs_random]


# --8<-- [start:log_scale_sampling]
def log_scale_sampling(n=2000, seed=0):
    """Uniform vs log-uniform learning rates on [1e-4, 1], and beta uniform vs log-uniform on 1 - beta."""
    from dlnotes.tuning import sample_beta, sample_log_uniform, sample_uniform

    rng = np.random.default_rng(seed)
    lin = sample_uniform(1e-4, 1.0, n, rng)
    log = sample_log_uniform(1e-4, 1.0, n, rng)
    b_lin = sample_uniform(0.9, 0.999, n, rng)
    b_log = sample_beta(0.9, 0.999, n, rng)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.5))
    bins = np.linspace(-4, 0, 17)
    ax1.hist(np.log10(lin), bins=bins, color=PALETTE[1], alpha=0.6, label="uniform on [1e-4, 1]")
    ax1.hist(np.log10(log), bins=bins, histtype="step", lw=2, color=PALETTE[0], label="log-uniform (uniform exponent)")
    ax1.set_xlabel("$\\log_{10}\\alpha$")
    ax1.set_ylabel(f"count of {n} samples")
    ax1.set_title("Learning rate: samples per decade")
    ax1.legend(frameon=False, fontsize="x-small", loc="upper left")
    wbins = np.linspace(1, 3, 17)
    ax2.hist(np.log10(1 / (1 - b_lin)), bins=wbins, color=PALETTE[1], alpha=0.6, label="$\\beta$ uniform on [0.9, 0.999]")
    ax2.hist(np.log10(1 / (1 - b_log)), bins=wbins, histtype="step", lw=2, color=PALETTE[0],
             label="$1-\\beta$ log-uniform")
    ax2.set_xlabel("$\\log_{10}$ of the averaging window $1/(1-\\beta)$")
    ax2.set_title("Momentum $\\beta$: windows 10 to 1000")
    ax2.legend(frameon=False, fontsize="x-small", loc="upper left")
    return fig
# --8<-- [end:log_scale_sampling]


# ---------------------------------------------------------------------------
# Batch normalization (F28)
# ---------------------------------------------------------------------------


@heavy
def bn_circles_run(seed=0):
    """A 2-16-16-1 network with batch norm on the hidden layers, trained on shifted, scaled circles.

    The inputs are ``make_circles`` points mapped to ``x1 * 4 + 6`` and ``x2 * 0.5 - 2`` (not
    normalized, on purpose), split half and half into training and dev sets. Returns a dict with
    the :class:`~dlnotes.train.TrainResult` (``"result"``, whose ``bn_state`` holds the running
    averages ``mu{l}``, ``var{l}`` of training) and the split ``"Xtr"``, ``"Ytr"``, ``"Xdev"``, ``"Ydev"``.
    """
    from dlnotes.data import make_circles, train_dev_test_split
    from dlnotes.train import fit

    X, Y = make_circles(600, noise=0.1, factor=0.5, rng=seed)
    X = np.vstack([4.0 * X[0] + 6.0, 0.5 * X[1] - 2.0])
    Xtr, Ytr, Xdev, Ydev = train_dev_test_split(X, Y, (0.5, 0.5), rng=seed)
    with _one_blas_thread():
        res = fit(Xtr, Ytr, [2, 16, 16, 1], batchnorm=True, batch_size=64, epochs=150, learning_rate=0.01,
                  rng=seed, X_dev=Xdev, Y_dev=Ydev)
    return {"result": res, "Xtr": Xtr, "Ytr": Ytr, "Xdev": Xdev, "Ydev": Ydev}


def bn_layer_statistics(seed=0, batch=256, units=(0, 1, 2)):
    """Pre-activations of the first hidden layer of the network of :func:`bn_circles_run`.

    A mini-batch of ``batch`` training examples gives $Z^{[1]} = W^{[1]}X$, the normalized
    $\\hat Z^{[1]}$ and the output $\\tilde Z^{[1]} = \\gamma\\hat Z^{[1]} + \\beta$ for the hidden
    ``units``. Returns a dict of arrays of shape ``(len(units), batch)`` plus the learned
    ``gamma`` and ``beta`` of those units and the dev accuracy.
    """
    from dlnotes.batchnorm import batchnorm_forward

    run = bn_circles_run(seed)
    res, Xtr = run["result"], run["Xtr"]
    p = res.parameters
    Z = p["W1"] @ Xtr[:, :batch]
    Zt, cache = batchnorm_forward(Z, p["gamma1"], p["beta1"])
    idx = list(units)
    return {"Z": Z[idx], "Z_norm": cache["Z_norm"][idx], "Z_tilde": Zt[idx],
            "gamma": p["gamma1"][idx, 0], "beta": p["beta1"][idx, 0],
            "dev_accuracy": float(res.history["dev_accuracy"][-1])}


# --8<-- [start:bn_histograms]
def bn_histograms():
    """F28: histograms of three units' pre-activations before BN, after normalization, and after gamma, beta."""
    s = bn_layer_statistics()
    fig, axes = new_figure(1, 3, figsize=(10.5, 3.4))
    titles = ("$Z^{[1]} = W^{[1]}X$ (before BN)", "$\\hat Z^{[1]}$: mean 0, variance 1 per unit",
              "$\\tilde Z^{[1]} = \\gamma \\hat Z^{[1]} + \\beta$ (learned)")
    for ax, key, title in zip(axes, ("Z", "Z_norm", "Z_tilde"), titles):
        for i, row in enumerate(s[key]):
            label = f"unit {i + 1}: mean {row.mean():.2f}, std {row.std():.2f}"
            ax.hist(row, bins=30, histtype="stepfilled", alpha=0.35, color=PALETTE[i], label=label)
            ax.hist(row, bins=30, histtype="step", color=PALETTE[i])
        ax.set_title(title)
        ax.legend(frameon=False, fontsize="xx-small", loc="upper left")
    axes[0].set_ylabel("count in a mini-batch of 256")
    return fig
# --8<-- [end:bn_histograms]


# ---------------------------------------------------------------------------
# Beyond the course: batch norm at small batch sizes
# ---------------------------------------------------------------------------


@heavy
def bn_batch_size_runs(batch_sizes=(2, 4, 8, 32), seed=0, epochs=15):
    """Train the network of :func:`bn_circles_run` with batch norm at each mini-batch size; compare modes.

    For each size $B$: ``fit(..., batchnorm=True, batch_size=B)`` for ``epochs`` epochs (Adam,
    $\\alpha = 0.01$), then the dev accuracy in eval mode (running averages, ``res.predict``) and in
    train mode (the dev set cut into batches of $B$ normalized with their own statistics), the mean
    $|p_{\\text{train}} - p_{\\text{eval}}|$ of the output probabilities, and the ratio of layer 1's
    running variance to the variance of $Z^{[1]}$ over the whole training set (median over units).
    Returns a dict of lists keyed ``"batch_size"``, ``"eval_acc"``, ``"train_acc"``, ``"gap"``, ``"var_ratio"``.
    """
    from dlnotes.data import make_circles, train_dev_test_split
    from dlnotes.nn import model_forward
    from dlnotes.train import fit

    X, Y = make_circles(600, noise=0.1, factor=0.5, rng=seed)
    X = np.vstack([4.0 * X[0] + 6.0, 0.5 * X[1] - 2.0])
    Xtr, Ytr, Xdev, Ydev = train_dev_test_split(X, Y, (0.5, 0.5), rng=seed)
    out = {k: [] for k in ("batch_size", "eval_acc", "train_acc", "gap", "var_ratio")}
    with _one_blas_thread():
        for B in batch_sizes:
            res = fit(Xtr, Ytr, [2, 16, 16, 1], batchnorm=True, batch_size=B, epochs=epochs,
                      learning_rate=0.01, rng=seed)
            p, acts = res.parameters, res.config["activations"]
            p_eval = res.predict_proba(Xdev)
            p_train = np.hstack([model_forward(Xdev[:, i:i + B], p, acts, training=True)[0]
                                 for i in range(0, Xdev.shape[1] - B + 1, B)])
            n = p_train.shape[1]
            out["batch_size"].append(B)
            out["eval_acc"].append(float(np.mean((p_eval > 0.5) == Ydev)))
            out["train_acc"].append(float(np.mean((p_train > 0.5) == Ydev[:, :n])))
            out["gap"].append(float(np.mean(np.abs(p_train - p_eval[:, :n]))))
            full_var = (p["W1"] @ Xtr).var(axis=1, keepdims=True)
            out["var_ratio"].append(float(np.median(res.bn_state["var1"] / full_var)))
    return out


# ---------------------------------------------------------------------------
# Beyond the course: successive halving, and overfitting the dev set
# ---------------------------------------------------------------------------


def search_space(n, rng):
    """``n`` random configurations: $\\alpha$ log-uniform on $[10^{-5}, 1]$, $\\lambda$ log-uniform on $[10^{-4}, 10]$."""
    from dlnotes.tuning import sample_log_uniform

    lrs = sample_log_uniform(1e-5, 1.0, n, rng)
    lambds = sample_log_uniform(1e-4, 10.0, n, rng)
    return [{"learning_rate": float(a), "lambd": float(b)} for a, b in zip(lrs, lambds)]


def _digits_split(seed=0):
    from dlnotes.data import load_digits, train_dev_test_split

    X, labels = load_digits(scale=True)
    return train_dev_test_split(X, labels.reshape(1, -1), (0.5, 0.25, 0.25), rng=seed)


@heavy
def halving_vs_random(seeds=(0, 1, 2, 3, 4), n_configs=27, min_epochs=1, eta=3):
    """Successive halving against random search at the same total number of epochs, on the digits.

    Per seed: ``n_configs`` configurations from :func:`search_space`; successive halving starts them
    all at ``min_epochs`` epochs; random search spends the same total budget on full-length runs
    of the first configurations (each as long as halving's final round). Both pick the lowest
    dev cost; the pick is retrained at the final budget and scored on the test set. Returns a
    dict of lists (one entry per seed) and the budgets.
    """
    import functools

    from dlnotes.tuning import fit_dev_cost, successive_halving
    from dlnotes.train import fit

    Xtr, Ytr, Xdev, Ydev, Xte, Yte = _digits_split(0)
    dims = [Xtr.shape[0], 32, 10]
    fixed = dict(batch_size=64, rng=0)
    evaluate = functools.partial(fit_dev_cost, X=Xtr, Y=Ytr, X_dev=Xdev, Y_dev=Ydev, layer_dims=dims, **fixed)

    def test_acc(config, epochs):
        res = fit(Xtr, Ytr, dims, epochs=epochs, **fixed, **config)
        return float(np.mean(res.predict(Xte) == Yte))

    out = {k: [] for k in ("sh_dev", "sh_test", "rs_dev", "rs_test", "rs_configs")}
    with _one_blas_thread():
        for seed in seeds:
            configs = search_space(n_configs, seed)
            sh = successive_halving(configs, evaluate, min_epochs, eta=eta)
            final = sh["rounds"][-1]["budget"]
            k = max(1, sh["total_budget"] // final)             # full-length runs the same budget buys
            rs = [evaluate(c, final) for c in configs[:k]]
            best = int(np.argmin(rs))
            out["sh_dev"].append(sh["best_loss"])
            out["sh_test"].append(test_acc(configs[sh["best"]], final))
            out["rs_dev"].append(float(rs[best]))
            out["rs_test"].append(test_acc(configs[best], final))
            out["rs_configs"].append(k)
    out.update(total_budget=sh["total_budget"], final_budget=final,
               rounds=[(len(r["indices"]), r["budget"]) for r in sh["rounds"]])
    return out


@heavy
def noise_label_scores(n_configs=100, seed=0):
    """Dev and test accuracy of ``n_configs`` networks trained on labels that are pure noise.

    Inputs: 10 standard-normal features; labels: fair coin flips independent of them, for 200
    training, 200 dev and 2000 test examples. Each configuration (learning rate, L2 strength,
    hidden units, epochs) is trained with ``fit``; no configuration can beat 50 % on new data.
    Returns ``(dev_acc, test_acc)``, two arrays of shape ``(n_configs,)``.
    """
    from dlnotes.train import fit
    from dlnotes.tuning import sample_log_uniform

    rng = np.random.default_rng(seed)
    sets = []
    for m in (200, 200, 2000):
        sets.append((rng.standard_normal((10, m)), (rng.random((1, m)) < 0.5).astype(np.float64)))
    (Xtr, Ytr), (Xdev, Ydev), (Xte, Yte) = sets
    lrs = sample_log_uniform(1e-3, 3e-2, n_configs, rng)
    lambds = sample_log_uniform(1e-4, 1.0, n_configs, rng)
    units = rng.integers(4, 33, n_configs)
    epochs = rng.integers(5, 41, n_configs)
    dev, test = np.empty(n_configs), np.empty(n_configs)
    with _one_blas_thread():
        for j in range(n_configs):
            res = fit(Xtr, Ytr, [10, int(units[j]), 1], learning_rate=float(lrs[j]), lambd=float(lambds[j]),
                      epochs=int(epochs[j]), batch_size=50, rng=j)
            dev[j] = np.mean(res.predict(Xdev) == Ydev)
            test[j] = np.mean(res.predict(Xte) == Yte)
    return dev, test


# --8<-- [start:dev_overfitting]
def dev_overfitting(ns=(1, 2, 5, 10, 20, 50, 100)):
    """Best of N configurations on pure-noise labels: its dev accuracy climbs with N, its test accuracy stays at chance."""
    from dlnotes.tuning import best_of_n

    dev, test = noise_label_scores()
    picked = np.array([best_of_n(dev, test, n, repeats=2000, rng=0) for n in ns])
    fig, ax = new_figure(figsize=(7, 3.8))
    ax.plot(ns, picked[:, 0], "o-", color=PALETTE[1], label="dev accuracy of the pick (what the search reports)")
    ax.plot(ns, picked[:, 1], "s-", color=PALETTE[0], label="test accuracy of the pick (fresh data)")
    ax.axhline(0.5, color="0.4", lw=1, ls="--", label="chance: labels are coin flips")
    ax.set_xscale("log")
    ax.set_xlabel("N, configurations compared on the same dev set of 200")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0.4, 0.7)
    ax.legend(frameon=False, fontsize="x-small", loc="upper left")
    return fig
# --8<-- [end:dev_overfitting]


# ---------------------------------------------------------------------------
# Softmax regression (F29-F31)
# ---------------------------------------------------------------------------


def three_class_data(m=450, seed=0, noise=0.35):
    """Three classes in 2-D: two interleaved arcs and a blob (examples as columns, labels 0, 1, 2).

    Returns ``(X, labels)`` with ``X.shape == (2, m)`` and ``labels.shape == (1, m)`` (ints).
    """
    rng = np.random.default_rng(seed)
    k = m // 3
    t = rng.uniform(0, np.pi, k)
    arc0 = np.vstack([np.cos(t), np.sin(t)])
    arc1 = np.vstack([1 - np.cos(t), 0.5 - np.sin(t)])
    blob = np.vstack([rng.normal(2.6, 0.35, m - 2 * k), rng.normal(1.2, 0.35, m - 2 * k)])
    X = np.hstack([arc0, arc1, blob]) + noise * 0.5 * rng.standard_normal((2, m))
    labels = np.concatenate([np.zeros(k), np.ones(k), np.full(m - 2 * k, 2)]).astype(np.int64)
    perm = rng.permutation(m)
    return X[:, perm], labels[perm].reshape(1, m)


@heavy
def softmax_runs(seed=0):
    """Softmax regression (2-3) and a 2-16-16-3 softmax network trained on :func:`three_class_data`.

    Returns ``{name: (TrainResult, train_accuracy, dev_accuracy)}`` and uses a 2:1 train/dev split.
    """
    from dlnotes.data import train_dev_test_split
    from dlnotes.train import fit

    X, labels = three_class_data(seed=seed)
    Xtr, ltr, Xdev, ldev = train_dev_test_split(X, labels, (2 / 3, 1 / 3), rng=seed)
    out = {}
    for name, dims, epochs in (("softmax regression (2-3)", [2, 3], 400), ("network 2-16-16-3", [2, 16, 16, 3], 600)):
        with _one_blas_thread():
            res = fit(Xtr, ltr, dims, epochs=epochs, learning_rate=0.02, rng=seed)
        acc_tr = float(np.mean(res.predict(Xtr) == ltr))
        acc_dev = float(np.mean(res.predict(Xdev) == ldev))
        out[name] = (res, acc_tr, acc_dev)
    return out


# --8<-- [start:softmax_regions]
def softmax_regions():
    """Decision regions of softmax regression (linear boundaries) and of a small softmax network."""
    X, labels = three_class_data()
    runs = softmax_runs()
    fig, axes = new_figure(1, 2, figsize=(10, 4.0))
    x0, x1 = X[0].min() - 0.4, X[0].max() + 0.4
    y0, y1 = X[1].min() - 0.4, X[1].max() + 0.4
    xx, yy = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 160))
    grid = np.vstack([xx.ravel(), yy.ravel()])
    cmap = ListedColormap(["#CFE3F3", "#F8D9C8", "#CDEBDF"])
    for ax, (name, (res, acc_tr, acc_dev)) in zip(axes, runs.items()):
        regions = res.predict(grid).reshape(xx.shape)
        ax.contourf(xx, yy, regions, levels=[-0.5, 0.5, 1.5, 2.5], cmap=cmap)
        for c, marker in zip(range(3), "o^s"):
            mask = labels[0] == c
            ax.scatter(X[0, mask], X[1, mask], s=10, color=PALETTE[c], marker=marker, edgecolors="white",
                       linewidths=0.3, label=f"class {c}")
        ax.set_title(f"{name}\ntrain accuracy {acc_tr:.1%}, dev accuracy {acc_dev:.1%}")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.set_aspect("equal")
        ax.legend(frameon=True, fontsize="x-small", loc="lower left")
    return fig
# --8<-- [end:softmax_regions]


# --8<-- [start:neg_log_likelihood]
def neg_log_likelihood():
    """F31: the loss $-\\log\\hat y_k$ of the correct class, against $\\hat y_k$."""
    from dlnotes.losses import categorical_cross_entropy

    p = np.linspace(0.002, 1.0, 400)
    # the loss of one example whose correct class (class 0) gets probability p, the rest split evenly
    Yhat = np.vstack([p, (1 - p) / 2, (1 - p) / 2])
    Y = np.zeros_like(Yhat)
    Y[0] = 1.0
    loss = np.array([categorical_cross_entropy(Yhat[:, [i]], Y[:, [i]]) for i in range(p.size)])
    fig, ax = new_figure(figsize=(6.0, 3.4))
    ax.plot(p, loss, color=PALETTE[0], lw=1.8, label="$\\mathcal{L} = -\\sum_j y_j\\log\\hat y_j = -\\log\\hat y_k$")
    for q in (0.9, 0.5, 0.1, 0.01):
        ax.plot([q], [-np.log(q)], "o", color=PALETTE[1], ms=4)
        right = q > 0.7                  # label the points near the right edge on their left, inside the axes
        ax.annotate(f"$\\hat y_k$={q}: {-np.log(q):.2f}", (q, -np.log(q)), xytext=(-6 if right else 6, 6),
                    textcoords="offset points", fontsize="x-small", ha="right" if right else "left")
    ax.set_xlabel("probability $\\hat y_k$ given to the correct class $k$")
    ax.set_ylabel("loss")
    ax.set_ylim(0, 6.5)
    ax.grid(True, alpha=0.3)
    ax.legend(frameon=False)
    return fig
# --8<-- [end:neg_log_likelihood]
