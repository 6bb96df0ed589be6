"""Bad input never passes silently: a generic check over the whole public API.

Every callable of :data:`dlnotes.API` has a *valid call* in :data:`CASES` (a test fails when a new
public function has none, so new code is covered by default). From each valid call the suite
derives bad calls, one argument at a time, by kind:

* ``nan``, ``inf``, ``matrix``, ``transposed``, ``rank-1``: one entry of a float array (or of an
  array inside a dict) made non-finite, a 2-D array given as ``np.matrix``, the transpose of a
  non-square array, a ``(n, 1)`` array given as ``(n,)``: the call either raises a clear error
  naming the argument (or key), or returns *the answer of the valid call* (a NaN in an entry the
  function never reads is harmless; a NaN that reaches the result, or a silently broadcast shape,
  gives another answer and fails);
* ``float32``: one float64 array among several given as float32 (the data's dtype is kept, so
  mixing is refused rather than silently upcast); a NaN scalar; ``none``, ``str``, ``scalar``,
  ``not-a-dict``, ``missing-key``, ``not-callable``, ``flag-str``, ``bad-name``,
  ``negative-seed``: the wrong kind of value where an array, number, sequence, dict, cache,
  function, flag, name or seed is expected; the call must raise a clear error naming it.

A clear error is exactly ``ValueError`` or ``TypeError`` (not a subclass such as ``LinAlgError``
or ``KeyError``), whose message names the argument and says what was expected and what was got.
The valid calls themselves must return finite values and emit no warning (the suite runs with
``filterwarnings = error``).
"""

from __future__ import annotations

import importlib
import inspect
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest

import dlnotes
from dlnotes import autodiff, batchnorm, data, gradcheck, layernorm, nn, optim, train

# =============================================================================================
# Valid calls
# =============================================================================================


def _a(shape, seed=0, low=None):
    x = np.random.default_rng(seed).standard_normal(shape)
    return x if low is None else np.abs(x) + low


def _labels(m=8):
    return (np.arange(m) % 2).astype(np.float64).reshape(1, m)


def _probs(shape=(1, 8), seed=1):
    return 1 / (1 + np.exp(-_a(shape, seed)))


def _softmax_cols(C=3, m=8, seed=2):
    z = _a((C, m), seed)
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def _one_hot(C=3, m=8):
    return np.eye(C)[np.arange(m) % C].T.copy()


def _params(dims=(3, 4, 1), batchnorm=False):
    from dlnotes.initializers import initialize_parameters
    return initialize_parameters(list(dims), "he", 0, batchnorm=batchnorm)


def _grads(params):
    return {f"d{k}": _a(v.shape, 7) * 0.1 for k, v in params.items()}


def _net_caches():
    X, p = _a((3, 8)), _params()
    AL, caches = nn.model_forward(X, p, ("relu", "sigmoid"))
    return AL, caches


def _bn_state(n=4):
    return {"mu1": np.zeros((n, 1)), "var1": np.ones((n, 1))}


@dataclass
class Case:
    """A valid call ``fn(*args, **kwargs)`` and what its arguments mean.

    ``same_dtype_free``: float arrays that may differ in dtype from the others (labels, targets);
    ``free_text``: string arguments whose content is free (labels of nodes);
    ``shape_free``: arrays whose shape is independent of the others' (a transposed one is another
    valid input); ``none_ok``: arguments for which ``None`` is a documented value.
    """
    make: object
    same_dtype_free: tuple = ()
    free_text: tuple = ()
    shape_free: tuple = ()
    none_ok: tuple = ()         # arguments for which None is documented (b of a batch-norm layer)

    def build(self):
        args, kwargs = self.make()
        return list(args), dict(kwargs)


def case(*args, **kwargs):
    """``case(lambda: fn-args...)`` helper: ``Case(lambda: ((args), {kwargs}))``."""
    return Case(lambda: (args, kwargs))


def lazy(fn, **meta):
    return Case(fn, **meta)


_LR = dict(shape_free=("X",))

CASES: dict[str, Case] = {
    # --- activations -------------------------------------------------------------------------
    **{f"activations.{n}": lazy(lambda: ((_a((3, 4)),), {}))
       for n in ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "identity",
                 "identity_grad", "softmax"]},
    "activations.leaky_relu": lazy(lambda: ((_a((3, 4)),), {"alpha": 0.01})),
    "activations.leaky_relu_grad": lazy(lambda: ((_a((3, 4)),), {"alpha": 0.01})),
    "activations.softmax_jacobian": lazy(lambda: ((_a((3,)),), {})),
    "activations.softmax_backward": lazy(lambda: ((_a((3, 4), 1), _a((3, 4), 2)), {})),
    # --- losses ------------------------------------------------------------------------------
    "losses.clip_eps": lazy(lambda: ((np.float32,), {})),
    "losses.binary_cross_entropy": lazy(lambda: ((_probs(), _labels()), {}), same_dtype_free=("Y",)),
    "losses.binary_cross_entropy_from_logits": lazy(lambda: ((_a((1, 8)), _labels()), {}),
                                                    same_dtype_free=("Y",)),
    "losses.bce_grad": lazy(lambda: ((_probs(), _labels()), {}), same_dtype_free=("Y",)),
    "losses.categorical_cross_entropy": lazy(lambda: ((_softmax_cols(), _one_hot()), {}),
                                             same_dtype_free=("Y",)),
    "losses.categorical_cross_entropy_from_logits": lazy(lambda: ((_a((3, 8)), _one_hot()), {}),
                                                         same_dtype_free=("Y",)),
    "losses.sparse_categorical_cross_entropy": lazy(lambda: ((_softmax_cols(), np.arange(8) % 3), {})),
    "losses.softmax_cross_entropy_grad": lazy(lambda: ((_softmax_cols(), _one_hot()), {}),
                                              same_dtype_free=("Y",)),
    "losses.mean_squared_error": lazy(lambda: ((_a((1, 8)), _a((1, 8), 3)), {})),
    "losses.mse_grad": lazy(lambda: ((_a((1, 8)), _a((1, 8), 3)), {})),
    "losses.torch_cross_entropy": lazy(lambda: ((_a((8, 3)), np.arange(8) % 3), {"reduction": "mean"})),
    "losses.torch_cross_entropy_grad": lazy(lambda: ((_a((8, 3)), np.arange(8) % 3), {})),
    "losses.keras_categorical_crossentropy": lazy(lambda: ((_one_hot().T.copy(), _softmax_cols().T.copy()),
                                                           {"from_logits": False}), same_dtype_free=("y_true",)),
    # --- precision ---------------------------------------------------------------------------
    "precision.format_info": case("bfloat16"),
    "precision.round_to": lazy(lambda: ((_a((3, 4)), "float16"), {})),
    "precision.to_bfloat16": lazy(lambda: ((_a((3, 4)).astype(np.float32),), {})),
    "precision.absorbs": lazy(lambda: ((_a((3,)), 1e-5, "float16"), {})),
    "precision.apply_loss_scale": lazy(lambda: ((_a((3, 4)) * 1e-6, 1024.0), {"fmt": "float16"})),
    "precision.adam_denominator": lazy(lambda: ((_a((3,)) * 1e-2,), {"eps": 1e-8, "fmt": "float16", "beta2": 0.999})),
    "precision.gradcheck_thresholds": case("float16"),
    "precision.numerical_grad_in": lazy(lambda: ((lambda x: float(np.sum(x ** 2)), _a((3,)), "float16"), {})),
    # --- computation graphs ------------------------------------------------------------------
    "compgraph.toy_forward": case(5.0, 3.0, 2.0),
    "compgraph.toy_backward": case(5.0, 3.0, 2.0),
    "compgraph.logistic_single": lazy(lambda: ((_a((2, 1)), _a((2, 1), 1), 0.5, 1), {})),
    # --- logistic regression -----------------------------------------------------------------
    "logistic.initialize_zeros": case(3),
    "logistic.propagate_loop": lazy(lambda: ((_a((3, 1)) * 0.1, 0.0, _a((3, 8)), _labels()), {}),
                                    same_dtype_free=("Y",)),
    "logistic.propagate": lazy(lambda: ((_a((3, 1)) * 0.1, 0.0, _a((3, 8)), _labels()), {}),
                               same_dtype_free=("Y",)),
    "logistic.optimize": lazy(lambda: ((_a((3, 1)) * 0.1, 0.0, _a((3, 8)), _labels()),
                                       {"num_iterations": 5, "learning_rate": 0.1, "record_every": 1}),
                              same_dtype_free=("Y",)),
    "logistic.predict": lazy(lambda: ((_a((3, 1)), 0.0, _a((3, 8))), {})),
    "logistic.fit": lazy(lambda: ((_a((3, 8)), _labels(), _a((3, 6), 4), _labels(6)),
                                  {"num_iterations": 5, "learning_rate": 0.1, "record_every": 1}),
                         same_dtype_free=("Y_train", "Y_test"), shape_free=("X_test",)),
    # --- initializers ------------------------------------------------------------------------
    "initializers.zeros": case((3, 2)),
    "initializers.constant": case((3, 2), 0.5),
    "initializers.random_normal": case((3, 2), 0, scale=1.0),
    "initializers.random_small": case((3, 2), 0, scale=0.01),
    "initializers.lecun": case((3, 2), 0),
    "initializers.glorot": case((3, 2), 0),
    "initializers.he": case((3, 2), 0),
    "initializers.initialize_parameters": case([3, 4, 1], "he", 0, np.float64, False),
    "initializers.activation_stats_by_depth": case("he", 3, 8, "relu", 0, m=20),
    # --- networks ----------------------------------------------------------------------------
    "nn.layer_shapes": case([3, 4, 1], batchnorm=False),
    "nn.num_layers": lazy(lambda: ((_params(),), {})),
    "nn.linear_forward": lazy(lambda: ((_a((3, 8)), _a((4, 3), 1), _a((4, 1), 2)), {}), none_ok=("b",)),
    "nn.linear_activation_forward": lazy(lambda: ((_a((3, 8)), _a((4, 3), 1), _a((4, 1), 2), "relu"), {}),
                                         none_ok=("b",)),
    "nn.model_forward": lazy(lambda: ((_a((3, 8)), _params(), ("relu", "sigmoid")), {"training": True})),
    "nn.compute_cost": lazy(lambda: ((_probs(), _labels(), "bce"), {"parameters": _params(), "lambd": 0.1}),
                            same_dtype_free=("Y",)),
    "nn.linear_backward": lazy(lambda: ((_a((4, 8), 5), nn.linear_forward(_a((3, 8)), _a((4, 3), 1),
                                                                          _a((4, 1), 2))[1]), {})),
    "nn.activation_backward": lazy(lambda: ((_a((4, 8), 5), _a((4, 8), 6), "tanh"), {})),
    "nn.linear_activation_backward": lazy(lambda: ((_a((4, 8), 5), nn.linear_activation_forward(
        _a((3, 8)), _a((4, 3), 1), _a((4, 1), 2), "tanh")[1], "tanh"), {})),
    "nn.model_backward": lazy(lambda: ((*_net_caches()[:1], _labels(), _net_caches()[1]),
                                       {"loss": "bce", "lambd": 0.1}), same_dtype_free=("Y",)),
    "nn.update_parameters": lazy(lambda: ((_params(), _grads(_params()), 0.1), {})),
    "nn.predict_proba": lazy(lambda: ((_a((3, 8)), _params(), ("relu", "sigmoid")), {})),
    "nn.predict": lazy(lambda: ((_a((3, 8)), _params(), ("relu", "sigmoid")), {})),
    # --- regularization ----------------------------------------------------------------------
    "regularization.weight_keys": lazy(lambda: ((_params(),), {})),
    "regularization.l2_penalty": lazy(lambda: ((_params(), 0.7, 8), {})),
    "regularization.l2_penalty_grad": lazy(lambda: ((_a((4, 3)), 0.7, 8), {})),
    "regularization.l1_penalty": lazy(lambda: ((_params(), 0.7, 8), {})),
    "regularization.l1_penalty_grad": lazy(lambda: ((_a((4, 3)), 0.7, 8), {})),
    "regularization.dropout_forward": lazy(lambda: ((_a((4, 8)), 0.8, 0), {})),
    "regularization.dropout_backward": lazy(lambda: ((_a((4, 8)), _a((4, 8), 1) > 0, 0.8), {})),
    "regularization.ridge_polyfit": lazy(lambda: ((np.linspace(0, 1, 10), _a((10,)), 3, 0.1), {})),
    # --- gradient checking -------------------------------------------------------------------
    "gradcheck.numerical_grad": lazy(lambda: ((lambda x: float(np.sum(x ** 2)), _a((3,))), {})),
    "gradcheck.params_to_vector": lazy(lambda: ((_params(),), {})),
    "gradcheck.vector_to_params": lazy(lambda: ((_a((3,)), [("W1", (1, 2)), ("b1", (1, 1))]), {})),
    "gradcheck.relative_difference": lazy(lambda: ((_a((3, 2)), _a((3, 2)) + 1e-9), {}),
                                          same_dtype_free=("g", "g_num")),  # a float32 gradient vs float64
    "gradcheck.classify_rel_error": case(1e-8),
    "gradcheck.gradient_check": lazy(lambda: ((lambda p: float(np.sum(p["w"] ** 2)), {"w": _a((3,))},
                                               {"dw": 2 * _a((3,))}), {})),
    # --- optimizers --------------------------------------------------------------------------
    "optim.Optimizer": case(0.01),
    "optim.GradientDescent": case(0.01),
    "optim.Momentum": case(0.01, 0.9),
    "optim.RMSprop": case(0.01, 0.9, 1e-8),
    "optim.Adam": case(0.001, 0.9, 0.999, 1e-8),
    "optim.Nesterov": case(0.01, 0.9),
    "optim.AdaGrad": case(0.01, 1e-8),
    "optim.AdamW": case(0.001, 0.9, 0.999, 1e-8, 0.01),
    "optim.make_optimizer": case("adam", 0.01),
    "optim.trajectory": lazy(lambda: ((lambda x: 2 * x, np.array([1.0, -1.0]), optim.Momentum(0.1), 5), {})),
    **{f"optim.{cls}.step": lazy(lambda cls=cls: ((_params(), _grads(_params())), {}))
       for cls in ["GradientDescent", "Momentum", "RMSprop", "Adam", "Nesterov", "AdaGrad", "AdamW"]},
    # --- averages and schedules --------------------------------------------------------------
    "ewa.ewa": lazy(lambda: ((_a((10,)), 0.9), {"bias_correction": True})),
    "ewa.ewa_weights": case(0.9, 5),
    "schedules.constant": case(0.1, 3),
    "schedules.inverse_time": case(0.1, 3, decay_rate=1.0),
    "schedules.staircase": case(0.1, 3, decay_rate=1.0, interval=2),
    "schedules.exponential": case(0.1, 3, base=0.95),
    "schedules.inverse_sqrt": case(0.1, 3, k=1.0),
    "schedules.get_schedule": case("inverse_time", decay_rate=1.0),
    "schedules.linear_warmup": case(0.1, 3, warmup=5),
    "schedules.cosine": case(0.1, 3, period=10, lr_min=0.001),
    "schedules.cosine_restarts": case(0.1, 3, period=2, mult=2, lr_min=0.001),
    "schedules.one_cycle": case(0.1, 3, total=10, pct_start=0.3, div=25.0, final_div=1e4),
    "schedules.linear_scaling": case(0.1, 64, 256),
    "schedules.lr_range_test": lazy(lambda: ((_a((3, 16)), _labels(16), [3, 4, 1]),
                                             {"optimizer": "gd", "lr_min": 1e-4, "lr_max": 1.0, "steps": 6,
                                              "batch_size": 8, "smoothing": 0.9, "stop_factor": 4.0, "rng": 0}),
                                     same_dtype_free=("Y",)),
    # --- batch norm --------------------------------------------------------------------------
    "batchnorm.batchnorm_forward": lazy(lambda: ((_a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2)),
                                                 {"eps": 1e-8})),
    "batchnorm.batchnorm_backward": lazy(lambda: ((_a((4, 8), 3), batchnorm.batchnorm_forward(
        _a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2))[1]), {})),
    "batchnorm.batchnorm_inference": lazy(lambda: ((_a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2),
                                                    _a((4, 1), 3), _a((4, 1), 4, low=0.1)), {"eps": 1e-8})),
    "batchnorm.batchnorm_train_forward": lazy(lambda: ((_a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2),
                                                        _a((4, 1), 3), _a((4, 1), 4, low=0.1)),
                                                       {"momentum": 0.1, "eps": 1e-5})),
    # --- layer norm --------------------------------------------------------------------------
    "layernorm.layernorm_forward": lazy(lambda: ((_a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2)),
                                                 {"eps": 1e-5})),
    "layernorm.layernorm_backward": lazy(lambda: ((_a((4, 8), 3), layernorm.layernorm_forward(
        _a((4, 8)), _a((4, 1), 1, low=0.5), _a((4, 1), 2))[1]), {})),
    # --- hyperparameter search ---------------------------------------------------------------
    "tuning.sample_uniform": case(0.0, 1.0, 4, 0),
    "tuning.sample_log_uniform": case(1e-4, 1.0, 4, 0),
    "tuning.sample_beta": case(0.9, 0.999, 4, 0),
    "tuning.grid_points": case(3, low=(0.0, 0.0), high=(1.0, 1.0)),
    "tuning.random_points": case(5, 0, low=(0.0, 0.0), high=(1.0, 1.0)),
    "tuning.distinct_per_axis": lazy(lambda: ((np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),), {})),
    "tuning.fit_dev_cost": lazy(lambda: (({"learning_rate": 0.01}, 2, _a((3, 16)),
                                          (np.arange(16) % 2).reshape(1, 16) * 1.0, _a((3, 6), 9),
                                          (np.arange(6) % 2).reshape(1, 6) * 1.0, [3, 4, 1]), {"rng": 0}),
                                same_dtype_free=("Y", "Y_dev"), shape_free=("X_dev",)),
    "tuning.successive_halving": lazy(lambda: (([0.3, 0.1, 0.2, 0.5], lambda c, b: c + 1.0 / b, 1), {"eta": 2})),
    "tuning.best_of_n": lazy(lambda: ((np.array([0.5, 0.7, 0.6, 0.4]), np.array([0.5, 0.4, 0.6, 0.5]), 2),
                                      {"repeats": 50, "rng": 0})),
    # --- automatic differentiation -----------------------------------------------------------
    "autodiff.Value": Case(lambda: ((2.0,), {"label": "w"}), free_text=("label",)),
    "autodiff.minimize": lazy(lambda: ((lambda w: (w - 3.0) * (w - 3.0), 0.0, 0.1, 5), {})),
    # --- data ---------------------------------------------------------------------------------
    "data.make_flower": case(40, 0, dtype=np.float64),
    "data.make_moons": case(40, 0.1, 0, dtype=np.float64),
    "data.make_circles": case(40, 0.1, 0.5, 0, dtype=np.float64),
    "data.make_noisy_regions": case(40, 0, label_noise=0.1, dtype=np.float64),
    "data.load_digits": case(scale=True, dtype=np.float64),
    "data.train_dev_test_split": lazy(lambda: ((_a((3, 20)), (np.arange(20) % 2).reshape(1, 20) * 1.0),
                                               {"fractions": (0.5, 0.25, 0.25), "rng": 0}),
                                      same_dtype_free=("Y",)),
    "data.random_mini_batches": lazy(lambda: ((_a((3, 20)), (np.arange(20) % 2).reshape(1, 20) * 1.0),
                                              {"batch_size": 8, "rng": 0}), same_dtype_free=("Y",)),
    "data.one_hot": case(np.array([0, 2, 1]), 3, dtype=np.float64),
    "data.standardize_fit": lazy(lambda: ((_a((3, 20)),), {})),
    "data.standardize_apply": lazy(lambda: ((_a((3, 20)), _a((3, 1), 1), _a((3, 1), 2, low=0.5)), {})),
    "data.augment_2d": lazy(lambda: ((_a((2, 10)), (np.arange(10) % 2).reshape(1, 10) * 1.0, 0),
                                     {"copies": 1, "jitter": 0.05, "flip_axes": (0,)}), same_dtype_free=("Y",)),
    "data.flatten_images": lazy(lambda: ((_a((5, 4, 4, 3)),), {})),
    "data.unflatten_images": lazy(lambda: ((_a((48, 5)), (4, 4, 3)), {})),
    "data.flip_images": lazy(lambda: ((_a((16, 5)), (4, 4)), {})),
    "data.shift_images": lazy(lambda: ((_a((16, 5)), (4, 4), 1, -1), {})),
    "data.augment_images": lazy(lambda: ((_a((16, 5)), (np.arange(5) % 2).reshape(1, 5) * 1.0, (4, 4), 0),
                                         {"copies": 1, "max_shift": 1, "flip": True}), same_dtype_free=("Y",)),
    "data.synthetic_temperature": case(0, days=30, dtype=np.float64),
    # --- the training loop ---------------------------------------------------------------------
    "train.fit": lazy(lambda: ((_a((3, 16)), (np.arange(16) % 2).reshape(1, 16) * 1.0, [3, 4, 1]),
                               {"epochs": 3, "learning_rate": 0.01, "batch_size": 8, "batchnorm": False,
                                "X_dev": _a((3, 6), 9), "Y_dev": (np.arange(6) % 2).reshape(1, 6) * 1.0}),
                      same_dtype_free=("Y", "Y_dev"), shape_free=("X_dev",)),
    "train.ensemble_predict": lazy(lambda: (([_trained()], _a((3, 5))), {"proba": False})),
    # --- sanity checks and clipping (beyond the course) ---------------------------------------
    "sanity.expected_initial_loss": case(3),
    "sanity.initial_loss_check": lazy(lambda: ((_a((3, 8)), _labels(), _params()), {"tol": 0.1}),
                                      same_dtype_free=("Y",)),
    "sanity.overfit_small_subset": lazy(lambda: ((_a((3, 16)), (np.arange(16) % 2).reshape(1, 16) * 1.0, [3, 4, 1]),
                                                 {"m": 8, "epochs": 5, "learning_rate": 0.01, "rng": 0}),
                                        same_dtype_free=("Y",)),
    "sanity.update_ratios": lazy(lambda: ((_params(), _grads(_params()), 0.1), {})),
    "sanity.loss_curve_shape": lazy(lambda: ((np.exp(-np.arange(20) / 5.0),), {"flat_tol": 0.01})),
    "sanity.sanity_report": lazy(lambda: ((_trained(),), {"low": 1e-4, "high": 1e-2})),
    "clipping.global_norm": lazy(lambda: ((_grads(_params()),), {})),
    "clipping.clip_by_value": lazy(lambda: ((_grads(_params()), 0.05), {})),
    "clipping.clip_by_global_norm": lazy(lambda: ((_grads(_params()), 0.5), {"eps": 1e-6})),
    # --- exercises ---------------------------------------------------------------------------
    "exercises.check": lazy(lambda: (("c1w2.sigmoid", _exercise_solution("c1w2.sigmoid")), {"seed": 0})),
    "exercises.list_exercises": case("c1w2"),
}


def _exercise_solution(name):
    from dlnotes.exercises import get
    return get(name).solution

_TRAINED = []


def _trained():
    if not _TRAINED:
        _TRAINED.append(train.fit(_a((3, 16)), (np.arange(16) % 2).reshape(1, 16) * 1.0, [3, 4, 1], epochs=2))
    return _TRAINED[0]


#: Public names that are data, not functions to call with arguments (with the reason).
NOT_CALLED = {
    "activations.ACTIVATIONS": "a dict of (g, g') pairs, whose functions have their own cases",
    "initializers.INITIALIZERS": "a dict of the initializers, which have their own cases",
    "nn.LOSSES": "a dict of the loss functions, which have their own cases",
    "optim.OPTIMIZERS": "a dict of the optimizer classes, which have their own cases",
    "schedules.SCHEDULES": "a dict of the schedules, which have their own cases",
    "gradcheck.GradientCheckResult": "a result record returned by gradient_check",
    "autodiff.MinimizeResult": "a result record returned by minimize",
    "precision.FormatInfo": "a result record returned by format_info",
    "train.TrainResult": "a result record returned by fit",
    "exercises.Report": "a result record returned by check",
    "sanity.LOSS_CURVE_SHAPES": "a dict of the shape names and what they mean",
    "sanity.SanityReport": "a result record returned by sanity_report",
}


def resolve(qualname):
    """``"optim.Adam.step"`` -> a callable: the bound method of a fresh instance for methods."""
    mod, *rest = qualname.split(".")
    obj = importlib.import_module(f"dlnotes.{mod}")
    if len(rest) == 2:  # a method: call it on a default instance
        cls = getattr(obj, rest[0])
        return getattr(cls(0.01), rest[1])
    return getattr(obj, rest[0])


# =============================================================================================
# Every public callable has a case
# =============================================================================================

def test_every_public_name_has_a_case():
    public = {f"{mod}.{name}" for mod, names in dlnotes.API.items() for name in names}
    covered = {k for k in CASES if k.count(".") == 1} | set(NOT_CALLED)
    assert public - covered == set(), "public names without a valid call in CASES"
    assert covered - public == set(), "CASES or NOT_CALLED name something that is not public"


def test_not_called_names_are_not_plain_functions():
    for qualname in NOT_CALLED:
        obj = resolve(qualname)
        assert not inspect.isfunction(obj), qualname


# =============================================================================================
# The valid calls work: finite results, no warnings
# =============================================================================================

def floats(obj, seen=None):
    """Every float array or scalar inside a (nested) result."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, (float, np.floating)):
        return [np.asarray(obj)]
    if isinstance(obj, np.ndarray):
        return [obj] if obj.dtype.kind == "f" else []
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in floats(v, seen)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in floats(v, seen)]
    if hasattr(obj, "__dict__") and type(obj).__module__.startswith("dlnotes"):
        return [a for v in vars(obj).values() for a in floats(v, seen)]
    return []


def call(qualname, args, kwargs):
    return resolve(qualname)(*args, **kwargs)


@pytest.mark.parametrize("qualname", sorted(CASES))
def test_valid_call_is_finite(qualname):
    args, kwargs = CASES[qualname].build()
    result = call(qualname, args, kwargs)
    for arr in floats(result):
        assert np.all(np.isfinite(arr)), f"{qualname} returned non-finite values for a valid call"


# =============================================================================================
# Mutations
# =============================================================================================

@dataclass
class Mutation:
    kind: str
    name: str            # the argument (or dict key) the message must name
    args: list
    kwargs: dict
    must_raise: bool = True
    also: tuple = field(default=())   # other acceptable names (the dict holding the key)


def _signature_names(qualname, args, kwargs):
    """Map positional indices and keywords to parameter names."""
    sig = inspect.signature(resolve(qualname))
    bound = sig.bind_partial(*args, **kwargs)
    return sig, bound


def _replace(args, kwargs, where, value):
    args, kwargs = list(args), dict(kwargs)
    if isinstance(where, int):
        args[where] = value
    else:
        kwargs[where] = value
    return args, kwargs


def _locations(qualname, args, kwargs):
    """(where, parameter name, value, parameter) for every argument of the valid call."""
    sig = inspect.signature(resolve(qualname))
    params = [p for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    out = []
    for i, v in enumerate(args):
        p = params[i]
        out.append((i, p.name, v, p))
    for k, v in kwargs.items():
        p = sig.parameters.get(k)
        out.append((k, k, v, p))
    return out


def _is_float_array(v):
    return isinstance(v, np.ndarray) and v.dtype.kind == "f" and v.size > 0


def _matrix(arr):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(arr)


def _poison(arr, value, index=0):
    bad = np.array(arr, copy=True)
    bad.flat[index] = value
    return bad


def mutations(qualname):
    spec = CASES[qualname]
    args, kwargs = spec.build()
    locs = _locations(qualname, args, kwargs)
    n_float_arrays = sum(_is_float_array(v) for _, _, v, _ in locs)
    n_dtype_bound = sum(_is_float_array(v) and n not in spec.same_dtype_free for _, n, v, _ in locs)
    out = []

    def add(kind, name, where, value, must_raise=True, also=()):
        a, k = spec.build()
        a, k = _replace(a, k, where, value)
        out.append(Mutation(kind, name, a, k, must_raise, also))

    for where, name, v, p in locs:
        default = p.default if p is not None else inspect.Parameter.empty
        if name in spec.none_ok:
            default = None
        if _is_float_array(v):
            # a NaN the function never reads is harmless: refused, or the valid call's answer
            add("nan", name, where, _poison(v, np.nan), must_raise=False)
            add("inf", name, where, _poison(v, np.inf, -1), must_raise=False)
            if v.ndim == 2:
                add("matrix", name, where, _matrix(v), must_raise=False)
            if n_float_arrays >= 2 and name not in spec.shape_free:
                if v.ndim == 2 and v.shape[0] != v.shape[1]:
                    add("transposed", name, where, np.ascontiguousarray(v.T), must_raise=False)
                if v.ndim == 2 and 1 in v.shape and v.size > 1:
                    add("rank-1", name, where, v.ravel(), must_raise=False)
            if n_dtype_bound >= 2 and name not in spec.same_dtype_free and v.dtype == np.float64:
                # mixing float32 and float64 would silently upcast (or downcast): refuse it
                add("float32", name, where, v.astype(np.float32))
            if default is not None:
                add("none", name, where, None)
            add("str", name, where, "abc")
        elif isinstance(v, dict) and name in ("cache", "caches"):
            # a cache comes from the forward pass: what can go wrong is its structure
            first = next(iter(v))
            add("missing-key", name, where, {k: x for k, x in v.items() if k != first}, also=(first,))
            add("not-a-dict", name, where, list(v.values()))
            add("none", name, where, None)
        elif isinstance(v, dict) and v and all(isinstance(x, np.ndarray) for x in v.values()):
            for key, arr in v.items():
                if _is_float_array(arr):
                    add("nan", key, where, {**v, key: _poison(arr, np.nan)}, must_raise=False, also=(name,))
            add("not-a-dict", name, where, list(v.values()))
            if default is not None:
                add("none", name, where, None)
        elif isinstance(v, (bool, np.bool_)):
            add("flag-str", name, where, "no")
            add("none", name, where, None) if default is not None else None
        elif isinstance(v, str):
            if name not in spec.free_text:
                add("bad-name", name, where, "nonsense")
            if default is not None:
                add("none", name, where, None)
        elif name == "rng" and isinstance(v, int):
            add("negative-seed", name, where, -1)
            if default is not None:
                add("none", name, where, None)
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            if isinstance(v, float):
                add("nan", name, where, float("nan"))
            add("str", name, where, "1")
            if default is not None:
                add("none", name, where, None)
        elif isinstance(v, (list, tuple)) and not isinstance(v, str):
            if v and all(isinstance(x, (int, float, str, np.integer)) for x in v):
                add("scalar", name, where, 5)
            if default is not None:
                add("none", name, where, None)
        elif callable(v) and not isinstance(v, type) and not isinstance(v, optim.Optimizer):
            add("not-callable", name, where, 3)
    return out


def _all_mutations():
    for qualname in sorted(CASES):
        for i, m in enumerate(mutations(qualname)):
            yield pytest.param(qualname, i, id=f"{qualname}-{m.kind}-{m.name}")


def same(a, b):
    """Recursive equality of two results (arrays to the last bit after conversion to ndarray)."""
    if isinstance(a, (np.ndarray, np.generic)) or isinstance(b, (np.ndarray, np.generic)):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind == "f" or b.dtype.kind == "f":
            return a.shape == b.shape and a.dtype == b.dtype and np.allclose(a, b, rtol=1e-6, atol=0)
        return a.shape == b.shape and bool(np.all(a == b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or abs(a - b) <= 1e-6 * max(abs(a), abs(b))
    if hasattr(a, "__dict__") and type(a) is type(b) and type(a).__module__.startswith("dlnotes"):
        return same(vars(a), vars(b))
    return a == b


def names(message, name):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


@pytest.mark.parametrize("qualname,index", list(_all_mutations()))
def test_bad_input_is_refused_or_harmless(qualname, index):
    m = mutations(qualname)[index]
    try:
        result = call(qualname, m.args, m.kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        assert type(exc) in (ValueError, TypeError), f"{type(exc).__name__} hides the kind: {message}"
        assert any(names(message, n) for n in (m.name, *m.also)), \
            f"the message does not name {m.name!r}: {message}"
        assert "expected" in message and "got" in message, f"not 'expected ... got ...': {message}"
        return
    if m.must_raise:
        pytest.fail(f"{m.kind} in {m.name!r} passed silently")
    a, k = CASES[qualname].build()
    assert same(result, call(qualname, a, k)), \
        f"{m.kind} {m.name!r} gave a different answer from the valid call without any error"


if __name__ == "__main__":  # python tests/test_bad_input.py [prefix]: every failing mutation, with why
    import sys
    import traceback
    prefix = sys.argv[1] if len(sys.argv) > 1 else ""
    warnings.simplefilter("error")
    failed = 0
    for qualname in sorted(q for q in CASES if q.startswith(prefix)):
        for index, m in enumerate(mutations(qualname)):
            try:
                test_bad_input_is_refused_or_harmless(qualname, index)
            except BaseException as exc:  # noqa: BLE001 - a report of everything
                failed += 1
                last = traceback.format_exception_only(type(exc), exc)[-1].strip().splitlines()[0]
                print(f"{qualname} [{m.kind} {m.name}]: {last[:300]}")
    print(f"{failed} failing mutations")


# =============================================================================================
# Shapes that differ in any way (Hypothesis): every pair of arrays that must match is checked
# =============================================================================================
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from dlnotes import activations as _act  # noqa: E402
from dlnotes import losses as _losses  # noqa: E402

#: functions of two arrays of one shape (C, m): name -> (fn, first array, second array from shape)
PAIRS = {
    "softmax_backward": (_act.softmax_backward, lambda s: _a(s), lambda s: _a(s, 1)),
    "activation_backward": (lambda a, b: nn.activation_backward(a, b, "tanh"), lambda s: _a(s), lambda s: _a(s, 1)),
    "mean_squared_error": (_losses.mean_squared_error, lambda s: _a(s), lambda s: _a(s, 1)),
    "mse_grad": (_losses.mse_grad, lambda s: _a(s), lambda s: _a(s, 1)),
    "binary_cross_entropy": (_losses.binary_cross_entropy, lambda s: _probs(s),
                             lambda s: (np.arange(np.prod(s)).reshape(s) % 2).astype(float)),
    "bce_from_logits": (_losses.binary_cross_entropy_from_logits, lambda s: _a(s),
                        lambda s: (np.arange(np.prod(s)).reshape(s) % 2).astype(float)),
    "bce_grad": (_losses.bce_grad, lambda s: _probs(s),
                 lambda s: (np.arange(np.prod(s)).reshape(s) % 2).astype(float)),
    "relative_difference": (gradcheck.relative_difference, lambda s: _a(s), lambda s: _a(s, 1)),
}

_dims = st.integers(1, 5)


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(PAIRS)), first=st.tuples(_dims, _dims), second=st.tuples(_dims, _dims))
def test_pairs_of_arrays_must_have_one_shape(name, first, second):
    fn, make_a, make_b = PAIRS[name]
    if name.startswith(("binary", "bce")):
        first, second = (1, first[1]), (1, second[1])     # binary losses: one output row
    a, b = make_a(first), make_b(second)
    if first == second:
        fn(a, b)                                           # the same shape is fine
        return
    with pytest.raises(ValueError, match=r"expected shape .* got") as info:
        fn(a, b)
    assert type(info.value) is ValueError
