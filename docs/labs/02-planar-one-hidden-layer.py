# %% [markdown]
# # Lab 2 · Planar data with one hidden layer
#
# Two classes of points in the plane arranged as the petals of a flower: no straight line
# separates them. Logistic regression, whose decision boundary *is* a straight line, fails;
# a network with one hidden layer of a few tanh units succeeds. This puts
# [Course 1, week 3](../course1/week3.md) into practice: the forward pass
# $Z^{[1]} = W^{[1]}X + b^{[1]}$, $A^{[1]} = \tanh Z^{[1]}$,
# $\hat Y = \sigma(W^{[2]}A^{[1]} + b^{[2]})$, backpropagation, and random initialization.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `make_flower(400, rng=1)` for training (2 features, 200 points per class); an independent `make_flower(400, rng=2)` as a test set |
# | models | logistic regression (`dlnotes.logistic`); a 2-$n_h$-1 network, tanh hidden layer, sigmoid output |
# | initialization | $W^{[l]} \sim 0.01\,\mathcal N(0, 1)$ (`"random_small"`), $b = 0$, seed 2 |
# | optimizer | full-batch gradient descent, learning rate 1.2 |
# | iterations | logistic regression 2 000 ($\alpha = 0.5$); network with $n_h = 4$: 10 000; sweep $n_h \in \{1, 2, 3, 4, 5, 20, 50\}$: 5 000 each |
# | cost | binary cross-entropy, recorded every 100 iterations |
# | loop | written out with `dlnotes.nn` (checked for 300 iterations), then `dlnotes.train.fit`, which runs the same steps faster |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import logistic, nn, train
from dlnotes.data import make_flower
from dlnotes.initializers import initialize_parameters
from dlnotes.plots import plot_decision_boundary

X, Y = make_flower(400, rng=1)
X_test, Y_test = make_flower(400, rng=2)
print(f"X {X.shape}, Y {Y.shape}, class 1: {Y.mean():.0%}; test X {X_test.shape}")

# %%
# Figure: the flower data set, two classes of petals
fig, ax = plt.subplots(figsize=(4.2, 4))
ax.scatter(X[0], X[1], c=Y[0], cmap="coolwarm", s=12, edgecolors="white", linewidths=0.3)
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.set_aspect("equal")
plt.show()

# %% [markdown]
# ## Logistic regression first

# %%
lr_result = logistic.fit(X, Y, X_test, Y_test, num_iterations=2000, learning_rate=0.5)
print(f"logistic regression: cost {lr_result['costs'][-1]:.4f}, "
      f"train accuracy {lr_result['train_accuracy']:.1%}, "
      f"test accuracy {lr_result['test_accuracy']:.1%}")

# %% [markdown]
# About half the points: no better than a coin. A line through a flower cannot do more.
#
# ## A 2-4-1 network
#
# The whole training loop, one line per step of the algorithm, with `dlnotes.nn`:

# %%
ACTIVATIONS = ("tanh", "sigmoid")


def train_by_hand(layer_dims, iterations, learning_rate=1.2, seed=2):
    """Full-batch gradient descent on the flower, written out."""
    parameters = initialize_parameters(layer_dims, "random_small", rng=seed)
    for i in range(iterations):
        AL, caches = nn.model_forward(X, parameters, ACTIVATIONS)            # forward
        grads = nn.model_backward(AL, Y, caches, loss="bce")                 # backward
        parameters = nn.update_parameters(parameters, grads, learning_rate)  # update
    return parameters


# %% [markdown]
# `dlnotes.train.fit` runs exactly these steps (same initialization from the same seed, full
# batch, plain gradient descent), in a loop that reuses its arrays instead of allocating new
# ones, so it is several times faster. Check that they agree, then use `fit` for the long runs:

# %%
def fit_flower(layer_dims, iterations, learning_rate=1.2, seed=2, record_every=100):
    return train.fit(X, Y, layer_dims, activations=ACTIVATIONS, optimizer="gd",
                     learning_rate=learning_rate, epochs=iterations, init="random_small",
                     rng=seed, record_every=record_every)


by_hand = train_by_hand([2, 4, 1], 300)
by_fit = fit_flower([2, 4, 1], 300).parameters
diff = max(float(np.max(np.abs(by_hand[k] - by_fit[k]))) for k in by_hand)
print(f"largest difference between the two after 300 iterations: {diff:.1e}")


def accuracy(parameters, X, Y):
    return float(np.mean(nn.predict(X, parameters, ACTIVATIONS) == Y))


run4 = fit_flower([2, 4, 1], 10_000)
params4, hist4 = run4.parameters, run4.history
for epoch, cost in zip(hist4["epoch"], hist4["cost"]):
    if epoch in (1, 1000, 5000, 10_000):
        print(f"cost at iteration {epoch:6d}: {cost:.4f}")
print(f"train accuracy {accuracy(params4, X, Y):.1%}, "
      f"test accuracy {accuracy(params4, X_test, Y_test):.1%}")

# %%
# Figure: decision boundaries of logistic regression and of the 2-4-1 network, and the network's cost curve
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8))
plot_decision_boundary(lambda P: logistic.predict(lr_result["w"], lr_result["b"], P), X, Y,
                       ax=axes[0],
                       title=f"logistic regression ({lr_result['train_accuracy']:.0%})")
plot_decision_boundary(lambda P: nn.predict(P, params4, ACTIVATIONS), X, Y, ax=axes[1],
                       title=f"2-4-1 tanh network ({accuracy(params4, X, Y):.0%})")
axes[2].plot(hist4["epoch"], hist4["cost"])
axes[2].set_xlabel("iteration")
axes[2].set_ylabel("cost $J$")
axes[2].set_title("2-4-1 network, learning rate 1.2")
axes[2].grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# Each tanh unit contributes one straight line (where $w^{[1]}_j{}^\top x + b^{[1]}_j = 0$)
# and the output unit combines the four half-planes into curved regions, enough to cover
# the petals.
#
# ## How many hidden units?
#
# Same data, seed and learning rate; 5 000 iterations for each hidden-layer size.

# %%
sizes = [1, 2, 3, 4, 5, 20, 50]
models = {}
print(" n_h   final cost   train acc   test acc")
for n_h in sizes:
    run = fit_flower([2, n_h, 1], 5_000, record_every=5_000)
    models[n_h] = params = run.parameters
    print(f"{n_h:4d}   {run.history['cost'][-1]:10.4f}   {accuracy(params, X, Y):9.1%}   "
          f"{accuracy(params, X_test, Y_test):8.1%}")

# %%
# Figure: decision boundaries for 1, 2, 3, 4, 5, 20 and 50 hidden units
fig, axes = plt.subplots(2, 4, figsize=(13, 6.2))
for ax, n_h in zip(axes.ravel(), sizes):
    title = f"$n_h = {n_h}$ (train {accuracy(models[n_h], X, Y):.0%})"
    plot_decision_boundary(lambda P, p=models[n_h]: nn.predict(P, p, ACTIVATIONS), X, Y, ax=ax,
                           resolution=120, title=title)
axes.ravel()[-1].axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# One unit draws a single line (logistic regression again, with a tanh in between) and two
# lines cannot wrap the petals either; with three or more units the boundary bends around
# them and the accuracy jumps above 90 %, after which it saturates. Larger layers fit the training set a little better, but the
# test column is what tells you whether the extra flexibility generalizes or only
# memorizes noisy points near the centre.
#
# ## Try it
#
# 1. Replace `"tanh"` by `"relu"` in `ACTIVATIONS` (keep the sigmoid output). How many units
#    does the ReLU network need, and what do its boundaries look like?
# 2. Initialize with `"zeros"` instead of `"random_small"`: every hidden unit then computes
#    the same function forever. Check it: print `params4["W1"]` after training.
# 3. Try learning rates 0.01, 0.1, 1.2 and 5 for $n_h = 4$ and plot the four cost curves.
# 4. Make the problem harder with `make_moons(400, noise=0.3)` or `make_circles(400, noise=0.1)`
#    from `dlnotes.data`. Which $n_h$ is enough for each?
