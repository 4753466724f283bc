"""The one-pass docx body reader (`docx_stream`) gives exactly the blocks of the element-by-element walk
(`docx_walk`, kept as the specification and as the reader of the bodies the stream declines): on random bodies
built from the elements Word writes and the ones it should not (text in run properties, text boxes, deleted text,
wrappers at every level, merges of every kind, properties after the text, nested tables), and on every real,
example and written file."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gxlint.read import docx as docx_reader
from gxlint.read.docx_numbering import _Numbering
from gxlint.read.docx_stream import walk
from gxlint.read.docx_walk import _Walker
from gxlint.write import write
from gxlint.write.draft import Draft
from tests.conftest import REAL

ROOT = Path(__file__).resolve().parent.parent
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
BODIES = settings(max_examples=400, deadline=None, derandomize=True, database=None)

NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/>
<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>"""
STYLES = f"""<w:styles xmlns:w="{W_NS}"><w:style w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr>
</w:pPr></w:style><w:style w:styleId="H2"><w:basedOn w:val="H1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr>
</w:style></w:styles>"""


def numbering(with_lists: bool) -> _Numbering:
    return _Numbering(lambda: etree.fromstring(NUMBERING) if with_lists else None,
                      lambda: etree.fromstring(STYLES))


# ------------------------------------------------------------------------------------------- random bodies

TEXTS = st.sampled_from(["", " ", "总体情况", "6", "251000元", "　一、", "\u00a0", "12 ", "a", "第二十条"])
WRAP = st.sampled_from(["w:sdt", "w:sdtContent", "w:customXml"])
RUN_PIECES = st.sampled_from([
    "<w:t>{}</w:t>", "<w:tab/>", "<w:ptab/>", "<w:br/>", "<w:cr/>", "<w:noBreakHyphen/>", "<w:rPr><w:b/></w:rPr>",
    "<w:rPr><w:t>{}</w:t></w:rPr>", "<w:delText>{}</w:delText>", "<w:instrText>{}</w:instrText>",
    "<w:t>{}<w:t>{}</w:t></w:t>", "<!-- {} -->", "<w:drawing><w:txbxContent><w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    "</w:txbxContent></w:drawing>", "<w:fldChar/>", "<w:sym/>",
])
P_PR = st.sampled_from([
    "", "<w:pPr><w:jc w:val='center'/></w:pPr>", "<w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr></w:pPr>",
    "<w:pPr><w:numPr><w:ilvl w:val='1'/><w:numId w:val='1'/></w:numPr></w:pPr>", "<w:pPr><w:pStyle w:val='H1'/></w:pPr>",
    "<w:pPr><w:pStyle w:val='H2'/></w:pPr>", "<w:pPr><w:t>{}</w:t></w:pPr>",
])
INLINE_WRAP = st.sampled_from(["", "w:hyperlink", "w:ins", "w:del", "w:smartTag", "w:sdt", "mc:Fallback", "w:rt",
                               "w:moveFrom", "w:fldSimple"])


@st.composite
def runs(draw: st.DrawFn) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        pieces = "".join(p.replace("{}", draw(TEXTS)) for p in draw(st.lists(RUN_PIECES, min_size=1, max_size=4)))
        run = f"<w:r>{pieces}</w:r>"
        wrap = draw(INLINE_WRAP)
        out.append(f"<{wrap}>{run}</{wrap}>" if wrap else run)
    return "".join(out)


@st.composite
def paragraph(draw: st.DrawFn) -> str:
    ppr = draw(P_PR).replace("{}", draw(TEXTS))
    body = draw(runs())
    if draw(st.integers(0, 9)) == 0:
        body += f"<w:r><w:t>{draw(TEXTS)}</w:t></w:r><w:p><w:r><w:t>内嵌</w:t></w:r></w:p>"  # a p in a p
    if draw(st.booleans()) and ppr:  # properties after the runs (Word never writes it)
        return f"<w:p>{body}{ppr}</w:p>"
    return f"<w:p>{ppr}{body}</w:p>"


def wrapped(draw: st.DrawFn, xml: str) -> str:
    for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0):
        tag = draw(WRAP)
        xml = f"<{tag}>{xml}</{tag}>"
    return xml


TC_PR = st.sampled_from([
    "", "<w:tcPr><w:tcW w:w='100'/></w:tcPr>", "<w:tcPr><w:gridSpan w:val='2'/></w:tcPr>",
    "<w:tcPr><w:gridSpan w:val='x'/><w:gridSpan w:val='3'/></w:tcPr>", "<w:tcPr><w:vMerge/></w:tcPr>",
    "<w:tcPr><w:vMerge w:val='restart'/></w:tcPr>", "<w:tcPr><w:hMerge/></w:tcPr>",
    "<w:tcPr><w:hMerge w:val='restart'/><w:vMerge/></w:tcPr>", "<w:tcPr><w:gridSpan w:val='99'/></w:tcPr>",
    "<w:tcPr><w:vMerge w:val='continue'/><w:gridSpan w:val='2'/></w:tcPr>",
    "<w:tcPr><w:tcW w:w='1'/></w:tcPr><w:tcPr><w:vMerge/></w:tcPr>",  # only the first w:tcPr counts
    "<w:tcPr><w:gridSpan w:val='2'/></w:tcPr><w:tcPr><w:hMerge/><w:gridSpan w:val='3'/></w:tcPr>",
    "<w:tcPr><w:p><w:r><w:t>属性里的段</w:t></w:r></w:p><w:vMerge/></w:tcPr>",
])
TR_PR = st.sampled_from(["", "<w:trPr><w:tblHeader/></w:trPr>", "<w:trPr><w:tblHeader w:val='0'/></w:trPr>",
                         "<w:trPr><w:gridBefore w:val='1'/></w:trPr>", "<w:trPr><w:gridBefore w:val='z'/></w:trPr>"])


@st.composite
def table(draw: st.DrawFn, depth: int = 0) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            content = "".join(wrapped(draw, draw(paragraph())) for _ in range(draw(st.integers(0, 2))))
            if depth == 0 and draw(st.integers(0, 15)) == 0:
                content += draw(table(depth=1))  # a table in a cell: the outer one is page layout
            tc_pr = draw(TC_PR)
            where = draw(st.integers(0, 15))
            cell = f"<w:tc>{content}{tc_pr}</w:tc>" if where == 0 else f"<w:tc>{tc_pr}{content}</w:tc>"
            cells.append(wrapped(draw, cell))
        if draw(st.integers(0, 12)) == 0:
            cells.append("<w:p><w:r><w:t>行里的段</w:t></w:r></w:p>")  # not in a cell: never read
        rows.append(wrapped(draw, f"<w:tr>{draw(TR_PR)}{''.join(cells)}</w:tr>"))
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


@st.composite
def body(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(0, 6))):
        block = draw(table()) if draw(st.integers(0, 2)) == 0 else draw(paragraph())
        if draw(st.integers(0, 15)) == 0:
            block = f"<w:del>{block}</w:del>"  # not a wrapper: never read
        blocks.append(wrapped(draw, block))
    return f'<w:body xmlns:w="{W_NS}" xmlns:mc="{MC_NS}">{"".join(blocks)}<w:sectPr/></w:body>'


def both(xml: str, with_lists: bool) -> tuple[list | None, list]:
    tree = etree.fromstring(xml.encode(), docx_reader._part_parser())
    fast = walk(tree, numbering(with_lists))
    walker = _Walker(numbering(with_lists))
    walker.body(tree)
    return fast, walker.blocks


DECLINED = {"read": 0, "declined": 0}


@BODIES
@given(body(), st.booleans())
def test_random_bodies_read_as_the_walk_reads_them(xml: str, with_lists: bool) -> None:
    fast, reference = both(xml, with_lists)
    DECLINED["declined" if fast is None else "read"] += 1
    if fast is not None:
        assert fast == reference, xml


@BODIES
@given(body(), st.sampled_from(["utf-8", "utf-16", "gb18030"]))
def test_an_element_takes_at_least_four_bytes(xml: str, encoding: str) -> None:
    """What lets the reader skip counting pieces in a part of at most 4 × MAX_PIECES bytes (docx._walk)."""
    head = f'<?xml version="1.0" encoding="{encoding}"?>'
    data = (head + xml.replace("<w:sectPr/>", "<a/><b></b><c x='1'/>&#20013;")).encode(encoding)
    tree = etree.fromstring(data, docx_reader._part_parser())
    assert 4 * sum(1 for _ in tree.iter()) <= len(data)


def test_the_random_bodies_were_mostly_read_by_the_stream() -> None:
    """Guards the property above against comparing nothing: most generated bodies have no nested table, some have."""
    DECLINED.update(read=0, declined=0)
    test_random_bodies_read_as_the_walk_reads_them()
    assert DECLINED["read"] > DECLINED["declined"] > 0


def test_a_layout_table_is_left_to_the_walk() -> None:
    inner = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    xml = (f'<w:body xmlns:w="{W_NS}"><w:p><w:r><w:t>一</w:t></w:r></w:p>'
           f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl></w:body>")
    fast, reference = both(xml, True)
    assert fast is None and len(reference) == 2


# ------------------------------------------------------------------------------------------- real files


def files() -> list[bytes]:
    out = [p.read_bytes() for p in sorted((ROOT / "examples").rglob("*.docx"))]
    out += [p.read_bytes() for p in sorted(REAL.glob("*.docx"))] if REAL.is_dir() else []
    out += [write(Draft.blank(year), "docx") for year in (2019, 2021)]
    return out


def lists(package: docx_reader._Package) -> _Numbering:
    return _Numbering(lambda: package.related_element(docx_reader._RT_NUMBERING),
                      lambda: package.related_element(docx_reader._RT_STYLES))


def test_files_read_the_same_both_ways() -> None:
    for data in files():
        package = docx_reader._check_package(data)[1]
        assert package is not None
        tree = package.main_document().find(docx_reader._W + "body")
        fast = walk(tree, lists(package))
        walker = _Walker(lists(package))
        walker.body(tree)
        assert fast is not None
        assert fast == walker.blocks
        assert len(fast) > 10


def test_a_declined_body_restarts_the_list_counters() -> None:
    """The stream numbers paragraphs as it goes; when it gives up, the walk starts from fresh counters."""
    layout = "<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl></w:tc></w:tr></w:tbl>"
    heading = "<w:p><w:pPr><w:numPr><w:ilvl w:val='0'/><w:numId w:val='1'/></w:numPr></w:pPr><w:r><w:t>总体</w:t></w:r></w:p>"
    doc = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}"><w:body>'
           f"{heading}{heading}{layout}</w:body></w:document>")
    base = write(Draft.blank(2021), "docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = doc.encode()
            elif info.filename == "word/numbering.xml":
                data = NUMBERING.encode()
            dst.writestr(info.filename, data)
    got = docx_reader.read_docx("x.docx", out.getvalue())
    assert [b.text for b in got.blocks[:2]] == ["一、总体", "二、总体"]  # type: ignore[union-attr]
