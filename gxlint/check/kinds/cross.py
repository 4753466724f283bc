"""Across reports (batch runs): this year's carry-over against last year's, running totals of documents and items,
text repeated from last year or copied from another agency, identical tables in two years."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.context import Context
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.report import Report
from gxlint.similarity import containment, shingles

OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "check": {"enum": ["carryover", "running_totals", "text_repeat", "text_copy", "same_tables"]},
        "threshold": {"type": "number", "minimum": 0, "maximum": 1},
        "min_chars": {"type": "integer", "minimum": 0},
    },
    "required": ["check"],
    "additionalProperties": False,
}
T3_COLS = ("natural", "business", "research", "charity", "legal", "other", "total")
COL_NAMES = {"natural": "自然人", "business": "商业企业", "research": "科研机构", "charity": "社会公益组织",
             "legal": "法律服务机构", "other": "其他", "total": "总计"}


def compile(options: dict[str, Any]) -> dict[str, Any]:
    return {"check": options["check"], "threshold": options.get("threshold", 0.8),
            "min_chars": options.get("min_chars", 300)}


def _previous(ctx: Context) -> Report | None:
    r = ctx.report
    if r.year is None:
        return None
    for other in ctx.related:
        if other.year == r.year - 1 and other.path != r.path:
            return other
    return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from globals()["_" + rule.compiled["check"]](rule, ctx)


def _num(report: Report, table: str, row: str, col: str) -> float | int | None:
    c = report.cell(table, row, col)
    return c.value if c is not None and c.is_number else None


def _carryover(rule: Rule, ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    if prev is None:
        return
    for col in T3_COLS:
        now = _num(ctx.report, "t3", "r2", col)
        before = _num(prev, "t3", "r4", col)
        if now is None or before is None or now == before:
            continue
        cell = ctx.report.cell("t3", "r2", col)
        yield ctx.finding(rule, {"col_label": COL_NAMES[col], "now": now, "before": before, "prev_year": prev.year,
                                 "prev_path": prev.path}, cell=cell, data={"left": now, "right": before})


def _running_totals(rule: Rule, ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    r = ctx.report
    if prev is None or r.layout != prev.layout:
        return
    checks: list[tuple[str, str, str, Any, Any]] = []
    if r.layout == "2021":
        for row in ("rules", "normative"):
            vals = [_num(r, "t2_1", row, "valid"), _num(prev, "t2_1", row, "valid"), _num(r, "t2_1", row, "made"),
                    _num(r, "t2_1", row, "repealed")]
            if None not in vals:
                checks.append(("t2_1", row, "valid", vals[0], vals[1] + vals[2] - vals[3]))
    elif r.layout == "2019":
        for table, row in (("t2_5", "licensing"), ("t2_5", "other_services"), ("t2_6", "penalty"),
                           ("t2_6", "coercion"), ("t2_8", "fees")):
            vals = [_num(r, table, row, "prev_items"), _num(prev, table, row, "prev_items"),
                    _num(prev, table, row, "change")]
            if None not in vals:
                checks.append((table, row, "prev_items", vals[0], vals[1] + vals[2]))
    for table, row, col, now, expected in checks:
        if abs(now - expected) > 1e-6:
            cell = r.cell(table, row, col)
            yield ctx.finding(rule, {"now": now, "expected": expected, "prev_year": prev.year}, cell=cell,
                              data={"left": now, "right": expected})


def _body(report: Report) -> str:
    if report.parts:
        return report.text[report.parts[0].start:]
    return report.text


def _text_repeat(rule: Rule, ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    if prev is None:
        return
    yield from _similar(rule, ctx, [prev], same_agency=True)


def _text_copy(rule: Rule, ctx: Context) -> Iterator[Finding]:
    yield from _similar(rule, ctx, list(ctx.others), same_agency=False)


def _similar(rule: Rule, ctx: Context, others: list[Report], same_agency: bool) -> Iterator[Finding]:
    mine_text = _body(ctx.report)
    if len(mine_text) < rule.compiled["min_chars"]:
        return
    mine = ctx.cache.setdefault(("sh", ctx.report.path), shingles(mine_text))
    for other in others:
        text = _body(other)
        if len(text) < rule.compiled["min_chars"]:
            continue
        score = containment(mine, shingles(text))
        if score >= rule.compiled["threshold"]:
            yield ctx.finding(rule, {"similarity": f"{score:.0%}", "other": other.path,
                                     "other_agency": other.agency or other.path, "prev_year": other.year},
                              snippet=f"similar:{other.path}", data={"similarity": round(score, 4),
                                                                      "other": other.path})


def _same_tables(rule: Rule, ctx: Context) -> Iterator[Finding]:
    prev = _previous(ctx)
    if prev is None:
        return
    r = ctx.report
    for tid in ("t3", "t4"):
        a, b = r.tables.get(tid), prev.tables.get(tid)
        if a is None or b is None or not a.found or not b.found:
            continue
        va = [(c.row, c.col, c.value) for row in a.rows for c in row.cells if not row.extra]
        vb = [(c.row, c.col, c.value) for row in b.rows for c in row.cells if not row.extra]
        if va and va == vb and any(v for _, _, v in va if isinstance(v, (int, float))):
            yield ctx.finding(rule, {"table": a.name, "prev_year": prev.year}, origin=a.origin,
                              snippet=f"same:{tid}")
