"""Predicates over single cells: blank or placeholder, text, negative, not an integer, a unit typed in, unreadable."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.report import BLANK, MISSING, NUMBER, PLACEHOLDER, TEXT, UNREADABLE, Cell, StdTable, TableRow

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "match": {"enum": ["blank_or_placeholder", "text", "negative", "non_integer", "unit", "unreadable",
                            "amount_unit"]},
        "tables": {"type": "array", "items": {"type": "string"}},
        "column_kinds": {"type": "array", "items": {"enum": ["count", "signed", "amount"]}},
        "skip_extra_rows": {"type": "boolean"},
        "max_per_table": {"type": "integer", "minimum": 1},
        # row: one finding per row naming all its matching cells (for unreadable fused rows)
        "per": {"enum": ["cell", "row"]},
    },
    "required": ["match"],
    "additionalProperties": False,
}
_WORDS = regex.compile(r"[^\d\s,.+\-]")
# the cell states each match can be true for (the value matches need a number)
_STATES = {"blank_or_placeholder": (BLANK, PLACEHOLDER), "text": (TEXT,), "unreadable": (UNREADABLE, MISSING)}
_STATE_WORDS = {BLANK: "空白", PLACEHOLDER: "占位符", TEXT: "文字", UNREADABLE: "无法可靠读取", MISSING: "缺失"}


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"match": options["match"], "tables": options.get("tables"), "kinds": options.get("column_kinds"),
            "skip_extra": options.get("skip_extra_rows", True), "max": options.get("max_per_table", 1000),
            "per": options.get("per", "cell")}


def _hit(match: str, cell: Cell, kind: str, unit: str | None = None) -> bool:
    if match == "blank_or_placeholder":
        return cell.state in (BLANK, PLACEHOLDER)
    if match == "text":
        return cell.state == TEXT
    if match == "unreadable":
        return cell.state in (UNREADABLE, MISSING)
    if cell.state != NUMBER or cell.value is None:
        return False
    if match == "negative":
        return cell.value < 0 and kind != "signed"
    if match == "non_integer":
        return kind != "amount" and isinstance(cell.value, float) and not float(cell.value).is_integer()
    if match == "unit":
        # the printed text holds more than a number (a unit, a remark); cells split from fused digits do not
        return kind != "amount" and bool(_WORDS.search(cell.raw))
    if match == "amount_unit":
        if kind != "amount" or not cell.value:
            return False
        if unit:  # the layout prints the unit in the header (收费金额 in 万元): another unit in the cell is wrong
            return bool(cell.unit) and cell.unit != unit
        return not cell.unit  # no unit in the header nor in the cell: the amount cannot be read
    return False


Columns = tuple[dict[str, str], dict[str, str | None]]  # column id → kind, column id → unit of a layout table
Unusual = list[tuple[StdTable, Columns, list[tuple[TableRow, list[Cell]]]]]


def _not_plain(cells: Iterable[Cell], amounts: frozenset[str]) -> list[Cell]:
    """The cells that are not plain. Plain is a non-negative integer printed as ASCII digits alone, outside an amount
    column: no match can be true of it (not a blank, text or unreadable state; not negative, fractional, or with
    words; amount_unit needs an amount)."""
    return [c for c in cells if not (c.state == NUMBER and type(c.value) is int and c.value >= 0
                                     and c.col not in amounts and c.raw.isdigit() and c.raw.isascii())]


_COLUMNS: dict[int, tuple[Any, Columns, frozenset[str]]] = {}  # id(layout table) → (it, its columns, amounts)


def _columns(spec: Any) -> tuple[Columns, frozenset[str]]:
    """A layout table's column kinds and units, and its amount columns: fixed per layout, so built once."""
    entry = _COLUMNS.get(id(spec))
    if entry is None or entry[0] is not spec:
        if len(_COLUMNS) >= 256:  # layouts are few; a rule pack reloaded in a long run must not pile up
            _COLUMNS.clear()
        columns = ({c.id: c.kind for c in spec.columns}, {c.id: c.unit for c in spec.columns})
        entry = _COLUMNS[id(spec)] = (spec, columns, frozenset(c for c, kind in columns[0].items() if kind == "amount"))
    return entry[1], entry[2]


def _unusual(ctx: Context) -> Unusual:
    """Per report, once for every cell rule: the rows of the layout's tables with the cells that are not plain,
    in table, row and cell order. A clean report has few, so each rule tests those instead of every cell (and
    a table with none is left out: no rule could find anything in it)."""
    found: Unusual | None = ctx.cache.get("cell_unusual")
    if found is not None:
        return found
    found = []
    lay = ctx.layout
    if lay is not None:
        for table in ctx.report.tables.values():
            spec = lay.table(table.id)
            if spec is None:
                continue
            columns, amounts = _columns(spec)
            rows = [(row, cells) for row in table.rows if (cells := _not_plain(row.cells, amounts))]
            if rows:
                found.append((table, columns, rows))
    ctx.cache["cell_unusual"] = found
    return found


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    if ctx.layout is None:
        return
    opts = rule.compiled
    states = _STATES.get(opts["match"], (NUMBER,))  # no other state can match: skip the rest cheaply
    for table, (kinds, units), rows in _unusual(ctx):
        if opts["tables"] and table.id not in opts["tables"]:
            continue
        count = 0
        for row, cells in rows:
            if row.extra and opts["skip_extra"]:
                continue
            hits = [c for c in cells if c.state in states
                    and (not opts["kinds"] or kinds.get(c.col, "count") in opts["kinds"])
                    and _hit(opts["match"], c, kinds.get(c.col, "count"), units.get(c.col))]
            if not hits:
                continue
            groups = [hits] if opts["per"] == "row" else [[c] for c in hits]
            for group in groups:
                if count >= opts["max"]:
                    break
                count += 1
                cell = group[0]
                names = "、".join(f"「{ctx.cell_ref(c).col_label}」" for c in group)
                yield ctx.finding(rule, {"state": _STATE_WORDS.get(cell.state, cell.state), "value": cell.value,
                                         "unit": cell.unit or cell.note or "", "why": cell.note or "",
                                         "count": len(group), "cols": names,
                                         "layout_unit": units.get(cell.col) or ""},
                                  cell=cell, cells=tuple(group) if len(group) > 1 else ())
