"""The long fuzz run (issue 6): the properties of tests/test_fuzz.py with enough examples to reach --total in all.

    python benchmarks/fuzz_long.py                    # ≥ 100,000 examples, one process (about an hour on one core)
    python benchmarks/fuzz_long.py --total 20000 -k mutated

It runs pytest once, in one process, with GXLINT_FUZZ_EXAMPLES set per property, and prints how many examples each
property ran (hypothesis counts shrinking replays too) and whether any property failed. Exit code: pytest's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# examples each property runs per unit of GXLINT_FUZZ_EXAMPLES (tests/test_fuzz.py: fuzz(..., share=))
SHARES = {"random_bytes": 1.0, "random_bytes_lint_path": 1.0, "random_unicode": 1.0, "random_unicode_text": 1.0,
          "mutated_text": 1.0, "mutated_docx": 0.25, "mutated_pdf": 0.02, "table_shapes": 1.0, "drafts": 1.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--total", type=int, default=100_000, help="examples in all (default 100000)")
    ap.add_argument("-k", default=None, help="pytest -k expression: only some properties")
    ap.add_argument("--seed", default=None, help="hypothesis seed (default: random)")
    args = ap.parse_args(argv)
    per_property = math.ceil(args.total / sum(SHARES.values()))
    with tempfile.TemporaryDirectory(prefix="gxlint-fuzz-long-") as tmp:
        counts_file = Path(tmp) / "counts.json"
        env = dict(os.environ, GXLINT_FUZZ_EXAMPLES=str(per_property), GXLINT_FUZZ_COUNT_FILE=str(counts_file))
        cmd = [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-m", "fuzz", "-p", "no:cacheprovider", "-q",
               "-W", "ignore::DeprecationWarning", "--hypothesis-show-statistics"]
        if args.k:
            cmd += ["-k", args.k]
        if args.seed:
            cmd += ["--hypothesis-seed", args.seed]
        print(f"GXLINT_FUZZ_EXAMPLES={per_property} {' '.join(cmd[1:])}", flush=True)
        start = time.monotonic()
        rc = subprocess.call(cmd, cwd=ROOT, env=env)
        elapsed = time.monotonic() - start
        counts = json.loads(counts_file.read_text(encoding="utf-8")) if counts_file.exists() else {}
    for name, n in sorted(counts.items()):
        print(f"{name:28} {n:>8}")
    print(f"{'total':28} {sum(counts.values()):>8}  in {elapsed / 60:.1f} min, pytest exit code {rc}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
