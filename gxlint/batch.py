"""Batches: finding the files under folders, linting them in a process pool with the content cache in front, and
the cross-report pass over the whole batch.

- Discovery walks folders without following a directory twice (symlink loops), skips VCS and cache folders and
  whatever matches an exclude glob, and keeps the files gxlint reads, in any case of suffix.
- Linting: the parent looks every file up in the cache (one read and one sha256 per file); the misses go to workers
  in chunks, a bounded number in flight, results coming back in order (imap-style) as compact data — findings and a
  per-report `Summary` for the cross-report rules, never whole Reports unless asked — so memory does not grow with
  the size of the batch. Workers get their rules once, in the pool initializer (inherited through fork where the
  platform has it). A file that cannot be read, vanishes mid-batch or crashes a worker becomes a GX001 finding;
  the batch goes on.
- The cross-report pass groups summaries by normalised agency name and year, pairs each report with last year's,
  and finds near-duplicate texts across agencies with MinHash/LSH (no all-pairs comparison).
"""

from __future__ import annotations

import fnmatch
import os
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

    from gxlint.cache import Cache

from gxlint.api import FileResult, lint_path, ruleset
from gxlint.check.rule import Rule
from gxlint.config import Config
from gxlint.findings import Finding
from gxlint.read import SUPPORTED, read_file_bytes
from gxlint.read.document import ReadError

# folders never searched when recursing (an explicitly named path is still read)
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".gxlint_cache", "__pycache__", "node_modules", ".venv", ".tox",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache"})
COPY_FINDINGS_PER_REPORT = 5  # at most this many "copied from" findings per report, the closest first


class PathNotFound(Exception):
    """A path named on the command line does not exist."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


# -- discovery ----------------------------------------------------------------------------------------------------

class Excluder:
    """Exclude globs (fnmatch): a pattern matches a file or folder by its name, its path relative to the folder
    being searched, or its path as given. A folder that matches is not entered."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p.rstrip("/") for p in patterns if p and p.strip())

    def __call__(self, path: str, root: str | None = None) -> bool:
        if not self.patterns:
            return False
        posix = Path(path).as_posix()
        candidates = {posix, Path(path).name}
        if root is not None:
            try:
                candidates.add(Path(os.path.relpath(path, root)).as_posix())
            except ValueError:  # another drive (Windows)
                pass
        try:
            candidates.add(Path(os.path.abspath(path)).as_posix())
        except ValueError:
            pass
        return any(fnmatch.fnmatch(c, p) for c in candidates for p in self.patterns)


def supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUPPORTED


class Discovered(list[str]):
    """The files to lint, sorted, each once; `refused` maps those found in a folder through a symlink that leaves it
    to why they are not read (the run gives each a GX001 instead of reading it); `skipped` counts, by suffix, the
    documents met in a folder that gxlint cannot read (.doc, .wps, .ofd…), which the run's summary mentions."""

    def __init__(self, files: Iterable[str] = (), refused: dict[str, str] | None = None,
                 skipped: dict[str, int] | None = None) -> None:
        super().__init__(files)
        self.refused: dict[str, str] = refused or {}
        self.skipped: dict[str, int] = skipped or {}


# documents an agency may have published its report as, which gxlint does not read: counted, so that a folder of
# them is not taken for an audited one (a page's images and scripts are not counted)
UNREAD_DOCUMENTS = frozenset({".doc", ".wps", ".wpt", ".dot", ".rtf", ".odt", ".ofd", ".xls", ".xlsx", ".et",
                              ".pptx", ".ppt", ".caj", ".djvu"})


OUTSIDE_FILE = "这是一个符号链接，指向所检查的文件夹之外，出于安全未读取（在命令行上直接指定该文件才会读取）"
OUTSIDE_DIR = "这是一个指向所检查的文件夹之外的文件夹链接，出于安全未进入（在命令行上直接指定该文件夹才会检查）"


def discover(paths: Sequence[str], exclude: Iterable[str] = ()) -> Discovered:
    """Every file to lint under `paths`, sorted, each once. Raises PathNotFound for a path that does not exist.

    A folder's symlinks are followed only while they stay inside that folder: an uploaded `x.txt → /etc/passwd` (or
    a link to a folder elsewhere) is listed as refused, never read, so nothing outside the folder can reach a
    shared report. A path named on the command line is always read, link or not."""
    excluded = Excluder(exclude)
    files: list[str] = []
    named: set[str] = set()
    refused: dict[str, str] = {}
    skipped: dict[str, int] = {}
    for raw in paths:
        if os.path.isdir(raw):
            files.extend(_walk(raw, excluded, refused, skipped))
        elif os.path.lexists(raw):
            if not excluded(raw):
                files.append(raw)
                named.add(raw)
        else:
            raise PathNotFound(raw)
    for path in named:  # named on the command line and also met in a folder: read
        refused.pop(path, None)
    return Discovered(sorted(dict.fromkeys(files)), refused, skipped)


def _inside(path: str, root: str) -> bool:
    """`path` (a resolved path) is `root` (a resolved folder) or lies under it."""
    try:
        return os.path.commonpath([root, path]) == root
    except ValueError:  # another drive (Windows)
        return False


def _walk(root: str, excluded: Excluder, refused: dict[str, str], skipped: dict[str, int]) -> Iterator[str]:
    """Files under `root`, top-down, each folder once. scandir's entries say which names are links (no lstat per
    file); only a link costs a realpath."""
    seen: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
        seen.add((st.st_dev, st.st_ino))
    except OSError:
        return
    real_root = os.path.realpath(root)  # the folder itself may be a link: what it holds is inside
    todo = [root]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)  # name order decides which way into a folder wins
        except OSError:  # unreadable, or gone since
            continue
        dirs = []
        for e in entries:
            try:
                is_dir = e.is_dir()  # follows links, as the search does
            except OSError:  # a link loop (a.txt → b.txt → a.txt): listed, and its reading says why it fails
                is_dir = False
            link = e.is_symlink()
            full = os.path.join(folder, e.name)
            if is_dir:
                if e.name in SKIP_DIRS or excluded(full, root):
                    continue
                try:
                    dst = os.stat(full)
                except OSError:  # a broken link to a folder
                    continue
                if link and not _inside(os.path.realpath(full), real_root):
                    refused[full] = OUTSIDE_DIR
                    yield full
                    continue
                ident = (dst.st_dev, dst.st_ino)
                if ident in seen:  # a symlink loop, or a second way into a folder already searched
                    continue
                seen.add(ident)
                dirs.append(full)
            elif supported(e.name) and not excluded(full, root):
                if link and not _inside(os.path.realpath(full), real_root):
                    refused[full] = OUTSIDE_FILE
                yield full
            elif (suffix := os.path.splitext(e.name)[1].lower()) in UNREAD_DOCUMENTS and not excluded(full, root):
                skipped[suffix] = skipped.get(suffix, 0) + 1
        todo.extend(reversed(dirs))  # depth first, in name order, as os.walk went


# -- progress -----------------------------------------------------------------------------------------------------

class Progress:
    """"检查中 120/3000" on stderr, rewritten in place at most ten times a second; only when enabled (the CLI
    enables it on a terminal, never for machine formats)."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 1
        self.stream = stream or sys.stderr
        self._last = 0.0
        self._shown = False

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last >= 0.1 or self.done >= self.total:
            self._last = now
            self.stream.write(f"\r检查中 {self.done}/{self.total}")
            self.stream.flush()
            self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


# -- linting ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Task:
    index: int
    path: str
    config: Config
    key: str | None = None  # the cache key, when the result may be cached
    # the worker reads the file, makes its key and looks in the cache itself (a cold run: the main process does not
    # read every file once more, serially, before the workers start; run.lint_files decides)
    lookup: bool = False


@dataclass
class WorkerState:
    keep_reports: bool = False  # return whole Reports (renderers that draw tables need them)
    summaries: bool = False  # compute cross-report summaries (batch runs with cross rules enabled)
    cache_dir: str | None = None  # workers store what they computed here
    use_hits: bool = True  # a `lookup` task may be answered from the cache (not when whole Reports are wanted)


@dataclass
class Outcome:
    index: int
    result: FileResult
    summary: Any = None  # gxlint.check.kinds.cross.Summary; for a cached result, CachedResult.summary
    cached: bool = False
    key: str | None = None  # the file's cache key (None: not cached, or unreadable)


class BatchRuleError(Exception):
    """A rule failed while running in a worker (exit code 2, like RuleRuntimeError)."""


_STATE: dict[str, Any] = {}


def _init_worker(state: WorkerState, configs: Sequence[Config] = ()) -> None:
    """Pool initializer: state, cache and the compiled rules, once per worker."""
    from gxlint.cache import Cache
    from gxlint.recognise.layouts import load_layouts, load_parts

    _STATE["state"] = state
    _STATE["cache"] = Cache(state.cache_dir) if state.cache_dir else None
    _STATE["rules"] = {}
    for cfg in configs:
        _rules(cfg)
    load_layouts()
    load_parts()


def _init_pool_worker(state: WorkerState, configs: Sequence[Config] = ()) -> None:
    """_init_worker, then the cycle collector told that what exists now (modules, layouts, compiled rules) lives as
    long as the worker, and asked to look at new objects less often: a report makes some 100,000 short-lived
    objects, and collections that walked the rules each time cost about 4 % of a worker's time. Only in a worker
    process: a library caller's own process is left as it is."""
    import gc

    _init_worker(state, configs)
    gc.enable()  # forked from a main process that pauses its collector while it gathers results (run.lint_files)
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _rules(config: Config) -> tuple[Rule, ...]:
    memo: dict[int, tuple[Config, tuple[Rule, ...]]] = _STATE.setdefault("rules", {})
    if len(memo) > 64:  # configurations unpickled chunk by chunk: keep the memo small
        memo.clear()
    hit = memo.get(id(config))
    if hit is not None and hit[0] is config:
        return hit[1]
    rules = ruleset(config)
    memo[id(config)] = (config, rules)
    return rules


@dataclass
class Lookup:
    """A file looked up in the cache: its key and bytes (None when it could not be read: the lint reports GX001),
    and, on a hit, its cached result and CachedResult.summary."""

    key: str | None = None
    data: bytes | None = None
    result: FileResult | None = None
    summary: Any = None


def look_up(cache: Cache, path: str, config: Config, use_hits: bool, need_summary: bool) -> Lookup:
    """Read the file (bounded, regular files only: a FIFO or /dev/zero in a folder must not hang or fill memory),
    make its key and take its cached result, if `use_hits` and it has one — with its cross summary when
    `need_summary`. What the main process does for the files it looks up itself, and a worker for a `lookup` task."""
    try:
        data = read_file_bytes(path)
    except ReadError:  # unreadable, gone, too big, not a file
        return Lookup()
    key = cache.key(data, path, config)
    hit = cache.get_result(key, path) if use_hits else None
    if hit is None or (need_summary and not hit.summary):
        return Lookup(key, data)
    return Lookup(key, data, FileResult(path, None, hit.findings, None, hit.suppressed, [], hit.about), hit.summary)


def _crash(path: str, message: str) -> FileResult:
    return FileResult(path, None, [Finding(code="GX001", level="error", message=message, path=path,
                                           snippet="GX001")], message)


def refused_result(path: str, message: str, config: Config) -> FileResult:
    """A file discovery refused to read: GX001 saying why (the file's levels and ignores apply)."""
    result = _crash(path, message)
    if not config.enabled("GX001") or config.ignored_for(path, "GX001") or config.levels.get("GX001") == "off":
        result.findings = []
    elif config.levels.get("GX001"):
        result.findings = [replace(f, level=config.levels["GX001"]) for f in result.findings]
    return result


def _builtin(rule: Rule) -> bool:
    from gxlint.check.loader import builtin_rules_dir

    return bool(rule.source) and Path(rule.source).resolve().parent == builtin_rules_dir()


def _timed_out(path: str, rule: Rule, config: Config) -> Finding | None:
    """GX001 for a built-in rule whose pattern ran out of time on this file (the file's content is hostile or
    pathological: like the other input limits, a GX001 that says why), with the file's levels and ignores."""
    code = "GX001"
    if not config.enabled(code) or config.ignored_for(path, code) or config.levels.get(code) == "off":
        return None
    name = f"{rule.code}（{rule.name}）" if rule.name else rule.code
    return Finding(code=code, level=config.levels.get(code) or "error", path=path, snippet=f"{code} {rule.code}",
                   message=f"规则 {name} 在该文件上匹配超时，未能检查这一项；其余规则照常检查",
                   message_en=f"rule {rule.code} timed out on this file and was not checked; the other rules ran",
                   values={"rule": rule.code})


def _lint_one(task: Task) -> Outcome:
    from gxlint.check.engine import RuleRuntimeError

    state: WorkerState = _STATE["state"]
    cache = _STATE.get("cache")
    key, data = task.key, None
    if task.lookup and cache is not None:
        found = look_up(cache, task.path, task.config, state.use_hits, state.summaries)
        if found.result is not None:
            return Outcome(task.index, found.result, found.summary, cached=True, key=found.key)
        key, data = found.key, found.data
    rules = _rules(task.config)
    timeouts: list[Rule] = []
    try:
        while True:
            try:
                result = lint_path(task.path, task.config, rules, data)
                break
            except RuleRuntimeError as exc:
                # a user's pattern that times out is a fault of its rule file: exit 2 naming it (conventions.md).
                # A built-in rule that times out was beaten by this file's content: the file gets a finding, is
                # checked again without that rule (its other findings kept), and the batch goes on
                if not isinstance(exc.__cause__, TimeoutError) or not _builtin(exc.rule):
                    raise BatchRuleError(str(exc)) from None
                timeouts.append(exc.rule)
                rules = tuple(r for r in rules if r.code != exc.rule.code)
    except BatchRuleError:
        raise
    except Exception as exc:  # a bug on one file must not stop the batch: report it as that file's problem
        result = _crash(task.path, f"检查该文件时出错：{type(exc).__name__}: {exc}"[:300])
        return Outcome(task.index, result, key=key)
    if timeouts:
        result.findings.extend(f for r in timeouts if (f := _timed_out(task.path, r, task.config)) is not None)
        result.findings.sort(key=Finding.sort_key)
    summary = None
    if result.report is not None and result.error is None and result.recognised and state.summaries:
        from gxlint.check.kinds.cross import summarise

        summary = summarise(result.report)
    if cache is not None and key and result.error is None and not timeouts:  # a timeout may not recur
        cache.put_result(key, result.findings, getattr(result, "suppressed", ()),
                         summary.fields() if summary is not None else None, result.about,
                         summary.blobs() if summary is not None else None)
    if not state.keep_reports:
        result.report = None
    return Outcome(task.index, result, summary, key=key)


def _lint_chunk(tasks: Sequence[Task]) -> list[Outcome]:
    return [_lint_one(t) for t in tasks]


def _chunks(tasks: Sequence[Task], jobs: int) -> list[list[Task]]:
    """Chunks small enough to balance the workers (heavy formats one or two at a time), large enough that the
    per-chunk overhead does not show for small text files. Sized by what is left (guided scheduling): they shrink
    towards the end of the batch, so the workers finish together instead of one waiting out the other's last
    full chunk."""
    out: list[list[Task]] = []
    cur: list[Task] = []
    weight = 0
    size = 1
    for n, t in enumerate(tasks):
        w = 16 if t.path.lower().endswith((".pdf", ".docx")) else 1
        if cur and (len(cur) >= size or weight + w > max(size, 16)):
            out.append(cur)
            cur, weight = [], 0
        if not cur:  # a chunk begins: its size from what is left
            size = max(1, min(32, (len(tasks) - n) // (jobs * 4)))
        cur.append(t)
        weight += w
    if cur:
        out.append(cur)
    return out


def _context() -> Any:
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_tasks(tasks: Sequence[Task], state: WorkerState, jobs: int,
              on_done: Callable[[int], None] | None = None) -> Iterator[Outcome]:
    """Lint `tasks`, yielding outcomes in task order. jobs == 1 (or a handful of tasks) runs in this process."""
    if not tasks:  # everything came from the cache: not even the layouts are needed
        return
    if in_process(len(tasks), jobs):
        _init_worker(state, ())
        for t in tasks:
            out = _lint_one(t)
            if on_done:
                on_done(1)
            yield out
        return
    yield from _pooled(tasks, state, jobs, on_done)


def in_process(tasks: int, jobs: int) -> bool:
    """Whether run_tasks lints in this process (one job, or too few files to be worth a pool)."""
    return jobs <= 1 or tasks < max(4, 2 * jobs)


def _prime(tasks: Sequence[Task], state: WorkerState) -> None:
    """Import and compute here, before the fork, what every worker would otherwise do for itself on its first
    file: the readers the batch needs (python-docx, pdfplumber: 0.1-0.2 s each), and for the cross-report summaries
    numpy and the boiler-plate shingles (0.25 s). Two workers paying that on a batch of a few seconds is ~10 %."""
    import importlib

    from gxlint.read import READERS

    modules = {READERS[s][0] for s in {os.path.splitext(t.path)[1].lower() for t in tasks} if s in READERS}
    for module in sorted(modules):
        importlib.import_module(module)
    if state.summaries:
        from gxlint.check.kinds.cross import boilerplate

        boilerplate()


def _pooled(tasks: Sequence[Task], state: WorkerState, jobs: int,
            on_done: Callable[[int], None] | None) -> Iterator[Outcome]:
    from concurrent.futures import ProcessPoolExecutor  # imported here: a one-file run never starts a pool
    from concurrent.futures.process import BrokenProcessPool

    configs: list[Config] = []
    seen: set[int] = set()
    for t in tasks:
        if id(t.config) not in seen:
            seen.add(id(t.config))
            configs.append(t.config)
            if len(configs) > 32:
                break
    for cfg in configs:  # compiled here once; fork hands them to every worker
        ruleset(cfg)
    _prime(tasks, state)

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_pool_worker,
                                   initargs=(state, configs))

    # chunks in flight. Results are taken in order, so a slow chunk at the head holds the others' results back: with
    # 4 per worker, a worker that had finished its share of the window sat idle until the head came in (docx and
    # txt batches 4-7 % slower). The results are kept anyway; a larger window only holds them a little longer
    window = 16 * jobs
    queue: deque[tuple[list[Task], bool]] = deque((c, False) for c in _chunks(tasks, jobs))
    pending: deque[tuple[list[Task], bool, Future[list[Outcome]]]] = deque()
    pool = new_pool()
    try:
        while queue or pending:
            while queue and len(pending) < window:
                chunk, isolated = queue[0]
                if isolated and pending:  # a suspect runs alone, so a crash can only be its own
                    break
                try:
                    fut = _submit(pool, chunk)
                except BrokenProcessPool:
                    # a worker died since the last result: submit refuses at once, before any future says so. The
                    # chunk stays queued; the crash is handled below, through the futures of the chunks in flight
                    break
                queue.popleft()
                pending.append((chunk, isolated, fut))
                if isolated:
                    break
            if not pending:  # the pool broke with nothing in flight (a worker killed while idle): a fresh one
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                continue
            chunk, isolated, fut = pending.popleft()
            try:
                outcomes = fut.result()
            except BrokenProcessPool:
                # a worker died (a reader library crashed, the OS killed it): start again, and find the file by
                # running the chunk that was waiting one file at a time
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                redo = [(c, iso) for c, iso, _ in pending]
                pending.clear()
                if isolated:
                    t = chunk[0]
                    if on_done:
                        on_done(1)
                    yield Outcome(t.index, _crash(t.path, "检查该文件时工作进程意外退出（读取库崩溃或内存不足）"))
                else:
                    redo = [([t], True) for t in chunk] + redo
                queue.extendleft(reversed(redo))
                continue
            if on_done:
                on_done(len(outcomes))
            yield from outcomes
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: Any, chunk: list[Task]) -> Future[list[Outcome]]:
    """pool.submit, a call of which forks the workers (fork context; the first, or the first after a crash): with
    what this process holds frozen meanwhile, so a worker's first collection skips it (24 → 8 ms per worker) and
    leaves its pages shared. Thawed right after (both are O(1)): a library caller's process goes on collecting as
    before."""
    import gc

    gc.freeze()
    try:
        return pool.submit(_lint_chunk, chunk)
    finally:
        gc.unfreeze()


# -- the cross-report pass ----------------------------------------------------------------------------------------

@dataclass
class CrossStats:
    groups: int = 0
    pairs_previous: int = 0
    candidates: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


def cross_pass(summaries: Sequence[Any], rules_of: Callable[[int], Sequence[Rule]],
               stats: CrossStats | None = None) -> dict[int, list[Finding]]:
    """Cross-report findings by index of `summaries` (None where a file had no summary). `rules_of(i)` gives the
    cross rules in force for file i (its configuration's selection and levels)."""
    from gxlint.check.kinds.common import applies
    from gxlint.check.kinds.cross import canonical_agencies, check, previous_of

    t0 = time.perf_counter()
    stats = stats or CrossStats()
    canon = canonical_agencies(s.agency_key for s in summaries if s is not None and s.agency_key)
    by_agency: dict[str, list[Any]] = defaultdict(list)
    for s in summaries:
        if s is not None and s.agency_key and s.year is not None:
            by_agency[canon[s.agency_key]].append(s)
    stats.groups = len(by_agency)

    copy_rules = [r for i, s in enumerate(summaries) if s is not None for r in rules_of(i)
                  if r.compiled["check"] == "text_copy"]
    candidates: dict[int, list[int]] = {}
    if copy_rules:
        threshold = min(r.compiled["threshold"] for r in copy_rules)
        candidates = copy_candidates(summaries, threshold, stats, agency_of=canon)

    out: dict[int, list[Finding]] = {}
    for i, me in enumerate(summaries):
        if me is None:
            continue
        prev = previous_of(me, by_agency.get(canon[me.agency_key], ())) if me.agency_key else None
        if prev is None and i not in candidates:
            continue  # no last year's report and no copy candidate: no cross rule has anything to compare
        rules = [r for r in rules_of(i) if applies(r.applies, me)]
        if not rules:
            continue
        if prev is not None:
            stats.pairs_previous += 1
        others = [summaries[j] for j in candidates.get(i, ())]
        found: list[Finding] = []
        for rule in rules:
            hits = check(rule, me, prev, others if rule.compiled["check"] == "text_copy" else ())
            if rule.compiled["check"] == "text_copy" and len(hits) > COPY_FINDINGS_PER_REPORT:
                hits.sort(key=lambda f: (-f.values.get("similarity", 0), f.values.get("other", "")))
                hits = hits[:COPY_FINDINGS_PER_REPORT]
            found.extend(hits)
        if found:
            out[i] = found
    stats.seconds = time.perf_counter() - t0
    return out


def copy_candidates(summaries: Sequence[Any], threshold: float, stats: CrossStats,
                    max_bucket: int = 100, keep: int = COPY_FINDINGS_PER_REPORT,
                    agency_of: dict[str, str] | None = None) -> dict[int, list[int]]:
    """For each report, the reports of other agencies whose text may be a copy of it: those sharing a band of their
    MinHash signatures (LSH), whose estimated overlap is within the margin of the threshold — the `keep` closest,
    in path order. Bands shared by more than `max_bucket` reports are boiler-plate and ignored. Nothing here is
    quadratic in the size of the batch unless the batch is made of near-copies, and even then the work per report
    is bounded by 16 bands × max_bucket estimates."""
    import numpy as np

    from gxlint.check.kinds.cross import has_text
    from gxlint.similarity import LSH_VALUES, NUM_PERM, SIG_DTYPE

    idx = [i for i, s in enumerate(summaries) if s is not None and has_text(s)]
    if len(idx) < 2:
        return {}
    sigs = np.frombuffer(b"".join(summaries[i].sig for i in idx), dtype=SIG_DTYPE).reshape(len(idx), NUM_PERM)
    sizes = np.array([summaries[i].shingle_count for i in idx], dtype=np.float64)
    names: dict[str, int] = {}
    agency_of = agency_of or {}
    agencies = np.array([names.setdefault(agency_of.get(k, k), len(names) + 1) if (k := summaries[i].agency_key)
                         else 0 for i in idx], dtype=np.int64)  # 0: agency unknown (compared with everyone)
    a, b = _banded_pairs(sigs[:, :LSH_VALUES], max_bucket)
    differ = (agencies[a] == 0) | (agencies[a] != agencies[b])  # the same agency: GX803's business, not a copy
    a, b = a[differ], b[differ]
    stats.candidates = len(a)
    # estimated from the low byte of each value: a quarter of the bytes to gather for each of the (many) pairs;
    # two different values agree on it once in 256, which the estimate takes out
    est, good = _estimates(sigs.astype(np.uint8), a, b, sizes, threshold, chance=1 / 256)
    # a pair is a candidate of each of its reports; each report keeps its `keep` closest, then batch order
    me = np.concatenate([a[good], b[good]])
    other = np.concatenate([b[good], a[good]])
    est = np.concatenate([est[good], est[good]])
    order = np.lexsort((other, -est, me))
    me, other = me[order], other[order]
    rank = np.arange(len(me)) - np.searchsorted(me, me, side="left")
    out: dict[int, list[int]] = defaultdict(list)
    for k, j in zip(me[rank < keep].tolist(), other[rank < keep].tolist(), strict=True):
        out[idx[k]].append(idx[j])
    for found in out.values():
        found.sort(key=lambda j: summaries[j].path)
    return dict(out)


def _banded_pairs(values: Any, max_bucket: int, hold: int = 1 << 20) -> tuple[Any, Any]:
    """The pairs (a, b), a < b, of rows of `values` that agree on every value of at least one of BANDS bands,
    leaving out buckets of more than `max_bucket` rows (boiler-plate everyone shares). In numpy throughout: a bucket
    is a run of the rows sorted by the band's key, and its pairs come from index arithmetic, not a loop per row."""
    import numpy as np

    from gxlint.similarity import BANDS, sorted_unique

    n, width = len(values), values.shape[1] // BANDS
    mult = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                     0x27D4EB2F165667C5, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0xFF51AFD7ED558CCD],
                    dtype=np.uint64)[:width]
    # each band's pairs as a·n + b; their union is taken at the end, or earlier when they pile up (near-copies give
    # every band the same pairs): one sort instead of one per band, in bounded memory
    found = [np.empty(0, dtype=np.int64)]
    held = 0
    for band in range(BANDS):
        with np.errstate(over="ignore"):  # the band's values mixed into one 64-bit key
            keys = (values[:, band * width:(band + 1) * width] * mult).sum(axis=1, dtype=np.uint64)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, n])
        use = (sizes > 1) & (sizes <= max_bucket)
        starts, sizes = starts[use], sizes[use]
        if not len(starts):
            continue
        # each member of a bucket with each later member: `firsts` repeated once per later member
        member = np.repeat(starts, sizes) + _ramps(sizes)
        later = np.repeat(starts + sizes, sizes) - member - 1
        firsts = np.repeat(member, later)
        seconds = firsts + 1 + _ramps(later)
        x, y = order[firsts].astype(np.int64), order[seconds].astype(np.int64)
        found.append(np.minimum(x, y) * n + np.maximum(x, y))
        held += len(x)
        if held > hold:
            found = [sorted_unique(np.concatenate(found))]
            held = len(found[0])
    codes = sorted_unique(np.concatenate(found))
    return codes // n, codes % n


def _ramps(lengths: Any) -> Any:
    """0, 1, …, m-1 for each m of `lengths`, concatenated."""
    import numpy as np

    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def _estimates(table: Any, a: Any, b: Any, sizes: Any, threshold: float, chance: float = 0.0) -> tuple[Any, Any]:
    """_estimate for the pairs (a[i], b[i]) of rows of `table` (uint8, a multiple of 8 columns), and whether each is
    within the margin of `threshold` — in slices of 8,192 pairs: a few megabytes of temporaries, not hundreds for a
    large batch."""
    import numpy as np

    from gxlint.similarity import containment_margin

    est = np.empty(len(a), dtype=np.float64)
    good = np.empty(len(a), dtype=bool)
    for lo in range(0, len(a), 8192):
        sl = slice(lo, lo + 8192)
        sa, sb = sizes[a[sl]], sizes[b[sl]]
        est[sl] = e = _estimate(_equal_counts(table[a[sl]] == table[b[sl]]), table.shape[1], sa, sb, chance)
        good[sl] = e >= threshold - containment_margin(threshold, sa, sb)
    return est, good


def _equal_counts(equal: Any) -> Any:
    """np.count_nonzero(equal, axis=1) for a bool array of a multiple of 8 columns (2,040 at most), in a
    third of its time: each row's bytes (0 or 1) summed eight at a time as uint64 words — no byte of the sum
    exceeds 255, so none carries into the next — then the eight bytes of the sum added up. count_nonzero along an
    axis converts the bools to a sum of integers, which took most of the batch's estimates (~0.1 s in 0.19 for
    915,000 candidate pairs of 10,000 reports)."""
    import numpy as np

    words = np.einsum("ij->i", equal.view(np.uint64))  # byte j of a word: the count of column j mod 8 (≤ 255)
    low = np.uint64(0x00FF00FF00FF00FF)
    pairs = (words & low) + ((words >> np.uint64(8)) & low)  # four 16-bit sums of two bytes each
    return ((pairs * np.uint64(0x0001000100010001)) >> np.uint64(48)).astype(np.int64)  # their total, top 16 bits


def _estimate(equal: Any, width: int, size: Any, size_me: Any, chance: float = 0.0) -> Any:
    """Estimated containment of each candidate (`equal`: how many of the `width` values of its signature are equal
    to mine): the share of equal values estimates Jaccard similarity (less the share `chance` that unequal values
    agree by)."""
    import numpy as np

    from gxlint.similarity import containment_from_jaccard

    jac = equal / width
    if chance:
        jac = np.maximum(0.0, (jac - chance) / (1 - chance))
    return containment_from_jaccard(jac, size, size_me)
