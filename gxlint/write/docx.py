"""docx through python-docx: paragraphs, and the official tables with merged cells (gridSpan / vMerge) as the
official template has them."""

from __future__ import annotations

import io

import docx
from docx.document import Document as DocxDocument
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from gxlint.write.draft import Draft
from gxlint.write.grid import CAPTION, GROUP, HEADER, LABEL, NOTE, Grid
from gxlint.write.view import DATE, HEADING, SIGNATURE, TITLE, Para, TableBlock, layout_blocks

BODY_FONT = "宋体"
TEXT_WIDTH_CM = 16.0  # A4 less 2.5 cm margins


def _east_asian(run_or_style_element, font: str) -> None:
    rpr = run_or_style_element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _paragraph(doc: DocxDocument, para: Para) -> None:
    p = doc.add_paragraph()
    run = p.add_run(para.text)
    if para.role == TITLE:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run.bold = True
        run.font.size = Pt(16)
    elif para.role == HEADING:
        run.bold = True
    elif para.role in (SIGNATURE, DATE):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _table(doc: DocxDocument, grid: Grid) -> Table:
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.autofit = False
    unit = TEXT_WIDTH_CM / sum(grid.widths)
    for row in table.rows:
        for c, cell in enumerate(row.cells):
            cell.width = Cm(grid.widths[c] * unit)
    for r, c, gcell in grid.placed():
        target = table.cell(r, c)
        if gcell.rowspan > 1 or gcell.colspan > 1:
            target = target.merge(table.cell(r + gcell.rowspan - 1, c + gcell.colspan - 1))
        target.text = gcell.text
        target.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
        for p in target.paragraphs:
            left = gcell.role in (LABEL, GROUP, CAPTION, NOTE)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.font.size = Pt(9)
                run.bold = gcell.role in (HEADER, CAPTION) or None
    return table


def write_docx(draft: Draft) -> bytes:
    doc = docx.Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian(normal.element, BODY_FONT)
    for section in doc.sections:
        section.left_margin = section.right_margin = Cm(2.5)
    for block in layout_blocks(draft, combine_t2=True):
        if isinstance(block, TableBlock):
            _table(doc, block.grid)
            doc.add_paragraph()
        else:
            _paragraph(doc, block)
    doc.core_properties.title = draft.title
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
