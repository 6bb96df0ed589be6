"""Results of [the benchmarks page](benchmarks.md): the two engines of ``train.fit`` timed side by side."""

from __future__ import annotations

import time

import numpy as np

from dlnotes.data import load_digits
from dlnotes.figures import heavy
from dlnotes.train import fit

__all__ = ["engine_speedup"]


# --8<-- [start:engine_speedup]
@heavy
def engine_speedup(epochs=2, repeats=3):
    """Seconds per epoch of ``fit(engine="readable")`` and ``fit(engine="fused")`` and whether they agree.

    Digits (64-64-64-10, ReLU/softmax, Adam, batches of 64, float64); the best of
    ``repeats`` runs of ``epochs`` epochs each, after one warm-up run. Returns a dict
    with ``readable``, ``fused`` (seconds per epoch) and ``max_difference`` (largest
    parameter difference between the two runs).
    """
    X, Y = load_digits()[:2]
    kw = dict(learning_rate=1e-3, batch_size=64, epochs=epochs, rng=0)
    out, params = {}, {}
    for engine in ("readable", "fused"):
        fit(X, Y, [64, 64, 64, 10], engine=engine, **kw)            # warm-up
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            r = fit(X, Y, [64, 64, 64, 10], engine=engine, **kw)
            best = min(best, time.perf_counter() - t0)
        out[engine], params[engine] = best / epochs, r.parameters
    out["max_difference"] = max(float(np.max(np.abs(params["readable"][k] - params["fused"][k])))
                                for k in params["fused"])
    return out
# --8<-- [end:engine_speedup]
