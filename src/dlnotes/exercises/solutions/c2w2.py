"""Solutions of the Course 2, week 2 exercises: optimization algorithms."""

import numpy as np


# --8<-- [start:random_mini_batches]
def random_mini_batches(X, Y, batch_size, rng):
    """X (n_x, m), Y (n_y, m) -> list of (X_batch, Y_batch), batch_size columns each (the last may have fewer)."""
    m = X.shape[1]
    permutation = rng.permutation(m)
    X_shuffled = X[:, permutation]
    Y_shuffled = Y[:, permutation]
    mini_batches = []
    for k in range(0, m, batch_size):
        mini_batches.append((X_shuffled[:, k:k + batch_size], Y_shuffled[:, k:k + batch_size]))
    return mini_batches
# --8<-- [end:random_mini_batches]


# --8<-- [start:momentum_update]
def momentum_update(parameters, grads, v, beta, learning_rate):
    """One step of momentum: dicts {"W1", "b1", ...}, {"dW1", "db1", ...}, {"dW1", "db1", ...} -> (parameters, v)."""
    new_parameters, new_v = {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = beta * v[d] + (1 - beta) * grads[d]
        new_parameters[name] = parameters[name] - learning_rate * new_v[d]
    return new_parameters, new_v
# --8<-- [end:momentum_update]


# --8<-- [start:rmsprop_update]
def rmsprop_update(parameters, grads, s, beta, learning_rate, epsilon):
    """One step of RMSprop: dicts {"W1", ...}, {"dW1", ...}, {"dW1", ...} -> (parameters, s)."""
    new_parameters, new_s = {}, {}
    for name in parameters:
        d = "d" + name
        new_s[d] = beta * s[d] + (1 - beta) * grads[d] ** 2
        new_parameters[name] = parameters[name] - learning_rate * grads[d] / (np.sqrt(new_s[d]) + epsilon)
    return new_parameters, new_s
# --8<-- [end:rmsprop_update]


# --8<-- [start:adam_update]
def adam_update(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    """Adam step number t (t = 1, 2, ...): dicts as for momentum -> (parameters, v, s), v and s uncorrected."""
    new_parameters, new_v, new_s = {}, {}, {}
    for name in parameters:
        d = "d" + name
        new_v[d] = beta1 * v[d] + (1 - beta1) * grads[d]
        new_s[d] = beta2 * s[d] + (1 - beta2) * grads[d] ** 2
        v_corrected = new_v[d] / (1 - beta1 ** t)
        s_corrected = new_s[d] / (1 - beta2 ** t)
        new_parameters[name] = parameters[name] - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return new_parameters, new_v, new_s
# --8<-- [end:adam_update]


# --8<-- [start:ewa]
def ewa(thetas, beta, bias_correction):
    """thetas (T,) -> (T,) array of v_1 ... v_T (divided by 1 - beta**t when bias_correction), thetas' dtype."""
    averages = np.zeros(thetas.shape, dtype=thetas.dtype)
    v = 0.0
    for t in range(1, len(thetas) + 1):
        v = beta * v + (1 - beta) * thetas[t - 1]
        averages[t - 1] = v / (1 - beta ** t) if bias_correction else v
    return averages
# --8<-- [end:ewa]


# --8<-- [start:decayed_learning_rate]
def decayed_learning_rate(learning_rate0, epoch_num, decay_rate, time_interval):
    """Numbers -> the learning rate alpha0 / (1 + decay_rate * floor(epoch_num / time_interval)), a number."""
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval))
# --8<-- [end:decayed_learning_rate]
