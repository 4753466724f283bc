"""docProps/core.xml read as python-docx's CoreProperties reads it, without python-docx: the fast date path gives
python-docx's datetime whenever it answers, and the title and dates of whole parts (generated and hand-made) match
python-docx's parse and CoreProperties, errors included."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from gxlint.read.docx_core import _props_meta, core_meta, w3cdtf
from gxlint.write import write
from gxlint.write.draft import Draft
from tests.test_read_speed_equivalence import fast, rezip

EXAMPLES = settings(max_examples=400, deadline=None, derandomize=True, database=None)
CP = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">{}</cp:coreProperties>')


def reference_datetime(text: str):  # type: ignore[no-untyped-def]
    from docx.oxml.coreprops import CT_CoreProperties

    try:
        return CT_CoreProperties._parse_W3CDTF_to_datetime(text)
    except ValueError:
        return None


def digits(n: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from("0123456789"), min_size=n, max_size=n)


DATES = st.one_of(
    st.builds("{}-{}-{}T{}:{}:{}{}".format, digits(4), digits(2), digits(2), digits(2), digits(2), digits(2),
              st.sampled_from(["", "Z", "+08:00", "-07:30", "+8", "Zz", "+08:00:00", " "])),
    st.sampled_from(["2025-12-03T06:30:00Z", "2025-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "2025-12-03t06:30:00Z",
                     "2025-12-03", "2025-12", "2025", "2025-12-03T24:00:00Z", "2025-12-03T06:30:60Z", "0000-01-01T00:00:00",
                     "２０２５-12-03T06:30:00Z", "2025-1-3T6:3:0Z", ""]),
    st.text(max_size=30),
)


@EXAMPLES
@given(DATES)
def test_the_fast_date_is_python_docx_date(text: str) -> None:
    fast = w3cdtf(text)
    if fast is not None:
        assert fast == reference_datetime(text)


def test_the_fast_path_answers_for_word_dates() -> None:
    assert w3cdtf("2025-12-03T06:30:00Z") == reference_datetime("2025-12-03T06:30:00Z")
    assert w3cdtf("2025-12-03T06:30:00Z") is not None


def outcome(fn, xml: str | bytes):  # type: ignore[no-untyped-def]
    data = xml.encode() if isinstance(xml, str) else xml
    try:
        return "ok", fn(data)
    except Exception as exc:  # noqa: BLE001 - the same failure is the point
        return "error", type(exc).__name__, str(exc)


def reference_meta(data: bytes) -> dict[str, str]:
    """What the reader gave before it read the part itself: python-docx's parse and CoreProperties."""
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.parser import parse_xml

    return _props_meta(CoreProperties(parse_xml(data)))


X = 'xmlns:x="urn:x"'
ELEMENTS = st.sampled_from([
    "<dc:title>某县2024年报告</dc:title>", "<dc:title> Annual report </dc:title>", "<dc:title>  </dc:title>", "<dc:title/>",
    "<dc:title>二</dc:title>", "<dc:title>\u3000报告\n</dc:title>", f"<dc:title><x:b {X}>子</x:b>尾</dc:title>",
    f"<dc:title>头<x:b {X}>子</x:b>尾</dc:title>", "<dc:title>头<!-- c -->尾</dc:title>", "<dc:title><!-- c -->尾</dc:title>",
    "<dc:title><![CDATA[<b>]]></dc:title>", "<dc:title>&amp;&#x4E00;</dc:title>", "<dcterms:title>错</dcterms:title>",
    "<cp:title>错</cp:title>", "<title>无</title>", "<cp:x><dc:title>深</dc:title></cp:x>",
    "<dcterms:created/>", "<dcterms:created></dcterms:created>", "<dcterms:modified>2025-12-08T22:17:24Z</dcterms:modified>",
    "<dcterms:created>2025-12-03T06:30:00Z</dcterms:created>", "<dcterms:created>2025-12-03T23:30:00-07:00</dcterms:created>",
    "<dcterms:modified>2025-12-31T20:30:00+08:00</dcterms:modified>", "<dcterms:created>2025-12-03</dcterms:created>",
    "<dcterms:created>2025</dcterms:created>", "<dcterms:created>2025-13-03T06:30:00Z</dcterms:created>",
    "<dcterms:created>2025-12</dcterms:created>", "<dcterms:modified>nonsense</dcterms:modified>",
    "<dcterms:modified> 2025-12-03T06:30:00Z</dcterms:modified>", "<dcterms:modified>  </dcterms:modified>",
    f"<dcterms:modified>2025-12-03<x:b {X}/>T06:30:00Z</dcterms:modified>",
    "<dcterms:modified><!-- c -->2025-12-03T06:30:00Z</dcterms:modified>",
    '<dcterms:created xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="dcterms:W3CDTF">'
    "2024-01-02T03:04:05Z</dcterms:created>",
    "<dc:created>2025-12-03T06:30:00Z</dc:created>", "<cp:modified>2025-12-03T06:30:00Z</cp:modified>",
    "<modified>2025-12-03T06:30:00Z</modified>", "<cp:revision>1</cp:revision>", "<?pi x?>", "<!-- only -->",
])
ROOTS = [None, "cp:other", "coreProperties", "dc:coreProperties"]


@EXAMPLES
@given(st.lists(ELEMENTS, max_size=5), st.sampled_from(ROOTS))
def test_core_parts_read_as_python_docx_reads_them(elements: list[str], root: str | None) -> None:
    xml = CP.format("".join(elements))
    if root is not None:
        xml = xml.replace("cp:coreProperties", root)
    assert outcome(core_meta, xml) == outcome(reference_meta, xml)


def title(text: str) -> str:
    return CP.format(f"<dc:title>{text}</dc:title>")


def dated(text: str, tag: str = "dcterms:created") -> str:
    return CP.format(f"<{tag}>{text}</{tag}>")


HAND_MADE = {
    "no properties": CP.format(""),
    "missing title": CP.format("<cp:revision>3</cp:revision>"),
    "empty title": CP.format("<dc:title/>"),
    "whitespace-only title": title(" \t\n "),
    "ideographic space title": title("\u3000"),
    "padded title": title("  某县2024年政府信息公开工作年度报告\n"),
    "two titles, the first empty": CP.format("<dc:title/><dc:title>二</dc:title>"),
    "two titles": CP.format("<dc:title>一</dc:title><dc:title>二</dc:title>"),
    "title with a child element": title(f"头<x:b {X}>子</x:b>尾"),
    "title starting with a child element": title(f"<x:b {X}>子</x:b>尾"),
    "title with a comment": title("头<!-- c -->尾"),
    "title starting with a comment": title("<!-- c -->尾"),
    "title in another namespace": CP.format("<dcterms:title>错</dcterms:title>"),
    "created in Word's form": dated("2025-12-03T06:30:00Z"),
    "modified in Word's form": dated("2025-12-08T22:17:24Z", "dcterms:modified"),
    "created +08:00, the day before in UTC": dated("2025-12-04T07:30:00+08:00"),
    "modified -07:00, the day after in UTC": dated("2025-12-03T20:30:00-07:00", "dcterms:modified"),
    "date only": dated("2025-12-03"),
    "year and month": dated("2025-12"),
    "year only": dated("2025"),
    "invalid date": dated("2025-02-30T00:00:00Z"),
    "nonsense date": dated("去年"),
    "empty date": dated(""),
    "self-closed date": CP.format("<dcterms:modified/>"),
    "date with a child element": dated(f"2025-12-03<x:b {X}/>"),
    "date in another namespace": dated("2025-12-03T06:30:00Z", "dc:created"),
    "two dates": CP.format("<dcterms:created>2024-01-01T00:00:00Z</dcterms:created>"
                           "<dcterms:created>2025-01-01T00:00:00Z</dcterms:created>"),
    "everything": CP.format("<dc:title>某县报告</dc:title><dcterms:created>2025-01-02T03:04:05Z</dcterms:created>"
                            "<dcterms:modified>2025-01-03T03:04:05Z</dcterms:modified>"),
    "root not coreProperties": CP.format("<dc:title>题</dc:title>").replace("cp:coreProperties", "cp:other"),
    "root without namespace": '<coreProperties><title>题</title></coreProperties>',
    "root in another namespace": CP.format("").replace("cp:coreProperties", "dc:coreProperties"),
    "not XML": "<cp:coreProperties",
    "empty part": "",
    "a declared entity": '<!DOCTYPE cp:coreProperties [<!ENTITY e "实体">]>' + title("&e;"),
}


@pytest.mark.parametrize("name", list(HAND_MADE))
def test_hand_made_core_parts(name: str) -> None:
    assert outcome(core_meta, HAND_MADE[name]) == outcome(reference_meta, HAND_MADE[name])


def test_hand_made_core_parts_are_read_as_expected() -> None:
    """A few of the above spelled out, so the comparison is not vacuous."""
    assert core_meta(HAND_MADE["padded title"].encode()) == {"title": "某县2024年政府信息公开工作年度报告"}
    assert core_meta(HAND_MADE["two titles, the first empty"].encode()) == {}
    assert core_meta(HAND_MADE["title with a child element"].encode()) == {"title": "头"}
    assert core_meta(HAND_MADE["created +08:00, the day before in UTC"].encode()) == {"created": "2025-12-03"}
    assert core_meta(HAND_MADE["year only"].encode()) == {"created": "2025-01-01"}
    assert core_meta(HAND_MADE["invalid date"].encode()) == {}
    # metadata python-docx fails to give is metadata the file does not have (it raised TypeError on the empty date
    # and AttributeError on the other root, and the whole report was refused as unreadable)
    assert core_meta(HAND_MADE["self-closed date"].encode()) == {}
    assert core_meta(HAND_MADE["empty date"].encode()) == {}
    assert core_meta(HAND_MADE["root not coreProperties"].encode()) == {}
    assert core_meta(CP.format("<dcterms:created/><dc:title>题</dc:title>"
                               "<dcterms:modified>2025-01-03T03:04:05Z</dcterms:modified>").encode()) == {
        "title": "题", "modified": "2025-01-03"}


def test_encodings_are_read_alike() -> None:
    for encoding in ("utf-8", "utf-16", "gb18030"):
        xml = f'<?xml version="1.0" encoding="{encoding}"?>' + title(" 某县报告 ")
        data = xml.encode(encoding)
        assert outcome(core_meta, data) == outcome(reference_meta, data) == ("ok", {"title": "某县报告"})


PARSER_CASES = [
    "<a>\n  <b> </b>\n  <c>x</c> <d/>\n</a>",
    '<!DOCTYPE a [<!ENTITY e "实体"><!ENTITY f SYSTEM "file:///etc/hostname">]><a>&e;&f;</a>',
    "<a><![CDATA[ ]]><!-- c --><?pi x?> </a>",
    '<a xmlns:x="urn:x"><x:b>  t  </x:b>\t</a>',
]


@pytest.mark.parametrize("xml", PARSER_CASES)
def test_the_part_parser_is_python_docx_parser(xml: str) -> None:
    """_part_parser has python-docx's oxml_parser options: the same tree (blank text, entities, CDATA)."""
    from docx.oxml.parser import oxml_parser

    from gxlint.read.docx_xml import _part_parser

    ours = etree.fromstring(xml.encode(), _part_parser())
    theirs = etree.fromstring(xml.encode(), oxml_parser)
    assert etree.tostring(ours) == etree.tostring(theirs)


@pytest.mark.parametrize("name", list(HAND_MADE))
def test_packages_with_hand_made_core_parts_read_as_through_python_docx(monkeypatch: pytest.MonkeyPatch,
                                                                         name: str) -> None:
    """The whole reader on a written package whose docProps/core.xml is each hand-made part: the Document (its meta
    included), or the error, is the one the reader gives with its fast path off (all through python-docx)."""
    from gxlint.read import docx as docx_reader

    data = rezip(write(Draft.blank(2021), "docx"), {"docProps/core.xml": HAND_MADE[name].encode()})
    got = fast(data)

    def refuse(*args: object) -> None:
        raise RuntimeError("fast path off")

    monkeypatch.setattr(docx_reader._Package, "__init__", refuse)
    assert got == fast(data), name


def test_an_empty_date_does_not_make_a_report_unreadable() -> None:
    """A package whose docProps/core.xml holds <dcterms:created/> (python-docx raises TypeError reading it) is read:
    its body, its title and its other date; the empty date is simply not there. It used to be GX001 "docx 文件无法
    读取（TypeError: 'NoneType' object is not subscriptable）"."""
    core = CP.format("<dc:title>某县2024年报告</dc:title><dcterms:created/>"
                     "<dcterms:modified>2025-01-03T03:04:05Z</dcterms:modified>").encode()
    data = rezip(write(Draft.blank(2024), "docx"), {"docProps/core.xml": core})
    from gxlint.read.docx import read_docx

    doc = read_docx("a.docx", data)
    assert doc.meta == {"title": "某县2024年报告", "modified": "2025-01-03"}
    assert len(doc.blocks) > 20  # the body is read
