"""The txt/md reader's fast row splitting reads exactly what the plain one it replaced read (the reference below is
that code), on lines of pipes, tabs, spaces, empty cells, markdown rules and comments."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from gxlint.origin import Origin
from gxlint.read import text as text_reader
from gxlint.read.document import Block, Document, Line, RawCell, Table

_COMMENT = regex.compile(r"^\s*<!--.*-->\s*$")
_MD_RULE = regex.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def ref_split_row(text: str, lineno: int) -> tuple[RawCell, ...]:
    sep = "|" if "|" in text else "\t"
    pieces: list[tuple[int, str]] = []
    start = 0
    parts = text.split(sep)
    for part in parts[:-1]:
        pieces.append((start, part))
        start += len(part) + 1
    tail = parts[-1]
    if tail.strip():
        pieces.append((start, tail))
    if text.strip() == "|" and text[:1].isspace():
        return (RawCell("", Origin(line=lineno, col=1)),)
    if sep == "|" and text.lstrip().startswith("|") and pieces and not pieces[0][1].strip():
        pieces = pieces[1:]
    cells = []
    for offset, raw in pieces:
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        cells.append(RawCell(stripped, Origin(line=lineno, col=offset + lead + 1)))
    return tuple(cells)


_LINE = st.lists(st.sampled_from(["|", "|", "\t", " ", "  ", "\u3000", "\x1c", "0", "12", "自然人", "-", "--", ":--",
                                  "<!--", "-->", "gxlint-disable", "x"]), max_size=16).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_LINE, st.integers(1, 500))
def test_split_row_as_before(line: str, lineno: int) -> None:
    assert text_reader._split_row(line, lineno) == ref_split_row(line, lineno)


def ref_parse_text(text: str, path: str, fmt: str) -> Document:
    blocks: list[Block] = []
    rows: list[tuple[RawCell, ...]] = []
    table_start = 0

    def flush() -> None:
        if rows:
            blocks.append(Table(rows=tuple(rows), origin=Origin(line=table_start, col=1)))
            rows.clear()

    for lineno, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip("\r\n")
        if _COMMENT.match(line):
            continue
        if ("|" in line or "\t" in line.strip("\t ")) and not text_reader._is_prose_with_bar(line):
            if _MD_RULE.match(line):
                continue
            if not rows:
                table_start = lineno
            rows.append(ref_split_row(line, lineno))
            continue
        flush()
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            blocks.append(Line(stripped, Origin(line=lineno, col=lead + 1)))
    flush()
    return Document(path=path, format=fmt, blocks=tuple(blocks))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_parse_text_as_before(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert text_reader.parse_text(text, "x.md", "md") == ref_parse_text(text, "x.md", "md")


def plain(doc: Document) -> Document:
    """The document with each txt table as the plain Table of its cells."""
    blocks = tuple(Table(b.rows, b.origin) if isinstance(b, Table) else b for b in doc.blocks)
    return Document(doc.path, doc.format, blocks, doc.meta, doc.encoding)


_WIDE_LINE = st.lists(st.sampled_from(["|", "|", "\t", " ", "\u3000", "0", "１２", "自然人", "臺灣", "“x”", "-", "--",
                                       "a b", "x"]), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WIDE_LINE, max_size=12))
def test_stream_of_a_txt_table_as_of_its_cells(lines: list[str]) -> None:
    """The token stream splits a txt table's lines itself: it is the stream of the cells `rows` makes."""
    from gxlint.recognise import stream

    doc = text_reader.parse_text("\n".join(lines), "x.txt", "txt")
    assert any(type(b) is text_reader.TextTable for b in doc.blocks) == any(isinstance(b, Table) for b in doc.blocks)
    assert stream.build(doc) == stream.build(plain(doc))


def test_a_txt_table_compares_hashes_and_pickles_as_its_plain_table() -> None:
    import pickle

    doc = text_reader.parse_text("a | 1 | 2\n | b\t| 3 |\n", "x.txt", "txt")
    (table,) = doc.tables()
    assert type(table) is text_reader.TextTable
    same = Table(table.rows, table.origin)
    assert table == same and same == table and hash(table) == hash(same) and repr(table) == repr(same)
    assert type(pickle.loads(pickle.dumps(table))) is Table and pickle.loads(pickle.dumps(table)) == same
    assert table.grid() == same.grid()


def test_text_positions_share_their_origins() -> None:
    from gxlint.origin import COL_BITS, at_line_col

    assert at_line_col(3, 7) is at_line_col(3, 7) and at_line_col(3, 7) == Origin(3, 7)
    far = at_line_col(3, 1 << COL_BITS)  # a column the key cannot hold: made afresh, never confused with line 4
    assert far == Origin(3, 1 << COL_BITS) and far is not at_line_col(3, 1 << COL_BITS)
    assert at_line_col(4, 0) == Origin(4, 0)


def test_stream_of_a_long_txt_table_line_as_of_its_cells() -> None:
    """A line too long to be remembered (stream._LONG_ROW) is split all the same."""
    from gxlint.recognise import stream

    line = " | ".join(["臺灣１２", "0", "a b"] * 80)
    assert len(line) > stream._LONG_ROW
    doc = text_reader.parse_text(f"标题\n{line}\n| x | 1 |\n", "x.txt", "txt")
    assert stream.build(doc) == stream.build(plain(doc))
