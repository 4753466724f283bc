"""The docx body walked element by element: the reference walk. It reads any body the reader accepts (tables
holding tables included, through python-docx's tree as well); `docx_stream` reads ordinary bodies faster and must
give the same blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from gxlint.origin import Origin
from gxlint.read.document import Block, Line, RawCell, Table, join_pieces
from gxlint.read.docx_numbering import _Numbering
from gxlint.read.docx_xml import (
    _BREAKS,
    _HIDDEN,
    _P,
    _P_PR,
    _TBL,
    _TC,
    _TC_PR,
    _TR,
    _TR_PR,
    _W,
    _WRAPPERS,
    MAX_COLSPAN,
    MAX_ROWSPAN,
    _cell_props,
    _child,
    _clean,
    _flag,
    _int_attr,
    _merge_state,
)


def _children(el: etree._Element, wanted: str) -> Iterator[etree._Element]:
    """`wanted` children in order, looking through content controls and other wrappers."""
    stack = list(reversed(el))
    while stack:
        child = stack.pop()
        if child.tag == wanted:
            yield child
        elif child.tag in _WRAPPERS:
            stack.extend(reversed(child))


def _blocks(el: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables directly in a body or cell, in order, through wrappers."""
    for child in el:
        tag = child.tag
        if tag == _P or tag == _TBL:
            yield child
        elif tag in _WRAPPERS:
            yield from _blocks(child)


# what _paragraph_lines does with an element, by tag; any other element is looked into
_SKIP, _TEXT, _TAB, _BREAK, _HYPHEN = range(5)
_TEXT_KINDS: dict[str, int] = {
    **dict.fromkeys(_HIDDEN, _SKIP), _P: _SKIP, _TBL: _SKIP, _W + "t": _TEXT, _W + "tab": _TAB, _W + "ptab": _TAB,
    **dict.fromkeys(_BREAKS, _BREAK), _W + "noBreakHyphen": _HYPHEN,
}


def _paragraph_lines(p: etree._Element) -> tuple[list[str], etree._Element | None]:
    """The paragraph's visible text split at manual line breaks (w:br, w:cr), and its first w:pPr (found on the
    same pass over its children, for the numbering)."""
    lines: list[list[str]] = [[]]
    p_pr = None
    for child in p:
        if child.tag == _P_PR:
            if p_pr is None:
                p_pr = child
            continue  # hidden
        _visit(child, lines)
    return ["".join(parts) for parts in lines], p_pr


def _visit(el: etree._Element, lines: list[list[str]]) -> None:
    # depth-first in document order; libxml2 caps nesting at 256 levels, well inside Python's recursion limit
    tag = el.tag
    if tag.__class__ is not str:  # comments, processing instructions
        return
    kind = _TEXT_KINDS.get(tag)
    if kind is None:
        for child in el:
            _visit(child, lines)
    elif kind == _TEXT:
        lines[-1].append(el.text or "")
    elif kind == _TAB:
        lines[-1].append("\t")
    elif kind == _BREAK:
        lines.append([])
    elif kind == _HYPHEN:
        lines[-1].append("-")


@dataclass
class _CellRec:
    text: str
    origin: Origin
    colspan: int
    header: bool
    rowspan: int = 1


@dataclass
class _Walker:
    numbering: _Numbering
    blocks: list[Block] = field(default_factory=list)
    paragraph_count: int = 0
    table_count: int = 0

    def body(self, body: etree._Element) -> None:
        for el in _blocks(body):
            if el.tag == _P:
                self.paragraph_count += 1
                self._lines(el, Origin(paragraph=self.paragraph_count))
            else:
                self._table(el)

    def _lines(self, p: etree._Element, origin: Origin) -> None:
        lines, p_pr = _paragraph_lines(p)
        lines[0] = self.numbering.label(p_pr) + lines[0]
        for line in lines:
            text = _clean(line)
            if text:
                self.blocks.append(Line(text, origin))

    def _table(self, tbl: etree._Element) -> None:
        self.table_count += 1
        number = self.table_count
        if next(tbl.iterdescendants(_TBL), None) is not None:
            self._container(tbl, number)
            return
        rows = _merged_rows(tbl, number, self._cell_text)
        if any(rows):
            origin = Origin(table=number)
            self.blocks.append(Table(rows=tuple(tuple(_freeze(c) for c in row) for row in rows), origin=origin))

    def _container(self, tbl: etree._Element, number: int) -> None:
        """A table holding tables is page layout: its text becomes lines, the inner tables are tables."""
        for r, tr in enumerate(_children(tbl, _TR), start=1):
            for c, tc in enumerate(_children(tr, _TC), start=1):
                for el in _blocks(tc):
                    if el.tag == _P:
                        self._lines(el, Origin(table=number, row=r, cell=c))
                    else:
                        self._table(el)

    def _cell_text(self, tc: etree._Element) -> str:
        pieces: list[str] = []
        for p in _blocks(tc):
            if p.tag != _P:
                continue  # not reached: a cell holding a table makes its table a container
            lines, p_pr = _paragraph_lines(p)
            lines[0] = self.numbering.label(p_pr) + lines[0]
            pieces.extend(_clean(line) for line in lines)
        return join_pieces(pieces)


def _freeze(c: _CellRec) -> RawCell:
    return RawCell(c.text, c.origin, min(c.rowspan, MAX_ROWSPAN), c.colspan, c.header)


def _merged_rows(tbl: etree._Element, number: int, cell_text: Callable[[etree._Element], str]) -> list[list[_CellRec]]:
    """Rows of cells with Word's merges folded: a w:vMerge continuation adds one to the rowspan of the cell above
    it in the same grid column, a w:hMerge continuation widens the cell to its left; neither is emitted."""
    rows: list[list[_CellRec]] = []
    above: dict[int, _CellRec] = {}
    for r, tr in enumerate(_children(tbl, _TR), start=1):
        tr_pr = _child(tr, _TR_PR)
        header = _flag(_child(tr_pr, _W + "tblHeader")) if tr_pr is not None else False
        col = _int_attr(_child(tr_pr, _W + "gridBefore"), 0)
        row: list[_CellRec] = []
        below: dict[int, _CellRec] = {}
        for c, tc in enumerate(_children(tr, _TC), start=1):
            grid_span, h_merge, v_merge = _cell_props(_child(tc, _TC_PR))
            span = max(1, min(_int_attr(grid_span, 1), MAX_COLSPAN))
            if _merge_state(h_merge) == "continue" and row:
                row[-1].colspan = min(row[-1].colspan + span, MAX_COLSPAN)
                col += span
                continue
            start = above.get(col)
            if _merge_state(v_merge) == "continue" and start is not None:
                start.rowspan += 1
                below[col] = start
                col += span
                continue
            rec = _CellRec(cell_text(tc), Origin(table=number, row=r, cell=c), span, header)
            row.append(rec)
            below[col] = rec
            col += span
        rows.append(row)
        above = below
    return rows
