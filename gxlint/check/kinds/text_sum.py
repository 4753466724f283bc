"""Arithmetic inside the text: a stated total followed by "其中" and its parts ("共N条，其中A条、B条…")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex

from gxlint.check.context import Context
from gxlint.check.kinds.common import scope_text
from gxlint.check.rule import Rule
from gxlint.findings import Finding

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "scope": {"type": "string"},
        "units": {"type": "array", "items": {"type": "string"}},
        "min_parts": {"type": "integer", "minimum": 2},
        "window": {"type": "integer", "minimum": 20},
    },
    "additionalProperties": False,
}


_CLAUSE_END = regex.compile(r"[。；;\n\x1f\x1e]|[）)](?![^（(]*[）)])")


def compile(options: dict[str, Any]) -> dict[str, Any]:
    units = options.get("units", ["条", "件", "个", "项"])
    unit = "(?:" + "|".join(regex.escape(u) for u in units) + ")"
    return {
        "scope": options.get("scope", "body"),
        # [0-9], not \d: the regex module knows digits of newer Unicode than int() does (U+1E5F1 is \d to it)
        "total": regex.compile(rf"(?<![0-9])(?P<total>[0-9]+)(?P<unit>{unit})[,，、;；:：]?\s*[（(]?\s*其中"),
        "part": regex.compile(rf"(?<![0-9.])(?P<n>[0-9]+)(?P<unit>{unit})(?!\s*[%％])"),
        "min_parts": options.get("min_parts", 2),
        "window": options.get("window", 400),
    }


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    o = rule.compiled
    text, base = scope_text(ctx, o["scope"])
    for m in o["total"].finditer(text, timeout=1.0):
        total, unit = int(m.group("total")), m.group("unit")
        # the parts run to the end of the sentence (or the closing bracket of "（其中…）")
        tail = text[m.end(): m.end() + o["window"]]
        stop = _CLAUSE_END.search(tail)
        clause = tail[: stop.start()] if stop else tail
        parts = [int(p.group("n")) for p in o["part"].finditer(clause) if p.group("unit") == unit]
        if len(parts) < o["min_parts"]:
            continue
        stated = sum(parts)
        if stated == total or (stated < total and "等" in clause[-8:]):
            continue
        if stated > total and len(parts) > 1 and parts[0] == total:
            continue  # "共10条，其中10条…" restating the total: not a breakdown
        yield ctx.finding(rule, {"total": total, "unit": unit, "sum": stated, "count": len(parts),
                                 "match": text[m.start(): m.end() + min(len(clause), 40)]},
                          origin=ctx.report.origin_at(base + m.start()) if base >= 0 else None,
                          snippet=text[m.start(): m.end()], data={"left": total, "right": stated})
