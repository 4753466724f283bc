"""Title and dates from docProps/core.xml, as python-docx's CoreProperties gives them, without importing python-docx
(~30 ms) or paying its date parser's cost in the common case.

The part is parsed with python-docx's parser options by plain lxml; what CT_CoreProperties reads of it is the first
dc:title, dcterms:created and dcterms:modified child (`find`) and that child's `.text`, which needs no element class.
A root other than cp:coreProperties (python-docx then makes another element class of it) is read by python-docx.

python-docx parses a W3CDTF date by trying four strptime templates and keeping the last that fits (a failed
strptime raises and costs tens of microseconds): a date written as Word writes it ("2025-12-03T06:30:00Z") is
read here directly, and anything else goes through python-docx's own parser.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from lxml import etree

from gxlint.read.docx_xml import _part_parser

_W3CDTF = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})")
_CORE_PROPERTIES = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}coreProperties"
_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_DATES = (("created", "{http://purl.org/dc/terms/}created"), ("modified", "{http://purl.org/dc/terms/}modified"))


def core_meta(xml: bytes) -> dict[str, str]:
    """As `_props_meta(CoreProperties(parse_xml(xml)))`: python-docx's reading of a docProps/core.xml part, errors
    included (a part that does not parse raises lxml's XMLSyntaxError, as parse_xml does)."""
    root = etree.fromstring(xml, _part_parser())
    if root.tag != _CORE_PROPERTIES:  # not a CT_CoreProperties: python-docx decides what happens
        return _python_docx_meta(xml)
    meta: dict[str, str] = {}
    title = root.find(_TITLE)  # CT_CoreProperties.title_text: "" for no element or no text
    text = title.text if title is not None else None
    if text and text.strip():
        meta["title"] = text.strip()
    for key, tag in _DATES:
        element = root.find(tag)
        if element is not None:
            value = _datetime(element.text)
            if value is not None:
                meta[key] = value.date().isoformat()
    return meta


def _datetime(text: str | None) -> dt.datetime | None:
    """CT_CoreProperties._datetime_of_element's parse of an element's text, with the fast path first. Any other
    text goes to python-docx's parser; what it cannot read (None, an empty element's text: TypeError) is no date."""
    fast = w3cdtf(text)
    if fast is not None:
        return fast
    from docx.oxml.coreprops import CT_CoreProperties  # heavy: only for a date not in Word's form

    try:
        return CT_CoreProperties._parse_W3CDTF_to_datetime(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):  # an invalid date is ignored, as python-docx does; an empty one too (_property)
        return None


def _python_docx_meta(xml: bytes) -> dict[str, str]:
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.parser import parse_xml

    return _props_meta(CoreProperties(parse_xml(xml)))  # type: ignore[arg-type]


def _props_meta(props: Any) -> dict[str, str]:
    """Title and dates of python-docx's CoreProperties (the reference, and the reading of python-docx's package)."""
    meta: dict[str, str] = {}
    title = _property(props, "title")
    if title and title.strip():
        meta["title"] = title.strip()
    for key in ("created", "modified"):
        value = _property(props, key)
        if value is not None:
            meta[key] = value.date().isoformat()
    return meta


def _property(props: Any, name: str) -> Any:
    """A core property python-docx fails to give is one the file does not have: an empty date element (its parser
    raises TypeError on None), a part whose root is not cp:coreProperties (AttributeError). Metadata never makes a
    report unreadable: the body is what is checked."""
    try:
        return getattr(props, name)
    except (TypeError, ValueError, AttributeError):
        return None


def w3cdtf(text: object) -> dt.datetime | None:
    """The datetime python-docx's parser gives for `text` when it is plainly "YYYY-MM-DDThh:mm:ss" followed by
    anything but a six-character offset (which python-docx applies), else None. The strptime template that reads
    such a text is the only one of the four that can; values out of range are left to python-docx."""
    if text.__class__ is not str:
        return None
    match = _W3CDTF.fullmatch(text, 0, 19)  # type: ignore[arg-type]
    if match is None or len(text) - 19 == 6:  # type: ignore[arg-type]
        return None
    try:
        value = dt.datetime(*map(int, match.groups()))
    except ValueError:
        return None
    return value.replace(tzinfo=dt.timezone.utc)
