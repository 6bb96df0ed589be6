# %% [markdown]
# # Lab 8 · Batch norm, softmax and hyperparameter search
#
# All ten digits at once: a softmax output layer gives a probability for each class, trained
# with the categorical cross-entropy. Then batch normalization, with and without, at a
# moderate and at a large learning rate; and finally a small random search on a log scale
# over the learning rate and the L2 strength, chosen on the dev set and reported once on the
# test set. This puts [Course 2, week 3](../course2/week3.md) into practice.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `load_digits()`: 1 797 images, 10 classes, pixels in $[0, 1]$; split 60 / 20 / 20 % (seed 0) into train / dev / test |
# | network | 64-32-16-10: ReLU, ReLU, softmax; categorical cross-entropy (integer labels, one-hot inside `train.fit`) |
# | initialization | He; `train.fit(..., rng=0)` for initialization and shuffling |
# | batch norm | on both hidden layers ($\gamma$, $\beta$ replace $b$), running averages with momentum 0.9 for inference |
# | part 1 | mini-batch gradient descent, batch 64, 30 epochs, learning rate 0.1 and 1.0, with and without batch norm (4 runs) |
# | part 2 | Adam, batch 64, 20 epochs, no batch norm; 16 random trials with $\alpha = 10^{u}$, $u \sim U(-4, -1)$, and $\lambda = 10^{v}$, $v \sim U(-3, 1)$; search seed 7 |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import train
from dlnotes.data import load_digits, train_dev_test_split
from dlnotes.tuning import sample_log_uniform

X, labels = load_digits()
X_train, y_train, X_dev, y_dev, X_test, y_test = train_dev_test_split(
    X, labels, (0.6, 0.2, 0.2), rng=0)
print(f"train {X_train.shape}, dev {X_dev.shape}, test {X_test.shape}; labels {y_train.shape}, "
      f"classes {np.unique(y_train).tolist()}")


def accuracy(result, X, y):
    return float(np.mean(result.predict(X) == y))


# %% [markdown]
# ## Part 1: softmax, with and without batch norm

# %%
part1 = {}
for lr in (0.1, 1.0):
    for bn in (False, True):
        name = f"α = {lr:g}, {'batch norm' if bn else 'no batch norm'}"
        part1[name] = train.fit(X_train, y_train, [64, 32, 16, 10], optimizer="gd",
                                learning_rate=lr, batch_size=64, epochs=30, batchnorm=bn, rng=0,
                                X_dev=X_dev, Y_dev=y_dev)
        r = part1[name]
        print(f"{name:28s} cost {r.history['cost'][-1]:.4f}   "
              f"train {accuracy(r, X_train, y_train):6.1%}   dev {accuracy(r, X_dev, y_dev):6.1%}")

# %%
# Figure: dev accuracy against epoch for the four runs of part 1
fig, ax = plt.subplots(figsize=(7, 3.8))
for k, (name, r) in enumerate(part1.items()):
    ax.plot(r.history["epoch"], r.history["dev_accuracy"], label=name,
            ls="-" if "batch norm" in name and "no" not in name else "--")
ax.set_xlabel("epoch")
ax.set_ylabel("dev accuracy")
ax.set_ylim(0, 1)
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Batch norm rescales every hidden layer's pre-activations to mean 0 and variance 1 over the
# mini-batch (then to the learned $\gamma$, $\beta$), so the next layer sees inputs of a
# stable scale whatever the weights before it do. At $\alpha = 0.1$ it converges in fewer
# epochs; at $\alpha = 1$ the network without it is unstable, while with it the same large
# rate works.
#
# At test time there is no mini-batch to normalize over: the network uses the running
# averages of the means and variances seen in training (`result.bn_state`):

# %%
r = part1["α = 1, batch norm"]
print({k: v.shape for k, v in r.bn_state.items()})
print("running mean of layer 1 (first 5 units):", np.round(r.bn_state["mu1"][:5, 0], 3))

# %% [markdown]
# ## What softmax outputs
#
# Each column of $\hat Y = \operatorname{softmax}(Z^{[L]})$ is a probability distribution
# over the ten digits. The prediction is the most probable class; the probabilities say how
# sure the network is.

# %%
# Figure: five test images with the network's probability for each digit
best1 = part1["α = 1, batch norm"]
probs = best1.predict_proba(X_test[:, :5])
print("columns sum to", np.round(probs.sum(axis=0), 6))
fig, axes = plt.subplots(2, 5, figsize=(11, 3.8), gridspec_kw={"height_ratios": [1, 1.2]})
for j in range(5):
    axes[0, j].imshow(X_test[:, j].reshape(8, 8), cmap="gray_r")
    axes[0, j].set_title(f"true {y_test[0, j]}", fontsize=9)
    axes[0, j].axis("off")
    colors = ["#D55E00" if d == y_test[0, j] else "#0072B2" for d in range(10)]
    axes[1, j].bar(range(10), probs[:, j], color=colors)
    axes[1, j].set_xticks(range(10))
    axes[1, j].set_ylim(0, 1)
    axes[1, j].tick_params(labelsize=7)
fig.tight_layout()
plt.show()

# %%
# Figure: confusion matrix of the batch-norm network on the test set
pred = best1.predict(X_test)[0]
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test[0], pred), 1)
off_diagonal = confusion - np.diag(np.diag(confusion))
true_d, pred_d = (int(i) for i in np.unravel_index(np.argmax(off_diagonal), confusion.shape))
print(f"test accuracy {np.mean(pred == y_test[0]):.1%}; most frequent confusion: "
      f"a {true_d} read as a {pred_d} ({confusion[true_d, pred_d]} times)")
fig, ax = plt.subplots(figsize=(4.4, 4))
ax.imshow(confusion, cmap="Blues")
for (i, j), n in np.ndenumerate(confusion):
    if n:
        ax.text(j, i, n, ha="center", va="center", fontsize=7,
                color="white" if n > confusion.max() / 2 else "black")
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
plt.show()

# %% [markdown]
# ## Part 2: random search on a log scale
#
# A learning rate between $10^{-4}$ and $10^{-1}$ spans three orders of magnitude: sampling
# it uniformly would put 90 % of the trials between $10^{-2}$ and $10^{-1}$. Sampling the
# *exponent* uniformly gives each decade the same number of trials.

# %%
rng = np.random.default_rng(7)
rates = sample_log_uniform(1e-4, 1e-1, 16, rng)
lambdas = sample_log_uniform(1e-3, 10.0, 16, rng)
trials = []
for lr, lambd in zip(rates, lambdas):
    r = train.fit(X_train, y_train, [64, 32, 16, 10], optimizer="adam", learning_rate=float(lr),
                  lambd=float(lambd), batch_size=64, epochs=20, rng=0, X_dev=X_dev, Y_dev=y_dev,
                  record_every=20)
    trials.append((float(lr), float(lambd), accuracy(r, X_dev, y_dev), r))
trials.sort(key=lambda t: -t[2])
print(" rank   learning rate   lambda    dev accuracy")
for k, (lr, lambd, dev, _) in enumerate(trials, start=1):
    print(f"{k:5d}   {lr:13.2e}   {lambd:8.2e}   {dev:11.1%}")
best_lr, best_lambd, best_dev, best = trials[0]
print(f"\nchosen on dev: learning rate {best_lr:.2e}, lambda {best_lambd:.2e} "
      f"-> dev {best_dev:.1%}, test {accuracy(best, X_test, y_test):.1%} (looked at once)")

# %%
# Figure: the sixteen random trials on log axes, coloured by dev accuracy
fig, ax = plt.subplots(figsize=(5.5, 4))
sc = ax.scatter([t[0] for t in trials], [t[1] for t in trials], c=[t[2] for t in trials],
                cmap="viridis", s=60, edgecolors="k", linewidths=0.4, vmin=0, vmax=1)
ax.scatter([best_lr], [best_lambd], s=220, facecolors="none", edgecolors="#D55E00", linewidths=2,
           label="best")
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("learning rate α")
ax.set_ylabel("L2 strength λ")
fig.colorbar(sc, ax=ax, label="dev accuracy")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# Two ways to fail stand out: a learning rate too small for 20 epochs, and a $\lambda$ so
# large that the penalty outweighs the data; the good trials sit where the rate is large
# enough and $\lambda$ small enough. Random search found that region with sixteen trials
# that tried sixteen distinct values of each hyperparameter; a 4 × 4 grid would have tried
# only four of each. The dev set chose the winner; the test accuracy, computed once at the
# end, is the unbiased estimate to report.
#
# ## Try it
#
# 1. Run part 2 with batch norm on (`batchnorm=True`). Does the band of good learning rates
#    get wider?
# 2. Zoom in: a second round of 16 trials in a box around the best trial (coarse to fine).
# 3. Add a third hyperparameter, Adam's $\beta_1$, sampled with
#    `dlnotes.tuning.sample_beta(0.8, 0.999, 16, rng)` (uniform on a log scale of
#    $1 - \beta_1$), and pass `optimizer=Adam(lr, beta1=b)`.
# 4. Train the chosen configuration with five different seeds (`rng=0..4`): how much of the
#    difference between the top trials is just the seed?
