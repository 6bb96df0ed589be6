# %% [markdown]
# # Lab 4 · Initialization
#
# The same network, data, optimizer and number of steps, started from three different
# points: all zeros, large random weights, and He initialization. Only the starting point
# changes, and it decides whether the network learns at all. This puts into practice
# [random initialization](../course1/week3.md) and
# [weight initialization for deep networks](../course2/week1.md).
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `make_circles(300, noise=0.05, rng=1)` for training, `make_circles(100, noise=0.05, rng=2)` for testing (inner circle radius 0.8) |
# | network | 2-10-5-1: ReLU, ReLU, sigmoid; binary cross-entropy |
# | initializations | zeros; large random $W^{[l]} = 10\,\mathcal N(0, 1)$; He $W^{[l]} \sim \mathcal N(0, 2/n^{[l-1]})$; biases 0; seed 3 |
# | optimizer | full-batch gradient descent, learning rate 0.01, 15 000 iterations |
# | cost | recorded every 100 iterations |
#
# Training is `train.fit` with `init=` the parameters we build ourselves (the large
# initialization is not one of the named methods), full batches (`batch_size=m`) and the
# cost recorded every 100 iterations.

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import nn
from dlnotes.data import make_circles
from dlnotes.initializers import initialize_parameters
from dlnotes.plots import plot_decision_boundary
from dlnotes.train import fit

X_train, Y_train = make_circles(300, noise=0.05, rng=1)
X_test, Y_test = make_circles(100, noise=0.05, rng=2)
layer_dims = [2, 10, 5, 1]
activations = ("relu", "relu", "sigmoid")
print(f"train {X_train.shape}, test {X_test.shape}")


def init(method, seed=3):
    if method == "large":
        params = initialize_parameters(layer_dims, "normal", rng=seed)   # N(0, 1)
        return {k: 10 * v if k.startswith("W") else v for k, v in params.items()}
    return initialize_parameters(layer_dims, method, rng=seed)


def train(parameters, iterations=15_000, learning_rate=0.01, record_every=100):
    result = fit(X_train, Y_train, layer_dims, activations=activations, loss="bce", optimizer="gd",
                 learning_rate=learning_rate, batch_size=X_train.shape[1], epochs=iterations,
                 init=parameters, record_every=record_every)
    return result.parameters, result.history


def accuracy(parameters, X, Y):
    return float(np.mean(nn.predict(X, parameters, activations) == Y))


# %% [markdown]
# ## What each starting point looks like
#
# Before any training, the spread of the pre-activations $Z^{[l]}$ on the training set:

# %%
starts = {name: init(name) for name in ("zeros", "large", "he")}
for name, params in starts.items():
    A, spreads = X_train, []
    for l, g in enumerate(activations, start=1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        spreads.append(f"std Z{l} = {Z.std():8.3f}")
        A, _ = nn.linear_activation_forward(A, params[f"W{l}"], params[f"b{l}"], g)
    out = nn.predict_proba(X_train, params, activations)
    cost = nn.compute_cost(out, Y_train, "bce")
    print(f"{name:6s} " + "  ".join(spreads) + f"   initial cost {cost:9.4f}")

# %% [markdown]
# Zeros: every unit computes exactly 0. Large: each layer multiplies the spread by about
# $10\sqrt{n^{[l-1]}/2}$, the output pre-activation is in the thousands, the sigmoid saturates at 0 or 1, and confident mistakes cost a lot. He keeps the
# spread of order 1 from layer to layer.
#
# ## Training from each

# %%
trained, histories = {}, {}
for name, params in starts.items():
    trained[name], histories[name] = train(params)
    p = trained[name]
    costs = histories[name]["cost"]
    print(f"{name:6s} cost {costs[0]:9.4f} -> {costs[-1]:.4f}   "
          f"train {accuracy(p, X_train, Y_train):6.1%}   test {accuracy(p, X_test, Y_test):6.1%}")

# %%
# Figure: training cost of the three initializations (log scale)
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for name, h in histories.items():
    ax.plot(h["epoch"], h["cost"], label=name)
ax.set_yscale("log")
ax.set_xlabel("iteration")
ax.set_ylabel("cost (log scale)")
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %%
# Figure: decision boundaries after training, zeros, large random and He initialization
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
for ax, (name, p) in zip(axes, trained.items()):
    title = f"{name} (train {accuracy(p, X_train, Y_train):.0%})"
    plot_decision_boundary(lambda P, p=p: nn.predict(P, p, activations), X_train, Y_train, ax=ax,
                           resolution=150, title=title)
fig.tight_layout()
plt.show()

# %% [markdown]
# - **Zeros**: with all weights 0, every hidden unit of a layer receives the same input
#   and the same gradient, so they stay identical forever: the symmetry is never broken.
#   Here it is even worse: with $W = 0$ and $b = 0$ every hidden $A^{[l]} = g(0) = 0$ (ReLU
#   and tanh alike), so $dW^{[l]} = \frac1m dZ^{[l]} A^{[l-1]\top} = 0$ for $l \ge 2$, and
#   $dA^{[l-1]} = W^{[l]\top} dZ^{[l]} = 0$ passes nothing down to the first layer. The hidden
#   weights get no gradient at all, **whatever $g'(0)$ is** (the cause is $W = 0$ and
#   $A = 0$, not ReLU's derivative at 0); only the output bias moves, and the network
#   predicts one class everywhere (about 50 % accuracy).
# - **Large random**: the symmetry is broken, but the saturated output makes the first
#   cost huge and the early gradients uninformative; after 15 000 steps the boundary is
#   still ragged.
# - **He**: variance $2/n^{[l-1]}$ keeps the activations of order 1 through the ReLU layers,
#   and the network separates the circles.
#
# ## Try it
#
# 1. Replace `10 *` by `0.01 *` (small random weights, the course's first recipe) and train
#    again. The symmetry is broken, so why is it still slow? Look at `std Z` for each layer.
# 2. Compare He with `"lecun"` (variance $1/n^{[l-1]}$) and `"glorot"` on this network.
#    Does the factor 2 matter for three layers? Try a 10-layer network.
# 3. With zero initialization, print `trained["zeros"]["W1"]`: has anything changed? And
#    `trained["zeros"]["b3"]`?
# 4. Use `"tanh"` hidden layers with zero initialization: is the symmetry broken now?
