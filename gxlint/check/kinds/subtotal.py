"""Subtotal rows a filer added (小计/合计): each must equal the standard rows of its group just above it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.origin import Origin
from gxlint.report import TableRow

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"table": {"type": "string"}, "labels": {"type": "array", "items": {"type": "string"}}},
    "required": ["table"],
    "additionalProperties": False,
}


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"table": options["table"], "labels": options.get("labels", ["小计", "合计"])}


def _key(o: Origin) -> tuple[int, ...]:
    return (o.page or 0, o.table or 0, o.row or 0, o.paragraph or 0, o.line or 0, o.col or 0)


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    table = ctx.report.tables.get(rule.compiled["table"])
    if table is None or not table.found:
        return
    labels = rule.compiled["labels"]
    if not any(row.extra and any(lbl in row.label for lbl in labels) for row in table.rows):
        return  # no subtotal row: nothing to sort
    rows = sorted(table.rows, key=lambda r: _key(r.origin))
    for i, row in enumerate(rows):
        if not row.extra or not any(lbl in row.label for lbl in rule.compiled["labels"]):
            continue
        above = [r for r in rows[:i] if not r.extra]
        if not above:
            continue
        group = above[-1].id.rsplit("_", 1)[0]
        members: list[TableRow] = [r for r in above if r.id.rsplit("_", 1)[0] == group and r.id != group]
        if not members:
            continue
        for cell in row.cells:
            parts = [m_cell for m in members for m_cell in m.cells if m_cell.col == cell.col]
            if not cell.is_number or not all(p.is_number for p in parts):
                continue
            total = sum(p.value for p in parts)  # type: ignore[misc]
            if abs(total - cell.value) > 1e-6:  # type: ignore[operator]
                yield ctx.finding(rule, {"left": cell.value, "right": total, "row_label": row.label}, cell=cell,
                                  cells=tuple(parts), data={"left": cell.value, "right": total})
