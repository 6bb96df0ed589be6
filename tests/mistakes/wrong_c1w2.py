"""Typical wrong answers to the Course 1, week 2 exercises, each with the hint the checker must give."""

import numpy as np

from dlnotes.exercises.solutions.c1w2 import propagate, sigmoid


def sigmoid_plus_z(z):
    return 1 / (1 + np.exp(z))


def sigmoid_precedence(z):
    return 1 / 1 + np.exp(-z)


def flatten_mixed(images):
    return images.reshape(-1, images.shape[0])


def flatten_rows(images):
    return images.reshape(images.shape[0], -1)


def propagate_sum(w, b, X, Y):
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return {"dw": X @ dZ.T, "db": np.sum(dZ)}, float(cost)


def propagate_transposed(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    dZ = A - Y
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return {"dw": dZ @ X.T / m, "db": np.sum(dZ) / m}, float(cost)


def propagate_y_minus_a(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)
    dZ = Y - A
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    return {"dw": X @ dZ.T / m, "db": np.sum(dZ) / m}, float(cost)


def optimize_in_place(w, b, X, Y, num_iterations, learning_rate):
    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w -= learning_rate * grads["dw"]
        b -= learning_rate * grads["db"]
        costs.append(cost)
    return w, b, costs


def optimize_ascent(w, b, X, Y, num_iterations, learning_rate):
    costs = []
    for _ in range(num_iterations):
        grads, cost = propagate(w, b, X, Y)
        w = w + learning_rate * grads["dw"]
        b = b + learning_rate * grads["db"]
        costs.append(cost)
    return w, b, costs


def predict_probabilities(w, b, X):
    return sigmoid(w.T @ X + b)


def predict_boolean(w, b, X):
    return sigmoid(w.T @ X + b) > 0.5


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c1w2.sigmoid": [(sigmoid_plus_z, "exp(z) instead of exp(-z)"),
                     (sigmoid_precedence, "put the denominator in parentheses")],
    "c1w2.flatten": [(flatten_mixed, "mixes pixels of different images"),
                     (flatten_rows, "each example in a column")],
    "c1w2.propagate": [(propagate_sum, "divide by m"), (propagate_transposed, "transposed"),
                       (propagate_y_minus_a, "not Y - A")],
    "c1w2.optimize": [(optimize_in_place, "changed its argument `w` in place"),
                      (optimize_ascent, "against the gradient")],
    "c1w2.predict": [(predict_probabilities, "not probabilities"), (predict_boolean, "boolean array")],
}
