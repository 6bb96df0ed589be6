"""Figures of [Course 2: programming frameworks](course2/frameworks.md).

The computation graph of the notes' example $J(w) = w^2 - 10w + 25$, with the values of
the forward pass and the gradients of the backward pass computed by
:class:`dlnotes.autodiff.Value`, and the path of gradient descent computed by
:func:`dlnotes.autodiff.minimize`. Beyond the course: softmax regression trained with
PyTorch's loss convention, right and with the softmax applied twice.
"""

from __future__ import annotations

import numpy as np

from dlnotes.activations import softmax, softmax_backward
from dlnotes.autodiff import Value, minimize
from dlnotes.figures import heavy
from dlnotes.losses import torch_cross_entropy, torch_cross_entropy_grad
from dlnotes.plots import PALETTE, draw_graph, new_figure

__all__ = ["cost", "graph_values", "cost_graph", "descent_path", "softmax_regression_step", "softmax_bug_runs",
           "softmax_bug_curves"]


def cost(w):
    """The notes' cost $J(w) = w^2 - 10w + 25 = (w - 5)^2$, written with :class:`~dlnotes.autodiff.Value` operations."""
    return w ** 2 + (-10.0) * w + 25.0


def graph_values(w0=0.0):
    """Forward values and gradients of every node of :func:`cost`'s graph at ``w0``.

    Returns ``{name: (data, grad)}`` for the nodes ``w``, ``w2`` ($w^2$), ``m`` ($-10w$),
    ``s`` ($w^2 - 10w$) and ``J``.
    """
    w = Value(w0, label="w")
    w2 = w ** 2
    m = (-10.0) * w
    s = w2 + m
    J = s + 25.0
    J.backward()
    return {"w": (w.data, w.grad), "w2": (w2.data, w2.grad), "m": (m.data, m.grad), "s": (s.data, s.grad),
            "J": (J.data, J.grad)}


# --8<-- [start:cost_graph]
def cost_graph(w0=1.0):
    """The graph of $J = w^2 - 10w + 25$ at ``w0``: values forward, $\\partial J/\\partial(\\cdot)$ backward."""
    v = graph_values(w0)

    def box(name, text):
        return f"{text}\n= {v[name][0]:g}"

    nodes = {
        "w": {"pos": (0.0, 0.0), "label": box("w", "$w$"), "color": "#F8D9C8"},
        "w2": (2.2, 0.9, box("w2", "$u = w^2$")),
        "m": (2.2, -0.9, box("m", "$v = -10w$")),
        "s": (4.4, 0.0, box("s", "$u + v$")),
        "J": {"pos": (6.6, 0.0), "label": box("J", "$J = u + v + 25$"), "color": "#CDEBDF"},
    }
    edges = [("w", "w2"), ("w", "m"), ("w2", "s"), ("m", "s"), ("s", "J")]
    backward = [("J", "s", f"{v['s'][1]:g}"), ("s", "w2", f"{v['w2'][1]:g}"), ("s", "m", f"{v['m'][1]:g}"),
                ("w2", "w", f"$\\times 2w$: {v['w2'][1] * 2 * w0:g}"), ("m", "w", f"$\\times(-10)$: {v['m'][1] * -10:g}")]
    fig = draw_graph(nodes, edges, backward=backward, box_size=(1.5, 0.75), figsize=(9.5, 3.6),
                     title=f"Forward values and backward gradients at $w = {w0:g}$: "
                           f"$dJ/dw = {v['w'][1]:g}$ $(= 2w - 10)$")
    return fig
# --8<-- [end:cost_graph]


# --8<-- [start:descent_path]
def descent_path(learning_rate=0.01, steps=1000):
    """$w$ after each step of gradient descent with autodiff gradients, against the closed form."""
    r = minimize(cost, w0=0.0, learning_rate=learning_rate, steps=steps)
    k = np.arange(steps + 1)
    closed = 5.0 * (1.0 - (1.0 - 2.0 * learning_rate) ** k)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.4))
    ax1.plot(k, r.ws, color=PALETTE[0], lw=2, label="autodiff + gradient descent")
    ax1.plot(k[::50], closed[::50], "o", color=PALETTE[1], ms=4, label="$5(1 - 0.98^k)$")
    ax1.set_xlabel("step $k$")
    ax1.set_ylabel("$w_k$")
    ax1.set_title(f"$w$ (learning rate {learning_rate})")
    ax1.legend(frameon=False)
    ax2.semilogy(k, np.maximum(np.abs(r.ws - closed), 1e-17), color=PALETTE[2], lw=1.5)
    ax2.set_xlabel("step $k$")
    ax2.set_ylabel("$|w_k - 5(1-0.98^k)|$")
    ax2.set_title("Difference from the closed form (float64 rounding)")
    ax2.grid(True, alpha=0.3)
    return fig
# --8<-- [end:descent_path]



# ---------------------------------------------------------------------------
# Beyond the course: the loss takes logits (softmax applied twice)
# ---------------------------------------------------------------------------

# --8<-- [start:softmax_regression_step]
def softmax_regression_step(W, b, X, target, learning_rate, softmax_first=False):
    """One gradient-descent step of softmax regression in PyTorch's layout: rows are examples.

    ``X`` is (N, n), ``W`` (n, C), ``b`` (C,). With ``softmax_first`` the probabilities, not the
    logits, go into :func:`~dlnotes.losses.torch_cross_entropy` (the bug). Returns the new
    ``(W, b)``, the loss the run reports and the norm of its gradient.
    """
    Z = X @ W + b                                     # logits, (N, C)
    if softmax_first:                                 # the bug: CrossEntropyLoss(softmax(Z), target)
        P = softmax(Z.T).T
        loss = torch_cross_entropy(P, target)
        dZ = softmax_backward(torch_cross_entropy_grad(P, target).T, Z.T).T   # back through the extra softmax
    else:                                             # right: CrossEntropyLoss(Z, target)
        loss = torch_cross_entropy(Z, target)
        dZ = torch_cross_entropy_grad(Z, target)
    dW, db = X.T @ dZ, dZ.sum(axis=0)
    norm = float(np.sqrt(np.sum(dW ** 2) + np.sum(db ** 2)))
    return W - learning_rate * dW, b - learning_rate * db, loss, norm
# --8<-- [end:softmax_regression_step]


@heavy
def softmax_bug_runs(epochs=200, learning_rate=0.5, seed=0):
    """Softmax regression on the 8x8 digits, trained right and with the softmax applied first.

    Both runs start from the same small random weights. Returns ``{"right": h, "softmax first": h}``
    where ``h`` has shape (epochs + 1, 4): the loss the run reports, the true cross-entropy of its
    logits, the training accuracy and the gradient norm, before each step (row ``k``: after ``k`` steps).
    """
    from dlnotes.data import load_digits

    X, labels = load_digits()
    X, target = X.T.copy(), labels.ravel()
    runs = {}
    for name, bug in (("right", False), ("softmax first", True)):
        rng = np.random.default_rng(seed)
        W, b = 0.01 * rng.standard_normal((X.shape[1], 10)), np.zeros(10)
        history = []
        for _ in range(epochs + 1):
            Z = X @ W + b
            true_loss, accuracy = torch_cross_entropy(Z, target), float(np.mean(Z.argmax(axis=1) == target))
            W, b, loss, norm = softmax_regression_step(W, b, X, target, learning_rate, softmax_first=bug)
            history.append((loss, true_loss, accuracy, norm))
        runs[name] = np.array(history)
    return runs


# --8<-- [start:softmax_bug_curves]
def softmax_bug_curves():
    """Cross-entropy and gradient norm of the two runs of :func:`softmax_bug_runs`, with the bug's floor."""
    runs = softmax_bug_runs()
    floor = np.log(1 + 9 / np.e)                      # the lowest loss the buggy run can report (C = 10)
    fig, (ax1, ax2) = new_figure(1, 2, figsize=(10, 3.6))
    right, bug = runs["right"], runs["softmax first"]
    k = np.arange(len(right))
    ax1.plot(k, right[:, 1], color=PALETTE[0], lw=2, label="right: logits into the loss")
    ax1.plot(k, bug[:, 1], color=PALETTE[1], lw=2, label="softmax first: true cross-entropy")
    ax1.plot(k, bug[:, 0], color=PALETTE[1], lw=1.5, ls="--", label="softmax first: loss it reports")
    ax1.axhline(floor, color="0.4", lw=1, ls=":")
    ax1.text(k[-1], floor, "floor log(1 + 9/e)", ha="right", va="top", fontsize=8, color="0.3")
    ax1.set_xlabel("step")
    ax1.set_ylabel("cross-entropy")
    ax1.set_title("Loss (digits, softmax regression, α = 0.5)")
    ax1.set_ylim(0, 3.4)                              # room for the legend above the curves
    ax1.legend(frameon=False, fontsize=8, loc="upper right")
    ax2.semilogy(k, right[:, 3], color=PALETTE[0], lw=2, label="right")
    ax2.semilogy(k, bug[:, 3], color=PALETTE[1], lw=2, label="softmax first")
    ax2.set_xlabel("step")
    ax2.set_ylabel("gradient norm")
    ax2.set_title("Size of the gradient")
    ax2.legend(frameon=False, fontsize=8)
    return fig
# --8<-- [end:softmax_bug_curves]
