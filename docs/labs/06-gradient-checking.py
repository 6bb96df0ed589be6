# %% [markdown]
# # Lab 6 · Gradient checking
#
# Backpropagation code can be wrong and still train, slowly or to a worse point, with no
# error message. Gradient checking compares every component of the backpropagated gradient
# with a two-sided finite difference of the cost,
#
# $$
# d\theta_{\text{approx}}[i] = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2\varepsilon},
# \qquad
# \text{difference} = \frac{\lVert d\theta - d\theta_{\text{approx}}\rVert_2}
#                          {\lVert d\theta\rVert_2 + \lVert d\theta_{\text{approx}}\rVert_2},
# $$
#
# as derived in [Course 2, week 1](../course2/week1.md). Here it checks `dlnotes.nn` on a
# whole network, with and without L2 regularization, then catches a deliberately broken
# backward pass and points at the layer that holds the bug.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data | 10 random examples with 4 features, $X \sim \mathcal N(0, 1)$, random 0/1 labels, seed 0; float64 |
# | network | 4-5-3-1, ReLU, ReLU, sigmoid (47 parameters) |
# | initialization | He, seed 1, then biases set to small random values (so that they matter) |
# | check | $\varepsilon = 10^{-7}$, every parameter, `dlnotes.gradcheck.gradient_check` |
# | thresholds | below $10^{-7}$ great, below $10^{-5}$ look closer, up to $10^{-3}$ suspicious, above: a bug |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import nn
from dlnotes.gradcheck import gradient_check
from dlnotes.initializers import initialize_parameters

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 10))
Y = (rng.random((1, 10)) < 0.5).astype(np.float64)
activations = ("relu", "relu", "sigmoid")
parameters = initialize_parameters([4, 5, 3, 1], "he", rng=1)
for l in (1, 2, 3):
    parameters[f"b{l}"] = 0.1 * rng.standard_normal(parameters[f"b{l}"].shape)
print({k: v.shape for k, v in parameters.items()})
print("number of parameters:", sum(v.size for v in parameters.values()))

# %% [markdown]
# ## Checking `dlnotes.nn`
#
# The cost must be a deterministic function of the parameters alone (no dropout while
# checking); `gradient_check` nudges each of the 47 numbers by $\pm\varepsilon$ and
# evaluates it twice.

# %%
def cost_fn(p, lambd=0.0):
    AL, _ = nn.model_forward(X, p, activations)
    return nn.compute_cost(AL, Y, "bce", parameters=p, lambd=lambd)


AL, caches = nn.model_forward(X, parameters, activations)
grads = nn.model_backward(AL, Y, caches, loss="bce")
check = gradient_check(cost_fn, parameters, grads)
print(f"difference = {check.rel_error:.2e} -> {check.verdict}")
for key, err in check.per_key.items():
    print(f"  {key}: {err:.2e}")

# %% [markdown]
# With L2 regularization the cost gains $\frac{\lambda}{2m}\sum_l \lVert W^{[l]}\rVert_F^2$
# and each $dW^{[l]}$ gains $\frac{\lambda}{m}W^{[l]}$:

# %%
lambd = 0.7
grads_l2 = nn.model_backward(AL, Y, caches, loss="bce", lambd=lambd)
check_l2 = gradient_check(lambda p: cost_fn(p, lambd), parameters, grads_l2)
print(f"with L2 (lambda = {lambd}): difference = {check_l2.rel_error:.2e} -> {check_l2.verdict}")
# and forgetting the penalty's gradient is caught:
wrong = gradient_check(lambda p: cost_fn(p, lambd), parameters, grads)
print(f"L2 cost but unregularized gradient: difference = {wrong.rel_error:.2e} -> {wrong.verdict}")

# %% [markdown]
# ## A deliberately broken backward pass
#
# Below, a hand-written backward pass for the same network built from
# `nn.linear_activation_backward`, with two classic bugs planted in layer 2: $dW^{[2]}$ is
# scaled by 2 and $db^{[2]}$ forgets to divide by $m$ (it sums instead of averaging).

# %%
def backward_with_bugs(AL, Y, caches):
    m = Y.shape[1]
    grads = {}
    dZ3 = AL - Y
    A2, W3, _ = caches[2]["linear"]
    grads["dW3"] = dZ3 @ A2.T / m
    grads["db3"] = dZ3.sum(axis=1, keepdims=True) / m
    dA2 = W3.T @ dZ3
    layer2 = (caches[1]["linear"], caches[1]["Z"])
    dA1, dW2, db2 = nn.linear_activation_backward(dA2, layer2, "relu")
    grads["dW2"] = 2 * dW2            # bug 1: a stray factor 2
    grads["db2"] = db2 * m            # bug 2: the sum, not the mean
    layer1 = (caches[0]["linear"], caches[0]["Z"])
    _, grads["dW1"], grads["db1"] = nn.linear_activation_backward(dA1, layer1, "relu")
    return grads


bad = gradient_check(cost_fn, parameters, backward_with_bugs(AL, Y, caches))
print(f"difference = {bad.rel_error:.2e} -> {bad.verdict}")
for key, err in bad.per_key.items():
    print(f"  {key}: {err:.2e}{'   <-- here' if err > 1e-5 else ''}")

# %%
# Figure: backpropagated against numerical gradient, component by component, for the correct and the broken backward pass
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
panels = ((axes[0], check, "dlnotes.nn.model_backward"), (axes[1], bad, "backward_with_bugs"))
for ax, result, title in panels:
    idx = np.arange(result.analytic.size)
    ax.plot(idx, result.numerical, "o", mfc="none", label="numerical", ms=6)
    ax.plot(idx, result.analytic, "x", label="backprop", ms=5)
    ax.set_title(f"{title}: {result.verdict} ({result.rel_error:.1e})")
    ax.set_xlabel(r"component $i$ of $\theta$")
    ax.grid(alpha=0.3)
axes[0].set_ylabel(r"$\partial J / \partial \theta_i$")
axes[0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# The per-parameter differences are the useful part: the whole-vector number says *that*
# something is wrong, `per_key` says *where*. Notice that layer 1 still passes: the bugs
# change only what is reported for layer 2, not the $dA^{[1]}$ sent further back.
#
# ## Try it
#
# 1. Plant a bug in layer 1 instead (for instance, use `"tanh"` as the activation of the
#    layer-1 backward call). Which keys light up, and why does the cost not care?
# 2. Check in float32: convert `X`, `Y` and the parameters with `.astype(np.float32)`. With
#    $\varepsilon = 10^{-7}$ the differences are swamped by rounding; try
#    $\varepsilon = 10^{-3}$.
# 3. Turn dropout on in `cost_fn` (`keep_probs=0.8, rng=...` in `model_forward`): why must the
#    random mask be the same in every evaluation for the check to mean anything?
# 4. Move one pre-activation exactly onto a ReLU kink ($Z = 0$) and watch the difference of
#    a correct gradient rise: finite differences straddle the kink.
