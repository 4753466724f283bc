"""A built-in rule whose pattern times out on one hostile file costs that file one check, not the batch: the file gets
a GX001 naming the rule, keeps its other findings, and every other file is checked. (A user's pattern that times out
is still a rule-file error, exit 2: tests/test_rule_safety.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex

from gxlint.api import all_rules
from gxlint.check.kinds.common import any_search
from gxlint.run import CheckOptions, run_check
from gxlint.write import write
from gxlint.write.draft import Draft

HOSTILE_RUN = "a" * 48 + "!"  # exponential for (a|aa)+$ (the same run test_rule_safety.py uses)


def _write(folder: Path, name: str, part_one: str = "无", defect: bool = False) -> Path:
    draft = Draft.blank(2024, agency=f"{name}县人民政府").with_part("一", part_one)
    if defect:  # a row total one off: GX301, found whatever GX604 does
        draft = draft.with_cell("t3", "r1", "natural", str(int(draft.cell("t3", "r1", "natural") or 0) + 7))
    path = folder / f"{name}.txt"
    path.write_bytes(write(draft, "txt"))
    return path


@pytest.fixture
def slow_builtin(monkeypatch: pytest.MonkeyPatch) -> str:
    """GX604 (a shipped text rule) given a pattern that backtracks exponentially on HOSTILE_RUN: on that file its
    `unless` search hits the 1 s timeout for real; on ordinary text it answers at once."""
    rule = next(r for r in all_rules() if r.code == "GX604")
    unless = [*rule.compiled["_unless"], regex.compile("(a|aa)+$")]
    monkeypatch.setitem(rule.compiled, "_unless", unless)
    monkeypatch.setitem(rule.compiled, "_unless_any", any_search(unless, 1.0))
    return rule.code


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_builtin_rule_timeout_is_one_files_finding(tmp_path: Path, slow_builtin: str, jobs: int) -> None:
    if jobs > 1 and "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("needs fork (the patched rule must reach the workers)")
    hostile = _write(tmp_path, "hostile", HOSTILE_RUN, defect=True)
    ordinary = [_write(tmp_path, f"r{i}", defect=i == 0) for i in range(5)]
    run = run_check(CheckOptions(paths=(str(tmp_path),), cache=False, jobs=jobs, cross=False))
    by_path = {r.path: r for r in run.results}
    assert set(by_path) == {str(p) for p in [hostile, *ordinary]}

    bad = by_path[str(hostile)]
    timeouts = [f for f in bad.findings if f.code == "GX001"]
    assert len(timeouts) == 1, bad.findings
    assert slow_builtin in timeouts[0].message and "超时" in timeouts[0].message
    assert timeouts[0].path == str(hostile) and timeouts[0].level == "error"
    assert "GX301" in {f.code for f in bad.findings}  # checked again without the slow rule: its other findings kept
    assert bad.error is None  # the file was read; one rule could not run on it

    for p in ordinary:
        assert all(f.code != "GX001" for f in by_path[str(p)].findings)
    assert "GX301" in {f.code for f in by_path[str(ordinary[0])].findings}


def test_a_timeout_result_is_not_cached(tmp_path: Path, slow_builtin: str) -> None:
    """A timeout depends on the machine and its load: the next run tries the file again."""
    reports = tmp_path / "reports"
    reports.mkdir()
    hostile = _write(reports, "hostile", HOSTILE_RUN)
    _write(reports, "ok")
    opts = CheckOptions(paths=(str(reports),), cache_dir=str(tmp_path / "cache"), jobs=1, cross=False)
    first = run_check(opts)
    second = run_check(opts)
    assert first.stats["linted"] == 2
    assert second.stats["linted"] == 1 and second.stats["cached"] == 1
    again = next(r for r in second.results if r.path == str(hostile))
    assert any(f.code == "GX001" and slow_builtin in f.message for f in again.findings)


def test_ignoring_gx001_silences_the_timeout_finding(tmp_path: Path, slow_builtin: str) -> None:
    hostile = _write(tmp_path, "hostile", HOSTILE_RUN)
    run = run_check(CheckOptions(paths=(str(hostile),), cache=False, jobs=1, ignore=("GX001",)))
    assert [r.path for r in run.results] == [str(hostile)]
    assert all(f.code != "GX001" for f in run.results[0].findings)
