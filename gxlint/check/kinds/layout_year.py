"""The layout does not fit the report year; labels of the other layout inside a table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.recognise.layouts import load_layouts

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"check": {"enum": ["year", "legacy_labels"]}},
    "required": ["check"],
    "additionalProperties": False,
}
NAMES = {"2019": "2019年版格式（国办公开办函〔2019〕60号）", "2021": "2021年版格式（国办公开办函〔2021〕30号）",
         "pre-2019": "2019年以前的旧格式"}


def compile(options: dict[str, Any]) -> str:
    return options["check"]


def _expected(year: int) -> str | None:
    for lay in load_layouts():
        if lay.applies_to(year):
            return lay.id
    return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if rule.compiled == "year":
        if r.year is None or r.layout is None:
            return
        expected = _expected(r.year)
        if expected and r.layout != expected:
            yield ctx.finding(rule, {"layout": NAMES.get(r.layout, r.layout), "expected": NAMES[expected],
                                     "year": r.year}, snippet=f"layout:{r.layout}")
        return
    for table in r.tables.values():
        for row in table.rows:
            if row.legacy:
                yield ctx.finding(rule, {"table": table.name, "label": row.label}, origin=row.origin,
                                  snippet=f"{table.id}:{row.label}")
