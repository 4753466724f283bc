"""The text and concise formats: grouped by file, the offending line or table row with the cell marked and the values
involved; colour only on a terminal (NO_COLOR, FORCE_COLOR, --color); the summary on stderr."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from _output_helpers import BLANK, UNBALANCED, cli, write_report
from conftest import REAL

from gxlint.config import find_config
from gxlint.render import dwidth, use_color
from gxlint.write.draft import Draft

CONCISE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>GX\d{3}) \[(?P<level>error|warning|info)\] .+$")
NO_ENV = {"NO_COLOR": None, "FORCE_COLOR": None, "TERM": None}


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()  # keyed by the path as given: a relative path means another file in each test


def test_text_groups_by_file_and_marks_the_cell_with_both_values(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=UNBALANCED)
    write_report(tmp_path / "b.txt", cells=BLANK)
    write_report(tmp_path / "clean.txt")
    res = cli(["check", "--no-cache", "a.txt", "b.txt", "clean.txt"], env=NO_ENV)
    assert res.code == 1
    out = res.stdout
    assert "\x1b[" not in out  # not a terminal: no colour
    assert out.index("a.txt") < out.index("b.txt")
    assert "clean.txt" not in out  # files without findings are not listed
    block = out[out.index("a.txt"):out.index("b.txt")]
    assert "GX301" in block and "GX303" in block
    # the row of the cell, with the offending cell bracketed, and both values of the arithmetic
    assert "表三/一、本年新收政府信息公开申请数量/总计" in block  # the cell path
    assert "[5]" in block and "[0]" in block
    assert "两边的值：5 ≠ 0" in block and "两边的值：0 ≠ 5" in block
    assert "涉及：" in block  # the cells of other rows a column relation involves
    assert re.search(r"^\s+\d+:\d+\s+错误\s+GX303", block, re.M)
    assert "[（空）]" in out[out.index("b.txt"):]  # a blank cell is shown as such
    # the summary goes to stderr, never into the findings
    assert "检查了 3 个文件" in res.stderr and "检查了" not in out
    assert "1 个文件没有问题" in res.stderr


def test_text_shows_the_offending_source_line(tmp_path: Path) -> None:
    p = write_report(tmp_path / "a.md")
    text = p.read_text(encoding="utf-8").replace("自2024年1月1日起至2024年12月31日止", "自2023年1月1日起至2023年12月31日止")
    p.write_text(text, encoding="utf-8")
    res = cli(["check", "--no-cache", "a.md"], env=NO_ENV)
    assert "GX403" in res.stdout
    line = next(ln for ln in res.stdout.splitlines() if "│" in ln)
    assert re.match(r"^\s+\d+ │ ", line) and "2023" in line


def test_docx_cell_findings_name_the_table_cell(tmp_path: Path) -> None:
    write_report(tmp_path / "a.docx", cells=UNBALANCED)
    res = cli(["check", "--no-cache", "a.docx"], env=NO_ENV)
    assert "表格" in res.stdout and "[5]" in res.stdout  # docx position (table/row/cell) and the marked row
    concise = cli(["check", "--no-cache", "-f", "concise", "a.docx"], env=NO_ENV).stdout
    assert "(表三/一、本年新收政府信息公开申请数量/总计)" in concise  # no line: the cell path says where


def test_concise_is_one_line_per_finding(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells={**UNBALANCED, **BLANK})
    res = cli(["check", "--no-cache", "-f", "concise", "a.txt"], env=NO_ENV)
    lines = res.stdout.splitlines()
    assert len(lines) == 3
    for ln in lines:
        m = CONCISE.match(ln)
        assert m, ln
        assert m["path"] == "a.txt" and int(m["line"]) >= 1 and int(m["col"]) >= 1


def test_colour_follows_flag_and_environment(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    args = ["check", "--no-cache", "a.txt"]
    assert "\x1b[" in cli([*args, "--color", "always"], env=NO_ENV).stdout
    assert "\x1b[" not in cli([*args, "--color", "never"], env={**NO_ENV, "FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in cli(args, env={**NO_ENV, "FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in cli(args, env={**NO_ENV, "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in cli([*args, "-f", "json", "--color", "always"], env=NO_ENV).stdout  # machine formats never
    res = cli([*args, "--color", "sometimes"], env=NO_ENV)
    assert res.code == 2


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_use_color_auto() -> None:
    tty, pipe = _Tty(), io.StringIO()
    assert use_color("auto", tty, {}) is True
    assert use_color("auto", pipe, {}) is False
    assert use_color("auto", tty, {"NO_COLOR": "1"}) is False
    assert use_color("auto", pipe, {"FORCE_COLOR": "1"}) is True
    assert use_color("auto", pipe, {"FORCE_COLOR": "0"}) is False
    assert use_color("auto", tty, {"TERM": "dumb"}) is False
    assert use_color("always", pipe, {"NO_COLOR": "1"}) is True
    assert use_color("never", tty, {"FORCE_COLOR": "1"}) is False


def test_display_width_counts_chinese_as_two_columns() -> None:
    assert dwidth("表三") == 4 and dwidth("GX301") == 5 and dwidth("\x1b[1m表\x1b[0m") == 2


def test_quiet_drops_the_summary(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    res = cli(["check", "--no-cache", "-q", "a.txt"], env=NO_ENV)
    assert res.stderr == "" and "GX201" in res.stdout


def test_output_file(tmp_path: Path) -> None:
    write_report(tmp_path / "a.txt", cells=BLANK)
    res = cli(["check", "--no-cache", "-o", "out.txt", "--color", "always", "a.txt"], env=NO_ENV)
    assert res.code == 1 and res.stdout == ""
    text = (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert "GX201" in text and "\x1b[" not in text  # a file is never coloured


@pytest.mark.corpus
@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_text_formats_on_the_real_corpus(fmt: str) -> None:
    res = cli(["check", "--no-cache", "-f", fmt, str(REAL)], env=NO_ENV)
    assert res.code in (0, 1)
    assert res.stdout.strip()
    if fmt == "concise":
        for ln in res.stdout.splitlines():
            assert CONCISE.match(ln), ln
    else:
        assert "fujian_pingtan_zone_2019_page.txt" in res.stdout
    assert re.search(r"检查了 \d+ 个文件", res.stderr)


def test_a_sentence_finding_shows_what_its_cells_hold_cold_and_cached(tmp_path: Path) -> None:
    """GX601 checks a sentence against 表三's cells: the finding has no cell of its own, and the text output lists
    the cells it involves with their values — 27 and 0 here, never "（空）" (which the renderer used to print when
    it had no report to look them up in: every batch and every one-file run)."""
    received = {"t3/r1/natural": "27", "t3/r1/total": "27", "t3/r3_1/natural": "27", "t3/r3_1/total": "27",
                "t3/r3_7/natural": "27", "t3/r3_7/total": "27"}
    write_report(tmp_path / "a.txt", cells=received, change=lambda d: d.with_part(
        "一", "本年度共收到政府信息公开申请22件，均已办结。主动公开、依申请公开、政府信息管理、平台建设、监督保障工作有序开展。"))
    for args in (["--no-cache"], ["--cache-dir", str(tmp_path / "c")], ["--cache-dir", str(tmp_path / "c")]):
        out = cli(["check", *args, "a.txt"], env=NO_ENV).stdout
        assert "GX601" in out, out
        line = next(x for x in out.splitlines() if "涉及" in x)
        assert "表三/一、本年新收政府信息公开申请数量/总计 = 27" in line, line
        assert "表三/二、上年结转政府信息公开申请数量/总计 = 0" in line, line
        assert "（空）" not in line


def test_a_key_snippet_is_never_shown_as_the_reports_text(tmp_path: Path) -> None:
    """GX105 (the 2021 layout in a 2020 report) anchors its fingerprint on the key "layout:2021": the text output
    must not print it as 原文 (it is not text of the report), and SARIF must not give it as the region's snippet."""
    import json

    write_report(tmp_path / "a.txt", year=2020, change=lambda d: Draft.blank(2020, layout="2021"))
    out = cli(["check", "--no-cache", "a.txt"], env=NO_ENV).stdout
    assert "GX105" in out, out
    assert "layout:" not in out
    sarif = json.loads(cli(["check", "--no-cache", "-f", "sarif", "a.txt"], env=NO_ENV).stdout)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "GX105"]
    assert results
    for r in results:
        for loc in r.get("locations", []):
            assert "snippet" not in loc.get("physicalLocation", {}).get("region", {}), loc
    # the JSON output keeps the snippet as it is: the anchor of the finding's fingerprint
    doc = json.loads(cli(["check", "--no-cache", "-f", "json", "a.txt"], env=NO_ENV).stdout)
    assert any(f.get("snippet") == "layout:2021" for f in doc["files"][0]["findings"])


@pytest.mark.parametrize("snippet", ["absent:body", "absent:part:五", "missing:保密审查,申请人", "layout:2021",
                                     "t3:missing:r2,r4", "t2_1:extra:其他", "t2_1:行政规范性文件", "similar:b.txt",
                                     "same:t3", "dominant:2023", "no-title", "GX001", "GX003 GX601"])
def test_keys_are_not_quotes(snippet: str) -> None:
    from gxlint.findings import quote_of

    assert quote_of(snippet, "GX001") == ""


@pytest.mark.parametrize("snippet", ["统计期限自2023年1月1日起至2023年12月31日止", "共收到政府信息公开申请22件",
                                     "2019年度", "××件", "http://www.gov.cn", "x件"])
def test_report_text_is_quoted(snippet: str) -> None:
    from gxlint.findings import quote_of

    assert quote_of(snippet, "GX601") == snippet


def test_every_key_the_kinds_spell_is_recognised() -> None:
    """Each snippet a check kind writes as a key (an f-string or literal that starts with ascii and a colon, or the
    "no-title" literal) is recognised by quote_of, with placeholders filled: a new key form fails here."""
    import ast

    from gxlint.check import kinds
    from gxlint.findings import quote_of

    found = 0
    for path in Path(kinds.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.keyword) and node.arg == "snippet"):
                continue
            v = node.value
            if isinstance(v, ast.JoinedStr):
                text = "".join(p.value if isinstance(p, ast.Constant) else "t3" for p in v.values)
            elif isinstance(v, ast.BinOp) and isinstance(v.left, ast.Constant):
                text = str(v.left.value) + "x"
            elif isinstance(v, ast.Constant) and isinstance(v.value, str):
                text = v.value
            else:
                continue  # text of the report (a match, a heading, a title)
            if re.match(r"[a-z0-9_{}-]+[:-]|[a-z-]+$", text):
                found += 1
                assert quote_of(text, "GX999") == "", (path.name, text)
    assert found >= 9


def test_an_unreadable_row_is_drawn_as_unreadable_not_as_its_first_value(tmp_path: Path) -> None:
    """A 表二 row printed with two values for three columns ("规章 | 22 | 235", as a PDF-to-markdown dump gave in
    Shanghai's 2025 report) is unreadable: GX003 draws its cells as （无法读取）, never its first value in every
    column ("[22] 22 22" read as three values of 22)."""
    from gxlint.write import write

    text = write(Draft.blank(2024), "txt").decode("utf-8")
    assert text.count("规章 | 0 | 0 | 0") == 1
    (tmp_path / "a.txt").write_text(text.replace("规章 | 0 | 0 | 0", "规章 | 22 | 235"), encoding="utf-8")
    out = cli(["check", "--no-cache", "a.txt"], env=NO_ENV).stdout
    block = out[out.index("GX003"):]
    assert "「22 | 235」" in block  # the message says what was read
    row = block.splitlines()[3]  # message, cell path, column labels, values
    assert row.split() == ["[（无法读取）]", "（无法读取）", "（无法读取）"], block
