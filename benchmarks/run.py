"""gxlint's speed, in one run:  python benchmarks/run.py [--quick] [--data DIR] [--json FILE]

For each format (txt, html, docx, pdf): reports/s of `gxlint check DIR` with -j1 and -j2 on a cold cache, -j2 on a
warm cache, and the floor — reading, decoding and normalising the same files with the same number of processes,
no recognition and no rules. Then 10,000 txt reports with -j2: peak RSS, and the batch time with and without the
cross-report rules (GX8). Then the wall time of a one-file check (what a pre-commit hook pays).

Every gxlint run is a separate `gxlint check` process; peak RSS is the largest resident set of that process or any
of its workers (getrusage of the children, measured by a wrapper process per run). The reports are generated once
(benchmarks/generate.py) into --data (default: a folder under the system temp dir) and reused on later runs.
The machine's load is printed: on a shared machine other processes take CPU from -j2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import site
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, pdf_pages  # noqa: E402

SIZES = {"txt": 1000, "html": 1000, "docx": 200, "pdf": 40}
QUICK = {"txt": 200, "html": 200, "docx": 40, "pdf": 10}
BIG = 10_000
TARGETS = {"txt": 1000, "html": 1000, "docx": 200, "pdf": 10}
# the interpreter and prelude of the measured processes. Frozen runs (the default) take a small venv whose site
# folder names the snapshot and this interpreter's packages (snapshot()): gxlint is imported as an installed
# package is, and the editable install's import hook (~11 ms of every start, which no installed gxlint pays) is not
# loaded. --live runs the work tree's gxlint through this interpreter, the hook in place
PYTHON = [sys.executable]
PRELUDE = ""
LIVE_PRELUDE = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
                "if '__editable__' not in str(getattr(f, '__module__', ''))]; ")


def gxlint_cmd() -> list[str]:
    return [*PYTHON, "-c", PRELUDE + "from gxlint.cli import main; main()"]  # what the `gxlint` script runs


_WRAP = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rc": p.returncode, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,
                  "stderr": p.stderr.decode("utf-8", "replace")[-2000:]}))
"""

_FLOOR = r"""
import json, sys, time
from multiprocessing import get_context
from pathlib import Path

def one(path):
    from gxlint.normalise import normalise
    from gxlint.read import read_path
    from gxlint.read.document import Line
    doc = read_path(path)
    n = 0
    for block in doc.blocks:
        if isinstance(block, Line):
            n += len(normalise(block.text))
        else:
            for row in block.rows:
                for cell in row:
                    n += len(normalise(cell.text))
    return n

folder, jobs = sys.argv[1], int(sys.argv[2])
files = sorted(str(p) for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith("."))
t = time.perf_counter()
if jobs == 1:
    total = sum(map(one, files))
else:
    with get_context("fork").Pool(jobs) as pool:
        total = sum(pool.imap(one, files, chunksize=8))
print(json.dumps({"wall": time.perf_counter() - t, "chars": total}))
"""


ENV = dict(os.environ)
CWD: dict[str, str] = {}  # where the measured processes run (not the work tree: "" on sys.path would find it)


def snapshot(dest: Path) -> Path:
    """A frozen copy of gxlint (package, rules, templates) laid out as installed, put first on PYTHONPATH: edits
    made to the working tree during the run (other sessions, editors) neither change the code under test nor
    invalidate the cache between the cold and the warm run (the cache key includes gxlint's own files)."""
    root = HERE.parent
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(root / "gxlint", dest / "gxlint", ignore=ignore)
    shutil.copytree(root / "rules", dest / "gxlint" / "rules", ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(root / "templates", dest / "gxlint" / "templates", ignore=ignore, dirs_exist_ok=True)
    # bytecode, as pip writes it at install time: with PYTHONDONTWRITEBYTECODE set, every measured process would
    # otherwise compile gxlint from source (~55 ms of the one-file check), which no installed hook pays
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest / "gxlint")], check=True)
    venv = dest.parent / "gxlint-venv"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site_dir = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              capture_output=True, text=True, check=True).stdout.strip()
    # a .pth line only extends sys.path: the packages' own .pth files (the editable hook) are not run from there
    deps = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    Path(site_dir, "gxlint-bench.pth").write_text("\n".join([str(dest), *deps]) + "\n", encoding="utf-8")
    PYTHON[:] = [str(python)]
    ENV.pop("PYTHONPATH", None)
    CWD["cwd"] = str(dest.parent)
    where = subprocess.run([*PYTHON, "-c", "import sys, gxlint.rules, gxlint; print(gxlint.__file__, "
                            "any('__editable__' in m for m in sys.modules))"],
                           env=ENV, cwd=CWD["cwd"], capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(dest)) and where.endswith("False"), where
    return dest


def measure(cmd: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, check=True,
                         env=ENV, cwd=CWD.get("cwd")).stdout
    return json.loads(out)


def gxlint(folder: Path, jobs: int, cache: Path | None, *extra: str) -> dict:
    cmd = [*gxlint_cmd(), "check", str(folder), "-q", "-f", "concise", "-j", str(jobs), *extra]
    cmd += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    r = measure(cmd)
    if r["rc"] not in (0, 1):
        raise SystemExit(f"gxlint failed ({r['rc']}): {' '.join(cmd)}\n{r['stderr']}")
    return r


def floor(folder: Path, jobs: int) -> dict:
    """Read + decode + normalise every file, in a process like gxlint's (interpreter start and imports included)."""
    r = measure([*PYTHON, "-c", PRELUDE + _FLOOR, str(folder), str(jobs)])
    if r["rc"]:
        raise SystemExit(f"floor run failed:\n{r['stderr']}")
    return r


def dataset(data: Path, fmt: str, n: int) -> Path:
    folder = data / f"{fmt}-{n}"
    stamp = folder / ".complete"
    if not stamp.exists():
        shutil.rmtree(folder, ignore_errors=True)
        t = time.perf_counter()
        generate(folder, fmt, n, seed=n)
        stamp.write_text("ok")
        print(f"  generated {n} {fmt} reports in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return folder


def _files(folder: Path) -> int:
    return sum(1 for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sets (a smoke run, figures less stable)")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "gxlint-bench")
    ap.add_argument("--big", type=int, default=None, help=f"reports for the RSS / cross-report run (default {BIG})")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--pairs", type=int, default=3,
                    help="with/without GX8 runs of the large set, alternating (default 3): one pair's ratio moves by "
                         "±5 points on a shared machine")
    ap.add_argument("--live", action="store_true", help="run the working tree's gxlint, not a frozen copy of it")
    args = ap.parse_args()
    sizes = QUICK if args.quick else SIZES
    big = args.big or (1000 if args.quick else BIG)
    args.data.mkdir(parents=True, exist_ok=True)
    if args.live:
        global PRELUDE
        PRELUDE = LIVE_PRELUDE
    else:
        snapshot(args.data / "gxlint-snapshot")
    results: dict = {"load_before": os.getloadavg()[0], "cpus": os.cpu_count(), "formats": {}}
    print(f"gxlint benchmark — {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    print("wall-clock reports/s (measured; other processes share the CPUs) and CPU ms per report (load-independent)")
    print(f"{'format':<6} {'n':>5} | {'floor j1':>8} {'floor j2':>8} {'cold j1':>8} {'cold j2':>8} {'warm j2':>8} "
          f"{'warm×':>6} {'÷floor':>6} {'target':>6} | {'floor':>6} {'gxlint':>7} {'÷floor':>6} {'RSS MB':>6}")
    for fmt, n in sizes.items():
        folder = dataset(args.data, fmt, n)
        n = _files(folder)
        cache = args.data / f"cache-{fmt}"
        shutil.rmtree(cache, ignore_errors=True)
        f1, f2 = floor(folder, 1), floor(folder, 2)
        c1 = gxlint(folder, 1, None)
        c2 = gxlint(folder, 2, cache)  # cold: an empty cache, filled by this run
        w2 = gxlint(folder, 2, cache)  # warm
        row = {"n": n, "floor_j1": n / f1["wall"], "floor_j2": n / f2["wall"], "cold_j1": n / c1["wall"],
               "cold_j2": n / c2["wall"], "warm_j2": n / w2["wall"], "warm_speedup": c2["wall"] / w2["wall"],
               "vs_floor_wall": c2["wall"] / f2["wall"], "floor_cpu_ms": 1000 * f1["cpu"] / n,
               "cold_cpu_ms": 1000 * c1["cpu"] / n, "maxrss_mb": max(c1["maxrss_kb"], c2["maxrss_kb"]) / 1024}
        row["vs_floor_cpu"] = row["cold_cpu_ms"] / row["floor_cpu_ms"]
        if fmt == "pdf":
            row["pages"] = pdf_pages(next(p for p in sorted(folder.iterdir()) if p.suffix == ".pdf"))
        results["formats"][fmt] = row
        print(f"{fmt:<6} {n:>5} | {row['floor_j1']:>8.0f} {row['floor_j2']:>8.0f} {row['cold_j1']:>8.1f} "
              f"{row['cold_j2']:>8.1f} {row['warm_j2']:>8.0f} {row['warm_speedup']:>5.0f}× "
              f"{row['vs_floor_wall']:>5.1f}× {TARGETS[fmt]:>6} | {row['floor_cpu_ms']:>6.1f} "
              f"{row['cold_cpu_ms']:>7.1f} {row['vs_floor_cpu']:>5.1f}× {row['maxrss_mb']:>6.0f}"
              + (f"  ({row['pages']} pages)" if "pages" in row else ""))

    folder = dataset(args.data, "txt", big)
    n = _files(folder)
    # the with/without ratio alternately, several times: a load that comes and goes skews a single pair
    pairs = [(gxlint(folder, 2, None), gxlint(folder, 2, None, "--ignore", "GX8")) for _ in range(max(1, args.pairs))]
    walls = sorted(w["wall"] / wo["wall"] - 1 for w, wo in pairs)
    cpus = sorted(w["cpu"] / wo["cpu"] - 1 for w, wo in pairs)
    median = len(pairs) // 2
    with_cross, without = sorted(pairs, key=lambda p: p[0]["wall"] / p[1]["wall"])[median]  # the rates printed
    big_cache = args.data / "cache-big"
    shutil.rmtree(big_cache, ignore_errors=True)
    cold_big = gxlint(folder, 2, big_cache)
    warm_big = gxlint(folder, 2, big_cache)
    results["big"] = {"n": n, "wall_cross": with_cross["wall"], "wall_no_cross": without["wall"],
                      "cross_overhead": walls[median], "cross_overhead_cpu": cpus[median],
                      "cross_overhead_all": walls, "cross_overhead_cpu_all": cpus,
                      "maxrss_mb": max(*(w["maxrss_kb"] for w, _ in pairs), cold_big["maxrss_kb"], warm_big["maxrss_kb"]) / 1024,
                      "cold_cached_wall": cold_big["wall"], "warm_wall": warm_big["wall"],
                      "warm_speedup": cold_big["wall"] / warm_big["wall"]}
    b = results["big"]
    print(f"\n{n} txt reports, -j2: {n / with_cross['wall']:.0f} reports/s with GX8, {n / without['wall']:.0f} without "
          f"→ cross-report checks add {b['cross_overhead']:+.0%} wall, {b['cross_overhead_cpu']:+.0%} CPU "
          f"(target ≤ +20%; the median of {len(pairs)} alternating pairs: "
          f"{', '.join(f'{x:+.1%}' for x in walls)} wall, {', '.join(f'{x:+.1%}' for x in cpus)} CPU)")
    print(f"  peak RSS {b['maxrss_mb']:.0f} MB (target ≤ 300 MB); cache cold {cold_big['wall']:.1f} s, warm "
          f"{warm_big['wall']:.2f} s → {b['warm_speedup']:.0f}× (target ≥ 20×)")

    one = dataset(args.data, "txt", 1)
    single = next(p for p in sorted(one.iterdir()) if p.suffix == ".txt")
    walls = {}
    for label, extra in (("no cache", ["--no-cache"]), ("cache", ["--cache-dir", str(args.data / "cache-one")])):
        runs = []
        for _ in range(5):
            shutil.rmtree(args.data / "cache-one" / "v1", ignore_errors=True)  # the file is new: a miss, as in a hook
            runs.append(measure([*gxlint_cmd(), "check", str(single), "-q", *extra])["wall"])
        walls[label] = sorted(runs)[len(runs) // 2]
    results["one_file"] = walls
    print(f"\none-file txt check (median of 5): {walls['no cache']:.3f} s with --no-cache, {walls['cache']:.3f} s with "
          f"the cache's rule store (target ≤ 0.3 s)")
    results["load_after"] = os.getloadavg()[0]
    print(f"load average after: {results['load_after']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
