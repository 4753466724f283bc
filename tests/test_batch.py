"""Batch runs: recursion with excludes and symlink loops, mixed formats, one bad file never stops the batch, files
vanishing mid-batch, a crashing worker, output identical for any -j, progress only when asked."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gxlint import batch
from gxlint.run import CheckOptions, UsageError, run_check


def _report(year: int = 2024, agency: str = "某某县人民政府", seed: int | None = None, fmt: str = "txt",
            defect: bool = False) -> bytes:
    import random

    from gxlint.write import write
    from gxlint.write.draft import Draft

    draft = Draft.consistent_random(random.Random(seed), year, agency=agency) if seed is not None else \
        Draft.blank(year, agency=agency)
    if defect:
        draft = draft.with_cell("t3", "r1", "natural", str(int(draft.cell("t3", "r1", "natural") or 0) + 7))
    return write(draft, fmt)


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "r1.txt").write_bytes(_report())
    (root / "a" / "b" / "r2.MD").write_bytes(_report(fmt="md"))
    (root / "a" / "b" / "r3.htm").write_bytes(_report(fmt="html"))
    (root / "a" / "notes.py").write_text("x = 1\n")
    (root / "a" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / ".git").mkdir()
    (root / ".git" / "r4.txt").write_bytes(_report())
    (root / "drafts").mkdir()
    (root / "drafts" / "r5.txt").write_bytes(_report())
    (root / "r6.html").write_bytes(_report(fmt="html"))


def _names(files: list[str], root: Path) -> list[str]:
    return [Path(os.path.relpath(f, root)).as_posix() for f in files]


def test_recursion_mixed_formats_and_skipped_folders(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = _names(batch.discover([str(tmp_path)]), tmp_path)
    assert found == ["a/b/r2.MD", "a/b/r3.htm", "a/r1.txt", "drafts/r5.txt", "r6.html"]


@pytest.mark.parametrize("pattern, gone", [
    ("drafts", {"drafts/r5.txt"}),
    ("drafts/", {"drafts/r5.txt"}),
    ("*.htm*", {"a/b/r3.htm", "r6.html"}),
    ("a/b", {"a/b/r2.MD", "a/b/r3.htm"}),
    ("a/*", {"a/b/r2.MD", "a/b/r3.htm", "a/r1.txt"}),
    ("r1.txt", {"a/r1.txt"}),
])
def test_exclude_globs(tmp_path: Path, pattern: str, gone: set[str]) -> None:
    _tree(tmp_path)
    every = set(_names(batch.discover([str(tmp_path)]), tmp_path))
    left = set(_names(batch.discover([str(tmp_path)], [pattern]), tmp_path))
    assert every - left == gone


def test_symlink_loops_and_second_ways_in_are_walked_once(tmp_path: Path) -> None:
    _tree(tmp_path)
    os.symlink(tmp_path / "a", tmp_path / "a" / "b" / "loop")  # a/b/loop → a: a cycle
    os.symlink(tmp_path / "a" / "b", tmp_path / "again")  # a second way into a/b
    os.symlink(tmp_path / "missing", tmp_path / "dangling")  # a broken link to a folder
    found = _names(batch.discover([str(tmp_path)]), tmp_path)
    assert len(found) == len(set(found))
    assert sorted(found) == found
    # every real file once (through one path or the other)
    assert {Path(f).name for f in found} == {"r1.txt", "r2.MD", "r3.htm", "r5.txt", "r6.html"}
    assert len(found) == 5


def test_explicit_files_and_missing_paths(tmp_path: Path) -> None:
    _tree(tmp_path)
    one = tmp_path / "a" / "r1.txt"
    assert batch.discover([str(one), str(one)]) == [str(one)]
    with pytest.raises(UsageError):
        run_check(CheckOptions(paths=(str(tmp_path / "nope"),), cache=False))
    proc = subprocess.run([sys.executable, "-c", "from gxlint.cli import main; main()", "check",
                           str(tmp_path / "nope")], capture_output=True, text=True)
    assert proc.returncode == 2 and "找不到" in proc.stderr


def test_one_bad_file_never_stops_the_batch(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(_report())
    (tmp_path / "binary.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (tmp_path / "garbage.docx").write_bytes(b"PK\x03\x04" + os.urandom(500))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin1.html").write_bytes("<html><body>caf\xe9</body></html>".encode("latin-1"))
    for jobs in (1, 2):
        run = run_check(CheckOptions(paths=(str(tmp_path),), jobs=jobs, cache=False))
        by_name = {Path(r.path).name: r for r in run.results}
        assert set(by_name) == {"good.txt", "binary.pdf", "garbage.docx", "empty.txt", "latin1.html"}
        assert [f.code for f in by_name["binary.pdf"].findings] == ["GX001"]
        assert [f.code for f in by_name["garbage.docx"].findings] == ["GX001"]
        assert by_name["good.txt"].findings == []


def test_a_file_that_vanishes_mid_batch_is_gx001(tmp_path: Path) -> None:
    paths = []
    for i in range(6):
        p = tmp_path / f"r{i}.txt"
        p.write_bytes(_report(seed=i))
        paths.append(str(p))
    files = batch.discover([str(tmp_path)])
    os.unlink(paths[3])  # listed, then gone before it was read
    from gxlint.run import lint_files

    for jobs, cache in ((1, False), (2, True)):
        results, _ = lint_files(files, CheckOptions(paths=(str(tmp_path),), jobs=jobs, cache=cache,
                                                    cache_dir=str(tmp_path / "cache")))
        assert [r.path for r in results] == files
        gone = results[3]
        assert [f.code for f in gone.findings] == ["GX001"] and gone.error
        assert all(not r.error for i, r in enumerate(results) if i != 3)


def _forked_batch(folder: Path, n: int) -> Callable[..., Any]:
    """For a test that patches batch.lint_path for the workers: skipped where workers are not forked (the patch
    would not reach them); writes r0.txt … r<n-1>.txt and returns the real lint_path."""
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs fork (the patched function must reach the workers)")
    for i in range(n):
        (folder / f"r{i}.txt").write_bytes(_report(seed=i))
    return batch.lint_path


@pytest.mark.parametrize("busy", [0.0, 1.0], ids=["parent-waiting", "parent-busy"])
def test_a_crashing_worker_costs_one_file_not_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        busy: float) -> None:
    """`busy`: the parent is still handling the first result when r4's worker dies, so the crash shows first in
    `submit` (which raises at once on a broken pool), not in a future — the flaky case of the last session, made
    certain by the pause."""
    import time

    real = _forked_batch(tmp_path, 10)

    def crashy(path: str, *a: object, **kw: object) -> object:
        if path.endswith("r4.txt"):
            os._exit(3)  # the worker dies as a segfaulting reader library would
        return real(path, *a, **kw)  # type: ignore[arg-type]

    done: list[int] = []

    def on_done(n: int) -> None:
        done.append(n)
        if len(done) == 1:
            time.sleep(busy)

    monkeypatch.setattr(batch, "lint_path", crashy)
    results = list(batch.run_tasks([batch.Task(i, str(tmp_path / f"r{i}.txt"), _config()) for i in range(10)],
                                   batch.WorkerState(), jobs=2, on_done=on_done))
    assert [o.index for o in results] == list(range(10))
    assert [f.code for f in results[4].result.findings] == ["GX001"]
    assert "工作进程" in results[4].result.findings[0].message
    assert all(not o.result.error and o.result.findings is not None for o in results if o.index != 4)
    assert all(f.code != "GX001" for o in results if o.index != 4 for f in o.result.findings)
    assert sum(done) == 10  # every file counted once in the progress


def test_workers_collect_garbage_though_the_parent_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The main process pauses its collector while it gathers results (run.lint_files); workers forked meanwhile
    inherit that, and must turn it back on: a report's objects hold cycles, and a worker lints thousands."""
    import gc

    from gxlint.gcpause import paused

    real = _forked_batch(tmp_path, 6)

    def noting(path: str, *a: object, **kw: object) -> object:
        result = real(path, *a, **kw)  # type: ignore[arg-type]
        result.about = {**result.about, "collector": gc.isenabled(), "pid": os.getpid()}
        return result

    monkeypatch.setattr(batch, "lint_path", noting)
    with paused():
        results = list(batch.run_tasks([batch.Task(i, str(tmp_path / f"r{i}.txt"), _config()) for i in range(6)],
                                       batch.WorkerState(), jobs=2))
    abouts = [o.result.about for o in results]
    assert {a["pid"] for a in abouts}.isdisjoint({os.getpid()})  # linted in workers
    assert all(a["collector"] for a in abouts)


def _config() -> object:
    from gxlint.config import Config

    return Config()


def _out(root: Path, jobs: int, fmt: str, *extra: str) -> bytes:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-c", "from gxlint.cli import main; main()", "check", str(root),
                           "-f", fmt, "-j", str(jobs), *extra], capture_output=True, env=env, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("fmt", ["concise", "json"])
def test_output_identical_for_any_jobs(tmp_path: Path, fmt: str) -> None:
    data = tmp_path / "reports"
    data.mkdir()
    for i in range(14):
        kind = ("txt", "html", "md")[i % 3]
        (data / f"county{i:02d}_{2023 + i % 2}.{kind}").write_bytes(
            _report(year=2023 + i % 2, agency=f"第{i // 2}县人民政府", seed=i, fmt=kind, defect=i % 4 == 0))
    one = _out(data, 1, fmt, "--no-cache")
    two = _out(data, 2, fmt, "--no-cache")
    assert one == two and one.strip()
    warm_two = _out(data, 2, fmt, "--cache-dir", str(tmp_path / "c"))
    warm_again = _out(data, 1, fmt, "--cache-dir", str(tmp_path / "c"))
    if fmt == "json":  # timing fields aside, the same document
        strip = lambda b: {k: v for k, v in json.loads(b).items() if k not in ("duration", "elapsed")}  # noqa: E731
        assert strip(one) == strip(warm_two) == strip(warm_again)
    else:
        assert one == warm_two == warm_again


def test_results_sorted_by_path_and_findings_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "A.txt", "a.txt", "c/z.txt", "c/a.txt"):
        p = tmp_path / name
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(_report(defect=True))
    run = run_check(CheckOptions(paths=(str(tmp_path),), jobs=2, cache=False))
    paths = [r.path for r in run.results]
    assert paths == sorted(paths)
    for r in run.results:
        assert r.findings == sorted(r.findings, key=lambda f: f.sort_key())


def test_chunks_are_bounded_and_heavy_formats_small() -> None:
    from gxlint.config import Config

    cfg = Config()
    tasks = [batch.Task(i, f"r{i}.txt", cfg) for i in range(5000)]
    chunks = batch._chunks(tasks, 2)
    assert max(len(c) for c in chunks) <= 32
    assert [t.index for c in chunks for t in c] == list(range(5000))
    sizes = [len(c) for c in chunks]
    assert sizes[0] == 32 and sizes == sorted(sizes, reverse=True) and sizes[-1] == 1  # shrinking to the end
    assert len(chunks) < 5000 // 32 + 60  # few more chunks than fixed 32s
    pdfs = [batch.Task(i, f"r{i}.pdf", cfg) for i in range(40)]
    assert max(len(c) for c in batch._chunks(pdfs, 2)) == 1


def test_progress_only_when_enabled() -> None:
    quiet = io.StringIO()
    p = batch.Progress(10, enabled=False, stream=quiet)
    for _ in range(10):
        p.step()
    p.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    p = batch.Progress(10, enabled=True, stream=shown)
    for _ in range(10):
        p.step()
    p.close()
    assert "检查中 10/10" in shown.getvalue() and shown.getvalue().endswith("\r\x1b[K")


def test_no_progress_when_not_a_terminal(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"r{i}.txt").write_bytes(_report(seed=i))
    proc = subprocess.run([sys.executable, "-c", "from gxlint.cli import main; main()", "check", str(tmp_path),
                           "--no-cache"], capture_output=True, text=True)
    assert "检查中" not in proc.stderr


def test_statistics_on_stderr(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"r{i}.txt").write_bytes(_report(seed=i, defect=True))
    proc = subprocess.run([sys.executable, "-c", "from gxlint.cli import main; main()", "check", str(tmp_path),
                           "--no-cache", "--statistics", "-f", "json"], capture_output=True, text=True)
    json.loads(proc.stdout)  # stdout stays a JSON document
    assert "GX301" in proc.stderr and "3 个文件" in proc.stderr
