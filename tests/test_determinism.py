"""Determinism and no data loss (issue 6): the same inputs give byte-identical JSON and SARIF across runs, worker
counts, cache states and hash seeds; `-o` replaces its file atomically (a failure mid-render or mid-write leaves the
old file whole); inputs — the corpus included — are never modified (content, size, mtime, ctime, mode, no new files).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gxlint.write import write
from gxlint.write.draft import Draft
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parent.parent


def _gxlint(args: list[str], cwd: Path, seed: str = "0", timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    return subprocess.run([sys.executable, "-m", "gxlint", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Reports in every format, with defects, in nested folders (and the corpus when it is there)."""
    root = tmp_path_factory.mktemp("det") / "inputs"
    rng = __import__("random").Random(6)
    for i, fmt in enumerate(("txt", "md", "html", "docx", "txt", "html")):
        year = 2019 + i
        d = Draft.consistent_random(rng, year, agency=f"某{'一二三四五六'[i]}县人民政府")
        if i % 2:
            d = d.with_cell("t3", "r1", "natural", "7").with_part("六", "博彩")
        folder = root / f"agency{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"report{i}.{fmt}").write_bytes(write(d, fmt))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    if CORPUS.is_dir():
        shutil.copytree(CORPUS, root / "corpus")
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_byte_identical_across_runs_jobs_cache_and_hash_seeds(tmp_path: Path, inputs: Path, fmt: str) -> None:
    runs = {
        "j1-nocache": (["-j", "1", "--no-cache"], "1"),
        "j2-nocache": (["-j", "2", "--no-cache"], "2"),
        "j2-cold": (["-j", "2", "--cache-dir", str(tmp_path / "cache")], "3"),
        "j1-warm": (["-j", "1", "--cache-dir", str(tmp_path / "cache")], "4"),
        "j2-warm": (["-j", "2", "--cache-dir", str(tmp_path / "cache")], "random"),
    }
    outputs: dict[str, bytes] = {}
    for name, (extra, seed) in runs.items():
        out = tmp_path / f"{name}.{fmt}"
        proc = _gxlint(["check", str(inputs), "--format", fmt, "-o", str(out), *extra], cwd=inputs.parent, seed=seed)
        assert proc.returncode == 1, proc.stderr[-2000:]
        outputs[name] = out.read_bytes()
    first = outputs["j1-nocache"]
    json.loads(first)  # valid
    for name, data in outputs.items():
        assert data == first, f"{fmt} output of {name} differs from j1-nocache"


def test_parse_results_do_not_depend_on_the_hash_seed(inputs: Path) -> None:
    script = ("import json, sys, pathlib\nfrom gxlint.api import parse_file\nfrom gxlint.report_json import "
              "report_to_json\nfrom gxlint.read.document import ReadError\nout = {}\n"
              "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*')):\n"
              "    if p.is_file() and p.suffix in ('.txt', '.md', '.html', '.docx', '.pdf'):\n"
              "        try: out[str(p)] = report_to_json(parse_file(str(p)))\n"
              "        except ReadError as e: out[str(p)] = [e.code, e.message]\n"
              "print(json.dumps(out, ensure_ascii=False, sort_keys=True))\n")
    results = []
    for seed in ("0", "12345", "random"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        proc = subprocess.run([sys.executable, "-c", script, str(inputs)], capture_output=True, text=True, env=env,
                              timeout=600, cwd=ROOT)
        assert proc.returncode == 0, proc.stderr[-2000:]
        results.append(proc.stdout)
    assert results[0] == results[1] == results[2]


# ------------------------------------------------------------------------------------------------ atomic output

def _old_report(tmp_path: Path) -> tuple[Path, Path, bytes]:
    report = tmp_path / "r.txt"
    report.write_bytes(write(Draft.blank(2024).with_cell("t3", "r1", "natural", "5"), "txt"))
    out = tmp_path / "report.json"
    old = b'{"old": "report, kept whole"}\n'
    out.write_bytes(old)
    return report, out, old


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failure_while_rendering_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from _output_helpers import cli

    import gxlint.render as render

    report, out, old = _old_report(tmp_path)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("renderer crashed half-way")

    monkeypatch.setattr(render, "render_run", broken)
    with pytest.raises(RuntimeError):
        cli(["check", "--no-cache", "--format", "json", "-o", str(out), str(report)])
    assert out.read_bytes() == old and _leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", ["disk-full", "interrupt", "rename"])
def test_a_failure_while_writing_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      failure: str) -> None:
    from _output_helpers import cli

    import gxlint.atomic as atomic

    report, out, old = _old_report(tmp_path)
    if failure == "rename":
        def replace(src: Any, dst: Any) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(atomic.os, "replace", replace)
    else:
        def fsync(fd: int) -> None:  # the bytes are half on disk when this fails
            if failure == "interrupt":
                raise KeyboardInterrupt
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(atomic.os, "fsync", fsync)
    if failure == "interrupt":  # Ctrl-C: click turns it into "Aborted!" (exit 1), or it propagates
        try:
            res = cli(["check", "--no-cache", "--format", "json", "-o", str(out), str(report)])
        except KeyboardInterrupt:
            pass
        else:
            assert res.code != 0
    else:
        res = cli(["check", "--no-cache", "--format", "json", "-o", str(out), str(report)])
        assert res.code == 2 and "无法写入" in res.stderr
    assert out.read_bytes() == old
    assert _leftovers(tmp_path) == []


def test_a_successful_write_replaces_the_file_keeps_its_mode_and_follows_a_link(tmp_path: Path) -> None:
    from _output_helpers import cli

    report, out, old = _old_report(tmp_path)
    os.chmod(out, 0o640)
    res = cli(["check", "--no-cache", "--format", "json", "-o", str(out), str(report)])
    assert res.code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["files"] == 1
    assert oct(out.stat().st_mode & 0o777) == oct(0o640)
    real = tmp_path / "real.sarif"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.sarif"
    link.symlink_to(real.name)
    res = cli(["check", "--no-cache", "--format", "sarif", "-o", str(link), str(report)])
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------------- inputs untouched

def _snapshot(root: Path) -> dict[str, Any]:
    snap: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        st = d.stat()
        snap[str(d)] = ("dir", sorted(dirnames), sorted(filenames), st.st_mtime_ns, st.st_mode)
        for name in filenames:
            p = d / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else None
            snap[str(p)] = (digest, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode, st.st_ino)
    return snap


def _every_command(target: Path, work: Path) -> None:
    for fmt in ("text", "concise", "json", "sarif", "html", "junit", "github", "summary"):
        proc = _gxlint(["check", str(target), "--format", fmt, "-o", str(work / f"out.{fmt}"), "-j", "2",
                        "--cache-dir", str(work / "cache")], cwd=work)
        assert proc.returncode in (0, 1) or "未知的输出格式" in proc.stderr, (fmt, proc.stderr[-1000:])
    assert _gxlint(["check", str(target), "--no-cache", "-j", "1"], cwd=work).returncode in (0, 1)
    proc = _gxlint(["baseline", "create", str(target), "-o", str(work / "baseline.json"), "--no-cache"], cwd=work)
    assert proc.returncode in (0, 1, 2)
    for suffix in (".txt", ".md", ".html", ".docx", ".pdf"):  # one file of each format through `gxlint parse`
        first = next(iter(sorted(target.rglob(f"*{suffix}"))), None)
        if first is not None:
            _gxlint(["parse", str(first), "--format", "json"], cwd=work, timeout=120)


def test_inputs_are_never_modified(tmp_path: Path, inputs: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    before = _snapshot(inputs)
    _every_command(inputs, work)
    assert _snapshot(inputs) == before


@pytest.mark.corpus
def test_the_corpus_is_never_modified(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("no corpus")
    work = tmp_path / "work"
    work.mkdir()
    before = _snapshot(CORPUS)
    proc = _gxlint(["check", str(CORPUS), "--format", "html", "-o", str(work / "r.html"), "-j", "2",
                    "--cache-dir", str(work / "cache")], cwd=work)
    assert proc.returncode in (0, 1), proc.stderr[-1000:]
    proc = _gxlint(["check", str(CORPUS), "--format", "json", "-o", str(work / "r.json")], cwd=work)
    assert proc.returncode in (0, 1), proc.stderr[-1000:]
    assert _snapshot(CORPUS) == before
