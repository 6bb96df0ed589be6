"""Solutions of the Course 1, week 4 exercises: a deep network, layer by layer."""

import numpy as np


# --8<-- [start:initialize_parameters_deep]
def initialize_parameters_deep(layer_dims, rng):
    """[n0, n1, ..., nL] -> {"W1": (n1, n0), "b1": (n1, 1), ..., "WL": (nL, nL-1), "bL": (nL, 1)}."""
    parameters = {}
    L = len(layer_dims) - 1
    for l in range(1, L + 1):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        parameters[f"W{l}"] = rng.standard_normal((n, n_prev)) * np.sqrt(2 / n_prev)
        parameters[f"b{l}"] = np.zeros((n, 1))
    return parameters
# --8<-- [end:initialize_parameters_deep]


# --8<-- [start:linear_activation_forward]
def linear_activation_forward(A_prev, W, b, activation):
    """A_prev (n[l-1], m), W (n[l], n[l-1]), b (n[l], 1) -> (A (n[l], m), ((A_prev, W, b), Z))."""
    Z = W @ A_prev + b
    if activation == "sigmoid":
        A = 1 / (1 + np.exp(-Z))
    elif activation == "relu":
        A = np.maximum(Z, 0)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    cache = ((A_prev, W, b), Z)
    return A, cache
# --8<-- [end:linear_activation_forward]


# --8<-- [start:model_forward]
def model_forward(X, parameters):
    """X (n_x, m), parameters {"W1", "b1", ..., "WL", "bL"} -> (AL (1, m), caches: a list of L caches)."""
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches
# --8<-- [end:model_forward]


# --8<-- [start:linear_activation_backward]
def linear_activation_backward(dA, cache, activation):
    """dA (n[l], m), cache ((A_prev, W, b), Z) -> (dA_prev (n[l-1], m), dW (n[l], n[l-1]), db (n[l], 1))."""
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        dZ = dA * s * (1 - s)
    elif activation == "relu":
        dZ = dA * (Z > 0)
    else:
        raise ValueError(f"unknown activation {activation!r}")
    dW = dZ @ A_prev.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db
# --8<-- [end:linear_activation_backward]


# --8<-- [start:model_backward]
def model_backward(AL, Y, caches):
    """AL (1, m), Y (1, m), caches from model_forward -> {"dW1": ..., "db1": ..., ..., "dWL", "dbL"}."""
    grads = {}
    L = len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in reversed(range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads
# --8<-- [end:model_backward]


# --8<-- [start:update_parameters]
def update_parameters(parameters, grads, learning_rate):
    """parameters {"W1", "b1", ...}, grads {"dW1", "db1", ...} -> a new dict of the updated parameters."""
    new_parameters = {}
    L = len(parameters) // 2
    for l in range(1, L + 1):
        new_parameters[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        new_parameters[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new_parameters
# --8<-- [end:update_parameters]
