"""The public API is listed in one place (dlnotes.API) and matches the modules."""

import importlib

import pytest

import dlnotes


@pytest.mark.parametrize("module", sorted(dlnotes.API))
def test_api_matches_module_all(module):
    mod = importlib.import_module(f"dlnotes.{module}")
    assert list(mod.__all__) == dlnotes.API[module]
    for name in mod.__all__:
        assert hasattr(mod, name), f"dlnotes.{module}.{name} is listed but missing"


@pytest.mark.parametrize("module", sorted(dlnotes.API))
def test_public_callables_have_numpy_docstrings(module):
    mod = importlib.import_module(f"dlnotes.{module}")
    assert mod.__doc__ and ".md" in mod.__doc__ or any(
        ".md" in (getattr(getattr(mod, n), "__doc__", "") or "") for n in mod.__all__
    ), f"dlnotes.{module} links to no page"
    for name in mod.__all__:
        obj = getattr(mod, name)
        if callable(obj) and not isinstance(obj, dict):
            doc = obj.__doc__ or ""
            assert doc.strip(), f"dlnotes.{module}.{name} has no docstring"


def test_lazy_submodule_access():
    assert dlnotes.nn.layer_shapes([2, 3, 1])["W1"] == (3, 2)
    with pytest.raises(AttributeError, match="no attribute"):
        dlnotes.not_a_module  # noqa: B018


def test_no_global_random_state_in_package():
    """All randomness goes through an explicit Generator: no np.random.<legacy> calls."""
    import pathlib
    import re

    src = pathlib.Path(dlnotes.__file__).parent
    legacy = re.compile(r"np\.random\.(seed|rand|randn|randint|random|random_sample|standard_normal|binomial|choice|shuffle|permutation|normal|uniform|RandomState)\(|default_rng\(\)")
    offenders = [f"{p.relative_to(src)}:{i}" for p in src.rglob("*.py")
                 for i, line in enumerate(p.read_text().splitlines(), 1)
                 if legacy.search(line) and ">>>" not in line and "#" not in line.split("np.random")[0]]
    assert not offenders, offenders
