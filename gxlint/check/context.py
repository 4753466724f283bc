"""What a check kind gets besides the report: the layout, and a helper that builds findings consistently."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gxlint.check.closures import Numbers
from gxlint.check.rule import Rule
from gxlint.findings import CellRef, Finding, RowContext
from gxlint.origin import Origin
from gxlint.recognise.layouts import Layout, layout
from gxlint.report import UNREADABLE, Cell, Report, StdTable


@dataclass
class Context:
    report: Report
    english: bool = False
    related: tuple[Report, ...] = ()  # other reports of the same agency (batch runs only)
    others: tuple[Report, ...] = ()  # reports of other agencies (batch runs only)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def numbers(self) -> Numbers:
        """The report's cells for compiled expressions, shared by every rule of this report."""
        numbers = self.cache.get("numbers")
        if numbers is None:
            numbers = self.cache["numbers"] = Numbers(self.report)
        return numbers

    @property
    def layout(self) -> Layout | None:
        try:  # every table rule asks, and layout() walks the loaded layouts
            return self.cache["layout"]  # type: ignore[no-any-return]
        except KeyError:
            lay = self.cache["layout"] = (layout(self.report.layout) if self.report.layout in ("2019", "2021")
                                          else None)
            return lay

    def cell_ref(self, cell: Cell) -> CellRef:
        lay = self.layout
        spec = lay.labels(cell.table) if lay else None  # labels only: no pattern compiled (the cross-report pass)
        table_name = spec.name if spec else cell.table
        col_label = cell.col
        row_label = cell.row
        if spec:
            col_label = spec.columns.get(cell.col, col_label)
            row_label = spec.rows.get(cell.row, row_label)
        if cell.row.startswith("extra:"):
            row_label = cell.row[6:]
        if spec is not None and spec.single_row:
            row_label = ""  # 表四 has one unlabelled data row: its columns say everything
        return CellRef(cell.table, cell.row, cell.col, table_name, row_label, col_label)

    def finding(self, rule: Rule, values: dict[str, Any], origin: Origin | None = None, cell: Cell | None = None,
                cells: tuple[Cell, ...] = (), snippet: str = "", data: dict[str, Any] | None = None) -> Finding:
        ref = self.cell_ref(cell) if cell is not None else None
        refs = tuple(self.cell_ref(c) for c in cells)
        if ref is not None:
            where = (f"{ref.table_name}「{ref.row_label}」行「{ref.col_label}」列" if ref.row_label
                     else f"{ref.table_name}「{ref.col_label}」")
            values = {"table": ref.table_name, "row_label": ref.row_label, "col_label": ref.col_label,
                      "where": where, "raw": cell.raw if cell else "", **values}
        values.setdefault("year", self.report.year)
        return Finding(
            code=rule.code, level=rule.level, message=rule.format(values), path=self.report.path,
            origin=origin if origin is not None else (cell.origin if cell is not None else Origin()),
            cell=ref, values=data or {}, cells=refs, rule_name=rule.name,
            snippet=snippet or (cell.raw if cell is not None else ""),
            message_en=rule.format(values, english=True) if rule.message_en else "",
            # without a cell of its own (a sentence checked against cells), the finding still carries what its
            # cells hold: a renderer without the report (a batch, the cache) would otherwise show them as blank
            context=self.row_context(cell, cells) if cell is not None else (
                RowContext("", (), tuple(_shown(c) for c in cells)) if cells else None),
        )

    def row_context(self, cell: Cell, cells: tuple[Cell, ...]) -> RowContext | None:
        table = self.report.tables.get(cell.table)
        if not isinstance(table, StdTable):  # a cross-report Summary's tables hold digests, not rows
            return None
        row = table.row(cell.row)
        if row is None:
            return None
        labels = self._column_labels(cell.table)
        return RowContext(row.label, tuple((c.col, labels.get(c.col, c.col), _shown(c)) for c in row.cells),
                          tuple(_shown(c) for c in cells))

    def _column_labels(self, table_id: str) -> dict[str, str]:
        """Column id → label of a layout table, once per report (every cell finding of the table asks)."""
        key = ("column_labels", table_id)
        labels = self.cache.get(key)
        if labels is None:
            lay = self.layout
            spec = lay.labels(table_id) if lay else None
            labels = self.cache[key] = dict(spec.columns) if spec else {}
        return labels


def _shown(cell: Cell) -> str:
    """A cell's text as a renderer draws it in a row: a row read as unreadable gives each of its cells the text
    of the row's first value, which drawn in every column would read as that value ("[22] 22 22" for a row that
    printed "22 | 235")."""
    return "（无法读取）" if cell.state == UNREADABLE else cell.raw
