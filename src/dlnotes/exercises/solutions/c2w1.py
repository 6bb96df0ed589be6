"""Solutions of the Course 2, week 1 exercises: L2 regularization, inverted dropout, gradient checking."""

import numpy as np


# --8<-- [start:cost_with_l2]
def cost_with_l2(cross_entropy_cost, parameters, lambd, m):
    """Cost (number), {"W1": (n1, n0), "b1": (n1, 1), ...}, lambd, m -> cost + L2 penalty (a number)."""
    L = len(parameters) // 2
    sum_of_squares = 0.0
    for l in range(1, L + 1):
        W = parameters["W" + str(l)]
        sum_of_squares = sum_of_squares + np.sum(np.square(W))
    return float(cross_entropy_cost + lambd / (2 * m) * sum_of_squares)
# --8<-- [end:cost_with_l2]


# --8<-- [start:l2_gradient]
def l2_gradient(dW, W, lambd, m):
    """dW from backpropagation and W, both (n[l], n[l-1]) -> dW + (lambd / m) W, same shape and dtype."""
    return dW + lambd / m * W
# --8<-- [end:l2_gradient]


# --8<-- [start:dropout_forward]
def dropout_forward(A, keep_prob, rng):
    """A (n[l], m), keep_prob, rng -> (A_drop (n[l], m) in A's dtype, D (n[l], m) boolean mask)."""
    D = rng.random(A.shape) < keep_prob
    A_drop = A * D / keep_prob
    return A_drop, D
# --8<-- [end:dropout_forward]


# --8<-- [start:dropout_backward]
def dropout_backward(dA, D, keep_prob):
    """dA (n[l], m) with respect to A_drop, mask D (n[l], m) -> dA (n[l], m) with respect to A."""
    return dA * D / keep_prob
# --8<-- [end:dropout_backward]


# --8<-- [start:numerical_gradient]
def numerical_gradient(f, theta, epsilon):
    """f maps an (n,) vector to a number, theta (n,) float64 -> (n,) two-sided difference quotients."""
    grad_approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta.copy()
        theta_plus[i] = theta_plus[i] + epsilon
        theta_minus = theta.copy()
        theta_minus[i] = theta_minus[i] - epsilon
        grad_approx[i] = (f(theta_plus) - f(theta_minus)) / (2 * epsilon)
    return grad_approx
# --8<-- [end:numerical_gradient]


# --8<-- [start:gradient_difference]
def gradient_difference(grad, grad_approx):
    """grad, grad_approx of one shape, (n,) or (n, 1) -> ||grad - grad_approx|| / (||grad|| + ||grad_approx||)."""
    numerator = np.linalg.norm(grad - grad_approx)
    denominator = np.linalg.norm(grad) + np.linalg.norm(grad_approx)
    return float(numerator / denominator)
# --8<-- [end:gradient_difference]
