# %% [markdown]
# # Lab 3 · A deep network, step by step
#
# The building blocks of an $L$-layer network, one at a time, on a tiny input whose shapes
# you can follow; then the whole network trained on the digits of Lab 1, comparing a
# 2-layer and a 4-layer network with logistic regression. It puts
# [Course 1, week 4](../course1/week4.md) into practice: shapes
# $W^{[l]} \in \mathbb R^{n^{[l]}\times n^{[l-1]}}$, the forward pass, the cost, the backward
# pass, the update.
#
# ## Recipe
#
# | What | Setting |
# |---|---|
# | data (step by step) | 5 random examples with 4 features, labels $(0, 1, 1, 0, 1)$, seed 0 |
# | data (training) | `load_digits()`, "is it an 8?" as in Lab 1; split 60 / 20 / 20 %, seed 0 |
# | models | logistic regression; 2-layer 64-7-1; 4-layer 64-20-7-5-1 (ReLU hidden layers, sigmoid output) |
# | initialization | He, $W^{[l]} \sim \mathcal N(0, 2/n^{[l-1]})$, $b = 0$, seed 1 |
# | optimizer | full-batch gradient descent, learning rate 0.1, 2 500 iterations (logistic regression: 0.5, 2 000) |
# | cost | binary cross-entropy, recorded every 25 iterations |
# | loop | written out with `dlnotes.nn` (checked for 100 iterations), then `dlnotes.train.fit`, which runs the same steps faster |

# %%
import matplotlib.pyplot as plt
import numpy as np

from dlnotes import logistic, nn, train
from dlnotes.data import load_digits, train_dev_test_split
from dlnotes.initializers import initialize_parameters

# %% [markdown]
# ## 1. Initialize
#
# `initialize_parameters(layer_dims, method, rng)` returns one weight matrix and one bias
# column per layer. The shapes follow from the layer sizes alone:

# %%
layer_dims = [4, 3, 2, 1]
parameters = initialize_parameters(layer_dims, "he", rng=1)
for key, value in parameters.items():
    print(f"{key}: shape {value.shape}")
print("expected:", nn.layer_shapes(layer_dims))

# %% [markdown]
# ## 2. Forward, one layer then all of them
#
# A layer is a linear step $Z = WA_{\text{prev}} + b$ (broadcasting $b$ over the $m$
# columns) followed by an activation $A = g(Z)$.

# %%
rng = np.random.default_rng(0)
X = rng.standard_normal((4, 5))
Y = np.array([[0, 1, 1, 0, 1]])
Z1, _ = nn.linear_forward(X, parameters["W1"], parameters["b1"])
A1, _ = nn.linear_activation_forward(X, parameters["W1"], parameters["b1"], "relu")
print("Z1 =\n", np.round(Z1, 3))
print("A1 = relu(Z1) =\n", np.round(A1, 3))

activations = ("relu", "relu", "sigmoid")
AL, caches = nn.model_forward(X, parameters, activations)
print("AL =", np.round(AL, 4), " shape", AL.shape, "  caches:", len(caches), "(one per layer)")

# %% [markdown]
# ## 3. Cost
#
# $J = -\frac1m \sum_i \big(y^{(i)}\log a^{[L](i)} + (1-y^{(i)})\log(1-a^{[L](i)})\big)$:

# %%
cost = nn.compute_cost(AL, Y, "bce")
by_hand = -np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))
print(f"compute_cost: {cost:.6f}   by hand: {by_hand:.6f}")

# %% [markdown]
# ## 4. Backward
#
# The output layer starts from $dZ^{[L]} = A^{[L]} - Y$; each layer then turns $dA^{[l]}$
# into $dW^{[l]}$, $db^{[l]}$ and $dA^{[l-1]}$. Every gradient has the shape of its parameter.

# %%
grads = nn.model_backward(AL, Y, caches, loss="bce")
for key in parameters:
    print(f"d{key}: shape {grads['d' + key].shape}  (parameter {parameters[key].shape})")
# the last layer by hand: dW3 = (1/m) dZ3 A2^T with dZ3 = AL - Y
A2 = caches[2]["linear"][0]  # the cache of layer 3 keeps its input, A2
dW3_by_hand = (AL - Y) @ A2.T / X.shape[1]
print("dW3 from model_backward:", np.round(grads["dW3"], 6))
print("dW3 by hand:            ", np.round(dW3_by_hand, 6))

# %% [markdown]
# ## 5. Update
#
# One step of gradient descent, $\theta \leftarrow \theta - \alpha\, d\theta$, must lower
# the cost for a small enough $\alpha$:

# %%
updated = nn.update_parameters({k: v.copy() for k, v in parameters.items()}, grads, 0.1)
new_cost = nn.compute_cost(nn.model_forward(X, updated, activations)[0], Y, "bce")
print(f"cost before {cost:.6f}, after one step {new_cost:.6f}")

# %% [markdown]
# ## 6. The training loop, and the digits
#
# The loop is those four calls repeated:

# %%
def train_by_hand(X, Y, layer_dims, iterations, learning_rate=0.1, seed=1):
    L = len(layer_dims) - 1
    acts = ("relu",) * (L - 1) + ("sigmoid",)
    parameters = initialize_parameters(layer_dims, "he", rng=seed)
    for i in range(iterations):
        AL, caches = nn.model_forward(X, parameters, acts)
        grads = nn.model_backward(AL, Y, caches, loss="bce")
        parameters = nn.update_parameters(parameters, grads, learning_rate)
    return parameters


X_all, digits = load_digits()
Y_all = (digits == 8).astype(X_all.dtype)
X_train, Y_train, X_dev, Y_dev, X_test, Y_test = train_dev_test_split(
    X_all, Y_all, (0.6, 0.2, 0.2), rng=0)

# train.fit runs the same steps (He initialization from the same seed, full batch, plain
# gradient descent) in a faster in-place loop; check on 100 iterations, then use it.
by_hand = train_by_hand(X_train, Y_train, [64, 20, 7, 5, 1], 100)
by_fit = train.fit(X_train, Y_train, [64, 20, 7, 5, 1], optimizer="gd", learning_rate=0.1,
                   epochs=100, init="he", rng=1).parameters
print(f"largest difference after 100 iterations: "
      f"{max(float(np.max(np.abs(by_hand[k] - by_fit[k]))) for k in by_hand):.1e}")

results = {}
lr_model = logistic.fit(X_train, Y_train, num_iterations=2000, learning_rate=0.5, record_every=25)
results["logistic regression"] = (lambda P: logistic.predict(lr_model["w"], lr_model["b"], P),
                                  np.arange(len(lr_model["costs"])) * 25, lr_model["costs"])
for name, dims in (("2-layer 64-7-1", [64, 7, 1]), ("4-layer 64-20-7-5-1", [64, 20, 7, 5, 1])):
    run = train.fit(X_train, Y_train, dims, optimizer="gd", learning_rate=0.1, epochs=2500,
                    init="he", rng=1, record_every=25)
    results[name] = (run.predict, run.history["epoch"], run.history["cost"])

print(f"{'model':22s} {'final cost':>10s} {'train':>8s} {'dev':>8s} {'test':>8s}")
for name, (predict, _, costs) in results.items():
    splits = ((X_train, Y_train), (X_dev, Y_dev), (X_test, Y_test))
    accs = [float(np.mean(predict(Xs) == Ys)) for Xs, Ys in splits]
    print(f"{name:22s} {costs[-1]:10.4f} " + " ".join(f"{a:8.2%}" for a in accs))

# %%
# Figure: training cost of the three models
fig, ax = plt.subplots(figsize=(6.5, 3.6))
for name, (_, iterations, costs) in results.items():
    ax.plot(iterations, costs, label=name)
ax.set_yscale("log")
ax.set_xlabel("iteration")
ax.set_ylabel("training cost (log scale)")
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %% [markdown]
# Hidden layers let the network combine several stroke detectors instead of matching a
# single template. Read the table column by column: the training cost and accuracy say how
# well each model fits the images it learned from; the dev column (used to choose between
# models) and the test column (looked at once, at the end) say how well that carries over to
# unseen images. The 4-layer network fits the training set almost perfectly; the gap between
# its training and dev accuracy is its variance. Here are the test images it gets wrong:

# %%
# Figure: test images misclassified by the 4-layer network
predict4 = results["4-layer 64-20-7-5-1"][0]
wrong = np.flatnonzero(predict4(X_test)[0] != Y_test[0])
print(f"{wrong.size} of {X_test.shape[1]} test images misclassified")
n_show = max(min(wrong.size, 10), 1)
fig, axes = plt.subplots(1, n_show, figsize=(1.1 * n_show, 1.6), squeeze=False)
for ax, j in zip(axes[0], wrong[:10]):
    ax.imshow(X_test[:, j].reshape(8, 8), cmap="gray_r")
    ax.set_title("8" if Y_test[0, j] else "not 8", fontsize=8)
    ax.axis("off")
for ax in axes[0][len(wrong[:10]):]:
    ax.axis("off")
plt.show()

# %% [markdown]
# (Titles are the true labels.)
#
# ## Try it
#
# 1. Change the learning rate of the 4-layer network to 0.01 and to 1.0. Which one is too
#    slow, which one diverges or oscillates?
# 2. Initialize the 4-layer network with `"random_small"` (weights $0.01\,\mathcal N(0,1)$)
#    instead of He. Plot the cost: why does it stay flat for so long? (Lab 4 answers this.)
# 3. Make the network deeper and narrower, e.g. `[64, 8, 8, 8, 8, 8, 1]`. Does depth alone
#    help on this small data set?
# 4. Swap `"relu"` for `"tanh"` in the hidden layers and compare the cost curves.
