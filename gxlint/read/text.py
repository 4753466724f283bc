"""Plain text and markdown: cells split on "|" or tabs, every cell keeping its line and column."""

from __future__ import annotations

from typing import Any

import regex

from gxlint.origin import Origin, at_line_col
from gxlint.read.document import MAX_PIECES, Block, Document, Line, RawCell, Table, too_many
from gxlint.read.encoding import decode

_COMMENT = regex.compile(r"^\s*<!--.*-->\s*$")
_MD_RULE = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def split_cells(text: str) -> tuple[list[str], list[int]]:
    """Split one delimited line into cells: their stripped texts and their 1-based columns. A leading "|"
    (markdown) opens the row; the text after the last "|" is a cell only when it is not empty (exports end rows
    with " |"). Two lists, not a cell object each: recognition's token stream reads a txt table's rows straight
    from here (recognise/stream.py), and nothing else of a lint run looks at a txt table's cells."""
    sep = "|" if "|" in text else "\t"
    if sep == "|" and text[:1].isspace() and text.strip() == "|":
        # " |": an export's empty cell (cells print as "X |"); a bare "|" line is a row border (seed 004)
        return [""], [1]
    parts = text.split(sep)  # str.split, not a loop over characters: this runs on every table line
    if not parts[-1].strip():
        parts.pop()  # (an empty text after the last separator is no cell)
    start = 1
    if sep == "|" and parts and not parts[0].strip():
        # the row opens with "|" (nothing but spaces before it)
        start = len(parts[0]) + 2
        del parts[0]
    texts = [part.strip() for part in parts]
    cols = []
    for part in parts:
        # a cell's column: where its text starts after the leading spaces (none, most often: lstrip gives it back)
        cols.append(start + len(part) - len(part.lstrip()))
        start += len(part) + 1
    return texts, cols


def _split_row(text: str, lineno: int) -> tuple[RawCell, ...]:
    """The cells of one delimited line, each with its origin."""
    texts, cols = split_cells(text)
    # Origin and RawCell positionally: their keyword form costs more
    return tuple(RawCell(t, Origin(lineno, c)) for t, c in zip(texts, cols, strict=True))


class TextTable(Table):
    """A txt/md table kept as its lines (line number, text): its cells (`rows`) are made only when asked. A lint
    run never asks — the token stream splits the lines itself (`split_cells`) — so the reader makes no RawCell
    and no Origin for a cell, and each line is split once, not once here and once there.

    Equal to, hashed as and pickled as the plain Table of its rows."""

    __slots__ = ("lines", "_rows")

    def __init__(self, lines: tuple[tuple[int, str], ...], origin: Origin) -> None:
        object.__setattr__(self, "lines", lines)
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "_rows", None)

    @property  # type: ignore[override]  # (a field of Table, computed here)
    def rows(self) -> tuple[tuple[RawCell, ...], ...]:
        rows = self._rows
        if rows is None:
            rows = tuple(_split_row(line, lineno) for lineno, line in self.lines)
            object.__setattr__(self, "_rows", rows)
        return rows

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and (self.rows, self.origin) == (other.rows, other.origin)

    def __hash__(self) -> int:
        return hash((self.rows, self.origin))

    def __repr__(self) -> str:
        return f"Table(rows={self.rows!r}, origin={self.origin!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Table, (self.rows, self.origin))


def parse_text(text: str, path: str, fmt: str, encoding: str | None = None) -> Document:
    blocks: list[Block] = []
    rows: list[tuple[int, str]] = []
    table_start = 0

    def flush() -> None:
        if rows:
            blocks.append(TextTable(tuple(rows), Origin(line=table_start, col=1)))
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
            rows.append((lineno, line))
            continue
        flush()
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            blocks.append(Line(stripped, at_line_col(lineno, lead + 1)))
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
