"""Learning-rate schedules: formulas, array input, validation."""

import numpy as np
import pytest

from dlnotes.schedules import (SCHEDULES, constant, cosine, cosine_restarts, exponential, get_schedule,
                               inverse_sqrt, inverse_time, linear_scaling, linear_warmup, lr_range_test,
                               one_cycle, staircase)

#: Schedules that never increase (warmup, restarts and one-cycle do).
DECAYS = ["constant", "inverse_time", "staircase", "exponential", "inverse_sqrt", "cosine"]


def test_constant():
    assert constant(0.3, 0) == 0.3 and constant(0.3, 1000) == 0.3
    np.testing.assert_array_equal(constant(0.3, np.arange(4)), np.full(4, 0.3))


def test_inverse_time_lecture_numbers():
    got = [inverse_time(0.2, e, decay_rate=1.0) for e in (1, 2, 3, 4)]
    np.testing.assert_allclose(got, [0.1, 0.2 / 3, 0.05, 0.04])
    assert inverse_time(0.2, 0, decay_rate=5.0) == 0.2
    assert inverse_time(0.2, 10, decay_rate=0.0) == 0.2


def test_staircase():
    lr = [staircase(0.1, e, decay_rate=0.5, interval=100) for e in (0, 99, 100, 199, 200, 1000)]
    np.testing.assert_allclose(lr, [0.1, 0.1, 0.1 / 1.5, 0.1 / 1.5, 0.05, 0.1 / 6])
    # the staircase touches the smooth curve at multiples of the interval
    e = np.arange(0, 500, 100)
    np.testing.assert_allclose(staircase(0.1, e, 0.5, 100), inverse_time(0.1, e / 100, 0.5))


def test_exponential():
    assert exponential(0.5, 0) == 0.5
    np.testing.assert_allclose(exponential(0.5, np.arange(3)), 0.5 * 0.95 ** np.arange(3))
    assert exponential(0.5, 3, base=0.5) == pytest.approx(0.0625)


def test_inverse_sqrt():
    assert inverse_sqrt(0.1, 1) == pytest.approx(0.1)
    assert inverse_sqrt(0.1, 16, k=2.0) == pytest.approx(0.05)
    with pytest.raises(ValueError, match="epoch"):
        inverse_sqrt(0.1, 0)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_scalar_in_float_out_and_arrays(name):
    f = SCHEDULES[name]
    out = f(0.1, 3)
    assert type(out) is float
    arr = f(0.1, np.arange(1, 6))
    assert isinstance(arr, np.ndarray) and arr.shape == (5,)
    if name in DECAYS:
        assert np.all(np.diff(arr) <= 0)      # never increases
    np.testing.assert_allclose(arr, [f(0.1, e) for e in range(1, 6)])


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_validation(name):
    f = SCHEDULES[name]
    with pytest.raises(ValueError, match="lr0"):
        f(0.0, 1)
    with pytest.raises(ValueError, match="epoch"):
        f(0.1, -1)
    with pytest.raises(TypeError, match="epoch"):
        f(0.1, "3")


def test_argument_validation():
    with pytest.raises(ValueError, match="decay_rate"):
        inverse_time(0.1, 1, decay_rate=-1.0)
    with pytest.raises(ValueError, match="interval"):
        staircase(0.1, 1, interval=0)
    with pytest.raises(TypeError, match="interval"):
        staircase(0.1, 1, interval=2.5)
    with pytest.raises(ValueError, match="base"):
        exponential(0.1, 1, base=1.5)
    with pytest.raises(ValueError, match="k"):
        inverse_sqrt(0.1, 1, k=0.0)


def test_get_schedule():
    f = get_schedule("staircase", decay_rate=1.0, interval=2)
    assert f(1.0, 3) == 0.5
    assert get_schedule(constant) is constant
    with pytest.raises(ValueError, match="schedule"):
        get_schedule("polynomial")
    with pytest.raises(TypeError, match="schedule"):
        get_schedule(3)


# --- beyond the course: warmup, cosine, SGDR, one-cycle, range test, linear scaling ---------------


def _pytorch_linear_lr(lr, t, start_factor, end_factor, total_iters):
    """PyTorch's documented LinearLR factor at step t (closed form)."""
    return lr * (start_factor + (end_factor - start_factor) * min(t, total_iters) / total_iters)


def test_linear_warmup_matches_pytorch_linear_lr():
    for warmup in (2, 5, 7):
        for e in range(1, 15):
            ref = _pytorch_linear_lr(0.3, e - 1, 1 / warmup, 1.0, warmup - 1)
            assert linear_warmup(0.3, e, warmup=warmup) == pytest.approx(ref, rel=1e-12)
    assert linear_warmup(0.3, 1, warmup=1) == 0.3


def test_cosine_closed_form_and_pytorch():
    T, lr0, lr_min = 12, 0.4, 0.01
    for e in range(1, T + 1):           # PyTorch CosineAnnealingLR: eta_min + (eta_max-eta_min)(1+cos(pi T_cur/T_max))/2
        ref = lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * (e - 1) / T)) / 2
        assert cosine(lr0, e, period=T, lr_min=lr_min) == pytest.approx(ref, rel=1e-12)
    assert cosine(lr0, 1, period=T) == lr0
    assert cosine(lr0, T / 2 + 1, period=T, lr_min=lr_min) == pytest.approx((lr0 + lr_min) / 2)
    assert cosine(lr0, T + 1, period=T, lr_min=lr_min) == pytest.approx(lr_min)
    assert cosine(lr0, 10 * T, period=T, lr_min=lr_min) == pytest.approx(lr_min)     # held after the period


def _pytorch_warm_restarts(lr0, epoch, T_0, T_mult, eta_min):
    """PyTorch's CosineAnnealingWarmRestarts at (float) epoch, from its documented step(epoch) rule."""
    if epoch >= T_0:
        if T_mult == 1:
            T_cur, T_i = epoch % T_0, T_0
        else:
            n = int(np.log(epoch / T_0 * (T_mult - 1) + 1) / np.log(T_mult))
            T_cur, T_i = epoch - T_0 * (T_mult ** n - 1) / (T_mult - 1), T_0 * T_mult ** n
    else:
        T_cur, T_i = epoch, T_0
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * T_cur / T_i)) / 2


@pytest.mark.parametrize("T_0,T_mult", [(1, 1), (3, 1), (2, 2), (3, 3), (5, 2)])
def test_cosine_restarts_matches_pytorch(T_0, T_mult):
    for e in range(1, 80):
        ref = _pytorch_warm_restarts(0.2, e - 1, T_0, T_mult, 0.001)
        assert cosine_restarts(0.2, e, period=T_0, mult=T_mult, lr_min=0.001) == pytest.approx(ref, rel=1e-9, abs=1e-15)
    # restarts exactly at the cycle boundaries
    starts = np.cumsum([0] + [T_0 * T_mult ** i for i in range(4)]) + 1
    np.testing.assert_allclose(cosine_restarts(0.2, starts, period=T_0, mult=T_mult), 0.2)


def _pytorch_one_cycle(max_lr, step, total, pct_start, div, final_div):
    """PyTorch's OneCycleLR (two phases, cos): phase ends at pct_start*total - 1 and total - 1."""
    initial, min_lr = max_lr / div, max_lr / div / final_div
    end1 = float(pct_start * total) - 1
    cos = lambda a, b, pct: b + (a - b) / 2 * (np.cos(np.pi * pct) + 1)      # noqa: E731
    if step <= end1:
        return cos(initial, max_lr, step / end1)
    return cos(max_lr, min_lr, (step - end1) / (total - 1 - end1))


@pytest.mark.parametrize("total,pct", [(10, 0.3), (100, 0.25), (37, 0.5)])
def test_one_cycle_matches_pytorch(total, pct):
    for e in range(1, total + 1):
        ref = _pytorch_one_cycle(0.8, e - 1, total, pct, 25.0, 1e4)
        assert one_cycle(0.8, e, total=total, pct_start=pct) == pytest.approx(ref, rel=1e-12)
    assert one_cycle(0.8, 1, total=total, pct_start=pct) == pytest.approx(0.8 / 25)
    assert one_cycle(0.8, total, total=total, pct_start=pct) == pytest.approx(0.8 / 25 / 1e4)
    if float(pct * total).is_integer():                 # the peak falls on an epoch
        assert max(one_cycle(0.8, np.arange(1, total + 1), total=total, pct_start=pct)) == pytest.approx(0.8)


def test_new_schedule_validation():
    with pytest.raises(ValueError, match="lr_min"):
        cosine(0.1, 1, lr_min=0.5)
    with pytest.raises(ValueError, match="epoch"):
        cosine(0.1, 0)
    with pytest.raises(ValueError, match="mult"):
        cosine_restarts(0.1, 1, mult=0)
    with pytest.raises(ValueError, match="pct_start"):
        one_cycle(0.1, 1, total=10, pct_start=0.05)
    with pytest.raises(ValueError, match="warmup"):
        linear_warmup(0.1, 1, warmup=0)
    assert get_schedule("one_cycle", total=20)(0.5, 7) == one_cycle(0.5, 7, total=20)


def test_linear_scaling():
    assert linear_scaling(0.1, 256) == pytest.approx(0.1)
    assert linear_scaling(0.1, 8192) == pytest.approx(3.2)         # Goyal et al.'s largest batch
    assert linear_scaling(0.05, 64, 16) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="batch_size"):
        linear_scaling(0.1, 0)


def test_lr_range_test_rates_stop_and_suggestion():
    from dlnotes.data import load_digits
    X, Y = load_digits()
    r = lr_range_test(X[:, :600], Y[:, :600], [64, 16, 10], optimizer="momentum", lr_min=1e-4, lr_max=1e3,
                      steps=80, batch_size=32, rng=0)
    n = r["costs"].size
    rates = 1e-4 * (1e3 / 1e-4) ** (np.arange(80) / 79)
    np.testing.assert_allclose(r["learning_rates"], rates[:n])
    assert n < 80                                                     # the run blew up and stopped
    assert r["smoothed"][-1] > 4 * r["smoothed"].min() or not np.isfinite(r["costs"]).all()
    assert r["best"] == r["learning_rates"][np.argmin(r["smoothed"])]
    assert r["suggested"] == pytest.approx(r["best"] / 10)
    # the smoothed record is the bias-corrected EWA of the costs
    from dlnotes.ewa import ewa
    np.testing.assert_allclose(r["smoothed"], ewa(r["costs"], 0.9, bias_correction=True), rtol=1e-12)
    # the costs first fall: the best rate is neither the first nor the last one tried
    assert 0 < np.argmin(r["smoothed"]) < n - 1
    with pytest.raises(ValueError, match="lr_max"):
        lr_range_test(X, Y, [64, 10], lr_min=1.0, lr_max=0.5)
