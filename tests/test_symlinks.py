"""Symlinks in a searched folder: links that stay inside are followed; a link that leaves the folder (an uploaded
`x.txt → /etc/passwd`) is refused with GX001 and never read; a path named on the command line is always read.
Output names a link by the path the user gave, not by its target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gxlint import batch
from gxlint.run import CheckOptions, run_check
from gxlint.write import write
from gxlint.write.draft import Draft

SECRET_AGENCY = "机密测试县人民政府"  # the outside file's words: must never reach the output


def _report(agency: str, defect: bool = False) -> bytes:
    draft = Draft.blank(2024, agency=agency)
    if defect:  # a row total one off: GX301 when the file is read
        draft = draft.with_cell("t3", "r1", "natural", str(int(draft.cell("t3", "r1", "natural") or 0) + 7))
    return write(draft, "txt")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """submissions/ with a report, a link to it, a link to a report outside, a link to a folder outside."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(_report(SECRET_AGENCY, defect=True))
    (outside / "more.txt").write_bytes(_report(SECRET_AGENCY, defect=True))
    sub = tmp_path / "submissions"
    (sub / "agency").mkdir(parents=True)
    (sub / "agency" / "good.txt").write_bytes(_report("某某县人民政府"))
    os.symlink("good.txt", sub / "agency" / "inside.txt")  # relative, stays in the tree
    os.symlink(sub / "agency", sub / "zlink")  # a folder link inside: a second way in, walked once (as before)
    os.symlink("../../outside/secret.txt", sub / "agency" / "secret.txt")  # relative, leaves the tree
    os.symlink(outside, sub / "agency" / "elsewhere")  # a folder outside
    return tmp_path


def test_discovery_refuses_links_that_leave_the_folder(tree: Path) -> None:
    sub = tree / "submissions"
    found = batch.discover([str(sub)])
    names = {Path(os.path.relpath(f, sub)).as_posix() for f in found}
    assert {"agency/good.txt", "agency/inside.txt", "agency/secret.txt", "agency/elsewhere"} <= names
    assert not any(n.startswith(("zlink/", "agency/elsewhere/")) for n in names)  # the outside folder not entered
    assert set(found.refused) == {str(sub / "agency" / "secret.txt"), str(sub / "agency" / "elsewhere")}


@pytest.mark.parametrize("cache", [False, True])
def test_a_link_out_of_the_folder_is_gx001_and_never_read(tree: Path, cache: bool) -> None:
    sub = tree / "submissions"
    run = run_check(CheckOptions(paths=(str(sub),), cache=cache, cache_dir=str(tree / "cache"), jobs=1))
    by_name = {Path(r.path).name: r for r in run.results}
    for name in ("secret.txt", "elsewhere"):
        res = by_name[name]
        assert [f.code for f in res.findings] == ["GX001"], res.findings  # not GX301: the report was not read
        assert "文件夹之外" in res.findings[0].message and res.error
        assert res.report is None
    assert by_name["inside.txt"].findings == [] and by_name["inside.txt"].error is None  # a link inside: read
    assert by_name["good.txt"].findings == []


def test_nothing_from_outside_reaches_the_output(tree: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", "submissions", "--format", "json", "--no-cache"],
                          capture_output=True, text=True, cwd=tree, timeout=120)
    assert proc.returncode == 1, proc.stderr[-1000:]
    data = json.loads(proc.stdout)
    text = json.dumps(data, ensure_ascii=False)
    assert SECRET_AGENCY not in text
    assert {f["code"] for file in data["files"] for f in file["findings"]} == {"GX001"}  # no GX301 from outside


def test_a_link_named_on_the_command_line_is_read(tree: Path) -> None:
    link = tree / "submissions" / "agency" / "secret.txt"
    for paths in ((str(link),), (str(tree / "submissions"), str(link))):
        run = run_check(CheckOptions(paths=paths, cache=False, jobs=1))
        res = next(r for r in run.results if r.path == str(link))
        assert "GX301" in {f.code for f in res.findings} and res.error is None
        assert all(f.code != "GX001" for f in res.findings)


def test_a_searched_folder_that_is_itself_a_link(tree: Path) -> None:
    """`gxlint check link-to-submissions/`: what the folder holds is inside it, wherever the folder really is."""
    os.symlink(tree / "submissions", tree / "current")
    run = run_check(CheckOptions(paths=(str(tree / "current"),), cache=False, jobs=1))
    by_name = {Path(r.path).name: r for r in run.results}
    assert by_name["good.txt"].findings == [] and by_name["inside.txt"].findings == []
    assert [f.code for f in by_name["secret.txt"].findings] == ["GX001"]


# -------------------------------------------------------------------------------------- output names links as given

def test_output_names_a_link_by_its_own_path(tree: Path) -> None:
    os.symlink("/dev/zero", tree / "zero.txt")
    proc = subprocess.run([sys.executable, "-m", "gxlint", "check", "submissions", "zero.txt", "--format", "json",
                           "--no-cache"], capture_output=True, text=True, cwd=tree, timeout=120)
    assert proc.returncode == 1, proc.stderr[-1000:]
    shown = [f["path"] for f in json.loads(proc.stdout)["files"]]
    assert shown == ["submissions/agency/elsewhere", "submissions/agency/good.txt", "submissions/agency/inside.txt",
                     "submissions/agency/secret.txt", "zero.txt"]  # not good.txt twice, outside/…, /dev/zero
    concise = subprocess.run([sys.executable, "-m", "gxlint", "check", "zero.txt", "--format", "concise",
                              "--no-cache"], capture_output=True, text=True, cwd=tree, timeout=120)
    assert concise.stdout.startswith("zero.txt:") and "/dev/zero" not in concise.stdout, concise.stdout


def test_the_model_resolves_no_path_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Path.resolve is a system call per path component: on a warm run over 10,000 files it was most of build()."""
    from gxlint.api import FileResult
    from gxlint.config import Config
    from gxlint.render.model import build
    from gxlint.run import RunResult

    monkeypatch.chdir(tmp_path)
    run = RunResult(results=[FileResult(f"d/g{i % 20}/r{i}.txt", None, []) for i in range(2000)], rules=(),
                    config=Config())
    calls = []
    real = Path.resolve

    def counting(self: Path, *a: object, **k: object) -> Path:
        calls.append(self)
        return real(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "resolve", counting)
    model = build(run, reports="none")
    assert len(calls) <= 2, len(calls)  # the working directory, not each file
    assert [f["relpath"] for f in model["files"]][:2] == ["d/g0/r0.txt", "d/g1/r1.txt"]
    assert model["root"]["path"] == str(tmp_path.resolve())
