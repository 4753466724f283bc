"""pdf through fpdf2 with a CJK TrueType font (gxlint.write.fonts). Tables are drawn cell by cell: every cell, merged
or not, is one bordered rectangle, so pdfplumber finds the table and its merged cells from the ruling lines."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from gxlint.write import WriteError
from gxlint.write.draft import Draft
from gxlint.write.fonts import FontNotFoundError, find_cjk_font
from gxlint.write.grid import CAPTION, GROUP, LABEL, NOTE, Grid
from gxlint.write.view import CAPTION as CAPTION_PARA
from gxlint.write.view import DATE, HEADING, SIGNATURE, TITLE, Block, Para, TableBlock, layout_blocks

FAMILY = "cjk"
MARGIN = 20.0  # mm
PAD = 1.0  # mm inside a table cell
TABLE_FONT = 8.0  # pt; shrunk when a table would not fit on one page
MIN_TABLE_FONT = 5.0


@dataclass(frozen=True)
class _Style:
    size: float
    line: float  # line height, mm
    align: str
    before: float = 0.0
    after: float = 1.5


_STYLES = {
    TITLE: _Style(16, 9, "C", after=6),
    HEADING: _Style(13, 8, "L", before=3, after=2),
    SIGNATURE: _Style(11, 6.5, "R", before=6, after=0),
    DATE: _Style(11, 6.5, "R"),
}
_DEFAULT = _Style(11, 6.5, "L")


def _new_pdf(title: str) -> FPDF:
    try:
        font = find_cjk_font()
    except FontNotFoundError as exc:
        raise WriteError(str(exc)) from exc
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    try:
        pdf.add_font(FAMILY, "", font.path, collection_font_number=font.index)
    except Exception as exc:  # a broken or unsupported font file
        raise WriteError(f"cannot use the CJK font {font.path}: {exc}") from exc
    pdf.set_title(title)
    pdf.set_creator("gxlint")
    pdf.add_page()
    return pdf


def _paragraph(pdf: FPDF, para: Para) -> None:
    style = _STYLES.get(para.role, _DEFAULT)
    pdf.set_font(FAMILY, size=style.size)
    if style.before:
        pdf.ln(style.before)
    pdf.multi_cell(0, style.line, para.text, align=style.align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if style.after:
        pdf.ln(style.after)


def _lines(pdf: FPDF, width: float, text: str) -> list[str]:
    if not text:
        return [""]
    return pdf.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES) or [""]


def _measure(pdf: FPDF, grid: Grid, col_w: list[float], size: float) -> tuple[list[float], float]:
    """Row heights (mm) for the grid at font `size`, and the line height."""
    pdf.set_font(FAMILY, size=size)
    lh = size * 0.3528 * 1.25
    base = lh + 2 * PAD
    heights = [base] * len(grid.rows)
    tall: list[tuple[int, int, float]] = []
    for r, c, cell in grid.placed():
        w = sum(col_w[c:c + cell.colspan]) - 2 * PAD
        need = len(_lines(pdf, w, cell.text)) * lh + 2 * PAD
        if cell.rowspan == 1:
            heights[r] = max(heights[r], need)
        else:
            tall.append((r, cell.rowspan, need))
    for r, span, need in tall:
        have = sum(heights[r:r + span])
        if have < need:
            heights[r + span - 1] += need - have
    return heights, lh


@dataclass(frozen=True)
class _Fit:
    col_w: list[float]
    heights: list[float]
    line: float
    size: float

    @property
    def height(self) -> float:
        return sum(self.heights)


def _fit(pdf: FPDF, grid: Grid) -> _Fit:
    """Column widths and row heights, at the largest font size (≤ TABLE_FONT) at which the table fits on a page."""
    usable_w = pdf.w - pdf.l_margin - pdf.r_margin
    page_h = pdf.h - pdf.t_margin - pdf.b_margin
    col_w = [usable_w * w / sum(grid.widths) for w in grid.widths]
    size = TABLE_FONT
    heights, lh = _measure(pdf, grid, col_w, size)
    while sum(heights) > page_h and size > MIN_TABLE_FONT:
        size -= 0.5
        heights, lh = _measure(pdf, grid, col_w, size)
    return _Fit(col_w, heights, lh, size)


def _room(pdf: FPDF) -> float:
    return pdf.h - pdf.b_margin - pdf.get_y()


def _table(pdf: FPDF, grid: Grid) -> None:
    fit = _fit(pdf, grid)
    if fit.height > _room(pdf):
        pdf.add_page()
    pdf.set_font(FAMILY, size=fit.size)
    col_w, heights, lh = fit.col_w, fit.heights, fit.line
    top, left = pdf.get_y(), pdf.l_margin
    auto, margin = pdf.auto_page_break, pdf.b_margin
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.3)
    for r, c, cell in grid.placed():
        x = left + sum(col_w[:c])
        y = top + sum(heights[:r])
        w = sum(col_w[c:c + cell.colspan])
        h = sum(heights[r:r + cell.rowspan])
        pdf.rect(x, y, w, h)
        if cell.text:
            lines = _lines(pdf, w - 2 * PAD, cell.text)
            pdf.set_xy(x + PAD, y + (h - len(lines) * lh) / 2)
            align = "L" if cell.role in (LABEL, GROUP, CAPTION, NOTE) else "C"
            pdf.multi_cell(w - 2 * PAD, lh, cell.text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_auto_page_break(auto, margin=margin)
    pdf.set_xy(left, top + fit.height + 4)


def _keep_with_next(pdf: FPDF, para: Para, following: list[Block]) -> None:
    """A heading or caption is not left at the foot of a page: start a page when it and what follows (the whole
    table, or two lines of text) would not fit together, but would on a new page."""
    if para.role not in (HEADING, CAPTION_PARA) or not following:
        return
    style = _STYLES.get(para.role, _DEFAULT)
    nxt = following[0]
    after = _fit(pdf, nxt.grid).height if isinstance(nxt, TableBlock) else 2 * _STYLES.get(nxt.role, _DEFAULT).line
    need = style.before + style.line + style.after + after
    if need > _room(pdf) and need <= pdf.h - pdf.t_margin - pdf.b_margin:
        pdf.add_page()


@contextlib.contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools warns about every table of the font it cannot subset (e.g. the BDF bitmaps of WenQuanYi)."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def write_pdf(draft: Draft) -> bytes:
    pdf = _new_pdf(draft.title)
    blocks = layout_blocks(draft, combine_t2=True)
    for i, block in enumerate(blocks):
        if isinstance(block, TableBlock):
            _table(pdf, block.grid)
        else:
            _keep_with_next(pdf, block, blocks[i + 1:i + 2])
            _paragraph(pdf, block)
    with _quiet_fonttools():
        return bytes(pdf.output())
