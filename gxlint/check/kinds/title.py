"""The title: the official phrase, and an agency named in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {"check": {"enum": ["phrase", "agency"]}, "phrase": {"type": "string"}},
    "required": ["check"],
    "additionalProperties": False,
}


_SPACE = regex.compile(r"\s+")


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"check": options["check"], "phrase": options.get("phrase", "政府信息公开工作年度报告")}


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    r = ctx.report
    if not r.title:
        return  # no title at all is GX401's business
    title = _SPACE.sub("", r.title)
    if rule.compiled["check"] == "phrase":
        if rule.compiled["phrase"] not in title:
            yield ctx.finding(rule, {"title": r.title, "phrase": rule.compiled["phrase"]}, origin=r.title_origin,
                              snippet=r.title)
    elif not r.agency:
        yield ctx.finding(rule, {"title": r.title}, origin=r.title_origin, snippet=r.title)
