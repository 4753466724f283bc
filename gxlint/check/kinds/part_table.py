"""A part that must hold a table has none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"parts": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}},
    "required": ["parts"],
    "additionalProperties": False,
}


def compile(options: dict[str, Any]) -> dict[str, list[str]]:
    return options["parts"]


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    for number, table_ids in rule.compiled.items():
        part = r.part(number)
        if part is None:
            continue  # GX101's business
        tables = [r.tables[t] for t in table_ids if t in r.tables]
        if tables and not any(t.found for t in tables):
            yield ctx.finding(rule, {"part": number, "heading": part.heading}, origin=part.origin,
                              snippet=part.heading)
