"""The docx body read in one pass over the elements that matter, for speed; `docx_walk` is the reference.

The element-by-element walk visits every run property and cell width (about three elements in four) and pays a
Python call for each. Here lxml's C iteration yields only paragraphs, tables, rows, cells and text-bearing elements,
in document order, and each one's place is checked by identity against its parent chain, so the blocks are exactly
the walk's: a paragraph counts when only content controls stand between it and the body or its cell (a cell, when
only those stand between it and a row of a table of the body, and so on), and a piece of text belongs to a
paragraph when nothing the walk does not look into (hidden, text or table elements) stands between them. A body
with a table anywhere but directly in the body (a layout table holding tables, a table in a text box) is not read
here: `walk` returns None and the reference walk reads it.
"""

from __future__ import annotations

from itertools import chain

from lxml import etree

from gxlint.origin import Origin
from gxlint.read.document import Block, Line, RawCell, Table, join_pieces
from gxlint.read.docx_numbering import _Numbering
from gxlint.read.docx_walk import _TEXT_KINDS
from gxlint.read.docx_xml import (
    _GRID_SPAN,
    _H_MERGE,
    _NUM_PR,
    _P,
    _P_PR,
    _P_STYLE,
    _TBL,
    _TC,
    _TC_PR,
    _TR,
    _TR_PR,
    _V_MERGE,
    _W,
    _WRAPPERS,
    MAX_COLSPAN,
    MAX_ROWSPAN,
    _child,
    _flag,
    _int_attr,
    _merge_state,
)

_TEXT, _TAB, _BREAK, _HYPHEN, _PROP, _TCPR, _PARA, _CELL, _ROW, _TABLE, _END = range(11)
_KIND = {
    _W + "t": _TEXT, _W + "tab": _TAB, _W + "ptab": _TAB, _W + "br": _BREAK, _W + "cr": _BREAK,
    _W + "noBreakHyphen": _HYPHEN, _GRID_SPAN: _PROP, _H_MERGE: _PROP, _V_MERGE: _PROP, _TC_PR: _TCPR,
    _P: _PARA, _TC: _CELL, _TR: _ROW, _TBL: _TABLE,
}
_STREAM = tuple(_KIND)
_END_TAG = "gxlint-end"  # not in _STREAM: the iteration never yields an element with this tag
_KIND[_END_TAG] = _END
_STOP = frozenset(_TEXT_KINDS)  # what the walk does not look into inside a paragraph (its text kinds included)
_SPACE = " \t\r\n\f\v\u00a0\u3000\u200b\ufeff"  # as docx_xml._clean


def _through_wrappers(el: etree._Element) -> etree._Element | None:
    """The nearest ancestor that is not a content control or custom XML wrapper."""
    parent = el.getparent()
    while parent is not None and parent.tag in _WRAPPERS:
        parent = parent.getparent()
    return parent


def walk(body: etree._Element, numbering: _Numbering) -> list[Block] | None:
    """The blocks the reference walk gives for this body, or None when it cannot say (a table not directly in the
    body, a cell's properties after its text)."""
    blocks: list[Block] = []
    paragraph_count = table_count = 0
    p: etree._Element | None = None  # the paragraph being read (body or emitted cell), else None
    lines: list[str] = []  # its finished lines
    line: list[str] = []  # the line being read
    p_origin: Origin | None = None  # its origin when in the body; None when in a cell
    tbl = tr = tc = None  # the body table, its row and the emitted cell being read
    pieces: list[str] = []  # the cell's lines
    rows: list[list[list]] = []
    row: list[list] = []
    above: dict[int, list] = {}
    below: dict[int, list] = {}
    cell: list | None = None  # [text, row, cell, colspan, header, rowspan]
    r = c = col = 0
    header = False
    # a cell is emitted or merged away by its first w:tcPr's first w:gridSpan, w:hMerge and w:vMerge, which the
    # stream yields after the cell and (as Word writes them) before its text: the decision waits for them
    pending = pending_pr = decided = decided_pr = None
    grid_span = h_merge = v_merge = None
    # a paragraph is numbered through its own w:numPr or its w:pStyle: a body with neither (looked for in C) needs
    # no look-up per paragraph, and the counters never move
    numbered = bool(numbering.nums) and next(body.iter(_NUM_PR, _P_STYLE), None) is not None
    end = etree.Element(_END_TAG)

    for el in chain(body.iter(_STREAM), (end,)):
        kind = _KIND[el.tag]
        if kind <= _HYPHEN:
            if p is None:
                continue
            parent = el.getparent()
            if parent is not p:
                if parent.getparent() is not p or parent.tag in _STOP:
                    while parent is not None and parent.tag not in _STOP:
                        parent = parent.getparent()
                    if parent is not p:
                        continue
            if kind == _TEXT:
                line.append(el.text or "")
            elif kind == _TAB:
                line.append("\t")
            elif kind == _BREAK:
                lines.append("".join(line))
                line = []
            else:
                line.append("-")
            continue
        if kind <= _TCPR:
            parent = el.getparent()
            if pending is not None:
                if kind == _TCPR:
                    if parent is pending and pending_pr is None:
                        pending_pr = el
                    continue
                if parent is pending_pr and pending_pr is not None:
                    tag = el.tag
                    if tag == _GRID_SPAN:
                        grid_span = grid_span if grid_span is not None else el
                    elif tag == _H_MERGE:
                        h_merge = h_merge if h_merge is not None else el
                    else:
                        v_merge = v_merge if v_merge is not None else el
                    continue
            if decided is not None and (parent is decided or parent is decided_pr):
                return None  # a cell's properties after its text: decided too early
            continue

        if pending is not None:  # the cell's properties are all in: emitted, or merged into a neighbour
            span = 1 if grid_span is None else max(1, min(_int_attr(grid_span, 1), MAX_COLSPAN))
            if h_merge is not None and row and _merge_state(h_merge) == "continue":
                row[-1][3] = min(row[-1][3] + span, MAX_COLSPAN)
            elif v_merge is not None and _merge_state(v_merge) == "continue" and (start := above.get(col)) is not None:
                start[5] += 1
                below[col] = start
            else:
                cell = ["", r, c, span, header, 1]
                row.append(cell)
                below[col] = cell
                tc = pending
                pieces = []
            col += span
            decided, decided_pr = pending, pending_pr
            pending = None

        # a structural element: where does it stand?
        parent = el.getparent()
        if kind == _PARA:
            if parent is not body and parent is not tc:
                parent = _through_wrappers(el)
                if parent is not body and parent is not tc:
                    continue  # in a text box, a deleted row, a merged-away cell…: not read
        elif kind == _CELL:
            if parent is not tr:
                parent = _through_wrappers(el)
                if parent is not tr:
                    continue
        elif kind == _ROW:
            if parent is not tbl:
                parent = _through_wrappers(el)
                if parent is not tbl:
                    continue
        elif kind == _TABLE and parent is not body:
            parent = _through_wrappers(el)
            if parent is not body:
                return None  # a table in a table (layout) or elsewhere: the reference walk reads it

        # it starts something (or the body ends): the paragraph being read ends
        if p is not None:
            lines.append("".join(line))
            if p_origin is not None:
                for text in lines:
                    text = text.strip(_SPACE)
                    if text:
                        blocks.append(Line(text, p_origin))
            elif len(lines) == 1:
                pieces.append(lines[0].strip(_SPACE))
            else:
                pieces.extend(text.strip(_SPACE) for text in lines)
            p = None
        if kind == _PARA:
            p = el
            label = numbering.label(_child(el, _P_PR)) if numbered else ""
            line = [label] if label else []
            lines = []
            if parent is body:
                if tbl is not None:  # the table before this paragraph ends, with its last cell and row
                    if cell is not None:
                        cell[0] = pieces[0] if len(pieces) == 1 else join_pieces(pieces)
                        cell = None
                    if tr is not None:
                        rows.append(row)
                    _end_table(blocks, rows, table_count)
                    tbl = tr = tc = None
                paragraph_count += 1
                p_origin = Origin(paragraph=paragraph_count)
            else:
                p_origin = None
            continue
        # a cell, row or table (or the end): the cell being read ends
        if cell is not None:
            cell[0] = pieces[0] if len(pieces) == 1 else join_pieces(pieces)  # join_pieces of one piece is the piece
            cell = None
        tc = None
        if kind == _CELL:
            c += 1
            pending, pending_pr = el, None
            grid_span = h_merge = v_merge = None
            continue
        if tr is not None:  # a row or table: the row being read ends
            rows.append(row)
            above = below
        if kind == _ROW:
            tr = el
            r += 1
            c = 0
            row = []
            below = {}
            tr_pr = _child(el, _TR_PR)
            header = _flag(_child(tr_pr, _W + "tblHeader")) if tr_pr is not None else False
            col = _int_attr(_child(tr_pr, _W + "gridBefore"), 0)
            continue
        if tbl is not None:
            _end_table(blocks, rows, table_count)
        if kind == _END:
            return blocks
        table_count += 1
        tbl = el
        tr = None
        rows = []
        above = {}
        r = 0
    raise AssertionError("not reached: the stream ends with its end marker")


def _end_table(blocks: list[Block], rows: list[list[list]], number: int) -> None:
    if any(rows):
        # Origin's fields by position (paragraph, table, row, cell are its last four): keywords cost a third more;
        # the cell unpacked and a conditional for min(): a fifth less per cell
        blocks.append(Table(rows=tuple([tuple([
            RawCell(text, Origin(None, None, None, None, None, None, None, number, r, c),
                    rowspan if rowspan < MAX_ROWSPAN else MAX_ROWSPAN, colspan, header)
            for text, r, c, colspan, header, rowspan in row]) for row in rows]),
            origin=Origin(table=number)))
