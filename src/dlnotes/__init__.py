"""dlnotes: the Deep Learning Specialization (Courses 1-2) rebuilt as a tested NumPy package.

Examples are columns (``X.shape == (n_x, m)``) and ``W[l].shape == (n[l], n[l-1])``,
as in the course. Every code block on the site is a section of one of these
modules, and every figure is drawn by :mod:`dlnotes.figures` at build time.

The public API is listed here, in one place: :data:`API` maps each module to
the names it exports (the module's ``__all__``; a test keeps them equal).
Use the names through their module, because several concepts share a name
(``logistic.fit`` and ``train.fit``, ``logistic.predict`` and ``nn.predict``)::

    >>> import dlnotes
    >>> float(dlnotes.activations.sigmoid(0.0))
    0.5
    >>> sorted(dlnotes.API)[:3]
    ['activations', 'autodiff', 'batchnorm']

Submodules are imported on first use, so ``import dlnotes`` is cheap.
"""

import importlib

__version__ = "0.1.0"

#: module -> public names. The one place the public API is listed.
API = {
    # Course 1
    "activations": ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
                    "leaky_relu", "leaky_relu_grad", "identity", "identity_grad", "softmax",
                    "softmax_jacobian", "softmax_backward", "ACTIVATIONS"],
    "losses": ["clip_eps", "binary_cross_entropy", "binary_cross_entropy_from_logits", "bce_grad",
               "categorical_cross_entropy", "categorical_cross_entropy_from_logits",
               "sparse_categorical_cross_entropy", "softmax_cross_entropy_grad",
               "mean_squared_error", "mse_grad", "torch_cross_entropy", "torch_cross_entropy_grad",
               "keras_categorical_crossentropy"],
    "compgraph": ["toy_forward", "toy_backward", "logistic_single"],
    "logistic": ["initialize_zeros", "propagate_loop", "propagate", "optimize", "predict", "fit"],
    "initializers": ["zeros", "constant", "random_normal", "random_small", "lecun", "glorot", "he",
                     "INITIALIZERS", "initialize_parameters", "activation_stats_by_depth"],
    "nn": ["LOSSES", "layer_shapes", "num_layers", "linear_forward", "linear_activation_forward",
           "model_forward", "compute_cost", "linear_backward", "activation_backward",
           "linear_activation_backward", "model_backward", "update_parameters", "predict_proba",
           "predict"],
    # Course 2
    "regularization": ["weight_keys", "l2_penalty", "l2_penalty_grad", "l1_penalty", "l1_penalty_grad",
                       "dropout_forward", "dropout_backward", "ridge_polyfit"],
    "gradcheck": ["numerical_grad", "params_to_vector", "vector_to_params", "relative_difference",
                  "classify_rel_error", "GradientCheckResult", "gradient_check"],
    "optim": ["Optimizer", "GradientDescent", "Momentum", "RMSprop", "Adam", "Nesterov", "AdaGrad",
              "AdamW", "OPTIMIZERS", "make_optimizer", "trajectory"],
    "ewa": ["ewa", "ewa_weights"],
    "schedules": ["constant", "inverse_time", "staircase", "exponential", "inverse_sqrt",
                  "linear_warmup", "cosine", "cosine_restarts", "one_cycle", "SCHEDULES",
                  "get_schedule", "lr_range_test", "linear_scaling"],
    "batchnorm": ["batchnorm_forward", "batchnorm_backward", "batchnorm_inference",
                  "batchnorm_train_forward"],
    "layernorm": ["layernorm_forward", "layernorm_backward"],
    "tuning": ["sample_uniform", "sample_log_uniform", "sample_beta", "grid_points", "random_points",
               "distinct_per_axis", "fit_dev_cost", "successive_halving", "best_of_n"],
    "autodiff": ["Value", "minimize", "MinimizeResult"],
    # Beyond the course
    "sanity": ["expected_initial_loss", "initial_loss_check", "overfit_small_subset", "update_ratios",
               "LOSS_CURVE_SHAPES", "loss_curve_shape", "SanityReport", "sanity_report"],
    "clipping": ["global_norm", "clip_by_value", "clip_by_global_norm"],
    "precision": ["FormatInfo", "format_info", "round_to", "to_bfloat16", "absorbs", "apply_loss_scale",
                  "adam_denominator", "gradcheck_thresholds", "numerical_grad_in"],
    # Putting it together
    "data": ["make_flower", "make_moons", "make_circles", "make_noisy_regions", "load_digits",
             "train_dev_test_split", "random_mini_batches", "one_hot", "standardize_fit",
             "standardize_apply", "augment_2d", "flatten_images", "unflatten_images", "flip_images",
             "shift_images", "augment_images", "synthetic_temperature"],
    "train": ["TrainResult", "fit", "ensemble_predict"],
    # Practice
    "exercises": ["check", "list_exercises", "Report"],
}

#: Modules that are part of the package but not of the teaching API.
SUPPORT_MODULES = ["fast", "plots", "figures"]

__all__ = sorted(API) + SUPPORT_MODULES + ["API", "__version__"]


def __getattr__(name):
    """Import ``dlnotes.<name>`` on first access (PEP 562)."""
    if name in API or name in SUPPORT_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlnotes' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
