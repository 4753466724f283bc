"""A standard table lacks rows of its layout, or has rows the layout does not have."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tables": {"type": "array", "items": {"type": "string"}},
        "extra_rows": {"type": "boolean"},
        "missing_rows": {"type": "boolean"},
    },
    "additionalProperties": False,
}


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"tables": options.get("tables"), "extra": options.get("extra_rows", True),
            "missing": options.get("missing_rows", True)}


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    lay = ctx.layout
    if lay is None:
        return
    for table in ctx.report.tables.values():
        if rule.compiled["tables"] and table.id not in rule.compiled["tables"]:
            continue
        if not table.found:
            continue
        if rule.compiled["missing"] and table.missing_rows:
            spec = lay.table(table.id)
            labels = {r.id: (r.prefix + r.label if r.prefix else r.label) for r in spec.rows} if spec else {}
            names = "、".join(f"「{labels.get(m, m)}」" for m in table.missing_rows)
            yield ctx.finding(rule, {"table": table.name, "problem": f"缺少{names}行"}, origin=table.origin,
                              snippet=f"{table.id}:missing:{','.join(table.missing_rows)}")
        if rule.compiled["extra"]:
            for row in table.rows:
                if row.extra:
                    yield ctx.finding(rule, {"table": table.name, "problem": f"多出官方格式没有的「{row.label}」行"},
                                      origin=row.origin, snippet=f"{table.id}:extra:{row.label}")
