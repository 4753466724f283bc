"""Inline suppression comments in txt/md/html and GX004 for the unused ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _output_helpers import BLANK, UNBALANCED, cli, draft

from gxlint.config import find_config
from gxlint.findings import Finding
from gxlint.origin import Origin
from gxlint.suppress import apply, parse_directives
from gxlint.write import write

KNOWN = {"GX001", "GX002", "GX201", "GX301", "GX302", "GX303", "GX004"}
RAN = {"GX201", "GX301", "GX302", "GX303", "GX004"}


def f(code: str, line: int | None) -> Finding:
    return Finding(code=code, level="error", message="m", path="x.txt", origin=Origin(line=line, col=1 if line else None))


def test_directive_scopes() -> None:
    lines = ["a", "<!-- gxlint-disable GX201 -->", "b", "c <!-- gxlint-disable-line GX301 -->",
             "<!-- gxlint-disable-next-line GX303, GX302 -- 已核实 -->", "d", "<!-- gxlint-enable GX201 -->", "e"]
    directives, stray = parse_directives(lines)
    assert not stray
    spans = {(d.kind, d.codes): (d.start, d.end) for d in directives}
    assert spans[("disable", ("GX201",))] == (2, 7)
    assert spans[("disable-line", ("GX301",))] == (4, 4)
    assert spans[("disable-next-line", ("GX303", "GX302"))] == (6, 6)  # the reason after " -- " is not a code


def test_apply_suppresses_in_scope_only() -> None:
    lines = ["title", "<!-- gxlint-disable GX2 -->", "x", "<!-- gxlint-enable -->", "y",
             "<!-- gxlint-disable-next-line GX301 -->", "z"]
    findings = [f("GX201", 3), f("GX201", 5), f("GX301", 7), f("GX301", 3), f("GX303", 7)]
    kept, suppressed = apply(findings, "x.txt", RAN, KNOWN, lines)
    assert [(x.code, x.origin.line) for x in suppressed] == [("GX201", 3), ("GX301", 7)]
    assert [(x.code, x.origin.line) for x in kept] == [("GX301", 3), ("GX201", 5), ("GX303", 7)]  # sorted


def test_unused_unknown_and_stray_directives_are_gx004() -> None:
    lines = ["<!-- gxlint-disable-next-line GX301 -->", "x", "<!-- gxlint-disable GX999 -->",
             "<!-- gxlint-enable -->", "<!-- gxlint-enable -->", "<!-- gxlint-disable-line -->"]
    kept, suppressed = apply([], "x.txt", RAN, KNOWN, lines)
    assert not suppressed
    messages = {(k.origin.line, k.code): k.message for k in kept}
    assert set(messages) == {(1, "GX004"), (3, "GX004"), (5, "GX004"), (6, "GX004")}
    assert "GX301 没有抑制任何问题" in messages[(1, "GX004")]
    assert "GX999" in messages[(3, "GX004")] and "不是 gxlint 的规则代码" in messages[(3, "GX004")]
    assert "前面没有对应的 gxlint-disable" in messages[(5, "GX004")]
    assert len({k.fingerprint() for k in kept}) == 4


def test_codes_that_did_not_run_are_not_called_unused() -> None:
    lines = ["<!-- gxlint-disable-next-line GX201 -->", "x"]
    kept, _ = apply([], "x.txt", {"GX301"}, KNOWN, lines)  # --select GX3: GX201 did not run
    assert kept == []


def test_a_gx004_can_itself_be_suppressed() -> None:
    lines = ["<!-- gxlint-disable-next-line GX004 -->", "<!-- gxlint-disable-line GX301 -->"]
    kept, suppressed = apply([], "x.txt", RAN, KNOWN, lines)
    assert kept == [] and [s.code for s in suppressed] == ["GX004"]


def test_lineless_findings_need_an_unclosed_disable() -> None:
    missing_part = f("GX101", None)
    kept, _ = apply([missing_part], "x.txt", RAN | {"GX101"}, KNOWN | {"GX101"},
                    ["<!-- gxlint-disable GX101 -->", "<!-- gxlint-enable -->"])
    assert missing_part in kept  # a closed block covers lines, not the whole file
    kept, suppressed = apply([missing_part], "x.txt", RAN | {"GX101"}, KNOWN | {"GX101"},
                             ["text", "<!-- gxlint-disable GX101 -- 本单位无第五部分内容 -->"])
    assert suppressed == [missing_part] and kept == []


# -- through the command line ---------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    find_config.cache_clear()


def _write(path: Path, cells: dict[str, str], edit: dict[str, str]) -> Path:
    d = draft()
    for key, text in cells.items():
        d = d.with_cell(*key.split("/"), text)
    text = write(d, path.suffix.lstrip(".")).decode("utf-8")
    for old, new in edit.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return path


def _result(*args: str) -> tuple[int, dict]:
    res = cli(["check", "--no-cache", "-f", "json", *args])
    return res.code, json.loads(res.stdout)


def test_html_disable_next_line_over_a_table_row(tmp_path: Path) -> None:
    row = '<tr><td class="group" rowspan="22">三、本年度办理结果'
    _write(tmp_path / "a.html", BLANK, {row: "<!-- gxlint-disable-next-line GX201 -- 已向填报单位核实 -->\n" + row})
    code, doc = _result("a.html")
    assert code == 0 and doc["files"][0]["findings"] == []
    assert doc["summary"]["suppressed"] == 1 and doc["files"][0]["suppressed"] == 1


@pytest.mark.parametrize("suffix", ["txt", "md"])
def test_block_around_a_table_in_txt_and_md(tmp_path: Path, suffix: str) -> None:
    h3 = ("## " if suffix == "md" else "") + "三、收到和处理政府信息公开申请情况"
    h4 = ("## " if suffix == "md" else "") + "四、政府信息公开行政复议"
    _write(tmp_path / f"a.{suffix}", {**BLANK, **UNBALANCED},
           {h3: h3 + "\n<!-- gxlint-disable GX201, GX301 -->", h4: "<!-- gxlint-enable -->\n" + h4})
    code, doc = _result(f"a.{suffix}")
    assert [x["code"] for x in doc["files"][0]["findings"]] == ["GX303"]  # GX303 was not named
    assert doc["files"][0]["suppressed"] == 2 and code == 1


def test_unused_suppression_is_reported_and_selectable(tmp_path: Path) -> None:
    h5 = "五、存在的主要问题及改进情况"
    _write(tmp_path / "a.txt", {}, {h5: "<!-- gxlint-disable-next-line GX201 -->\n" + h5})
    code, doc = _result("a.txt")
    found = doc["files"][0]["findings"]
    assert [x["code"] for x in found] == ["GX004"] and found[0]["level"] == "warning" and code == 0
    assert found[0]["line"] == (tmp_path / "a.txt").read_text(encoding="utf-8").splitlines().index(
        "<!-- gxlint-disable-next-line GX201 -->") + 1
    assert _result("a.txt", "--ignore", "GX004")[1]["files"][0]["findings"] == []
    assert _result("a.txt", "--select", "GX3")[1]["files"][0]["findings"] == []  # GX201 did not run
    assert cli(["check", "--no-cache", "a.txt", "--fail-on", "warning"]).code == 1


def test_docx_has_no_inline_suppression(tmp_path: Path) -> None:
    d = draft().with_cell("t3", "r3_1", "business", "")
    (tmp_path / "a.docx").write_bytes(write(d, "docx"))
    code, doc = _result("a.docx")
    assert [x["code"] for x in doc["files"][0]["findings"]] == ["GX201"] and code == 1
