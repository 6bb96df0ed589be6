"""Learning-rate schedules: $\\alpha$ as a function of the epoch.

Each schedule is ``schedule(lr0, epoch, ...) -> lr``, for a number (a float) or an array of
epochs (an array); :func:`dlnotes.train.fit` calls it before every epoch with ``epoch = 1, 2, ...``
(the lecture's ``epoch_num``). See [learning-rate decay](course2/week2.md#learning-rate-decay).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers

import numpy as np

from dlnotes._checks import check_all_finite, check_positive, check_scalar

__all__ = ["constant", "inverse_time", "staircase", "exponential", "inverse_sqrt",
           "SCHEDULES", "get_schedule"]


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


SCHEDULES = {
    "constant": constant,
    "inverse_time": inverse_time,
    "staircase": staircase,
    "exponential": exponential,
    "inverse_sqrt": inverse_sqrt,
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
        Fixed keyword arguments (``decay_rate``, ``interval``, ``base``, ``k``).

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
