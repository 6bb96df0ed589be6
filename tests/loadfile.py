"""Load a project file that is not an importable module (``hooks/*.py``, ``tools/*.py``) for a test."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_file(name: str, relative_path: str, *, register: bool = False):
    """Execute ``ROOT / relative_path`` as a new module called ``name``.

    ``register=True`` also puts it in ``sys.modules`` (dataclasses defined in it need that).
    """
    spec = importlib.util.spec_from_file_location(name, ROOT / relative_path)
    module = importlib.util.module_from_spec(spec)
    if register:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
