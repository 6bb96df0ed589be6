"""Typical wrong answers to the Course 1, week 4 exercises, each with the hint the checker must give."""

import numpy as np

from dlnotes.exercises.solutions.c1w4 import linear_activation_backward, linear_activation_forward


# ------------------------------------------------------------------ initialize_parameters_deep

def init_xavier(layer_dims, rng):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(1 / layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def init_transposed(layer_dims, rng):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l - 1], layer_dims[l])) * np.sqrt(2 / layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def init_small(layer_dims, rng):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * 0.01
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


def init_one_layer_too_many(layer_dims, rng):
    parameters = {}
    for l in range(1, len(layer_dims) + 1):
        parameters[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) * np.sqrt(2 / layer_dims[l - 1])
        parameters[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return parameters


# ------------------------------------------------------------------ linear_activation_forward

def forward_no_bias(A_prev, W, b, activation):
    Z = W @ A_prev
    A = np.maximum(Z, 0) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, ((A_prev, W, b), Z)


def forward_np_max(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A = np.max(Z, 0) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, ((A_prev, W, b), Z)


def forward_python_max(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A = max(Z, 0) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, ((A_prev, W, b), Z)


def forward_cache_A(A_prev, W, b, activation):
    Z = W @ A_prev + b
    A = np.maximum(Z, 0) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A, ((A_prev, W, b), A)


def forward_bias_after(A_prev, W, b, activation):
    Z = W @ A_prev
    A = np.maximum(Z, 0) if activation == "relu" else 1 / (1 + np.exp(-Z))
    return A + b, ((A_prev, W, b), Z)


# ------------------------------------------------------------------ model_forward

def model_forward_relu_output(X, parameters):
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    return A, caches


def model_forward_len(X, parameters):
    caches, A = [], X
    L = len(parameters)
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def model_forward_last_cache_lost(X, parameters):
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    return AL, caches


def model_forward_from_zero(X, parameters):
    caches, A = [], X
    L = len(parameters) // 2
    for l in range(L - 1):
        A, cache = linear_activation_forward(A, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


def model_forward_input_every_layer(X, parameters):
    caches = []
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(X, parameters[f"W{l}"], parameters[f"b{l}"], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(X if L == 1 else A, parameters[f"W{L}"], parameters[f"b{L}"], "sigmoid")
    caches.append(cache)
    return AL, caches


# ------------------------------------------------------------------ linear_activation_backward

def _dZ(dA, Z, activation):
    if activation == "relu":
        return dA * (Z > 0)
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


def backward_no_keepdims(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = _dZ(dA, Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1) / m


def backward_no_1_over_m(dA, cache, activation):
    (A_prev, W, b), Z = cache
    dZ = _dZ(dA, Z, activation)
    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)


def backward_relu_times_Z(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = dA * Z if activation == "relu" else _dZ(dA, Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def backward_sigmoid_without_1_minus_s(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = dA / (1 + np.exp(-Z)) if activation == "sigmoid" else _dZ(dA, Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def backward_dA_prev_from_dA(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = _dZ(dA, Z, activation)
    return W.T @ dA, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


def backward_mask_from_A_prev(dA, cache, activation):
    (A_prev, W, b), Z = cache
    m = A_prev.shape[1]
    dZ = dA * (A_prev > 0) if activation == "relu" else _dZ(dA, Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ, axis=1, keepdims=True) / m


# ------------------------------------------------------------------ model_backward

def model_backward_relu_output(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in reversed(range(1, L + 1)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads


def model_backward_dZ_as_dA(AL, Y, caches):
    grads, L = {}, len(caches)
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(AL - Y, caches[L - 1], "sigmoid")
    for l in reversed(range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads


def model_backward_sign(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = Y / AL - (1 - Y) / (1 - AL)
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in reversed(range(1, L)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l - 1], "relu")
    return grads


def model_backward_layer_index(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    dA, grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dA, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(dA, caches[l], "relu")
    return grads


def model_backward_keeps_dA(AL, Y, caches):
    grads, L = {}, len(caches)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))
    grads[f"dA{L - 1}"], grads[f"dW{L}"], grads[f"db{L}"] = linear_activation_backward(dAL, caches[L - 1], "sigmoid")
    for l in reversed(range(L - 1)):
        grads[f"dA{l}"], grads[f"dW{l + 1}"], grads[f"db{l + 1}"] = linear_activation_backward(
            grads[f"dA{l + 1}"], caches[l], "relu")
    return grads


def model_backward_sum(AL, Y, caches):
    grads, L = {}, len(caches)
    dA = -(Y / AL - (1 - Y) / (1 - AL))
    for l in reversed(range(1, L + 1)):
        (A_prev, W, b), Z = caches[l - 1]
        dZ = _dZ(dA, Z, "sigmoid" if l == L else "relu")
        grads[f"dW{l}"] = dZ @ A_prev.T
        grads[f"db{l}"] = np.sum(dZ, axis=1, keepdims=True)
        dA = W.T @ dZ
    return grads


# ------------------------------------------------------------------ update_parameters

def update_ascent(parameters, grads, learning_rate):
    L = len(parameters) // 2
    return {key: parameters[key] + learning_rate * grads["d" + key]
            for l in range(1, L + 1) for key in (f"W{l}", f"b{l}")}


def update_only_W(parameters, grads, learning_rate):
    new = dict(parameters)
    for l in range(1, len(parameters) // 2 + 1):
        new[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
    return new


def update_in_place(parameters, grads, learning_rate):
    for l in range(1, len(parameters) // 2 + 1):
        parameters[f"W{l}"] -= learning_rate * grads[f"dW{l}"]
        parameters[f"b{l}"] -= learning_rate * grads[f"db{l}"]
    return parameters


def update_range_L(parameters, grads, learning_rate):
    new = dict(parameters)
    L = len(parameters) // 2
    for l in range(1, L):
        new[f"W{l}"] = parameters[f"W{l}"] - learning_rate * grads[f"dW{l}"]
        new[f"b{l}"] = parameters[f"b{l}"] - learning_rate * grads[f"db{l}"]
    return new


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c1w4.initialize_parameters_deep": [(init_xavier, "sqrt(1 / n[l-1]) is the Xavier"),
                                        (init_transposed, "W[l] has shape (n[l], n[l-1])"),
                                        (init_small, "small initialization of week 3"),
                                        (init_one_layer_too_many, "L = len(layer_dims) - 1")],
    "c1w4.linear_activation_forward": [(forward_no_bias, "the bias b is missing"),
                                       (forward_np_max, "np.max(Z, 0) is the largest entry"),
                                       (forward_python_max, "Python's max compares whole arrays"),
                                       (forward_cache_A, "the cache keeps Z"),
                                       (forward_bias_after, "b goes inside the activation")],
    "c1w4.model_forward": [(model_forward_relu_output, "the output layer L uses the sigmoid"),
                           (model_forward_len, "L = len(parameters) // 2"),
                           (model_forward_last_cache_lost, "one cache per layer"),
                           (model_forward_from_zero, "layers are numbered from 1"),
                           (model_forward_input_every_layer, "A not passed on")],
    "c1w4.linear_activation_backward": [(backward_no_keepdims, "keepdims=True"),
                                        (backward_no_1_over_m, "divide by m"),
                                        (backward_relu_times_Z, "not dA * Z"),
                                        (backward_sigmoid_without_1_minus_s, "the factor (1 - s) is missing"),
                                        (backward_dA_prev_from_dA, "dA_prev = W^T dZ, with dZ"),
                                        (backward_mask_from_A_prev, "the ReLU mask is Z > 0")],
    "c1w4.model_backward": [(model_backward_relu_output, "layer L is the sigmoid layer"),
                            (model_backward_dZ_as_dA, "AL - Y is dZ[L]"),
                            (model_backward_sign, "the sign of dAL is flipped"),
                            (model_backward_layer_index, "store its gradients as dW{l}"),
                            (model_backward_sum, "divide by m"),
                            (model_backward_keeps_dA, "leave the dA's out")],
    "c1w4.update_parameters": [(update_ascent, "against the gradient"),
                               (update_only_W, "update the biases too"),
                               (update_in_place, "changed its argument `parameters` in place"),
                               (update_range_L, "range(1, L + 1)")],
}
