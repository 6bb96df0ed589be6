"""Typical wrong answers to the Course 2, week 1 exercises, each with the hint the checker must give."""

import numpy as np


def cost_no_half(cross_entropy_cost, parameters, lambd, m):
    L = len(parameters) // 2
    total = sum(np.sum(np.square(parameters["W" + str(l)])) for l in range(1, L + 1))
    return float(cross_entropy_cost + lambd / m * total)


def cost_with_biases(cross_entropy_cost, parameters, lambd, m):
    total = sum(np.sum(np.square(value)) for value in parameters.values())
    return float(cross_entropy_cost + lambd / (2 * m) * total)


def cost_l1(cross_entropy_cost, parameters, lambd, m):
    L = len(parameters) // 2
    total = sum(np.sum(np.abs(parameters["W" + str(l)])) for l in range(1, L + 1))
    return float(cross_entropy_cost + lambd / (2 * m) * total)


def cost_norm_not_squared(cross_entropy_cost, parameters, lambd, m):
    L = len(parameters) // 2
    total = sum(np.linalg.norm(parameters["W" + str(l)]) for l in range(1, L + 1))
    return float(cross_entropy_cost + lambd / (2 * m) * total)


def l2_gradient_twice(dW, W, lambd, m):
    return dW + 2 * lambd / m * W


def l2_gradient_half(dW, W, lambd, m):
    return dW + lambd / (2 * m) * W


def l2_gradient_no_m(dW, W, lambd, m):
    return dW + lambd * W


def dropout_forward_not_rescaled(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D, D


def dropout_forward_greater(A, keep_prob, rng):
    D = rng.random(A.shape) > keep_prob
    return A * D / keep_prob, D


def dropout_forward_one_minus(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / (1 - keep_prob), D


def dropout_backward_not_rescaled(dA, D, keep_prob):
    return dA * D


def dropout_backward_no_mask(dA, D, keep_prob):
    return dA / keep_prob


def numerical_gradient_one_sided(f, theta, epsilon):
    grad_approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta.copy()
        theta_plus[i] = theta_plus[i] + epsilon
        grad_approx[i] = (f(theta_plus) - f(theta)) / epsilon
    return grad_approx


def numerical_gradient_by_eps(f, theta, epsilon):
    grad_approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta.copy()
        theta_plus[i] = theta_plus[i] + epsilon
        theta_minus = theta.copy()
        theta_minus[i] = theta_minus[i] - epsilon
        grad_approx[i] = (f(theta_plus) - f(theta_minus)) / epsilon
    return grad_approx


def numerical_gradient_not_restored(f, theta, epsilon):
    grad_approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta[i] += epsilon
        f_plus = f(theta)
        theta[i] -= 2 * epsilon
        f_minus = f(theta)
        grad_approx[i] = (f_plus - f_minus) / (2 * epsilon)
    return grad_approx


def numerical_gradient_no_copy(f, theta, epsilon):
    grad_approx = np.zeros_like(theta)
    for i in range(theta.shape[0]):
        theta_plus = theta
        theta_plus[i] = theta_plus[i] + epsilon
        f_plus = f(theta_plus)
        theta_minus = theta
        theta_minus[i] = theta_minus[i] - epsilon
        grad_approx[i] = (f_plus - f(theta_minus)) / (2 * epsilon)
    return grad_approx


def difference_no_denominator(grad, grad_approx):
    return float(np.linalg.norm(grad - grad_approx))


def difference_squared(grad, grad_approx):
    return float(np.sum((grad - grad_approx) ** 2) / (np.sum(grad ** 2) + np.sum(grad_approx ** 2)))


def difference_norm_of_sum(grad, grad_approx):
    return float(np.linalg.norm(grad - grad_approx) / np.linalg.norm(grad + grad_approx))


def difference_precedence(grad, grad_approx):
    return float(np.linalg.norm(grad - grad_approx) / np.linalg.norm(grad) + np.linalg.norm(grad_approx))


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c2w1.cost_with_l2": [(cost_no_half, "the 1/2 is missing"), (cost_with_biases, "leave the biases b out"),
                          (cost_l1, "L1 penalty"), (cost_norm_not_squared, "Frobenius norm itself")],
    "c2w1.l2_gradient": [(l2_gradient_twice, "no factor 2 is left"), (l2_gradient_half, "the 1/2 cancels"),
                         (l2_gradient_no_m, "divide by m")],
    "c2w1.dropout_forward": [(dropout_forward_not_rescaled, "not rescaled"),
                             (dropout_forward_greater, "below keep_prob"),
                             (dropout_forward_one_minus, "not by 1 - keep_prob")],
    "c2w1.dropout_backward": [(dropout_backward_not_rescaled, "not rescaled"),
                              (dropout_backward_no_mask, "multiply by the mask D")],
    "c2w1.numerical_gradient": [(numerical_gradient_one_sided, "one-sided"),
                                (numerical_gradient_by_eps, "divide by 2 * epsilon"),
                                (numerical_gradient_not_restored, "in place"),
                                (numerical_gradient_no_copy, "makes no copy")],
    "c2w1.gradient_difference": [(difference_no_denominator, "divide by ||grad|| + ||grad_approx||"),
                                 (difference_squared, "not their squares"),
                                 (difference_norm_of_sum, "not the norm of the sum"),
                                 (difference_precedence, "parentheses")],
}
