"""Acceptance criteria of dlnotes (issue 2), one test class per criterion.

Each class checks its bullet by running code, not by reading it: values against
closed forms, gradients against two-sided differences, behaviour on bad input,
dtypes, determinism. The unit tests of each module go deeper; this file is the
checklist a reader can scan. It must stay fast (well under 20 s).
"""

from __future__ import annotations

import ast
import pathlib
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes import activations as act
from dlnotes import autodiff, batchnorm, compgraph, data, ewa, gradcheck, initializers, logistic, losses, nn
from dlnotes import layernorm, optim, precision, regularization, schedules, train, tuning
from dlnotes.gradcheck import numerical_grad, relative_difference

TESTS = pathlib.Path(__file__).parent

#: Relative error a correct float64 gradient must reach (the course's "great" threshold).
GRAD_TOL = 1e-7


def rel_err(analytic, f, x, eps=1e-6):
    """Relative difference between ``analytic`` and two-sided differences of ``f`` at ``x``."""
    return relative_difference(analytic, numerical_grad(f, x, eps))


def floats_in(obj):
    """Every floating-point array (or NumPy float scalar) inside nested tuples, lists, dicts."""
    if isinstance(obj, (np.ndarray, np.floating)):
        return [obj] if obj.dtype.kind == "f" else []
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in floats_in(v)]
    if isinstance(obj, (tuple, list)):
        return [a for v in obj for a in floats_in(v)]
    return []


@pytest.fixture(scope="module")
def digits():
    X, labels = data.load_digits()
    return data.train_dev_test_split(X, labels, (0.8, 0.2), rng=0)


# =============================================================================================
# Activations with derivatives
# =============================================================================================
ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


class TestActivations:
    def test_values(self):
        z = np.array([-2.0, 0.0, 3.0])
        np.testing.assert_allclose(act.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
        np.testing.assert_allclose(act.tanh(z), np.tanh(z), rtol=1e-15)
        np.testing.assert_array_equal(act.relu(z), [0.0, 0.0, 3.0])
        np.testing.assert_allclose(act.leaky_relu(z, alpha=0.1), [-0.2, 0.0, 3.0])
        np.testing.assert_array_equal(act.identity(z), z)

    def test_derivative_conventions_at_zero(self):
        assert act.relu_grad(np.array([0.0]))[0] == 0.0                       # g'(0) = 0
        assert act.leaky_relu_grad(np.array([0.0]), alpha=0.1)[0] == pytest.approx(0.1)
        assert act.sigmoid_grad(np.array([0.0]))[0] == 0.25
        assert act.tanh_grad(np.array([0.0]))[0] == 1.0
        np.testing.assert_array_equal(act.identity_grad(np.array([-1.0, 0.0, 2.0])), 1.0)

    @pytest.mark.parametrize("name", ELEMENTWISE)
    def test_derivative_matches_two_sided_differences(self, name, rng):
        g, g_grad = act.ACTIVATIONS[name]
        z = rng.standard_normal((4, 6))
        z[np.abs(z) < 1e-3] = 0.5                        # stay away from the ReLU kink
        w = rng.standard_normal(z.shape)                 # f(z) = sum(w * g(z)) => grad = w * g'(z)
        assert rel_err(w * g_grad(z), lambda x: float(np.sum(w * g(x))), z.copy()) < GRAD_TOL

    def test_softmax_columns_are_distributions(self, rng):
        A = act.softmax(rng.standard_normal((5, 7)) * 10)
        assert np.all(A > 0)
        np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-14)

    def test_softmax_full_jacobian(self, rng):
        z = rng.standard_normal(4)
        J = act.softmax_jacobian(z)
        a = act.softmax(z)
        np.testing.assert_allclose(J, np.diag(a) - np.outer(a, a), rtol=1e-14)
        J_num = np.stack([numerical_grad(lambda x, i=i: float(act.softmax(x)[i]), z.copy()) for i in range(4)])
        assert relative_difference(J, J_num) < GRAD_TOL                # row i = d a_i / d z
        np.testing.assert_allclose(J, J.T)                              # symmetric
        np.testing.assert_allclose(J.sum(axis=1), 0.0, atol=1e-15)     # rows sum to 0


# =============================================================================================
# Losses and costs
# =============================================================================================
class TestLosses:
    def test_bce_from_probabilities_and_from_logits(self, rng):
        Z = rng.standard_normal((1, 50)) * 3
        Y = (rng.random((1, 50)) < 0.5).astype(float)
        A = act.sigmoid(Z)
        by_hand = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
        assert losses.binary_cross_entropy(A, Y) == pytest.approx(by_hand, rel=1e-13)
        assert losses.binary_cross_entropy_from_logits(Z, Y) == pytest.approx(by_hand, rel=1e-13)

    def test_categorical_and_sparse_categorical(self, rng):
        Z = rng.standard_normal((4, 30))
        labels = rng.integers(0, 4, 30)
        Y = data.one_hot(labels, 4)
        P = act.softmax(Z)
        by_hand = -np.mean(np.log(P[labels, np.arange(30)]))
        assert losses.categorical_cross_entropy(P, Y) == pytest.approx(by_hand, rel=1e-13)
        assert losses.categorical_cross_entropy_from_logits(Z, Y) == pytest.approx(by_hand, rel=1e-13)
        assert losses.sparse_categorical_cross_entropy(P, labels) == pytest.approx(by_hand, rel=1e-13)

    def test_mse(self):
        # the course's squared error carries 1/2: J = (1/m) sum 1/2 (a - y)^2
        assert losses.mean_squared_error(np.array([[1.0, 3.0]]), np.array([[0.0, 1.0]])) == 1.25

    @pytest.mark.parametrize("cost,make", [
        (losses.binary_cross_entropy, lambda r: (act.sigmoid(r.standard_normal((1, 20))),
                                                 (r.random((1, 20)) < 0.5) * 1.0)),
        (losses.categorical_cross_entropy, lambda r: (act.softmax(r.standard_normal((3, 20))),
                                                      data.one_hot(r.integers(0, 3, 20), 3))),
        (losses.mean_squared_error, lambda r: (r.standard_normal((2, 20)), r.standard_normal((2, 20)))),
    ])
    def test_cost_is_a_mean_over_examples(self, cost, make, rng):
        A, Y = make(rng)
        doubled = cost(np.hstack([A, A]), np.hstack([Y, Y]))       # a sum would double
        assert doubled == pytest.approx(cost(A, Y), rel=1e-13)
        per_example = [cost(A[:, i:i + 1], Y[:, i:i + 1]) for i in range(A.shape[1])]
        assert cost(A, Y) == pytest.approx(np.mean(per_example), rel=1e-12)

    def test_penalties_and_their_gradients(self, rng):
        p = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1)),
             "W2": rng.standard_normal((1, 3)), "b2": rng.standard_normal((1, 1))}
        lambd, m = 0.7, 10
        sq = np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2)
        ab = np.sum(np.abs(p["W1"])) + np.sum(np.abs(p["W2"]))
        assert regularization.l2_penalty(p, lambd, m) == pytest.approx(lambd / (2 * m) * sq, rel=1e-14)
        assert regularization.l1_penalty(p, lambd, m) == pytest.approx(lambd / m * ab, rel=1e-14)
        W = p["W1"].copy()
        for pen, grad in [(regularization.l2_penalty, regularization.l2_penalty_grad),
                          (regularization.l1_penalty, regularization.l1_penalty_grad)]:
            assert rel_err(grad(W, lambd, m), lambda x: pen({"W1": x}, lambd, m), W.copy()) < GRAD_TOL


# =============================================================================================
# Initializers
# =============================================================================================
class TestInitializers:
    def test_zeros_and_constant(self):
        np.testing.assert_array_equal(initializers.zeros((2, 3)), np.zeros((2, 3)))
        np.testing.assert_array_equal(initializers.constant((2, 3), 0.5), np.full((2, 3), 0.5))

    @pytest.mark.parametrize("name,variance", [
        ("random_small", lambda n_in, n_out: 0.01 ** 2),
        ("lecun", lambda n_in, n_out: 1 / n_in),
        ("xavier", lambda n_in, n_out: 1 / n_in),                 # the course's name for LeCun
        ("glorot", lambda n_in, n_out: 2 / (n_in + n_out)),
        ("he", lambda n_in, n_out: 2 / n_in),
    ])
    def test_variance(self, name, variance):
        n_out, n_in = 300, 700                                    # W has shape (n_out, n_in)
        W = initializers.INITIALIZERS[name]((n_out, n_in), rng=0)
        assert W.shape == (n_out, n_in)
        assert abs(W.mean()) < 0.01 * np.sqrt(variance(n_in, n_out)) * 3
        assert W.var() == pytest.approx(variance(n_in, n_out), rel=0.02)   # 210 000 draws: ~0.3 % noise


# =============================================================================================
# Logistic regression
# =============================================================================================
class TestLogisticRegression:
    @given(n=st.integers(1, 5), m=st.integers(1, 12), seed=st.integers(0, 2 ** 31))
    @settings(max_examples=15)
    def test_loop_and_vectorized_agree(self, n, m, seed):
        r = np.random.default_rng(seed)
        w, b = r.standard_normal((n, 1)), float(r.standard_normal())
        X, Y = r.standard_normal((n, m)), (r.random((1, m)) < 0.5) * 1.0
        g1, c1 = logistic.propagate_loop(w, b, X, Y)
        g2, c2 = logistic.propagate(w, b, X, Y)
        np.testing.assert_allclose(g1["dw"], g2["dw"], rtol=1e-12, atol=1e-15)
        assert float(g1["db"]) == pytest.approx(float(g2["db"]), rel=1e-12, abs=1e-15)
        assert c1 == pytest.approx(c2, rel=1e-12)

    def test_gradients_are_those_of_the_cost(self, rng):
        X, Y = rng.standard_normal((3, 20)), (rng.random((1, 20)) < 0.5) * 1.0
        w = rng.standard_normal((3, 1))
        grads, _ = logistic.propagate(w, 0.3, X, Y)
        assert rel_err(grads["dw"], lambda x: logistic.propagate(x, 0.3, X, Y)[1], w.copy()) < GRAD_TOL

    def test_training_and_prediction(self):
        X, Y = data.make_moons(200, noise=0.05, rng=0)
        res = logistic.fit(X[:, :150], Y[:, :150], X[:, 150:], Y[:, 150:], num_iterations=300)
        assert res["costs"][-1] < res["costs"][0]
        assert res["train_accuracy"] > 0.8 and res["test_accuracy"] > 0.8     # a line, on moons
        pred = logistic.predict(res["w"], res["b"], X)
        assert pred.shape == (1, 200) and set(np.unique(pred)) <= {0, 1}
        z = res["w"].T @ X + res["b"]
        np.testing.assert_array_equal(pred, (z > 0).astype(int))            # sigma(z) > 0.5 <=> z > 0


# =============================================================================================
# Networks
# =============================================================================================
class TestNetworks:
    def test_parameter_dict_and_shapes(self):
        p = initializers.initialize_parameters([5, 4, 3, 1], "he", rng=0)
        assert list(p) == ["W1", "b1", "W2", "b2", "W3", "b3"]
        assert [p[f"W{l}"].shape for l in (1, 2, 3)] == [(4, 5), (3, 4), (1, 3)]
        assert [p[f"b{l}"].shape for l in (1, 2, 3)] == [(4, 1), (3, 1), (1, 1)]
        assert nn.layer_shapes([5, 4, 3, 1]) == {k: v.shape for k, v in p.items()}

    def test_one_hidden_layer_is_the_course_equations(self, rng):
        X, Y = rng.standard_normal((2, 9)), (rng.random((1, 9)) < 0.5) * 1.0
        p = initializers.initialize_parameters([2, 4, 1], "random_small", rng=1)
        m = X.shape[1]
        Z1 = p["W1"] @ X + p["b1"]
        A1 = np.tanh(Z1)
        Z2 = p["W2"] @ A1 + p["b2"]
        A2 = 1 / (1 + np.exp(-Z2))
        dZ2 = A2 - Y
        dW2, db2 = dZ2 @ A1.T / m, dZ2.sum(axis=1, keepdims=True) / m
        dZ1 = (p["W2"].T @ dZ2) * (1 - A1 ** 2)
        dW1, db1 = dZ1 @ X.T / m, dZ1.sum(axis=1, keepdims=True) / m

        AL, caches = nn.model_forward(X, p, ("tanh", "sigmoid"))
        np.testing.assert_allclose(AL, A2, rtol=1e-14)
        grads = nn.model_backward(AL, Y, caches, loss="bce")
        for key, ref in {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}.items():
            np.testing.assert_allclose(grads[key], ref, rtol=1e-12, atol=1e-17)

    def test_l_layer_caches(self, rng):
        X = rng.standard_normal((3, 5))
        p = initializers.initialize_parameters([3, 4, 4, 2], "he", rng=0)
        AL, caches = nn.model_forward(X, p, ("relu", "relu", "softmax"))
        assert AL.shape == (2, 5) and len(caches) == 3
        A_prev = X
        for l, cache in enumerate(caches, start=1):
            cached_A, W, b = cache["linear"]
            assert cached_A is A_prev or np.array_equal(cached_A, A_prev)
            assert W is p[f"W{l}"] and b is p[f"b{l}"]
            np.testing.assert_allclose(cache["Z"], W @ A_prev + b)
            A_prev = act.ACTIVATIONS[cache["activation"]][0](cache["Z"])
        # the one-layer helpers use the course's cache ((A_prev, W, b), Z)
        A, (lin, Z) = nn.linear_activation_forward(X, p["W1"], p["b1"], "relu")
        assert len(lin) == 3 and lin[0] is X and np.array_equal(A, np.maximum(Z, 0))

    def test_prediction(self, rng):
        X = rng.standard_normal((3, 6))
        p = initializers.initialize_parameters([3, 4, 1], "he", rng=0)
        probs = nn.predict_proba(X, p, ("relu", "sigmoid"))
        np.testing.assert_array_equal(nn.predict(X, p, ("relu", "sigmoid")), (probs > 0.5).astype(int))
        p3 = initializers.initialize_parameters([3, 4, 3], "he", rng=0)
        labels = nn.predict(X, p3, ("relu", "softmax"))
        assert labels.shape == (1, 6)
        np.testing.assert_array_equal(labels[0], np.argmax(nn.predict_proba(X, p3, ("relu", "softmax")), axis=0))

    def test_gradient_descent_step(self, rng):
        p = initializers.initialize_parameters([3, 2, 1], "he", rng=0)
        g = {"d" + k: rng.standard_normal(v.shape) for k, v in p.items()}
        new = nn.update_parameters(p, g, 0.1)
        for k in p:
            np.testing.assert_array_equal(new[k], p[k] - 0.1 * g["d" + k])


# =============================================================================================
# Regularization
# =============================================================================================
class TestRegularization:
    def test_l2_and_l1_in_cost_and_gradient(self, rng):
        X, Y = rng.standard_normal((3, 8)), (rng.random((1, 8)) < 0.5) * 1.0
        p = initializers.initialize_parameters([3, 4, 1], "he", rng=0)
        acts = ("tanh", "sigmoid")
        AL, caches = nn.model_forward(X, p, acts)
        base = nn.compute_cost(AL, Y, "bce")
        sq = sum(np.sum(p[k] ** 2) for k in ("W1", "W2"))
        ab = sum(np.sum(np.abs(p[k])) for k in ("W1", "W2"))
        cost = nn.compute_cost(AL, Y, "bce", parameters=p, lambd=0.4, l1=0.2)
        assert cost == pytest.approx(base + 0.4 / (2 * 8) * sq + 0.2 / 8 * ab, rel=1e-14)
        g0 = nn.model_backward(AL, Y, caches, loss="bce")
        g = nn.model_backward(AL, Y, caches, loss="bce", lambd=0.4, l1=0.2)
        for l in (1, 2):
            W = p[f"W{l}"]
            np.testing.assert_allclose(g[f"dW{l}"], g0[f"dW{l}"] + 0.4 / 8 * W + 0.2 / 8 * np.sign(W), rtol=1e-13)
            np.testing.assert_array_equal(g[f"db{l}"], g0[f"db{l}"])          # biases are not penalized

    def test_inverted_dropout_per_layer(self):
        X = np.ones((50, 4000))
        p = {"W1": np.eye(50), "b1": np.zeros((50, 1)), "W2": np.eye(50), "b2": np.zeros((50, 1)),
             "W3": np.ones((1, 50)) / 50, "b3": np.zeros((1, 1))}
        acts = ("identity", "identity", "sigmoid")
        _, caches = nn.model_forward(X, p, acts, keep_probs=[0.5, 0.8], rng=0)
        for cache, kp in zip(caches[:2], (0.5, 0.8)):
            assert cache["D"].mean() == pytest.approx(kp, abs=0.01)             # per-layer keep_prob
        assert caches[2]["D"] is None                                           # never on the output
        A_drop, D = regularization.dropout_forward(X, 0.8, rng=np.random.default_rng(3))
        np.testing.assert_array_equal(A_drop, np.where(D, X / 0.8, 0.0))        # kept units scaled by 1/p
        assert A_drop.mean() == pytest.approx(1.0, abs=0.01)                    # expectation kept

    def test_dropout_masks_come_from_the_generator(self):
        A = np.ones((5, 40))
        D1 = regularization.dropout_forward(A, 0.5, np.random.default_rng(7))[1]
        D2 = regularization.dropout_forward(A, 0.5, np.random.default_rng(7))[1]
        D3 = regularization.dropout_forward(A, 0.5, np.random.default_rng(8))[1]
        np.testing.assert_array_equal(D1, D2)
        assert not np.array_equal(D1, D3)

    def test_no_dropout_and_no_scaling_at_inference(self, rng):
        X = rng.standard_normal((3, 10))
        p = initializers.initialize_parameters([3, 6, 1], "he", rng=0)
        AL_plain, _ = nn.model_forward(X, p, ("relu", "sigmoid"))
        np.testing.assert_array_equal(nn.predict_proba(X, p, ("relu", "sigmoid")), AL_plain)
        AL_drop, _ = nn.model_forward(X, p, ("relu", "sigmoid"), keep_probs=0.5, rng=0)
        assert not np.allclose(AL_drop, AL_plain)

    def test_early_stopping_on_a_dev_set(self):
        X, Y = data.make_noisy_regions(300, rng=0, label_noise=0.15)
        Xtr, Ytr, Xdv, Ydv = data.train_dev_test_split(X, Y, (0.5, 0.5), rng=0)
        r = train.fit(Xtr, Ytr, [2, 40, 40, 1], learning_rate=0.02, epochs=2000, X_dev=Xdv, Y_dev=Ydv,
                      patience=10, rng=0)
        dev = np.array(r.history["dev_cost"])
        assert r.config["stopped_early"] and r.config["epochs_run"] == r.best_epoch + 10
        assert r.best_epoch == int(np.argmin(dev)) + 1
        best = nn.compute_cost(r.predict_proba(Xdv), Ydv, "bce")
        assert best == pytest.approx(dev.min(), rel=1e-12)        # the best epoch's parameters come back

    def test_model_ensembles(self):
        X, Y = data.make_moons(120, noise=0.2, rng=0)
        runs = [train.fit(X, Y, [2, 8, 1], learning_rate=0.05, epochs=15, rng=s) for s in range(3)]
        P = train.ensemble_predict(runs, X, proba=True)
        np.testing.assert_allclose(P, np.mean([r.predict_proba(X) for r in runs], axis=0), rtol=1e-14)
        np.testing.assert_array_equal(train.ensemble_predict(runs, X), (P > 0.5).astype(int))

    def test_data_augmentation(self, rng):
        X, Y = data.make_moons(50, rng=0)
        Xa, Ya = data.augment_2d(X, Y, rng=0, copies=2, jitter=0.05)
        assert Xa.shape == (2, 150) and Ya.shape == (1, 150)
        np.testing.assert_array_equal(Xa[:, :50], X)                        # originals first
        np.testing.assert_array_equal(Ya, np.tile(Y, 3))                    # labels follow
        assert np.std(Xa[:, 50:100] - X) == pytest.approx(0.05, rel=0.2)    # jittered copies
        imgs = rng.random((16, 5))                                          # five 4x4 images
        flipped = data.flip_images(imgs, (4, 4))
        np.testing.assert_array_equal(data.unflatten_images(flipped, (4, 4)),
                                      data.unflatten_images(imgs, (4, 4))[:, :, ::-1])
        shifted = data.unflatten_images(data.shift_images(imgs, (4, 4), 1, 0), (4, 4))
        np.testing.assert_array_equal(shifted[:, 1:], data.unflatten_images(imgs, (4, 4))[:, :-1])
        np.testing.assert_array_equal(shifted[:, 0], 0.0)
        Xi, Yi = data.augment_images(imgs, np.arange(5).reshape(1, 5), (4, 4), rng=0, copies=2, flip=True)
        assert Xi.shape == (16, 15) and Yi.tolist() == [list(range(5)) * 3]

    def test_standardization_fitted_on_the_training_set(self, rng):
        Xtr = rng.normal(5.0, 3.0, (2, 200))
        Xdv = rng.normal(5.0, 3.0, (2, 50))
        mu, sigma = data.standardize_fit(Xtr)
        Ztr, Zdv = data.standardize_apply(Xtr, mu, sigma), data.standardize_apply(Xdv, mu, sigma)
        np.testing.assert_allclose(Ztr.mean(axis=1), 0.0, atol=1e-14)
        np.testing.assert_allclose(Ztr.std(axis=1), 1.0, rtol=1e-14)
        np.testing.assert_allclose(Zdv, (Xdv - Xtr.mean(axis=1, keepdims=True)) / Xtr.std(axis=1, keepdims=True))
        assert np.all(np.abs(Zdv.mean(axis=1)) > 1e-6)       # the dev set is not re-centred on itself


# =============================================================================================
# Gradient checking
# =============================================================================================
class TestGradientChecking:
    def test_two_sided_differences(self):
        x = np.array([1.0, -2.0, 0.5])
        f = lambda v: float(np.sum(v ** 3))                    # noqa: E731
        eps = 1e-4
        err = np.abs(numerical_grad(f, x.copy(), eps) - 3 * x ** 2)
        np.testing.assert_allclose(err, eps ** 2, rtol=1e-3)    # two-sided: error = eps^2 (one-sided: 3|x| eps)

    def test_whole_flattened_parameter_vector(self, rng):
        X, Y = rng.standard_normal((3, 7)), (rng.random((1, 7)) < 0.5) * 1.0
        p = initializers.initialize_parameters([3, 4, 1], "he", rng=0)
        acts = ("tanh", "sigmoid")
        AL, caches = nn.model_forward(X, p, acts)
        grads = nn.model_backward(AL, Y, caches, loss="bce")

        def cost(q):
            return nn.compute_cost(nn.model_forward(X, q, acts)[0], Y, "bce")

        res = gradcheck.gradient_check(cost, p, grads, eps=1e-6)
        theta, spec = gradcheck.params_to_vector(p)
        assert res.numerical.shape == theta.shape == (sum(v.size for v in p.values()),)
        assert set(res.per_key) == set(p) and res.verdict == "great" and res.rel_error < GRAD_TOL
        back = gradcheck.vector_to_params(theta, spec)
        assert all(np.array_equal(back[k], p[k]) for k in p)

    def test_relative_difference_formula(self):
        g, g_num = np.array([3.0, 4.0]), np.array([0.0, 4.0])
        assert relative_difference(g, g_num) == pytest.approx(3.0 / (5.0 + 4.0), rel=1e-15)

    @pytest.mark.parametrize("value,verdict", [(1e-9, "great"), (1e-6, "check"), (1e-4, "suspicious"),
                                               (1e-2, "wrong")])
    def test_usual_thresholds(self, value, verdict):
        assert gradcheck.classify_rel_error(value) == verdict

    def test_a_wrong_gradient_is_caught(self, rng):
        W = rng.standard_normal((2, 3))
        res = gradcheck.gradient_check(lambda q: float(np.sum(q["W"] ** 2)), {"W": W}, {"dW": W})  # should be 2W
        assert res.verdict == "wrong"


# =============================================================================================
# Optimization
# =============================================================================================
class TestOptimization:
    @pytest.mark.parametrize("batch_size,sizes", [(20, [20]), (6, [6, 6, 6, 2]), (1, [1] * 20)])
    def test_batch_minibatch_stochastic_partitions(self, batch_size, sizes):
        X = np.arange(40.0).reshape(2, 20)
        Y = X[:1] * 10                                         # Y follows its column of X
        batches = data.random_mini_batches(X, Y, batch_size, rng=0)
        assert [b[0].shape[1] for b in batches] == sizes
        cols = np.concatenate([b[0][0] for b in batches])
        assert sorted(cols.tolist()) == X[0].tolist()          # a partition of the examples
        assert cols.tolist() != X[0].tolist()                  # ... shuffled
        for Xb, Yb in batches:
            np.testing.assert_array_equal(Yb, Xb[:1] * 10)
        again = data.random_mini_batches(X, Y, batch_size, rng=0)
        assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again))

    def test_ewa_with_and_without_bias_correction(self, rng):
        theta = rng.standard_normal(30)
        beta = 0.9
        v = ewa.ewa(theta, beta)
        t = 30
        weights = (1 - beta) * beta ** np.arange(t - 1, -1, -1)
        assert v[-1] == pytest.approx(weights @ theta, rel=1e-12)
        np.testing.assert_allclose(ewa.ewa_weights(beta, t), weights)
        vc = ewa.ewa(theta, beta, bias_correction=True)
        np.testing.assert_allclose(vc, v / (1 - beta ** np.arange(1, t + 1)), rtol=1e-13)
        np.testing.assert_allclose(ewa.ewa(np.full(5, 7.0), 0.98, bias_correction=True), 7.0, rtol=1e-13)
        assert ewa.ewa(np.full(5, 7.0), 0.98)[0] == pytest.approx(0.14)   # uncorrected: biased low

    def _state(self):
        p = {"W": np.array([[1.0, -2.0]])}
        g = {"dW": np.array([[0.5, 3.0]])}
        return p, g, np.array([[0.2, -0.1]]), np.array([[0.04, 0.5]])

    def test_gradient_descent_step(self):
        p, g, _, _ = self._state()
        W0 = p["W"].copy()
        optim.GradientDescent(0.1).step(p, g)
        np.testing.assert_array_equal(p["W"], W0 - 0.1 * g["dW"])

    def test_momentum_step_from_a_set_state(self):
        p, g, v0, _ = self._state()
        opt = optim.Momentum(0.1, beta=0.9)
        opt.state = {"W": {"v": v0.copy()}}
        W0 = p["W"].copy()
        opt.step(p, g)
        v1 = 0.9 * v0 + 0.1 * g["dW"]
        np.testing.assert_allclose(opt.state["W"]["v"], v1, rtol=1e-15)
        np.testing.assert_allclose(p["W"], W0 - 0.1 * v1, rtol=1e-15)

    def test_rmsprop_step_with_epsilon(self):
        p, g, _, s0 = self._state()
        opt = optim.RMSprop(0.01, beta=0.9, epsilon=0.5)      # a large epsilon, visible in the result
        opt.state = {"W": {"s": s0.copy()}}
        W0 = p["W"].copy()
        opt.step(p, g)
        s1 = 0.9 * s0 + 0.1 * g["dW"] ** 2
        np.testing.assert_allclose(p["W"], W0 - 0.01 * g["dW"] / (np.sqrt(s1) + 0.5), rtol=1e-15)

    def test_adam_bias_correction_in_temporaries(self):
        p, g, v0, s0 = self._state()
        opt = optim.Adam(0.01, beta1=0.9, beta2=0.999, epsilon=1e-8)
        opt.state, opt.t = {"W": {"v": v0.copy(), "s": s0.copy()}}, 2
        W0 = p["W"].copy()
        opt.step(p, g)
        v = 0.9 * v0 + 0.1 * g["dW"]
        s = 0.999 * s0 + 0.001 * g["dW"] ** 2
        v_hat, s_hat = v / (1 - 0.9 ** 3), s / (1 - 0.999 ** 3)
        np.testing.assert_allclose(p["W"], W0 - 0.01 * v_hat / (np.sqrt(s_hat) + 1e-8), rtol=1e-14)
        np.testing.assert_allclose(opt.state["W"]["v"], v, rtol=1e-15)     # never fed back corrected
        np.testing.assert_allclose(opt.state["W"]["s"], s, rtol=1e-15)
        assert opt.t == 3

    def test_learning_rate_decay_schedules(self):
        e = np.arange(1, 6)
        np.testing.assert_allclose(schedules.inverse_time(0.2, e, decay_rate=1.0), 0.2 / (1 + e))
        np.testing.assert_allclose(schedules.exponential(0.2, e, base=0.95), 0.95 ** e * 0.2)
        np.testing.assert_allclose(schedules.inverse_sqrt(0.2, e, k=2.0), 2.0 / np.sqrt(e) * 0.2)
        np.testing.assert_allclose(schedules.staircase(0.2, e, decay_rate=1.0, interval=2), 0.2 / (1 + e // 2))
        assert schedules.constant(0.2, 7) == 0.2
        assert schedules.get_schedule("inverse_time", decay_rate=0.5)(1.0, 2) == 0.5

    def test_schedule_is_applied_by_the_training_loop(self):
        X, Y = data.make_moons(60, rng=0)
        r = train.fit(X, Y, [2, 4, 1], optimizer="gd", learning_rate=0.5, epochs=4, schedule="inverse_time")
        np.testing.assert_allclose(r.history["learning_rate"], 0.5 / (1 + np.arange(1, 5)))


# =============================================================================================
# Batch normalization
# =============================================================================================
class TestBatchNorm:
    def test_training_mode_statistics(self, rng):
        Z = rng.normal(3.0, 2.0, (4, 50))
        gamma, beta = rng.random((4, 1)) + 0.5, rng.standard_normal((4, 1))
        Zt, cache = batchnorm.batchnorm_forward(Z, gamma, beta, eps=1e-8)
        Zn = (Z - Z.mean(axis=1, keepdims=True)) / np.sqrt(Z.var(axis=1, keepdims=True) + 1e-8)
        np.testing.assert_allclose(Zt, gamma * Zn + beta, rtol=1e-12)
        np.testing.assert_allclose(((Zt - beta) / gamma).mean(axis=1), 0.0, atol=1e-13)
        np.testing.assert_allclose(((Zt - beta) / gamma).var(axis=1), 1.0, rtol=1e-8)

    def test_running_averages_for_inference(self, rng):
        p = initializers.initialize_parameters([3, 4, 1], "he", rng=0, batchnorm=True)
        acts = ("relu", "sigmoid")
        state = {}
        X1, X2 = rng.standard_normal((3, 20)), rng.standard_normal((3, 20)) + 1
        mus, vars_ = [], []
        for Xb in (X1, X2):
            nn.model_forward(Xb, p, acts, bn_state=state, bn_momentum=0.9)
            Z1 = p["W1"] @ Xb
            mus.append(Z1.mean(axis=1, keepdims=True))
            vars_.append(Z1.var(axis=1, keepdims=True))
        np.testing.assert_allclose(state["mu1"], 0.9 * mus[0] + 0.1 * mus[1], rtol=1e-13)
        np.testing.assert_allclose(state["var1"], 0.9 * vars_[0] + 0.1 * vars_[1], rtol=1e-13)
        assert set(state) == {"mu1", "var1"} and "mu1" not in p
        Xt = rng.standard_normal((3, 1))                       # a single test example
        Zt = batchnorm.batchnorm_inference(p["W1"] @ Xt, p["gamma1"], p["beta1"], state["mu1"], state["var1"])
        expected = act.sigmoid(p["W2"] @ np.maximum(Zt, 0) + p["b2"])
        np.testing.assert_allclose(nn.predict_proba(Xt, p, acts, bn_state=state), expected, rtol=1e-13)

    def test_backward_pass(self, rng):
        Z = rng.standard_normal((3, 8))
        gamma, beta = rng.random((3, 1)) + 0.5, rng.standard_normal((3, 1))
        W = rng.standard_normal((3, 8))                        # J = (1/m) sum W * Z_tilde
        Zt, cache = batchnorm.batchnorm_forward(Z, gamma, beta)
        dZ, dgamma, dbeta = batchnorm.batchnorm_backward(W, cache)   # per-example dZ (times m)

        def J(z, g=gamma, b=beta):
            return float(np.sum(W * batchnorm.batchnorm_forward(z, g, b)[0]) / 8)

        assert rel_err(dZ / 8, J, Z.copy()) < GRAD_TOL
        assert rel_err(dgamma, lambda g: J(Z, g=g), gamma.copy()) < GRAD_TOL
        assert rel_err(dbeta, lambda b: J(Z, b=b), beta.copy()) < GRAD_TOL


# =============================================================================================
# Softmax regression / multi-class training end to end
# =============================================================================================
class TestSoftmaxRegression:
    def test_softmax_regression_on_digits(self, digits):
        Xtr, Ltr, Xte, Lte = digits
        r = train.fit(Xtr, Ltr, [64, 10], optimizer="adam", learning_rate=0.02, batch_size=128, epochs=15, rng=0)
        assert r.config["activations"] == ("softmax",) and r.config["loss"] == "cce"
        assert r.history["cost"][-1] < 0.5 * r.history["cost"][0]
        assert np.mean(r.predict(Xte) == Lte) > 0.9
        P = r.predict_proba(Xte)
        assert P.shape == (10, Xte.shape[1])
        np.testing.assert_allclose(P.sum(axis=0), 1.0, rtol=1e-12)

    def test_softmax_cross_entropy_gradient_is_yhat_minus_y(self, rng):
        Z = rng.standard_normal((4, 6))
        Y = data.one_hot(rng.integers(0, 4, 6), 4)
        dZ = losses.softmax_cross_entropy_grad(act.softmax(Z), Y)
        assert rel_err(dZ / 6, lambda z: losses.categorical_cross_entropy_from_logits(z, Y), Z.copy()) < GRAD_TOL


# =============================================================================================
# Hyperparameter search
# =============================================================================================
class TestHyperparameterSearch:
    def test_uniform(self):
        x = tuning.sample_uniform(2.0, 5.0, 4000, rng=0)
        assert x.min() >= 2.0 and x.max() < 5.0 and x.mean() == pytest.approx(3.5, abs=0.05)

    def test_log_scale(self):
        x = tuning.sample_log_uniform(1e-4, 1.0, 4000, rng=0)
        per_decade = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0] / 4000
        np.testing.assert_allclose(per_decade, 0.25, atol=0.03)     # each decade equally likely

    def test_one_minus_beta_trick(self):
        b = tuning.sample_beta(0.9, 0.999, 4000, rng=0)
        assert b.min() >= 0.9 and b.max() <= 0.999
        assert np.mean(b > 0.99) == pytest.approx(0.5, abs=0.03)   # [0.99, 0.999] gets half, not 10 %

    def test_random_versus_grid(self):
        grid = tuning.grid_points(5)
        rand = tuning.random_points(25, rng=0)
        assert grid.shape == rand.shape == (25, 2)
        assert tuning.distinct_per_axis(grid) == [5, 5]
        assert tuning.distinct_per_axis(rand) == [25, 25]     # 25 values of each hyperparameter tried


# =============================================================================================
# Computation graphs and autodiff
# =============================================================================================
class TestComputationGraphs:
    def test_toy_graph(self):
        assert compgraph.toy_forward(5, 3, 2) == (6, 11, 33)
        d = compgraph.toy_backward(5, 3, 2)
        assert (d["da"], d["db"], d["dc"], d["dv"], d["du"]) == (3, 6, 9, 3, 3)
        x = np.array([5.0, 3.0, 2.0])
        num = numerical_grad(lambda v: compgraph.toy_forward(*map(float, v))[2], x, eps=1e-5)
        np.testing.assert_allclose(num, [d["da"], d["db"], d["dc"]], rtol=1e-8)

    def test_reverse_mode_autodiff(self):
        res = autodiff.minimize(lambda w: w ** 2 - 10 * w + 25, 0.0, learning_rate=0.1, steps=100)
        assert res.w == pytest.approx(5.0, abs=1e-8) and res.costs[-1] == pytest.approx(0.0, abs=1e-12)
        np.testing.assert_allclose(res.costs, (res.ws - 5) ** 2, atol=1e-12)
        a, b = autodiff.Value(0.7), autodiff.Value(-1.3)
        out = (a * b + a.tanh()).sigmoid() + (b * b).exp() / a
        out.backward()

        def f(v):
            x, y = v
            return 1 / (1 + np.exp(-(x * y + np.tanh(x)))) + np.exp(y * y) / x

        num = numerical_grad(lambda v: float(f(v)), np.array([0.7, -1.3]))
        assert relative_difference(np.array([a.grad, b.grad]), num) < GRAD_TOL


# =============================================================================================
# Datasets
# =============================================================================================
class TestDatasets:
    @pytest.mark.parametrize("make,m", [(data.make_flower, 400), (data.make_moons, 200), (data.make_circles, 200)])
    def test_planar_sets(self, make, m):
        X, Y = make(m, rng=0)
        assert X.shape == (2, m) and Y.shape == (1, m)
        assert set(np.unique(Y)) == {0.0, 1.0} and Y.sum() == m // 2
        X2, _ = make(m, rng=0)
        np.testing.assert_array_equal(X, X2)

    def test_split(self):
        X = np.arange(200.0).reshape(2, 100)
        Y = X[:1] % 2
        parts = data.train_dev_test_split(X, Y, (0.6, 0.2, 0.2), rng=0)
        assert [a.shape[1] for a in parts[::2]] == [60, 20, 20]
        cols = np.concatenate([a[0] for a in parts[::2]])
        assert sorted(cols.tolist()) == X[0].tolist()                # disjoint and complete
        for Xp, Yp in zip(parts[::2], parts[1::2]):
            np.testing.assert_array_equal(Yp, Xp[:1] % 2)

    def test_one_hot(self):
        Y = data.one_hot(np.array([[2, 0, 1, 2]]), 3)
        np.testing.assert_array_equal(Y, [[0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 1]])
        np.testing.assert_array_equal(np.argmax(Y, axis=0), [2, 0, 1, 2])

    def test_digits(self):
        X, labels = data.load_digits()
        assert X.shape == (64, 1797) and labels.shape == (1, 1797)
        assert X.min() == 0.0 and X.max() == 1.0
        assert sorted(np.unique(labels).tolist()) == list(range(10))


# =============================================================================================
# The training loop
# =============================================================================================
class TestTrainingLoop:
    def test_composes_everything_and_returns_a_history(self):
        X, Y = data.make_moons(200, noise=0.2, rng=0)
        Xtr, Ytr, Xdv, Ydv = data.train_dev_test_split(X, Y, (0.75, 0.25), rng=0)
        r = train.fit(Xtr, Ytr, [2, 8, 8, 1], optimizer="momentum", learning_rate=0.05, schedule="exponential",
                      batch_size=32, epochs=6, lambd=0.1, keep_probs=[0.9, 0.8], batchnorm=True, init="glorot",
                      X_dev=Xdv, Y_dev=Ydv, patience=50, rng=0, record_every=2)
        assert set(r.history) == {"epoch", "cost", "train_accuracy", "learning_rate", "dev_cost", "dev_accuracy"}
        assert r.history["epoch"] == [1, 2, 4, 6]
        assert all(len(v) == 4 for v in r.history.values())
        assert {"gamma1", "beta1", "gamma2", "beta2", "b3"} <= set(r.parameters) and "b1" not in r.parameters
        assert r.predict(Xdv).shape == (1, 50)
        for key in ("layer_dims", "optimizer", "schedule", "batch_size", "lambd", "keep_probs", "batchnorm",
                    "init", "patience", "engine", "epochs_run", "stopped_early"):
            assert key in r.config

    def test_quiet_by_default_with_a_progress_display(self, capsys):
        X, Y = data.make_moons(60, rng=0)
        train.fit(X, Y, [2, 3, 1], epochs=3)
        out = capsys.readouterr()
        assert out.out == "" and out.err == ""
        train.fit(X, Y, [2, 3, 1], epochs=3, progress=True)
        err = capsys.readouterr().err
        assert "\r" in err and "epoch 3/3" in err


# =============================================================================================
# Quality: numerical stability
# =============================================================================================
class TestNumericalStability:
    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    def test_extreme_logits(self, dtype):
        Z = np.array([[1000.0, -1000.0, 0.0, 1000.0]], dtype=dtype)
        Y = np.array([[0.0, 1.0, 1.0, 1.0]], dtype=dtype)
        Zc = np.array([[1000.0, -1000.0], [-1000.0, 1000.0], [0.0, 0.0]], dtype=dtype)
        Yc = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]], dtype=dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            outs = [act.sigmoid(Z), act.sigmoid_grad(Z), act.tanh(Z), act.softmax(Zc), act.softmax_jacobian(Zc[:, 0]),
                    losses.binary_cross_entropy(act.sigmoid(Z), Y), losses.binary_cross_entropy_from_logits(Z, Y),
                    losses.bce_grad(act.sigmoid(Z), Y), losses.categorical_cross_entropy(act.softmax(Zc), Yc),
                    losses.categorical_cross_entropy_from_logits(Zc, Yc),
                    losses.sparse_categorical_cross_entropy(act.softmax(Zc), [1, 0])]
        for o in outs:
            assert np.all(np.isfinite(o))
        assert losses.binary_cross_entropy_from_logits(Z, Y) == pytest.approx((1000 + 1000 + np.log(2)) / 4)
        assert losses.categorical_cross_entropy_from_logits(Zc, Yc) == pytest.approx(2000.0)

    def test_diverging_training_stops_with_a_clear_error(self):
        X, Y = data.make_moons(100, rng=0)
        with pytest.raises(FloatingPointError, match=r"iteration \d+.*smaller learning_rate"):
            train.fit(X * 1e3, Y, [2, 20, 20, 1], optimizer="gd", learning_rate=1e6, epochs=50,
                      activations=("relu", "relu", "identity"), loss="mse", rng=0)
        with pytest.raises(FloatingPointError, match=r"iteration \d+.*smaller learning_rate"):
            logistic.optimize(np.zeros((1, 1)), 0.0, np.array([[1e200, -1e200]]), np.array([[0, 1]]),
                              num_iterations=5, learning_rate=1e200)
        with pytest.raises(FloatingPointError, match=r"step \d+.*smaller learning_rate"):
            autodiff.minimize(lambda w: w * w, 1.0, learning_rate=10.0, steps=1000)


# =============================================================================================
# Quality: bad input gets a clear ValueError / TypeError naming the argument
# =============================================================================================
_r = np.random.default_rng(0)
_X = _r.standard_normal((3, 8))
_Y = (np.arange(8) % 2).reshape(1, 8) * 1.0
_P = act.sigmoid(_r.standard_normal((1, 8)))
_Z = _r.standard_normal((1, 8))
_Yoh = data.one_hot(np.arange(8) % 3, 3)
_S = act.softmax(_r.standard_normal((3, 8)))
_NAN = np.array([[0.5, np.nan, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
_INF = np.array([[0.5, np.inf, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]])
_EMPTY = np.zeros((1, 0))
_p = initializers.initialize_parameters([3, 4, 1], "he", rng=0)
_pbad = dict(_p, W2=np.ones((1, 5)))                             # layer 2 does not fit layer 1
_p32 = {k: v.astype(np.float32) for k, v in _p.items()}
_pbn = initializers.initialize_parameters([3, 4, 1], "he", rng=0, batchnorm=True)
_AL, _caches = nn.model_forward(_X, _p, ("relu", "sigmoid"))
_g = nn.model_backward(_AL, _Y, _caches, loss="bce")
_w0 = np.zeros((3, 1))
_bn_ones, _bn_zeros = np.ones((3, 1)), np.zeros((3, 1))
_bn_cache = batchnorm.batchnorm_forward(_X, _bn_ones, _bn_zeros)[1]
_mu, _sigma = data.standardize_fit(_X)
_imgs = _r.random((16, 3))


def _step(opt, params, grads):
    return opt.step(params, grads)


BAD_INPUT = [
    # --- activations -----------------------------------------------------------------------
    ("sigmoid-nan", lambda: act.sigmoid(_NAN), ValueError, r"^z: expected finite"),
    ("tanh-inf", lambda: act.tanh(_INF), ValueError, r"^z: expected finite"),
    ("relu-empty", lambda: act.relu(_EMPTY), ValueError, r"^z: expected a non-empty"),
    ("relu-strings", lambda: act.relu(["a"]), TypeError, r"^z: expected an array of numbers"),
    ("leaky_relu-alpha", lambda: act.leaky_relu(_X, alpha=1.5), ValueError, r"^alpha: expected"),
    ("softmax-3d", lambda: act.softmax(np.ones((2, 2, 2))), ValueError, r"^z: expected shape"),
    ("softmax_jacobian-batch", lambda: act.softmax_jacobian(np.ones((3, 2))), ValueError, r"^z: expected shape"),
    ("softmax_backward-shape", lambda: act.softmax_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError,
     r"^dA: expected shape"),
    # --- losses: X/Y shapes, labels, NaN, empty --------------------------------------------
    ("bce-shape", lambda: losses.binary_cross_entropy(_P, _Y[:, :5]), ValueError, r"^Y: expected shape"),
    ("bce-1d-labels", lambda: losses.binary_cross_entropy(_P, _Y[0]), ValueError, r"^Y: expected shape"),
    ("bce-labels", lambda: losses.binary_cross_entropy(_P, 2 * _Y), ValueError, r"^Y: expected labels in \{0, 1\}"),
    ("bce-soft-labels", lambda: losses.binary_cross_entropy(_P, _P), ValueError, r"^Y: expected labels"),
    ("bce-nan", lambda: losses.binary_cross_entropy(_NAN, _Y), ValueError, r"^A: expected finite"),
    ("bce-empty", lambda: losses.binary_cross_entropy(_EMPTY, _EMPTY), ValueError, r"^A: expected a non-empty"),
    ("bce_logits-labels", lambda: losses.binary_cross_entropy_from_logits(_Z, _Y - 1), ValueError,
     r"^Y: expected labels"),
    ("bce_logits-inf", lambda: losses.binary_cross_entropy_from_logits(_INF, _Y), ValueError, r"^Z: expected finite"),
    ("bce_grad-labels", lambda: losses.bce_grad(_P, 0.5 * _Y + 0.25), ValueError, r"^Y: expected labels"),
    ("cce-not-one-hot", lambda: losses.categorical_cross_entropy(_S, 2 * _Yoh), ValueError, r"^Y: expected one-hot"),
    ("cce-shape", lambda: losses.categorical_cross_entropy(_S, _Yoh[:2]), ValueError, r"^Y: expected shape"),
    ("cce_logits-nan-Y", lambda: losses.categorical_cross_entropy_from_logits(_S, _Yoh * np.nan), ValueError,
     r"^Y: expected finite"),
    ("sparse-range", lambda: losses.sparse_categorical_cross_entropy(_S, np.arange(8) % 4), ValueError,
     r"^labels: expected class indices"),
    ("sparse-float", lambda: losses.sparse_categorical_cross_entropy(_S, np.full(8, 0.5)), TypeError,
     r"^labels: expected integer"),
    ("sparse-shape", lambda: losses.sparse_categorical_cross_entropy(_S, np.zeros(7, int)), ValueError,
     r"^labels: expected shape"),
    ("softmax_ce_grad-shape", lambda: losses.softmax_cross_entropy_grad(_S, _Yoh[:, :3]), ValueError,
     r"^Y: expected shape"),
    ("mse-shape", lambda: losses.mean_squared_error(_P, _Y[:, :3]), ValueError, r"^Y: expected shape"),
    ("mse_grad-empty", lambda: losses.mse_grad(_EMPTY, _EMPTY), ValueError, r"^A: expected a non-empty"),
    # --- regularization --------------------------------------------------------------------
    ("l2-lambd", lambda: regularization.l2_penalty(_p, -1.0, 8), ValueError, r"^lambd: expected"),
    ("l2-m", lambda: regularization.l2_penalty(_p, 1.0, 0), ValueError, r"^m: expected"),
    ("l2-params", lambda: regularization.l2_penalty([1.0], 1.0, 8), TypeError, r"^parameters: expected a dict"),
    ("l2_grad-nan", lambda: regularization.l2_penalty_grad(_NAN, 1.0, 8), ValueError, r"^W: expected finite"),
    ("l1-m-float", lambda: regularization.l1_penalty(_p, 1.0, 1.5), TypeError, r"^m: expected an integer"),
    ("l1_grad-lambd", lambda: regularization.l1_penalty_grad(_X, -0.1, 8), ValueError, r"^lambd: expected"),
    ("dropout-kp0", lambda: regularization.dropout_forward(_X, 0.0, 0), ValueError, r"^keep_prob: expected .*\(0"),
    ("dropout-kp>1", lambda: regularization.dropout_forward(_X, 1.5, 0), ValueError, r"^keep_prob: expected"),
    ("dropout-kp<0", lambda: regularization.dropout_forward(_X, -0.2, 0), ValueError, r"^keep_prob: expected"),
    ("dropout-rng", lambda: regularization.dropout_forward(_X, 0.5, None), TypeError, r"^rng: expected"),
    ("dropout-legacy-rng", lambda: regularization.dropout_forward(_X, 0.5, np.random), TypeError, r"^rng: expected"),
    ("dropout-nan", lambda: regularization.dropout_forward(_NAN, 0.5, 0), ValueError, r"^A: expected finite"),
    ("dropout_backward-kp", lambda: regularization.dropout_backward(_X, _X > 0, 0.0), ValueError, r"^keep_prob"),
    ("dropout_backward-mask", lambda: regularization.dropout_backward(_X, np.ones((3, 7), bool), 0.5), ValueError,
     r"^D: expected shape"),
    ("ridge-shape", lambda: regularization.ridge_polyfit([1.0, 2.0, 3.0], [1.0, 2.0], 1, 0.0), ValueError, r"^y:"),
    ("ridge-degree", lambda: regularization.ridge_polyfit([1.0, 2.0], [1.0, 2.0], -1, 0.0), ValueError, r"^degree"),
    ("ridge-empty", lambda: regularization.ridge_polyfit([], [], 1, 0.0), ValueError, r"^x: expected a non-empty"),
    # --- initializers ----------------------------------------------------------------------
    ("init-method", lambda: initializers.initialize_parameters([3, 1], "bad", 0), ValueError, r"^method: expected"),
    ("init-dims-0", lambda: initializers.initialize_parameters([3, 0, 1], "he", 0), ValueError, r"^layer_dims\[1\]"),
    ("init-dims-short", lambda: initializers.initialize_parameters([3], "he", 0), ValueError, r"^layer_dims"),
    ("init-rng", lambda: initializers.initialize_parameters([3, 1], "he", None), TypeError, r"^rng: expected"),
    ("init-dtype", lambda: initializers.initialize_parameters([3, 1], "he", 0, np.int32), TypeError, r"^dtype"),
    ("he-shape", lambda: initializers.he((3,), 0), ValueError, r"^shape: expected"),
    ("small-scale", lambda: initializers.random_small((2, 2), 0, scale=-1.0), ValueError, r"^scale: expected"),
    ("constant-nan", lambda: initializers.constant((2, 2), float("nan")), ValueError, r"^value: expected"),
    ("stats-activation", lambda: initializers.activation_stats_by_depth("he", 2, 3, "softmax", 0), ValueError,
     r"^activation: expected"),
    ("stats-depth", lambda: initializers.activation_stats_by_depth("he", 0, 3, "relu", 0), ValueError, r"^depth"),
    # --- logistic regression ---------------------------------------------------------------
    ("lr-w-shape", lambda: logistic.propagate(np.zeros((2, 1)), 0.0, _X, _Y), ValueError, r"^w: expected shape"),
    ("lr-Y-shape", lambda: logistic.propagate(_w0, 0.0, _X, _Y[:, :5]), ValueError, r"^Y: expected shape"),
    ("lr-labels", lambda: logistic.propagate(_w0, 0.0, _X, 2 * _Y), ValueError, r"^Y: expected labels"),
    ("lr-loop-labels", lambda: logistic.propagate_loop(_w0, 0.0, _X, 2 * _Y), ValueError, r"^Y: expected labels"),
    ("lr-X-nan", lambda: logistic.propagate(_w0, 0.0, _X * np.nan, _Y), ValueError, r"^X: expected finite"),
    ("lr-X-empty", lambda: logistic.propagate(_w0, 0.0, np.zeros((3, 0)), np.zeros((1, 0))), ValueError,
     r"^X: expected a non-empty"),
    ("lr-b-nan", lambda: logistic.predict(_w0, float("nan"), _X), ValueError, r"^b: expected a finite"),
    ("lr-optimize-lr0", lambda: logistic.optimize(_w0, 0.0, _X, _Y, 5, 0.0), ValueError, r"^learning_rate"),
    ("lr-optimize-lr<0", lambda: logistic.optimize(_w0, 0.0, _X, _Y, 5, -0.1), ValueError, r"^learning_rate"),
    ("lr-optimize-iters", lambda: logistic.optimize(_w0, 0.0, _X, _Y, 0, 0.1), ValueError, r"^num_iterations"),
    ("lr-init-dim", lambda: logistic.initialize_zeros(0), ValueError, r"^dim: expected"),
    ("lr-fit-Y", lambda: logistic.fit(_X, _Y[:, :5]), ValueError, r"^Y_train: expected shape"),
    ("lr-fit-labels", lambda: logistic.fit(_X, 2 * _Y), ValueError, r"^Y_train: expected labels"),
    ("lr-fit-Y_test-labels", lambda: logistic.fit(_X, _Y, _X, 2 * _Y), ValueError, r"^Y_test: expected labels"),
    ("lr-fit-X_test-features", lambda: logistic.fit(_X, _Y, _X[:2], _Y), ValueError, r"^X_test: expected shape"),
    ("lr-fit-X_test-nan", lambda: logistic.fit(_X, _Y, _X * np.nan, _Y), ValueError, r"^X_test: expected finite"),
    ("lr-fit-half-test", lambda: logistic.fit(_X, _Y, _X), ValueError, r"^X_test, Y_test: expected both"),
    # --- networks: shapes between X and layers and between layers ---------------------------
    ("linear-W", lambda: nn.linear_forward(_X, np.ones((4, 2)), np.zeros((4, 1))), ValueError, r"^W: expected shape"),
    ("linear-b", lambda: nn.linear_forward(_X, np.ones((4, 3)), np.zeros((3, 1))), ValueError, r"^b: expected shape"),
    ("linear-act", lambda: nn.linear_activation_forward(_X, np.ones((4, 3)), np.zeros((4, 1)), "swish"),
     ValueError, r"^activation: expected one of"),
    ("forward-X-features", lambda: nn.model_forward(_X[:2], _p, ("relu", "sigmoid")), ValueError,
     r"^W1: expected shape"),
    ("forward-layers", lambda: nn.model_forward(_X, _pbad, ("relu", "sigmoid")), ValueError, r"^W2: expected shape"),
    ("forward-activations", lambda: nn.model_forward(_X, _p, ("relu",)), ValueError, r"^activations: expected 2"),
    ("forward-kp0", lambda: nn.model_forward(_X, _p, ("relu", "sigmoid"), keep_probs=0.0, rng=0), ValueError,
     r"^keep_probs: expected"),
    ("forward-kp-list", lambda: nn.model_forward(_X, _p, ("relu", "sigmoid"), keep_probs=[1.2], rng=0), ValueError,
     r"^keep_probs\[0\]: expected"),
    ("forward-kp-len", lambda: nn.model_forward(_X, _p, ("relu", "sigmoid"), keep_probs=[0.5, 0.5], rng=0),
     ValueError, r"^keep_probs: expected"),
    ("forward-kp-rng", lambda: nn.model_forward(_X, _p, ("relu", "sigmoid"), keep_probs=0.5), TypeError,
     r"^rng: expected"),
    ("forward-bn-momentum", lambda: nn.model_forward(_X, _pbn, ("relu", "sigmoid"), bn_momentum=1.0), ValueError,
     r"^bn_momentum: expected .*\[0"),
    ("forward-nan", lambda: nn.model_forward(_X * np.nan, _p, ("relu", "sigmoid")), ValueError, r"^X: expected finite"),
    ("forward-empty", lambda: nn.model_forward(np.zeros((3, 0)), _p, ("relu", "sigmoid")), ValueError,
     r"^X: expected a non-empty"),
    ("forward-param-nan", lambda: nn.model_forward(_X, dict(_p, b1=_p["b1"] * np.nan), ("relu", "sigmoid")),
     ValueError, r"^b1: expected finite"),
    ("forward-dtypes", lambda: nn.model_forward(_X, _p32, ("relu", "sigmoid")), TypeError, r"^W1: expected dtype"),
    ("cost-loss", lambda: nn.compute_cost(_AL, _Y, "hinge"), ValueError, r"^loss: expected one of"),
    ("cost-Y-shape", lambda: nn.compute_cost(_AL, _Y[:, :3], "bce"), ValueError, r"^Y: expected shape"),
    ("cost-labels", lambda: nn.compute_cost(_AL, 2 * _Y, "bce"), ValueError, r"^Y: expected labels"),
    ("cost-lambd", lambda: nn.compute_cost(_AL, _Y, "bce", parameters=_p, lambd=-1.0), ValueError, r"^lambd"),
    ("cost-no-params", lambda: nn.compute_cost(_AL, _Y, "bce", lambd=1.0), ValueError, r"^parameters: expected"),
    ("backward-Y-shape", lambda: nn.model_backward(_AL, _Y[:, :3], _caches, loss="bce"), ValueError,
     r"^Y: expected shape"),
    ("backward-labels", lambda: nn.model_backward(_AL, 2 * _Y, _caches, loss="bce"), ValueError,
     r"^Y: expected labels"),
    ("backward-caches", lambda: nn.model_backward(_AL, _Y, [], loss="bce"), ValueError, r"^caches: expected"),
    ("backward-l1", lambda: nn.model_backward(_AL, _Y, _caches, loss="bce", l1=-1.0), ValueError, r"^l1: expected"),
    ("linear_backward-dZ", lambda: nn.linear_backward(np.ones((2, 8)), _caches[0]["linear"]), ValueError,
     r"^dZ: expected shape"),
    ("update-lr0", lambda: nn.update_parameters(_p, _g, 0.0), ValueError, r"^learning_rate: expected"),
    ("update-lr<0", lambda: nn.update_parameters(_p, _g, -0.1), ValueError, r"^learning_rate: expected"),
    ("update-missing", lambda: nn.update_parameters(_p, {}, 0.1), ValueError, r"^grads: expected key 'dW1'"),
    ("update-shape", lambda: nn.update_parameters(_p, dict(_g, dW1=np.ones((2, 2))), 0.1), ValueError,
     r"^dW1: expected shape"),
    ("predict-output", lambda: nn.predict(_X, _p, ("relu", "identity")), ValueError, r"^activations: expected"),
    ("predict-bn-state", lambda: nn.predict_proba(_X, _pbn, ("relu", "sigmoid")), ValueError, r"^bn_state: expected"),
    ("layer_shapes", lambda: nn.layer_shapes([3]), ValueError, r"^layer_dims: expected"),
    ("num_layers", lambda: nn.num_layers({"W2": 1}), ValueError, r"^parameters: expected weights"),
    # --- batch norm -------------------------------------------------------------------------
    ("bn-gamma", lambda: batchnorm.batchnorm_forward(_X, np.ones((2, 1)), _bn_zeros), ValueError,
     r"^gamma: expected shape"),
    ("bn-beta", lambda: batchnorm.batchnorm_forward(_X, _bn_ones, np.zeros((3, 2))), ValueError, r"^beta: expected"),
    ("bn-nan", lambda: batchnorm.batchnorm_forward(_X * np.nan, _bn_ones, _bn_zeros), ValueError,
     r"^Z: expected finite"),
    ("bn-eps", lambda: batchnorm.batchnorm_forward(_X, _bn_ones, _bn_zeros, eps=0.0), ValueError, r"^eps: expected"),
    ("bn-backward", lambda: batchnorm.batchnorm_backward(np.ones((3, 7)), _bn_cache), ValueError,
     r"^dZ_tilde: expected shape"),
    ("bn-inference-var", lambda: batchnorm.batchnorm_inference(_X, _bn_ones, _bn_zeros, _bn_zeros, -_bn_ones),
     ValueError, r"^var: expected non-negative"),
    ("bn-inference-mu", lambda: batchnorm.batchnorm_inference(_X, _bn_ones, _bn_zeros, np.zeros((2, 1)), _bn_ones),
     ValueError, r"^mu: expected shape"),
    # --- gradient checking -----------------------------------------------------------------
    ("numgrad-x", lambda: numerical_grad(lambda x: 0.0, [1.0]), TypeError, r"^x: expected a float numpy array"),
    ("numgrad-eps", lambda: numerical_grad(lambda x: 0.0, np.ones(2), eps=0.0), ValueError, r"^eps: expected"),
    ("reldiff-shape", lambda: relative_difference(np.ones(2), np.ones(3)), ValueError, r"^g_num: expected shape"),
    ("reldiff-nan", lambda: relative_difference(np.ones(2), np.array([1.0, np.nan])), ValueError, r"^g_num"),
    ("classify-negative", lambda: gradcheck.classify_rel_error(-1.0), ValueError, r"^rel_error: expected"),
    ("gradcheck-grads", lambda: gradcheck.gradient_check(lambda q: 0.0, _p, {}), ValueError, r"^grads: expected"),
    ("gradcheck-fn", lambda: gradcheck.gradient_check(None, _p, _g), TypeError, r"^cost_fn: expected a callable"),
    ("vector_to_params", lambda: gradcheck.vector_to_params(np.ones(3), [("W", (2, 2))]), ValueError, r"^theta"),
    ("params_to_vector", lambda: gradcheck.params_to_vector(_p, ["W9"]), ValueError, r"^keys: expected"),
    # --- optimizers: learning rate, beta in [0, 1), epsilon, gradients ----------------------
    ("gd-lr0", lambda: optim.GradientDescent(0.0), ValueError, r"^learning_rate: expected"),
    ("momentum-lr<0", lambda: optim.Momentum(-0.1), ValueError, r"^learning_rate: expected"),
    ("rmsprop-lr-nan", lambda: optim.RMSprop(float("nan")), ValueError, r"^learning_rate: expected"),
    ("adam-lr0", lambda: optim.Adam(0.0), ValueError, r"^learning_rate: expected"),
    ("momentum-beta1", lambda: optim.Momentum(0.1, beta=1.0), ValueError, r"^beta: expected .*\[0.0, 1.0\)"),
    ("momentum-beta<0", lambda: optim.Momentum(0.1, beta=-0.1), ValueError, r"^beta: expected"),
    ("rmsprop-beta", lambda: optim.RMSprop(0.1, beta=1.5), ValueError, r"^beta: expected"),
    ("rmsprop-eps", lambda: optim.RMSprop(0.1, epsilon=0.0), ValueError, r"^epsilon: expected"),
    ("adam-beta1", lambda: optim.Adam(0.1, beta1=1.0), ValueError, r"^beta1: expected"),
    ("adam-beta2", lambda: optim.Adam(0.1, beta2=-0.5), ValueError, r"^beta2: expected"),
    ("set-lr", lambda: optim.Adam(0.1).set_learning_rate(-1.0), ValueError, r"^learning_rate: expected"),
    ("step-missing", lambda: _step(optim.Adam(0.1), {"W": np.ones((2, 2))}, {}), ValueError,
     r"^grads: expected key 'dW'"),
    ("step-shape", lambda: _step(optim.Momentum(0.1), {"W": np.ones((2, 2))}, {"dW": np.ones((2, 3))}), ValueError,
     r"^grads\['dW'\]: expected shape"),
    ("step-nan", lambda: _step(optim.RMSprop(0.1), {"W": np.ones((2, 2))}, {"dW": np.full((2, 2), np.nan)}),
     ValueError, r"^grads\['dW'\]: expected finite"),
    ("step-param-list", lambda: _step(optim.GradientDescent(0.1), {"W": [1.0]}, {"dW": np.ones(1)}), TypeError,
     r"^parameters\['W'\]: expected a float numpy array"),
    ("make_optimizer", lambda: optim.make_optimizer("lbfgs", 0.1), ValueError, r"^optimizer: expected one of"),
    ("make_optimizer-lr", lambda: optim.make_optimizer("adam", 0.0), ValueError, r"^learning_rate: expected"),
    ("trajectory-steps", lambda: optim.trajectory(lambda x: x, [1.0], optim.Adam(0.1), -1), ValueError, r"^steps"),
    ("trajectory-opt", lambda: optim.trajectory(lambda x: x, [1.0], "adam", 3), TypeError, r"^optimizer: expected"),
    # --- EWA, schedules, tuning -------------------------------------------------------------
    ("ewa-beta1", lambda: ewa.ewa([1.0, 2.0], 1.0), ValueError, r"^beta: expected .*\[0.0, 1.0\)"),
    ("ewa-beta<0", lambda: ewa.ewa([1.0, 2.0], -0.1), ValueError, r"^beta: expected"),
    ("ewa-nan", lambda: ewa.ewa([1.0, np.nan], 0.9), ValueError, r"^series: expected finite"),
    ("ewa-empty", lambda: ewa.ewa([], 0.9), ValueError, r"^series: expected a non-empty"),
    ("ewa_weights-t", lambda: ewa.ewa_weights(0.9, 0), ValueError, r"^t: expected"),
    ("ewa_weights-beta", lambda: ewa.ewa_weights(1.0, 3), ValueError, r"^beta: expected"),
    ("inverse_time-lr0", lambda: schedules.inverse_time(0.0, 1), ValueError, r"^lr0: expected"),
    ("exponential-lr<0", lambda: schedules.exponential(-0.1, 1), ValueError, r"^lr0: expected"),
    ("inverse_sqrt-epoch0", lambda: schedules.inverse_sqrt(0.1, 0), ValueError, r"^epoch: expected values > 0"),
    ("staircase-interval", lambda: schedules.staircase(0.1, 1, interval=0), ValueError, r"^interval: expected"),
    ("constant-epoch-nan", lambda: schedules.constant(0.1, float("nan")), ValueError, r"^epoch: expected finite"),
    ("exponential-base", lambda: schedules.exponential(0.1, 1, base=1.5), ValueError, r"^base: expected"),
    ("get_schedule", lambda: schedules.get_schedule("polynomial"), ValueError, r"^schedule: expected one of"),
    ("uniform-interval", lambda: tuning.sample_uniform(1.0, 0.0, 3, 0), ValueError, r"^high: expected"),
    ("uniform-size", lambda: tuning.sample_uniform(0.0, 1.0, 0, 0), ValueError, r"^size: expected"),
    ("uniform-rng", lambda: tuning.sample_uniform(0.0, 1.0, 3, None), TypeError, r"^rng: expected"),
    ("log-uniform-low", lambda: tuning.sample_log_uniform(0.0, 1.0, 3, 0), ValueError, r"^low: expected"),
    ("beta-high", lambda: tuning.sample_beta(0.9, 1.0, 3, 0), ValueError, r"^high: expected .*\[0.0, 1.0\)"),
    ("beta-low", lambda: tuning.sample_beta(-0.1, 0.9, 3, 0), ValueError, r"^low: expected"),
    ("grid-n", lambda: tuning.grid_points(0), ValueError, r"^n_per_axis: expected"),
    ("random_points-n", lambda: tuning.random_points(0, 0), ValueError, r"^n: expected"),
    # --- computation graphs -----------------------------------------------------------------
    ("toy-nan", lambda: compgraph.toy_forward(float("nan"), 1.0, 1.0), ValueError, r"^a: expected a finite"),
    ("toy-str", lambda: compgraph.toy_backward(1.0, "b", 1.0), TypeError, r"^b: expected a real number"),
    ("logistic_single-w", lambda: compgraph.logistic_single(np.ones((2, 1)), np.ones((3, 1)), 0.0, 1), ValueError,
     r"^w: expected shape"),
    ("logistic_single-y", lambda: compgraph.logistic_single(np.ones((2, 1)), np.ones((2, 1)), 0.0, 2), ValueError,
     r"^y: expected labels"),
    ("Value-data", lambda: autodiff.Value("1"), TypeError, r"^data: expected a real number"),
    ("Value-pow", lambda: autodiff.Value(-2.0) ** 0.5, ValueError, r"^Value \*\* 0.5: expected a non-negative"),
    ("minimize-lr", lambda: autodiff.minimize(lambda w: w * w, 1.0, 0.0, 3), ValueError, r"^learning_rate"),
    ("minimize-f", lambda: autodiff.minimize(3, 1.0, 0.1, 3), TypeError, r"^f: expected a callable"),
    # --- data -------------------------------------------------------------------------------
    ("flower-m", lambda: data.make_flower(1), ValueError, r"^m: expected"),
    ("flower-rng", lambda: data.make_flower(10, rng=None), TypeError, r"^rng: expected"),
    ("moons-noise", lambda: data.make_moons(10, noise=-1.0), ValueError, r"^noise: expected"),
    ("circles-factor", lambda: data.make_circles(10, factor=1.0), ValueError, r"^factor: expected"),
    ("circles-dtype", lambda: data.make_circles(10, dtype=np.int64), TypeError, r"^dtype: expected"),
    ("split-Y-shape", lambda: data.train_dev_test_split(_X, _Y[:, :5]), ValueError, r"^Y: expected shape"),
    ("split-fractions", lambda: data.train_dev_test_split(_X, _Y, (0.5, 0.6)), ValueError, r"^fractions: expected"),
    ("split-empty", lambda: data.train_dev_test_split(np.zeros((3, 0)), np.zeros((1, 0))), ValueError,
     r"^X: expected a non-empty"),
    ("split-nan", lambda: data.train_dev_test_split(_X * np.nan, _Y, (0.5, 0.5)), ValueError, r"^X: expected finite"),
    ("batches-size0", lambda: data.random_mini_batches(_X, _Y, 0), ValueError, r"^batch_size: expected"),
    ("batches-size<0", lambda: data.random_mini_batches(_X, _Y, -4), ValueError, r"^batch_size: expected"),
    ("batches-size-float", lambda: data.random_mini_batches(_X, _Y, 2.5), TypeError, r"^batch_size: expected"),
    ("batches-Y-shape", lambda: data.random_mini_batches(_X, _Y[:, :5], 2), ValueError, r"^Y: expected shape"),
    ("batches-empty", lambda: data.random_mini_batches(np.zeros((3, 0)), np.zeros((1, 0)), 2), ValueError,
     r"^X: expected a non-empty"),
    ("batches-inf", lambda: data.random_mini_batches(_X, np.where(_Y > 0, np.inf, 0.0), 2), ValueError,
     r"^Y: expected finite"),
    ("one_hot-range", lambda: data.one_hot([0, 3], 3), ValueError, r"^labels: expected values in \[0, 2\]"),
    ("one_hot-float", lambda: data.one_hot([0.5], 3), TypeError, r"^labels: expected integer"),
    ("one_hot-empty", lambda: data.one_hot([], 3), ValueError, r"^labels: expected at least one"),
    ("one_hot-C", lambda: data.one_hot([0], 1), ValueError, r"^C: expected"),
    ("standardize-nan", lambda: data.standardize_fit(_X * np.nan), ValueError, r"^X: expected finite"),
    ("standardize-empty", lambda: data.standardize_fit(np.zeros((3, 0))), ValueError, r"^X: expected a non-empty"),
    ("standardize_apply-mu", lambda: data.standardize_apply(_X[:2], _mu, _sigma), ValueError, r"^mu: expected shape"),
    ("standardize_apply-sigma", lambda: data.standardize_apply(_X, _mu, 0 * _sigma), ValueError,
     r"^sigma: expected positive"),
    ("augment-Y", lambda: data.augment_2d(_X, _Y[:, :5], 0), ValueError, r"^Y: expected shape"),
    ("augment-copies", lambda: data.augment_2d(_X, _Y, 0, copies=0), ValueError, r"^copies: expected"),
    ("augment-jitter", lambda: data.augment_2d(_X, _Y, 0, jitter=-1.0), ValueError, r"^jitter: expected"),
    ("augment-axes", lambda: data.augment_2d(_X, _Y, 0, flip_axes=(3,)), ValueError, r"^flip_axes: expected"),
    ("flatten", lambda: data.flatten_images(np.ones((2, 2))), ValueError, r"^images: expected shape"),
    ("unflatten", lambda: data.unflatten_images(_imgs, (3, 3)), ValueError, r"^shape: expected"),
    ("shift-dy", lambda: data.shift_images(_imgs, (4, 4), 4, 0), ValueError, r"^dy: expected"),
    ("augment_images-shift", lambda: data.augment_images(_imgs, _Y[:, :3], (4, 4), 0, max_shift=4), ValueError,
     r"^max_shift: expected"),
    ("temperature-days", lambda: data.synthetic_temperature(0, days=0), ValueError, r"^days: expected"),
    # --- the training loop ------------------------------------------------------------------
    ("fit-Y-examples", lambda: train.fit(_X, _Y[:, :5], [3, 2, 1], epochs=1), ValueError, r"^Y: expected shape"),
    ("fit-layer_dims", lambda: train.fit(_X, _Y, [2, 2, 1], epochs=1), ValueError, r"^layer_dims: expected"),
    ("fit-output-size", lambda: train.fit(_X, _Y, [3, 2, 2], epochs=1, activations=("relu", "sigmoid")),
     ValueError, r"^Y: expected shape"),
    ("fit-labels", lambda: train.fit(_X, 2 * _Y, [3, 2, 1], epochs=1), ValueError, r"^Y: expected labels"),
    ("fit-nan", lambda: train.fit(_X * np.nan, _Y, [3, 2, 1], epochs=1), ValueError, r"^X: expected finite"),
    ("fit-empty", lambda: train.fit(np.zeros((3, 0)), np.zeros((1, 0)), [3, 2, 1], epochs=1), ValueError,
     r"^X: expected a non-empty"),
    ("fit-kp", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, keep_probs=0.0), ValueError, r"^keep_probs: expected"),
    ("fit-lr", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, learning_rate=0.0), ValueError,
     r"^learning_rate: expected"),
    ("fit-batch_size", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, batch_size=0), ValueError,
     r"^batch_size: expected"),
    ("fit-epochs", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=0), ValueError, r"^epochs: expected"),
    ("fit-patience", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, patience=3), ValueError, r"^patience"),
    ("fit-X_dev", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, X_dev=_X[:2], Y_dev=_Y), ValueError,
     r"^X_dev: expected shape"),
    ("fit-beta", lambda: train.fit(_X, _Y, [3, 2, 1], epochs=1, optimizer=optim.Momentum(0.1, beta=0.9),
                                   lambd=-1.0), ValueError, r"^lambd: expected"),
    ("ensemble-empty", lambda: train.ensemble_predict([], _X), TypeError, r"^results: expected"),
    ("ensemble-not-a-result", lambda: train.ensemble_predict([object()], _X), TypeError, r"^results\[0\]: expected"),
]


#: Rows whose message does not yet say what was expected and what was received (strict xfails:
#: fixing one turns its xfail red, so the entry must then be removed). None left.
KNOWN_GAPS: dict[str, str] = {}


class TestBadInput:
    @pytest.mark.parametrize("call,exc,pattern", [
        pytest.param(*row[1:], id=row[0],
                     marks=[pytest.mark.xfail(reason=KNOWN_GAPS[row[0]], strict=True)] if row[0] in KNOWN_GAPS else [])
        for row in BAD_INPUT])
    def test_clear_error_naming_the_argument(self, call, exc, pattern):
        with pytest.raises(exc, match=pattern) as info:
            call()
        message = str(info.value)
        assert type(info.value) is exc                          # not a subclass that hides the kind
        assert "expected" in message and "got" in message, message   # what was expected, what was received


# =============================================================================================
# Quality: float32 and float64 both work end to end; the dtype is kept
# =============================================================================================
def _arr(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _labels(m, dtype):
    return (np.arange(m) % 2).reshape(1, m).astype(dtype)


def _net(dtype, batchnorm=False, dims=(3, 4, 1)):
    return initializers.initialize_parameters(list(dims), "he", rng=0, dtype=dtype, batchnorm=batchnorm)


def _forward_backward(dtype, batchnorm=False):
    X, Y, p = _arr((3, 8), dtype), _labels(8, dtype), _net(dtype, batchnorm)
    state = {}
    AL, caches = nn.model_forward(X, p, ("relu", "sigmoid"), keep_probs=0.8, rng=0, bn_state=state)
    grads = nn.model_backward(AL, Y, caches, loss="bce", lambd=0.1, l1=0.1)
    return AL, grads, state, nn.predict_proba(X, p, ("relu", "sigmoid"), bn_state=state or None)


def _optimizer_step(cls, dtype):
    p = _net(dtype)
    opt = cls(0.1)
    for _ in range(2):
        opt.step(p, {"d" + k: np.ones_like(v) for k, v in p.items()})
    return p, opt.state


def _bn(dtype):
    Z, gamma, beta = _arr((3, 8), dtype), np.ones((3, 1), dtype), np.zeros((3, 1), dtype)
    Zt, cache = batchnorm.batchnorm_forward(Z, gamma, beta)
    return Zt, batchnorm.batchnorm_backward(Z, cache), batchnorm.batchnorm_inference(Z, gamma, beta, cache["mu"],
                                                                                     cache["var"])


def _gradient_check(dtype):
    p = {"W": _arr((2, 2), dtype)}
    return gradcheck.gradient_check(lambda q: float(np.sum(q["W"] ** 2)), p, {"dW": 2 * p["W"]}, eps=1e-3)[2:4]


def _logistic(dtype):
    X, Y = _arr((3, 8), dtype), _labels(8, dtype)
    w, b = logistic.initialize_zeros(3, dtype)
    out = [logistic.propagate(w, b, X, Y)[0], logistic.propagate_loop(w, b, X, Y)[0],
           logistic.optimize(w, b, X, Y, 5, 0.1)[:2]]
    res = logistic.fit(X, Y, X, Y, num_iterations=5)
    return out + [res["w"], res["b"]]


DTYPE_CASES = {
    # activations
    **{name: (lambda d, f=f: f(_arr((3, 5), d))) for name, (f, _) in act.ACTIVATIONS.items() if name != "softmax"},
    **{name + "_grad": (lambda d, g=g: g(_arr((3, 5), d))) for name, (_, g) in act.ACTIVATIONS.items()
       if name not in ("softmax", "linear")},
    "softmax": lambda d: act.softmax(_arr((3, 5), d)),
    "softmax_jacobian": lambda d: act.softmax_jacobian(_arr(3, d)),
    "softmax_backward": lambda d: act.softmax_backward(_arr((3, 5), d), _arr((3, 5), d, 1)),
    # loss gradients
    "bce_grad": lambda d: losses.bce_grad(act.sigmoid(_arr((1, 6), d)), _labels(6, d)),
    "mse_grad": lambda d: losses.mse_grad(_arr((2, 6), d), _arr((2, 6), d, 1)),
    "softmax_cross_entropy_grad": lambda d: losses.softmax_cross_entropy_grad(
        act.softmax(_arr((3, 6), d)), data.one_hot(np.arange(6) % 3, 3, dtype=d)),
    "torch_cross_entropy_grad": lambda d: losses.torch_cross_entropy_grad(_arr((6, 3), d), np.arange(6) % 3),
    # precision: emulated formats, results in the input's dtype
    "round_to": lambda d: precision.round_to(_arr((3, 5), d), "float16"),
    "to_bfloat16": lambda d: precision.to_bfloat16(_arr((3, 5), d)),
    "apply_loss_scale": lambda d: precision.apply_loss_scale(_arr((3, 5), d) * 1e-6, 1024.0),
    "adam_denominator": lambda d: precision.adam_denominator(_arr((3, 5), d) * 1e-2),
    "numerical_grad_in": lambda d: precision.numerical_grad_in(lambda x: float(np.sum(x ** 2)), _arr(3, d),
                                                                "bfloat16"),
    # regularization
    "l2_penalty_grad": lambda d: regularization.l2_penalty_grad(_arr((3, 4), d), 0.1, 10),
    "l1_penalty_grad": lambda d: regularization.l1_penalty_grad(_arr((3, 4), d), 0.1, 10),
    "dropout_forward": lambda d: regularization.dropout_forward(_arr((3, 4), d), 0.7, 0),
    "dropout_backward": lambda d: regularization.dropout_backward(_arr((3, 4), d), _arr((3, 4), d) > 0, 0.7),
    "ridge_polyfit": lambda d: regularization.ridge_polyfit(np.linspace(0, 1, 8, dtype=d), _arr(8, d), 3, 0.1),
    # initializers
    "zeros": lambda d: initializers.zeros((2, 3), dtype=d),
    "constant": lambda d: initializers.constant((2, 3), 0.5, dtype=d),
    **{name: (lambda d, f=f: f((4, 3), 0, dtype=d))
       for name, f in initializers.INITIALIZERS.items() if name != "zeros"},
    "initialize_parameters": lambda d: (_net(d), _net(d, batchnorm=True, dims=(3, 4, 4, 2))),
    "activation_stats_by_depth": lambda d: initializers.activation_stats_by_depth("he", 3, 8, "relu", 0, m=20,
                                                                                  dtype=d),
    # logistic regression
    "logistic": _logistic,
    # networks
    "linear_forward": lambda d: nn.linear_forward(_arr((3, 5), d), _arr((2, 3), d), np.zeros((2, 1), d)),
    "linear_activation_forward": lambda d: nn.linear_activation_forward(_arr((3, 5), d), _arr((2, 3), d),
                                                                        np.zeros((2, 1), d), "tanh"),
    "linear_backward": lambda d: nn.linear_backward(_arr((2, 5), d), (_arr((3, 5), d), _arr((2, 3), d), None)),
    "activation_backward": lambda d: nn.activation_backward(_arr((2, 5), d), _arr((2, 5), d, 1), "softmax"),
    "linear_activation_backward": lambda d: nn.linear_activation_backward(
        _arr((2, 5), d), ((_arr((3, 5), d), _arr((2, 3), d), None), _arr((2, 5), d, 1)), "relu"),
    "model_forward/backward": _forward_backward,
    "model_forward/backward-batchnorm": lambda d: _forward_backward(d, batchnorm=True),
    "update_parameters": lambda d: nn.update_parameters(_net(d), {"d" + k: v for k, v in _net(d).items()}, 0.1),
    "batchnorm": _bn,
    "batchnorm_train_forward": lambda d: batchnorm.batchnorm_train_forward(
        _arr((3, 5), d), np.ones((3, 1), d), np.zeros((3, 1), d), np.zeros((3, 1), d), np.ones((3, 1), d)),
    "layernorm_forward/backward": lambda d: layernorm.layernorm_backward(
        _arr((3, 5), d, 1), layernorm.layernorm_forward(_arr((3, 5), d), np.ones((3, 1), d), np.zeros((3, 1), d))[1]),
    # gradient checking
    "numerical_grad": lambda d: numerical_grad(lambda x: float(np.sum(x ** 2)), _arr((2, 3), d), eps=1e-3),
    "params_to_vector": lambda d: gradcheck.params_to_vector(_net(d))[0],
    "vector_to_params": lambda d: gradcheck.vector_to_params(*gradcheck.params_to_vector(_net(d))),
    "gradient_check": _gradient_check,
    # optimizers
    **{cls.__name__: (lambda d, cls=cls: _optimizer_step(cls, d))
       for cls in (optim.GradientDescent, optim.Momentum, optim.RMSprop, optim.Adam, optim.Nesterov,
                   optim.AdaGrad, optim.AdamW)},
    "trajectory": lambda d: optim.trajectory(lambda x: 2 * x, np.array([1.0, -1.0], d), optim.Adam(0.1), 3),
    "ewa": lambda d: (ewa.ewa(_arr(10, d), 0.9), ewa.ewa(_arr((10, 2), d), 0.9, bias_correction=True)),
    # data
    **{f.__name__: (lambda d, f=f: f(40, rng=0, dtype=d))
       for f in (data.make_flower, data.make_moons, data.make_circles, data.make_noisy_regions)},
    "load_digits": lambda d: data.load_digits(dtype=d)[0],
    "train_dev_test_split": lambda d: data.train_dev_test_split(_arr((2, 20), d), _labels(20, d)),
    "random_mini_batches": lambda d: data.random_mini_batches(_arr((2, 20), d), _labels(20, d), 8, 0),
    "one_hot": lambda d: data.one_hot([0, 2, 1], 3, dtype=d),
    "standardize_fit/apply": lambda d: (data.standardize_fit(_arr((2, 9), d)),
                                        data.standardize_apply(_arr((2, 9), d),
                                                               *data.standardize_fit(_arr((2, 9), d)))),
    "augment_2d": lambda d: data.augment_2d(_arr((2, 9), d), _labels(9, d), 0, copies=2, flip_axes=(0,)),
    "images": lambda d: (data.flatten_images(_arr((3, 4, 4), d)), data.unflatten_images(_arr((16, 3), d), (4, 4)),
                         data.flip_images(_arr((16, 3), d), (4, 4)), data.shift_images(_arr((16, 3), d), (4, 4), 1, 1),
                         data.augment_images(_arr((16, 3), d), _labels(3, d), (4, 4), 0, flip=True)),
    "synthetic_temperature": lambda d: data.synthetic_temperature(0, days=30, dtype=d)[1],
    "logistic_single": lambda d: compgraph.logistic_single(_arr((3, 1), d), _arr((3, 1), d, 1), 0.5, 1)["dw"],
}


class TestDtypes:
    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    @pytest.mark.parametrize("name", sorted(DTYPE_CASES))
    def test_dtype_kept(self, name, dtype):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            arrays = floats_in(DTYPE_CASES[name](dtype))
        assert arrays, f"{name} returned no floating-point array"
        wrong = sorted({str(a.dtype) for a in arrays if a.dtype != dtype})
        assert not wrong, f"{name}: expected {np.dtype(dtype)}, got {wrong}"

    def test_every_array_returning_function_is_covered(self):
        """A new public function must be added to DTYPE_CASES (or to the list of scalar-valued ones)."""
        scalar_or_other = {
            "clip_eps", "binary_cross_entropy", "binary_cross_entropy_from_logits", "categorical_cross_entropy",
            "categorical_cross_entropy_from_logits", "sparse_categorical_cross_entropy", "mean_squared_error",
            "weight_keys", "l2_penalty", "l1_penalty", "layer_shapes", "num_layers", "compute_cost", "predict",
            "relative_difference", "classify_rel_error", "GradientCheckResult", "Optimizer", "make_optimizer",
            "ewa_weights", "toy_forward", "toy_backward", "Value", "minimize", "MinimizeResult", "LOSSES",
            "ACTIVATIONS", "INITIALIZERS", "OPTIMIZERS", "SCHEDULES", "get_schedule", "distinct_per_axis",
            # hyperparameters, learning rates and epochs are not data: plain float64 / Python floats
            "constant", "inverse_time", "staircase", "exponential", "inverse_sqrt",
            "linear_warmup", "cosine", "cosine_restarts", "one_cycle", "linear_scaling", "lr_range_test",
            "sample_uniform", "sample_log_uniform", "sample_beta", "grid_points", "random_points",
            # a search's bookkeeping: losses, budgets and scores of configurations
            "fit_dev_cost", "successive_halving", "best_of_n",
            "torch_cross_entropy", "keras_categorical_crossentropy",
            # precision: format constants, booleans, thresholds
            "FormatInfo", "format_info", "absorbs", "gradcheck_thresholds",
        }
        covered = set(DTYPE_CASES) | {"identity", "linear", "linear_activation_forward", "model_forward",
                                      "model_backward", "predict_proba", "batchnorm_forward", "batchnorm_backward",
                                      "batchnorm_inference", "initialize_zeros", "propagate", "propagate_loop",
                                      "optimize", "fit", "flatten_images", "unflatten_images", "flip_images",
                                      "shift_images", "augment_images", "standardize_fit", "standardize_apply",
                                      "layernorm_forward", "layernorm_backward",
                                      "random_normal", "random_small", "lecun", "glorot", "he"}
        modules = [act, losses, regularization, initializers, logistic, nn, batchnorm, layernorm, gradcheck, optim, ewa,
                   schedules, tuning, compgraph, autodiff, data, precision]
        missing = [f"{m.__name__}.{n}" for m in modules for n in m.__all__
                   if n not in covered and n not in scalar_or_other]
        assert not missing, missing

    def test_float32_training_end_to_end_with_every_feature(self):
        X, labels = data.load_digits(dtype=np.float32)
        Xtr, Ltr, Xdv, Ldv = data.train_dev_test_split(X[:, :600], labels[:, :600], (0.7, 0.3), rng=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            r = train.fit(Xtr, Ltr, [64, 24, 10], optimizer="adam", learning_rate=0.05, batch_size=64, epochs=100,
                          lambd=0.2, keep_probs=0.9, batchnorm=True, schedule="inverse_time", X_dev=Xdv,
                          Y_dev=Ldv, patience=3, rng=0)
        assert r.config["dtype"] == "float32" and r.config["batchnorm"] and r.config["keep_probs"] == 0.9
        assert r.config["stopped_early"] and r.config["epochs_run"] < 100    # early stopping took part
        assert all(v.dtype == np.float32 for v in r.parameters.values())
        assert set(r.bn_state) == {"mu1", "var1"} and all(v.dtype == np.float32 for v in r.bn_state.values())
        assert r.predict_proba(Xdv).dtype == np.float32
        assert np.mean(r.predict(Xdv) == Ldv) > 0.85
        assert r.history["learning_rate"][1] < r.history["learning_rate"][0]   # the schedule took part


# =============================================================================================
# Quality: deterministic, and no use of NumPy's global random state
# =============================================================================================
_mX, _mY = data.make_moons(60, rng=0)

RANDOM_CALLS = {
    "dropout_forward": lambda s: regularization.dropout_forward(np.ones((4, 6)), 0.5, s),
    **{f"initializers.{n}": (lambda s, f=f: f((3, 4), s)) for n, f in initializers.INITIALIZERS.items()
       if n != "zeros"},
    "initialize_parameters": lambda s: initializers.initialize_parameters([3, 4, 1], "he", s),
    "activation_stats_by_depth": lambda s: initializers.activation_stats_by_depth("he", 3, 6, "tanh", s, m=10),
    "model_forward-dropout": lambda s: nn.model_forward(_X, _p, ("relu", "sigmoid"), keep_probs=0.5, rng=s)[0],
    "make_flower": lambda s: data.make_flower(30, rng=s),
    "make_moons": lambda s: data.make_moons(30, rng=s),
    "make_circles": lambda s: data.make_circles(30, rng=s),
    "make_noisy_regions": lambda s: data.make_noisy_regions(30, rng=s),
    "train_dev_test_split": lambda s: data.train_dev_test_split(_X, _Y, (0.5, 0.5), rng=s),
    "random_mini_batches": lambda s: data.random_mini_batches(_X, _Y, 3, rng=s),
    "augment_2d": lambda s: data.augment_2d(_X, _Y, s, flip_axes=(0,)),
    "augment_images": lambda s: data.augment_images(_imgs, _Y[:, :3], (4, 4), s, flip=True),
    "synthetic_temperature": lambda s: data.synthetic_temperature(s, days=20),
    "sample_uniform": lambda s: tuning.sample_uniform(0.0, 1.0, 5, s),
    "sample_log_uniform": lambda s: tuning.sample_log_uniform(1e-4, 1.0, 5, s),
    "sample_beta": lambda s: tuning.sample_beta(0.9, 0.999, 5, s),
    "random_points": lambda s: tuning.random_points(5, s),
    "train.fit": lambda s: train.fit(_mX, _mY, [2, 4, 1], batch_size=16, epochs=2, keep_probs=0.8, rng=s).parameters,
    "train.fit-readable": lambda s: train.fit(_mX, _mY, [2, 4, 1], batch_size=16, epochs=2, keep_probs=0.8,
                                              batchnorm=True, rng=s).parameters,
}


def _same(a, b):
    fa, fb = floats_in(a), floats_in(b)
    return len(fa) == len(fb) and all(np.array_equal(x, y) for x, y in zip(fa, fb))


class TestDeterminism:
    @pytest.mark.parametrize("name", sorted(RANDOM_CALLS))
    def test_same_seed_same_result_whatever_the_global_state(self, name):
        call = RANDOM_CALLS[name]
        np.random.seed(1)
        before = np.random.get_state()[1].copy()
        a = call(42)
        assert np.array_equal(np.random.get_state()[1], before), "the global random state was used"
        np.random.seed(987654)
        b = call(42)
        c = call(np.random.default_rng(42))
        assert floats_in(a) and _same(a, b) and _same(a, c)
        assert not _same(a, call(43)), "the seed is ignored"

    def test_only_seeded_generators_in_the_package_source(self):
        """Stricter than the blacklist grep of test_public_api: a whitelist of np.random names."""
        src = pathlib.Path(act.__file__).parent
        # Generator, default_rng(seed), and the PCG64 class named in a type check (never constructed)
        allowed = re.compile(r"np\.random\.(Generator\b|default_rng\((?!\s*\))|PCG64\b(?!\s*\())")
        offenders = []
        for path in sorted(src.rglob("*.py")):
            for i, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if ">>>" in code or "..." in code.lstrip()[:3]:
                    continue
                uses = re.findall(r"np\.random\.\w+\(?\s*\)?", code)
                if any(not allowed.match(u) for u in uses) or re.search(
                        r"^\s*(import random\b|from random\b|from numpy\.random\b|from numpy import random\b)", code):
                    offenders.append(f"{path.relative_to(src)}:{i}: {line.strip()}")
        assert not offenders, offenders

    def test_grep_based_check_exists(self):
        source = (TESTS / "test_public_api.py").read_text()
        assert "def test_no_global_random_state_in_package" in source and "np\\.random\\.(seed" in source


# =============================================================================================
# Quality: tests that can fail
# =============================================================================================
def _fixed_mask_network_case(rng):
    """Whole network with dropout: the same mask for every evaluation (via a re-seeded Generator)."""
    X, Y = rng.standard_normal((3, 6)), (rng.random((1, 6)) < 0.5) * 1.0
    p = initializers.initialize_parameters([3, 5, 4, 1], "he", rng=1)
    acts = ("tanh", "relu", "sigmoid")

    def cost(q):
        AL, _ = nn.model_forward(X, q, acts, keep_probs=0.7, rng=np.random.default_rng(5))
        return nn.compute_cost(AL, Y, "bce", parameters=q, lambd=0.3)

    AL, caches = nn.model_forward(X, p, acts, keep_probs=0.7, rng=np.random.default_rng(5))
    return p, cost, nn.model_backward(AL, Y, caches, loss="bce", lambd=0.3)


def _network_case(acts, loss, dims, batchnorm_on=False, lambd=0.7, l1=0.0, keep_probs=None):
    def make(rng):
        X = rng.standard_normal((dims[0], 7))
        if loss == "cce":
            Y = data.one_hot(np.arange(7) % dims[-1], dims[-1])
        elif loss == "bce":
            Y = (rng.random((dims[-1], 7)) < 0.5) * 1.0
        else:
            Y = rng.standard_normal((dims[-1], 7))
        p = initializers.initialize_parameters(list(dims), "he", rng=2, batchnorm=batchnorm_on)

        def forward(q):                        # a re-seeded Generator: the same dropout mask every time
            return nn.model_forward(X, q, acts, keep_probs=keep_probs, rng=np.random.default_rng(3))

        def cost(q):
            return nn.compute_cost(forward(q)[0], Y, loss, parameters=q, lambd=lambd, l1=l1)

        AL, caches = forward(p)
        return p, cost, nn.model_backward(AL, Y, caches, loss=loss, lambd=lambd, l1=l1)
    return make


NETWORK_GRAD_CASES = {
    "sigmoid+bce+L2": _network_case(("relu", "tanh", "sigmoid"), "bce", (4, 5, 3, 1)),
    "softmax+cce+L2": _network_case(("leaky_relu", "softmax"), "cce", (4, 5, 3)),
    "identity+mse+L2": _network_case(("tanh", "identity"), "mse", (3, 4, 2)),
    "sigmoid+mse (chain rule)": _network_case(("tanh", "sigmoid"), "mse", (3, 4, 1)),
    "batchnorm+L2": _network_case(("tanh", "relu", "sigmoid"), "bce", (3, 5, 4, 1), batchnorm_on=True),
    "dropout fixed mask+L2": _fixed_mask_network_case,
    "softmax+mse (chain rule)": _network_case(("relu", "softmax"), "mse", (3, 4, 3)),
    "sigmoid+cce (chain rule)": _network_case(("tanh", "sigmoid"), "cce", (3, 4, 3)),
    "batchnorm+dropout+L2+L1": _network_case(("tanh", "leaky_relu", "softmax"), "cce", (3, 5, 4, 3),
                                             batchnorm_on=True, l1=0.05, keep_probs=[0.8, 0.6]),
}


class TestTestsThatCanFail:
    @pytest.mark.parametrize("name", sorted(NETWORK_GRAD_CASES))
    def test_whole_network_gradient(self, name, rng):
        p, cost, grads = NETWORK_GRAD_CASES[name](rng)
        res = gradcheck.gradient_check(cost, p, grads, eps=1e-6)
        assert res.rel_error < GRAD_TOL, res.per_key

    @pytest.mark.parametrize("loss,grad,make", [
        ("bce", losses.bce_grad, lambda r: (act.sigmoid(r.standard_normal((2, 5))), (r.random((2, 5)) < 0.5) * 1.0)),
        ("mse", losses.mse_grad, lambda r: (r.standard_normal((2, 5)), r.standard_normal((2, 5)))),
    ])
    def test_loss_gradients(self, loss, grad, make, rng):
        A, Y = make(rng)
        m = A.shape[1]                         # the gradient is per example: d(cost)/dA = grad / m
        assert rel_err(grad(A, Y) / m, lambda a: nn.LOSSES[loss](a, Y), A.copy()) < GRAD_TOL

    def test_bce_from_logits_gradient(self, rng):
        Z, Y = rng.standard_normal((1, 6)), (rng.random((1, 6)) < 0.5) * 1.0
        assert rel_err((act.sigmoid(Z) - Y) / 6, lambda z: losses.binary_cross_entropy_from_logits(z, Y),
                       Z.copy()) < GRAD_TOL

    @pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"])
    def test_single_layer_gradients(self, activation, rng):
        A_prev, W, b = rng.standard_normal((3, 5)), rng.standard_normal((4, 3)), rng.standard_normal((4, 1))
        dA = rng.standard_normal((4, 5))                   # J = (1/m) sum dA * g(W A_prev + b)
        _, cache = nn.linear_activation_forward(A_prev, W, b, activation)
        dA_prev, dW, db = nn.linear_activation_backward(dA, cache, activation)

        def J(a=A_prev, w=W, bb=b):
            return float(np.sum(dA * nn.linear_activation_forward(a, w, bb, activation)[0]) / 5)

        assert rel_err(dW, lambda w: J(w=w), W.copy()) < GRAD_TOL
        assert rel_err(db, lambda bb: J(bb=bb), b.copy()) < GRAD_TOL
        assert rel_err(dA_prev / 5, lambda a: J(a=a), A_prev.copy()) < GRAD_TOL

    def test_dropout_backward_with_a_fixed_mask(self, rng):
        A, dA = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
        _, D = regularization.dropout_forward(A, 0.6, 0)
        f = lambda a: float(np.sum(dA * a * D / 0.6))           # noqa: E731  the forward with that mask
        assert rel_err(regularization.dropout_backward(dA, D, 0.6), f, A.copy()) < GRAD_TOL

    @given(dims=st.lists(st.integers(1, 4), min_size=2, max_size=4), m=st.integers(1, 5),
           seed=st.integers(0, 2 ** 31))
    @settings(max_examples=15)
    def test_property_random_architectures(self, dims, m, seed):
        r = np.random.default_rng(seed)
        X, Y = r.standard_normal((dims[0], m)), (r.random((dims[-1], m)) < 0.5) * 1.0
        L = len(dims) - 1
        acts = ("tanh",) * (L - 1) + ("sigmoid",)
        p = initializers.initialize_parameters(dims, "glorot", rng=seed)
        AL, caches = nn.model_forward(X, p, acts)
        assert AL.shape == (dims[-1], m) and np.all((AL > 0) & (AL < 1))
        grads = nn.model_backward(AL, Y, caches, loss="bce", lambd=0.2)
        assert {k: v.shape for k, v in grads.items()} == {"d" + k: v.shape for k, v in p.items()}
        res = gradcheck.gradient_check(
            lambda q: nn.compute_cost(nn.model_forward(X, q, acts)[0], Y, "bce", parameters=q, lambd=0.2),
            p, grads, eps=1e-6)
        assert res.rel_error < GRAD_TOL

    def test_every_public_function_has_a_doctest_and_a_page_link(self):
        modules = [act, losses, regularization, initializers, logistic, nn, batchnorm, layernorm, gradcheck, optim, ewa,
                   schedules, tuning, compgraph, autodiff, data, precision]
        missing = []
        for mod in modules:
            for name in mod.__all__:
                obj = getattr(mod, name)
                if isinstance(obj, dict):
                    continue
                doc = obj.__doc__ or ""
                if ">>>" not in doc or ".md" not in doc:
                    missing.append(f"{mod.__name__}.{name}")
        assert not missing, missing


# =============================================================================================
# Done when: digits, Adam + mini-batches + L2 + dropout, >= 95 % test accuracy (tests/test_train.py)
# =============================================================================================
class TestDoneWhen:
    def _digits_test(self):
        tree = ast.parse((TESTS / "test_train.py").read_text())
        funcs = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        return funcs["test_digits_adam_minibatch_l2_dropout_accuracy"]

    def test_the_test_exists_and_uses_all_four(self):
        func = self._digits_test()
        calls = [c for c in ast.walk(func) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "fit"]
        assert len(calls) == 1
        kw = {k.arg: ast.literal_eval(k.value) for k in calls[0].keywords}
        assert kw["optimizer"] == "adam"
        assert 1 < kw["batch_size"] < 1437                     # mini-batches (1437 training examples)
        assert kw["lambd"] > 0                                  # L2
        kp = kw["keep_probs"]
        assert 0 < (kp if isinstance(kp, float) else min(kp)) < 1   # dropout
        source = ast.unparse(func)
        assert re.search(r"assert acc >= 0\.95", source) and "predict(Xte)" in source   # on the test split

    def test_all_four_take_effect_in_that_configuration(self, digits):
        Xtr, Ltr = digits[0][:, :256], digits[1][:, :256]
        kw = dict(optimizer="adam", learning_rate=0.005, batch_size=64, epochs=2, lambd=0.5, keep_probs=0.85, rng=0)
        ref = train.fit(Xtr, Ltr, [64, 64, 10], **kw)
        assert ref.config["optimizer"].startswith("Adam(") and ref.config["batch_size"] == 64
        for change in (dict(optimizer="gd"), dict(batch_size=256), dict(lambd=0.0), dict(keep_probs=None)):
            other = train.fit(Xtr, Ltr, [64, 64, 10], **{**kw, **change})
            assert not np.allclose(other.parameters["W1"], ref.parameters["W1"]), f"{change} changed nothing"
