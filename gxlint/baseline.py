"""The baseline: today's findings on legacy files, accepted so that only new ones are reported.

`.gxlint-baseline.json` (schema "gxlint-baseline/1"):

    {"schema": "gxlint-baseline/1", "gxlint": "0.1.0",
     "files": {"reports/2019/a.docx": {"GX201": {"count": 2, "fingerprints": ["9f…", "03…"]}}}}

Paths are POSIX, relative to the baseline file's folder. A fingerprint is the finding's content hash
(`Finding.fingerprint`: rule, path, and the table cell or matched text — never a line number), computed with that
relative path, so a finding stays accepted when lines are added or removed elsewhere in the file. Fingerprints are a
multiset: two identical findings need two entries. `count` is the number of fingerprints (for people reading the file
and for `gxlint baseline prune`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gxlint.config import resolved
from gxlint.findings import Finding

if TYPE_CHECKING:
    from gxlint.api import FileResult

SCHEMA = "gxlint-baseline/1"
DEFAULT_NAME = ".gxlint-baseline.json"


class BaselineError(Exception):
    """A baseline file that cannot be read: exit code 2."""


def relative_to(path: str, folder: Path) -> str:
    """`path` relative to `folder`, POSIX; the path as given (POSIX) when it is elsewhere."""
    p = resolved(path)  # a symlink loop among the inputs must not crash the run
    try:
        return p.relative_to(folder.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.relpath(p, folder.resolve())).as_posix()
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()


def fingerprint(f: Finding, rel: str) -> str:
    return replace(f, path=rel).fingerprint()


@dataclass
class Baseline:
    files: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # rel path → code → fingerprints
    path: Path | None = None
    version: str = ""

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path(".")

    def total(self) -> int:
        return sum(len(fps) for codes in self.files.values() for fps in codes.values())

    def to_json(self) -> dict[str, Any]:
        from gxlint import __version__

        return {
            "schema": SCHEMA,
            "gxlint": __version__,
            "files": {rel: {code: {"count": len(fps), "fingerprints": sorted(fps)}
                            for code, fps in sorted(codes.items()) if fps}
                      for rel, codes in sorted(self.files.items()) if any(codes.values())},
        }

    def write(self, path: Path | None = None) -> Path:
        target = Path(path or self.path or DEFAULT_NAME)
        text = json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)  # atomic: a crash never leaves half a baseline
        return target


def load(path: str | Path) -> Baseline:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BaselineError(f"找不到基线文件：{p}（先运行 gxlint baseline create）") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{p}: 无法读取基线文件：{exc}") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("files"), dict):
        raise BaselineError(f"{p}: 不是 gxlint 基线文件（应有 \"schema\": \"{SCHEMA}\" 和 \"files\"）")
    files: dict[str, dict[str, list[str]]] = {}
    for rel, codes in data["files"].items():
        if not isinstance(codes, dict):
            raise BaselineError(f"{p}: files.{rel} 应是一个映射（规则代码 → count、fingerprints）")
        files[rel] = {}
        for code, entry in codes.items():
            fps = entry.get("fingerprints") if isinstance(entry, dict) else None
            if not isinstance(fps, list) or not all(isinstance(x, str) for x in fps):
                raise BaselineError(f"{p}: files.{rel}.{code}.fingerprints 应是字符串列表")
            files[rel][code] = list(fps)
    return Baseline(files=files, path=p, version=str(data.get("gxlint", "")))


def create(results: Iterable[FileResult], path: str | Path) -> Baseline:
    """A baseline accepting every finding of `results`, for a file at `path`."""
    base = Baseline(path=Path(path))
    for r in results:
        rel = relative_to(r.path, base.folder)
        for f in r.findings:
            base.files.setdefault(rel, {}).setdefault(f.code, []).append(fingerprint(f, rel))
    return base


@dataclass
class Applied:
    baselined: int = 0
    stale: int = 0  # baseline entries that matched nothing (fixed findings): `gxlint baseline prune` drops them
    matched: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def apply(results: Iterable[FileResult], base: Baseline) -> Applied:
    """Move the findings the baseline accepts from `findings` to `baselined`, in place."""
    out = Applied()
    seen_files: set[str] = set()
    for r in results:
        rel = relative_to(r.path, base.folder)
        seen_files.add(rel)
        accepted = {code: Counter(fps) for code, fps in base.files.get(rel, {}).items()}
        kept: list[Finding] = []
        for f in r.findings:
            fp = fingerprint(f, rel)
            pool = accepted.get(f.code)
            if pool and pool[fp] > 0:
                pool[fp] -= 1
                r.baselined.append(f)
                out.matched.setdefault(rel, {}).setdefault(f.code, []).append(fp)
            else:
                kept.append(f)
        r.findings = kept
        out.baselined += sum(len(v) for v in out.matched.get(rel, {}).values())
        out.stale += sum(sum(c.values()) for c in accepted.values())
    return out


def prune(base: Baseline, results: Iterable[FileResult]) -> tuple[Baseline, int]:
    """The baseline without the entries today's findings no longer match (files checked in `results` only; entries
    of files not checked are kept unless the file is gone). Returns (new baseline, number of entries dropped)."""
    results = list(results)
    applied = apply(results, base)
    checked = {relative_to(r.path, base.folder) for r in results}
    files: dict[str, dict[str, list[str]]] = {}
    for rel, codes in base.files.items():
        if rel in checked:
            kept = applied.matched.get(rel, {})
            if kept:
                files[rel] = {code: list(fps) for code, fps in kept.items()}
        elif (base.folder / rel).exists():
            files[rel] = {code: list(fps) for code, fps in codes.items()}
    pruned = Baseline(files=files, path=base.path)
    # give the findings back: prune only reads them
    for r in results:
        r.findings = sorted(r.findings + r.baselined, key=Finding.sort_key)
        r.baselined = []
    return pruned, base.total() - pruned.total()
