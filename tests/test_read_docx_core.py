"""docProps/core.xml read as python-docx's CoreProperties reads it: the fast date path gives python-docx's datetime
whenever it answers, and the title and dates of whole parts match, errors included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.read.docx import _props_meta
from gxlint.read.docx_core import core_meta, w3cdtf

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


def outcome(fn, xml: str):  # type: ignore[no-untyped-def]
    from docx.oxml.parser import parse_xml

    try:
        return "ok", fn(parse_xml(xml.encode()))
    except Exception as exc:  # noqa: BLE001 - the same failure is the point
        return "error", type(exc).__name__, str(exc)


def reference_meta(root):  # type: ignore[no-untyped-def]
    from docx.opc.coreprops import CoreProperties

    return _props_meta(CoreProperties(root))


ELEMENTS = st.sampled_from([
    "<dc:title>某县2024年报告</dc:title>", "<dc:title> Annual report </dc:title>", "<dc:title>  </dc:title>", "<dc:title/>", "<dc:title>二</dc:title>",
    "<dcterms:created/>", "<dcterms:modified>2025-12-08T22:17:24Z</dcterms:modified>",
    "<dcterms:created>2025-12-03T06:30:00Z</dcterms:created>", "<dcterms:created>2025-12-03T23:30:00-07:00</dcterms:created>",
    "<dcterms:created>2025-13-03T06:30:00Z</dcterms:created>", "<dcterms:created>2025-12</dcterms:created>",
    "<dcterms:modified>nonsense</dcterms:modified>", "<cp:revision>1</cp:revision>",
])


@EXAMPLES
@given(st.lists(ELEMENTS, max_size=5), st.booleans())
def test_core_parts_read_as_python_docx_reads_them(elements: list[str], wrong_root: bool) -> None:
    xml = CP.format("".join(elements))
    if wrong_root:
        xml = xml.replace("cp:coreProperties", "cp:other")
    assert outcome(core_meta, xml) == outcome(reference_meta, xml)
