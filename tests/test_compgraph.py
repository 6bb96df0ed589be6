"""Computation-graph derivatives against central finite differences."""

import numpy as np
import pytest

from dlnotes.compgraph import logistic_single, toy_backward, toy_forward


def _fd(f, x, eps=1e-6):
    return (f(x + eps) - f(x - eps)) / (2 * eps)


def test_toy_forward_lecture_numbers():
    assert toy_forward(5.0, 3.0, 2.0) == (6.0, 11.0, 33.0)


@pytest.mark.parametrize("a,b,c", [(5.0, 3.0, 2.0), (-1.5, 0.25, 4.0), (0.0, -2.0, -7.0)])
def test_toy_backward_vs_finite_differences(a, b, c):
    d = toy_backward(a, b, c)
    J = lambda a, b, c: toy_forward(a, b, c)[2]
    assert d["da"] == pytest.approx(_fd(lambda t: J(t, b, c), a), rel=1e-7)
    assert d["db"] == pytest.approx(_fd(lambda t: J(a, t, c), b), rel=1e-7, abs=1e-7)
    assert d["dc"] == pytest.approx(_fd(lambda t: J(a, b, t), c), rel=1e-7, abs=1e-7)
    # the intermediate nodes: J as a function of v, and of u (with a fixed)
    assert d["dv"] == pytest.approx(_fd(lambda v: 3 * v, toy_forward(a, b, c)[1]))
    assert d["du"] == pytest.approx(_fd(lambda u: 3 * (a + u), b * c))


def _loss(x, w, b, y):
    a = 1 / (1 + np.exp(-(w.T @ x)[0, 0] - b))
    return -(y * np.log(a) + (1 - y) * np.log(1 - a))


@pytest.mark.parametrize("y", [0, 1])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_logistic_single_vs_finite_differences(y, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(3, 1))
    w = rng.normal(size=(3, 1))
    b = float(rng.normal())
    r = logistic_single(x, w, b, y)
    assert r["loss"] == pytest.approx(_loss(x, w, b, y), rel=1e-12)
    assert r["a"] == pytest.approx(1 / (1 + np.exp(-r["z"])))
    # dL/db and dL/dz by perturbing b (z moves one-for-one with b)
    assert r["db"] == pytest.approx(_fd(lambda t: _loss(x, w, t, y), b), rel=1e-6)
    assert r["dz"] == r["db"]
    # dL/da: the loss as a function of a
    La = lambda a: -(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert r["da"] == pytest.approx(_fd(La, r["a"], eps=1e-7), rel=1e-5)
    assert r["dz"] == pytest.approx(r["da"] * r["a"] * (1 - r["a"]), rel=1e-10)
    for i in range(3):
        def f(t, i=i):
            w2 = w.copy()
            w2[i, 0] = t
            return _loss(x, w2, b, y)
        assert r["dw"][i, 0] == pytest.approx(_fd(f, w[i, 0]), rel=1e-6)
    assert r["dw"].shape == (3, 1)


def test_logistic_single_extreme_logits_stay_finite():
    x = np.array([[1.0]])
    r = logistic_single(x, np.array([[1000.0]]), 0.0, 0)     # confidently wrong
    assert r["loss"] == pytest.approx(1000.0)
    assert r["dz"] == 1.0 and np.isinf(r["da"])
    r = logistic_single(x, np.array([[-1000.0]]), 0.0, 0)    # confidently right
    assert r["loss"] == 0.0 and r["dz"] == 0.0 and r["da"] == 1.0


def test_logistic_single_float32_dw():
    r = logistic_single(np.ones((2, 1), np.float32), np.zeros((2, 1), np.float32), 0.0, 1)
    assert r["dw"].dtype == np.float32


@pytest.mark.parametrize("call,exc,match", [
    (lambda: logistic_single(np.ones((2, 2)), np.ones((2, 2)), 0.0, 1), ValueError, "x"),
    (lambda: logistic_single(np.ones((2, 1)), np.ones((3, 1)), 0.0, 1), ValueError, "w"),
    (lambda: logistic_single(np.ones((2, 1)), np.ones((2, 1)), 0.0, 2), ValueError, "y"),
    (lambda: logistic_single(np.ones((2, 1)), np.ones((2, 1)), "0", 1), TypeError, "b"),
    (lambda: toy_forward(1.0, None, 2.0), TypeError, "b"),
])
def test_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_docstring_example_logistic_single_dw():
    from dlnotes.compgraph import logistic_single
    r = logistic_single(np.array([[1.0], [2.0]]), np.array([[0.5], [-0.25]]), 0.0, 1)
    np.testing.assert_allclose(r["dw"].ravel(), [-0.5, -1.0])
