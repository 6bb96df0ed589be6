# %% [markdown]
# # Lab 1 · Logistic regression as a neural network
#
# A single sigmoid unit, $\hat y = \sigma(w^\top x + b)$, trained by gradient descent on
# real images: scikit-learn's 8×8 handwritten digits, as the binary question
# **"is this digit an 8?"** (8 against the nine other digits). It puts into practice
# [Course 1, week 2](../course1/week2.md): the cross-entropy cost, its gradient
# $dw = \frac1m X (A - Y)^\top$, $db = \frac1m \sum_i (a^{(i)} - y^{(i)})$, and vectorization.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `dlnotes.data.load_digits()`: 1 797 images, 64 pixels scaled to $[0, 1]$; label $y = 1$ for the digit 8 (174 images), $y = 0$ otherwise |
# | split | `train_dev_test_split`, 60 / 20 / 20 %, shuffle seed 0 |
# | model | logistic regression: $n_x = 64$ inputs, 1 sigmoid output (65 parameters) |
# | initialization | $w = 0$, $b = 0$ (`logistic.initialize_zeros`; the cost is convex, zeros are fine) |
# | optimizer | full-batch gradient descent, learning rate $\alpha = 0.5$, 2 000 iterations |
# | sweep | $\alpha \in \{0.001, 0.01, 0.1, 0.5, 2, 8\}$, 2 000 iterations each |
# | seeds | split seed 0; no other randomness (zero initialization, full batch) |

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from dlnotes import logistic
from dlnotes.data import load_digits, train_dev_test_split

X_all, digits = load_digits()                      # X_all: (64, 1797), digits: (1, 1797)
Y_all = (digits == 8).astype(X_all.dtype)          # 1 for an eight, 0 otherwise
X_train, Y_train, X_dev, Y_dev, X_test, Y_test = train_dev_test_split(
    X_all, Y_all, (0.6, 0.2, 0.2), rng=0)
for name, X, Y in (("train", X_train, Y_train), ("dev", X_dev, Y_dev), ("test", X_test, Y_test)):
    print(f"{name:5s}: X {X.shape}, {int(Y.sum()):3d} eights ({Y.mean():.1%})")

# %% [markdown]
# Eights are about 10 % of the images, so a "classifier" that always answers *not an 8*
# already scores about 90 % accuracy. That is the baseline to beat, and the reason to look
# at the errors on the eights themselves, not only at the accuracy.

# %%
# Figure: the first sixteen training images with their labels
fig, axes = plt.subplots(2, 8, figsize=(8, 2.3))
for ax, x, y in zip(axes.ravel(), X_train.T, Y_train[0]):
    ax.imshow(x.reshape(8, 8), cmap="gray_r")
    ax.set_title("8" if y else "not 8", fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# ## Vectorization: the same gradient, hundreds of times faster
#
# `propagate_loop` computes the cost and gradients with Python loops over the examples and
# pixels; `propagate` does it with two matrix products. They must agree to rounding error.

# %%
rng = np.random.default_rng(0)
w0, b0 = 0.01 * rng.standard_normal((64, 1)), 0.1
t = time.perf_counter()
grads_loop, cost_loop = logistic.propagate_loop(w0, b0, X_train, Y_train)
t_loop = time.perf_counter() - t
t = time.perf_counter()
grads_vec, cost_vec = logistic.propagate(w0, b0, X_train, Y_train)
t_vec = time.perf_counter() - t
print(f"cost: loop {cost_loop:.12f}, vectorized {cost_vec:.12f}")
print(f"max |dw_loop - dw_vec| = {np.max(np.abs(grads_loop['dw'] - grads_vec['dw'])):.1e}, "
      f"|db_loop - db_vec| = {abs(float(grads_loop['db']) - float(grads_vec['db'])):.1e}")
print(f"time: loop {t_loop * 1e3:.1f} ms, vectorized {t_vec * 1e3:.3f} ms "
      f"(about {t_loop / t_vec:.0f}x faster)")

# %% [markdown]
# ## Training with the recipe

# %%
result = logistic.fit(X_train, Y_train, X_test, Y_test, num_iterations=2000, learning_rate=0.5,
                      record_every=20)
w, b = result["w"], result["b"]


def accuracy(X, Y):
    return float(np.mean(logistic.predict(w, b, X) == Y))


print(f"cost: first {result['costs'][0]:.4f}, last {result['costs'][-1]:.4f}")
print(f"accuracy: train {result['train_accuracy']:.2%}, dev {accuracy(X_dev, Y_dev):.2%}, "
      f"test {result['test_accuracy']:.2%}")
print(f"baseline (always 'not 8'): test {1 - Y_test.mean():.2%}")
pred = logistic.predict(w, b, X_test)
found = int(np.sum((pred == 1) & (Y_test == 1)))
false_alarms = int(np.sum((pred == 1) & (Y_test == 0)))
print(f"test eights found: {found} of {int(Y_test.sum())}; false alarms: {false_alarms}")

# %%
# Figure: cost against iteration, and the learned weights w drawn as an 8x8 image
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
ax1.plot(np.arange(len(result["costs"])) * 20, result["costs"])
ax1.set_xlabel("iteration")
ax1.set_ylabel("cost $J$")
ax1.set_title("training cost, $\\alpha = 0.5$")
ax1.grid(alpha=0.3)
lim = np.abs(w).max()
im = ax2.imshow(w.reshape(8, 8), cmap="RdBu_r", vmin=-lim, vmax=lim)
ax2.set_title("weights $w$ (red: evidence for an 8)")
ax2.axis("off")
fig.colorbar(im, ax=ax2, shrink=0.8)
plt.show()

# %% [markdown]
# The weights are an image: red pixels are where ink is evidence *for* an eight, blue pixels
# where ink points to another digit, and the score $w^\top x + b$ adds up the evidence.
# A single unit can only learn one such template, which is why it misses the eights that are
# drawn differently.
#
# ## Learning-rate sweep
#
# Same data, same zero start, 2 000 iterations, six learning rates.

# %%
rates = [0.001, 0.01, 0.1, 0.5, 2.0, 8.0]
sweep = {}
for lr in rates:
    r = logistic.fit(X_train, Y_train, X_dev, Y_dev, num_iterations=2000, learning_rate=lr,
                     record_every=20)
    sweep[lr] = r
    called_8 = int(logistic.predict(r["w"], r["b"], X_dev).sum())
    print(f"alpha = {lr:<6g} final cost {r['costs'][-1]:.4f}   train {r['train_accuracy']:.2%}   "
          f"dev {r['test_accuracy']:.2%}   dev images called '8': {called_8:3d} "
          f"(true: {int(Y_dev.sum())})")

# %%
# Figure: cost curves of the learning-rate sweep, log scale
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for lr, r in sweep.items():
    ax.plot(np.arange(len(r["costs"])) * 20, r["costs"], label=f"$\\alpha = {lr:g}$")
ax.set_yscale("log")
ax.set_xlabel("iteration")
ax.set_ylabel("cost $J$ (log scale)")
ax.legend(ncol=2, fontsize=8)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# All runs start at $J = \ln 2 \approx 0.693$. The small rates ($10^{-3}$, $10^{-2}$) are
# still far from the minimum after 2 000 steps: the scores $w^\top x + b$ are still mostly
# negative, so they call few or no images an 8 and their accuracy is about the baseline's.
# Larger rates go down faster. Because the inputs are in $[0, 1]$ and the cost is
# convex and smooth, gradient descent tolerates surprisingly large rates here; a rate that is
# too large makes the cost oscillate or diverge (the package raises `FloatingPointError`
# instead of returning NaN weights). The dev accuracy, not the training cost, is what picks
# the rate.
#
# ## Try it
#
# 1. Pick another digit (`digits == 3`, `digits == 1`, ...). Which digit is easiest to
#    separate from the rest with a single unit, and which is hardest? Compare with the
#    baseline each time.
# 2. Set `scale=False` in `load_digits()` (pixels 0..16 instead of 0..1) and rerun the sweep:
#    which learning rates still work, and why does the scale of the inputs matter?
# 3. Train for 20 000 iterations at $\alpha = 2$. Does the training accuracy keep rising
#    while the dev accuracy stalls? That gap is variance, the subject of Course 2, week 1.
# 4. Replace the question with "0 against 1" (keep only those two digits). How many
#    iterations does it take to reach 100 % on the training set?
