"""Where a piece of text came from in the original file. Every cell and finding carries one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar


# Treated as immutable, not frozen: a frozen __init__ (object.__setattr__ per field) costs three times as much,
# and origins are built for every cell and line of every report
@dataclass(slots=True, unsafe_hash=True)
class Origin:
    """A source position. Text formats use line/col (1-based, Unicode code points); docx uses
    paragraph or table/row/cell (1-based); pdf uses page and a box (points, top-left origin)."""

    line: int | None = None
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    paragraph: int | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    # a MappedOrigin: ask it even for the first character (its own fields point at the line's block, not its text)
    mapped: ClassVar[bool] = False

    def shifted(self, chars: int) -> Origin:
        """The same line, `chars` code points further right (for a match inside a line)."""
        if self.line is None or self.col is None or not chars:
            return self
        return Origin(self.line, self.col + chars, page=self.page, paragraph=self.paragraph,
                      table=self.table, row=self.row, cell=self.cell, bbox=self.bbox)

    def as_tuple(self) -> tuple[int | tuple[float, float, float, float] | None, ...]:
        """The fields in order: Origin(*o.as_tuple()) == o. What compact records (cross-report summaries) keep."""
        return (self.line, self.col, self.end_line, self.end_col, self.page, self.bbox, self.paragraph, self.table,
                self.row, self.cell)

    def describe(self) -> str:
        """Human wording, in Chinese, as shown to clerks ("第12行第3列", "第2页", "表格1第3行第2格")."""
        parts: list[str] = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"表格{self.table}")
            if self.row is not None:
                parts.append(f"第{self.row}行")
            if self.cell is not None:
                parts.append(f"第{self.cell}格")
        elif self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        if self.line is not None:
            where = f"第{self.line}行" + (f"第{self.col}列" if self.col is not None else "")
            # inside a table the cell says where; the source line is a pointer for editors
            parts.append(f"（源文件{where}）" if parts else where)
        return "".join(parts) or "全文"

    def as_dict(self) -> dict[str, object]:
        return {k: v for k, v in zip(Origin.__slots__, self.as_tuple(), strict=True) if v is not None}


class MappedOrigin(Origin):
    """The origin of a line whose text is not a plain copy of the source (HTML: the text of several elements with
    markup and entities between them), with a way to find where its k-th character stands. `shifted` asks it
    (lazily: only for the few characters a finding points at) and falls back to the line's own origin — never to
    counting characters from the start tag, which lands inside the markup.

    Equal to, hashed as and pickled as the plain Origin of its fields: the mapping stays in the reading process."""

    __slots__ = ("_locate",)
    mapped: ClassVar[bool] = True

    def __init__(self, base: Origin, locate: Callable[[int], tuple[int, int] | None]) -> None:
        super().__init__(base.line, base.col, base.end_line, base.end_col, base.page, base.bbox, base.paragraph,
                         base.table, base.row, base.cell)
        self._locate = locate

    def settle(self) -> None:
        """Forget the mapping (and the page it holds): its report has been checked."""
        self._locate = _nowhere

    def shifted(self, chars: int) -> Origin:
        try:
            where = self._locate(chars)
        except Exception:  # a position is a help for the reader, never worth a crash
            where = None
        if where is None:
            return self.plain()
        return Origin(where[0], where[1], page=self.page, paragraph=self.paragraph, table=self.table, row=self.row,
                      cell=self.cell, bbox=self.bbox)

    def plain(self) -> Origin:
        return Origin(*self.as_tuple())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Origin) and self.as_tuple() == other.as_tuple()

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Origin, self.as_tuple())


def _nowhere(_chars: int) -> None:
    return None


NOWHERE = Origin()


# Origins of plain text positions (line, column), shared: an Origin is never changed once made, and most reports of a
# batch print their tables and headings at the same lines and columns, so most txt cells and lines find theirs here
# instead of making one (fewer objects made, and fewer for the cycle collector to walk: a tenth of a txt report's CPU)
AT_LINE_COL: dict[int, Origin] = {}
COL_BITS = 24  # a key is line << COL_BITS | column; a longer line's positions are not shared


def at_line_col(line: int, col: int) -> Origin:
    """Origin(line, col), shared. The hot loops look `AT_LINE_COL[line << COL_BITS | col]` up themselves first,
    for a line shorter than 1 << COL_BITS."""
    if col >= 1 << COL_BITS:
        return Origin(line, col)
    key = line << COL_BITS | col
    origin = AT_LINE_COL.get(key)
    if origin is None:
        if len(AT_LINE_COL) >= 1 << 15:
            AT_LINE_COL.clear()
        origin = AT_LINE_COL[key] = Origin(line, col)
    return origin
