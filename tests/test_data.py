"""Data generators and data handling: shapes, determinism, recipes, splits, batches."""

import numpy as np
import pytest

from dlnotes import data
from dlnotes.data import (augment_2d, augment_images, flatten_images, flip_images, load_digits,
                          make_circles, make_flower, make_moons, make_noisy_regions, one_hot,
                          random_mini_batches, shift_images, standardize_apply, standardize_fit,
                          synthetic_temperature, train_dev_test_split, unflatten_images)

GENERATORS = [
    lambda m, rng, **kw: make_flower(m, rng, **kw),
    lambda m, rng, **kw: make_moons(m, 0.1, rng, **kw),
    lambda m, rng, **kw: make_circles(m, 0.1, 0.5, rng, **kw),
    lambda m, rng, **kw: make_noisy_regions(m, rng, **kw),
]


@pytest.mark.parametrize("gen", GENERATORS, ids=["flower", "moons", "circles", "noisy"])
@pytest.mark.parametrize("m", [2, 101, 400])
def test_generators_shapes_labels_determinism(gen, m):
    X, Y = gen(m, 3)
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert X.dtype == Y.dtype == np.float64
    X2, Y2 = gen(m, np.random.default_rng(3))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = gen(m, 4)
    assert not np.array_equal(X, X3)
    X32, Y32 = gen(m, 3, dtype=np.float32)
    assert X32.dtype == Y32.dtype == np.float32
    np.testing.assert_allclose(X32, X, rtol=1e-6, atol=1e-6)


def test_flower_recipe():
    X, Y = make_flower(400, rng=0)
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200
    # r = 4 sin(4t) + small noise: radii up to about 4, and each point's angle/radius pair obeys it
    r = np.hypot(X[0], X[1])
    assert 3.5 < r.max() < 5.0
    # noise-free version of the recipe: with no noise the points lie on the rose r = 4 sin(4 t)
    t = np.arctan2(X[0], X[1])                           # angle of (r sin t, r cos t), up to r's sign
    resid = np.minimum(np.abs(r - np.abs(4 * np.sin(4 * t))), r)
    assert np.median(resid) < 0.5
    # the recipe, written independently: t then r noise for class 0, then class 1
    g = np.random.default_rng(0)
    cols = []
    for j in (0, 1):
        t = np.linspace(3.12 * j, 3.12 * (j + 1), 200) + g.normal(0, 0.2, 200)
        rr = 4 * np.sin(4 * t) + g.normal(0, 0.2, 200)
        cols.append(np.vstack([rr * np.sin(t), rr * np.cos(t)]))
    np.testing.assert_allclose(X, np.hstack(cols), rtol=1e-12, atol=1e-12)


def test_flower_not_linearly_separable():
    # the best least-squares linear classifier is barely better than a coin
    X, Y = make_flower(400, rng=0)
    A = np.vstack([X, np.ones((1, 400))]).T
    w, *_ = np.linalg.lstsq(A, 2 * Y[0] - 1, rcond=None)
    assert np.mean((A @ w > 0) == (Y[0] == 1)) < 0.6


def test_moons_match_scikit_learn_without_noise():
    sk = pytest.importorskip("sklearn.datasets")
    X, Y = make_moons(101, noise=0.0, rng=0)
    Xs, ys = sk.make_moons(101, noise=0.0, shuffle=False)
    # same set of points with the same labels (ours are shuffled)
    ours = sorted(map(tuple, np.round(np.vstack([X, Y]).T, 12)))
    theirs = sorted(map(tuple, np.round(np.column_stack([Xs, ys]), 12)))
    np.testing.assert_allclose(np.array(ours), np.array(theirs), atol=1e-12)


def test_circles_match_scikit_learn_without_noise():
    sk = pytest.importorskip("sklearn.datasets")
    X, Y = make_circles(100, noise=0.0, factor=0.8, rng=0)
    Xs, ys = sk.make_circles(100, noise=0.0, factor=0.8, shuffle=False)
    ours = sorted(map(tuple, np.round(np.vstack([X, Y]).T, 12)))
    theirs = sorted(map(tuple, np.round(np.column_stack([Xs, ys]), 12)))
    np.testing.assert_allclose(np.array(ours), np.array(theirs), atol=1e-12)


def test_noise_is_gaussian_with_given_std():
    X0, Y0 = make_moons(20000, noise=0.0, rng=5)
    X1, Y1 = make_moons(20000, noise=0.2, rng=5)
    np.testing.assert_array_equal(Y0, Y1)          # same shuffle
    diff = X1 - X0
    assert abs(diff.std() - 0.2) < 0.005 and abs(diff.mean()) < 0.005


def test_noisy_regions_is_noisy_but_learnable():
    X, Y = make_noisy_regions(4000, rng=1)
    assert X.min() >= -1 and X.max() <= 1
    bayes = (X[1] - 0.4 * np.sin(2.5 * X[0]) + 0.15 > 0)
    agree = np.mean(bayes == Y[0])
    assert 0.8 < agree < 0.95          # labels follow the boundary, with noise
    assert 0.3 < Y.mean() < 0.7


def test_load_digits():
    X, labels = load_digits()
    assert X.shape == (64, 1797) and labels.shape == (1, 1797)
    assert X.dtype == np.float64 and labels.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(labels)) == set(range(10))
    raw, _ = load_digits(scale=False, dtype=np.float32)
    assert raw.dtype == np.float32 and raw.max() == 16.0
    np.testing.assert_allclose(raw / 16, X, rtol=1e-6)


def test_load_digits_without_sklearn(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("sklearn"):
            raise ImportError("no sklearn")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match="pip install scikit-learn"):
        load_digits()


def test_train_dev_test_split_partition():
    m = 103
    X = np.vstack([np.arange(m), -np.arange(m)]).astype(float)
    Y = np.arange(m).reshape(1, m)
    Xtr, Ytr, Xdv, Ydv, Xte, Yte = train_dev_test_split(X, Y, (0.7, 0.15, 0.15), rng=2)
    assert (Xtr.shape[1], Xdv.shape[1], Xte.shape[1]) == (72, 16, 15)   # round(103 * [0.7, 0.85, 1])
    allY = np.concatenate([Ytr, Ydv, Yte], axis=1)[0]
    assert sorted(allY.tolist()) == list(range(m))                 # a partition
    for Xp, Yp in ((Xtr, Ytr), (Xdv, Ydv), (Xte, Yte)):
        np.testing.assert_array_equal(Xp[0], Yp[0])                 # columns kept together
    assert Ytr.dtype == Y.dtype
    assert not np.array_equal(Ytr[0], np.sort(Ytr[0]))             # shuffled
    again = train_dev_test_split(X, Y, (0.7, 0.15, 0.15), rng=2)
    np.testing.assert_array_equal(again[1], Ytr)
    two = train_dev_test_split(X, Y, (0.5, 0.5), rng=0)
    assert len(two) == 4 and two[0].shape[1] + two[2].shape[1] == m


@pytest.mark.parametrize("fractions", [(0.5, 0.6), (0.9, 0.1, 0.0), (1.0,), (0.4, 0.3, 0.2, 0.1)])
def test_split_bad_fractions(fractions):
    with pytest.raises(ValueError, match="fractions"):
        train_dev_test_split(np.zeros((2, 10)), np.zeros((1, 10)), fractions)


def test_split_empty_part_and_shape_errors():
    with pytest.raises(ValueError, match="empty"):
        train_dev_test_split(np.zeros((2, 5)), np.zeros((1, 5)), (0.9, 0.05, 0.05))
    with pytest.raises(ValueError, match="Y"):
        train_dev_test_split(np.zeros((2, 5)), np.zeros((1, 4)))


@pytest.mark.parametrize("m,bs", [(148, 64), (128, 64), (5, 1), (10, 100)])
def test_mini_batches_partition(m, bs):
    X = np.arange(2 * m, dtype=float).reshape(2, m)
    Y = np.arange(m).reshape(1, m)
    batches = random_mini_batches(X, Y, bs, rng=0)
    sizes = [xb.shape[1] for xb, _ in batches]
    assert len(batches) == -(-m // bs)
    assert all(s == bs for s in sizes[:-1]) and sizes[-1] == m - bs * (len(batches) - 1)
    seen = np.concatenate([yb for _, yb in batches], axis=1)[0]
    assert sorted(seen.tolist()) == list(range(m))
    for xb, yb in batches:
        np.testing.assert_array_equal(xb[1], X[1, yb[0]])       # X and Y permuted together


def test_mini_batches_shuffle_per_call_with_generator():
    X, Y = np.zeros((1, 50)), np.arange(50).reshape(1, 50)
    g = np.random.default_rng(0)
    a = random_mini_batches(X, Y, 50, g)[0][1]
    b = random_mini_batches(X, Y, 50, g)[0][1]
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, random_mini_batches(X, Y, 50, 0)[0][1])
    with pytest.raises(ValueError, match="batch_size"):
        random_mini_batches(X, Y, 0, 0)
    with pytest.raises(TypeError, match="rng"):
        random_mini_batches(X, Y, 10, None)


def test_one_hot():
    Y = one_hot(np.array([[3, 0, 2, 3]]), 4)
    assert Y.shape == (4, 4)
    np.testing.assert_array_equal(Y.argmax(0), [3, 0, 2, 3])
    np.testing.assert_array_equal(Y.sum(0), 1)
    assert one_hot([1, 0], 2, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="labels"):
        one_hot([0, 5], 3)
    with pytest.raises(TypeError, match="labels"):
        one_hot([0.5, 1.0], 3)


def test_standardize_fit_on_train_only():
    rng = np.random.default_rng(0)
    Xtr = rng.normal([[3.0], [-2.0], [0.0]], [[2.0], [0.5], [0.0]], size=(3, 500))
    mu, sigma = standardize_fit(Xtr)
    Z = standardize_apply(Xtr, mu, sigma)
    np.testing.assert_allclose(Z.mean(1), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(1), [1, 1, 0], atol=1e-12)     # constant feature: centred only
    # divide by sigma, not sigma^2
    np.testing.assert_allclose(sigma[:2, 0], Xtr[:2].std(1))
    Xte = rng.normal(size=(3, 7)).astype(np.float32)
    with pytest.raises(TypeError, match=r"^mu: expected dtype float32 \(the dtype of X\), got float64"):
        standardize_apply(Xte, mu, sigma)            # issue 10: float32 and float64 are not mixed
    Zte = standardize_apply(Xte, mu.astype(np.float32), sigma.astype(np.float32))
    assert Zte.dtype == np.float32
    np.testing.assert_allclose(Zte, (Xte - mu) / sigma, rtol=1e-6)
    with pytest.raises(ValueError, match="mu"):
        standardize_apply(Xte, mu[:2].astype(np.float32), sigma.astype(np.float32))


def test_augment_2d():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 30)), (rng.random((1, 30)) < 0.5).astype(float)
    Xa, Ya = augment_2d(X, Y, rng=1, copies=3, jitter=0.01)
    assert Xa.shape == (2, 120) and Ya.shape == (1, 120)
    np.testing.assert_array_equal(Xa[:, :30], X)
    np.testing.assert_array_equal(Ya[:, 30:60], Y)
    assert 0 < np.abs(Xa[:, 30:60] - X).max() < 0.1
    Xf, _ = augment_2d(X, Y, rng=1, copies=1, jitter=0.0, flip_axes=(0,))
    np.testing.assert_array_equal(np.abs(Xf[0, 30:]), np.abs(X[0]))
    np.testing.assert_array_equal(Xf[1, 30:], X[1])
    assert np.any(Xf[0, 30:] != X[0])
    with pytest.raises(ValueError, match="flip_axes"):
        augment_2d(X, Y, rng=0, flip_axes=(2,))


def test_image_helpers():
    imgs = np.arange(2 * 3 * 4).reshape(2, 3, 4).astype(float)
    X = flatten_images(imgs)
    assert X.shape == (12, 2)
    np.testing.assert_array_equal(X[:, 1], imgs[1].ravel())         # one image per column
    np.testing.assert_array_equal(unflatten_images(X, (3, 4)), imgs)
    np.testing.assert_array_equal(unflatten_images(flip_images(X, (3, 4)), (3, 4)), imgs[:, :, ::-1])
    sh = unflatten_images(shift_images(X, (3, 4), 1, -1), (3, 4))
    np.testing.assert_array_equal(sh[:, 1:, :3], imgs[:, :2, 1:])
    assert np.all(sh[:, 0, :] == 0) and np.all(sh[:, :, 3] == 0)
    with pytest.raises(ValueError, match="shape"):
        unflatten_images(X, (3, 5))
    with pytest.raises(ValueError, match="images"):
        flatten_images(np.zeros((3, 4)))
    rgb = np.zeros((5, 2, 2, 3))
    assert flatten_images(rgb).shape == (12, 5)


def test_augment_images_digits():
    X, labels = load_digits()
    X, labels = X[:, :50], labels[:, :50]
    Xa, La = augment_images(X, labels, (8, 8), rng=0, copies=2, max_shift=1)
    assert Xa.shape == (64, 150) and La.shape == (1, 150)
    np.testing.assert_array_equal(Xa[:, :50], X)
    # every copy equals one of the 9 shifts of its original
    for i in range(50, 150):
        orig = X[:, (i - 50) % 50:(i - 50) % 50 + 1]
        assert any(np.array_equal(Xa[:, i:i + 1], shift_images(orig, (8, 8), dy, dx))
                   for dy in (-1, 0, 1) for dx in (-1, 0, 1))
    Xf, _ = augment_images(X, labels, (8, 8), rng=0, copies=1, max_shift=0, flip=True)
    flipped = [np.array_equal(Xf[:, 50 + i], flip_images(X[:, i:i + 1], (8, 8))[:, 0]) for i in range(50)]
    assert 10 < sum(flipped) < 40


def test_synthetic_temperature():
    day, theta = synthetic_temperature(rng=0)
    assert day[0] == 1 and day[-1] == 365 and theta.shape == (365,)
    assert theta[170:230].mean() > theta[:40].mean() + 8         # summer warmer than winter
    resid = theta - (11 - 7 * np.cos(2 * np.pi * (day - 20) / 365))
    assert 2.0 < resid.std() < 5.0
    assert np.corrcoef(resid[:-1], resid[1:])[0, 1] > 0.3        # weather persists
    np.testing.assert_array_equal(theta, synthetic_temperature(rng=0)[1])
    assert synthetic_temperature(rng=0, dtype=np.float32)[1].dtype == np.float32


@pytest.mark.parametrize("call,exc,match", [
    (lambda: make_flower(1), ValueError, "m"),
    (lambda: make_flower(10.5), TypeError, "m"),
    (lambda: make_flower(10, rng=None), TypeError, "rng"),
    (lambda: make_moons(10, noise=-1.0), ValueError, "noise"),
    (lambda: make_circles(10, factor=1.0), ValueError, "factor"),
    (lambda: make_noisy_regions(10, label_noise=0.0), ValueError, "label_noise"),
    (lambda: make_flower(10, dtype=np.int64), TypeError, "dtype"),
    (lambda: synthetic_temperature(days=0), ValueError, "days"),
])
def test_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_all_is_complete():
    public = {n for n in dir(data) if not n.startswith("_") and callable(getattr(data, n))
              and getattr(getattr(data, n), "__module__", "").startswith("dlnotes.data.")}   # data/*.py
    assert public == set(data.__all__)


@pytest.mark.parametrize("call,pattern", [
    (lambda: data.train_dev_test_split(np.zeros((2, 0)), np.zeros((1, 0))), r"^X: expected a non-empty"),
    (lambda: data.train_dev_test_split(np.full((2, 10), np.nan), np.ones((1, 10)), (0.5, 0.5)),
     r"^X: expected finite"),
    (lambda: data.random_mini_batches(np.zeros((2, 0)), np.zeros((1, 0)), 4), r"^X: expected a non-empty"),
    (lambda: data.random_mini_batches(np.ones((2, 4)), np.array([[0, 1, np.inf, 0]]), 2), r"^Y: expected finite"),
    (lambda: data.one_hot([], 3), r"^labels: expected at least one label"),
    (lambda: data.standardize_apply(np.ones((1, 3)), np.zeros((1, 1)), np.zeros((1, 1))),
     r"^sigma: expected positive .*got"),
])
def test_empty_and_non_finite_data_are_refused(call, pattern):
    """Regression: empty data gave an empty batch list / an error naming ``fractions``, and NaN went through."""
    with pytest.raises(ValueError, match=pattern):
        call()


def test_integer_labels_still_split():
    X, labels = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    Xtr, Ltr, Xte, Lte = data.train_dev_test_split(X, labels, (0.5, 0.5), rng=0)
    assert Ltr.dtype == labels.dtype and Xtr.shape == (2, 5)


def test_docstring_example_split_is_a_partition():
    from dlnotes.data import train_dev_test_split
    X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    parts = train_dev_test_split(X, Y, (0.6, 0.2, 0.2), rng=0)
    assert sorted(np.concatenate([parts[1], parts[3], parts[5]], axis=1)[0].tolist()) == list(range(10))
