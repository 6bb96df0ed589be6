"""Solutions of the Course 1, week 3 exercises: a network with one hidden layer."""

import numpy as np


# --8<-- [start:initialize_parameters]
def initialize_parameters(n_x, n_h, n_y, rng):
    """-> {"W1": (n_h, n_x), "b1": (n_h, 1), "W2": (n_y, n_h), "b2": (n_y, 1)}, float64; W1 drawn first."""
    W1 = 0.01 * rng.standard_normal((n_h, n_x))
    b1 = np.zeros((n_h, 1))
    W2 = 0.01 * rng.standard_normal((n_y, n_h))
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
# --8<-- [end:initialize_parameters]


# --8<-- [start:forward_propagation]
def forward_propagation(X, parameters):
    """X (n_x, m) -> (A2 (1, m), cache {"Z1": (n_h, m), "A1": (n_h, m), "Z2": (1, m), "A2": (1, m)})."""
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = W1 @ X + b1
    A1 = np.tanh(Z1)
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
# --8<-- [end:forward_propagation]


# --8<-- [start:compute_cost]
def compute_cost(A2, Y):
    """A2 (1, m) probabilities, Y (1, m) labels -> the cross-entropy cost J, a float."""
    m = Y.shape[1]
    cost = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m
    return float(cost)
# --8<-- [end:compute_cost]


# --8<-- [start:backward_propagation]
def backward_propagation(parameters, cache, X, Y):
    """-> {"dW1": (n_h, n_x), "db1": (n_h, 1), "dW2": (1, n_h), "db2": (1, 1)}, the gradients of J."""
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (1 - A1 ** 2)
    dW1 = dZ1 @ X.T / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
# --8<-- [end:backward_propagation]


# --8<-- [start:update_parameters]
def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step on W1, b1, W2, b2 -> a new dict (parameters is left as it was)."""
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    b1 = parameters["b1"] - learning_rate * grads["db1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    b2 = parameters["b2"] - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
# --8<-- [end:update_parameters]


# --8<-- [start:predict]
def predict(parameters, X):
    """X (n_x, m) -> (1, m) array of 0.0 / 1.0 in X's dtype (1 where A2 > 0.5)."""
    A2, cache = forward_propagation(X, parameters)
    return (A2 > 0.5).astype(X.dtype)
# --8<-- [end:predict]
