"""Parts numbered wrongly or out of order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
NUMERALS = "一二三四五六七八九十"


def compile(options: dict[str, Any]) -> None:
    return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for part in ctx.report.parts:
        expected = NUMERALS.index(part.number) + 1
        if part.ordinal and part.ordinal != expected:
            yield ctx.finding(rule, {"part": part.number, "heading": part.heading,
                                     "printed": NUMERALS[part.ordinal - 1] if part.ordinal <= 10 else part.ordinal},
                              origin=part.origin, snippet=part.heading)
