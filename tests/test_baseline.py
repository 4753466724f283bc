"""The baseline: `gxlint baseline create`, `gxlint check --baseline`, `gxlint baseline prune`. Content fingerprints
(never line numbers) keep findings accepted when the file is edited elsewhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _output_helpers import BLANK, UNBALANCED, cli, write_report

from gxlint import baseline
from gxlint.config import find_config


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()


def _codes(*args: str) -> tuple[int, list[str], dict]:
    res = cli(["check", "--no-cache", "-f", "json", *args])
    doc = json.loads(res.stdout)
    return res.code, sorted(f["code"] for file in doc["files"] for f in file["findings"]), doc


def _insert_line(path: Path, after: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:after]) + text + "\n" + "".join(lines[after:]), encoding="utf-8")


def test_round_trip_survives_edits_elsewhere(tmp_path: Path) -> None:
    a = write_report(tmp_path / "reports" / "a.txt", cells={**UNBALANCED, **BLANK})
    write_report(tmp_path / "reports" / "b.docx", cells=BLANK)
    res = cli(["baseline", "create", "reports"])
    assert res.code == 0 and "2 个文件的 4 个问题" in res.stderr
    data = json.loads((tmp_path / ".gxlint-baseline.json").read_text(encoding="utf-8"))
    assert data["schema"] == "gxlint-baseline/1"
    assert set(data["files"]) == {"reports/a.txt", "reports/b.docx"}
    assert data["files"]["reports/a.txt"]["GX201"]["count"] == 1
    assert all(len(e["fingerprints"]) == e["count"] for codes in data["files"].values() for e in codes.values())
    assert '"line"' not in json.dumps(data)  # content fingerprints only

    code, found, doc = _codes("reports", "--baseline", ".gxlint-baseline.json")
    assert (code, found) == (0, []) and doc["summary"]["baselined"] == 4

    # an unrelated edit: a sentence added near the top moves every line below it
    before = (a.read_text(encoding="utf-8").splitlines().index("一、总体情况"))
    _insert_line(a, before, "本报告已经县政府常务会议审议通过。")
    code, found, _ = _codes("reports", "--baseline", ".gxlint-baseline.json")
    assert (code, found) == (0, [])

    # a new problem is reported, the old ones stay accepted
    text = a.read_text(encoding="utf-8").replace("| 0 | 0 | 0 | 0 | 0 | 0 | 0\n", "| 0 | / | 0 | 0 | 0 | 0 | 0\n", 1)
    a.write_text(text, encoding="utf-8")
    code, found, doc = _codes("reports", "--baseline", ".gxlint-baseline.json")
    assert code == 1 and found == ["GX201"] and doc["summary"]["baselined"] == 4


def test_fixed_findings_are_stale_and_pruned(tmp_path: Path) -> None:
    a = write_report(tmp_path / "a.txt", cells={**UNBALANCED, **BLANK})
    cli(["baseline", "create", "-o", "bl.json", "a.txt"])
    write_report(a, cells=BLANK)  # the 表三 imbalance is fixed
    res = cli(["check", "--no-cache", "--baseline", "bl.json", "a.txt"])
    assert res.code == 0 and "baseline prune" in res.stderr
    res = cli(["baseline", "prune", "--baseline", "bl.json"])
    assert res.code == 0 and "删除 2 项" in res.stderr
    data = json.loads((tmp_path / "bl.json").read_text(encoding="utf-8"))
    assert list(data["files"]["a.txt"]) == ["GX201"]
    # once fixed, it comes back if reintroduced
    write_report(a, cells={**UNBALANCED, **BLANK})
    assert _codes("a.txt", "--baseline", "bl.json")[1] == ["GX301", "GX303"]


def test_prune_drops_deleted_files(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    write_report(tmp_path / "b.txt", cells=BLANK)
    cli(["baseline", "create", "a.txt", "b.txt"])
    (tmp_path / "b.txt").unlink()
    res = cli(["baseline", "prune"])
    assert res.code == 0
    data = json.loads((tmp_path / ".gxlint-baseline.json").read_text(encoding="utf-8"))
    assert list(data["files"]) == ["a.txt"]


def test_identical_findings_are_counted(tmp_path: Path) -> None:
    """Two findings with the same fingerprint need two baseline entries: a third is new."""
    from gxlint.api import FileResult
    from gxlint.findings import Finding

    f = Finding(code="GX604", level="error", message="占位符", path="a.txt", snippet="X件")
    base = baseline.create([FileResult("a.txt", None, [f, f])], tmp_path / "bl.json")
    assert base.files["a.txt"]["GX604"] == [f.fingerprint()] * 2
    result = FileResult("a.txt", None, [f, f, f])
    applied = baseline.apply([result], base)
    assert applied.baselined == 2 and len(result.findings) == 1 and len(result.baselined) == 2


def test_paths_are_relative_to_the_baseline_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_report(tmp_path / "proj" / "reports" / "a.txt", cells=BLANK)
    cli(["baseline", "create", "-o", "proj/.gxlint-baseline.json", "proj/reports"])
    data = json.loads((tmp_path / "proj" / ".gxlint-baseline.json").read_text(encoding="utf-8"))
    assert list(data["files"]) == ["reports/a.txt"]
    monkeypatch.chdir(tmp_path / "proj" / "reports")
    find_config.cache_clear()
    assert _codes("a.txt", "--baseline", "../.gxlint-baseline.json")[:2] == (0, [])


def test_bad_baseline_files_exit_2(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt")
    (tmp_path / "bl.json").write_text("{not json", encoding="utf-8")
    res = cli(["check", "--no-cache", "--baseline", "bl.json", "a.txt"])
    assert res.code == 2 and "bl.json" in res.stderr
    (tmp_path / "bl.json").write_text('{"schema": "something-else", "files": {}}', encoding="utf-8")
    assert cli(["check", "--no-cache", "--baseline", "bl.json", "a.txt"]).code == 2
    assert cli(["baseline", "prune", "--baseline", "missing.json"]).code == 2
