"""Precision: the emulated formats against NumPy's float16, bfloat16's bit pattern, known values, scaling."""

import math

import numpy as np
import pytest

from dlnotes import gradcheck
from dlnotes import precision as P


def _bfloat16_bits(x):
    """bfloat16 by the usual bit trick on float32: add 0x7FFF plus the lowest kept bit, clear the low 16 bits."""
    b = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((b + 0x7FFF + ((b >> 16) & 1)) & 0xFFFF0000).astype(np.uint32).view(np.float32)


def test_format_info_matches_numpy_finfo():
    for name, dt in (("float16", np.float16), ("float32", np.float32), ("float64", np.float64)):
        info, fi = P.format_info(name), np.finfo(dt)
        assert (info.eps, info.max, info.tiny) == (float(fi.eps), float(fi.max), float(fi.tiny))
        assert info.smallest_subnormal == float(fi.smallest_subnormal)
        assert info.mantissa_bits == fi.nmant


def test_bfloat16_constants():
    info = P.format_info("bfloat16")
    assert info.eps == 2.0 ** -7 and info.mantissa_bits == 7 and info.bits == 16
    assert info.max == float(np.float32(2 ** 127 * (2 - 2 ** -7)))
    assert info.tiny == 2.0 ** -126 and info.smallest_subnormal == 2.0 ** -133


def test_round_to_float16_is_numpys_float16(rng):
    for dt in (np.float32, np.float64):
        x = (rng.standard_normal(50_000) * np.exp(rng.uniform(-40, 14, 50_000))).astype(dt)
        with np.errstate(over="ignore"):
            expected = x.astype(np.float16).astype(dt)
        got = P.round_to(x, "float16")
        assert got.dtype == dt
        assert np.array_equal(got, expected)


def test_to_bfloat16_agrees_with_the_bit_trick(rng):
    bits = rng.integers(0, 2 ** 32, 400_000, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32)
    x = x[np.isfinite(x)]
    assert np.array_equal(P.to_bfloat16(x), _bfloat16_bits(x))


def test_to_bfloat16_known_values():
    f = np.float32
    x = np.array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -7, 1 + 2 ** -8 + 2 ** -20, -(1 + 2 ** -8)], dtype=f)
    # ties to even: 1 + 2^-8 is half-way between 1 and 1 + 2^-7 -> 1; 1 + 3 * 2^-8 -> 1 + 2^-6 (even)
    assert P.to_bfloat16(x).tolist() == [1.0, 1 + 2 ** -6, 1 + 2 ** -7, 1 + 2 ** -7, -1.0]
    big = P.format_info("bfloat16").max
    assert P.to_bfloat16(np.array([big], dtype=f))[0] == f(big)
    assert np.isinf(P.to_bfloat16(np.array([np.finfo(f).max], dtype=f))[0])     # rounds past the largest
    sub = 2.0 ** -133
    assert P.to_bfloat16(np.array([3 * sub, 0.5 * sub, 0.75 * sub], dtype=f)).tolist() == [3 * sub, 0.0, sub]
    assert P.to_bfloat16(np.array([2.0 ** -130 + 2.0 ** -140], dtype=f))[0] == f(2.0 ** -130)


def test_round_to_float16_known_values():
    assert P.round_to(np.array([65504.0, 65519.0, 65520.0, 1e-8, 2.9e-8, 3e-8]), "float16").tolist() == \
        [65504.0, 65504.0, math.inf, 0.0, 0.0, 2.0 ** -24]
    assert P.round_to(np.array([1 + 2 ** -11]), "float16")[0] == 1.0
    x = np.array([1.2345678], dtype=np.float32)
    assert np.array_equal(P.round_to(x, "float32"), x) and P.round_to(x, "float64").dtype == np.float32


def test_absorbs():
    assert P.absorbs(np.array([1.0]), 2.0 ** -11, "float16")[0]          # a tie, to even: 1
    assert not P.absorbs(np.array([1.0]), 2.0 ** -10, "float16")[0]
    assert P.absorbs(np.array([1.0]), 1e-5, "float16")[0]
    assert not P.absorbs(np.array([1.0]), 1e-5, "float32")[0]


def test_loss_scaling_rescues_small_gradients_and_overflows_when_too_large():
    g = np.array([1e-8, 2e-7, 1e-4, 1.0])
    plain = P.apply_loss_scale(g, 1.0)
    assert plain[0] == 0.0 and abs(plain[1] / g[1] - 1) > 0.1             # underflow, then a coarse subnormal
    scaled = P.apply_loss_scale(g, 2.0 ** 14)
    assert np.all(np.abs(scaled / g - 1) < 2e-3)
    assert np.isinf(P.apply_loss_scale(g, 2.0 ** 17)[-1])                 # 1 * 2^17 > 65504
    assert np.array_equal(P.apply_loss_scale(g, 2.0 ** 14, "float64"), g)  # float64 loses nothing


def test_adam_denominator_closed_form_and_float16_underflow():
    g = np.array([1e-1, 1e-3, 1e-5])
    assert np.allclose(P.adam_denominator(g, fmt="float64"), np.abs(g) + 1e-8, rtol=1e-12)
    assert P.adam_denominator(np.array([1e-3]), fmt="float16")[0] == 0.0  # g^2 (1 - beta2) underflows, 1e-8 too
    assert P.adam_denominator(np.array([1e-1]), fmt="float16")[0] == pytest.approx(0.1, rel=2e-3)
    assert P.adam_denominator(np.array([1e-3]), eps=1e-4, fmt="float16")[0] == pytest.approx(1e-4, rel=1e-3)
    assert P.adam_denominator(np.array([1e-3]), fmt="bfloat16")[0] == pytest.approx(1e-3, rel=1e-2)


def test_gradcheck_thresholds_extend_gradchecks_own():
    assert P.gradcheck_thresholds("float64") == pytest.approx((1e-7, 1e-5, 1e-3))
    assert P.gradcheck_thresholds("float32") == pytest.approx(gradcheck._thresholds(np.float32), rel=1e-12)
    t16 = P.gradcheck_thresholds("float16")
    assert t16[0] == pytest.approx(1e-7 ** (10 / 52))                    # eps16 = 2^-10, eps64 = 2^-52


def test_numerical_grad_in_error_follows_the_precision():
    def f(x):
        return float(np.sum(np.sin(x) * x))

    x = np.array([0.3, -1.2, 2.0])
    exact = np.sin(x) + x * np.cos(x)
    errors = {}
    for fmt in ("float64", "float32", "float16", "bfloat16"):
        num = P.numerical_grad_in(f, x, fmt)
        xr = P.round_to(x, fmt)
        errors[fmt] = gradcheck.relative_difference(num, np.sin(xr) + xr * np.cos(xr))
    assert errors["float64"] < 1e-9 < errors["float32"] < 1e-4 < errors["float16"] < errors["bfloat16"] < 0.3
    assert gradcheck.relative_difference(P.numerical_grad_in(f, x, "float64"), exact) < 1e-9
    with pytest.raises(ValueError, match="eps"):
        P.numerical_grad_in(f, np.array([1000.0]), "float16", eps=1e-3)
