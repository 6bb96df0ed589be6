"""The build's one cache root (``dlnotes_site.cache``): where each kind lives, and the one atomic write."""

from __future__ import annotations

import os

import pytest

from dlnotes_site import cache, figures, labs


def test_every_kind_lives_under_the_one_root(tmp_path, monkeypatch):
    for kind in cache.KINDS:
        monkeypatch.delenv(f"DLNOTES_CACHE_{kind.upper()}", raising=False)
    monkeypatch.setenv("DLNOTES_CACHE", str(tmp_path))
    assert cache.root() == tmp_path
    assert [cache.directory(k) for k in cache.KINDS] == [tmp_path / k for k in cache.KINDS]
    # the figure renderer and the memo use the same directories (no second notion of a root)
    assert figures.cache_dir() == tmp_path / "figures" and figures.results_dir() == tmp_path / "results"


def test_one_kind_can_be_moved_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("DLNOTES_CACHE", str(tmp_path / "root"))
    monkeypatch.setenv("DLNOTES_CACHE_FIGURES", str(tmp_path / "empty"))
    assert cache.directory("figures") == tmp_path / "empty"
    assert cache.directory("labs") == tmp_path / "root" / "labs"


def test_default_root_is_the_checkout_of_an_editable_install(monkeypatch):
    monkeypatch.delenv("DLNOTES_CACHE", raising=False)
    checkout = cache._deps.package_dir().parents[1]
    expected = checkout / ".cache" if (checkout / "mkdocs.yml").is_file() else None
    if expected is None:
        pytest.skip("dlnotes is not installed from a checkout")
    assert cache.root() == expected


def test_unknown_kind_is_named():
    with pytest.raises(ValueError, match=r"kind: expected one of figures, results, labs, exercises, got 'svg'"):
        cache.directory("svg")


def test_write_atomic_replaces_or_keeps_the_first(tmp_path):
    path = tmp_path / "a" / "x.bin"
    assert cache.write_atomic(path, b"one") and path.read_bytes() == b"one"
    assert cache.write_atomic(path, b"two") and path.read_bytes() == b"two"
    assert not cache.write_atomic(path, b"three", replace=False) and path.read_bytes() == b"two"
    assert cache.write_atomic(tmp_path / "a" / "y.bin", b"new", replace=False)
    assert sorted(p.name for p in path.parent.iterdir()) == ["x.bin", "y.bin"]   # no temporary left


def test_write_atomic_on_a_failing_disk_leaves_nothing(tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(cache.os, "replace", broken)
    monkeypatch.setattr(cache.os, "link", broken)
    for replace in (True, False):
        assert not cache.write_atomic(tmp_path / "x.bin", b"data", replace=replace)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_write_atomic_in_a_read_only_directory_returns_false(tmp_path):
    tmp_path.chmod(0o500)
    try:
        assert not cache.write_atomic(tmp_path / "sub" / "x.bin", b"data")
        assert not cache.write_atomic(tmp_path / "x.bin", b"data")
    finally:
        tmp_path.chmod(0o700)


def test_the_labs_publish_through_the_one_write(tmp_path, monkeypatch):
    """build_lab's cache file and the timings go through cache.write_atomic (patched here)."""
    written = []
    monkeypatch.setattr(labs, "write_atomic", lambda path, data, **kw: written.append((path.name, kw)) or True)
    labs._write_timings(tmp_path, {"a": {"src": tmp_path / "01-a.py", "cpu": 1.5}})
    assert written == [("timings.json", {})]
