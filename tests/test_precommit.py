"""The pre-commit hook, run for real: a temporary git repository whose .pre-commit-config.yaml points at a snapshot
of this repository (repo: path, rev: the snapshot's commit — what users write), `pre-commit run --files` on a clean
and a defective report. Also: a one-file run imports neither the docx nor the pdf reader, and a one-file docx run
no python-docx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _snapshot(dest: Path) -> str:
    """This working tree (tracked and untracked-but-not-ignored files) committed into a fresh repository: the hook
    under test is the code on disk, not whatever HEAD happens to be."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = ROOT / rel
        if not src.is_file() or rel.startswith((".ci/", "tests/", "benchmarks/", "examples/")):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return _git(dest, "rev-parse", "HEAD").strip()


def _reports() -> tuple[bytes, bytes]:
    try:
        from gxlint.write import write
        from gxlint.write.draft import Draft
    except ImportError:  # pragma: no cover - the writer is part of the package
        pytest.skip("gxlint.write is not available")
    clean = Draft.blank(2024, agency="某某县审计局")
    bad = clean.with_cell("t3", "r1", "natural", "3")  # 总计 still 0: GX301
    return write(clean, "txt"), write(bad, "txt")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("pre-commit") is None:
        pytest.skip("pre-commit is not installed")
    base = tmp_path_factory.mktemp("precommit")
    src = base / "gxlint-src"
    src.mkdir()
    rev = _snapshot(src)
    work = base / "work"
    work.mkdir()
    _git(work, "init", "-q")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src}\n    rev: {rev}\n    hooks:\n      - id: gxlint\n", encoding="utf-8")
    clean, bad = _reports()
    (work / "clean-2024.txt").write_bytes(clean)
    (work / "bad-2024.TXT").write_bytes(bad)
    (work / "notes.py").write_text("print('not a report')\n", encoding="utf-8")
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "reports")
    return work


def _pre_commit(work: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(work.parent / "pre-commit-home"), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(["pre-commit", "run", "--color", "never", "--files", *files], cwd=work, env=env,
                          capture_output=True, text=True, timeout=1200)


@pytest.mark.slow
def test_precommit_clean_report_passes(hook_repo: Path) -> None:
    proc = _pre_commit(hook_repo, "clean-2024.txt")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "gxlint" in proc.stdout and "Passed" in proc.stdout


@pytest.mark.slow
def test_precommit_defective_report_fails_with_the_finding(hook_repo: Path) -> None:
    proc = _pre_commit(hook_repo, "clean-2024.txt", "bad-2024.TXT")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout
    assert "bad-2024.TXT" in proc.stdout and "GX301" in proc.stdout
    assert "clean-2024.txt" not in proc.stdout.split("- exit code:")[-1]  # only the defective file has findings
    # the hook writes no SARIF or HTML into the repository: only gxlint's own (self-ignoring) cache
    written = {p.name for p in hook_repo.iterdir()} - {".git", ".pre-commit-config.yaml", "clean-2024.txt",
                                                       "bad-2024.TXT", "notes.py"}
    assert written <= {".gxlint_cache"}
    assert _git(hook_repo, "status", "--porcelain").strip() == ""


@pytest.mark.slow
def test_precommit_skips_other_files(hook_repo: Path) -> None:
    proc = _pre_commit(hook_repo, "notes.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Skipped" in proc.stdout


def test_hook_manifest() -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "gxlint"]
    assert hook["language"] == "python" and hook["entry"] == "gxlint check"
    assert "sarif" not in hook["entry"] and "html" not in " ".join(hook.get("args", []))
    import re

    pattern = re.compile(hook["files"])
    for name in ("a.txt", "b.md", "c.html", "d.htm", "e.docx", "f.pdf", "G.PDF", "dir/H.Html"):
        assert pattern.search(name), name
    for name in ("a.py", "b.doc", "c.pdfx", "d.yaml", "txt"):
        assert not pattern.search(name), name


def test_one_file_run_imports_no_heavy_reader(tmp_path: Path) -> None:
    clean, _ = _reports()
    report = tmp_path / "one.txt"
    report.write_bytes(clean)
    code = ("import sys\n"
            "from gxlint.cli import main\n"
            f"sys.argv = ['gxlint', 'check', {str(report)!r}, '--no-cache']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'pdfplumber', 'pdfminer', 'numpy'))\n"
            "print('HEAVY', heavy, 'EXIT', code)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert "HEAVY [] EXIT 0" in proc.stdout, proc.stdout + proc.stderr
    # and python -X importtime agrees (the imports it lists, by top-level package)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert not imported & {"docx", "pdfplumber", "pdfminer"}, sorted(imported)


def test_one_file_docx_run_imports_no_python_docx(tmp_path: Path) -> None:
    """A pre-commit run on one .docx reads it by the fast path, which imports no docx.* module (~30 ms)."""
    import gxlint
    from gxlint.write import write
    from gxlint.write.draft import Draft

    report = tmp_path / "one.docx"
    report.write_bytes(write(Draft.blank(2024, agency="某某县审计局"), "docx"))
    code = ("import sys\n"
            "import gxlint\n"
            "from gxlint.cli import main\n"
            f"sys.argv = ['gxlint', 'check', {str(report)!r}, '--no-cache']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
            "print('GXLINT', gxlint.__file__)\n"
            "print('DOCX', sorted(m for m in sys.modules if m.startswith('docx')), 'EXIT', code)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert f"GXLINT {gxlint.__file__}\n" in proc.stdout, proc.stdout + proc.stderr  # this checkout's gxlint
    assert "DOCX [] EXIT 0" in proc.stdout, proc.stdout + proc.stderr
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "docx" not in imported, sorted(imported)
