"""A required part is missing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.recognise.layouts import load_parts

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"require": {"type": "array", "items": {"enum": list("一二三四五六")}}},
    "additionalProperties": False,
}


def compile(options: dict[str, Any]) -> list[str]:
    return options.get("require", list("一二三四五六"))


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    canon = {p["number"]: p["canonical"] for p in load_parts()["parts"]}
    present = {p.number for p in ctx.report.parts}
    for number in rule.compiled:
        if number not in present:
            yield ctx.finding(rule, {"part": number, "canonical": f"{number}、{canon[number]}"})
