#!/usr/bin/env python
"""Per-epoch training time of dlnotes against its peers, measured in one process and one run.

Peers, all trained with Adam (lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8), mini-batches of 64,
reshuffled every epoch, the same number of epochs, the same dtype and the same thread count:

* ``dlnotes``      -- ``dlnotes.train.fit``: what a user of the package gets;
* ``scikit-learn`` -- ``MLPClassifier(solver="adam", alpha=0, early_stopping=False, tol=0,
  n_iter_no_change=10**9)``;
* ``PyTorch``      -- an idiomatic CPU loop (``nn.Sequential``, ``optim.Adam``,
  ``CrossEntropyLoss``, mini-batches gathered with ``index_select``); skipped with a message
  when torch is not installed;
* ``matmul bound`` -- only the matrix products of the same epoch (forward ``W A``, backward
  ``dZ A.T`` and ``W.T dZ``) on preallocated NumPy arrays with ``out=``: a lower bound for
  any NumPy implementation.

Workloads: ``digits`` (scikit-learn's 8x8 digits, 64-64-64-10 ReLU/softmax) and ``mnist``
(an MNIST-sized synthetic set, 60 000 x 784 with 10 classes from Gaussian clusters,
784-256-128-10). The time of an epoch is the median over the measured epochs, after warm-up
epochs that are not counted. BLAS threads are set with threadpoolctl (NumPy, scikit-learn)
and ``torch.set_num_threads`` (PyTorch). The peers take turns epoch by epoch (round robin, one
running at a time), so that a change in the machine's load slows them alike.

The full run (about 4 minutes on an otherwise idle 2-core machine) writes ``benchmarks/results/latest.md`` and
``latest.json``, which ``docs/benchmarks.md`` includes::

    python benchmarks/bench_train.py

A quick look (no files written unless ``--output`` is given)::

    python benchmarks/bench_train.py --quick

The speed targets are checked here, never by timed tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"

LEARNING_RATE = 1e-3
BATCH_SIZE = 64
SEED = 0

WORKLOADS = {
    "digits": {"title": "scikit-learn's digits ({m} training x {n} features), {dims}", "hidden": (64, 64),
               "min_accuracy": 0.85},
    "mnist": {"title": "MNIST-sized synthetic ({m} training x {n} features, 10 Gaussian clusters), {dims}",
              "hidden": (256, 128), "min_accuracy": 0.8},
}
PEERS = ("dlnotes", "sklearn", "torch", "bound")
PEER_NAMES = {"dlnotes": "dlnotes", "sklearn": "scikit-learn", "torch": "PyTorch", "bound": "matmul bound"}

# Targets from the issue: ratios measured in the same run.
TARGETS = [
    ("digits", "sklearn", 0.6, "dlnotes / scikit-learn on digits"),
    ("mnist", "sklearn", 0.8, "dlnotes / scikit-learn on MNIST-sized"),
    ("mnist", "torch", 1.0, "dlnotes / PyTorch on MNIST-sized"),
    ("mnist", "bound", 1.8, "dlnotes / matmul bound on MNIST-sized"),
]


# ----------------------------------------------------------------------------- data
def make_workload(name, dtype, mnist_examples=60000, seed=SEED):
    """Return a dict with row-major train/test arrays, labels and layer sizes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    if name == "digits":
        from sklearn.datasets import load_digits

        d = load_digits()
        X = (d.data / 16.0).astype(dtype)
        y = d.target.astype(np.int64)
        perm = rng.permutation(len(y))
        n_test = len(y) // 5
        test, train = perm[:n_test], perm[n_test:]
        X_train, y_train, X_test, y_test = X[train], y[train], X[test], y[test]
    elif name == "mnist":
        n_x, n_classes, m_test = 784, 10, 10000
        m = mnist_examples + m_test
        # Gaussian clusters with MNIST's sizes: x = mu_y + N(0, I), the 10 class means drawn
        # from N(0, 0.15^2 I) (about 6 noise standard deviations apart): learnable, not trivial.
        y = rng.integers(0, n_classes, m).astype(np.int64)
        means = 0.15 * rng.standard_normal((n_classes, n_x), dtype=np.float32)
        X = rng.standard_normal((m, n_x), dtype=np.float32)
        X += means[y]
        if dtype != np.float32:
            X = X.astype(dtype)
        X_train, y_train = X[:mnist_examples], y[:mnist_examples]
        X_test, y_test = X[mnist_examples:], y[mnist_examples:]
        X_train = np.ascontiguousarray(X_train)
        X_test = np.ascontiguousarray(X_test)
        del X
    else:
        raise ValueError(f"workload: expected one of {sorted(WORKLOADS)}, got {name!r}")
    n_classes = 10
    layer_dims = (X_train.shape[1], *WORKLOADS[name]["hidden"], n_classes)
    return {"name": name, "X_train": X_train, "y_train": y_train, "X_test": X_test, "y_test": y_test,
            "layer_dims": layer_dims, "dtype": np.dtype(dtype)}


def one_hot(y, n_classes, dtype):
    import numpy as np

    Y = np.zeros((n_classes, y.size), dtype=dtype)
    Y[y, np.arange(y.size)] = 1
    return Y


# ----------------------------------------------------------------------------- peers
# Every peer runs in its own thread, but only one runs at a time: a coordinator hands out
# one epoch to each peer in turn (round robin), so that a change in the machine's load during
# the run slows all peers alike. A peer notes the start and end time of each of its epochs
# itself; the hand-over between peers is not timed.


class Turn:
    """The baton of one peer: ``wait()`` for its next turn, ``done()`` to hand it back."""

    def __init__(self):
        self._go = threading.Semaphore(0)
        self._back = threading.Semaphore(0)
        self.error = None

    # peer side
    def wait(self):
        self._go.acquire()

    def done(self):
        self._back.release()

    def next(self):
        self.done()
        self.wait()

    # coordinator side
    def run_one(self):
        self._go.release()
        self._back.acquire()
        if self.error is not None:
            raise self.error


class Peer:
    """One timed training run: ``phases = epochs + 2`` turns (setup, each epoch, evaluation)."""

    def __init__(self, name, label, target):
        self.name, self.label, self.target = name, label, target
        self.turn = Turn()
        self.starts, self.ends = [], []
        self.accuracy = None
        self.thread = threading.Thread(target=self._main, name=label, daemon=True)

    def _main(self):
        try:
            self.turn.wait()                      # setup turn
            self.target(self)
        except BaseException as exc:             # reported by the coordinator
            self.turn.error = exc
        self.turn.done()

    def begin_epoch(self):
        self.turn.next()
        self.starts.append(time.perf_counter())

    def end_epoch(self):
        self.ends.append(time.perf_counter())

    def result(self, warmup):
        durations = [b - a for a, b in zip(self.starts, self.ends)]
        measured = durations[warmup:]
        if not measured:
            raise ValueError("no measured epoch: raise --epochs above --warmup")
        return {"epoch_s": statistics.median(measured), "epochs_s": measured, "accuracy": self.accuracy}


def run_round_robin(peers, epochs):
    """Setup turn for every peer, then each epoch for every peer in turn, then evaluation."""
    for peer in peers:
        peer.thread.start()
    for _phase in range(epochs + 2):
        for peer in peers:
            peer.turn.run_one()
    for peer in peers:
        peer.thread.join()
        if len(peer.ends) != epochs or len(peer.starts) != epochs:
            raise RuntimeError(f"{peer.label}: expected {epochs} timed epochs, got {len(peer.ends)}")


class _EpochHook:
    """A constant learning-rate schedule that hands over the turn between epochs of ``train.fit``.

    ``train.fit`` calls the schedule once before its loop (to check it) and then at the start of
    every epoch; ``fit`` itself is not changed for the benchmark.
    """

    def __init__(self, peer):
        self.peer, self.calls = peer, 0

    def __call__(self, lr0, epoch):
        self.calls += 1
        if self.calls >= 2:                          # the start of epoch ``calls - 1``
            if self.calls >= 3:
                self.peer.end_epoch()
            self.peer.begin_epoch()
        return lr0


def dlnotes_peer(wl, epochs, *, keep_prob=None, lambd=0.0, label="dlnotes"):
    import numpy as np
    from dlnotes import train

    X = wl["X_train"].T                      # examples are columns: an F-ordered view, no copy
    L = len(wl["layer_dims"]) - 1

    def target(peer):
        Y = one_hot(wl["y_train"], 10, wl["dtype"])
        hook = _EpochHook(peer)
        kwargs = {} if keep_prob is None else {"keep_probs": keep_prob}
        result = train.fit(X, Y, wl["layer_dims"], activations=("relu",) * (L - 1) + ("softmax",),
                           loss="cce", optimizer="adam", learning_rate=LEARNING_RATE, schedule=hook,
                           batch_size=BATCH_SIZE, epochs=epochs, lambd=lambd, rng=SEED, **kwargs)
        peer.end_epoch()
        if hook.calls != epochs + 1:
            raise RuntimeError(f"dlnotes: expected {epochs + 1} schedule calls (a check, then one per "
                               f"epoch), got {hook.calls}: update _EpochHook")
        peer.turn.next()                          # evaluation turn
        pred = np.asarray(result.predict(wl["X_test"].T)).reshape(-1)
        peer.accuracy = float(np.mean(pred == wl["y_test"]))

    return Peer("dlnotes", label, target)


def sklearn_peer(wl, epochs):
    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    class TimedMLP(MLPClassifier):
        # Called once at the end of every epoch of MLPClassifier._fit_stochastic
        # (scikit-learn 1.x): note the time and hand over the turn.
        def _update_no_improvement_count(self, *args, **kwargs):
            self._peer.end_epoch()
            if len(self._peer.ends) < epochs:
                self._peer.begin_epoch()
            return super()._update_no_improvement_count(*args, **kwargs)

    def target(peer):
        clf = TimedMLP(hidden_layer_sizes=WORKLOADS[wl["name"]]["hidden"], activation="relu",
                       solver="adam", alpha=0.0, batch_size=BATCH_SIZE, learning_rate_init=LEARNING_RATE,
                       beta_1=0.9, beta_2=0.999, epsilon=1e-8, max_iter=epochs, shuffle=True,
                       random_state=SEED, tol=0.0, early_stopping=False, n_iter_no_change=10**9)
        clf._peer = peer
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            peer.begin_epoch()                    # epoch 1 includes fit's setup (a warm-up epoch)
            clf.fit(wl["X_train"], wl["y_train"])
        if clf.coefs_[0].dtype != wl["dtype"]:
            raise RuntimeError(f"scikit-learn trained in {clf.coefs_[0].dtype}, expected {wl['dtype']}")
        peer.turn.next()
        peer.accuracy = float(np.mean(clf.predict(wl["X_test"]) == wl["y_test"]))

    return Peer("sklearn", "scikit-learn", target)


def torch_peer(wl, epochs, threads):
    import numpy as np
    import torch

    def target(peer):
        torch.set_num_threads(threads)
        torch.manual_seed(SEED)
        tdtype = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}[wl["dtype"]]
        dims = wl["layer_dims"]
        layers = []
        for n_in, n_out in zip(dims[:-1], dims[1:]):
            layers += [torch.nn.Linear(n_in, n_out, dtype=tdtype), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers[:-1])
        opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=(0.9, 0.999), eps=1e-8)
        loss_fn = torch.nn.CrossEntropyLoss()
        X = torch.from_numpy(wl["X_train"])
        y = torch.from_numpy(wl["y_train"])
        m = X.shape[0]
        gen = torch.Generator().manual_seed(SEED)
        model.train()
        for _ in range(epochs):
            peer.begin_epoch()
            perm = torch.randperm(m, generator=gen)
            total = 0.0
            for start in range(0, m, BATCH_SIZE):
                idx = perm[start:start + BATCH_SIZE]
                xb, yb = X.index_select(0, idx), y.index_select(0, idx)
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(xb), yb)
                loss.backward()
                opt.step()
                total += loss.item() * idx.numel()     # the epoch's cost, as the others keep it
            peer.end_epoch()
        peer.turn.next()
        model.eval()
        with torch.no_grad():
            pred = model(torch.from_numpy(wl["X_test"])).argmax(dim=1).numpy()
        peer.accuracy = float(np.mean(pred == wl["y_test"]))

    return Peer("torch", "PyTorch", target)


def bound_peer(wl, epochs):
    """Only the matrix products of one epoch, on preallocated arrays with ``out=``."""
    import numpy as np

    def target(peer):
        dtype = wl["dtype"]
        dims = wl["layer_dims"]
        m = wl["X_train"].shape[0]
        rng = np.random.default_rng(SEED)
        L = len(dims) - 1
        W = [None] + [rng.standard_normal((dims[l], dims[l - 1]), dtype=dtype) for l in range(1, L + 1)]
        dW = [None] + [np.empty_like(W[l]) for l in range(1, L + 1)]
        sizes = [BATCH_SIZE] * (m // BATCH_SIZE) + ([m % BATCH_SIZE] if m % BATCH_SIZE else [])
        bufs = {}
        for B in set(sizes):
            A = [rng.standard_normal((dims[l], B), dtype=dtype) for l in range(L + 1)]
            dZ = [None] + [rng.standard_normal((dims[l], B), dtype=dtype) for l in range(1, L + 1)]
            bufs[B] = (A, dZ)
        matmul = np.matmul
        for _ in range(epochs):
            peer.begin_epoch()
            for B in sizes:
                A, dZ = bufs[B]
                for l in range(1, L + 1):                       # forward: Z = W A_prev
                    matmul(W[l], A[l - 1], out=A[l])
                for l in range(L, 0, -1):                       # backward: dW = dZ A_prev.T, dA = W.T dZ
                    matmul(dZ[l], A[l - 1].T, out=dW[l])
                    if l > 1:
                        matmul(W[l].T, dZ[l], out=dZ[l - 1])
            peer.end_epoch()
        peer.turn.next()

    return Peer("bound", "matmul bound", target)


# ----------------------------------------------------------------------------- memory
def memory_child(args):
    """Run in a subprocess: peak traced memory of one epoch of dlnotes on the MNIST-sized set."""
    import tracemalloc

    import numpy as np

    dtype = np.dtype(args.dtype)
    wl = make_workload("mnist", dtype, args.mnist_examples)
    X = wl["X_train"].T
    Y = one_hot(wl["y_train"], 10, dtype)
    del wl["X_test"]
    dims = wl["layer_dims"]
    L = len(dims) - 1
    n_params = sum(dims[l] * dims[l - 1] + dims[l] for l in range(1, L + 1))
    # one batch: the input columns and, per layer, Z and A
    batch_values = BATCH_SIZE * (dims[0] + 2 * sum(dims[1:]))
    data_bytes = X.nbytes + Y.nbytes
    reference = data_bytes + (n_params + batch_values) * dtype.itemsize
    out = {"dtype": dtype.name, "data_MB": data_bytes / 1e6, "reference_MB": reference / 1e6}
    if args.peer == "dlnotes":
        from dlnotes import train

        tracemalloc.start()
        train.fit(X, Y, dims, activations=("relu",) * (L - 1) + ("softmax",), loss="cce",
                  optimizer="adam", learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE, epochs=1, rng=SEED)
    else:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        Xr, y = wl["X_train"], wl["y_train"]
        clf = MLPClassifier(hidden_layer_sizes=dims[1:-1], solver="adam", alpha=0.0, batch_size=BATCH_SIZE,
                            max_iter=1, random_state=SEED, tol=0.0, n_iter_no_change=10**9)
        tracemalloc.start()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(Xr, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out.update(peak_extra_MB=peak / 1e6, peak_MB=(data_bytes + peak) / 1e6,
               ratio=(data_bytes + peak) / reference, peer=args.peer)
    print(json.dumps(out))


def measure_memory(args, dtype, peer):
    cmd = [sys.executable, __file__, "--_memory-child", "--dtype", dtype, "--peer", peer,
           "--mnist-examples", str(args.mnist_examples)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
    if proc.returncode != 0:
        raise RuntimeError(f"memory measurement failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- report
def cpu_description():
    """The CPU's model name, family, model and widest SIMD (from /proc/cpuinfo when there is one)."""
    cpu = platform.processor() or "unknown"
    try:
        fields = {}
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
        cpu = fields.get("model name", cpu)
        flags = fields.get("flags", "").split()
        simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "no AVX2"
        cpu += f" (family {fields.get('cpu family', '?')}, model {fields.get('model', '?')}, {simd})"
    except OSError:
        pass
    return cpu


def machine_info():
    import numpy as np
    import sklearn
    import threadpoolctl

    info = {
        "cpu": cpu_description(), "cores": os.cpu_count(), "python": platform.python_version(),
        "numpy": np.__version__, "scikit-learn": sklearn.__version__,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "blas": [f"{d.get('internal_api')} {d.get('version')} ({d.get('architecture', '?')}, {d['prefix']})"
                 for d in threadpoolctl.threadpool_info() if d.get("user_api") == "blas"],
        "loadavg_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    try:
        import dlnotes

        info["dlnotes"] = dlnotes.__version__
    except (ImportError, AttributeError):
        info["dlnotes"] = "?"
    return info


def _threads(n):
    return f"{n} thread" + ("" if n == 1 else "s")


def _fmt_ms(seconds):
    ms = seconds * 1e3
    return f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def render_markdown(results, overheads, memory, info, command, checks):
    lines = []
    lines.append(f"Measured {info['date']} on **{info['cpu']}** ({info['cores']} cores), "
                 f"Python {info['python']}, NumPy {info['numpy']}, scikit-learn {info['scikit-learn']}, "
                 f"PyTorch {info['torch'] or 'not installed'}, dlnotes {info['dlnotes']}.  ")
    lines.append(f"BLAS: {'; '.join(info['blas'])}; `OPENBLAS_CORETYPE` {info['OPENBLAS_CORETYPE']}. "
                 f"Load average at the start {info['loadavg_start'][0]:.2f}, "
                 f"at the end {info.get('loadavg_end', (float('nan'),))[0]:.2f}.  ")
    lines.append(f"Adam (lr {LEARNING_RATE:g}), batch size {BATCH_SIZE}, ReLU hidden layers, softmax output. "
                 "Times are the median per-epoch wall time after warm-up epochs; ratios are taken "
                 "within the same run (&times; < 1 means dlnotes is faster).")
    lines.append("")
    wall = info.get("wall_s")
    lines.append(f"Command: `{command}`" + ("" if wall is None else f" (the whole run took {wall / 60:.1f} min)"))
    lines.append("")
    for wname in WORKLOADS:
        rows = [r for r in results if r["workload"] == wname]
        if not rows:
            continue
        shape = rows[0].get("shape", {})
        title = WORKLOADS[wname]["title"].format(
            m=f"{shape['m']:,}".replace(",", "\u202f") if "m" in shape else "?", n=shape.get("n", "?"),
            dims="-".join(str(d) for d in shape.get("layer_dims", ())))
        lines.append(f"**{title}** "
                     f"({rows[0]['warmup']} warm-up + {rows[0]['measured']} measured epochs)")
        lines.append("")
        lines.append("| dtype | threads | peer | ms / epoch | &times; scikit-learn | &times; PyTorch "
                     "| &times; matmul bound | test accuracy |")
        lines.append("|---|---:|---|---:|---:|---:|---:|---:|")
        for r in rows:
            t = r["peers"]
            for peer in PEERS:
                if peer not in t:
                    continue
                e = t[peer]
                if "skipped" in e:
                    lines.append(f"| {r['dtype']} | {r['threads']} | {PEER_NAMES[peer]} | skipped: {e['skipped']} "
                                 "| | | | |")
                    continue

                def ratio(other):
                    if other == peer or other not in t or "epoch_s" not in t[other]:
                        return "" if other == peer else "n/a"
                    return f"{e['epoch_s'] / t[other]['epoch_s']:.2f}"
                acc = "" if e["accuracy"] is None else f"{e['accuracy']:.3f}"
                name = f"**{PEER_NAMES[peer]}**" if peer == "dlnotes" else PEER_NAMES[peer]
                lines.append(f"| {r['dtype']} | {r['threads']} | {name} | {_fmt_ms(e['epoch_s'])} | "
                             f"{ratio('sklearn')} | {ratio('torch')} | {ratio('bound')} | {acc} |")
        lines.append("")
    if overheads:
        lines.append("**Dropout and L2** (dlnotes on the MNIST-sized set; keep_prob 0.9 on the hidden "
                     "layers, L2 &lambda; = 0.01)")
        lines.append("")
        lines.append("| dtype | threads | variant | ms / epoch | &times; plain |")
        lines.append("|---|---:|---|---:|---:|")
        for o in overheads:
            lines.append(f"| {o['dtype']} | {o['threads']} | {o['variant']} | {_fmt_ms(o['epoch_s'])} | "
                         f"{o['ratio']:.2f} |")
        lines.append("")
    if memory:
        lines.append("**Peak memory while training one epoch on the MNIST-sized set** (tracemalloc; the "
                     "reference is the training data + the parameters + one batch's activations)")
        lines.append("")
        lines.append("| dtype | peer | data (MB) | reference (MB) | peak (MB) | peak / reference |")
        lines.append("|---|---|---:|---:|---:|---:|")
        for mem in memory:
            lines.append(f"| {mem['dtype']} | {PEER_NAMES[mem['peer']]} | {mem['data_MB']:.0f} | "
                         f"{mem['reference_MB']:.0f} | {mem['peak_MB']:.0f} | {mem['ratio']:.2f} |")
        lines.append("")
    if checks:
        lines.append("**Targets**")
        lines.append("")
        lines.append("| target | measured | met |")
        lines.append("|---|---:|---|")
        for c in checks:
            lines.append(f"| {c['what']} &le; {c['limit']:g} ({c['where']}) | {c['value']:.2f} | "
                         f"{'yes' if c['ok'] else '**no**'} |")
        lines.append("")
    return "\n".join(lines)


def evaluate_targets(results, overheads, memory):
    checks = []
    for r in results:
        t = r["peers"]
        d = t.get("dlnotes", {})
        if "epoch_s" not in d:
            continue
        for wname, other, limit, what in TARGETS:
            if r["workload"] != wname or "epoch_s" not in t.get(other, {}):
                continue
            if other == "torch" and r["dtype"] != "float32":
                continue
            if other == "bound" and r["threads"] != 1:
                continue
            value = d["epoch_s"] / t[other]["epoch_s"]
            checks.append({"what": what, "where": f"{r['dtype']}, {_threads(r['threads'])}",
                           "limit": limit, "value": value, "ok": value <= limit})
    for o in overheads:
        checks.append({"what": f"{o['variant']} / plain", "where": f"{o['dtype']}, {_threads(o['threads'])}",
                       "limit": 1.15, "value": o["ratio"], "ok": o["ratio"] <= 1.15})
    for mem in memory:
        if mem["peer"] == "dlnotes":
            checks.append({"what": "peak memory / reference", "where": mem["dtype"], "limit": 1.5,
                           "value": mem["ratio"], "ok": mem["ratio"] <= 1.5})
    return checks


# ----------------------------------------------------------------------------- main
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default="digits,mnist", help="comma list of: digits, mnist")
    p.add_argument("--dtypes", default="float32,float64", help="comma list of: float32, float64")
    p.add_argument("--threads", default="1,2", help="comma list of BLAS thread counts")
    p.add_argument("--peers", default=",".join(PEERS), help="comma list of: " + ", ".join(PEERS))
    p.add_argument("--epochs-digits", type=int, default=25, help="epochs per digits run, warm-up included")
    p.add_argument("--epochs-mnist", type=int, default=5, help="epochs per MNIST-sized run, warm-up included")
    p.add_argument("--warmup", type=int, default=1, help="epochs not counted at the start of each run")
    p.add_argument("--mnist-examples", type=int, default=60000, help="training examples of the MNIST-sized set")
    p.add_argument("--overheads", default="float32,float64",
                   help="dtypes (1 thread) for the dropout/L2 runs on the MNIST-sized set; 'none' to skip")
    p.add_argument("--memory", default="float32",
                   help="dtypes for the peak-memory runs (subprocesses); 'none' to skip")
    p.add_argument("--quick", action="store_true",
                   help="a quick look: float32, 1 thread, 3 epochs, 10 000 MNIST-sized examples, "
                        "no overhead/memory runs, nothing written unless --output is given")
    p.add_argument("--output", default=None, help=f"directory for latest.md/latest.json (default {RESULTS} "
                                                  "for a full run)")
    p.add_argument("--openblas-coretype", default=None,
                   help="set OPENBLAS_CORETYPE (e.g. SkylakeX, Haswell) for this run; the script re-executes "
                        "itself so that every peer runs with it")
    p.add_argument("--render", metavar="JSON", default=None,
                   help="only rewrite the Markdown table next to a saved latest.json (no measuring)")
    # internal: the memory subprocess
    p.add_argument("--_memory-child", dest="memory_child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--dtype", default="float32", help=argparse.SUPPRESS)
    p.add_argument("--peer", default="dlnotes", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.dtypes = "float32" if args.dtypes == "float32,float64" else args.dtypes
        args.threads = "1" if args.threads == "1,2" else args.threads
        args.epochs_digits = min(args.epochs_digits, 6)
        args.epochs_mnist = min(args.epochs_mnist, 3)
        args.mnist_examples = min(args.mnist_examples, 10000)
        args.overheads = "none" if args.overheads == "float32,float64" else args.overheads
        args.memory = "none" if args.memory == "float32" else args.memory
    return args


def _list(s):
    return [] if s.strip().lower() == "none" else [x.strip() for x in s.split(",") if x.strip()]


def main(argv=None):
    args = parse_args(argv)
    if args.openblas_coretype and os.environ.get("OPENBLAS_CORETYPE") != args.openblas_coretype:
        env = dict(os.environ, OPENBLAS_CORETYPE=args.openblas_coretype)
        os.execve(sys.executable, [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:])], env)
    if args.memory_child:
        return memory_child(args)
    if args.render:
        path = Path(args.render)
        saved = json.loads(path.read_text())
        md = render_markdown(saved["results"], saved["overheads"], saved["memory"], saved["machine"],
                             saved["command"], saved["targets"])
        (path.parent / "latest.md").write_text(md + "\n")
        print(md)
        return 0

    import numpy as np
    from threadpoolctl import threadpool_limits

    workloads = _list(args.workloads)
    dtypes = _list(args.dtypes)
    threads = [int(t) for t in _list(args.threads)]
    peers = _list(args.peers)
    for name in workloads:
        if name not in WORKLOADS:
            sys.exit(f"--workloads: expected names from {sorted(WORKLOADS)}, got {name!r}")
    for peer in peers:
        if peer not in PEERS:
            sys.exit(f"--peers: expected names from {PEERS}, got {peer!r}")
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        if "torch" in peers:
            print("PyTorch is not installed: its column is skipped (pip install torch to measure it).")

    info = machine_info()
    print(f"{info['cpu']}, {info['cores']} cores; numpy {info['numpy']}, scikit-learn {info['scikit-learn']}, "
          f"torch {info['torch']}; BLAS {info['blas']}; OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}; "
          f"load {info['loadavg_start']}", flush=True)
    t_start = time.perf_counter()
    results, overheads, memory, failures = [], [], [], []
    for wname in workloads:
        epochs = args.epochs_digits if wname == "digits" else args.epochs_mnist
        for dname in dtypes:
            wl = make_workload(wname, np.dtype(dname), args.mnist_examples)
            for n_threads in threads:
                row = {"workload": wname, "dtype": dname, "threads": n_threads, "warmup": args.warmup,
                       "measured": epochs - args.warmup, "peers": {},
                       "shape": {"m": int(wl["X_train"].shape[0]), "n": int(wl["X_train"].shape[1]),
                                 "m_test": int(wl["X_test"].shape[0]), "layer_dims": list(wl["layer_dims"])}}
                runs = []
                for peer in peers:
                    if peer == "torch" and not have_torch:
                        row["peers"][peer] = {"skipped": "not installed"}
                    elif peer == "dlnotes":
                        runs.append(dlnotes_peer(wl, epochs))
                    elif peer == "sklearn":
                        runs.append(sklearn_peer(wl, epochs))
                    elif peer == "torch":
                        runs.append(torch_peer(wl, epochs, n_threads))
                    else:
                        runs.append(bound_peer(wl, epochs))
                # dropout and L2 runs join the same round robin as plain dlnotes (first thread count)
                variants = []
                if (wname == "mnist" and dname in _list(args.overheads) and "dlnotes" in peers
                        and n_threads == threads[0]):
                    for variant, kw in (("dropout", {"keep_prob": 0.9}), ("L2", {"lambd": 0.01}),
                                        ("dropout + L2", {"keep_prob": 0.9, "lambd": 0.01})):
                        variants.append((variant, dlnotes_peer(wl, epochs, label=f"dlnotes + {variant}", **kw)))
                with threadpool_limits(limits=n_threads):
                    run_round_robin(runs + [v for _, v in variants], epochs)
                for run in runs:
                    res = row["peers"][run.name] = run.result(args.warmup)
                    acc = res["accuracy"]
                    print(f"{wname:6s} {dname} {n_threads} thread(s) {run.label:13s} "
                          f"{_fmt_ms(res['epoch_s']):>7s} ms/epoch"
                          + ("" if acc is None else f"  test accuracy {acc:.3f}"), flush=True)
                    if acc is not None and acc < WORKLOADS[wname]["min_accuracy"]:
                        failures.append(f"{run.label} on {wname} {dname} {n_threads} thread(s): "
                                        f"test accuracy {acc:.3f} < {WORKLOADS[wname]['min_accuracy']} "
                                        "(chance is 0.1)")
                results.append(row)
                for variant, run in variants:
                    res = run.result(args.warmup)
                    plain = row["peers"]["dlnotes"]["epoch_s"]
                    overheads.append({"dtype": dname, "threads": n_threads, "variant": variant,
                                      "epoch_s": res["epoch_s"], "ratio": res["epoch_s"] / plain,
                                      "epochs_s": res["epochs_s"], "accuracy": res["accuracy"]})
                    print(f"{wname:6s} {dname} {n_threads} thread(s) {run.label}: {_fmt_ms(res['epoch_s'])} "
                          f"ms/epoch ({res['epoch_s'] / plain:.2f}x plain), test accuracy {res['accuracy']:.3f}",
                          flush=True)
                    if res["accuracy"] < WORKLOADS[wname]["min_accuracy"]:
                        failures.append(f"{run.label} on {wname} {dname}: test accuracy {res['accuracy']:.3f}")
            del wl
    for dname in _list(args.memory):
        for peer in ("dlnotes", "sklearn"):
            if peer in peers:
                mem = measure_memory(args, dname, peer)
                memory.append(mem)
                print(f"memory {dname} {PEER_NAMES[peer]}: peak {mem['peak_MB']:.0f} MB = {mem['ratio']:.2f} x "
                      f"(data + parameters + one batch = {mem['reference_MB']:.0f} MB)", flush=True)
    info["loadavg_end"] = os.getloadavg()
    info["wall_s"] = time.perf_counter() - t_start
    checks = evaluate_targets(results, overheads, memory)
    command = "python benchmarks/bench_train.py" + ("" if argv is None and len(sys.argv) == 1
                                                    else " " + " ".join(argv if argv is not None else sys.argv[1:]))
    md = render_markdown(results, overheads, memory, info, command, checks)
    print()
    print(md)
    print(f"(total {info['wall_s']:.0f} s)")
    out_dir = Path(args.output) if args.output else (None if args.quick else RESULTS)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "latest.md").write_text(md + "\n")
        (out_dir / "latest.json").write_text(json.dumps(
            {"machine": info, "command": command, "results": results, "overheads": overheads,
             "memory": memory, "targets": checks}, indent=1) + "\n")
        print(f"wrote {out_dir / 'latest.md'} and {out_dir / 'latest.json'}")
    if failures:
        print("\n".join(["FAILED: a peer did not learn:"] + failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
