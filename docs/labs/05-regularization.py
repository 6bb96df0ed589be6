# %% [markdown]
# # Lab 5 · Regularization
#
# A network with more capacity than the data needs, trained for a long time on noisy
# labels, memorizes the noise: the training accuracy keeps rising and the test accuracy does
# not follow. Two remedies from [Course 2, week 1](../course2/week1.md), L2 regularization
# (weight decay) and inverted dropout, trade a little training accuracy for a smoother
# boundary.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `make_noisy_regions(400, rng=0)`: points in $[-1, 1]^2$ split by a wavy curve, labels noisy near it and 4 % flipped; split 50 / 50 % (seed 0) into train and test |
# | network | 2-20-3-1: ReLU, ReLU, sigmoid; binary cross-entropy |
# | initialization | `"lecun"`, $W^{[l]} \sim \mathcal N(0, 1/n^{[l-1]})$ (the course's "Xavier"), $b = 0$ |
# | optimizer | full-batch gradient descent, learning rate 0.3, 30 000 iterations |
# | runs | no regularization; L2 with $\lambda = 0.7$; dropout with keep probability 0.86 on both hidden layers |
# | seeds | `train.fit(..., rng=3)`: initialization and dropout masks |
# | history | recorded every 1 000 iterations |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import train
from dlnotes.data import make_noisy_regions, train_dev_test_split
from dlnotes.plots import plot_decision_boundary

X, Y = make_noisy_regions(400, rng=0)
X_train, Y_train, X_test, Y_test = train_dev_test_split(X, Y, (0.5, 0.5), rng=0)
print(f"train {X_train.shape}, test {X_test.shape}, "
      f"class 1: {Y_train.mean():.0%} / {Y_test.mean():.0%}")

# The labels a perfect classifier would give (the noise-free boundary of the generator):
def true_boundary(P):
    return (P[1] - 0.4 * np.sin(2.5 * P[0]) + 0.15 > 0).astype(int)


print(f"the noise-free boundary itself scores: "
      f"train {np.mean(true_boundary(X_train) == Y_train[0]):.1%}, "
      f"test {np.mean(true_boundary(X_test) == Y_test[0]):.1%} (the ceiling)")

# %%
common = dict(optimizer="gd", learning_rate=0.3, epochs=30_000, init="lecun", rng=3,
              record_every=1000, X_dev=X_test, Y_dev=Y_test)
runs = {
    "no regularization": train.fit(X_train, Y_train, [2, 20, 3, 1], **common),
    "L2, λ = 0.7": train.fit(X_train, Y_train, [2, 20, 3, 1], lambd=0.7, **common),
    "dropout, keep 0.86": train.fit(X_train, Y_train, [2, 20, 3, 1], keep_probs=0.86, **common),
}
print(f"{'':20s} {'final cost':>10s} {'train acc':>9s} {'test acc':>9s}  {'sum of W^2':>10s}")
for name, r in runs.items():
    weights = sum(float(np.sum(v ** 2)) for k, v in r.parameters.items() if k.startswith("W"))
    print(f"{name:20s} {r.history['cost'][-1]:10.4f} {np.mean(r.predict(X_train) == Y_train):9.1%} "
          f"{np.mean(r.predict(X_test) == Y_test):9.1%}  {weights:10.1f}")

# %%
# Figure: decision boundaries without regularization, with L2 and with dropout
fig, axes = plt.subplots(1, 3, figsize=(12.5, 4))
for ax, (name, r) in zip(axes, runs.items()):
    plot_decision_boundary(r.predict, X_train, Y_train, ax=ax, resolution=160, padding=0.1,
                           title=f"{name}\ntest {np.mean(r.predict(X_test) == Y_test):.1%}")
    grid = np.linspace(-1.1, 1.1, 200)
    ax.plot(grid, 0.4 * np.sin(2.5 * grid) - 0.15, "k--", lw=1, label="noise-free")
fig.tight_layout()
plt.show()

# %% [markdown]
# The dashed curve is the boundary the data were generated from. Without regularization the
# network carves islands around individual noisy training points; the penalty on
# $\lVert W\rVert^2$ and the random dropping of units both keep the function smoother.
#
# The cost curves show the other side of the trade. (For dropout the recorded training cost
# is measured with the random masks on, so it is noisier and higher; the test cost is
# computed without dropout.)

# %%
# Figure: training and test cost against iteration for the three runs
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for name, r in runs.items():
    axes[0].plot(r.history["epoch"], r.history["cost"], label=name)
    axes[1].plot(r.history["epoch"], r.history["dev_cost"], label=name)
axes[0].set_title("training cost (with the penalty for L2)")
axes[1].set_title("test cost (cross-entropy only)")
for ax in axes:
    ax.set_xlabel("iteration")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("cost")
axes[1].legend()
plt.show()

# %% [markdown]
# ## Try it
#
# 1. Sweep $\lambda \in \{0.01, 0.1, 0.7, 3, 10\}$. At which point does L2 start to
#    *underfit* (training and test accuracy both drop)?
# 2. Dropout with keep probability 0.5 on this small network: too much? Try 0.95.
# 3. Train the unregularized network with early stopping instead: pass `patience=2000`
#    (the test set then plays the role of a dev set, which in a real project it must not).
# 4. Use 4 000 points from `make_noisy_regions` instead of 400. Does the unregularized
#    network still overfit? More data is the other cure for variance.
