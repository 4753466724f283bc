"""Equations and inequalities over named cells, for each row or column: the arithmetic of the tables.

    kind: equation
    table: t3
    for_each: rows            # rows | cols | none
    rows: [r1, r2, ...]       # or "all" (every standard row found)
    assert: "t3.$row.total = sum(t3.$row.@applicants)"
    when: "..."               # optional precondition

A cell that holds no number makes the equation unknown, not false: blank cells are GX201's business.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gxlint.check.closures import Compiled, cell_refs, compile_expr
from gxlint.check.context import Context
from gxlint.check.expr import Node, Unknown, evaluate, parse, substitute
from gxlint.check.kinds.common import DEFAULT_SETS, CellResolver
from gxlint.check.rule import Rule
from gxlint.findings import Finding
from gxlint.report import StdTable

_ONE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "table": {"type": "string"},
        "for_each": {"enum": ["rows", "cols", "none"]},
        "rows": {"oneOf": [{"const": "all"}, {"type": "array", "items": {"type": "string"}}]},
        "cols": {"oneOf": [{"const": "all"}, {"type": "array", "items": {"type": "string"}}]},
        "sets": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        "assert": {"type": "string"},
        "when": {"type": "string"},
        "label": {"type": "string"},
    },
    "required": ["table", "assert"],
    "additionalProperties": False,
}
# one equation, or several under `all:` (each with its own table, for_each and assert)
OPTIONS: dict[str, Any] = {
    "type": "object",
    "properties": {**_ONE["properties"], "all": {"type": "array", "items": _ONE, "minItems": 1}},
    "additionalProperties": False,
    "oneOf": [{"required": ["table", "assert"]}, {"required": ["all"]}],
}


def compile(options: dict[str, Any]) -> list[dict[str, Any]]:
    # parse once with placeholder variables so a malformed expression is a rule-file error at load time
    probe = {"row": "r", "col": "c"}
    specs = options["all"] if "all" in options else [options]
    for spec in specs:
        parse(substitute(spec["assert"], probe))
        if spec.get("when"):
            parse(substitute(spec["when"], probe))
    # "_fast": (variable, layout) → the when/assert closures (closures.py); "_plans": (rows or columns, layout) →
    # every variable with its closures; both filled as reports come
    return [{**s, "_fast": {}, "_plans": {}} for s in specs]


def _items(opts: dict[str, Any], ctx: Context, axis: str) -> list[str]:
    table = ctx.report.tables.get(opts["table"])
    chosen = opts.get(axis, "all")
    if chosen != "all":
        return list(chosen)
    if table is None:
        return []
    if axis == "rows":
        return [r.id for r in table.rows if not r.extra]
    lay = ctx.layout
    spec = lay.table(opts["table"]) if lay else None
    return [c.id for c in spec.columns] if spec else []


def _sides(node: Node) -> tuple[Node, Node] | None:
    if node.op in ("=", "!=", "<", "<=", ">", ">="):
        return node.args[0], node.args[1]
    return None


def run(rule: Rule, ctx: Context) -> Iterator[Finding]:
    for opts in rule.compiled:
        yield from _run_one(rule, ctx, opts)


Closures = tuple[Compiled | None, Compiled]


def _closures(opts: dict[str, Any], var: dict[str, str], layout: str | None) -> Closures:
    """The when and assert of one row or column, compiled once per rule, variable and layout."""
    key = (var.get("row") or var.get("col") or "", layout)
    memo: dict[tuple[str, str | None], Closures] = opts["_fast"]
    found = memo.get(key)
    if found is None:
        refs = cell_refs({**DEFAULT_SETS, **(opts.get("sets") or {})}, layout)
        when = compile_expr(parse(substitute(opts["when"], var)), refs) if opts.get("when") else None
        found = memo[key] = (when, compile_expr(parse(substitute(opts["assert"], var)), refs))
    return found


def _variables(opts: dict[str, Any], ctx: Context) -> list[dict[str, str]]:
    mode = opts.get("for_each", "none")
    if mode == "rows":
        return [{"row": r} for r in _items(opts, ctx, "rows")]
    if mode == "cols":
        return [{"col": c} for c in _items(opts, ctx, "cols")]
    return [{}]


Plan = tuple[tuple[dict[str, str], Compiled | None, Compiled], ...]


def _plan(opts: dict[str, Any], ctx: Context) -> Plan:
    """Each row or column to check with its compiled when and assert, once per rule, layout and list of rows."""
    mode = opts.get("for_each", "none")
    items = tuple(_items(opts, ctx, mode)) if mode in ("rows", "cols") else ()
    layout = ctx.report.layout
    plans: dict[tuple[tuple[str, ...], str | None], Plan] = opts["_plans"]
    plan = plans.get((items, layout))
    if plan is None:
        if len(plans) >= 256:  # tables missing different rows make different lists: keep the memo bounded
            plans.clear()
        plan = plans[(items, layout)] = tuple((var, *_closures(opts, var, layout)) for var in _variables(opts, ctx))
    return plan


def _run_one(rule: Rule, ctx: Context, opts: dict[str, Any]) -> Iterator[Finding]:
    table = ctx.report.tables.get(opts["table"])
    if table is None or not table.found:
        return
    env = ctx.numbers
    for var, when, check in _plan(opts, ctx):
        try:  # the fast test; what fires is evaluated again below, recording the cells it involves
            if (when is not None and not when(env)) or check(env):
                continue
        except Unknown:
            continue
        f = _finding(rule, ctx, opts, table, var)
        if f is not None:
            yield f


def _finding(rule: Rule, ctx: Context, opts: dict[str, Any], table: StdTable, var: dict[str, str]) -> Finding | None:
    resolver = CellResolver(ctx.report, opts.get("sets"))
    try:
        if opts.get("when") and not evaluate(parse(substitute(opts["when"], var)), resolver):
            return None
        node = parse(substitute(opts["assert"], var))
        if evaluate(node, resolver):
            return None
        sides = _sides(node)
        left = evaluate(sides[0], resolver) if sides else None
        right = evaluate(sides[1], resolver) if sides else None
    except Unknown:
        return None
    lay = ctx.layout
    spec = lay.table(opts["table"]) if lay else None
    cells = tuple(dict.fromkeys(resolver.touched))
    anchor = cells[0] if cells else None
    values: dict[str, Any] = {"left": left, "right": right, "label": opts.get("label", "")}
    if "row" in var:
        row = table.row(var["row"])
        values["row_label"] = row.label if row else var["row"]
    if "col" in var and spec:
        values["col_label"] = next((c.label for c in spec.columns if c.id == var["col"]), var["col"])
    data = {"left": left, "right": right, "expression": substitute(opts["assert"], var)}
    return ctx.finding(rule, values, cell=anchor, cells=cells, data=data)
