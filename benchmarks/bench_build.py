"""Time the site build: a clean strict build, and `mkdocs serve` rebuilds after single edits.

Usage: python benchmarks/bench_build.py [--output DIR] [--keep] [--modes serve,dirty] [--baseline REF]

Everything runs in a temporary copy of the files git tracks (your checkout, its `.cache/` and
its `site/` are never touched), with `PYTHONPATH` pointing at the copy's `src/` so that the pages,
figures and labs use the copy's `dlnotes`:

1. **clean build**: `mkdocs build --strict` with empty caches (every lab runs, every figure is
   drawn, every training result is computed);
2. **serve rebuilds**: `.ci/measure_serve_rebuild` in the copy (a real `mkdocs serve`): after its
   first build, it appends a comment to each page (then removes it) and to two modules of
   `dlnotes`, and times each rebuild to its "Reloading browsers" line. Each serve mode of
   ``--modes`` gets its own `mkdocs serve`: ``serve`` (plain: every page converted at every
   rebuild) and ``dirty`` (``mkdocs serve --dirty``: only the edited page, or every page when
   ``hooks/reload.py`` sees that the package changed); ``pagecache`` (the page-cache hook that
   older commits had) is measured in a copy that has ``hooks/pagecache.py``, where the other
   modes run with it turned off.

``--baseline REF`` measures the commit REF the same way, in its own copy and in the same run
(``--baseline-modes`` chooses its serve modes), so that the two clean builds are comparable.

Writes `build.md` (shown on docs/benchmarks.md) and `build.json` to `benchmarks/results/`. The
site build never runs this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PAGES = ("docs/index.md", "docs/course1/week2.md", "docs/course1/week3.md", "docs/course2/week1.md",
         "docs/course2/week3.md", "docs/reference/nn.md", "docs/about.md")
MODULES = ("src/dlnotes/ewa.py", "src/dlnotes/nn.py")
TARGETS = {"clean build": 90.0, "prose edit": 3.0}
_REBUILD = re.compile(r"rebuild after (edit|revert) of (\S+): ([0-9.]+) s")
_FIRST = re.compile(r"first build ([0-9.]+) s")
_LAB = re.compile(r"labs: executed (\S+)")


def copy_tracked(dest: Path) -> int:
    """Copy the working-tree version of every file git tracks into ``dest``; return the count."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    count = 0
    for name in names.decode().split("\0"):
        if not name or not (ROOT / name).is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
        count += 1
    return count


def copy_commit(ref: str, dest: Path) -> str:
    """Extract the files of commit ``ref`` into ``dest``; return its short hash."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return subprocess.run(["git", "rev-parse", "--short", ref], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def environment(copy: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src")] + [p for p in [env.get("PYTHONPATH")] if p])
    for var in ("DLNOTES_CACHE", "DLNOTES_CACHE_FIGURES", "DLNOTES_CACHE_RESULTS", "DLNOTES_CACHE_LABS"):
        env.pop(var, None)                      # the copy's hooks point them at the copy's .cache/
    return env


def clean_build(copy: Path, env: dict) -> float:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(copy / "site")],
                          cwd=copy, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.exit(f"the clean strict build failed:\n{proc.stdout}\n{proc.stderr}")
    print(f"clean strict build: {seconds:.1f} s", flush=True)
    return seconds


SERVE_MODES = {"serve": "`mkdocs serve`", "dirty": "`mkdocs serve --dirty`",
               "pagecache": "`mkdocs serve` + page cache"}


def serve_rebuilds(copy: Path, env: dict, paths, mode: str = "serve") -> dict:
    env = dict(env)
    if (copy / "hooks" / "pagecache.py").is_file():
        env["DLNOTES_PAGECACHE"] = "1" if mode == "pagecache" else "0"
    cmd = [sys.executable, str(copy / ".ci" / "measure_serve_rebuild"), *(["--dirty"] if mode == "dirty" else []),
           *paths]
    print(f"{SERVE_MODES[mode]} in {copy.name}:", flush=True)
    proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = {"mode": mode, "first_build_s": None, "rebuilds": []}
    pending = {"labs_executed": []}
    for line in proc.stdout:
        print("  " + line.rstrip(), flush=True)
        if (m := _FIRST.search(line)):
            out["first_build_s"] = float(m.group(1))
        if (m := _LAB.search(line)):
            pending["labs_executed"].append(m.group(1))
        if (m := _REBUILD.search(line)):
            out["rebuilds"].append({"path": m.group(2), "change": m.group(1), "seconds": float(m.group(3)),
                                    **pending})
            pending = {"labs_executed": []}
    if proc.wait() != 0 or not out["rebuilds"]:
        sys.exit("measure_serve_rebuild failed (see its output above)")
    return out


def machine() -> dict:
    import mkdocs
    from bench_train import cpu_description      # this script's directory is on sys.path

    return {"cpu": cpu_description(), "cores": os.cpu_count(), "python": platform.python_version(),
            "mkdocs": mkdocs.__version__, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "loadavg_start": os.getloadavg()}


def _target(name: str, seconds: float) -> str:
    return f"&lt; {TARGETS[name]:.0f} s: " + ("met" if seconds < TARGETS[name] else "**not met**")


def render_markdown(data: dict) -> str:
    m = data["machine"]
    lines = [f"Measured {m['date']} on **{m['cpu']}** ({m['cores']} cores), Python {m['python']}, "
             f"MkDocs {m['mkdocs']}. Load average at the start {m['loadavg_start'][0]:.2f}, at the end "
             f"{m['loadavg_end'][0]:.2f}. Command: `{data['command']}` (each tree in a temporary copy, "
             "with empty caches).", ""]
    trees = data["trees"]
    lines += ["| tree | clean `mkdocs build --strict` (nothing cached), s | target |", "|---|---:|---|"]
    for t in trees:
        lines.append(f"| {t['label']} | {t['clean_build_s']:.1f} | {_target('clean build', t['clean_build_s'])} |")
    runs = [(t, r) for t in trees for r in t["serve"]]
    heads = [f"{SERVE_MODES[r['mode']]}, {t['label']}" for t, r in runs]
    lines += ["", "Rebuild after an edit, in seconds (the first row: the first build, with the caches on disk):", "",
              "| edit | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(runs),
              "| first build | " + " | ".join(f"{r['first_build_s']:.1f}" for _, r in runs) + " |"]
    keys = [(x["path"], x["change"]) for x in runs[0][1]["rebuilds"]]
    for path, change in keys:
        what = "comment added to" if change == "edit" else "comment removed from"
        cells = []
        for _, r in runs:
            hit = [x for x in r["rebuilds"] if (x["path"], x["change"]) == (path, change)]
            cells.append(f"{hit[0]['seconds']:.2f}" if hit else "")
        lines.append(f"| {what} `{path}` | " + " | ".join(cells) + " |")
    lines += ["", "Slowest rebuild after a prose edit (a page; target " + f"&lt; {TARGETS['prose edit']:.0f} s):", ""]
    best = None
    for t, r in runs:
        prose = [x["seconds"] for x in r["rebuilds"] if x["path"].endswith(".md")]
        if prose:
            lines.append(f"* {SERVE_MODES[r['mode']]}, {t['label']}: **{max(prose):.2f} s** (median "
                         f"{sorted(prose)[len(prose) // 2]:.2f} s over {len(prose)} rebuilds): "
                         f"{_target('prose edit', max(prose)).split(': ')[1]}")
            if t is trees[0] and (best is None or max(prose) < best[1]):
                best = (r["mode"], max(prose))
    if best:
        lines += ["", f"Fastest edit loop of {trees[0]['label']}: {SERVE_MODES[best[0]]}."]
    lines += ["", "An edit to a module of `dlnotes` redoes the figures, results and labs whose dependency closure "
              "contains it; removing the comment again finds them on disk (see "
              "[how the caches work](about.md#caches))."]
    return "\n".join(lines)


def measure_serve(copy: Path, tree: dict, modes, paths) -> None:
    env = environment(copy)
    for mode in modes:
        if mode == "pagecache" and not (copy / "hooks" / "pagecache.py").is_file():
            continue
        tree["serve"].append(serve_rebuilds(copy, env, paths, mode))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--output", default=str(RESULTS), help="directory for build.md and build.json")
    p.add_argument("--pages", default=",".join(PAGES), help="comma list of pages to edit")
    p.add_argument("--modules", default=",".join(MODULES), help="comma list of dlnotes files to edit ('' for none)")
    p.add_argument("--modes", default="dirty,serve", help="comma list of serve modes: " + ", ".join(SERVE_MODES))
    p.add_argument("--baseline", help="also measure this commit (e.g. main), in the same run")
    p.add_argument("--baseline-modes", default=None, help="serve modes of the baseline (default: --modes)")
    p.add_argument("--keep", action="store_true", help="keep the temporary copies (their paths are printed)")
    args = p.parse_args(argv)
    paths = [x for x in (args.pages + "," + args.modules).split(",") if x]
    for path in paths:
        if not (ROOT / path).is_file():
            sys.exit(f"--pages/--modules: expected files of the checkout, got {path!r}")
    modes = [x for x in args.modes.split(",") if x]
    base_modes = [x for x in (args.baseline_modes or args.modes).split(",") if x]
    for mode in modes + base_modes:
        if mode not in SERVE_MODES:
            sys.exit(f"--modes: expected some of {', '.join(SERVE_MODES)}, got {mode!r}")
    data = {"machine": machine(), "command": "python benchmarks/bench_build.py " + " ".join(
        sys.argv[1:] if argv is None else argv), "trees": []}
    data["command"] = data["command"].strip()
    tmp = Path(tempfile.mkdtemp(prefix="dlnotes-build-bench-"))
    try:
        work = tmp / "working-tree"
        print(f"copied {copy_tracked(work)} tracked files to {work}", flush=True)
        copies = [(work, "this tree", modes)]
        if args.baseline:
            short = copy_commit(args.baseline, tmp / "baseline")
            copies.append((tmp / "baseline", f"baseline `{args.baseline}` ({short})", base_modes))
        # the clean builds back to back (the most comparable under a changing load), then the serve runs
        for copy, label, _ in copies:
            data["trees"].append({"label": label, "clean_build_s": clean_build(copy, environment(copy)), "serve": []})
        for (copy, _, copy_modes), tree in zip(copies, data["trees"]):
            measure_serve(copy, tree, copy_modes, paths)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    data["machine"]["loadavg_end"] = os.getloadavg()
    md = render_markdown(data)
    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    (out / "build.md").write_text(md + "\n", encoding="utf-8")
    (out / "build.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print()
    print(md)
    print(f"wrote {out / 'build.md'} and {out / 'build.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
