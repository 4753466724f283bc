"""WordprocessingML tag names and the small element look-ups both docx walkers share."""

from __future__ import annotations

from lxml import etree

MAX_ROWSPAN = 1000
MAX_COLSPAN = 64

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT, _CUSTOM_XML = (
    _W + "p", _W + "tbl", _W + "tr", _W + "tc", _W + "sdt", _W + "sdtContent", _W + "customXml")
# wrappers Word may put around paragraphs, rows or cells (content controls, custom XML, moved or inserted text)
_WRAPPERS = frozenset({_SDT, _SDT_CONTENT, _CUSTOM_XML})
# never shown as body text: deleted revisions, text boxes (and their VML fallback copy), field codes, properties
_HIDDEN = frozenset({
    _W + "del", _W + "moveFrom", _W + "txbxContent", _MC + "Fallback", _W + "instrText", _W + "delText",
    _W + "rPr", _W + "pPr", _W + "sdtPr", _W + "fldData", _W + "rt", _W + "drawing", _W + "pict", _W + "object",
})
_BREAKS = frozenset({_W + "br", _W + "cr"})
_TR_PR, _TC_PR, _P_PR, _NUM_PR, _P_STYLE = _W + "trPr", _W + "tcPr", _W + "pPr", _W + "numPr", _W + "pStyle"
_GRID_SPAN, _H_MERGE, _V_MERGE, _W_VAL = _W + "gridSpan", _W + "hMerge", _W + "vMerge", _W + "val"


def _part_parser() -> etree.XMLParser:
    # python-docx's oxml_parser options (blank text removed, entities never resolved; no network, no DTD and no huge
    # trees are lxml's defaults, spelled out), without its element classes
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False)


def _child(el: etree._Element | None, tag: str) -> etree._Element | None:
    """el.find(tag) for a plain tag: the first such child. A loop over the children is several times faster than
    lxml's path machinery, and these look-ups run for every cell and paragraph."""
    if el is not None:
        for child in el:
            if child.tag == tag:
                return child
    return None


def _clean(text: str) -> str:
    return text.strip(" \t\r\n\f\v\u00a0\u3000\u200b\ufeff")


def _int_attr(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return int(el.get(_W + "val", str(default)))
    except ValueError:
        return default


def _flag(el: etree._Element | None) -> bool:
    """An on/off property: present and not switched off (w:val="0"/"false"/"off")."""
    return el is not None and el.get(_W + "val", "true") not in ("0", "false", "off")


def _merge_state(el: etree._Element | None) -> str | None:
    """w:vMerge / w:hMerge: "restart", "continue" (also written as the bare element), or None."""
    if el is None:
        return None
    return el.get(_W_VAL) or "continue"


def _cell_props(tc_pr: etree._Element | None) -> tuple[etree._Element | None, ...]:
    """The first w:gridSpan, w:hMerge and w:vMerge of a w:tcPr, in one pass over its children."""
    grid_span = h_merge = v_merge = None
    if tc_pr is not None:
        for child in tc_pr:
            tag = child.tag
            if tag == _GRID_SPAN:
                grid_span = grid_span if grid_span is not None else child
            elif tag == _H_MERGE:
                h_merge = h_merge if h_merge is not None else child
            elif tag == _V_MERGE:
                v_merge = v_merge if v_merge is not None else child
    return grid_span, h_merge, v_merge


def _val(el: etree._Element | None) -> str | None:
    return el.get(_W + "val") if el is not None else None
