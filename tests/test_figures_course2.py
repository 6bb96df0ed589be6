"""Course 2 figures: every figure function runs, returns a Figure, and renders identically twice.

Also asserts the statements the Course 2 pages make in prose about build-time results, and
checks that the pages render exactly these figures and that every figure placeholder of the
notes' Course 2 (F17 to F31) is marked in a page of ``docs/course2``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest
from dlnotes_site import figures as _cache
from dlnotes.figures import course2_week1 as c2w1
from dlnotes.figures import course2_week2 as c2w2

DOCS = Path(__file__).resolve().parents[1] / "docs" / "course2"

FIGURES = {
    "course2_week1": ["bias_variance", "regularized_boundaries", "ridge_fits", "l1_vs_l2_weights", "early_stopping",
                      "ensemble", "augmentation", "input_normalization", "init_depth_stats", "residual_block",
                      "auxiliary_heads", "finite_difference_error", "clipping_experiment", "loss_curves"],
    "course2_week2": ["minibatch_costs", "ewa_temperatures", "optimizer_paths", "lr_schedules", "saddle_and_plateau",
                      "range_test_curve", "schedule_comparison"],
    "course2_week3": ["grid_vs_random", "log_scale_sampling", "bn_histograms", "dev_overfitting", "softmax_regions",
                      "neg_log_likelihood"],
    "course2_frameworks": ["cost_graph", "descent_path", "softmax_bug_curves"],
    "course2_precision": ["number_spacing", "gradient_histogram"],
}
ALL = [f"{mod}.{fn}" for mod, fns in FIGURES.items() for fn in fns]


def _clear_memo(module_name):
    """Forget every memoised training run of a figure module kept in memory (``memo``, ``lru_cache``)."""
    mod = importlib.import_module(f"dlnotes.figures.{module_name}")
    for obj in vars(mod).values():
        if callable(obj) and hasattr(obj, "cache_clear"):
            obj.cache_clear()


@pytest.mark.parametrize("name", ALL)
def test_figure_is_a_figure_and_deterministic(name, tmp_path, monkeypatch):
    module_name, func_name = name.split(".")
    func = getattr(importlib.import_module(f"dlnotes.figures.{module_name}"), func_name)
    assert callable(func)
    svgs = []
    for run in range(2):               # two empty result caches: every training run is done twice
        monkeypatch.setenv("DLNOTES_CACHE_RESULTS", str(tmp_path / f"results{run}"))
        _clear_memo(module_name)
        svgs.append(_cache._draw(name, {}))   # raises TypeError unless the function returns a matplotlib Figure
    svg1, svg2 = svgs
    assert svg1 == svg2, f"{name} is not deterministic"
    assert "<svg" in svg1 and 'id="axes_1"' in svg1, f"{name} drew no axes"


def test_memoised_runs_read_back_equal_to_fresh_ones(tmp_path, monkeypatch):
    """A training run read back from the disk memo is the run itself (parameters, history, config)."""
    kw = c2w1.BIAS_VARIANCE_MODELS[0][1]
    for attempt in range(3):   # memo stores nothing while the package is being edited (by anyone): retry
        monkeypatch.setenv("DLNOTES_CACHE_RESULTS", str(tmp_path / f"results{attempt}"))
        train_net = importlib.reload(importlib.import_module("dlnotes.figures.course2_week1")).train_net
        fresh = train_net(**kw)
        train_net.cache_clear()
        stored = train_net(**kw)
        if train_net.cache_info()["misses"] == 0:
            break
    assert train_net.cache_info() == {"hits": 0, "disk_hits": 1, "misses": 0}
    assert stored is not fresh
    assert stored.parameters.keys() == fresh.parameters.keys()
    for k in fresh.parameters:
        assert np.array_equal(stored.parameters[k], fresh.parameters[k]) and stored.parameters[k].dtype == fresh.parameters[k].dtype
    assert stored.history == fresh.history and stored.config == fresh.config
    X, _, _, _ = c2w1.circles_split()
    assert np.array_equal(stored.predict(X), fresh.predict(X))


def test_draw_refuses_a_non_figure(monkeypatch):
    mod = importlib.import_module("dlnotes.figures.course2_week2")
    monkeypatch.setattr(mod, "lr_schedules", lambda: 42)
    with pytest.raises(TypeError, match="Figure"):
        _cache._draw("course2_week2.lr_schedules", {})


def test_pages_render_exactly_the_tested_figures():
    used = set()
    for page in DOCS.glob("*.md"):
        used |= set(re.findall(r'render\(\s*"(course2_[a-z0-9_]+\.[A-Za-z0-9_]+)"', page.read_text(encoding="utf-8")))
    assert used == set(ALL), f"rendered but untested: {sorted(used - set(ALL))}; tested but unused: {sorted(set(ALL) - used)}"


@pytest.mark.parametrize("fid", [f"F{i}" for i in range(17, 32)])
def test_every_placeholder_is_replaced_in_a_course2_page(fid):
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    assert f"<!-- {fid} -->" in text


def test_corrections_are_present_on_every_week_page():
    for page in ("week1.md", "week2.md", "week3.md", "frameworks.md"):
        text = (DOCS / page).read_text(encoding="utf-8")
        assert text.count('!!! correction "Correction:') >= 1, page


def test_snippet_sections_used_by_the_pages_exist():
    root = DOCS.parents[1]
    for page in DOCS.glob("*.md"):
        for path, section in re.findall(r'--8<-- "([^":]+):([^"]+)"', page.read_text(encoding="utf-8")):
            source = (root / path).read_text(encoding="utf-8")
            assert f"# --8<-- [start:{section}]" in source, f"{page.name}: {path}:{section} missing"
            assert f"# --8<-- [end:{section}]" in source, f"{page.name}: {path}:{section} not closed"


# ---------------------------------------------------------------------------
# The statements the pages make in prose about build-time results.
# Each test pins one sentence (quoted in its docstring), so that a change in the package
# that makes the sentence false fails here instead of silently publishing a wrong page.
# ---------------------------------------------------------------------------


def _errors(res):
    Xtr, Ytr, Xdev, Ydev = c2w1.circles_split()
    return c2w1.error_rate(res.predict(Xtr), Ytr), c2w1.error_rate(res.predict(Xdev), Ydev)


def test_week1_bias_variance_statements():
    """'training error about as bad as its dev error, both near chance (high bias)'; 'almost zero training
    error ... pays for it on the dev set'; 'the regularized network ... the lowest dev error'."""
    (hb_tr, hb_dv), (ok_tr, ok_dv), (hv_tr, hv_dv) = [_errors(c2w1.train_net(**kw))
                                                      for _, kw in c2w1.BIAS_VARIANCE_MODELS]
    assert hb_tr > 0.3 and abs(hb_dv - hb_tr) < 0.05
    assert hv_tr <= 0.02 and hv_dv - hv_tr >= 0.08
    assert ok_dv < min(hb_dv, hv_dv) and ok_tr > hv_tr


def test_week1_regularizers_trade_train_error_for_dev_error():
    """'Both regularizers give up some training accuracy for a lower dev error.'"""
    (b_tr, b_dv), *regularized = [_errors(c2w1.train_net(**kw)) for _, kw in c2w1.REGULARIZED_MODELS]
    for tr, dv in regularized:
        assert tr > b_tr and dv < b_dv


def test_week1_ridge_statements():
    """'Degree 1 underfits and degree 9 without penalty passes through the noise. A tiny penalty (1e-4) is
    enough to tame degree 9, and too large a penalty (1) flattens it into underfitting again.'"""
    from numpy.polynomial import polynomial as P

    from dlnotes.regularization import ridge_polyfit

    x, y, x_dev, y_dev = c2w1.polynomial_data()

    def dev(d, lam):
        return float(np.mean((P.polyval(x_dev, ridge_polyfit(x, y, d, lam)) - y_dev) ** 2))

    assert dev(3, 0.0) < min(dev(1, 0.0), dev(9, 0.0))
    assert dev(9, 1e-4) < 0.5 * dev(9, 0.0)
    assert dev(9, 1e-4) < dev(9, 1.0)
    assert dev(9, 1.0) > 2 * dev(3, 0.0)


def test_week1_sparsity_statements():
    """'the run above has no weight exactly at zero; the L1 weights pile up around alpha lambda / m';
    'with L1 the noise features get much smaller weights'."""
    runs = list(c2w1.sparsity_runs().values())
    none, l2, l1 = runs
    for r in runs:
        assert np.count_nonzero(r["W1"] == 0) == 0
    band = l1["lr_lambda_m"]
    assert 0.2 * band < np.median(np.abs(l1["W1"])) < 5 * band
    noise = [np.median(np.linalg.norm(r["W1"], axis=0)[2:]) for r in runs]
    assert noise[2] < 0.5 * min(noise[0], noise[1])
    assert np.mean(np.abs(l1["W1"]) < 0.01) > max(np.mean(np.abs(r["W1"]) < 0.01) for r in (none, l2))


def test_week1_augmentation_and_ensemble_statements():
    """The augmentation figure: the augmented training set gives a lower dev error than the 40 points.
    The ensemble: 'their errors are strongly correlated and the average gains little'."""
    from dlnotes.train import ensemble_predict

    _, _, plain, augmented = c2w1.augmentation_runs()
    assert _errors(augmented)[1] < _errors(plain)[1]
    # 'Gaussian jitter of standard deviation 0.15 on circles blurred by Gaussian noise of 0.2, so 40 points
    # with jitter do about as well as five times as many real points'
    assert c2w1.AUGMENT_JITTER == 0.15 and c2w1.CIRCLES["noise"] == 0.2 and c2w1.circles_split()[0].shape[1] == 200
    assert abs(_errors(augmented)[1] - _errors(c2w1.augmentation_baseline())[1]) <= 0.02
    _, _, Xdev, Ydev = c2w1.circles_split()
    members = c2w1.ensemble_members()
    single = np.mean([_errors(r)[1] for r in members])
    averaged = c2w1.error_rate(ensemble_predict(members, Xdev), Ydev)
    assert averaged <= single and single - averaged < 0.03


def test_week1_early_stopping_statements():
    """'the dev cost typically decreases, then increases once the network starts fitting noise'."""
    h = c2w1.train_net(**c2w1.BIAS_VARIANCE_MODELS[2][1]).history
    best = int(np.argmin(h["dev_cost"]))
    assert h["epoch"][best] < 0.2 * h["epoch"][-1]
    assert h["dev_cost"][-1] > 2 * h["dev_cost"][best]
    assert h["cost"][-1] < 0.25 * h["cost"][best]


def test_week1_normalization_statements():
    """Standardizing makes the Hessian nearly the identity and gradient descent much faster."""
    raw, std = c2w1.normalization_runs().values()
    assert raw["kappa"] > 50 and std["kappa"] < 2
    assert std["steps_to_tol"] is not None and raw["steps_to_tol"] is not None
    assert std["steps_to_tol"] * 5 < raw["steps_to_tol"]


def test_week1_depth_statements():
    """'The measured per-layer ratio for ReLU with LeCun's variance matches sqrt(1/2); He's factor 2 restores a
    ratio close to 1'; N(0,1) explodes, 0.01 N(0,1) vanishes; tanh + LeCun follows the variance recursion."""
    from dlnotes.initializers import activation_stats_by_depth

    def ratio(method, act):
        s = activation_stats_by_depth(method, depth=30, width=100, activation=act, rng=0, m=200)
        return (s["activation_std"][-1] / s["activation_std"][0]) ** (1 / 29)

    assert abs(ratio("lecun", "relu") - np.sqrt(0.5)) < 0.03
    assert 0.95 < ratio("he", "relu") < 1.05
    relu_normal = activation_stats_by_depth("normal", 30, 100, "relu", rng=0, m=200)
    tanh_normal = activation_stats_by_depth("normal", 30, 100, "tanh", rng=0, m=200)
    tanh_small = activation_stats_by_depth("random_small", 30, 100, "tanh", rng=0, m=200)
    assert relu_normal["activation_std"][-1] > 1e20 and tanh_normal["dA_std"][0] > 1e6
    assert tanh_small["activation_std"][-1] < 1e-20 and tanh_small["dA_std"][0] < 1e-20
    s = activation_stats_by_depth("lecun", 30, 100, "tanh", rng=0, m=200)
    xi, wq = np.polynomial.hermite_e.hermegauss(80)
    wq = wq / wq.sum()
    q = 1.0
    for l in range(20):
        q = float(np.sum(wq * np.tanh(np.sqrt(q) * xi) ** 2))
        assert abs(s["activation_std"][l] / np.sqrt(q) - 1) < 0.08, l
    assert abs(np.sqrt(q) * np.sqrt(2 * 20 + 1) - 1) < 0.05       # the asymptote 1/sqrt(2l+1)


def test_week2_minibatch_statements():
    """'Batch gradient descent decreases smoothly but makes only 6 updates; mini-batch ... 8 updates per epoch
    and its curve is noisy'; 'after the same number of passes over the data the mini-batch and stochastic
    versions are far ahead'."""
    runs = list(c2w2._minibatch_runs().values())
    (batch_it, batch_ep), (mini_it, mini_ep), (sgd_it, sgd_ep) = runs
    assert batch_it.size == 6 and mini_it.size == 6 * 8 and sgd_it.size == 6 * 512
    assert np.all(np.diff(batch_it) < 0) and np.all(np.diff(batch_ep) < 0)     # 'decreases smoothly'
    assert np.any(np.diff(mini_it) > 0)                                            # 'its curve is noisy'
    assert mini_ep[-1] < batch_ep[-1] - 0.05 and sgd_ep[-1] < batch_ep[-1] - 0.05


def test_week2_optimizer_statements():
    """'Gradient descent ... must keep alpha < 2/lambda_max = 1'; 'Momentum's best alpha is about 2, beyond
    gradient descent's stability limit'; RMSprop and Adam end lower than GD; RMSprop jitters at the end."""
    best = c2w2.tuned_learning_rates()
    f = {k: c2w2.elongated_cost(p[:, 0], p[:, 1]) for k, (lr, p) in best.items()}
    assert best["GD"][0] < 2 / c2w2.ELONGATED_H.max()
    assert 1.5 < best["momentum"][0] < 2.5
    assert f["RMSprop"].min() < 1e-3 * f["GD"][-1] and f["Adam"][-1] < f["GD"][-1]
    assert f["RMSprop"][-1] > 100 * f["RMSprop"].min()


def test_week2_saddle_statements():
    """Plateau lengths: GD close to ln(1/y0)/ln(1+alpha) (about 100 steps), momentum later (about 150),
    RMSprop and Adam much earlier."""
    from dlnotes.optim import Adam, GradientDescent, Momentum, RMSprop, trajectory

    def exit_step(opt):
        path = trajectory(c2w2.saddle_grad, [1.5, 1e-4], opt, 400)
        return int(np.argmax(c2w2.saddle_cost(path[:, 0], path[:, 1]) < -0.2))

    gd, mom = exit_step(GradientDescent(0.1)), exit_step(Momentum(0.1, 0.9))
    assert abs(gd - np.log(1e4) / np.log(1.1)) < 15 and 80 <= gd <= 120
    assert mom > gd + 25 and 130 <= mom <= 170
    assert max(exit_step(RMSprop(0.1)), exit_step(Adam(0.1))) < gd / 3


def test_frameworks_float32_statement():
    """'The same loop in float32 stops about 1e-5 short of 5'; float64 reaches the closed form."""
    from dlnotes.autodiff import minimize

    w, lr = np.float32(0.0), np.float32(0.01)
    for _ in range(1000):
        w = w - lr * (np.float32(2.0) * w - np.float32(10.0))
    assert 3e-6 < 5 - float(w) < 3e-5
    w64 = minimize(lambda v: v ** 2 - 10 * v + 25, w0=0.0, learning_rate=0.01, steps=1000).w
    assert abs(w64 - 5 * (1 - 0.98 ** 1000)) < 1e-14


def test_week3_statements():
    """Softmax regression draws straight boundaries and is beaten by the small network on the arcs;
    the batch-norm figure's middle panel is standardized per unit."""
    from dlnotes.figures import course2_week3 as c2w3

    (_, reg_tr, reg_dev), (_, net_tr, net_dev) = c2w3.softmax_runs().values()
    assert reg_dev < 0.95 and net_dev > reg_dev + 0.05 and net_tr > reg_tr
    s = c2w3.bn_layer_statistics()
    assert np.allclose(s["Z_norm"].mean(axis=1), 0, atol=1e-9) and np.allclose(s["Z_norm"].std(axis=1), 1, atol=1e-3)
    grid, rand = c2w3.search_points()
    assert [len(np.unique(grid[:, j])) for j in (0, 1)] == [5, 5]
    assert [len(np.unique(rand[:, j])) for j in (0, 1)] == [25, 25]


def test_beyond_the_course_claims_of_week2():
    """What the prose of the two beyond-the-course sections of week 2 says about the printed numbers."""
    d = c2w2.decay_per_gradient_scale()
    np.testing.assert_allclose(d["adamw"], d["sgd"], rtol=0.02)        # AdamW: the SGD factor for every scale
    assert d["adam+L2"][0] < 0.1 and d["adam+L2"][-1] > 0.99            # small gradients wiped, large untouched
    runs = c2w2.l2_vs_adamw_runs()
    for label, (*norms, _) in runs.items():
        if label.startswith("adam+L2"):                                 # the three layers at about one norm
            assert max(norms) < 1.1 * min(norms)
        if label.startswith("adamw") or label == "adam":                # sizes stay apart: W2 the largest
            assert norms[1] == max(norms) and max(norms) > 2 * min(norms)
    ratios = c2w2.adam_step_ratios()
    bound = 0.1 / np.sqrt(0.001)
    assert abs(ratios["constant g = 3"] - 1) < 1e-6 and ratios["noise N(0.1, 1)"] <= 1 + 1e-6
    assert 0.9 * bound < ratios["zeros, then a spike"] < bound            # a little under the bound
    rows = c2w2.adam_moment_bias()
    for t, (v, v_hat, s, s_hat) in rows.items():
        assert abs(v_hat - 1) < 0.02 and abs(s_hat - 1) < 0.02
        assert s == pytest.approx(1 - 0.999 ** t, rel=0.02)
    tests = c2w2.range_tests()
    assert tests["adam"]["suggested"] < tests["momentum"]["suggested"] / 5   # Adam's far below
    scaling = c2w2.batch_scaling_runs()
    fixed = [scaling[("fixed", B)][1] for B in (16, 64, 256)]
    scaled = [scaling[("scaled", B)][1] for B in (16, 64, 256)]
    assert fixed[0] < fixed[1] < fixed[2] and fixed[2] > 3 * fixed[0]      # a fixed rate falls behind
    assert max(scaled) < 1.5 * min(scaled)                                 # the scaled runs end close


def test_week1_loss_curve_runs_have_the_shapes_the_page_names():
    """'too high a rate jumps ... too low a rate is still falling ... a too small initialization sits at
    ln 2 before it drops, and the zero initialization (a bug) never leaves ln 2' (and the printed shapes)."""
    from dlnotes.sanity import loss_curve_shape

    shapes = {label: loss_curve_shape(r.history["cost"]) for label, r in c2w1.sanity_runs().items()}
    assert list(shapes.values()) == ["healthy", "oscillating", "slow", "plateau", "not moving"]
    runs = c2w1.sanity_runs()
    high = runs["rate too high: 1.0"].history["cost"]
    assert max(high) > 10 * high[0]                                   # "jumps up to above 10"
    bad = runs["bad init: 0.01 N(0, 1)"].history["cost"]
    assert abs(bad[40] - np.log(2)) < 0.01 and bad[-1] < 0.3          # flat at ln 2, then drops


def test_week1_update_ratio_statements():
    """'the rate that is too high has by far the largest ratio ... the zero initialization does not move
    its weights at all. The bad initialization, however, looks healthy'."""
    runs = c2w1.sanity_runs()
    largest = {k: max(max(v) for v in r.diagnostics["update_ratio"].values()) for k, r in runs.items()}
    assert max(largest, key=largest.get) == "rate too high: 1.0" and largest["rate too high: 1.0"] > 1
    assert largest["bug: zero init"] == 0.0
    medians = {k: [np.median(v) for v in r.diagnostics["update_ratio"].values()] for k, r in runs.items()}
    assert min(medians["bad init: 0.01 N(0, 1)"]) >= 1e-3
    moving = [k for k in runs if k != "bug: zero init"]
    assert min(moving, key=lambda k: min(medians[k])) == "rate too low: 3e-4"


def test_week1_clipping_statements():
    """'without clipping ... the cost sits at about ln 2 and the gradient norm has collapsed'; clipped
    steps are at most alpha c; 'the gradient norm before clipping stays large'; 'the dev accuracy stays
    close to chance, while the LeCun network ... generalizes'; value clipping lowers the training cost
    more than norm clipping."""
    runs = c2w1.clipping_runs()
    plain, by_norm, by_value, lecun = runs.values()
    assert abs(plain["cost"][-1] - np.log(2)) < 0.02 and plain["norm"][-1] < 1e-3 * plain["norm"][0]
    assert plain["step"].max() > 10 * 0.1
    for r in (by_norm, by_value):
        assert r["step"].max() <= 0.1 + 1e-12 and np.median(r["norm"]) > 10
        assert r["dev_accuracy"] < 0.65
    assert plain["dev_accuracy"] < 0.65 and lecun["dev_accuracy"] > 0.85
    assert by_value["cost"][-1] < by_norm["cost"][-1]
