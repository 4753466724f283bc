"""The intermediate document every reader produces: ordered text lines and tables, each with its source position.

Readers know formats; they know nothing about annual reports. Recognition works on this value only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gxlint.origin import Origin

MAX_GRID_CELLS = 1_000_000  # positions of one table's expanded grid (the official tables have a few hundred)
# lines, paragraphs, table cells or elements one file may hold: real reports have under 2,000, and every piece costs
# time and memory in the reader and in recognition (1 MB of "|" is a million cells; 4 MB of "<p>a" a million lines)
MAX_PIECES = 200_000


def too_many(count: int, what: str) -> ReadError:
    return ReadError(f"文件含有约 {count} 个{what}，远超一份年度报告（上限 {MAX_PIECES}），疑似恶意或损坏的文件，已拒绝")


# RawCell and Line are treated as immutable but not frozen, for the same reason as Origin (origin.py)
@dataclass(slots=True, unsafe_hash=True)
class RawCell:
    """One table cell as the source has it (spans not yet expanded)."""

    text: str
    origin: Origin
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Line:
    """A line (or paragraph) of running text."""

    text: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Table:
    """A table: rows of source cells in source order. `grid()` expands row/col spans so every position is
    addressable; copies made by a span point at the same RawCell."""

    rows: tuple[tuple[RawCell, ...], ...]
    origin: Origin

    def grid(self) -> list[list[RawCell | None]]:
        """Raises ReadError (GX001) when the expanded grid would exceed MAX_GRID_CELLS positions: 1,000 rows of
        <td rowspan="1000" colspan="64"> (40 KB of HTML) would otherwise expand to 64 million."""
        occupied: dict[tuple[int, int], RawCell] = {}
        nrows = len(self.rows)
        ncols = 0
        for r, row in enumerate(self.rows):
            c = 0
            for cell in row:
                while (r, c) in occupied:
                    c += 1
                # spans are capped: a hostile rowspan="1000000" must not allocate a million rows
                rs = min(max(1, cell.rowspan), nrows - r)
                cs = min(max(1, cell.colspan), 64)
                ncols = max(ncols, c + cs)
                if len(occupied) + rs * cs > MAX_GRID_CELLS or nrows * ncols > MAX_GRID_CELLS:
                    raise ReadError(f"表格展开合并单元格后过大（超过 {MAX_GRID_CELLS} 个单元格），已拒绝")
                for dr in range(rs):
                    for dc in range(cs):
                        occupied[(r + dr, c + dc)] = cell
                c += cs
        return [[occupied.get((r, c)) for c in range(ncols)] for r in range(nrows)]


Block = Line | Table


@dataclass(frozen=True)
class Document:
    """What a reader saw. `format` is txt/md/html/docx/pdf; `meta` holds format extras (html <title>, pdf info)."""

    path: str
    format: str
    blocks: tuple[Block, ...]
    meta: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None

    def lines(self) -> list[Line]:
        return [b for b in self.blocks if isinstance(b, Line)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


class ReadError(Exception):
    """A file that cannot be read. `code` is the GX0 code to report (GX001 unreadable, GX002 not a report)."""

    def __init__(self, message: str, code: str = "GX001") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def join_pieces(pieces: Iterable[str]) -> str:
    """The lines of one table cell (paragraphs, <br>) as one text: "本年新" + "制作数量" read as one label, but two
    ASCII numbers keep a space between them so "6" + "251000元" never fuses into one number."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            out += " "
        out += piece
    return out
