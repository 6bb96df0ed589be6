"""A fused, in-place training loop: the ``engine="fused"`` of ``train.fit``.

The pages show the readable code: :func:`dlnotes.nn.model_forward`,
:func:`dlnotes.nn.model_backward` and :class:`dlnotes.optim.Adam` allocate new
arrays at every step, which keeps every line close to its equation. This module
computes **the same numbers** (same parameters after the same steps, up to
rounding) with the work rearranged for speed; nothing here is needed to
understand the method. What changes:

* **No allocation per mini-batch.** Every array (the batch, $Z^{[l]}$,
  $A^{[l]}$, the dropout masks, $dZ^{[l]}$, the gradients) is allocated once per
  batch size and reused; NumPy writes into it with ``out=``.
* **One flat vector for all parameters**, one for the gradients and one per
  optimizer state. ``W1``, ``b1``, ... are views into it, so the optimizer
  updates every parameter with about ten NumPy calls per step, whatever the
  number of layers.
* **The batch is gathered** from the training set with ``np.take(..., out=)``
  instead of shuffling a copy of ``X`` every epoch (no second copy of the data).
* **The $1/m$ is applied once**, to $dZ^{[L]}$ (a few numbers), instead of to
  every $dW^{[l]}$ and $db^{[l]}$: the backward pass is linear in $dZ^{[L]}$, so
  the gradients are the same.
* **Adam keeps unnormalised sums** $\\tilde v = v / (1-\\beta_1)$ and
  $\\tilde s = s / (1-\\beta_2)$, so that each average is updated with two
  in-place operations, and the bias corrections are folded into two scalars:
  $$W := W - \\alpha_t \\frac{\\tilde v}{\\sqrt{\\tilde s} + \\hat\\varepsilon_t},
  \\quad \\alpha_t = \\frac{\\alpha (1-\\beta_1)}{(1-\\beta_1^t)\\, k_t},\\quad
  \\hat\\varepsilon_t = \\frac{\\varepsilon}{k_t},\\quad
  k_t = \\sqrt{\\frac{1-\\beta_2}{1-\\beta_2^t}},$$
  which is the update of :class:`dlnotes.optim.Adam` rewritten, not changed.
  A gradient whose square overflows is clipped as :meth:`dlnotes.optim.Optimizer.step`
  clips it (to ``optimizer.clip_bound(dtype)``, small enough for $\\tilde s$ too); a
  BLAS dot product $\\sum_i g_i^2$ (one read of the gradients, finite in the common
  case) tells when to look for such components. Two differences remain, both
  for gradient components between the clip bound ($\\approx 2\\cdot 10^{152}$ in float64
  for $\\beta_2 = 0.999$) and $\\sqrt{\\text{largest float}}$ ($1.3\\cdot 10^{154}$): the
  readable optimizers decide per parameter array and this loop for all of them at once,
  and without any overflow such a component can still overflow $\\tilde s$ (which
  ``train.fit`` then reports as a divergence) where the readable $s$ stays finite.

* **Dropout masks come from the raw bits.** ``rng.random(shape, dtype) < p``
  turns each raw draw of the bit generator into a float and compares it with
  $p$; :func:`bernoulli_mask` compares the raw integers with the equivalent
  integer threshold instead, which skips the conversion (same draws, same
  mask; the cost of dropout is measured on the benchmarks page).
* **The L2 gradient is one BLAS ``axpy``** ($dW \\mathrel{+}= (\\lambda/m) W$ over all
  layers at once) when SciPy is installed, instead of a multiply and an add.

The random numbers are drawn in the same order as the readable path (one
``rng.permutation(m)`` per epoch, then per mini-batch the draws of one
``rng.random((n[l], m_batch), dtype)`` per dropout layer, layer 1 first), so
dropout masks are identical. ``tests/test_fast.py`` checks that both paths give
the same parameters (float64 to about 1e-12, float32 closely) and
``benchmarks/bench_train.py`` measures the speed. See
[the benchmarks page](benchmarks.md).
"""

from __future__ import annotations

import math

import numpy as np

from dlnotes import losses as _losses
from dlnotes import nn as _nn
from dlnotes import optim as _optim

try:                                   # optional: one BLAS call for dW += (lambda / m) W
    from scipy.linalg.blas import get_blas_funcs as _get_blas_funcs
except ImportError:                    # pragma: no cover - scipy comes with scikit-learn
    _get_blas_funcs = None

__all__ = ["HIDDEN_ACTIVATIONS", "OUTPUTS", "unsupported_reason", "bernoulli_mask", "FusedTrainer"]

#: Hidden-layer activations the fused loop implements.
HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
#: (output activation, loss) pairs the fused loop implements; for each,
#: $dZ^{[L]} = A^{[L]} - Y$.
OUTPUTS = (("softmax", "cce"), ("sigmoid", "bce"), ("identity", "mse"), ("linear", "mse"))
_OPTIMIZERS = (_optim.GradientDescent, _optim.Momentum, _optim.RMSprop, _optim.Adam)


def unsupported_reason(activations, loss, optimizer, *, batchnorm=False, l1=0.0):
    """Why a configuration cannot use the fused loop, or ``None`` when it can.

    ``train.fit(engine="auto")`` uses the fused loop exactly when this returns
    ``None``, and ``engine="fused"`` raises a ``ValueError`` with this reason
    otherwise; see [the benchmarks page](benchmarks.md).

    Parameters
    ----------
    activations : sequence of str
        One name per layer; hidden layers in :data:`HIDDEN_ACTIVATIONS`, the
        output and ``loss`` one of :data:`OUTPUTS`.
    loss : str
        ``"cce"``, ``"bce"`` or ``"mse"``.
    optimizer : dlnotes.optim.Optimizer
        An instance of ``GradientDescent``, ``Momentum``, ``RMSprop`` or ``Adam``
        (exactly these classes: a subclass may change the update).
    batchnorm : bool, default False
        Batch normalization is not fused.
    l1 : float, default 0.0
        An L1 penalty is not fused (L2 and dropout are).

    Returns
    -------
    str or None

    Examples
    --------
    >>> from dlnotes.optim import Adam
    >>> unsupported_reason(("relu", "softmax"), "cce", Adam()) is None
    True
    >>> unsupported_reason(("relu", "softmax"), "cce", Adam(), batchnorm=True)
    'batch normalization'
    """
    if batchnorm:
        return "batch normalization"
    if l1:
        return "an L1 penalty"
    if type(optimizer) not in _OPTIMIZERS:
        return f"optimizer {type(optimizer).__name__}"
    acts = list(activations)
    if not acts:
        return "no layers"
    for name in acts[:-1]:
        if name not in HIDDEN_ACTIVATIONS:
            return f"hidden activation {name!r}"
    if (acts[-1], loss) not in OUTPUTS:
        return f"output {acts[-1]!r} with loss {loss!r}"
    return None


def _diverged(epoch, iteration, learning_rate, what):
    """The ``FloatingPointError`` both engines of ``train.fit`` raise when training diverges."""
    return FloatingPointError(
        f"training diverged at epoch {epoch}, iteration {iteration}: {what}; "
        f"try a smaller learning_rate (it was {learning_rate:g})")


# --8<-- [start:bernoulli_mask]
def bernoulli_mask(rng, p, out, dtype):
    r"""``out[...] = rng.random(out.shape, dtype) < p``, from the generator's raw bits.

    With NumPy's default bit generator (PCG64), ``rng.random(dtype=float64)`` maps each raw
    64-bit draw $r$ to $\lfloor r / 2^{11} \rfloor\, 2^{-53}$, and ``dtype=float32`` maps each
    32-bit half $u$ (low half first) to $\lfloor u / 2^{8} \rfloor\, 2^{-24}$. For an integer
    $k$ and a real $x$, $k < x \iff k < \lceil x \rceil$, so

    $$\lfloor r/2^{11} \rfloor\, 2^{-53} < p \iff r < \lceil p\, 2^{53} \rceil\, 2^{11}
    \quad\text{and}\quad \lfloor u/2^{8} \rfloor\, 2^{-24} < p \iff u < \lceil p\, 2^{24} \rceil\, 2^{8}:$$

    one integer comparison per unit and no conversion to floating point. Other bit
    generators, an odd float32 count, or a half-used 64-bit draw fall back to
    ``rng.random``. ``tests/test_fast.py`` checks both give the same mask and leave
    ``rng`` in the same state. Measured on [the benchmarks page](benchmarks.md).

    Parameters
    ----------
    rng : numpy.random.Generator
        Advanced exactly as ``rng.random(out.shape, dtype=dtype)`` would advance it.
    p : float
        Keep probability, compared as ``rng.random`` output is: in ``dtype``.
    out : ndarray of bool
        The mask, written in place.
    dtype : numpy.float32 or numpy.float64

    Returns
    -------
    ndarray of bool
        ``out``.

    Examples
    --------
    >>> a, b = np.random.default_rng(5), np.random.default_rng(5)
    >>> mask = bernoulli_mask(a, 0.8, np.empty((3, 4), dtype=bool), np.float32)
    >>> bool(np.array_equal(mask, b.random((3, 4), dtype=np.float32) < 0.8)), a.random() == b.random()
    (True, True)
    """
    bits = rng.bit_generator
    n = out.size
    if type(bits) is np.random.PCG64 and 0.0 < p < 1.0:
        if dtype == np.float64:
            raw = bits.random_raw(n).reshape(out.shape)
            return np.less(raw, math.ceil(p * 2.0 ** 53) << 11, out=out)
        if n % 2 == 0 and not bits.state["has_uint32"]:
            p32 = float(np.float32(p))         # rng.random(dtype=float32) < p compares in float32
            if p32 < 1.0:
                raw = bits.random_raw(n // 2).view("<u4").reshape(out.shape)
                return np.less(raw, math.ceil(p32 * 2.0 ** 24) << 8, out=out)
    return np.less(rng.random(out.shape, dtype=dtype), p, out=out)
# --8<-- [end:bernoulli_mask]


class _Buffers:
    """Every array one mini-batch of ``B`` examples needs, allocated once."""

    def __init__(self, dims, B, dtype, keep_probs, transposed_input):
        L = len(dims) - 1
        # The batch: (B, n_x) rows gathered from X.T when X is F-ordered (its columns are
        # contiguous), else (n_x, B) columns gathered from X.
        self.x = np.empty((B, dims[0]) if transposed_input else (dims[0], B), dtype=dtype)
        self.X = self.x.T if transposed_input else self.x
        self.Y = np.empty((dims[-1], B), dtype=dtype)
        # H[l]: Z[l] overwritten in place by A[l] = g(Z[l]) (before dropout).
        self.H = [None] + [np.empty((dims[l], B), dtype=dtype) for l in range(1, L + 1)]
        # A[l]: what layer l + 1 reads -- H[l] itself, or a separate array after dropout.
        self.D = [None] * (L + 1)          # boolean masks
        self.A = [self.X] + self.H[1:]
        for l in range(1, L):
            if keep_probs[l - 1] < 1:
                self.A[l] = np.empty((dims[l], B), dtype=dtype)
                self.D[l] = np.empty((dims[l], B), dtype=bool)
        self.dZ = [None] + [np.empty((dims[l], B), dtype=dtype) for l in range(1, L + 1)]
        self.tmp = [None] + [np.empty((dims[l], B), dtype=dtype) for l in range(1, L + 1)]
        self.mask = [None] + [np.empty((dims[l], B), dtype=bool) for l in range(1, L + 1)]
        self.col = np.empty((1, B), dtype=dtype)


class FusedTrainer:
    """Mini-batch training of a fully connected network with preallocated, in-place arrays.

    One step computes, for $l = 1..L$, $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$,
    $A^{[l]} = g^{[l]}(Z^{[l]})$ (times $D^{[l]}/p_l$ with dropout), then
    $dZ^{[L]} = (A^{[L]} - Y)/m$ and for $l = L..1$
    $dW^{[l]} = dZ^{[l]} A^{[l-1]T} + (\\lambda/m) W^{[l]}$,
    $db^{[l]} = \\sum_i dZ^{[l]}_{:,i}$,
    $dZ^{[l-1]} = (W^{[l]T} dZ^{[l]}) \\odot D^{[l-1]}/p_{l-1} \\odot g'(Z^{[l-1]})$,
    then the optimizer's update. These are the equations of
    [the deep-network page](course1/week4.md); the
    [benchmarks page](benchmarks.md) measures the speed.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``, all of one dtype
        (float32 or float64). They are **copied** into one flat vector;
        :attr:`parameters` gives views into it.
    activations : sequence of str, length L
        Hidden activations from :data:`HIDDEN_ACTIVATIONS`, then the output.
    loss : str
        With the output activation, one of :data:`OUTPUTS`.
    optimizer : dlnotes.optim.Optimizer
        ``GradientDescent``, ``Momentum``, ``RMSprop`` or ``Adam``. Its
        hyperparameters, ``learning_rate`` and step counter ``t`` are read at
        every step (so schedules that call ``set_learning_rate`` work) and ``t``
        is advanced; its ``state`` is written by :meth:`sync_optimizer`.
    batch_size : int
        Mini-batch size (the last batch of an epoch may be smaller).
    lambd : float, default 0.0
        L2 strength $\\lambda$: $dW^{[l]}$ gains $(\\lambda/m) W^{[l]}$ with $m$ the batch size.
    keep_probs : None, float or sequence of L - 1 floats
        Inverted-dropout keep probabilities of the hidden layers.

    Examples
    --------
    >>> from dlnotes.optim import Adam
    >>> rng = np.random.default_rng(0)
    >>> params = {"W1": rng.standard_normal((3, 2)), "b1": np.zeros((3, 1)),
    ...           "W2": rng.standard_normal((1, 3)), "b2": np.zeros((1, 1))}
    >>> X = rng.standard_normal((2, 100)); Y = (X[:1] * X[1:] > 0).astype(float)
    >>> trainer = FusedTrainer(params, ("tanh", "sigmoid"), "bce", Adam(0.05), batch_size=32)
    >>> costs = [trainer.train_epoch(X, Y, rng)[0] / 100 for _ in range(50)]
    >>> bool(costs[-1] < 0.5 * costs[0])
    True
    >>> sorted(trainer.parameters) == sorted(params)
    True
    """

    def __init__(self, parameters, activations, loss, optimizer, *, batch_size, lambd=0.0,
                 keep_probs=None):
        reason = unsupported_reason(activations, loss, optimizer)
        if reason is not None:
            raise ValueError(f"FusedTrainer: {reason} is not supported by the fused loop")
        self.activations = tuple(activations)
        self.loss = loss
        self.optimizer = optimizer
        self.batch_size = int(batch_size)
        self.lambd = float(lambd)
        L = self.L = len(self.activations)
        Ws = [np.asarray(parameters[f"W{l}"]) for l in range(1, L + 1)]
        self.dtype = Ws[0].dtype
        for name, value in parameters.items():
            if np.asarray(value).dtype != self.dtype or self.dtype not in (np.float32, np.float64):
                raise TypeError(f"{name}: expected dtype {self.dtype} (the dtype of W1; float32 or "
                                f"float64), got {np.asarray(value).dtype}")
        self.dims = (Ws[0].shape[1],) + tuple(W.shape[0] for W in Ws)
        self.keep_probs = _nn._keep_prob_list(keep_probs, L)
        # One flat vector for all parameters (W1, ..., WL, then b1, ..., bL), one for the gradients.
        self._names = [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]
        sizes = [int(np.prod(np.shape(parameters[k]))) for k in self._names]
        self.theta = np.empty(sum(sizes), dtype=self.dtype)
        self.grad = np.empty_like(self.theta)
        self.parameters, self.grads, offset = {}, {}, 0
        for name, size in zip(self._names, sizes):
            shape = np.shape(parameters[name])
            view = self.theta[offset:offset + size].reshape(shape)
            view[...] = parameters[name]
            self.parameters[name] = view
            self.grads["d" + name] = self.grad[offset:offset + size].reshape(shape)
            offset += size
        # the dicts keep the caller's key order (W1, b1, W2, ...), whatever the flat layout
        self.parameters = {k: self.parameters[k] for k in parameters if k in self.parameters}
        self.grads = {"d" + k: self.grads["d" + k] for k in self.parameters}
        self._W = [None] + [self.parameters[f"W{l}"] for l in range(1, L + 1)]
        self._b = [None] + [self.parameters[f"b{l}"] for l in range(1, L + 1)]
        self._dW = [None] + [self.grads[f"dW{l}"] for l in range(1, L + 1)]
        self._db = [None] + [self.grads[f"db{l}"] for l in range(1, L + 1)]
        n_weights = sum(W.size for W in Ws)
        self._W_all = self.theta[:n_weights]            # all weights, one contiguous block
        self._dW_all = self.grad[:n_weights]
        self._axpy = self._l2tmp = None
        if self.lambd > 0 and _get_blas_funcs is not None:
            self._axpy = _get_blas_funcs("axpy", (self._W_all,))
        elif self.lambd > 0:
            self._l2tmp = np.empty_like(self._W_all)
        self._buffers = {}
        self._state = self._init_state(optimizer)
        self._eps = _losses.clip_eps(self.dtype)

    # ------------------------------------------------------------------ optimizer
    def _init_state(self, opt):
        """Flat optimizer state, taken over from ``opt.state`` when it has some."""
        def flat(key, scale):
            out = np.zeros_like(self.theta)
            for name, view in self.parameters.items():
                arr = opt.state.get(name, {}).get(key)
                if arr is not None:
                    out[self._slice(name)] = np.ravel(arr) / scale
            return out
        if isinstance(opt, _optim.Adam):
            return {"v": flat("v", 1.0 - opt.beta1), "s": flat("s", 1.0 - opt.beta2)}
        if isinstance(opt, _optim.Momentum):
            return {"v": flat("v", 1.0)}
        if isinstance(opt, _optim.RMSprop):
            return {"s": flat("s", 1.0), "tmp": np.empty_like(self.theta)}
        return {}

    def _slice(self, name):
        offset = 0
        for n in self._names:
            size = self.parameters[n].size
            if n == name:
                return slice(offset, offset + size)
            offset += size
        raise KeyError(name)

    def sync_optimizer(self):
        """Write the flat state back into ``optimizer.state`` in the readable form (``v``, ``s``)."""
        opt, st = self.optimizer, self._state
        for name, view in self.parameters.items():
            sl = self._slice(name)
            slots = opt.state.setdefault(name, {})
            if isinstance(opt, _optim.Adam):
                slots["v"] = (st["v"][sl] * (1.0 - opt.beta1)).reshape(view.shape)
                slots["s"] = (st["s"][sl] * (1.0 - opt.beta2)).reshape(view.shape)
            elif isinstance(opt, _optim.Momentum):
                slots["v"] = st["v"][sl].reshape(view.shape).copy()
            elif isinstance(opt, _optim.RMSprop):
                slots["s"] = st["s"][sl].reshape(view.shape).copy()

    def _clip_huge(self, g):
        """Clip ``g`` in place to the optimizer's ``clip_bound`` if a component's square would overflow.

        The rule of :meth:`dlnotes.optim.Optimizer.step`. The common case costs one BLAS dot
        product ($\\sum g_i^2$, a read of ``g``, no write): when it is finite, no square
        overflows. Only when it is not are the largest components looked at.
        """
        with np.errstate(over="ignore", invalid="ignore"):
            total = float(np.dot(g, g))
        if math.isfinite(total):
            return
        lo, hi = float(g.min()), float(g.max())
        if max(hi, -lo) > math.sqrt(float(np.finfo(self.dtype).max)):
            bound = self.optimizer.clip_bound(self.dtype)
            np.clip(g, -bound, bound, out=g)

    def _update(self):
        """One optimizer step on the flat vectors (the gradient is overwritten)."""
        opt, p, g, st = self.optimizer, self.theta, self.grad, self._state
        opt.t += 1
        lr = opt.learning_rate
        if type(opt) is _optim.Adam:
            # --8<-- [start:fused-adam]
            b1, b2 = opt.beta1, opt.beta2
            v, s = st["v"], st["s"]
            self._clip_huge(g)                        # as optim.Adam.step does, when g^2 would overflow
            v *= b1                                   # v~ = b1 v~ + g      (v = (1 - b1) v~)
            v += g
            np.square(g, out=g)
            s *= b2                                   # s~ = b2 s~ + g^2    (s = (1 - b2) s~)
            s += g
            k = math.sqrt((1.0 - b2) / (1.0 - b2 ** opt.t))
            step = lr * (1.0 - b1) / ((1.0 - b1 ** opt.t) * k)
            np.sqrt(s, out=g)
            g += opt.epsilon / k
            np.divide(v, g, out=g)
            g *= step
            p -= g
            # --8<-- [end:fused-adam]
        elif type(opt) is _optim.GradientDescent:
            g *= lr
            p -= g
        elif type(opt) is _optim.Momentum:
            v = st["v"]
            v *= opt.beta
            g *= 1.0 - opt.beta
            v += g
            np.multiply(v, lr, out=g)
            p -= g
        else:                                         # RMSprop
            s, tmp = st["s"], st["tmp"]
            self._clip_huge(g)
            s *= opt.beta
            np.square(g, out=tmp)
            tmp *= 1.0 - opt.beta
            s += tmp
            g *= lr
            np.sqrt(s, out=tmp)
            tmp += opt.epsilon
            np.divide(g, tmp, out=g)
            p -= g

    # ------------------------------------------------------------------ one step
    def _buffers_for(self, B, transposed):
        key = (B, transposed)
        buf = self._buffers.get(key)
        if buf is None:
            buf = self._buffers[key] = _Buffers(self.dims, B, self.dtype, self.keep_probs, transposed)
        return buf

    def _forward(self, buf, rng, training=True):
        L, acts, kps = self.L, self.activations, self.keep_probs
        prev = buf.X
        for l in range(1, L + 1):
            H = buf.H[l]
            np.matmul(self._W[l], prev, out=H)
            H += self._b[l]
            name = acts[l - 1]
            if name == "relu":
                np.maximum(H, 0, out=H)
            elif name == "softmax":
                col = buf.col
                np.maximum.reduce(H, axis=0, keepdims=True, out=col)     # np.max, minus a wrapper
                H -= col
                np.exp(H, out=H)
                np.add.reduce(H, axis=0, keepdims=True, out=col)         # np.sum
                H /= col
            elif name == "tanh":
                np.tanh(H, out=H)
            elif name == "sigmoid":                    # exp(-|z|): no overflow (as activations.sigmoid)
                t, pos = buf.tmp[l], buf.mask[l]
                np.greater_equal(H, 0, out=pos)
                np.abs(H, out=t)
                np.negative(t, out=t)
                np.exp(t, out=t)
                np.add(t, 1, out=H)                   # H = 1 + t
                np.copyto(t, 1, where=pos)            # numerator: 1 where z >= 0, t elsewhere
                np.divide(t, H, out=H)
            # identity / linear: nothing to do
            prev = H
            if training and kps[l - 1] < 1:
                D, A = buf.D[l], buf.A[l]
                bernoulli_mask(rng, kps[l - 1], D, self.dtype)
                np.multiply(H, D, out=A)
                A /= kps[l - 1]
                prev = A
        return buf.H[L]

    def _cost(self, buf, m):
        """The batch cost, as ``nn.compute_cost`` computes it (with the L2 term)."""
        AL, Y, t = buf.H[self.L], buf.Y, buf.tmp[self.L]
        if self.loss == "cce":
            np.maximum(AL, self._eps, out=t)
            np.log(t, out=t)
            t *= Y
            cost = float(-np.add.reduce(t, axis=None) / m)
        else:
            cost = _nn.LOSSES[self.loss](AL, Y)
        if self.lambd > 0:
            squares = float(np.vdot(self._W_all, self._W_all))         # sum of all W^2
            cost += self.lambd / (2 * m) * squares
        return cost

    def _backward(self, buf, m):
        L, acts, kps = self.L, self.activations, self.keep_probs
        dZ = buf.dZ[L]
        np.subtract(buf.H[L], buf.Y, out=dZ)
        dZ *= 1.0 / m                                  # the 1/m of every dW and db, applied once
        for l in range(L, 0, -1):
            dZ = buf.dZ[l]
            np.matmul(dZ, buf.A[l - 1].T, out=self._dW[l])
            np.add.reduce(dZ, axis=1, keepdims=True, out=self._db[l])
            if l == 1:
                break
            dA = buf.dZ[l - 1]                         # dA[l-1], turned into dZ[l-1] in place
            np.matmul(self._W[l].T, dZ, out=dA)
            H, name, kp = buf.H[l - 1], acts[l - 2], kps[l - 2]
            if kp < 1 and name == "relu":              # D relu'(Z) = 1[A_drop > 0]: one mask for both
                mask = buf.mask[l - 1]
                np.greater(buf.A[l - 1], 0, out=mask)
                np.multiply(dA, mask, out=dA)
                dA /= kp
                continue
            if kp < 1:
                np.multiply(dA, buf.D[l - 1], out=dA)
                dA /= kp
            if name == "relu":
                mask = buf.mask[l - 1]
                np.greater(H, 0, out=mask)
                np.multiply(dA, mask, out=dA)
            else:
                t = buf.tmp[l - 1]
                if name == "tanh":                     # 1 - tanh(z)^2
                    np.multiply(H, H, out=t)
                    np.subtract(1, t, out=t)
                else:                                  # sigmoid: s (1 - s)
                    np.subtract(1, H, out=t)
                    np.multiply(H, t, out=t)
                np.multiply(dA, t, out=dA)
        if self.lambd > 0:                             # dW += (lambda / m) W, all layers at once
            if self._axpy is not None:
                self._axpy(self._W_all, self._dW_all, a=self.lambd / m)   # in place: one pass
            else:
                np.multiply(self._W_all, self.lambd / m, out=self._l2tmp)
                self._dW_all += self._l2tmp

    # ------------------------------------------------------------------ epochs
    def train_epoch(self, X, Y, rng, *, shuffle=True, record=True, iteration=0, epoch=None):
        """One pass over the data in mini-batches, as one epoch of ``train.fit``.

        Parameters
        ----------
        X : ndarray, shape (n_x, m)
            Examples as columns, the dtype of the parameters. An F-ordered ``X``
            (``data.T`` of a row-major ``data``, as ``flatten_images`` and
            ``load_digits`` return) is gathered fastest: each example is contiguous.
        Y : ndarray, shape (n_y, m)
            Targets in the same dtype.
        rng : numpy.random.Generator
            Draws the order ``rng.permutation(m)`` (when ``shuffle``), then the
            dropout masks, in the order of the readable loop.
        shuffle : bool, default True
            ``False`` visits the examples in order (``fit`` does so for one full batch).
        record : bool, default True
            Compute each batch's cost (with the L2 term) and accuracy, and stop
            with ``FloatingPointError`` when a cost is not finite.
        iteration : int, default 0
            Number of steps before this epoch (for the error message).
        epoch : int, optional
            For the error message.

        Returns
        -------
        cost_sum : float
            $\\sum_k m_k J_k$ over the batches (0 when not recording).
        correct : float
            $\\sum_k m_k\\,\\mathrm{accuracy}_k$ (0 when not recording).
        iteration : int
            ``iteration`` plus the number of steps taken.

        Examples
        --------
        >>> from dlnotes.optim import Adam
        >>> rng = np.random.default_rng(0)
        >>> params = {"W1": 0.5 * rng.standard_normal((4, 3)), "b1": np.zeros((4, 1)),
        ...           "W2": 0.5 * rng.standard_normal((2, 4)), "b2": np.zeros((2, 1))}
        >>> X = rng.standard_normal((3, 50)); Y = np.eye(2)[:, (X[0] > 0).astype(int)]
        >>> trainer = FusedTrainer(params, ("relu", "softmax"), "cce", Adam(0.01), batch_size=16)
        >>> cost_sum, correct, iteration = trainer.train_epoch(X, Y, rng)
        >>> iteration                                  # 50 examples: batches of 16, 16, 16, 2
        4
        >>> bool(0 < cost_sum / 50 < 5 and 0 <= correct / 50 <= 1)
        True
        """
        m = X.shape[1]
        order = rng.permutation(m) if shuffle else np.arange(m)
        cost_sum = correct = 0.0
        try:
            for start in range(0, m, self.batch_size):
                iteration += 1
                idx = order[start:start + self.batch_size]
                cost, acc = self.train_batch(X, Y, idx, rng, record=record)
                if record:
                    if not math.isfinite(cost):
                        raise FloatingPointError(f"the cost is {cost}")
                    cost_sum += cost * idx.size
                    correct += acc * idx.size
        except FloatingPointError as exc:
            raise _diverged(epoch, iteration, self.optimizer.learning_rate, str(exc)) from exc
        finally:
            self.sync_optimizer()
        return cost_sum, correct, iteration

    def predict_proba(self, X, *, chunk=None):
        """The network's output $A^{[L]}$ for the columns of ``X`` (no dropout).

        Computed ``chunk`` columns at a time (default: the batch size) in the
        preallocated arrays, so the memory used does not grow with ``X``.

        Parameters
        ----------
        X : ndarray, shape (n_x, m)
        chunk : int, optional

        Returns
        -------
        ndarray, shape (n_y, m)
            Equal (up to rounding) to ``nn.predict_proba(X, parameters, activations)``.

        Examples
        --------
        >>> from dlnotes import nn
        >>> from dlnotes.optim import Adam
        >>> rng = np.random.default_rng(0)
        >>> params = {"W1": rng.standard_normal((4, 3)), "b1": np.zeros((4, 1)),
        ...           "W2": rng.standard_normal((2, 4)), "b2": np.zeros((2, 1))}
        >>> X = rng.standard_normal((3, 10))
        >>> trainer = FusedTrainer(params, ("tanh", "softmax"), "cce", Adam(), batch_size=4)
        >>> P = trainer.predict_proba(X)
        >>> P.shape, bool(np.allclose(P, nn.predict_proba(X, params, ("tanh", "softmax"))))
        ((2, 10), True)
        """
        m = X.shape[1]
        chunk = int(chunk or self.batch_size)
        out = np.empty((self.dims[-1], m), dtype=self.dtype)
        transposed = X.flags.f_contiguous and not X.flags.c_contiguous
        for start in range(0, m, chunk):
            stop = min(start + chunk, m)
            buf = self._buffers_for(stop - start, transposed)
            if transposed:
                buf.x[...] = X.T[start:stop]
            else:
                buf.x[...] = X[:, start:stop]
            out[:, start:stop] = self._forward(buf, None, training=False)
        return out

    def train_batch(self, X, Y, idx, rng, *, record=True):
        """Gather the columns ``idx`` of ``X`` and ``Y`` and take one optimizer step.

        Returns
        -------
        cost, accuracy : float
            Of the batch before the step, as ``nn.compute_cost`` (with the L2
            term) and ``train.fit`` compute them; ``nan`` when ``record`` is false.
        """
        transposed = X.flags.f_contiguous and not X.flags.c_contiguous
        B = idx.size
        buf = self._buffers_for(B, transposed)
        # --8<-- [start:gather]
        if transposed:                 # X.T is C-ordered: one contiguous row per example
            np.take(X.T, idx, axis=0, out=buf.x, mode="wrap")
        else:
            np.take(X, idx, axis=1, out=buf.x, mode="wrap")
        np.take(Y, idx, axis=1, out=buf.Y, mode="wrap")
        # --8<-- [end:gather]
        AL = self._forward(buf, rng)
        cost = acc = math.nan
        if record:
            cost = self._cost(buf, B)
            acc = _nn._accuracy(AL, buf.Y, self.activations[-1])
        self._backward(buf, B)
        self._update()
        return cost, acc
