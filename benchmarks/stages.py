"""CPU time per report of each stage of the pipeline, in this process (no pool, no cache):

    python benchmarks/stages.py DIR [--count 500] [--profile cumtime|tottime]

read (bytes → Document), recognise (Document → Report), check (the built-in rules), summarise (what the cross-report
rules keep of a report) and lint_path (read + recognise + check + suppressions and levels, as a worker runs it).
Figures are process CPU time, so other load on the machine changes them less than wall time; still, compare ratios
within one run. Make the files with `python benchmarks/generate.py DIR --format txt --count 500`.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> None:
    from gxlint.api import check_report, lint_path, ruleset
    from gxlint.check.kinds.cross import summarise
    from gxlint.config import Config
    from gxlint.read import read_path
    from gxlint.recognise import recognise

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--profile", choices=("cumtime", "tottime"), help="then profile lint_path + summarise")
    args = ap.parse_args()
    suffixes = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
    files = sorted(str(p) for p in args.folder.iterdir() if p.suffix.lower() in suffixes)[:args.count]
    cfg = Config()
    rules = ruleset(cfg)
    for f in files[:20]:  # warm: lazy imports (numpy), compiled layouts, the boiler-plate shingles, caches
        r = lint_path(f, cfg, rules)
        if r.report is not None:
            summarise(r.report)
    spent: dict[str, float] = {}

    def timed(stage: str, fn: Callable[..., Any], *a: Any) -> Any:
        t = time.process_time()
        out = fn(*a)
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - t
        return out

    for f in files:
        report = timed("recognise", recognise, timed("read", read_path, f))
        timed("check", check_report, report, rules)
        timed("summarise", summarise, report)
        timed("lint_path", lint_path, f, cfg, rules)
    print(f"{len(files)} files from {args.folder}: CPU ms per report")
    for stage, s in spent.items():
        print(f"  {stage:<10} {s / len(files) * 1000:7.3f}")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for f in files:
            r = lint_path(f, cfg, rules)
            if r.report is not None:
                summarise(r.report)
        prof.disable()
        pstats.Stats(prof).sort_stats(args.profile).print_stats(40)


if __name__ == "__main__":
    main()
