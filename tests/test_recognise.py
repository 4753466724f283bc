"""Recognition pieces on small hand-made texts: labels and their variants, fused digits, cell states, added and missing
rows, layouts, titles, periods and part headings."""

from __future__ import annotations

import pytest

from gxlint.read.text import parse_text
from gxlint.recognise import recognise
from gxlint.recognise.layouts import layout
from gxlint.recognise.values import parse_value, split_fused, split_fused_spans
from gxlint.recognise.years import find_period, find_title
from gxlint.report import BLANK, MISSING, NUMBER, PLACEHOLDER, TEXT, UNREADABLE, Report

T3_LABELS_2021 = [
    ("r1", "一、本年新收政府信息公开申请数量"),
    ("r2", "二、上年结转政府信息公开申请数量"),
    ("r3_1", "三、本年度办理结果 | （一）予以公开"),
    ("r3_2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("r3_3_1", "（三）不予公开 | 1.属于国家秘密"),
    ("r3_3_2", "2.其他法律行政法规禁止公开"),
    ("r3_3_3", "3.危及“三安全一稳定”"),
    ("r3_3_4", "4.保护第三方合法权益"),
    ("r3_3_5", "5.属于三类内部事务信息"),
    ("r3_3_6", "6.属于四类过程性信息"),
    ("r3_3_7", "7.属于行政执法案卷"),
    ("r3_3_8", "8.属于行政查询事项"),
    ("r3_4_1", "（四）无法提供 | 1.本机关不掌握相关政府信息"),
    ("r3_4_2", "2.没有现成信息需要另行制作"),
    ("r3_4_3", "3.补正后申请内容仍不明确"),
    ("r3_5_1", "（五）不予处理 | 1.信访举报投诉类申请"),
    ("r3_5_2", "2.重复申请"),
    ("r3_5_3", "3.要求提供公开出版物"),
    ("r3_5_4", "4.无正当理由大量反复申请"),
    ("r3_5_5", "5.要求行政机关确认或重新出具已获取信息"),
    ("r3_6_1", "（六）其他处理 | 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("r3_6_2", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("r3_6_3", "3.其他"),
    ("r3_7", "（七）总计"),
    ("r4", "四、结转下年度继续办理"),
]
T3_HEADER = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况\n"
             "自然人 | 法人或其他组织 | 总计\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他")
T4_HEADER = ("行政复议 | 行政诉讼\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉\n"
             "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计")

PART_ONE = "一、总体情况\n2024年，本机关认真贯彻落实《条例》。"
T2_2021 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
行政规范性文件 | 3 | 1 | 20
第二十条第（五）项
信息内容 | 本年处理决定数量
行政许可 | 120
第二十条第（六）项
信息内容 | 本年处理决定数量
行政处罚 | 35
行政强制 | 0
第二十条第（八）项
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | 1.5"""
TAIL = "五、存在的主要问题及改进情况\n问题不少，下一步改进。\n六、其他需要报告的事项\n本年度未收取信息处理费。"


def t3_block(values: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> str:
    """Part 三 with the 2021 table; every row 0 unless `values` gives its cells ("1 | 0 | …")."""
    values = values or {}
    lines = ["三、收到和处理政府信息公开申请情况", T3_HEADER]
    for rid, label in T3_LABELS_2021:
        if rid in drop:
            continue
        lines.append(f"{label} | {values.get(rid, ' | '.join(['0'] * 7))}")
    return "\n".join(lines)


def t4_block(row: str = " | ".join(["0"] * 15)) -> str:
    return f"四、政府信息公开行政复议、行政诉讼情况\n{T4_HEADER}\n{row}"


def doc(*parts: str, title: str = "某某县人民政府2024年政府信息公开工作年度报告") -> Report:
    text = "\n".join(([title] if title else []) + list(parts)) + "\n"
    return recognise(parse_text(text, "t.txt", "txt"))


def full(t2: str = T2_2021, t3: str | None = None, t4: str | None = None, **kw: str) -> Report:
    return doc(PART_ONE, t2, t3 if t3 is not None else t3_block(), t4 if t4 is not None else t4_block(), TAIL, **kw)


def row_values(r: Report, table: str, row: str) -> list[str]:
    t = r.tables[table]
    found = t.row(row)
    assert found is not None, f"{table}/{row} not found; missing {t.missing_rows}"
    return [c.raw if c.state == NUMBER else c.state for c in found.cells]


# -- the official table read straight ----------------------------------------------------------------------------


def test_a_clean_2021_report_reads_every_cell() -> None:
    r = full(t3=t3_block({"r1": "9 | 0 | 0 | 0 | 0 | 0 | 9", "r3_7": "8 | 0 | 0 | 0 | 0 | 0 | 8",
                          "r4": "1 | 0 | 0 | 0 | 0 | 0 | 1"}))
    assert r.layout == "2021" and r.year == 2024
    assert row_values(r, "t2_1", "normative") == ["3", "1", "20"]
    assert row_values(r, "t2_8", "fees") == ["1.5"]
    assert row_values(r, "t3", "r1") == ["9", "0", "0", "0", "0", "0", "9"]
    assert row_values(r, "t3", "r4") == ["1", "0", "0", "0", "0", "0", "1"]
    cells = [c for t in r.tables.values() for row in t.rows for c in row.cells]
    assert len(cells) == 10 + 175 + 15 and all(c.state == NUMBER for c in cells)
    assert all(not t.missing_rows for t in r.tables.values())


# -- label variants ----------------------------------------------------------------------------------------------


def test_traditional_labels() -> None:
    t2 = T2_2021.replace("规章", "規章").replace("行政规范性文件", "行政規範性文件").replace("行政许可", "行政許可") \
        .replace("行政处罚", "行政處罰").replace("行政强制", "行政強制").replace("行政事业性收费", "行政事業性收費")
    r = full(t2=t2)
    assert row_values(r, "t2_1", "rules") == ["0", "0", "0"]
    assert row_values(r, "t2_6", "coercion") == ["0"]
    assert row_values(r, "t2_8", "fees") == ["1.5"]


def test_full_width_and_half_width_numbering_and_digits() -> None:
    t3 = t3_block({"r3_1": "１２ | 0 | 0 | 0 | 0 | 0 | １２"}).replace("（一）予以公开", "(一)予以公开") \
        .replace("（二）部分公开", "（二） 部分公开")
    r = full(t3=t3)
    assert row_values(r, "t3", "r3_1") == ["１２", "0", "0", "0", "0", "0", "１２"]
    assert r.cell("t3", "r3_1", "natural").value == 12
    assert row_values(r, "t3", "r3_2") == ["0"] * 7


def test_spaces_inside_labels() -> None:
    r = full(t2=T2_2021.replace("行政规范性文件 |", "行政 规范性 文件 |").replace("行政许可 |", "行 政 许 可 |"))
    assert row_values(r, "t2_1", "normative") == ["3", "1", "20"]
    assert row_values(r, "t2_5", "licensing") == ["120"]


def test_a_label_split_over_two_lines() -> None:
    # one cell per line, the label broken by the page edge
    t3 = t3_block().replace("一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0",
                            "一、本年新收政府信息公开\n申请数量\n5\n0\n0\n0\n0\n0\n5")
    r = full(t3=t3)
    assert row_values(r, "t3", "r1") == ["5", "0", "0", "0", "0", "0", "5"]


def test_punctuation_inside_labels_is_loose() -> None:
    t3 = t3_block().replace("不补正、行政机关", "不补正, 行政机关")
    r = full(t3=t3)
    assert "r3_6_1" not in r.tables["t3"].missing_rows


def test_old_wording_is_read_and_marked_legacy() -> None:
    r = full(t2=T2_2021.replace("行政规范性文件 |", "规范性文件 |"))
    row = r.tables["t2_1"].row("normative")
    assert row is not None and row.legacy
    assert row_values(r, "t2_1", "normative") == ["3", "1", "20"]


# -- fused digits ------------------------------------------------------------------------------------------------


def test_split_fused_only_when_exactly_one_split_fits() -> None:
    rowsum = lambda v: sum(v[:6]) == v[6]  # noqa: E731
    assert split_fused("7000007", ["count"] * 7, rowsum) == [7, 0, 0, 0, 0, 0, 7]
    assert split_fused("21710000218", ["count"] * 7, rowsum) == [217, 1, 0, 0, 0, 0, 218]
    assert split_fused("270020130", ["count"] * 7, rowsum) is None  # 27,0,0,2,0,1,30 and 2,7,0,0,20,1,30
    assert split_fused("000", ["count"] * 3, None) == [0, 0, 0]  # no leading zeros: one split only
    assert split_fused("898989", ["count"] * 3, None) is None
    assert split_fused("350", ["count"] * 2, None) is None


def test_printed_spaces_are_boundaries() -> None:
    rowsum = lambda v: sum(v[:6]) == v[6]  # noqa: E731
    assert split_fused(["230", "000023"], ["count"] * 7, rowsum) == [23, 0, 0, 0, 0, 0, 23]
    spans = split_fused_spans(["23", "0", "00", "0", "023"], ["count"] * 7, rowsum)
    assert spans is not None and [v for v, _, _ in spans] == [23, 0, 0, 0, 0, 0, 23]
    assert [(s, e) for _, s, e in spans] == [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 9)]


def test_fused_dump_rows_in_a_table() -> None:
    t3 = ("三、收到和处理政府信息公开申请情况" + "".join(
        f"{label.split(' | ')[-1]}{'7000007' if rid == 'r3_1' else '270020130' if rid == 'r3_2' else '0000000'}"
        for rid, label in T3_LABELS_2021))
    r = full(t3=t3)
    assert row_values(r, "t3", "r3_1") == ["7", "0", "0", "0", "0", "0", "7"]
    cells = r.tables["t3"].row("r3_1").cells
    assert [c.raw for c in cells] == ["7", "0", "0", "0", "0", "0", "7"]  # each piece, not the whole run
    assert cells[6].origin.col == cells[0].origin.col + 6
    assert row_values(r, "t3", "r3_2") == [UNREADABLE] * 7
    assert "粘连" in (r.tables["t3"].row("r3_2").cells[0].note or "")


def test_fused_table_four_and_space_separated_table_four() -> None:
    fused = full(t4="四、政府信息公开行政复议、行政诉讼情况\n" + T4_HEADER.replace(" | ", "").replace("\n", "")
                 + "10203120001200000")
    assert row_values(fused, "t4", "data") == ["1", "0", "2", "0", "3", "12", "0", "0", "0", "12"] + ["0"] * 5
    spaced = full(t4=t4_block("0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"))
    assert row_values(spaced, "t4", "data") == "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0".split()


def test_table_four_as_three_small_tables() -> None:
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
          "2 | 1 | 0 | 0 | 3\n行政诉讼（未经复议直接起诉）\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
          "1 | 0 | 0 | 0 | 1\n行政诉讼（复议后起诉）\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n0 | 0 | 0 | 0 | 0")
    r = full(t4=t4)
    assert row_values(r, "t4", "data") == ["2", "1", "0", "0", "3", "1", "0", "0", "0", "1"] + ["0"] * 5


# -- cell states -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "state", "value"), [
    ("", BLANK, None), ("/", PLACEHOLDER, None), ("-", PLACEHOLDER, None), ("无", PLACEHOLDER, None),
    ("若干", TEXT, None), ("0", NUMBER, 0), ("15.8952万元", NUMBER, 15.8952), ("+13", NUMBER, 13),
    ("22（其中修订16件）", NUMBER, 22), ("1,234", NUMBER, 1234),
    ("9116.3999999999999999999999999", UNREADABLE, None),
])
def test_parse_value(text: str, state: str, value: float | None) -> None:
    from gxlint.normalise import normalise

    parsed = parse_value(normalise(text))
    assert parsed.state == state and parsed.value == value


def test_blank_placeholder_and_text_cells_in_a_table() -> None:
    t2 = T2_2021.replace("行政许可 | 120", "行政许可 |  |").replace("行政处罚 | 35", "行政处罚 | /") \
        .replace("行政强制 | 0", "行政强制 | 若干")
    r = full(t2=t2)
    assert r.cell("t2_5", "licensing", "decisions").state == BLANK
    assert r.cell("t2_6", "penalty", "decisions").state == PLACEHOLDER
    assert r.cell("t2_6", "coercion", "decisions").state == TEXT
    annotated = full(t2=T2_2021.replace("行政规范性文件 | 3 |", "行政规范性文件 | 3（其中修订2件） |"))
    cell = annotated.cell("t2_1", "normative", "made")
    assert cell.state == NUMBER and cell.value == 3 and cell.note == "其中修订2件"


def test_a_row_label_with_no_values_is_missing() -> None:
    r = full(t2=T2_2021.replace("行政许可 | 120", "行政许可"))
    assert r.cell("t2_5", "licensing", "decisions").state == MISSING


def test_a_short_row_is_unreadable_never_shifted() -> None:
    r = full(t2=T2_2021.replace("行政规范性文件 | 3 | 1 | 20", "行政规范性文件 | 3 | 20"))
    assert row_values(r, "t2_1", "normative") == [UNREADABLE] * 3
    assert "无法确定" in (r.cell("t2_1", "normative", "made").note or "")


# -- added and missing rows --------------------------------------------------------------------------------------


def test_an_added_row_is_marked_extra_and_the_absent_row_missing() -> None:
    t2 = T2_2021.replace("规章 | 0 | 0 | 0\n行政规范性文件 | 3 | 1 | 20",
                         "行政规范性文件 | 3 | 1 | 20\n其他主动公开文件 | 4 | 4 | 10")
    r = full(t2=t2)
    table = r.tables["t2_1"]
    assert table.missing_rows == ("rules",)
    extra = [row for row in table.rows if row.extra]
    assert [row.id for row in extra] == ["extra:其他主动公开文件"]
    assert [c.raw for c in extra[0].cells] == ["4", "4", "10"]
    assert row_values(r, "t2_1", "normative") == ["3", "1", "20"]


def test_missing_rows_of_table_three() -> None:
    r = full(t3=t3_block(drop=("r3_3_7", "r3_5_2")))
    assert r.tables["t3"].missing_rows == ("r3_3_7", "r3_5_2")
    assert row_values(r, "t3", "r3_3_8") == ["0"] * 7


def test_a_2019_other_row_in_a_2021_table_is_a_legacy_row() -> None:
    t3 = t3_block(drop=("r3_6_1", "r3_6_2", "r3_6_3")).replace(
        "（七）总计", "（六）其他处理 | 1 | 0 | 0 | 0 | 0 | 0 | 1\n（七）总计")
    r = full(t3=t3)
    table = r.tables["t3"]
    assert set(table.missing_rows) == {"r3_6_1", "r3_6_2", "r3_6_3"}
    legacy = table.row("r3_6")
    assert legacy is not None and legacy.legacy and [c.raw for c in legacy.cells] == ["1"] + ["0"] * 5 + ["1"]


def test_rows_whose_labels_were_printed_elsewhere_are_placed_by_the_labelled_ones() -> None:
    """A PDF extraction: two rows lost their labels (printed as loose lines above); the labelled rows around them
    pin where the unlabelled ones go."""
    t3 = t3_block({"r3_3_5": "1 | 0 | 0 | 0 | 0 | 0 | 1", "r3_3_6": "2 | 0 | 0 | 0 | 0 | 0 | 2"})
    t3 = t3.replace("5.属于三类内部事务信息 | 1", "| 1").replace("6.属于四类过程性信息 | 2", "| 2")
    t3 = t3.replace("4.保护第三方合法权益 |", "5.属于三类内部事务\n信息\n6.属于四类过程性信息\n4.保护第三方合法权益 |")
    r = full(t3=t3)
    assert row_values(r, "t3", "r3_3_5") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_values(r, "t3", "r3_3_6") == ["2", "0", "0", "0", "0", "0", "2"]
    assert row_values(r, "t3", "r3_3_4") == ["0"] * 7


def test_an_unlabelled_row_that_could_sit_in_two_places_is_unreadable() -> None:
    t3 = t3_block({"r3_3_6": "2 | 0 | 0 | 0 | 0 | 0 | 2"}, drop=("r3_3_5",))
    t3 = t3.replace("6.属于四类过程性信息 | 2", "| 2")  # now r3_3_5 or r3_3_6?
    t3 = t3.replace("4.保护第三方合法权益 |", "5.属于三类内部事务信息\n4.保护第三方合法权益 |")
    r = full(t3=t3)
    assert row_values(r, "t3", "r3_3_5") == [UNREADABLE] * 7
    assert row_values(r, "t3", "r3_3_6") == [UNREADABLE] * 7


# -- layouts -----------------------------------------------------------------------------------------------------


T2_2019 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量
规章 | 0 | 0 | 0
规范性文件 | 1 | 1 | 5
第二十条第（九）项
信息内容 | 采购项目数量 | 采购总金额
政府集中采购 | 2 | 3.5万元"""


def test_layout_2019() -> None:
    r = doc(PART_ONE.replace("2024", "2020"), T2_2019, title="某某县人民政府2020年政府信息公开工作年度报告")
    assert r.layout == "2019"
    assert row_values(r, "t2_9", "procurement") == ["2", "3.5万元"]
    assert r.cell("t2_9", "procurement", "amount").unit == "万元"


def test_layout_2021() -> None:
    assert full().layout == "2021"


def test_layout_pre_2019() -> None:
    r = doc("一、概述\n2015年……", "二、主动公开政府信息情况\n……", "三、依申请公开政府信息情况\n未收到申请。",
            "四、政府信息公开的收费及减免情况\n无。", "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n无。",
            title="某某县2015年政府信息公开工作年度报告")
    assert r.layout == "pre-2019"
    assert r.tables == {}


def test_layout_none() -> None:
    r = doc("一、总体情况\n本年度工作平稳。")
    assert r.layout is None and r.tables == {}


def test_layout_ties_are_broken_by_the_year() -> None:
    from gxlint.recognise import _choose_layout

    assert layout("2019") is not None and layout("2021") is not None
    assert _choose_layout({"2019": 2, "2021": 2, "pre-2019": 0}, 2020) == "2019"
    assert _choose_layout({"2019": 2, "2021": 2, "pre-2019": 0}, 2022) == "2021"
    assert _choose_layout({"2019": 1, "2021": 1, "pre-2019": 3}, 2018) == "pre-2019"
    assert _choose_layout({"2019": 0, "2021": 0, "pre-2019": 1}, None) is None


# -- title, agency, years, period --------------------------------------------------------------------------------


def test_title_broken_over_two_lines_is_joined() -> None:
    t = find_title([("2024 年上海市科委政府信息公开工作", None), ("年度报告", None)], {})  # type: ignore[list-item]
    assert t.title == "2024 年上海市科委政府信息公开工作年度报告"
    assert t.years == (2024,)
    r = doc(PART_ONE, title="2024 年上海市科委政府信息公开工作\n年度报告")
    assert r.title == "2024年上海市科委政府信息公开工作年度报告" and r.agency == "上海市科委" and r.year == 2024


def test_agency_on_the_line_above_the_title() -> None:
    r = doc(PART_ONE, title="淮安市人民政府\n2024 年政府信息公开工作年度报告")
    assert r.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert r.agency == "淮安市人民政府"


def test_markdown_heading_marker_and_crawler_field_are_not_part_of_the_title() -> None:
    assert doc(PART_ONE, title="# 沐阳县人民政府 2025 年 政府信息公开工作年度报告").agency == "沐阳县人民政府"
    r = doc(PART_ONE, title="标题: 平潭综合实验区2019年度政府信息公开工作年度报告")
    assert r.title == "平潭综合实验区2019年度政府信息公开工作年度报告" and r.agency == "平潭综合实验区"


@pytest.mark.parametrize(("sentence", "period"), [
    ("本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。", ("2019-01-01", "2019-12-31")),
    ("本年度报告中所列数据统计期限为2022年1月1日至12月31日。", ("2022-01-01", "2022-12-31")),
    ("数据统计期限从2019年1月1日到12月31日止", ("2019-01-01", "2019-12-31")),
    ("统计数据时限为 2023 年 1 月 1 日至 2023 年 12 月 31 日", ("2023-01-01", "2023-12-31")),
    ("本报告使用数据统计期限为2021年1月1日-2021年12月31日", ("2021-01-01", "2021-12-31")),
])
def test_period(sentence: str, period: tuple[str, str]) -> None:
    from gxlint.normalise import normalise

    found = find_period(normalise(sentence))
    assert found is not None and found[0] == period


def test_no_period() -> None:
    assert find_period("本年度共收到申请3件。") is None


# -- part headings -----------------------------------------------------------------------------------------------


def test_headings_with_variant_wording() -> None:
    r = doc("一、总体情况\n…", "二、行政机关主动公开政府信息情况\n…", "三、行政机关收到和处理政府信息公开申请情况\n…",
            "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n…", "五、存在问题和改进措施\n…",
            "六、其他需要报告的事项\n无。")
    assert [p.number for p in r.parts] == list("一二三四五六")
    assert [p.canonical for p in r.parts] == [True, False, False, False, False, True]


def test_misnumbered_headings_keep_the_printed_numeral() -> None:
    r = doc("一、总体情况\n…", "三、主动公开政府信息情况\n…", "四、收到和处理政府信息公开申请情况\n…",
            "五、政府信息公开行政复议、行政诉讼情况\n…", "六、其他需要报告的事项\n…")
    assert [(p.number, p.ordinal) for p in r.parts] == [("一", 1), ("二", 3), ("三", 4), ("四", 5), ("六", 6)]


def test_a_restarted_outline_takes_the_statutory_headings() -> None:
    r = doc("一、总体情况\n…", "二、工作机制保障\n…", "三、主动公开工作情况\n…", "四、政府信息公开申请情况\n…",
            "一、主动公开政府信息情况\n表二", "二、收到和处理政府信息公开申请情况\n表三",
            "三、政府信息公开行政复议、行政诉讼情况\n表四", "五、其他需要报告的事项\n无。")
    headings = {p.number: p.heading for p in r.parts}
    assert headings == {"一": "一、总体情况", "二": "一、主动公开政府信息情况", "三": "二、收到和处理政府信息公开申请情况",
                        "四": "三、政府信息公开行政复议、行政诉讼情况", "六": "五、其他需要报告的事项"}


def test_headings_run_into_a_crawler_dump() -> None:
    r = doc("一、总体情况今年工作顺利。二、主动公开政府信息情况规章000三、收到和处理政府信息公开申请情况…"
            "（七）总计23 0 00 0 023四、政府信息公开行政复议、行政诉讼情况000五、存在的主要问题及改进情况不足。"
            "六、其他需要报告的事项 无")
    assert [p.number for p in r.parts] == list("一二三四五六")


def test_a_numeral_inside_a_word_does_not_make_a_heading() -> None:
    r = doc("一、总体情况\n全市统一、主动公开政府信息情况良好。", "二、主动公开政府信息情况\n…")
    assert [p.heading for p in r.parts] == ["一、总体情况", "二、主动公开政府信息情况"]


def test_origins_point_into_the_original_line_even_where_normalising_changed_its_length() -> None:
    line = ("三、收到和处理政府信息公开申请情况 说明 文字（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
            + "".join(f"{label.split(' | ')[-1]}{'23 0 00 0 023' if rid == 'r3_7' else '0000000'}"
                      for rid, label in T3_LABELS_2021))
    r = doc(PART_ONE, T2_2021, line, t4_block(), TAIL)
    cells = r.tables["t3"].row("r3_7").cells
    assert [c.raw for c in cells] == ["23", "0", "0", "0", "0", "0", "23"]
    text_line = line
    for c in (cells[0], cells[3], cells[6]):
        assert c.origin.line is not None and c.origin.col is not None
        assert text_line[c.origin.col - 1: c.origin.col - 1 + len(c.raw)] == c.raw
    assert cells[3].origin.col == cells[0].origin.col + 6  # "23 0 00": the second 0 of "00"
