# %% [markdown]
# # Lab 7 · Optimization: momentum, Adam and learning-rate decay
#
# Mini-batch gradient descent, gradient descent with momentum, and Adam, on the same
# network, data, initialization and mini-batches; then plain gradient descent with a larger
# learning rate that decays, per epoch or in steps. This puts
# [Course 2, week 2](../course2/week2.md) into practice: exponentially weighted averages of
# the gradients ($v$) and of their squares ($s$), bias correction, and schedules
# $\alpha = \alpha_0 / (1 + \mathrm{decay\_rate}\cdot t)$.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | `make_moons(300, noise=0.2, rng=3)` (two interleaved half-moons), all 300 points for training |
# | network | 2-5-2-1: ReLU, ReLU, sigmoid; binary cross-entropy |
# | initialization | He, seed 1 (the same for every run: `train.fit(..., rng=1)` draws the initialization, then the shuffles) |
# | mini-batches | 64 (4 of 64 and one of 44 per epoch), reshuffled every epoch |
# | part 1 | learning rate 0.0007, 5 000 epochs: gradient descent; momentum $\beta = 0.9$; Adam $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$ |
# | part 2 | gradient descent, $\alpha_0 = 0.1$, 5 000 epochs, inverse-time decay with decay rate 1: (a) every epoch, (b) on a fixed interval of 1 000 epochs |
# | history | cost recorded every 50 epochs (the mean over the epoch's mini-batches) |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import schedules, train
from dlnotes.data import make_moons
from dlnotes.optim import Adam, GradientDescent, Momentum
from dlnotes.plots import plot_decision_boundary

X, Y = make_moons(300, noise=0.2, rng=3)
layer_dims = [2, 5, 2, 1]
common = dict(batch_size=64, epochs=5000, init="he", rng=1, record_every=50)
print(f"X {X.shape}, Y {Y.shape}, class 1: {Y.mean():.0%}")

# %% [markdown]
# ## Part 1: three optimizers, same learning rate

# %%
optimizers = {
    "gradient descent": GradientDescent(0.0007),
    "momentum (β = 0.9)": Momentum(0.0007, beta=0.9),
    "Adam": Adam(0.0007, beta1=0.9, beta2=0.999, epsilon=1e-8),
}
runs = {name: train.fit(X, Y, layer_dims, optimizer=opt, learning_rate=0.0007, **common)
        for name, opt in optimizers.items()}
for name, r in runs.items():
    print(f"{name:20s} cost {r.history['cost'][0]:.4f} -> {r.history['cost'][-1]:.4f}   "
          f"accuracy {np.mean(r.predict(X) == Y):.1%}")

# %%
# Figure: cost against epoch for gradient descent, momentum and Adam, and their decision boundaries
fig = plt.figure(figsize=(13, 7))
ax = fig.add_subplot(2, 1, 1)
for name, r in runs.items():
    ax.plot(r.history["epoch"], r.history["cost"], label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("cost")
ax.grid(alpha=0.3)
ax.legend()
for k, (name, r) in enumerate(runs.items()):
    plot_decision_boundary(r.predict, X, Y, ax=fig.add_subplot(2, 3, 4 + k), resolution=150,
                           title=f"{name}: {np.mean(r.predict(X) == Y):.0%}")
fig.tight_layout()
plt.show()

# %% [markdown]
# With a learning rate this small, gradient descent and momentum crawl: momentum averages
# the same small steps, which mostly removes the zig-zag between mini-batches, not the
# slowness. Adam divides each step by $\sqrt{s}$, the running size of that parameter's
# gradient, so every parameter moves at roughly the rate $\alpha$ however small its
# gradient is: it gets much further in the same 5 000 epochs.
#
# ## Part 2: a larger rate that decays
#
# Plain gradient descent with $\alpha_0 = 0.1$. Decayed every epoch,
# $\alpha_t = \alpha_0 / (1 + t)$ is $10^{-3}$ after 100 epochs and $2\cdot 10^{-5}$ at
# the end: the total distance the steps can cover grows only like $\log t$, and the network
# stops learning early. Decayed once every 1 000 epochs,
# $\alpha = \alpha_0 / (1 + \lfloor t / 1000 \rfloor)$ takes the values 0.1, 0.05, 0.033,
# 0.025, 0.02 and 0.017: large steps while they help, smaller ones to settle. (On a problem
# this small a constant rate may do as well: compare the accuracies above.)

# %%
decays = {
    "constant α = 0.1": None,
    "decay every epoch": lambda lr0, epoch: schedules.inverse_time(lr0, epoch, decay_rate=1.0),
    "decay every 1 000 epochs": lambda lr0, epoch: schedules.staircase(lr0, epoch, decay_rate=1.0,
                                                                      interval=1000),
}
decay_runs = {name: train.fit(X, Y, layer_dims, optimizer="gd", learning_rate=0.1, schedule=s,
                              **common)
              for name, s in decays.items()}
for name, r in decay_runs.items():
    print(f"{name:25s} final lr {r.history['learning_rate'][-1]:.2e}   "
          f"cost {r.history['cost'][-1]:.4f}   accuracy {np.mean(r.predict(X) == Y):.1%}")

# %%
# Figure: learning rate and cost against epoch for a constant rate and the two decay schedules
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
for name, r in decay_runs.items():
    axes[0].plot(r.history["epoch"], r.history["learning_rate"], label=name)
    axes[1].plot(r.history["epoch"], r.history["cost"], label=name)
axes[0].set_yscale("log")
axes[0].set_ylabel("learning rate (log scale)")
axes[1].set_ylabel("cost")
for ax in axes:
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
axes[1].legend()
plt.show()

# %% [markdown]
# ## Try it
#
# 1. Give gradient descent and momentum a fair chance: learning rate 0.05 instead of
#    0.0007. How do the three optimizers compare now?
# 2. Adam with a learning rate of 0.01: faster, or does the cost become noisy? Add the
#    staircase schedule to Adam (`schedule=` works with every optimizer).
# 3. Set the mini-batch size to 300 (full batch) and to 1 (stochastic gradient descent) and
#    compare the cost curves: which one is smoother, which one is cheaper per epoch?
# 4. Momentum with $\beta = 0.99$ averages over about 100 steps: what changes at the start
#    of training, and why does bias correction matter for Adam but is often skipped for
#    momentum?
