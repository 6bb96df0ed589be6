"""Figures of [Course 2: numerical precision](course2/precision.md#three-formats-one-formula) (beyond the course).

The spacing of representable numbers in float16, bfloat16 and float32 (from
:func:`dlnotes.precision.format_info`), and the gradients of a small network on the digits
before and after loss scaling (rounded by :func:`dlnotes.precision.apply_loss_scale`).
"""

from __future__ import annotations

import numpy as np

from dlnotes.figures import heavy
from dlnotes.plots import PALETTE, new_figure
from dlnotes.precision import format_info

__all__ = ["FORMATS", "network_gradients", "number_spacing", "gradient_histogram"]

FORMATS = ("float16", "bfloat16", "float32")


@heavy
def network_gradients(method="random_small", seed=0):
    """Every gradient entry (dW and db of all layers) of a 64-64-64-64-10 tanh/softmax network on the digits.

    float32, at initialization with ``method`` (the course's ``"random_small"``, $0.01\\,\\mathcal N(0, 1)$,
    or ``"he"``), the cost being the mean cross-entropy over the 1797 images. Returns a 1-D float32 array.
    """
    from dlnotes.data import load_digits, one_hot
    from dlnotes.initializers import initialize_parameters
    from dlnotes.nn import model_backward, model_forward

    X, labels = load_digits(dtype=np.float32)
    Y = one_hot(labels, 10).astype(np.float32)
    params = initialize_parameters([64, 64, 64, 64, 10], method, seed, dtype=np.float32)
    AL, caches = model_forward(X, params, ("tanh", "tanh", "tanh", "softmax"))
    grads = model_backward(AL, Y, caches, loss="cce")
    return np.concatenate([g.ravel() for g in grads.values()])


# --8<-- [start:number_spacing]
def number_spacing():
    """Gap between neighbouring numbers against their magnitude, for float16, bfloat16 and float32."""
    fig, ax = new_figure(figsize=(9, 3.8))
    for color, name in zip(PALETTE, FORMATS):
        info = format_info(name)
        x = np.logspace(np.log10(info.smallest_subnormal), np.log10(info.max), 600)
        exponent = np.maximum(np.floor(np.log2(x)), np.log2(info.tiny))
        ax.loglog(x, 2.0 ** (exponent - info.mantissa_bits), color=color, lw=2,
                  label=f"{name}: ε = {info.eps:.2g}, max = {info.max:.3g}")
        ax.plot([info.tiny], [info.tiny * info.eps], "o", color=color, ms=4)
    ax.set_xlabel("magnitude |x|")
    ax.set_ylabel("gap to the next number")
    ax.set_title("Gap between neighbouring numbers (dots: smallest normal number)")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    ax.grid(True, alpha=0.3)
    return fig
# --8<-- [end:number_spacing]


# --8<-- [start:gradient_histogram]
def gradient_histogram(scale=2.0 ** 12):
    """log2 of the gradient magnitudes of :func:`network_gradients`, as is and times ``scale``, against float16's range."""
    g = network_gradients()
    g = np.abs(g[g != 0]).astype(np.float64)
    info = format_info("float16")
    fig, ax = new_figure(figsize=(9, 3.6))
    bins = np.arange(-40, 18, 0.5)
    ax.hist(np.log2(g), bins=bins, color=PALETTE[0], alpha=0.7, label="gradients")
    ax.hist(np.log2(g * scale), bins=bins, color=PALETTE[1], alpha=0.6,
            label=f"gradients × {scale:g} (loss scaled by 2^{np.log2(scale):.0f})")
    ax.axvspan(bins[0], np.log2(info.smallest_subnormal / 2), color="0.85", zorder=0, label="float16: rounds to 0")
    ax.axvspan(np.log2(info.smallest_subnormal / 2), np.log2(info.tiny), color="0.93", zorder=0,
               label="float16 subnormal: fewer bits")
    ax.axvline(np.log2(info.max), color="0.3", ls="--", lw=1)
    ax.text(np.log2(info.max), ax.get_ylim()[1] * 0.95, " 65504", fontsize=8, va="top")
    ax.set_xlabel("log2 |gradient|")
    ax.set_ylabel("entries")
    ax.set_title("Gradients of a 4-layer network (0.01 init) against float16's range")
    ax.legend(frameon=False, fontsize=8, loc="upper left")
    return fig
# --8<-- [end:gradient_histogram]
