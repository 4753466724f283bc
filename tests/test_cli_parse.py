"""`gxlint parse`: what gxlint understood of a report, for a clerk checking a reading and a rule writer looking up
row codes — every cell under its column's label, its state spelt out."""

from __future__ import annotations

from pathlib import Path

from _output_helpers import cli, write_report


def test_parse_shows_each_cell_under_its_label_and_its_state(tmp_path: Path) -> None:
    path = write_report(tmp_path / "a.txt", year=2024, agency="某某县审计局",
                        cells={"t3/r1/natural": "3", "t3/r1/total": "3", "t3/r3_1/natural": "3", "t3/r3_1/total": "3",
                               "t3/r3_7/natural": "3", "t3/r3_7/total": "3", "t3/r2/business": "",
                               "t2_1/normative/made": "若干", "t3/r3_2/natural": "/"})
    text = path.read_text(encoding="utf-8")
    assert text.count("规章 | 0 | 0 | 0") == 1
    path.write_text(text.replace("规章 | 0 | 0 | 0", "规章 | 12 | 5"), encoding="utf-8")  # two values: unreadable
    res = cli(["parse", str(path)])
    assert res.code == 0, res.stderr
    out = res.stdout
    assert "年度：2024（来自标题）" in out and "格式：2021年版" in out
    lines = out.splitlines()

    def values_of(row_id: str) -> str:
        i = next(k for k, line in enumerate(lines) if line.split()[:1] == [row_id])
        return lines[i + 1].strip()

    assert values_of("r1").startswith("自然人 3 │ 商业企业 0 │")
    assert values_of("r1").endswith("│ 总计 3")
    assert "商业企业 （空）" in values_of("r2")
    assert values_of("normative").startswith("本年制发件数 （文字「若干」） │ 本年废止件数 0")
    assert values_of("r3_2").startswith("自然人 （占位「/」） │")
    assert values_of("rules") == "本年制发件数 （无法读取） │ 本年废止件数 （无法读取） │ 现行有效件数 （无法读取）"
    assert "表三（t3）" in out and "表二第（一）项（t2_1）" in out  # the table codes rules name
