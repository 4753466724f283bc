"""What recognition understood: the typed report model every rule reads. Values are immutable."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from gxlint.origin import Origin

# a cell is a number, blank, a placeholder, text, or unreadable — never guessed (design principle 5)
NUMBER = "number"
BLANK = "blank"
PLACEHOLDER = "placeholder"
TEXT = "text"
UNREADABLE = "unreadable"
MISSING = "missing"


# treated as immutable but not frozen, for the same reason as Origin (origin.py): hundreds per report
@dataclass(slots=True, unsafe_hash=True)
class Cell:
    table: str
    row: str
    col: str
    state: str
    raw: str
    origin: Origin
    value: float | int | None = None
    unit: str | None = None
    note: str | None = None  # text beside the number ("（其中修订16件）"), or why it is unreadable

    @property
    def is_number(self) -> bool:
        return self.state == NUMBER and self.value is not None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"row": self.row, "col": self.col, "state": self.state, "raw": self.raw,
                             "value": self.value, "origin": self.origin.as_dict()}
        if self.unit:
            d["unit"] = self.unit
        if self.note:
            d["note"] = self.note
        return d


@dataclass(frozen=True)
class TableRow:
    id: str
    label: str  # the label as printed (raw)
    cells: tuple[Cell, ...]
    origin: Origin
    extra: bool = False  # a row the official layout does not have
    legacy: bool = False  # matched by the other layout's wording


@dataclass(frozen=True)
class StdTable:
    id: str
    name: str
    found: bool
    rows: tuple[TableRow, ...]
    missing_rows: tuple[str, ...]
    origin: Origin
    caption_found: bool = True

    @functools.cached_property
    def _index(self) -> tuple[dict[str, TableRow], dict[str, dict[str, Cell]]]:
        """The first row of each id and, in it, the first cell of each column (what a scan would find): rules look
        cells up thousands of times per report."""
        # built backwards so the first of each key is written last; by row, then column: string keys hash once
        rows = {r.id: r for r in reversed(self.rows)}
        cells = {rid: {c.col: c for c in reversed(r.cells)} for rid, r in rows.items()}
        return rows, cells

    def row(self, row_id: str) -> TableRow | None:
        return self._index[0].get(row_id)

    def cell(self, row_id: str, col_id: str) -> Cell | None:
        row = self._index[1].get(row_id)
        return row.get(col_id) if row is not None else None

    def cell_index(self) -> dict[str, dict[str, Cell]]:
        """row id → column id → what `cell` returns, for callers that look up many cells (compiled rules)."""
        return self._index[1]


@dataclass(frozen=True)
class Part:
    number: str  # 一 … 六
    heading: str  # heading as printed
    canonical: bool  # the official wording (else a variant)
    origin: Origin
    start: int  # offsets into Report.text
    body_start: int
    end: int
    ordinal: int  # the numeral as printed (may differ from `number` when misnumbered)


@dataclass(frozen=True)
class YearMention:
    year: int
    source: str  # title / period / body / closing / published / intro
    text: str
    origin: Origin
    offset: int = -1


@dataclass(frozen=True)
class Report:
    path: str
    format: str
    layout: str | None  # "2019" | "2021" | "pre-2019" | None
    layout_scores: dict[str, int]
    title: str | None
    title_origin: Origin | None
    agency: str | None
    year: int | None  # the report year: from the title, else inferred (see `year_source`)
    year_source: str | None
    title_years: tuple[int, ...]
    period: tuple[str, str] | None  # the statistical period as ISO dates, when stated
    period_mention: YearMention | None
    closing_date: str | None
    closing_mention: YearMention | None
    body_years: tuple[YearMention, ...]
    parts: tuple[Part, ...]
    tables: dict[str, StdTable]
    text: str  # normalised full text (tokens joined by "\n"), what text rules search
    segments: tuple[tuple[int, int, Origin, str], ...]  # (start, end, origin, raw) of each token in `text`
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def part(self, number: str) -> Part | None:
        for p in self.parts:
            if p.number == number:
                return p
        return None

    def part_text(self, number: str) -> str:
        p = self.part(number)
        return self.text[p.body_start:p.end] if p else ""

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        t = self.tables.get(table)
        return t.cell(row, col) if t else None

    def origin_at(self, offset: int) -> Origin:
        """The original position of a character of `text`."""
        import bisect

        starts = [s[0] for s in self.segments]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return Origin()
        start, end, origin, raw = self.segments[i]
        from gxlint.normalise import normalise_with_map

        _, index = normalise_with_map(raw)
        k = offset - start
        if 0 <= k < len(index):
            return origin.shifted(index[k])
        return origin
