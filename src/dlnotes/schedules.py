"""Learning-rate schedules: $\\alpha$ as a function of the epoch.

Each schedule is ``schedule(lr0, epoch, ...) -> lr``, for a number (a float) or an array of
epochs (an array); :func:`dlnotes.train.fit` calls it before every epoch with ``epoch = 1, 2, ...``
(the lecture's ``epoch_num``). See [learning-rate decay](course2/week2.md#learning-rate-decay).
Beyond the course: warmup, cosine annealing with restarts, one-cycle, the learning-rate range test
and the linear scaling rule, on
[schedules practitioners use](course2/week2.md#schedules-practitioners-use-beyond-the-course).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers

import numpy as np

from dlnotes._checks import check_all_finite, check_positive, check_scalar

__all__ = ["constant", "inverse_time", "staircase", "exponential", "inverse_sqrt",
           "linear_warmup", "cosine", "cosine_restarts", "one_cycle",
           "SCHEDULES", "get_schedule", "lr_range_test", "linear_scaling"]


def _epoch(epoch, *, positive=False):
    """Validate ``epoch`` (number or array, >= 0, or > 0 when ``positive``)."""
    if isinstance(epoch, bool):
        raise TypeError(f"epoch: expected a number or an array of numbers, got bool {epoch!r}")
    arr = np.asarray(epoch)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"epoch: expected a number or an array of numbers, got {type(epoch).__name__}")
    if arr.size and not np.all(np.isfinite(arr)):
        raise ValueError("epoch: expected finite values, got NaN or inf")
    low = np.min(arr) if arr.size else 0
    if (positive and low <= 0) or low < 0:
        need = "> 0" if positive else ">= 0"
        raise ValueError(f"epoch: expected values {need}, got {low!r}")
    return arr.astype(np.float64) if arr.ndim else float(arr)


def _out(x):
    """Python float for scalar epochs, ndarray for arrays; an overflow to inf is an error."""
    check_all_finite(x, "schedule", "learning rates (lr0 times the factor overflows)")
    return float(x) if np.ndim(x) == 0 else x


def _quiet(schedule):
    """Run a formula without overflow/underflow warnings: ``decay_rate * epoch`` may overflow to inf
    (the rate is then 0, the correctly rounded value), ``base ** epoch`` may underflow to 0."""
    @functools.wraps(schedule)
    def run(*args, **kwargs):
        with np.errstate(over="ignore", under="ignore"):
            return schedule(*args, **kwargs)
    return run


def _lr0(lr0):
    return float(check_positive(lr0, "lr0"))


def constant(lr0, epoch):
    """No decay: $\\alpha = \\alpha_0$.

    The baseline of [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$.
    epoch : float or array_like
        Epoch number(s) $\\ge 0$ (ignored, validated).

    Returns
    -------
    float or ndarray
        $\\alpha_0$ (an array of the shape of ``epoch`` for array input).

    Examples
    --------
    >>> constant(0.1, 7)
    0.1
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch)
    return lr0 if isinstance(e, float) else np.full_like(e, lr0)


@_quiet
def inverse_time(lr0, epoch, decay_rate=1.0):
    """Inverse-time decay: $\\alpha = \\alpha_0 / (1 + \\mathrm{decay\\_rate}\\cdot\\text{epoch})$.

    Decays like $1/\\text{epoch}$: the steps still add up to infinity, the mini-batch noise
    averages out. See [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$.
    epoch : float or array_like
        Epoch number(s) $\\ge 0$.
    decay_rate : float, default 1.0
        Decay rate $\\ge 0$ (0: no decay).

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [round(inverse_time(0.2, e, decay_rate=1.0), 3) for e in (1, 2, 3, 4)]
    [0.1, 0.067, 0.05, 0.04]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch)
    decay_rate = check_scalar(decay_rate, "decay_rate", low=0.0)
    # --8<-- [start:inverse-time-formula]
    return _out(lr0 / (1.0 + decay_rate * e))
    # --8<-- [end:inverse-time-formula]


@_quiet
def staircase(lr0, epoch, decay_rate=1.0, interval=1000):
    """Inverse-time decay applied every ``interval`` epochs (a staircase).

    $$\\alpha = \\frac{\\alpha_0}{1 + \\mathrm{decay\\_rate}\\cdot
      \\lfloor \\text{epoch} / \\text{interval} \\rfloor}.$$
    Constant on each interval, so a long run does not shrink $\\alpha$ to nothing. See [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$.
    epoch : float or array_like
        Epoch number(s) $\\ge 0$.
    decay_rate : float, default 1.0
        Decay rate $\\ge 0$.
    interval : int, default 1000
        Number of epochs between two decreases, $\\ge 1$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [staircase(0.1, e, decay_rate=1.0, interval=10) for e in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.0333...]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch)
    decay_rate = check_scalar(decay_rate, "decay_rate", low=0.0)
    interval = check_positive(interval, "interval", integer=True)
    return _out(lr0 / (1.0 + decay_rate * np.floor(e / interval)))


@_quiet
def exponential(lr0, epoch, base=0.95):
    """Exponential decay: $\\alpha = \\text{base}^{\\text{epoch}}\\,\\alpha_0$.

    Halves every $\\ln 2 / -\\ln(\\text{base}) \\approx 13.5$ epochs for 0.95.
    See [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$.
    epoch : float or array_like
        Epoch number(s) $\\ge 0$.
    base : float, default 0.95
        Factor per epoch, in $(0, 1]$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> round(exponential(1.0, 2), 4)
    0.9025
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch)
    base = check_scalar(base, "base", low=0.0, high=1.0, low_inclusive=False)
    return _out(base ** e * lr0)


@_quiet
def inverse_sqrt(lr0, epoch, k=1.0):
    """Inverse square-root decay: $\\alpha = \\frac{k}{\\sqrt{\\text{epoch}}}\\,\\alpha_0$.

    The lecture also writes it per mini-batch iteration $t$. See [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$.
    epoch : float or array_like
        Epoch number(s) $> 0$ (epoch 0 would divide by zero and is refused).
    k : float, default 1.0
        Constant $k > 0$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> inverse_sqrt(0.1, 4)
    0.05
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch, positive=True)
    k = check_positive(k, "k")
    return _out(k / np.sqrt(e) * lr0)


@_quiet
def linear_warmup(lr0, epoch, warmup=5):
    """Linear warmup: $\\alpha = \\alpha_0 \\min(1, \\text{epoch}/\\text{warmup})$.

    Epoch 1 runs at $\\alpha_0/\\text{warmup}$, epoch ``warmup`` and later at $\\alpha_0$. PyTorch's
    ``LinearLR(start_factor=1/warmup, total_iters=warmup-1)`` gives the same rates (its step count
    is ``epoch - 1``). See [linear warmup](course2/week2.md#linear-warmup).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$, the rate after the warmup.
    epoch : float or array_like
        Epoch number(s) $\\ge 0$.
    warmup : int, default 5
        Number of epochs to reach $\\alpha_0$, $\\ge 1$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [round(linear_warmup(0.1, e, warmup=4), 3) for e in (1, 2, 4, 9)]
    [0.025, 0.05, 0.1, 0.1]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch)
    warmup = check_positive(warmup, "warmup", integer=True)
    # --8<-- [start:linear-warmup-formula]
    return _out(lr0 * np.minimum(1.0, e / warmup))
    # --8<-- [end:linear-warmup-formula]


def _half_cosine(lr_max, lr_min, fraction):
    """$\\alpha_{\\min} + \\frac12(\\alpha_{\\max} - \\alpha_{\\min})(1 + \\cos \\pi f)$: from lr_max at f = 0 to lr_min at f = 1."""
    return lr_min + 0.5 * (lr_max - lr_min) * (1.0 + np.cos(np.pi * fraction))


def _lr_min(lr_min, lr0):
    return check_scalar(lr_min, "lr_min", low=0.0, high=lr0)


@_quiet
def cosine(lr0, epoch, period=100, lr_min=0.0):
    """Cosine annealing: half a cosine from $\\alpha_0$ (epoch 1) to $\\alpha_{\\min}$ (epoch ``period + 1``).

    $$\\alpha = \\alpha_{\\min} + \\tfrac12(\\alpha_0 - \\alpha_{\\min})
      \\big(1 + \\cos(\\pi\\, \\min(\\text{epoch} - 1, T)/T)\\big), \\qquad T = \\text{period};$$
    PyTorch's ``CosineAnnealingLR(T_max=period, eta_min=lr_min)`` formula with its step count
    ``epoch - 1`` (held at $\\alpha_{\\min}$ after the period). See
    [cosine annealing](course2/week2.md#cosine-annealing-and-warm-restarts).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$, the first rate.
    epoch : float or array_like
        Epoch number(s) $\\ge 1$.
    period : int, default 100
        $T \\ge 1$: epochs from $\\alpha_0$ to $\\alpha_{\\min}$ (train for ``period`` epochs to end
        just above $\\alpha_{\\min}$).
    lr_min : float, default 0.0
        $0 \\le \\alpha_{\\min} \\le \\alpha_0$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [round(cosine(0.1, e, period=4), 4) for e in (1, 2, 3, 4)]
    [0.1, 0.0854, 0.05, 0.0146]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch, positive=True)
    period = check_positive(period, "period", integer=True)
    lr_min = _lr_min(lr_min, lr0)
    # --8<-- [start:cosine-formula]
    t = np.minimum(np.maximum(e - 1.0, 0.0), period)        # epochs done, held at the period
    return _out(_half_cosine(lr0, lr_min, t / period))
    # --8<-- [end:cosine-formula]


@_quiet
def cosine_restarts(lr0, epoch, period=10, mult=1, lr_min=0.0):
    """SGDR: cosine annealing restarted at $\\alpha_0$ after cycles of $T_0, T_0 m, T_0 m^2, \\dots$ epochs.

    $$\\alpha = \\alpha_{\\min} + \\tfrac12(\\alpha_0 - \\alpha_{\\min})(1 + \\cos(\\pi\\, T_{\\text{cur}}/T_i)),$$
    $T_{\\text{cur}}$ the epochs done in the current cycle $i$ of length $T_i = T_0 m^i$
    (Loshchilov and Hutter, 2017; PyTorch's ``CosineAnnealingWarmRestarts(T_0=period,
    T_mult=mult, eta_min=lr_min)`` with its epoch ``epoch - 1``). See
    [cosine annealing and warm restarts](course2/week2.md#cosine-annealing-and-warm-restarts).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$, the rate at each restart.
    epoch : float or array_like
        Epoch number(s) $\\ge 1$.
    period : int, default 10
        $T_0 \\ge 1$, the length of the first cycle in epochs.
    mult : int, default 1
        $m \\ge 1$: each cycle is $m$ times longer than the one before.
    lr_min : float, default 0.0
        $0 \\le \\alpha_{\\min} \\le \\alpha_0$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [round(cosine_restarts(0.1, e, period=2, mult=2), 3) for e in range(1, 8)]
    [0.1, 0.05, 0.1, 0.085, 0.05, 0.015, 0.1]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch, positive=True)
    period = check_positive(period, "period", integer=True)
    mult = check_positive(mult, "mult", integer=True)
    lr_min = _lr_min(lr_min, lr0)
    # --8<-- [start:cosine-restarts-formula]
    t = np.maximum(e - 1.0, 0.0)                         # epochs done since the start
    if mult == 1:
        cycle, t_cur, t_i = np.floor(t / period), np.mod(t, period), period
    else:                                                # T_0 (m^i - 1)/(m - 1) epochs precede cycle i
        cycle = np.floor(np.log(t / period * (mult - 1) + 1.0) / np.log(mult) + 1e-9)
        t_cur = t - period * (mult ** cycle - 1.0) / (mult - 1)
        t_i = period * mult ** cycle
    return _out(_half_cosine(lr0, lr_min, t_cur / t_i))
    # --8<-- [end:cosine-restarts-formula]


@_quiet
def one_cycle(lr0, epoch, total=100, pct_start=0.3, div=25.0, final_div=1e4):
    """One-cycle policy: up from $\\alpha_0/\\text{div}$ to $\\alpha_0$, then down to $\\alpha_0/(\\text{div}\\cdot\\text{final\\_div})$.

    Both halves are half cosines, as in PyTorch's default (Smith and Topin used linear ramps;
    PyTorch's ``OneCycleLR(max_lr=lr0,
    total_steps=total, pct_start, div_factor=div, final_div_factor=final_div)`` with
    ``anneal_strategy="cos"``, step count ``epoch - 1``): the rise ends at step
    $p\\,T - 1$, the fall at step $T - 1$ (then held). See [one-cycle](course2/week2.md#one-cycle).

    Parameters
    ----------
    lr0 : float
        $\\alpha_0 > 0$, the peak rate.
    epoch : float or array_like
        Epoch (or step) number(s) $\\ge 1$.
    total : int, default 100
        $T \\ge 2$, the number of epochs of the cycle.
    pct_start : float, default 0.3
        $p$ in $(0, 1)$, the fraction of the cycle spent rising; $p\\,T \\ge 2$ and $p\\,T \\le T - 1$.
    div, final_div : float, default 25 and 1e4
        $\\ge 1$: start at $\\alpha_0/\\text{div}$, end at $\\alpha_0/(\\text{div}\\cdot\\text{final\\_div})$.

    Returns
    -------
    float or ndarray

    Examples
    --------
    >>> [round(one_cycle(1.0, e, total=10, pct_start=0.3), 3) for e in (1, 2, 3, 6, 10)]
    [0.04, 0.52, 1.0, 0.611, 0.0]
    """
    lr0 = _lr0(lr0)
    e = _epoch(epoch, positive=True)
    total = check_scalar(total, "total", low=2, integer=True)
    pct_start = check_scalar(pct_start, "pct_start", low=0.0, high=1.0, low_inclusive=False,
                             high_inclusive=False)
    div = check_scalar(div, "div", low=1.0)
    final_div = check_scalar(final_div, "final_div", low=1.0)
    peak = float(pct_start * total) - 1.0                 # the step where the rise ends
    if not 1.0 <= peak < total - 1:
        raise ValueError(f"pct_start: expected pct_start * total in [2, total - 1] so that both phases "
                         f"have a step, got {pct_start} * {total} = {pct_start * total:g}")
    # --8<-- [start:one-cycle-formula]
    lr_start, lr_end = lr0 / div, lr0 / div / final_div
    t = np.minimum(e - 1.0, total - 1.0)                   # PyTorch's step count
    rise = _half_cosine(lr_start, lr0, np.minimum(t, peak) / peak)          # lr_start -> lr0
    fall = _half_cosine(lr0, lr_end, np.maximum(t - peak, 0.0) / (total - 1.0 - peak))
    return _out(np.where(t <= peak, rise, fall))
    # --8<-- [end:one-cycle-formula]


SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time,
    "staircase": staircase,
    "exponential": exponential,
    "inverse_sqrt": inverse_sqrt,
    "linear_warmup": linear_warmup,
    "cosine": cosine,
    "cosine_restarts": cosine_restarts,
    "one_cycle": one_cycle,
}
"""Schedules by name (accepted by :func:`get_schedule` and ``train.fit``)."""


def get_schedule(schedule, **kwargs):
    """Turn a schedule name (or callable) and its arguments into ``f(lr0, epoch) -> lr``.

    Used by ``train.fit``; see [learning-rate decay](course2/week2.md#learning-rate-decay).

    Parameters
    ----------
    schedule : str or callable
        A key of ``SCHEDULES`` or a callable ``f(lr0, epoch, ...)``.
    **kwargs
        Fixed keyword arguments (``decay_rate``, ``interval``, ``base``, ``k``, ``warmup``, ``period``,
        ``mult``, ``lr_min``, ``total``, ``pct_start``, ``div``, ``final_div``).

    Returns
    -------
    callable
        ``f(lr0, epoch) -> lr``.

    Examples
    --------
    >>> f = get_schedule("inverse_time", decay_rate=0.5)
    >>> f(1.0, 2)
    0.5
    """
    if isinstance(schedule, str):
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule: expected one of {sorted(SCHEDULES)} or a callable, got {schedule!r}")
        schedule = SCHEDULES[schedule]
        accepted = list(inspect.signature(schedule).parameters)[2:]
        for key in kwargs:
            if key not in accepted:
                raise TypeError(f"{key}: expected one of the arguments {accepted} of schedule "
                                f"{schedule.__name__!r}, got {key}={kwargs[key]!r}")
        schedule(1.0, 1, **kwargs)                 # checks the values now, not at the first epoch
    elif not callable(schedule):
        raise TypeError(f"schedule: expected a name or a callable, got {type(schedule).__name__}")
    return functools.partial(schedule, **kwargs) if kwargs else schedule


def _rate_at(schedule, lr0, epoch):
    """``schedule(lr0, epoch)`` as a Python float, checked: a rate of 0, < 0, NaN or inf is refused.

    Used by ``train.fit`` before each epoch, so that the error names the schedule and the epoch,
    not the optimizer's ``learning_rate``.
    """
    lr = schedule(lr0, epoch)
    if isinstance(lr, np.ndarray) and lr.ndim == 0:
        lr = lr[()]
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"schedule: expected a number (the learning rate) at epoch {epoch}, "
                        f"got {type(lr).__name__} {lr!r}"[:300])
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"schedule: expected a finite learning rate > 0 at epoch {epoch} "
                         f"(learning_rate={lr0:g}), got {lr!r}")
    return float(lr)


# --8<-- [start:linear_scaling]
def linear_scaling(lr_base, batch_size, base_batch_size=256):
    """The linear scaling rule: $\\alpha = \\alpha_{\\text{base}} \\cdot B / B_{\\text{base}}$.

    Goyal et al. (2017) trained ResNet-50 with $\\alpha = 0.1 \\cdot B/256$ up to $B = 8192$ (with a
    warmup). See [the linear scaling rule](course2/week2.md#the-linear-scaling-rule).

    Parameters
    ----------
    lr_base : float
        $\\alpha_{\\text{base}} > 0$, a rate that works with ``base_batch_size``.
    batch_size : int
        $B \\ge 1$, the new mini-batch size.
    base_batch_size : int, default 256
        $B_{\\text{base}} \\ge 1$.

    Returns
    -------
    float

    Examples
    --------
    >>> linear_scaling(0.1, 8192)
    3.2
    """
    lr_base = float(check_positive(lr_base, "lr_base"))
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    base_batch_size = check_positive(base_batch_size, "base_batch_size", integer=True)
    return _out(lr_base * batch_size / base_batch_size)
# --8<-- [end:linear_scaling]


# --8<-- [start:lr_range_test]
def lr_range_test(X, Y, layer_dims, *, optimizer="gd", lr_min=1e-5, lr_max=10.0, steps=100,
                  batch_size=32, activations=None, smoothing=0.9, stop_factor=4.0, rng=0):
    """Smith's learning-rate range test: one short run with $\\alpha$ growing exponentially per step.

    Step $k = 0, \\dots, n-1$ uses $\\alpha_k = \\alpha_{\\min}(\\alpha_{\\max}/\\alpha_{\\min})^{k/(n-1)}$
    on the next mini-batch and records its cost; the record is smoothed by a bias-corrected EWA and
    the run stops once the smoothed cost exceeds ``stop_factor`` times its minimum (or is not
    finite). Suggested rate: a tenth of the rate at the minimum. See
    [the learning-rate range test](course2/week2.md#the-learning-rate-range-test).

    Parameters
    ----------
    X : array_like, shape (n_x, m)
    Y : array_like, shape (n_y, m)
        As for :func:`dlnotes.train.fit` (integer labels (1, m) accepted for softmax).
    layer_dims : sequence of int
        $[n_x, n^{[1]}, \\dots, n_y]$; He initialization with seed ``rng``.
    optimizer : str or Optimizer, default "gd"
        As for ``fit``; its state is reset.
    lr_min, lr_max : float, default 1e-5 and 10
        $0 < \\alpha_{\\min} < \\alpha_{\\max}$.
    steps : int, default 100
        $n \\ge 5$ mini-batch steps at most.
    batch_size : int, default 32
    activations : sequence of str, optional
        As for ``fit`` (default ReLU hidden layers, sigmoid or softmax output).
    smoothing : float, default 0.9
        $\\beta$ of the EWA of the costs, in $[0, 1)$.
    stop_factor : float, default 4.0
        $> 1$.
    rng : numpy.random.Generator or int, default 0

    Returns
    -------
    dict
        ``"learning_rates"``, ``"costs"``, ``"smoothed"`` (arrays of the steps run, shape (k,)),
        ``"best"`` (the rate of the lowest smoothed cost) and ``"suggested"`` (``best / 10``).

    Examples
    --------
    >>> from dlnotes.data import make_moons
    >>> X, Y = make_moons(256, noise=0.2, rng=0)
    >>> r = lr_range_test(X, Y, [2, 16, 1], steps=60, rng=0)
    >>> r["costs"].shape == r["learning_rates"].shape, bool(1e-4 < r["suggested"] < 10)
    (True, True)
    """
    from dlnotes import nn, train                    # here: train imports this module
    from dlnotes.data import _mini_batches
    from dlnotes.initializers import initialize_parameters

    lr_min = check_positive(lr_min, "lr_min")
    lr_max = check_scalar(lr_max, "lr_max", low=lr_min, low_inclusive=False)
    steps = check_scalar(steps, "steps", low=5, integer=True)
    smoothing = check_scalar(smoothing, "smoothing", low=0.0, high=1.0, high_inclusive=False)
    stop_factor = check_scalar(stop_factor, "stop_factor", low=1.0, low_inclusive=False)
    batch_size = check_scalar(batch_size, "batch_size", low=1, integer=True)
    a = train._check_arguments(X, Y, layer_dims, activations, None, optimizer, lr_min, None, batch_size,
                               1, 0.0, 0.0, None, False, "he", None, None, None, rng, False, 1, "readable")
    params = initialize_parameters(a.dims, "he", a.rng, a.dtype)
    kps = nn._keep_prob_list(None, a.L)
    step = train._step_of(a.opt)                     # fit's unchecked step: inf is handled below
    rates = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    costs, smoothed, avg, best = [], [], 0.0, math.inf
    batches = []
    with np.errstate(all="ignore"):                  # a diverging run is the expected end of the test
        for k, lr in enumerate(rates):
            if not batches:
                batches = list(_mini_batches(a.X, a.Y, a.batch_size, a.rng))[::-1]
            Xb, Yb = batches.pop()
            AL, caches = nn._forward(Xb, params, a.activations, kps, a.rng, None, True)
            cost = float(nn._cost(AL, Yb, a.loss, params, 0.0, 0.0))
            if not math.isfinite(cost):
                break
            avg = smoothing * avg + (1.0 - smoothing) * cost       # the EWA of this page,
            costs.append(cost)
            smoothed.append(avg / (1.0 - smoothing ** (k + 1)))   # bias-corrected
            best = min(best, smoothed[-1])
            if smoothed[-1] > stop_factor * best:
                break
            a.opt.set_learning_rate(float(lr))
            step(params, nn._backward(AL, Yb, caches, a.loss, 0.0, 0.0))
            if not all(np.isfinite(p).all() for p in params.values()):
                break
    n = len(costs)
    smoothed = np.array(smoothed)
    lr_best = float(rates[int(np.argmin(smoothed))])
    return {"learning_rates": rates[:n], "costs": np.array(costs), "smoothed": smoothed,
            "best": lr_best, "suggested": lr_best / 10.0}
# --8<-- [end:lr_range_test]
