"""The writer: drafts, the five formats, and round trips through the readers and recognition.

Round trips write a draft, read the file back with gxlint.read.read_path + recognise, and compare layout, year, the six
parts and every table cell with the draft. A format whose reader module is not in the tree yet is skipped; pdf is
skipped when no CJK font is installed (`apt-get install fonts-wqy-zenhei`).
"""

from __future__ import annotations

import importlib.util
import random
from pathlib import Path

import lxml.html
import pytest

from gxlint.normalise import normalise, normalise_label
from gxlint.read import read_path
from gxlint.recognise import recognise
from gxlint.report import NUMBER, Report
from gxlint.write import FORMATS, WRITERS, Draft, WriteError, write
from gxlint.write.draft import layout_for_year
from gxlint.write.grid import T3_NOTE

READER_MODULES = {"txt": "gxlint.read.text", "md": "gxlint.read.text", "html": "gxlint.read.html",
                  "docx": "gxlint.read.docx", "pdf": "gxlint.read.pdf"}
YEARS = (2020, 2024)


def _font_missing() -> str | None:
    from gxlint.write.fonts import FontNotFoundError, find_cjk_font

    try:
        find_cjk_font()
    except FontNotFoundError as exc:
        return str(exc)
    return None


def _skip_reason(fmt: str) -> str | None:
    if importlib.util.find_spec(READER_MODULES[fmt]) is None:
        return f"reader {READER_MODULES[fmt]} is not in the tree yet"
    if fmt == "pdf":
        if importlib.util.find_spec("fpdf") is None:
            return "fpdf2 is not installed"
        return _font_missing()
    return None


def _need(fmt: str) -> None:
    reason = _skip_reason(fmt)
    if reason:
        pytest.skip(reason)


def _draft(kind: str, year: int) -> Draft:
    if kind == "blank":
        return Draft.blank(year)
    return Draft.consistent_random(random.Random(year * 7 + 1), year)


def _round_trip(draft: Draft, fmt: str, tmp_path: Path) -> Report:
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(write(draft, fmt))
    return recognise(read_path(path))


def _flat(text: str) -> str:
    return normalise_label(text).replace("\x1f", "").replace("\x1e", "").replace("\n", "")


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return None


def _cell_mismatches(draft: Draft, report: Report) -> list[str]:
    out = []
    for table, row, col, text in draft.iter_cells():
        cell = report.cell(table, row, col)
        if cell is None:
            out.append(f"{table}.{row}.{col}: expected {text!r}, got no cell")
            continue
        got = normalise(cell.raw).strip()
        if got != normalise(text).strip():
            out.append(f"{table}.{row}.{col}: expected {text!r}, got {cell.raw!r} ({cell.state})")
            continue
        expected = _number(text)
        if expected is not None and (cell.state != NUMBER or cell.value != expected):
            out.append(f"{table}.{row}.{col}: expected number {expected}, got {cell.value!r} ({cell.state})")
    return out


# -- round trips -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("kind", ["blank", "random"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(fmt: str, kind: str, year: int, tmp_path: Path) -> None:
    _need(fmt)
    draft = _draft(kind, year)
    report = _round_trip(draft, fmt, tmp_path)
    assert report.layout == draft.layout == layout_for_year(year)
    assert report.year == year
    assert [p.number for p in report.parts] == list("一二三四五六")
    for number, body in draft.parts.items():
        if body:
            assert _flat(body) in _flat(report.part_text(number)), f"part {number}"
    for table in draft.cells:
        assert report.tables[table].found, table
        assert not report.tables[table].missing_rows, (table, report.tables[table].missing_rows)
        assert not [r.id for r in report.tables[table].rows if r.extra], table
    assert _cell_mismatches(draft, report) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_title_and_agency(fmt: str, tmp_path: Path) -> None:
    _need(fmt)
    draft = Draft.blank(2024, agency="某市生态环境局")
    report = _round_trip(draft, fmt, tmp_path)
    assert report.title == normalise(draft.title)
    assert report.agency == "某市生态环境局"
    assert report.period == ("2024-01-01", "2024-12-31")
    assert report.closing_date == "2025-01-20"


@pytest.mark.parametrize("fmt", FORMATS)
def test_from_report_gives_the_draft_back(fmt: str, tmp_path: Path) -> None:
    _need(fmt)
    draft = Draft.consistent_random(random.Random(11), 2023)
    report = _round_trip(draft, fmt, tmp_path)
    again = Draft.from_report(report)
    assert again.cells == draft.cells
    assert again.parts == draft.parts
    assert (again.title, again.agency, again.year, again.layout) == (draft.title, draft.agency, 2023, "2021")
    assert (again.intro, again.signature, again.date, again.headings) == (draft.intro, draft.signature, draft.date, {})


# Defects written on purpose read back as written, wherever they stand in a row (first, middle or last cell).
DEFECTS = [
    pytest.param("t3", "r3_1", "business", "/", id="slash"),
    pytest.param("t3", "r1", "total", "", id="blank-last"),
    pytest.param("t4", "data", "direct_other", "-", id="dash"),
    pytest.param("t4", "data", "after_total", "", id="blank-t4-last"),
    pytest.param("t2_5", "licensing", "decisions", "12件", id="unit"),
    pytest.param("t2_8", "fees", "fee_amount", "", id="blank-fee"),
    pytest.param("t3", "r1", "natural", "", id="blank-first"),
    pytest.param("t4", "data", "review_upheld", "", id="blank-t4-first"),
    pytest.param("t2_1", "normative", "made", "", id="blank-t2-first"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("table", "row", "col", "text"), DEFECTS)
def test_defect_cells_round_trip(fmt: str, table: str, row: str, col: str, text: str, tmp_path: Path) -> None:
    _need(fmt)
    draft = Draft.consistent_random(random.Random(7), 2024).with_cell(table, row, col, text)
    assert _cell_mismatches(draft, _round_trip(draft, fmt, tmp_path)) == []


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_missing_part_round_trip(fmt: str, tmp_path: Path) -> None:
    _need(fmt)
    report = _round_trip(Draft.blank(2024).without_part("五"), fmt, tmp_path)
    assert [p.number for p in report.parts] == list("一二三四六")


# -- the draft --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "layout", "t3_rows"), [(2019, "2019", 23), (2020, "2019", 23), (2021, "2021", 25),
                                                          (2024, "2021", 25)])
def test_blank_draft(year: int, layout: str, t3_rows: int) -> None:
    d = Draft.blank(year)
    assert d.layout == layout
    assert d.title == f"某某县人民政府{year}年政府信息公开工作年度报告"
    assert f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止" in d.intro
    assert {text for *_, text in d.iter_cells()} == {"0"}
    assert len(d.cells["t3"]) == t3_rows and all(len(r) == 7 for r in d.cells["t3"].values())
    assert sum(len(c) for c in d.cells["t4"].values()) == 15
    t2 = sum(len(c) for t, rows in d.cells.items() if t.startswith("t2_") for c in rows.values())
    assert t2 == (22 if layout == "2019" else 10)
    assert list(d.parts) == list("一二三四五六")
    for topic in ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障"):
        assert topic in d.parts["一"]
    assert "问题" in d.parts["五"] and "改进" in d.parts["五"]
    assert ("信息处理费" in d.parts["六"]) == (year >= 2021)
    assert d.signature == "某某县人民政府" and d.date == f"{year + 1}年1月20日"


def test_layout_can_be_forced() -> None:
    assert Draft.blank(2024, layout="2019").layout == "2019"
    assert "t2_9" in Draft.blank(2024, layout="2019").cells


def test_variants_are_new_drafts() -> None:
    d = Draft.blank(2024)
    e = d.with_cell("t3", "r1", "natural", "").with_title("2024年政府信息公开年度报告").with_part("六", "无。")
    assert d.cell("t3", "r1", "natural") == "0" and e.cell("t3", "r1", "natural") == ""
    assert e.title == "2024年政府信息公开年度报告" and e.parts["六"] == "无。"
    f = d.without_part("四")
    assert "四" not in f.parts and "t4" not in f.cells and "t4" in d.cells
    g = d.without_part("四", keep_tables=True)
    assert "四" not in g.parts and "t4" in g.cells
    assert list(f.with_part("四", "x").parts) == list("一二三四五六")
    assert d.with_heading("五", "五、存在问题和改进措施").heading("五") == "五、存在问题和改进措施"
    with pytest.raises(KeyError):
        d.with_cell("t3", "r1", "nope", "0")
    with pytest.raises(KeyError):
        d.with_part("七", "x")


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("year", YEARS)
def test_random_draft_is_consistent(seed: int, year: int) -> None:
    d = Draft.consistent_random(random.Random(seed), year)
    t3 = {r: {c: int(v) for c, v in cols.items()} for r, cols in d.cells["t3"].items()}
    cols = [c for c in t3["r1"] if c != "total"]
    leaves = [r for r in t3 if r.startswith("r3_") and r != "r3_7"]
    for r, row in t3.items():
        assert row["total"] == sum(row[c] for c in cols), r
        assert all(v >= 0 for v in row.values()), r
    for c in [*cols, "total"]:
        assert t3["r3_7"][c] == sum(t3[r][c] for r in leaves)
        assert t3["r1"][c] + t3["r2"][c] == t3["r3_7"][c] + t3["r4"][c]
    t4 = {c: int(v) for c, v in d.cells["t4"]["data"].items()}
    for g in ("review", "direct", "after"):
        assert t4[f"{g}_total"] == sum(v for c, v in t4.items() if c.startswith(g + "_") and c != f"{g}_total")
    r1 = t3["r1"]["total"]
    if r1 or t3["r2"]["total"]:
        assert f"本年度共收到政府信息公开申请{r1}件" in d.parts["一"]
        assert f"办结{t3['r3_7']['total']}件" in d.parts["一"]
        assert f"结转下年度继续办理{t3['r4']['total']}件" in d.parts["一"]
    else:
        assert "未收到政府信息公开申请" in d.parts["一"]
    if t4["review_total"] + t4["direct_total"] + t4["after_total"] == 0:
        assert "未发生因政府信息公开工作被申请行政复议" in d.parts["一"]
    else:
        assert f"被申请行政复议{t4['review_total']}件" in d.parts["一"]
    if year >= 2021:
        assert "信息处理费" in d.parts["六"]


def test_random_draft_is_reproducible() -> None:
    assert Draft.consistent_random(random.Random(3), 2024) == Draft.consistent_random(random.Random(3), 2024)


# -- the writers -------------------------------------------------------------------------------------------------------

def test_registry() -> None:
    assert set(FORMATS) == {"txt", "md", "html", "docx", "pdf"} == set(WRITERS)
    with pytest.raises(WriteError):
        write(Draft.blank(2024), "rtf")


def _html_table(html: bytes, cls: str) -> lxml.html.HtmlElement:
    doc = lxml.html.fromstring(html)
    return doc.xpath(f"//table[@class='{cls}']")[0]


def _spans(table: lxml.html.HtmlElement) -> dict[str, tuple[int, int]]:
    return {" ".join(td.text_content().split()): (int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
            for td in table.iter("td")}


@pytest.mark.parametrize(("year", "results_span", "other_span"), [(2020, 20, None), (2024, 22, 3)])
def test_html_tables_have_official_spans(year: int, results_span: int, other_span: int | None) -> None:
    html = write(Draft.blank(year), "html")
    t3 = _spans(_html_table(html, "t3"))
    assert t3[T3_NOTE] == (3, 3)
    assert t3["申请人情况"] == (1, 7)
    assert t3["法人或其他组织"] == (1, 5)
    assert t3["自然人"] == (2, 1) and t3["总计"] == (2, 1)
    assert t3["三、本年度办理结果"] == (results_span, 1)
    assert t3["（三）不予公开"] == (8, 1) and t3["（四）无法提供"] == (3, 1) and t3["（五）不予处理"] == (5, 1)
    if other_span:
        assert t3["（六）其他处理"] == (other_span, 1)
    else:
        assert t3["（六）其他处理"] == (1, 2)
    assert t3["一、本年新收政府信息公开申请数量"] == (1, 3)
    assert t3["（七）总计"] == (1, 2)
    rows = _html_table(html, "t3").xpath(".//tr")
    assert len(rows) == 3 + (23 if year <= 2020 else 25)
    t4table = _html_table(html, "t4")
    t4 = _spans(t4table)
    assert t4["行政复议"] == (1, 5) and t4["行政诉讼"] == (1, 10)
    assert t4["未经复议直接起诉"] == (1, 5) and t4["复议后起诉"] == (1, 5)
    trs = t4table.xpath(".//tr")
    assert [len(tr.xpath("td")) for tr in trs] == [2, 7, 10, 15]
    t2 = _html_table(html, "t2")
    assert all(int(td.get("colspan", 1)) == 4 for td in t2.xpath(".//td[@class='caption']"))


def test_html_escapes_text() -> None:
    html = write(Draft.blank(2024, agency="<script>x</script>局").with_cell("t3", "r1", "natural", "<b>"), "html")
    assert b"<script>" not in html and b"&lt;script&gt;" in html and b"&lt;b&gt;" in html


@pytest.mark.parametrize("year", YEARS)
def test_md_and_txt_are_plain_grids(year: int) -> None:
    md = write(Draft.blank(year), "md").decode()
    rows = [line for line in md.splitlines() if line.startswith("|")]
    widths = {line.count("|") for line in rows}
    assert widths <= {5, 3, 4, 11, 16}  # 表二 sub-tables (4, 2 or 3 columns), 表三 10, 表四 15; +1 for the borders
    assert "rowspan" not in md and "三、本年度办理结果" in md
    t3 = [line for line in rows if line.count("|") == 11]
    assert len(t3) == 4 + (23 if year <= 2020 else 25)  # header row, rule, two more header rows, data rows
    txt = write(Draft.blank(year), "txt").decode()
    assert "| --- |" not in txt
    assert any(line.startswith("0 | 0 | 0") for line in txt.splitlines())


def test_docx_merges_cells_like_the_official_template() -> None:
    pytest.importorskip("docx")
    import io

    import docx
    from docx.oxml.ns import qn

    document = docx.Document(io.BytesIO(write(Draft.blank(2024), "docx")))
    t2, t3, t4 = document.tables
    assert (len(t2.rows), len(t2.columns)) == (14, 4)
    assert (len(t3.rows), len(t3.columns)) == (28, 10)
    assert (len(t4.rows), len(t4.columns)) == (4, 15)

    def spans(row) -> list[tuple[str, int, str | None]]:
        out = []
        for tc in row._tr.tc_lst:
            pr = tc.tcPr
            span = pr.find(qn("w:gridSpan")) if pr is not None else None
            merge = pr.find(qn("w:vMerge")) if pr is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            out.append((text, int(span.get(qn("w:val"))) if span is not None else 1,
                        None if merge is None else (merge.get(qn("w:val")) or "continue")))
        return out

    assert spans(t3.rows[0])[0] == (T3_NOTE, 3, "restart")
    assert spans(t3.rows[0])[1] == ("申请人情况", 7, None)
    assert spans(t3.rows[5])[0] == ("三、本年度办理结果", 1, "restart")
    assert all(spans(t3.rows[i])[0][2] == "continue" for i in range(6, 27))
    assert spans(t3.rows[27])[0] == ("四、结转下年度继续办理", 3, None)
    assert [s[:2] for s in spans(t4.rows[0])] == [("行政复议", 5), ("行政诉讼", 10)]
    assert len(spans(t4.rows[3])) == 15


def test_pdf_tables_are_found_by_pdfplumber(tmp_path: Path) -> None:
    reason = _font_missing() if importlib.util.find_spec("fpdf") else "fpdf2 is not installed"
    if reason:
        pytest.skip(reason)
    import pdfplumber

    path = tmp_path / "r.pdf"
    path.write_bytes(write(Draft.blank(2024), "pdf"))
    with pdfplumber.open(path) as pdf:
        tables = [t.extract() for page in pdf.pages for t in page.find_tables()]
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert len(tables) == 3
    assert [len(t) for t in tables] == [14, 28, 4]
    assert tables[2][-1] == ["0"] * 15
    assert "某某县人民政府2024年政府信息公开工作年度报告" in text


def test_pdf_without_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if importlib.util.find_spec("fpdf") is None:
        pytest.skip("fpdf2 is not installed")
    from gxlint.write import fonts

    monkeypatch.setattr(fonts, "KNOWN_FONTS", ())
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    with pytest.raises(WriteError, match="fonts-wqy-zenhei"):
        write(Draft.blank(2024), "pdf")
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "none.ttf"))
    with pytest.raises(WriteError, match="no such font file"):
        write(Draft.blank(2024), "pdf")
