"""The document as one normalised string: every line and every table cell a token, each with its origin.

Lines are followed by "\\n", table cells by "\\x1f" and the last cell of a table row by "\\x1e", so value
segments can be split on any of them while narrative text stays readable.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import regex

from gxlint.normalise import normalise
from gxlint.origin import AT_LINE_COL, COL_BITS, Origin, at_line_col
from gxlint.read.document import Document, Line, Table
from gxlint.read.text import TextTable, split_cells

CELL, ROW, LINE = "\x1f", "\x1e", "\n"
SEPARATORS = CELL + ROW + LINE
_TERMINAL = set("。；;！!？?：:")
_NUMBERED = regex.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十0-9]+\)|[0-9]+[.、]|第[一二三四五六七八九十]+)")


@dataclass(frozen=True)
class Stream:
    text: str
    segments: tuple[tuple[int, int, Origin, str], ...]  # start, end, origin, raw text
    line_starts: frozenset[int]  # offsets where a Line token starts (not a table cell)


def _token(text: str) -> tuple[str, str]:
    """A token's normalised text and its raw text, both stripped."""
    return normalise(text).strip(), text.strip()


def _split_tokens(line: str) -> tuple[str, tuple[tuple[int, int, int, str], ...]]:
    """A txt table line's part of the stream: its cells' normalised texts, each followed by CELL and the last by
    ROW, and each cell's (start, end) in that text, its column and its raw text."""
    texts, cols = split_cells(line)
    parts: list[str] = []
    cells = []
    pos = 0
    for text, col in zip(texts, cols, strict=True):
        norm, raw = _short_token(text) if len(text) <= _SHORT else _token(text)
        cells.append((pos, pos + len(norm), col, raw))
        parts.append(norm)
        parts.append(CELL)
        pos += len(norm) + 1
    if parts:
        parts[-1] = ROW
    return "".join(parts), tuple(cells)


# a table line seen before (a header, a row of zeros) is not split and normalised again; a long one is not kept
_LONG_ROW = 512
_row_tokens = functools.lru_cache(maxsize=16384)(_split_tokens)


# table cells and short lines repeat ("0", "自然人", …): remembered, as normalise remembers short texts
_SHORT = 48
_short_token = functools.lru_cache(maxsize=32768)(_token)


def build(doc: Document) -> Stream:
    parts: list[str] = []
    segments: list[tuple[int, int, Origin, str]] = []
    line_starts: set[int] = set()
    pos = 0
    shared_origin, short_line = AT_LINE_COL.get, 1 << COL_BITS
    # one loop, no helper call per token: this runs for every line and cell of every report
    for block in doc.blocks:
        if isinstance(block, Line):
            text = block.text
            norm, raw = _short_token(text) if len(text) <= _SHORT else _token(text)
            line_starts.add(pos)
            segments.append((pos, pos + len(norm), block.origin, raw))
            parts.append(norm)
            parts.append(LINE)
            pos += len(norm) + 1
        elif type(block) is TextTable:
            # a txt/md table: its lines split here, no RawCell made (read/text.py), and a line seen before (a
            # table's header, a row of zeros) not even split
            for lineno, line in block.lines:
                row, cells = _row_tokens(line) if len(line) <= _LONG_ROW else _split_tokens(line)
                if len(line) < short_line:  # (its columns fit in a key of AT_LINE_COL)
                    at = lineno << COL_BITS
                    for start, end, col, raw in cells:
                        origin = shared_origin(at | col)
                        segments.append((pos + start, pos + end, origin or at_line_col(lineno, col), raw))
                else:
                    segments.extend((pos + start, pos + end, Origin(lineno, col), raw) for start, end, col, raw in cells)
                parts.append(row)
                pos += len(row)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    text = cell.text
                    norm, raw = _short_token(text) if len(text) <= _SHORT else _token(text)
                    segments.append((pos, pos + len(norm), cell.origin, raw))
                    parts.append(norm)
                    parts.append(CELL)
                    pos += len(norm) + 1
                if row:
                    parts[-1] = ROW  # the last cell of a row
    return Stream("".join(parts), tuple(segments), frozenset(line_starts))


def flow(stream: Stream) -> tuple[str, list[int] | None]:
    """The text with wrapped lines rejoined (PDF and markdown extractions break sentences at the page edge).
    Returns the flowed text and a map from its offsets to `stream.text` offsets (None when nothing was joined)."""
    text = stream.text
    cut: list[int] = []
    for start in stream.line_starts:
        if start == 0:
            continue
        prev = start - 1  # the "\n" before this line
        if text[prev] != LINE or prev == 0:
            continue
        before = text[prev - 1]
        if before in _TERMINAL or before in SEPARATORS:
            continue
        if _NUMBERED.match(text, start):
            continue
        cut.append(prev)
    if not cut:
        return text, None
    cut.sort()
    out: list[str] = []
    index: list[int] = []
    last = 0
    for c in cut:
        out.append(text[last:c])
        index.extend(range(last, c))
        last = c + 1
    out.append(text[last:])
    index.extend(range(last, len(text)))
    return "".join(out), index
