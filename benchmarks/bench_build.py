"""Time the site build: a clean strict build, and `mkdocs serve` rebuilds after single edits.

Usage: python benchmarks/bench_build.py [--output DIR] [--keep]

Everything runs in a temporary copy of the files git tracks (your checkout, its `.cache/` and
its `site/` are never touched), with `PYTHONPATH` pointing at the copy's `src/` so that the pages,
figures and labs use the copy's `dlnotes`:

1. **clean build**: `mkdocs build --strict` with empty caches (every lab runs, every figure is
   drawn, every training result is computed);
2. **serve rebuilds**: `.ci/measure_serve_rebuild` in the copy (a real `mkdocs serve`): after its
   first build, it appends a comment to each page (then removes it) and to two modules of
   `dlnotes`, and times each rebuild to its "Reloading browsers" line.

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
_PAGES = re.compile(r"pagecache: (\d+) pages reused, (\d+) converted")
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


def environment(copy: Path) -> dict:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "src")] + [p for p in [env.get("PYTHONPATH")] if p])
    for var in ("DLNOTES_FIGURE_CACHE", "DLNOTES_RESULT_CACHE"):
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


def serve_rebuilds(copy: Path, env: dict, paths) -> dict:
    cmd = [sys.executable, str(copy / ".ci" / "measure_serve_rebuild"), *paths]
    proc = subprocess.Popen(cmd, cwd=copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = {"first_build_s": None, "rebuilds": []}
    pending = {"pages_converted": None, "labs_executed": []}
    for line in proc.stdout:
        print("  " + line.rstrip(), flush=True)
        if (m := _FIRST.search(line)):
            out["first_build_s"] = float(m.group(1))
        if (m := _PAGES.search(line)):              # what the rebuild logged before its timing line
            pending["pages_converted"] = int(m.group(2))
            pending["pages_total"] = int(m.group(1)) + int(m.group(2))
        if (m := _LAB.search(line)):
            pending["labs_executed"].append(m.group(1))
        if (m := _REBUILD.search(line)):
            out["rebuilds"].append({"path": m.group(2), "change": m.group(1), "seconds": float(m.group(3)),
                                    **pending})
            pending = {"pages_converted": None, "labs_executed": []}
    if proc.wait() != 0 or not out["rebuilds"]:
        sys.exit("measure_serve_rebuild failed (see its output above)")
    return out


def machine() -> dict:
    import mkdocs
    from bench_train import cpu_description      # this script's directory is on sys.path

    return {"cpu": cpu_description(), "cores": os.cpu_count(), "python": platform.python_version(),
            "mkdocs": mkdocs.__version__, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "loadavg_start": os.getloadavg()}


def render_markdown(data: dict) -> str:
    m = data["machine"]
    lines = [f"Measured {m['date']} on **{m['cpu']}** ({m['cores']} cores), Python {m['python']}, "
             f"MkDocs {m['mkdocs']}. Load average at the start {m['loadavg_start'][0]:.2f}, at the end "
             f"{m['loadavg_end'][0]:.2f}. Command: `python benchmarks/bench_build.py` (in a temporary copy "
             "of the checkout, with empty caches).", ""]
    prose = [r["seconds"] for r in data["rebuilds"] if r["path"].endswith(".md")]
    lines += ["| build | seconds | redone | target |", "|---|---:|---|---|",
              f"| clean `mkdocs build --strict` (nothing cached) | {data['clean_build_s']:.1f} | everything | "
              f"&lt; {TARGETS['clean build']:.0f} s: "
              f"{'met' if data['clean_build_s'] < TARGETS['clean build'] else '**not met**'} |",
              f"| first build of `mkdocs serve` (caches on disk) | {data['first_build_s']:.1f} | all pages | |"]
    for r in data["rebuilds"]:
        what = "a comment added to" if r["change"] == "edit" else "the comment removed from"
        target = ""
        if r["path"].endswith(".md"):
            target = f"&lt; {TARGETS['prose edit']:.0f} s: " + ("met" if r["seconds"] < TARGETS["prose edit"]
                                                              else "**not met**")
        redone = "?"
        if r.get("pages_converted") is not None:
            redone = f"{r['pages_converted']} of {r['pages_total']} pages"
            if r.get("labs_executed"):
                redone += f", {len(r['labs_executed'])} labs"
        lines.append(f"| `mkdocs serve` rebuild, {what} `{r['path']}` | {r['seconds']:.2f} | {redone} | {target} |")
    if prose:
        lines += ["", f"Slowest rebuild after a prose edit: **{max(prose):.2f} s** over {len(prose)} rebuilds. "
                  "Pages counted as redone include those that are converted at every build (their examples "
                  "read files or the clock). An edit to a module of `dlnotes` redoes the pages, figures, "
                  "results and labs whose dependency closure contains it; removing the comment again "
                  "converts those pages again but finds their figures, results and labs on disk (see "
                  "[how the caches work](about.md#caches))."]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--output", default=str(RESULTS), help="directory for build.md and build.json")
    p.add_argument("--pages", default=",".join(PAGES), help="comma list of pages to edit")
    p.add_argument("--modules", default=",".join(MODULES), help="comma list of dlnotes files to edit ('' for none)")
    p.add_argument("--keep", action="store_true", help="keep the temporary copy (its path is printed)")
    args = p.parse_args(argv)
    paths = [x for x in (args.pages + "," + args.modules).split(",") if x]
    for path in paths:
        if not (ROOT / path).is_file():
            sys.exit(f"--pages/--modules: expected files of the checkout, got {path!r}")
    data = {"machine": machine()}
    tmp = Path(tempfile.mkdtemp(prefix="dlnotes-build-bench-"))
    try:
        print(f"copied {copy_tracked(tmp)} tracked files to {tmp}", flush=True)
        env = environment(tmp)
        data["clean_build_s"] = clean_build(tmp, env)
        data.update(serve_rebuilds(tmp, env, paths))
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
