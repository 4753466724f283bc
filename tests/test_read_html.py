"""The HTML reader: hand-made pages for every rule it follows, then facts checked by hand in the real corpus pages."""

from __future__ import annotations

import codecs
import socket
from pathlib import Path

import pytest

from gxlint.origin import Origin
from gxlint.read import read_bytes, read_path
from gxlint.read.document import Line, RawCell, ReadError, Table
from gxlint.read.html import read_html

REAL = Path(__file__).parent.parent.parent / "shared" / "corpus" / "real"


def read(html: str | bytes, path: str = "report.html"):
    data = html.encode("utf-8") if isinstance(html, str) else html
    return read_html(path, data)


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Line)]


def cells(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the nth occurrence of needle in text."""
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


# ------------------------------------------------------------------------------------------------- tables

TABLE_LINES = [
    "<html><body>",
    "<p>二、主动公开政府信息情况</p>",
    '<table border="1">',
    '  <tr><th colspan="4">第二十条第（一）项</th></tr>',
    "  <tr><td>信息内容</td><td>本年新<br/>制作数量</td><td>本年新<br>公开数量</td><td>对外公开总数量</td></tr>",
    '  <tr><td rowspan="2">规章</td><td>&nbsp;</td><td> \n </td><td><span>&nbsp;5&nbsp;</span></td></tr>',
    '  <tr><td colspan="2">13</td><td>6<br>251000元</td></tr>',
    "</table>",
    "</body></html>",
]


@pytest.fixture
def table_doc():
    return read("\n".join(TABLE_LINES))


def test_table_cells_spans_and_blank_cells(table_doc) -> None:
    (table,) = table_doc.tables()
    assert cells(table) == [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "", "", "5"],
        ["13", "6 251000元"],
    ]
    head = table.rows[0][0]
    assert (head.colspan, head.rowspan, head.header) == (4, 1, True)
    label = table.rows[2][0]
    assert (label.rowspan, label.colspan, label.header) == (2, 1, False)
    assert table.rows[3][0].colspan == 2
    assert table.grid()[3][0] is label  # the rowspan covers the next row's first column


def test_table_origins_point_at_start_tags(table_doc) -> None:
    (table,) = table_doc.tables()
    html = "\n".join(TABLE_LINES)
    assert table.origin == Origin(line=3, col=1, table=1)
    assert table.rows[0][0].origin == Origin(*where(html, "<th"), table=1, row=1, cell=1)
    assert table.rows[0][0].origin == Origin(line=4, col=7, table=1, row=1, cell=1)
    assert table.rows[1][3].origin == Origin(*where(html, "<td", 3), table=1, row=2, cell=4)
    assert table.rows[2][2].origin == Origin(*where(html, "<td", 6), table=1, row=3, cell=3)
    assert table.rows[3][1].origin == Origin(*where(html, "<td>6<br>"), table=1, row=4, cell=2)
    assert table.rows[3][1].origin.line == 8  # the cell before it spans two source lines
    first_line = table_doc.blocks[0]
    assert first_line == Line("二、主动公开政府信息情况", Origin(line=2, col=1))


def test_tables_numbered_in_document_order() -> None:
    doc = read("<table><tr><td>a</td><td>b</td></tr></table><p>x</p><table><tr><td>c</td><td>d</td></tr></table>")
    assert [t.origin.table for t in doc.tables()] == [1, 2]
    assert doc.tables()[1].rows[0][1].origin.table == 2


def test_hostile_spans_are_clamped() -> None:
    doc = read('<table><tr><td rowspan="99999999999" colspan="100000">1</td><td colspan="x">2</td></tr>'
               '<tr><td rowspan="0">3</td></tr><tr><td>4</td></tr></table>')
    (table,) = doc.tables()
    first, second = table.rows[0]
    assert (first.rowspan, first.colspan) == (1000, 64)
    assert (second.rowspan, second.colspan) == (1, 1)
    assert table.rows[1][0].rowspan == 2  # rowspan="0": to the end of the table
    assert len(table.grid()) == 3


def test_thead_tbody_tfoot_rows_in_source_order() -> None:
    doc = read("<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>b</td></tr></tbody>"
               "<tfoot><tr><td>f</td></tr></tfoot></table>")
    assert cells(doc.tables()[0]) == [["h"], ["b"], ["f"]]


def test_caption_becomes_a_line_before_the_table() -> None:
    doc = read("<table><caption>表三</caption><tr><td>1</td><td>2</td></tr></table>")
    assert isinstance(doc.blocks[0], Line) and doc.blocks[0].text == "表三"
    assert isinstance(doc.blocks[1], Table)


def test_nested_layout_tables_are_containers() -> None:
    html = """<html><body>
<table width="100%"><tr><td>站点导航</td></tr><tr><td>
  <table><tr><td>
    <p>2020年某区政府信息公开工作年度报告</p>
    <p>一、总体情况</p>
    <table border="1"><tr><td>规章</td><td>3</td></tr><tr><td>规范性文件</td><td>&nbsp;</td></tr></table>
    <p>六、其他需要报告的事项</p>
  </td></tr></table>
</td></tr></table>
</body></html>"""
    doc = read(html)
    (table,) = doc.tables()
    assert cells(table) == [["规章", "3"], ["规范性文件", ""]]
    assert table.origin.table == 1
    assert texts(doc) == ["站点导航", "2020年某区政府信息公开工作年度报告", "一、总体情况", "六、其他需要报告的事项"]
    assert [type(b).__name__ for b in doc.blocks] == ["Line", "Line", "Line", "Table", "Line"]


def test_single_cell_frame_table_is_a_container() -> None:
    doc = read("<table><tr><td><p>第一段</p><p>第二段</p></td></tr></table>")
    assert doc.tables() == []
    assert texts(doc) == ["第一段", "第二段"]


# ------------------------------------------------------------------------------------------------ text

def test_blocks_lines_and_inline_text() -> None:
    doc = read("<div>一、<b>总体</b>情况<br>第二行<p>段落<span>内联</span></p>尾巴</div><ul><li>甲</li><li>乙</li></ul>")
    assert texts(doc) == ["一、总体情况", "第二行", "段落内联", "尾巴", "甲", "乙"]


def test_whitespace_rules() -> None:
    doc = read("<p>政府信息\n  公开工作</p><p>Word  export\nline</p><p>2021 年&nbsp;&nbsp;报告</p><p> &nbsp; </p>")
    # a source line break between two Chinese characters vanishes; elsewhere white space is one space
    assert texts(doc) == ["政府信息公开工作", "Word export line", "2021 年\xa0\xa0报告"]


def test_script_style_noscript_comments_and_head_are_ignored() -> None:
    html = """<!DOCTYPE html><html><head><title>某区2021年度报告_年报_某区政府</title>
<style>p { color: red }</style><script>var secret = "脚本内容";</script></head>
<body><script>document.write("<p>假段落</p>")</script><noscript>请启用脚本</noscript>
<!-- 注释内容 --><p>正文<!-- 中间注释 -->内容</p><template><p>模板</p></template>
<div style="display: none">隐藏</div><p hidden>也隐藏</p></body></html>"""
    doc = read(html)
    assert texts(doc) == ["正文内容"]
    assert doc.meta["title"] == "某区2021年度报告_年报_某区政府"
    assert doc.format == "html"


def test_gxlint_directive_comments_are_kept_as_lines() -> None:
    doc = read("<p>a</p>\n<!-- gxlint-disable-next-line GX201 -->\n<p>b</p>")
    assert texts(doc) == ["a", "<!-- gxlint-disable-next-line GX201 -->", "b"]
    assert doc.blocks[1].origin.line == 2


def test_columns_count_code_points_and_multiline_start_tags() -> None:
    lines = ["<p>中文中文</p><p>第二</p>", '<p\n class="x">第三</p>']
    doc = read("\n".join(lines))
    assert [b.origin for b in doc.blocks] == [Origin(line=1, col=1), Origin(line=1, col=12), Origin(line=2, col=1)]


def test_positions_beyond_libxml2_line_limit() -> None:
    # libxml2 reports every line after 65535 as 65535; the reader still finds the real one
    html = "<p>x</p>\n" * 70000 + "<table><tr><td>a</td><td>b</td></tr></table>"
    doc = read(html)
    table = doc.tables()[0]
    assert table.origin == Origin(line=70001, col=1, table=1)
    assert table.rows[0][1].origin == Origin(line=70001, col=22, table=1, row=1, cell=2)


# ------------------------------------------------------------------------------------------------ decoding

def test_gbk_meta_charset() -> None:
    html = '<html><head><meta charset="gbk"><title>标题</title></head><body><p>政府信息公开</p></body></html>'
    doc = read_html("gbk.html", html.encode("gbk"))
    assert texts(doc) == ["政府信息公开"]
    assert doc.meta["title"] == "标题"
    assert doc.encoding == "gb18030"


def test_http_equiv_gb2312() -> None:
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
            "<body><p>年度报告</p></body></html>")
    doc = read_html("gb.htm", html.encode("gb2312"))
    assert texts(doc) == ["年度报告"]


def test_declared_charset_that_lies_falls_back_to_guessing() -> None:
    html = '<html><head><meta charset="utf-8"></head><body><p>政府信息公开工作年度报告</p></body></html>'
    doc = read_html("lie.html", html.encode("gb18030"))
    assert texts(doc) == ["政府信息公开工作年度报告"]


def test_boms() -> None:
    html = "<p>报告</p>"
    assert texts(read_html("a.html", codecs.BOM_UTF8 + html.encode("utf-8"))) == ["报告"]
    assert texts(read_html("b.html", codecs.BOM_UTF16_LE + html.encode("utf-16-le"))) == ["报告"]


def test_xml_declaration_with_encoding() -> None:
    html = '<?xml version="1.0" encoding="gbk"?><html><body><p>中文</p></body></html>'
    assert texts(read_html("x.xhtml", html.encode("gbk"))) == ["中文"]


# ------------------------------------------------------------------------------------------- page chrome

PAGE = """<!DOCTYPE html>
<html><head>
<meta name="ArticleTitle" content="某区2024年度政府信息公开工作年度报告"/>
<meta name="PubDate" content="2025-03-10 15:35"/>
<title>某区2024年度政府信息公开工作年度报告_政府信息公开年报_某区人民政府</title>
</head><body>
<div class="header"><a href="/">首页</a><ul><li>政务公开</li></ul></div>
<div class="main">
  <div class="article_title">某区2024年度政府信息公开工作年度报告</div>
  <span class="time">发布时间：2025-03-11</span>
  <div class="article_content"><div class="TRS_Editor">
    <p>一、总体情况</p><p>正文第一段。</p>
    <table><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>62</td></tr></table>
  </div></div>
  <div class="fujian">附件下载</div>
</div>
<div class="footer">版权所有</div>
<script>console.log("页脚脚本")</script>
</body></html>"""


def test_article_body_is_read_without_page_chrome() -> None:
    doc = read(PAGE)
    assert texts(doc) == ["某区2024年度政府信息公开工作年度报告", "一、总体情况", "正文第一段。"]
    lines = PAGE.split("\n")
    title_line = next(i for i, line in enumerate(lines, 1) if 'class="article_title"' in line)
    assert doc.blocks[0].origin == Origin(line=title_line, col=3)
    assert cells(doc.tables()[0]) == [["规章", "0"], ["行政规范性文件", "62"]]
    assert doc.meta == {"title": "某区2024年度政府信息公开工作年度报告_政府信息公开年报_某区人民政府",
                        "published": "2025-03-10"}


def test_visible_publication_date_when_no_meta() -> None:
    page = PAGE.replace('<meta name="PubDate" content="2025-03-10 15:35"/>', "")
    assert read(page).meta["published"] == "2025-03-11"


def test_densest_block_without_known_container() -> None:
    html = """<html><body>
<div id="nav"><a href="/">首页</a> <a href="/a">机构</a> <a href="/b">政务公开</a></div>
<div id="main"><div class="text">
  <p>一、总体情况</p><p>今年我区认真贯彻落实条例，主动公开政府信息一千条。</p>
  <p>二、主动公开政府信息情况</p><p>详见下表。</p>
</div><div class="tables"><table><tr><td>规章</td><td>1</td></tr><tr><td>规范性文件</td><td>2</td></tr></table></div></div>
<footer><p>主办单位：某区人民政府办公室，联系电话 0000-0000000</p></footer>
</body></html>"""
    doc = read(html)
    assert texts(doc) == ["一、总体情况", "今年我区认真贯彻落实条例，主动公开政府信息一千条。", "二、主动公开政府信息情况", "详见下表。"]
    assert len(doc.tables()) == 1  # the sibling div's table pulled the body up to div#main


def test_fragment_reads_everything_and_finds_published_line() -> None:
    doc = read("<p>2019年某办公厅政府信息公开工作年度报告</p><p>发布日期：2020-01-31</p><p>一、总体情况</p>")
    assert texts(doc) == ["2019年某办公厅政府信息公开工作年度报告", "发布日期：2020-01-31", "一、总体情况"]
    assert doc.meta == {"published": "2020-01-31"}


# ----------------------------------------------------------------------------------------- hostile input

def test_deep_nesting_is_a_read_error() -> None:
    with pytest.raises(ReadError) as err:
        read("<div>" * 5000 + "x")
    assert err.value.code == "GX001"
    assert "嵌套" in err.value.message


def test_empty_markup_is_not_a_report() -> None:
    with pytest.raises(ReadError) as err:
        read("<!-- nothing -->")
    assert err.value.code == "GX002"


def test_binary_is_a_read_error() -> None:
    with pytest.raises(ReadError) as err:
        read_html("x.html", bytes(range(256)) * 4)
    assert err.value.code == "GX001"


def test_no_network_access(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">'
            '<html><body><p>报告</p><img src="http://example.com/x.png"><iframe src="http://example.com/"></iframe>'
            "</body></html>")
    assert texts(read(html)) == ["报告"]


def test_dispatcher_reads_html_suffixes() -> None:
    doc = read_bytes("page.htm", "<p>报告</p>".encode())
    assert doc.format == "html" and texts(doc) == ["报告"]


# ---------------------------------------------------------------------------------------------- corpus


def _source_lines(name: str) -> list[str]:
    return (REAL / name).read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")


def _assert_origins_point_at_tags(name: str) -> None:
    """Every table and cell origin names the line and column of its <table>/<td>/<th> in the file."""
    doc = read_path(REAL / name)
    src = _source_lines(name)
    for table in doc.tables():
        assert src[table.origin.line - 1][table.origin.col - 1:].startswith("<table")
        for row in table.rows:
            for cell in row:
                o = cell.origin
                assert src[o.line - 1][o.col - 1:o.col + 2].lower() in ("<td", "<th")


@pytest.mark.corpus
def test_shanghai_2019_fragment() -> None:
    name = "shanghai_municipal_govt_office_2019_fragment.html"
    doc = read_path(REAL / name)
    tables = doc.tables()
    assert len(tables) == 3
    assert sum(len(t.rows) for t in tables) == 48
    assert sum(1 for t in tables for row in t.rows for c in row if c.text == "") == 135  # &nbsp; cells
    assert doc.meta == {"published": "2020-01-31"}  # a body fragment: no <title>, the date is a body line
    assert texts(doc)[:2] == ["2019年上海市人民政府办公厅政府信息公开工作年度报告", "发布日期：2020-01-31"]
    t1, t2, t3 = tables
    assert cells(t1)[1] == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]  # <br /> joined
    assert cells(t1)[-1] == ["政府集中采购", "6", "251000元"]
    result = t2.rows[5][0]
    assert (result.text, result.rowspan) == ("三、本年度办理结果", 20)
    assert cells(t2)[3] == ["一、本年新收政府信息公开申请数量", "821", "35", "", "", "2", "1", "859"]
    assert t2.rows[3][0].colspan == 3
    assert cells(t2)[5][-1] == ""  # the 总计 of （一）予以公开 is blank in the source
    assert cells(t3)[-1] == ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]
    # everything is on line 1 of the file: columns tell the cells apart
    assert t2.rows[3][1].origin.line == 1 and t2.rows[3][1].origin.col == 9806
    _assert_origins_point_at_tags(name)


@pytest.mark.corpus
def test_pingtan_2021_page() -> None:
    name = "fujian_pingtan_zone_2021_page.html"
    doc = read_path(REAL / name)
    assert doc.meta == {"title": "平潭综合实验区2021年度政府信息公开工作年度报告_政府信息公开年报_平潭综合实验区党工委管委会",
                        "published": "2022-02-08"}
    lines = texts(doc)
    assert lines[0] == "平潭综合实验区2021年度政府信息公开工作年度报告"  # the visible heading above the body
    assert doc.blocks[0].origin == Origin(line=294, col=25)  # <div class="article_title text_align_center">
    assert lines[-1] == "2021年，无收取信息处理费情况。"
    joined = "".join(lines)
    for chrome in ("当前位置", "附件下载", "全真版", "来源：", "扫一扫", "分享到"):
        assert chrome not in joined
    assert "function" not in joined and "$(" not in joined
    t2, t3, t4 = doc.tables()
    # the quirk SOURCES.md describes: an empty header cell under 自然人, 商业企业 data cells with colspan=2
    assert cells(t3)[2] == ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert t3.rows[1][0].colspan == 2 and t3.rows[2][1].colspan == 2
    assert cells(t3)[3] == ["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]
    assert t3.rows[5][0].text == "三、本年度办理结果" and t3.rows[5][0].rowspan == 22
    assert cells(t3)[-1] == ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"]
    assert cells(t2)[3] == ["行政规范性文件", "69", "3", "665"]
    assert cells(t4)[-1] == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12", "0", "0", "0", "0", "0"]
    _assert_origins_point_at_tags(name)


@pytest.mark.corpus
def test_pingtan_2019_page() -> None:
    name = "fujian_pingtan_zone_2019_page.html"
    doc = read_path(REAL / name)
    assert doc.meta["published"] == "2020-01-20"
    t2, t3, t4 = doc.tables()
    assert cells(t2)[-1] == ["政府集中采购", "135", "75394432.52元"]
    results = [c for row in t3.rows for c in row if c.text == "三、本年度办理结果"]
    assert [c.rowspan for c in results] == [10, 10]  # the label cell appears twice
    assert cells(t3)[3] == ["一、本年新收政府信息公开申请数量", "23", "0", "0", "0", "0", "0", "23"]
    assert all(c.text == "0" for c in t4.rows[-1])
    _assert_origins_point_at_tags(name)


@pytest.mark.corpus
@pytest.mark.parametrize(("year", "published", "normative"), [
    (2022, "2023-02-20", ["行政规范性文件", "88", "55", "698"]),
    (2024, "2025-03-10", ["行政规范性文件", "62", "33", "440"]),
    (2025, "2026-03-10", ["行政规范性文件", "58", "45", "546"]),
])
def test_pingtan_2021_layout_pages(year: int, published: str, normative: list[str]) -> None:
    name = f"fujian_pingtan_zone_{year}_page.html"
    doc = read_path(REAL / name)
    assert doc.meta["published"] == published
    assert texts(doc)[0] == f"平潭综合实验区{year}年度政府信息公开工作年度报告"
    assert len(doc.tables()) == 3
    assert cells(doc.tables()[0])[3] == normative
    _assert_origins_point_at_tags(name)


@pytest.mark.corpus
@pytest.mark.parametrize(("year", "rows", "first"), [
    (2018, 16, ["主动公开文件数", "条", "2069", "12106"]),
    (2015, 17, ["主动公开文件数", "条", "2949", "81916"]),
])
def test_pingtan_old_statistics_tables(year: int, rows: int, first: list[str]) -> None:
    doc = read_path(REAL / f"fujian_pingtan_zone_{year}_page.html")
    (table,) = doc.tables()
    assert len(table.rows) == rows
    assert all(len(row) == 4 and all((c.rowspan, c.colspan) == (1, 1) for c in row) for row in table.rows)
    assert cells(table)[0] == ["指标名称", "计量单位", f"{year}年度", "历年累计"]
    assert cells(table)[1] == first


@pytest.mark.corpus
def test_pingtan_2021_recognised_end_to_end() -> None:
    from gxlint.recognise import recognise

    report = recognise(read_path(REAL / "fujian_pingtan_zone_2021_page.html"))
    assert report.layout == "2021" and report.year == 2021
    t3 = report.tables["t3"]
    rows = {row.id: [c.raw for c in row.cells] for row in t3.rows}
    assert rows["r1"] == ["64", "0", "0", "2", "0", "4", "70"]
    assert rows["r3_7"] == ["63", "0", "0", "2", "0", "4", "69"]
    assert rows["r4"] == ["1", "0", "0", "0", "0", "0", "1"]


def test_rawcell_shape_is_what_recognition_expects(table_doc) -> None:
    cell = table_doc.tables()[0].rows[2][1]
    assert isinstance(cell, RawCell) and cell.text == ""
