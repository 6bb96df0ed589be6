"""Gradient clipping against its closed forms and the documented framework formulas.

PyTorch is not installed: its documented rule is stated here and tested against.
* ``torch.nn.utils.clip_grad_norm_`` = ``get_total_norm`` then ``clip_grads_with_norm_``, which
  documents ``grad = grad * min(max_norm / (total_norm + 1e-6), 1)`` and returns the total norm
  (the 2-norm of all gradients viewed as one vector).
* ``torch.nn.utils.clip_grad_value_`` clips every gradient to ``[-clip_value, clip_value]``.
* TensorFlow's ``tf.clip_by_global_norm`` documents ``t * clip_norm / max(global_norm, clip_norm)``
  with ``global_norm = sqrt(sum(l2norm(t)**2))`` and returns ``(list_clipped, global_norm)``.
"""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.clipping import clip_by_global_norm, clip_by_value, global_norm


def _grads(scale=1.0, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {"dW1": (scale * rng.standard_normal((4, 3))).astype(dtype),
            "db1": (scale * rng.standard_normal((4, 1))).astype(dtype),
            "dW2": (scale * rng.standard_normal((1, 4))).astype(dtype),
            "db2": (scale * rng.standard_normal((1, 1))).astype(dtype)}


def _vec(g):
    return np.concatenate([x.ravel() for x in g.values()])


def test_global_norm_is_the_norm_of_the_concatenated_vector():
    g = _grads()
    assert global_norm(g) == pytest.approx(np.linalg.norm(_vec(g)), rel=1e-14)
    assert global_norm({"dW1": np.array([[3.0]]), "db1": np.array([[4.0]])}) == 5.0


@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_clip_by_global_norm_matches_pytorch_documented_formula(scale):
    g, c = _grads(scale), 1.0
    clipped, norm = clip_by_global_norm(g, c)
    total = np.linalg.norm(_vec(g))
    assert norm == pytest.approx(total, rel=1e-14)
    coef = min(c / (total + 1e-6), 1.0)                         # clip_grads_with_norm_
    for k in g:
        np.testing.assert_allclose(clipped[k], g[k] * coef, rtol=1e-14)


@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_clip_by_global_norm_eps0_matches_tensorflow_documented_formula(scale):
    g, c = _grads(scale), 1.0
    clipped, norm = clip_by_global_norm(g, c, eps=0.0)
    for k in g:
        np.testing.assert_allclose(clipped[k], g[k] * c / max(norm, c), rtol=1e-14)


def test_norm_clipping_keeps_the_direction_and_caps_the_norm():
    g = _grads(50.0)
    clipped, norm = clip_by_global_norm(g, 2.0, eps=0.0)
    v, w = _vec(g), _vec(clipped)
    assert norm > 2.0
    assert np.linalg.norm(w) == pytest.approx(2.0, rel=1e-12)
    assert v @ w / (np.linalg.norm(v) * np.linalg.norm(w)) == pytest.approx(1.0, abs=1e-12)


def test_norm_clipping_below_the_threshold_changes_nothing():
    g = _grads(0.01)
    clipped, _ = clip_by_global_norm(g, 10.0, eps=0.0)
    for k in g:
        assert np.array_equal(clipped[k], g[k])


def test_clip_by_value_is_componentwise_and_changes_the_direction():
    g = _grads(5.0)
    c = 1.0
    clipped = clip_by_value(g, c)
    for k in g:
        np.testing.assert_array_equal(clipped[k], np.minimum(np.maximum(g[k], -c), c))
    v, w = _vec(g), _vec(clipped)
    assert np.max(np.abs(w)) <= c
    assert np.all(np.sign(w) == np.sign(v))                    # every sign kept: still a descent direction
    assert v @ w > 0 and v @ w / (np.linalg.norm(v) * np.linalg.norm(w)) < 0.99
    assert np.linalg.norm(w) <= c * np.sqrt(v.size)            # the only norm bound


def test_the_page_example_angle():
    w = clip_by_value({"dW1": np.array([[10.0, 1.0]])}, 1.0)["dW1"].ravel()
    cos = w @ np.array([10.0, 1.0]) / (np.linalg.norm(w) * np.sqrt(101))
    assert cos == pytest.approx(11 / (np.sqrt(101) * np.sqrt(2)))


@pytest.mark.parametrize("fn", [lambda g: clip_by_value(g, 0.1), lambda g: clip_by_global_norm(g, 0.1)[0]])
def test_dtype_kept_and_inputs_not_modified(fn):
    g = _grads(3.0, dtype=np.float32)
    before = {k: v.copy() for k, v in g.items()}
    out = fn(g)
    assert out.keys() == g.keys()
    for k in g:
        assert out[k].dtype == np.float32 and out[k].shape == g[k].shape
        assert np.array_equal(g[k], before[k]) and out[k] is not g[k]


def test_mixed_dtypes_and_bad_thresholds_are_refused():
    g = _grads()
    g["db2"] = g["db2"].astype(np.float32)
    with pytest.raises(TypeError, match="grads: expected one dtype"):
        global_norm(g)
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(_grads(), 0.0)
    with pytest.raises(ValueError, match="clip_value"):
        clip_by_value(_grads(), -1.0)
    with pytest.raises(ValueError, match="grads"):
        global_norm({})
