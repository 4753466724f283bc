"""The PDF reader: hand-made PDFs (drawn with reportlab, Chinese through its built-in Adobe CID font STSong-Light, so
no font file is needed) reproduce what real reports do; corpus tests pin facts read off the real PDFs' page images."""

from __future__ import annotations

import io
import random
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gxlint.read import pdf as pdf_reader
from gxlint.read import read_path
from gxlint.read.document import Document, Line, RawCell, ReadError, Table
from gxlint.read.pdf import read_pdf

reportlab = pytest.importorskip("reportlab", reason="reportlab draws the test PDFs (pip install reportlab)")

from reportlab.lib import pdfencrypt  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
WIDTH, HEIGHT = A4
SIZE = 12


# ------------------------------------------------------------------------------------------------ drawing helpers
# All positions are given top-down in points, as pdfplumber reports them; reportlab draws bottom-up.

def text(c: Canvas, x: float, top: float, s: str, size: float = SIZE) -> None:
    c.setFont(FONT, size)
    c.drawString(x, HEIGHT - top - size * 0.88, s)


def hline(c: Canvas, x0: float, x1: float, top: float) -> None:
    c.line(x0, HEIGHT - top, x1, HEIGHT - top)


def vline(c: Canvas, x: float, top: float, bottom: float) -> None:
    c.line(x, HEIGHT - top, x, HEIGHT - bottom)


def white_box(c: Canvas, x0: float, top: float, x1: float, bottom: float) -> None:
    """The white box WPS paints behind every line of body text."""
    c.setFillColorRGB(1, 1, 1)
    c.rect(x0, HEIGHT - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)


def grid(c: Canvas, xs: list[float], tops: list[float], skip_h: set[int] = frozenset(), bottom: float | None = None,
         top: float | None = None) -> None:
    """Full ruling for columns `xs` and row boundaries `tops`; horizontal rules whose index is in `skip_h` are left
    out. `top`/`bottom` extend the vertical rules past the first/last horizontal rule (a table cut by a page)."""
    for i, t in enumerate(tops):
        if i not in skip_h:
            hline(c, xs[0], xs[-1], t)
    for x in xs:
        vline(c, x, tops[0] if top is None else top, tops[-1] if bottom is None else bottom)


def make_pdf(*pages: Callable[[Canvas], None], encrypt: object = None) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, encrypt=encrypt)
    for draw in pages:
        c.setLineWidth(0.5)
        draw(c)
        c.showPage()
    c.save()
    return buf.getvalue()


def cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows]


def all_text(doc: Document) -> list[str]:
    out = [b.text for b in doc.lines()]
    out += [cell.text for t in doc.tables() for row in t.rows for cell in row]
    return out


# --------------------------------------------------------------------------------------------------- a plain page

def _report_page(c: Canvas) -> None:
    text(c, 200, 60, "洪泽区人民政府", 16)
    text(c, 150, 85, "2023年政府信息公开工作年度报告", 16)
    # justified body text: WPS puts a white box behind each line
    for i, line in enumerate(["本报告由区政府办公室编制。", "统计期限自2023年1月1日起。"]):
        top = 120 + i * 20
        white_box(c, 60, top - 2, 540, top + 18)
        text(c, 60, top, line)
    text(c, 60, 170, "2023")
    text(c, 95, 170, "年，全区受理申请")  # "2023 年" with a gap: one word in Chinese
    text(c, 60, 190, "0")
    text(c, 90, 190, "1")
    text(c, 120, 190, "1")  # numbers with gaps stay apart
    xs = [60, 110, 250, 380, 500]
    tops = [230, 255, 280, 305, 330, 355]
    # 项目 and 规章 span the first two columns (no 110 rule in rows 1–2); the label column is one cell over rows
    # 3–5 (no rules across it there)
    for t in tops[:3] + tops[-1:]:
        hline(c, xs[0], xs[-1], t)
    for t in tops[3:-1]:
        hline(c, xs[1], xs[-1], t)
    for x in (xs[0], xs[2], xs[3], xs[4]):
        vline(c, x, tops[0], tops[-1])
    vline(c, xs[1], tops[2], tops[-1])
    text(c, 65, 236, "项目")
    text(c, 260, 236, "数量")
    text(c, 390, 236, "金额")
    text(c, 65, 261, "规章")
    text(c, 260, 261, "5")
    for i, ch in enumerate("三、本年度"):
        text(c, 80, 282 + i * 14, ch)
    for i, (label, a, b) in enumerate([("（一）予以公开", "0", "1"), ("（二）部分公开", "2", "3"),
                                       ("（三）不予公开", "4", "5")]):
        text(c, 115, 286 + i * 25, label)
        text(c, 260, 286 + i * 25, a)
        text(c, 390, 286 + i * 25, b)
    text(c, 290, 805, "- 1 -")


@pytest.fixture(scope="module")
def report_doc() -> Document:
    return read_pdf("r.pdf", make_pdf(_report_page))


def test_lines_in_reading_order_without_layout_spaces(report_doc: Document) -> None:
    lines = [b.text for b in report_doc.lines()]
    assert lines[:2] == ["洪泽区人民政府", "2023年政府信息公开工作年度报告"]
    assert "本报告由区政府办公室编制。" in lines
    assert "2023年，全区受理申请" in lines
    assert "0 1 1" in lines
    first = report_doc.lines()[0]
    assert first.origin.page == 1 and first.origin.bbox is not None and first.origin.bbox[1] == pytest.approx(60, abs=4)


def test_white_text_boxes_are_not_tables(report_doc: Document) -> None:
    assert len(report_doc.tables()) == 1
    # the table follows all the text above it, and nothing follows it (the page number is dropped)
    assert isinstance(report_doc.blocks[-1], Table)
    assert all(isinstance(b, Line) for b in report_doc.blocks[:-1])


def test_page_number_line_dropped(report_doc: Document) -> None:
    assert not any(re.search(r"-\s*1\s*-", t) for t in all_text(report_doc))


def test_table_cells_spans_and_blank(report_doc: Document) -> None:
    table = report_doc.tables()[0]
    assert cells(table) == [
        ["项目", "数量", "金额"],
        ["规章", "5", ""],
        ["三、本年度", "（一）予以公开", "0", "1"],
        ["（二）部分公开", "2", "3"],
        ["（三）不予公开", "4", "5"],
    ]
    head, label = table.rows[0][0], table.rows[2][0]
    assert (head.colspan, head.rowspan) == (2, 1)
    assert (label.colspan, label.rowspan) == (1, 3)
    blank = table.rows[1][2]
    assert blank.text == "" and blank.origin.bbox is not None  # a real, empty cell: kept, with its box
    assert [[c.text if c else None for c in row] for row in table.grid()][3] == ["三、本年度", "（二）部分公开", "2", "3"]


def test_cell_origins(report_doc: Document) -> None:
    table = report_doc.tables()[0]
    cell = table.rows[2][2]  # "0"
    assert (cell.origin.page, cell.origin.table, cell.origin.row, cell.origin.cell) == (1, 1, 3, 3)
    x0, top, x1, bottom = cell.origin.bbox
    assert (x0, top, x1, bottom) == pytest.approx((250, 280, 380, 305), abs=1)
    assert table.origin.page == 1 and table.origin.table == 1


# --------------------------------------------------------------------------------- page numbers inside a table

def _table_to_page_bottom(c: Canvas) -> None:
    text(c, 60, 700, "三、收到和处理政府信息公开申请情况")
    xs = [60, 300, 420, 540]
    tops = [730, 760, 830]
    grid(c, xs, tops)
    text(c, 65, 736, "一、本年新收")
    text(c, 310, 736, "21")
    text(c, 430, 736, "0")
    text(c, 65, 766, "二、上年结转")
    text(c, 310, 766, "7")
    text(c, 330, 800, "- 1 -")  # the footer printed over the table's last row
    text(c, 440, 800, "1/1")  # "1/1" in the footer band, inside a cell
    text(c, 500, 766, "3/4")  # "3/4" in the body of a cell is content


def test_page_number_inside_table_dropped() -> None:
    doc = read_pdf("p.pdf", make_pdf(_table_to_page_bottom))
    assert cells(doc.tables()[0]) == [["一、本年新收", "21", "0"], ["二、上年结转", "7", "3/4"]]


def test_weak_page_numbers_only_in_margin() -> None:
    def page(c: Canvas) -> None:
        text(c, 60, 100, "二、主动公开")
        text(c, 60, 300, "12")  # a bare number in the body is content
        text(c, 290, 810, "1")  # a bare number in the footer band is a page number

    doc = read_pdf("w.pdf", make_pdf(page))
    assert [b.text for b in doc.lines()] == ["二、主动公开", "12"]


# ------------------------------------------------------------------------------- a table cut by the page break

def _cut_page_1(c: Canvas) -> None:
    text(c, 60, 650, "三、收到和处理政府信息公开申请情况")
    xs = [60, 110, 300, 420, 540]
    tops = [680, 710, 740, 770]
    for t in tops[:2]:
        hline(c, xs[0], xs[-1], t)
    for t in tops[2:]:
        hline(c, xs[1], xs[-1], t)
    for x in xs:
        vline(c, x, tops[1] if x == xs[1] else tops[0], 800)  # rules run on to the cut; no closing rule
    hline(c, xs[0], xs[1], tops[1])
    text(c, 65, 686, "一、本年新收", 10)
    text(c, 310, 686, "21")
    for i, ch in enumerate("三、本年度办理结果"):
        text(c, 78, 712 + i * 9.5, ch, 9)
    for i, (label, v) in enumerate([("（一）予以公开", "4"), ("（二）部分公开", "5"), ("（三）不予公开", "6")]):
        text(c, 115, 716 + i * 30, label)
        text(c, 310, 716 + i * 30, v)
    text(c, 290, 815, "- 1 -")


def _cut_page_2(c: Canvas) -> None:
    xs = [60, 110, 300, 420, 540]
    tops = [110, 140, 170]  # the rules start at 80: the top of the cut row has no rule either
    for t in tops:
        hline(c, xs[1], xs[-1], t)
    hline(c, xs[0], xs[-1], tops[-1])
    for x in xs:
        vline(c, x, 80, tops[-1])
    hline(c, xs[0], xs[-1], 200)
    for x in (xs[0], xs[2], xs[3], xs[4]):
        vline(c, x, tops[-1], 200)
    text(c, 115, 86, "（四）无法提供")
    text(c, 310, 86, "8")
    text(c, 115, 116, "（五）不予处理")
    text(c, 310, 116, "9")
    text(c, 115, 146, "（六）其他处理")
    text(c, 310, 146, "0")
    text(c, 65, 176, "四、结转下年度")
    text(c, 310, 176, "2")
    text(c, 60, 230, "四、政府信息公开行政复议、行政诉讼情况")
    text(c, 290, 815, "- 2 -")


def test_table_continued_on_next_page_is_one_table() -> None:
    doc = read_pdf("c.pdf", make_pdf(_cut_page_1, _cut_page_2))
    assert len(doc.tables()) == 1
    table = doc.tables()[0]
    rows = cells(table)
    assert rows[0][:2] == ["一、本年新收", "21"]
    assert rows[1][:3] == ["三、本年度办理结果", "（一）予以公开", "4"]
    # the row cut by the page break (its bottom had no rule) and the rows of page 2 are all there
    assert ["（三）不予公开", "6", ""] in rows
    assert ["（四）无法提供", "8", ""] in rows
    assert rows[-1][:2] == ["四、结转下年度", "2"]
    # the vertical label continues as an empty cell on page 2: merged into the label, emitted once
    label = table.rows[1][0]
    assert label.rowspan == 6
    assert sum(1 for row in table.rows for c in row if c.text == "" and c.origin.page == 2 and c.origin.cell == 1) == 0
    assert {c.origin.page for row in table.rows for c in row} == {1, 2}
    assert all(len(row) == 4 for row in table.grid())
    texts = [b.text for b in doc.lines()]
    assert texts == ["三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


def test_table_after_text_on_next_page_is_not_joined() -> None:
    def page2(c: Canvas) -> None:
        text(c, 60, 70, "四、政府信息公开行政复议情况")
        grid(c, [60, 300, 540], [100, 130])
        text(c, 65, 106, "维持")
        text(c, 310, 106, "1")

    doc = read_pdf("c.pdf", make_pdf(_cut_page_1, page2))
    assert len(doc.tables()) == 2


def test_landscape_page_keeps_text_beyond_portrait_width() -> None:
    """A wide table page stored portrait with /Rotate 90: pdfplumber turns the objects into the landscape frame, so
    text lies beyond the portrait width and must not be taken for off-page text."""

    def page(c: Canvas) -> None:
        c.setPageRotation(90)
        c.translate(WIDTH, 0)
        c.rotate(90)  # drawn so that it reads upright once the viewer turns the page
        c.setFont(FONT, SIZE)
        c.drawString(60, 500, "三、收到和处理政府信息公开申请情况")
        c.rect(60, 380, 700, 40)
        c.line(160, 380, 160, 420)
        c.drawString(65, 395, "一、本年新收")
        c.drawString(700, 395, "21")

    doc = read_pdf("l.pdf", make_pdf(page))
    assert [b.text for b in doc.lines()] == ["三、收到和处理政府信息公开申请情况"]
    assert cells(doc.tables()[0]) == [["一、本年新收", "21"]]


# ---------------------------------------------------------------------------------- repeated headers and footers

def test_repeated_header_and_footer_dropped() -> None:
    def page(n: int) -> Callable[[Canvas], None]:
        def draw(c: Canvas) -> None:
            text(c, 60, 30, "淮安市人民政府办公室", 10)
            text(c, 60, 100 + n, f"第{n}页正文")
            text(c, 260, 810, f"第 {n} 页 共 3 页", 10)
        return draw

    doc = read_pdf("h.pdf", make_pdf(page(1), page(2), page(3)))
    assert [b.text for b in doc.lines()] == ["第1页正文", "第2页正文", "第3页正文"]
    assert [b.origin.page for b in doc.lines()] == [1, 2, 3]


# ------------------------------------------------------------------------------------------------------ refusals

def _one_line(c: Canvas) -> None:
    text(c, 60, 100, "政府信息公开工作年度报告")


def test_encrypted_pdf() -> None:
    data = make_pdf(_one_line, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    with pytest.raises(ReadError) as err:
        read_pdf("e.pdf", data)
    assert err.value.code == "GX001" and "加密" in err.value.message


def test_owner_password_only_is_read() -> None:
    """Permissions-only encryption (no password to open) is common in government PDFs: read it, note it."""

    def page(c: Canvas) -> None:
        c.setFont("Helvetica", 12)
        c.drawString(60, 700, "Annual report 2023")

    doc = read_pdf("o.pdf", make_pdf(page, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner")))
    assert [b.text for b in doc.lines()] == ["Annual report 2023"]
    assert doc.meta["encrypted"] == "owner-password"


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_pdf(cut: float) -> None:
    data = make_pdf(_one_line, _one_line)
    with pytest.raises(ReadError) as err:
        read_pdf("t.pdf", data[: int(len(data) * cut)])
    assert err.value.code == "GX001" and "不完整" in err.value.message


def test_image_only_pdf() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    def page(c: Canvas) -> None:
        c.rect(60, 300, 400, 300, stroke=1, fill=0)
        c.drawImage(ImageReader(Image.new("RGB", (40, 40), "gray")), 100, 400, 200, 150)

    with pytest.raises(ReadError) as err:
        read_pdf("i.pdf", make_pdf(page))
    assert err.value.code == "GX001" and "没有文字层" in err.value.message


def test_not_a_pdf() -> None:
    with pytest.raises(ReadError) as err:
        read_pdf("x.pdf", b"<html><body>404</body></html>")
    assert err.value.code == "GX001" and "不是 PDF" in err.value.message


def test_corrupt_body() -> None:
    with pytest.raises(ReadError) as err:
        read_pdf("x.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ngarbage\n%%EOF\n")
    assert err.value.code == "GX001" and "PDF" in err.value.message


def test_too_many_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    with pytest.raises(ReadError) as err:
        read_pdf("m.pdf", make_pdf(_one_line, _one_line, _one_line))
    assert err.value.code == "GX001" and "页数过多" in err.value.message


def test_unmapped_glyph_is_one_unreadable_char() -> None:
    assert pdf_reader._mapped({"text": "(cid:2118)"})["text"] == "\ufffd"
    assert pdf_reader._mapped({"text": "年"})["text"] == "年"


def test_damaged_bytes_never_escape_as_other_exceptions() -> None:
    data = make_pdf(_report_page)
    rng = random.Random(20240226)
    for _ in range(40):
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            mutated[rng.randrange(len(mutated) - 1024)] = rng.randrange(256)
        try:
            read_pdf("f.pdf", bytes(mutated))
        except ReadError as exc:
            assert exc.code == "GX001"


def test_import_is_lazy() -> None:
    code = "import sys, gxlint.read, gxlint.read.pdf; assert 'pdfplumber' not in sys.modules, 'imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------------------------------------ real reports

def _row(table: Table, label: str) -> list[str]:
    """The texts of the first row that has a cell reading `label`, from that cell on."""
    for row in table.rows:
        texts = [c.text for c in row]
        if label in texts:
            return texts[texts.index(label):]
    raise AssertionError(f"no row {label!r}")


def _tables(doc: Document) -> tuple[Table, Table, Table]:
    t2, t3, t4 = doc.tables()
    return t2, t3, t4


def _no_page_numbers(doc: Document) -> None:
    texts = all_text(doc)
    assert not [t for t in texts if re.fullmatch(r"-\s*\d+\s*-", t)]
    assert not [t for t in texts if re.search(r"-\s*[1-6]\s*-\s*$", t)]


REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"  # as in conftest.py


@pytest.fixture(scope="module")
def hongze_2023() -> Document:
    return read_path(REAL / "jiangsu_huaian_hongze_district_2023.pdf")


@pytest.fixture(scope="module")
def hongze_2024() -> Document:
    return read_path(REAL / "jiangsu_huaian_hongze_district_2024.pdf")


@pytest.fixture(scope="module")
def huaian_2024() -> Document:
    return read_path(REAL / "jiangsu_huaian_city_govt_2024.pdf")


@pytest.mark.corpus
def test_hongze_2023(hongze_2023: Document) -> None:
    lines = [b.text for b in hongze_2023.lines()]
    assert lines[:2] == ["洪泽区人民政府", "2023年政府信息公开工作年度报告"]
    assert "六、其他需要报告的事项" in lines
    _no_page_numbers(hongze_2023)
    assert len(hongze_2023.tables()) == 3  # 表二 and 表三 each continue over a page break
    t2, t3, t4 = _tables(hongze_2023)
    assert _row(t2, "行政规范性文件") == ["行政规范性文件", "0", "5", "5"]
    assert _row(t2, "行政处罚") == ["行政处罚", "4119"]  # page 3 part of 表二
    assert _row(t2, "行政事业性收费") == ["行政事业性收费", "7730.28"]
    assert _row(t3, "一、本年新收政府信息公开申请数量")[1:] == ["21", "0", "0", "0", "0", "0", "21"]
    assert _row(t3, "1.本机关不掌握相关政府信息")[1:] == ["10", "0", "0", "0", "0", "0", "10"]
    assert _row(t3, "（七）总计")[1:] == ["21", "0", "0", "0", "0", "0", "21"]
    assert _row(t3, "5.要求行政机关确认或重新出具已获取信息")[1] == "0"
    label = next(c for row in t3.rows for c in row if c.text == "三、本年度办理结果")
    assert label.rowspan == 20 and label.origin.page == 3  # one cell, down page 3 and on over page 4
    assert cells(t4)[-1] == ["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]


@pytest.mark.corpus
def test_hongze_2024(hongze_2024: Document) -> None:
    lines = [b.text for b in hongze_2024.lines()]
    assert lines[:2] == ["淮安市洪泽区人民政府", "2024年政府信息公开工作年度报告"]
    _no_page_numbers(hongze_2024)
    t2, t3, t4 = _tables(hongze_2024)
    assert _row(t2, "行政规范性文件") == ["行政规范性文件", "3", "0", "8"]
    assert _row(t2, "行政许可") == ["行政许可", "9487"]
    assert _row(t3, "一、本年新收政府信息公开申请数量")[1:] == ["95", "0", "0", "0", "0", "0", "95"]
    assert _row(t3, "（一）予以公开")[1:] == ["50", "0", "0", "0", "0", "0", "50"]
    assert _row(t3, "1.本机关不掌握相关政府信息")[1:] == ["31", "0", "0", "0", "0", "0", "31"]
    # （六）其他处理 has a ruled, empty cell where a sub-item label would go: kept as a blank cell
    assert _row(t3, "（六）其他处理") == ["（六）其他处理", "", "0", "0", "0", "0", "0", "0", "0"]
    assert cells(t4)[-1] == ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"]


@pytest.mark.corpus
def test_huaian_city_2024(huaian_2024: Document) -> None:
    lines = [b.text for b in huaian_2024.lines()]
    assert lines[:2] == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    assert any("全年收取政府信息公开信息处理费3940元" in t for t in lines)
    _no_page_numbers(huaian_2024)
    t2, t3, t4 = _tables(huaian_2024)
    assert _row(t2, "行政许可") == ["行政许可", "447228"]
    assert _row(t2, "行政处罚") == ["行政处罚", "3985758"]
    assert _row(t2, "行政事业性收费") == ["行政事业性收费", "96171.6"]
    assert _row(t3, "一、本年新收政府信息公开申请数量")[1:] == ["3001", "53", "0", "0", "61", "4", "3119"]
    assert _row(t3, "（七）总计")[1:] == ["2932", "53", "0", "0", "61", "4", "3050"]
    assert _row(t3, "四、结转下年度继续办理")[1:] == ["103", "0", "0", "0", "0", "0", "103"]
    assert _row(t3, "3、其他")[1:] == ["108", "2", "0", "0", "0", "0", "110"]
    # the header cells wrap ("商业企\n业") and join without spaces
    assert "商业企业" in cells(t3)[2] and "社会公益组织" in cells(t3)[2]
    assert cells(t4)[-1] == ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["jiangsu_huaian_hongze_district_2023.pdf", "jiangsu_huaian_hongze_district_2024.pdf",
                                  "jiangsu_huaian_city_govt_2024.pdf"])
def test_real_pdf_grids_are_rectangular(name: str) -> None:
    doc = read_path(REAL / name)
    widths = [{len(r) for r in t.grid()} for t in doc.tables()]
    assert widths == [{4}, {10}, {15}]
    assert all(c is not None for t in doc.tables() for r in t.grid() for c in r)
    assert all(isinstance(c, RawCell) and c.origin.page for t in doc.tables() for row in t.rows for c in row)
    assert all(isinstance(b, Line | Table) for b in doc.blocks)
