"""Hyperparameter search: sampling on the right scale, grid versus random points, successive
halving, and the selection bias of re-using one dev set.

See [tuning hyperparameters](course2/week3.md#tuning-hyperparameters).
"""

from __future__ import annotations

import numpy as np

import inspect
import numbers
from collections.abc import Mapping

from dlnotes._checks import (as_float_array, check_callable, check_positive, check_rng, check_same_dtype,
                             check_same_shape, check_scalar, check_sequence)

__all__ = ["sample_uniform", "sample_log_uniform", "sample_beta", "grid_points", "random_points",
           "distinct_per_axis", "fit_dev_cost", "successive_halving", "best_of_n"]


def _size(size):
    check_scalar(size, "size", low=1, integer=True)
    return int(size)


def _interval(low, high, *, low_name="low", high_name="high", positive=False, below_one=False):
    check_scalar(low, low_name)
    check_scalar(high, high_name)
    if positive:
        check_positive(low, low_name)
    if below_one:
        check_scalar(low, low_name, low=0.0, high=1.0, high_inclusive=False)
        check_scalar(high, high_name, low=0.0, high=1.0, high_inclusive=False)
    if not low < high:
        raise ValueError(f"{high_name}: expected a value greater than {low_name}={low!r}, got {high!r}")
    return float(low), float(high)


def _uniform(rng, low, high, size):
    """``rng.uniform(low, high, size)``, also when ``high - low`` overflows (``-1e308`` to ``1e308``)."""
    if _span_is_finite(low, high):
        return rng.uniform(low, high, size=size)
    u = rng.random(size)
    x = (1.0 - u) * low + u * high     # a convex combination: each term stays in range
    return np.minimum(x, np.nextafter(high, low))


def sample_uniform(low, high, size, rng):
    """Draw values uniformly on $[\\text{low}, \\text{high})$ (a linear scale).

    For a roughly linear effect (hidden units from 50 to 100), not for ranges spanning decades.
    See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Interval, ``low < high``.
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)

    Examples
    --------
    >>> x = sample_uniform(50, 100, size=1000, rng=0)
    >>> bool(x.min() >= 50 and x.max() < 100)
    True
    """
    low, high = _interval(low, high)
    rng = check_rng(rng)
    return _uniform(rng, low, high, _size(size))


def sample_log_uniform(low, high, size, rng):
    """Draw values uniformly on a log scale between ``low`` and ``high``.

    $$r \\sim U[\\log_{10}\\text{low},\\ \\log_{10}\\text{high}], \\qquad \\alpha = 10^{r}:$$
    each decade gets the same share of samples. See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Interval, ``0 < low < high`` (e.g. learning rates 1e-4 to 1).
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)

    Examples
    --------
    >>> lr = sample_log_uniform(1e-4, 1.0, size=10_000, rng=0)
    >>> round(float(np.mean(lr < 1e-3)), 2)      # a quarter in the lowest decade
    0.25
    """
    low, high = _interval(low, high, positive=True)
    rng = check_rng(rng)
    with np.errstate(over="ignore"):      # high near the float maximum: 10 ** r may round to inf
        # --8<-- [start:log-uniform-draw]
        r = rng.uniform(np.log10(low), np.log10(high), size=_size(size))
        alpha = 10.0 ** r
        # --8<-- [end:log-uniform-draw]
    return np.clip(alpha, low, high)      # 10 ** log10(x) may round just outside [low, high]


def sample_beta(low, high, size, rng):
    """Draw averaging coefficients $\\beta$ log-uniformly on $1-\\beta$.

    The averaging window $1/(1-\\beta)$ is what matters, so
    $$r \\sim U[\\log_{10}(1-\\text{high}),\\ \\log_{10}(1-\\text{low})], \\qquad \\beta = 1 - 10^{r}.$$
    See [sampling on the right scale](course2/week3.md#sampling-on-the-right-scale).

    Parameters
    ----------
    low, high : float
        Range of $\\beta$, ``0 <= low < high < 1`` (e.g. 0.9 to 0.999).
    size : int
        Number of samples, $\\ge 1$.
    rng : numpy.random.Generator or int

    Returns
    -------
    ndarray, shape (size,)
        Values in $(\\text{low}, \\text{high}]$.

    Examples
    --------
    >>> b = sample_beta(0.9, 0.999, size=10_000, rng=0)
    >>> round(float(np.mean(b > 0.99)), 1)        # half of the samples in [0.99, 0.999]
    0.5
    """
    low, high = _interval(low, high, below_one=True)
    rng = check_rng(rng)
    # --8<-- [start:beta-draw]
    r = rng.uniform(np.log10(1.0 - high), np.log10(1.0 - low), size=_size(size))
    beta = 1.0 - 10.0 ** r
    # --8<-- [end:beta-draw]
    return np.clip(beta, low, high)       # rounding must not give a beta of 1 or below low


def _bounds(low, high, name_low="low", name_high="high"):
    lo = np.atleast_1d(as_float_array(low, name_low)).astype(np.float64, copy=False)
    hi = np.atleast_1d(as_float_array(high, name_high)).astype(np.float64, copy=False)
    for name, arr in ((name_low, lo), (name_high, hi)):
        if arr.ndim != 1:
            raise ValueError(f"{name}: expected a number or a 1-D sequence of d numbers (one per "
                             f"hyperparameter), got shape {arr.shape}")
    if lo.shape != hi.shape:
        raise ValueError(f"{name_high}: expected the shape of {name_low} {lo.shape}, got {hi.shape}")
    if not np.all(lo < hi):
        raise ValueError(f"{name_high}: expected values greater than {name_low}={lo.tolist()}, "
                         f"got {hi.tolist()}")
    return lo, hi


def _span_is_finite(lo, hi):
    with np.errstate(over="ignore"):
        return bool(np.all(np.isfinite(hi - lo)))


def _between(lo, hi, t):
    """``lo + (hi - lo) * t`` for ``t`` in [0, 1], also when ``hi - lo`` overflows."""
    if _span_is_finite(lo, hi):
        return lo + (hi - lo) * t
    return (1.0 - t) * lo + t * hi       # a convex combination: each term stays in range


def grid_points(n_per_axis, low=(0.0, 0.0), high=(1.0, 1.0)):
    """The points of a regular grid search over a box.

    $n^d$ trainings try only $n$ values of each hyperparameter. See
    [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    n_per_axis : int
        Values tried per hyperparameter, $\\ge 1$ (centred cells when 1).
    low, high : sequence of float, length d
        Corners of the box (default: the unit square, d = 2).

    Returns
    -------
    ndarray, shape (n_per_axis ** d, d)
        One point per row; the first coordinate varies slowest.

    Examples
    --------
    >>> grid_points(2)
    array([[0., 0.],
           [0., 1.],
           [1., 0.],
           [1., 1.]])
    """
    check_scalar(n_per_axis, "n_per_axis", low=1, integer=True)
    lo, hi = _bounds(low, high)
    if float(n_per_axis) ** lo.size > 1e8:
        raise ValueError(f"n_per_axis: expected at most 1e8 grid points (n_per_axis ** {lo.size}), "
                         f"got {n_per_axis} ** {lo.size} = {float(n_per_axis) ** lo.size:.3g}")
    if n_per_axis == 1:
        axes = [np.array([a / 2 + b / 2]) for a, b in zip(lo, hi)]      # (a + b) / 2 may overflow
    elif _span_is_finite(lo, hi):
        axes = [np.linspace(a, b, n_per_axis) for a, b in zip(lo, hi)]
    else:
        axes = [_between(a, b, np.linspace(0.0, 1.0, n_per_axis)) for a, b in zip(lo, hi)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.ravel() for m in mesh], axis=1)


# --8<-- [start:random_points]
def random_points(n, rng, low=(0.0, 0.0), high=(1.0, 1.0)):
    """Points drawn uniformly at random in a box (random search).

    $n$ points try $n$ distinct values of every hyperparameter. See
    [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    n : int
        Number of points, $\\ge 1$.
    rng : numpy.random.Generator or int
    low, high : sequence of float, length d
        Corners of the box (default: the unit square).

    Returns
    -------
    ndarray, shape (n, d)

    Examples
    --------
    >>> random_points(25, rng=0).shape
    (25, 2)
    """
    check_scalar(n, "n", low=1, integer=True)
    lo, hi = _bounds(low, high)
    rng = check_rng(rng)
    return _between(lo, hi, rng.random((int(n), lo.size)))
# --8<-- [end:random_points]


def distinct_per_axis(points):
    """How many distinct values each hyperparameter takes in a set of points.

    Why random search beats a grid when only some hyperparameters matter; see [random search, not a grid](course2/week3.md#random-search-not-a-grid).

    Parameters
    ----------
    points : array_like, shape (n, d)

    Returns
    -------
    list of int, length d

    Examples
    --------
    >>> distinct_per_axis(grid_points(5)), distinct_per_axis(random_points(25, rng=0))
    ([5, 5], [25, 25])
    """
    pts = as_float_array(points, "points")
    if pts.ndim != 2:
        raise ValueError(f"points: expected a 2-D array of shape (n, d), got shape {pts.shape}")
    return [int(np.unique(pts[:, j]).size) for j in range(pts.shape[1])]



# Arguments of train.fit that fit_dev_cost sets itself (a config may set any other one).
_FIT_FIXED = ("X", "Y", "layer_dims", "epochs", "X_dev", "Y_dev")


def fit_dev_cost(config, budget, X, Y, X_dev, Y_dev, layer_dims, **fit_kwargs):
    """Train one configuration for ``budget`` epochs with :func:`dlnotes.train.fit`; return its dev cost.

    The loss that :func:`successive_halving` and random search compare: the dev cost (cross-entropy,
    no penalty) after the last epoch, ``inf`` when the run diverges (``fit`` raises
    ``FloatingPointError``: too large a learning rate is a bad configuration, not a crash). See
    [successive halving](course2/week3.md#successive-halving-beyond-the-course).

    Parameters
    ----------
    config : dict
        Keyword arguments of ``fit`` being searched (``learning_rate``, ``lambd``, ...).
    budget : int
        Epochs, $\\ge 1$.
    X, Y, X_dev, Y_dev : array_like
        Training and dev sets, shapes ``(n_x, m)``, ``(n_y, m)``, ``(n_x, m_dev)``, ``(n_y, m_dev)``.
    layer_dims : sequence of int
    **fit_kwargs
        Other fixed arguments of ``fit`` (``batch_size``, ``rng``, ...); ``config`` wins on a clash.

    Returns
    -------
    float
        Dev cost, or ``inf`` for a diverged run.

    Examples
    --------
    >>> from dlnotes.data import make_moons
    >>> X, Y = make_moons(200, noise=0.2, rng=0)
    >>> cost = fit_dev_cost({"learning_rate": 0.01}, 20, X[:, :150], Y[:, :150], X[:, 150:], Y[:, 150:],
    ...                     [2, 8, 1], batch_size=32)
    >>> round(cost, 2)
    0.3
    """
    from dlnotes.train import fit

    if not isinstance(config, Mapping):
        raise TypeError(f"config: expected a dict of keyword arguments of fit, got {type(config).__name__}")
    allowed = set(inspect.signature(fit).parameters) - set(_FIT_FIXED)
    for what, kw in (("config", config), ("fit_kwargs", fit_kwargs)):
        bad = sorted(str(k) for k in kw if k not in allowed)
        if bad:
            raise ValueError(f"{what}: expected keyword arguments of fit other than {list(_FIT_FIXED)}, got {bad}")
    budget = check_scalar(budget, "budget", low=1, integer=True)
    # --8<-- [start:fit_dev_cost]
    try:
        result = fit(X, Y, layer_dims, epochs=budget, X_dev=X_dev, Y_dev=Y_dev, **{**fit_kwargs, **config})
    except FloatingPointError:           # a diverging learning rate: the worst possible score
        return float("inf")
    return float(result.history["dev_cost"][-1])
    # --8<-- [end:fit_dev_cost]


# --8<-- [start:successive_halving]
def successive_halving(configs, evaluate, min_budget, *, eta=3):
    """Successive halving: evaluate many configurations cheaply, keep the best $1/\\eta$, give them $\\eta$ times more.

    Round $r$ trains the $n_r$ survivors with budget $b_r = b_0\\,\\eta^{r}$ and keeps the
    $\\max(1, \\lfloor n_r/\\eta\\rfloor)$ of lowest loss, until one is left: the core of Hyperband
    (Li et al., 2018). The total budget is $\\sum_r n_r b_r$. See
    [successive halving](course2/week3.md#successive-halving-beyond-the-course).

    Parameters
    ----------
    configs : sequence
        The candidate configurations (any objects ``evaluate`` accepts), at least one.
    evaluate : callable
        ``evaluate(config, budget) -> loss`` (lower is better; ``inf`` for a failed run), e.g.
        :func:`fit_dev_cost` with the data bound by ``functools.partial``.
    min_budget : int
        Budget of the first round, $b_0 \\ge 1$ (e.g. epochs).
    eta : int, default 3
        Keep $1/\\eta$ of the configurations per round and multiply the budget by $\\eta$ ($\\ge 2$).

    Returns
    -------
    dict
        ``"best"`` (index into ``configs``), ``"best_loss"`` (its loss at the final budget),
        ``"rounds"`` (per round: ``"budget"``, ``"indices"``, ``"losses"``) and ``"total_budget"``.

    Examples
    --------
    >>> out = successive_halving([0.3, 0.1, 0.5, 0.2, 0.9, 0.4, 0.7, 0.8, 0.6],
    ...                          lambda c, b: c + 1 / b, min_budget=1, eta=3)
    >>> out["best"], [r["budget"] for r in out["rounds"]], out["total_budget"]
    (1, [1, 3, 9], 27)
    """
    check_sequence(configs, "configs", "a list of configurations")
    configs = list(configs)
    if not configs:
        raise ValueError("configs: expected at least one configuration, got an empty sequence")
    check_callable(evaluate, "evaluate")
    budget = check_scalar(min_budget, "min_budget", low=1, integer=True)
    eta = check_scalar(eta, "eta", low=2, integer=True)
    survivors, rounds, total = list(range(len(configs))), [], 0
    while True:
        losses = np.array([_loss(evaluate(configs[i], budget), i, budget) for i in survivors])
        rounds.append({"budget": budget, "indices": list(survivors), "losses": losses})
        total += budget * len(survivors)
        if len(survivors) == 1:
            break
        keep = np.argsort(losses, kind="stable")[:max(1, len(survivors) // eta)]
        survivors = [survivors[j] for j in keep]
        budget *= eta
    return {"best": survivors[0], "best_loss": float(losses[0]), "rounds": rounds, "total_budget": total}
# --8<-- [end:successive_halving]


def _loss(value, i, budget):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or np.isnan(value) or value == -np.inf:
        raise ValueError(f"evaluate: expected a loss (a real number, inf for a failed run) for configs[{i}] at "
                         f"budget {budget}, got {value!r}"[:300])
    return float(value)


def best_of_n(dev_scores, test_scores, n, *, repeats=1000, rng=0):
    """Pick the best of ``n`` configurations on the dev set: its dev score and its fresh test score.

    Each repeat draws ``n`` of the $K$ configurations without replacement and selects the one of
    highest dev score (an accuracy); the means over repeats of the selected dev and test scores
    estimate $E[\\max_{j\\le n} \\text{dev}_j]$ and the test score of that choice. Their gap is the
    selection bias of re-using one dev set. See
    [overfitting the dev set](course2/week3.md#overfitting-the-dev-set-beyond-the-course).

    Parameters
    ----------
    dev_scores, test_scores : array_like, shape (K,)
        Scores (higher is better) of the same $K$ configurations on the dev and a test set.
    n : int
        Configurations compared per selection, $1 \\le n \\le K$.
    repeats : int, default 1000
    rng : numpy.random.Generator or int, default 0

    Returns
    -------
    dev, test : float
        Mean dev and test score of the selected configuration.

    Examples
    --------
    >>> dev, test = np.array([0.5, 0.7, 0.6]), np.array([0.5, 0.5, 0.5])
    >>> [round(x, 2) for x in best_of_n(dev, test, 3)], [round(x, 2) for x in best_of_n(dev, test, 1)]
    ([0.7, 0.5], [0.6, 0.5])
    """
    dev = as_float_array(dev_scores, "dev_scores", ndim=1)
    test = check_same_shape(as_float_array(test_scores, "test_scores", ndim=1), "test_scores", dev, "dev_scores")
    check_same_dtype(test, "test_scores", dev, "dev_scores")
    K = dev.size
    n = check_scalar(n, "n", low=1, high=K, integer=True)
    repeats = check_scalar(repeats, "repeats", low=1, integer=True)
    rng = check_rng(rng)
    # --8<-- [start:best_of_n]
    picks = np.argsort(rng.random((repeats, K)), axis=1)[:, :n]      # n distinct configurations per repeat
    chosen = picks[np.arange(repeats), np.argmax(dev[picks], axis=1)]  # the best on the dev set
    return float(dev[chosen].mean()), float(test[chosen].mean())
    # --8<-- [end:best_of_n]
