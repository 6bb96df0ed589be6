"""Sanity checks for a training run: what to look at before and while a network trains.

The expected cost of a freshly initialized network, overfitting a tiny subset, the size of
the updates relative to the weights, and the shape of the loss curve, each on its own and
all together for a :func:`dlnotes.train.fit` run. See
[training sanity checks](course2/week1.md#training-sanity-checks-beyond-the-course).
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import numpy as np

from dlnotes import nn
from dlnotes._checks import (as_float_array, check_mapping, check_same_examples, check_scalar,
                             check_sequence)

__all__ = ["expected_initial_loss", "initial_loss_check", "overfit_small_subset", "update_ratios",
           "LOSS_CURVE_SHAPES", "loss_curve_shape", "SanityReport", "sanity_report"]


# --8<-- [start:expected_initial_loss]
def expected_initial_loss(n_y):
    r"""The cost of a network that outputs "no idea": $\ln 2$ for a sigmoid, $\ln C$ for a $C$-class softmax.

    With logits near 0 a sigmoid outputs $\frac12$ and a softmax $\frac1C$ for every class, so the
    cross-entropy of every example is $-\ln\frac12$ or $-\ln\frac1C$. See
    [training sanity checks](course2/week1.md#the-expected-initial-loss).

    Parameters
    ----------
    n_y : int
        Output units: 1 (sigmoid, binary cross-entropy) or $C \ge 2$ (softmax, categorical).

    Returns
    -------
    float

    Examples
    --------
    >>> round(expected_initial_loss(1), 4), round(expected_initial_loss(10), 4)
    (0.6931, 2.3026)
    """
    n_y = check_scalar(n_y, "n_y", low=1, integer=True)
    return math.log(2.0) if n_y == 1 else math.log(n_y)
# --8<-- [end:expected_initial_loss]


def _targets(Y, n_y, m):
    """Y as float targets (n_y, m); integer labels (1, m) are one-hot encoded for a softmax output."""
    if n_y > 1 and np.ndim(Y) == 2 and np.shape(Y)[0] == 1:
        from dlnotes.data import one_hot
        return one_hot(np.asarray(Y).ravel(), n_y)
    Y = as_float_array(Y, "Y", ndim=2)
    if Y.shape != (n_y, m):
        raise ValueError(f"Y: expected shape ({n_y}, {m}) (one row per output unit, one column per "
                         f"example), got {Y.shape}")
    return Y


def _default_activations(parameters, activations):
    L = nn.num_layers(parameters)
    n_y = parameters[f"W{L}"].shape[0] if f"W{L}" in parameters else 1
    if activations is None:
        return ("relu",) * (L - 1) + ("sigmoid" if n_y == 1 else "softmax",), n_y
    check_sequence(activations, "activations", f"a sequence of {L} activation names (one per layer)")
    activations = tuple(activations)
    if activations and activations[-1] not in ("sigmoid", "softmax"):
        raise ValueError(f"activations: expected a 'sigmoid' or 'softmax' output layer, got {activations[-1]!r}")
    return activations, n_y


# --8<-- [start:initial_loss_check]
def initial_loss_check(X, Y, parameters, activations=None, *, tol=0.1):
    r"""Compare the cost of a freshly initialized network with $\ln C$ (or $\ln 2$).

    ``label_blind`` is the cost the same output logits $z$ would get against labels drawn
    independently of them with the data's class frequencies $\pi_k$,
    $\frac1m\sum_i\big[\ln\sum_k e^{z_k^{(i)}} - \sum_k \pi_k z_k^{(i)}\big]$ (for a sigmoid,
    $\frac1m\sum_i\big[\pi_1\ln(1+e^{-z^{(i)}}) + \pi_0\ln(1+e^{z^{(i)}})\big]$): for balanced
    classes it is at least $\ln C$, and about $\ln C + \frac12\operatorname{Var}_k(z)$ for small logits.
    A cost above $\ln C$ that it explains comes from the scale of the initialization. See
    [the expected initial loss](course2/week1.md#the-expected-initial-loss).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
        0/1 labels (sigmoid), one-hot columns or integer labels of shape (1, m) (softmax).
    parameters : dict of ndarray
        ``W{l}`` of shape ``(n[l], n[l-1])``, ``b{l}`` of shape ``(n[l], 1)``.
    activations : sequence of L str, optional
        Default: ``"relu"`` hidden, ``"sigmoid"`` output for one output unit, else ``"softmax"``.
    tol : float, default 0.1
        ``ok`` when $\lvert J - \ln C\rvert \le \text{tol}\cdot\ln C$.

    Returns
    -------
    dict
        ``cost`` (data term, no penalty), ``expected`` ($\ln C$), ``label_blind``, ``logit_std``
        (root mean square of the output logits) and ``ok``.

    Examples
    --------
    >>> from dlnotes.initializers import initialize_parameters
    >>> X = np.random.default_rng(0).standard_normal((4, 500))
    >>> Y = np.arange(500).reshape(1, 500) % 3
    >>> r = initial_loss_check(X, Y, initialize_parameters([4, 16, 3], "random_small", rng=0))
    >>> round(r["cost"], 3), round(r["expected"], 3), r["ok"]
    (1.099, 1.099, True)
    """
    check_mapping(parameters, "parameters", "a dict like {'W1': ..., 'b1': ...}")
    activations, n_y = _default_activations(parameters, activations)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    AL, caches = nn.model_forward(X, parameters, activations)
    Y = _targets(Y, n_y, AL.shape[1]).astype(AL.dtype, copy=False)
    loss = "bce" if activations[-1] == "sigmoid" else "cce"
    cost = float(nn.compute_cost(AL, Y, loss))
    Z = caches[-1]["Z"].astype(np.float64)                 # the output logits, (n_y, m)
    pi = Y.mean(axis=1, keepdims=True)                      # class frequencies
    if n_y == 1:
        blind = np.mean(pi * np.logaddexp(0, -Z) + (1 - pi) * np.logaddexp(0, Z))
    else:
        blind = np.mean(np.logaddexp.reduce(Z, axis=0) - np.sum(pi * Z, axis=0))
    expected = expected_initial_loss(n_y)
    return {"cost": cost, "expected": expected, "label_blind": float(blind),
            "logit_std": float(np.sqrt(np.mean(Z ** 2))), "ok": abs(cost - expected) <= tol * expected}
# --8<-- [end:initial_loss_check]


# --8<-- [start:overfit_small_subset]
def overfit_small_subset(X, Y, layer_dims, *, m=16, epochs=500, learning_rate=0.01, optimizer="adam",
                         activations=None, init="he", tol=0.05, rng=0):
    r"""Train on ``m`` random examples without regularization: a working model drives the cost to ~0.

    A network with more parameters than examples can memorize them; if it cannot, the bug is in the
    model, the loss or the update, not in the data or the regularization. See
    [overfit a tiny subset first](course2/week1.md#overfit-a-tiny-subset-first).

    Parameters
    ----------
    X : array_like, shape (n_x, m_total)
    Y : array_like, shape (n_y, m_total)
        As for :func:`dlnotes.train.fit`.
    layer_dims : sequence of int
        $[n_x, n^{[1]}, \dots, n_y]$.
    m : int, default 16
        Examples in the subset, drawn without replacement with ``rng`` ($1 \le m \le m_{\text{total}}$).
    epochs, learning_rate, optimizer, activations, init
        Passed to :func:`dlnotes.train.fit` (full batch, no penalty, no dropout).
    tol : float, default 0.05
        ``passed`` when the final cost is at most ``tol`` and every example is classified right.
    rng : numpy.random.Generator or int, default 0

    Returns
    -------
    dict
        ``m``, ``initial_cost``, ``final_cost``, ``train_accuracy``, ``passed``.

    Examples
    --------
    >>> from dlnotes.data import make_moons
    >>> X, Y = make_moons(200, noise=0.2, rng=0)
    >>> r = overfit_small_subset(X, Y, [2, 16, 16, 1], m=16, rng=0)
    >>> r["final_cost"] < 0.05, r["train_accuracy"], r["passed"]
    (True, 1.0, True)
    """
    from dlnotes._checks import check_rng
    from dlnotes.train import fit

    X = as_float_array(X, "X", ndim=2)
    Y_arr = as_float_array(Y, "Y", ndim=2)
    check_same_examples(X, Y_arr)
    m = check_scalar(m, "m", low=1, high=X.shape[1], integer=True)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    gen = check_rng(rng)
    idx = np.sort(gen.choice(X.shape[1], size=m, replace=False))
    try:
        r = fit(X[:, idx], np.asarray(Y)[:, idx], layer_dims, activations=activations, optimizer=optimizer,
                learning_rate=learning_rate, epochs=epochs, init=init, rng=gen, record_every=epochs)
    except FloatingPointError:                               # diverged: the subset was not fitted
        return {"m": m, "initial_cost": math.nan, "final_cost": math.inf, "train_accuracy": 0.0,
                "passed": False}
    final, acc = float(r.history["cost"][-1]), float(r.history["train_accuracy"][-1])
    return {"m": m, "initial_cost": r.diagnostics["initial_cost"], "final_cost": final,
            "train_accuracy": acc, "passed": final <= tol and acc == 1.0}
# --8<-- [end:overfit_small_subset]


# --8<-- [start:update_ratios]
def update_ratios(parameters, grads, learning_rate):
    r"""Per layer, the size of a gradient-descent step relative to the weights: $\lVert\alpha\, dW^{[l]}\rVert_F / \lVert W^{[l]}\rVert_F$.

    About $10^{-3}$ is healthy; far below, the layer barely learns (the rate is too low or the
    gradient vanishes); far above, each step rewrites the layer (too high). See
    [the update-to-weight ratio](course2/week1.md#the-update-to-weight-ratio).

    Parameters
    ----------
    parameters : dict of ndarray
        ``W{l}`` (and biases, which are skipped).
    grads : dict of ndarray
        ``dW{l}`` with the shapes of the weights.
    learning_rate : float
        $\alpha > 0$.

    Returns
    -------
    dict of str to float
        ``{"W1": ..., "W2": ...}`` (``inf`` for a zero weight matrix with a non-zero step).

    Examples
    --------
    >>> p = {"W1": np.array([[3.0, 4.0]]), "b1": np.zeros((1, 1))}
    >>> g = {"dW1": np.array([[0.6, 0.8]]), "db1": np.zeros((1, 1))}
    >>> {k: round(v, 6) for k, v in update_ratios(p, g, 0.01).items()}
    {'W1': 0.002}
    """
    check_mapping(parameters, "parameters", "a dict like {'W1': ..., 'b1': ...}")
    check_mapping(grads, "grads", "a dict like {'dW1': ..., 'db1': ...}")
    lr = check_scalar(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
    L = nn.num_layers(parameters)
    out = {}
    for l in range(1, L + 1):
        W = as_float_array(parameters[f"W{l}"], f"parameters['W{l}']")
        if f"dW{l}" not in grads:
            raise ValueError(f"grads: expected key 'dW{l}' for parameter 'W{l}', got keys {sorted(map(str, grads))}")
        dW = as_float_array(grads[f"dW{l}"], f"grads['dW{l}']")
        if dW.shape != W.shape:
            raise ValueError(f"grads['dW{l}']: expected shape {W.shape} (the shape of parameters['W{l}']), "
                             f"got {dW.shape}")
        step, size = lr * float(np.linalg.norm(dW)), float(np.linalg.norm(W))
        out[f"W{l}"] = step / size if size > 0 else (0.0 if step == 0 else math.inf)
    return out
# --8<-- [end:update_ratios]


#: The shapes :func:`loss_curve_shape` tells apart, and what each usually means.
LOSS_CURVE_SHAPES = {
    "not moving": "the cost stays where it started: a bug (no update applied, zero init, dead units)",
    "diverging": "the cost ends above where it started: learning rate too high",
    "oscillating": "the cost goes up almost as much as it goes down: learning rate too high",
    "plateau": "flat at the start, then a drop: a bad (too small) initialization",
    "slow": "still falling steadily at the end: learning rate too low, or train longer",
    "healthy": "a fast drop that levels off",
}


# --8<-- [start:loss_curve_shape]
def loss_curve_shape(costs, *, flat_tol=0.01, noise_tol=0.5, plateau_tol=0.2, slow_tol=0.5):
    r"""Name the shape of a loss curve: one key of :data:`LOSS_CURVE_SHAPES`.

    With $c_0$ the first cost, $\bar c_{\text{end}}$ the mean of the last tenth, $c_{\min}$ the lowest
    and $d_1..d_{10}$ the drops over ten equal segments, the first rule that holds wins:
    not moving ($\max c - \min c <$ ``flat_tol`` $c_0$), diverging ($\bar c_{\text{end}} > c_0$),
    oscillating ($\sum_t \max(c_{t+1}-c_t, 0) >$ ``noise_tol`` $(c_0 - c_{\min})$), plateau
    ($d_1 <$ ``plateau_tol`` $\max_k d_k$), slow ($d_{10} >$ ``slow_tol`` $\cdot\frac{1}{10}\sum_k d_k$),
    else healthy. See [reading a loss curve](course2/week1.md#reading-a-loss-curve).

    Parameters
    ----------
    costs : array_like, shape (T,)
        The cost per recorded epoch (or iteration), ``T >= 10``.
    flat_tol, noise_tol, plateau_tol, slow_tol : float
        The thresholds of the rules above.

    Returns
    -------
    str

    Examples
    --------
    >>> t = np.arange(100)
    >>> [loss_curve_shape(c) for c in (0.7 * np.exp(-t / 10), 0.7 - 0.003 * t, 0.7 + 0 * t)]
    ['healthy', 'slow', 'not moving']
    """
    c = as_float_array(costs, "costs", ndim=1)     # a NaN cost is a crash, not a shape (fit raises on it)
    if c.size < 10:
        raise ValueError(f"costs: expected at least 10 values (ten segments), got {c.size}")
    tols = {n: check_scalar(v, n, low=0.0, low_inclusive=False)
            for n, v in (("flat_tol", flat_tol), ("noise_tol", noise_tol), ("plateau_tol", plateau_tol),
                         ("slow_tol", slow_tol))}
    c0, end, lo = float(c[0]), float(np.mean(c[-max(1, c.size // 10):])), float(c.min())
    if float(c.max()) - lo < tols["flat_tol"] * abs(c0):
        return "not moving"
    if end > c0:
        return "diverging"
    if float(np.sum(np.maximum(np.diff(c), 0.0))) > tols["noise_tol"] * (c0 - lo):
        return "oscillating"
    edges = np.linspace(0, c.size - 1, 11).round().astype(int)
    d = c[edges[:-1]] - c[edges[1:]]                         # drop over each tenth of the run
    if d[0] < tols["plateau_tol"] * d.max():
        return "plateau"
    if d[-1] > tols["slow_tol"] * d.mean():
        return "slow"
    return "healthy"
# --8<-- [end:loss_curve_shape]


@dataclass
class SanityReport:
    """What :func:`sanity_report` finds, one line per check when printed.

    See [babysitting a fit run](course2/week1.md#one-report-for-a-fit-run).

    Attributes
    ----------
    initial_cost, expected_initial_cost : float
        The cost before training and $\\ln C$ (or $\\ln 2$).
    update_ratio : dict of str to float
        ``W{l}`` -> the median over the recorded epochs of the run's update-to-weight ratio.
    curve : str
        A key of :data:`LOSS_CURVE_SHAPES` (``"too short"`` under 10 recorded epochs).
    overfit : dict or None
        :func:`overfit_small_subset` with the run's settings (when ``X`` and ``Y`` are given).
    warnings : list of str
    """

    initial_cost: float
    expected_initial_cost: float
    update_ratio: dict
    curve: str
    overfit: dict | None = None
    warnings: list = field(default_factory=list)

    def __str__(self):
        lines = [f"initial cost {self.initial_cost:.3f} (ln C = {self.expected_initial_cost:.3f})"]
        lines.append("update/weight (median): " + ", ".join(f"{k} {v:.1e}" for k, v in self.update_ratio.items()))
        lines.append(f"loss curve: {self.curve}")
        if self.overfit is not None:
            o = self.overfit
            lines.append(f"overfit {o['m']} examples: cost {o['final_cost']:.3f}, "
                         f"{'passed' if o['passed'] else 'FAILED'}")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(textwrap.fill(line, 68, subsequent_indent="  ") for line in lines)


_OPTIMIZER_NAMES = {"GradientDescent": "gd", "Momentum": "momentum", "RMSprop": "rmsprop", "Adam": "adam",
                    "Nesterov": "nesterov", "AdaGrad": "adagrad", "AdamW": "adamw"}


# --8<-- [start:sanity_report]
def sanity_report(result, X=None, Y=None, *, low=1e-4, high=1e-2, tol=0.1):
    """All the sanity checks for a :func:`dlnotes.train.fit` run, from its ``diagnostics`` and ``history``.

    Warns when the initial cost is more than ``tol`` away from $\\ln C$ (relative), when a layer's
    update-to-weight ratio (median over the recorded epochs) leaves $[\\text{low}, \\text{high}]$, when the
    loss curve is not ``"healthy"``, and when a tiny subset cannot be overfitted. See
    [one report for a fit run](course2/week1.md#one-report-for-a-fit-run).

    Parameters
    ----------
    result : TrainResult
    X, Y : array_like, optional
        The training set (both or neither); given, :func:`overfit_small_subset` runs with the same
        network, initialization, kind of optimizer (its default hyperparameters) and learning rate.
    low, high : float, default 1e-4, 1e-2
        The band of healthy update-to-weight ratios (about $10^{-3}$ in the middle).
    tol : float, default 0.1

    Returns
    -------
    SanityReport

    Examples
    --------
    >>> from dlnotes.data import make_circles
    >>> from dlnotes.train import fit
    >>> X, Y = make_circles(200, noise=0.1, factor=0.5, rng=0)
    >>> r = fit(X, Y, [2, 16, 16, 1], learning_rate=0.001, epochs=300, rng=0)
    >>> rep = sanity_report(r, X, Y)
    >>> round(rep.initial_cost, 2), rep.curve, rep.overfit["passed"]
    (0.67, 'slow', True)
    """
    from dlnotes.train import TrainResult

    if not isinstance(result, TrainResult):
        raise TypeError(f"result: expected a TrainResult (from fit), got {type(result).__name__}")
    if (X is None) != (Y is None):
        raise ValueError("X, Y: expected both or neither, got only " + ("X" if Y is None else "Y"))
    low = check_scalar(low, "low", low=0.0, low_inclusive=False)
    high = check_scalar(high, "high", low=low, low_inclusive=False)
    tol = check_scalar(tol, "tol", low=0.0, low_inclusive=False)
    cfg, diag = result.config, result.diagnostics
    expected = expected_initial_loss(cfg["layer_dims"][-1])
    warnings = []
    initial = float(diag["initial_cost"])
    if not abs(initial - expected) <= tol * expected:
        warnings.append(f"initial cost {initial:.3g} is not near ln C = {expected:.3g}")
    ratios = {k: float(np.median(v)) for k, v in diag["update_ratio"].items()}
    for k, ratio in ratios.items():
        if not low <= ratio <= high:
            warnings.append(f"{k}: update/weight {ratio:.1e} outside [{low:.0e}, {high:.0e}]")
    costs = result.history["cost"]
    curve = loss_curve_shape(costs) if len(costs) >= 10 else "too short"
    if curve not in ("healthy", "too short"):
        warnings.append(f"loss curve {curve}: {LOSS_CURVE_SHAPES[curve]}")
    overfit = None
    if X is not None:
        init = cfg["init"] if cfg["init"] != "given" else "he"
        optimizer = _OPTIMIZER_NAMES.get(cfg["optimizer"].split("(")[0], "adam")
        overfit = overfit_small_subset(X, Y, list(cfg["layer_dims"]), activations=cfg["activations"],
                                       learning_rate=cfg["learning_rate"], optimizer=optimizer, init=init)
        if not overfit["passed"]:
            warnings.append(f"could not overfit {overfit['m']} examples (cost {overfit['final_cost']:.3g})")
    return SanityReport(initial_cost=initial, expected_initial_cost=expected, update_ratio=ratios,
                        curve=curve, overfit=overfit, warnings=warnings)
# --8<-- [end:sanity_report]
