"""A fused, in-place training loop: the ``engine="fused"`` of ``train.fit``.

It computes **the same numbers** as the readable :func:`dlnotes.nn.model_forward`,
:func:`dlnotes.nn.model_backward` and :mod:`dlnotes.optim` loop (same parameters after the same
steps, up to rounding, from the same random draws), with the work rearranged for speed: no
allocation per mini-batch, one flat vector for all parameters, the $1/m$ applied once, Adam on
unnormalised sums, dropout masks from the raw bits. Inner-loop helpers do not validate their
arguments. What each change is and why it gives the same numbers:
[what makes the fast path fast](benchmarks.md#what-makes-the-fast-path-fast).
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

    ``fit(engine="auto")`` uses the fused loop exactly when this is ``None``; ``engine="fused"``
    raises ``ValueError`` with this reason otherwise. See
    [two engines, one computation](benchmarks.md#two-engines-one-computation).

    Parameters
    ----------
    activations : sequence of str
        One name per layer: hidden ones in :data:`HIDDEN_ACTIVATIONS`, the output (with ``loss``)
        in :data:`OUTPUTS`.
    loss : str
        ``"cce"``, ``"bce"`` or ``"mse"``.
    optimizer : dlnotes.optim.Optimizer
        Exactly ``GradientDescent``, ``Momentum``, ``RMSprop`` or ``Adam`` (a subclass may change the update).
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

    With PCG64, $\\lfloor r/2^{11} \\rfloor\\, 2^{-53} < p \\iff r < \\lceil p\\, 2^{53} \\rceil\\, 2^{11}$
    (float64; float32: $u < \\lceil p\\, 2^{24} \\rceil\\, 2^{8}$ on each 32-bit half): one integer
    comparison per unit. Other bit generators, an odd float32 count or a half-used 64-bit draw fall
    back to ``rng.random``. Derived on [the benchmarks page](benchmarks.md#what-makes-the-fast-path-fast).

    Parameters
    ----------
    rng : numpy.random.Generator
        Advanced exactly as ``rng.random(out.shape, dtype=dtype)`` would advance it.
    p : float
        Keep probability (compared in ``dtype``, as ``rng.random`` output is).
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

    The equations of [the deep-network page](course1/week4.md) with $dZ^{[L]} = (A^{[L]} - Y)/m$
    (the $1/m$ applied once), then the optimizer's update; the
    [benchmarks page](benchmarks.md#what-makes-the-fast-path-fast) explains the rearrangement.

    Parameters
    ----------
    parameters : dict of str to ndarray
        ``{"W1": (n[1], n[0]), "b1": (n[1], 1), ...}``, one dtype (float32 or float64); **copied**
        into one flat vector, of which :attr:`parameters` gives views.
    activations : sequence of str, length L
        Hidden activations from :data:`HIDDEN_ACTIVATIONS`, then the output.
    loss : str
        With the output activation, one of :data:`OUTPUTS`.
    optimizer : dlnotes.optim.Optimizer
        ``GradientDescent``, ``Momentum``, ``RMSprop`` or ``Adam``; its hyperparameters, learning
        rate and ``t`` are read at every step (``t`` is advanced); :meth:`sync_optimizer` writes its ``state``.
    batch_size : int
        Mini-batch size (the last batch of an epoch may be smaller).
    lambd : float, default 0.0
        L2 strength $\\lambda$: $dW^{[l]}$ gains $(\\lambda/m) W^{[l]}$, $m$ the batch size.
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
            Examples as columns, in the parameters' dtype; an F-ordered ``X`` is gathered fastest.
        Y : ndarray, shape (n_y, m)
            Targets in the same dtype.
        rng : numpy.random.Generator
            Draws ``rng.permutation(m)`` (when ``shuffle``), then the dropout masks, as the readable loop.
        shuffle : bool, default True
            ``False`` visits the examples in order (``fit`` does so for one full batch).
        record : bool, default True
            Compute each batch's cost (with the L2 term) and accuracy; a cost that is not finite
            raises ``FloatingPointError``.
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
        >>> trainer.train_epoch(X, Y, rng)[2]          # 50 examples: batches of 16, 16, 16, 2
        4
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
        """The network's output $A^{[L]}$ for the columns of ``X`` (no dropout), ``chunk`` columns at a time.

        Parameters
        ----------
        X : ndarray, shape (n_x, m)
        chunk : int, optional
            Columns per pass (default: the batch size); memory does not grow with ``X``.

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
