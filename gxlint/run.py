"""One `gxlint check` run: find the files, pick each file's configuration, lint them, then the run-wide steps
(cross-report rules, suppressions, baseline). The CLI maps options onto CheckOptions and renders RunResult."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from gxlint.api import FileResult, all_rules, ruleset
from gxlint.check.rule import Rule
from gxlint.config import Config, check_codes, config_for, find_config, no_such_codes, unknown_codes


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
    jobs: int | None = None  # worker processes; None: one per CPU (a pool only when the batch is worth it)
    cache: bool = True  # read and write the content cache
    cache_dir: str | None = None  # default: .gxlint_cache/ next to the config file, else in the working directory
    progress: bool = False  # "检查中 n/N" on stderr (the CLI sets it on a terminal, never for machine formats)
    keep_reports: bool = False  # keep each file's Report in its FileResult (renderers that draw the tables)
    cross: bool = True  # run the cross-report rules (GX801–GX805) when the batch has more than one report
    baseline: str | None = None  # accept the findings this baseline file lists (gxlint/baseline.py)


@dataclass
class RunResult:
    results: list[FileResult]
    rules: tuple[Rule, ...]
    config: Config
    notes: list[str] = field(default_factory=list)  # run-level messages for stderr
    baselined: int = 0  # findings the baseline accepted
    baseline_stale: int = 0  # baseline entries that matched nothing (fixed since): `gxlint baseline prune`
    stats: dict[str, Any] = field(default_factory=dict)  # files, cached, jobs, seconds, cross (for --statistics)

    @property
    def suppressed(self) -> int:
        return sum(len(r.suppressed) for r in self.results)

    @property
    def findings(self) -> list:
        return [f for r in self.results for f in r.findings]


class UsageError(Exception):
    """Bad command-line input (a path that does not exist): exit code 2."""


def discover(paths: tuple[str, ...], exclude: tuple[str, ...] = ()) -> list[str]:
    """The files to lint: recursion into folders (symlink loops handled, links leaving a folder refused), exclude
    globs, sorted (gxlint/batch.py)."""
    from gxlint.batch import PathNotFound
    from gxlint.batch import discover as find

    try:
        return find(paths, exclude)
    except PathNotFound as exc:
        raise UsageError(f"找不到文件：{exc.path}") from None


def file_config(path: str, opts: CheckOptions) -> Config:
    """The configuration a file is checked with: its configuration file's (every rule code it names checked, and
    those given on the command line), with the command line's selection."""
    raw = config_for(path, opts.config)
    known = {r.code for r in all_rules(raw)}  # built-in rules and this configuration's rule packs
    check_codes(raw, known)
    for flag, codes in (("--select", opts.select or ()), ("--ignore", opts.ignore or ()),
                        ("--extend-select", opts.extend_select)):
        bad = unknown_codes(codes, known)
        if bad:
            raise UsageError(f"{flag}: {no_such_codes(bad)}")
    cfg = raw.with_cli(select=opts.select, ignore=opts.ignore, fail_on=opts.fail_on, lang=opts.lang)
    if opts.extend_select:
        cfg = cfg.with_cli(extend_select=cfg.extend_select + opts.extend_select)
    return cfg


def run_check(opts: CheckOptions) -> RunResult:
    base = config_for(opts.paths[0] if opts.paths else ".", opts.config)
    files = discover(opts.paths, opts.exclude + base.exclude)
    results, stats = lint_files(files, opts, getattr(files, "refused", None))
    effective = base.with_cli(fail_on=opts.fail_on, select=opts.select, ignore=opts.ignore)
    run = RunResult(results=results, rules=ruleset(effective), config=effective, stats=stats)
    skipped = getattr(files, "skipped", {})
    if skipped:
        kinds = "、".join(f"{suffix} {n} 个" for suffix, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        from gxlint.read import SUPPORTED

        run.notes.append(f"另有 {sum(skipped.values())} 个文件未检查（{kinds}）：gxlint 只读 {' '.join(SUPPORTED)}，"
                         "请另存为 docx 或 pdf 后再检查")
    if opts.baseline:
        apply_baseline(run, opts.baseline)
    return run


def apply_baseline(run: RunResult, path: str) -> None:
    """Move the findings the baseline file accepts out of the results (they are counted, not shown)."""
    from gxlint import baseline

    applied = baseline.apply(run.results, baseline.load(path))
    run.baselined, run.baseline_stale = applied.baselined, applied.stale
    if applied.stale:
        run.notes.append(f"基线中有 {applied.stale} 项已不再出现（问题已改正），可运行 gxlint baseline prune 清理")


# -- the batch: per-file configuration, cache, workers, cross-report pass (gxlint/batch.py, gxlint/cache.py) -----

class _Configs:
    """Each file's configuration, built once per configuration file rather than once per file."""

    def __init__(self, opts: CheckOptions) -> None:
        self.opts = opts
        self._by_source: dict[str, Config] = {}
        self._by_folder: dict[str, Config] = {}  # the folder as the path names it: the files of one folder in a row

    def __call__(self, path: str) -> Config:
        named = os.path.dirname(path)
        cfg = self._by_folder.get(named)
        if cfg is not None:
            return cfg
        folder = os.path.dirname(os.path.abspath(path))  # find_config is memoised per folder, not per file
        source = self.opts.config or str(find_config(folder) or "")
        cfg = self._by_source.get(source)
        if cfg is None:
            cfg = self._by_source[source] = file_config(path, self.opts)
        self._by_folder[named] = cfg
        return cfg


def _jobs(requested: int | None) -> int:
    if requested is not None and requested > 0:
        return requested
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def lint_files(files: list[str], opts: CheckOptions,
               refused: Mapping[str, str] | None = None) -> tuple[list[FileResult], dict[str, Any]]:
    """Lint `files` (sorted) with the cache in front and a process pool behind it, then the cross-report pass.
    `refused`: files not to be read, each with its reason (links leaving a searched folder): a GX001 each.
    Returns the results in file order and the run's statistics."""
    from gxlint import batch
    from gxlint.cache import Cache, RuleStore, default_cache_dir
    from gxlint.check import loader
    from gxlint.gcpause import paused

    started = time.perf_counter()
    configs = _Configs(opts)
    per_file = [configs(p) for p in files]
    cache: Cache | None = None
    if opts.cache and files:
        where = opts.cache_dir or str(default_cache_dir(per_file[0] if opts.config is None else
                                                        config_for(files[0], opts.config)))
        cache = Cache(where)
        cache.prepare()
        if cache.writable and loader.VALIDATED is None:
            loader.VALIDATED = RuleStore(cache.dir)
    try:
        distinct = list({id(c): c for c in per_file}.values())
        for cfg in distinct:
            ruleset(cfg)  # rule files parsed (or taken from the cache's rule store) and compiled once
    finally:
        if isinstance(loader.VALIDATED, RuleStore):
            loader.VALIDATED.save()

    cross_rules: dict[int, tuple[Rule, ...]] = {
        id(c): tuple(r for r in ruleset(c) if r.kind == "cross") for c in distinct}
    want_cross = opts.cross and len(files) > 1 and any(cross_rules.values())
    results: list[FileResult | None] = [None] * len(files)
    summaries: list[Any] = [None] * len(files)
    tasks: list[batch.Task] = []
    keys: list[str | None] = [None] * len(files)  # every file's cache key: together they key the cross-report pass
    progress = batch.Progress(len(files), opts.progress)
    use_cache_hits = cache is not None and not opts.keep_reports
    refused = refused or {}
    looked = hits = 0
    in_workers = False  # the rest of the files looked up in the cache by the workers
    with ExitStack() as pause:
        # the collector paused while a warm run makes a few objects per file, all kept (gxlint/gcpause.py)
        pause.enter_context(paused())
        for i, path in enumerate(files):
            cfg = per_file[i]
            if path in refused:  # never opened, not even for the cache key
                results[i] = batch.refused_result(path, refused[path], cfg)
                progress.step()
                continue
            if looked == _PROBE and hits * 2 < looked and cache is not None and cache.writable:
                # mostly misses so far, a cold run: reading and hashing each file here, one after the other,
                # before any worker starts, would be a serial stretch of the batch — the workers do it, each for
                # its own files, reading each once
                in_workers = True
            if in_workers:
                tasks.append(batch.Task(i, path, cfg, lookup=True))
                continue
            key = None
            if cache is not None:
                found = batch.look_up(cache, path, cfg, use_cache_hits, want_cross)
                key = keys[i] = found.key  # (None: unreadable, the worker reports GX001)
                if key is not None:
                    looked += 1
                if found.result is not None:
                    hits += 1
                    results[i] = found.result
                    if want_cross:  # read and parsed only if the cross pass has to run
                        summaries[i] = _summary_of(found.summary, key)
                    progress.step()
                    continue
            tasks.append(batch.Task(i, path, cfg, key))
        jobs = _jobs(opts.jobs)
        if tasks and batch.in_process(len(tasks), jobs):
            # reports linted here make garbage cycles: the collector runs. Workers forked from here turn it back on
            # for themselves, and this process then only gathers results, all kept (a 10,000-file run: ~0.25 s
            # less of collections, on a CPU the workers share)
            pause.close()
        state = batch.WorkerState(keep_reports=opts.keep_reports, summaries=want_cross,
                                  cache_dir=str(cache.dir) if cache is not None and cache.writable else None,
                                  use_hits=use_cache_hits)
        linted = len(tasks)
        try:
            for out in batch.run_tasks(tasks, state, jobs, progress.step):
                results[out.index] = out.result
                if out.key is not None:
                    keys[out.index] = out.key
                if out.cached:  # a worker's lookup found it
                    linted -= 1
                    summaries[out.index] = _summary_of(out.summary, out.key) if want_cross else None
                else:
                    summaries[out.index] = out.summary
        except batch.BatchRuleError as exc:
            progress.close()
            raise _rule_error(str(exc)) from None
        progress.close()
        lint_end = time.perf_counter()
        cross_stats = batch.CrossStats()
        if want_cross:
            all_keys = [k for k in keys if k is not None]
            with paused():
                _cross(summaries, results, per_file, cross_rules, cache,
                       all_keys if len(all_keys) == len(files) else None, cross_stats)
    done = [r for r in results if r is not None]
    stats = {"files": len(files), "linted": linted, "cached": len(files) - linted, "jobs": jobs,
             "seconds": time.perf_counter() - started, "lint_seconds": lint_end - started,
             "cross_seconds": cross_stats.seconds, "cross_groups": cross_stats.groups,
             "cross_previous_pairs": cross_stats.pairs_previous, "cross_candidates": cross_stats.candidates,
             "cache_dir": str(cache.dir) if cache is not None else None}
    return done, stats


def _cross(summaries: list[Any], results: list[Any], per_file: list[Config], cross_rules: dict[int, tuple[Rule, ...]],
           cache: Any, keys: list[str] | None, stats: Any) -> None:
    """The cross-report pass, its findings merged into the results (_merge) — or, when the cache has the pass over
    exactly these files with these contents, rules and configurations, what that merge did to each result."""
    from gxlint import batch
    from gxlint.cache import FindingPacker

    key = None
    if cache is not None and keys is not None and not any(r is not None and r.error for r in results):
        h = hashlib.sha256(b"cross-report pass\0")
        for k in keys:
            h.update(k.encode() + b"\0")
        key = h.hexdigest()
        t0 = time.perf_counter()
        if _merged_from_cache(cache.get(key), results):
            stats.seconds = time.perf_counter() - t0
            return
    from gxlint.check.kinds.cross import Summary

    for i, s in enumerate(summaries):
        if isinstance(s, _Lazy):
            s = cache.get_summary(s.key) if cache is not None else None
            if s is None:  # removed from the cache since: summarise the file again
                s = _summary_again(results[i].path)
        if isinstance(s, dict):
            summaries[i] = Summary.from_json(s, results[i].path)
    found = batch.cross_pass(summaries, lambda i: cross_rules[id(per_file[i])], stats)
    pack = FindingPacker() if key is not None else None
    merged: dict[str, list[Any]] = {}
    for i, extra in found.items():
        added, suppressed, withdrawn = _merge(results[i], extra, per_file[i])
        if pack is not None and (added or suppressed or withdrawn):
            merged[str(i)] = [pack.rows(added), pack.rows(suppressed), [list(w) for w in sorted(withdrawn, key=str)]]
    if pack is not None:
        cache.put(key, {"merged": merged, "strings": pack.strings})


def _merged_from_cache(entry: dict[str, Any] | None, results: list[Any]) -> bool:
    """Apply a stored cross pass to the results (what _merge did to each): False, changing nothing, when the entry
    is missing or does not decode."""
    from gxlint.cache import FindingUnpacker

    if entry is None:
        return False
    try:
        unpack = FindingUnpacker(entry["strings"])
        todo = []
        for i, (added, suppressed, withdrawn) in entry["merged"].items():
            if not 0 <= int(i) < len(results):
                raise IndexError(i)
            res = results[int(i)]
            todo.append((res, unpack.findings(added, res.path), unpack.findings(suppressed, res.path),
                         {(line, col, text) for line, col, text in withdrawn}))
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        return False
    for res, added, suppressed, withdrawn in todo:
        _apply_merge(res, added, suppressed, withdrawn)
    return True


_PROBE = 64  # files looked up in the cache here before a run that finds mostly misses hands the lookups over


def _summary_of(cached: Any, key: str) -> Any:
    """A cached result's cross summary (CachedResult.summary): the dict itself, or a pointer to the entry on disk
    (read only if the cross pass has to run)."""
    return cached if isinstance(cached, dict) else _Lazy(key)


@dataclass(frozen=True)
class _Lazy:
    key: str  # a cached file's summary, still on disk


def _summary_again(path: str) -> dict[str, Any] | None:
    from gxlint.api import parse_file, recognisable
    from gxlint.check.kinds.cross import summarise

    try:
        report = parse_file(path)
        return summarise(report).as_json() if recognisable(report) else None
    except Exception:  # unreadable now: it takes no part in the cross-report checks
        return None


def _merge(result: FileResult, extra: list, config: Config) -> tuple[list, list, set[tuple[Any, ...]]]:
    """Add cross-report findings to a file's result: its configuration's selection, per-file ignores and levels, then
    its inline suppression comments (txt, md, html), as for the file's own findings. Returns what changed, for the
    cache: the findings added (in the order they now have), those suppressed, and the (line, col, snippet) of the own
    pass's GX004 findings withdrawn (_apply_merge does the same again from these)."""
    from dataclasses import replace

    from gxlint.findings import Finding
    from gxlint.source import source_kind
    from gxlint.suppress import apply_late

    ignored: dict[str, bool] = {}
    selected = []
    for f in extra:
        if f.code not in ignored:  # per-file ignores resolve the path: once per code, and only when there are any
            ignored[f.code] = bool(config.per_file_ignores) and config.ignored_for(result.path, f.code)
        if not config.enabled(f.code) or ignored[f.code]:
            continue
        level = config.levels.get(f.code)
        if level == "off":
            continue
        selected.append(replace(f, level=level) if level else f)
    withdrawn: set[tuple[Any, ...]] = set()
    before = len(result.suppressed)
    if selected and source_kind(result.path) is not None:
        selected = apply_late(result, selected, withdrawn=withdrawn)
    suppressed = result.suppressed[before:]
    result.findings.extend(selected)
    result.findings.sort(key=Finding.sort_key)
    ids = {id(f) for f in selected}
    return [f for f in result.findings if id(f) in ids], suppressed, withdrawn


def _apply_merge(result: FileResult, added: list, suppressed: list, withdrawn: set[tuple[Any, ...]]) -> None:
    """Withdraw the own pass's GX004 findings keyed in `withdrawn`, add `suppressed` and `added` (findings sorted)."""
    from gxlint.findings import Finding
    from gxlint.suppress import withdraw

    withdraw(result, withdrawn)
    result.suppressed.extend(suppressed)
    if not added:
        return
    if result.findings:
        result.findings.extend(added)
        result.findings.sort(key=Finding.sort_key)
    else:  # `added` is in sorted order already (as _merge returned it)
        result.findings = list(added)


def _rule_error(message: str) -> Exception:
    from gxlint.check.engine import RuleRuntimeError

    class WorkerRuleError(RuleRuntimeError):
        def __init__(self, text: str) -> None:
            Exception.__init__(self, text)

    return WorkerRuleError(message)
