"""One `gxlint check` run: find the files, pick each file's configuration, lint them, then the run-wide steps
(cross-report rules, suppressions, baseline). The CLI maps options onto CheckOptions and renders RunResult."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gxlint.api import FileResult, lint_path, ruleset
from gxlint.check.rule import Rule
from gxlint.config import Config, config_for
from gxlint.read import SUPPORTED


@dataclass(frozen=True)
class CheckOptions:
    paths: tuple[str, ...]
    config: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    fail_on: str | None = None
    lang: str | None = None
    exclude: tuple[str, ...] = ()


@dataclass
class RunResult:
    results: list[FileResult]
    rules: tuple[Rule, ...]
    config: Config
    notes: list[str] = field(default_factory=list)  # run-level messages for stderr

    @property
    def findings(self) -> list:
        return [f for r in self.results for f in r.findings]


class UsageError(Exception):
    """Bad command-line input (a path that does not exist): exit code 2."""


def discover(paths: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    files: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(str(f) for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in SUPPORTED)
        elif p.exists():
            files.append(str(p))
        else:
            raise UsageError(f"找不到文件：{raw}")
    return sorted(dict.fromkeys(files))


def file_config(path: str, opts: CheckOptions) -> Config:
    cfg = config_for(path, opts.config).with_cli(select=opts.select, ignore=opts.ignore, fail_on=opts.fail_on,
                                                  lang=opts.lang)
    if opts.extend_select:
        cfg = cfg.with_cli(extend_select=cfg.extend_select + opts.extend_select)
    return cfg


def run_check(opts: CheckOptions) -> RunResult:
    files = discover(opts.paths, opts.exclude)
    base = config_for(opts.paths[0] if opts.paths else ".", opts.config)
    results: list[FileResult] = []
    for path in files:
        cfg = file_config(path, opts)
        results.append(lint_path(path, cfg, ruleset(cfg)))
    effective = base.with_cli(fail_on=opts.fail_on, select=opts.select, ignore=opts.ignore)
    return RunResult(results=results, rules=ruleset(effective), config=effective)
