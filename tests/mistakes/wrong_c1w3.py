"""Typical wrong answers to the Course 1, week 3 exercises, each with the hint the checker must give."""

import numpy as np

from dlnotes.exercises.solutions.c1w3 import forward_propagation


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def initialize_zeros(n_x, n_h, n_y, rng):
    return {"W1": np.zeros((n_h, n_x)), "b1": np.zeros((n_h, 1)),
            "W2": np.zeros((n_y, n_h)), "b2": np.zeros((n_y, 1))}


def initialize_unscaled(n_x, n_h, n_y, rng):
    W1 = rng.standard_normal((n_h, n_x))
    W2 = rng.standard_normal((n_y, n_h))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def initialize_transposed(n_x, n_h, n_y, rng):
    W1 = 0.01 * rng.standard_normal((n_x, n_h))
    W2 = 0.01 * rng.standard_normal((n_h, n_y))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def initialize_w2_first(n_x, n_h, n_y, rng):
    W2 = 0.01 * rng.standard_normal((n_y, n_h))
    W1 = 0.01 * rng.standard_normal((n_h, n_x))
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def initialize_rank1_b(n_x, n_h, n_y, rng):
    W1 = 0.01 * rng.standard_normal((n_h, n_x))
    W2 = 0.01 * rng.standard_normal((n_y, n_h))
    return {"W1": W1, "b1": np.zeros(n_h), "W2": W2, "b2": np.zeros(n_y)}


def initialize_shape_arguments(n_x, n_h, n_y, rng):
    W1 = 0.01 * rng.standard_normal(n_h, n_x)
    W2 = 0.01 * rng.standard_normal(n_y, n_h)
    return {"W1": W1, "b1": np.zeros((n_h, 1)), "W2": W2, "b2": np.zeros((n_y, 1))}


def forward_sigmoid_hidden(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = _sigmoid(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = _sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def forward_no_bias(X, parameters):
    Z1 = parameters["W1"] @ X
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1
    A2 = _sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def forward_tanh_output(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = np.tanh(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def cost_no_minus(A2, Y):
    m = Y.shape[1]
    return float(np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m)


def cost_sum(A2, Y):
    return float(-np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)))


def cost_one_term(A2, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A2)) / m)


def cost_array(A2, Y):
    m = Y.shape[1]
    return -(np.dot(Y, np.log(A2).T) + np.dot(1 - Y, np.log(1 - A2).T)) / m


def backward_one_minus_a(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1)
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def backward_no_keepdims(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1, axis=1) / m,
            "dW2": dZ2 @ A1.T / m, "db2": np.sum(dZ2, axis=1) / m}


def backward_sum_all(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    return {"dW1": dZ1 @ X.T / m, "db1": np.sum(dZ1) / m,
            "dW2": dZ2 @ A1.T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def backward_no_1_over_m(parameters, cache, X, Y):
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    return {"dW1": dZ1 @ X.T, "db1": np.sum(dZ1, axis=1, keepdims=True),
            "dW2": dZ2 @ A1.T, "db2": np.sum(dZ2, axis=1, keepdims=True)}


def backward_transposed(parameters, cache, X, Y):
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1 ** 2)
    return {"dW1": X @ dZ1.T / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": A1 @ dZ2.T / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m}


def update_ascent(parameters, grads, learning_rate):
    return {key: parameters[key] + learning_rate * grads["d" + key] for key in parameters}


def update_in_place(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


def update_weights_only(parameters, grads, learning_rate):
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    return {"W1": W1, "b1": parameters["b1"], "W2": W2, "b2": parameters["b2"]}


def predict_probabilities(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2


def predict_boolean(parameters, X):
    A2, cache = forward_propagation(X, parameters)
    return A2 > 0.5


def predict_not_unpacked(parameters, X):
    A2 = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(X.dtype)


def predict_argument_order(parameters, X):
    A2, cache = forward_propagation(parameters, X)
    return (A2 > 0.5).astype(X.dtype)


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c1w3.initialize_parameters": [(initialize_zeros, "symmetry"), (initialize_unscaled, "scale the draws by 0.01"),
                                   (initialize_transposed, "transposed"), (initialize_w2_first, "draw W1 first"),
                                   (initialize_rank1_b, "a column of shape (n_h, 1)"),
                                   (initialize_shape_arguments, "a shape is one tuple")],
    "c1w3.forward_propagation": [(forward_sigmoid_hidden, "the hidden layer uses tanh"),
                                 (forward_no_bias, "a bias is missing"),
                                 (forward_tanh_output, "the output unit is a sigmoid")],
    "c1w3.compute_cost": [(cost_no_minus, "minus the mean"), (cost_sum, "divide the sum by m"),
                          (cost_one_term, "two terms"), (cost_array, "return a plain number")],
    "c1w3.backward_propagation": [(backward_one_minus_a, "(1 - A1**2)"), (backward_no_keepdims, "keepdims=True"),
                                  (backward_sum_all, "adds over the units and the examples"),
                                  (backward_no_1_over_m, "divide by m"), (backward_transposed, "transposed")],
    "c1w3.update_parameters": [(update_ascent, "against the gradient"),
                               (update_in_place, "changed its argument `parameters` in place"),
                               (update_weights_only, "b1 and b2 too")],
    "c1w3.predict": [(predict_probabilities, "not probabilities"), (predict_boolean, "boolean array"),
                     (predict_not_unpacked, "unpack it"), (predict_argument_order, "X first, then parameters")],
}
