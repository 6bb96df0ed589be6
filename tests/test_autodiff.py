"""Reverse-mode autodiff against numerical derivatives, and minimize."""

import math

import numpy as np
import pytest

from dlnotes.autodiff import Value, minimize


def _num_grad(f, xs, eps=1e-6):
    out = []
    for i in range(len(xs)):
        hi = list(xs)
        lo = list(xs)
        hi[i] += eps
        lo[i] -= eps
        out.append((f(*hi) - f(*lo)) / (2 * eps))
    return out


FUNCS = [
    ("add_mul", lambda a, b, c: 3 * (a + b * c), lambda a, b, c: 3 * (a + b * c)),
    ("sub_div", lambda a, b, c: (a - b) / c - 2 / a + 1 - c, lambda a, b, c: (a - b) / c - 2 / a + 1 - c),
    ("pow_neg", lambda a, b, c: -(a ** 3) + b ** 0.5 * c ** -2,
     lambda a, b, c: -(a ** 3) + b ** 0.5 * c ** -2),
    ("exp_log", lambda a, b, c: (a * b).exp().log() + (b * b + c).log(),
     lambda a, b, c: math.log(math.exp(a * b)) + math.log(b * b + c)),
    ("tanh_sigmoid", lambda a, b, c: (a * c).tanh() * (b - a).sigmoid(),
     lambda a, b, c: math.tanh(a * c) / (1 + math.exp(-(b - a)))),
    ("relu", lambda a, b, c: (a - b).relu() * c + (b - a).relu(),
     lambda a, b, c: max(a - b, 0) * c + max(b - a, 0)),
    # a node used several times: gradients must accumulate
    ("reuse", lambda a, b, c: a * a * a + a * b + a / c, lambda a, b, c: a ** 3 + a * b + a / c),
    ("neuron", lambda a, b, c: -(c * (a * 0.5 + b * -1.5 + 0.2).sigmoid().log()
                                 + (1 - c) * (1 - (a * 0.5 + b * -1.5 + 0.2).sigmoid()).log()),
     lambda a, b, c: -(c * math.log(1 / (1 + math.exp(-(a * 0.5 - b * 1.5 + 0.2))))
                       + (1 - c) * math.log(1 - 1 / (1 + math.exp(-(a * 0.5 - b * 1.5 + 0.2)))))),
]


@pytest.mark.parametrize("name,fv,ff", FUNCS, ids=[f[0] for f in FUNCS])
@pytest.mark.parametrize("point", [(1.3, 0.7, 2.1), (2.0, 1.5, 0.4)])
def test_gradients_match_numerical(name, fv, ff, point):
    nodes = [Value(x) for x in point]
    out = fv(*nodes)
    assert out.data == pytest.approx(ff(*point), rel=1e-12)
    out.backward()
    num = _num_grad(ff, point)
    for node, g in zip(nodes, num):
        assert node.grad == pytest.approx(g, rel=1e-6, abs=1e-8)


def test_backward_twice_is_idempotent():
    a = Value(2.0)
    y = a * a + a
    y.backward()
    y.backward()
    assert a.grad == 5.0


def test_deep_graph_no_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 5000, rel=1e-9)


def test_sigmoid_extreme_and_relu_at_zero():
    s = Value(-1000.0).sigmoid()
    assert s.data == 0.0
    z = Value(0.0)
    r = z.relu()
    r.backward()
    assert r.data == 0.0 and z.grad == 0.0


def test_minimize_quadratic_to_five():
    r = minimize(lambda w: w**2 - 10 * w + 25, w0=0.0, learning_rate=0.1, steps=200)
    assert r.w == pytest.approx(5.0, abs=1e-10)
    # closed form of gradient descent on (w - 5)^2: w_k - 5 = (1 - 2 lr)^k (w0 - 5)
    k = np.arange(201)
    np.testing.assert_allclose(r.ws, 5 - 5 * 0.8 ** k, atol=1e-12)
    np.testing.assert_allclose(r.costs, (r.ws - 5) ** 2, atol=1e-10)
    assert r.ws.shape == r.costs.shape == (201,)


def test_minimize_divergence_raises():
    with pytest.raises(FloatingPointError, match="learning_rate"):
        minimize(lambda w: w**2, w0=1.0, learning_rate=10.0, steps=2000)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: Value("1"), TypeError, "data"),
    (lambda: Value(-1.0).log(), ValueError, "log"),
    (lambda: Value(2.0) ** Value(2.0), TypeError, "unsupported"),
    (lambda: Value(0.0) ** -1, ZeroDivisionError, "x = 0"),
    (lambda: minimize(lambda w: w * w, 0.0, 0.0, 10), ValueError, "learning_rate"),
    (lambda: minimize(lambda w: w * w, 0.0, 0.1, -1), ValueError, "steps"),
    (lambda: minimize(lambda w: 3.0, 0.0, 0.1, 1), TypeError, "Value"),
    (lambda: minimize(3.0, 0.0, 0.1, 1), TypeError, "f"),
])
def test_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_fractional_power_of_a_negative_value_is_a_clear_error():
    """Regression: Value(-2.0) ** 0.5 raised a TypeError about a complex ``data`` argument."""
    with pytest.raises(ValueError, match=r"non-negative base"):
        Value(-2.0) ** 0.5
    assert (Value(-2.0) ** 2).data == 4.0                         # integer exponents are fine
