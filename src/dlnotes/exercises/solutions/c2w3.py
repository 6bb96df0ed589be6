"""Solutions of the Course 2, week 3 exercises: batch normalization, softmax, tuning."""

import numpy as np


# --8<-- [start:batchnorm_forward]
def batchnorm_forward(Z, gamma, beta, eps):
    """Z (n, m), gamma and beta (n, 1), eps > 0 -> (Z_tilde (n, m), cache = (Z_norm, gamma, var, eps))."""
    mu = np.mean(Z, axis=1, keepdims=True)
    var = np.mean((Z - mu) ** 2, axis=1, keepdims=True)
    Z_norm = (Z - mu) / np.sqrt(var + eps)
    Z_tilde = gamma * Z_norm + beta
    cache = (Z_norm, gamma, var, eps)
    return Z_tilde, cache
# --8<-- [end:batchnorm_forward]


# --8<-- [start:batchnorm_backward]
def batchnorm_backward(dZ_tilde, cache):
    """dZ_tilde (n, m), cache from batchnorm_forward -> (dZ (n, m), dgamma (n, 1), dbeta (n, 1))."""
    Z_norm, gamma, var, eps = cache
    m = Z_norm.shape[1]
    dgamma = np.sum(dZ_tilde * Z_norm, axis=1, keepdims=True) / m
    dbeta = np.sum(dZ_tilde, axis=1, keepdims=True) / m
    dZ_norm = gamma * dZ_tilde
    dZ = (dZ_norm
          - np.mean(dZ_norm, axis=1, keepdims=True)
          - Z_norm * np.mean(dZ_norm * Z_norm, axis=1, keepdims=True)) / np.sqrt(var + eps)
    return dZ, dgamma, dbeta
# --8<-- [end:batchnorm_backward]


# --8<-- [start:softmax]
def softmax(Z):
    """Z (C, m) logits -> (C, m) probabilities, each column summing to 1."""
    T = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return T / np.sum(T, axis=0, keepdims=True)
# --8<-- [end:softmax]


# --8<-- [start:categorical_cross_entropy]
def categorical_cross_entropy(Y_hat, Y):
    """Y_hat (C, m) probabilities, Y (C, m) one-hot labels -> the cost J, a number."""
    m = Y.shape[1]
    J = -np.sum(Y * np.log(Y_hat)) / m
    return float(J)
# --8<-- [end:categorical_cross_entropy]


# --8<-- [start:softmax_output_gradient]
def softmax_output_gradient(Y_hat, Y):
    """Y_hat (C, m) softmax outputs, Y (C, m) one-hot labels -> dZ (C, m), one column per example."""
    dZ = Y_hat - Y
    return dZ
# --8<-- [end:softmax_output_gradient]


# --8<-- [start:sample_log_uniform]
def sample_log_uniform(low, high, size, rng):
    """0 < low < high, size, rng -> (size,) values 10 ** r, r drawn uniformly in [log10(low), log10(high))."""
    r = rng.uniform(np.log10(low), np.log10(high), size)
    return 10 ** r
# --8<-- [end:sample_log_uniform]
