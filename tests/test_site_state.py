"""dlnotes_site.state: the hooks keep their state in one normal module, never in fake sys.modules entries."""

import sys
import types

from loadfile import load_file

from dlnotes_site.state import STATE


def test_hooks_keep_their_state_in_dlnotes_site_across_reimports():
    first = load_file("_dlnotes_reload_state_a", "hooks/reload.py")
    again = load_file("_dlnotes_reload_state_b", "hooks/reload.py")   # what a `serve` rebuild does
    assert first._STATE is again._STATE is STATE["reload"]
    labs = load_file("_dlnotes_labs_state", "hooks/labs.py")
    assert labs._PERSIST is STATE["labs"] and set(labs._PERSIST) >= {"html"}
    # the dependency rules are the normally imported dlnotes_site.deps (no copy loaded by file path)
    from dlnotes_site import deps

    assert labs._deps is deps and "_dlnotes_deps_memo" not in sys.modules
    assert not [n for n in sys.modules if n.startswith("_dlnotes_") and n.endswith("_state")
                and not hasattr(sys.modules[n], "__file__")]


def test_dropping_dlnotes_keeps_the_state(monkeypatch):
    reload = load_file("_dlnotes_reload_state_c", "hooks/reload.py")
    import time

    from dlnotes_site import figures

    monkeypatch.setattr(sys, "modules", dict(sys.modules))       # drop from a copy, not from this run
    monkeypatch.setattr(figures, "IMPORTED_NS", figures.IMPORTED_NS)
    import dlnotes.nn  # noqa: F401

    before = time.time_ns()
    dropped = reload.drop_dlnotes_modules()
    assert "dlnotes.nn" in dropped and "dlnotes.nn" not in sys.modules
    assert figures.IMPORTED_NS >= before      # what is imported next is judged from now on
    sys.modules["dlnotes"] = types.ModuleType("dlnotes")
    assert figures.record_import_time() is None   # dlnotes in memory, imported at an unknown time
    assert "dlnotes_site.state" in sys.modules and not any(n.startswith("dlnotes_site") for n in dropped)
