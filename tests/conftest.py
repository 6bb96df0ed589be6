"""Shared pytest configuration for the dlnotes suite.

* Hypothesis runs few, derandomized examples (the suite must stay fast and
  reproducible), with no example database written to disk.
* ``rng`` is a fresh, seeded ``np.random.Generator`` for each test.
* ``num_grad_check`` compares an analytic gradient with two-sided differences.
"""

import dlnotes_site.figures  # noqa: F401  (first: records the import time, wraps heavy figure functions)
import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dlnotes",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("dlnotes")


@pytest.fixture
def rng():
    """A seeded generator: every test sees the same random numbers on every run."""
    return np.random.default_rng(20240601)


def rel_err_of(analytic, f, x, eps=1e-6):
    """Relative difference between ``analytic`` and the numerical gradient of ``f`` at ``x``."""
    from dlnotes.gradcheck import numerical_grad, relative_difference

    return relative_difference(analytic, numerical_grad(f, x, eps))


@pytest.fixture
def num_grad_check():
    """``num_grad_check(analytic, f, x, eps=1e-6) -> relative difference`` (float64 expected)."""
    return rel_err_of
