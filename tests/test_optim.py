"""Optimizer steps against their closed forms, state handling, validation, convergence."""

import numpy as np
import pytest

from dlnotes.optim import (Adam, GradientDescent, Momentum, RMSprop, make_optimizer,
                           trajectory)

SHAPES = {"W1": (4, 3), "b1": (4, 1), "W2": (1, 4), "b2": (1, 1)}


def _params(rng, dtype=np.float64):
    return {k: rng.standard_normal(s).astype(dtype) for k, s in SHAPES.items()}


def _grads(rng, dtype=np.float64):
    return {"d" + k: rng.standard_normal(s).astype(dtype) for k, s in SHAPES.items()}


def _copy(d):
    return {k: v.copy() for k, v in d.items()}


def test_gradient_descent_closed_form_and_in_place():
    rng = np.random.default_rng(0)
    params, grads = _params(rng), _grads(rng)
    before = _copy(params)
    ids = {k: id(v) for k, v in params.items()}
    opt = GradientDescent(learning_rate=0.3)
    opt.step(params, grads)
    for k in params:
        np.testing.assert_allclose(params[k], before[k] - 0.3 * grads["d" + k], rtol=0, atol=1e-15)
        assert id(params[k]) == ids[k]
    assert opt.t == 1


def test_momentum_v_after_two_steps():
    rng = np.random.default_rng(1)
    params = _params(rng)
    g1, g2 = _grads(rng), _grads(rng)
    p0 = _copy(params)
    beta, lr = 0.8, 0.05
    opt = Momentum(lr, beta=beta)
    opt.step(params, g1)
    opt.step(params, g2)
    for k in params:
        v1 = (1 - beta) * g1["d" + k]
        v2 = beta * v1 + (1 - beta) * g2["d" + k]
        np.testing.assert_allclose(opt.state[k]["v"], v2, rtol=1e-14, atol=1e-15)
        np.testing.assert_allclose(params[k], p0[k] - lr * v1 - lr * v2, rtol=1e-13, atol=1e-15)
    assert opt.t == 2


def test_momentum_from_set_state():
    rng = np.random.default_rng(2)
    params, grads = _params(rng), _grads(rng)
    p0 = _copy(params)
    v0 = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    opt = Momentum(0.1, beta=0.9)
    opt.state = {k: {"v": v0[k].copy()} for k in SHAPES}
    opt.step(params, grads)
    for k in params:
        v = 0.9 * v0[k] + 0.1 * grads["d" + k]
        np.testing.assert_allclose(params[k], p0[k] - 0.1 * v, rtol=1e-13, atol=1e-15)


def test_momentum_beta_zero_is_gradient_descent():
    rng = np.random.default_rng(3)
    params, grads = _params(rng), _grads(rng)
    p_gd = _copy(params)
    Momentum(0.2, beta=0.0).step(params, grads)
    GradientDescent(0.2).step(p_gd, grads)
    for k in params:
        np.testing.assert_array_equal(params[k], p_gd[k])


def test_rmsprop_with_epsilon_from_set_state():
    rng = np.random.default_rng(4)
    params, grads = _params(rng), _grads(rng)
    grads["db2"][...] = 0.0          # a zero gradient with zero state: eps avoids 0/0
    p0 = _copy(params)
    s0 = {k: rng.random(s) for k, s in SHAPES.items()}
    s0["b2"][...] = 0.0
    beta, lr, eps = 0.95, 0.01, 1e-6
    opt = RMSprop(lr, beta=beta, epsilon=eps)
    opt.state = {k: {"s": s0[k].copy()} for k in SHAPES}
    opt.t = 7
    opt.step(params, grads)
    for k in params:
        g = grads["d" + k]
        s = beta * s0[k] + (1 - beta) * g**2
        np.testing.assert_allclose(opt.state[k]["s"], s, rtol=1e-14)
        np.testing.assert_allclose(params[k], p0[k] - lr * g / (np.sqrt(s) + eps), rtol=1e-13, atol=1e-15)
    assert np.all(np.isfinite(params["b2"])) and params["b2"][0, 0] == p0["b2"][0, 0]
    assert opt.t == 8


def test_rmsprop_epsilon_matters():
    params = {"w": np.zeros(1)}
    RMSprop(1.0, beta=0.0, epsilon=1.0).step(params, {"dw": np.array([1.0])})
    assert params["w"][0] == pytest.approx(-0.5)  # 1 / (sqrt(1) + 1)


def _adam_closed_form(p, gs, lr, b1, b2, eps):
    """Reference Adam written from the formulas, step by step."""
    v = np.zeros_like(p)
    s = np.zeros_like(p)
    for t, g in enumerate(gs, start=1):
        v = b1 * v + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        p = p - lr * (v / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
    return p, v, s


def test_adam_t1_closed_form():
    rng = np.random.default_rng(5)
    params, grads = _params(rng), _grads(rng)
    p0 = _copy(params)
    lr, eps = 0.01, 1e-8
    opt = Adam(lr, beta1=0.9, beta2=0.999, epsilon=eps)
    opt.step(params, grads)
    for k in params:
        g = grads["d" + k]
        # at t = 1 the corrected averages are g and g^2 exactly
        np.testing.assert_allclose(params[k], p0[k] - lr * g / (np.abs(g) + eps), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.state[k]["v"], 0.1 * g, rtol=1e-14)
        np.testing.assert_allclose(opt.state[k]["s"], 0.001 * g**2, rtol=1e-12)


def test_adam_t3_closed_form_and_uncorrected_state():
    rng = np.random.default_rng(6)
    params = _params(rng)
    gs = [_grads(rng) for _ in range(3)]
    p0 = _copy(params)
    lr, b1, b2, eps = 0.02, 0.8, 0.99, 1e-7
    opt = Adam(lr, beta1=b1, beta2=b2, epsilon=eps)
    for g in gs:
        opt.step(params, g)
    assert opt.t == 3
    for k in params:
        p_ref, v_ref, s_ref = _adam_closed_form(p0[k], [g["d" + k] for g in gs], lr, b1, b2, eps)
        np.testing.assert_allclose(params[k], p_ref, rtol=1e-12, atol=1e-14)
        # the bias correction must not be written back into v and s
        np.testing.assert_allclose(opt.state[k]["v"], v_ref, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(opt.state[k]["s"], s_ref, rtol=1e-12, atol=1e-15)


def test_adam_from_set_state_uses_t():
    rng = np.random.default_rng(7)
    params, grads = _params(rng), _grads(rng)
    p0 = _copy(params)
    v0 = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    s0 = {k: rng.random(s) for k, s in SHAPES.items()}
    lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-8
    opt = Adam(lr, b1, b2, eps)
    opt.state = {k: {"v": v0[k].copy(), "s": s0[k].copy()} for k in SHAPES}
    opt.t = 9
    opt.step(params, grads)
    t = 10
    for k in params:
        g = grads["d" + k]
        v = b1 * v0[k] + (1 - b1) * g
        s = b2 * s0[k] + (1 - b2) * g**2
        expected = p0[k] - lr * (v / (1 - b1**t)) / (np.sqrt(s / (1 - b2**t)) + eps)
        np.testing.assert_allclose(params[k], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make", [
    lambda: GradientDescent(0.1), lambda: Momentum(0.1), lambda: RMSprop(0.01), lambda: Adam(0.01),
])
def test_float32_kept(make):
    rng = np.random.default_rng(8)
    params, grads = _params(rng, np.float32), _grads(rng, np.float32)
    opt = make()
    for _ in range(3):
        opt.step(params, grads)
    for k in params:
        assert params[k].dtype == np.float32
        for arr in opt.state.get(k, {}).values():
            assert arr.dtype == np.float32


@pytest.mark.parametrize("make,lr", [
    (lambda lr: GradientDescent(lr), 0.05),
    (lambda lr: Momentum(lr, beta=0.9), 0.05),
    (lambda lr: RMSprop(lr, beta=0.9), 0.01),
    (lambda lr: Adam(lr), 0.05),
])
def test_convergence_on_a_quadratic(make, lr):
    # f(x) = 1/2 (x - c)^T A (x - c), ill-conditioned: minimum at c
    A = np.diag([1.0, 10.0])
    c = np.array([1.0, -2.0])
    path = trajectory(lambda x: A @ (x - c), [-3.0, 2.0], make(lr), steps=2000)
    assert path.shape == (2001, 2)
    np.testing.assert_allclose(path[0], [-3.0, 2.0])
    # RMSprop with a constant step oscillates at the scale of lr around the minimum
    np.testing.assert_allclose(path[-1], c, atol=2 * lr if lr == 0.01 else 1e-6)
    f = lambda x: 0.5 * (x - c) @ A @ (x - c)
    assert f(path[-1]) < 1e-3 * f(path[0])


def test_momentum_damps_oscillation():
    # On a steep valley GD with a large step oscillates in y; momentum averages it out.
    A = np.diag([1.0, 40.0])
    grad = lambda x: A @ x
    gd = trajectory(grad, [-5.0, 1.0], GradientDescent(0.048), steps=60)
    mom = trajectory(grad, [-5.0, 1.0], Momentum(0.048, beta=0.9), steps=60)
    assert abs(mom[-1, 0]) < abs(gd[-1, 0])


def test_trajectory_resets_state():
    grad = lambda x: 2 * x
    opt = Adam(0.1)
    p1 = trajectory(grad, [1.0, 1.0], opt, steps=5)
    p2 = trajectory(grad, [1.0, 1.0], opt, steps=5)
    np.testing.assert_array_equal(p1, p2)


def test_set_learning_rate():
    opt = GradientDescent(0.1)
    opt.set_learning_rate(0.01)
    params = {"w": np.ones(1)}
    opt.step(params, {"dw": np.ones(1)})
    assert params["w"][0] == pytest.approx(0.99)
    with pytest.raises(ValueError, match="learning_rate"):
        opt.set_learning_rate(0.0)


@pytest.mark.parametrize("cls,kwargs,match", [
    (GradientDescent, {"learning_rate": 0.0}, "learning_rate"),
    (GradientDescent, {"learning_rate": -1.0}, "learning_rate"),
    (Momentum, {"beta": 1.0}, "beta"),
    (Momentum, {"beta": -0.1}, "beta"),
    (RMSprop, {"epsilon": 0.0}, "epsilon"),
    (RMSprop, {"beta": 1.5}, "beta"),
    (Adam, {"beta1": 1.0}, "beta1"),
    (Adam, {"beta2": -0.5}, "beta2"),
    (Adam, {"epsilon": -1e-8}, "epsilon"),
])
def test_validation(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


def test_step_errors_name_the_key():
    opt = Adam(0.01)
    with pytest.raises(ValueError, match="dW1"):
        opt.step({"W1": np.zeros((2, 2))}, {"dW2": np.zeros((2, 2))})
    with pytest.raises(ValueError, match=r"dW1.*\(2, 2\)"):
        opt.step({"W1": np.zeros((2, 2))}, {"dW1": np.zeros((2, 1))})


def test_make_optimizer():
    assert isinstance(make_optimizer("adam", 0.01), Adam)
    assert isinstance(make_optimizer("GD", 0.01), GradientDescent)
    opt = RMSprop(0.1)
    assert make_optimizer(opt, 0.5) is opt
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer("lbfgs", 0.01)
    with pytest.raises(TypeError, match="beta"):
        make_optimizer("gd", 0.1, beta=0.9)


@pytest.mark.parametrize("make", [GradientDescent, Momentum, RMSprop, Adam])
def test_bad_step_changes_nothing(make):
    """Regression: a NaN gradient was applied silently, a missing key raised KeyError (not ValueError)
    after t was already incremented and earlier parameters already updated."""
    opt = make(0.1)
    p = {"W1": np.ones((2, 2)), "W2": np.ones((1, 2))}
    before = {k: v.copy() for k, v in p.items()}
    bad_grads = [{"dW1": np.ones((2, 2))},                                          # dW2 missing
                 {"dW1": np.ones((2, 2)), "dW2": np.array([[1.0, np.nan]])},        # NaN
                 {"dW1": np.ones((2, 2)), "dW2": np.ones((2, 1))}]                  # shape
    for grads in bad_grads:
        with pytest.raises(ValueError, match="dW2"):
            opt.step(p, grads)
        assert opt.t == 0 and opt.state == {}
        for k in p:
            np.testing.assert_array_equal(p[k], before[k])
    with pytest.raises(TypeError, match=r"parameters\['W'\]"):
        opt.step({"W": [1.0]}, {"dW": np.ones(1)})


# --- the examples moved out of the docstrings (one doctest per docstring stays) ---------------


def test_docstring_examples_momentum_rmsprop_adam_state():
    opt = Momentum(learning_rate=1.0, beta=0.9)
    params = {"W1": np.zeros((1, 1))}
    for _ in range(2):
        opt.step(params, {"dW1": np.ones((1, 1))})
    np.testing.assert_allclose(opt.state["W1"]["v"], [[0.19]])        # 0.1, then 0.9 * 0.1 + 0.1

    opt = RMSprop(learning_rate=0.01, beta=0.9)
    params = {"W1": np.zeros((1, 2))}
    opt.step(params, {"dW1": np.array([[4.0, 0.0]])})
    np.testing.assert_allclose(opt.state["W1"]["s"], [[1.6, 0.0]])    # 0.1 * 4**2

    opt = Adam(learning_rate=0.1)
    params = {"W1": np.zeros((1, 2))}
    opt.step(params, {"dW1": np.array([[3.0, -0.5]])})
    np.testing.assert_allclose(opt.state["W1"]["v"], [[0.3, -0.05]])  # stored without the bias correction


def test_docstring_example_trajectory_shape():
    grad = lambda x: np.array([2 * x[0], 20 * x[1]])
    path = trajectory(grad, [1.0, 1.0], GradientDescent(0.04), steps=3)
    assert path.shape == (4, 2)
    np.testing.assert_allclose(path[1], [0.92, 0.2])


# --- beyond the course: Nesterov, AdaGrad, AdamW -------------------------------------------------

from dlnotes.optim import OPTIMIZERS, AdaGrad, AdamW, Nesterov  # noqa: E402


def test_nesterov_from_set_state_closed_form():
    rng = np.random.default_rng(20)
    params, grads = _params(rng), _grads(rng)
    p0 = _copy(params)
    v0 = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    beta, lr = 0.8, 0.05
    opt = Nesterov(lr, beta=beta)
    opt.state = {k: {"v": v0[k].copy()} for k in SHAPES}
    opt.step(params, grads)
    for k in params:
        g = grads["d" + k]
        v = beta * v0[k] + (1 - beta) * g
        np.testing.assert_allclose(opt.state[k]["v"], v, rtol=1e-14)
        np.testing.assert_allclose(params[k], p0[k] - lr * (beta * v + (1 - beta) * g), rtol=1e-13, atol=1e-15)


def test_nesterov_is_the_lookahead_method_and_pytorch_formula():
    """Three equal things on a quadratic: the look-ahead form (gradient at W - alpha beta v), PyTorch's
    documented SGD(nesterov=True) (u := mu u + g; W -= gamma (g + mu u)) at gamma = alpha (1 - beta),
    and dlnotes' Nesterov, whose stored point is the look-ahead point."""
    H = np.array([0.5, 3.0])
    grad = lambda w: H * w                       # noqa: E731
    alpha, beta, x0 = 0.2, 0.9, np.array([2.0, -1.0])
    ours = trajectory(grad, x0, Nesterov(alpha, beta), 25)
    w, v, look = x0.copy(), np.zeros(2), [x0.copy()]          # the look-ahead form, tracking W - alpha beta v
    for _ in range(25):
        v = beta * v + (1 - beta) * grad(w - alpha * beta * v)
        w = w - alpha * v
        look.append(w - alpha * beta * v)
    np.testing.assert_allclose(ours, np.array(look), rtol=1e-12, atol=1e-14)
    w, u, torch_path = x0.copy(), np.zeros(2), [x0.copy()]
    for _ in range(25):
        g = grad(w)
        u = beta * u + g
        w = w - alpha * (1 - beta) * (g + beta * u)
        torch_path.append(w.copy())
    np.testing.assert_allclose(ours, np.array(torch_path), rtol=1e-12, atol=1e-14)
    plain = trajectory(grad, x0, Momentum(alpha, beta), 25)
    assert np.abs(plain - ours).max() > 1e-3                  # it is not plain momentum


def test_adagrad_sum_of_squares_from_set_state():
    rng = np.random.default_rng(21)
    params, grads = _params(rng), _grads(rng)
    grads["db2"][...] = 0.0
    p0 = _copy(params)
    s0 = {k: rng.random(s) for k, s in SHAPES.items()}
    s0["b2"][...] = 0.0
    lr, eps = 0.1, 1e-10                     # PyTorch's Adagrad: sum += g^2; p -= lr g / (sqrt(sum) + eps)
    opt = AdaGrad(lr, epsilon=eps)
    opt.state = {k: {"s": s0[k].copy()} for k in SHAPES}
    opt.step(params, grads)
    for k in params:
        g = grads["d" + k]
        s = s0[k] + g ** 2
        np.testing.assert_allclose(opt.state[k]["s"], s, rtol=1e-14)
        np.testing.assert_allclose(params[k], p0[k] - lr * g / (np.sqrt(s) + eps), rtol=1e-13, atol=1e-15)
    assert params["b2"][0, 0] == p0["b2"][0, 0]


def test_adagrad_constant_gradient_steps_decay_like_inverse_sqrt():
    opt, p = AdaGrad(0.3), {"w": np.zeros(1)}
    for t in range(1, 50):
        before = p["w"][0]
        opt.step(p, {"dw": np.array([-4.0])})
        assert p["w"][0] - before == pytest.approx(0.3 / np.sqrt(t), rel=1e-8)   # eps = 1e-8 in sqrt(s) + eps


def test_adamw_closed_form_from_set_state_decays_weights_not_biases():
    rng = np.random.default_rng(22)
    params, grads = _params(rng), _grads(rng)
    p0 = _copy(params)
    v0 = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    s0 = {k: rng.random(s) for k, s in SHAPES.items()}
    lr, b1, b2, eps, wd = 0.01, 0.8, 0.99, 1e-8, 0.3
    opt = AdamW(lr, b1, b2, eps, weight_decay=wd)
    opt.state = {k: {"v": v0[k].copy(), "s": s0[k].copy()} for k in SHAPES}
    opt.t = 4
    opt.step(params, grads)
    t = 5
    for k in params:
        g = grads["d" + k]
        v = b1 * v0[k] + (1 - b1) * g
        s = b2 * s0[k] + (1 - b2) * g ** 2
        decayed = p0[k] * (1 - lr * wd) if k.startswith("W") else p0[k]     # PyTorch: theta -= lr wd theta
        expected = decayed - lr * (v / (1 - b1 ** t)) / (np.sqrt(s / (1 - b2 ** t)) + eps)
        np.testing.assert_allclose(params[k], expected, rtol=1e-13, atol=1e-15)


def test_adamw_zero_decay_is_adam_and_l2_is_not_adamw():
    rng = np.random.default_rng(23)
    params, gs = _params(rng), [_grads(rng) for _ in range(5)]
    a, w = _copy(params), _copy(params)
    adam, adamw = Adam(0.01), AdamW(0.01, weight_decay=0.0)
    for g in gs:
        adam.step(a, g)
        adamw.step(w, g)
    for k in a:
        np.testing.assert_array_equal(a[k], w[k])
    # decoupled decay differs from the L2 gradient lambda W fed through Adam
    l2, dec = _copy(params), _copy(params)
    adam, adamw = Adam(0.01), AdamW(0.01, weight_decay=0.5)
    for g in gs:
        adam.step(l2, {dk: gv + (0.5 * l2[dk[1:]] if dk.startswith("dW") else 0) for dk, gv in g.items()})
        adamw.step(dec, g)
    assert np.abs(l2["W1"] - dec["W1"]).max() > 1e-4


def test_new_optimizers_keep_float32_and_are_registered():
    for name, cls in (("nesterov", Nesterov), ("adagrad", AdaGrad), ("adamw", AdamW)):
        assert OPTIMIZERS[name] is cls and isinstance(make_optimizer(name, 0.01), cls)
        rng = np.random.default_rng(24)
        params, grads = _params(rng, np.float32), _grads(rng, np.float32)
        opt = cls(0.01)
        for _ in range(3):
            opt.step(params, grads)
        assert all(p.dtype == np.float32 for p in params.values())
        assert all(a.dtype == np.float32 for st in opt.state.values() for a in st.values())
    assert make_optimizer("adamw", 0.01, weight_decay=0.2).weight_decay == 0.2
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(0.01, weight_decay=-1.0)
    with pytest.raises(ValueError, match="epsilon"):
        AdaGrad(0.01, epsilon=0.0)


def test_new_optimizers_train_with_fit():
    from dlnotes.data import make_moons
    from dlnotes.train import fit
    X, Y = make_moons(200, noise=0.1, rng=0)
    for opt in ("nesterov", "adagrad", AdamW(0.01, weight_decay=0.01)):
        lr = 0.1 if opt == "nesterov" else 0.01 if opt == "adagrad" else 0.01
        r = fit(X, Y, [2, 8, 1], optimizer=opt, learning_rate=lr, epochs=60, batch_size=32, rng=0)
        assert r.config["engine"] == "readable"
        assert r.history["cost"][-1] < r.history["cost"][0]
