"""The pipeline for one file, and the rule set a configuration asks for:
read → normalise/recognise → check → (selection, levels, suppressions) → findings."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gxlint.check.engine import check_report
from gxlint.check.loader import builtin_rules_dir, load_rules
from gxlint.check.rule import Rule
from gxlint.config import Config
from gxlint.findings import Finding
from gxlint.origin import MappedOrigin
from gxlint.read import read_bytes, read_file_bytes, read_path
from gxlint.read.document import ReadError
from gxlint.recognise import recognise
from gxlint.report import Report

GX0_MESSAGES = {
    "GX002": "文件可以读取，但看不出是政府信息公开工作年度报告（没有找到标题、六个部分或统计表）",
}


@dataclass
class FileResult:
    path: str
    report: Report | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # why the file could not be read (GX001)
    suppressed: list[Finding] = field(default_factory=list)  # silenced by inline comments (gxlint/suppress.py)
    baselined: list[Finding] = field(default_factory=list)  # accepted by the baseline (gxlint/baseline.py)
    # what renderers say of the file (title, agency, year, layout, format), kept when the Report is dropped or the
    # result comes from the cache
    about: dict[str, Any] = field(default_factory=dict)
    # False for a file that reads but is not an annual report (GX002): it has no year, agency or layout to report
    # and takes no part in the cross-report checks
    recognised: bool = True

    def __post_init__(self) -> None:
        if self.report is not None and not self.about:
            self.about = about(self.report)


def about(report: Report) -> dict[str, Any]:
    return {"title": report.title, "agency": report.agency, "year": report.year, "layout": report.layout,
            "format": report.format}


@functools.lru_cache(maxsize=16)
def _rules_for(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(load_rules([builtin_rules_dir(), *(Path(p) for p in paths)]))


def ruleset(config: Config) -> tuple[Rule, ...]:
    """The rules this configuration runs: built-in and user packs, selection applied, levels overridden."""
    out = []
    for rule in _rules_for(config.rules_paths):
        level = config.levels.get(rule.code)
        if level == "off" or not rule.enabled or not config.enabled(rule.code):
            continue
        out.append(rule.with_level(level) if level else rule)
    return tuple(out)


def all_rules(config: Config | None = None) -> tuple[Rule, ...]:
    return _rules_for(config.rules_paths if config else ())


def recognisable(report: Report) -> bool:
    """An annual report shows itself by its title, by most of its part headings, or by filled-in tables."""
    if report.title or len(report.parts) >= 3 or report.layout == "pre-2019":
        return True  # the cheap tests first: counting the numbers walks every cell
    numbers = 0
    for t in report.tables.values():
        for row in t.rows:
            for c in row.cells:
                if c.is_number:
                    numbers += 1
                    if numbers >= 10:
                        return True
    return False


def _gx0(code: str, message: str, path: str, level: str = "error") -> Finding:
    return Finding(code=code, level=level, message=message, path=path, snippet=code)


def parse_file(path: str) -> Report:
    return recognise(read_path(path))


def lint_path(path: str, config: Config, rules: tuple[Rule, ...] | None = None,
              data: bytes | None = None) -> FileResult:
    """Never raises for a bad input file: unreadable input becomes a GX001/GX002 finding. `data`: the file's bytes,
    when the caller has read them already (read_file_bytes)."""
    rules = ruleset(config) if rules is None else rules
    try:
        if data is None:
            data = read_file_bytes(path)  # read_path, keeping the bytes: the suppression pass looks at them again
        doc = read_bytes(str(path), data)
        report = recognise(doc)
    except ReadError as exc:
        return _finish(FileResult(path, None, [_gx0(exc.code, exc.message, path)], exc.message), config)
    except (RecursionError, MemoryError) as exc:
        msg = f"文件结构过深或过大，无法读取（{type(exc).__name__}）"
        return _finish(FileResult(path, None, [_gx0("GX001", msg, path)], msg), config)
    except Exception as exc:  # a reader library choking on a malformed file: report it, keep the batch going
        msg = f"读取文件时出错：{type(exc).__name__}: {exc}"[:300]
        return _finish(FileResult(path, None, [_gx0("GX001", msg, path)], msg), config)
    if not recognisable(report):
        return _finish(FileResult(path, report, [_gx0("GX002", GX0_MESSAGES["GX002"], path)],
                                  about={"format": report.format}, recognised=False), config, rules, data)
    findings = check_report(report, rules, english=config.lang == "en")
    return _finish(FileResult(path, report, findings), config, rules, data)


def settle(report: Report) -> None:
    """Checked: an HTML report's line origins let go of the page they map characters into (a batch that keeps
    its reports for the HTML output would otherwise keep every page's source in memory)."""
    for _s, _e, origin, _r in report.segments:
        if isinstance(origin, MappedOrigin):
            origin.settle()


def _finish(result: FileResult, config: Config, rules: tuple[Rule, ...] = (), data: bytes | None = None) -> FileResult:
    if result.report is not None and result.report.format == "html":
        settle(result.report)
    if rules and result.report is not None and result.report.format in ("txt", "md", "html"):
        from gxlint.suppress import apply_to_result

        apply_to_result(result, rules, all_rules(config), data)
    kept = []
    per_file = bool(config.per_file_ignores)  # ignored_for resolves the path for each finding: only when asked
    for f in result.findings:
        if not config.enabled(f.code) or (per_file and config.ignored_for(result.path, f.code)):
            continue
        level = config.levels.get(f.code)
        if level == "off":
            continue
        kept.append(replace(f, level=level) if level else f)
    kept.sort(key=Finding.sort_key)
    result.findings = kept
    return result
