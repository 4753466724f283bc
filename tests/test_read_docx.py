"""The docx reader: documents built with python-docx in tmp_path, hostile packages, and the official blank template."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from gxlint.origin import Origin
from gxlint.read import docx as docx_reader
from gxlint.read import read_bytes, read_path
from gxlint.read.document import Line, ReadError, Table
from gxlint.read.docx import read_docx

REAL = Path(__file__).parent.parent.parent / "shared" / "corpus" / "real"
TEMPLATE = REAL / "template_2021format_blank_zwgk_nianbao.docx"


def save(document: docx.document.Document, tmp_path: Path, name: str = "report.docx") -> bytes:
    path = tmp_path / name
    document.save(str(path))
    return path.read_bytes()


def texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Line)]


def cells(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The same package with some members replaced or added (None: removed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    dst.writestr(info.filename, replace[info.filename])
            else:
                dst.writestr(info, src.read(info.filename))
        for name, blob in replace.items():
            if blob is not None and name not in src.namelist():
                dst.writestr(name, blob)
    return out.getvalue()


@pytest.fixture
def report(tmp_path: Path) -> bytes:
    d = docx.Document()
    d.add_paragraph("某区2021年政府信息公开工作年度报告")
    d.add_paragraph("")
    d.add_paragraph("一、总体情况")
    table = d.add_table(rows=4, cols=4)
    values = [["第二十条第（一）项", "", "", ""],
              ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
              ["规章", "1", "", "3"],
              ["", "4", "5", "6"]]
    table.cell(0, 0).merge(table.cell(0, 3))  # w:gridSpan=4
    table.cell(2, 0).merge(table.cell(3, 0))  # w:vMerge: restart + continue
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if value:
                table.cell(r, c).text = value
    header = table.cell(1, 1).paragraphs[0]
    header.text = "本年"
    header.add_run().add_break()
    header.add_run("制发件数")
    d.add_paragraph("二、主动公开政府信息情况")
    d.sections[0].header.paragraphs[0].text = "页眉：不应读取"
    d.sections[0].footer.paragraphs[0].text = "第 1 页"
    return save(d, tmp_path)


# ------------------------------------------------------------------------------------------------ reading

def test_body_order_and_paragraph_origins(report: bytes) -> None:
    doc = read_docx("report.docx", report)
    assert doc.format == "docx"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Line", "Line", "Table", "Line"]
    lines = doc.lines()
    assert [(line.text, line.origin) for line in lines] == [
        ("某区2021年政府信息公开工作年度报告", Origin(paragraph=1)),
        ("一、总体情况", Origin(paragraph=3)),  # the empty paragraph 2 is counted, not emitted
        ("二、主动公开政府信息情况", Origin(paragraph=4)),  # paragraphs inside the table are not body paragraphs
    ]
    assert "页眉：不应读取" not in texts(doc) and "第 1 页" not in texts(doc)


def test_merged_cells_emitted_once_with_spans(report: bytes) -> None:
    (table,) = read_docx("report.docx", report).tables()
    assert table.origin == Origin(table=1)
    # python-docx would repeat a merged cell four times in row 1 and twice down column 1
    assert cells(table) == [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "", "3"],
        ["4", "5", "6"],
    ]
    title = table.rows[0][0]
    assert (title.colspan, title.rowspan) == (4, 1)
    assert title.origin == Origin(table=1, row=1, cell=1)
    label = table.rows[2][0]
    assert (label.text, label.rowspan, label.colspan) == ("规章", 2, 1)
    assert table.rows[2][2].text == "" and table.rows[2][2].origin == Origin(table=1, row=3, cell=3)
    # the continuation <w:tc> of the vertical merge is cell 1 of row 4; "4" is cell 2
    assert table.rows[3][0].origin == Origin(table=1, row=4, cell=2)
    grid = table.grid()
    assert grid[3][0] is label and [c.text for c in grid[3]] == ["规章", "4", "5", "6"]


def test_breaks_inside_a_cell_join_without_space(report: bytes) -> None:
    (table,) = read_docx("report.docx", report).tables()
    assert table.rows[1][1].text == "本年制发件数"


def test_ascii_numbers_on_separate_lines_keep_a_space(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "政府集中采购"
    t.cell(0, 1).text = "6"
    t.cell(0, 1).add_paragraph("251000元")
    (table,) = read_docx("a.docx", save(d, tmp_path)).tables()
    assert cells(table) == [["政府集中采购", "6 251000元"]]


def test_two_by_two_merge_and_header_rows(tmp_path: Path) -> None:
    d = docx.Document()
    t = d.add_table(rows=3, cols=3)
    for r in range(3):
        for c in range(3):
            t.cell(r, c).text = f"{r}{c}"
    t.cell(0, 0).merge(t.cell(1, 1))
    tr_pr = t.rows[0]._tr.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
    (table,) = read_docx("m.docx", save(d, tmp_path)).tables()
    block = table.rows[0][0]
    assert (block.rowspan, block.colspan, block.header) == (2, 2, True)
    assert block.text == "00 01 10 11"  # python-docx moves the merged cells' paragraphs into the first one
    assert [len(row) for row in table.rows] == [2, 1, 3]
    assert table.rows[1][0].text == "12" and table.rows[1][0].header is False
    assert sum(1 for row in table.grid() for cell in row if cell is block) == 4


def test_nested_table_makes_the_outer_one_a_container(tmp_path: Path) -> None:
    d = docx.Document()
    outer = d.add_table(rows=1, cols=1)
    cell = outer.cell(0, 0)
    cell.paragraphs[0].text = "说明文字"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "规章"
    inner.cell(0, 1).text = "7"
    doc = read_docx("n.docx", save(d, tmp_path))
    assert [(b.text, b.origin) for b in doc.lines()] == [("说明文字", Origin(table=1, row=1, cell=1))]
    (table,) = doc.tables()
    assert cells(table) == [["规章", "7"]] and table.origin == Origin(table=2)


def test_automatic_numbering_is_part_of_the_text(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("总体情况", style="List Number")
    d.add_paragraph("主动公开政府信息情况", style="List Number")
    d.add_paragraph("要点", style="List Bullet")
    assert texts(read_docx("l.docx", save(d, tmp_path))) == ["1.\t总体情况", "2.\t主动公开政府信息情况", "要点"]


def test_chinese_counting_numbering(tmp_path: Path) -> None:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    abstract = etree.fromstring(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/>'
        '<w:suff w:val="nothing"/></w:lvl></w:abstractNum>')
    numbering.insert(0, abstract)
    numbering.append(etree.fromstring(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for text, level in [("总体情况", 0), ("主动公开方面", 1), ("依申请公开方面", 1)] + \
            [(f"第{i}部分", 0) for i in range(2, 12)]:
        p = d.add_paragraph(text)
        num_pr = etree.fromstring(f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        p._p.get_or_add_pPr().append(num_pr)
    lines = texts(read_docx("c.docx", save(d, tmp_path)))
    assert lines[:4] == ["一、总体情况", "（一）主动公开方面", "（二）依申请公开方面", "二、第2部分"]
    assert lines[-1] == "十一、第11部分"


def test_deleted_revisions_and_field_codes_are_not_text(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("保留")
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p._p.append(etree.fromstring(
        f'<w:del xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>'))
    p._p.append(etree.fromstring(f'<w:r xmlns:w="{w}"><w:instrText> PAGE </w:instrText></w:r>'))
    p._p.append(etree.fromstring(f'<w:ins xmlns:w="{w}" w:id="2" w:author="a"><w:r><w:t>插入的</w:t></w:r></w:ins>'))
    assert texts(read_docx("r.docx", save(d, tmp_path))) == ["保留插入的"]


def test_content_controls_are_looked_through(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("控件中的段落")
    sdt = etree.SubElement(d.element.body, qn("w:sdt"))
    content = etree.SubElement(sdt, qn("w:sdtContent"))
    content.append(copy.deepcopy(p._p))
    d.element.body.remove(p._p)
    d.element.body.remove(sdt)
    d.element.body.insert(0, sdt)
    doc = read_docx("s.docx", save(d, tmp_path))
    assert [(b.text, b.origin.paragraph) for b in doc.lines()] == [("控件中的段落", 1)]


def test_dispatcher_reads_docx(report: bytes) -> None:
    assert read_bytes("a.docx", report).format == "docx"


# ----------------------------------------------------------------------------------------- hostile input

def read_error(data: bytes) -> ReadError:
    with pytest.raises(ReadError) as err:
        read_docx("bad.docx", data)
    assert err.value.code == "GX001"
    return err.value


def test_not_a_zip() -> None:
    assert "不是有效的 docx" in read_error(b"this is plain text, not a package").message


def test_encrypted_office_file_is_an_ole_container() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert "文档已加密或不是有效的 docx 文件" in read_error(ole).message


def test_truncated_package(report: bytes) -> None:
    assert "docx" in read_error(report[: len(report) // 2]).message


def test_missing_main_document(report: bytes) -> None:
    broken = rezip(report, {"word/document.xml": None})
    assert "word/document.xml" in read_error(broken).message


def test_xml_entity_declarations_are_refused(report: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(report)) as zf:
        xml = zf.read("word/document.xml")
    head, _, rest = xml.partition(b"?>")
    bomb = head + b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest
    assert read_error(rezip(report, {"word/document.xml": bomb})).message.startswith("文档包含 XML 实体声明，已拒绝")


def test_external_entity_in_another_part_is_refused(report: bytes) -> None:
    xxe = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">'
           b"<dc:title xmlns:dc=\"http://purl.org/dc/elements/1.1/\">&e;</dc:title></cp:coreProperties>")
    assert "XML 实体声明" in read_error(rezip(report, {"docProps/core.xml": xxe})).message


DOCTYPE = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'


def with_doctype(report: bytes, name: str) -> bytes:
    """The package with a DTD declared in member `name`, the part otherwise intact."""
    with zipfile.ZipFile(io.BytesIO(report)) as zf:
        xml = zf.read(name)
    head, _, rest = xml.partition(b"?>")
    return rezip(report, {name: head + b"?>" + DOCTYPE + rest})


def parses(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Every text given to lxml's fromstring from now on (the reader's parses and python-docx's)."""
    seen: list[bytes] = []
    real = etree.fromstring

    def recording(text: bytes, *args: object, **kwargs: object) -> etree._Element:
        seen.append(bytes(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", recording)
    return seen


@pytest.mark.parametrize("name", ["word/numbering.xml", "word/settings.xml", "word/styles.xml",
                                  "[Content_Types].xml", "word/_rels/document.xml.rels",
                                  "customXml/_rels/item1.xml.rels"])
def test_a_dtd_in_any_part_a_parser_is_given_is_refused(report: bytes, name: str) -> None:
    """Parts the reader parses, parts only python-docx parses (settings; styles here), content types, relationships."""
    assert read_error(with_doctype(report, name)).message == f"文档包含 XML 实体声明，已拒绝（{name}）"


@pytest.mark.parametrize("name", ["word/fontTable.xml", "docProps/app.xml", "word/stylesWithEffects.xml",
                                  "customXml/item1.xml"])
def test_a_dtd_in_a_part_no_parser_is_given_is_never_parsed(report: bytes, name: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts python-docx keeps as bytes are not scanned (nor inflated): neither reader ever parses them. The same
    part given a content type python-docx loads as XML is scanned and refused."""
    data = with_doctype(report, name)
    seen = parses(monkeypatch)
    assert texts(read_docx("r.docx", data)) == texts(read_docx("r.docx", report))
    docx.Document(io.BytesIO(data))  # what the reader falls back to on an unusual package: it parses it neither
    assert seen and not any(DOCTYPE in text for text in seen)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        types = zf.read("[Content_Types].xml")
    part = f'PartName="/{name}" ContentType="'.encode()
    if part in types:
        at = types.index(part) + len(part)
        types = types[:at] + b"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml" + \
            types[types.index(b'"', at):]
    else:  # by the default for .xml
        types = types.replace(b'Extension="xml" ContentType="application/xml"',
                              b'Extension="xml" ContentType="application/vnd.openxmlformats-officedocument.'
                              b'wordprocessingml.settings+xml"')
    assert read_error(rezip(data, {"[Content_Types].xml": types})).message.endswith(f"（{name}）")


def test_a_dtd_anywhere_is_refused_when_the_package_walk_fails(report: bytes) -> None:
    """An unusual package goes to python-docx, whose own walk decides what it parses: every XML member is scanned.
    Here the thumbnail has no content type (python-docx fails on it)."""
    with zipfile.ZipFile(io.BytesIO(report)) as zf:
        types = zf.read("[Content_Types].xml")
    no_type = {"[Content_Types].xml": types.replace(b'Extension="jpeg"', b'Extension="png"')}
    data = with_doctype(report, "docProps/app.xml")
    assert texts(read_docx("r.docx", data))
    assert read_error(rezip(data, no_type)).message == "文档包含 XML 实体声明，已拒绝（docProps/app.xml）"
    unreached = rezip(report, {"word/extra.xml": DOCTYPE + b"<x/>"})  # in no relationship: scanned only then
    assert texts(read_docx("r.docx", unreached))
    assert read_error(rezip(unreached, no_type)).message == "文档包含 XML 实体声明，已拒绝（word/extra.xml）"


def test_damage_in_a_part_no_parser_is_given_goes_unseen(report: bytes) -> None:
    """Such a part is never inflated, so a bad CRC there is not checked; in a part that is parsed it is refused."""
    def bad_crc(data: bytes, name: str) -> bytes:
        buf = bytearray(data)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info, at = zf.getinfo(name), zf.start_dir
        while buf[at + 46:at + 46 + len(name)] != name.encode():  # the member's entry in the central directory
            at += 46 + sum(int.from_bytes(buf[at + k:at + k + 2], "little") for k in (28, 30, 32))
        for crc in (info.header_offset + 14, at + 16):  # the CRC in the local and the central header
            buf[crc:crc + 4] = (info.CRC ^ 1).to_bytes(4, "little")
        return bytes(buf)

    assert texts(read_docx("r.docx", bad_crc(report, "word/fontTable.xml"))) == texts(read_docx("r.docx", report))
    assert "Bad CRC-32 for file 'word/settings.xml'" in read_error(bad_crc(report, "word/settings.xml")).message


@pytest.mark.parametrize("limit", [5, 6, 40, 100])
def test_pieces_are_counted_whenever_the_part_could_hold_too_many(report: bytes, limit: int,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The count is skipped only for a document part of at most 4 × MAX_PIECES bytes (docx._walk)."""
    doc = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           b'wordprocessingml/2006/main"><w:body>' + b"<w:p/>" * 6 + b"</w:body></w:document>")
    data = rezip(report, {"word/document.xml": doc})
    monkeypatch.setattr(docx_reader, "MAX_PIECES", limit)
    if limit < 6:
        assert "远超一份年度报告" in read_error(data).message
    else:
        assert len(read_docx("r.docx", data).blocks) == 0


def test_high_compression_ratio_is_refused(report: bytes) -> None:
    bomb = rezip(report, {"word/media/zeros.bin": b"\x00" * (8 * 1024 * 1024)})
    assert "压缩比" in read_error(bomb).message


def test_total_uncompressed_size_is_limited(report: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 10_000)
    assert "解压后过大" in read_error(report).message


def test_not_a_word_document(report: bytes) -> None:
    # a valid package whose main part is not a WordprocessingML document
    with zipfile.ZipFile(io.BytesIO(report)) as zf:
        types = zf.read("[Content_Types].xml")
    wrong = types.replace(b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml")
    assert "docx" in read_error(rezip(report, {"[Content_Types].xml": wrong})).message


# ---------------------------------------------------------------------------------------------- corpus

@pytest.mark.corpus
def test_official_blank_template() -> None:
    doc = read_path(TEMPLATE)
    assert doc.format == "docx"
    assert [(b.text, b.origin.paragraph) for b in doc.lines()] == [
        ("政府信息公开工作年度报告格式模板", 2),
        ("一、总体情况", 4),
        ("（文字描述）", 5),
        ("二、主动公开政府信息情况", 7),
        ("三、收到和处理政府信息公开申请情况", 19),
        ("四、政府信息公开行政复议、行政诉讼情况", 24),
        ("五、存在的主要问题及改进情况", 29),
        ("（文字描述）", 30),
        ("六、其他需要报告的事项", 31),
        ("（文字描述，收取信息处理费情况在此处报告。）", 32),
    ]
    t2, t3, t4 = doc.tables()
    assert [len(t.rows) for t in (t2, t3, t4)] == [14, 28, 4]
    assert cells(t2)[:4] == [["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                             ["规章", "", "", ""], ["行政规范性文件", "", "", ""]]
    assert cells(t2)[6] == ["行政许可", ""] and t2.rows[6][1].colspan == 3
    # 自然人 is merged vertically over two header rows here (the Pingtan 2021 web page used colspan instead)
    assert [(c.text, c.rowspan, c.colspan) for c in t3.rows[1]] == [("自然人", 2, 1), ("法人或其他组织", 1, 5),
                                                                      ("总计", 2, 1)]
    assert cells(t3)[2] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    result = t3.rows[5][0]
    assert (result.text, result.rowspan, result.origin) == ("三、本年度办理结果", 22, Origin(table=2, row=6, cell=1))
    assert cells(t3)[3] == ["一、本年新收政府信息公开申请数量"] + [""] * 7
    assert t3.rows[0][0].rowspan == 3 and t3.rows[0][0].colspan == 3
    # every value cell of the template is blank and no merged cell is repeated
    values = [c for t in (t3,) for row in t.rows[3:] for c in row if not c.text.startswith(("（", "一", "二", "三", "四"))]
    assert all(c.text == "" or c.text[0].isdigit() for c in values)
    assert cells(t4)[-1] == [""] * 15
    assert doc.meta.get("created") == "2025-12-03"


@pytest.mark.corpus
def test_official_blank_template_recognised_end_to_end() -> None:
    from gxlint.recognise import recognise

    report = recognise(read_path(TEMPLATE))
    assert report.layout == "2021"
    assert [p.number for p in report.parts] == ["一", "二", "三", "四", "五", "六"]
    t3 = report.tables["t3"]
    assert not t3.missing_rows
    assert all(c.raw == "" for row in t3.rows for c in row.cells)


def _numbered(tmp_path: Path, level: str, paragraphs: int, override: str = "") -> list[str]:
    """A document whose `paragraphs` paragraphs are items of one list with this w:lvl (and w:lvlOverride)."""
    d = docx.Document()
    numbering = d.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    numbering.insert(0, etree.fromstring(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="91"><w:lvl w:ilvl="0">{level}</w:lvl></w:abstractNum>'))
    numbering.append(etree.fromstring(
        f'<w:num xmlns:w="{w}" w:numId="91"><w:abstractNumId w:val="91"/>{override}</w:num>'))
    for i in range(paragraphs):
        p = d.add_paragraph(f"事项{i}")
        p._p.get_or_add_pPr().append(etree.fromstring(
            f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>'))
    return texts(read_docx("n.docx", save(d, tmp_path)))


def test_lettered_and_decimal_lists_number_as_word_does(tmp_path: Path) -> None:
    lines = _numbered(tmp_path, '<w:start w:val="25"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/>', 4)
    assert lines == ["y)\t事项0", "z)\t事项1", "aa)\t事项2", "bb)\t事项3"]
    lines = _numbered(tmp_path, '<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>', 2,
                      '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride>')
    assert lines == ["7.\t事项0", "8.\t事项1"]


@pytest.mark.parametrize(("level", "override"), [
    # a lettered list from a huge start: the letter would repeat 38 million times before every paragraph
    ('<w:start w:val="1000000000"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1."/>', ""),
    ('<w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/>',
     '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="999999999"/></w:lvlOverride>'),
    # a start of 4,000 digits, printed in full before every paragraph
    ('<w:start w:val="' + "9" * 4000 + '"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>', ""),
    # a number format of 100,000 placeholders
    ('<w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="' + "%1" * 100_000 + '"/>', ""),
])
def test_hostile_list_numbering_makes_short_labels(tmp_path: Path, level: str, override: str) -> None:
    """What a hostile numbering part can put before each of many paragraphs stays short."""
    lines = _numbered(tmp_path, level, 300, override)
    assert len(lines) == 300
    assert max(len(line) for line in lines) <= 200
    assert lines[-1].endswith("事项299")


def test_an_ordinary_docx_is_read_without_python_docx(tmp_path: Path) -> None:
    """The fast path imports no docx.* module (~30 ms): not for the content types, the core properties or their
    dates. Run in a fresh process (this one has python-docx loaded); it must run this process's gxlint."""
    import subprocess
    import sys

    import gxlint
    from gxlint.write import write
    from gxlint.write.draft import Draft

    report = tmp_path / "one.docx"
    report.write_bytes(write(Draft.blank(2024, agency="某某县审计局"), "docx"))
    code = ("import sys\n"
            "import gxlint\n"
            "from gxlint.read import read_path\n"
            f"doc = read_path({str(report)!r})\n"
            "print('GXLINT', gxlint.__file__)\n"
            "print('META', sorted(doc.meta.items()), 'BLOCKS', len(doc.blocks) > 20)\n"
            "print('DOCX', sorted(m for m in sys.modules if m.startswith('docx')))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert f"GXLINT {gxlint.__file__}\n" in proc.stdout, proc.stdout + proc.stderr
    assert ("META [('created', '2013-12-23'), ('modified', '2013-12-23'), "
            "('title', '某某县审计局2024年政府信息公开工作年度报告')] BLOCKS True") in proc.stdout, proc.stdout
    assert "DOCX []" in proc.stdout, proc.stdout
    assert read_path(report).meta["created"] == "2013-12-23"  # the date python-docx's template carries
