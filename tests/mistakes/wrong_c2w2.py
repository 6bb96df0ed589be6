"""Typical wrong answers to the Course 2, week 2 exercises, each with the hint the checker must give."""

import numpy as np


# ------------------------------------------------------------------ random_mini_batches


def mini_batches_two_permutations(X, Y, batch_size, rng):
    m = X.shape[1]
    X_shuffled = X[:, rng.permutation(m)]
    Y_shuffled = Y[:, rng.permutation(m)]
    return [(X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]) for k in range(0, m, batch_size)]


def mini_batches_drop_last(X, Y, batch_size, rng):
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    out = []
    for k in range(m // batch_size):
        out.append((X_shuffled[:, k * batch_size:(k + 1) * batch_size],
                    Y_shuffled[:, k * batch_size:(k + 1) * batch_size]))
    return out


def mini_batches_not_shuffled(X, Y, batch_size, rng):
    m = X.shape[1]
    return [(X[:, k:k + batch_size], Y[:, k:k + batch_size]) for k in range(0, m, batch_size)]


def mini_batches_rows(X, Y, batch_size, rng):
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[permutation], Y[permutation]
    return [(X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]) for k in range(0, m, batch_size)]


def mini_batches_one_too_many(X, Y, batch_size, rng):
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled, Y_shuffled = X[:, permutation], Y[:, permutation]
    out = []
    for k in range(m // batch_size):
        out.append((X_shuffled[:, k * batch_size:(k + 1) * batch_size],
                    Y_shuffled[:, k * batch_size:(k + 1) * batch_size]))
    k = m // batch_size
    out.append((X_shuffled[:, k * batch_size:], Y_shuffled[:, k * batch_size:]))  # even when it is empty
    return out


# ------------------------------------------------------------------ momentum_update


def momentum_without_one_minus_beta(parameters, grads, v, beta, learning_rate):
    for name in parameters:
        v["d" + name] = beta * v["d" + name] + grads["d" + name]
        parameters[name] = parameters[name] - learning_rate * v["d" + name]
    return parameters, v


def momentum_gradient_step(parameters, grads, v, beta, learning_rate):
    for name in parameters:
        v["d" + name] = beta * v["d" + name] + (1 - beta) * grads["d" + name]
        parameters[name] = parameters[name] - learning_rate * grads["d" + name]
    return parameters, v


def momentum_old_velocity(parameters, grads, v, beta, learning_rate):
    for name in parameters:
        parameters[name] = parameters[name] - learning_rate * v["d" + name]
        v["d" + name] = beta * v["d" + name] + (1 - beta) * grads["d" + name]
    return parameters, v


def momentum_changes_grads(parameters, grads, v, beta, learning_rate):
    for name in parameters:
        grads["d" + name] *= 1 - beta           # scales the caller's gradient in place
        v["d" + name] = beta * v["d" + name] + grads["d" + name]
        parameters[name] = parameters[name] - learning_rate * v["d" + name]
    return parameters, v


# ------------------------------------------------------------------ rmsprop_update


def rmsprop_epsilon_inside(parameters, grads, s, beta, learning_rate, epsilon):
    new_p, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * grads[d] ** 2
        new_p[name] = parameters[name] - learning_rate * grads[d] / np.sqrt(new_s[d] + epsilon)
    return new_p, new_s


def rmsprop_no_epsilon(parameters, grads, s, beta, learning_rate, epsilon):
    new_p, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * grads[d] ** 2
        new_p[name] = parameters[name] - learning_rate * grads[d] / np.sqrt(new_s[d])
    return new_p, new_s


def rmsprop_not_squared(parameters, grads, s, beta, learning_rate, epsilon):
    new_p, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * grads[d]
        new_p[name] = parameters[name] - learning_rate * grads[d] / (np.sqrt(new_s[d]) + epsilon)
    return new_p, new_s


def rmsprop_no_root(parameters, grads, s, beta, learning_rate, epsilon):
    new_p, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * np.square(grads[d])
        new_p[name] = parameters[name] - learning_rate * grads[d] / (np.sqrt(new_s[d]) ** 2 + epsilon)
    return new_p, new_s


# ------------------------------------------------------------------ adam_update


def adam_corrected_in_place(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    for name in parameters:
        d = "d" + name
        v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v[d] = v[d] / (1 - beta1 ** t)
        s[d] = s[d] / (1 - beta2 ** t)
        parameters[name] = parameters[name] - learning_rate * v[d] / (np.sqrt(s[d]) + epsilon)
    return parameters, v, s


def adam_uncorrected(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    new_p, new_v, new_s = {}, {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        new_p[name] = parameters[name] - learning_rate * new_v[d] / (np.sqrt(new_s[d]) + epsilon)
    return new_p, new_v, new_s


def adam_product_not_power(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    new_p, new_v, new_s = {}, {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v_corrected = new_v[d] / (1 - beta1 * t)
        s_corrected = new_s[d] / (1 - beta2 * t)
        new_p[name] = parameters[name] - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return new_p, new_v, new_s


# ------------------------------------------------------------------ ewa


def ewa_swapped(thetas, beta, bias_correction):
    out = np.zeros_like(thetas)
    v = 0.0
    for t in range(1, len(thetas) + 1):
        v = (1 - beta) * v + beta * thetas[t - 1]
        out[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return out


def ewa_correction_from_zero(thetas, beta, bias_correction):
    out = np.zeros_like(thetas)
    v = 0.0
    for t in range(len(thetas)):
        v = beta * v + (1 - beta) * thetas[t]
        out[t] = v / (1 - beta ** t) if bias_correction else v
    return out


def ewa_correction_fed_back(thetas, beta, bias_correction):
    out = np.zeros_like(thetas)
    v = 0.0
    for t in range(1, len(thetas) + 1):
        v = beta * v + (1 - beta) * thetas[t - 1]
        if bias_correction:
            v = v / (1 - beta ** t)
        out[t - 1] = v
    return out


def ewa_starts_at_first_value(thetas, beta, bias_correction):
    out = np.zeros_like(thetas)
    v = thetas[0]
    for t in range(1, len(thetas) + 1):
        v = beta * v + (1 - beta) * thetas[t - 1]
        out[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return out


# ------------------------------------------------------------------ decayed_learning_rate


def decay_without_floor(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 / (1 + decay_rate * epoch_num / time_interval)


def decay_exponential(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 * np.exp(-decay_rate * np.floor(epoch_num / time_interval))


def decay_without_interval(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 / (1 + decay_rate * epoch_num)


#: exercise -> [(wrong function, a piece of the hint every failed case must give)]
WRONG = {
    "c2w2.random_mini_batches": [(mini_batches_two_permutations, "the same permutation"),
                                 (mini_batches_drop_last, "keep the last, smaller mini-batch"),
                                 (mini_batches_not_shuffled, "original order"),
                                 (mini_batches_rows, "X[permutation] picks rows"),
                                 (mini_batches_one_too_many, "an empty mini-batch")],
    "c2w2.momentum_update": [(momentum_without_one_minus_beta, "the (1 - beta) is missing"),
                             (momentum_gradient_step, "not by the gradient"),
                             (momentum_old_velocity, "then move W by the new v"),
                             (momentum_changes_grads, "changed its argument `grads` in place")],
    "c2w2.rmsprop_update": [(rmsprop_epsilon_inside, "epsilon goes outside the square root"),
                            (rmsprop_no_epsilon, "epsilon belongs in the denominator"),
                            (rmsprop_not_squared, "averages the squared gradients"),
                            (rmsprop_no_root, "not by s_dW")],
    "c2w2.adam_update": [(adam_corrected_in_place, "return (and store) the uncorrected v and s"),
                         (adam_uncorrected, "the bias correction is missing"),
                         (adam_product_not_power, "not 1 - beta1 * t")],
    "c2w2.ewa": [(ewa_swapped, "beta and 1 - beta are swapped"),
                 (ewa_correction_from_zero, "t counts from 1"),
                 (ewa_correction_fed_back, "runs on the uncorrected v"),
                 (ewa_starts_at_first_value, "v_0 = 0")],
    "c2w2.decayed_learning_rate": [(decay_without_floor, "floor(epoch_num / time_interval)"),
                                   (decay_exponential, "exponential decay"),
                                   (decay_without_interval, "divide epoch_num by time_interval")],
}
