"""A draft laid out as the printed report: a sequence of paragraphs and tables, the same for every format."""

from __future__ import annotations

from dataclasses import dataclass

from gxlint.write.draft import NUMBERS, Draft
from gxlint.write.grid import Grid, grids_for_part

# paragraph roles
TITLE, INTRO, HEADING, BODY, CAPTION, SIGNATURE, DATE = "title", "intro", "heading", "body", "caption", "signature", "date"


@dataclass(frozen=True)
class Para:
    text: str
    role: str = BODY


@dataclass(frozen=True)
class TableBlock:
    grid: Grid


Block = Para | TableBlock


def _paragraphs(text: str, role: str) -> list[Para]:
    return [Para(line.strip(), role) for line in text.split("\n") if line.strip()]


def layout_blocks(draft: Draft, combine_t2: bool) -> list[Block]:
    """Title, introduction, the parts in order (heading, text, then the part's tables), closing signature and date.
    `combine_t2`: 表二 as one table with caption rows (html, docx, pdf), else one table per 第二十条 item, each under
    its caption line (md, txt). A part left out of the draft loses its heading and text; tables the draft still has
    for it stay where the part would stand."""
    out: list[Block] = []
    if draft.title:
        out.append(Para(draft.title, TITLE))
    out.extend(_paragraphs(draft.intro, INTRO))
    for number in NUMBERS:
        if number in draft.parts:
            out.append(Para(draft.heading(number), HEADING))
            out.extend(_paragraphs(draft.parts[number], BODY))
        for caption, grid in grids_for_part(draft.layout, number, draft.cells, combine_t2):
            if caption:
                out.append(Para(caption, CAPTION))
            out.append(TableBlock(grid))
    if draft.signature:
        out.append(Para(draft.signature, SIGNATURE))
    if draft.date:
        out.append(Para(draft.date, DATE))
    return out
