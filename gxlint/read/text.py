"""Plain text and markdown: cells split on "|" or tabs, every cell keeping its line and column."""

from __future__ import annotations

import regex

from gxlint.origin import Origin
from gxlint.read.document import MAX_PIECES, Block, Document, Line, RawCell, Table, too_many
from gxlint.read.encoding import decode

_COMMENT = regex.compile(r"^\s*<!--.*-->\s*$")
_MD_RULE = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _split_row(text: str, lineno: int) -> tuple[RawCell, ...]:
    """Split one delimited line into cells. A leading "|" (markdown) opens the row; the text after the last "|" is a
    cell only when it is not empty (exports end rows with " |")."""
    sep = "|" if "|" in text else "\t"
    if sep == "|" and text[:1].isspace() and text.strip() == "|":
        # " |": an export's empty cell (cells print as "X |"); a bare "|" line is a row border (seed 004)
        return (RawCell("", Origin(lineno, 1)),)
    parts = text.split(sep)  # str.split, not a loop over characters: this runs on every table line
    if not parts[-1].strip():
        parts.pop()  # (an empty text after the last separator is no cell)
    start = 0
    if sep == "|" and parts and not parts[0].strip():
        # the row opens with "|" (nothing but spaces before it)
        start = len(parts[0]) + 1
        del parts[0]
    cells = []
    for part in parts:
        stripped = part.strip()
        # Origin and RawCell positionally: their keyword form costs more, once per cell of every table line
        cells.append(RawCell(stripped, Origin(lineno, start + len(part) - len(part.lstrip()) + 1)))
        start += len(part) + 1
    return tuple(cells)


def parse_text(text: str, path: str, fmt: str, encoding: str | None = None) -> Document:
    blocks: list[Block] = []
    rows: list[tuple[RawCell, ...]] = []
    table_start = 0

    def flush() -> None:
        if rows:
            blocks.append(Table(rows=tuple(rows), origin=Origin(line=table_start, col=1)))
            rows.clear()

    for lineno, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if "<!--" in line and _COMMENT.match(line):
            # a comment line (gxlint-disable …) is not report text and must not split a table; suppress.py
            # reads the directives from the raw file, by line number
            continue
        if ("|" in line or "\t" in line.strip("\t ")) and not _is_prose_with_bar(line):
            if "--" in line and _MD_RULE.match(line):
                continue
            if not rows:
                table_start = lineno
            rows.append(_split_row(line, lineno))
            continue
        flush()
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            blocks.append(Line(stripped, Origin(line=lineno, col=lead + 1)))
    flush()
    return Document(path=path, format=fmt, blocks=tuple(blocks), encoding=encoding)


def _is_prose_with_bar(line: str) -> bool:
    """A long sentence that happens to hold one "|" (a URL, a breadcrumb) is text, not a table row."""
    return line.count("|") == 1 and "\t" not in line and len(line) > 80 and not line.rstrip().endswith("|")


def read_text(path: str, data: bytes, fmt: str) -> Document:
    # every line and every "|" or tab may become a block or a cell: count them before building any
    marks = data.count(b"\n") + data.count(b"|") + data.count(b"\t")
    if marks > MAX_PIECES:
        raise too_many(marks, "行或单元格")
    text, enc = decode(data)
    return parse_text(text, path, fmt, enc)


def read_txt(path: str, data: bytes) -> Document:
    return read_text(path, data, "txt")


def read_md(path: str, data: bytes) -> Document:
    return read_text(path, data, "md")
