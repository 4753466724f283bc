"""Title and dates from docProps/core.xml, as python-docx's CoreProperties gives them, without its date parser's
cost in the common case.

python-docx parses a W3CDTF date by trying four strptime templates and keeping the last that fits (a failed
strptime raises and costs tens of microseconds): a date written as Word writes it ("2025-12-03T06:30:00Z") is
read here directly, and anything else goes through python-docx's own parser.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_W3CDTF = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})")


def core_meta(root: Any) -> dict[str, str]:
    """As `_props_meta(CoreProperties(root))` for the root python-docx's parser made of docProps/core.xml."""
    from docx.opc.coreprops import CoreProperties
    from docx.oxml.coreprops import CT_CoreProperties

    from gxlint.read.docx import _props_meta

    if not isinstance(root, CT_CoreProperties):  # not a core-properties part: python-docx decides what happens
        return _props_meta(CoreProperties(root))
    meta: dict[str, str] = {}
    title = root.title_text
    if title and title.strip():
        meta["title"] = title.strip()
    for key in ("created", "modified"):
        value = _datetime_of_element(root, key)
        if value is not None:
            meta[key] = value.date().isoformat()
    return meta


def _datetime_of_element(root: Any, name: str) -> dt.datetime | None:
    """CT_CoreProperties._datetime_of_element, with the fast path first."""
    element = getattr(root, name)
    if element is None:
        return None
    text = element.text
    fast = w3cdtf(text)
    if fast is not None:
        return fast
    try:
        return type(root)._parse_W3CDTF_to_datetime(text)
    except ValueError:  # as python-docx: an invalid date is ignored
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
