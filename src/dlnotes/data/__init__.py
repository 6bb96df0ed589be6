"""Data sets and data handling, in the course's layout: examples are columns.

``X`` has shape ``(n_x, m)`` and ``Y`` shape ``(1, m)`` (or ``(C, m)`` one-hot).
Every generator takes an explicit ``rng`` (a ``numpy.random.Generator`` or an
int seed), so the same seed gives the same data. Splitting, mini-batches and
normalization are derived on the practical-aspects page
([train, dev and test sets](course2/week1.md#train-dev-and-test-sets),
[normalizing the inputs](course2/week1.md#normalizing-the-inputs)) and
[mini-batches](course2/week2.md#mini-batch-gradient-descent) on the optimization page; the planar
"flower" is used on [the shallow-network page](course1/week3.md#a-hidden-layer-on-data-that-is-not-linearly-separable).

One module per concept, every name re-exported here (``from dlnotes.data import make_moons``):
``datasets`` (the generators and the digits), ``split`` (train / dev / test), ``batches``
(mini-batches), ``encoding`` (one-hot), ``standardize``, ``images`` (images to columns and back)
and ``augment`` (data augmentation).
"""

from __future__ import annotations

# in the order of __all__, which is the order of the API reference page
from dlnotes.data.datasets import make_flower, make_moons, make_circles, make_noisy_regions, load_digits
from dlnotes.data.split import train_dev_test_split
from dlnotes.data.batches import _mini_batches, random_mini_batches  # _mini_batches: train.fit's unchecked batches
from dlnotes.data.encoding import one_hot
from dlnotes.data.standardize import standardize_fit, standardize_apply
from dlnotes.data.augment import augment_2d
from dlnotes.data.images import flatten_images, unflatten_images
from dlnotes.data.augment import flip_images, shift_images, augment_images
from dlnotes.data.datasets import synthetic_temperature

__all__ = [
    "make_flower",
    "make_moons",
    "make_circles",
    "make_noisy_regions",
    "load_digits",
    "train_dev_test_split",
    "random_mini_batches",
    "one_hot",
    "standardize_fit",
    "standardize_apply",
    "augment_2d",
    "flatten_images",
    "unflatten_images",
    "flip_images",
    "shift_images",
    "augment_images",
    "synthetic_temperature",
]
