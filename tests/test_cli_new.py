"""`gxlint new`: a blank official report a clerk starts from; it must parse back as the layout of its year with no
cell or arithmetic finding. And the examples/ folder: what `gxlint check examples/` reports is what its README says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _output_helpers import EXAMPLES, cli

from gxlint.api import lint_path, parse_file, ruleset
from gxlint.config import Config, find_config

FORMATS = ["docx", "md", "html", "txt", "pdf"]


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("year", "layout"), [(2020, "2019"), (2024, "2021")])
def test_new_parses_back_clean(tmp_path: Path, fmt: str, year: int, layout: str) -> None:
    out = tmp_path / f"blank-{year}.{fmt}"
    res = cli(["new", "--year", str(year), "--format", fmt, "-o", str(out), "--agency", "某某市统计局"])
    assert res.code == 0, res.stderr
    report = parse_file(str(out))
    assert report.layout == layout and report.year == year and report.agency == "某某市统计局"
    assert [p.number for p in report.parts] == list("一二三四五六")
    cells = [c for t in report.tables.values() for row in t.rows for c in row.cells]
    assert cells and all(c.raw == "0" for c in cells)  # every cell 0
    findings = lint_path(str(out), Config(), ruleset(Config())).findings
    assert not [f for f in findings if f.code.startswith(("GX2", "GX3"))]
    assert findings == []


def test_new_default_name_stdout_and_overwrite(tmp_path: Path) -> None:
    res = cli(["new", "--year", "2024"])
    assert res.code == 0
    default = tmp_path / "某某县人民政府2024年政府信息公开工作年度报告.docx"
    assert default.is_file() and default.read_bytes()[:2] == b"PK"
    assert cli(["new", "--year", "2024"]).code == 2  # never overwrites silently
    assert cli(["new", "--year", "2024", "--force"]).code == 0
    res = cli(["new", "--year", "2021", "-f", "md", "-o", "-"])
    assert res.code == 0 and res.stdout.startswith("# 某某县人民政府2021年政府信息公开工作年度报告")


@pytest.mark.parametrize("args", [["--year", "2024", "-f", "odt"], ["--year", "2017"], ["--year", "1999"],
                                  ["--year", "2024", "--agency", "a/b"]])
def test_new_usage_errors(args: list[str]) -> None:
    assert cli(["new", *args]).code == 2


# -- examples/ ------------------------------------------------------------------------------------------------------

EXPECTED = {
    "clean/qingshan-county-2024.docx": [],
    "clean/linjiang-education-2023.md": [],
    "clean/beihu-district-2020.html": [],
    "clean/yuntai-justice-2024-suppressed.html": [],
    "defects/shimen-transport-2024-blank-cell.txt": ["GX201"],
    "defects/hexi-district-2022-unbalanced.html": ["GX303", "GX303"],
    "defects/nanhu-subdistrict-2023-missing-part.md": ["GX101"],
    "defects/dongshan-health-2024-wrong-year.docx": ["GX403"],
    "defects/xiling-market-2024-no-fee-statement.txt": ["GX503"],
    "defects/pingan-county-2019-procurement.txt": ["GX501"],
}


def test_examples_report_what_their_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES.parent)
    find_config.cache_clear()
    res = cli(["check", "--no-cache", "-f", "json", "examples"])
    assert res.code == 1
    doc = json.loads(res.stdout)
    got = {f["path"].removeprefix("examples/"): sorted(x["code"] for x in f["findings"]) for f in doc["files"]}
    assert got == EXPECTED
    suppressed = {f["path"]: f["suppressed"] for f in doc["files"] if f["suppressed"]}
    assert suppressed == {"examples/clean/yuntai-justice-2024-suppressed.html": 1}
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name, found in EXPECTED.items():
        assert f"`{name}`" in readme
        for code in found:
            assert code in readme
