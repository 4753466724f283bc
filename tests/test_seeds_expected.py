"""seeds/EXPECTED.md, read by hand: every "must report" holds and no "must not report" fires."""

from __future__ import annotations

import pytest

from gxlint.api import lint_path
from gxlint.config import Config
from tests.conftest import SEEDS

# (file, must report, must not report: codes or code prefixes), transcribed from seeds/EXPECTED.md
EXPECTED = [
    ("000_79f5161ec9abcde3.txt", ["GX401"], ["GX2", "GX3", "GX501", "GX601", "GX901"]),
    ("001_52c2b782caceefd6.txt", ["GX401", "GX901"], ["GX2", "GX3", "GX501"]),
    ("002_cc4698f0161a297f.txt", ["GX601", "GX201"], ["GX401", "GX701", "GX404", "GX3"]),
    ("003_2ee7e895fb2dacb9.txt", ["GX401"], ["GX503", "GX402", "GX2", "GX3"]),
    ("004_f23864eff4c512cb.txt", ["GX104"], ["GX402", "GX501", "GX203", "GX3"]),
]


@pytest.mark.corpus
@pytest.mark.parametrize("name,must,must_not", EXPECTED, ids=[e[0][:3] for e in EXPECTED])
def test_seed(name: str, must: list[str], must_not: list[str]) -> None:
    findings = lint_path(str(SEEDS / name), Config()).findings
    codes = [f.code for f in findings]
    for code in must:
        assert code in codes, f"{name}: {code} not reported; got {codes}"
    for prefix in must_not:
        wrong = [f"{f.code} {f.message}" for f in findings if f.code.startswith(prefix)]
        assert not wrong, f"{name}: must not report {prefix}: {wrong}"


@pytest.mark.corpus
def test_seed_locations_point_at_the_defect() -> None:
    """The findings say where: 002's blank amount is the 采购总金额 cell of 第（九）项, its text claim is line 11;
    001's spam sits in line 4 inside a notice's title; 004's extra row is 其他主动公开文件."""
    f002 = lint_path(str(SEEDS / "002_cc4698f0161a297f.txt"), Config()).findings
    blank = [f for f in f002 if f.code == "GX201"]
    assert [(f.cell.table, f.cell.row, f.cell.col) for f in blank] == [("t2_9", "procurement", "amount")]
    text = [f for f in f002 if f.code == "GX601"]
    assert len(text) == 1 and text[0].origin.line == 11 and "1次" in text[0].message
    f001 = lint_path(str(SEEDS / "001_52c2b782caceefd6.txt"), Config()).findings
    spam = [f for f in f001 if f.code == "GX901"]
    assert len(spam) == 1 and spam[0].origin.line == 4 and "澳门金沙城中心" in spam[0].message
    f004 = lint_path(str(SEEDS / "004_f23864eff4c512cb.txt"), Config()).findings
    shape = sorted(f.message for f in f004 if f.code == "GX104")
    assert any("其他主动公开文件" in m for m in shape) and any("规章" in m for m in shape)
