"""Exponentially weighted averages against a direct loop and the closed form."""

import numpy as np
import pytest

from dlnotes.ewa import ewa, ewa_weights


def _loop(theta, beta, correct):
    v, out = 0.0, []
    for t, x in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * x
        out.append(v / (1 - beta**t) if correct else v)
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
@pytest.mark.parametrize("correct", [False, True])
def test_matches_loop(beta, correct):
    theta = np.random.default_rng(0).normal(10, 3, size=200)
    np.testing.assert_allclose(ewa(theta, beta, bias_correction=correct), _loop(theta, beta, correct),
                               rtol=1e-13)


def test_matches_weighted_sum_closed_form():
    theta = np.random.default_rng(1).normal(size=50)
    beta = 0.9
    v = ewa(theta, beta)
    for t in (1, 10, 50):
        np.testing.assert_allclose(v[t - 1], ewa_weights(beta, t) @ theta[:t], rtol=1e-12)
        assert ewa_weights(beta, t).sum() == pytest.approx(1 - beta**t)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999])
def test_constant_series_recovered_exactly_with_bias_correction(beta):
    theta = np.full(100, 7.25)
    np.testing.assert_allclose(ewa(theta, beta, bias_correction=True), theta, rtol=1e-12)
    # without it, the start is biased towards 0
    assert ewa(theta, beta)[0] == pytest.approx((1 - beta) * 7.25)


def test_bias_correction_fades():
    theta = np.random.default_rng(2).normal(5, 1, size=300)
    a, b = ewa(theta, 0.9), ewa(theta, 0.9, bias_correction=True)
    assert abs(a[-1] - b[-1]) < 1e-10 * abs(a[-1]) + 1e-12
    assert abs(a[0] - b[0]) > 1.0


def test_columns_averaged_independently_and_dtype_kept():
    X = np.random.default_rng(3).normal(size=(20, 3)).astype(np.float32)
    out = ewa(X, 0.8, bias_correction=True)
    assert out.dtype == np.float32 and out.shape == X.shape
    for j in range(3):
        np.testing.assert_allclose(out[:, j], _loop(X[:, j].astype(np.float64), 0.8, True),
                                   rtol=1e-5, atol=1e-6)


def test_input_not_modified():
    theta = np.arange(5.0)
    ewa(theta, 0.5, bias_correction=True)
    np.testing.assert_array_equal(theta, np.arange(5.0))


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5])
def test_beta_validated(beta):
    with pytest.raises(ValueError, match="beta"):
        ewa([1.0, 2.0], beta)


def test_series_validated():
    with pytest.raises(ValueError, match="series"):
        ewa([1.0, np.nan], 0.5)
    with pytest.raises(ValueError, match="series"):
        ewa(3.0, 0.5)
    with pytest.raises(ValueError, match="t"):
        ewa_weights(0.5, 0)


def test_docstring_example_bias_correction_of_a_constant_series():
    from dlnotes.ewa import ewa
    np.testing.assert_allclose(ewa([10.0, 10.0, 10.0], beta=0.9, bias_correction=True), [10.0, 10.0, 10.0])
