"""Dump what gxlint makes of a fixed set of files — the parsed report, the findings and the cross-report summary of
each — as one JSON file, so that a change meant only to be faster can be shown to change nothing:

    python benchmarks/equivalence.py /tmp/before.json            # on the base (a `git worktree` on PYTHONPATH)
    python benchmarks/equivalence.py /tmp/after.json             # on the change
    cmp /tmp/before.json /tmp/after.json

The set: every report in ../shared/corpus (when present), generated reports in each format (benchmarks/generate.py,
written once into --data), and the project's examples/.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
COUNTS = {"txt": 300, "html": 150, "md": 60, "docx": 20, "pdf": 6}


def files(data: Path) -> list[Path]:
    from generate import generate

    out: list[Path] = []
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        out += sorted(p for p in corpus.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    out += sorted(p for p in (ROOT / "examples").rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    for fmt, n in COUNTS.items():
        folder = data / f"eq-{fmt}-{n}"
        if not folder.is_dir():
            generate(folder, fmt, n, seed=7)
        out += sorted(p for p in folder.iterdir() if p.is_file())
    return out


def dump(paths: list[Path]) -> dict[str, Any]:
    from gxlint.api import lint_path
    from gxlint.check.kinds.cross import summarise
    from gxlint.config import Config
    from gxlint.report_json import report_to_json

    cfg = Config()
    out: dict[str, Any] = {}
    for p in paths:
        r = lint_path(str(p), cfg)
        entry: dict[str, Any] = {"findings": [f.as_dict() for f in r.findings], "about": r.about}
        if r.report is not None:
            entry["report"] = report_to_json(r.report)
            entry["summary"] = summarise(r.report).as_json()
        out[p.name if "eq-" in str(p) else str(p.relative_to(ROOT.parent))] = entry
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "gxlint-equivalence")
    args = ap.parse_args()
    paths = files(args.data)
    args.out.write_text(json.dumps(dump(paths), ensure_ascii=False, sort_keys=True, indent=0, default=str),
                        encoding="utf-8")
    print(f"{len(paths)} files → {args.out}")


if __name__ == "__main__":
    main()
