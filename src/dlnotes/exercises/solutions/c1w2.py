"""Solutions of the Course 1, week 2 exercises: logistic regression as a neural network."""

import numpy as np


# --8<-- [start:sigmoid]
def sigmoid(z):
    """sigmoid(z) = 1 / (1 + exp(-z)), element-wise; same shape and dtype as z."""
    return 1 / (1 + np.exp(-z))
# --8<-- [end:sigmoid]


# --8<-- [start:flatten]
def flatten(images):
    """(m, height, width, channels) images -> (height * width * channels, m): one column per image."""
    m = images.shape[0]
    return images.reshape(m, -1).T
# --8<-- [end:flatten]


# --8<-- [start:propagate]
def propagate(w, b, X, Y):
    """w (n_x, 1), b number, X (n_x, m), Y (1, m) -> ({"dw": (n_x, 1), "db": number}, cost)."""
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    cost = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
    dZ = A - Y
    dw = X @ dZ.T / m
    db = np.sum(dZ) / m
    return {"dw": dw, "db": db}, float(cost)
# --8<-- [end:propagate]


# --8<-- [start:optimize]
def optimize(w, b, X, Y, num_iterations, learning_rate):
    """Gradient descent: returns (w, b, costs), costs[i] being the cost before update i."""
    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w - learning_rate * grads["dw"]
        b = b - learning_rate * grads["db"]
        costs.append(cost)
    return w, b, costs
# --8<-- [end:optimize]


# --8<-- [start:predict]
def predict(w, b, X):
    """w (n_x, 1), b number, X (n_x, m) -> (1, m) array of 0.0 / 1.0 in X's dtype (1 where A > 0.5)."""
    A = sigmoid(w.T @ X + b)
    return (A > 0.5).astype(X.dtype)
# --8<-- [end:predict]
