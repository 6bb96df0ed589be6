"""Learning-rate schedules: formulas, array input, validation."""

import numpy as np
import pytest

from dlnotes.schedules import (SCHEDULES, constant, exponential, get_schedule, inverse_sqrt,
                               inverse_time, staircase)


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
    assert np.all(np.diff(arr) <= 0)          # never increases
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
        get_schedule("cosine")
    with pytest.raises(TypeError, match="schedule"):
        get_schedule(3)
