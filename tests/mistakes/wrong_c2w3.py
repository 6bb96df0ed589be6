"""Typical wrong answers to the Course 2, week 3 exercises, each with the hint the checker must give."""

import numpy as np


def batchnorm_forward_unbiased(Z, gamma, beta, eps):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.var(Z, axis=1, ddof=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z_norm, gamma, var, eps)


def batchnorm_forward_axis0(Z, gamma, beta, eps):
    mu = np.mean(Z, axis=0, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=0, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    return gamma * Z_norm + beta, (Z_norm, gamma, var, eps)


def batchnorm_forward_eps_outside(Z, gamma, beta, eps):
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_norm = (Z - mu) / (np.sqrt(var) + eps)
    return gamma * Z_norm + beta, (Z_norm, gamma, var, eps)


def batchnorm_backward_direct(dZ_tilde, cache):
    Z_norm, gamma, var, eps = cache
    m = Z_norm.shape[1]
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ = gamma * dZ_tilde / np.sqrt(var + eps)
    return dZ, dgamma, dbeta


def batchnorm_backward_rank1(dZ_tilde, cache):
    Z_norm, gamma, var, eps = cache
    dgamma = np.mean(dZ_tilde * Z_norm, axis=1)
    dbeta = np.mean(dZ_tilde, axis=1)
    dZ_norm = gamma * dZ_tilde
    dZ = (dZ_norm - np.mean(dZ_norm, axis=1, keepdims=True)
          - Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dZ, dgamma, dbeta


def batchnorm_backward_sums(dZ_tilde, cache):
    Z_norm, gamma, var, eps = cache
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True)
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True)
    dZ_norm = gamma * dZ_tilde
    dZ = (dZ_norm - np.mean(dZ_norm, axis=1, keepdims=True)
          - Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dZ, dgamma, dbeta


def batchnorm_backward_no_var_path(dZ_tilde, cache):
    Z_norm, gamma, var, eps = cache
    m = Z_norm.shape[1]
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ_norm = gamma * dZ_tilde
    dZ = (dZ_norm - np.mean(dZ_norm, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dZ, dgamma, dbeta


def softmax_rows(Z):
    T = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return T / np.sum(T, axis=1, keepdims=True)


def softmax_naive(Z):
    T = np.exp(Z)
    return T / np.sum(T, axis=0, keepdims=True)


def softmax_unnormalised(Z):
    return np.exp(Z - np.max(Z, axis=0, keepdims=True))


def softmax_total(Z):
    T = np.exp(Z - np.max(Z))
    return T / np.sum(T)


def cce_sum(Y_hat, Y):
    return float(-np.sum(Y * np.log(Y_hat)))


def cce_no_minus(Y_hat, Y):
    return float(np.sum(Y * np.log(Y_hat)) / Y.shape[1])


def cce_binary(Y_hat, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)) / m)


def cce_mean(Y_hat, Y):
    return float(-np.mean(Y * np.log(Y_hat)))


def gradient_over_m(Y_hat, Y):
    return (Y_hat - Y) / Y.shape[1]


def gradient_flipped(Y_hat, Y):
    return Y - Y_hat


def gradient_elementwise(Y_hat, Y):
    dA = -Y / Y_hat
    return dA * Y_hat * (1 - Y_hat)


def sample_linear(low, high, size, rng):
    return rng.uniform(low, high, size)


def sample_natural_log(low, high, size, rng):
    r = rng.uniform(np.log(low), np.log(high), size)
    return 10 ** r


def sample_swapped(low, high, size, rng):
    r = rng.uniform(np.log10(high), np.log10(low), size)
    return 10 ** r


def sample_bounds_not_logged(low, high, size, rng):
    return 10 ** rng.uniform(low, high, size)


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c2w3.batchnorm_forward": [(batchnorm_forward_unbiased, "ddof=0"),
                               (batchnorm_forward_axis0, "along axis=1"),
                               (batchnorm_forward_eps_outside, "inside the square root")],
    "c2w3.batchnorm_backward": [(batchnorm_backward_direct, "through mu and var"),
                                (batchnorm_backward_rank1, "keepdims=True"),
                                (batchnorm_backward_sums, "means over the examples"),
                                (batchnorm_backward_no_var_path, "the one through var is missing")],
    "c2w3.softmax": [(softmax_rows, "sum over the classes, axis=0"),
                     (softmax_naive, "subtract each column's largest logit"),
                     (softmax_unnormalised, "divide each column by its sum"),
                     (softmax_total, "np.sum without an axis")],
    "c2w3.categorical_cross_entropy": [(cce_sum, "missing 1/m"), (cce_no_minus, "minus sign"),
                                       (cce_binary, "binary cross-entropy"), (cce_mean, "divides by C * m")],
    "c2w3.softmax_output_gradient": [(gradient_over_m, "the 1/m goes in dW and db"),
                                     (gradient_flipped, "not Y - Y_hat"),
                                     (gradient_elementwise, "not element-wise")],
    "c2w3.sample_log_uniform": [(sample_linear, "draw the exponent"), (sample_natural_log, "natural log"),
                                (sample_swapped, "low and high swapped"),
                                (sample_bounds_not_logged, "not low and high")],
}
